import re
import uuid
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.choices import digest_sql, digests_supported
from core.models import AppendOnlyModel, TimeStampedModel
from initiatives.constants import (
    OPEN_STATUSES,
    AgreementParty,
    AgreementRole,
    DecisionOutcome,
    GrantStatus,
    HelpKind,
    IntakeChannel,
    Language,
    MessageKind,
    MunicipalRole,
    ProposalStatus,
    Publication,
    Status,
)
from municipalities.scoping import OFFICERS, MunicipalityScopedQuerySet, in_municipalities

MONEY = {"max_digits": 12, "decimal_places": 2}
# A single initiative asking more than this is a typing error, not a plan.
MAX_AMOUNT = Decimal("1000000.00")
MONEY_VALIDATORS = [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]


class Theme(models.Model):
    """A liveability theme (data, seeded from the domain's themes)."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "name_nl"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl


# Statuses an officer still works on: everything but the two ends of the road.
ACTIVE_STATUSES = frozenset(s for s in Status if s not in (Status.CLOSED, Status.WITHDRAWN))

# The two deadlines an initiative can miss (the officers' "overdue" filter uses these keys).
# A first response is owed until it is given, unless the initiative is closed or withdrawn; a
# decision is owed while the status is open (OPEN_STATUSES). Either is late from the day after
# its due date. `InitiativeQuerySet.overdue_*_q` write the rule in SQL and
# `Initiative.overdue_kinds` in Python, from these constants; tests/initiatives/test_models.py
# checks that the two agree.
OVERDUE_FIRST_RESPONSE = "first_response"
OVERDUE_DECISION = "decision"
NO_FIRST_RESPONSE_OWED = (Status.WITHDRAWN, Status.CLOSED)


class TextSearch(models.Expression):
    """The officers' text search on PostgreSQL, as one condition written as SQL in one piece.

    Its arms, each read from an index of its own (tests/initiatives/test_search_indexes.py):
    - whole words, with Dutch stemming (`websearch_to_tsquery` on the stored column
      `search_stems`; index init_muni_search_dutch, migrations 0023 and 0030), or when `within`
      names the municipalities the stems keyed by municipality (index init_search_stems,
      migration 0028). Not for a text that negates a word (`-kerk`): keyed for another of the
      municipalities, "not kerk" holds for every row;
    - a reference that starts with the text, case-insensitive, written as a range in the "C"
      collation, from UPPER(text) up to UPPER(text) followed by the highest character (index
      init_reference_prefix, migration 0019). Unlike LIKE 'TEXT%', whose index condition is
      only a first sieve, the range is exact, so PostgreSQL need not test every hit of the whole
      OR again row by row (bench/results/triage_list_profile.md);
    - the initiator's e-mail address, case-insensitive (init_email_upper);
    - the starts of words (`words`, "speel" finds "speeltuin"), without stemming: the stored
      column `search_words` (index init_search_all_words, migration 0030), or the words keyed by
      municipality when `within` names the municipalities (a list of ids or a query of ids;
      index init_search_words, migration 0025).
    Over every municipality the hits are many and PostgreSQL walks the newest rows testing each:
    the stored columns (generated, migration 0030) make that test a comparison instead of two
    tsvectors computed per row.
    `arms` picks some of them (the plan tests read one at a time).

    Built from Django's search expressions (SearchVector, SearchQuery, Collate, Concat, Func)
    the same condition cost 0.9 ms of CPU to build and 0.85 ms to compile, and a page compiles
    it twice: `/dashboard/?q=speeltuin` took 13.0 ms of CPU, now 11.1–12.1 (bench/profile_page.py,
    bench/results/triage_list_profile.md). The SQL is what those expressions wrote, to the letter
    where an index must recognise its expression.
    """

    output_field = models.BooleanField()
    conditional = True
    ARMS = ("stemmed", "reference", "email", "words")
    COLUMNS = ("title", "initiator_name", "initiator_email", "reference", "municipality_id")
    LAST_CHARACTER = "\U0010ffff"

    def __init__(self, text: str, words=(), *, within=None, arms=ARMS):
        super().__init__()
        self.text = text
        self.words = list(words)[:8]
        self.arms = tuple(arm for arm in arms if arm != "words" or self.words)
        self.within = within
        self.keyed_stems = within is not None and "-" not in text
        self.sources = [models.F(name) for name in self.COLUMNS]
        keyed = "words" in self.arms or ("stemmed" in self.arms and self.keyed_stems)
        if keyed and isinstance(within, models.QuerySet):
            from django.contrib.postgres.expressions import ArraySubquery

            self.sources.append(ArraySubquery(within))

    def get_source_expressions(self):
        return self.sources

    def set_source_expressions(self, expressions):
        self.sources = list(expressions)

    def as_sql(self, compiler, connection):
        columns = [compiler.compile(source) for source in self.sources[: len(self.COLUMNS)]]
        title, name, email, reference, municipality = (sql for sql, _params in columns)
        # The stored columns (not model fields) of the same table: `"alias"."title"` gives the alias.
        table = title.rsplit(".", 1)[0]
        params: list = []
        arms = []
        if "stemmed" in self.arms and self.keyed_stems:
            within_sql, within_params = self._within_sql(compiler)
            arms.append(
                f"(initiative_search_stems({municipality}, {title}, {name}, {email}) "
                f"@@ initiative_search_stems_query({within_sql}, %s))"
            )
            params += [*within_params, self.text]
        elif "stemmed" in self.arms:
            arms.append(f"{table}.\"search_stems\" @@ (websearch_to_tsquery('dutch'::regconfig, %s))")
            params.append(self.text)
        if "reference" in self.arms:
            arms.append(
                f'(UPPER({reference}) COLLATE "C" >= (UPPER(%s) COLLATE "C") '
                f'AND UPPER({reference}) COLLATE "C" < (UPPER(%s) || %s) COLLATE "C")'
            )
            params += [self.text, self.text, self.LAST_CHARACTER]
        if "email" in self.arms:
            arms.append(f"UPPER({email}::text) = UPPER(%s)")
            params.append(self.text)
        if "words" in self.arms:
            prefix = " & ".join(f"{word}:*" for word in self.words)
            if self.within is None:
                arms.append(f"({table}.\"search_words\" @@ to_tsquery('simple'::regconfig, %s))")
                params.append(prefix)
            else:
                within_sql, within_params = self._within_sql(compiler)
                words = f"initiative_search_words({municipality}, {title}, {name}, {email})"
                arms.append(f"({words} @@ initiative_search_query({within_sql}, %s))")
                params += [*within_params, prefix]
        return f"({' OR '.join(arms)})", params

    def _within_sql(self, compiler) -> tuple[str, list]:
        """The municipalities' ids as a bigint[]: a list is a constant, of which PostgreSQL
        computes the keyed query once while it plans; a query of ids is an array subquery."""
        if isinstance(self.within, models.QuerySet):
            array_sql, array_params = compiler.compile(self.sources[-1])
            return f"({array_sql})::bigint[]", list(array_params)
        return "%s::bigint[]", [[int(pk) for pk in self.within]]


def word_starts_q(words: list[str], *, within=None) -> models.Q:
    """Initiatives with words that start with each of `words` (`\\w+` only), in title, name or
    e-mail address, without stemming (PostgreSQL, migration 0025); `within` as in `TextSearch`."""
    return models.Q(TextSearch("", words, within=within, arms=("words",)))


class _InArray(models.Func):
    """`value = ANY(array)` as a condition of its own."""

    template = "(%(expressions)s))"
    arg_joiner = " = ANY("
    output_field = models.BooleanField()


# The SQL of the dashboard's counters per (database, scope key or SQL, user, day, …).
_COUNTER_STATEMENTS: dict[tuple, tuple] = {}
# The new-reply marks' compiled subquery per (database, user id, the row's id column).
_NEW_REPLY_MARKS: dict[tuple, tuple[str, tuple]] = {}


class NewReplyMark(models.Expression):
    """One of the row's new replies for a user (`InitiativeQuerySet.unseen_replies`), or NULL:
    the ORM's own subquery, compiled once per database, user and outer id column and then kept.

    As a `Subquery` in `annotate()` it was resolved and compiled again for every page: 0.8 ms of
    CPU per officers' list (bench/results/triage_list_profile.md, fifth round).
    This expression resolves only the row's id; the subquery is built, resolved against the
    query and compiled when it is first needed for that id column, and the same text with its
    parameters serves every later query. Its SQL depends on nothing else: the user id is a
    parameter of its own, and the outer query is referred to by the id column only (its inner
    aliases never shadow it: a query whose id column is written differently compiles its own).
    """

    output_field = models.BigIntegerField()

    def __init__(self, user_id: int):
        super().__init__()
        self.user_id = int(user_id)
        self.row_id = models.F("pk")

    def get_source_expressions(self):
        return [self.row_id]

    def set_source_expressions(self, expressions):
        (self.row_id,) = expressions

    def as_sql(self, compiler, connection):
        row_id_sql, _params = compiler.compile(self.row_id)
        key = (connection.alias, self.user_id, row_id_sql)
        kept = _NEW_REPLY_MARKS.get(key)
        if kept is None:
            replies = InitiativeQuerySet.unseen_replies(self.user_id).filter(initiative=models.OuterRef("pk"))
            subquery = models.Subquery(replies.order_by().values("pk")[:1]).resolve_expression(compiler.query)
            sql, params = compiler.compile(subquery)
            if len(_NEW_REPLY_MARKS) >= 1000:  # officers times queries: start again rather than grow
                _NEW_REPLY_MARKS.clear()
            kept = _NEW_REPLY_MARKS[key] = (sql, tuple(params))
        return kept[0], list(kept[1])


class InitiativeQuerySet(MunicipalityScopedQuerySet):
    audience = OFFICERS

    @staticmethod
    def published_q(prefix: str = "") -> models.Q:
        """What anyone may see: consent given, publication approved by an officer (or by the
        municipality's choice to publish without review), an active municipality, not withdrawn.

        `prefix` is the path to the initiative from another model (`"initiatives__"` from a village).
        """
        return models.Q(
            **{
                f"{prefix}publication_consent": True,
                f"{prefix}publication": Publication.APPROVED,
                f"{prefix}municipality__is_active": True,
            }
        ) & ~models.Q(**{f"{prefix}status": Status.WITHDRAWN})

    def published(self):
        return self.filter(self.published_q())

    @staticmethod
    def publication_review_q() -> models.Q:
        """Waiting for an officer's review: consent given, not reviewed yet, not withdrawn."""
        return models.Q(publication_consent=True, publication=Publication.PENDING) & ~models.Q(status=Status.WITHDRAWN)

    def awaiting_publication_review(self):
        return self.filter(self.publication_review_q())

    @staticmethod
    def approval_waiting_q() -> models.Q:
        """A decision proposal (a contribution above the mandate) waits for a coordinator."""
        pending = DecisionProposal.objects.filter(initiative=models.OuterRef("pk"), status=ProposalStatus.PENDING)
        return models.Q(models.Exists(pending))

    def awaiting_approval(self):
        return self.filter(self.approval_waiting_q())

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    # --- the officers' dashboard -----------------------------------------------------------

    @staticmethod
    def overdue_first_response_q(today) -> models.Q:
        """No first answer yet and the norm's day has passed (withdrawn and closed ones owe none)."""
        return models.Q(first_response_at__isnull=True, first_response_due__lt=today) & ~models.Q(
            status__in=NO_FIRST_RESPONSE_OWED
        )

    @staticmethod
    def overdue_decision_q(today) -> models.Q:
        """Still owed a decision and past the decision term: open, never decided (one that was
        decided and then reopened had its decision on time or late, but not still owed)."""
        return models.Q(status__in=OPEN_STATUSES, decided_at__isnull=True, decision_due__lt=today)

    @classmethod
    def overdue_q(cls, kind: str, today) -> models.Q:
        """The condition for one of the OVERDUE_* kinds."""
        rules = {OVERDUE_FIRST_RESPONSE: cls.overdue_first_response_q, OVERDUE_DECISION: cls.overdue_decision_q}
        return rules[kind](today)

    def overdue(self, kind: str, today):
        return self.filter(self.overdue_q(kind, today))

    def overdue_first_response(self, today):
        return self.overdue(OVERDUE_FIRST_RESPONSE, today)

    def overdue_decision(self, today):
        return self.overdue(OVERDUE_DECISION, today)

    def with_list_annotations(self, today=None):
        """What one row of the dashboard shows, in the same query: no query per row."""
        today = today or timezone.localdate()
        return self.select_related("village", "municipality", "assigned_officer").annotate(
            is_first_response_overdue=models.ExpressionWrapper(
                self.overdue_first_response_q(today), output_field=models.BooleanField()
            ),
            is_decision_overdue=models.ExpressionWrapper(
                self.overdue_decision_q(today), output_field=models.BooleanField()
            ),
        )

    @staticmethod
    def unseen_replies(user):
        """The initiator's messages written after `user` (a user or a user id) last opened the
        initiative's page (or all of them, if never): each initiative's new replies are these
        with its id."""
        seen_after = OfficerReadMark.objects.filter(
            user=user, initiative=models.OuterRef("initiative_id"), seen_at__gte=models.OuterRef("created_at")
        )
        return Message.objects.filter(kind=MessageKind.FROM_INITIATOR).exclude(models.Exists(seen_after))

    @staticmethod
    def new_replies_q(user) -> models.Q:
        """The initiator wrote after `user` last opened the initiative's page (or ever, if never)."""
        replies = InitiativeQuerySet.unseen_replies(user).filter(initiative=models.OuterRef("pk"))
        return models.Q(models.Exists(replies))

    def refresh_new_reply_flags(self) -> int:
        """Set `assignee_has_new_reply` of these initiatives from the messages and read marks:
        the initiator wrote after their assigned officer last opened the page. One UPDATE;
        after a change of officer, or to repair (the seeds, migration 0027)."""
        seen_after = OfficerReadMark.objects.filter(
            user=models.OuterRef(models.OuterRef("assigned_officer_id")),
            initiative=models.OuterRef("initiative_id"),
            seen_at__gte=models.OuterRef("created_at"),
        )
        unseen = Message.objects.filter(initiative=models.OuterRef("pk"), kind=MessageKind.FROM_INITIATOR).exclude(
            models.Exists(seen_after)
        )
        flag = models.Q(assigned_officer__isnull=False) & models.Exists(unseen)
        return self.update(assignee_has_new_reply=models.ExpressionWrapper(flag, output_field=models.BooleanField()))

    def with_new_replies(self, user):
        return self.annotate(
            has_new_reply=models.ExpressionWrapper(self.new_replies_q(user), output_field=models.BooleanField())
        )

    def with_new_reply_marks(self, user):
        """`new_reply_id`: one of the row's new replies for `user` (`unseen_replies`), or None.

        For a list's page: a subquery per row that PostgreSQL runs for the page's rows only
        (after the sort and the LIMIT). As an EXISTS column (`with_new_replies`) it was hashed
        over every initiator's message of the platform to mark 25 rows
        (bench/results/triage_list_profile.md)."""
        return self.annotate(new_reply_id=NewReplyMark(user.pk))

    def dashboard_counter_conditions(self, *, user, today) -> dict[str, models.Q]:
        """What each of the dashboard's counters counts (the list's filters show the same rows)."""
        return {
            "new_unassigned": models.Q(status=Status.SUBMITTED, assigned_officer__isnull=True),
            "mine": models.Q(assigned_officer=user, status__in=ACTIVE_STATUSES),
            "first_response_overdue": self.overdue_first_response_q(today),
            "decision_overdue": self.overdue_decision_q(today),
            "waiting": models.Q(status=Status.WAITING_FOR_INITIATOR),
            "publication_review": self.publication_review_q(),
            # The same rows as `assigned_officer=user` & `new_replies_q(user)`, kept as a flag.
            "new_replies": models.Q(assigned_officer=user, assignee_has_new_reply=True),
            "approval": self.approval_waiting_q(),
        }

    def dashboard_counters(
        self, *, user, today, digests_of=None, count_up_to: int | None = None, scope_key: tuple | None = None
    ) -> dict:
        """The dashboard's counters in one query: `SELECT (SELECT COUNT(*) ...), (SELECT ...)`.

        Each counter is a subquery of its own, so each finds its few rows through its own index
        (the partial indexes `init_count_*`, `init_officer_muni_status`, `msg_initiator_replies`)
        instead of one aggregate that reads every initiative in scope and tests each against all
        eight conditions
        (1 s for a platform admin's 100,000 initiatives: bench/results/triage_list_profile.md).

        Building the eight subqueries with the ORM took longer than running them, so the SQL is
        kept per scope (this queryset's own SQL), user and day: the same inputs give the same SQL.

        `count_up_to`: count each at most this far plus one (a platform admin's 19,000 overdue
        decisions need not all be read to say "more than 1000"): a value above it means "more".

        `scope_key`: what this queryset is limited to, when the caller knows it
        (`municipalities.scoping.officer_scope_key` of a `visible_to(user)` queryset): then the
        scope's SQL is not compiled to find the kept statement (0.2 ms).

        `digests_of`: (names, a function of no arguments that returns {name: a function that
        makes a values_list queryset}), querysets fixed by the scope and the user: on PostgreSQL the statement also
        gives the digest of each one's rows (core.choices), under its name.
        """
        from django.db import connections

        connection = connections[self.db]
        if scope_key is None:
            scope_sql, scope_params = self.order_by().values("pk").query.get_compiler(using=self.db).as_sql()
            scope_key = (scope_sql, tuple(scope_params))
        digest_names, digest_querysets = digests_of if digests_of and digests_supported(self) else ((), None)
        key = (self.db, scope_key, user.pk, user.is_superuser, today)
        key += (tuple(digest_names), count_up_to)
        statement = _COUNTER_STATEMENTS.get(key)
        if statement is None:
            conditions = self.dashboard_counter_conditions(user=user, today=today)
            parts, params = [], []
            for name, condition in conditions.items():
                rows = self.filter(condition).order_by().values("pk")
                if count_up_to is not None:
                    rows = rows[: count_up_to + 1]
                sql, part_params = rows.query.get_compiler(using=self.db).as_sql()
                # The ORM's own SQL (values as parameters) and a quoted constant name: nothing typed goes in.
                parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted) AS {connection.ops.quote_name(name)}")  # noqa: S608
                params.extend(part_params)
            if digest_querysets is not None:
                querysets = digest_querysets()
                for name in digest_names:
                    sql, part_params = digest_sql(querysets[name]())
                    parts.append(f"{sql} AS {connection.ops.quote_name(f'digest_{name}')}")
                    params.extend(part_params)
            names = (*conditions, *(f"digest_{name}" for name in digest_names))
            statement = (names, f"SELECT {', '.join(parts)}", tuple(params))
            if len(_COUNTER_STATEMENTS) >= 1000:  # officers times days: start again rather than grow
                _COUNTER_STATEMENTS.clear()
            _COUNTER_STATEMENTS[key] = statement
        names, sql, params = statement
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            values = cursor.fetchone()
        return {
            name: value if name.startswith("digest_") else int(value) for name, value in zip(names, values, strict=True)
        }

    def search(self, text: str, *, within=None):
        """Officers' text search over reference, title and the initiator's name and email.

        PostgreSQL: full-text search (Dutch stemming), the start of a word, or a reference that
        starts with the text. Other databases: a case-insensitive substring on the same fields.

        `within`: the municipality ids (a list, or a query of ids) this queryset is already
        limited to. Word starts and whole words are then read within those municipalities only
        (migrations 0025 and 0028); leave it out for a search of every municipality.
        """
        from django.db import connection

        text = (text or "").strip()
        if not text:
            return self
        if connection.vendor == "postgresql":
            # Word starts too ("speel" finds "speeltuin"): a prefix query without stemming.
            matches = TextSearch(text, re.findall(r"\w+", text), within=within)
            if within is None:
                return self.filter(matches)
            # Within municipalities the hits are few (202 of 2,924 at 1,000,000, scale.md), but
            # PostgreSQL guessed they were common enough to walk the municipality's initiatives in
            # their order and test each (both tsvectors computed again, 28 ms for 26 rows). As an
            # array computed first, the hits cost what they are: the indexes find them, the page
            # reads them by key.
            from django.contrib.postgres.expressions import ArraySubquery

            hits = type(self)(self.model, using=self._db)
            if not matches.keyed_stems:
                # The unkeyed Dutch arm takes the municipality as a key of its index.
                hits = hits.filter(in_municipalities("municipality", within))
            # Keyed, the words and stems are the municipalities' own already, and this queryset
            # keeps their rows only: the municipality named again in the array's query made
            # PostgreSQL intersect the hits with every row of the municipality (3,213 at 1M).
            hits = hits.filter(matches).order_by().values("pk")
            return self.filter(_InArray(models.F("pk"), ArraySubquery(hits)))
        return self.filter(
            models.Q(reference__icontains=text)
            | models.Q(title__icontains=text)
            | models.Q(initiator_name__icontains=text)
            | models.Q(initiator_email__icontains=text)
        )

    def retention_due(self, cutoff):
        """Closed or withdrawn before `cutoff` and still holding the initiator's personal data."""
        return self.filter(
            status__in=[Status.CLOSED, Status.WITHDRAWN], closed_at__lt=cutoff, personal_data_removed_at__isnull=True
        )

    def for_tracking_token(self, token: str):
        """The initiative a private link points to (an empty queryset for an unknown link)."""
        if not token or len(token) > 100:
            return self.none()
        return self.filter(
            tracking_tokens__token_hash=tracking_token_hash(token), tracking_tokens__revoked_at__isnull=True
        )


