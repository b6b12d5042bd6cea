"""The one error shape of the JSON API, and the translation of every failure into it.

    {"errors": [{"field": "mobile_phone", "code": "mobile_landline", "message": "Đây là số …"}]}

``code`` is stable and meant for programs. It is one of:
- a card rule's code (``vssid.cards.messages``), e.g. ``cccd_birth_year_mismatch``;
- a photo refusal's code (``vssid.photos.errors.RejectionCode``), e.g. ``blurry``;
- a Django form code the step forms use, e.g. ``required``, ``invalid_choice``, ``max_length``;
- one of ``MESSAGES`` below (the API's own: ``not_found``, ``rate_limited``, …).

``field`` names the input at fault in the API's own naming (``date_of_birth``, ``office``, a query
parameter, a header), or a step's slug for ``declaration_incomplete``, or null when no single input
is at fault. ``message`` is for the citizen, in the request's language (``Accept-Language``;
Vietnamese by default). Nothing else ever leaves: no exception text, no stack trace, no value that
was sent (a scanned card or an ID number is personal data and error bodies end up in logs).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass

from django.http import JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from vssid.cards.errors import InvalidValue
from vssid.core.forms import message_for
from vssid.photos.errors import PhotoRejected


@dataclass(frozen=True)
class ErrorItem:
    field: str | None
    code: str
    message: str


MESSAGES: Mapping[str, str] = {
    # Requests that cannot be served at all
    "not_found": _("Không tìm thấy địa chỉ hoặc tờ khai này."),
    "method_not_allowed": _("Địa chỉ này không nhận phương thức %(method)s."),
    "request_too_large": _("Yêu cầu quá lớn: tối đa %(limit)s byte."),
    "invalid_json": _("Nội dung yêu cầu không phải JSON hợp lệ."),
    "unsupported_media_type": _("Gửi ảnh dạng multipart/form-data, trong trường “photo”."),
    "bad_request": _("Yêu cầu không hợp lệ."),
    "unauthorized": _(
        "Cần mã truy cập của tờ khai: gửi tiêu đề “Authorization: Bearer <mã>” nhận được khi tạo tờ khai."
    ),
    "rate_limited": _("Bạn đã thử quá nhiều lần. Hãy thử lại sau %(seconds)s giây."),
    "server_error": _("Hệ thống đang gặp sự cố. Thông tin bạn đã gửi trước đó vẫn được lưu. Hãy thử lại sau ít phút."),
    "service_unavailable": _("Hệ thống đang tạm gián đoạn. Thông tin bạn đã gửi trước đó vẫn được lưu. Hãy thử lại sau ít phút."),
    # Request shapes (what the schema already says; the step forms say the rest)
    "required": _("Thiếu thông tin bắt buộc này."),
    "unknown_field": _("API không có trường này."),
    "invalid_type": _("Giá trị không đúng kiểu dữ liệu."),
    "too_long": _("Giá trị quá dài."),
    "too_short": _("Giá trị quá ngắn."),
    "out_of_range": _("Giá trị nằm ngoài khoảng cho phép."),
    "invalid_choice": _("Giá trị không có trong danh sách được phép."),
    "invalid_format": _("Giá trị không đúng định dạng."),
    "invalid": _("Giá trị không hợp lệ."),
    # The declaration
    "date_of_birth_format": _("Nhập ngày sinh theo dạng năm-tháng-ngày, ví dụ 1990-03-15."),
    # The same words as the web's under-age page.
    "under_age": _(
        "Người dưới 15 tuổi không tự đăng ký tài khoản giao dịch điện tử. Cha, mẹ hoặc người giám hộ đăng ký "
        "tài khoản của mình, rồi thêm bạn vào tài khoản đó trên ứng dụng VssID."
    ),
    "step_not_open": _("Hãy hoàn thành bước “%(step)s” trước."),
    "declaration_incomplete": _("Bước “%(step)s” chưa hoàn thành."),
    "registry_unknown_number": _("Mã số BHXH không có trong hồ sơ BHXH. Hãy kiểm tra lại hoặc tra cứu mã số BHXH."),
    "registry_name_differs": _("Họ và tên khác với hồ sơ BHXH của mã số này. Hãy kiểm tra lại, hoặc mang giấy tờ đến cơ quan BHXH để điều chỉnh hồ sơ."),
    "registry_date_of_birth_differs": _("Ngày sinh khác với hồ sơ BHXH của mã số này. Hãy kiểm tra lại, hoặc mang giấy tờ đến cơ quan BHXH để điều chỉnh hồ sơ."),
    "declaration_not_editable": _("Tờ khai đã được gửi hoặc đã hủy nên không thể thay đổi."),
    "declaration_not_submitted": _("Tờ khai chưa được gửi."),
    "idempotency_key_required": _(
        "Cần tiêu đề Idempotency-Key (ví dụ một UUID mới) để việc gửi lại tờ khai khi mất kết nối "
        "không tạo tờ khai thứ hai."
    ),
    "photo_not_found": _("Chưa có ảnh này."),
    # The citizen's account
    # The words of ``unauthorized`` on the /account endpoints (the code stays ``unauthorized``).
    "account_unauthorized": _("Cần đăng nhập: gửi tiêu đề “Authorization: Bearer <mã>” nhận được khi đăng nhập."),
    # Without the numbers of the lock (the web's words have them): every parameter here is one the
    # catalogue's test renders (tests/api/test_api_errors.py); Retry-After carries the seconds too.
    "invalid_credentials": _(
        "Mã số BHXH, số CCCD hoặc mật khẩu không đúng. Nhập sai nhiều lần liên tiếp, tài khoản sẽ bị tạm khóa."
    ),
    "account_locked": _(
        "Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần. Hãy thử lại sau %(seconds)s giây, hoặc lấy lại mật khẩu."
    ),
    "password_change_required": _("Hãy đổi mật khẩu lần đầu trước khi dùng tài khoản."),
    "wrong_password": _("Mật khẩu hiện tại không đúng."),
    "invalid_reset_code": _("Mã xác nhận không đúng hoặc đã hết hạn. Kiểm tra lại mã, hoặc yêu cầu mã mới."),
    # Places
    "offices_origin_required": _("Cho biết vị trí (latitude và longitude) hoặc mã xã/phường (commune)."),
    "commune_not_found": _("Không có xã/phường với mã này."),
}


def item(code: str, field: str | None = None, **params: object) -> ErrorItem:
    """An error of the API's own catalogue, rendered in the active language."""
    text = gettext(MESSAGES[code])
    return ErrorItem(field=field, code=code, message=text % params if params else text)


