"""Fixtures shared by the whole suite. App-specific factories live in tests/<app>/factories.py."""

import pytest
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import user_needs_mfa


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of one test never leak into another test or into var/."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def verify_session(client, user) -> TOTPDevice:
    """Mark the client's session as verified by `user`'s confirmed app, as `django_otp.login` does."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


@pytest.fixture(autouse=True)
def _force_login_completes_two_step_verification(monkeypatch):
    """`client.force_login(user)` also passes the second step for users who need it.

    Staff (officers, coordinators, facilitators, admins) must type a code from an app after their
    password (accounts/mfa.py). Most tests are about something else, so a forced login gives such a
    user a confirmed authenticator app (TOTPDevice) and puts it in the session exactly like
    `django_otp.login` does. The second step itself, the lockout and logging in through the form
    are tested in tests/accounts/; browser tests log in through the form and type a real code.
    """
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if user_needs_mfa(user):
            verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)
