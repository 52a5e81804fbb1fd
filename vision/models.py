import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel
from municipalities.models import Municipality
from municipalities.scoping import OFFICERS, STAFF, MunicipalityScopedQuerySet, visible_municipality_q
from vision.constants import (
    REQUIRED_MEMBER_CATEGORIES,
    STAGE_ORDER,
    MeetingKind,
    MemberCategory,
    RsvpAnswer,
    ScanItem,
    ScanKind,
    Stage,
    StageStatus,
    TrajectoryKind,
    TrajectoryStatus,
    VisionSectionKey,
    VisionStatus,
)

MONEY = {"max_digits": 12, "decimal_places": 2}


class Facilitator(TimeStampedModel):
    """A DKK process facilitator: sees every municipality their association supports."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="facilitator"
    )
    association = models.ForeignKey(
        "villages.Association", verbose_name=_("association"), on_delete=models.PROTECT, related_name="facilitators"
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["association__name", "user__last_name"]
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")

    def __str__(self):
        return self.user.get_full_name() or self.user.get_username()


class TrajectoryScopedQuerySet(MunicipalityScopedQuerySet):
    """Facilitators and officers see by municipality; a progress-group member sees their own trajectory."""

    municipality_path = "trajectory__municipality"
    trajectory_path = "trajectory"
    audience = STAFF

    def visible_to(self, user):
        q = visible_municipality_q(user, OFFICERS, self.municipality_path)
        if q is None:
            return self
        # Anonymous and deactivated accounts see nothing: no facilitator or member rights either.
        if user.is_authenticated and user.is_active:
            q |= Q(**{f"{self.municipality_path}__in": facilitated_municipality_ids(user)})
            q |= Q(**{f"{self.trajectory_path}__in": member_trajectory_ids(user)})
        return self.filter(q)


def _count_per_trajectory(queryset, path="trajectory"):
    """A correlated COUNT of `queryset`'s rows for the outer trajectory (0 when none)."""
    counted = queryset.filter(**{path: OuterRef("pk")}).order_by().values(path).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=models.IntegerField()), 0)


def missing_member_categories(present) -> list:
    """The required progress-group categories (in their fixed order) not among `present`."""
    return [category for category in REQUIRED_MEMBER_CATEGORIES if category not in present]


# `with_overview`'s subqueries as plain SQL over the trajectory `{outer}` (its quoted id column), in
# the SQL SQLite and PostgreSQL both read. Only our own table names go into them (`_overview_sql`);
# every value is a parameter.
_NEXT_MEETING = (
    "SELECT m.{column} FROM {meeting} m WHERE m.trajectory_id = {outer} AND m.starts_at >= %s"
    " ORDER BY m.starts_at, m.id LIMIT 1"
)
_OPEN_ITEMS = "SELECT COUNT(*) FROM {actionitem} a WHERE a.trajectory_id = {outer} AND a.done = %s"
_LATEST_SCAN = (
    "SELECT s.{column} FROM {scan} s WHERE s.trajectory_id = {outer} ORDER BY s.opened_on DESC, s.id DESC LIMIT 1"
)
_SCAN_AVERAGE = (
    "SELECT AVG(x.score) FROM {scanscore} x WHERE x.scan_id = (SELECT s.id FROM {scan} s"
    " WHERE s.trajectory_id = {outer} ORDER BY s.opened_on DESC, s.id DESC LIMIT 1)"
)
_VISION_STATUS = (
    "SELECT v.status FROM {visionversion} v INNER JOIN {visiondocument} d ON v.document_id = d.id"
    " WHERE d.trajectory_id = {outer} ORDER BY v.number DESC LIMIT 1"
)
# A bit per required category (their order in REQUIRED_MEMBER_CATEGORIES) an active member has.
_MEMBER_CATEGORIES = (
    "SELECT SUM(DISTINCT CASE p.category {whens} ELSE 0 END) FROM {progressgroupmember} p"
    " WHERE p.trajectory_id = {outer} AND p.left_on IS NULL"
)


