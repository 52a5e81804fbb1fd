import math
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import DecimalField, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from core.contrast import HEX_COLOUR, TEXT, UI, contrast_ratio
from core.formats import money
from core.images import ImageFileValidator
from core.models import TimeStampedModel
from core.placeholders import PlaceholderValidator
from municipalities.constants import DirectionKind, OfficerRole
from municipalities.scoping import OFFICERS, STAFF, MunicipalityScopedQuerySet

MONEY = {"max_digits": 12, "decimal_places": 2}
MONEY_FIELD = DecimalField(**MONEY)
ZERO = Value(Decimal("0"), output_field=MONEY_FIELD)
CENT = Decimal("0.01")

# A fund's grants live in initiatives (a higher app): their statuses are named here by their
# stored values (initiatives.constants.GrantStatus; tests/municipalities/test_funds.py checks
# they agree). A withdrawn grant no longer counts.
GRANT_COMMITTED, GRANT_PAID = "committed", "paid"


# What a municipality's own opening and closing of a decision letter may name (filled in per
# letter by initiatives.services.letters; core.placeholders replaces them as plain text).
LETTER_PLACEHOLDERS = ("reference", "title", "village", "municipality", "initiator", "submitted_on", "decided_on")
LETTER_TEXT_HELP = _(
    "Plain text; an empty field uses the standard text. You can use: {reference} (the reference), {title} "
    "(the initiative), {village}, {municipality}, {initiator} (the initiator's name), {submitted_on} and "
    "{decided_on} (dates)."
)


def letter_text_field(verbose_name):
    """A municipality's own opening or closing of a decision letter, in one language."""
    return models.TextField(
        verbose_name,
        max_length=2000,
        blank=True,
        validators=[PlaceholderValidator(LETTER_PLACEHOLDERS)],
        help_text=LETTER_TEXT_HELP,
    )


def logo_path(instance, filename):
    """A random name outside the public media (letters embed it; the theme's view serves it)."""
    suffix = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"private/logos/{uuid.uuid4().hex}{suffix}"


def header_image_path(instance, filename):
    """A random name outside any public URL (served by the theme's own view)."""
    suffix = ".png" if filename.lower().endswith(".png") else ".jpg"
    return f"private/headers/{uuid.uuid4().hex}{suffix}"


COLOUR_VALIDATOR = RegexValidator(HEX_COLOUR, _("Use a colour code like #1f5c99: # and six hexadecimal digits."))
WHITE, LIGHT_GREY, FOCUS_ON_DARK = "#ffffff", "#f8f9fa", "#ffdd00"
# What each colour of a theme must stand out against (site.css uses it so), with the minimum
# contrast: the primary colour is the colour of links and button backgrounds (white text on
# it); the secondary colour is the page header's background (white text, the yellow focus ring).
THEME_CONTRASTS = {
    "theme_primary_colour": (
        (WHITE, TEXT, _("white text on buttons and links on a white page")),
        (LIGHT_GREY, TEXT, _("links on a light grey background")),
    ),
    "theme_secondary_colour": (
        (WHITE, TEXT, _("the white text in the page header")),
        (FOCUS_ON_DARK, UI, _("the yellow focus ring in the page header")),
    ),
}


class MunicipalityQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "pk"
    audience = STAFF

    def active(self):
        return self.filter(is_active=True)


