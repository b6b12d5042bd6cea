"""Response headers that Django and django-csp do not send themselves (docs/security.md)."""
from django.conf import settings


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` from settings.VSSID_PERMISSIONS_POLICY: which browser features a page
    may use at all (the camera for the card scan, the location for the nearest office)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(f"{feature}={allow}" for feature, allow in settings.VSSID_PERMISSIONS_POLICY.items())

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


def session_subject(request) -> str:
    """The browser session's key, for the per-session rate limits (hashed by the limiter). A visitor
    without a session gets one now, so the next attempt from this browser counts against it too;
    dropping the cookie only starts a new count, which the per-client and per-target limits still
    bound."""
    if not request.session.session_key:
        request.session.create()  # marks the session modified: the middleware sends its cookie
    return request.session.session_key
