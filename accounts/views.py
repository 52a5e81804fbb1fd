"""The second step of logging in: set up an authenticator app, type its code, or use a recovery code;
the forgot-password pages; logging out; and signing in with the municipality's account (OpenID Connect).

The password step stays Django's LoginView; `MFARequiredMiddleware` sends staff here until their
session is verified. Setting up an app needs a second proof besides the password: a one-time
enrolment link from an admin (`EnrolView`), or a session verified by a recovery code or the old app.

Wrong codes count twice: django-otp makes each device wait longer after every wrong code, and
each wrong code is also a failed login for django-axes (username and IP address), so the lockout
covers both steps.
"""

import logging
import time
from datetime import timedelta
from urllib.parse import urlencode

import django_otp
import qrcode
import qrcode.image.svg
import requests
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.contrib.auth.signals import user_login_failed
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView, View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from accounts import oidc
from accounts.forms import AppCodeForm, RecoveryCodeForm
from accounts.mfa import confirmed_totp_device, format_secret, mfa_required, recovery_codes_left, recovery_device
from accounts.oidc import Refusal
from accounts.roles import user_has_role
from accounts.services import (
    enrolment_link_redeem,
    mfa_failed,
    mfa_verified,
    oidc_signin_refused,
    oidc_signin_succeeded,
    password_reset_complete,
    password_reset_request,
    provider_sign_in_device,
    recovery_code_used,
    recovery_codes_renew,
    totp_device_confirm,
    totp_device_for_setup,
)
from core import ratelimit
from core.ratelimit import client_ip
from municipalities.models import OfficerMembership

logger = logging.getLogger(__name__)

NEW_CODES_SESSION_KEY = "accounts_new_recovery_codes"
# Set by a used enrolment link, for that user only: this session may set up an app.
ENROLMENT_SESSION_KEY = "accounts_enrolment_user"
FEW_CODES_LEFT = 3


