from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery

from core.admin import AuditedModelAdmin, ReadOnlyAdminMixin, ScopedModelAdmin, ScopedTabularInline
from vision.models import (
    ActionItem,
    Attendance,
    Case,
    Facilitator,
    Meeting,
    ProgressGroupMember,
    Scan,
    ScanInvitation,
    ScanScore,
    StageDeliverable,
    StandardDeliverable,
    Trajectory,
    TrajectoryStage,
    VisionDocument,
    VisionSection,
    VisionVersion,
)
from vision.services.scans import MIN_CATEGORY_ANSWERS
from vision.services.trajectories import trajectory_ensure_stages

TIMESTAMPS = ("created_at", "updated_at")
# Status and progress change only on the trajectory pages, through the services with their
# checks and audit rows (stage_complete, deliverable_set_done, vision_status_change,
# scan_open/scan_close): read-only here, for a superuser too.
TRAJECTORY_PROGRESS = ("status", "current_stage", "started_on", "ended_on")
STAGE_PROGRESS = ("status", "actual_start", "actual_end")
DELIVERABLE_PROGRESS = ("done", "done_at", "done_by")


@admin.register(Facilitator)
class FacilitatorAdmin(ScopedModelAdmin):
    list_display = ("__str__", "association", "phone", "is_active")
    list_filter = ("is_active", "association")
    list_select_related = ("user", "association")
    search_fields = ("user__username", "user__first_name", "user__last_name", "user__email", "association__name")
    autocomplete_fields = ("user",)
    readonly_fields = TIMESTAMPS
    str_select_related = ("user",)


class TrajectoryStageInline(ScopedTabularInline):
    model = TrajectoryStage
    fields = ("stage", "order", "status", "planned_start", "planned_end", "actual_start", "actual_end")
    readonly_fields = STAGE_PROGRESS
    show_change_link = True


class ProgressGroupMemberInline(ScopedTabularInline):
    model = ProgressGroupMember
    fields = ("name", "category", "organisation", "email", "user", "joined_on", "left_on")
    autocomplete_fields = ("user",)


