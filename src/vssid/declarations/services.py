"""Every write to a declaration: one function per use case, each in its own transaction."""
import hashlib
import logging
import secrets
from collections.abc import Mapping

from django.db import IntegrityError, transaction
from django.utils import timezone

from vssid.photos import services as photo_services
from vssid.photos.errors import PhotoRejected
from vssid.notify.services import queue_declaration_email
from vssid.notify.sms_services import queue_submission_sms
from vssid.photos.models import Photo
from vssid.registry.selectors import check_declaration

from . import deadlines, steps
from .models import Declaration
from .reference import new_reference_code

log = logging.getLogger(__name__)

PHOTO_FIELD = {Photo.Kind.PORTRAIT: "portrait", Photo.Kind.ID_FRONT: "id_front", Photo.Kind.ID_BACK: "id_back"}


class DeclarationNotEditable(Exception):
    """The declaration has been sent (or cancelled): its answers can no longer change."""


class RegistryMismatch(Exception):
    """The declaration does not agree with the insured-person registry (see registry.selectors)."""

    def __init__(self, check):
        super().__init__(*check.problems)
        self.check = check


class DeclarationIncomplete(Exception):
    def __init__(self, step: steps.Step):
        super().__init__(step.slug)
        self.step = step


def start_declaration(*, language: str = "vi") -> Declaration:
    return Declaration.objects.create(language=language)


def _locked_draft(declaration: Declaration) -> Declaration:
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if not locked.is_draft:
        raise DeclarationNotEditable
    return locked


@transaction.atomic
def save_step_answers(declaration: Declaration, step: steps.Step, answers: dict) -> Declaration:
    """Store one step's accepted answers, and clear what the change made stale (see `steps`)."""
    draft = _locked_draft(declaration)
    written = set(answers)
    for name, value in answers.items():
        if getattr(draft, name) != value and name in step.clears:
            for stale in step.clears[name]:
                if stale in PHOTO_FIELD.values():
                    _delete_photo_on_commit(getattr(draft, stale))
                setattr(draft, stale, None)
                written.add(stale)
        setattr(draft, name, value)
    # Only what this step wrote: the other encrypted answers are not sealed again on every step.
    draft.save(update_fields=[*written, "updated_at"])
    return draft


def _delete_photo_on_commit(photo: Photo | None) -> None:
    """A draft's picture that no longer counts (taken again, or of another document) must not stay
    behind; it goes once the change that dropped it is committed."""
    if photo is not None:
        transaction.on_commit(lambda: photo_services.delete_photo(photo))


@transaction.atomic
def apply_card_answers(declaration: Declaration, answers: dict) -> Declaration:
    """Store answers read from a card and confirmed by the citizen, each through its own step and
    in the steps' order, so the same clears apply as if they had been typed."""
    from .autofill import STEP_OF_FIELD

    draft = declaration
    for step in steps.STEPS:
        step_answers = {k: v for k, v in answers.items() if STEP_OF_FIELD.get(k) == step.slug}
        if step_answers:
            draft = save_step_answers(draft, step, step_answers)
    return draft


def attach_photo(declaration: Declaration, kind: str, stream) -> Photo:
    """Check and store one photo; it replaces the one of that kind. Raises PhotoRejected."""
    draft, refused = attach_photos(declaration, {kind: stream})
    if refused:
        raise refused[kind]
    return getattr(draft, PHOTO_FIELD[kind])


def attach_photos(declaration: Declaration, uploads: Mapping[str, object]) -> tuple[Declaration, dict[str, PhotoRejected]]:
    """Check and store the photos uploaded together (kind → file), each replacing the one of its
    kind; return the draft as saved and the refusals by kind. A refused photo changes nothing, and
    the ones accepted beside it are kept all the same.

    The image work, nearly all of the time, runs before the draft is locked, on all the photos at
    once (photos.services.new_photos): the lock and the database connection are then held for one
    insert of every new row and one update of the draft (the photo step went from 21 SQL
    statements to 6).
    """
    accepted: dict[str, Photo] = {}
    refused: dict[str, PhotoRejected] = {}
    outcomes = photo_services.new_photos({kind: uploads[kind] for kind in PHOTO_FIELD if kind in uploads})
    for kind, outcome in outcomes.items():
        if isinstance(outcome, PhotoRejected):
            refused[kind] = outcome
        else:
            accepted[kind] = outcome
    try:
        with transaction.atomic():
            draft = _locked_draft(declaration)
            # Two sides that are the same picture: the upload is refused, or the back when both
            # are uploads (the citizen photographed the front twice).
            for kind, other_kind in ((Photo.Kind.ID_BACK, Photo.Kind.ID_FRONT), (Photo.Kind.ID_FRONT, Photo.Kind.ID_BACK)):
                upload = accepted.get(kind)
                kept_with = accepted.get(other_kind) or getattr(draft, PHOTO_FIELD[other_kind])
                if upload is not None and kept_with is not None and photo_services.is_same_picture(upload, kept_with):
                    refused[kind] = photo_services.repeated_side(kind)
                    photo_services.discard_unsaved(accepted.pop(kind))
            if accepted:
                Photo.objects.bulk_create(accepted.values())
                for kind, photo in accepted.items():
                    _delete_photo_on_commit(getattr(draft, PHOTO_FIELD[kind]))
                    setattr(draft, PHOTO_FIELD[kind], photo)
                draft.save(update_fields=[*(PHOTO_FIELD[kind] for kind in accepted), "updated_at"])
    except BaseException:
        for photo in accepted.values():
            photo_services.discard_unsaved(photo)
        raise
    return draft, refused


