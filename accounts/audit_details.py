"""The audit log rows of signing in with the municipality's account, in words (registered with
audit.describe in AccountsConfig.ready): why a sign-in was refused, and how the second step went."""

from django.utils.translation import gettext as _

from accounts.oidc import Refusal
from audit.constants import AuditAction
from audit.describe import register

PROVIDER_STEP = "municipality's sign-in: "  # accounts.services.oidc_signin_succeeded


@register
def describe_sign_in_entries(entries) -> None:
    for entry in entries:
        text = _detail_text(entry.action, entry.detail)
        if text is not None:
            entry.detail_text = text


def _detail_text(action: str, detail: str) -> str | None:
    if action == AuditAction.SIGNIN_OIDC_REFUSED and detail in Refusal.values:
        return str(Refusal(detail).label)
    if action == AuditAction.SIGNIN_OIDC:
        if detail == "second step by the provider":
            return _("the municipality's sign-in did the second step")
        if detail == "second step still to come":
            return _("the second step follows here")
    if action == AuditAction.MFA_VERIFY and detail.startswith(PROVIDER_STEP):
        return _("at the municipality's sign-in (%(how)s)") % {"how": detail.removeprefix(PROVIDER_STEP)}
    return None
