"""Indexes for the dashboard's counters (InitiativeQuerySet.dashboard_counters): a small partial
index per counter, and the officer's own rows with their municipality (index-only). Measured in
bench/results/triage_list_profile.md (issue 16)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('initiatives', '0019_statistics_rollups'),
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
            index=models.Index(fields=['assigned_officer', 'status', 'municipality'], name='init_officer_status'),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(condition=models.Q(('assigned_officer__isnull', True), ('status', 'submitted')), fields=['municipality'], name='init_count_unassigned'),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(condition=models.Q(('first_response_at__isnull', True), models.Q(('status__in', ('withdrawn', 'closed')), _negated=True)), fields=['municipality', 'first_response_due'], name='init_count_first_response'),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(condition=models.Q(('decided_at__isnull', True), ('status__in', ['in_conversation', 'intake', 'submitted', 'waiting_for_initiator'])), fields=['municipality', 'decision_due'], name='init_count_decision'),
        ),
        migrations.AddIndex(
            model_name='initiative',
            index=models.Index(condition=models.Q(('publication', 'pending'), ('publication_consent', True), models.Q(('status', 'withdrawn'), _negated=True)), fields=['municipality'], name='init_count_publication'),
        ),
    ]