class ApiError(Exception):
    """Raised anywhere below an endpoint; the API answers it in the one shape (see api.py)."""

    def __init__(self, status: int, errors: Iterable[ErrorItem], headers: Mapping[str, str] | None = None):
        self.status = status
        self.errors = list(errors)
        self.headers = dict(headers or {})
        super().__init__(status, [e.code for e in self.errors])  # codes only: never personal data

    @classmethod
    def of(cls, status: int, code: str, field: str | None = None, **params: object) -> ApiError:
        return cls(status, [item(code, field, **params)])


def response(status: int, errors: Iterable[ErrorItem], headers: Mapping[str, str] | None = None) -> JsonResponse:
    answer = JsonResponse(
        {"errors": [asdict(e) for e in errors]}, status=status, json_dumps_params={"ensure_ascii": False},
        content_type="application/json; charset=utf-8",
    )
    for name, value in (headers or {}).items():
        answer[name] = value
    answer["Cache-Control"] = "no-store"
    return answer


# --- translations of other layers' errors -------------------------------------------------------

def from_invalid_value(error: InvalidValue, field: str | None) -> ErrorItem:
    return ErrorItem(field=field, code=error.code, message=message_for(error))


def from_photo_rejection(rejection: PhotoRejected, field: str | None = "photo") -> ErrorItem:
    return ErrorItem(field=field, code=rejection.code.value, message=str(rejection.message))


def from_form(form, field_names: Mapping[str, str | None]) -> list[ErrorItem]:
    """A bound, invalid step form's errors, each under the API's name for its input.

    `field_names` maps a form field to the API's field (several form fields may share one: the day,
    month and year of a date); a form field missing from it keeps its name; ``__all__`` is null.
    """
    items, seen = [], set()
    for name, errors in form.errors.as_data().items():
        field = None if name == "__all__" else field_names.get(name, name)
        for error in errors:
            for message in error.messages:  # one message per error here; messages renders params
                code = error.code or "invalid"
                if (field, code) in seen:
                    continue
                seen.add((field, code))
                items.append(ErrorItem(field=field, code=code, message=str(message)))
    return items


# pydantic's error types → the API's codes. pydantic's own types are many and not promised to stay;
# the API promises these few instead.
_PYDANTIC_CODES = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "string_too_long": "too_long",
    "too_long": "too_long",
    "string_too_short": "too_short",
    "too_short": "too_short",
    "greater_than": "out_of_range",
    "greater_than_equal": "out_of_range",
    "less_than": "out_of_range",
    "less_than_equal": "out_of_range",
    "finite_number": "out_of_range",
    "literal_error": "invalid_choice",
    "enum": "invalid_choice",
    "string_pattern_mismatch": "invalid_format",
    "json_invalid": "invalid_json",
}
# Where a value came from: ninja prefixes each error's location with it, and with the name of the
# view's parameter that holds a whole JSON body, which the client never sees.
_SOURCES = {"body", "query", "path", "header", "form", "file", "cookie"}
# The name every router gives its whole-body parameter.
BODY_PARAMETER_NAMES = {"payload"}


def from_validation(errors: Iterable[Mapping]) -> list[ErrorItem]:
    """django-ninja's request validation errors (pydantic's, with a location) in the one shape."""
    items, seen = [], set()
    for error in errors:
        kind = str(error.get("type", ""))
        if kind.endswith("_type") or kind.endswith("_parsing") or kind in ("model_attributes_type", "dict_type"):
            code = "invalid_type"
        else:
            code = _PYDANTIC_CODES.get(kind, "invalid")
        field = _field_of(tuple(error.get("loc", ())))
        if (field, code) in seen:
            continue
        seen.add((field, code))
        items.append(item(code, field))
    return items


def _field_of(location: tuple) -> str | None:
    parts = list(location)
    if parts and parts[0] in _SOURCES:
        source = parts.pop(0)
        if source in ("body", "file", "form") and parts and parts[0] in BODY_PARAMETER_NAMES:
            parts.pop(0)
    # A discriminated union or a list adds its tag or index; the client names fields, not those.
    names = [str(p) for p in parts if not isinstance(p, int)]
    return ".".join(names) or None
