"""Error pages that say what to do and never show internals, the probes and metrics, and the pieces
that make the site installable on a phone: the offline page and the service worker."""
import hashlib
import hmac
import json
import sys

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from prometheus_client import CONTENT_TYPE_LATEST

from . import metrics, outages, readiness

# What the service worker keeps for use without a network: the layout's own files, never a page
# with anyone's data. Static URLs go through `static()`, so production gets the hashed names.
OFFLINE_ASSETS = [
    "css/app.css", "js/app.js", "manifest.webmanifest", "icons/icon-192.png",
    "fonts/BeVietnamPro-Regular.ttf", "fonts/BeVietnamPro-SemiBold.ttf", "fonts/BeVietnamPro-Bold.ttf",
]


def healthz(request):
    """Liveness: the process answers. It checks nothing else, so a database outage does not get
    every web process restarted; /readyz says whether to send traffic."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    """Readiness: 200 when the database and the private storage answer, else 503 naming the
    failed checks (never why: the details are in the log)."""
    failed = readiness.failed_checks()
    if failed:
        return JsonResponse({"status": "unavailable", "failed": failed}, status=503)
    return JsonResponse({"status": "ready"})


@never_cache
def metrics_page(request):
    """Prometheus scrapes here. With VSSID_METRICS_TOKEN set only `Authorization: Bearer <token>`
    sees it; production without a token hides it. Refusals are 404s: nothing to find here."""
    token = settings.VSSID_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            raise Http404
    elif settings.PRODUCTION:
        raise Http404
    return HttpResponse(metrics.exposition(), content_type=CONTENT_TYPE_LATEST)


def _error(request, status, title, message):
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def bad_request(request, exception=None):
    return _error(request, 400, _("Yêu cầu không hợp lệ"), _("Hãy quay lại trang trước và thử lại."))


def forbidden(request, exception=None):
    return _error(
        request, 403, _("Phiên làm việc đã hết hạn"),
        _("Vì lý do an toàn, trang cần được tải lại. Hãy quay lại trang trước, tải lại và gửi lại."),
    )


def not_found(request, exception=None):
    return _error(request, 404, _("Không tìm thấy trang"), _("Hãy kiểm tra lại địa chỉ, hoặc bắt đầu từ trang chủ."))


def server_error(request):
    # Django calls this from inside its `except` block, so the exception is at hand: a database
    # outage is answered 503 (a passing state, retried), everything else 500.
    if outages.database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    return _error(
        request, 500, _("Hệ thống đang gặp sự cố"),
        _("Thông tin bạn đã nhập vẫn được lưu. Hãy thử lại sau ít phút."),
    )


def service_unavailable(request):
    # No flash messages: they may live in the session, in the database that is out of reach.
    response = render(request, "core/error.html", {
        "title": _("Hệ thống đang tạm gián đoạn"),
        "message": _("Những gì bạn đã gửi trước đó vẫn được lưu. Hãy thử lại sau ít phút."),
        "messages": (),
    }, status=503)
    response["Retry-After"] = str(outages.RETRY_AFTER_SECONDS)
    return response


def csrf_failure(request, reason=""):
    """An expired or missing CSRF token: usually a page left open too long. Nothing was saved from
    this one request, and everything accepted before it is still there."""
    return forbidden(request)


def offline(request):
    """The page the service worker shows when a page cannot be reached. The service worker fetches
    it without cookies, so the copy it keeps is the same for everyone and holds nobody's data."""
    return render(request, "core/offline.html")


def service_worker(request):
    """/sw.js: at the root, so that it may answer for every page of the site (its scope is "/")."""
    body = render_to_string("core/sw.js", {
        "assets_json": json.dumps([static(name) for name in OFFLINE_ASSETS]),
        "offline_url_json": json.dumps(reverse("offline")),
        "static_url_json": json.dumps(static("")),
    })
    # A new list of files (new hashed names after a deployment) or new code is a new cache.
    body = body.replace("__VERSION__", hashlib.sha256(body.encode()).hexdigest()[:12])
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
