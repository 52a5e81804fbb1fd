"""`manage.py seed_demo`: realistic Gelderland demo data, safe to run more than once.

Reference data is matched on natural keys (slug, CBS code, username, name), initiatives on
title and village, trajectories on municipality and title: a second run adds nothing. Demo
accounts get the password from `settings.DEMO_PASSWORD` on every run, so a changed environment
variable takes effect. The tables behind it live in `config/demo_data.py`.
"""

import hashlib
import io
import os
import random
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import ROUND_CEILING, Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.text import slugify
from django_otp.plugins.otp_static.models import StaticToken

from accounts import roles
from accounts.mfa import recovery_code_hash, user_needs_mfa
from accounts.services import recovery_codes_renew
from budgets.constants import Feasibility
from budgets.models import Ballot, BallotChoice, BudgetRound, Project, VillageBudget, email_hash
from core.working_days import next_working_day_on_or_after
from demo import data as data
from initiatives.constants import (
    INITIATOR_ROLES,
    OPEN_STATUSES,
    TRANSITIONS,
    AgreementParty,
    AgreementRole,
    DecisionOutcome,
    GrantStatus,
    IntakeChannel,
    MessageKind,
    Publication,
    Status,
)
from initiatives.deadlines import initiative_due_dates
from initiatives.models import (
    Agreement,
    CostLine,
    Decision,
    DecisionProposal,
    Grant,
    Initiative,
    Message,
    StatusChange,
    Support,
    SupportNameDisplay,
    Theme,
)
from initiatives.services.funds import fund_check_grant
from initiatives.services.submission import reference_next
from initiatives.statistics_rollups import statistics_touch
from municipalities.constants import OfficerRole
from municipalities.models import Fund, Municipality, OfficerMembership, StandardText
from villages.models import Association, PlanAction, Village, VillageOrganisation, VillagePlan
from vision.constants import (
    STAGE_ORDER,
    MemberCategory,
    ScanItem,
    ScanKind,
    StageStatus,
    TrajectoryStatus,
    VisionStatus,
)
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
    Trajectory,
    TrajectoryStage,
    VisionDocument,
    VisionSection,
    VisionVersion,
)

# --- workflow paths: every step must be an edge of TRANSITIONS ---------------------------------

S, I, C, W, D = (  # noqa: E741 - I is intake
    Status.SUBMITTED,
    Status.INTAKE,
    Status.IN_CONVERSATION,
    Status.WAITING_FOR_INITIATOR,
    Status.DECIDED,
)
P, R, X, WD = Status.IN_PROGRESS, Status.REALISED, Status.CLOSED, Status.WITHDRAWN
_TO_DECISION = [[S, I, C, D], [S, I, D], [S, C, W, C, D]]
PATHS = {
    "submitted": [[S]],
    "intake": [[S, I]],
    "in_conversation": [[S, I, C], [S, C], [S, I, W, C]],
    "in_conversation:reopened": [[S, I, C, D, X, C]],
    "waiting_for_initiator": [[S, I, W], [S, I, C, W]],
    "decided": _TO_DECISION,
    "in_progress": [path + [P] for path in _TO_DECISION],
    "realised": [path + [P, R] for path in _TO_DECISION],
    "closed:realised": [path + [P, R, X] for path in _TO_DECISION],
    "closed:rejected": [[S, I, C, D, X]],
    "closed:early": [[S, X], [S, I, X]],
    "withdrawn": [[S, I, C, WD], [S, WD], [S, I, W, WD]],
    "withdrawn:in_progress": [[S, I, C, D, P, WD]],
}
# How long ago (days) an initiative in this state was submitted: (min, max).
DAYS_AGO = {
    "submitted": (0, 14),
    "intake": (6, 25),
    "in_conversation": (15, 80),
    "in_conversation:reopened": (150, 250),
    "waiting_for_initiator": (20, 90),
    "decided": (25, 90),
    "in_progress": (70, 200),
    "realised": (140, 290),
    "closed:realised": (200, 300),
    "closed:rejected": (60, 200),
    "closed:early": (20, 120),
    "withdrawn": (20, 200),
    "withdrawn:in_progress": (100, 220),
}
NOT_SUPPORTED_KEYS = {"closed:rejected", "in_conversation:reopened"}
# The municipality's agreement role that fits its rung on the participation ladder.
AGREEMENT_ROLE_FOR = {
    "loslaten": AgreementRole.LET_GO,
    "faciliteren": AgreementRole.FACILITATE,
    "stimuleren": AgreementRole.BE_OPEN,
    "regisseren": AgreementRole.MAKE_POSSIBLE,
    "reguleren": AgreementRole.MAKE_POSSIBLE,
}

for _variants in PATHS.values():
    for _path in _variants:
        for _before, _after in zip(_path, _path[1:], strict=False):
            assert _after in TRANSITIONS[_before], f"demo path {_before} -> {_after} is not allowed"  # noqa: S101

# Staff groups and their model permissions come from accounts/roles.py.
GROUP_FOR_ROLE = {
    "contact_officer": roles.CONTACT_OFFICER,
    "coordinator": roles.COORDINATOR,
    "facilitator": roles.FACILITATOR,
}
# Who may use the Django admin (least privilege): contact officers work in the dashboard only.
STAFF_ROLES = {"superuser", "coordinator", "facilitator"}
# Demo staff get recovery codes; when fewer than this many are left unused, ten new ones.
MIN_DEMO_RECOVERY_CODES = 3
ROLE_LABELS = {
    "superuser": "superuser",
    "coordinator": "coordinator",
    "contact_officer": "contact officer",
    "facilitator": "DKK facilitator",
    "member": "progress-group member",
}


# --- small helpers -----------------------------------------------------------------------------


def euros(amount) -> Decimal:
    return Decimal(amount).quantize(Decimal("0.01"))


def round_up(amount: Decimal, step: int = 10) -> Decimal:
    return euros((amount / step).to_integral_value(rounding=ROUND_CEILING) * step)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(hour, minute)))


def office_time(moment: datetime, rng: random.Random) -> datetime:
    """`moment`, or the next working day between 8:30 and 17:00 when an officer would act."""
    local = timezone.localtime(moment)
    day = local.date() + timedelta(days=1 if local.hour >= 17 else 0)
    day = next_working_day_on_or_after(day)
    if day == local.date() and local.hour >= 8:
        return moment
    return at(day, rng.randint(8, 16), rng.choice((0, 15, 30, 45)))


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES)


def email_for(first: str, last: str, domain: str = "example.nl") -> str:
    return f"{slugify(first)}.{slugify(last).replace('-', '')}@{domain}"


def fake_phone(rng: random.Random) -> str:
    return f"06 0000 {rng.randint(1000, 9999)}"  # 06-0000 numbers are not handed out


def demo_logo(colour: tuple[int, int, int]) -> bytes:
    """A plain shield in the municipality's colour (PNG): enough to show where a logo goes."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (240, 280), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.polygon([(10, 10), (230, 10), (230, 150), (120, 270), (10, 150)], fill=colour)
    draw.polygon([(40, 40), (200, 40), (200, 140), (120, 230), (40, 140)], fill=(255, 255, 255))
    draw.rectangle([(70, 70), (170, 150)], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_banner(primary: str, secondary: str) -> bytes:
    """A wide banner in the municipality's two colours (PNG): a stand-in for a photo."""
    from PIL import Image, ImageDraw

    def rgb(colour):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))

    image = Image.new("RGB", (1200, 240), rgb(secondary))
    draw = ImageDraw.Draw(image)
    for step in range(6):
        draw.ellipse([(150 * step - 80, 120 - 30 * step), (150 * step + 420, 420)], fill=rgb(primary))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def ensure(model, defaults=None, **lookup):
    """get_or_create with full_clean() before the insert; an existing row is left as it is."""
    obj = model.objects.filter(**lookup).first()
    if obj is not None:
        return obj, False
    obj = model(**lookup, **(defaults or {}))
    obj.full_clean()
    obj.save()
    return obj, True


