"""Observations, scores, scale-2 decisions, change forms and triage assessments are
append-only at the database level, like journal entries (triggers; on PostgreSQL the app role
may only SELECT and INSERT them, `core.db_roles`)."""

from django.db import migrations

from sammen.core.db import append_only_triggers


class Migration(migrations.Migration):
    dependencies = [("triage", "0001_observations_scores_triage")]

    operations = [
        append_only_triggers("triage_observation"),
        append_only_triggers("triage_score"),
        append_only_triggers("triage_scale_two"),
        append_only_triggers("triage_change_report"),
        append_only_triggers("triage_assessment"),
    ]
