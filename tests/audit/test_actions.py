"""Audit actions are AuditAction members: the code passes nothing else, and the log shows their labels."""

import ast
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.services import recovery_codes_renew
from audit.constants import AuditAction
from audit.models import AuditLogEntry
from audit.services import audit_log
from initiatives.constants import DecisionOutcome
from initiatives.services.funds import grant_mark_paid, initiative_decide
from initiatives.services.officers import (
    agreement_add,
    agreement_set_done,
    initiative_assign,
    initiative_message_send,
    initiative_set_role,
)
from tests.initiatives.factories import InitiativeFactory
from tests.municipalities.factories import FundFactory, OfficerMembershipFactory, UserFactory, two_municipalities
from tests.sources import application_modules
from tests.vision.factories import FacilitatorFactory, MeetingFactory, TrajectoryFactory
from vision.services.meetings import action_item_add, action_item_set_done

# The functions that write an audit line, and where their action goes when passed by position.
WRITERS = {"audit_log": None, "audit_entry": None, "audit_initiative": 1, "_audit": 1, "AuditLogEntry": None}


def _action_arguments():
    """(place, expression) of every action handed to an audit writer in the application code."""
    for path, tree in application_modules():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            if isinstance(func, ast.Attribute) and func.attr == "create":  # AuditLogEntry.objects.create
                owner = func.value
                if isinstance(owner, ast.Attribute) and getattr(owner.value, "id", None) == "AuditLogEntry":
                    name = "AuditLogEntry"
            if name not in WRITERS:
                continue
            place = f"{path}:{node.lineno}"
            action = next((kw.value for kw in node.keywords if kw.arg == "action"), None)
            position = WRITERS[name]
            if action is None and position is not None and len(node.args) > position:
                action = node.args[position]
            if action is not None:
                yield place, action


def _branches(expression):
    """The possible values of `"a" if x else "b"` and the like."""
    if isinstance(expression, ast.IfExp):
        yield from _branches(expression.body)
        yield from _branches(expression.orelse)
    else:
        yield expression


class TestEveryActionIsAMember:
    def test_the_code_passes_audit_action_members_only(self):
        found, wrong = set(), []
        for place, expression in _action_arguments():
            for branch in _branches(expression):
                if isinstance(branch, ast.Name) and branch.id == "action":
                    continue  # a helper passing its own `action` parameter on
                if (
                    isinstance(branch, ast.Attribute)
                    and getattr(branch.value, "id", None) == "AuditAction"
                    and branch.attr in AuditAction.__members__
                ):
                    found.add(AuditAction[branch.attr])
                else:
                    wrong.append(f"{place}: {ast.unparse(branch)}")

        assert wrong == [], "pass an AuditAction member as the audit action"
        assert found == set(AuditAction), "every AuditAction member is written somewhere"

    def test_values_are_the_stored_strings(self):
        assert AuditAction.INITIATIVE_ASSIGN == "initiative.assign"
        assert AuditAction("agreement.reopen") is AuditAction.AGREEMENT_REOPEN
        assert AuditAction("trajectory.deliverable_done") is AuditAction.TRAJECTORY_DELIVERABLE_DONE
        assert len(set(AuditAction.values)) == len(AuditAction)
        assert all(len(value) <= AuditLogEntry._meta.get_field("action").max_length for value in AuditAction.values)

    def test_every_label_has_a_dutch_translation(self):
        with translation.override("en"):
            english = [str(label) for label in AuditAction.labels]
        with translation.override("nl"):
            dutch = [str(label) for label in AuditAction.labels]

        assert [source for source, text in zip(english, dutch, strict=True) if source == text] == []

    @pytest.mark.django_db
    def test_rows_written_through_services_are_members(self, django_capture_on_commit_callbacks):
        officer = OfficerMembershipFactory()
        initiative = InitiativeFactory(in_conversation=True, village__municipality=officer.municipality)
        user = officer.user
        fund = FundFactory(municipality=officer.municipality, budget=10000, max_per_initiative=3000)
        with django_capture_on_commit_callbacks(execute=True):
            initiative_assign(initiative=initiative, officer=user, actor=user)
            initiative_message_send(initiative=initiative, body="Hallo", actor=user)
            initiative_message_send(initiative=initiative, body="Intern", actor=user, internal=True)
            initiative_set_role(initiative=initiative, role="faciliteren", explanation="", actor=user)
            agreement = agreement_add(
                initiative=initiative, actor=user, party="municipality", role="faciliteren", description="Vergunning"
            )
            agreement_set_done(agreement=agreement, actor=user)
            agreement_set_done(agreement=agreement, actor=user, done=False)
            initiative.total_cost = Decimal("4000")
            initiative.save(update_fields=["total_cost"])
            decision = initiative_decide(
                initiative=initiative,
                actor=user,
                outcome=DecisionOutcome.SUPPORTED,
                motivation="Mooi plan",
                fund=fund,
                amount=Decimal("1000"),
            )
            grant_mark_paid(grant=decision.grants.get(), actor=user)
            recovery_codes_renew(user=user, actor=user)
        tenants = two_municipalities()
        facilitator = FacilitatorFactory(association=tenants.provincial)
        trajectory = TrajectoryFactory(municipality=tenants.a, facilitator=facilitator)
        starts_at = timezone.now() - timedelta(days=1)
        meeting = MeetingFactory(trajectory=trajectory, starts_at=starts_at, ends_at=starts_at + timedelta(hours=2))
        item = action_item_add(meeting=meeting, actor=facilitator.user, description="Wethouder uitnodigen")
        action_item_set_done(item=item, done=True, actor=facilitator.user)
        action_item_set_done(item=item, done=False, actor=facilitator.user)

        written = {AuditAction(entry.action) for entry in AuditLogEntry.objects.all()}

        assert written >= {
            AuditAction.INITIATIVE_ASSIGN,
            AuditAction.INITIATIVE_MESSAGE,
            AuditAction.INITIATIVE_NOTE,
            AuditAction.INITIATIVE_ROLE,
            AuditAction.AGREEMENT_ADD,
            AuditAction.AGREEMENT_DONE,
            AuditAction.AGREEMENT_REOPEN,
            AuditAction.INITIATIVE_DECIDE,
            AuditAction.GRANT_COMMIT,
            AuditAction.GRANT_PAID,
            AuditAction.MFA_RECOVERY_CODES,
            AuditAction.ACTION_ITEM_ADD,
            AuditAction.ACTION_ITEM_DONE,
            AuditAction.ACTION_ITEM_REOPEN,
        }


