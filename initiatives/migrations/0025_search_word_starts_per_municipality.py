"""An officer's search for the start of a word reads only its own municipality's hits, PostgreSQL only.

Migration 0023 made the municipality a key of both full-text indexes. That served the whole
words (the Dutch arm), but not the word starts: for `speeltuin:*` GIN collects the prefix's
hits in the whole country before it intersects them with the municipality, so at 1,000,000
initiatives the officer's search read 62,732 hits to keep 202 (31.8 of its 33 ms,
bench/results/scale.md). GIN cannot intersect earlier: a prefix is a range of keys, each with
the rows of the whole country.

So the words are now keyed by municipality themselves. `initiative_search_words()` returns the
"simple" words of title, name and e-mail address, and each word once more with the
municipality's id in front: `speeltuin` and `~12~speeltuin`. The marks `~` cannot be part of a
searched word (the parser splits words at them), so the platform admin's search of every
municipality (`speeltuin:*`) never meets a keyed word. `initiative_search_query()` turns a search
into the same query for each of a list of municipalities (`'~12~speeltuin':*`), so an officer's
word start is a range of keys holding only their municipality's rows.

Both functions are IMMUTABLE (only `to_tsvector`/`to_tsquery` with a fixed configuration), as an
index expression must be; with constant arguments PostgreSQL computes the query once while it
plans. The Dutch arm keeps its index of migration 0023 (a whole word is read within the
municipality already). tests/initiatives/test_search_indexes.py checks the plans.
"""

from django.db import migrations

# The words as text ('speeltuin':1 'kerk':4), then once more with the municipality in front
# ('~12~speeltuin':1 …). Written as text, the keyed words keep their positions, so a phrase
# ("foo_bar" is 'foo' <-> 'bar') finds the same rows in both.
WORDS = r"""
CREATE OR REPLACE FUNCTION initiative_search_words(municipality bigint, title text, name text, email text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (words || ' ' || regexp_replace(words, '''((?:[^'']|'''')+)''', '''~' || municipality || '~\1''', 'g'))::tsvector
    FROM (
        SELECT to_tsvector(
            'simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(name, '') || ' ' || COALESCE(email, '')
        )::text AS words
    ) found
$$
"""

# Each lexeme of the search ('…', a quote inside doubled) gets the municipality's id in front;
# the municipalities' queries are OR'ed. No municipality gives NULL, which matches nothing.
QUERY = r"""
CREATE OR REPLACE FUNCTION initiative_search_query(municipalities bigint[], search text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_agg(
        '(' || regexp_replace(words::text, '''((?:[^'']|'''')+)''', '''~' || municipality || '~\1''', 'g') || ')',
        ' | '
    )::tsquery
    FROM unnest(municipalities) municipality, (SELECT to_tsquery('simple'::regconfig, search) AS words) found
$$
"""

INDEX = (
    "CREATE INDEX init_search_words ON initiatives_initiative "
    "USING gin (initiative_search_words(municipality_id, title, initiator_name, initiator_email))"
)
OLD_INDEX = (
    "CREATE INDEX init_muni_search_simple ON initiatives_initiative USING gin (municipality_id, "
    "to_tsvector('simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(initiator_name, '') || ' ' "
    "|| COALESCE(initiator_email, '')))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(WORDS)
    schema_editor.execute(QUERY)
    # The new index first (reads go on meanwhile), the drop last (its lock lasts until the commit).
    schema_editor.execute(INDEX)
    schema_editor.execute("DROP INDEX IF EXISTS init_muni_search_simple")
    # The planner's statistics of the new expression (how many rows a word finds).
    schema_editor.execute("ANALYZE initiatives_initiative")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_INDEX)
    schema_editor.execute("DROP INDEX IF EXISTS init_search_words")
    schema_editor.execute("DROP FUNCTION IF EXISTS initiative_search_query(bigint[], text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS initiative_search_words(bigint, text, text, text)")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0024_new_reply_indexes")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
