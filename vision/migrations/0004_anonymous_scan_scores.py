"""Scan scores no longer point to an invitation (and so to a member).

Each score gets its scan and the member's category, copied from the invitation; then the link
to the invitation is dropped and the counting id is replaced by a random one, so the rows'
ids no longer tell in which order the members answered.

An invitation that was reopened after answering (its earlier answers counted until the member
answered again) is marked answered: the member can no longer replace answers that can no
longer be found. It keeps its reopened date as its answered date.

This cannot be undone: which member gave which score is exactly what is no longer stored.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models
from django.db.migrations.exceptions import IrreversibleError

CATEGORIES = [
    ("administration", "Administration (college)"),
    ("civil_service", "Civil service"),
    ("council", "Council"),
    ("village_council", "Village or neighbourhood council"),
    ("social_council", "Social council"),
    ("young_people", "Young people"),
    ("citizen_initiatives", "Citizens' initiatives"),
    ("facilitator", "DKK process facilitator"),
]


def copy_scan_and_category(apps, schema_editor):
    ScanScore = apps.get_model("vision", "ScanScore")
    ScanInvitation = apps.get_model("vision", "ScanInvitation")
    scores = list(ScanScore.objects.select_related("invitation__member").order_by("?"))
    for score in scores:
        score.scan_id = score.invitation.scan_id
        score.category = score.invitation.member.category
        score.uid = uuid.uuid4()
    ScanScore.objects.bulk_update(scores, ["scan", "category", "uid"], batch_size=500)
    answered_before_reopen = ScanInvitation.objects.filter(used_at__isnull=True, scores__isnull=False).distinct()
    for invitation in answered_before_reopen:
        invitation.used_at = invitation.reopened_at or invitation.sent_at
        invitation.save(update_fields=["used_at"])


def refuse_to_reverse(apps, schema_editor):
    raise IrreversibleError(
        "vision 0004 cannot be reversed: scan scores are anonymous and no longer name the invitation "
        "(the member) they came from. Restore a backup taken before this migration instead."
    )


class Migration(migrations.Migration):
    dependencies = [
        ("vision", "0003_standard_checklist"),
    ]

    operations = [
        migrations.AddField(
            model_name="scanscore",
            name="scan",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="vision.scan",
                verbose_name="scan",
            ),
        ),
        migrations.AddField(
            model_name="scanscore",
            name="category",
            field=models.CharField(choices=CATEGORIES, default="", max_length=24, verbose_name="category"),
        ),
        migrations.AddField(
            model_name="scanscore",
            name="uid",
            field=models.UUIDField(null=True),
        ),
        migrations.RunPython(copy_scan_and_category, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name="scanscore",
            name="scan_score_once",
        ),
        migrations.RemoveField(
            model_name="scanscore",
            name="invitation",
        ),
        migrations.AlterField(
            model_name="scanscore",
            name="scan",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="scores",
                to="vision.scan",
                verbose_name="scan",
            ),
        ),
        migrations.AlterField(
            model_name="scanscore",
            name="category",
            field=models.CharField(choices=CATEGORIES, max_length=24, verbose_name="category"),
        ),
        # The counting id goes (with its primary key) and the random id takes its place.
        migrations.RemoveField(
            model_name="scanscore",
            name="id",
        ),
        migrations.AlterField(
            model_name="scanscore",
            name="uid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False),
        ),
        migrations.RenameField(
            model_name="scanscore",
            old_name="uid",
            new_name="id",
        ),
        migrations.AlterModelOptions(
            name="scanscore",
            options={
                "ordering": ["scan", "item", "category", "score"],
                "verbose_name": "scan score",
                "verbose_name_plural": "scan scores",
            },
        ),
        # Last, so that it is the first step of a reverse: refuse before anything is undone.
        migrations.RunPython(migrations.RunPython.noop, refuse_to_reverse),
    ]
