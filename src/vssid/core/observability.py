"""One middleware for what operations see of a request: a request id (echoed as X-Request-ID and
on every log line of the request), the request line in the log, and the request metrics.

It comes first in MIDDLEWARE so that it also times and counts what the outer middleware answer
on their own (static files, HTTPS redirects). The route is the URL pattern's name, never the
path: paths carry confirmation tokens and record ids.
"""
import logging
import re
import time
import uuid

from django.conf import settings

from . import metrics
from .logs import request_id_var

logger = logging.getLogger("vssid.request")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from the reverse proxy (nginx's $request_id, a UUID) is kept so its log and ours can be
# joined. Hexadecimal only: free text in a header could carry anything into the logs.
_SAFE_REQUEST_ID = re.compile(r"[0-9a-fA-F-]{16,64}")
# Probes and scrapes arrive every few seconds: their lines are DEBUG, their metrics still count.
QUIET_ROUTES = {"healthz", "readyz", "metrics"}


def request_id_for(incoming: str | None) -> str:
    if incoming and _SAFE_REQUEST_ID.fullmatch(incoming) and not incoming.isdigit():
        return incoming
    return uuid.uuid4().hex


def route_of(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    if settings.STATIC_URL and request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"  # answered before URL resolution, or no pattern matched (a 404)


class RequestObservabilityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(REQUEST_ID_HEADER))
        request.request_id = request_id  # for lines logged after this middleware returns
        context = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            # Until the view returned: a streamed file's body is sent after this.
            seconds = time.perf_counter() - started
            route = route_of(request)
            metrics.observe_request(route, request.method, response.status_code, seconds)
            level = logging.DEBUG if route in QUIET_ROUTES else (
                logging.WARNING if response.status_code >= 500 else logging.INFO)
            logger.log(level, "request", extra={
                "route": route, "method": metrics.method_label(request.method), "status": response.status_code,
                "duration_ms": round(seconds * 1000, 1),
            })
            response[REQUEST_ID_HEADER] = request_id
            return response
        finally:
            request_id_var.reset(context)
