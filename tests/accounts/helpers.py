"""Logging in for real: the login form, then a code computed from the app's secret (RFC 6238)."""

from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

PASSWORD = "geheim-wachtwoord"  # UserFactory's


def give_app(user) -> TOTPDevice:
    """The user has set up an authenticator app before."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def app_code(key: bytes) -> str:
    """The code an authenticator app shows now for `key` (six digits, leading zeros kept)."""
    return f"{totp(key):06d}"


def half_a_minute_later(device):
    """An app code is good once: a later login needs the next one. Tests do not wait for it."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)


def password_login(client, username, password=PASSWORD, next_url=None, **extra):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    data = {"username": username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(url, data, **extra)
