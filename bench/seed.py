"""The one seed of every in-process bench: a platform that has run for two years.

    .venv/bin/python bench/seed.py --initiatives 100000      # seeds and keeps the database

`seed(url, ...)` drops and recreates the bench database, migrates it (so the migrations' own
data is there, such as the standard checklist of the VO stages) and fills it in batches of
5,000 initiatives, printing its progress. Reference data goes in with `bulk_create` and the
product's services; the initiatives and their million-odd history rows go in with COPY (the
columns and defaults taken from the models), about four times faster than `bulk_create`:

- 50 municipalities supported by one DKK association (a child of the LVKK), 1,000 villages,
  seven themes, a fund per municipality per year;
- per municipality three contact officers (each with a third of 90% of the villages, every
  tenth village has nobody) and a coordinator; a superuser; one DKK facilitator whose
  association supports every municipality. `officer-0-0` (the first municipality) also has
  `is_staff` and `initiatives.view_initiative`, so the Django admin shows them the same rows;
- the initiatives over every status: 40% still open (submitted in the last 14 days, or in
  intake / in conversation since 1 to 120 days, or waiting for the initiator since at most
  the 30 working days after which the daily sweep closes them; the reminder sweep's due dates
  follow from these), the others decided, carried out,
  realised, closed or withdrawn, submitted over the last two years. Each has its status
  history (every step an edge of the workflow, with its date), messages (a question from the
  initiator, the officer's answers, some internal notes), one or two themes, a tracking link
  (only its SHA-256 stored), and where its story has them: cost lines, agreements, a decision
  with its motivation, a grant from the municipality's fund, a satisfaction answer. About half
  may be published;
- two initiatives to follow by their private link, minted by `tracking_token_issue` as the
  product does (the raw token stays in memory): a heavy one (13 status changes, 24 messages,
  two decisions, four agreements) and a typical one;
- a VO trajectory per municipality, its six stages and checklist made by the product's
  `trajectory_ensure_stages`, a progress group (some miss a category), meetings with
  attendance and action items (some overdue), cases, a vision for the later stages and scans
  with answers for some;
- then VACUUM ANALYZE, as autovacuum keeps a live database.

`add_open_initiatives(target)` then adds open initiatives (same generator) until `target` are
open: the issue measures the reminder sweep "over 100,000 open initiatives", and a realistic
two-year platform with 100,000 initiatives has 40,000 open ones.
"""

import argparse
import hashlib
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from common import Clock, recreate_database, setup_django

BATCH = 5_000
SEED = 20260609
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench"

# A word that starts about 1 title in 16: the text-search case of the triage list.
SEARCH_WORD = "speeltuin"
SUBJECTS = [
    "Speeltuin",
    "Dorpshuis",
    "Moestuin",
    "Bankjes",
    "Jeu-de-boulesbaan",
    "Beweegroute",
    "Buurtkamer",
    "Pluktuin",
    "Wandelpad",
    "Zonnepanelen",
    "Repaircafé",
    "Kerstmarkt",
    "Hondenlosloopveld",
    "AED-kast",
    "Voedselbos",
    "Dorpskrant",
]
PLACES = ["bij de school", "aan de dijk", "achter de kerk", "op het plein", "bij de sporthal", "in het park"]
WHAT = ["opknappen", "aanleggen", "vernieuwen", "uitbreiden", "starten", "verduurzamen"]
THEMES = [
    ("basisvoorzieningen", "Basisvoorzieningen", "Basic services"),
    ("maatschappelijk-middenveld", "Maatschappelijk middenveld en initiatief", "Civil society and initiative"),
    ("informatie-ontmoeting", "Informatie, steun en ontmoeting", "Information, support and meeting places"),
    ("wonen-welzijn-zorg", "Wonen, welzijn en zorg", "Housing, welfare and care"),
    ("onderwijs-sport-recreatie-cultuur", "Onderwijs, sport, recreatie en cultuur", "Education, sport and culture"),
    ("groen-openbare-ruimte", "Groen en openbare ruimte", "Green space and public space"),
    ("duurzaamheid-energie", "Duurzaamheid en energie", "Sustainability and energy"),
]

# Status shares over all initiatives (a platform that has run for two years): 40% open.
STATUS_SHARES = [
    ("submitted", 0.05),
    ("intake", 0.10),
    ("in_conversation", 0.20),
    ("waiting_for_initiator", 0.05),
    ("decided", 0.10),
    ("in_progress", 0.10),
    ("realised", 0.10),
    ("closed", 0.25),
    ("withdrawn", 0.05),
]
OPEN = ("submitted", "intake", "in_conversation", "waiting_for_initiator")


def constant(value):
    return lambda: value


@contextmanager
def fast_writes():
    """Bulk writes without per-row foreign-key triggers and without waiting for each commit's
    flush: the seed's rows are consistent by construction (ids come from the sequences and
    from rows written before them), and a crash only loses a bench database. Foreign keys stay
    declared; the triggers are off for this session only (PostgreSQL superuser, as the bench's
    default `postgres` user; anyone else gets the checks and a slower seed)."""
    from django.db import DatabaseError, connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        try:
            with transaction.atomic():
                cursor.execute("SET session_replication_role = replica")
        except DatabaseError:
            pass
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET session_replication_role")
            cursor.execute("RESET synchronous_commit")


class Copier:
    """Rows straight into a table with COPY: a million rows in seconds, not minutes.

    Columns come from the model, so a column added later gets the field's default (or NULL, or
    an empty string) without touching the seed; generated columns are left to PostgreSQL.
    `reserve(n)` takes `n` ids from the table's own sequence, so children can point at rows
    before they are written and the sequence stays right for the application.
    """

    def __init__(self, model, *, with_id: bool = False):
        from django.utils import timezone

        self.model = model
        self.table = model._meta.db_table
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not getattr(f, "generated", False) and (with_id or not f.primary_key)
        ]
        self.fill = []
        for f in self.fields:
            if f.has_default():
                self.fill.append(f.default if callable(f.default) else constant(f.get_default()))
            elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.fill.append(timezone.now)
            else:
                self.fill.append(constant(None if f.null else ""))

    def reserve(self, count: int) -> list[int]:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [self.table, count]
            )
            return [row[0] for row in cursor.fetchall()]

    def write(self, rows) -> int:
        """`rows`: dicts by attname (`village_id`, not `village`); returns how many were written.

        A column the rows leave out gets its fill once per call (a default, `now` for
        auto_now, NULL or ''), not once per row: per-row Python is most of the seed's time."""
        from django.db import connection

        names = [f.attname for f in self.fields]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        filled = getters = None
        count = 0
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
            write_row = copy.write_row
            for row in rows:
                if getters is None:
                    filled = {name: fill() for name, fill in zip(names, self.fill, strict=True) if name not in row}
                    getters = [(name, name not in filled) for name in names]
                write_row([row[name] if given else filled[name] for name, given in getters])
                count += 1
        return count


