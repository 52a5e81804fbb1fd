"""Fixtures shared by the whole suite. App-specific factories live in tests/<app>/factories.py."""

import importlib
import uuid

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.signals import user_logged_in
from django.test.client import ClientMixin
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.mfa import user_needs_mfa
from accounts.receivers import SIGNIN_AUDIT_UID, on_logged_in
from core.working_days import cache_extra_holidays, working_days_between

S3_BACKEND = "storages.backends.s3.S3Storage"


def object_storage_options() -> dict | None:
    """The S3 options when the settings put the files in a bucket (AWS_STORAGE_BUCKET_NAME), else None."""
    default = django_settings.STORAGES["default"]
    return dict(default.get("OPTIONS", {})) if default["BACKEND"] == S3_BACKEND else None


@pytest.fixture(scope="session")
def _s3_bucket():
    """The bucket the S3 run writes to; made when the server does not have it yet (moto, a fresh MinIO)."""
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**object_storage_options())
    client = storage.connection.meta.client
    try:
        client.head_bucket(Bucket=storage.bucket_name)
    except client.exceptions.ClientError:
        client.create_bucket(Bucket=storage.bucket_name)
    return storage.bucket_name


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path, request):
    """Uploaded files of one test never leak into another test or into var/.

    On the disk: a folder of the test's own. In a bucket (AWS_STORAGE_BUCKET_NAME set, as in CI's S3
    step; tests marked `s3`): a folder of the test's own in the bucket, emptied afterwards.
    """
    settings.MEDIA_ROOT = str(tmp_path / "media")
    options = object_storage_options()
    if options is None:
        yield
        return
    request.getfixturevalue("_s3_bucket")
    options["location"] = "/".join(part for part in (options["location"].strip("/"), "tests", uuid.uuid4().hex) if part)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": S3_BACKEND, "OPTIONS": options}}
    yield
    from django.core.files.storage import default_storage

    default_storage.bucket.objects.filter(Prefix=options["location"] + "/").delete()


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
    A forced login is no sign-in: it writes no "signed in" audit line (accounts/receivers.py), so
    tests of other audit lines see only their own; tests/accounts/test_signin_audit.py signs in
    through the login form.
    """
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        user_logged_in.disconnect(dispatch_uid=SIGNIN_AUDIT_UID)
        try:
            original(self, user, backend)
        finally:
            user_logged_in.connect(on_logged_in, dispatch_uid=SIGNIN_AUDIT_UID)
        if user_needs_mfa(user):
            verify_session(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def _extra_holidays_as_seeded():
    """Every test starts with the decreed days of the data migration in the per-process cache of
    core.working_days, as a running process has them after its first computation: query counts
    then do not depend on which test computed a deadline first, rows another test added (and its
    rollback removed) do not linger, and tests without a database can compute deadlines too.
    Saving or deleting an ExtraHoliday clears the cache, so the next computation reads the rows."""
    seeded = importlib.import_module("core.migrations.0002_extra_holidays").DECREED
    cache_extra_holidays(day for day, _ in seeded)
    working_days_between.cache_clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language (Dutch), whatever an earlier test in the same
    process left active: a request in English leaves its language on the thread, and a service
    called outside a request then wrote its messages in English (an order-dependent failure)."""
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
