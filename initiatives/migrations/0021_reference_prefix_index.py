"""The officers' search finds a reference by its start through a range in the "C" collation
(InitiativeQuerySet.search), PostgreSQL only: an index on that expression replaces the
`text_pattern_ops` index that served `UPPER(reference) LIKE 'TEXT%'`.

A LIKE prefix gives PostgreSQL only a first sieve, so with it in the search's OR, every hit of
the OR was tested again row by row, computing both tsvectors each time (200 ms for a platform
admin's 6,400 hits of "speeltuin"); the range is exact, and the row test is gone
(bench/results/triage_list_profile.md). tests/initiatives/test_search_indexes.py checks the plan.
"""

from django.db import migrations, models
from django.db.models.functions import Collate, Upper


def index():
    return models.Index(Collate(Upper("reference"), "C"), name="init_reference_prefix")


OLD_INDEX = (
    "CREATE INDEX init_reference_upper ON initiatives_initiative ((UPPER(reference::text)) text_pattern_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("initiatives", "Initiative"), index())
    schema_editor.execute("DROP INDEX IF EXISTS init_reference_upper")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(OLD_INDEX)
    schema_editor.remove_index(apps.get_model("initiatives", "Initiative"), index())


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0020_dashboard_counter_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