# The tables the initiatives' COPY fills: their secondary indexes are dropped while it runs.
def bulk_tables() -> list[str]:
    from initiatives.models import (
        Agreement,
        CostLine,
        Decision,
        Grant,
        Initiative,
        Message,
        Satisfaction,
        StatusChange,
        TrackingToken,
    )

    models = [Initiative, StatusChange, Message, Decision, Grant, Agreement, Satisfaction, CostLine, TrackingToken]
    return [model._meta.db_table for model in models] + [Initiative.themes.through._meta.db_table]


@contextmanager
def without_secondary_indexes(tables: list[str], clock: Clock | None = None):
    """Drop the indexes of `tables` that back no constraint (GIN full-text, partial and plain
    b-trees) for a bulk load, and create them again afterwards from their own definitions in
    `pg_indexes`, so the result is exactly what the migrations made. Keeping a million rows'
    worth of GIN and b-tree entries up to date row by row is what made a large seed slow down
    as the tables grew; building each index once, sorted, at the end is several times faster.
    Primary keys and unique constraints stay (the COPY still checks them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
              AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass
              )
            ORDER BY i.tablename, i.indexname
            """,
            [tables],
        )
        indexes = cursor.fetchall()
        for _table, name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _table, _name, definition in indexes:
                cursor.execute(definition)
            cursor.execute("RESET maintenance_work_mem")
        if clock:
            clock.say(f"{len(indexes)} secondary indexes created again ({time.perf_counter() - started:.0f} s)")


@dataclass
class Story:
    """What happens to one initiative besides its own row."""

    steps: list = field(default_factory=list)  # (from, to, at, actor id, by_initiator)
    messages: list = field(default_factory=list)  # (kind, body, at, author id)
    decisions: list = field(default_factory=list)  # (outcome, at, author id)
    agreements: list = field(default_factory=list)  # (party, role, due, done, created_at)
    grant: tuple | None = None  # (fund id, amount, status, paid_at)
    satisfaction: tuple | None = None  # (score, comment, at)
    themes: list = field(default_factory=list)
    cost_lines: list = field(default_factory=list)  # (description, amount)


@dataclass
class Seeded:
    """What the benches need to know about the seeded data."""

    url: str
    now: datetime
    initiatives: int
    municipalities: int
    villages: int
    officer: object  # officer-0-0: contact officer of the first municipality, is_staff + view permission
    coordinator: object
    superuser: object
    facilitator: object
    municipality: object
    village: object
    heavy_token: str
    typical_token: str
    heavy: object
    typical: object
    rows: dict
    seconds: float
    open_at_seed: int = 0
    open_added: int = 0
    open_seconds: float = 0.0

    def data_line(self) -> str:
        rows = self.rows
        added = ""
        if self.open_added:
            added = (
                f" For the reminder sweep, {self.open_added:,} open initiatives were added after the page "
                f"timings ({self.open_seconds:.0f} s), so that {rows['open']:,} are open "
                f"({self.initiatives + self.open_added:,} in all)."
            )
        return (
            f"{self.initiatives:,} initiatives over every status and two years ({self.open_at_seed:,} open), "
            f"{self.municipalities} municipalities, {self.villages:,} villages, 3 contact officers + 1 coordinator "
            f"per municipality, a superuser and a DKK facilitator of all municipalities; "
            f"{rows['status_changes']:,} status changes, {rows['messages']:,} messages, "
            f"{rows['decisions']:,} decisions, {rows['agreements']:,} agreements, {rows['grants']:,} grants, "
            f"{rows['satisfaction']:,} satisfaction answers, {rows['tracking_tokens']:,} tracking links, "
            f"{rows['published']:,} may be published; {rows['trajectories']} trajectories with "
            f"{rows['stages']} stages, {rows['members']} progress-group members, {rows['meetings']} meetings, "
            f"{rows['action_items']} action items, {rows['scans']} scans with {rows['scan_scores']:,} scores. "
            f"Seeded in {self.seconds:.0f} s (`bench/seed.py`).{added}"
        )