class Initiative(TimeStampedModel):
    reference = models.CharField(_("reference"), max_length=12, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    goal = models.TextField(_("goal"), max_length=2000)
    description = models.TextField(_("what do you want to do"), max_length=5000)
    target_group = models.CharField(_("target group"), max_length=300, blank=True)
    village = models.ForeignKey(
        "villages.Village", verbose_name=_("village"), on_delete=models.PROTECT, related_name="initiatives"
    )
    municipality = models.ForeignKey(
        "municipalities.Municipality",
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="initiatives",
        help_text=_("Always the municipality of the village."),
    )
    organisation = models.ForeignKey(
        "villages.VillageOrganisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="initiatives",
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="initiatives")

    # The initiator: no account, only what is needed to reach them.
    initiator_name = models.CharField(_("name"), max_length=120)
    initiator_email = models.EmailField(
        _("email"), blank=True, help_text=_("Empty only for a phone or paper application without email.")
    )
    initiator_phone = models.CharField(_("phone"), max_length=30, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )

    # Kinds of help asked: one flag each, so lists can filter on them with an index-friendly query.
    asks_advice = models.BooleanField(HelpKind.ADVICE.label, default=False)
    asks_money = models.BooleanField(HelpKind.MONEY.label, default=False)
    asks_permits = models.BooleanField(HelpKind.PERMITS.label, default=False)
    asks_space = models.BooleanField(HelpKind.SPACE.label, default=False)
    asks_network = models.BooleanField(HelpKind.NETWORK.label, default=False)
    asks_process = models.BooleanField(HelpKind.PROCESS.label, default=False)

    total_cost = models.DecimalField(
        _("total cost"),
        default=Decimal("0"),
        editable=False,
        **MONEY,
        help_text=_("The sum of the cost lines, computed by the platform."),
    )
    amount_requested = models.DecimalField(
        _("amount requested"), default=Decimal("0"), validators=MONEY_VALIDATORS, **MONEY
    )
    own_contribution_money = models.DecimalField(
        _("own contribution in money"), default=Decimal("0"), validators=MONEY_VALIDATORS, **MONEY
    )
    own_contribution_hours = models.PositiveIntegerField(
        _("own contribution in hours"), default=0, validators=[MaxValueValidator(100_000)]
    )
    own_contribution_materials = models.TextField(_("own contribution in materials"), max_length=2000, blank=True)
    support_evidence = models.TextField(_("support in the neighbourhood"), max_length=3000, blank=True)
    permits_needed = models.TextField(_("permits needed"), max_length=2000, blank=True)
    maintenance_after = models.TextField(_("maintenance after completion"), max_length=2000, blank=True)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    is_right_to_challenge = models.BooleanField(
        _("right-to-challenge request"),
        default=False,
        help_text=_("The residents ask to take over a task of the municipality (uitdaagrecht)."),
    )
    publication_consent = models.BooleanField(_("may be published (without personal data)"), default=False)
    # The review of the publication (PUBLICATION_TRANSITIONS; only initiatives.services.publication writes it).
    publication = models.CharField(
        _("publication"), max_length=10, choices=Publication.choices, default=Publication.PENDING
    )
    publication_reason = models.TextField(
        _("reason for not publishing"),
        max_length=500,
        blank=True,
        help_text=_("Why the initiative is not (or no longer) public. The initiator reads it."),
    )
    publication_decided_at = models.DateTimeField(_("publication reviewed at"), null=True, blank=True)
    publication_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publication reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the municipality publishes without review."),
    )
    privacy_acknowledged_at = models.DateTimeField(_("privacy statement acknowledged at"), null=True, blank=True)

    # Handling by the municipality.
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.SUBMITTED)
    assigned_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned officer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_initiatives",
    )
    # The initiator wrote after the assigned officer last opened the page: the counter "new
    # replies to you" counts these from a small index (`init_count_new_replies`) instead of
    # testing each of the officer's initiatives for an unseen message (bench/results/scale.md).
    # Kept by `initiatives.new_reply_flags` (a reply, another officer) and `initiative_mark_seen`
    # (the officer opened the page); `unseen_replies` stays the rule it follows.
    assignee_has_new_reply = models.BooleanField(_("new reply for the assigned officer"), default=False, editable=False)
    municipal_role = models.CharField(
        _("role of the municipality"), max_length=20, choices=MunicipalRole.choices, blank=True
    )
    municipal_role_explanation = models.TextField(_("explanation of the role"), max_length=2000, blank=True)
    intake_channel = models.CharField(
        _("received through"), max_length=10, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registered_initiatives",
        help_text=_("The officer who entered a phone or paper application."),
    )

    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    # The officers of the village still have to hear of this new initiative. The submission
    # stores it with this mark and hands it to the worker after the commit: the worker writes
    # their notices (`initiative_officers_notify`), or the sweep does when the broker never took
    # it. The resident's request does not read the officers (bench/results/server.md).
    officers_notice_pending = models.BooleanField(_("officers still to be told"), default=False, editable=False)
    first_response_due = models.DateField(_("first response due"), null=True, blank=True)
    decision_due = models.DateField(_("decision due"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # The same plan submitted twice: this one is closed and points at the one that goes on
    # (never at another duplicate: initiatives.services.duplicates keeps the links one step long).
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text=_("The initiative that goes on with the same plan."),
    )

    # Privacy (AVG): set once retention has removed the initiator's personal data.
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed at"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("The initiator's name, contact details, messages and files were removed after the retention term."),
    )

    # The outbox's rows about this initiative (notifications.OutboxMail.subject); deleted with it.
    mails = GenericRelation(
        "notifications.OutboxMail",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="initiative",
    )

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            # The officers' list in its default order, one page read straight from the index.
            models.Index(fields=["municipality", "-submitted_at", "-id"], name="init_muni_submitted"),
            models.Index(fields=["-submitted_at", "-id"], name="init_submitted"),  # all municipalities (admins)
            # The public gallery: the newest published ones, one page at a time; with the
            # municipality in the index, PostgreSQL counts them from the index alone.
            models.Index(
                fields=["-submitted_at"],
                include=["municipality"],
                condition=models.Q(publication_consent=True, publication=Publication.APPROVED)
                & ~models.Q(status=Status.WITHDRAWN),
                name="init_published_recent",
            ),
            # The gallery of one municipality: its page and its count from its own range of the
            # index, not a filter over every published initiative of the country
            # (bench/results/scale.md).
            models.Index(
                fields=["municipality", "-submitted_at"],
                condition=models.Q(publication_consent=True, publication=Publication.APPROVED)
                & ~models.Q(status=Status.WITHDRAWN),
                name="init_published_muni",
            ),
            models.Index(fields=["municipality", "status", "submitted_at"], name="init_muni_status_submitted"),
            models.Index(fields=["municipality", "status", "first_response_due"], name="init_muni_status_frdue"),
            models.Index(fields=["municipality", "status", "decision_due"], name="init_muni_status_decdue"),
            # "Assigned to me" and "new replies to you": the officer's own rows, in scope, from the
            # index alone; with their ids, so the new replies need not read 600 rows from the table
            # to look up their messages (bench/results/triage_list_profile.md).
            models.Index(
                fields=["assigned_officer", "municipality", "status"], include=["id"], name="init_officer_muni_status"
            ),
            models.Index(fields=["village", "status"], name="init_village_status"),
            # The scheduler's daily sweep (initiatives.services.reminders) reads what is overdue
            # or nearly due from these small partial indexes, not from every initiative.
            models.Index(
                fields=["first_response_due"],
                condition=models.Q(first_response_at__isnull=True) & ~models.Q(status__in=NO_FIRST_RESPONSE_OWED),
                name="init_unanswered_frdue",
            ),
            models.Index(
                fields=["decision_due"], condition=models.Q(status__in=sorted(OPEN_STATUSES)), name="init_open_decdue"
            ),
            # The dashboard's counters (`dashboard_counters`): each counts its few rows in a small
            # partial index instead of reading every initiative in scope. The conditions are the
            # counters' own (PostgreSQL uses a partial index only for a query that implies it).
            models.Index(
                fields=["municipality"],
                condition=models.Q(status=Status.SUBMITTED, assigned_officer__isnull=True),
                name="init_count_unassigned",
            ),
            models.Index(
                fields=["municipality", "first_response_due"],
                condition=models.Q(first_response_at__isnull=True) & ~models.Q(status__in=NO_FIRST_RESPONSE_OWED),
                name="init_count_first_response",
            ),
            models.Index(
                fields=["municipality", "decision_due"],
                condition=models.Q(status__in=sorted(OPEN_STATUSES), decided_at__isnull=True),
                name="init_count_decision",
            ),
            models.Index(
                fields=["assigned_officer", "municipality"],
                condition=models.Q(assignee_has_new_reply=True),
                name="init_count_new_replies",
            ),
            models.Index(
                fields=["municipality"],
                condition=models.Q(publication_consent=True, publication=Publication.PENDING)
                & ~models.Q(status=Status.WITHDRAWN),
                name="init_count_publication",
            ),
            # The sweep's few submissions whose officers have not heard of them yet.
            models.Index(
                fields=["submitted_at"], condition=models.Q(officers_notice_pending=True), name="init_officers_notice"
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(total_cost__gte=0), name="initiative_total_cost_not_negative"),
            models.CheckConstraint(
                condition=models.Q(amount_requested__gte=0), name="initiative_amount_requested_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(own_contribution_money__gte=0), name="initiative_own_money_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.reference} {self.title}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Where the statistics counted it when it was loaded (initiatives.statistics_rollups): a
        # save that moves it (forwarding: another municipality) marks the old month too.
        instance._statistics_loaded = (instance.__dict__.get("municipality_id"), instance.__dict__.get("submitted_at"))
        return instance

    def clean(self):
        if self.village_id and self.municipality_id and self.village.municipality_id != self.municipality_id:
            raise ValidationError({"village": _("This village is not in the chosen municipality.")})

    @property
    def is_published(self) -> bool:
        """`InitiativeQuerySet.published_q` for an initiative in memory (reads its municipality)."""
        return (
            self.publication_consent
            and self.publication == Publication.APPROVED
            and self.status != Status.WITHDRAWN
            and self.municipality.is_active
        )

    @property
    def help_kinds(self) -> list[HelpKind]:
        return [kind for kind in HelpKind if getattr(self, f"asks_{kind.value}")]

    def overdue_kinds(self, today) -> frozenset[str]:
        """The deadlines (OVERDUE_*) this initiative has missed on `today`: the rule of
        `InitiativeQuerySet.overdue_q`, for an initiative in memory (no query)."""
        return overdue_kinds_of(
            status=self.status,
            first_response_at=self.first_response_at,
            first_response_due=self.first_response_due,
            decided_at=self.decided_at,
            decision_due=self.decision_due,
            today=today,
        )


