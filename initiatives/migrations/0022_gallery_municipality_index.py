"""The public gallery of one municipality reads its page and its count from its own range of a
partial index of the published initiatives (municipality, newest first), instead of filtering
every published initiative of the country out of `init_published_recent`: 55 ms at 1,000,000
initiatives (bench/results/scale.md)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0021_reference_prefix_index"),
        ("municipalities", "0008_theme"),
        ("villages", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(
                    ("publication", "approved"),
                    ("publication_consent", True),
                    models.Q(("status", "withdrawn"), _negated=True),
                ),
                fields=["municipality", "-submitted_at"],
                name="init_published_muni",
            ),
        ),
    ]
