"""The officers' list uses its indexes on PostgreSQL (migrations 0005, 0006, 0018, 0019, 0023, 0025 and 0030).

The index expressions must be exactly what the ORM writes for `InitiativeQuerySet.search()`;
if either changes alone, PostgreSQL silently falls back to computing every row's tsvector.
These tests read the plan, so they catch that.
"""

from contextlib import contextmanager

import pytest
from django.db import connection, transaction
from django.utils import timezone

from initiatives.models import Initiative, word_starts_q
from tests.initiatives.factories import InitiativeFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL indexes; CI runs this on it"),
]


def plan(queryset, *, sort=True, walk_an_index=True) -> str:
    """The plan PostgreSQL would use on a big table: a small test table needs no index, so scans
    of the whole table (and, with sort=False, sorting; with walk_an_index=False, reading a
    whole index in its order and testing each row) are priced out."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        if not sort:
            cursor.execute("SET LOCAL enable_sort = off")
        if not walk_an_index:
            cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@contextmanager
def only_index(*keep: str):
    """The initiatives table with no index but those in `keep` (and those behind constraints), in a
    transaction that is rolled back. On a table of a few rows several indexes can cost the
    same, and the planner's pick among them is chance: without the others, the plan shows
    whether those in `keep` can serve the query at all."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = 'initiatives_initiative'::regclass AND NOT i.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)"
            )
            for (name,) in cursor.fetchall():
                if name not in keep:
                    cursor.execute(f'DROP INDEX "{name}"')
        yield
        transaction.set_rollback(True)


# One for each arm of the search's OR: whole words, word starts, a reference's start, an address.
SEARCH_INDEXES = ("init_muni_search_dutch", "init_search_all_words", "init_reference_prefix", "init_email_upper")
# An officer's search: whole words and word starts keyed by municipality.
OFFICER_SEARCH_INDEXES = (*SEARCH_INDEXES, "init_search_stems", "init_search_words")


def test_text_search_uses_an_index_for_each_of_its_conditions():
    InitiativeFactory.create_batch(3)
    text = plan(Initiative.objects.search("speeltuin"), walk_an_index=False)
    for index in SEARCH_INDEXES:
        assert index in text, text


def index_conditions(text: str, index: str) -> str:
    """The `Index Cond` of the (first) scan of `index` in an EXPLAIN text."""
    lines = text.splitlines()
    start = next(number for number, line in enumerate(lines) if f" on {index} " in line + " ")
    return next(line for line in lines[start + 1 :] if "Index Cond:" in line)


def test_an_officers_text_search_can_read_only_its_municipalitys_hits():
    """An officer's search looks its words up within the officer's municipality instead of
    collecting their hits in the whole country and only then keeping the municipality's
    (bench/results/scale.md). Whole words: the Dutch stems are keyed by municipality
    (migration 0028). Word starts: the words are keyed by municipality (migration 0025). The
    officer's query names the keyed stems and words of their municipality only."""
    from municipalities.scoping import OFFICERS, officer_municipality_ids, remember_officer_municipalities
    from tests.municipalities.factories import OfficerMembershipFactory

    membership = OfficerMembershipFactory()
    InitiativeFactory.create_batch(2, village__municipality=membership.municipality)
    InitiativeFactory.create_batch(2)
    remember_officer_municipalities(membership.user, [membership])
    queryset = Initiative.objects.visible_to(membership.user, OFFICERS).search(
        "speeltuin", within=officer_municipality_ids(membership.user)
    )
    # A table of a few rows is cheapest read from a B-tree of the municipality; with only the
    # search's indexes (in a transaction rolled back after it) the plan shows whether they serve
    # the officer's search: its whole words read the stems keyed by municipality.
    with only_index(*OFFICER_SEARCH_INDEXES):
        text = plan(queryset.order_by().values("pk"), walk_an_index=False)
    condition = index_conditions(text, "init_search_stems")
    assert f"''~{membership.municipality_id}~speeltuin''" in condition, text
    assert "init_muni_search_dutch" not in text and "init_search_all_words" not in text, text
    # The word starts' arm alone (on a few rows the municipality's key in the Dutch index is
    # cheapest for the whole search): PostgreSQL computed the query while it planned, the keyed
    # word of this municipality only (in the plan, the quotes in the literal are doubled).
    word_starts = Initiative.objects.filter(
        word_starts_q(["speeltuin"], within=officer_municipality_ids(membership.user))
    )
    with only_index("init_search_words"):
        text = plan(word_starts.order_by().values("pk"), walk_an_index=False)
    condition = index_conditions(text, "init_search_words")
    assert f"''~{membership.municipality_id}~speeltuin'':*" in condition, text
    assert "''speeltuin'':*" not in condition, text


def test_the_search_of_every_municipality_reads_the_stored_columns_by_their_words():
    """The platform admin's search (no municipality) reads the stored columns (migration 0030):
    the Dutch index by its words alone (a GIN index with several columns serves a condition on
    any of them) and the plain words' own index."""
    InitiativeFactory.create_batch(3)
    text = plan(Initiative.objects.search("speeltuin").order_by().values("pk"), walk_an_index=False)
    condition = index_conditions(text, "init_muni_search_dutch")
    assert "search_stems @@" in condition and "municipality_id" not in condition, text
    condition = index_conditions(text, "init_search_all_words")
    assert "search_words @@ '''speeltuin'':*'" in condition and "~" not in condition, text
    assert "to_tsvector" not in text and "initiative_search_words" not in text, text


