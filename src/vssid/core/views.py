"""Error pages that say what to do and never show internals, and the liveness probe."""
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


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
    return _error(
        request, 500, _("Hệ thống đang gặp sự cố"),
        _("Thông tin bạn đã nhập vẫn được lưu. Hãy thử lại sau ít phút."),
    )


def csrf_failure(request, reason=""):
    """An expired or missing CSRF token: usually a page left open too long. Nothing was saved from
    this one request, and everything accepted before it is still there."""
    return forbidden(request)
