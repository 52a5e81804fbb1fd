"""`Initiative.assignee_has_new_reply`: the counter "new replies to you" reads a small partial
index instead of testing each of the officer's initiatives for an unseen message.

The flag is set here from the messages and read marks (the same UPDATE as
`InitiativeQuerySet.refresh_new_reply_flags`), before the index is built."""

from django.conf import settings
from django.db import migrations, models


def set_flags(apps, schema_editor):
    Initiative = apps.get_model("initiatives", "Initiative")
    Message = apps.get_model("initiatives", "Message")
    OfficerReadMark = apps.get_model("initiatives", "OfficerReadMark")
    seen_after = OfficerReadMark.objects.filter(
        user=models.OuterRef(models.OuterRef("assigned_officer_id")),
        initiative=models.OuterRef("initiative_id"),
        seen_at__gte=models.OuterRef("created_at"),
    )
    unseen = Message.objects.filter(initiative=models.OuterRef("pk"), kind="from_initiator").exclude(
        models.Exists(seen_after)
    )
    Initiative.objects.filter(assigned_officer__isnull=False).filter(models.Exists(unseen)).update(
        assignee_has_new_reply=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0026_search_words_without_regexp"),
        ("municipalities", "0008_theme"),
        ("villages", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="assignee_has_new_reply",
            field=models.BooleanField(default=False, editable=False, verbose_name="new reply for the assigned officer"),
        ),
        migrations.RunPython(set_flags, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(
                condition=models.Q(("assignee_has_new_reply", True)),
                fields=["assigned_officer", "municipality"],
                name="init_count_new_replies",
            ),
        ),
    ]