def _overview_sql(outer: str, connection, *, now, today) -> dict:
    """`with_overview`'s annotations as `RawSQL` over the trajectory `outer`, plus
    `active_member_categories` (a bit per required category an active member has); the
    parameters adapted as the ORM adapts them."""
    from django.db.models.expressions import RawSQL

    names = {
        model._meta.model_name: connection.ops.quote_name(model._meta.db_table)
        for model in (Meeting, ActionItem, Scan, ScanScore, VisionVersion, VisionDocument, ProgressGroupMember)
    }
    names.update(
        outer=outer, whens=" ".join(f"WHEN %s THEN {1 << bit}" for bit in range(len(REQUIRED_MEMBER_CATEGORIES)))
    )

    def raw(template: str, params: list, field, column: str = "") -> RawSQL:
        return RawSQL(template.format(column=column, **names), params, output_field=field)  # noqa: S611 - see above

    at = [connection.ops.adapt_datetimefield_value(now)]
    on = connection.ops.adapt_datefield_value(today)
    return {
        "next_meeting_at": raw(_NEXT_MEETING, at, models.DateTimeField(), "starts_at"),
        "next_meeting_title": raw(_NEXT_MEETING, at, models.CharField(), "title"),
        "open_action_items": raw(_OPEN_ITEMS, [False], models.IntegerField()),
        "overdue_action_items": raw(_OPEN_ITEMS + " AND a.due_date < %s", [False, on], models.IntegerField()),
        "latest_scan_id": raw(_LATEST_SCAN, [], models.BigIntegerField(), "id"),
        "latest_scan_kind": raw(_LATEST_SCAN, [], models.CharField(), "kind"),
        "latest_scan_opened_on": raw(_LATEST_SCAN, [], models.DateField(), "opened_on"),
        "latest_scan_score": raw(_SCAN_AVERAGE, [], models.FloatField()),
        "latest_vision_status": raw(_VISION_STATUS, [], models.CharField()),
        "active_member_categories": raw(
            _MEMBER_CATEGORIES, [str(category) for category in REQUIRED_MEMBER_CATEGORIES], models.IntegerField()
        ),
    }


class TrajectoryQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "municipality"
    trajectory_path = "pk"

    def with_overview(self, *, now=None, today=None):
        """What a facilitator's overview shows of each trajectory, in the same query.

        `stage_number` (1..6), the next meeting (`next_meeting_at`, `next_meeting_title`),
        `open_action_items` and `overdue_action_items` (not done, due before today), the latest
        scan (`latest_scan_kind`, `latest_scan_opened_on`, `latest_scan_score`: the average of
        every score given in it) and `latest_vision_status` (of the highest version).
        """
        now = now or timezone.now()
        today = today or timezone.localdate()
        next_meeting = Meeting.objects.filter(trajectory=OuterRef("pk"), starts_at__gte=now).order_by("starts_at", "pk")
        latest_scan = Scan.objects.filter(trajectory=OuterRef("pk")).order_by("-opened_on", "-pk")
        latest_version = VisionVersion.objects.filter(document__trajectory=OuterRef("pk")).order_by("-number")
        scan_average = (
            ScanScore.objects.filter(scan=OuterRef("latest_scan_id"))
            .order_by()
            .values("scan")
            .annotate(average=Avg("score", output_field=models.FloatField()))
            .values("average")
        )
        open_items = ActionItem.objects.filter(done=False)
        return self.annotate(
            stage_number=models.Case(
                *(When(current_stage=stage, then=Value(number)) for number, stage in enumerate(STAGE_ORDER, 1)),
                default=Value(1),
                output_field=models.IntegerField(),
            ),
            next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]),
            next_meeting_title=Subquery(next_meeting.values("title")[:1]),
            open_action_items=_count_per_trajectory(open_items),
            overdue_action_items=_count_per_trajectory(open_items.filter(due_date__lt=today)),
            latest_scan_id=Subquery(latest_scan.values("pk")[:1]),
            latest_scan_kind=Subquery(latest_scan.values("kind")[:1]),
            latest_scan_opened_on=Subquery(latest_scan.values("opened_on")[:1]),
            latest_vision_status=Subquery(latest_version.values("status")[:1]),
        ).annotate(latest_scan_score=Subquery(scan_average, output_field=models.FloatField()))

    def overview_list(self, *, now=None, today=None) -> list:
        """The trajectories with what `with_overview` annotates (the same values under the same
        names) and `missing_categories` (`missing_member_categories` of the active members), in
        one query: the facilitator's overview of every trajectory.

        The same correlated subqueries as `with_overview`, written as SQL (`_overview_sql`):
        Django took longer to build and compile the twelve `Subquery` expressions than the
        database took to run them (bench/results/statistics.md). The outer table is named by the
        query's own alias, and the result is a list, so this query is never nested in another.
        """
        from django.db import connections

        now = now or timezone.now()
        today = today or timezone.localdate()
        queryset = self._chain()
        connection = connections[queryset.db]
        alias, pk = queryset.query.get_initial_alias(), self.model._meta.pk.column
        outer = f"{connection.ops.quote_name(alias)}.{connection.ops.quote_name(pk)}"
        rows = list(queryset.annotate(**_overview_sql(outer, connection, now=now, today=today)))
        stage_numbers = {stage: number for number, stage in enumerate(STAGE_ORDER, 1)}
        for trajectory in rows:
            trajectory.stage_number = stage_numbers.get(trajectory.current_stage, 1)
            present = trajectory.active_member_categories or 0
            trajectory.missing_categories = [
                category for bit, category in enumerate(REQUIRED_MEMBER_CATEGORIES) if not present & (1 << bit)
            ]
        return rows

    def with_report(self, *, now=None, today=None):
        """What the association's report shows of each trajectory, in the same query.

        Besides `with_overview`: `stage_since` (when the current stage started, by its stage
        row), `active_members`, `meetings_held` (started before `now`), `last_meeting_at` and
        `latest_vision_adopted_on`. Scans come apart (`vision.report`): only closed ones count.
        """
        now = now or timezone.now()
        current_stage = TrajectoryStage.objects.filter(trajectory=OuterRef("pk"), stage=OuterRef("current_stage"))
        held = Meeting.objects.filter(starts_at__lt=now)
        last_held = held.filter(trajectory=OuterRef("pk")).order_by("-starts_at", "-pk")
        latest_version = VisionVersion.objects.filter(document__trajectory=OuterRef("pk")).order_by("-number")
        return self.with_overview(now=now, today=today).annotate(
            stage_since=Subquery(current_stage.values("actual_start")[:1]),
            active_members=_count_per_trajectory(ProgressGroupMember.objects.filter(left_on__isnull=True)),
            meetings_held=_count_per_trajectory(held),
            last_meeting_at=Subquery(last_held.values("starts_at")[:1]),
            latest_vision_adopted_on=Subquery(latest_version.values("adopted_on")[:1]),
        )

    def with_access_flags(self, user):
        """`user_can_steer` and `user_is_member` per trajectory, by the rules of `vision.access`
        (`can_steer_trajectory`, `is_progress_group_member`)."""
        no, yes = Value(False, output_field=BooleanField()), Value(True, output_field=BooleanField())
        if not user.is_authenticated or not user.is_active:
            return self.annotate(user_can_steer=no, user_is_member=no)
        member = ExpressionWrapper(Q(pk__in=member_trajectory_ids(user)), output_field=BooleanField())
        if user.is_superuser:
            return self.annotate(user_can_steer=yes, user_is_member=member)
        steer = ExpressionWrapper(Q(municipality__in=facilitated_municipality_ids(user)), output_field=BooleanField())
        return self.annotate(user_can_steer=steer, user_is_member=member)

    def member_categories(self) -> dict[int, set[str]]:
        """Per trajectory id, the categories of its active members (left_on empty): one query.

        A trajectory without active members is missing from the answer: use `.get(pk, set())`.
        """
        present: dict[int, set[str]] = {}
        rows = (
            ProgressGroupMember.objects.filter(trajectory__in=self.order_by().values("pk"), left_on__isnull=True)
            .order_by()
            .values_list("trajectory_id", "category")
            .distinct()
        )
        for trajectory_id, category in rows:
            present.setdefault(trajectory_id, set()).add(category)
        return present


