"""Who must sign in in two steps (password, then a code), and which devices they have.

Officers, coordinators, DKK facilitators and platform admins work with residents' personal data
or manage the platform: they need a second step. So does everyone who steers a VO trajectory
(its facilitators and admins, vision.access) or sees the contact data of its members. A
progress-group member with an account but none of those roles does not: they read one
trajectory, add cases and comment on its vision, and do not see other members' contact data.
"""

import hashlib
from base64 import b32encode

from django.contrib.auth import get_user_model
from django.db.models import Q
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_HASH_LENGTH = 16  # StaticToken.token's max_length
_CACHE_ATTRIBUTE = "_mfa_required"


def user_needs_mfa(user) -> bool:
    """The answer from the database: at most one query (none for admins)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_staff or user.is_superuser:
        return True
    return (
        get_user_model()
        .objects.filter(pk=user.pk)
        .filter(Q(officer_membership__is_active=True) | Q(facilitator__is_active=True))
        .exists()
    )


def mfa_required(user) -> bool:
    """`user_needs_mfa`, asked once per request: the answer is kept on the request's user object."""
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = user_needs_mfa(user)
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def confirmed_totp_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def normalise_recovery_code(value: str) -> str:
    """People type codes with spaces, dashes or capitals: the codes are lower case."""
    return "".join(ch for ch in value.lower() if ch.isalnum())


def recovery_code_hash(code: str) -> str:
    """What is stored of a recovery code (django-otp's StaticToken.token, 16 characters): the
    start of its SHA-256. Nobody reads the codes in the database or the admin; a typed code is
    hashed the same way and django-otp compares the hashes (and deletes the used one)."""
    digest = hashlib.sha256(f"recovery-code:{normalise_recovery_code(code)}".encode()).hexdigest()
    return digest[:RECOVERY_CODE_HASH_LENGTH]


def format_secret(key: bytes) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))
