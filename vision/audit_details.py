"""The audit log rows about VO trajectories, in words (registered with audit.describe in
VisionConfig.ready): stage, category and status labels instead of stored keys, field names as
the forms call them, counts as sentences, a member's name instead of an invitation number. A
fixed number of queries for a page of rows.

Scan answers stay anonymous here too: the row of an answer says that a member answered, never
which invitation (the log shows who opened the scan and who was invited again, nothing more).
"""

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import FieldDoesNotExist
from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.constants import AuditAction
from audit.describe import parse_change, parse_pairs, register
from core.formats import money
from vision.constants import MemberCategory, ScanKind, Stage, VisionStatus
from vision.models import ActionItem, Meeting, ScanInvitation

COUNT = re.compile(r"^(\d+) (invited|present|reminded|reminders)$")
SCAN_OPENED = re.compile(r"^(?P<kind>\w+): (?P<count>\d+) invitations, open until (?P<until>\d{4}-\d{2}-\d{2})$")
INVITATION = re.compile(r"^invitation (\d+)$")
VERSION = re.compile(r"^v(\d+)(?:: (.*))?$")


def _label(choices, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def _fields(model, detail: str) -> str:
    names = []
    for name in detail.split(","):
        try:
            names.append(str(model._meta.get_field(name).verbose_name))
        except FieldDoesNotExist:  # a field that no longer exists keeps its stored name
            names.append(name)
    return _("changed: %(fields)s") % {"fields": get_text_list(names, _("and"))}


def _count(detail: str) -> str | None:
    match = COUNT.match(detail)
    if not match:
        return None
    number, what = int(match[1]), match[2]
    if what == "invited":
        return ngettext("%(count)s member invited", "%(count)s members invited", number) % {"count": number}
    if what == "present":
        return ngettext("%(count)s member present", "%(count)s members present", number) % {"count": number}
    return ngettext("%(count)s reminder sent", "%(count)s reminders sent", number) % {"count": number}


def _version(detail: str) -> str | None:
    match = VERSION.match(detail)
    if not match:
        return None
    text = _("version %(number)s") % {"number": match[1]}
    if match[2] and "->" in match[2]:
        before, after = parse_change(match[2])
        text = _("version %(number)s: from “%(before)s” to “%(after)s”") % {
            "number": match[1],
            "before": _label(VisionStatus, before),
            "after": _label(VisionStatus, after),
        }
    return text


def _stage_complete(detail: str) -> str:
    _before, after = parse_change(detail)
    if after == "end":
        return _("the last stage: the trajectory is complete")
    return _("next stage: “%(stage)s”") % {"stage": _label(Stage, after)}


def _scan_opened(detail: str) -> str | None:
    match = SCAN_OPENED.match(detail)
    if not match:
        return None
    count = int(match["count"])
    return ngettext(
        "%(kind)s: %(count)s member invited, open until %(until)s",
        "%(kind)s: %(count)s members invited, open until %(until)s",
        count,
    ) % {
        "kind": _label(ScanKind, match["kind"]),
        "count": count,
        "until": date_format(date.fromisoformat(match["until"]), "j F Y"),
    }


@register
def describe_vision_entries(entries) -> None:
    entries = [entry for entry in entries if entry.object_type.startswith("vision.")]
    invitation_ids = {
        int(match[1])
        for entry in entries
        if entry.action == AuditAction.SCAN_REOPEN and (match := INVITATION.match(entry.detail))
    }
    members = {
        invitation.pk: invitation.member.name
        for invitation in ScanInvitation.objects.filter(pk__in=invitation_ids).select_related("member")
    }
    for entry in entries:
        text = _detail_text(entry, members)
        if text is not None:
            entry.detail_text = text


def _detail_text(entry, members: dict[int, str]) -> str | None:  # one branch per action
    action, detail = entry.action, entry.detail
    if action == AuditAction.SCAN_ANSWER:
        return ""  # anonymous: which invitation answered is nobody's business here
    if not detail:
        return None
    if action in (AuditAction.VISION_VERSION, AuditAction.VISION_STATUS, AuditAction.VISION_COMMENT):
        return _version(detail)
    if action == AuditAction.TRAJECTORY_STAGES_CREATED:
        return get_text_list([_label(Stage, key) for key in detail.split(",")], _("and"))
    if action == AuditAction.TRAJECTORY_STAGE_UPDATE:
        return _label(Stage, detail)
    if action == AuditAction.TRAJECTORY_STAGE_COMPLETE:
        return _stage_complete(detail)
    if action in (
        AuditAction.TRAJECTORY_MEMBER_ADD,
        AuditAction.TRAJECTORY_MEMBER_UPDATE,
        AuditAction.TRAJECTORY_MEMBER_LEAVE,
    ):
        return _label(MemberCategory, detail)
    if action == AuditAction.TRAJECTORY_SUPPORT_COST:
        try:
            return _("new cost: %(amount)s") % {"amount": money(Decimal(parse_pairs(detail).get("cost", "")))}
        except InvalidOperation:
            return None
    if action == AuditAction.SCAN_OPEN:
        return _scan_opened(detail)
    if action == AuditAction.SCAN_REOPEN and (match := INVITATION.match(detail)):
        name = members.get(int(match[1]))
        return _("for %(name)s") % {"name": name} if name else _("for a member who is no longer here")
    if action == AuditAction.MEETING_UPDATE and detail == "minutes_draft":
        return _("draft minutes saved")
    if action == AuditAction.MEETING_MINUTES and detail == "corrected":
        return _("corrected")
    if action in (AuditAction.MEETING_UPDATE, AuditAction.MEETING_MOVE):
        return _fields(Meeting, detail)
    if action == AuditAction.ACTION_ITEM_UPDATE:
        return _fields(ActionItem, detail)
    return _count(detail)
