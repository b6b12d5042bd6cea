"""The desk's pages. Thin: check who is asking (permissions), bind a form, call one service, render.

Every page is for logged-in officers only and never cached; a declaration is always fetched through
permissions.declaration_for, which answers 404 (and records it) for anything the officer may not see.
Searches are POSTed, so no number or name typed at the desk ever appears in a URL or an access log.
"""
from __future__ import annotations

import functools
import math

from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vssid.cards import dates
from vssid.core.ratelimit import client_address
from vssid.declarations import deadlines, steps
from vssid.declarations import presenters as declaration_presenters
from vssid.declarations import services as declaration_services
from vssid.declarations.forms import OfficeForm
from vssid.declarations.models import Declaration
from vssid.photos.models import Photo
from vssid.photos.selectors import PHOTO_CONTENT_TYPE, open_photo, sealed_photo_link
from vssid.places import selectors as places

from . import audit, officers, permissions, presenters, selectors, services
from .forms import ApproveForm, LoginForm, OfficerCreateForm, RejectForm, SearchForm
from .models import OfficerProfile

QUEUE_PAGE_SIZE = 25
Role = OfficerProfile.Role


def _officer_of(request) -> OfficerProfile | None:
    user = request.user
    if not user.is_authenticated or not user.is_active:
        return None
    try:
        return OfficerProfile.objects.select_related("user", "office", "office__province").get(user=user)
    except OfficerProfile.DoesNotExist:
        return None


def officer_required(view):
    """Logged-in officers only (anyone else goes to the login page); sets ``request.officer``."""

    @never_cache
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        officer = _officer_of(request)
        if officer is None:
            return redirect_to_login(request.get_full_path(), reverse("desk:login"))
        request.officer = officer
        return view(request, *args, **kwargs)

    return guarded


def _client(request) -> str:
    return client_address(request)


# Logging in and out --------------------------------------------------------------------------------

@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                           require_https=request.is_secure()):
        next_url = ""
    form = LoginForm(request.POST if request.method == "POST" else None)
    error = None
    status = 200
    if request.method == "POST" and form.is_valid():
        result = officers.log_in(form.cleaned_data["username"], form.cleaned_data["password"], client=_client(request))
        if result.ok:
            auth.login(request, result.officer.user, backend="django.contrib.auth.backends.ModelBackend")
            request.session.set_expiry(officers.SESSION_AGE_SECONDS)
            officers.mark_authenticated(request.session)
            return redirect(next_url or "desk:queue")
        if result.rate_limited:
            error, status = _("Có quá nhiều lần đăng nhập từ máy này. Hãy thử lại sau ít phút."), 429
        elif result.locked_minutes:
            error = _("Tài khoản tạm khóa vì nhập sai mật khẩu nhiều lần. Hãy thử lại sau %(minutes)d phút "
                      "hoặc nhờ quản trị viên mở khóa.") % {"minutes": result.locked_minutes}
        else:
            error = _("Tên đăng nhập hoặc mật khẩu không đúng")
    page_errors = [("id_username", error)] if error else []
    return render(request, "desk/login.html", {"form": form, "next": next_url, "page_errors": page_errors},
                  status=status)


@require_POST
def logout(request):
    officer = _officer_of(request)
    if officer is not None:
        audit.record(audit.Action.LOGOUT, officer=officer, client=_client(request))
    auth.logout(request)
    messages.success(request, _("Bạn đã đăng xuất."))
    return redirect("desk:login")


# The queue and the search --------------------------------------------------------------------------

@officer_required
@require_http_methods(["GET"])
def queue(request):
    officer = request.officer
    order = request.GET.get("sap-xep", "age")
    if order not in selectors.QUEUE_ORDERS:
        order = "age"
    office_code = request.GET.get("co-quan") or None
    offices = None
    if officer.role != Role.OFFICER:
        offices = permissions.offices_visible_to(officer).order_by("province__short_name", "kind", "name")
    page = Paginator(selectors.queue(officer, order=order, office_code=office_code), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("trang"))
    audit.record(audit.Action.VIEW_QUEUE, officer=officer, client=_client(request), detail=f"page:{page.number}")
    now = timezone.now()
    rows = [(d, deadlines.days_until_due(d.visit_due_date, now)) for d in page.object_list]
    return render(request, "desk/queue.html", {
        "page": page, "rows": rows, "order": order, "offices": offices, "office_code": office_code or "",
    })