def overdue_kinds_of(*, status, first_response_at, first_response_due, decided_at, decision_due, today):
    """`Initiative.overdue_kinds` from the fields themselves (a list's rows as plain values)."""
    kinds = set()
    if (
        first_response_at is None
        and first_response_due is not None
        and first_response_due < today
        and status not in NO_FIRST_RESPONSE_OWED
    ):
        kinds.add(OVERDUE_FIRST_RESPONSE)
    if status in OPEN_STATUSES and decided_at is None and decision_due is not None and decision_due < today:
        kinds.add(OVERDUE_DECISION)
    return frozenset(kinds)


class InitiativeChildQuerySet(MunicipalityScopedQuerySet):
    municipality_path = "initiative__municipality"
    audience = OFFICERS


class CostLine(models.Model):
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="cost_lines"
    )
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(_("amount"), validators=MONEY_VALIDATORS, **MONEY)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="costline_amount_not_negative"),
        ]

    def __str__(self):
        return f"{self.description}: {self.amount}"


class StatusChange(AppendOnlyModel):
    """Append-only status history: every change, with actor and time."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=24, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    by_initiator = models.BooleanField(_("by the initiator"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        indexes = [
            # Since when an initiative waits for its initiator (the latest change into waiting),
            # and the changes into waiting of a period (the scheduler's nudges).
            models.Index(fields=["initiative", "to_status", "created_at"], name="statuschange_init_to_at"),
            models.Index(
                fields=["created_at"],
                condition=models.Q(to_status=Status.WAITING_FOR_INITIATOR),
                name="statuschange_waiting_at",
            ),
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.from_status or '-'} → {self.to_status}"


class DuplicateChange(AppendOnlyModel):
    """Append-only history of duplicate marks: `initiative` was marked as (or, with `marked`
    false, no longer as) a duplicate of `original`, with actor, time and note."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="duplicate_changes"
    )
    original = models.ForeignKey(
        Initiative, verbose_name=_("original"), on_delete=models.CASCADE, related_name="duplicate_changes_as_original"
    )
    marked = models.BooleanField(_("marked"), default=True, help_text=_("False: the mark was undone."))
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The closing step the mark made; undoing is possible while it is the latest status change.
    status_change = models.ForeignKey(
        StatusChange,
        verbose_name=_("status change"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("duplicate mark")
        verbose_name_plural = _("duplicate marks")

    def __str__(self):
        return f"{self.initiative_id} {'=' if self.marked else '≠'} {self.original_id}"


class Forwarding(AppendOnlyModel):
    """Append-only: an officer forwarded the initiative to another municipality of the platform
    (the village lies there). The rows move with the initiative, so the receiver reads them."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="forwardings"
    )
    from_municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("from"), on_delete=models.PROTECT, related_name="+"
    )
    to_municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("to"), on_delete=models.PROTECT, related_name="+"
    )
    from_village = models.ForeignKey(
        "villages.Village", verbose_name=_("from village"), on_delete=models.PROTECT, related_name="+"
    )
    to_village = models.ForeignKey(
        "villages.Village", verbose_name=_("to village"), on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("forwarding")
        verbose_name_plural = _("forwardings")

    def __str__(self):
        return f"{self.initiative_id}: {self.from_municipality_id} → {self.to_municipality_id}"


class OfficerReadMark(models.Model):
    """When an officer last opened an initiative's page: the initiator's replies after it are
    new to them (a marker in the dashboard's list and the counter "new replies")."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="read_marks"
    )
    seen_at = models.DateTimeField(_("last opened"))

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [models.UniqueConstraint(fields=["user", "initiative"], name="officerreadmark_once")]

    def __str__(self):
        return f"{self.user_id}: {self.initiative_id} ({self.seen_at:%Y-%m-%d %H:%M})"


class RoleChange(AppendOnlyModel):
    """Append-only history of the municipality's role on the overheidsparticipatietrap: every
    time an officer sets or changes it (or its explanation), with actor and time."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="role_changes"
    )
    from_role = models.CharField(_("from"), max_length=20, choices=MunicipalRole.choices, blank=True)
    to_role = models.CharField(_("to"), max_length=20, choices=MunicipalRole.choices)
    explanation = models.TextField(_("explanation of the role"), max_length=2000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("role change")
        verbose_name_plural = _("role changes")

    def __str__(self):
        return f"{self.initiative_id}: {self.from_role or '-'} → {self.to_role}"


class Message(models.Model):
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MessageKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty when the initiator wrote it."),
    )
    body = models.TextField(_("message"), max_length=10000)
    created_at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            # "New replies to you" (InitiativeQuerySet.unseen_replies): an initiative's replies
            # from the initiator and their times, from the index alone.
            models.Index(
                fields=["initiative", "created_at"],
                condition=models.Q(kind=MessageKind.FROM_INITIATOR),
                name="msg_initiator_replies",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"

    @property
    def is_public(self):
        return self.kind != MessageKind.INTERNAL_NOTE


def attachment_path(instance, filename):
    """A random path outside any public URL: the original name is kept in the database only."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"private/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="attachments"
    )
    message = models.ForeignKey(
        Message, verbose_name=_("message"), null=True, blank=True, on_delete=models.SET_NULL, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Agreement(TimeStampedModel):
    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="agreements"
    )
    party = models.CharField(_("party"), max_length=20, choices=AgreementParty.choices)
    partner_name = models.CharField(_("partner"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=AgreementRole.choices)
    description = models.TextField(_("what"), max_length=2000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        indexes = [models.Index(fields=["done", "due_date"], name="agreement_open_due")]

    def __str__(self):
        return self.description[:60]


def decision_letter_path(instance, filename):
    """One fixed name per decision, outside any public URL: a letter made again (after a failed
    mail rolled its row back) replaces the file instead of leaving a copy behind."""
    return f"private/letters/{instance.pk}/besluit.pdf"


class Decision(models.Model):
    """The municipality's decision with a public motivation; a reopened initiative may get another.

    A decision is a formal decision (beschikking): its letter (PDF) is made after the commit by
    initiatives.services.letters and kept in `letter` (private: served only by the views that
    check the tracking link or the officer).
    """

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="decisions"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    motivation = models.TextField(_("motivation (public)"), max_length=5000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The coordinator who approved the proposal of the officer (a contribution above the mandate)."),
    )
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    letter = models.FileField(_("decision letter"), upload_to=decision_letter_path, max_length=200, blank=True)
    letter_made_at = models.DateTimeField(_("letter made at"), null=True, blank=True)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]
        get_latest_by = "decided_at"
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self):
        return f"{self.initiative.reference}: {self.get_outcome_display()}"


class DecisionProposalQuerySet(InitiativeChildQuerySet):
    def pending(self):
        return self.filter(status=ProposalStatus.PENDING)


class DecisionProposal(models.Model):
    """A decision with a contribution above the municipality's mandate, waiting for a coordinator.

    Nothing is decided or committed while it waits; on approval `initiative_decide` runs with
    these data under the fund's row lock (initiatives.services.mandate). At most one waits per
    initiative.
    """

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="proposals"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=DecisionOutcome.choices)
    motivation = models.TextField(_("motivation (public)"), max_length=5000)
    fund = models.ForeignKey(
        "municipalities.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="proposals"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    reason = models.TextField(_("reason for sending back"), max_length=2000, blank=True)
    decision = models.OneToOneField(
        Decision, verbose_name=_("decision"), null=True, blank=True, on_delete=models.SET_NULL, related_name="proposal"
    )

    objects = DecisionProposalQuerySet.as_manager()

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("decision proposal")
        verbose_name_plural = _("decision proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative"],
                condition=models.Q(status=ProposalStatus.PENDING),
                name="proposal_one_pending_per_initiative",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=MAX_AMOUNT), name="proposal_amount_positive_and_sane"
            ),
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.amount} ({self.status})"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING


