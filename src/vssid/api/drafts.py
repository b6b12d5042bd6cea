"""The API's answers, carried through the web's step forms.

The API names answers the way a program reads them (``date_of_birth`` as one ISO date, ``office`` as
an id, ``email_declaration`` as a boolean); the web's step forms take what a browser posts (three
date inputs, radio values, a ticked box). This module only translates between the two. Every check
is the step form's (and so the card rules'), every write is ``services.save_step_answers``, and the
order, preconditions and completeness of steps are ``steps``': exactly the web's path, one step
after the other.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict

from django.db import transaction
from django.urls import Resolver404, resolve
from django.utils import timezone

from vssid.declarations import presenters, services, steps
from vssid.declarations.forms import OfficeForm
from vssid.declarations.models import Declaration
from vssid.places import selectors as places

from . import errors
from .errors import ApiError, ErrorItem

# Which API fields each step asks, in the order of the steps.
STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "personal": ("full_name", "date_of_birth", "sex"),
    "social-insurance-number": ("social_insurance_number",),
    "id-document": ("id_document_type", "id_document_number"),
    "province": ("address_province",),
    "address": ("address_commune", "address_street"),
    "contact": ("mobile_phone", "email"),
    "office": ("office", "email_declaration"),
}
# Form field → API field, where they differ.
FORM_TO_API = {"dob_day": "date_of_birth", "dob_month": "date_of_birth", "dob_year": "date_of_birth",
               "other_office": "office"}

# Digits around two dashes; which digits make a date is the card rule's call (a two-digit year gets
# the rule's own "write the year in full" message), so this only splits.
_ISO_DATE_SHAPE = re.compile(r"\s*(\d{0,4})-(\d{0,2})-(\d{0,2})\s*", re.ASCII)


# --- writing ------------------------------------------------------------------------------------

def apply_patch(declaration: Declaration, patch: Mapping[str, object]) -> Declaration:
    """Save the answers in `patch` step by step, as the web would; all of them or none.

    A step is checked against the answers before it, including those saved a moment earlier from
    the same patch (a new date of birth and a CCCD number that encodes it may come together). When
    any step refuses, everything is rolled back and every refusal is raised in one ApiError (422).
    Raises DeclarationNotEditable when the declaration was sent or cancelled.
    """
    problems: list[ErrorItem] = []
    with transaction.atomic():
        for step in steps.STEPS:
            sent = {name: patch[name] for name in STEP_FIELDS.get(step.slug, ()) if name in patch}
            if not sent:
                continue
            earlier = steps.blocking(step, declaration)
            if earlier is not None:
                problems += [errors.item("step_not_open", name, step=earlier.title) for name in sent]
                continue
            try:
                data = _form_data(step, declaration, sent)
            except ApiError as refusal:
                problems += refusal.errors
                continue
            form = _bind(step, declaration, data)
            if form.is_valid():
                declaration = services.save_step_answers(declaration, step, form.answers())
            else:
                problems += errors.from_form(form, FORM_TO_API)
        if problems:
            # Raising inside the atomic block undoes the steps that were saved.
            raise ApiError(422, problems)
    return declaration


def _form_data(step: steps.Step, declaration: Declaration, sent: Mapping[str, object]) -> dict:
    """What the step's page would post: its stored answers with the sent ones on top."""
    data = dict(step.form_class.data_from(declaration))
    if step.form_class is OfficeForm:
        # The API chooses among all offices receiving declarations (GET /offices only suggests),
        # which on the page is the "other office" list.
        data["other_office"], data["office"] = data.pop("office", ""), ""
    for name, value in sent.items():
        if name == "date_of_birth":
            data.update(_date_parts(str(value)))
        elif name == "office":
            data["other_office"] = str(value)
        elif name == "email_declaration":
            data["email_declaration"] = "on" if value else ""
        else:
            data[name] = value
    return data