@officer_required
@require_http_methods(["GET", "POST"])
def search(request):
    officer = request.officer
    hits, searched, scan_error = [], False, None
    if request.method == "POST":
        form = SearchForm(request.POST, request.FILES)
        if form.is_valid():
            text = form.cleaned_data["q"]
            if form.cleaned_data.get("photo") is not None:
                text, scan_error = _text_of_scanned_photo(form.cleaned_data["photo"])
            terms = selectors.interpret_query(text or "")
            hits = selectors.search(officer, terms) if terms else []
            searched = scan_error is None
            kinds = ",".join(sorted({t.kind for t in terms})) or "none"
            audit.record(audit.Action.SEARCH, officer=officer, client=_client(request),
                         detail=f"kinds:{kinds},results:{len(hits)}")
            if searched and len(hits) == 1 and "reference" in hits[0].matched:
                # A scanned or typed reference code opens its declaration at once.
                return redirect("desk:declaration", pk=hits[0].declaration.pk)
            # The box is emptied: the next scan must not be appended to what was typed.
            form = SearchForm()
    else:
        form = SearchForm()
    return render(request, "desk/search.html", {
        "form": form, "hits": hits, "searched": searched,
        "page_errors": [("id_photo", scan_error)] if scan_error else form.summary() if form.is_bound else [],
    }, status=422 if scan_error or (form.is_bound and "photo" in form.errors) else 200)  # a refused upload


def _text_of_scanned_photo(upload) -> tuple[str, str | None]:
    """The text of the first QR code in a photo (the reference QR, or an ID card's)."""
    from vssid.photos.qr_scan import scan_photo

    result = scan_photo(upload)
    if result.error:
        return "", str(result.error)
    for code in result.codes:
        if code.text:
            return code.text, None
    return "", _("Không đọc được mã QR trong ảnh. Hãy chụp lại gần hơn, đủ sáng, hoặc gõ mã hồ sơ.")


# A declaration -------------------------------------------------------------------------------------

@officer_required
@require_http_methods(["GET"])
def declaration(request, pk):
    officer = request.officer
    d = permissions.declaration_for(request, pk)
    if d.status == Declaration.Status.DRAFT:
        return redirect("desk:assisted-check", pk=d.pk)
    audit.record(audit.Action.VIEW_DECLARATION, officer=officer, declaration=d, client=_client(request))
    comparison = selectors.registry_comparison(d)
    warnings = selectors.warnings_for(d, officer, comparison)
    return render(request, "desk/declaration.html", {
        "declaration": d,
        "sections": presenters.declaration_sections(d),
        "comparison": comparison,
        "comparison_rows": presenters.comparison_rows(d, comparison),
        "warnings": [(w, presenters.warning_text(w)) for w in warnings],
        "decision": selectors.decision_of(d),
        "photos": _photos_with_links(request, d),
        "can_decide": d.status == Declaration.Status.SUBMITTED,
    })


def _photos_with_links(request, d) -> list[tuple]:
    """(kind, label, photo id, photo, sealed link or None) of the three photos. A link is as good as
    the picture for whoever holds it, so issuing one is audited as viewing the photo, like the
    streaming view below (which audits again if the browser falls back to it)."""
    photos = []
    for kind, label in presenters.photo_kinds():
        picture: Photo | None = getattr(d, kind)
        link = sealed_photo_link(picture) if picture is not None else None
        if link is not None:
            audit.record(audit.Action.VIEW_PHOTO, officer=request.officer, declaration=d, client=_client(request),
                         detail=f"kind:{kind}")
        photos.append((kind, label, getattr(d, f"{kind}_id"), picture, link))
    return photos


