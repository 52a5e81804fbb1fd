"""`initiative_search_words()` (migration 0025) without a regular expression, PostgreSQL only.

The function keyed each word by municipality with `regexp_replace`, 29 µs a row against 4.4 µs
for the words alone. That matters where PostgreSQL computes it row by row: the platform admin's
search walks the newest initiatives testing each until 26 hits are found (about 400 rows,
11.5 ms of its 16 ms statement at 100,000 initiatives), and every new or changed initiative
computes it for the index. In the words' text form each word starts after a space with a quote
(`'speeltuin':1 'kerk':4`; a quote inside a word is doubled, a space never occurs in one), so
a plain `replace(' ' || words, ' ''', ' ''~12~')` keys them all: 17 µs a row.

The result is the same for every text (compared on all 100,120 initiatives of
bench_scale_100k and the quoting cases of tests/initiatives/test_search_indexes.py), so the
index init_search_words stays valid as it is and is not built again.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION initiative_search_words(municipality bigint, title text, name text, email text)
RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (words || replace(' ' || words, ' ''', ' ''~' || municipality || '~'))::tsvector
    FROM (
        SELECT to_tsvector(
            'simple'::regconfig, COALESCE(title, '') || ' ' || COALESCE(name, '') || ' ' || COALESCE(email, '')
        )::text AS words
    ) found
$$
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FUNCTION)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        from importlib import import_module

        schema_editor.execute(import_module("initiatives.migrations.0025_search_word_starts_per_municipality").WORDS)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0025_search_word_starts_per_municipality")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
