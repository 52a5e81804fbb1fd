"""The outbox knows no initiative: a mail is about a subject of any app (content type and id),
with the subject's municipality kept beside it for scoping. Existing rows keep their initiative
as their subject."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def initiative_to_subject(apps, schema_editor):
    OutboxMail = apps.get_model("notifications", "OutboxMail")
    Initiative = apps.get_model("initiatives", "Initiative")
    ContentType = apps.get_model("contenttypes", "ContentType")
    mails = OutboxMail.objects.filter(initiative__isnull=False)
    if not mails.exists():
        return
    initiative_type, _ = ContentType.objects.get_or_create(app_label="initiatives", model="initiative")
    municipality = Initiative.objects.filter(pk=OuterRef("initiative_id")).values("municipality_id")[:1]
    mails.update(subject_type=initiative_type, subject_id=models.F("initiative_id"), municipality_id=Subquery(municipality))


def subject_to_initiative(apps, schema_editor):
    OutboxMail = apps.get_model("notifications", "OutboxMail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    initiative_type = ContentType.objects.filter(app_label="initiatives", model="initiative").first()
    if initiative_type is not None:
        OutboxMail.objects.filter(subject_type=initiative_type).update(initiative_id=models.F("subject_id"))


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("initiatives", "0008_submitted_index"),
        ("municipalities", "0003_standardtext"),
        ("notifications", "0002_digest"),
    ]

    operations = [
        migrations.AddField(
            model_name="outboxmail",
            name="subject_type",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="contenttypes.contenttype",
                verbose_name="about (kind)",
            ),
        ),
        migrations.AddField(
            model_name="outboxmail",
            name="subject_id",
            field=models.PositiveBigIntegerField(blank=True, null=True, verbose_name="about (number)"),
        ),
        migrations.AddField(
            model_name="outboxmail",
            name="municipality",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="municipalities.municipality",
                verbose_name="municipality",
            ),
        ),
        migrations.RunPython(initiative_to_subject, subject_to_initiative),
        migrations.RemoveField(model_name="outboxmail", name="initiative"),
        migrations.AddIndex(
            model_name="outboxmail",
            index=models.Index(fields=["subject_type", "subject_id"], name="outbox_subject"),
        ),
    ]
