"""The citizen's pages. Thin: find the session's declaration, bind a form, call one service, render."""
import functools

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vssid.cards import dates
from vssid.photos.selectors import open_photo
from vssid.places import selectors as places

from . import autofill, presenters, selectors, services, steps
from .forms import OfficeForm
from .models import Declaration
from .documents import pdf_filename, render_declaration_pdf
from .reference import reference_qr_svg

RETURN_TO_CHECK = "check"
NEAREST_OFFICES = 6


def _redirect_to_step(step: steps.Step | None, *, returning: bool = False):
    if step is None:
        return redirect("declarations:check")
    url = reverse(step.url_name)
    return redirect(f"{url}?next={RETURN_TO_CHECK}" if returning else url)


def _route_away(declaration: Declaration | None):
    """Where a request for a draft page goes when there is no draft to edit."""
    if declaration is None or declaration.status == Declaration.Status.CANCELLED:
        return redirect("declarations:start")
    if not declaration.is_draft:
        return redirect("declarations:confirmation", token=declaration.confirmation_token)
    return None


def _after_save(request, step: steps.Step, declaration: Declaration):
    """After an accepted answer: back to check answers when that is where the citizen came from and
    nothing new is needed; otherwise on to the next step (which redirects further if it must)."""
    returning = request.GET.get("next") == RETURN_TO_CHECK
    if returning:
        missing = steps.first_incomplete(declaration)
        return _redirect_to_step(missing, returning=missing is not None)
    return _redirect_to_step(steps.next_after(step))


def _step_context(request, step, declaration, **extra):
    previous = steps.previous_before(step)
    returning = request.GET.get("next") == RETURN_TO_CHECK
    back_url = reverse("declarations:check") if returning else (
        reverse(previous.url_name) if previous else reverse("declarations:start")
    )
    return {"step": step, "declaration": declaration, "back_url": back_url, "returning": returning, **extra}


@never_cache
@require_http_methods(["GET", "POST"])
def start(request):
    declaration = selectors.declaration_of_session(request.session)
    if request.method == "POST":
        if declaration is None or declaration.status in (Declaration.Status.CANCELLED, Declaration.Status.EXPIRED,
                                                         Declaration.Status.REJECTED):
            declaration = services.start_declaration(language=request.LANGUAGE_CODE)
            request.session[selectors.SESSION_KEY] = str(declaration.pk)
        away = _route_away(declaration)
        return away or _redirect_to_step(steps.first_incomplete(declaration))
    has_draft = declaration is not None and declaration.is_draft
    submitted = declaration if declaration is not None and declaration.status == Declaration.Status.SUBMITTED else None
    return render(request, "declarations/start.html", {"has_draft": has_draft, "submitted": submitted})


def draft_step(view):
    """A page of the draft: only for a browser with a draft, and only once the steps before it are
    complete; otherwise it leads to where the citizen should be. The view gets the step and draft."""

    @never_cache
    @require_http_methods(["GET", "POST"])
    @functools.wraps(view)
    def guarded(request, slug):
        step = steps.BY_SLUG[slug]
        declaration = selectors.declaration_of_session(request.session)
        away = _route_away(declaration)
        if away:
            return away
        earlier = steps.blocking(step, declaration)
        if earlier is not None:
            return _redirect_to_step(earlier)
        return view(request, step, declaration)

    return guarded


@draft_step
def form_step(request, step, declaration):

    kwargs = step.form_kwargs(declaration)
    if request.method == "POST":
        form = step.form_class(request.POST, **kwargs)
        if form.is_valid():
            declaration = services.save_step_answers(declaration, step, form.answers())
            if step.slug == "personal" and not dates.is_old_enough(declaration.date_of_birth, timezone.localdate()):
                return redirect("declarations:under-age")
            return _after_save(request, step, declaration)
    else:
        stored = step.form_class.data_from(declaration)
        # A step answered before but no longer valid (an earlier answer changed) shows why at once.
        form = step.form_class(stored, **kwargs) if any(stored.values()) else step.form_class(**kwargs)
    return render(request, f"declarations/steps/{step.slug.replace('-', '_')}.html",
                  _step_context(request, step, declaration, form=form))


@draft_step
def office_step(request, step, declaration):

    today = timezone.localdate()
    data = request.POST if request.method == "POST" else None
    origin, located = presenters.office_search_origin(data, declaration)
    nearest = places.offices_nearest(origin[0], origin[1], on=today, limit=NEAREST_OFFICES)
    all_offices = places.offices_valid_on(today)
    if request.method == "POST" and request.POST.get("action") != "locate":
        form = OfficeForm(request.POST, nearest=nearest, all_offices=all_offices)
        if form.is_valid():
            declaration = services.save_step_answers(declaration, step, form.answers())
            return _after_save(request, step, declaration)
    else:
        initial = OfficeForm.data_from(declaration)
        if data is not None:  # "use my location": keep what was already ticked
            initial.update({k: data.get(k, "") for k in ("email_declaration", "email")})
        if initial["office"] and initial["office"] not in {str(o.pk) for o, _d in nearest}:
            initial["other_office"], initial["office"] = initial["office"], ""
        form = OfficeForm(initial=initial, nearest=nearest, all_offices=all_offices)
    return render(request, "declarations/steps/office.html", _step_context(
        request, step, declaration, form=form, nearest=nearest, located=located,
    ))