class Grant(TimeStampedModel):
    """Money from a fund for an initiative: committed, then paid, or withdrawn."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.PROTECT, related_name="grants"
    )
    decision = models.ForeignKey(
        Decision, verbose_name=_("decision"), null=True, blank=True, on_delete=models.SET_NULL, related_name="grants"
    )
    fund = models.ForeignKey(
        "municipalities.Fund", verbose_name=_("fund"), on_delete=models.PROTECT, related_name="grants"
    )
    amount = models.DecimalField(_("amount"), **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=GrantStatus.choices, default=GrantStatus.COMMITTED)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        indexes = [models.Index(fields=["fund", "status"], name="grant_fund_status")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=MAX_AMOUNT), name="grant_amount_positive_and_sane"
            ),
        ]

    def __str__(self):
        return f"{self.initiative.reference}: {self.amount}"

    def clean(self):
        if self.fund_id and self.initiative_id and self.fund.municipality_id != self.initiative.municipality_id:
            raise ValidationError({"fund": _("Choose a fund of the initiative's own municipality.")})

    @property
    def is_active(self) -> bool:
        """Committed or paid: the contribution counts (a withdrawn one is only history)."""
        return self.status != GrantStatus.WITHDRAWN


class ReferenceSequence(models.Model):
    """The last reference number handed out per year; rows are locked while a number is taken."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference sequence")
        verbose_name_plural = _("reference sequences")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class TrackingTokenQuerySet(InitiativeChildQuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class TrackingToken(models.Model):
    """A private link to follow an initiative without an account.

    Only the SHA-256 of the token is stored; the token itself exists in the initiator's mail
    and link only. An initiator who lost the link gets a new one; old links keep working
    until they are revoked.
    """

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="tracking_tokens"
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    objects = TrackingTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("tracking link")
        verbose_name_plural = _("tracking links")

    def __str__(self):
        return f"{self.initiative_id} ({self.created_at:%Y-%m-%d})"


class LostLinkRequest(models.Model):
    """A resident asked for their private links again, on the lost-link page.

    The page only stores this row and hands its id to the worker, so it does the same work
    whatever the address; the worker looks the address up, queues the mail for a known one and
    deletes the row in the same transaction (seconds later). A row the broker never took is
    answered by the sweep. The address is shown nowhere and kept no longer than that.
    """

    email = models.EmailField(_("email"), max_length=254)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("lost-link request")
        verbose_name_plural = _("lost-link requests")

    def __str__(self):
        return f"{self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


def tracking_token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


class SatisfactionScore(models.IntegerChoices):
    VERY_DISSATISFIED = 1, _("Very dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neither satisfied nor dissatisfied")
    SATISFIED = 4, _("Satisfied")
    VERY_SATISFIED = 5, _("Very satisfied")


# A score from here up counts as "satisfied" in the statistics.
SATISFIED_FROM = SatisfactionScore.SATISFIED


class Satisfaction(models.Model):
    """The initiator's one answer, after closing, on how the municipality worked with them."""

    initiative = models.OneToOneField(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="satisfaction"
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=SatisfactionScore.choices)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    may_contact = models.BooleanField(_("may be contacted about the answer"), default=False)
    answered_at = models.DateTimeField(_("answered at"), default=timezone.now)

    objects = InitiativeChildQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_at", "-pk"]
        verbose_name = _("satisfaction answer")
        verbose_name_plural = _("satisfaction answers")
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="satisfaction_score_1_to_5"),
        ]

    def __str__(self):
        return f"{self.initiative_id}: {self.score}"

    @property
    def is_satisfied(self) -> bool:
        return self.score >= SATISFIED_FROM