class Builder:
    """Makes initiatives with their stories; holds the reference data it draws from."""

    def __init__(self, rng: random.Random, now: datetime):
        from zoneinfo import ZoneInfo

        from django.conf import settings

        from core.working_days import working_days_between
        from initiatives.constants import MunicipalRole
        from initiatives.models import ReferenceSequence, Theme
        from municipalities.constants import OfficerRole
        from municipalities.models import Fund, Municipality, OfficerMembership
        from villages.models import Village

        self.rng, self.now = rng, now
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.roles = [role.value for role in MunicipalRole]
        self.municipalities = {m.pk: m for m in Municipality.objects.order_by("pk")}
        self.villages = list(Village.objects.order_by("pk").values_list("pk", "municipality_id"))
        self.themes = list(Theme.objects.order_by("pk").values_list("pk", flat=True))
        self.officers_of = {}
        for membership in OfficerMembership.objects.order_by("user__username"):
            if membership.role != OfficerRole.COORDINATOR:
                self.officers_of.setdefault(membership.municipality_id, []).append(membership.user_id)
        self.funds = {(f.municipality_id, f.year): (f.pk, f.max_per_initiative) for f in Fund.objects.all()}
        self.numbers = dict(ReferenceSequence.objects.values_list("year", "last_number"))
        self.due_dates = {}
        # Waiting for the initiator since at most the closing term: the daily sweep closes the
        # older ones, so in a live database only the last day's worth is due for closing.
        close_after = settings.WAITING_CLOSE_AFTER_WORKING_DAYS
        today = now.astimezone(self.zone).date()
        self.waiting_days = next(
            days
            for days in range(close_after, 10 * close_after)
            if working_days_between(today - timedelta(days=days + 1), today) > close_after
        )
        self.rows = dict.fromkeys(
            [
                "status_changes",
                "messages",
                "decisions",
                "agreements",
                "grants",
                "satisfaction",
                "tracking_tokens",
                "published",
                "cost_lines",
            ],
            0,
        )

    # --- one initiative ------------------------------------------------------------------------

    def reference(self, submitted: datetime) -> str:
        year = submitted.astimezone(self.zone).year
        self.numbers[year] = self.numbers.get(year, 0) + 1
        return f"{year}-{self.numbers[year]:05d}"

    def dues(self, municipality_id: int, submitted: datetime) -> tuple[date, date]:
        """The product's own due dates (working days, holidays); cached per municipality and day."""
        from initiatives.deadlines import initiative_due_dates

        key = (municipality_id, submitted.astimezone(self.zone).date())
        if key not in self.due_dates:
            self.due_dates[key] = initiative_due_dates(
                municipality=self.municipalities[municipality_id], submitted_at=submitted
            )
        return self.due_dates[key]

    def plan(self, status: str, village=None):  # noqa: C901, PLR0912, PLR0915 - one story, told in order
        """(the initiative's row as a dict, its Story), for an initiative now in `status`."""
        from initiatives.constants import (
            AgreementParty,
            AgreementRole,
            DecisionOutcome,
            GrantStatus,
            MessageKind,
        )

        rng, now = self.rng, self.now
        village_id, municipality_id = village or self.villages[rng.randrange(len(self.villages))]
        officer = rng.choice(self.officers_of[municipality_id])
        story = Story()
        day, hour = timedelta(days=1), timedelta(hours=1)

        # When it was submitted and what happened since: a path over the workflow's edges.
        since = None
        if status in OPEN:
            if status == "submitted":
                submitted = now - timedelta(
                    days=rng.randint(0, 14), hours=rng.randint(0, 9), minutes=rng.randint(1, 59)
                )
                path = ["submitted"]
            elif status == "waiting_for_initiator":
                since = now - timedelta(days=rng.randint(1, self.waiting_days - 1), hours=rng.randint(0, 9))
                submitted = since - timedelta(days=rng.randint(3, 76), hours=rng.randint(0, 9))
                path = ["submitted", "intake", "in_conversation", "waiting_for_initiator"]
            else:
                submitted = now - timedelta(days=rng.randint(1, 120), hours=rng.randint(0, 9))
                path = ["submitted", "intake"] + (["in_conversation"] if status == "in_conversation" else [])
            answered = None if status == "submitted" else min(submitted + 2 * day, now - hour)
            end = since or (answered + (now - hour - answered) * rng.random() if answered else now - hour)
            assigned = officer if status != "submitted" and rng.random() < 0.7 else None
        else:
            submitted = now - timedelta(days=rng.randint(20, 730), hours=rng.randint(0, 9))
            span = now - submitted
            answered = submitted + timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 6))
            end = submitted + span * (0.6 if status in ("decided", "in_progress") else 0.9)
            assigned = officer
            draw = rng.random()
            if status == "closed":
                path = (
                    ["submitted", "intake", "in_conversation", "decided", "in_progress", "realised", "closed"]
                    if draw < 0.5
                    else ["submitted", "intake", "in_conversation", "decided", "closed"]
                    if draw < 0.75
                    else ["submitted", "intake", "in_conversation", "waiting_for_initiator", "closed"]
                )
            elif status == "withdrawn":
                path = (
                    ["submitted", "intake", "withdrawn"]
                    if draw < 0.5
                    else ["submitted", "intake", "in_conversation", "withdrawn"]
                )
            else:
                path = ["submitted", "intake", "in_conversation", "decided", "in_progress", "realised"]
                path = path[: path.index(status) + 1]
        times = [submitted]
        if len(path) > 1:
            times.append(answered)
            later = len(path) - 2
            times += [answered + (end - answered) * k / later for k in range(1, later + 1)]
        if since is not None:
            times[-1] = since
        actor = assigned or officer
        story.steps = [
            (path[k - 1] if k else "", to, times[k], actor if k else None, k == 0) for k, to in enumerate(path)
        ]

        decided_at = times[path.index("decided")] if "decided" in path else None
        first_response_due, decision_due = self.dues(municipality_id, submitted)
        asks_money = rng.random() < 0.4
        total = Decimal(rng.randint(10, 400) * 50) if asks_money else Decimal("0")
        requested = (total * Decimal("0.6")).quantize(Decimal("1")) if asks_money else Decimal("0")
        if asks_money:
            part = (total * Decimal(rng.choice(["0.4", "0.5", "0.7"]))).quantize(Decimal("1"))
            story.cost_lines = [("Materiaal", part), ("Inhuur en vergunningen", total - part)]
        consent = rng.random() < 0.5
        row = {
            "created_at": submitted,
            "updated_at": times[-1],
            "reference": self.reference(submitted),
            "title": f"{rng.choice(SUBJECTS)} {rng.choice(PLACES)} {rng.choice(WHAT)}",
            "goal": "Meer ontmoeting in het dorp en een plek waar jong en oud samenkomen.",
            "description": "Bewoners willen samen iets doen voor het dorp. " * 4,
            "target_group": "Alle inwoners",
            "village_id": village_id,
            "municipality_id": municipality_id,
            "initiator_name": f"Bewoner {rng.randrange(10**6)}",
            "initiator_email": "" if rng.random() < 0.05 else f"bewoner{rng.randrange(10**8)}@bench.example",
            "asks_advice": rng.random() < 0.5,
            "asks_money": asks_money,
            "asks_permits": rng.random() < 0.2,
            "asks_space": rng.random() < 0.2,
            "asks_network": rng.random() < 0.3,
            "asks_process": rng.random() < 0.3,
            "total_cost": total,
            "amount_requested": requested,
            "own_contribution_money": total - requested,
            "own_contribution_hours": rng.randint(0, 400),
            "publication_consent": consent,
            # An officer approved the publication of those they took up; new ones wait for review.
            "publication": "approved" if consent and status != "submitted" else "pending",
            "privacy_acknowledged_at": submitted,
            "status": status,
            "assigned_officer_id": assigned,
            "municipal_role": rng.choice(self.roles) if decided_at or rng.random() < 0.3 else "",
            "submitted_at": submitted,
            "first_response_due": first_response_due,
            "decision_due": decision_due,
            "first_response_at": answered,
            "decided_at": decided_at,
            "closed_at": times[-1] if status in ("closed", "withdrawn") else None,
        }
        self.rows["published"] += consent and status not in ("withdrawn", "submitted")
        story.themes = rng.sample(self.themes, rng.choice((1, 1, 2)))

        # Messages: the initiator's question, the officer's answers, sometimes an internal note.
        story.messages.append(
            (MessageKind.FROM_INITIATOR, "Wanneer hoor ik iets over ons initiatief?", min(submitted + day, end), None)
        )
        if answered:
            story.messages.append(
                (MessageKind.TO_INITIATOR, "Dank voor uw initiatief! Ik bel u deze week.", answered, actor)
            )
            if rng.random() < 0.1:
                story.messages.append(
                    (MessageKind.INTERNAL_NOTE, "Afstemmen met openbare ruimte.", answered + hour, actor)
                )
        if since:
            story.messages.append((MessageKind.TO_INITIATOR, "Wilt u de begroting nog aanvullen?", since, actor))

        # A decision, with money from the fund when it was asked and supported.
        if decided_at:
            if status == "closed" and path[-2] == "decided":
                outcome = DecisionOutcome.NOT_SUPPORTED
            else:
                outcome = DecisionOutcome.SUPPORTED if rng.random() < 0.8 else DecisionOutcome.PARTLY_SUPPORTED
            story.decisions.append((outcome, decided_at, actor))
            story.messages.append(
                (
                    MessageKind.TO_INITIATOR,
                    "Het college heeft besloten; de motivering staat hieronder.",
                    decided_at,
                    actor,
                )
            )
            fund = self.funds.get((municipality_id, decided_at.astimezone(self.zone).year))
            if asks_money and outcome != DecisionOutcome.NOT_SUPPORTED and fund and requested > 0:
                paid = status in ("realised", "closed")
                story.grant = (
                    fund[0],
                    min(requested, fund[1]),
                    GrantStatus.PAID if paid else GrantStatus.COMMITTED,
                    times[-1] if paid else None,
                )

        # Agreements: a quarter of the conversations, half of what is decided or carried out.
        if status == "in_conversation" and rng.random() < 0.25:
            party = AgreementParty.INITIATOR if rng.random() < 1 / 3 else AgreementParty.MUNICIPALITY
            role = AgreementRole.MAKE_PLAN if party == AgreementParty.INITIATOR else AgreementRole.FACILITATE
            story.agreements.append((party, role, now.date() + timedelta(days=rng.randint(0, 60)), False, answered))
        elif status in ("decided", "in_progress") and rng.random() < 0.5:
            for _k in range(rng.randint(1, 2)):
                due = decided_at.date() + timedelta(days=rng.randint(7, 90))
                story.agreements.append(
                    (AgreementParty.MUNICIPALITY, AgreementRole.MAKE_POSSIBLE, due, due < now.date(), decided_at)
                )

        # The initiator's answer on how it went, for some of the closed ones.
        if status in ("closed", "realised") and rng.random() < 0.3:
            score = rng.choices([5, 4, 3, 2, 1], [30, 35, 15, 12, 8])[0]
            comment = "Fijn contact met de gemeente." if rng.random() < 0.2 else ""
            story.satisfaction = (score, comment, min(times[-1] + 3 * day, now - hour))
        return row, story

    # --- writing -------------------------------------------------------------------------------

    def write(self, plans: list) -> list[int]:
        """Every row of `plans` [(row, story)], with COPY; returns the initiatives' ids."""
        from initiatives.constants import AgreementRole, MessageKind
        from initiatives.models import (
            Agreement,
            CostLine,
            Decision,
            Grant,
            Initiative,
            Message,
            Satisfaction,
            StatusChange,
            TrackingToken,
            tracking_token_hash,
        )

        initiatives = Copier(Initiative, with_id=True)
        ids = initiatives.reserve(len(plans))
        for pk, (row, story) in zip(ids, plans, strict=True):
            row["id"] = pk
            # No read marks are seeded: the initiator's messages are all new to the assigned officer.
            row["assignee_has_new_reply"] = row.get("assigned_officer_id") is not None and any(
                kind == MessageKind.FROM_INITIATOR for kind, _body, _at, _author in story.messages
            )
        initiatives.write(row for row, _story in plans)
        pairs = [(row["id"], story) for row, story in plans]
        self.rows["status_changes"] += Copier(StatusChange).write(
            {
                "initiative_id": pk,
                "from_status": source,
                "to_status": target,
                "created_at": at,
                "actor_id": actor,
                "by_initiator": by_initiator,
            }
            for pk, story in pairs
            for source, target, at, actor, by_initiator in story.steps
        )
        self.rows["messages"] += Copier(Message).write(
            {"initiative_id": pk, "kind": kind, "body": body, "created_at": at, "author_id": author}
            for pk, story in pairs
            for kind, body, at, author in story.messages
        )
        decisions = Copier(Decision, with_id=True)
        decided = [(pk, decision) for pk, story in pairs for decision in story.decisions]
        decision_ids = decisions.reserve(len(decided)) if decided else []
        latest = {}  # the initiative's last decision: the one its grant follows
        for decision_id, (pk, _decision) in zip(decision_ids, decided, strict=True):
            latest[pk] = decision_id
        self.rows["decisions"] += decisions.write(
            {
                "id": decision_id,
                "initiative_id": pk,
                "outcome": outcome,
                "motivation": "Het initiatief past bij de dorpsvisie en het fonds leefbaarheid.",
                "decided_by_id": author,
                "decided_at": at,
            }
            for decision_id, (pk, (outcome, at, author)) in zip(decision_ids, decided, strict=True)
        )
        self.rows["grants"] += Copier(Grant).write(
            {
                "initiative_id": pk,
                "decision_id": latest[pk],
                "fund_id": fund_id,
                "amount": amount,
                "status": status,
                "paid_at": paid_at,
                "created_at": story.decisions[-1][1],
                "updated_at": paid_at or story.decisions[-1][1],
            }
            for pk, story in pairs
            if story.grant
            for fund_id, amount, status, paid_at in [story.grant]
        )
        tz = self.now.tzinfo
        self.rows["agreements"] += Copier(Agreement).write(
            {
                "initiative_id": pk,
                "party": party,
                "role": role,
                "description": "Begroting aanvullen" if role == AgreementRole.MAKE_PLAN else "Offerte opvragen",
                "due_date": due,
                "done": done,
                "done_at": datetime.combine(due, datetime.min.time(), tzinfo=tz) if done else None,
                "created_at": created,
                "updated_at": created,
            }
            for pk, story in pairs
            for party, role, due, done, created in story.agreements
        )
        self.rows["satisfaction"] += Copier(Satisfaction).write(
            {"initiative_id": pk, "score": score, "comment": comment, "answered_at": at}
            for pk, story in pairs
            if story.satisfaction
            for score, comment, at in [story.satisfaction]
        )
        self.rows["cost_lines"] += Copier(CostLine).write(
            {"initiative_id": pk, "description": description, "amount": amount}
            for pk, story in pairs
            for description, amount in story.cost_lines
        )
        Copier(Initiative.themes.through).write(
            {"initiative_id": pk, "theme_id": theme} for pk, story in pairs for theme in story.themes
        )
        # Everyone got a private link when they submitted; only its hash is stored.
        self.rows["tracking_tokens"] += Copier(TrackingToken).write(
            {
                "initiative_id": row["id"],
                "token_hash": tracking_token_hash(f"bench:{row['reference']}"),
                "created_at": row["submitted_at"],
            }
            for row, _story in plans
        )
        return ids

    def add(self, count: int, shares: list[tuple[str, float]], clock: Clock, label: str) -> None:
        statuses = [status for status, _share in shares]
        weights = [share for _status, share in shares]
        created = 0
        with fast_writes(), without_secondary_indexes(bulk_tables(), clock):
            while created < count:
                size = min(BATCH, count - created)
                self.write([self.plan(status) for status in self.rng.choices(statuses, weights, k=size)])
                created += size
                clock.say(f"{label} {created:,}/{count:,}")
        self.save_numbers()

    def save_numbers(self) -> None:
        from initiatives.models import ReferenceSequence

        ReferenceSequence.objects.bulk_create(
            [ReferenceSequence(year=year, last_number=number) for year, number in self.numbers.items()],
            update_conflicts=True,
            unique_fields=["year"],
            update_fields=["last_number"],
        )