def hash_passwords(password: str, count: int) -> list[str]:
    """One salted hash per account; PBKDF2 releases the GIL, so threads make this fast."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(make_password, [password] * count))


@dataclass
class Step:
    status: str
    at: datetime
    actor: object = None
    by_initiator: bool = False
    note: str = ""


@dataclass
class InitiativePlan:
    """Everything decided (deterministically) about one demo initiative before it is written."""

    template_key: str
    village: Village
    status_key: str
    title: str
    rng: random.Random
    submitted_at: datetime
    path: list = field(default_factory=list)


# --- the seeder --------------------------------------------------------------------------------


class DemoSeeder:
    def __init__(self, *, password_hashes: list[str], known_codes: dict[str, list[str]] | None = None):
        self.known_codes = known_codes or {}
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.year = self.today.year
        self.password_hashes = password_hashes
        self.people = random.Random(data.SEED)  # names of contacts and board members, in a fixed order
        self.created = {}
        self.municipalities: dict[str, Municipality] = {}
        self.villages: dict[tuple[str, str], Village] = {}
        self.halls: dict[int, VillageOrganisation] = {}
        self.interest_orgs: dict[int, VillageOrganisation] = {}
        self.youth_orgs: dict[int, VillageOrganisation] = {}
        self.users: dict[str, object] = {}
        self.memberships: dict[str, list[OfficerMembership]] = {}
        self.portfolios: dict[int, set[int]] = {}
        self.funds: dict[tuple[int, int], Fund] = {}
        self.fund_used: dict[int, Decimal] = {}
        self.village_used: dict[tuple[int, int], Decimal] = {}
        self.initiatives: dict[tuple[str, str], Initiative] = {}
        self.recovery_codes: dict[str, list[str]] = {}

    def run(self):
        self.seed_associations()
        self.seed_themes()
        self.seed_municipalities()
        self.seed_groups()
        self.seed_users()
        self.seed_recovery_codes()
        self.seed_funds()
        self.seed_standard_texts()
        self.seed_plans()
        self.seed_initiatives()
        self.seed_proposals()
        self.seed_supports()
        self.link_plan_actions()
        for spec in data.TRAJECTORIES:
            self.seed_trajectory(spec)
        self.seed_budget_round()

    # --- a village budget round ---------------------------------------------------------------

    def seed_budget_round(self):
        """Nunspeet lets three villages vote on their open initiatives (issue 14): voting is
        open, a few residents have voted. Once: an existing round is left as it is."""
        spec = data.BUDGET_ROUND
        municipality = self.municipalities[spec["municipality"]]
        if BudgetRound.objects.filter(municipality=municipality, name=spec["name"]).exists():
            return
        fund = self.fund(municipality, self.year)
        rng = random.Random(f"{data.SEED}:budget-round")
        ideas = [
            initiative
            for (_template, village_name), initiative in sorted(self.initiatives.items())
            if village_name in spec["villages"]
            and initiative.municipality_id == municipality.pk
            and initiative.status in OPEN_STATUSES
            and initiative.submitted_at <= self.now - timedelta(days=3)
        ]
        if not ideas:
            return
        today = timezone.localdate(self.now)
        round, _ = ensure(
            BudgetRound,
            defaults={
                "fund": fund,
                "year": fund.year,
                "description": spec["description"],
                "total": Decimal(spec["per_village"] * len(spec["villages"])),
                "ideas_from": min(timezone.localdate(i.submitted_at) for i in ideas),
                "ideas_until": today - timedelta(days=3),
                "voting_from": self.now - timedelta(days=2),
                "voting_until": at(today + timedelta(days=12), 17),
                "created_by": self.users[spec["coordinator"]],
            },
            municipality=municipality,
            name=spec["name"],
        )
        budgets = {
            name: VillageBudget.objects.create(
                round=round, village=self.villages[(spec["municipality"], name)], amount=Decimal(spec["per_village"])
            )
            for name in spec["villages"]
        }
        reviewer = self.users[spec["coordinator"]]
        projects = []
        for initiative in ideas:
            ceiling = initiative.amount_requested or Decimal(spec["per_village"]) / 2
            if fund.max_per_initiative:
                ceiling = min(ceiling, fund.max_per_initiative)
            if fund.min_own_share_percent and initiative.total_cost:
                ceiling = min(ceiling, initiative.total_cost * (100 - fund.min_own_share_percent) / 100)
            cost = round_up(min(ceiling, Decimal(spec["per_village"])) * Decimal("0.9"), 50)
            projects.append(
                Project.objects.create(
                    round=round,
                    village_budget=budgets[initiative.village.name],
                    initiative=initiative,
                    feasibility=Feasibility.FEASIBLE,
                    review_reason=spec["review_reason"],
                    cost_estimate=cost,
                    reviewed_by=reviewer,
                    reviewed_at=round.voting_from - timedelta(days=1),
                )
            )
        for village_budget in budgets.values():
            mine = [p for p in projects if p.village_budget_id == village_budget.pk]
            for number in range(rng.randint(4, 9) if mine else 0):
                first, last = person(rng)
                address = email_for(first, f"{last}{number}")
                voted = self.now - timedelta(hours=rng.uniform(1, 40))
                ballot = Ballot.objects.create(
                    round=round,
                    village_budget=village_budget,
                    email=address,
                    email_hash=email_hash(address),
                    created_at=voted,
                    confirmed_at=voted + timedelta(minutes=rng.randint(1, 30)),
                )
                chosen, spent = [], Decimal("0")
                for project in rng.sample(mine, len(mine)):
                    if spent + project.cost_estimate <= village_budget.amount:
                        chosen.append(project)
                        spent += project.cost_estimate
                BallotChoice.objects.bulk_create(BallotChoice(ballot=ballot, project=p) for p in chosen)
        self.created["budget rounds"] = 1

    # --- reference data ------------------------------------------------------------------------

    def seed_associations(self):
        lvkk_fields = {k: v for k, v in data.LVKK.items() if k != "slug"}
        self.lvkk, _ = ensure(Association, defaults=lvkk_fields, slug=data.LVKK["slug"])
        dkk_fields = {k: v for k, v in data.DKK.items() if k != "slug"}
        self.dkk, _ = ensure(Association, defaults={**dkk_fields, "parent": self.lvkk}, slug=data.DKK["slug"])

    def seed_themes(self):
        self.themes = {}
        for order, (slug, name_nl, name_en) in enumerate(data.THEMES, start=1):
            self.themes[slug], _ = ensure(
                Theme, defaults={"name_nl": name_nl, "name_en": name_en, "order": order * 10}, slug=slug
            )

    def seed_municipalities(self):
        for spec in data.MUNICIPALITIES:
            slug = slugify(spec["name"])
            municipality, _ = ensure(
                Municipality,
                defaults={
                    "name": spec["name"],
                    "slug": slug,
                    "province": "Gelderland",
                    "supporting_association": self.dkk,
                    "direction_kind": spec["direction_kind"],
                    "first_response_working_days": spec["first_response_working_days"],
                    "decision_term_weeks": spec["decision_term_weeks"],
                    "role_statement": spec["role_statement"],
                    "contact_email": f"initiatieven@{slug}.example.nl",
                    "contact_phone": f"{spec['area_code']} 000 {self.people.randint(100, 999)}",
                    "website": f"https://www.{slug}.nl",
                },
                cbs_code=spec["cbs_code"],
            )
            if municipality.mandate_amount is None and spec.get("mandate_amount") is not None:
                municipality.mandate_amount = euros(spec["mandate_amount"])  # also on a database seeded before
                municipality.save(update_fields=["mandate_amount", "updated_at"])
            self.municipalities[spec["name"]] = municipality
            self.seed_letterhead(municipality)
            self.seed_theme(municipality)
            for name, kind, population, hall_name, (interest_name, interest_kind) in spec["villages"]:
                village, _ = ensure(
                    Village,
                    defaults={
                        "name": name,
                        "kind": kind,
                        "population": population,
                        "description": data.VILLAGE_DESCRIPTIONS.get(name, ""),
                    },
                    municipality=municipality,
                    slug=slugify(name),
                )
                village.municipality = municipality  # saves a query per use
                self.villages[(spec["name"], name)] = village
                self.interest_orgs[village.pk] = self.seed_organisation(
                    village,
                    interest_name,
                    interest_kind,
                    f"Komt op voor de inwoners van {name}, overlegt met de gemeente en organiseert dorpsavonden.",
                    member=interest_kind != "wijkraad",
                )
                self.halls[village.pk] = self.seed_organisation(
                    village,
                    hall_name,
                    "dorpshuis",
                    f"De ontmoetingsplek van {name}: voor verenigingen, feesten en cursussen. Draait op vrijwilligers.",
                    member=True,
                    board=True,
                )
        for municipality_name, village_name, name, kind, description in data.EXTRA_ORGANISATIONS:
            village = self.villages[(municipality_name, village_name)]
            org = self.seed_organisation(village, name, kind, description, member=False)
            if kind == "jongerenraad":
                self.youth_orgs[village.pk] = org

    def seed_organisation(self, village, name, kind, description, *, member, board=False):
        first, last = person(self.people)
        board_text = ""
        if board:
            roles = ("Voorzitter", "Secretaris", "Penningmeester", "Beheer en verhuur")
            board_text = "\n".join(f"{role}: {' '.join(person(self.people))}" for role in roles)
        org, _ = ensure(
            VillageOrganisation,
            defaults={
                "kind": kind,
                "association": self.dkk if member else None,
                "contact_name": f"{first} {last}",
                "contact_email": email_for(first, last),
                "board": board_text,
                "description": description,
            },
            village=village,
            name=name,
        )
        return org

    def seed_groups(self):
        self.groups = roles.roles_sync()

    def seed_users(self):
        User = get_user_model()
        for spec, password_hash in zip(data.USERS, self.password_hashes, strict=True):
            role = spec["role"]
            user = User.objects.filter(username=spec["username"]).first() or User(username=spec["username"])
            user.first_name = spec["first_name"]
            user.last_name = spec["last_name"]
            user.email = email_for(spec["first_name"], spec["last_name"])
            user.is_active = True
            user.is_staff = role in STAFF_ROLES
            user.is_superuser = role == "superuser"
            user.password = password_hash
            user.save()
            group = GROUP_FOR_ROLE.get(role)
            user.groups.set([self.groups[group]] if group else [])
            self.users[spec["username"]] = user

            if role in ("coordinator", "contact_officer"):
                municipality = self.municipalities[spec["municipality"]]
                membership, _ = OfficerMembership.objects.update_or_create(
                    user=user,
                    defaults={
                        "municipality": municipality,
                        "role": OfficerRole.COORDINATOR if role == "coordinator" else OfficerRole.CONTACT_OFFICER,
                        "job_title": spec["job_title"],
                        "is_active": True,
                    },
                )
                portfolio = [self.villages[(spec["municipality"], v)] for v in spec["villages"]]
                membership.villages.set(portfolio)
                self.portfolios[membership.pk] = {village.pk for village in portfolio}
                self.memberships.setdefault(spec["municipality"], []).append(membership)
            elif role == "facilitator":
                self.facilitator, _ = ensure(Facilitator, defaults={"association": self.dkk}, user=user)

    def seed_recovery_codes(self):
        """Demo staff log in in two steps. They have no authenticator app yet (logging in with a
        recovery code lets them set one up), but each has recovery codes, so the demo also works
        without an app. Only hashes are stored: the codes of the last run come from the codes file,
        and those still stored (unused) are kept."""
        for spec in data.USERS:
            user = self.users[spec["username"]]
            if not user_needs_mfa(user):
                continue
            stored = set(
                StaticToken.objects.filter(device__user=user, device__confirmed=True).values_list("token", flat=True)
            )
            unused = [code for code in self.known_codes.get(spec["username"], []) if recovery_code_hash(code) in stored]
            if len(unused) < MIN_DEMO_RECOVERY_CODES:
                unused = recovery_codes_renew(user=user, actor=None, audit=False)
            self.recovery_codes[user.get_username()] = unused

    def seed_letterhead(self, municipality: Municipality):
        """Letterhead, objection route and a simple logo for the decision letters; a municipality
        whose letterhead someone already filled in keeps it."""
        spec = data.LETTERHEADS.get(municipality.name)
        if spec is None or municipality.postal_address:
            return
        municipality.postal_address = spec["postal_address"]
        municipality.objection_url = f"https://www.{municipality.slug}.nl/bezwaar"
        municipality.letter_signer_name = spec.get("letter_signer_name", "")
        municipality.letter_signer_title = spec.get("letter_signer_title", "")
        municipality.logo.save("logo.png", ContentFile(demo_logo(spec["colour"])), save=False)
        municipality.full_clean()
        municipality.save()

    def seed_theme(self, municipality: Municipality):
        """The municipality's own look (colours, name, maybe a header image); a municipality
        whose look someone already chose keeps it."""
        spec = data.MUNICIPALITY_THEMES.get(municipality.name)
        if spec is None or municipality.theme_primary_colour or municipality.theme_secondary_colour:
            return
        municipality.theme_name = spec["name"]
        municipality.theme_primary_colour = spec["primary"]
        municipality.theme_secondary_colour = spec["secondary"]
        if spec.get("banner"):
            banner = demo_banner(spec["primary"], spec["secondary"])
            municipality.theme_header_image.save("kopbeeld.png", ContentFile(banner), save=False)
        municipality.full_clean()
        municipality.save()

    def fund(self, municipality: Municipality, year: int) -> Fund:
        key = (municipality.pk, year)
        if key not in self.funds:
            rules = next(m["fund"] for m in data.MUNICIPALITIES if m["name"] == municipality.name)
            fund, _ = ensure(
                Fund,
                defaults={
                    "budget": euros(rules["budget"]),
                    "max_per_initiative": euros(rules["max_per_initiative"]),
                    "min_own_share_percent": Decimal(rules["min_own_share_percent"]),
                    "budget_per_village": euros(rules["budget_per_village"]) if rules["budget_per_village"] else None,
                    "submit_weeks_before_start": rules["submit_weeks_before_start"],
                    "min_supporters": rules.get("min_supporters", 0),
                    "description": rules["description"],
                    "grant_conditions": data.GRANT_CONDITIONS,
                    "is_open": year == self.year,
                },
                municipality=municipality,
                name=rules["name"],
                year=year,
            )
            self.funds[key] = fund
            counted = Grant.objects.filter(fund=fund).exclude(status=GrantStatus.WITHDRAWN)
            self.fund_used[fund.pk] = counted.aggregate(total=Sum("amount"))["total"] or Decimal("0")
            for row in counted.values("initiative__village").annotate(total=Sum("amount")):
                self.village_used[(fund.pk, row["initiative__village"])] = row["total"]
        return self.funds[key]

    def seed_funds(self):
        for municipality in self.municipalities.values():
            self.fund(municipality, self.year)

    def seed_standard_texts(self):
        for municipality in self.municipalities.values():
            for purpose, title, body in data.STANDARD_TEXTS:
                ensure(
                    StandardText,
                    defaults={"body": body.format(municipality=municipality.name)},
                    municipality=municipality,
                    purpose=purpose,
                    title=title,
                )

    def seed_plans(self):
        for spec in data.PLANS:
            village = self.villages[(spec["municipality"], spec["village"])]
            plan, created = ensure(
                VillagePlan,
                defaults={"kind": spec["kind"], "year": spec["year"], "summary": spec["summary"]},
                village=village,
                title=spec["title"],
            )
            if not created:
                continue
            PlanAction.objects.bulk_create(
                PlanAction(
                    plan=plan,
                    what=what,
                    how=how,
                    when=date(spec["year"], 1, 1) + timedelta(days=round(months * 30.4)) if months else None,
                    by_whom=by_whom,
                    status=status,
                )
                for what, how, months, by_whom, status, _key in spec["actions"]
            )

    # --- initiatives ---------------------------------------------------------------------------

    def officer_for(self, village: Village) -> OfficerMembership:
        memberships = self.memberships[village.municipality.name]
        for membership in memberships:
            if village.pk in self.portfolios[membership.pk]:
                return membership
        coordinators = [m for m in memberships if m.is_coordinator]
        return (coordinators or memberships)[0]

    def decider_for(self, village: Village) -> OfficerMembership:
        """The village's officer decides; above the mandate a coordinator approves (`approval_for`)."""
        return self.officer_for(village)

    def approval_for(
        self, village: Village, decider: OfficerMembership, amount: Decimal
    ) -> tuple[OfficerMembership, OfficerMembership | None]:
        """Who decided a contribution and who approved it: within the mandate the decider alone;
        above it a coordinator other than the one who proposed (four eyes)."""
        municipality = village.municipality
        if not municipality.needs_approval(amount):
            return decider, None
        memberships = self.memberships[municipality.name]
        approvers = [m for m in memberships if m.is_coordinator and m.pk != decider.pk]
        if approvers:
            return decider, approvers[0]
        officers = [m for m in memberships if not m.is_coordinator]
        return (officers[0], decider) if officers else (decider, None)

    def title_for(self, template_key: str, village: Village) -> str:
        hall = self.halls[village.pk]
        return data.INITIATIVE_TEMPLATES[template_key]["title"].format(village=village.name, hall=hall.name)

    def seed_initiatives(self):
        plans = []
        seen = set()
        for index, (template_key, municipality_name, village_name, status_key) in enumerate(data.INITIATIVES):
            village = self.villages[(municipality_name, village_name)]
            title = self.title_for(template_key, village)
            assert (village.pk, title) not in seen, f"duplicate demo initiative {title} in {village}"  # noqa: S101
            seen.add((village.pk, title))
            rng = random.Random(f"{data.SEED}:initiative:{index}")
            low, high = DAYS_AGO[status_key]
            days = rng.randint(low, high)
            submitted_at = self.now - timedelta(days=days, hours=rng.uniform(0.5, 12))
            plan = InitiativePlan(template_key, village, status_key, title, rng, submitted_at)
            plan.path = rng.choice(PATHS[status_key])
            plans.append(plan)

        existing = {
            (village_id, title): pk
            for pk, village_id, title in Initiative.objects.filter(village__in=self.villages.values()).values_list(
                "pk", "village_id", "title"
            )
        }
        missing = [plan for plan in plans if (plan.village.pk, plan.title) not in existing]
        # Oldest first, so reference numbers follow the order of submission.
        children = {"steps": [], "messages": [], "costs": [], "themes": [], "agreements": [], "grants": []}
        for plan in sorted(missing, key=lambda p: p.submitted_at):
            self.create_initiative(plan, children)
        self.write_children(children)
        # Messages and officers came in bulk: whether the initiator's replies are new to the
        # assigned officer follows from them (the counter "new replies to you").
        Initiative.objects.filter(village__in=self.villages.values()).refresh_new_reply_flags()
        self.created["initiatives"] = len(missing)

        by_title = {(i.village_id, i.title): i for i in Initiative.objects.filter(village__in=self.villages.values())}
        for template_key, municipality_name, village_name, _status in data.INITIATIVES:
            village = self.villages[(municipality_name, village_name)]
            initiative = by_title.get((village.pk, self.title_for(template_key, village)))
            if initiative is not None:
                self.initiatives[(template_key, village_name)] = initiative

    def seed_proposals(self):
        """In each municipality one open initiative whose officer proposed a contribution above
        the mandate, waiting for the coordinator: what the four eyes look like on the dashboard."""
        for municipality in self.municipalities.values():
            initiatives = Initiative.objects.filter(municipality=municipality)
            if municipality.mandate_amount is None or DecisionProposal.objects.filter(initiative__in=initiatives):
                continue
            fund = self.fund(municipality, self.year)
            candidates = initiatives.filter(
                status__in=[Status.INTAKE, Status.IN_CONVERSATION], amount_requested__gt=municipality.mandate_amount
            ).order_by("reference")
            for initiative in candidates:
                initiative.municipality = municipality
                amount = min(initiative.amount_requested, fund.max_per_initiative or initiative.amount_requested)
                proposer, approver = self.approval_for(initiative.village, self.decider_for(initiative.village), amount)
                if approver is None or not municipality.needs_approval(amount):
                    continue
                try:
                    fund_check_grant(fund=fund, initiative=initiative, amount=amount)
                except ValidationError:
                    continue
                whole = amount == initiative.amount_requested
                outcome = DecisionOutcome.SUPPORTED if whole else DecisionOutcome.PARTLY_SUPPORTED
                proposal = DecisionProposal(
                    initiative=initiative,
                    outcome=outcome,
                    motivation=data.DECISION_MOTIVATION[outcome].format(
                        village=initiative.village.name, fund=fund.name, reason=""
                    ),
                    fund=fund,
                    amount=amount,
                    proposed_by=proposer.user,
                    proposed_at=self.now - timedelta(hours=3),
                )
                proposal.full_clean()
                proposal.save()
                break

    def seed_supports(self):
        """Confirmed neighbours on a few published, open initiatives (once: one that has
        supporters is left alone). Most live in the initiative's village, some elsewhere."""
        candidates = (
            Initiative.objects.published()
            .filter(pk__in=[initiative.pk for initiative in self.initiatives.values()])
            .filter(status__in=[*OPEN_STATUSES, Status.DECIDED, Status.IN_PROGRESS])
            .select_related("village")
        )
        # Those still waiting for a decision first: their pages show what a fund still needs.
        chosen = sorted(candidates, key=lambda i: (i.status not in OPEN_STATUSES, i.reference))
        chosen = chosen[: data.SUPPORTED_INITIATIVES]
        have = set(Support.objects.filter(initiative__in=chosen).values_list("initiative_id", flat=True))
        published = [initiative for initiative in chosen if initiative.pk not in have]
        villages_of = {}
        for village in self.villages.values():
            villages_of.setdefault(village.municipality_id, []).append(village)
        supports = []
        for initiative in published:
            rng = random.Random(f"{data.SEED}:support:{initiative.reference}")
            for number in range(rng.randint(2, 9)):
                first, last = person(rng)
                roll = rng.random()
                village = (
                    initiative.village
                    if roll < 0.7
                    else None
                    if roll < 0.85
                    else rng.choice(villages_of[initiative.municipality_id])
                )
                start = max(initiative.submitted_at, self.now - timedelta(days=20))
                given = start + timedelta(hours=rng.randint(1, 90))
                given = min(given, self.now - timedelta(minutes=30))
                supports.append(
                    Support(
                        initiative=initiative,
                        name=f"{first} {last}",
                        name_display=rng.choice(SupportNameDisplay.values),
                        village=village,
                        email=f"steun{number}.{email_for(first, last, 'example.org')}",
                        reason=rng.choice(data.SUPPORT_REASONS),
                        created_at=given,
                        token_issued_at=given,
                        confirmed_at=given + timedelta(minutes=rng.randint(2, 25)),
                    )
                )
        Support.objects.bulk_create(supports, ignore_conflicts=True)
        self.created["supports"] = len(supports)

    def timeline(self, plan: InitiativePlan) -> list[datetime]:
        rng = plan.rng
        end = self.now - timedelta(hours=rng.uniform(2, 30))
        times = [plan.submitted_at]
        for index in range(1, len(plan.path)):
            remaining = len(plan.path) - index
            room = (end - times[-1]) / (remaining + 1)
            # The first answer comes within days; later steps spread over the time that is left.
            gap = min(room, timedelta(hours=rng.uniform(3, 96))) if index == 1 else room * rng.uniform(0.6, 1.2)
            candidate = times[-1] + gap
            moment = office_time(candidate, rng)
            if moment >= end:
                moment = candidate
            if moment <= times[-1]:
                moment = times[-1] + timedelta(minutes=20)
            times.append(moment)
        return times

    def create_initiative(self, plan: InitiativePlan, children: dict):  # noqa: C901 - one story per initiative
        rng, village, template = plan.rng, plan.village, data.INITIATIVE_TEMPLATES[plan.template_key]
        municipality = village.municipality
        status = plan.path[-1]
        current_fund = self.fund(municipality, self.year)
        officer = self.officer_for(village)
        decider = self.decider_for(village)
        times = self.timeline(plan)

        key = (plan.template_key, village.name)
        channel = IntakeChannel.WEB
        if key in data.PHONE_INTAKE:
            channel = IntakeChannel.PHONE
        elif key in data.EMAIL_INTAKE:
            channel = IntakeChannel.EMAIL
        registered_by = officer.user if channel != IntakeChannel.WEB else None

        first, last = person(rng)
        organisation = {"dbo": self.interest_orgs, "hall": self.halls, "youth": self.youth_orgs}.get(
            template["org"], {}
        ).get(village.pk)

        # Money: cost lines, own share per the fund's rules, the rest asked from the fund.
        costs = [(text, euros(round(amount * rng.uniform(0.85, 1.15) / 5) * 5)) for text, amount in template["costs"]]
        total = sum((amount for _text, amount in costs), Decimal("0"))
        asks = set(template["asks"])
        if "money" in asks:
            share = current_fund.min_own_share_percent + rng.choice((0, 5, 10, 15))
            own_money = min(total, round_up(total * share / 100))
            requested = total - own_money
        else:
            own_money, requested = total, Decimal("0")

        first_response_due, decision_due = initiative_due_dates(
            municipality=municipality, submitted_at=plan.submitted_at
        )
        weeks_ahead = max(current_fund.submit_weeks_before_start or 0, rng.randint(5, 14))
        past_intake = C in plan.path or D in plan.path
        initiative = Initiative(
            reference=reference_next(year=timezone.localtime(plan.submitted_at).year),
            title=plan.title,
            goal=template["goal"],
            description=template["description"],
            target_group=template["target_group"],
            village=village,
            municipality=municipality,
            organisation=organisation,
            initiator_name=f"{first} {last}",
            initiator_email=email_for(first, last),
            initiator_phone=fake_phone(rng) if channel == IntakeChannel.PHONE or rng.random() < 0.4 else "",
            total_cost=total,
            amount_requested=requested,
            own_contribution_money=own_money,
            own_contribution_hours=template["hours"],
            own_contribution_materials=template["materials"],
            support_evidence=template["support"],
            permits_needed=template["permits"],
            maintenance_after=template["maintenance"],
            planned_start=timezone.localtime(plan.submitted_at).date() + timedelta(weeks=weeks_ahead),
            is_right_to_challenge=template.get("right_to_challenge", False),
            publication_consent=rng.random() < (0.8 if status in (R, X, P) else 0.5),
            privacy_acknowledged_at=plan.submitted_at if channel == IntakeChannel.WEB else None,
            status=status,
            assigned_officer=officer.user if len(plan.path) > 1 or registered_by else None,
            municipal_role=template["role"] if past_intake else "",
            municipal_role_explanation=data.MUNICIPAL_ROLE_EXPLANATIONS[template["role"]] if past_intake else "",
            intake_channel=channel,
            registered_by=registered_by,
            submitted_at=plan.submitted_at,
            first_response_due=first_response_due,
            decision_due=decision_due,
            **{f"asks_{kind}": kind in asks for kind in ("advice", "money", "permits", "space", "network", "process")},
        )

        # The status history.
        steps = []
        for index, (step_status, moment) in enumerate(zip(plan.path, times, strict=True)):
            previous = plan.path[index - 1] if index else ""
            step = Step(step_status, moment, actor=officer.user)
            if step_status == S:
                step.actor = registered_by
                step.by_initiator = registered_by is None
                step.note = data.STATUS_NOTES[
                    {"phone": "submitted_phone", "email": "submitted_email"}.get(channel, "submitted")
                ]
            elif step_status == WD or (step_status == C and previous == W):
                step.actor, step.by_initiator = None, True
                step.note = data.STATUS_NOTES["withdrawn" if step_status == WD else "in_conversation_back"]
            elif step_status == C and previous == X:
                step.note = data.STATUS_NOTES["in_conversation_reopened"]
            elif step_status == X:
                step.note = data.STATUS_NOTES[
                    {"closed:realised": "closed_realised", "closed:early": "closed_early"}.get(
                        plan.status_key, "closed_rejected"
                    )
                ]
            else:
                if step_status == D:
                    step.actor = decider.user
                step.note = data.STATUS_NOTES[step_status]
            steps.append(step)

        officer_steps = [s for s in steps[1:] if not s.by_initiator]
        initiative.first_response_at = officer_steps[0].at if officer_steps else None
        decisions = [s for s in steps if s.status == D]
        initiative.decided_at = decisions[-1].at if decisions else None
        initiative.closed_at = steps[-1].at if status in (X, WD) else None
        # Publication: an officer approved the consenting ones they took up; the new ones wait
        # for review (the dashboard's queue), so the gallery has content and the queue has work.
        if initiative.publication_consent and officer_steps:
            initiative.publication = Publication.APPROVED
            initiative.publication_decided_at = officer_steps[0].at
            initiative.publication_decided_by = officer.user
        initiative.full_clean()
        initiative.save()
        Initiative.objects.filter(pk=initiative.pk).update(created_at=plan.submitted_at, updated_at=steps[-1].at)

        for index, step in enumerate(steps):
            children["steps"].append(
                (
                    StatusChange(
                        initiative=initiative,
                        from_status=steps[index - 1].status if index else "",
                        to_status=step.status,
                        actor=step.actor,
                        by_initiator=step.by_initiator,
                        note=step.note,
                    ),
                    step.at,
                )
            )
        children["costs"] += [
            CostLine(initiative=initiative, description=text, amount=amount) for text, amount in costs
        ]
        children["themes"] += [
            Initiative.themes.through(initiative=initiative, theme=self.themes[slug]) for slug in template["themes"]
        ]
        self.plan_messages(initiative, plan, steps, officer, decider, organisation, children)
        if decisions:
            self.plan_decision(initiative, plan, steps, decider, organisation, requested, children)

    def texts(self, initiative, officer, **extra):
        return {
            "first_name": initiative.initiator_name.split(" ")[0],
            "title": initiative.title,
            "officer": officer.user.get_full_name(),
            "officer_first": officer.user.first_name,
            "job_title": officer.job_title.lower(),
            "municipality": initiative.municipality.name,
            **extra,
        }

    def plan_messages(self, initiative, plan, steps, officer, decider, organisation, children):
        rng = plan.rng
        texts = self.texts(initiative, officer)
        messages = children["messages"]

        def add(kind, body, moment, author=None):
            messages.append(
                Message(initiative=initiative, kind=kind, body=body, created_at=min(moment, self.now), author=author)
            )

        officer_steps = [(i, s) for i, s in enumerate(steps) if i and not s.by_initiator]
        if officer_steps and officer_steps[0][1].status != X:
            index, first_step = officer_steps[0]
            add(MessageKind.TO_INITIATOR, data.MESSAGE_WELCOME.format(**texts), first_step.at, officer.user)
            if rng.random() < 0.7:
                reply_at = first_step.at + timedelta(hours=rng.uniform(2, 30))
                if index + 1 < len(steps):
                    reply_at = min(reply_at, steps[index + 1].at - timedelta(minutes=10))
                reply_at = min(reply_at, self.now - timedelta(minutes=5))
                if reply_at > first_step.at:
                    add(MessageKind.FROM_INITIATOR, data.MESSAGE_REPLY.format(**texts), reply_at)
        fund = self.fund(initiative.municipality, timezone.localtime(initiative.submitted_at).year)
        org_name = organisation.name if organisation else self.interest_orgs[initiative.village_id].name
        for index, step in enumerate(steps):
            later = step.at + timedelta(minutes=7)
            if step.status == I:
                note = data.MESSAGE_INTAKE_NOTE.format(
                    fund=fund.name, organisation=org_name, permits=initiative.permits_needed
                )
                add(MessageKind.INTERNAL_NOTE, note, later, officer.user)
            elif step.status == W:
                add(MessageKind.TO_INITIATOR, data.MESSAGE_WAITING.format(**texts), later, officer.user)
            elif step.status == C and index and steps[index - 1].status == W:
                add(MessageKind.FROM_INITIATOR, data.MESSAGE_SUPPLEMENT.format(**texts), step.at)
            elif step.status == C and index and steps[index - 1].status == X:
                add(MessageKind.TO_INITIATOR, data.MESSAGE_REOPENED.format(**texts), later, officer.user)
            elif step.status == X and plan.status_key == "closed:early":
                add(MessageKind.TO_INITIATOR, data.MESSAGE_CLOSED_EARLY.format(**texts), step.at, officer.user)
            elif step.status == R:
                announced = max(step.at - timedelta(hours=3), steps[index - 1].at + timedelta(minutes=5))
                add(MessageKind.FROM_INITIATOR, data.MESSAGE_REALISED.format(**texts), min(announced, step.at))
            elif step.status == WD:
                add(MessageKind.FROM_INITIATOR, data.MESSAGE_WITHDRAWN.format(**texts), step.at)
                if plan.status_key == "withdrawn:in_progress":
                    add(MessageKind.INTERNAL_NOTE, data.MESSAGE_WITHDRAWN_INTERNAL, later, officer.user)

    def plan_decision(self, initiative, plan, steps, decider, organisation, requested, children):
        rng = plan.rng
        decision_step = [s for s in steps if s.status == D][-1]
        decided_at = decision_step.at
        fund = self.fund(initiative.municipality, timezone.localtime(decided_at).year)
        amount = Decimal("0")
        if plan.status_key in NOT_SUPPORTED_KEYS:
            outcome = DecisionOutcome.NOT_SUPPORTED
        else:
            if requested > 0:
                left = fund.budget - self.fund_used[fund.pk]
                if fund.budget_per_village is not None:
                    left = min(
                        left, fund.budget_per_village - self.village_used.get((fund.pk, initiative.village_id), 0)
                    )
                amount = max(Decimal("0"), min(requested, fund.max_per_initiative or requested, left))
            outcome = DecisionOutcome.SUPPORTED if amount == requested else DecisionOutcome.PARTLY_SUPPORTED
        reason = data.REJECTION_REASONS.get(plan.template_key, "het plan valt buiten het doel van het fonds.")
        proposer, approver = self.approval_for(initiative.village, decider, amount)
        decision = Decision.objects.create(
            initiative=initiative,
            outcome=outcome,
            motivation=data.DECISION_MOTIVATION[outcome].format(
                village=initiative.village.name, fund=fund.name, reason=reason
            ),
            decided_by=proposer.user,
            approved_by=approver.user if approver else None,
            decided_at=decided_at,
        )
        grant_sentence = f"U krijgt {amount:,.0f} euro uit het {fund.name}. ".replace(",", ".") if amount > 0 else ""
        texts = self.texts(initiative, decider, grant_sentence=grant_sentence)
        children["messages"].append(
            Message(
                initiative=initiative,
                kind=MessageKind.TO_INITIATOR,
                body=data.MESSAGE_DECISION[outcome].format(**texts),
                author=decider.user,
                created_at=decided_at + timedelta(minutes=10),
            )
        )
        if outcome == DecisionOutcome.NOT_SUPPORTED:
            return

        by_status = {s.status: s.at for s in steps}
        if amount > 0:
            grant = Grant(initiative=initiative, decision=decision, fund=fund, amount=amount)
            if WD in by_status:
                grant.status, grant.withdrawn_at = GrantStatus.WITHDRAWN, by_status[WD] + timedelta(hours=1)
            elif R in by_status:
                grant.status, grant.paid_at = GrantStatus.PAID, by_status[R] + timedelta(days=rng.randint(3, 12))
            elif P in by_status and rng.random() < 0.5:
                grant.status, grant.paid_at = GrantStatus.PAID, by_status[P] + timedelta(days=rng.randint(1, 5))
            if grant.paid_at:
                grant.paid_at = min(grant.paid_at, self.now - timedelta(hours=1))
            if grant.withdrawn_at:
                grant.withdrawn_at = min(grant.withdrawn_at, self.now - timedelta(minutes=30))
            grant.full_clean()
            children["grants"].append((grant, decided_at))
            if grant.status != GrantStatus.WITHDRAWN:
                self.fund_used[fund.pk] += amount
                village_key = (fund.pk, initiative.village_id)
                self.village_used[village_key] = self.village_used.get(village_key, Decimal("0")) + amount

        # Agreements: who does what, in the role pairs of the VO trajectory. Each row carries the
        # step that shows it was done (None: still open), so done_at never lies after that step.
        started, realised, closed = by_status.get(P), by_status.get(R), by_status.get(X)
        municipal = AGREEMENT_ROLE_FOR[initiative.municipal_role or "faciliteren"]
        extra = rng.choice([r for r in INITIATOR_ROLES if r not in (AgreementRole.MAKE_PLAN, AgreementRole.CARRY_OUT)])
        municipal_text = data.AGREEMENTS_MUNICIPALITY[municipal].format(fund=fund.name)
        rows = [
            (AgreementParty.MUNICIPALITY, "", municipal, municipal_text, 2, started),
            (
                AgreementParty.INITIATOR,
                "",
                AgreementRole.MAKE_PLAN,
                data.AGREEMENTS_INITIATOR["plan_maken"],
                3,
                started,
            ),
            (
                AgreementParty.INITIATOR,
                "",
                AgreementRole.CARRY_OUT,
                data.AGREEMENTS_INITIATOR["uitvoeren"],
                12,
                realised,
            ),
            (AgreementParty.INITIATOR, "", extra, data.AGREEMENTS_INITIATOR[extra], 26, closed),
        ]
        if organisation is not None:
            partner_text = data.AGREEMENT_PARTNER.format(organisation=organisation.name)
            rows.append(
                (AgreementParty.PARTNER, organisation.name, AgreementRole.FACILITATE, partner_text, 10, realised)
            )
        decided_day = timezone.localtime(decided_at).date()
        for party, partner_name, role, description, weeks, done_by_step in rows:
            due = decided_day + timedelta(weeks=weeks)
            done_at = None
            if done_by_step is not None:
                done_at = min(at(due, 10) - timedelta(days=rng.randint(0, 10)), done_by_step)
                done_at = max(done_at, decided_at + timedelta(hours=1))
            children["agreements"].append(
                (
                    Agreement(
                        initiative=initiative,
                        party=party,
                        partner_name=partner_name,
                        role=role,
                        description=description,
                        due_date=due,
                        done=done_at is not None,
                        done_at=done_at,
                        created_by=decider.user,
                    ),
                    decided_at + timedelta(minutes=20),
                )
            )

    def write_children(self, children):
        """Bulk inserts, then the historic timestamps that auto_now_add would otherwise overwrite."""
        CostLine.objects.bulk_create(children["costs"])
        Initiative.themes.through.objects.bulk_create(children["themes"])
        Message.objects.bulk_create(children["messages"])
        for key, model in (("steps", StatusChange), ("grants", Grant), ("agreements", Agreement)):
            rows = children[key]
            objects = model.objects.bulk_create([obj for obj, _moment in rows])
            for obj, (_same, moment) in zip(objects, rows, strict=True):
                obj.created_at = moment
            fields = ["created_at"] if model is StatusChange else ["created_at", "updated_at"]
            for obj in objects:
                if "updated_at" in fields:
                    obj.updated_at = obj.created_at
            model.objects.bulk_update(objects, fields, batch_size=200)

    def link_plan_actions(self):
        for spec in data.PLANS:
            village = self.villages[(spec["municipality"], spec["village"])]
            plan = VillagePlan.objects.filter(village=village, title=spec["title"]).first()
            if plan is None:
                continue
            for what, _how, _months, _by_whom, _status, initiative_key in spec["actions"]:
                initiative = self.initiatives.get((initiative_key, spec["village"])) if initiative_key else None
                action = plan.actions.filter(what=what).first()
                if initiative is not None and action is not None:
                    action.initiatives.add(initiative)

    # --- VO trajectories -----------------------------------------------------------------------

    def seed_trajectory(self, spec):  # noqa: C901 - one trajectory, told from start to now
        municipality = self.municipalities[spec["municipality"]]
        rng = random.Random(f"{data.SEED}:trajectory:{spec['title']}")
        start = self.today + timedelta(days=spec["start_offset"])
        planned = spec["status"] == TrajectoryStatus.PLANNED
        trajectory, created = ensure(
            Trajectory,
            defaults={
                "kind": spec["kind"],
                "facilitator": self.facilitator,
                "status": spec["status"],
                "current_stage": spec["current_stage"],
                "started_on": None if planned else start,
                "local_support_cost": euros(spec["local_support_cost"]) if spec.get("local_support_cost") else None,
                "notes": spec["notes"],
            },
            municipality=municipality,
            title=spec["title"],
        )
        if not created:
            return
        self.created["trajectories"] = self.created.get("trajectories", 0) + 1
        facilitator_user = self.facilitator.user
        current = STAGE_ORDER.index(spec["current_stage"])

        # Stages and their checklists: each stage starts when the one before it ended.
        deliverables, stages = [], {}
        previous_end = None
        for order, (stage, (planned_start, planned_end)) in enumerate(
            zip(STAGE_ORDER, spec["stage_days"], strict=True), 1
        ):
            row = TrajectoryStage(
                trajectory=trajectory,
                stage=stage,
                order=order,
                planned_start=start + timedelta(days=planned_start),
                planned_end=start + timedelta(days=planned_end),
            )
            index = order - 1
            if not planned and index <= current:
                row.actual_start = previous_end or row.planned_start
                if index < current:
                    row.status = StageStatus.COMPLETED
                    late = timedelta(days=rng.randint(0, 7))
                    row.actual_end = min(row.planned_end + late, self.today - timedelta(days=1))
                    previous_end = row.actual_end
                else:
                    row.status = StageStatus.IN_PROGRESS
            open_items = spec["open_deliverables"]
            reasons = [open_items[title] for title, _required in data.STAGE_DELIVERABLES[stage] if title in open_items]
            if row.status == StageStatus.COMPLETED and reasons:
                row.completion_reason = " ".join(reasons)
            row.full_clean()
            row.save()
            stages[stage] = row
            for position, (title, required) in enumerate(data.STAGE_DELIVERABLES[stage]):
                if row.status == StageStatus.COMPLETED:
                    done = title not in open_items
                else:
                    done = row.status == StageStatus.IN_PROGRESS and position < spec["in_progress_done"]
                done_at = None
                if done:
                    last_day = row.actual_end or self.today - timedelta(days=1)
                    done_at = at(last_day - timedelta(days=rng.randint(0, 14)), rng.randint(9, 16))
                    done_at = max(done_at, at(row.actual_start, 9))
                deliverables.append(
                    StageDeliverable(
                        stage=row,
                        title=title,
                        required=required,
                        done=done,
                        done_at=done_at,
                        done_by=facilitator_user if done else None,
                    )
                )
        StageDeliverable.objects.bulk_create(deliverables)

        # The progress group.
        members = []
        for category, name, organisation, joins, leaves, is_account in spec["members"]:
            first, *rest = name.split(" ")
            members.append(
                ProgressGroupMember(
                    trajectory=trajectory,
                    name=name,
                    email=email_for(first, " ".join(rest)),
                    organisation=organisation,
                    category=category,
                    user=self.users["doetinchem.member"] if is_account else None,
                    joined_on=start + timedelta(days=joins),
                    left_on=start + timedelta(days=leaves) if leaves is not None else None,
                )
            )
        members = ProgressGroupMember.objects.bulk_create(members)

        def active_on(day):
            return [m for m in members if m.joined_on <= day and (m.left_on is None or m.left_on > day)]

        # Meetings, attendance and action items.
        attendance, actions = [], []
        for kind, title, offset, location in spec["meetings"]:
            day = next_working_day_on_or_after(start + timedelta(days=offset))
            hour, minute, hours = (13, 30, 2.5) if kind == "intervisie" else (19, 30, 2)
            starts_at = at(day, hour, minute)
            past = starts_at < self.now
            meeting = Meeting.objects.create(
                trajectory=trajectory,
                kind=kind,
                title=title,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=hours),
                location=location,
                agenda=data.MEETING_AGENDA.format(title=title),
                minutes=data.MEETING_MINUTES[kind] if past else "",
                minutes_published_at=(
                    min(starts_at + timedelta(days=3), self.now)
                    if past and starts_at + timedelta(days=3) < self.now
                    else None
                ),
            )
            invited_at = starts_at - timedelta(days=14)
            for member in active_on(day):
                attended = None
                if past:
                    attended = member.category == MemberCategory.FACILITATOR or rng.random() < 0.85
                attendance.append(Attendance(meeting=meeting, member=member, invited_at=invited_at, attended=attended))
            if not past:
                continue
            for description, category, due_days in data.ACTION_ITEMS[kind]:
                owner = next((m for m in active_on(day) if m.category == category), None)
                due = day + timedelta(days=due_days)
                done = due < self.today - timedelta(days=14)
                actions.append(
                    ActionItem(
                        trajectory=trajectory,
                        meeting=meeting,
                        description=description,
                        owner=owner,
                        due_date=due,
                        done=done,
                        done_at=at(due - timedelta(days=rng.randint(0, 5)), 11) if done else None,
                    )
                )
        Attendance.objects.bulk_create(attendance)
        ActionItem.objects.bulk_create(actions)

        # Cases: examples from below, what the government did and what the initiators did.
        Case.objects.bulk_create(
            Case(
                trajectory=trajectory,
                title=case["title"],
                description=case["description"],
                government_role=case["government_role"],
                initiators_role=case["initiators_role"],
                lessons=case["lessons"],
                village=self.villages[(spec["municipality"], case["village"])],
                initiative=self.initiatives.get(case["initiative"]) if case["initiative"] else None,
            )
            for case in spec["cases"]
        )

        if spec["vision"]:
            self.seed_vision(trajectory, stages["vision"])
        if spec["scans"]:
            self.seed_scans(trajectory, members, start, rng)

    def seed_vision(self, trajectory, stage):
        """Version 1 (draft) early in the vision stage; version 2 adopted by the council at its end."""
        document = VisionDocument.objects.create(trajectory=trajectory, title=data.VISION_TITLE)
        user = self.facilitator.user
        adopted_on = stage.actual_end - timedelta(days=5)
        draft = VisionVersion.objects.create(
            document=document,
            number=1,
            status=VisionStatus.DRAFT,
            change_note=data.VISION_CHANGE_NOTES[1],
            created_by=user,
        )
        adopted = VisionVersion.objects.create(
            document=document,
            number=2,
            status=VisionStatus.ADOPTED,
            adopted_on=adopted_on,
            change_note=data.VISION_CHANGE_NOTES[2],
            created_by=user,
        )
        VisionVersion.objects.filter(pk=draft.pk).update(created_at=at(stage.actual_start + timedelta(days=30), 10))
        VisionVersion.objects.filter(pk=adopted.pk).update(created_at=at(adopted_on - timedelta(days=28), 10))
        sections = []
        for key, body in data.VISION_SECTIONS.items():
            sections.append(VisionSection(version=draft, key=key, body=body.split("\n\n")[0]))
            sections.append(VisionSection(version=adopted, key=key, body=body))
        VisionSection.objects.bulk_create(sections)

    def seed_scans(self, trajectory, members, start, rng):
        """A closed nulmeting when the group formed, and an eenmeting that is still open."""
        scorers = [m for m in members if m.category != MemberCategory.FACILITATOR]
        moments = [
            (ScanKind.BASELINE, start + timedelta(days=190), start + timedelta(days=215), 2.6, 0.7),
            (ScanKind.FOLLOW_UP, self.today - timedelta(days=20), None, 3.4, 0.6),
        ]
        scores = []
        for kind, opened_on, closed_on, mean, spread in moments:
            scan = Scan.objects.create(trajectory=trajectory, kind=kind, opened_on=opened_on, closed_on=closed_on)
            invited = [m for m in scorers if m.joined_on <= opened_on and (m.left_on is None or m.left_on > opened_on)]
            invitations = []
            for position, member in enumerate(invited):
                sent_at = at(opened_on, 9)
                answers = position < len(invited) - (1 if closed_on else 2)  # most answer, not everyone
                used_at = None
                if answers:
                    used_at = min(sent_at + timedelta(days=rng.randint(0, 12), hours=rng.randint(1, 10)), self.now)
                invitations.append(
                    ScanInvitation(
                        scan=scan,
                        member=member,
                        token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
                        sent_at=sent_at,
                        used_at=used_at,
                    )
                )
            invitations = ScanInvitation.objects.bulk_create(invitations)
            for position, invitation in enumerate(invitations):
                if invitation.used_at is None:
                    continue
                for item in ScanItem:
                    score = min(5, max(1, round(rng.gauss(mean, spread))))
                    comment = (
                        data.SCAN_COMMENTS.get(item.value, "") if position == 0 and kind == ScanKind.FOLLOW_UP else ""
                    )
                    # Anonymous, as scan_submit stores them: the scan and the category, no member.
                    scores.append(
                        ScanScore(
                            scan=scan, category=invitation.member.category, item=item, score=score, comment=comment
                        )
                    )
        ScanScore.objects.bulk_create(scores)


