"""The search of every municipality tests stored words instead of computing them per row, PostgreSQL only.

The platform admin's search ("speeltuin" over every municipality) is listed newest first: with
thousands of hits PostgreSQL walks the newest initiatives in their order (`init_submitted`) and
tests each one until a page is full. Each test computed two tsvectors from title, name and
e-mail address (the Dutch stems and the words keyed by municipality, about 26 µs a row): 11 of
the statement's 17 ms at 100,000 initiatives (bench/results/triage_list_profile.md).

Two generated columns keep them instead, computed when a row is written:
- `search_stems`: the Dutch stems, `to_tsvector('dutch', …)`, the expression of index
  init_muni_search_dutch (migration 0023), which is built again on the column, under the same
  name and with the municipality as its first key as before;
- `search_words`: the plain words, `to_tsvector('simple', …)`, with a GIN index of its own
  (init_search_all_words). The words keyed by municipality stay in init_search_words
  (migration 0025): an officer's search reads those, and never walks.
`TextSearch` tests the columns. Because they are generated, every way of writing a row (the
services, `QuerySet.update`, the admin, removing personal data) keeps them right; the model
does not name them, so nothing else reads them.

Adding a stored generated column rewrites the table and its indexes under an exclusive lock:
12 s at 100,000 initiatives on the bench machine, so about two minutes at 1,000,000. The table
grows by about 290 bytes a row (56 → 87 MB at 100,000). tests/initiatives/test_search_indexes.py
checks the plans and that the columns hold what the expressions give.
"""

from django.db import migrations

TEXT = "COALESCE(title, '') || ' ' || COALESCE(initiator_name, '') || ' ' || COALESCE(initiator_email, '')"

COLUMNS = f"""
ALTER TABLE initiatives_initiative
    ADD COLUMN search_stems tsvector GENERATED ALWAYS AS (to_tsvector('dutch'::regconfig, {TEXT})) STORED,
    ADD COLUMN search_words tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {TEXT})) STORED
"""

OLD_DUTCH = (
    "CREATE INDEX init_muni_search_dutch ON initiatives_initiative "
    f"USING gin (municipality_id, to_tsvector('dutch'::regconfig, {TEXT}))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(COLUMNS)
    schema_editor.execute("DROP INDEX IF EXISTS init_muni_search_dutch")
    schema_editor.execute(
        "CREATE INDEX init_muni_search_dutch ON initiatives_initiative USING gin (municipality_id, search_stems)"
    )
    schema_editor.execute("CREATE INDEX init_search_all_words ON initiatives_initiative USING gin (search_words)")
    # The planner's statistics of the new columns (how many rows a word finds).
    schema_editor.execute("ANALYZE initiatives_initiative")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS init_search_all_words")
    schema_editor.execute("DROP INDEX IF EXISTS init_muni_search_dutch")
    schema_editor.execute("ALTER TABLE initiatives_initiative DROP COLUMN search_stems, DROP COLUMN search_words")
    schema_editor.execute(OLD_DUTCH)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0029_officers_notice_pending")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