@officer_required
@require_http_methods(["GET"])
def photo(request, pk, kind):
    if kind not in presenters.PHOTO_LABELS:
        raise Http404
    d = permissions.declaration_for(request, pk)
    picture: Photo | None = getattr(d, kind)
    if picture is None or picture.is_purged:
        raise Http404
    audit.record(audit.Action.VIEW_PHOTO, officer=request.officer, declaration=d, client=_client(request),
                 detail=f"kind:{kind}")
    response = FileResponse(open_photo(picture), content_type=PHOTO_CONTENT_TYPE)
    response["Cache-Control"] = "private, no-store"
    return response


def _decision_page(request, pk, form_class, template, decide):
    """The approve and reject pages share everything but the form and the service."""
    officer = request.officer
    d = permissions.declaration_for(request, pk)
    if d.status != Declaration.Status.SUBMITTED:
        messages.info(request, _("Tờ khai này đã có quyết định hoặc không còn chờ duyệt; không có gì thay đổi."))
        return redirect("desk:declaration", pk=d.pk)
    needs_password = officers.needs_reauthentication(request.session)
    kwargs = {"declaration": d} if form_class is ApproveForm else {}
    form = form_class(request.POST if request.method == "POST" else None, needs_password=needs_password, **kwargs)
    if request.method == "POST" and form.is_valid():
        if needs_password and not officers.reauthenticate(officer, form.cleaned_data["password"],
                                                           session=request.session, client=_client(request)):
            form.add_error("password", _("Mật khẩu không đúng (hoặc tài khoản đang tạm khóa)"))
        else:
            try:
                decide(d, officer, form)
                return redirect("desk:declaration", pk=d.pk)
            except services.DecisionAlreadyMade:
                messages.info(request, _("Tờ khai này đã có quyết định hoặc không còn chờ duyệt; không có gì thay đổi."))
                return redirect("desk:declaration", pk=d.pk)
            except services.ActivationRefused:
                form.add_error(None, _("Không thể kích hoạt: đã có tài khoản giao dịch điện tử với mã số BHXH hoặc "
                                       "số giấy tờ này. Tờ khai chưa được duyệt; hãy từ chối với lý do phù hợp."))
    elif request.method == "GET":
        # The page shows the person's photos and numbers: a view of personal data like the detail page.
        audit.record(audit.Action.VIEW_DECLARATION, officer=officer, declaration=d, client=_client(request),
                     detail=f"page:{request.resolver_match.url_name}")
    return render(request, template, {"declaration": d, "form": form, "needs_password": needs_password,
                                      "photos": presenters.photo_kinds()})


@officer_required
@require_http_methods(["GET", "POST"])
def approve(request, pk):
    def decide(d, officer, form):
        approval = services.approve_declaration(d, officer, corrections=form.corrections(),
                                                document_checked=form.cleaned_data["document_checked"],
                                                client=_client(request))
        messages.success(request, _("Đã duyệt. Tài khoản được kích hoạt; mật khẩu được gửi bằng tin nhắn đến số "
                                    "%(phone)s.") % {"phone": approval.credentials_sent_to})

    return _decision_page(request, pk, ApproveForm, "desk/approve.html", decide)


@officer_required
@require_http_methods(["GET", "POST"])
def reject(request, pk):
    def decide(d, officer, form):
        services.reject_declaration(d, officer, reason=form.cleaned_data["reason"],
                                    reason_text=form.cleaned_data["reason_text"], client=_client(request))
        messages.success(request, _("Đã từ chối tờ khai. Người kê khai được thông báo lý do nếu có email; "
                                    "họ có thể kê khai lại."))

    return _decision_page(request, pk, RejectForm, "desk/reject.html", decide)


# Assisted registration -----------------------------------------------------------------------------

@officer_required
@require_http_methods(["GET", "POST"])
def assisted_start(request):
    if request.method == "POST":
        d = services.start_assisted_registration(request.officer, client=_client(request),
                                                 language=request.LANGUAGE_CODE)
        return redirect("desk:assisted-step", pk=d.pk, slug=steps.STEPS[0].slug)
    return render(request, "desk/assisted/start.html", {"office": request.officer.office})


