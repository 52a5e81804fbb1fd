"""The officers' text search looks its words up within its own municipality, PostgreSQL only.

The two GIN indexes of migration 0005 held each word for the whole country, so an officer's
search for "speeltuin" collected 62,732 hits of each text configuration at 1,000,000 initiatives
and only then kept the 202 of the officer's municipality (bench/results/scale.md). These replace
them with GIN indexes on (municipality, tsvector): `btree_gin` lets GIN hold the municipality as
a key next to the words, and PostgreSQL puts `municipality_id = …` into each arm of the search's
OR. A whole word (the Dutch arm) is then read within the municipality (13 ms → 1 ms at 1M). A
word start (`speeltuin:*`, the "simple" arm) is not: GIN collects every hit of a prefix in the
country before it intersects, so that arm still costs what it did (the open part, scale.md).
A GIN index with several columns serves a condition on any of them, so the platform admin's
search of every municipality reads these indexes by their words alone, as fast as before.

The municipality must be compared as a bigint (the column's type): btree_gin has no
cross-type operators before PostgreSQL 18, so `municipality_id = 1` (an integer) cannot use
it. `municipalities.scoping` writes the officers' known municipality ids as bigints.
tests/initiatives/test_search_indexes.py checks both plans.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.operations import BtreeGinExtension
from django.contrib.postgres.search import SearchVector
from django.db import migrations

FIELDS = ("title", "initiator_name", "initiator_email")
CONFIGS = ("dutch", "simple")


def old_indexes():
    return [GinIndex(SearchVector(*FIELDS, config=config), name=f"init_search_{config}") for config in CONFIGS]


def new_indexes():
    return [
        GinIndex("municipality", SearchVector(*FIELDS, config=config), name=f"init_muni_search_{config}")
        for config in CONFIGS
    ]


def replace(apps, schema_editor, add, remove):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("initiatives", "Initiative")
    # Build the new ones first: building takes a lock that still lets the table be read; the
    # drop (which does not) comes last and holds its lock only until the commit.
    for index in add():
        schema_editor.add_index(model, index)
    for index in remove():
        schema_editor.remove_index(model, index)
    # The planner's statistics of an index expression belong to the index: without them it
    # guesses how many rows a word finds (5,000 where 62,732 match at 1,000,000).
    schema_editor.execute(f"ANALYZE {model._meta.db_table}")


def forwards(apps, schema_editor):
    replace(apps, schema_editor, new_indexes, old_indexes)


def backwards(apps, schema_editor):
    replace(apps, schema_editor, old_indexes, new_indexes)


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0022_gallery_municipality_index")]

    operations = [
        # Only on PostgreSQL (Django's extension operations skip other databases); a trusted
        # extension since PostgreSQL 13, so the database owner may create it.
        BtreeGinExtension(),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
