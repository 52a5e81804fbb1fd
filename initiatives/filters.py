from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Case, Exists, OuterRef, Value, When
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.choices import kept
from core.forms import PlainChoices, quick_copies
from core.widgets import DateInput, FastSelect, FastTextInput, add_bootstrap_classes
from initiatives.constants import GrantStatus, HelpKind, Publication, Status
from initiatives.models import OVERDUE_DECISION, OVERDUE_FIRST_RESPONSE, Grant, Initiative, Theme
from municipalities.models import Fund, Municipality, OfficerMembership
from municipalities.scoping import OFFICERS, officer_municipality_ids
from villages.models import Village


@quick_copies
class PublicInitiativeFilter(django_filters.FilterSet):
    """The public gallery's filters; only published initiatives reach it."""

    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"),
        queryset=Municipality.objects.active(),
        to_field_name="slug",
        empty_label=_("All municipalities"),
        widget=FastSelect,
    )
    # Choices (every public village, grouped by municipality) are set per request in __init__.
    village = django_filters.ChoiceFilter(label=_("Village"), empty_label=_("All villages"), widget=FastSelect)
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        field_name="themes",
        queryset=Theme.objects.all(),
        to_field_name="slug",
        empty_label=_("All themes"),
        widget=FastSelect,
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Status if s != Status.WITHDRAWN],
        empty_label=_("All statuses"),
        widget=FastSelect,
    )

    class Meta:
        model = Initiative
        fields = ["municipality", "village", "theme", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        data = self.data or {}
        choices, complete = public_village_choices(data.get("municipality"), data.get("village"))
        self.filters["village"].extra["choices"] = choices
        if not complete:
            self.filters["village"].extra["help_text"] = _("Choose a municipality first to pick one of its villages.")
        add_bootstrap_classes(self.form)


# Up to this many public villages the gallery's village list holds them all, grouped by
# municipality. Beyond it (all of the Netherlands has about 5,000) a list of every village is
# too long to use on a phone and weighs more than the rest of the page: the list then holds the
# villages of the chosen municipality.
VILLAGES_AT_ONCE = 300


def public_village_choices(municipality_slug=None, village_pk=None) -> tuple[list, bool]:
    """The choices of the gallery's village list, and whether a person can pick every village
    from it. One query of plain values (a model instance per village made the gallery slow with
    1,000 villages: bench/results/pages.md):

    - a municipality chosen: its public villages;
    - else every public village, grouped by municipality, when there are at most
      `VILLAGES_AT_ONCE`;
    - else only the village in the address, so a link to one village's initiatives still works.
    """
    rows = Village.objects.public().order_by("municipality__name", "name", "pk")
    if municipality_slug and "\x00" in municipality_slug:
        # No slug holds one, and PostgreSQL refuses it in a query: the form says it is no choice.
        return [], True
    if municipality_slug:
        rows = rows.filter(municipality__slug=municipality_slug)
        return [(str(pk), name) for pk, name in rows.values_list("pk", "name")], True
    rows = list(rows.values_list("pk", "name", "municipality__name")[: VILLAGES_AT_ONCE + 1])
    if len(rows) > VILLAGES_AT_ONCE:
        village = str(village_pk or "")
        chosen = village.isdigit() and Village.objects.public().filter(pk=village).values_list("name", flat=True)
        return ([(village, chosen[0])] if chosen else []), False
    groups: dict[str, list] = {}
    for pk, name, municipality in rows:
        groups.setdefault(municipality, []).append((str(pk), name))
    return list(groups.items()), True


UNASSIGNED = "unassigned"
ME = "me"
APPROVAL_WAITING = "waiting"


# Dates outside this range are typing errors; refusing them also keeps date arithmetic safe.
DATE_VALIDATORS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


def _start_of_day(day):
    return timezone.make_aware(datetime.combine(day, time.min))


def workflow_order():
    """The statuses in the order of the workflow (Status), not of their internal keys."""
    return Case(*[When(status=status, then=Value(index)) for index, status in enumerate(Status)], default=Value(99))


class StableOrderingFilter(django_filters.OrderingFilter):
    """Sorting by a column, with the primary key last, so pages never skip or repeat a row.
    A field in `expressions` sorts by that expression (the status in workflow order)."""

    expressions = {"status": workflow_order}

    def get_ordering_value(self, param):
        field = super().get_ordering_value(param)
        descending = field.startswith("-")
        expression = self.expressions.get(field.lstrip("-"))
        if expression is None:
            return field
        return expression().desc() if descending else expression().asc()

    def filter(self, qs, value):
        qs = super().filter(qs, value)
        if value:
            qs = qs.order_by(*qs.query.order_by, "-pk")
        return qs


def active_officers(user):
    """The officers a user may filter on and assign to: the active ones of their municipality."""
    return (
        OfficerMembership.objects.visible_to(user)
        .filter(is_active=True, user__is_active=True)
        .select_related("user", "municipality")
        .order_by("municipality__name", "user__first_name", "user__last_name", "pk")
    )


def officer_choice_rows(user):
    """The rows `officer_choices` is made of (a `values_list` queryset)."""
    return active_officers(user).values_list(
        "user_id", "user__first_name", "user__last_name", "user__username", "municipality__name"
    )


def officer_name(first_name, last_name, username) -> str:
    """User.get_full_name() or, without one, the username."""
    return f"{first_name or ''} {last_name or ''}".strip() or username


def officer_choices_of(rows, *, with_municipality: bool) -> list[tuple[str, str]]:
    choices = []
    for user_id, first_name, last_name, username, municipality in rows:
        name = officer_name(first_name, last_name, username)
        choices.append((str(user_id), f"{name} ({municipality})" if with_municipality else name))
    return choices


def officer_choices(user) -> list[tuple[str, str]]:
    """(user id, name) of `active_officers(user)`, from one query of plain values: the platform
    admin's 200 officers as memberships with their users and municipalities were a tenth of the
    dashboard's time (bench/results/triage_list_profile.md). The admin sees each officer's
    municipality after the name."""
    return officer_choices_of(officer_choice_rows(user), with_municipality=user.is_superuser)


def village_choice_rows(user):
    return Village.objects.visible_to(user, OFFICERS).order_by("name", "pk").values_list("pk", "name")


def officer_village_choices(user) -> list[tuple[str, str]]:
    """The villages of the officer's municipalities, by name, as plain values (no model instance
    per village: a platform admin's filter lists all 1,000)."""
    return [(str(pk), name) for pk, name in village_choice_rows(user)]


def theme_choice_rows():
    return Theme.objects.order_by("order", "name_nl", "pk").values_list("slug", "name_nl", "name_en")


def theme_choices_of(rows, english: bool) -> list[tuple[str, str]]:
    return [(slug, name_en if english else name_nl) for slug, name_nl, name_en in rows]


def _english() -> bool:
    return (get_language() or "nl").startswith("en")


def theme_choices() -> list[tuple[str, str]]:
    """(slug, name) of every theme in its order, the name in the current language (as Theme.__str__)."""
    return theme_choices_of(theme_choice_rows(), _english())


def fund_choice_rows(user):
    return Fund.objects.visible_to(user).order_by("-year", "name", "pk").values_list("pk", "name", "year")


def officer_fund_choices(user) -> list[tuple[str, str]]:
    """The funds the officer's initiatives can be granted from, newest year first, as plain values."""
    return [(str(pk), f"{name} {year}") for pk, name, year in fund_choice_rows(user)]  # as Fund.__str__


def choice_rows(user) -> dict:
    """The rows of the filter's lists for `user`, by name, each as a function that makes its
    queryset (only a list that is not kept is read): what `OfficerInitiativeFilter` reads, and
    what the dashboard asks the digests of (core.choices) in its counters statement."""
    return {
        "officers": lambda: officer_choice_rows(user),
        "villages": lambda: village_choice_rows(user),
        "themes": theme_choice_rows,
        "funds": lambda: fund_choice_rows(user),
    }


CHOICE_LISTS = ("officers", "villages", "themes", "funds")


class OfficerChoices:
    """The officers `user` may filter on and assign to, as the filter and the bulk assignment
    offer them (built once per list of officers and kept: core.choices)."""

    def __init__(self, rows, *, with_municipality: bool):
        self.pairs = officer_choices_of(rows, with_municipality=with_municipality)
        # Each officer's name by user id, without the municipality: the list's "Assigned officer".
        self.names = {user_id: officer_name(first, last, username) for user_id, first, last, username, _m in rows}
        me = [(UNASSIGNED, _("Not assigned")), (ME, _("Assigned to me"))]
        self.filter_choices = PlainChoices([*me, *self.pairs])
        self.bulk_choices = PlainChoices(
            [("", _("Choose an officer")), *[(int(user_id), name) for user_id, name in self.pairs]]
        )


@quick_copies
class OfficerInitiativeFilter(django_filters.FilterSet):
    """The officers' dashboard list. The view passes a queryset already scoped to the user."""

    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        max_length=100,
        help_text=_("Reference, title, or the initiator's name or email."),
        widget=FastTextInput,
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        distinct=False,  # a plain column: no join, so no SELECT DISTINCT (bench/results/triage_list.md)
    )
    # The choices of village, theme, officer and fund are set per request in __init__, from plain values.
    village = django_filters.ChoiceFilter(label=_("Village"), empty_label=_("All villages"), widget=FastSelect)
    theme = django_filters.ChoiceFilter(
        label=_("Theme"), field_name="themes__slug", empty_label=_("All themes"), widget=FastSelect
    )
    help = django_filters.ChoiceFilter(
        label=_("Help asked"),
        choices=HelpKind.choices,
        method="filter_help",
        empty_label=_("All kinds of help"),
        widget=FastSelect,
    )
    officer = django_filters.ChoiceFilter(
        label=_("Assigned officer"), method="filter_officer", empty_label=_("All officers"), widget=FastSelect
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Overdue"),
        choices=[(OVERDUE_FIRST_RESPONSE, _("First response overdue")), (OVERDUE_DECISION, _("Decision overdue"))],
        method="filter_overdue",
        empty_label=_("Overdue or not"),
        widget=FastSelect,
    )
    publication = django_filters.ChoiceFilter(
        label=_("Publication"),
        choices=[
            (Publication.PENDING.value, _("Waiting for publication review")),
            (Publication.APPROVED.value, _("Public")),
            (Publication.HIDDEN.value, _("Not published")),
        ],
        method="filter_publication",
        empty_label=_("Public or not"),
        widget=FastSelect,
    )
    new_replies = django_filters.ChoiceFilter(
        label=_("New replies"),
        choices=[("1", _("The initiator wrote since you last looked"))],
        method="filter_new_replies",
        empty_label=_("New replies or not"),
        widget=FastSelect,
    )
    approval = django_filters.ChoiceFilter(
        label=_("Approval"),
        choices=[(APPROVAL_WAITING, _("Waiting for approval by a coordinator"))],
        method="filter_approval",
        empty_label=_("Waiting for approval or not"),
        widget=FastSelect,
    )
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"), method="filter_submitted_from", widget=DateInput, validators=DATE_VALIDATORS
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted up to"), method="filter_submitted_to", widget=DateInput, validators=DATE_VALIDATORS
    )
    fund = django_filters.ChoiceFilter(
        label=_("Grant from fund"), method="filter_fund", empty_label=_("All funds"), widget=FastSelect
    )
    sort = StableOrderingFilter(
        label=_("Sort by"),
        fields=(
            ("reference", "reference"),
            ("title", "title"),
            ("village__name", "village"),
            ("status", "status"),
            ("submitted_at", "submitted"),
            ("first_response_due", "first_response_due"),
            ("decision_due", "decision_due"),
            ("assigned_officer__first_name", "officer"),
        ),
    )

    class Meta:
        model = Initiative
        fields = []

    def __init__(self, *args, choice_digests=None, **kwargs):
        """`choice_digests`: the digests of the lists' rows (`choice_rows`) as the page read
        them: lists kept under the same digests are taken as they are (core.choices)."""
        super().__init__(*args, **kwargs)
        user = self.request.user
        digests = choice_digests or {}
        rows = choice_rows(user)
        superuser = user.is_superuser
        officers = kept(
            f"dashboard-officers-{superuser:d}",
            rows["officers"],
            digests.get("officers"),
            lambda found: OfficerChoices(found, with_municipality=superuser),
        )
        self.officer_choices = officers.pairs  # the bulk assignment offers the same officers
        self.bulk_officer_choices = officers.bulk_choices
        self.officer_names = officers.names  # {user id: name} of the active officers
        english = _english()
        # On the form's own fields: choices set on the filters are deep-copied into the form, and
        # copying a platform admin's 1,000 villages took as long as rendering them. (One UNION
        # of the four lists instead of four queries was slower: bench/results/triage_list_profile.md.)
        fields = self.form.fields
        fields["officer"].choices = officers.filter_choices
        fields["village"].choices = villages = kept(
            "dashboard-villages",
            rows["villages"],
            digests.get("villages"),
            lambda found: PlainChoices((str(pk), name) for pk, name in found),
        )
        self.village_names = villages.labels  # {str(village id): name} of the user's villages
        fields["theme"].choices = kept(
            f"dashboard-themes-{english:d}",
            rows["themes"],
            digests.get("themes"),
            lambda found: PlainChoices(theme_choices_of(found, english)),
        )
        fields["fund"].choices = kept(
            "dashboard-funds",
            rows["funds"],
            digests.get("funds"),
            lambda found: PlainChoices((str(pk), f"{name} {year}") for pk, name, year in found),  # as Fund.__str__
        )
        add_bootstrap_classes(self.form)

    _form_class = None

    def get_form_class(self):
        """django-filter builds a form class with a new field per filter on every request; its
        fields depend on nothing a request changes (labels translate when written, the lists are
        set on each form's own copies in __init__), so one class serves every request."""
        form_class = type(self)._form_class
        if form_class is None:
            form_class = type(self)._form_class = quick_copies(super().get_form_class())
        return form_class

    def filter_search(self, queryset, name, value):
        # The queryset is the user's municipalities' (`visible_to`, audience OFFICERS): word
        # starts are read within those municipalities (initiatives migration 0025).
        user = self.request.user
        return queryset.search(value, within=None if user.is_superuser else officer_municipality_ids(user))

    def filter_help(self, queryset, name, value):
        return queryset.filter(**{f"asks_{HelpKind(value).value}": True})

    def filter_officer(self, queryset, name, value):
        if value == UNASSIGNED:
            return queryset.filter(assigned_officer__isnull=True)
        if value == ME:
            return queryset.filter(assigned_officer=self.request.user)
        return queryset.filter(assigned_officer_id=int(value))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(value, timezone.localdate())

    def filter_publication(self, queryset, name, value):
        """The same rules as the public pages and the dashboard's counter (InitiativeQuerySet)."""
        if value == Publication.PENDING:
            return queryset.filter(Initiative.objects.publication_review_q())
        if value == Publication.APPROVED:
            return queryset.filter(Initiative.objects.published_q())
        return queryset.filter(publication_consent=True, publication=Publication.HIDDEN)

    def filter_new_replies(self, queryset, name, value):
        return queryset.filter(Initiative.objects.new_replies_q(self.request.user))

    def filter_approval(self, queryset, name, value):
        """The same rule as the dashboard's counter: a decision proposal above the mandate waits."""
        return queryset.filter(Initiative.objects.approval_waiting_q())

    def filter_submitted_from(self, queryset, name, value):
        return queryset.filter(submitted_at__gte=_start_of_day(value))

    def filter_submitted_to(self, queryset, name, value):
        return queryset.filter(submitted_at__lt=_start_of_day(value + timedelta(days=1)))

    def filter_fund(self, queryset, name, value):
        grants = Grant.objects.filter(initiative=OuterRef("pk"), fund_id=value).exclude(status=GrantStatus.WITHDRAWN)
        return queryset.filter(Exists(grants))