def _assisted_draft(request, pk) -> Declaration:
    d = permissions.declaration_for(request, pk)
    if not d.assisted:
        permissions.refuse(request, declaration_id=d.pk, detail="not_assisted")
    return d


def _after_assisted_save(request, step, d):
    if request.GET.get("next") == "check":
        missing = steps.first_incomplete(d)
        if missing is None:
            return redirect("desk:assisted-check", pk=d.pk)
        return redirect(presenters.assisted_step_url(d, missing.slug))
    following = steps.next_after(step)
    if following is None:
        return redirect("desk:assisted-check", pk=d.pk)
    return redirect("desk:assisted-step", pk=d.pk, slug=following.slug)


@officer_required
@require_http_methods(["GET", "POST"])
def assisted_step(request, pk, slug):
    d = _assisted_draft(request, pk)
    if not d.is_draft:
        return redirect("desk:declaration", pk=d.pk)
    step = steps.BY_SLUG.get(slug)
    if step is None:
        raise Http404
    earlier = steps.blocking(step, d)
    if earlier is not None:
        return redirect("desk:assisted-step", pk=d.pk, slug=earlier.slug)
    if step.slug == "photos":
        return _assisted_photos(request, step, d)
    if step.slug == "office":
        return _assisted_office(request, step, d)
    kwargs = step.form_kwargs(d)
    notice = None
    if request.method == "POST":
        form = step.form_class(request.POST, **kwargs)
        if form.is_valid():
            d = declaration_services.save_step_answers(d, step, form.answers())
            if step.slug == "personal" and not dates.is_old_enough(d.date_of_birth, timezone.localdate()):
                notice = _("Người chưa đủ 15 tuổi không tự đăng ký: cha, mẹ hoặc người giám hộ đăng ký tài khoản "
                           "của mình rồi thêm con vào tài khoản đó. Nếu ngày sinh nhập sai, hãy sửa lại.")
            else:
                return _after_assisted_save(request, step, d)
    else:
        stored = step.form_class.data_from(d)
        form = step.form_class(stored, **kwargs) if any(stored.values()) else step.form_class(**kwargs)
    return _render_step(request, step, d, form=form, layout=presenters.form_layout(form), notice=notice)


def _render_step(request, step, d, *, status=200, **context):
    previous = steps.previous_before(step)
    back_url = (reverse("desk:assisted-check", kwargs={"pk": d.pk}) if request.GET.get("next") == "check"
                else reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": previous.slug}) if previous
                else reverse("desk:assisted-start"))
    return render(request, "desk/assisted/step.html", {
        "step": step, "declaration": d, "back_url": back_url, "step_number": steps.STEPS.index(step) + 1,
        "step_count": len(steps.STEPS), **context,
    }, status=status)


def _assisted_photos(request, step, d):
    errors: dict[str, str] = {}
    if request.method == "POST":
        d, refused = declaration_services.attach_photos(d, declaration_presenters.uploaded_photos(request.FILES))
        errors = declaration_presenters.photo_step_errors(d, refused)
        if not errors:
            return _after_assisted_save(request, step, d)
    # The citizen's photo slots (labels, hints, which camera), shown through the desk's photo view.
    slots = declaration_presenters.photo_slots(d, errors)
    for slot in slots:
        if slot.accepted:
            slot.preview_url = (reverse("desk:photo", kwargs={"pk": d.pk, "kind": slot.kind})
                                + f"?v={getattr(d, slot.kind + '_id')}")
    return _render_step(request, step, d, slots=slots, status=422 if errors else 200,
                        page_errors=[(f"id_{kind}", message) for kind, message in errors.items()])


