"""The access matrix: every named URL, every role, objects of both tenants, and the answer.

The URL names come from the URL configuration itself, so a new URL without an entry in
`EXPECTED` fails `test_every_url_has_an_entry`. Someone else's object and a missing one answer
alike (404); a page the role may never open answers 403; an anonymous visitor of a staff page
is sent to the login page.

Links that are their own key (the resident's tracking link, the member's scan link): the holder
sends the link of the tenant's object (`resident_own`); `resident_other` sends a link that is
not one for this page (another initiative's tracking link next to this initiative's attachment,
or a link of the other kind on a page with only a token); every other role knows no link at all.

The world is built once per module inside an outer transaction (rolled back at the end); every
test runs in a savepoint of its own, so a POST never leaks into the next case.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache as memoize
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from budgets.services.voting import ballot_token_issue
from initiatives.services.submission import tracking_token_issue
from initiatives.services.supports import support_links_issue
from initiatives.statistics import TABLES
from tests.accounts.oidc_provider import offline_provider_settings
from tests.budgets.factories import BallotFactory, BudgetRoundFactory, ProjectFactory, VillageBudgetFactory
from tests.initiatives.factories import (
    AgreementFactory,
    AttachmentFactory,
    DecisionFactory,
    DecisionProposalFactory,
    GrantFactory,
    InitiativeFactory,
    MessageFactory,
    SupportFactory,
)
from tests.municipalities.factories import OfficerMembershipFactory, UserFactory, two_municipalities
from tests.villages.factories import PlanActionFactory, VillageFactory, VillagePlanFactory
from tests.vision.factories import (
    ActionItemFactory,
    AttendanceFactory,
    CaseFactory,
    FacilitatorFactory,
    MeetingFactory,
    ProgressGroupMemberFactory,
    ScanFactory,
    ScanInvitationFactory,
    StageDeliverableFactory,
    TrajectoryFactory,
    TrajectoryStageFactory,
    VisionDocumentFactory,
    VisionVersionFactory,
)
from vision.services.meetings import rsvp_token
from vision.services.scans import scan_token_hash

ROLES = (
    "anonymous",
    "resident_own",
    "resident_other",
    "officer_a",
    "coordinator_a",
    "officer_b",
    "facilitator_x",
    "facilitator_y",
    "member",
    "admin",
)
ANONYMOUS = {"anonymous", "resident_own", "resident_other"}  # residents have no account
OFFICERS = {"officer_a", "coordinator_a", "officer_b"}
HOME = {"officer_a": "a", "coordinator_a": "a", "officer_b": "b", "facilitator_x": "a", "facilitator_y": "b"}
HOME["member"] = "a"  # a member of A's progress group
STEERERS = frozenset({"facilitator_x", "facilitator_y"})  # and admins: they steer a trajectory
TAKING_PART = STEERERS | {"member"}  # members add cases and comment on the vision in consultation

LOGIN = "login"  # 302 to the login page
REDIRECT = "redirect"  # 302 somewhere else
OK = "ok"  # an allowed POST: the form again (200) or done (302, not to the login page)
UNKNOWN_TOKEN = "onbekende-link-die-niemand-heeft-0123456789abcdef"

# Routes that are not ours to police here: the admin, the language switch, Django's auth views.
SKIPPED_NAMESPACES = {"admin"}
SKIPPED_MODULES = ("django.contrib.auth", "django.views.i18n", "django.views.static", "django.contrib.admin")


# --- collecting the URL configuration ----------------------------------------------------------


def _kwarg_names(pattern) -> set[str]:
    return set(pattern.pattern.regex.groupindex)


def collect_routes(patterns=None, inherited=frozenset(), namespace="") -> dict[str, set[str]]:
    """Every named route as its full name (`initiatives:officer_detail`) with its URL kwargs."""
    routes: dict[str, set[str]] = {}
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        kwargs = set(inherited) | _kwarg_names(pattern)
        if isinstance(pattern, URLResolver):
            module = getattr(pattern.urlconf_module, "__name__", "")
            if pattern.namespace in SKIPPED_NAMESPACES or module.startswith(SKIPPED_MODULES):
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            routes.update(collect_routes(pattern.url_patterns, frozenset(kwargs), inner))
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = getattr(pattern.callback, "view_class", pattern.callback)
            if view.__module__.startswith(SKIPPED_MODULES):
                continue
            routes[namespace + pattern.name] = kwargs
    return routes


@memoize
def all_routes() -> dict[str, set[str]]:
    return collect_routes()


# --- the rules ----------------------------------------------------------------------------------

Expect = Callable[[str, str | None], object]


@dataclass(frozen=True)
class Rule:
    expect: Expect
    kwargs: Callable = field(default=lambda w, t, role: {})
    method: str = "get"
    tenants: tuple = ("a", "b")  # (None,) for pages without an object of a tenant
    data: Callable = field(default=lambda t: {})  # what a POST sends (empty unless the lookup needs it)


def _visible(role, tenant) -> bool:
    return tenant is None or HOME.get(role) == tenant


def public(kwargs=None, answer=200, tenants=("a", "b")) -> Rule:
    return Rule(lambda role, tenant: answer, kwargs or (lambda w, t, role: {}), tenants=tenants)


def staff_api_kwargs(w, t, role):
    return {"reference": t.initiative.reference}


def login_only(method="get") -> Rule:
    allowed = OK if method == "post" else 200
    return Rule(lambda role, tenant: LOGIN if role in ANONYMOUS else allowed, method=method, tenants=(None,))


def officer_page(kwargs=None, method="get", coordinator_only=False) -> Rule:
    allowed = OK if method == "post" else 200

    def expect(role, tenant):
        if role in ANONYMOUS:
            return LOGIN
        if role == "admin":
            return allowed
        if role not in OFFICERS or (coordinator_only and role != "coordinator_a"):
            return 403
        return allowed if _visible(role, tenant) else 404

    return Rule(expect, kwargs or (lambda w, t, role: {}), method, ("a", "b") if kwargs else (None,))


def staff_page(kwargs, method="get", edit=False, editors=STEERERS):
    """Villages and trajectories: officers, facilitators and members of the tenant see; only
    `editors` (and admins) change; another tenant's object answers 404. Members of the progress
    group do not steer (issue 12): they get 403 on every steering URL."""
    allowed = OK if method == "post" else 200

    def expect(role, tenant):
        if role in ANONYMOUS:
            return LOGIN
        if role == "admin":
            return allowed
        if not _visible(role, tenant):
            return 404
        if edit and role not in editors:
            return 403
        return allowed

    return Rule(expect, kwargs, method)


def trajectory_page(kwargs=None, method="get", edit=None, editors=STEERERS) -> Rule:
    return staff_page(kwargs or traj(), method, edit=method == "post" if edit is None else edit, editors=editors)


def facilitator_page() -> Rule:
    """The association's report: facilitators (each over their own association) and admins;
    officers and members of a progress group get 403."""

    def expect(role, tenant):
        if role in ANONYMOUS:
            return LOGIN
        return 200 if role in STEERERS or role == "admin" else 403

    return Rule(expect, tenants=(None,))


def tracking_link(kwargs, own=200) -> Rule:
    return Rule(lambda role, tenant: own if role == "resident_own" else 404, kwargs)


# kwargs builders: (world, tenant objects, role) -> dict


def mfa_page(staff_answer) -> Rule:
    """Two-step login pages: only for staff (who need it); a member without a staff role is sent on.

    Staff sessions here are verified already (force_login, tests/conftest.py): the code pages send
    them on, the setup page (a new phone) and the recovery codes open.
    """

    def expect(role, tenant):
        if role in ANONYMOUS:
            return LOGIN
        return REDIRECT if role == "member" else staff_answer

    return Rule(expect, tenants=(None,))


def traj(**more):
    return lambda w, t, role: {"trajectory": t.trajectory.pk, **{k: v(t) for k, v in more.items()}}


def meeting(**more):
    return traj(meeting=lambda t: t.meeting.pk, **more)


def officer_kwargs(**more):
    return lambda w, t, role: {k: v(t) for k, v in more.items()}


def tracking_token(w, t, role):
    if role == "resident_own":
        return t.token
    if role == "resident_other":
        return w.other(t).scan_token  # a link, but not a tracking link
    return UNKNOWN_TOKEN


def scan_token(w, t, role):
    if role == "resident_own":
        return t.scan_token
    if role == "resident_other":
        return w.other(t).token  # a link, but not a scan link
    return UNKNOWN_TOKEN


def meeting_rsvp_token(w, t, role):
    if role == "resident_own":
        return t.rsvp_token
    if role == "resident_other":
        return w.other(t).scan_token  # a link, but not an answer link
    return UNKNOWN_TOKEN


def ballot_link_token(w, t, role):
    if role == "resident_own":
        return t.ballot_token
    if role == "resident_other":
        return w.other(t).token  # a link, but not a ballot link
    return UNKNOWN_TOKEN


def round_kwargs(**more):
    return lambda w, t, role: {"pk": t.round.pk, **{k: v(t) for k, v in more.items()}}


def support_link(kind):
    """A neighbour's confirm or withdraw link; `resident_other` sends the other kind of link."""
    other = {"confirm": "withdraw", "withdraw": "confirm"}[kind]

    def kwargs(w, t, role):
        token = {"resident_own": t.support_links[kind], "resident_other": t.support_links[other]}
        return {"token": token.get(role, UNKNOWN_TOKEN)}

    return kwargs


