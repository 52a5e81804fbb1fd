"""Writes for one trajectory: its stages and their checklists, the progress group, the cases
and the cost of Democratie in Actie support.

Every write checks that the actor steers the trajectory (`vision.access.can_steer_trajectory`;
adding a case: `can_add_case`, members of the progress group too), validates, saves only the
fields it changes and leaves one audit row. Refusals are a
`ValidationError` with a plain message (keyed by the form field it belongs to, where there is one).
"""

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.constants import AuditAction
from audit.services import audit_log
from vision.access import require_case_adder, require_steerer
from vision.constants import DIA_KINDS, DIA_MAX_CONTRIBUTION, DIA_SHARE, STAGE_ORDER, StageStatus, TrajectoryStatus
from vision.models import (
    Case,
    ProgressGroupMember,
    StageDeliverable,
    StandardDeliverable,
    Trajectory,
    TrajectoryStage,
)

# Services check again what the views check (vision.access.can_steer_trajectory).
EDIT_REFUSED = gettext_lazy("You may not change this trajectory.")

CENT = Decimal("0.01")


def _audit(actor, action: str, obj, trajectory: Trajectory, detail: str = "") -> None:
    audit_log(actor=actor, action=action, obj=obj, municipality=trajectory.municipality, detail=detail)


def _check_period(start: date | None, end: date | None, end_field: str) -> None:
    if start and end and end < start:
        raise ValidationError({end_field: _("The end date cannot be before the start date.")})


# --- stages ----------------------------------------------------------------------------------


@transaction.atomic
def trajectory_ensure_stages(*, trajectory: Trajectory, actor=None) -> list[TrajectoryStage]:
    """Give `trajectory` its six stages in the order of the Plan van aanpak; add only missing ones.

    Safe to call again. On an active trajectory the stage it is in starts as "in progress".
    Returns all stages in order.
    """
    Trajectory.objects.select_for_update().filter(pk=trajectory.pk).first()
    existing = {row.stage: row for row in trajectory.stages.all()}
    used_orders = {row.order for row in existing.values()}
    next_free = max(used_orders, default=0) + 1
    created = []
    for number, stage in enumerate(STAGE_ORDER, 1):
        if stage in existing:
            continue
        order = number
        if order in used_orders:  # rows added by hand in another order: append after them
            order, next_free = next_free, next_free + 1
        used_orders.add(order)
        row = TrajectoryStage(trajectory=trajectory, stage=stage, order=order)
        if trajectory.status == TrajectoryStatus.ACTIVE:
            # An active trajectory is somewhere in the middle: what came before is done.
            if STAGE_ORDER.index(stage) < STAGE_ORDER.index(trajectory.current_stage):
                row.status = StageStatus.COMPLETED
            elif stage == trajectory.current_stage:
                row.status = StageStatus.IN_PROGRESS
                row.actual_start = trajectory.started_on or timezone.localdate()
        row.full_clean(validate_unique=False, validate_constraints=False)
        created.append(row)
    if created:
        TrajectoryStage.objects.bulk_create(created)
        # Each new stage starts with a copy of the standard checklist (data, kept in the admin).
        rows = {row.stage: row for row in trajectory.stages.filter(stage__in=[r.stage for r in created])}
        StageDeliverable.objects.bulk_create(
            StageDeliverable(
                stage=rows[standard.stage],
                title=standard.title,
                required=standard.required,
                done=rows[standard.stage].status == StageStatus.COMPLETED,
            )
            for standard in StandardDeliverable.objects.filter(stage__in=rows)
        )
        _audit(
            actor,
            AuditAction.TRAJECTORY_STAGES_CREATED,
            trajectory,
            trajectory,
            detail=",".join(r.stage for r in created),
        )
    return list(trajectory.stages.order_by("order"))


@transaction.atomic
def stage_update(
    *,
    stage: TrajectoryStage,
    actor,
    planned_start: date | None = None,
    planned_end: date | None = None,
    actual_start: date | None = None,
    actual_end: date | None = None,
    notes: str = "",
) -> TrajectoryStage:
    """The facilitator corrects a stage's planned and actual dates and notes."""
    trajectory = stage.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    _check_period(planned_start, planned_end, "planned_end")
    _check_period(actual_start, actual_end, "actual_end")
    stage.planned_start, stage.planned_end = planned_start, planned_end
    stage.actual_start, stage.actual_end = actual_start, actual_end
    stage.notes = notes
    stage.full_clean(validate_unique=False, validate_constraints=False)
    stage.save(update_fields=["planned_start", "planned_end", "actual_start", "actual_end", "notes", "updated_at"])
    _audit(actor, AuditAction.TRAJECTORY_STAGE_UPDATE, stage, trajectory, detail=stage.stage)
    return stage


