"""One-time enrolment links: the second proof a staff member needs to set up an authenticator app."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice


def enrolment_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class EnrolmentLinkQuerySet(models.QuerySet):
    def usable(self, now):
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class EnrolmentLink(models.Model):
    """A link mailed to a staff member to set up two-step verification, good once and for a
    limited time (ENROLMENT_LINK_HOURS). Only the SHA-256 of its token is stored."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    objects = EnrolmentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment link")
        verbose_name_plural = _("enrolment links")

    def __str__(self):
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


# django-otp's devices under our own names, so the admin speaks Dutch (its models have English
# names that are not marked for translation). Proxies: the same tables, no data of their own.
class AuthenticatorApp(TOTPDevice):
    class Meta:
        proxy = True
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")


class RecoveryCodes(StaticDevice):
    class Meta:
        proxy = True
        verbose_name = _("set of recovery codes")
        verbose_name_plural = _("recovery codes")


class ProviderSignIn(Device):
    """The second step done by the municipality's identity provider (OpenID Connect): its ID token
    said the person signed in with more than a password (`amr`/`acr`, accounts/oidc.py).

    One per user, made at the first such sign-in. It is what `django_otp.login` puts in the
    session, so the session counts as verified exactly as after a code from the app. It never
    takes a typed code: the provider checks the second factor, each time again.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=64)
    confirmed = models.BooleanField(_("confirmed"), default=True)

    class Meta:
        verbose_name = _("second step at the municipality's sign-in")
        verbose_name_plural = _("second steps at the municipality's sign-in")

    def verify_token(self, token):
        return False
