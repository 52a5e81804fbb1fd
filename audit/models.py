from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditAction
from core.models import AppendOnlyModel
from municipalities.scoping import OFFICERS, MunicipalityScopedQuerySet


class AuditResult(models.TextChoices):
    OK = "ok", _("Done")
    REFUSED = "refused", _("Refused")


class AuditLogQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditLogEntry(AppendOnlyModel):
    """One line per action (BIO): actor, action, object, result, origin and time. Never edited.

    `municipality` scopes the log to the coordinators of that municipality.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True, help_text=_("Kept when the user is gone."))
    action = models.CharField(_("action"), max_length=60, db_index=True, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=40)
    object_repr = models.CharField(_("object"), max_length=200)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    result = models.CharField(_("result"), max_length=10, choices=AuditResult.choices, default=AuditResult.OK)
    origin = models.CharField(_("origin (IP address)"), max_length=45, blank=True)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    objects = AuditLogQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["municipality", "-created_at"], name="audit_muni_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_repr}"