@admin.register(Trajectory)
class TrajectoryAdmin(ScopedModelAdmin):
    list_display = ("title", "municipality", "kind", "status", "current_stage", "facilitator", "started_on")
    list_filter = ("kind", "status", "current_stage", ("municipality", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("municipality", "facilitator__user")
    search_fields = ("title", "municipality__name")
    autocomplete_fields = ("municipality", "facilitator")
    readonly_fields = (*TRAJECTORY_PROGRESS, *TIMESTAMPS)
    inlines = (TrajectoryStageInline, ProgressGroupMemberInline)
    str_select_related = ("municipality",)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Every trajectory has its six stages; only the missing ones are added.
        trajectory_ensure_stages(trajectory=form.instance, actor=request.user)


class StageDeliverableInline(ScopedTabularInline):
    model = StageDeliverable
    fields = ("title", "required", "done", "done_at", "done_by")
    readonly_fields = DELIVERABLE_PROGRESS


@admin.register(TrajectoryStage)
class TrajectoryStageAdmin(ScopedModelAdmin):
    list_display = ("__str__", "trajectory", "order", "status", "planned_end", "actual_end")
    list_filter = ("stage", "status")
    list_select_related = ("trajectory__municipality",)
    search_fields = ("trajectory__title", "trajectory__municipality__name")
    autocomplete_fields = ("trajectory",)
    readonly_fields = (*STAGE_PROGRESS, "completion_reason", *TIMESTAMPS)
    inlines = (StageDeliverableInline,)


@admin.register(StageDeliverable)
class StageDeliverableAdmin(ScopedModelAdmin):
    list_display = ("title", "stage", "stage__trajectory", "required", "done", "done_at")
    list_filter = ("required", "done", "stage__stage")
    list_select_related = ("stage__trajectory__municipality",)
    search_fields = ("title", "stage__trajectory__title")
    autocomplete_fields = ("stage",)
    readonly_fields = DELIVERABLE_PROGRESS


@admin.register(ProgressGroupMember)
class ProgressGroupMemberAdmin(ScopedModelAdmin):
    list_display = ("name", "category", "organisation", "trajectory", "user", "left_on")
    list_filter = ("category",)
    list_select_related = ("trajectory__municipality", "user")
    search_fields = ("name", "email", "organisation", "trajectory__title")
    autocomplete_fields = ("trajectory", "user")
    readonly_fields = TIMESTAMPS


class AttendanceInline(ScopedTabularInline):
    model = Attendance
    fields = ("member", "invited_at", "attended")
    autocomplete_fields = ("member",)


class ActionItemInline(ScopedTabularInline):
    model = ActionItem
    fk_name = "meeting"
    fields = ("description", "owner", "due_date", "done", "done_at")
    autocomplete_fields = ("owner",)


@admin.register(Meeting)
class MeetingAdmin(ScopedModelAdmin):
    list_display = ("title", "kind", "trajectory", "starts_at", "location")
    list_filter = ("kind",)
    list_select_related = ("trajectory__municipality",)
    search_fields = ("title", "location", "trajectory__title")
    date_hierarchy = "starts_at"
    autocomplete_fields = ("trajectory",)
    readonly_fields = TIMESTAMPS
    inlines = (AttendanceInline, ActionItemInline)

    def save_formset(self, request, form, formset, change):
        if formset.model is ActionItem:
            for item_form in formset.forms:
                # An action item agreed in a meeting belongs to that meeting's trajectory.
                item_form.instance.trajectory = form.instance.trajectory
        super().save_formset(request, form, formset, change)


@admin.register(Attendance)
class AttendanceAdmin(ScopedModelAdmin):
    list_display = ("member", "meeting", "invited_at", "attended")
    list_filter = ("attended",)
    list_select_related = ("member", "meeting")
    search_fields = ("member__name", "meeting__title")
    autocomplete_fields = ("meeting", "member")
    str_select_related = ("member", "meeting")


@admin.register(ActionItem)
class ActionItemAdmin(ScopedModelAdmin):
    list_display = ("description", "trajectory", "meeting", "owner", "due_date", "done")
    list_filter = ("done",)
    list_select_related = ("trajectory__municipality", "meeting", "owner")
    search_fields = ("description", "trajectory__title")
    autocomplete_fields = ("trajectory", "meeting", "owner")
    readonly_fields = TIMESTAMPS


@admin.register(Case)
class CaseAdmin(ScopedModelAdmin):
    list_display = ("title", "trajectory", "village", "initiative")
    list_select_related = ("trajectory__municipality", "village", "initiative")
    search_fields = ("title", "description", "trajectory__title")
    autocomplete_fields = ("trajectory", "village", "initiative")
    readonly_fields = TIMESTAMPS


@admin.register(VisionDocument)
class VisionDocumentAdmin(ScopedModelAdmin):
    list_display = ("title", "trajectory")
    list_select_related = ("trajectory__municipality",)
    search_fields = ("title", "trajectory__title", "trajectory__municipality__name")
    autocomplete_fields = ("trajectory",)
    readonly_fields = TIMESTAMPS


class VisionSectionInline(ScopedTabularInline):
    model = VisionSection
    fields = ("key", "body")


@admin.register(VisionVersion)
class VisionVersionAdmin(ScopedModelAdmin):
    list_display = ("__str__", "document", "number", "status", "adopted_on")
    list_filter = ("status",)
    list_select_related = ("document",)
    search_fields = ("document__title", "change_note")
    autocomplete_fields = ("document", "created_by")
    readonly_fields = ("status", "adopted_on", *TIMESTAMPS)
    inlines = (VisionSectionInline,)
    str_select_related = ("document",)


@admin.register(VisionSection)
class VisionSectionAdmin(ScopedModelAdmin):
    list_display = ("key", "version")
    list_filter = ("key",)
    list_select_related = ("version__document",)
    search_fields = ("body", "version__document__title")
    autocomplete_fields = ("version",)


@admin.register(Scan)
class ScanAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    # Opened (with its one-time links) and closed only on the trajectory's scan page.
    list_display = ("__str__", "kind", "trajectory", "opened_on", "closed_on")
    list_filter = ("kind",)
    list_select_related = ("trajectory__municipality",)
    search_fields = ("trajectory__title", "trajectory__municipality__name")
    autocomplete_fields = ("trajectory",)
    readonly_fields = TIMESTAMPS
    str_select_related = ("trajectory__municipality",)


@admin.register(ScanInvitation)
class ScanInvitationAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    # Issued and reopened by the scan services (which make the token); the hash is never shown.
    list_display = ("member", "scan", "sent_at", "used_at", "reopened_at")
    list_select_related = ("member", "scan__trajectory__municipality")
    search_fields = ("member__name", "member__email", "scan__trajectory__title")
    fields = ("scan", "member", "sent_at", "used_at", "reopened_at")
    str_select_related = ("member", "scan__trajectory__municipality")


@admin.register(ScanScore)
class ScanScoreAdmin(ReadOnlyAdminMixin, ScopedModelAdmin):
    # Anonymous by design: a score knows its scan and the category of whoever gave it, never
    # the member. Only the answer service writes scores; the admin cannot add or change them.
    list_display = ("item", "score", "category", "scan")
    list_filter = ("item", "category", "score")
    list_select_related = ("scan__trajectory__municipality",)
    search_fields = ("scan__trajectory__title", "scan__trajectory__municipality__name")
    fields = ("scan", "category", "item", "score")
    str_select_related = ("scan__trajectory__municipality",)

    def get_queryset(self, request):
        """As on the results page, a category with fewer than MIN_CATEGORY_ANSWERS answers in a
        scan is not shown: its scores would be that one member's own answers."""
        same_group = (
            ScanScore.objects.filter(scan=OuterRef("scan"), category=OuterRef("category"), item=OuterRef("item"))
            .order_by()
            .values("scan")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(answers_in_category=Subquery(same_group))
            .filter(answers_in_category__gte=MIN_CATEGORY_ANSWERS)
        )


@admin.register(StandardDeliverable)
class StandardDeliverableAdmin(AuditedModelAdmin):
    """The standard checklist per stage that new trajectories start with (not tenant data)."""

    list_display = ("title", "stage", "order", "required")
    list_filter = ("stage", "required")
    list_editable = ("order", "required")
    search_fields = ("title",)
