"""The vision document's versions and the before/after scans (STYLE.md §2 and §6).

Writes take keyword-only arguments and the acting user, check that the actor may change the
trajectory, validate, save with `update_fields` and write an audit line. The reads at the end
(results of a scan) each take one aggregate query.

Vision: every save is a new version (number + 1, draft); versions are never overwritten.
While the latest version is in consultation, the members of the progress group (and whoever
steers) comment on it; a comment belongs to that version and stays with it.
A version's status moves along VISION_TRANSITIONS only. An adopted version stays adopted: to
change an adopted vision, save a new version (it starts as a draft), so the council's text is
never changed after the fact.

Scans: a personal link per progress-group member. Only the SHA-256 of a link is stored. At
opening, each invitation gets the hash of a throwaway token (the column is unique and required);
the mail builder (`vision.scan_mails`) mints the real token when the mail is sent.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.constants import AuditAction
from audit.services import audit_log
from vision.access import can_comment_on_trajectory_vision, require_steerer
from vision.constants import VISION_TRANSITIONS, VisionSectionKey, VisionStatus
from vision.models import (
    Trajectory,
    VisionComment,
    VisionDocument,
    VisionSection,
    VisionVersion,
)

# Services check again what the views check (vision.access.can_steer_trajectory).
EDIT_REFUSED = gettext_lazy("You may read this trajectory, but not change it.")
COMMENT_REFUSED = gettext_lazy("Only the progress group and the facilitator can comment on the vision.")


# --- the vision document ----------------------------------------------------------------------


def vision_default_title(trajectory: Trajectory) -> str:
    return _("Vision on government participation %(municipality)s") % {"municipality": trajectory.municipality.name}


@transaction.atomic
def vision_version_create(
    *, trajectory: Trajectory, title: str, sections: dict[str, str], change_note: str, based_on: int, actor
) -> VisionVersion:
    """Save the text as a new version (the latest number + 1, status draft).

    The document is created on the first save. `based_on` is the version number the writer
    started from (0 for none): when someone saved a newer version meanwhile, this is refused
    instead of silently replacing their text.
    """
    require_steerer(actor, trajectory, EDIT_REFUSED)
    document, created = VisionDocument.objects.get_or_create(
        trajectory=trajectory, defaults={"title": title.strip() or vision_default_title(trajectory)}
    )
    document = VisionDocument.objects.select_for_update(of=("self",)).get(pk=document.pk)
    latest = document.versions.order_by("-number").prefetch_related("sections").first()
    latest_number = latest.number if latest else 0
    if based_on != latest_number:
        raise ValidationError(
            _("Someone saved version %(number)s while you were writing. Copy your text, reload the page and try again.")
            % {"number": latest_number}
        )
    bodies = {key: (sections.get(key) or "").strip() for key in VisionSectionKey.values}
    title = title.strip() or document.title
    if latest is not None:
        previous = {section.key: section.body for section in latest.sections.all()}
        unchanged = all(previous.get(key, "") == body for key, body in bodies.items())
        if unchanged and title == document.title:
            raise ValidationError(_("Nothing has changed, so no new version was saved."))
    elif not any(bodies.values()):
        raise ValidationError(_("Write at least one section."))
    if not created and title != document.title:
        document.title = title
        document.full_clean()
        document.save(update_fields=["title", "updated_at"])
    version = VisionVersion(
        document=document,
        number=latest_number + 1,
        status=VisionStatus.DRAFT,
        change_note=change_note.strip(),
        created_by=actor,
    )
    version.full_clean()
    version.save()
    rows = [VisionSection(version=version, key=key, body=body) for key, body in bodies.items()]
    for row in rows:
        row.full_clean()
    VisionSection.objects.bulk_create(rows)
    audit_log(
        actor=actor,
        action=AuditAction.VISION_VERSION,
        obj=version,
        municipality=trajectory.municipality,
        detail=f"v{version.number}",
    )
    return version


class VisionStatusNotAllowed(ValidationError):
    pass


@transaction.atomic
def vision_status_change(*, version: VisionVersion, to_status: str, actor, adopted_on: date | None = None):
    """Move the latest version along VISION_TRANSITIONS; adopted needs the council's date."""
    version = (
        VisionVersion.objects.select_for_update(of=("self",))
        .select_related("document__trajectory__municipality")
        .get(pk=version.pk)
    )
    trajectory = version.document.trajectory
    require_steerer(actor, trajectory, EDIT_REFUSED)
    latest_number = version.document.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest_number:
        raise VisionStatusNotAllowed(_("Only the latest version can change status. Older versions are history."))
    if to_status not in VISION_TRANSITIONS.get(version.status, frozenset()):
        raise VisionStatusNotAllowed(
            _("A version that is “%(from)s” cannot become “%(to)s”.")
            % {"from": VisionStatus(version.status).label, "to": _label(VisionStatus, to_status)}
        )
    if to_status == VisionStatus.ADOPTED:
        if adopted_on is None:
            raise ValidationError({"adopted_on": _("Fill in the date on which the council adopted the vision.")})
        if adopted_on > timezone.localdate():
            raise ValidationError({"adopted_on": _("The date of adoption cannot be in the future.")})
        if adopted_on < timezone.localdate(version.created_at):
            raise ValidationError(
                {"adopted_on": _("The council cannot have adopted this version before it was written.")}
            )
    from_status = version.status
    version.status = to_status
    version.adopted_on = adopted_on if to_status == VisionStatus.ADOPTED else None
    version.full_clean()
    version.save(update_fields=["status", "adopted_on", "updated_at"])
    audit_log(
        actor=actor,
        action=AuditAction.VISION_STATUS,
        obj=version,
        municipality=trajectory.municipality,
        detail=f"v{version.number}: {from_status} -> {to_status}",
    )
    return version


@transaction.atomic
def vision_comment_add(*, version: VisionVersion, body: str, actor) -> VisionComment:
    """A comment on `version`: only on the latest version, and only while it is in consultation.

    Members of the progress group and those who steer the trajectory comment; others are refused
    with PermissionDenied. The version is locked, so a status change cannot slip in between.
    """
    version = (
        VisionVersion.objects.select_for_update(of=("self",))
        .select_related("document__trajectory__municipality")
        .get(pk=version.pk)
    )
    trajectory = version.document.trajectory
    if not can_comment_on_trajectory_vision(actor, trajectory):
        raise PermissionDenied(COMMENT_REFUSED)
    latest_number = version.document.versions.order_by("-number").values_list("number", flat=True).first()
    if version.number != latest_number:
        raise ValidationError(_("A newer version of the vision exists. Read it first, then comment on that one."))
    if version.status != VisionStatus.CONSULTATION:
        raise ValidationError(_("You can only comment while the vision is in consultation."))
    comment = VisionComment(version=version, author=actor, body=body.strip())
    comment.full_clean()
    comment.save()
    audit_log(
        actor=actor,
        action=AuditAction.VISION_COMMENT,
        obj=comment,
        municipality=trajectory.municipality,
        detail=f"v{version.number}",
    )
    return comment


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


# --- scans: personal links ----------------------------------------------------------------------


# --- scans: results (reads) -------------------------------------------------------------------