@pytest.mark.django_db
class TestLabelsShown:
    @pytest.fixture
    def coordinator(self):
        return OfficerMembershipFactory(coordinator=True)

    @pytest.fixture
    def initiative(self, coordinator):
        return InitiativeFactory(village__municipality=coordinator.municipality)

    def test_log_page_shows_the_dutch_label(self, client, coordinator, initiative):
        audit_log(
            actor=coordinator.user,
            action=AuditAction.INITIATIVE_ASSIGN,
            obj=initiative,
            municipality=coordinator.municipality,
        )
        client.force_login(coordinator.user)

        response = client.get(reverse("audit:log"))

        html = response.content.decode()
        assert "<td>Initiatief toegewezen</td>" in html
        choices = dict(response.context["filter"].form.fields["action"].choices)
        assert choices["initiative.assign"] == "Initiatief toegewezen"

    def test_an_unknown_code_is_shown_as_it_is(self, client, coordinator, initiative):
        audit_log(actor=None, action="legacy.cleanup", obj=initiative, municipality=coordinator.municipality)
        client.force_login(coordinator.user)

        response = client.get(reverse("audit:log"))

        assert "<td>legacy.cleanup</td>" in response.content.decode()
        assert dict(response.context["filter"].form.fields["action"].choices)["legacy.cleanup"] == "legacy.cleanup"

    def test_filter_choices_are_ordered_by_label(self, client, coordinator, initiative):
        for action in (AuditAction.INITIATIVE_ASSIGN, AuditAction.AGREEMENT_ADD, AuditAction.GRANT_PAID):
            audit_log(actor=None, action=action, obj=initiative, municipality=coordinator.municipality)
        client.force_login(coordinator.user)

        response = client.get(reverse("audit:log"), {"action": "grant.paid"})

        labels = [str(label) for value, label in response.context["filter"].form.fields["action"].choices if value]
        assert labels == ["Afspraak toegevoegd", "Bijdrage uitbetaald", "Initiatief toegewezen"]
        assert [entry.action for entry in response.context["entries"]] == ["grant.paid"]

    def test_admin_list_shows_the_label(self, client, initiative):
        audit_log(actor=None, action=AuditAction.SCAN_CLOSE, obj=initiative, municipality=initiative.municipality)
        client.force_login(UserFactory(superuser=True))

        response = client.get(reverse("admin:audit_auditlogentry_changelist"))

        assert response.status_code == 200
        assert "Scan gesloten" in response.content.decode()
