"""The declared step graph of the registration.

Each step says what it asks, which official step (Bước 2–5) it belongs to, how to tell that its
answers are complete *given the answers around them*, and what an answer change makes stale. A step
may be opened only when every step before it is complete; a deep link to a later step leads to the
first unfinished one. Completeness is re-checked from the stored answers each time, so a later
change (a new date of birth) re-opens an earlier step whose answer no longer fits (the CCCD number)
without losing what was typed.
"""
from dataclasses import dataclass, field
from typing import Callable

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vssid.cards import dates
from vssid.places.models import Office

from . import forms
from .models import Declaration


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    official_step: int  # the five steps of BHXH's own guide; step 1 is the start page
    form_class: type | None = None
    # field changed → fields whose answers no longer mean anything and are cleared
    clears: dict[str, tuple[str, ...]] = field(default_factory=dict)
    completeness: Callable[[Declaration], bool] | None = None

    @property
    def url_name(self) -> str:
        return f"declarations:{self.slug}"

    def form_kwargs(self, declaration: Declaration) -> dict:
        needs_declaration = self.form_class in (forms.IdDocumentForm, forms.AddressForm)
        return {"declaration": declaration} if needs_declaration else {}

    def is_complete(self, declaration: Declaration) -> bool:
        if self.completeness is not None:
            return self.completeness(declaration)
        data = self.form_class.data_from(declaration)
        return self.form_class(data, **self.form_kwargs(declaration)).is_valid()


def _personal_complete(d: Declaration) -> bool:
    form = forms.PersonalForm(forms.PersonalForm.data_from(d))
    return form.is_valid() and dates.is_old_enough(form.cleaned_data["date_of_birth"], timezone.localdate())


def _photos_complete(d: Declaration) -> bool:
    return bool(d.portrait_id and d.id_front_id and d.id_back_id)


def _office_complete(d: Declaration) -> bool:
    if d.office_id is None or (d.email_declaration and not d.email):
        return False
    return Office.objects.valid_on(timezone.localdate()).filter(pk=d.office_id).exists()


STEPS: tuple[Step, ...] = (
    Step("personal", _("Thông tin cá nhân"), 2, forms.PersonalForm, completeness=_personal_complete),
    Step("social-insurance-number", _("Mã số BHXH"), 2, forms.SocialInsuranceNumberForm),
    # A different kind of document means the ID photos show another document.
    Step("id-document", _("Giấy tờ tùy thân"), 2, forms.IdDocumentForm,
         clears={"id_document_type": ("id_front", "id_back")}),
    # A commune belongs to one province; the office was chosen near the old address.
    Step("province", _("Tỉnh/thành phố nơi ở"), 2, forms.ProvinceForm,
         clears={"address_province_id": ("address_commune", "office")}),
    Step("address", _("Địa chỉ liên hệ"), 2, forms.AddressForm),
    Step("contact", _("Số điện thoại và email"), 2, forms.ContactForm),
    Step("photos", _("Ảnh cá nhân và ảnh giấy tờ"), 3, completeness=_photos_complete),
    Step("office", _("Cơ quan BHXH tiếp nhận"), 4, forms.OfficeForm, completeness=_office_complete),
)
CHECK_ANSWERS = "check"
BY_SLUG = {step.slug: step for step in STEPS}


def first_incomplete(declaration: Declaration) -> Step | None:
    for step in STEPS:
        if not step.is_complete(declaration):
            return step
    return None


def blocking(step: Step, declaration: Declaration) -> Step | None:
    """The first unfinished step before `step`, or None when `step` may open (it may itself be
    complete: a change). The caller leads the citizen there, so this answers both questions in one
    pass over the earlier steps."""
    for earlier in STEPS[: STEPS.index(step)]:
        if not earlier.is_complete(declaration):
            return earlier
    return None


def next_after(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index + 1] if index + 1 < len(STEPS) else None


def previous_before(step: Step) -> Step | None:
    index = STEPS.index(step)
    return STEPS[index - 1] if index > 0 else None