@transaction.atomic
def submit_declaration(declaration: Declaration) -> Declaration:
    """Send the declaration: the one place a draft becomes submitted.

    Idempotent: the row is locked, so a double click, a retried request or the back button finds it
    already submitted and gets the same declaration back, never a second one.
    """
    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status == Declaration.Status.SUBMITTED:
        return current
    if not current.is_draft:
        raise DeclarationNotEditable
    missing = steps.first_incomplete(current)
    if missing is not None:
        raise DeclarationIncomplete(missing)
    # BHXH accepts a declaration only for a mã số whose record has this name and date of birth.
    check = check_declaration(current)
    if not check.ok:
        raise RegistryMismatch(check)

    now = timezone.now()
    current.status = Declaration.Status.SUBMITTED
    current.submitted_at = now
    current.visit_due_date = deadlines.visit_due_date(now)
    current.confirmation_token = secrets.token_urlsafe(32)
    for _attempt in range(5):
        current.reference_code = new_reference_code()
        try:
            with transaction.atomic():
                current.save()
            break
        except IntegrityError:  # 45 random bits: a collision is rare, but it is retried, not fatal
            continue
    else:
        raise RuntimeError("could not allocate a unique reference code")

    if current.email_declaration and current.email:
        queue_declaration_email(current)
    # The reference code, the office and the due date reach the phone too, unaccented like BHXH's
    # own messages; both go out after commit, so the submission never waits for a gateway.
    queue_submission_sms(current)
    log.info("declaration submitted", extra={"declaration": str(current.pk)})
    return current


def discard_draft(declaration: Declaration) -> None:
    """Delete a draft that was never sent (the caller holds its row; desk.jobs deletes its photos)."""
    if not declaration.is_draft:
        raise DeclarationNotEditable
    declaration.delete()


@transaction.atomic
def cancel_declaration(declaration: Declaration) -> Declaration:
    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status not in (Declaration.Status.DRAFT, Declaration.Status.SUBMITTED):
        raise DeclarationNotEditable
    current.status = Declaration.Status.CANCELLED
    current.cancelled_at = timezone.now()
    current.save()
    return current


def issue_api_token(declaration: Declaration) -> str:
    """A new bearer token for the JSON API to act on this declaration; it replaces any earlier one.

    Only its SHA-256 is stored (see `Declaration.api_token_hash`): 256 random bits need no slow,
    salted hash, and an unsalted digest can be looked up by index.
    """
    token = secrets.token_urlsafe(32)
    declaration.api_token_hash = api_token_digest(token)
    Declaration.objects.filter(pk=declaration.pk).update(api_token_hash=declaration.api_token_hash)
    return token


def api_token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# The office's side (vssid.desk) ------------------------------------------------------------------

# What an officer may correct at the counter, against the original document (a typo): the fields
# the account and the registry match on. Everything else the citizen changes by a new declaration.
CORRECTABLE_FIELDS = ("full_name", "id_document_number", "date_of_birth")


class DeclarationNotSubmitted(Exception):
    """Only a submitted declaration can be decided or expire; this one is already ``status``."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


def start_assisted_declaration(*, language: str = "vi") -> Declaration:
    """A draft filled in at the counter by an officer for the citizen (see vssid.desk)."""
    return Declaration.objects.create(language=language, assisted=True)


@transaction.atomic
def record_decision(declaration: Declaration, outcome: str, *, corrections: dict | None = None) -> Declaration:
    """The one place a submitted declaration becomes activated or rejected.

    ``corrections`` maps fields of CORRECTABLE_FIELDS to their corrected, already normalised
    values; the caller keeps the declared values (desk's Decision). Raises DeclarationNotSubmitted
    when the declaration was decided, expired or cancelled meanwhile: a decision is final.
    """
    if outcome not in (Declaration.Status.ACTIVATED, Declaration.Status.REJECTED):
        raise ValueError(f"not a decision: {outcome}")
    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status != Declaration.Status.SUBMITTED:
        raise DeclarationNotSubmitted(current.status)
    for name, value in (corrections or {}).items():
        if name not in CORRECTABLE_FIELDS:
            raise ValueError(f"{name} cannot be corrected at the desk")
        setattr(current, name, value)
    current.status = outcome
    current.save()
    log.info("declaration %s", outcome, extra={"declaration": str(current.pk)})
    return current


@transaction.atomic
def expire_declaration(declaration: Declaration, *, now=None) -> bool:
    """Mark a submitted declaration whose visit is overdue as expired; False if it is not (any
    more) both. The citizen may then start a new one."""
    now = now or timezone.now()
    current = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if current.status != Declaration.Status.SUBMITTED or not deadlines.is_overdue(current.visit_due_date, now):
        return False
    current.status = Declaration.Status.EXPIRED
    current.save(update_fields=["status", "updated_at"])
    log.info("declaration expired", extra={"declaration": str(current.pk)})
    return True
