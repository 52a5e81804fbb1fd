"""The officers' dashboard: counters, the filtered list, bulk assignment and a CSV export.

Every queryset starts from `Initiative.objects.visible_to(request.user)`: an officer never sees,
counts, exports or assigns another municipality's initiatives.
"""

from datetime import datetime
from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView
from django_filters.views import FilterView

from core.csv import BOM, spreadsheet_writer
from core.forms import ModelMultipleChoiceField, PlainChoices, quick_copies
from core.pagination import EstimatingPaginator
from core.widgets import FastHiddenInput, FastSelect
from initiatives.constants import Publication, Status
from initiatives.filters import (
    APPROVAL_WAITING,
    CHOICE_LISTS,
    ME,
    UNASSIGNED,
    OfficerInitiativeFilter,
    active_officers,
    choice_rows,
    officer_choices,
    officer_name,
)
from initiatives.models import (
    ACTIVE_STATUSES,
    OVERDUE_DECISION,
    OVERDUE_FIRST_RESPONSE,
    Initiative,
    overdue_kinds_of,
)
from initiatives.services.officers import initiative_bulk_assign
from municipalities.access import OfficerRequiredMixin
from municipalities.scoping import officer_scope_key
from villages.models import Village

PAGE_SIZE = 25
# Lists longer than a hundred pages show the database's estimate of their length ("about
# 6,400"): nobody pages through that far, and counting every row of a platform's 100,000
# initiatives, or every hit of a common word, cost more than the rest of the page
# (core/pagination.py, bench/results/triage_list_profile.md).
EXACT_COUNT_UP_TO = 100 * PAGE_SIZE
MAX_BULK = 100
# Counters above this say "more than 1000": counting a platform admin's 19,000 overdue decisions
# one by one cost more than the list (bench/results/triage_list_profile.md).
COUNTER_UP_TO = 1000
DEFAULT_SORT = "-submitted"

_ACTIVE_IN_ORDER = [status for status in Status if status in ACTIVE_STATUSES]

# (key in `dashboard_counters`, label, the list's GET parameters that show the same initiatives)
COUNTERS = [
    (
        "new_unassigned",
        gettext_lazy("New and not assigned"),
        [("status", Status.SUBMITTED.value), ("officer", UNASSIGNED)],
    ),
    ("mine", gettext_lazy("Assigned to me"), [("officer", ME), *[("status", s.value) for s in _ACTIVE_IN_ORDER]]),
    ("first_response_overdue", gettext_lazy("First response overdue"), [("overdue", OVERDUE_FIRST_RESPONSE)]),
    ("decision_overdue", gettext_lazy("Decision overdue"), [("overdue", OVERDUE_DECISION)]),
    ("waiting", gettext_lazy("Waiting for the initiator"), [("status", Status.WAITING_FOR_INITIATOR.value)]),
    ("new_replies", gettext_lazy("New replies to you"), [("officer", ME), ("new_replies", "1")]),
    (
        "publication_review",
        gettext_lazy("Waiting for publication review"),
        [("publication", Publication.PENDING.value)],
    ),
    ("approval", gettext_lazy("Waiting for approval"), [("approval", APPROVAL_WAITING)]),
]

# (sort parameter, column header)
COLUMNS = [
    ("reference", gettext_lazy("Reference")),
    ("title", gettext_lazy("Title")),
    ("village", gettext_lazy("Village")),
    ("status", gettext_lazy("Status")),
    ("submitted", gettext_lazy("Submitted")),
    ("first_response_due", gettext_lazy("First response due")),
    ("decision_due", gettext_lazy("Decision due")),
    ("officer", gettext_lazy("Assigned officer")),
]


_URL_PLACEHOLDER = 987654321


def url_maker(name: str, kwarg: str):
    """A function from an id to the URL `name` gives for it: reverse() once, not once per row."""
    head, tail = reverse(name, kwargs={kwarg: _URL_PLACEHOLDER}).split(str(_URL_PLACEHOLDER))
    return lambda value: f"{head}{value}{tail}"


