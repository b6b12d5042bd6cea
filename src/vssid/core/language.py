"""Which language a request is answered in.

Pages are in Vietnamese unless the person chose English with the switch on every page (Django's
language cookie, set by /i18n/setlang/). Many phones in Vietnam are set to English, so following
the browser's Accept-Language would show a Vietnamese public service in a language its user never
picked. Apps do say what they want: the JSON API still follows Accept-Language.
"""
from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

API_PREFIX = "/api/"


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        if request.path.startswith(API_PREFIX):
            return super().process_request(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        translation.activate(chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
