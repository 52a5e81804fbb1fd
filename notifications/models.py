from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from municipalities.scoping import OFFICERS, MunicipalityScopedQuerySet
from notifications.constants import OutboxStatus


class OutboxMailQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    def pending(self):
        return self.filter(status=OutboxStatus.PENDING)

    def about(self, model, ids):
        """The mails about the objects of `model` with these ids."""
        return self.filter(subject_type=ContentType.objects.get_for_model(model), subject_id__in=ids)


class OutboxMail(models.Model):
    """Every mail is first a row here, written in the transaction that causes it.

    The row holds who gets it, in which language, from which template, and ids to build
    the context from at send time (so secrets such as tracking links are minted when the
    mail leaves, never stored). `subject` is what the mail is about (an initiative, say), any
    object of any app: the outbox knows none of them. Its municipality is kept beside it, so
    the municipality's officers see the mail in the admin.
    """

    to = models.EmailField(_("to"))
    language = models.CharField(_("language"), max_length=8, default="nl")
    template = models.CharField(_("template"), max_length=120)
    context = models.JSONField(_("context"), default=dict, blank=True)
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Set for staff: their mails can wait for the daily digest."),
    )
    subject_type = models.ForeignKey(
        ContentType,
        verbose_name=_("about (kind)"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    subject_id = models.PositiveBigIntegerField(_("about (number)"), null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=8, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = OutboxMailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbox mail")
        verbose_name_plural = _("outbox mails")
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbox_status_created"),
            # The mails about an object, with their keys: whether an event was mailed already
            # is answered from the index alone (the scheduler asks it for thousands at once).
            models.Index(fields=["subject_type", "subject_id", "dedup_key"], name="outbox_subject_key"),
        ]

    def __str__(self):
        return f"{self.template} → {self.to} ({self.get_status_display()})"

    @classmethod
    def about(cls, subject=None, **fields) -> "OutboxMail":
        """A new, unsaved row about `subject` (or about nothing), with the subject's municipality."""
        if subject is not None:
            fields.update(subject=subject, municipality_id=getattr(subject, "municipality_id", None))
        return cls(**fields)


class NotificationPreference(models.Model):
    """How a staff member wants to hear from the platform."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    daily_digest = models.BooleanField(
        _("one daily digest instead of single mails"),
        default=False,
        help_text=_("Mails about initiatives and meetings arrive together, once a working day at 16:00."),
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