def date_formatter():
    """What the template filter `date:DATE_FORMAT` writes ("5 december 2026": local time, "–" for
    none; core.formats), with the month names translated once instead of once per cell."""
    months = {number: str(name) for number, name in MONTHS.items()}

    def format_date(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, datetime):
            value = timezone.localtime(value)
        return f"{value.day} {months[value.month]} {value.year:04d}"

    return format_date


# What a row of the list shows, as plain values: building 25 initiatives with their village,
# municipality and officer as model instances was a tenth of the page's Python time. The names of
# the village and the officer come from the filter's lists, which the page has anyway (`_rows`):
# no joins to build, plan and run for them (bench/results/triage_list_profile.md, sixth round).
ROW_VALUES = (
    "pk",
    "reference",
    "title",
    "status",
    "submitted_at",
    "first_response_due",
    "decision_due",
    "village_id",
    "municipality__name",
    "assigned_officer_id",
    "first_response_at",
    "decided_at",
    "new_reply_id",
)
# An officer of one municipality sees no municipality column (`{% dashboard_rows %}`): no join
# to read its name for every row the list sorts (169 hits of a search at 1,000,000).
ONE_MUNICIPALITY_ROW_VALUES = tuple(value for value in ROW_VALUES if value != "municipality__name")


def _scoped_initiatives(user, today):
    return Initiative.objects.visible_to(user).with_list_annotations(today).order_by("-submitted_at", "-pk")


def _clean_querystring(value: str) -> str:
    """The list's filters to return to, re-encoded so only a query string can come out."""
    return QueryDict(value or "").urlencode()


