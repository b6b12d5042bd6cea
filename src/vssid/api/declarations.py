"""The declaration (tờ khai): create a draft, answer its steps, add photos, check, send, follow, cancel.

Each endpoint calls the service the matching web page calls. The draft is named by its token
(``Authorization: Bearer …``), so its paths say ``current`` instead of an id.
"""
import contextlib

from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.urls import reverse
from ninja import Header, Path, Router, Status

from vssid.declarations import services, steps
from vssid.declarations.documents import pdf_filename, render_declaration_pdf
from vssid.declarations.models import Declaration
from vssid.declarations.reference import format_reference_code, normalize_reference_code
from vssid.photos.models import Photo
from vssid.photos.selectors import open_photo

from . import drafts, idempotency, limits
from .auth import draft_token
from .errors import ApiError, item
from .places import office_json
from .schemas import (
    CheckAnswers,
    CreatedDraft,
    DeclarationPatch,
    DeclarationState,
    ErrorResponse,
    PhotoAccepted,
    PhotoKind,
    Submission,
)

router = Router(tags=["declarations"], auth=draft_token)


def _errors(*statuses: int) -> dict:
    # Any request may be refused for its size or a malformed length (413, 400), and any request
    # behind the token for the token (401).
    return {status: ErrorResponse for status in (*statuses, 400, 401, 413)}


def _binary_answer(media_type: str, description: str) -> dict:
    # A file, not JSON: the schema must say so, or clients (and schemathesis) expect JSON.
    content = {media_type: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {200: {"description": description, "content": content}}}


def _editable(declaration: Declaration) -> Declaration:
    if not declaration.is_draft:
        raise ApiError.of(409, "declaration_not_editable")
    return declaration


@router.post("/declarations", auth=None, summary="Start a declaration",
             response={201: CreatedDraft, 400: ErrorResponse, 413: ErrorResponse, 429: ErrorResponse})
def create_draft(request):
    """A new, empty draft and the bearer token that names it from now on (shown only here)."""
    limits.count_client(request, "create_draft")
    with transaction.atomic():
        declaration = services.start_declaration(language=request.LANGUAGE_CODE)
        token = services.issue_api_token(declaration)
    return Status(201, {"token": token, "declaration": drafts.state(declaration)})


@router.get("/declarations/current", response={200: DeclarationState, **_errors()},
            summary="The draft's answers and the state of each step")
def read_draft(request):
    return drafts.state(request.auth)


@router.patch("/declarations/current", response={200: DeclarationState, **_errors(409, 422, 429)},
              summary="Answer or change any steps")
def update_draft(request, payload: DeclarationPatch):
    """Send any subset of the answers; each step's fields are checked together by that step's form,
    against the answers before it. All are saved, or none (422 lists every refusal). A step opens
    when the steps before it are complete, or are completed by the same request."""
    declaration = _editable(request.auth)
    limits.count_draft(declaration, "edit_draft")
    declaration = drafts.apply_patch(declaration, payload.model_dump(exclude_unset=True))
    return drafts.state(declaration)


PHOTO_UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["photo"],
                "properties": {"photo": {"type": "string", "format": "binary",
                                         "description": "JPG, PNG, HEIC or WebP, at most 10 MB."}},
            }
        }
    },
}


@router.put("/declarations/current/photos/{kind}", url_name=limits.PHOTO_UPLOAD_URL_NAME,
            response={200: PhotoAccepted, **_errors(409, 415, 422, 429)},
            openapi_extra={"requestBody": PHOTO_UPLOAD_BODY}, summary="Add or replace one photo")
def upload_photo(request, kind: PhotoKind):
    """The portrait or one side of the ID document, as the multipart field ``photo``. It is checked,
    re-encoded without metadata and stored privately; a refusal's code says how to take it again."""
    declaration = _editable(request.auth)
    step = steps.BY_SLUG["photos"]
    earlier = steps.blocking(step, declaration)
    if earlier is not None:
        raise ApiError.of(422, "step_not_open", "photo", step=earlier.title)
    limits.count_draft(declaration, "upload_photo")
    with _uploaded_files(request) as files:
        if "photo" not in files:
            raise ApiError.of(422, "required", "photo")
        photo = services.attach_photo(declaration, kind.value, files["photo"])
    return {"kind": kind.value, "width": photo.width, "height": photo.height, "byte_size": photo.byte_size}


@contextlib.contextmanager
def _uploaded_files(request):
    """The request's files, read only now that the body is known to be within its limit, and
    closed (temporary files deleted) when done.

    Django parses multipart bodies of POST requests only, so a PUT's is parsed here, with the
    project's upload handlers: a file past FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file.
    """
    if request.content_type != "multipart/form-data":
        raise ApiError.of(415, "unsupported_media_type", "photo")
    _fields, files = request.parse_file_upload(request.META, request)
    try:
        yield files
    finally:
        for _name, uploads in files.lists():
            for upload in uploads:
                upload.close()