def tracked_attachment(w, t, role):
    token = {"resident_own": t.token, "resident_other": w.other(t).token}.get(role, UNKNOWN_TOKEN)
    return {"token": token, "pk": t.attachment.pk}


def tracked_letter(w, t, role):
    token = {"resident_own": t.token, "resident_other": w.other(t).token}.get(role, UNKNOWN_TOKEN)
    return {"token": token, "pk": t.decision.pk}


EXPECTED: dict[str, Rule] = {
    # Public pages.
    "initiatives:home": public(tenants=(None,)),
    "core:privacy": public(tenants=(None,)),
    "core:accessibility": public(tenants=(None,)),
    "core:healthz": public(tenants=(None,)),
    "initiatives:list": public(tenants=(None,)),
    "initiatives:submit": public(tenants=(None,)),
    "initiatives:submitted": public(answer=REDIRECT, tenants=(None,)),  # nothing submitted in this session
    "initiatives:lost_link": public(tenants=(None,)),
    "initiatives:lost_link_sent": public(tenants=(None,)),
    "initiatives:public": public(lambda w, t, role: {"reference": t.initiative.reference}),
    # Neighbours' support: the form's address (a GET goes to the form on the initiative's page;
    # tests/initiatives/test_support_views.py posts to it), "check your mail", the mail's links.
    "initiatives:support": public(lambda w, t, role: {"reference": t.initiative.reference}, answer=REDIRECT),
    "initiatives:support_sent": public(lambda w, t, role: {"reference": t.initiative.reference}),
    "initiatives:support_confirm": tracking_link(support_link("confirm")),
    "initiatives:support_withdraw": tracking_link(support_link("withdraw")),
    "initiatives:municipality": public(lambda w, t, role: {"slug": t.municipality.slug}),
    "initiatives:village": public(lambda w, t, role: {"municipality": t.municipality.slug, "slug": t.village.slug}),
    # The open-data API: public and read-only; an unpublished initiative answers 404 (tests/api).
    "api:schema": public(tenants=(None,)),
    "api:docs": public(tenants=(None,)),
    "api:municipality_list": public(tenants=(None,)),
    "api:municipality_detail": public(lambda w, t, role: {"slug": t.municipality.slug}),
    "api:village_list": public(tenants=(None,)),
    "api:fund_list": public(tenants=(None,)),
    "api:fund_detail": public(lambda w, t, role: {"pk": t.grant.fund.pk}),
    "api:initiative_list": public(tenants=(None,)),
    "api:initiative_detail": public(lambda w, t, role: {"reference": t.initiative.reference}),
    "api:decision_list": public(tenants=(None,)),
    "api:statistics_list": public(tenants=(None,)),
    "api:budget_round_list": public(tenants=(None,)),
    "api:budget_round_detail": public(lambda w, t, role: {"pk": t.results_round.pk}),
    "api:budget_village_list": public(tenants=(None,)),
    "api:budget_project_list": public(tenants=(None,)),
    # The staff API answers to an API key only (tests/api/test_staff.py: a key reads and writes
    # its own municipality's initiatives, another's answer 404); a session, even an admin's, gets 401.
    "api:staff_initiative_list": public(answer=401, tenants=(None,)),
    "api:staff_initiative_detail": public(staff_api_kwargs, answer=401, tenants=(None,)),
    "api:staff_initiative_status": Rule(lambda role, tenant: 401, staff_api_kwargs, "post", (None,)),
    "api:staff_initiative_decision": Rule(lambda role, tenant: 401, staff_api_kwargs, "post", (None,)),
    # A municipality's own look: its stylesheet (public, for any active municipality) and its
    # images (the world's municipalities have none: 404; tests/initiatives/test_theme_views.py
    # fetches a logo and a header image that exist).
    "initiatives:theme_css": public(lambda w, t, role: {"slug": t.municipality.slug}),
    "initiatives:theme_image": public(lambda w, t, role: {"slug": t.municipality.slug, "kind": "logo"}, answer=404),
    # The resident's tracking link.
    "initiatives:track": tracking_link(lambda w, t, role: {"token": tracking_token(w, t, role)}),
    "initiatives:withdraw": tracking_link(lambda w, t, role: {"token": tracking_token(w, t, role)}),
    "initiatives:satisfaction": tracking_link(lambda w, t, role: {"token": tracking_token(w, t, role)}, own=REDIRECT),
    "initiatives:data_export": tracking_link(lambda w, t, role: {"token": tracking_token(w, t, role)}),
    "initiatives:track_attachment": tracking_link(tracked_attachment),
    "initiatives:track_letter": tracking_link(tracked_letter),  # the decision letter (PDF)
    # The member's scan link (not answered yet: the thank-you page sends back to the form).
    "vision:scan_respond": tracking_link(lambda w, t, role: {"token": scan_token(w, t, role)}),
    "vision:scan_thanks": tracking_link(lambda w, t, role: {"token": scan_token(w, t, role)}, own=REDIRECT),
    # The member's answer link to a meeting invitation (GET shows the question; POST answers).
    "vision:meeting_rsvp": tracking_link(lambda w, t, role: {"token": meeting_rsvp_token(w, t, role)}),
    # The officers' dashboard.
    "initiatives:dashboard": officer_page(),
    "initiatives:dashboard_export": officer_page(),
    "initiatives:bulk_assign": officer_page(method="post"),
    "initiatives:statistics": officer_page(),
    "initiatives:statistics_csv": Rule(
        officer_page().expect, lambda w, t, role: {"table": next(iter(TABLES))}, tenants=(None,)
    ),
    "audit:log": officer_page(coordinator_only=True),
    "initiatives:officer_register": officer_page(),
    "initiatives:officer_detail": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk)),
    "initiatives:officer_assign": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_status": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_message": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_role": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:agreement_add": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:agreement_done": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, agreement_pk=lambda t: t.agreement.pk), "post"
    ),
    "initiatives:officer_decide": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    # A proposal above the mandate: coordinators approve or send back, its proposer withdraws it
    # (another officer's POST shows the page again with the refusal).
    "initiatives:proposal_approve": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, proposal_pk=lambda t: t.proposal.pk), "post", True
    ),
    "initiatives:proposal_send_back": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, proposal_pk=lambda t: t.proposal.pk), "post", True
    ),
    "initiatives:proposal_withdraw": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, proposal_pk=lambda t: t.proposal.pk), "post"
    ),
    "initiatives:officer_support_hide": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, support_pk=lambda t: t.supporter.pk), "post"
    ),
    "initiatives:officer_publication_approve": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_publication_hide": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_duplicate": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_duplicate_undo": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_forward": officer_page(officer_kwargs(pk=lambda t: t.initiative.pk), "post"),
    "initiatives:officer_attachment": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, attachment_pk=lambda t: t.attachment.pk)
    ),
    "initiatives:officer_letter": officer_page(
        officer_kwargs(pk=lambda t: t.initiative.pk, decision_pk=lambda t: t.decision.pk)
    ),
    "initiatives:grant_paid": officer_page(officer_kwargs(grant_pk=lambda t: t.grant.pk), "post"),
    "initiatives:grant_withdraw": officer_page(officer_kwargs(grant_pk=lambda t: t.grant.pk), "post"),
    "notifications:preferences": login_only(),
    # Two-step login (accounts/): tests/accounts/ walks the unverified session through it.
    "accounts:mfa_verify": mfa_page(REDIRECT),
    "accounts:mfa_verify_recovery": mfa_page(REDIRECT),
    "accounts:mfa_setup": mfa_page(200),
    "accounts:mfa_recovery_codes": mfa_page(200),
    # An enrolment link nobody has (tests/accounts/test_enrolment.py walks a real one).
    "accounts:mfa_enrol": Rule(
        lambda role, tenant: LOGIN if role in ANONYMOUS else REDIRECT if role == "member" else 404,
        lambda w, t, role: {"token": UNKNOWN_TOKEN},
        tenants=(None,),
    ),
    # Logging in with the municipality's account (issue 15; tests/accounts/test_oidc.py walks a real
    # provider). The matrix's installation names a provider nobody runs (`installation_with_a_provider`):
    # the way there sends everyone on to it, a way back that this session did not start sends to the
    # refusal page, which anyone may read. Without a provider all three answer 404 (tests/accounts).
    "oidc:login": Rule(lambda role, tenant: REDIRECT, tenants=(None,)),
    "oidc:callback": Rule(lambda role, tenant: REDIRECT, tenants=(None,)),
    "oidc:refused": public(tenants=(None,)),
    # Logging out (a POST from the header) sends everyone on, signed in or not.
    "logout": Rule(lambda role, tenant: REDIRECT, method="post", tenants=(None,)),
    # The start page after signing in sends everyone on to their own page.
    "start_page": Rule(lambda role, tenant: LOGIN if role in ANONYMOUS else REDIRECT, tenants=(None,)),
    # Forgot password (accounts/): open to everyone; an unknown reset link says it does not work.
    "password_reset": public(tenants=(None,)),
    "password_reset_confirm": public(lambda w, t, role: {"uidb64": "MQ", "token": "set-password"}, tenants=(None,)),
    # A village for staff: officers link plan actions, facilitators and members only look.
    "initiatives:village_plans": staff_page(lambda w, t, role: {"village": t.village.pk}),
    "initiatives:plan_action_link": staff_page(
        lambda w, t, role: {"village": t.village.pk}, "post", edit=True, editors=frozenset(OFFICERS)
    ),
    # Trajectories: officers of the municipality and members of the progress group read, the
    # facilitators steer (403 for members); members also add cases and comment on the vision.
    "vision:trajectory_list": login_only(),
    "vision:association_report": facilitator_page(),
    "vision:association_report_pdf": facilitator_page(),
    "vision:association_report_csv": facilitator_page(),
    "vision:trajectory_detail": trajectory_page(),
    "vision:stage_edit": trajectory_page(traj(stage=lambda t: t.stage.pk), edit=True),
    "vision:stage_complete": trajectory_page(traj(stage=lambda t: t.stage.pk), "post"),
    "vision:stage_checklist": Rule(
        trajectory_page(method="post").expect,
        traj(stage=lambda t: t.stage.pk),
        "post",
        data=lambda t: {"checklist-done": [t.deliverable.pk]},
    ),
    "vision:member_add": trajectory_page(edit=True),
    "vision:member_edit": trajectory_page(traj(member=lambda t: t.member.pk), edit=True),
    "vision:member_leave": trajectory_page(traj(member=lambda t: t.member.pk), "post"),
    "vision:case_add": trajectory_page(edit=True, editors=TAKING_PART),
    "vision:case_edit": trajectory_page(traj(case=lambda t: t.case.pk), edit=True),
    "vision:trajectory_cost": trajectory_page(method="post"),
    "vision:meeting_list": trajectory_page(),
    "vision:meeting_create": trajectory_page(edit=True),
    "vision:meeting_detail": trajectory_page(meeting()),
    "vision:meeting_edit": trajectory_page(meeting(), edit=True),
    "vision:meeting_invite": trajectory_page(meeting(), edit=True),
    "vision:meeting_ics": trajectory_page(meeting()),
    "vision:meeting_attendance": trajectory_page(meeting(), "post"),
    "vision:meeting_minutes": trajectory_page(meeting(), edit=True),
    "vision:action_item_add": trajectory_page(meeting(), "post"),
    "vision:action_item_list": trajectory_page(),
    "vision:action_item_done": trajectory_page(traj(item=lambda t: t.action_item.pk), "post"),
    # The item's owner (a member with an account) changes it too; this member does not own it.
    "vision:action_item_edit": trajectory_page(traj(item=lambda t: t.action_item.pk), edit=True),
    "vision:vision_document": trajectory_page(),
    "vision:vision_edit": trajectory_page(edit=True),
    "vision:vision_version": trajectory_page(traj(number=lambda t: t.version.number)),
    "vision:vision_status": Rule(  # the version to move is named in the POST: without it, 404 for everyone
        trajectory_page(method="post").expect, traj(), "post", data=lambda t: {"status-number": t.version.number}
    ),
    "vision:vision_print": trajectory_page(),
    "vision:vision_compare": trajectory_page(),
    "vision:vision_comment": Rule(  # the version is in consultation (build_tenant)
        trajectory_page(method="post", editors=TAKING_PART).expect,
        traj(),
        "post",
        data=lambda t: {"comment-number": t.version.number, "comment-body": "Graag meer over de jongeren."},
    ),
    "vision:scan_list": trajectory_page(),
    "vision:scan_open": trajectory_page(method="post"),
    "vision:scan_detail": trajectory_page(traj(scan=lambda t: t.scan.pk)),
    "vision:scan_close": trajectory_page(traj(scan=lambda t: t.scan.pk), "post"),
    "vision:scan_remind": trajectory_page(traj(scan=lambda t: t.scan.pk), "post"),
    "vision:scan_export": trajectory_page(traj(scan=lambda t: t.scan.pk)),
    "vision:scan_reopen": trajectory_page(traj(scan=lambda t: t.scan.pk, invitation=lambda t: t.invitation.pk), "post"),
    # Village budgets: the round, a village's ballot and results are public; the link in the
    # confirmation mail is its own key; the round's staff pages are for its municipality's officers.
    "budgets:round_public": public(round_kwargs()),
    "budgets:ballot": public(round_kwargs(village=lambda t: t.village_budget.pk)),
    "budgets:ballot_sent": public(round_kwargs(village=lambda t: t.village_budget.pk)),
    "budgets:results": public(round_kwargs(village=lambda t: t.village_budget.pk)),
    "budgets:ballot_link": tracking_link(lambda w, t, role: {"token": ballot_link_token(w, t, role)}),
    "budgets:round_list": officer_page(),
    "budgets:round_detail": officer_page(round_kwargs()),
    "budgets:collect_ideas": officer_page(round_kwargs(), "post"),
    "budgets:compute_results": officer_page(round_kwargs(), "post"),
    "budgets:project_review": officer_page(round_kwargs(project=lambda t: t.project.pk)),
    "budgets:paper_codes": officer_page(round_kwargs(village=lambda t: t.village_budget.pk)),
    "budgets:paper_ballot": officer_page(round_kwargs(village=lambda t: t.village_budget.pk)),
    "budgets:ballot_list": officer_page(round_kwargs()),
    "budgets:ballot_void": officer_page(round_kwargs(ballot=lambda t: t.ballot.pk), "post"),
}


