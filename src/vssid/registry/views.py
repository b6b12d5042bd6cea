"""The look-up page. Thin: bind the form, call `services.look_up`, render one of four answers
(the form with errors, the neutral "no single match", the rate-limit page, or the number)."""
import math

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vssid.core.ratelimit import RateLimited, client_address
from vssid.core.security import session_subject
from vssid.declarations import selectors as declaration_selectors
from vssid.declarations import services as declaration_services
from vssid.declarations import steps

from . import services
from .forms import LookupForm

SOCIAL_INSURANCE_NUMBER_STEP = "social-insurance-number"


@never_cache
@require_http_methods(["GET", "POST"])
def lookup(request):
    declaration = declaration_selectors.declaration_of_session(request.session)
    draft = declaration if declaration is not None and declaration.is_draft else None
    context = {
        "draft": draft,
        "back_url": reverse(steps.BY_SLUG[SOCIAL_INSURANCE_NUMBER_STEP].url_name) if draft
        else reverse("declarations:start"),
    }
    if request.method == "GET":
        form = LookupForm(initial=LookupForm.initial_from_declaration(draft))
        return render(request, "registry/lookup.html", {**context, "form": form})

    form = LookupForm(request.POST)
    if not form.is_valid():
        return render(request, "registry/lookup.html", {**context, "form": form})
    try:
        result = services.look_up(form.query(), client=client_address(request), session=session_subject(request))
    except RateLimited as limited:
        response = render(request, "registry/rate_limited.html", {
            **context, "minutes": max(1, math.ceil(limited.retry_after / 60)),
        }, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    if not result.found:
        # One page for "nobody" and "several people": the bound form lets the citizen correct and
        # try again, and shows only what they typed themselves.
        return render(request, "registry/no_single_match.html", {**context, "form": form})

    if draft is not None:
        try:
            declaration_services.save_step_answers(
                draft, steps.BY_SLUG[SOCIAL_INSURANCE_NUMBER_STEP],
                {"social_insurance_number": result.social_insurance_number},
            )
        except declaration_services.DeclarationNotEditable:
            pass  # sent from another tab meanwhile: show the number instead
        else:
            messages.success(request, _("Đã tìm thấy mã số BHXH của bạn và điền vào tờ khai"))
            return redirect(steps.BY_SLUG[SOCIAL_INSURANCE_NUMBER_STEP].url_name)
    return render(request, "registry/found.html", {**context, "number": result.social_insurance_number})
