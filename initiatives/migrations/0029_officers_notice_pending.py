"""`Initiative.officers_notice_pending`: a new initiative's officers hear of it from the worker,
not during the resident's request. Existing initiatives were announced already (False); the
column comes without rewriting the table (PostgreSQL 11+ keeps a constant default in the
catalogue), and the partial index starts empty."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0028_search_stems_per_municipality"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="officers_notice_pending",
            field=models.BooleanField(default=False, editable=False, verbose_name="officers still to be told"),
        ),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("officers_notice_pending", True)),
                fields=["submitted_at"],
                name="init_officers_notice",
            ),
        ),
    ]
