"""The staff role groups of accounts/roles.py; every later migrate keeps them in line (post_migrate)."""

from django.db import migrations

from accounts.roles import roles_sync


def roles_create(apps, schema_editor):
    roles_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("audit", "0001_initial"),
        ("initiatives", "0008_submitted_index"),
        ("municipalities", "0003_standardtext"),
        ("notifications", "0002_digest"),
        ("villages", "0001_initial"),
        ("vision", "0003_standard_checklist"),
    ]

    operations = [migrations.RunPython(roles_create, migrations.RunPython.noop)]
