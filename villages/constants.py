from django.db import models
from django.utils.translation import gettext_lazy as _


class AssociationLevel(models.TextChoices):
    NATIONAL = "national", _("National (LVKK)")
    PROVINCIAL = "provincial", _("Provincial (VKK/DKK)")


class VillageKind(models.TextChoices):
    KERN = "kern", _("Core (kern)")
    DORP = "dorp", _("Village (dorp)")
    BUURTSCHAP = "buurtschap", _("Hamlet (buurtschap)")
    WIJK = "wijk", _("Neighbourhood (wijk)")


class OrganisationKind(models.TextChoices):
    VILLAGE_INTEREST = "dorpsbelangen", _("Village-interest organisation")
    VILLAGE_COUNCIL = "dorpsraad", _("Village council")
    NEIGHBOURHOOD_COUNCIL = "wijkraad", _("Neighbourhood council")
    VILLAGE_HALL = "dorpshuis", _("Village hall")
    SOCIAL_COUNCIL = "sociale_raad", _("Social council")
    YOUTH_COUNCIL = "jongerenraad", _("Youth council")
    OTHER = "overig", _("Other")


class PlanKind(models.TextChoices):
    VILLAGE_VISION = "dorpsvisie", _("Village vision")
    DEVELOPMENT_PLAN = "ontwikkelingsplan", _("Village development plan")
    EXECUTION_PLAN = "uitvoeringsplan", _("Execution plan")


class PlanActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
