"""Writes for signing in: set up the app, recovery codes, enrolment links, password resets, and the
audit lines of sign-ins. Each writes an audit line."""

import logging
import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import RECOVERY_CODE_COUNT, recovery_code_hash, user_needs_mfa
from accounts.models import EnrolmentLink, ProviderSignIn, enrolment_token_hash
from audit.constants import AuditAction
from audit.models import AuditResult
from audit.services import audit_log, current_origin
from municipalities.models import OfficerMembership
from notifications.services import mail_enqueue

logger = logging.getLogger(__name__)

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
ENROLMENT_LINK_TEMPLATE = "accounts/email/enrolment_link"
PASSWORD_RESET_TEMPLATE = "accounts/email/password_reset"  # noqa: S105 - a template name


class NoEmailAddress(ValueError):
    """The account has no email address to send a link to."""


def _municipality_of(user):
    membership = OfficerMembership.objects.filter(user=user, is_active=True).select_related("municipality").first()
    return membership.municipality if membership else None


# --- the authenticator app and recovery codes -------------------------------------------------


@transaction.atomic
def totp_device_for_setup(*, user) -> TOTPDevice:
    """The user's unconfirmed app, made on first use: reloading the setup page keeps the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def totp_device_confirm(*, device: TOTPDevice, actor) -> list[str]:
    """The first code was right: this app is now the user's only one.

    Recovery codes the user still has stay good (they may be in a safe place; new ones are one
    click away on the recovery codes page). Only a user without any gets new ones, returned here.
    """
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    audit_log(actor=actor, action=AuditAction.MFA_SETUP, obj=device.user, municipality=_municipality_of(device.user))
    if StaticToken.objects.filter(device__user=device.user, device__confirmed=True).exists():
        return []
    return recovery_codes_renew(user=device.user, actor=actor, audit=False)


@transaction.atomic
def recovery_codes_renew(*, user, actor, count: int = RECOVERY_CODE_COUNT, audit: bool = True) -> list[str]:
    """Throw away the old recovery codes and make `count` new ones; each works once.

    Returns the codes: they are shown once, only their hashes are stored."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    device.token_set.all().delete()
    codes = _unique_codes(count)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=recovery_code_hash(code)) for code in codes)
    if audit:
        audit_log(actor=actor, action=AuditAction.MFA_RECOVERY_CODES, obj=user, municipality=_municipality_of(user))
    return codes


def _unique_codes(count: int) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        code = StaticToken.random_token()  # 8 characters of base32: 40 random bits
        if code not in codes:
            codes.append(code)
    return codes


# --- enrolment links ----------------------------------------------------------------------------


@transaction.atomic
def enrolment_link_issue(*, user, actor):
    """An admin resets the user's two-step verification and mails a one-time link to set up an app.

    The user's app and recovery codes are deleted (a lost phone, or a new account) and earlier
    links stop working. The link itself is made when the mail leaves (`enrolment_link_create`,
    from the outbox's builder), so its token is never stored, only its hash.
    """
    if not user.email:
        raise NoEmailAddress(user.get_username())
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    EnrolmentLink.objects.usable(timezone.now()).filter(user=user).update(expires_at=timezone.now())
    mail = mail_enqueue(
        to=user.email,
        template=ENROLMENT_LINK_TEMPLATE,
        dedup_key=f"enrolment-link:{uuid.uuid4().hex}",
        context={"user_id": user.pk},
    )
    audit_log(actor=actor, action=AuditAction.MFA_ENROLMENT_LINK, obj=user, municipality=_municipality_of(user))
    return mail


@transaction.atomic
def enrolment_link_create(*, user) -> str:
    """A new link for `user`, good for ENROLMENT_LINK_HOURS; earlier ones stop working.
    Returns the token (for the mail); the database keeps only its SHA-256."""
    now = timezone.now()
    EnrolmentLink.objects.usable(now).filter(user=user).update(expires_at=now)
    token = secrets.token_urlsafe(32)
    link = EnrolmentLink(
        user=user,
        token_hash=enrolment_token_hash(token),
        created_at=now,
        expires_at=now + timedelta(hours=settings.ENROLMENT_LINK_HOURS),
    )
    link.full_clean()
    link.save()
    return token


def enrolment_link_redeem(*, user, token: str) -> bool:
    """Use `user`'s link with this token: True once, while it is valid; False for anything else
    (someone else's link, used, expired, unknown)."""
    now = timezone.now()
    used = (
        EnrolmentLink.objects.usable(now).filter(user=user, token_hash=enrolment_token_hash(token)).update(used_at=now)
    )
    return used == 1


# --- sign-in events (the audit log) -------------------------------------------------------------


def signin_succeeded(*, user) -> None:
    """The password step of a staff member (others are not logged: no need, privacy)."""
    if user_needs_mfa(user):
        audit_log(actor=user, action=AuditAction.SIGNIN_SUCCESS, obj=user, municipality=_municipality_of(user))


def _account(username: str):
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


def signin_failed(*, username: str) -> None:
    """A wrong password (or a locked-out client trying). An unknown username is kept as typed,
    as the actor's name; the password never reaches this function."""
    user = _account(username)
    audit_log(
        actor=user or username,
        action=AuditAction.SIGNIN_FAILURE,
        obj=user,
        municipality=_municipality_of(user) if user else None,
        result=AuditResult.REFUSED,
    )