# --- the world: one of everything, for both tenants ---------------------------------------------


def build_tenant(municipality, name: str, association) -> SimpleNamespace:
    t = SimpleNamespace(name=name, municipality=municipality)
    t.village = VillageFactory(municipality=municipality)
    t.initiative = InitiativeFactory(village=t.village)
    t.token = tracking_token_issue(initiative=t.initiative)
    t.support = SupportFactory(initiative=t.initiative, unconfirmed=True)  # its links are followed
    t.supporter = SupportFactory(initiative=t.initiative)  # confirmed, with a reason to hide
    t.support_links = dict(zip(("confirm", "withdraw"), support_links_issue(support=t.support), strict=True))
    t.agreement = AgreementFactory(initiative=t.initiative)
    t.grant = GrantFactory(initiative=t.initiative)
    t.proposal = DecisionProposalFactory(initiative=t.initiative)
    t.message = MessageFactory(initiative=t.initiative)
    # The letter exists already (as after the task): the matrix is about access, not about rendering.
    t.decision = DecisionFactory(initiative=t.initiative, letter=f"private/letters/matrix-{name}.pdf")
    t.attachment = AttachmentFactory(
        initiative=t.initiative, file=f"private/attachments/2026/01/matrix-{name}.pdf", size=len(PDF)
    )
    t.plan_action = PlanActionFactory(plan=VillagePlanFactory(village=t.village))
    t.trajectory = TrajectoryFactory(municipality=municipality)
    t.stage = TrajectoryStageFactory(trajectory=t.trajectory, order=1)
    t.deliverable = StageDeliverableFactory(stage=t.stage)
    t.member = ProgressGroupMemberFactory(trajectory=t.trajectory)
    t.meeting = MeetingFactory(trajectory=t.trajectory)
    t.action_item = ActionItemFactory(trajectory=t.trajectory, meeting=t.meeting)
    t.case = CaseFactory(trajectory=t.trajectory)
    t.version = VisionVersionFactory(
        document=VisionDocumentFactory(trajectory=t.trajectory), number=1 if name == "a" else 2, consultation=True
    )
    t.scan = ScanFactory(trajectory=t.trajectory)
    t.scan_token = f"scan-link-{name}-0123456789abcdefghijklmnopqrstuv"
    t.invitation = ScanInvitationFactory(scan=t.scan, member=t.member, token_hash=scan_token_hash(t.scan_token))
    t.rsvp_token = rsvp_token(AttendanceFactory(meeting=t.meeting, member=t.member))
    t.facilitator = FacilitatorFactory(association=association).user
    t.round = BudgetRoundFactory(fund__municipality=municipality)
    t.village_budget = VillageBudgetFactory(round=t.round, village=t.village)
    t.project = ProjectFactory(village_budget=t.village_budget)
    t.ballot = BallotFactory(village_budget=t.village_budget, choices=[t.project])
    t.ballot_token = ballot_token_issue(t.ballot)
    t.results_round = BudgetRoundFactory(fund__municipality=municipality, closed=True, results_at=timezone.now())
    return t