@router.get("/declarations/current/photos/{kind}", response={200: None, **_errors(404, 422)},
            openapi_extra=_binary_answer("image/jpeg", "The stored JPEG."),
            summary="The stored photo")
def download_photo(request, kind: PhotoKind):
    """The photo as stored (re-encoded JPEG, no metadata), for the app to show what was accepted."""
    photo = getattr(request.auth, services.PHOTO_FIELD[Photo.Kind(kind.value)])
    if photo is None or photo.is_purged:
        raise ApiError.of(404, "photo_not_found", "kind")
    answer = FileResponse(open_photo(photo), content_type="image/jpeg")
    answer["Cache-Control"] = "private, no-store"
    return answer


@router.get("/declarations/current/check", response={200: CheckAnswers, **_errors(409)},
            summary="Everything, as the check-answers page shows it")
def check_answers(request):
    declaration = request.auth
    missing = steps.first_incomplete(declaration)
    if missing is not None:
        raise ApiError.of(409, "declaration_incomplete", missing.slug, step=missing.title)
    return drafts.check_answers(declaration)


IDEMPOTENCY_KEY = Header(
    None, alias="Idempotency-Key", min_length=1, max_length=255, pattern=r"^[!-~]+$",
    description="Required. A new random value (a UUID) per declaration; send the same one again when retrying.",
)


# Which answer a registry disagreement is about, for the client to send the citizen back to it.
REGISTRY_FIELD = {"unknown_number": "social_insurance_number", "name_differs": "full_name",
                  "date_of_birth_differs": "date_of_birth"}


@router.post("/declarations/current/submit", response={200: Submission, **_errors(409, 422, 428, 429)},
             summary="Send the declaration")
def submit_declaration(request, response: HttpResponse, idempotency_key: str = IDEMPOTENCY_KEY):
    """Send the draft. A retry with the same ``Idempotency-Key`` is answered the first answer (with
    ``Idempotent-Replayed: true``) and never makes a second declaration; a different key on a sent
    declaration gets the same declaration back, as sending is idempotent for a draft anyway."""
    declaration = request.auth
    if idempotency_key is None:
        raise ApiError.of(428, "idempotency_key_required", "Idempotency-Key")
    first = idempotency.remembered(declaration, idempotency_key)
    if first is None:
        limits.count_draft(declaration, "submit")
        try:
            sent = services.submit_declaration(declaration)
        except services.DeclarationIncomplete as incomplete:
            raise ApiError.of(409, "declaration_incomplete", incomplete.step.slug, step=incomplete.step.title) from None
        except services.RegistryMismatch as mismatch:
            raise ApiError(409, [item(f"registry_{code}", REGISTRY_FIELD[code]) for code in mismatch.check.problems]) from None
        # A concurrent retry may have stored its answer first: then that one is the answer.
        first, created = idempotency.remember(sent, idempotency_key, 200, submission_json(sent))
        replayed = not created
    else:
        replayed = True
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(first.status_code, first.body)


@router.post("/declarations/current/cancel", response={200: DeclarationState, **_errors(409)},
             summary="Cancel the declaration")
def cancel_declaration(request):
    """A draft or a sent declaration can be cancelled; the token still reads it afterwards."""
    return drafts.state(services.cancel_declaration(request.auth))


@router.get("/declarations/current/pdf", response={200: None, **_errors(409)},
            openapi_extra=_binary_answer("application/pdf", "The tờ khai (mẫu 01/ĐK-GD)."),
            summary="The sent tờ khai as PDF")
def declaration_pdf(request):
    declaration = request.auth
    if declaration.submitted_at is None:
        raise ApiError.of(409, "declaration_not_submitted")
    answer = HttpResponse(render_declaration_pdf(declaration), content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{pdf_filename(declaration.reference_code)}"'
    answer["Cache-Control"] = "private, no-store"
    return answer


@router.get("/declarations/{reference_code}", response={200: Submission, **_errors(404, 422)},
            summary="A sent declaration's status")
def declaration_status(request, reference_code: str = Path(..., max_length=32)):
    """The status of the declaration this token was issued for, by its reference code (grouped or
    not). Any other code is unknown to this token: 404, the same as a code that does not exist."""
    declaration = request.auth
    if declaration.reference_code is None or normalize_reference_code(reference_code) != declaration.reference_code:
        raise ApiError.of(404, "not_found")
    return submission_json(declaration)


def submission_json(declaration: Declaration) -> dict:
    """A sent declaration as JSON-ready values (stored as such for idempotent replays)."""
    return {
        "reference_code": declaration.reference_code,
        "reference_code_display": format_reference_code(declaration.reference_code),
        "status": declaration.status,
        "submitted_at": declaration.submitted_at.isoformat(),
        "visit_due_date": declaration.visit_due_date.isoformat(),
        "cancelled_at": declaration.cancelled_at.isoformat() if declaration.cancelled_at else None,
        "office": office_json(declaration.office),
        "confirmation_path": reverse("declarations:confirmation", kwargs={"token": declaration.confirmation_token}),
    }