# --- the two initiatives the tracking page is measured on ----------------------------------------


def followed_initiatives(builder: Builder):
    """A heavy story (13 status changes, 24 messages, two decisions) and a typical one, both in
    the first municipality; their private links minted as the product mints them."""
    from initiatives.constants import AgreementParty, AgreementRole, DecisionOutcome, GrantStatus, MessageKind
    from initiatives.models import Initiative
    from initiatives.services.submission import tracking_token_issue

    now = builder.now
    day = timedelta(days=1)
    village = next(v for v in builder.villages if v[1] == min(builder.municipalities))
    officer = builder.officers_of[village[1]][0]

    heavy, story = builder.plan("in_progress", village)
    start = now - 300 * day
    path = [
        "submitted",
        "intake",
        "in_conversation",
        "waiting_for_initiator",
        "in_conversation",
        "waiting_for_initiator",
        "in_conversation",
        "waiting_for_initiator",
        "in_conversation",
        "decided",
        "in_conversation",
        "decided",
        "in_progress",
    ]
    times = [start + timedelta(days=20 * k + 1) for k in range(len(path))]
    story.steps = [
        (path[k - 1] if k else "", to, at, officer if k else None, k == 0)
        for k, (to, at) in enumerate(zip(path, times, strict=True))
    ]
    story.messages = []
    for k in range(24):
        at = start + timedelta(days=12 * k + 2, hours=3)
        if k % 8 == 7:
            story.messages.append((MessageKind.INTERNAL_NOTE, "Intern: afgestemd met beheer.", at, officer))
        elif k % 2:
            story.messages.append(
                (MessageKind.TO_INITIATOR, f"Antwoord {k}: dank, we kijken ernaar. " * 3, at, officer)
            )
        else:
            story.messages.append((MessageKind.FROM_INITIATOR, f"Vraag {k}: hoe staat het ervoor? " * 3, at, None))
    story.decisions = [
        (DecisionOutcome.PARTLY_SUPPORTED, times[9], officer),
        (DecisionOutcome.SUPPORTED, times[11], officer),
    ]
    story.agreements = [
        (AgreementParty.MUNICIPALITY, AgreementRole.FACILITATE, (times[11] + 30 * day).date(), True, times[11]),
        (AgreementParty.MUNICIPALITY, AgreementRole.MAKE_POSSIBLE, (now + 20 * day).date(), False, times[11]),
        (AgreementParty.INITIATOR, AgreementRole.CARRY_OUT, (now + 40 * day).date(), False, times[11]),
        (AgreementParty.INITIATOR, AgreementRole.PERSEVERE, (now + 90 * day).date(), False, times[12]),
    ]
    story.themes = builder.themes[:3]
    story.cost_lines = [("Materiaal", Decimal("4000")), ("Inhuur", Decimal("2500")), ("Vergunning", Decimal("300"))]
    fund = builder.funds.get((village[1], times[11].astimezone(builder.zone).year))
    story.grant = (fund[0], Decimal("4000"), GrantStatus.COMMITTED, None) if fund else None
    story.satisfaction = None
    heavy.update(
        created_at=start,
        submitted_at=start,
        updated_at=times[-1],
        asks_money=True,
        total_cost=Decimal("6800"),
        amount_requested=Decimal("4000"),
        own_contribution_money=Decimal("2800"),
        first_response_at=times[1],
        decided_at=times[11],
        assigned_officer_id=officer,
        publication_consent=True,
        publication="approved",
    )
    heavy["first_response_due"], heavy["decision_due"] = builder.dues(village[1], start)

    typical, typical_story = builder.plan("in_conversation", village)
    typical.update(assigned_officer_id=officer, publication_consent=True, publication="approved")
    typical_story.agreements = typical_story.agreements or [
        (
            AgreementParty.INITIATOR,
            AgreementRole.MAKE_PLAN,
            (now + 14 * day).date(),
            False,
            typical["first_response_at"],
        )
    ]
    heavy_id, typical_id = builder.write([(heavy, story), (typical, typical_story)])
    builder.save_numbers()
    heavy, typical = Initiative.objects.get(pk=heavy_id), Initiative.objects.get(pk=typical_id)
    return heavy, tracking_token_issue(initiative=heavy), typical, tracking_token_issue(initiative=typical)