PDF = b"%PDF-1.4\n%matrix\n"


def build_world() -> SimpleNamespace:
    tenants = two_municipalities()
    a = build_tenant(tenants.a, "a", tenants.provincial)
    b = build_tenant(tenants.b, "b", tenants.other)
    users = {
        "officer_a": OfficerMembershipFactory(municipality=tenants.a).user,
        "coordinator_a": OfficerMembershipFactory(municipality=tenants.a, coordinator=True).user,
        "officer_b": OfficerMembershipFactory(municipality=tenants.b).user,
        "facilitator_x": a.facilitator,
        "facilitator_y": b.facilitator,
        "member": ProgressGroupMemberFactory(trajectory=a.trajectory, with_account=True).user,
        "admin": UserFactory(superuser=True),
    }
    world = SimpleNamespace(a=a, b=b, user_pks={role: user.pk for role, user in users.items()})
    world.other = lambda t: b if t is a else a
    return world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module", autouse=True)
def installation_with_a_provider():
    """The installation offers "Log in with your municipality's account", so its pages are here too."""
    with override_settings(**offline_provider_settings()):
        yield


@pytest.fixture
def attachment_files(world, settings):
    """The attachments and decision letters are real files, under this test's own MEDIA_ROOT."""
    from pathlib import Path

    for t in (world.a, world.b):
        for name in (t.attachment.file.name, t.decision.letter.name):
            path = Path(settings.MEDIA_ROOT) / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(PDF)


