"""Abstract building blocks shared by the domain apps."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyModel(models.Model):
    """A history row: written once, never changed or deleted through the ORM instance.

    Retention (AVG) anonymises the rows it points to, not these facts.
    """

    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("History rows cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("History rows cannot be deleted."))


class ExtraHoliday(models.Model):
    """A day a Royal Decree (Koninklijk Besluit) makes equal to a general holiday for the
    Algemene termijnenwet, such as a Friday after Ascension Day. Data, not code: a new decree is
    a new row in the admin. core.working_days skips these days like the holidays of art. 3."""

    date = models.DateField(
        _("date"),
        unique=True,
        help_text=_("Deadlines in working days skip this day, like a general holiday."),
    )
    description = models.CharField(
        _("description"),
        max_length=200,
        help_text=_("For example: Friday after Ascension Day (Royal Decree for 2026)."),
    )

    class Meta:
        ordering = ["date"]
        verbose_name = _("extra holiday (Royal Decree)")
        verbose_name_plural = _("extra holidays (Royal Decree)")

    def __str__(self):
        return f"{self.date.isoformat()} {self.description}"
