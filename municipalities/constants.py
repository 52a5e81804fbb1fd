from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectionKind(models.TextChoices):
    """The four kinds of direction (Partners+Pröpper): own script? power to push through?"""

    CONTROLLING = "beheersgericht", _("Controlling director (script and power)")
    EXECUTING = "uitvoeringsgericht", _("Executing director (power, no script)")
    VISIONARY = "visionair", _("Visionary director (script, no power)")
    FACILITATING = "faciliterend", _("Facilitating director (neither)")


class OfficerRole(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", _("Contact officer")
    COORDINATOR = "coordinator", _("Coordinator")