# --- the command -------------------------------------------------------------------------------


def read_recovery_codes(path) -> dict[str, list[str]]:
    """The codes `write_recovery_codes` wrote last time (none when there is no file)."""
    path = Path(path)
    if not path.exists():
        return {}
    codes = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and ": " in line:
            username, tokens = line.split(": ", 1)
            codes[username] = tokens.split()
    return codes


def write_recovery_codes(path, codes: dict[str, list[str]]) -> Path:
    """The demo staff's unused recovery codes, for trying the demo without an authenticator app."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        "# Recovery codes of the demo accounts. Each code works once; seed_demo makes new ones",
        "# when fewer than three are left. Log in with the username and DEMO_PASSWORD, then choose",
        '# "Log in with a recovery code". Demo data only: never in git.',
        "",
    ]
    lines += [f"{username}: {' '.join(tokens)}" for username, tokens in codes.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o600)
    return path


# The settings a demo belongs to; any other settings module needs DEMO=true in the environment.
DEMO_SETTINGS = ("config.settings.local", "config.settings.test")


def refuse_outside_demo_settings() -> None:
    """Demo accounts (`admin` included) get a public password: never in a real installation.

    The settings module is the one DJANGO_SETTINGS_MODULE chose (`settings.SETTINGS_MODULE` is
    None while a test overrides a setting).
    """
    settings_module = os.environ.get("DJANGO_SETTINGS_MODULE")
    if settings_module in DEMO_SETTINGS:
        return
    if os.environ.get("DEMO", "").strip().lower() == "true":
        return
    raise CommandError(
        f"seed_demo refused: the settings are {settings_module!r}, not one of {', '.join(DEMO_SETTINGS)}. "
        "seed_demo creates demo accounts, the superuser `admin` among them, with the public demo password; "
        "never run it on a real installation. For a demo server on other settings, set DEMO=true in the "
        "environment (DEMO=true python manage.py seed_demo)."
    )


class Command(BaseCommand):
    help = (
        "Fill the database with realistic Gelderland demo data (accounts with a public password: never for a real "
        "installation). Safe to run more than once. Runs on the local and test settings, or with DEMO=true."
    )

    def handle(self, *args, **options):
        refuse_outside_demo_settings()
        started = time.monotonic()
        hashes = hash_passwords(settings.DEMO_PASSWORD, len(data.USERS))
        known_codes = read_recovery_codes(settings.DEMO_RECOVERY_CODES_FILE)
        with transaction.atomic():
            seeder = DemoSeeder(password_hashes=hashes, known_codes=known_codes)
            seeder.run()
            # Grants and theme links went in with bulk_create, past the signals: count everything again.
            statistics_touch(everything=True)
        codes_file = write_recovery_codes(settings.DEMO_RECOVERY_CODES_FILE, seeder.recovery_codes)
        elapsed = time.monotonic() - started
        if options["verbosity"] == 0:
            return

        counts = {
            "municipalities": Municipality.objects.count(),
            "villages": Village.objects.count(),
            "organisations": VillageOrganisation.objects.count(),
            "plans": VillagePlan.objects.count(),
            "users": get_user_model().objects.count(),
            "funds": Fund.objects.count(),
            "initiatives": Initiative.objects.count(),
            "status changes": StatusChange.objects.count(),
            "messages": Message.objects.count(),
            "grants": Grant.objects.count(),
            "trajectories": Trajectory.objects.count(),
            "meetings": Meeting.objects.count(),
            "progress-group members": ProgressGroupMember.objects.count(),
            "scan scores": ScanScore.objects.count(),
        }
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        new = seeder.created.get("initiatives", 0)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready in {elapsed:.1f} s ({new} new initiatives): {summary}."))

        village_names = {m["name"]: [v[0] for v in m["villages"]] for m in data.MUNICIPALITIES}
        self.stdout.write("\nDemo accounts:")
        self.stdout.write(f"  {'username':<22} {'role':<22} municipality / association")
        for spec in data.USERS:
            where = spec.get("municipality") or ("DKK Gelderland" if spec["role"] == "facilitator" else "all")
            if spec["role"] == "contact_officer" and len(spec["villages"]) < len(village_names[spec["municipality"]]):
                where += f" ({', '.join(spec['villages'])})"
            self.stdout.write(f"  {spec['username']:<22} {ROLE_LABELS[spec['role']]:<22} {where}")
        if "DEMO_PASSWORD" in os.environ:
            self.stdout.write("  password: value of DEMO_PASSWORD (set in the environment)")
        else:  # not set, so the setting holds its default: safe to show
            self.stdout.write(f"  password: value of DEMO_PASSWORD, default {settings.DEMO_PASSWORD}")
        self.stdout.write(
            "  staff log in in two steps: choose 'Log in with a recovery code' and type a code from"
            f" {codes_file}; after that the account can set up an authenticator app"
        )
