"""Indexes for the dashboard's "new replies to you" counter: the officer's own initiatives with
their ids (index-only, no table reads for 600 rows), and the initiator's messages by initiative
and time (partial). Measured in bench/results/triage_list_profile.md (issue 16, goal 1)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0023_search_indexes_per_municipality'),
        ('municipalities', '0008_theme'),
        ('villages', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='initiative',
            name='init_officer_status',
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(fields=['assigned_officer', 'municipality', 'status'], include=('id',), name='init_officer_muni_status'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('kind', 'from_initiator')), fields=['initiative', 'created_at'], name='msg_initiator_replies'),
        ),
    ]
