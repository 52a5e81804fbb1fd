"""Writes for two-step sign-in: set up the app, make recovery codes. Each writes an audit line."""

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import RECOVERY_CODE_COUNT
from audit.constants import AuditAction
from audit.services import audit_log
from municipalities.models import OfficerMembership

TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def _municipality_of(user):
    membership = OfficerMembership.objects.filter(user=user, is_active=True).select_related("municipality").first()
    return membership.municipality if membership else None


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
    """The first code was right: this app is now the user's only one. Returns new recovery codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    audit_log(actor=actor, action=AuditAction.MFA_SETUP, obj=device.user, municipality=_municipality_of(device.user))
    return recovery_codes_renew(user=device.user, actor=actor, audit=False)


@transaction.atomic
def recovery_codes_renew(*, user, actor, count: int = RECOVERY_CODE_COUNT, audit: bool = True) -> list[str]:
    """Throw away the old recovery codes and make `count` new ones; each works once."""
    device = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    device.token_set.all().delete()
    codes = _unique_codes(count)
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
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