@transaction.atomic
def stage_complete(*, stage: TrajectoryStage, actor, reason: str = "") -> TrajectoryStage:
    """Complete the trajectory's current stage and start the next one.

    A stage with required deliverables that are not ticked is only completed with a reason,
    which is kept. Completing the last stage completes the trajectory. Returns the stage.
    """
    trajectory = Trajectory.objects.select_for_update().select_related("municipality").get(pk=stage.trajectory_id)
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    stage = TrajectoryStage.objects.select_for_update().get(pk=stage.pk)
    if stage.status == StageStatus.COMPLETED:
        raise ValidationError(_("This stage has already been completed."))
    if stage.stage != trajectory.current_stage:
        raise ValidationError(_("Only the stage the trajectory is in now can be completed."))
    reason = (reason or "").strip()
    open_required = stage.deliverables.filter(required=True, done=False).count()
    if open_required and not reason:
        raise ValidationError(
            {
                "reason": _(
                    "Not every required deliverable of this stage is ticked. Tick them first, "
                    "or write down why the stage is complete without them."
                )
            }
        )
    today = timezone.localdate()
    if stage.actual_start and stage.actual_start > today:
        raise ValidationError(_("This stage starts in the future. Change its actual start date first."))

    stage.status = StageStatus.COMPLETED
    stage.actual_start = stage.actual_start or today
    stage.actual_end = today
    stage.completion_reason = reason
    stage.full_clean(validate_unique=False, validate_constraints=False)
    stage.save(update_fields=["status", "actual_start", "actual_end", "completion_reason", "updated_at"])

    trajectory_fields = ["updated_at"]
    if trajectory.status == TrajectoryStatus.PLANNED:
        trajectory.status = TrajectoryStatus.ACTIVE
        trajectory.started_on = trajectory.started_on or stage.actual_start
        trajectory_fields += ["status", "started_on"]
    following = trajectory.stages.filter(order__gt=stage.order).order_by("order").first()
    if following is not None:
        following.status = StageStatus.IN_PROGRESS
        following.actual_start = today
        following.actual_end = None
        following.save(update_fields=["status", "actual_start", "actual_end", "updated_at"])
        trajectory.current_stage = following.stage
        trajectory_fields.append("current_stage")
    else:
        trajectory.status = TrajectoryStatus.COMPLETED
        trajectory.ended_on = today
        trajectory_fields += ["status", "ended_on"]
    trajectory.full_clean(validate_unique=False)
    trajectory.save(update_fields=list(dict.fromkeys(trajectory_fields)))

    detail = f"{stage.stage} -> {following.stage if following else 'end'}"
    if open_required:
        detail += f"; {open_required} required deliverable(s) open, reason given"
    _audit(actor, AuditAction.TRAJECTORY_STAGE_COMPLETE, stage, trajectory, detail=detail)
    return stage


@transaction.atomic
def stage_checklist_save(*, stage: TrajectoryStage, done: Iterable[StageDeliverable], actor) -> list[StageDeliverable]:
    """Save a stage's whole checklist at once: the deliverables in `done` are ticked, the
    others of the stage are not. Only lines that change are saved, each with its own audit row
    (done or reopened). Returns the deliverables that changed.
    """
    trajectory = stage.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    wanted = {deliverable.pk for deliverable in done}
    lines = list(StageDeliverable.objects.select_for_update().filter(stage=stage).order_by("pk"))
    if wanted - {line.pk for line in lines}:
        raise ValidationError({"done": _("Choose deliverables of this stage.")})
    now = timezone.now()
    changed = []
    for line in lines:
        tick = line.pk in wanted
        if line.done == tick:
            continue
        line.done = tick
        line.done_at = now if tick else None
        line.done_by = actor if tick else None
        line.full_clean()
        line.save(update_fields=["done", "done_at", "done_by"])
        _audit(
            actor,
            AuditAction.TRAJECTORY_DELIVERABLE_DONE if tick else AuditAction.TRAJECTORY_DELIVERABLE_REOPEN,
            line,
            trajectory,
        )
        changed.append(line)
    return changed


# --- the progress group ------------------------------------------------------------------------


@transaction.atomic
def member_add(
    *,
    trajectory: Trajectory,
    actor,
    name: str,
    category: str,
    email: str = "",
    phone: str = "",
    organisation: str = "",
    joined_on: date | None = None,
) -> ProgressGroupMember:
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    member = ProgressGroupMember(
        trajectory=trajectory,
        name=name,
        category=category,
        email=email,
        phone=phone,
        organisation=organisation,
        joined_on=joined_on or timezone.localdate(),
    )
    member.full_clean()
    member.save()
    _audit(actor, AuditAction.TRAJECTORY_MEMBER_ADD, member, trajectory, detail=category)
    return member


