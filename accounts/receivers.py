"""Sign-in events become audit lines: Django's login signals and django-axes' lockout signal.

Receivers only pass on what happened to a service (accounts.services). Wrong codes in the second
step are also sent as `user_login_failed` (by accounts.views, so django-axes counts them); the
views write their own audit line for those, so they are skipped here.
"""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_login_failed

from accounts import services
from accounts.oidc import BACKEND as OIDC_BACKEND

SECOND_STEP_SENDER = "accounts.views"
SIGNIN_AUDIT_UID = "accounts.audit_signin_success"


def _username(credentials) -> str:
    return str((credentials or {}).get("username") or "")


def on_logged_in(sender, request, user, **kwargs):
    if getattr(user, "backend", "") == OIDC_BACKEND:
        return  # a sign-in with the municipality's account: accounts.views writes its own lines
    services.signin_succeeded(user=user)


def on_login_failed(sender, credentials, request=None, **kwargs):
    if sender == SECOND_STEP_SENDER:
        return
    services.signin_failed(username=_username(credentials))


def on_locked_out(sender, request=None, username=None, **kwargs):
    services.signin_locked_out(username=str(username or ""))


def connect():
    user_logged_in.connect(on_logged_in, dispatch_uid=SIGNIN_AUDIT_UID)
    user_login_failed.connect(on_login_failed, dispatch_uid="accounts.audit_signin_failure")
    user_locked_out.connect(on_locked_out, dispatch_uid="accounts.audit_signin_lockout")