class SupportNameDisplay(models.TextChoices):
    """How a supporter's name appears on the public page (officers always see the full name)."""

    FULL = "full", _("My full name")
    SHORT = "short", _("My first name and the initial of my last name")
    HIDDEN = "hidden", _("Do not show my name")


class SupportQuerySet(InitiativeChildQuerySet):
    def confirmed(self):
        """What counts: confirmed support (a withdrawn one is deleted)."""
        return self.filter(confirmed_at__isnull=False)

    def from_own_village(self):
        """Supporters who live in the initiative's own village (as they say themselves)."""
        return self.filter(village_id=models.F("initiative__village_id"))

    def for_confirm_token(self, token: str):
        if not token or len(token) > 100:
            return self.none()
        return self.filter(confirm_token_hash=tracking_token_hash(token))

    def for_withdraw_token(self, token: str):
        if not token or len(token) > 100:
            return self.none()
        return self.filter(withdraw_token_hash=tracking_token_hash(token))


class Support(models.Model):
    """A neighbour's support for a published initiative (draagvlak).

    One per address per initiative; only a confirmed one counts. The confirmation mail carries a
    link to confirm (valid SUPPORT_CONFIRM_DAYS days) and a link to withdraw; both are minted when
    the mail leaves and only their SHA-256 is stored. Withdrawing deletes the row. The village is
    the supporter's own answer; empty means "elsewhere". After the retention term the address,
    name and reason are removed (initiatives.services.retention); the count stays.
    """

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("initiative"), on_delete=models.CASCADE, related_name="supports"
    )
    name = models.CharField(_("name"), max_length=120)
    name_display = models.CharField(
        _("show my name as"), max_length=10, choices=SupportNameDisplay.choices, default=SupportNameDisplay.SHORT
    )
    village = models.ForeignKey(
        "villages.Village",
        verbose_name=_("lives in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: lives elsewhere."),
    )
    email = models.EmailField(_("email"), max_length=254, blank=True)
    reason = models.TextField(_("reason"), max_length=300, blank=True)
    reason_hidden_at = models.DateTimeField(_("reason hidden at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices, default=Language.DUTCH)
    created_at = models.DateTimeField(_("given at"), default=timezone.now)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirm_token_hash = models.CharField(
        _("confirmation token hash"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    withdraw_token_hash = models.CharField(
        _("withdrawal token hash"), max_length=64, null=True, blank=True, unique=True, editable=False
    )
    token_issued_at = models.DateTimeField(_("link made at"), null=True, blank=True, editable=False)
    personal_data_removed_at = models.DateTimeField(_("personal data removed at"), null=True, blank=True)

    mails = GenericRelation(
        "notifications.OutboxMail",
        content_type_field="subject_type",
        object_id_field="subject_id",
        related_query_name="support",
    )

    objects = SupportQuerySet.as_manager()

    class Meta:
        ordering = ["-confirmed_at", "-pk"]
        verbose_name = _("support")
        verbose_name_plural = _("supports")
        constraints = [
            # Addresses are stored in lower case; an anonymised row has none.
            models.UniqueConstraint(
                fields=["initiative", "email"], condition=~models.Q(email=""), name="support_once_per_address"
            ),
        ]
        indexes = [models.Index(fields=["initiative", "confirmed_at"], name="support_initiative_confirmed")]

    def __str__(self):
        # No name: the audit log keeps this text after the supporter's data is removed.
        return f"{self.initiative_id}: support {self.pk}"

    @property
    def municipality_id(self):
        """The outbox keeps a mail's municipality beside its subject (for scoping)."""
        return self.initiative.municipality_id

    @property
    def public_name(self) -> str:
        """The name as the supporter chose to show it: "" when not shown."""
        words = self.name.split()
        if self.personal_data_removed_at or not words or self.name_display == SupportNameDisplay.HIDDEN:
            return ""
        if self.name_display == SupportNameDisplay.FULL or len(words) == 1:
            return " ".join(words)
        return f"{words[0]} {words[-1][0].upper()}."

    @property
    def public_reason(self) -> str:
        return "" if self.reason_hidden_at else self.reason


class StatisticsRollup(models.Model):
    """The statistics' figures of one municipality for one month of submission (local dates),
    or for a whole year (the sum of its months: a year's page adds up one row per municipality).

    `data` holds the counts every table of initiatives.statistics is made of (JSON, see
    initiatives.statistics_rollups); only `statistics_refresh` writes these rows.
    """

    municipality = models.ForeignKey(
        "municipalities.Municipality", verbose_name=_("municipality"), on_delete=models.CASCADE, related_name="+"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month of submission."))
    whole_year = models.BooleanField(
        _("whole year"), default=False, help_text=_("The sum of the year's months; the month is 1 January.")
    )
    data = models.JSONField(_("figures"), default=dict)
    refreshed_at = models.DateTimeField(_("refreshed at"), default=timezone.now)

    class Meta:
        verbose_name = _("statistics roll-up")
        verbose_name_plural = _("statistics roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "month", "whole_year"], name="statistics_rollup_unique"),
        ]

    def __str__(self):
        return (
            f"{self.municipality_id} {self.month:%Y}"
            if self.whole_year
            else f"{self.municipality_id} {self.month:%Y-%m}"
        )


class StatisticsChange(models.Model):
    """A mark that the roll-up of a municipality's month is out of date (written in the same
    transaction as the change itself; `statistics_refresh` deletes the marks it has counted).

    An empty month means every month of the municipality, an empty municipality every
    municipality. No foreign key: a mark is a plain, cheap insert that nothing locks.
    """

    municipality_id = models.IntegerField(_("municipality"), null=True, blank=True)
    month = models.DateField(_("month"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistics change")
        verbose_name_plural = _("statistics changes")

    def __str__(self):
        return f"{self.municipality_id or '*'} {self.month or '*'}"
