"""The audit log's rows about VO trajectories read as words: labels, field names, counts and
names instead of stored keys, and nothing about which member answered a scan."""

import pytest
from django.utils import translation

from audit.constants import AuditAction
from audit.describe import describe
from audit.models import AuditLogEntry
from tests.vision.factories import ScanInvitationFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


def described(action, detail, object_type="vision.meeting", language="nl"):
    row = AuditLogEntry.objects.create(
        actor_label="system",
        action=action,
        object_type=object_type,
        object_id="1",
        object_repr="Bijeenkomst",
        detail=detail,
    )
    with translation.override(language):
        return describe([row])[0].detail_text


@pytest.mark.parametrize(
    ("action", "detail", "object_type", "words"),
    [
        (AuditAction.VISION_VERSION, "v3", "vision.visionversion", "versie 3"),
        (
            AuditAction.VISION_STATUS,
            "v2: draft -> consultation",
            "vision.visionversion",
            "versie 2: van “Concept” naar “In consultatie”",
        ),
        (AuditAction.TRAJECTORY_STAGE_COMPLETE, "vision -> end", "vision.trajectorystage", "de laatste fase"),
        (AuditAction.MEETING_MOVE, "starts_at,location", "vision.meeting", "gewijzigd: begint op en plaats"),
        (AuditAction.MEETING_UPDATE, "minutes_draft", "vision.meeting", "concept van het verslag opgeslagen"),
        (AuditAction.MEETING_MINUTES, "corrected", "vision.meeting", "verbeterd"),
        (AuditAction.MEETING_INVITE, "5 invited", "vision.meeting", "5 leden uitgenodigd"),
        (AuditAction.MEETING_ATTENDANCE, "1 present", "vision.meeting", "1 lid aanwezig"),
        (AuditAction.MEETING_REMIND, "4 reminded", "vision.meeting", "4 herinneringen verstuurd"),
        (AuditAction.SCAN_REMIND, "2 reminders", "vision.scan", "2 herinneringen verstuurd"),
        (
            AuditAction.SCAN_OPEN,
            "nulmeting: 6 invitations, open until 2026-12-19",
            "vision.scan",
            "6 leden uitgenodigd, open tot 19 december 2026",
        ),
        (AuditAction.TRAJECTORY_SUPPORT_COST, "cost=1250.50", "vision.trajectory", "€\u00a01.250,50"),
    ],
)
def test_details_are_words(action, detail, object_type, words):
    text = described(action, detail, object_type)
    assert words in text
    for raw in ("->", "_", "invitations", "present", "v2:", "cost="):
        assert raw not in text


def test_stage_and_category_keys_become_their_labels():
    from vision.constants import MemberCategory, Stage

    with translation.override("nl"):
        stage, category = str(Stage.CASES.label), str(MemberCategory.choices[0][1])
    assert described(AuditAction.TRAJECTORY_STAGE_UPDATE, "cases", "vision.trajectorystage") == stage
    key = MemberCategory.choices[0][0]
    assert described(AuditAction.TRAJECTORY_MEMBER_ADD, key, "vision.progressgroupmember") == category


def test_english_readers_get_english():
    assert described(AuditAction.MEETING_INVITE, "5 invited", language="en") == "5 members invited"


def test_a_member_invited_again_is_named():
    invitation = ScanInvitationFactory(scan__trajectory=TrajectoryFactory(), member__name="Gerda Jansen")
    text = described(AuditAction.SCAN_REOPEN, f"invitation {invitation.pk}", "vision.scan")
    assert text == "voor Gerda Jansen"
    assert described(AuditAction.SCAN_REOPEN, "invitation 999999", "vision.scan") == "voor een lid dat er niet meer is"


def test_an_answer_never_says_which_invitation():
    assert described(AuditAction.SCAN_ANSWER, "invitation 12", "vision.scan") == ""


def test_rows_of_other_apps_are_left_alone():
    assert described(AuditAction.MEETING_INVITE, "5 invited", "initiatives.initiative") == "5 invited"