@quick_copies
class BulkAssignForm(forms.Form):
    initiatives = ModelMultipleChoiceField(
        label=gettext_lazy("Initiatives"), queryset=Initiative.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    officer = forms.TypedChoiceField(
        label=gettext_lazy("Assign the selected initiatives to"),
        coerce=int,
        widget=FastSelect(attrs={"class": "form-select"}),
    )
    querystring = forms.CharField(required=False, max_length=2000, widget=FastHiddenInput)

    def __init__(self, *args, user, officer_choices, **kwargs):
        """`officer_choices`: (user id, name) of the officers `user` may assign to (`officer_choices()`),
        or their choices as the filter keeps them (`OfficerChoices.bulk_choices`)."""
        kwargs.setdefault("auto_id", "bulk-%s")  # the filter form has an `officer` field too
        super().__init__(*args, **kwargs)
        self.user = user
        if self.is_bound:  # the list writes its own checkboxes: only a posted form needs the query
            self.fields["initiatives"].queryset = Initiative.objects.visible_to(user).select_related("municipality")
        if not isinstance(officer_choices, PlainChoices):
            officer_choices = PlainChoices(
                [("", gettext_lazy("Choose an officer")), *[(int(user_id), name) for user_id, name in officer_choices]]
            )
        self.fields["officer"].choices = officer_choices

    def clean_initiatives(self):
        initiatives = self.cleaned_data["initiatives"]
        if len(initiatives) > MAX_BULK:
            raise ValidationError(_("Assign at most %(max)d initiatives at once.") % {"max": MAX_BULK})
        return initiatives

    def clean_officer(self):
        """The chosen officer: one of the choices, and still an active officer the user may assign to."""
        membership = active_officers(self.user).filter(user_id=self.cleaned_data["officer"]).first()
        if membership is None:  # deactivated since the choices were read
            raise ValidationError(_("Choose an officer of your municipality. Nothing was assigned."))
        return membership.user


@method_decorator(never_cache, name="dispatch")
class DashboardView(OfficerRequiredMixin, FilterView):
    template_name = "initiatives/officer/dashboard.html"
    filterset_class = OfficerInitiativeFilter
    paginate_by = PAGE_SIZE
    context_object_name = "initiatives"

    def get_queryset(self):
        self.today = timezone.localdate()
        # Overdue or not is worked out per row in Python (`overdue_kinds_of`, the same rule as
        # `with_list_annotations`), which costs less than building its SQL.
        user = self.request.user
        # The counters first: their statement also gives the digests of the filter's lists, so
        # the filter takes the lists it keeps instead of reading them (core.choices).
        self.counts = Initiative.objects.visible_to(user).dashboard_counters(
            user=user,
            today=self.today,
            digests_of=(CHOICE_LISTS, lambda: choice_rows(user)),
            count_up_to=COUNTER_UP_TO,
            scope_key=officer_scope_key(user),
        )
        return Initiative.objects.visible_to(user).order_by("-submitted_at", "-pk").with_new_reply_marks(user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["choice_digests"] = {name: self.counts.get(f"digest_{name}") for name in CHOICE_LISTS}
        return kwargs

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        # A text search of every municipality (the platform admin's: OfficerInitiativeFilter)
        # can have thousands of hits, each counted from its row: the planner's estimate comes
        # first (core.pagination). An officer's search reads its own municipalities' hits as a
        # list of ids, cheap to count; asking the planner first cost it 1 ms.
        searches_everywhere = (
            self.request.user.is_superuser
            and self.filterset.is_valid()
            and bool(self.filterset.form.cleaned_data.get("q"))
        )
        return EstimatingPaginator(
            queryset,
            per_page,
            exact_up_to=EXACT_COUNT_UP_TO,
            values=ROW_VALUES if self.membership is None else ONE_MUNICIPALITY_ROW_VALUES,
            estimate_first=searches_everywhere,
        )

    def paginate_queryset(self, queryset, page_size):
        """A missing, garbled or too high page number shows the nearest page, never a 404."""
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get("page"))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["initiatives"] = context["object_list"] = self._rows(context["object_list"])
        user = self.request.user
        counts = self.counts
        base_url = reverse("initiatives:dashboard")
        context.update(
            # Already known: the header and menu need no query of their own.
            municipality=self.membership.municipality if self.membership else None,
            officer_membership=self.membership,
            today=self.today,
            counters=[
                {
                    "key": key,
                    "label": label,
                    "count": counts[key],
                    "more_than": COUNTER_UP_TO if counts[key] > COUNTER_UP_TO else None,
                    "url": url,
                }
                for (key, label, _params), url in zip(COUNTERS, self._counter_urls(base_url), strict=True)
            ],
            filter_form_key=self._filter_form_key(),
            columns=(columns := self._columns()),
            sort_caption=self._sort_caption(columns),
            bulk_form=BulkAssignForm(
                user=user,
                officer_choices=self.filterset.bulk_officer_choices,
                initial={"querystring": self.request.GET.urlencode()},
            ),
            max_bulk=MAX_BULK,
            exact_count_up_to=EXACT_COUNT_UP_TO,
            more_than_text=_("More than %(count)s"),
            overdue_text=_("Overdue"),
            not_assigned_text=_("Not assigned"),
            new_reply_text=_("New reply"),
        )
        return context

    def _rows(self, page) -> list[SimpleNamespace]:
        """The page's initiatives with each cell's text and links worked out here, once per page.

        A template filter or {% url %} per cell per row was most of this page's rendering time
        (bench/results/triage_list.md); the texts are the same as those filters write. The new
        replies come with the rows (`with_new_reply_marks`). The rows are written by
        `{% dashboard_rows %}` (initiatives/templatetags/dashboard_table.py).
        """
        values = list(page)
        village_names, officer_names = self._names_of(values)
        initiative_url = url_maker("initiatives:officer_detail", "pk")
        village_url = url_maker("initiatives:village_plans", "village")
        format_date = date_formatter()
        status_labels = {value: str(label) for value, label in Status.choices}
        select_label = _("Select %(reference)s")
        rows = []
        today = self.today
        for row in values:
            overdue = overdue_kinds_of(
                status=row["status"],
                first_response_at=row["first_response_at"],
                first_response_due=row["first_response_due"],
                decided_at=row["decided_at"],
                decision_due=row["decision_due"],
                today=today,
            )
            officer_id = row["assigned_officer_id"]
            rows.append(
                SimpleNamespace(
                    pk=row["pk"],
                    reference=row["reference"],
                    title=row["title"],
                    status=row["status"],
                    status_label=status_labels.get(row["status"], row["status"]),
                    village_name=village_names[row["village_id"]],
                    municipality_name=row.get("municipality__name", ""),
                    list_url=initiative_url(row["pk"]),
                    village_url=village_url(row["village_id"]),
                    select_label=select_label % {"reference": row["reference"]},
                    submitted_text=format_date(row["submitted_at"]),
                    first_response_due_text=format_date(row["first_response_due"]),
                    decision_due_text=format_date(row["decision_due"]),
                    is_first_response_overdue=OVERDUE_FIRST_RESPONSE in overdue,
                    is_decision_overdue=OVERDUE_DECISION in overdue,
                    officer_name=officer_names[officer_id] if officer_id is not None else "",  # nobody: empty
                    has_new_reply=row["new_reply_id"] is not None,
                )
            )
        return rows

    def _filter_form_key(self) -> str | None:
        """What the filter form shows depends on, as one text: the same text, the same form.

        The form writes its lists (kept under the digests of their rows, core.choices), the
        request's parameters (the fields' values, their errors, the sort as a hidden field), and
        the language and role its labels and options are written in. Without digests (SQLite:
        the lists are read each time) there is no key and the form is rendered every time.
        Rendering it was a tenth of the page (bench/results/triage_list_profile.md).
        """
        digests = [self.counts.get(f"digest_{name}") for name in CHOICE_LISTS]
        if None in digests:
            return None
        query = self.request.GET
        parameters = sorted((name, query.getlist(name)) for name in query if name != "page")
        return repr((get_language(), self.request.user.is_superuser, digests, parameters))

    def _names_of(self, values) -> tuple[dict, dict]:
        """{village id: name} and {user id: name} for the page's rows: from the filter's lists of
        the user's villages and active officers, and for a row outside them (an officer who has
        left, a village of another municipality) from the database, in one query each."""
        villages = self.filterset.village_names  # keyed by the option's value: the id as text
        village_names = {row["village_id"]: villages.get(str(row["village_id"])) for row in values}
        if missing := [pk for pk, name in village_names.items() if name is None]:
            village_names.update(Village.objects.filter(pk__in=missing).values_list("pk", "name"))
        officer_names = self.filterset.officer_names  # kept between requests: not changed here
        if missing := {row["assigned_officer_id"] for row in values} - officer_names.keys() - {None}:
            users = get_user_model().objects.filter(pk__in=missing)
            rows = users.values_list("pk", "first_name", "last_name", "username")
            officer_names = {**officer_names, **{pk: officer_name(*names) for pk, *names in rows}}
        return village_names, officer_names

    @staticmethod
    def _sort_caption(columns) -> str:
        """The table's caption says which column the list is sorted on, and how."""
        for column in columns:
            if column["direction"] == "ascending":
                return _("Sorted by %(column)s, ascending.") % {"column": column["label"]}
            if column["direction"] == "descending":
                return _("Sorted by %(column)s, descending.") % {"column": column["label"]}
        return ""

    _COUNTER_URLS: dict[str, list[str]] = {}

    @classmethod
    def _counter_urls(cls, base_url: str) -> list[str]:
        """Each counter's link: the list with its filters (the same for every request)."""
        urls = cls._COUNTER_URLS.get(base_url)
        if urls is None:
            urls = cls._COUNTER_URLS[base_url] = [f"{base_url}?{cls._encode(params)}" for _k, _l, params in COUNTERS]
        return urls

    @staticmethod
    def _encode(params) -> str:
        query = QueryDict(mutable=True)
        for key, value in params:
            query.appendlist(key, value)
        return query.urlencode()

    def _columns(self):
        """Each header's link sorts on it; a second click reverses the order."""
        current = DEFAULT_SORT
        if self.filterset.is_valid() and self.filterset.form.cleaned_data.get("sort"):
            current = self.filterset.form.cleaned_data["sort"][0]
        columns = []
        query = self.request.GET.copy()  # as {% querystring sort=… page=None %} per column
        query.pop("page", None)
        for param, label in COLUMNS:
            direction = None
            if current == param:
                direction = "ascending"
            elif current == f"-{param}":
                direction = "descending"
            following = f"-{param}" if direction == "ascending" else param
            query["sort"] = following
            columns.append(
                {
                    "param": param,
                    "label": label,
                    "direction": direction,
                    "next": following,
                    "url": f"?{query.urlencode()}",
                }
            )
        return columns


class DashboardBulkAssignView(OfficerRequiredMixin, FormView):
    """Assign the ticked initiatives to one officer, then back to the same filtered list."""

    form_class = BulkAssignForm
    http_method_names = ["post"]

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(user=self.request.user, officer_choices=officer_choices(self.request.user))
        return kwargs

    def form_valid(self, form):
        initiatives = form.cleaned_data["initiatives"]
        officer = form.cleaned_data["officer"]
        try:
            with transaction.atomic():  # all or nothing: one refusal assigns none
                initiative_bulk_assign(initiatives=initiatives, officer=officer, actor=self.request.user)
        except ValidationError as error:
            messages.error(self.request, " ".join(error.messages))
        else:
            count = len(initiatives)
            messages.success(
                self.request,
                ngettext(
                    "%(count)d initiative is now assigned to %(name)s.",
                    "%(count)d initiatives are now assigned to %(name)s.",
                    count,
                )
                % {"count": count, "name": officer.get_full_name() or officer.get_username()},
            )
        return self._back(form)

    def form_invalid(self, form):
        if "initiatives" in form.errors:
            if form.data.getlist("initiatives"):
                text = _("Some of the selected initiatives cannot be assigned by you. Nothing was assigned.")
            else:
                text = _("Select at least one initiative. Nothing was assigned.")
            if len(form.data.getlist("initiatives")) > MAX_BULK:
                text = form.errors["initiatives"][0]
        elif "officer" in form.errors:
            text = _("Choose an officer of your municipality. Nothing was assigned.")
        else:
            text = _("Nothing was assigned. Please try again.")
        messages.error(self.request, text)
        return self._back(form)

    def _back(self, form):
        querystring = _clean_querystring(form.data.get("querystring", "")[:2000])
        url = reverse("initiatives:dashboard")
        return redirect(f"{url}?{querystring}" if querystring else url)


# --- CSV export -----------------------------------------------------------------------------


class _Echo:
    """A file-like object whose `write` hands the line back, for csv.writer in a generator."""

    def write(self, value):
        return value


@method_decorator(never_cache, name="dispatch")
class DashboardExportView(OfficerRequiredMixin, View):
    """The list as it is filtered on screen, as CSV, streamed row by row."""

    def get(self, request):
        today = timezone.localdate()
        filterset = OfficerInitiativeFilter(
            request.GET or None, queryset=_scoped_initiatives(request.user, today), request=request
        )
        valid = not filterset.is_bound or filterset.is_valid()  # like the list: bad filters show nothing
        initiatives = filterset.qs if valid else filterset.queryset.none()
        # Translate now: the rows are written after this method has returned.
        header = [
            _("Reference"),
            _("Title"),
            _("Village"),
            _("Status"),
            _("Submitted on"),
            _("First response due"),
            _("Decision due"),
            _("Assigned officer"),
            _("Amount requested"),
            _("Total cost"),
        ]
        status_labels = {status.value: str(status.label) for status in Status}
        writer = spreadsheet_writer(_Echo())

        def lines():
            yield BOM  # so spreadsheets read the accents right (core/csv.py)
            yield writer.writerow(header)
            for initiative in initiatives.iterator(chunk_size=500):
                officer = initiative.assigned_officer
                row = [
                    initiative.reference,
                    initiative.title,
                    initiative.village.name,
                    status_labels.get(initiative.status, initiative.status),
                    timezone.localtime(initiative.submitted_at).date().isoformat(),
                    initiative.first_response_due.isoformat() if initiative.first_response_due else "",
                    initiative.decision_due.isoformat() if initiative.decision_due else "",
                    (officer.get_full_name() or officer.get_username()) if officer else "",
                    initiative.amount_requested,
                    initiative.total_cost,
                ]
                yield writer.writerow(row)

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        filename = f"{_('initiatives')}-{today.isoformat()}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