def _date_parts(text: str) -> dict[str, str]:
    if not text.strip():
        return {"dob_day": "", "dob_month": "", "dob_year": ""}
    match = _ISO_DATE_SHAPE.fullmatch(text)
    if match is None:
        raise ApiError.of(422, "date_of_birth_format", "date_of_birth")
    year, month, day = match.groups()
    return {"dob_day": day, "dob_month": month, "dob_year": year}


def _bind(step: steps.Step, declaration: Declaration, data: dict):
    if step.form_class is OfficeForm:
        # Same lists as the page; `nearest` only orders radio buttons there, so none are needed.
        return OfficeForm(data, nearest=[], all_offices=places.offices_valid_on(timezone.localdate()))
    return step.form_class(data, **step.form_kwargs(declaration))


# --- reading ------------------------------------------------------------------------------------

def state(declaration: Declaration) -> dict:
    """The answers, and for each step whether it is complete, may be answered, and why not."""
    first_incomplete = steps.first_incomplete(declaration)
    cut = steps.STEPS.index(first_incomplete) if first_incomplete else len(steps.STEPS)
    return {
        "status": declaration.status,
        "answers": answers(declaration),
        "steps": [
            {
                "step": step.slug,
                "title": str(step.title),
                "complete": step.is_complete(declaration),
                "open": index <= cut,
                "errors": [asdict(e) for e in step_errors(step, declaration)],
            }
            for index, step in enumerate(steps.STEPS)
        ],
        "next_step": first_incomplete.slug if first_incomplete else None,
        "reference_code": declaration.reference_code,
        "created_at": declaration.created_at,
        "updated_at": declaration.updated_at,
    }


def answers(d: Declaration) -> dict:
    return {
        "full_name": d.full_name,
        "date_of_birth": d.date_of_birth,
        "sex": d.sex,
        "social_insurance_number": d.social_insurance_number,
        "id_document_type": d.id_document_type,
        "id_document_number": d.id_document_number,
        "address_province": d.address_province_id,
        "address_commune": d.address_commune_id,
        "address_street": d.address_street,
        "mobile_phone": d.mobile_phone,
        "email": d.email,
        "office": d.office_id,
        "email_declaration": d.email_declaration,
        "photos": photos_present(d),
    }


def photos_present(d: Declaration) -> dict[str, bool]:
    return {field: getattr(d, f"{field}_id") is not None for field in services.PHOTO_FIELD.values()}


def step_errors(step: steps.Step, declaration: Declaration) -> list[ErrorItem]:
    """Why a step that has answers is not complete; nothing for a step not yet touched (as the page,
    which explains a stored answer that no longer fits, but not an empty form)."""
    if step.slug == "photos":
        if not any(photos_present(declaration).values()):
            return []
        return [
            ErrorItem(field=kind.value, code="photo_missing", message=str(message))
            for kind, message in presenters.MISSING_PHOTO_MESSAGES.items()
            if getattr(declaration, f"{services.PHOTO_FIELD[kind]}_id") is None
        ]
    data = step.form_class.data_from(declaration)
    if step.form_class is OfficeForm:
        if not (declaration.office_id or declaration.email_declaration):
            return []
        data["other_office"], data["office"] = data.pop("office", ""), ""
    elif not any(data.values()):
        return []
    form = _bind(step, declaration, data)
    if not form.is_valid():
        return errors.from_form(form, FORM_TO_API)
    if step.slug == "personal" and not step.is_complete(declaration):
        # The form accepts any real date of birth; the step also needs the citizen to be 15.
        return [errors.item("under_age", "date_of_birth")]
    return []


def check_answers(declaration: Declaration) -> dict:
    """The check-answers page's sections, each row with the step that changes it."""
    sections = []
    for section in presenters.check_answer_sections(declaration):
        rows = [{"label": str(row.label), "value": str(row.value), "step": _step_of(row.change_url)}
                for row in section.rows]
        sections.append({"title": str(section.title), "rows": rows})
    return {"sections": sections, "photos": photos_present(declaration)}


def _step_of(change_url: str | None) -> str | None:
    if not change_url:
        return None
    try:
        name = resolve(change_url.split("?", 1)[0]).url_name
    except Resolver404:
        return None
    return name if name in steps.BY_SLUG else None
