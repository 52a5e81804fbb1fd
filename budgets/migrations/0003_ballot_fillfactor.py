"""Ballots leave half of each page free, PostgreSQL only.

When a round's results are published, the service clears every voter's address (privacy: the
results mails have their own copy). `email` is in no index, so PostgreSQL can write that update
in place on the same page (a HOT update), but only if the page has room for the new row version;
without it, each of the 40,000 updates of a large round also adds an entry to every index of the
table. With the free half, clearing 40,000 addresses took 0.5 s instead of 5.5 s on the shared
bench machine (bench/results/budget_results.md). A ballot is a small row: the table stays small.
Existing pages keep their fill until the table is rewritten (VACUUM FULL); new ballots get room.
"""

from django.db import migrations

FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE budgets_ballot SET (fillfactor = {FILLFACTOR})")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE budgets_ballot RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("budgets", "0002_field_names")]

    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False)]
