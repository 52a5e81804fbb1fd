"""Indexes for the officers' text search (InitiativeQuerySet.search), PostgreSQL only.

The search ORs four conditions; with an index for each, PostgreSQL combines them (BitmapOr)
instead of computing two tsvectors for every row of the municipality (bench/results/triage_list.md).
The expressions are the ones the ORM writes for `search()`; tests/initiatives/test_search_indexes.py
checks with EXPLAIN that the planner uses them. Other databases search with LIKE and get none.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations, models
from django.db.models.functions import Cast, Upper

FIELDS = ("title", "initiator_name", "initiator_email")


def indexes():
    return [
        GinIndex(SearchVector(*FIELDS, config="dutch"), name="init_search_dutch"),
        GinIndex(SearchVector(*FIELDS, config="simple"), name="init_search_simple"),
        models.Index(Upper(Cast("initiator_email", models.TextField())), name="init_email_upper"),
    ]


# `reference__istartswith` is UPPER(reference) LIKE 'X%': a pattern opclass serves it in any
# collation. Written out because Django puts OpClass inside the expression's parentheses.
REFERENCE_INDEX = (
    "CREATE INDEX init_reference_upper ON initiatives_initiative ((UPPER(reference::text)) text_pattern_ops)"
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("initiatives", "Initiative")
    for index in indexes():
        schema_editor.add_index(model, index)
    schema_editor.execute(REFERENCE_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("initiatives", "Initiative")
    for index in indexes():
        schema_editor.remove_index(model, index)
    schema_editor.execute("DROP INDEX init_reference_upper")


class Migration(migrations.Migration):
    dependencies = [("initiatives", "0004_satisfaction_retention")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