@draft_step
def photos_step(request, step, declaration):

    errors: dict[str, str] = {}
    if request.method == "POST":
        declaration, refused = services.attach_photos(declaration, presenters.uploaded_photos(request.FILES))
        errors = presenters.photo_step_errors(declaration, refused)
        if not errors:
            return _after_save(request, step, declaration)
    slots = presenters.photo_slots(declaration, errors)
    summary = [(f"id_{kind}", message) for kind, message in errors.items()]
    # 422 when a photo was refused or is missing: nothing of that photo was stored.
    return render(request, "declarations/steps/photos.html", _step_context(
        request, step, declaration, slots=slots, page_errors=summary,
    ), status=422 if errors else 200)


@never_cache
def photo_preview(request, kind):
    """The session's own photo, never a public URL."""
    declaration = selectors.declaration_of_session(request.session)
    if declaration is None or kind not in services.PHOTO_FIELD.values():
        raise Http404
    photo = getattr(declaration, kind)
    if photo is None or photo.purged_at is not None:
        raise Http404
    response = FileResponse(open_photo(photo), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def check_answers(request):
    declaration = selectors.declaration_of_session(request.session)
    away = _route_away(declaration)
    if away:
        return away
    missing = steps.first_incomplete(declaration)
    if missing is not None:
        return _redirect_to_step(missing)
    if request.method == "POST":
        try:
            declaration = services.submit_declaration(declaration)
        except services.DeclarationIncomplete as incomplete:
            return _redirect_to_step(incomplete.step)
        except services.RegistryMismatch as mismatch:
            return render(request, "registry/declaration_mismatch.html",
                          {"check": mismatch.check, "back_url": reverse("declarations:check")})
        except services.DeclarationNotEditable:
            return _route_away(selectors.declaration_of_session(request.session)) or redirect("declarations:start")
        return redirect("declarations:confirmation", token=declaration.confirmation_token)
    return render(request, "declarations/check_answers.html", {
        "declaration": declaration,
        "sections": presenters.check_answer_sections(declaration),
        "back_url": reverse("declarations:office"),
    })


@never_cache
def confirmation(request, token):
    declaration = selectors.declaration_by_confirmation_token(token)
    if declaration is None:
        raise Http404
    owns = request.session.get(selectors.SESSION_KEY) == str(declaration.pk)
    return render(request, "declarations/confirmation.html", {
        "declaration": declaration,
        "owns": owns,
        "reference_qr_svg": reference_qr_svg(declaration.reference_code),
        "reference_display": presenters.grouped_reference(declaration),
    })


@never_cache
def declaration_pdf(request, token):
    """The tờ khai as PDF: it carries personal data, so only the browser that sent it may fetch it."""
    declaration = selectors.declaration_by_confirmation_token(token)
    if declaration is None or request.session.get(selectors.SESSION_KEY) != str(declaration.pk):
        raise Http404
    response = HttpResponse(render_declaration_pdf(declaration), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(declaration.reference_code)}"'
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
def under_age(request):
    return render(request, "declarations/under_age.html", {"back_url": reverse("declarations:personal")})


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request):
    declaration = selectors.declaration_of_session(request.session)
    if declaration is None or declaration.status not in (Declaration.Status.DRAFT, Declaration.Status.SUBMITTED):
        return redirect("declarations:start")
    if request.method == "POST":
        services.cancel_declaration(declaration)
        request.session.pop(selectors.SESSION_KEY, None)
        return render(request, "declarations/cancelled.html")
    back = reverse("declarations:check") if declaration.is_draft else reverse(
        "declarations:confirmation", kwargs={"token": declaration.confirmation_token})
    return render(request, "declarations/cancel.html", {"declaration": declaration, "back_url": back})


SCANNED_CARD = "scanned_card"


def _draft_or_away(request):
    declaration = selectors.declaration_of_session(request.session)
    return declaration, _route_away(declaration)


@never_cache
@require_http_methods(["GET", "POST"])
def scan_card(request):
    """Fill in from the QR code of a BHYT or CCCD card: a photo of the card (works without
    JavaScript), the text a phone's own barcode reader found, or camera frames sent by the page."""
    declaration, away = _draft_or_away(request)
    if away:
        return away
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    error = None
    if request.method == "POST":
        card, error = autofill.read_card(text=request.POST.get("text"), photo=request.FILES.get("photo"))
        if card is not None:
            request.session[SCANNED_CARD] = card
            next_url = reverse("declarations:scan-confirm")
            return JsonResponse({"next": next_url}) if wants_json else redirect(next_url)
        if wants_json:
            return JsonResponse({"error": error}, status=422)
    return render(request, "declarations/scan_card.html", {
        "back_url": reverse("declarations:personal"),
        "page_errors": [("id_photo", error)] if error else [],
        "error": error,
    }, status=422 if error else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_scanned_card(request):
    declaration, away = _draft_or_away(request)
    if away:
        return away
    card = request.session.get(SCANNED_CARD)
    if not card:
        return redirect("declarations:scan")
    proposals = autofill.proposals_from_card(card, declaration)
    error = None
    if request.method == "POST":
        answers, error = autofill.chosen_answers(proposals, request.POST)
        if error is None:
            services.apply_card_answers(declaration, answers)
            del request.session[SCANNED_CARD]
            messages.success(request, _("Đã điền thông tin từ thẻ. Hãy kiểm tra lại từng bước."))
            return _redirect_to_step(steps.first_incomplete(declaration) or steps.STEPS[0])
    return render(request, "declarations/scan_confirm.html", {
        "proposals": proposals,
        "kind": card.get("kind"),
        "back_url": reverse("declarations:scan"),
        "page_errors": [("proposal-address", error)] if error else [],
        "error": error,
    })