def _assisted_office(request, step, d):
    """The office is the officer's own; the step still asks whether to email the tờ khai, and its
    form applies the same rules (the office must be receiving today, an email when ticked)."""
    office = request.officer.office
    receiving = [o for o in places.offices_valid_on(timezone.localdate()) if o.pk == office.pk]
    form_kwargs = {"nearest": [(office, 0.0)], "all_offices": receiving}
    if request.method == "POST":
        data = request.POST.copy()
        data["office"], data["other_office"] = str(office.pk), ""
        form = OfficeForm(data, **form_kwargs)
        if form.is_valid():
            d = declaration_services.save_step_answers(d, step, form.answers())
            return _after_assisted_save(request, step, d)
    else:
        form = OfficeForm(initial=OfficeForm.data_from(d), **form_kwargs)
    return _render_step(request, step, d, form=form, office=office,
                        layout=[item for item in presenters.form_layout(form)
                                if item.field.name in ("email_declaration", "email")])


@officer_required
@require_http_methods(["GET", "POST"])
def assisted_check(request, pk):
    d = _assisted_draft(request, pk)
    if not d.is_draft:
        return redirect("desk:declaration", pk=d.pk)
    missing = steps.first_incomplete(d)
    if missing is not None:
        return redirect("desk:assisted-step", pk=d.pk, slug=missing.slug)
    if request.method == "POST":
        try:
            d = declaration_services.submit_declaration(d)
        except declaration_services.DeclarationIncomplete as incomplete:
            return redirect("desk:assisted-step", pk=d.pk, slug=incomplete.step.slug)
        except declaration_services.DeclarationNotEditable:
            return redirect("desk:declaration", pk=d.pk)
        except declaration_services.RegistryMismatch:
            # The same rule as for the citizen: BHXH's record of this mã số must have this name and
            # date of birth. The officer corrects what was mistyped against the original document.
            page_errors = [("main", _("Mã số BHXH, họ tên hoặc ngày sinh không khớp với cơ sở dữ liệu BHXH. "
                                      "Kiểm tra lại với giấy tờ gốc và thẻ BHYT rồi sửa."))]
        else:
            messages.success(request, _("Đã gửi tờ khai. Đối chiếu bản gốc giấy tờ tùy thân rồi duyệt ngay."))
            return redirect("desk:approve", pk=d.pk)
    else:
        page_errors = []
    return render(request, "desk/assisted/check.html", {
        "declaration": d, "sections": presenters.assisted_sections(d), "photos": presenters.photo_kinds(),
        "back_url": reverse("desk:assisted-step", kwargs={"pk": d.pk, "slug": steps.STEPS[-1].slug}),
        "page_errors": page_errors,
    })


# Administration of officers ------------------------------------------------------------------------

@officer_required
@require_http_methods(["GET", "POST"])
def officers_admin(request):
    permissions.require_role(request, Role.ADMINISTRATOR)
    form = OfficerCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            created = officers.create_officer(username=c["username"], password=c["password1"], office=c["office"],
                                              role=c["role"], full_name=c["full_name"], created_by=request.officer,
                                              client=_client(request))
        except officers.OfficerExists:
            form.add_error("username", _("Tên đăng nhập này đã có người dùng"))
        else:
            messages.success(request, _("Đã tạo tài khoản cán bộ %(username)s.") % {"username": created.user.username})
            return redirect("desk:officers")
    accounts = OfficerProfile.objects.select_related("user", "office").order_by("office__code", "user__username")
    now = timezone.now()
    return render(request, "desk/officers.html", {
        "form": form,
        "accounts": [(a, a.is_locked(now), math.ceil((a.locked_until - now).total_seconds() / 60)
                      if a.is_locked(now) else 0) for a in accounts],
    })


@officer_required
@require_POST
def officer_unlock(request, user_id):
    permissions.require_role(request, Role.ADMINISTRATOR)
    account = OfficerProfile.objects.filter(user_id=user_id).first()
    if account is None:
        raise Http404
    officers.unlock(account, by=request.officer, client=_client(request))
    messages.success(request, _("Đã mở khóa tài khoản %(username)s.") % {"username": account.user.username})
    return redirect("desk:officers")