def safe_next(request) -> str:
    """`next` from the form or the query string if it stays on this site, else an empty string."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def next_or_home(request) -> str:
    return safe_next(request) or resolve_url(settings.LOGIN_REDIRECT_URL)


def url_with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out client (AXES_LOCKOUT_CALLABLE): our own page, 429."""
    cool_off = get_cool_off(request) or timedelta(0)
    context = {
        "minutes": max(1, int(cool_off.total_seconds() // 60)),
        "until": timezone.localtime(timezone.now() + cool_off),
    }
    return render(request, "accounts/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)


def qr_code_svg(text: str, label: str) -> str:
    """The QR code as inline SVG, drawn here: no image from elsewhere, no style attributes (CSP)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=14, border=4)
    svg = image.to_string(encoding="unicode")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))  # noqa: S308


@method_decorator(never_cache, name="dispatch")
class MFAStepMixin(LoginRequiredMixin):
    """Only for logged-in users who need two steps; a locked-out client is logged out."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not mfa_required(request.user):
            return redirect(next_or_home(request))
        if AxesProxyHandler.is_locked(request, {"username": request.user.get_username()}):
            logout(request)
            return lockout_response(request)
        self.next_url = safe_next(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=self.next_url, **kwargs)

    def count_wrong_code(self):
        """A wrong code is a failed login for django-axes; at the limit the session ends."""
        request = self.request
        mfa_failed(user=request.user)
        user_login_failed.send(sender=__name__, credentials={"username": request.user.get_username()}, request=request)
        if getattr(request, "axes_locked_out", False):
            logout(request)
            return lockout_response(request)
        return None

    def verified(self, device):
        """The session is verified by `device` (under a new session key); earlier failed attempts
        from here are forgotten."""
        self.request.session.cycle_key()
        django_otp.login(self.request, device)
        axes_reset(ip=client_ip(self.request), username=self.request.user.get_username())


class CodeStepView(MFAStepMixin, FormView):
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "device": self.device}

    def form_invalid(self, form):
        if form.wrong_code:
            locked = self.count_wrong_code()
            if locked is not None:
                return locked
        return super().form_invalid(form)


class VerifyView(CodeStepView):
    """Step two for a user with an app: the 6-digit code."""

    template_name = "accounts/verify.html"
    form_class = AppCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(next_or_home(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.device = confirmed_totp_device(self.request.user)
        return super().get_form_kwargs()

    def get(self, request, *args, **kwargs):
        if confirmed_totp_device(request.user) is None:
            return redirect(url_with_next("accounts:mfa_setup", self.next_url))
        return super().get(request, *args, **kwargs)

    def form_valid(self, form):
        self.verified(form.device)
        mfa_verified(user=self.request.user)
        return redirect(self.next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class RecoveryVerifyView(CodeStepView):
    """Step two without the phone: one recovery code, which is used up."""

    template_name = "accounts/verify_recovery.html"
    form_class = RecoveryCodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_verified():
            return redirect(next_or_home(request))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        self.device = recovery_device(self.request.user)
        return super().get_form_kwargs()

    def get_context_data(self, **kwargs):
        return super().get_context_data(has_app=confirmed_totp_device(self.request.user) is not None, **kwargs)

    def form_valid(self, form):
        self.verified(form.device)
        left = recovery_codes_left(self.request.user)
        recovery_code_used(user=self.request.user, codes_left=left)
        text = ngettext(
            "You logged in with a recovery code. You have %(count)d recovery code left.",
            "You logged in with a recovery code. You have %(count)d recovery codes left.",
            left,
        ) % {"count": left}
        if left < FEW_CODES_LEFT:
            messages.warning(self.request, text + " " + _("Make new recovery codes soon."))
        else:
            messages.info(self.request, text)
        return redirect(self.next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


def may_enrol(request) -> bool:
    """The second proof for setting up an app: a verified session (the old app or a recovery
    code), or an enrolment link this user opened in this session."""
    user = request.user
    return user.is_verified() or request.session.get(ENROLMENT_SESSION_KEY) == user.pk


class SetupView(CodeStepView):
    """Set up an authenticator app: scan the QR code (or type the secret), then type the first code.

    The password alone is not enough: without a second proof (`may_enrol`) the page shows no
    secret and takes no code, and says how to get an enrolment link or use a recovery code.
    """

    template_name = "accounts/setup.html"
    form_class = AppCodeForm

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and not may_enrol(request)
            and mfa_required(user)
            and confirmed_totp_device(user) is not None
        ):
            return redirect(url_with_next("accounts:mfa_verify", safe_next(request)))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        if not may_enrol(request):
            return self.no_proof()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not may_enrol(request):
            return self.no_proof(status=403)
        return super().post(request, *args, **kwargs)

    def no_proof(self, status=200):
        """No secret, no device: how to get an enrolment link, or the way to a recovery code."""
        context = {"next": self.next_url, "recovery_codes_left": recovery_codes_left(self.request.user)}
        return render(self.request, "accounts/setup_needs_link.html", context, status=status)

    def get_form_kwargs(self):
        self.device = totp_device_for_setup(user=self.request.user)
        return super().get_form_kwargs()

    def form_invalid(self, form):
        # Only with a second proof, and the page shows the key: a wrong first code is no failed
        # login; django-otp still makes the device wait after each wrong code.
        form.wrong_code = False
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # makes the form, and so self.device
        user = self.request.user
        verified = user.is_verified()
        context.update(
            qr_code=qr_code_svg(self.device.config_url, _("QR code to scan with your authenticator app")),
            secret=format_secret(self.device.bin_key),
            replacing=confirmed_totp_device(user) is not None,
            recovery_codes_left=0 if verified else recovery_codes_left(user),
        )
        return context

    def form_valid(self, form):
        codes = totp_device_confirm(device=form.device, actor=self.request.user)
        self.verified(form.device)
        self.request.session.pop(ENROLMENT_SESSION_KEY, None)
        if codes:
            self.request.session[NEW_CODES_SESSION_KEY] = codes
        messages.success(self.request, _("Two-step verification is on. Your app is ready."))
        return redirect(url_with_next("accounts:mfa_recovery_codes", self.next_url))


class EnrolView(MFAStepMixin, View):
    """The one-time enrolment link from the mail: for its own user (logged in first), once, while
    valid. It lets this session set up an app (the setup page)."""

    def get(self, request, token):
        if not enrolment_link_redeem(user=request.user, token=token):
            return render(request, "accounts/enrolment_link_invalid.html", status=404)
        request.session[ENROLMENT_SESSION_KEY] = request.user.pk
        return redirect(url_with_next("accounts:mfa_setup", self.next_url))


class RecoveryCodesView(MFAStepMixin, TemplateView):
    """Recovery codes: new ones are shown once, right after they are made; the page then only counts them."""

    template_name = "accounts/recovery_codes.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and mfa_required(request.user) and not request.user.is_verified():
            return redirect(url_with_next("accounts:mfa_verify", request.get_full_path()))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user = self.request.user
        new_codes = self.request.session.pop(NEW_CODES_SESSION_KEY, None)
        return super().get_context_data(
            new_codes=new_codes,
            page_url=self.request.build_absolute_uri(reverse("accounts:mfa_recovery_codes")),
            codes_left=recovery_codes_left(user),
            has_app=confirmed_totp_device(user) is not None,
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        request.session[NEW_CODES_SESSION_KEY] = recovery_codes_renew(user=request.user, actor=request.user)
        return redirect(url_with_next("accounts:mfa_recovery_codes", self.next_url))


# --- forgot password ----------------------------------------------------------------------------


def rate_limited(request):
    return render(request, "accounts/rate_limited.html", status=429)


@method_decorator(never_cache, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Ask for a reset mail. Every address gets the same answer, as fast: the lookup and the mail
    happen in the worker. At most PASSWORD_RESET_RATE_LIMIT_PER_CLIENT requests per client and
    PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS per address in PASSWORD_RESET_RATE_PERIOD."""

    client_scope = "password-reset"
    address_scope = "password-reset-address"

    def post(self, request, *args, **kwargs):
        if ratelimit.is_limited(self.client_scope, request, limit=settings.PASSWORD_RESET_RATE_LIMIT_PER_CLIENT):
            return rate_limited(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        request = self.request
        email = form.cleaned_data["email"]
        address = email.strip().lower()
        limit = settings.PASSWORD_RESET_RATE_LIMIT_PER_ADDRESS
        if ratelimit.is_limited(self.address_scope, request, limit=limit, value=address):
            return rate_limited(request)
        period = settings.PASSWORD_RESET_RATE_PERIOD
        ratelimit.record(self.client_scope, request, period=period)
        ratelimit.record(self.address_scope, request, period=period, value=address)
        password_reset_request(email=email, origin=client_ip(request), language=get_language())
        return HttpResponseRedirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link from the mail: choose a new password (audited)."""

    def form_valid(self, form):
        password_reset_complete(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


def start_page_for(user) -> str:
    """Where a signed-in user starts: platform admins the admin, officers their dashboard,
    facilitators and progress-group members the trajectories, other staff the admin, anyone
    else the home page. One query."""
    if user.is_superuser:
        return reverse("admin:index")
    users = get_user_model().objects
    roles = (
        users.filter(pk=user.pk)
        .annotate(
            officer=Exists(OfficerMembership.objects.filter(user=OuterRef("pk"), is_active=True)),
            facilitator_=Exists(users.filter(pk=OuterRef("pk"), facilitator__is_active=True)),
            member=Exists(
                users.filter(
                    pk=OuterRef("pk"),
                    progress_group_memberships__isnull=False,
                    progress_group_memberships__left_on__isnull=True,
                )
            ),
        )
        .values("officer", "facilitator_", "member")
        .first()
    ) or {}
    if roles.get("officer"):
        return reverse("initiatives:dashboard")
    if roles.get("facilitator_") or roles.get("member"):
        return reverse("vision:trajectory_list")
    if user.is_staff:
        return reverse("admin:index")
    return reverse("initiatives:home")


@method_decorator(never_cache, name="dispatch")
class StartPageView(LoginRequiredMixin, View):
    """`LOGIN_REDIRECT_URL`: after signing in (both steps), each user lands on their own start page."""

    def get(self, request):
        return redirect(start_page_for(request.user))


# --- signing in with the municipality's account (OpenID Connect, accounts/oidc.py) ---------------

REFUSAL_SESSION_KEY = "accounts_oidc_refusal"
SIGN_IN_MAX_SECONDS = 15 * 60  # from the button to the way back: time enough for the provider's second step

REFUSAL_TEXTS = {
    Refusal.CANCELLED: gettext_lazy("You stopped logging in at the municipality's sign-in page."),
    Refusal.PROVIDER: gettext_lazy(
        "The municipality's sign-in service did not give a usable answer. Try again in a few minutes, "
        "or log in with your password."
    ),
    Refusal.STATE: gettext_lazy("This sign-in was not started on this page, or it took too long. Start again."),
    Refusal.EXPIRED: gettext_lazy("The sign-in took too long and has expired. Start again."),
    Refusal.AUDIENCE: gettext_lazy(
        "The answer of the sign-in service was meant for another application. Try again. "
        "Does it happen again? Tell the administrator of the platform."
    ),
    Refusal.INVALID: gettext_lazy(
        "The answer of the sign-in service could not be checked. Try again. "
        "Does it happen again? Tell the administrator of the platform."
    ),
    Refusal.EMAIL: gettext_lazy(
        "The sign-in service did not send a confirmed e-mail address, so we cannot find your account. "
        "Ask the people who manage the accounts of your municipality."
    ),
    Refusal.UNKNOWN: gettext_lazy(
        "There is no account on this platform for %(email)s. Ask a coordinator of your municipality to add you."
    ),
    Refusal.CREATED: gettext_lazy(
        "We made an account for %(email)s. It has no role yet, so you cannot do anything with it. "
        "A coordinator of your municipality or an administrator gives you a role. Then log in again."
    ),
    Refusal.AMBIGUOUS: gettext_lazy(
        "More than one account on this platform has the e-mail address %(email)s. Ask an administrator to fix this."
    ),
    Refusal.INACTIVE: gettext_lazy(
        "The account for %(email)s is switched off. Ask a coordinator of your municipality or an administrator."
    ),
    Refusal.NO_ROLE: gettext_lazy(
        "Your account %(email)s has no role yet, so there is nothing for you here. A coordinator of your "
        "municipality or an administrator gives you a role. Then log in again."
    ),
    Refusal.NOT_ALLOWED: gettext_lazy(
        "Your account at the municipality may not be used for this platform. Ask a coordinator of your municipality."
    ),
}


def oidc_refuse(request, reason: Refusal, *, user=None, label: str = "", audit: bool = True):
    """The way out of every refused sign-in: an audit line (for a sign-in this session started),
    then the page that says why. The session stays as it was: a refusal signs nobody in or out."""
    if audit:
        oidc_signin_refused(reason=reason, user=user, label=label)
    request.session[REFUSAL_SESSION_KEY] = {"reason": reason.value, "email": label or getattr(user, "email", "")}
    return redirect("oidc:refused")


class OIDCEnabledMixin:
    """The pages answer 404 when the installation has no provider (accounts.oidc.enabled)."""

    def dispatch(self, request, *args, **kwargs):
        if not oidc.enabled():
            raise Http404
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class OIDCLoginView(OIDCEnabledMixin, OIDCAuthenticationRequestView):
    """ "Log in with your municipality's account": on to the provider's sign-in page.
    mozilla-django-oidc keeps the state, the nonce, the PKCE verifier and `next` in the session."""

    def __init__(self, **kwargs):
        View.__init__(self, **kwargs)  # the provider's address is read per sign-in (`oidc.provider`)

    def get(self, request):
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider().authorization_endpoint
        except oidc.ProviderUnavailable:
            logger.warning("OpenID Connect: the provider cannot be reached", exc_info=True)
            return oidc_refuse(request, Refusal.PROVIDER, audit=False)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)

    def get_extra_params(self, request):
        return {**super().get_extra_params(request), "ui_locales": get_language()}


@method_decorator(never_cache, name="dispatch")
class OIDCCallbackView(OIDCEnabledMixin, View):
    """The way back from the provider (the redirect URI). The ID token is verified by the backend
    (accounts.oidc.OIDCBackend); here the person must have a role, the provider's second step
    counts or ours follows (MFARequiredMiddleware), and everything is an audit line."""

    def get(self, request):
        state = request.GET.get("state", "")
        states = request.session.get(oidc.STATES_SESSION_KEY)
        started = states.get(state) if state and isinstance(states, dict) else None
        if started is not None:
            # Good once, as in mozilla-django-oidc's own view; then the session is read again after
            # the (slow) calls to the provider, so a parallel tab's changes are not overwritten.
            del states[state]
            request.session.modified = True
            request.session.save()
            request.session = request.session.__class__(request.session.session_key)
        if request.GET.get("error"):
            # Stopped or failed at the provider. Some providers leave the state out of an error:
            # the page says so all the same; an audit line only for a sign-in this session started.
            reason = Refusal.CANCELLED if request.GET["error"] == "access_denied" else Refusal.PROVIDER
            return oidc_refuse(request, reason, audit=started is not None)
        if started is None:
            return oidc_refuse(request, Refusal.STATE, audit=False)  # not a sign-in of this session
        if not request.GET.get("code") or time.time() - started.get("added_on", 0) > SIGN_IN_MAX_SECONDS:
            return oidc_refuse(request, Refusal.STATE)
        next_url = request.session.pop(oidc.NEXT_SESSION_KEY, None) or resolve_url(settings.LOGIN_REDIRECT_URL)
        try:
            user = authenticate(request, nonce=started.get("nonce"), code_verifier=started.get("code_verifier"))
        except oidc.SignInRefused as refusal:
            return oidc_refuse(request, refusal.reason, user=refusal.user, label=refusal.label)
        except (requests.RequestException, oidc.ProviderUnavailable, ValueError, TypeError) as exc:
            logger.warning("OpenID Connect: the provider's answer was not usable (%s)", type(exc).__name__)
            return oidc_refuse(request, Refusal.PROVIDER)
        if user is None:
            return oidc_refuse(request, Refusal.PROVIDER)
        if not user_has_role(user):
            return oidc_refuse(request, Refusal.CREATED if user.oidc_created else Refusal.NO_ROLE, user=user)
        login(request, user, backend=oidc.BACKEND)
        second_step = user.oidc_second_step if mfa_required(user) else ""
        if second_step:
            django_otp.login(request, provider_sign_in_device(user=user))
        if settings.OIDC_PROVIDER_LOGOUT:
            request.session[oidc.ID_TOKEN_SESSION_KEY] = user.oidc_id_token
        oidc_signin_succeeded(user=user, second_step=second_step)
        return redirect(next_url)


@method_decorator(never_cache, name="dispatch")
class OIDCRefusedView(OIDCEnabledMixin, TemplateView):
    """Why a sign-in with the municipality's account did not go on, and what to do."""

    template_name = "accounts/oidc_refused.html"

    def get_context_data(self, **kwargs):
        refusal = self.request.session.get(REFUSAL_SESSION_KEY) or {}
        reason = refusal.get("reason") if refusal.get("reason") in Refusal.values else None
        text = REFUSAL_TEXTS[Refusal(reason)] % {"email": refusal.get("email") or "?"} if reason else ""
        return super().get_context_data(reason=reason, text=text, **kwargs)


class LogoutView(auth_views.LogoutView):
    """Django's logout (POST). After a sign-in with the municipality's account and with
    OIDC_PROVIDER_LOGOUT on, the browser goes on to the provider to end its session there too."""

    def post(self, request, *args, **kwargs):
        provider_url = oidc.provider_logout_url(request)  # the ID token leaves with the session
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(provider_url) if provider_url else response