@transaction.atomic
def member_update(
    *,
    member: ProgressGroupMember,
    actor,
    name: str,
    category: str,
    email: str = "",
    phone: str = "",
    organisation: str = "",
    joined_on: date | None = None,
) -> ProgressGroupMember:
    trajectory = member.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    _check_period(joined_on, member.left_on, "joined_on")
    member.name, member.category, member.email = name, category, email
    member.phone, member.organisation, member.joined_on = phone, organisation, joined_on
    member.full_clean()
    member.save(update_fields=["name", "category", "email", "phone", "organisation", "joined_on", "updated_at"])
    _audit(actor, AuditAction.TRAJECTORY_MEMBER_UPDATE, member, trajectory, detail=category)
    return member


@transaction.atomic
def member_leave(*, member: ProgressGroupMember, actor) -> ProgressGroupMember:
    """The member leaves the group today; their category may then be missing."""
    trajectory = member.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    if member.left_on is not None:
        raise ValidationError(_("This member has already left the progress group."))
    today = timezone.localdate()
    if member.joined_on and member.joined_on > today:
        raise ValidationError(_("This member has not joined yet. Change the date they join instead."))
    member.left_on = today
    member.save(update_fields=["left_on", "updated_at"])
    _audit(actor, AuditAction.TRAJECTORY_MEMBER_LEAVE, member, trajectory, detail=member.category)
    return member


# --- cases -------------------------------------------------------------------------------------


def _check_case_links(trajectory: Trajectory, village, initiative) -> None:
    errors = {}
    if village is not None and village.municipality_id != trajectory.municipality_id:
        errors["village"] = _("Choose a village of this municipality.")
    if initiative is not None and initiative.municipality_id != trajectory.municipality_id:
        errors["initiative"] = _("Choose an initiative of this municipality.")
    if errors:
        raise ValidationError(errors)


CASE_FIELDS = ["title", "description", "government_role", "initiators_role", "lessons", "village", "initiative"]


@transaction.atomic
def case_add(
    *,
    trajectory: Trajectory,
    actor,
    title: str,
    description: str = "",
    government_role: str = "",
    initiators_role: str = "",
    lessons: str = "",
    village=None,
    initiative=None,
) -> Case:
    """A bottom-up example: what did the government do, what did the initiators do?

    Members of the progress group add cases too; changing a case is for those who steer.
    """
    require_case_adder(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    _check_case_links(trajectory, village, initiative)
    case = Case(
        trajectory=trajectory,
        title=title,
        description=description,
        government_role=government_role,
        initiators_role=initiators_role,
        lessons=lessons,
        village=village,
        initiative=initiative,
    )
    case.full_clean()
    case.save()
    _audit(actor, AuditAction.TRAJECTORY_CASE_ADD, case, trajectory)
    return case


@transaction.atomic
def case_update(
    *,
    case: Case,
    actor,
    title: str,
    description: str = "",
    government_role: str = "",
    initiators_role: str = "",
    lessons: str = "",
    village=None,
    initiative=None,
) -> Case:
    trajectory = case.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    _check_case_links(trajectory, village, initiative)
    case.title, case.description, case.lessons = title, description, lessons
    case.government_role, case.initiators_role = government_role, initiators_role
    case.village, case.initiative = village, initiative
    case.full_clean()
    case.save(update_fields=[*CASE_FIELDS, "updated_at"])
    _audit(actor, AuditAction.TRAJECTORY_CASE_UPDATE, case, trajectory)
    return case


# --- Democratie in Actie --------------------------------------------------------------------


def dia_cost_split(cost: Decimal) -> tuple[Decimal, Decimal]:
    """(programme, municipality) for `cost` of local tailored support.

    The programme pays half, never more than EUR 5,000; the municipality pays the rest. An odd
    cent stays with the municipality, so the programme never pays more than half.
    """
    if cost is None:
        raise ValidationError({"cost": _("Fill in the cost.")})
    cost = Decimal(cost).quantize(CENT)
    if cost < 0:
        raise ValidationError({"cost": _("The cost cannot be negative.")})
    programme = min((cost * DIA_SHARE).quantize(CENT, rounding=ROUND_DOWN), DIA_MAX_CONTRIBUTION)
    return programme, cost - programme


@transaction.atomic
def trajectory_set_support_cost(*, trajectory: Trajectory, cost: Decimal, actor) -> Trajectory:
    """Record what the local tailored support of a Democratie in Actie track costs."""
    require_steerer(actor, trajectory, EDIT_REFUSED, error=PermissionDenied)
    if trajectory.kind not in DIA_KINDS:
        raise ValidationError({"cost": _("Only a Democratie in Actie track has a cost of local support.")})
    dia_cost_split(cost)  # refuses an empty or negative cost
    trajectory.local_support_cost = Decimal(cost).quantize(CENT)
    trajectory.full_clean(validate_unique=False)
    trajectory.save(update_fields=["local_support_cost", "updated_at"])
    _audit(
        actor,
        AuditAction.TRAJECTORY_SUPPORT_COST,
        trajectory,
        trajectory,
        detail=f"cost={trajectory.local_support_cost}",
    )
    return trajectory