class Trajectory(TimeStampedModel):
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="trajectories",
    )
    kind = models.CharField(_("kind"), max_length=24, choices=TrajectoryKind.choices, default=TrajectoryKind.VO)
    title = models.CharField(_("title"), max_length=200)
    facilitator = models.ForeignKey(
        Facilitator,
        verbose_name=_("facilitator"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="trajectories",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=TrajectoryStatus.choices, default=TrajectoryStatus.PLANNED
    )
    current_stage = models.CharField(_("current stage"), max_length=20, choices=Stage.choices, default=Stage.INTAKE)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    local_support_cost = models.DecimalField(
        _("cost of local tailored support"),
        null=True,
        blank=True,
        **MONEY,
        help_text=_("Democratie in Actie tracks: the programme pays half, at most EUR 5,000."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = TrajectoryQuerySet.as_manager()

    class Meta:
        ordering = ["municipality__name", "-started_on"]
        verbose_name = _("trajectory")
        verbose_name_plural = _("trajectories")
        indexes = [models.Index(fields=["municipality", "status"], name="trajectory_muni_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(local_support_cost__isnull=True) | Q(local_support_cost__gte=0),
                name="trajectory_cost_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="trajectory_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.municipality})"


class TrajectoryStage(TimeStampedModel):
    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    order = models.PositiveSmallIntegerField(_("order"))
    status = models.CharField(_("status"), max_length=12, choices=StageStatus.choices, default=StageStatus.NOT_STARTED)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    actual_start = models.DateField(_("actual start"), null=True, blank=True)
    actual_end = models.DateField(_("actual end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    completion_reason = models.TextField(_("reason for completing with open deliverables"), blank=True)

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["trajectory", "order"]
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        constraints = [
            models.UniqueConstraint(fields=["trajectory", "stage"], name="stage_once_per_trajectory"),
            models.UniqueConstraint(fields=["trajectory", "order"], name="stage_order_unique"),
        ]

    def __str__(self):
        return self.get_stage_display()


class DeliverableQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "stage__trajectory__municipality"
    trajectory_path = "stage__trajectory"


class StageDeliverable(models.Model):
    """One line of a stage's checklist."""

    stage = models.ForeignKey(
        TrajectoryStage, verbose_name=_("stage"), on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("deliverable"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = DeliverableQuerySet.as_manager()

    class Meta:
        ordering = ["stage", "pk"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return self.title


class ProgressGroupMember(TimeStampedModel):
    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=24, choices=MemberCategory.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="progress_group_memberships",
        help_text=_("Only when the member works in the platform; scans need no account."),
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["trajectory", "category", "name"]
        verbose_name = _("progress-group member")
        verbose_name_plural = _("progress-group members")

    def __str__(self):
        return f"{self.name} ({self.get_category_display()})"


class Meeting(TimeStampedModel):
    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MeetingKind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("place"), max_length=200, blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    # `minutes` is the published text that members read; `minutes_draft` is the facilitator's
    # text not published yet (a first version, or a correction). The first publication's date
    # stays; a later correction sets `minutes_corrected_at`.
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)
    minutes_corrected_at = models.DateTimeField(_("minutes corrected at"), null=True, blank=True)
    minutes_draft = models.TextField(_("draft minutes"), blank=True)
    minutes_draft_saved_at = models.DateTimeField(_("draft minutes saved at"), null=True, blank=True)
    # Calendar identity: the UID stays, SEQUENCE goes up when the meeting moves.
    ical_uid = models.UUIDField(_("calendar UID"), default=uuid.uuid4, unique=True, editable=False)
    ical_sequence = models.PositiveIntegerField(_("calendar sequence"), default=0, editable=False)
    invitees = models.ManyToManyField(
        ProgressGroupMember, verbose_name=_("invitees"), through="Attendance", blank=True, related_name="meetings"
    )

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["trajectory", "starts_at"], name="meeting_trajectory_start")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="meeting_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y-%m-%d})"


class AttendanceQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "meeting__trajectory__municipality"
    trajectory_path = "meeting__trajectory"


class Attendance(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    member = models.ForeignKey(
        ProgressGroupMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="attendances"
    )
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    # The member's own answer through the links in the invitation ("" = no answer yet).
    rsvp = models.CharField(_("answer"), max_length=3, choices=RsvpAnswer.choices, blank=True)
    rsvp_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    objects = AttendanceQuerySet.as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "member"], name="attendance_once")]

    def __str__(self):
        return f"{self.member} @ {self.meeting}"


class ActionItem(TimeStampedModel):
    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("meeting"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    description = models.CharField(_("action"), max_length=300)
    owner = models.ForeignKey(
        ProgressGroupMember,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="action_items",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["done", "due_date", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["trajectory", "done", "due_date"], name="action_open_due")]

    def __str__(self):
        return self.description


class Case(TimeStampedModel):
    """A bottom-up example: what did the government do, what did the initiators do?"""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="cases"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    government_role = models.TextField(_("what the government did"), blank=True)
    initiators_role = models.TextField(_("what the initiators did"), blank=True)
    lessons = models.TextField(_("lessons"), blank=True)
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )
    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cases",
    )

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["trajectory", "title"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self):
        return self.title


class VisionDocument(TimeStampedModel):
    """The municipality's own vision on overheidsparticipatie; its text lives in versions."""

    trajectory = models.OneToOneField(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="vision"
    )
    title = models.CharField(_("title"), max_length=200)

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("vision document")
        verbose_name_plural = _("vision documents")

    def __str__(self):
        return self.title


class VisionVersionQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "document__trajectory__municipality"
    trajectory_path = "document__trajectory"


class VisionVersion(TimeStampedModel):
    document = models.ForeignKey(
        VisionDocument, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=VisionStatus.choices, default=VisionStatus.DRAFT)
    adopted_on = models.DateField(_("adopted by the council on"), null=True, blank=True)
    change_note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = VisionVersionQuerySet.as_manager()

    class Meta:
        ordering = ["document", "-number"]
        verbose_name = _("vision version")
        verbose_name_plural = _("vision versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="vision_version_unique"),
            models.CheckConstraint(
                condition=~Q(status=VisionStatus.ADOPTED) | Q(adopted_on__isnull=False),
                name="vision_adopted_has_date",
            ),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"


class VisionCommentQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "version__document__trajectory__municipality"
    trajectory_path = "version__document__trajectory"


class VisionComment(TimeStampedModel):
    """A reaction of the progress group to a version of the vision while it is in consultation."""

    version = models.ForeignKey(
        VisionVersion, verbose_name=_("vision version"), on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = models.TextField(_("comment"), max_length=2000)

    objects = VisionCommentQuerySet.as_manager()

    class Meta:
        ordering = ["version", "created_at", "pk"]
        verbose_name = _("comment on the vision")
        verbose_name_plural = _("comments on the vision")

    def __str__(self):
        return f"{self.version}, comment {self.pk}"  # no text: it lands in the audit log


class VisionSectionQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "version__document__trajectory__municipality"
    trajectory_path = "version__document__trajectory"


class VisionSection(models.Model):
    version = models.ForeignKey(
        VisionVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="sections"
    )
    key = models.CharField(_("section"), max_length=20, choices=VisionSectionKey.choices)
    body = models.TextField(_("text"), blank=True)

    objects = VisionSectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("vision section")
        verbose_name_plural = _("vision sections")
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="vision_section_once")]

    def __str__(self):
        return self.get_key_display()


class Scan(TimeStampedModel):
    """A self-assessment: nulmeting before, eenmeting after."""

    trajectory = models.ForeignKey(
        Trajectory, verbose_name=_("trajectory"), on_delete=models.CASCADE, related_name="scans"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=ScanKind.choices)
    opened_on = models.DateField(_("opened on"))
    closes_on = models.DateField(
        _("open until"),
        null=True,
        blank=True,
        help_text=_("The last day members can answer. The invitation and the answer page say so."),
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = TrajectoryScopedQuerySet.as_manager()

    class Meta:
        ordering = ["trajectory", "opened_on"]
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self):
        return f"{self.get_kind_display()} {self.trajectory}"

    def clean(self):
        if self.closes_on is not None and self.opened_on is not None and self.closes_on < self.opened_on:
            raise ValidationError({"closes_on": _("The closing date cannot be before the scan opens.")})

    def accepts_answers(self, today) -> bool:
        """Open: not closed by the facilitator, and the closing date (the last day) has not passed."""
        return self.closed_on is None and (self.closes_on is None or today <= self.closes_on)

    @property
    def ended_on(self):
        """The day the scan stopped (or stops) taking answers: the earlier of closing it by hand
        and its closing date."""
        days = [day for day in (self.closed_on, self.closes_on) if day is not None]
        return min(days) if days else None


class ScanInvitationQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "scan__trajectory__municipality"
    trajectory_path = "scan__trajectory"


class ScanInvitation(models.Model):
    """A member's personal link to a scan: works once. It records *that* the member answered
    (`used_at`), never what: the scores are stored apart, without a way back to the member."""

    scan = models.ForeignKey(Scan, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        ProgressGroupMember, verbose_name=_("member"), on_delete=models.CASCADE, related_name="scan_invitations"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    # With SECRET_KEY it gives the personal link again, so a reminder carries the same link
    # (vision.services.scans.scan_token_for_mail). A new link gets a new nonce.
    link_nonce = models.CharField(_("link nonce"), max_length=43, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    used_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)

    objects = ScanInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("scan invitation")
        verbose_name_plural = _("scan invitations")
        constraints = [models.UniqueConstraint(fields=["scan", "member"], name="scan_invitation_once")]

    def __str__(self):
        return f"{self.member} / {self.scan}"


class ScanScoreQuerySet(TrajectoryScopedQuerySet):
    municipality_path = "scan__trajectory__municipality"
    trajectory_path = "scan__trajectory"


class ScanScore(models.Model):
    """One score of an anonymous answer. No member, no invitation, no time and no order: the
    primary key is random, so neither the rows nor their ids can be matched to the moment a
    member's link was used. `category` is the member's category when they answered (for the
    breakdown per category, which hides categories with few answers)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    scan = models.ForeignKey(Scan, verbose_name=_("scan"), on_delete=models.CASCADE, related_name="scores")
    category = models.CharField(_("category"), max_length=24, choices=MemberCategory.choices)
    item = models.CharField(_("item"), max_length=20, choices=ScanItem.choices)
    # Empty: the member chose "don't know". Stored, counted apart, and left out of every average.
    score = models.PositiveSmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), max_length=2000, blank=True)

    objects = ScanScoreQuerySet.as_manager()

    class Meta:
        ordering = ["scan", "item", "category", "score"]
        verbose_name = _("scan score")
        verbose_name_plural = _("scan scores")
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5), name="scan_score_1_to_5_or_dont_know"
            ),
        ]

    def __str__(self):
        return f"{self.get_item_display()}: {'?' if self.score is None else self.score}"


class StandardDeliverable(models.Model):
    """The association's standard checklist per stage; new trajectories start with a copy."""

    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    title = models.CharField(_("deliverable"), max_length=200)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["stage", "order", "pk"]
        verbose_name = _("standard deliverable")
        verbose_name_plural = _("standard deliverables")

    def __str__(self):
        return self.title


# --- who sees a municipality's trajectories besides its officers (municipalities.scoping) ----


def facilitated_municipality_ids(user):
    """The municipalities the user supports as an active DKK facilitator (of the supporting
    association or its parent), as a subquery."""
    associations = Facilitator.objects.filter(user=user, is_active=True).values("association_id")
    return Municipality.objects.filter(
        Q(supporting_association_id__in=associations) | Q(supporting_association__parent_id__in=associations)
    ).values("pk")


def member_trajectory_ids(user):
    """The trajectories of the progress groups the user is a current member of, as a subquery."""
    return ProgressGroupMember.objects.filter(user=user, left_on__isnull=True).values("trajectory_id")


def member_municipality_ids(user):
    """The municipalities of those trajectories, as a subquery."""
    return Trajectory.objects.filter(pk__in=member_trajectory_ids(user)).values("municipality_id")