def test_the_search_of_every_municipality_walks_the_newest_rows_without_computing_words():
    """With many hits PostgreSQL walks the newest initiatives and tests each until a page is
    full: the test reads the stored columns, no tsvector is computed per row (migration 0030)."""
    InitiativeFactory.create_batch(3)
    queryset = Initiative.objects.search("speeltuin").order_by("-submitted_at", "-pk")[:26]
    with only_index("init_submitted"):
        text = plan(queryset, sort=False)
    assert "init_submitted" in text, text
    walk_filter = next(line for line in text.splitlines() if "Filter:" in line)
    assert "search_stems @@" in walk_filter and "search_words @@" in walk_filter, text
    assert "to_tsvector" not in walk_filter and "initiative_search_" not in walk_filter, text


@pytest.mark.parametrize(
    ("title", "name", "email"),
    [
        ("Speeltuinen bij de Kerk", "Jan O'Brien", "jan.o'brien@example.nl"),
        ("Café 't Hoekje & foo_bar", "Zoë d'Arc", ""),
        ("", "", ""),
    ],
)
def test_the_stored_columns_hold_the_words_of_the_row_as_it_is_now(title, name, email):
    """`search_stems` and `search_words` are the Dutch and the plain tsvector of title, name and
    address, also after a change that bypasses the model (`update()`, as removing personal data
    does): PostgreSQL computes them whenever the row is written (migration 0030)."""
    initiative = InitiativeFactory(title="Iets anders", initiator_name="Piet", initiator_email="piet@example.nl")
    Initiative.objects.filter(pk=initiative.pk).update(title=title, initiator_name=name, initiator_email=email)

    def stored(column):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT lexeme, positions FROM initiatives_initiative, unnest({column}) WHERE id = %s",  # noqa: S608
                [initiative.pk],
            )
            return {(lexeme, tuple(positions)) for lexeme, positions in cursor.fetchall()}

    assert stored("search_stems") == lexemes(f"to_tsvector('dutch', {THREE_FIELDS})", title, name, email)
    assert stored("search_words") == lexemes(f"to_tsvector('simple', {THREE_FIELDS})", title, name, email)
    assert ("piet", (3,)) not in stored("search_words")


def test_an_officers_search_that_negates_a_word_reads_the_unkeyed_stems():
    """`-kerk`: keyed for another of the officer's municipalities "not kerk" would hold for every
    row, so the whole words are read from the Dutch index of every municipality (migrations 0023
    and 0030)."""
    from municipalities.scoping import OFFICERS, officer_municipality_ids, remember_officer_municipalities
    from tests.municipalities.factories import OfficerMembershipFactory

    membership = OfficerMembershipFactory()
    InitiativeFactory.create_batch(2, village__municipality=membership.municipality)
    remember_officer_municipalities(membership.user, [membership])
    queryset = Initiative.objects.visible_to(membership.user, OFFICERS).search(
        "speeltuin -kerk", within=officer_municipality_ids(membership.user)
    )
    with only_index(*OFFICER_SEARCH_INDEXES):
        text = plan(queryset.order_by().values("pk"), walk_an_index=False)
    assert "init_search_stems" not in text and "initiative_search_stems" not in text, text
    assert "search_stems @@" in text and "init_muni_search_dutch" in text, text


@pytest.mark.parametrize(
    "text",
    [
        "speel",
        "Speeltuin",
        "tuin",
        "O'Brien",
        "obrien@example.nl",
        "foo_bar",
        "de vries",
        "x",
        "speeltuinen",
        '"speeltuin bij"',
        "xylofoon or bankje",
        "tuinfeest -kerk",
        "kerk -speeltuin",
        "xylofoon or -speeltuinen",
        "de het",
    ],
)
def test_word_starts_within_municipalities_find_what_the_search_of_every_municipality_finds_there(text):
    """`search(within=…)` reads the words and the Dutch stems keyed by municipality
    (migrations 0025 and 0028): for any text (phrases, OR, a negated word, only stop words),
    exactly the rows the search of every municipality finds in those municipalities, with the
    ids as a list or as a query."""
    from municipalities.models import Municipality
    from tests.villages.factories import VillageFactory

    villages = VillageFactory.create_batch(3)
    titles = ["Speeltuin bij de kerk", "Een tuinfeest", "foo_bar en baz", "Xylofoon", "Bankje"]
    for village in villages:
        for title in titles:
            InitiativeFactory(
                village=village, title=title, initiator_name="Jan O'Brien de Vries", initiator_email="obrien@example.nl"
            )
    InitiativeFactory(village=villages[0], title="Iets anders", initiator_name="Piet", initiator_email="p@example.nl")
    chosen = [villages[0].municipality_id, villages[2].municipality_id]
    expected = set(Initiative.objects.search(text).filter(municipality_id__in=chosen).values_list("pk", flat=True))
    assert expected or text == "de het"  # the text finds something in those municipalities
    for within in (chosen, Municipality.objects.filter(pk__in=chosen).values("pk")):
        searched = Initiative.objects.search(text, within=within).filter(municipality_id__in=chosen)
        found = set(searched.values_list("pk", flat=True))
        assert found == expected, within