# --- trajectories ---------------------------------------------------------------------------------


def seed_trajectories(rng: random.Random, now: datetime, facilitator, clock: Clock) -> dict:  # noqa: C901, PLR0915
    """One VO trajectory per municipality: stages and checklist by the product's service."""
    import secrets

    from django.db.models import Q

    from initiatives.models import Initiative
    from municipalities.models import Municipality
    from villages.models import Village
    from vision.constants import (
        STAGE_ORDER,
        MeetingKind,
        MemberCategory,
        ScanItem,
        ScanKind,
        Stage,
        StageStatus,
        TrajectoryKind,
        TrajectoryStatus,
        VisionSectionKey,
        VisionStatus,
    )
    from vision.models import (
        ActionItem,
        Attendance,
        Case,
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
    from vision.services.trajectories import trajectory_ensure_stages

    today = now.date()
    day = timedelta(days=1)
    municipalities = list(Municipality.objects.order_by("pk"))
    trajectories = []
    for n, municipality in enumerate(municipalities):
        # 40 active (every stage), 5 planned, 5 completed.
        if n % 10 == 8:
            status, stage = TrajectoryStatus.PLANNED, Stage.INTAKE
        elif n % 10 == 9:
            status, stage = TrajectoryStatus.ACTIVE, Stage.IMPLEMENTATION  # completed below
        else:
            status, stage = TrajectoryStatus.ACTIVE, STAGE_ORDER[n % len(STAGE_ORDER)]
        started = (
            None if status == TrajectoryStatus.PLANNED else today - timedelta(days=60 + 70 * STAGE_ORDER.index(stage))
        )
        trajectory = Trajectory.objects.create(
            municipality=municipality,
            kind=TrajectoryKind.VO if n % 5 else TrajectoryKind.DIA_LOCAL_INITIATIVE,
            title=f"Verdiepingsslag overheidsparticipatie {municipality.name}",
            facilitator=facilitator,
            status=status,
            current_stage=stage,
            started_on=started,
            local_support_cost=None if n % 5 else Decimal("8000.00"),
        )
        trajectory_ensure_stages(trajectory=trajectory, actor=facilitator.user)
        if n % 10 == 9:
            trajectory.stages.update(status=StageStatus.COMPLETED, actual_end=today - 30 * day)
            StageDeliverable.objects.filter(stage__trajectory=trajectory).update(done=True, done_at=now - 30 * day)
            trajectory.status, trajectory.ended_on = TrajectoryStatus.COMPLETED, today - 30 * day
            trajectory.save(update_fields=["status", "ended_on"])
        trajectories.append(trajectory)
    clock.say(f"{len(trajectories)} trajectories with their stages and checklists (trajectory_ensure_stages)")

    members, plans = [], {}
    for n, trajectory in enumerate(trajectories):
        categories = list(MemberCategory)
        if n % 4 == 0:  # a group that misses a category
            categories.remove(categories[n % len(categories)])
        group = []
        joined = (trajectory.started_on or today) - 10 * day
        for k, category in enumerate([*categories, MemberCategory.CITIZEN_INITIATIVES, MemberCategory.COUNCIL]):
            group.append(
                ProgressGroupMember(
                    trajectory=trajectory,
                    name=f"Lid {k} {trajectory.municipality.name}",
                    email=f"lid{k}-{trajectory.pk}@bench.example",
                    organisation="Dorpsraad" if category == MemberCategory.VILLAGE_COUNCIL else "",
                    category=category,
                    user=facilitator.user if category == MemberCategory.FACILITATOR else None,
                    joined_on=joined,
                    left_on=joined + 40 * day if k == len(categories) and trajectory.started_on else None,
                )
            )
        plans[trajectory.pk] = group
        members += group
    members = ProgressGroupMember.objects.bulk_create(members)
    clock.say(f"{len(members)} progress-group members")

    meetings, attendance, actions = [], [], []
    for n, trajectory in enumerate(trajectories):
        if trajectory.status == TrajectoryStatus.PLANNED:
            continue
        for k, offset in enumerate((-60, -20, 14 + n % 7, 50)):
            starts = datetime.combine(
                today + timedelta(days=offset), datetime.min.time(), tzinfo=now.tzinfo
            ) + timedelta(hours=19, minutes=30)
            meetings.append(
                Meeting(
                    trajectory=trajectory,
                    kind=MeetingKind.PROGRESS_GROUP if k % 2 == 0 else MeetingKind.ACTIVE_RESIDENTS,
                    title=f"Voortgangsgroep {k + 1}",
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    location="Dorpshuis",
                    agenda="1. Opening\n2. Voortgang\n3. Rondvraag",
                    minutes="Besproken: de voorbeelden en de planning." if offset < 0 else "",
                    minutes_published_at=starts + 3 * day if offset < 0 else None,
                )
            )
    meetings = Meeting.objects.bulk_create(meetings)
    for meeting in meetings:
        group = [m for m in plans[meeting.trajectory_id] if m.left_on is None]
        past = meeting.starts_at < now
        for member in group:
            attendance.append(
                Attendance(
                    meeting=meeting,
                    member=member,
                    invited_at=meeting.starts_at - 14 * day,
                    attended=True if past else None,
                )
            )
        if past:
            for k in range(3):
                due = meeting.starts_at.date() + timedelta(days=14 * (k + 1))
                actions.append(
                    ActionItem(
                        trajectory_id=meeting.trajectory_id,
                        meeting=meeting,
                        description=f"Actie {k + 1}: voorbeelden uitwerken",
                        owner=group[k % len(group)],
                        due_date=due,
                        done=k == 0,
                        done_at=meeting.starts_at + 7 * day if k == 0 else None,
                    )
                )
    Attendance.objects.bulk_create(attendance)
    ActionItem.objects.bulk_create(actions)
    clock.say(f"{len(meetings)} meetings, {len(attendance)} invitations, {len(actions)} action items")

    # Cases from below, a vision for the later stages, scans for the groups that are formed.
    cases, sections, invitations, scores, scans = [], [], [], [], 0
    for trajectory in trajectories:
        index = STAGE_ORDER.index(trajectory.current_stage)
        if trajectory.status == TrajectoryStatus.PLANNED:
            continue
        villages = list(Village.objects.filter(municipality=trajectory.municipality_id).order_by("pk")[:3])
        initiatives = list(
            Initiative.objects.filter(Q(municipality=trajectory.municipality_id), status="realised").order_by("pk")[:3]
        )
        for k, village in enumerate(villages):
            cases.append(
                Case(
                    trajectory=trajectory,
                    title=f"Voorbeeld {k + 1}: {village.name}",
                    description="Bewoners namen het voortouw.",
                    government_role="De gemeente dacht mee en regelde de vergunning.",
                    initiators_role="De dorpsraad organiseerde de uitvoering.",
                    lessons="Vroeg contact scheelt tijd.",
                    village=village,
                    initiative=initiatives[k] if k < len(initiatives) else None,
                )
            )
        if index >= STAGE_ORDER.index(Stage.VISION):
            document = VisionDocument.objects.create(trajectory=trajectory, title="Visie op overheidsparticipatie")
            versions = [VisionVersion.objects.create(document=document, number=1, status=VisionStatus.DRAFT)]
            if index == len(STAGE_ORDER) - 1:
                versions.append(
                    VisionVersion.objects.create(
                        document=document, number=2, status=VisionStatus.ADOPTED, adopted_on=today - 40 * day
                    )
                )
            sections += [
                VisionSection(version=version, key=key, body="Wij werken samen met inwoners. " * 20)
                for version in versions
                for key in VisionSectionKey
            ]
        if index >= STAGE_ORDER.index(Stage.PROGRESS_GROUP):
            scorers = [
                m for m in plans[trajectory.pk] if m.category != MemberCategory.FACILITATOR and m.left_on is None
            ]
            kinds = [ScanKind.BASELINE] + ([ScanKind.FOLLOW_UP] if index == len(STAGE_ORDER) - 1 else [])
            for kind in kinds:
                opened = today - timedelta(days=100 if kind == ScanKind.BASELINE else 15)
                scan = Scan.objects.create(
                    trajectory=trajectory,
                    kind=kind,
                    opened_on=opened,
                    closed_on=opened + 21 * day if kind == ScanKind.BASELINE else None,
                )
                scans += 1
                for position, member in enumerate(scorers):
                    answered = position < len(scorers) - 2
                    invitations.append(
                        ScanInvitation(
                            scan=scan,
                            member=member,
                            token_hash=hashlib.sha256(secrets.token_urlsafe(32).encode()).hexdigest(),
                            sent_at=now - timedelta(days=(today - opened).days),
                            used_at=now - timedelta(days=(today - opened).days - 3) if answered else None,
                        )
                    )
    Case.objects.bulk_create(cases)
    VisionSection.objects.bulk_create(sections)
    invitations = ScanInvitation.objects.bulk_create(invitations)
    for invitation in invitations:
        if invitation.used_at is None:
            continue
        for item in ScanItem:
            scores.append(
                ScanScore(
                    scan_id=invitation.scan_id,
                    category=invitation.member.category,
                    item=item,
                    score=min(5, max(1, round(rng.gauss(3, 1)))),
                )
            )
    ScanScore.objects.bulk_create(scores)
    clock.say(f"{len(cases)} cases, {scans} scans, {len(invitations)} scan invitations, {len(scores)} scores")
    return {
        "trajectories": len(trajectories),
        "stages": TrajectoryStage.objects.count(),
        "members": len(members),
        "meetings": len(meetings),
        "action_items": len(actions),
        "scans": scans,
        "scan_scores": len(scores),
    }


# --- a budget round with its results --------------------------------------------------------------

BUDGET_PROJECTS = 8  # per village on the ballot
BUDGET_BALLOTS = 300  # per village, each choosing BUDGET_CHOICES projects
BUDGET_CHOICES = 4


def seed_budget_round(now: datetime, clock: Clock) -> dict:
    """A village-budget round in the first municipality whose voting closed a minute ago, its
    results computed by the product's `round_results_compute` (the count, the rule, the
    winners' decisions and grants, the results mails): every village of that municipality
    with a budget, `BUDGET_PROJECTS` projects each (open initiatives made by the seed's own
    generator, with their history) and `BUDGET_BALLOTS` confirmed ballots of `BUDGET_CHOICES`
    choices. Its size does not depend on `--initiatives`, so the budget results page can be
    compared between a small and a large seed."""
    from budgets.constants import Feasibility
    from budgets.models import Ballot, BallotChoice, BudgetRound, Project, VillageBudget, email_hash
    from budgets.services.results import round_results_compute
    from municipalities.constants import OfficerRole
    from municipalities.models import Fund, Municipality, OfficerMembership
    from villages.models import Village

    rng = random.Random(SEED + 2)
    day = timedelta(days=1)
    municipality = Municipality.objects.order_by("pk").first()
    coordinator = (
        OfficerMembership.objects.filter(municipality=municipality, role=OfficerRole.COORDINATOR)
        .order_by("pk")
        .first()
        .user
    )
    villages = list(Village.objects.filter(municipality=municipality).order_by("pk"))
    per_village = Decimal("50000")
    fund = Fund.objects.create(
        municipality=municipality, name="Dorpsbudgetten", year=now.year, budget=per_village * len(villages)
    )
    round = BudgetRound.objects.create(
        municipality=municipality,
        fund=fund,
        name="Dorpsbudget",
        year=now.year,
        total=per_village * len(villages),
        ideas_from=(now - 90 * day).date(),
        ideas_until=(now - 60 * day).date(),
        voting_from=now - 30 * day,
        voting_until=now - timedelta(minutes=1),
        created_by=coordinator,
    )
    budgets = VillageBudget.objects.bulk_create(
        VillageBudget(round=round, village=village, amount=per_village) for village in villages
    )
    builder = Builder(rng, now)
    plans = [
        builder.plan("intake", (village.pk, municipality.pk)) for village in villages for _ in range(BUDGET_PROJECTS)
    ]
    with fast_writes():
        ids = builder.write(plans)
    builder.save_numbers()
    projects = Project.objects.bulk_create(
        Project(
            round=round,
            village_budget=budgets[index // BUDGET_PROJECTS],
            initiative_id=pk,
            feasibility=Feasibility.FEASIBLE,
            review_reason="Haalbaar.",
            cost_estimate=Decimal(rng.randrange(5_000, 25_000, 500)),
            reviewed_by=coordinator,
            reviewed_at=now - 55 * day,
        )
        for index, pk in enumerate(ids)
    )
    weights = [1 + (k % 5) for k in range(BUDGET_PROJECTS)]  # some projects are more popular
    choices, ballots = [], 0
    for index, budget in enumerate(budgets):
        mine = projects[index * BUDGET_PROJECTS : (index + 1) * BUDGET_PROJECTS]
        cast = Ballot.objects.bulk_create(
            Ballot(
                round=round,
                village_budget=budget,
                email=f"kiezer{index}-{n}@bench.example",
                email_hash=email_hash(f"kiezer{index}-{n}@bench.example"),
                created_at=now - timedelta(days=rng.randint(2, 29)),
                confirmed_at=now - day,
                wants_results=rng.random() < 0.05,
            )
            for n in range(BUDGET_BALLOTS)
        )
        ballots += len(cast)
        for ballot in cast:
            chosen = set()
            while len(chosen) < BUDGET_CHOICES:
                chosen.add(rng.choices(range(BUDGET_PROJECTS), weights)[0])
            choices += [BallotChoice(ballot=ballot, project=mine[k]) for k in sorted(chosen)]
    BallotChoice.objects.bulk_create(choices, batch_size=5000)
    round_results_compute(round=round, now=now)
    winners = Project.objects.filter(round=round, is_winner=True).count()
    clock.say(
        f"a budget round: {len(budgets)} villages, {len(projects)} projects, {ballots:,} ballots, "
        f"{len(choices):,} votes, results computed ({winners} winners)"
    )
    return {"budget_round": round.pk, "budget_villages": len(budgets), "budget_ballots": ballots}


# --- the whole seed -------------------------------------------------------------------------------


def seed(
    url: str,
    *,
    initiatives: int = 100_000,
    municipalities: int = 50,
    villages: int = 1_000,
    now: datetime | None = None,
    clock: Clock | None = None,
    budget_round: bool = False,
) -> Seeded:
    """Recreate the bench database at `url` (Django must be set up on it) and fill it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Permission
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from initiatives.models import Initiative, Theme
    from municipalities.constants import OfficerRole
    from municipalities.models import Fund, Municipality, OfficerMembership
    from villages.constants import AssociationLevel
    from villages.models import Association, Village
    from vision.models import Facilitator

    if initiatives < 2 or municipalities < 1 or villages < municipalities:
        raise ValueError("at least 2 initiatives, 1 municipality and a village per municipality")
    clock = clock or Clock()
    started = time.perf_counter()
    now = now or timezone.now()
    rng = random.Random(SEED)  # the same data on every run (relative to `now`)
    User = get_user_model()
    unusable = make_password(None)  # the benches log in with force_login

    recreate_database(url)
    call_command("migrate", verbosity=0)
    clock.say("database recreated and migrated")

    lvkk = Association.objects.create(name="LVKK", slug="lvkk", level=AssociationLevel.NATIONAL)
    dkk = Association.objects.create(
        name="Dorpen en Kernen Bench",
        short_name="DKK",
        slug="dkk-bench",
        level=AssociationLevel.PROVINCIAL,
        parent=lvkk,
    )
    Theme.objects.bulk_create(
        Theme(slug=slug, name_nl=nl, name_en=en, order=10 * k) for k, (slug, nl, en) in enumerate(THEMES, 1)
    )
    towns = Municipality.objects.bulk_create(
        Municipality(
            name=f"Gemeente {m:02d}",
            slug=f"gemeente-{m}",
            cbs_code=f"GM{m:04d}",
            supporting_association=dkk,
            contact_email=f"initiatieven@gemeente-{m}.nl",
            first_response_working_days=5,
            decision_term_weeks=8,
            role_statement="Wij denken mee en helpen waar het kan.",
        )
        for m in range(municipalities)
    )
    places = Village.objects.bulk_create(
        Village(name=f"Dorp {v:04d}", slug=f"dorp-{v}", municipality=towns[v % len(towns)], population=500 + v % 4000)
        for v in range(villages)
    )
    Fund.objects.bulk_create(
        Fund(
            municipality=town,
            name="Leefbaarheidsfonds",
            year=year,
            budget=Decimal("250000"),
            max_per_initiative=Decimal("5000"),
            is_open=year == now.year,
        )
        for town in towns
        for year in range(now.year - 2, now.year + 1)
    )

    # Three contact officers and a coordinator per municipality; the officers share 90% of the villages.
    users = User.objects.bulk_create(
        User(
            username=f"officer-{m}-{k}" if k < 3 else f"coordinator-{m}",
            first_name=f"Ambtenaar {k}" if k < 3 else "Coördinator",
            last_name=f"Gemeente {m:02d}",
            email=f"officer-{m}-{k}@bench.example",
            password=unusable,
        )
        for m in range(len(towns))
        for k in range(4)
    )
    memberships = OfficerMembership.objects.bulk_create(
        OfficerMembership(
            user=users[index * 4 + k],
            municipality=town,
            role=OfficerRole.CONTACT_OFFICER if k < 3 else OfficerRole.COORDINATOR,
            job_title="dorpsregisseur" if k < 3 else "coördinator",
        )
        for index, town in enumerate(towns)
        for k in range(4)
    )
    villages_of = {}
    for village in places:
        villages_of.setdefault(village.municipality_id, []).append(village)
    through = OfficerMembership.villages.through
    through.objects.bulk_create(
        through(officermembership_id=membership.pk, village_id=village.pk)
        for n, membership in enumerate(memberships)
        if membership.role == OfficerRole.CONTACT_OFFICER
        for v, village in enumerate(villages_of[membership.municipality_id])
        if v % 10 != 9 and v % 3 == n % 4
    )
    officer = users[0]
    officer.is_staff = True  # the same person opens the admin, with view permission only
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(
        Permission.objects.get(content_type__app_label="initiatives", codename="view_initiative")
    )
    superuser = User.objects.create_superuser("bench-admin", "admin@bench.example", None)
    facilitator_user = User.objects.create_user(
        "bench-facilitator", "facilitator@bench.example", None, first_name="Femke", last_name="Facilitator"
    )
    facilitator = Facilitator.objects.create(user=facilitator_user, association=dkk)
    clock.say(
        f"{len(towns)} municipalities, {len(places):,} villages, {len(users)} officers and coordinators, "
        "a superuser, a DKK facilitator"
    )

    builder = Builder(rng, now)
    builder.add(initiatives - 2, STATUS_SHARES, clock, "initiatives")
    heavy, heavy_token, typical, typical_token = followed_initiatives(builder)
    clock.say("two initiatives to follow by their private link (heavy and typical)")
    rows = dict(builder.rows)
    rows.update(seed_trajectories(rng, now, facilitator, clock))
    if budget_round:
        rows.update(seed_budget_round(now, clock))
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")  # planner statistics and visibility map, as autovacuum keeps them
    clock.say("VACUUM ANALYZE")
    rows["open"] = open_now = Initiative.objects.open().count()
    first = towns[0]
    return Seeded(
        url=url,
        now=now,
        initiatives=initiatives,
        municipalities=municipalities,
        villages=villages,
        officer=officer,
        coordinator=users[3],
        superuser=superuser,
        facilitator=facilitator_user,
        municipality=first,
        village=Village.objects.filter(municipality=first).order_by("pk").first(),
        heavy_token=heavy_token,
        typical_token=typical_token,
        heavy=heavy,
        typical=typical,
        rows=rows,
        seconds=time.perf_counter() - started,
        open_at_seed=open_now,
    )


def add_open_initiatives(seeded: Seeded, target: int, clock: Clock | None = None) -> int:
    """Add open initiatives (the generator's open shares) until `target` are open; returns how many."""
    from django.db import connection

    from initiatives.models import Initiative

    clock = clock or Clock()
    started = time.perf_counter()
    missing = target - Initiative.objects.open().count()
    if missing > 0:
        builder = Builder(random.Random(SEED + 1), seeded.now)
        builder.add(missing, [(s, share) for s, share in STATUS_SHARES if s in OPEN], clock, "open initiatives added")
        for key, value in builder.rows.items():
            seeded.rows[key] += value
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        clock.say("VACUUM ANALYZE")
    seeded.open_added = max(missing, 0)
    seeded.open_seconds = time.perf_counter() - started
    seeded.rows["open"] = Initiative.objects.open().count()
    return seeded.open_added


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Seed a bench database and keep it (see the module's docstring).")
    parser.add_argument("--initiatives", type=int, default=100_000)
    parser.add_argument("--open", type=int, default=0, help="then add open initiatives until this many are open")
    parser.add_argument("--municipalities", type=int, default=50)
    parser.add_argument("--villages", type=int, default=1_000)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"PostgreSQL only (default {DEFAULT_URL})")
    parser.add_argument(
        "--budget-round", action="store_true", help="add a village-budget round with its results (first municipality)"
    )
    return parser.parse_args(argv)


def main(argv=None):
    from common import split_url

    args = parse_args(argv)
    split_url(args.database_url)  # refuses anything but a PostgreSQL bench database
    setup_django(args.database_url)
    clock = Clock()
    print(f"seeding {args.initiatives:,} initiatives into {split_url(args.database_url)[0]}", flush=True)
    seeded = seed(
        args.database_url,
        initiatives=args.initiatives,
        municipalities=args.municipalities,
        villages=args.villages,
        clock=clock,
        budget_round=args.budget_round,
    )
    if args.open:
        add_open_initiatives(seeded, args.open, clock)
    print(seeded.data_line())
    print(f"tracking links: heavy /initiatieven/volg/{seeded.heavy_token}/")
    print(f"                typical /initiatieven/volg/{seeded.typical_token}/")


if __name__ == "__main__":
    main()