# --- the tests ----------------------------------------------------------------------------------


def test_every_url_has_an_entry():
    routes = collect_routes()
    missing = sorted(set(routes) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(routes))
    assert not missing, f"URL names without an entry in the access matrix: {missing}"
    assert not stale, f"Entries in the access matrix for URL names that no longer exist: {stale}"


def _cases():
    for name, rule in EXPECTED.items():
        for role in ROLES:
            for tenant in rule.tenants:
                yield pytest.param(name, role, tenant, id=f"{name}-{role}-{tenant or 'all'}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "tenant"), list(_cases()))
def test_access(client, world, attachment_files, name, role, tenant):
    cache.clear()  # rate limits of one case never count in another
    rule = EXPECTED[name]
    t = getattr(world, tenant) if tenant else world.a
    kwargs = rule.kwargs(world, t, role)
    assert set(kwargs) == all_routes()[name], f"{name}: the rule builds the wrong kwargs"
    url = reverse(name, kwargs=kwargs)
    if role in world.user_pks:
        client.force_login(get_user_model().objects.get(pk=world.user_pks[role]))

    expected = rule.expect(role, tenant)
    _assert_answer(client, rule, url, expected, rule.data(t))


def _assert_answer(client, rule, url, expected, data):
    response = client.post(url, data) if rule.method == "post" else client.get(url)
    status = response.status_code
    location = response.get("Location", "")
    login = resolve_url(settings.LOGIN_URL)
    if expected == LOGIN:
        assert status == 302 and location.startswith(login), f"{rule.method.upper()} {url}: {status} {location}"
    elif expected == REDIRECT:
        assert status == 302 and not location.startswith(login), f"{rule.method.upper()} {url}: {status} {location}"
    elif expected == OK:
        assert status == 200 or (status == 302 and not location.startswith(login)), (
            f"{rule.method.upper()} {url}: {status} {location}"
        )
    else:
        assert status == expected, f"{rule.method.upper()} {url}: {status} {location}"


MISSING = 987654321
LOGGED_IN = [role for role in ROLES if role not in ANONYMOUS]


def _object_cases():
    for name, rule in EXPECTED.items():
        if rule.tenants != ("a", "b") or name in TOKEN_URLS:
            continue
        for role in LOGGED_IN:
            yield pytest.param(name, role, id=f"{name}-{role}")


TOKEN_URLS = {name for name, routes in all_routes().items() if "token" in routes}
PUBLIC_URLS = {name for name, rule in EXPECTED.items() if rule.expect("anonymous", "a") in (200, REDIRECT)}


def _missing(key, value):
    if isinstance(value, int):
        return MISSING
    return "9999-99999" if key == "reference" else f"{value}-weg"


def _foreign(role):
    return {"a": "b", "b": "a"}.get(HOME.get(role), "a")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), list(_object_cases()))
