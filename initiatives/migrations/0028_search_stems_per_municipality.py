"""An officer's whole-word search reads the Dutch stems of their own municipality only.

The Dutch index of migration 0023 holds the municipality as a key next to the stems, but GIN
still reads the stem's entries of the whole country to meet the municipality's: at 1,000,000
initiatives "speeltuin" took 0.57 ms to find 202 hits, twice per page (the count and the rows),
where the keyed word starts of migration 0025 took 0.035 ms (bench/results/scale.md).

`initiative_search_stems()` gives the Dutch stems with the municipality in front
(`'~12~speeltuin':3`, positions kept, so a phrase still matches); `initiative_search_stems_query()`
turns a search (`websearch_to_tsquery('dutch', …)`) into the same query keyed for each of a
list of municipalities, joined by OR. A search that negates a word (`-kerk`) keeps the unkeyed
arm: keyed for another municipality, "not kerk" would hold for every row (TextSearch).
The platform admin's search keeps the index of migration 0023. PostgreSQL only.
"""

from django.db import migrations

STEMS = r"""
CREATE OR REPLACE FUNCTION initiative_search_stems(municipality bigint, title text, name text, email text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT replace(
        ' ' || to_tsvector(
            'dutch'::regconfig, COALESCE(title, '') || ' ' || COALESCE(name, '') || ' ' || COALESCE(email, '')
        )::text,
        ' ''',
        ' ''~' || municipality || '~'
    )::tsvector
$$
"""

# In a query's text form a lexeme is quoted ('kerk', a quote inside doubled) after an operator,
# a parenthesis or a space: each one gets the municipality in front.
QUERY = r"""
CREATE OR REPLACE FUNCTION initiative_search_stems_query(municipalities bigint[], search text)
RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN numnode(stems) = 0 THEN stems ELSE (
        SELECT string_agg(
            '(' || regexp_replace(stems::text, '''((?:[^'']|'''')+)''', '''~' || municipality || '~\1''', 'g') || ')',
            ' | '
        )::tsquery
        FROM unnest(municipalities) municipality
    ) END
    FROM (SELECT websearch_to_tsquery('dutch'::regconfig, search) AS stems) found
$$
"""

INDEX = (
    "CREATE INDEX init_search_stems ON initiatives_initiative "
    "USING gin (initiative_search_stems(municipality_id, title, initiator_name, initiator_email))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(STEMS)
    schema_editor.execute(QUERY)
    schema_editor.execute(INDEX)
    # The planner's statistics of the new expression (how many rows a stem finds).
    schema_editor.execute("ANALYZE initiatives_initiative")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS init_search_stems")
    schema_editor.execute("DROP FUNCTION IF EXISTS initiative_search_stems_query(bigint[], text)")
    schema_editor.execute("DROP FUNCTION IF EXISTS initiative_search_stems(bigint, text, text, text)")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0027_new_reply_flag")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