# Title, name and e-mail address as the search's indexes join them.
THREE_FIELDS = "COALESCE(%s, '') || ' ' || COALESCE(%s, '') || ' ' || COALESCE(%s, '')"


def lexemes(vector_sql: str, title, name, email) -> set[tuple[str, tuple[int, ...]]]:
    """The (lexeme, positions) of a tsvector expression of the three fields (three %s)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT lexeme, positions FROM unnest({vector_sql})", [title, name, email])  # noqa: S608
        return {(lexeme, tuple(positions)) for lexeme, positions in cursor.fetchall()}


@pytest.mark.parametrize(
    ("title", "name", "email"),
    [
        ("Speeltuin bij de Kerk", "Jan O'Brien", "jan.o'brien@example.nl"),
        ("Café 't Hoekje & foo_bar", "Zoë d'Arc", None),
        ("a\\b  c''d", "", ""),
        ("", None, None),
    ],
)
def test_the_words_are_each_word_once_as_it_is_and_once_keyed_by_municipality(title, name, email):
    """initiative_search_words() (migrations 0025 and 0026): the "simple" words with their
    positions, and each of them again with the municipality in front, same positions."""
    plain = lexemes(f"to_tsvector('simple', {THREE_FIELDS})", title, name, email)
    words = lexemes("initiative_search_words(12, %s, %s, %s)", title, name, email)
    assert words == plain | {(f"~12~{lexeme}", positions) for lexeme, positions in plain}


@pytest.mark.parametrize(
    ("title", "name", "email"),
    [
        ("Speeltuinen bij de Kerk", "Jan O'Brien", "jan.o'brien@example.nl"),
        ("Café 't Hoekje & foo_bar", "Zoë d'Arc", None),
        ("a\\b  c''d", "", ""),
        ("", None, None),
    ],
)
def test_the_stems_are_the_dutch_stems_keyed_by_municipality(title, name, email):
    """initiative_search_stems() (migration 0028): each Dutch stem with the municipality in
    front, at the same positions."""
    dutch = lexemes(f"to_tsvector('dutch', {THREE_FIELDS})", title, name, email)
    stems = lexemes("initiative_search_stems(12, %s, %s, %s)", title, name, email)
    assert stems == {(f"~12~{lexeme}", positions) for lexeme, positions in dutch}


def test_text_search_does_not_test_every_hit_again():
    """Every condition of the search's OR is exact in its index, so the rows the indexes find
    are not filtered again one by one (with LIKE 'TEXT%' for the reference, PostgreSQL computed
    both tsvectors of every hit once more: migration 0019)."""
    InitiativeFactory.create_batch(3)
    text = plan(Initiative.objects.search("speeltuin"), walk_an_index=False)
    assert "BitmapOr" in text, text
    assert "Filter:" not in text, text


def test_each_dashboard_counter_reads_its_own_index():
    """A partial index serves only a query whose conditions imply the index's own: if a counter's
    rule changes without its index (migration 0018), PostgreSQL silently reads every row again."""
    from django.db.models import Q

    from tests.municipalities.factories import OfficerMembershipFactory

    membership = OfficerMembershipFactory()
    InitiativeFactory(village__municipality=membership.municipality)
    today = timezone.localdate()
    scoped = Initiative.objects.filter(municipality_id__in=[membership.municipality_id])
    conditions = scoped.dashboard_counter_conditions(user=membership.user, today=today)
    expected = {
        "new_unassigned": "init_count_unassigned",
        "first_response_overdue": "init_count_first_response",
        "decision_overdue": "init_count_decision",
        "publication_review": "init_count_publication",
    }
    for name, index in expected.items():
        condition = conditions[name]
        assert isinstance(condition, Q)
        # init_open_decdue serves overdue decisions too, at the same cost on a table of one row.
        with only_index(index):
            text = plan(scoped.filter(condition).order_by().values("pk"), sort=False)
        assert index in text, (name, text)


def test_the_default_order_of_one_municipality_is_read_from_an_index():
    initiative = InitiativeFactory()
    queryset = Initiative.objects.filter(municipality_id__in=[initiative.municipality_id]).order_by(
        "-submitted_at", "-pk"
    )[:25]
    with only_index("init_muni_submitted"):
        text = plan(queryset, sort=False)
    assert "init_muni_submitted" in text, text
    assert "Sort" not in text.split("init_muni_submitted")[0], text


def test_the_public_gallery_reads_its_newest_page_from_an_index():
    InitiativeFactory(publication_consent=True)
    queryset = Initiative.objects.published().select_related("village", "municipality").order_by("-submitted_at")[:20]
    with only_index("init_published_recent"):  # init_published_muni costs the same on one row
        text = plan(queryset, sort=False)
    assert "init_published_recent" in text, text