def test_a_missing_object_answers_like_another_tenants(client, world, attachment_files, name, role):
    """Every id in the URL points at nothing: the answer is the one for another tenant's object."""
    cache.clear()
    rule = EXPECTED[name]
    kwargs = rule.kwargs(world, world.a, role)
    kwargs = {key: _missing(key, value) for key, value in kwargs.items()}
    client.force_login(get_user_model().objects.get(pk=world.user_pks[role]))
    expected = 404 if role == "admin" else rule.expect(role, _foreign(role))
    if name in PUBLIC_URLS:
        expected = 404
    _assert_answer(client, rule, reverse(name, kwargs=kwargs), expected, rule.data(world.a))


def _mixed_cases():
    for name, rule in EXPECTED.items():
        if rule.tenants != ("a", "b") or name in TOKEN_URLS or len(all_routes()[name]) < 2:
            continue
        for role in LOGGED_IN:
            yield pytest.param(name, role, id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role"), list(_mixed_cases()))
def test_an_object_of_another_tenant_under_an_own_parent_answers_404(client, world, attachment_files, name, role):
    """/trajecten/<own trajectory>/voortgangsgroep/<another tenant's member>/ and the like."""
    cache.clear()
    rule = EXPECTED[name]
    home = world.b if HOME.get(role) == "b" else world.a
    own = rule.kwargs(world, home, role)
    other = rule.kwargs(world, world.other(home), role)
    first = next(iter(own))
    kwargs = {key: own[key] if key == first else other[key] for key in own}
    client.force_login(get_user_model().objects.get(pk=world.user_pks[role]))
    expected = rule.expect(role, home.name)
    if expected in (200, OK, REDIRECT):
        expected = 404
    _assert_answer(client, rule, reverse(name, kwargs=kwargs), expected, rule.data(home))
