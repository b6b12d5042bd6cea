"""The citizen's account pages. Thin: bind a form, call one service, render or redirect."""
import functools
import math
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from vssid.core.ratelimit import RateLimited, client_address
from vssid.core.security import session_subject

from . import selectors, services, sessions
from .forms import ChangePasswordForm, ForgotPasswordForm, LoginForm, ResetPasswordForm

# The identifier typed on "forgot password", carried to the next page so it need not be typed twice.
RESET_IDENTIFIER_KEY = "password_reset_identifier"


def _rate_limited(request, limited: RateLimited, back_url: str):
    response = render(request, "accounts/rate_limited.html", {
        "minutes": max(1, math.ceil(limited.retry_after / 60)), "back_url": back_url,
    }, status=429)
    response["Retry-After"] = str(limited.retry_after)
    return response


def _locked_message(locked: services.AccountLocked) -> str:
    until = timezone.localtime(locked.until)
    return _("Tài khoản tạm khóa vì nhập sai mật khẩu %(count)d lần. Hãy thử lại sau %(time)s, "
             "hoặc lấy lại mật khẩu") % {"count": services.LOCKOUT_THRESHOLD, "time": time_format(until, "H:i")}


def citizen_required(view=None, *, allow_password_change: bool = False):
    """A page for a logged-in citizen; until the one-time password is changed, only the change page."""

    def decorate(view):
        @never_cache
        @functools.wraps(view)
        def guarded(request, *args, **kwargs):
            account = sessions.account_of_session(request)
            if account is None:
                return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
            if account.must_change_password and not allow_password_change:
                return redirect("accounts:change-password")
            return view(request, account, *args, **kwargs)

        return guarded

    return decorate(view) if view is not None else decorate


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return reverse("accounts:home")


@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    if request.method == "GET":
        if sessions.account_of_session(request) is not None:
            return redirect("accounts:home")
        return render(request, "accounts/login.html", {"form": LoginForm(), "next": request.GET.get("next", "")})
    form = LoginForm(request.POST)
    if form.is_valid():
        try:
            account = services.log_in(form.cleaned_data["identifier"], form.cleaned_data["password"],
                                      client=client_address(request), session=session_subject(request))
        except RateLimited as limited:
            return _rate_limited(request, limited, reverse("accounts:login"))
        except services.AccountLocked as locked:
            form.add_error("password", _locked_message(locked))
        except services.InvalidCredentials:
            # One message for an unknown identifier and a wrong password: the page must not tell
            # anyone who has an account.
            form.add_error("password", _("Mã số BHXH, số CCCD hoặc mật khẩu không đúng. Nhập sai %(count)d lần "
                                         "liên tiếp, tài khoản sẽ bị tạm khóa %(minutes)d phút") % {
                "count": services.LOCKOUT_THRESHOLD,
                "minutes": int(services.LOCKOUT_DURATION.total_seconds() // 60)})
        else:
            sessions.start_session(request, account)
            if account.must_change_password:
                return redirect("accounts:change-password")
            return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": request.POST.get("next", "")})


@require_POST
def logout(request):
    sessions.end_session(request)
    messages.success(request, _("Bạn đã đăng xuất"))
    return redirect("accounts:login")


@citizen_required(allow_password_change=True)
@require_http_methods(["GET", "POST"])
def change_password(request, account):
    first_time = account.must_change_password
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.change_password(account, form.cleaned_data["current_password"],
                                               form.cleaned_data["new_password"])
        except services.WrongPassword:
            form.add_error("current_password", _("Mật khẩu hiện tại không đúng"))
        except services.AccountLocked as locked:
            form.add_error("current_password", _locked_message(locked))
        except ValidationError as rules:
            form.add_password_errors(rules)
        else:
            sessions.refresh_session(request, account)
            messages.success(request, _("Đã đổi mật khẩu. Lần sau hãy đăng nhập bằng mật khẩu mới"))
            return redirect("accounts:home")
    return render(request, "accounts/change_password.html", {
        "form": form, "first_time": first_time,
        "back_url": None if first_time else reverse("accounts:home"),
    })


@citizen_required
def home(request, account):
    return render(request, "accounts/home.html", {
        "account": account,
        "declaration": account.declaration,
        "rows": selectors.registered_data(account),
        "history": selectors.declaration_history(account),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def forgot_password(request):
    form = ForgotPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_password_reset(form.cleaned_data["identifier"], form.cleaned_data["channel"],
                                            client=client_address(request), session=session_subject(request))
        except RateLimited as limited:
            return _rate_limited(request, limited, reverse("accounts:forgot-password"))
        request.session[RESET_IDENTIFIER_KEY] = form.cleaned_data["identifier"]
        # The same words whether or not the account exists, or has an email.
        if form.cleaned_data["channel"] == "email":
            sent = _("Nếu thông tin bạn nhập đúng với một tài khoản có email, mã xác nhận gồm 6 chữ số đã được gửi đến email đã đăng ký.")
        else:
            sent = _("Nếu thông tin bạn nhập đúng với một tài khoản, mã xác nhận gồm 6 chữ số đã được gửi bằng tin nhắn đến số điện thoại đã đăng ký.")
        messages.success(request, sent)
        return redirect("accounts:reset-password")
    return render(request, "accounts/forgot_password.html", {"form": form, "back_url": reverse("accounts:login")})


@never_cache
@require_http_methods(["GET", "POST"])
def reset_password(request):
    if request.method == "POST":
        form = ResetPasswordForm(request.POST)
        if form.is_valid():
            try:
                services.finish_password_reset(
                    form.cleaned_data["identifier"], form.cleaned_data["code"], form.cleaned_data["new_password"],
                    client=client_address(request), session=session_subject(request),
                )
            except RateLimited as limited:
                return _rate_limited(request, limited, reverse("accounts:reset-password"))
            except services.InvalidResetCode:
                form.add_error("code", _("Mã xác nhận không đúng hoặc đã hết hạn. Kiểm tra lại mã, hoặc yêu cầu mã mới"))
            except ValidationError as rules:
                form.add_password_errors(rules)
            else:
                request.session.pop(RESET_IDENTIFIER_KEY, None)
                messages.success(request, _("Đã đặt lại mật khẩu. Hãy đăng nhập bằng mật khẩu mới"))
                return redirect("accounts:login")
    else:
        form = ResetPasswordForm(initial={"identifier": request.session.get(RESET_IDENTIFIER_KEY, "")})
    return render(request, "accounts/reset_password.html", {
        "form": form, "back_url": reverse("accounts:forgot-password"),
        "code_minutes": int(services.RESET_CODE_LIFETIME.total_seconds() // 60),
    })
