"""The API instance: its routers, its documentation, and one answer shape for every failure.

Every way a request can fail ends here as ``{"errors": [{"field", "code", "message"}]}`` with the
right status: the API's own refusals (ApiError), ninja's request validation, a missing token, a rate
limit, an unparsable body, a body too large (refused before it is read), an unknown path or method,
and anything unexpected (500, logged with its traceback on the server, never shown).
"""
import functools
import json
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpResponseNotAllowed, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import re_path
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.renderers import JSONRenderer

from vssid.core import outages
from vssid.core.ratelimit import RateLimited
from vssid.declarations.services import DeclarationNotEditable
from vssid.photos.errors import PhotoRejected, RejectionCode

from . import accounts, cards, declarations, errors, limits, places, registry
from .errors import ApiError

log = logging.getLogger(__name__)


class VssidApi(NinjaAPI):
    @property
    def urls(self):
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            pattern.callback = _gated(pattern.callback)
        # Last: any other path under /api/v1/ is a JSON 404, not the web's HTML page (and never a
        # redirect to a slash-ended path, which a client would follow with a GET).
        patterns.append(re_path(r"^.*$", _unknown_path, name="unknown"))
        return patterns, app_name, namespace

    def get_openapi_operation_id(self, operation) -> str:
        # Short, stable ids for generated clients: the endpoint function's name (unique here).
        return operation.view_func.__name__


CACHEABLE = {"list_provinces", "list_communes"}


class Utf8JsonRenderer(JSONRenderer):
    # Vietnamese stays readable in a terminal and a log ("Hà Nội", not "H\u00e0 N\u1ed9i").
    json_dumps_params = {"ensure_ascii": False}


def _gated(view):
    """Refuse a body larger than its endpoint takes before anything reads it; answer 404 and 405 in
    the error shape (ninja's own are plain text)."""

    @functools.wraps(view)
    def gated(request, *args, **kwargs):
        match = request.resolver_match
        limit = limits.body_limit_for(match.url_name if match else None)
        length = limits.declared_length(request)
        if length is None:
            return errors.response(400, [errors.item("bad_request")])
        if length > limit:
            return errors.response(413, [errors.item("request_too_large", limit=limit)])
        try:
            answer = view(request, *args, **kwargs)
        except Http404:
            return errors.response(404, [errors.item("not_found")])
        if isinstance(answer, HttpResponseNotAllowed):
            return errors.response(405, [errors.item("method_not_allowed", method=request.method)],
                                   headers={"Allow": answer["Allow"]})
        if not answer.has_header("Cache-Control"):
            # Answers carry a token or personal data unless they are reference data, which
            # changes only with a release (the 2025 units are in a migration).
            public = match is not None and match.url_name in CACHEABLE and answer.status_code == 200
            answer["Cache-Control"] = "public, max-age=86400" if public else "no-store"
        return answer

    gated.csrf_exempt = True  # a bearer token, not a cookie, authorises these requests
    return gated


def _unknown_path(request, *args, **kwargs):
    return errors.response(404, [errors.item("not_found")])


_unknown_path.csrf_exempt = True


api = VssidApi(
    title="VssID registration API",
    version="1",
    urls_namespace="api-v1",
    description=(
        "Registration for electronic transactions with BHXH Việt Nam, for the VssID app: the same "
        "steps, rules and messages as the web. Errors always read "
        '`{"errors": [{"field", "code", "message"}]}`; see docs/api.md for a whole registration.'
    ),
    # The Swagger UI files come from django-ninja's own static folder (ninja is an installed app),
    # never from a CDN; the validator badge would call validator.swagger.io, so it is off.
    docs=Swagger(settings={"validatorUrl": None}),
    renderer=Utf8JsonRenderer(),
)
api.add_router("", places.router)
api.add_router("", cards.router)
api.add_router("", declarations.router)
api.add_router("", registry.router)
api.add_router("", accounts.router)


# --- every failure in the one shape -------------------------------------------------------------

@api.exception_handler(ApiError)
def _api_error(request, exc: ApiError):
    return errors.response(exc.status, exc.errors, exc.headers)


@api.exception_handler(ValidationError)
def _validation_error(request, exc: ValidationError):
    return errors.response(422, errors.from_validation(exc.errors))


@api.exception_handler(AuthenticationError)
def _unauthorized(request, exc):
    return errors.response(401, [errors.item("unauthorized", "Authorization")], headers={"WWW-Authenticate": "Bearer"})


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    seconds = max(1, int(exc.retry_after))
    return errors.response(429, [errors.item("rate_limited", seconds=seconds)], headers={"Retry-After": str(seconds)})


@api.exception_handler(DeclarationNotEditable)
def _not_editable(request, exc):
    return errors.response(409, [errors.item("declaration_not_editable")])


@api.exception_handler(PhotoRejected)
def _photo_rejected(request, exc: PhotoRejected):
    if exc.code == RejectionCode.NOT_STORED:  # our storage failed, not the photo: the same one, later
        return errors.response(503, [errors.from_photo_rejection(exc)],
                               headers={"Retry-After": str(outages.RETRY_AFTER_SECONDS)})
    status = 413 if exc.code == RejectionCode.TOO_LARGE else 422
    return errors.response(status, [errors.from_photo_rejection(exc)])


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    # Django's own guard on the non-file part of a multipart body.
    return errors.response(413, [errors.item("request_too_large", limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)])


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
@api.exception_handler(MultiPartParserError)
@api.exception_handler(UnreadablePostError)
def _unreadable(request, exc):
    return errors.response(400, [errors.item("bad_request")])


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    # What ninja raises itself: above all a body that is not JSON (400).
    if exc.status_code >= 500:
        return _server_error(request, exc)
    if exc.status_code == 400 and isinstance(exc.__cause__, (json.JSONDecodeError, UnicodeDecodeError)):
        code = "invalid_json"
    else:
        code = {401: "unauthorized", 404: "not_found"}.get(exc.status_code, "bad_request")
    return errors.response(exc.status_code, [errors.item(code)])


@api.exception_handler(Http404)
def _not_found(request, exc):
    return errors.response(404, [errors.item("not_found")])


@api.exception_handler(Exception)
def _server_error(request, exc):
    if outages.database_unavailable(exc):  # a passing outage, not a fault: "try again shortly"
        log.warning("API request failed, database unavailable: %s %s (%s)", request.method, request.path,
                    type(exc).__name__)
        return errors.response(503, [errors.item("service_unavailable")],
                               headers={"Retry-After": str(outages.RETRY_AFTER_SECONDS)})
    # The traceback goes to the server's log (no personal data is in an exception's repr: the card
    # rules' errors show their codes only); the client gets the shape and a sentence.
    log.exception("API request failed: %s %s", request.method, request.path)
    return errors.response(500, [errors.item("server_error")])
