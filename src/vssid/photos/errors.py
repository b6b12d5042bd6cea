"""Why a photo was refused: a stable code for programs, a Vietnamese sentence for the citizen.

Every message names the picture and says how to take it again, because the citizen's only remedy
is another photo. The sentence is built lazily, so it is rendered in the language active where it
is displayed, not where the picture was checked (English can follow through the catalogue).

    try:
        photo = store_photo(upload, PhotoKind.ID_FRONT)
    except PhotoRejected as refusal:
        form.add_error("id_front", refusal.as_validation_error())
"""
from __future__ import annotations

import enum
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .kinds import PhotoKind


class RejectionCode(enum.StrEnum):
    """Machine codes: stable, safe in logs and API responses (they carry no personal data)."""

    EMPTY = "empty"
    TOO_LARGE = "too_large"
    WRONG_TYPE = "wrong_type"
    TOO_MANY_PIXELS = "too_many_pixels"
    TOO_SMALL = "too_small"
    UNREADABLE = "unreadable"
    TOO_DARK = "too_dark"
    BLURRY = "blurry"
    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    SAME_AS_FRONT = "same_as_front"  # the back, uploaded after the front, is the front again
    SAME_AS_BACK = "same_as_back"  # the front, uploaded (again) after the back, is the back
    # Not the picture's fault: the storage refused the file (disk full, unreachable). Nothing was
    # kept; the same photo will do once it works again.
    NOT_STORED = "not_stored"


# %(photo)s is the kind's label ("Ảnh mặt trước giấy tờ"); other placeholders come from the check.
MESSAGES: Mapping[RejectionCode, str] = {
    RejectionCode.EMPTY: _("%(photo)s là tệp trống – hãy chọn lại ảnh hoặc chụp ảnh mới"),
    RejectionCode.TOO_LARGE: _("%(photo)s phải nhỏ hơn %(max_mb)s MB – hãy chụp lại bằng máy ảnh của điện thoại"),
    RejectionCode.WRONG_TYPE: _("%(photo)s phải là JPG, PNG, HEIC hoặc WebP – hãy chọn đúng tệp ảnh hoặc chụp lại"),
    RejectionCode.TOO_MANY_PIXELS: _(
        "%(photo)s có kích thước quá lớn – hãy chụp lại ở chế độ chụp ảnh thường của điện thoại"
    ),
    RejectionCode.TOO_SMALL: _(
        "%(photo)s quá nhỏ (cần ít nhất %(min_long)s×%(min_short)s điểm ảnh) – hãy chụp lại bằng máy ảnh "
        "của điện thoại, không dùng ảnh thu nhỏ hay ảnh chụp màn hình"
    ),
    RejectionCode.UNREADABLE: _("%(photo)s bị hỏng hoặc chưa tải lên hết – hãy chọn lại ảnh hoặc chụp ảnh mới"),
    RejectionCode.TOO_DARK: _("%(photo)s quá tối – chụp lại ở nơi đủ sáng, không che ống kính"),
    RejectionCode.BLURRY: _("%(photo)s bị mờ – chụp lại ở nơi đủ sáng, giữ máy thật chắc"),
    RejectionCode.NO_FACE: _(
        "Không thấy khuôn mặt trong ảnh cá nhân – chụp thẳng mặt, gần, đủ sáng, chỉ một người"
    ),
    RejectionCode.SEVERAL_FACES: _(
        "Ảnh cá nhân có nhiều hơn một khuôn mặt – chụp lại chỉ một người, thẳng mặt, đủ sáng"
    ),
    RejectionCode.SAME_AS_FRONT: _("Ảnh mặt sau giống hệt ảnh mặt trước – hãy chụp mặt sau của giấy tờ"),
    RejectionCode.SAME_AS_BACK: _("Ảnh mặt trước giống hệt ảnh mặt sau – hãy chụp mặt trước của giấy tờ"),
    RejectionCode.NOT_STORED: _(
        "%(photo)s chưa lưu được vì hệ thống đang gặp sự cố (ảnh không có lỗi) – hãy tải lên lại sau ít "
        "phút. Thông tin và ảnh đã gửi trước đó vẫn được giữ"
    ),
}


def _render(code: RejectionCode, params: Mapping[str, object]) -> str:
    # str() on each value renders lazy labels in the active language too.
    return str(MESSAGES[code]) % {key: str(value) for key, value in params.items()}


_render_lazy = lazy(_render, str)


class PhotoRejected(Exception):
    """The picture cannot be accepted; `message` tells the citizen what to do instead.

    `code` is a RejectionCode (a str); `params` are the values in the message, `photo` being the
    kind's label. Nothing about the picture's content is kept, so the exception is safe to log.
    """

    def __init__(self, code: RejectionCode | str, kind: PhotoKind | str, **params: object) -> None:
        self.code = RejectionCode(code)
        self.kind = PhotoKind(kind)
        self.params: dict[str, object] = {"photo": self.kind.label, **params}
        super().__init__(f"{self.kind.value}: {self.code.value}")

    @property
    def message(self) -> str:
        """The Vietnamese sentence (a lazy string: rendered when displayed)."""
        return _render_lazy(self.code, self.params)

    def as_validation_error(self) -> ValidationError:
        """The same refusal for a Django form field, keeping the code."""
        return ValidationError(self.message, code=self.code.value)
