from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from municipalities.scoping import STAFF, MunicipalityScopedQuerySet
from villages.constants import AssociationLevel, OrganisationKind, PlanActionStatus, PlanKind, VillageKind


class Association(TimeStampedModel):
    """LVKK (national) or a provincial association such as DKK Gelderland."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    level = models.CharField(_("level"), max_length=20, choices=AssociationLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    province = models.CharField(_("province"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["level", "name"]
        verbose_name = _("association")
        verbose_name_plural = _("associations")

    def __str__(self):
        return self.short_name or self.name


class VillageQuerySet(MunicipalityScopedQuerySet):
    audience = STAFF

    def public(self):
        return self.filter(municipality__is_active=True)


class Village(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140)
    kind = models.CharField(_("kind"), max_length=20, choices=VillageKind.choices, default=VillageKind.DORP)
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="villages",
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = VillageQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "name"]
        verbose_name = _("village")
        verbose_name_plural = _("villages")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "slug"], name="village_unique_slug_per_municipality"),
        ]

    def __str__(self):
        return self.name


class VillageOrganisationQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "village__municipality"


class VillageOrganisation(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    village = models.ForeignKey(
        Village, verbose_name=_("village"), on_delete=models.CASCADE, related_name="organisations"
    )
    association = models.ForeignKey(
        Association,
        verbose_name=_("member of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member_organisations",
    )
    contact_name = models.CharField(_("contact person"), max_length=120, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    board = models.TextField(
        _("board"), blank=True, help_text=_("For a village hall: who is on its board, one per line.")
    )
    description = models.TextField(_("description"), blank=True)

    objects = VillageOrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["village__name", "kind", "name"]
        verbose_name = _("village organisation")
        verbose_name_plural = _("village organisations")

    def __str__(self):
        return self.name


class VillagePlanQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "village__municipality"


class VillagePlan(TimeStampedModel):
    """Dorpsvisie, dorpsontwikkelingsplan or uitvoeringsplan."""

    village = models.ForeignKey(Village, verbose_name=_("village"), on_delete=models.CASCADE, related_name="plans")
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"), blank=True)

    objects = VillagePlanQuerySet.as_manager()

    class Meta:
        ordering = ["village__name", "-year", "kind"]
        verbose_name = _("village plan")
        verbose_name_plural = _("village plans")
        constraints = [
            models.CheckConstraint(condition=models.Q(year__gte=1990, year__lte=2100), name="villageplan_year_sane"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.village} {self.year}"


class PlanActionQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "plan__village__municipality"


class PlanAction(TimeStampedModel):
    """One line of a plan: what, how, when, by whom."""

    plan = models.ForeignKey(VillagePlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(_("what"), max_length=300)
    how = models.TextField(_("how"), blank=True)
    when = models.DateField(_("when"), null=True, blank=True)
    by_whom = models.CharField(_("by whom"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=PlanActionStatus.choices, default=PlanActionStatus.PLANNED
    )
    initiatives = models.ManyToManyField(
        "initiatives.Initiative", verbose_name=_("initiatives"), blank=True, related_name="plan_actions"
    )

    objects = PlanActionQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "when", "pk"]
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")

    def __str__(self):
        return self.what
