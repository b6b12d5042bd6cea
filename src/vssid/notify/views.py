"""The development SMS outbox page: what OutboxSmsGateway "sent", for the developer to read (the
one-time password of a test account, a reset code). Development or staff only: it shows numbers
and secrets."""
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache

from .sms import OutboxSmsGateway


def _may_read_outbox(request) -> bool:
    user = getattr(request, "user", None)  # officers (django.contrib.auth), when installed
    return settings.DEBUG or bool(user is not None and user.is_active and user.is_staff)


@never_cache
def sms_outbox(request):
    if not _may_read_outbox(request):
        raise Http404  # not 403: production does not even admit that the page exists
    gateway_class = import_string(settings.VSSID_SMS_GATEWAY)
    records = OutboxSmsGateway().messages() if issubclass(gateway_class, OutboxSmsGateway) else None
    response = render(request, "notify/sms_outbox.html", {
        "records": records, "gateway": settings.VSSID_SMS_GATEWAY,
    })
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