class Municipality(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    cbs_code = models.CharField(
        _("CBS code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^GM\d{4}$", _("Use the CBS code: GM followed by four digits."))],
        help_text=_("For example GM0302 for Nunspeet."),
    )
    province = models.CharField(_("province"), max_length=60, default="Gelderland")
    supporting_association = models.ForeignKey(
        "villages.Association",
        verbose_name=_("supporting association"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="municipalities",
    )
    direction_kind = models.CharField(_("kind of direction"), max_length=20, choices=DirectionKind.choices, blank=True)
    first_response_working_days = models.PositiveSmallIntegerField(
        _("first response within (working days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    decision_term_weeks = models.PositiveSmallIntegerField(
        _("decision term (weeks)"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
    )
    role_statement = models.TextField(
        _("our role towards initiatives"),
        blank=True,
        help_text=_("Shown to residents: how the municipality wants to work with initiatives."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(
        _("active on the platform"), default=True, help_text=_("Only active municipalities accept initiatives.")
    )

    # The decision letter (beschikking): letterhead, objection clause, signature and own texts.
    postal_address = models.TextField(
        _("postal address"),
        max_length=300,
        blank=True,
        help_text=_(
            "On the letterhead of decision letters, one line per line. For example: Postbus 123, 3840 AC Harderwijk."
        ),
    )
    logo = models.FileField(
        _("logo"),
        upload_to=logo_path,
        max_length=200,
        blank=True,
        validators=[ImageFileValidator(max_bytes=1024 * 1024, max_side=4000)],
        help_text=_(
            "PNG or JPEG, at most 1 MB; at the top of decision letters and, with the own look, of the "
            "municipality's pages and mails. SVG is not accepted."
        ),
    )
    objection_address = models.TextField(
        _("objections: postal address"),
        max_length=300,
        blank=True,
        help_text=_(
            "Where residents send an objection (bezwaarschrift) to the college van burgemeester en wethouders. "
            "Empty: the postal address."
        ),
    )
    objection_url = models.URLField(
        _("objections: web form"), blank=True, help_text=_("The page where residents can object online, if any.")
    )
    objection_email = models.EmailField(
        _("objections: email address"),
        blank=True,
        help_text=_("Only when the municipality accepts objections by email."),
    )
    letter_signer_name = models.CharField(
        _("letters signed by (name)"),
        max_length=120,
        blank=True,
        help_text=_("Empty: the officer who took the decision signs, on behalf of the college."),
    )
    letter_signer_title = models.CharField(_("letters signed by (function)"), max_length=120, blank=True)
    letter_opening_nl = letter_text_field(_("letter opening (Dutch)"))
    letter_opening_en = letter_text_field(_("letter opening (English)"))
    letter_closing_nl = letter_text_field(_("letter closing (Dutch)"))
    letter_closing_en = letter_text_field(_("letter closing (English)"))
    # The municipality's own look on its pages and in its mails (NL Design System tokens).
    theme_name = models.CharField(
        _("name on the pages"),
        max_length=80,
        blank=True,
        help_text=_(
            "The name the platform carries on the municipality's pages, for example 'Doe mee in Nunspeet'. "
            "Empty: the platform's own name."
        ),
    )
    theme_primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        blank=True,
        validators=[COLOUR_VALIDATOR],
        help_text=_(
            "Links and buttons, for example #1f5c99. Needs a contrast of at least 4.5:1 with white and light grey. "
            "Empty: the platform's colours."
        ),
    )
    theme_secondary_colour = models.CharField(
        _("secondary colour"),
        max_length=7,
        blank=True,
        validators=[COLOUR_VALIDATOR],
        help_text=_("The page header, with white text on it. Needs a contrast of at least 4.5:1 with white."),
    )
    theme_header_image = models.FileField(
        _("header image"),
        upload_to=header_image_path,
        max_length=200,
        blank=True,
        validators=[ImageFileValidator(max_bytes=1024 * 1024, max_side=4000)],
        help_text=_("PNG or JPEG, at most 1 MB; a wide photo above the municipality's page. Optional."),
    )
    publish_without_review = models.BooleanField(
        _("publish without review"),
        default=False,
        help_text=_(
            "When on, an initiative whose initiator agrees to publication is public at once. When off (the "
            "default), an officer first approves the publication on the dashboard."
        ),
    )

    mandate_amount = models.DecimalField(
        _("mandate for contributions (euro)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_(
            "Up to and including this amount, an officer decides alone on a contribution from a fund. "
            "For a higher contribution the decision is first a proposal: a coordinator approves it or sends it "
            "back. Nobody approves their own proposal (four eyes). Leave empty if officers decide on any amount "
            "alone."
        ),
        **MONEY,
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(first_response_working_days__gte=1, first_response_working_days__lte=60),
                name="municipality_first_response_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(decision_term_weeks__gte=1, decision_term_weeks__lte=26),
                name="municipality_decision_term_sane",
            ),
            models.CheckConstraint(
                condition=models.Q(mandate_amount__isnull=True) | models.Q(mandate_amount__gte=0),
                name="municipality_mandate_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def needs_approval(self, amount: Decimal | None) -> bool:
        """A contribution of `amount` is above the mandate: a coordinator approves it first.
        Exactly the mandate is within it; no mandate set means no approval is ever needed."""
        return self.mandate_amount is not None and amount is not None and amount > self.mandate_amount

    def clean(self):
        super().clean()
        errors = {}
        for field, pairs in THEME_CONTRASTS.items():
            colour = (getattr(self, field) or "").lower()
            setattr(self, field, colour)
            if not HEX_COLOUR.match(colour):
                continue  # empty, or the field's own validator says what is wrong
            for other, minimum, used_with in pairs:
                ratio = contrast_ratio(colour, other)
                if ratio < minimum:
                    errors[field] = _(
                        "%(colour)s has too little contrast with %(used_with)s: %(ratio)s:1, at least %(minimum)s:1 "
                        "is needed (WCAG AA). Choose a darker colour."
                    ) % {
                        "colour": colour,
                        "used_with": used_with,
                        "ratio": f"{math.floor(ratio * 10) / 10:.1f}".replace(".", ","),  # 4.49 is not 4.5
                        "minimum": f"{minimum:g}".replace(".", ","),
                    }
                    break
        if errors:
            raise ValidationError(errors)

    @property
    def has_theme(self) -> bool:
        """Whether the municipality's pages carry its own look (colours, logo, header image or name)."""
        return bool(
            self.theme_primary_colour
            or self.theme_secondary_colour
            or self.logo
            or self.theme_header_image
            or self.theme_name
        )

    @property
    def theme_version(self) -> str:
        """Changes whenever the municipality is saved: the stylesheet's address carries it."""
        return f"{self.updated_at:%Y%m%d%H%M%S%f}" if self.updated_at else "0"


class OfficerMembershipQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    def coordinators(self):
        return self.filter(role=OfficerRole.COORDINATOR)


class OfficerMembership(TimeStampedModel):
    """Links a staff user to one municipality, with a role and a portfolio of villages."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="officer_membership",
    )
    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="officers"
    )
    role = models.CharField(_("role"), max_length=20, choices=OfficerRole.choices, default=OfficerRole.CONTACT_OFFICER)
    job_title = models.CharField(
        _("job title"), max_length=120, blank=True, help_text=_("For example dorpsregisseur or accountmanager.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    villages = models.ManyToManyField(
        "villages.Village", verbose_name=_("village portfolio"), blank=True, related_name="officers"
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = OfficerMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "user__last_name", "user__first_name"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()

    @property
    def is_coordinator(self):
        return self.role == OfficerRole.COORDINATOR


class FundQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    def open(self):
        return self.filter(is_open=True)

    def with_totals(self, *, exclude_grant=None):
        """Each fund with `committed` and `paid` (the sums of its grants), `taken` (both) and
        `remaining` (the budget minus both). The fund page and every budget check count with
        this. `exclude_grant` (a pk) leaves the grant being edited out of the sums."""
        grants = Q() if exclude_grant is None else ~Q(grants__pk=exclude_grant)

        def total(status):
            return Coalesce(Sum("grants__amount", filter=grants & Q(grants__status=status)), ZERO)

        return self.annotate(committed=total(GRANT_COMMITTED), paid=total(GRANT_PAID)).annotate(
            taken=ExpressionWrapper(F("committed") + F("paid"), output_field=MONEY_FIELD),
            remaining=ExpressionWrapper(F("budget") - F("committed") - F("paid"), output_field=MONEY_FIELD),
        )


class Fund(TimeStampedModel):
    """A liveability or initiative fund with a yearly budget; its rules are data."""

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.PROTECT, related_name="funds"
    )
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget"), **MONEY)
    max_per_initiative = models.DecimalField(_("maximum per initiative"), null=True, blank=True, **MONEY)
    min_own_share_percent = models.DecimalField(
        _("minimum own share (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    budget_per_village = models.DecimalField(_("budget per village"), null=True, blank=True, **MONEY)
    submit_weeks_before_start = models.PositiveSmallIntegerField(
        _("submit at least (weeks before start)"), null=True, blank=True
    )
    min_supporters = models.PositiveSmallIntegerField(
        _("minimum supporters from the village"),
        default=0,
        help_text=_(
            "How many confirmed supporters from the initiative's own village are needed before a contribution "
            "can be decided. 0: no minimum."
        ),
    )
    description = models.TextField(_("rules in plain words"), blank=True)
    grant_conditions = models.TextField(
        _("conditions of a contribution"),
        max_length=3000,
        blank=True,
        help_text=_(
            "In the decision letter of every contribution from this fund: for example when the money is paid "
            "and how the initiators show what they did with it. One condition per line."
        ),
    )
    is_open = models.BooleanField(_("open for applications"), default=True)

    objects = FundQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "-year", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "name", "year"], name="fund_unique_per_year"),
            models.CheckConstraint(condition=models.Q(budget__gte=0), name="fund_budget_not_negative"),
            models.CheckConstraint(
                condition=models.Q(max_per_initiative__isnull=True) | models.Q(max_per_initiative__gt=0),
                name="fund_max_per_initiative_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(budget_per_village__isnull=True) | models.Q(budget_per_village__gte=0),
                name="fund_budget_per_village_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(min_own_share_percent__gte=0, min_own_share_percent__lte=100),
                name="fund_own_share_is_percentage",
            ),
            models.CheckConstraint(condition=models.Q(year__gte=2000, year__lte=2100), name="fund_year_sane"),
        ]

    def __str__(self):
        return f"{self.name} {self.year}"

    def clean(self):
        if self.max_per_initiative is not None and self.budget is not None and self.max_per_initiative > self.budget:
            raise ValidationError(
                {"max_per_initiative": _("The maximum per initiative cannot be more than the budget.")}
            )
        if self.pk is not None and self.budget is not None:
            taken = self.taken()
            if self.budget < taken:
                raise ValidationError(
                    {
                        "budget": _("The fund has already committed or paid %(taken)s; the budget cannot be less.")
                        % {"taken": money(taken)}
                    }
                )

    def taken(self, *, exclude_grant=None) -> Decimal:
        """What the fund's committed and paid grants add up to (`FundQuerySet.with_totals`)."""
        taken = (
            Fund.objects.filter(pk=self.pk).with_totals(exclude_grant=exclude_grant).values_list("taken", flat=True)
        ).first()
        return Decimal(taken or 0).quantize(CENT)


class StandardTextQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS


class StandardText(TimeStampedModel):
    """A ready-made text officers start a message or note from; coordinators keep them."""

    class Purpose(models.TextChoices):
        MESSAGE = "message", _("Message to the initiator")
        NOTE = "note", _("Internal note")
        DECISION = "decision", _("Decision motivation")

    municipality = models.ForeignKey(
        Municipality, verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="standard_texts"
    )
    purpose = models.CharField(_("used for"), max_length=10, choices=Purpose.choices, default=Purpose.MESSAGE)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"), max_length=5000)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = StandardTextQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "purpose", "title"]
        verbose_name = _("standard text")
        verbose_name_plural = _("standard texts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "purpose", "title"], name="standard_text_unique_title"),
        ]

    def __str__(self):
        return self.title