def signin_locked_out(*, username: str) -> None:
    user = _account(username)
    audit_log(
        actor=user or username,
        action=AuditAction.SIGNIN_LOCKOUT,
        obj=user,
        municipality=_municipality_of(user) if user else None,
        result=AuditResult.REFUSED,
    )


def mfa_verified(*, user) -> None:
    audit_log(actor=user, action=AuditAction.MFA_VERIFY, obj=user, municipality=_municipality_of(user))


def mfa_failed(*, user) -> None:
    audit_log(
        actor=user,
        action=AuditAction.MFA_FAILURE,
        obj=user,
        municipality=_municipality_of(user),
        result=AuditResult.REFUSED,
    )


def recovery_code_used(*, user, codes_left: int) -> None:
    audit_log(
        actor=user,
        action=AuditAction.MFA_RECOVERY_CODE_USED,
        obj=user,
        municipality=_municipality_of(user),
        detail=f"{codes_left} left",
    )


# --- signing in with the municipality's account (OpenID Connect) --------------------------------

PROVIDER_DEVICE_NAME = "Municipality's sign-in"


@transaction.atomic
def oidc_account_create(*, email: str, first_name: str = "", last_name: str = ""):
    """An account for a person the provider knows and we do not (OIDC_CREATE_USERS): no password
    and no role, so it can do nothing until a coordinator or an admin gives it one. Its username is
    the e-mail address (with a number when that is taken)."""
    User = get_user_model()
    base = email.strip().lower()[:140]
    username, number = base, 1
    while User._default_manager.filter(username__iexact=username).exists():
        number += 1
        username = f"{base}-{number}"
    user = User(username=username, email=email.strip(), first_name=first_name[:150], last_name=last_name[:150])
    user.set_unusable_password()
    user.full_clean()
    user.save()
    audit_log(actor=user, action=AuditAction.SIGNIN_OIDC_ACCOUNT, obj=user)
    return user


@transaction.atomic
def provider_sign_in_device(*, user) -> ProviderSignIn:
    """The device that stands for the provider's second step in a session (made once per user)."""
    device = ProviderSignIn.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = ProviderSignIn(user=user, name=PROVIDER_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    return device


@transaction.atomic
def oidc_signin_succeeded(*, user, second_step: str) -> None:
    """A sign-in with the municipality's account. `second_step` says why the provider's sign-in
    counts as our second step ("amr mfa", "acr ..."), or is empty: then our code is still to come.
    Staff only, as for the password (accounts.receivers); the second step is its own line."""
    if not user_needs_mfa(user):
        return
    municipality = _municipality_of(user)
    detail = "second step by the provider" if second_step else "second step still to come"
    audit_log(actor=user, action=AuditAction.SIGNIN_OIDC, obj=user, municipality=municipality, detail=detail)
    if second_step:
        audit_log(
            actor=user,
            action=AuditAction.MFA_VERIFY,
            obj=user,
            municipality=municipality,
            detail=f"municipality's sign-in: {second_step}",
        )


def oidc_signin_refused(*, reason: str, user=None, label: str = "") -> None:
    """A sign-in with the municipality's account that we refused, and why (a code, never a token).
    `label` names the person when no account matched (the e-mail address the provider sent)."""
    audit_log(
        actor=user or label or "openid-connect",
        action=AuditAction.SIGNIN_OIDC_REFUSED,
        obj=user,
        municipality=_municipality_of(user) if user else None,
        result=AuditResult.REFUSED,
        detail=reason,
    )


# --- password reset -----------------------------------------------------------------------------


def password_reset_request(*, email: str, origin: str = "", language: str = settings.LANGUAGE_CODE) -> None:
    """Someone asks for a reset mail for `email`. The same work for every address: the lookup
    and the mail happen in the worker (`password_reset_send`), so the answer does not tell (by
    its content or its time) whether an account has this address."""
    from accounts.tasks import password_reset_mail

    def enqueue():
        try:
            password_reset_mail.delay(email=email, origin=origin, language=language)
        except Exception:  # noqa: BLE001 - the broker is down: the person asks again later
            logger.warning("password reset: could not enqueue the task", exc_info=True)

    transaction.on_commit(enqueue)


@transaction.atomic
def password_reset_send(*, email: str, origin: str = "", language: str = settings.LANGUAGE_CODE) -> int:
    """In the worker: a reset mail (through the outbox, in the language of the page it was asked
    on) to each active account with this address and a usable password; returns how many. The
    link is made when the mail leaves."""
    token = current_origin.set(origin)
    try:
        users = list(PasswordResetForm().get_users(email))
        for user in users:
            mail_enqueue(
                to=getattr(user, user.get_email_field_name()),
                template=PASSWORD_RESET_TEMPLATE,
                dedup_key=f"password-reset:{uuid.uuid4().hex}",
                language=language,
                context={"user_id": user.pk},
            )
            audit_log(
                actor=None,
                action=AuditAction.PASSWORD_RESET_REQUEST,
                obj=user,
                municipality=_municipality_of(user),
                detail="forgot-password page",
            )
    finally:
        current_origin.reset(token)
    return len(users)


@transaction.atomic
def password_reset_complete(*, user, password: str):
    """The person with the reset link chose a new password."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_log(actor=user, action=AuditAction.PASSWORD_RESET_DONE, obj=user, municipality=_municipality_of(user))
    return user
