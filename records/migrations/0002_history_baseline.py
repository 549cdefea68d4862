"""Give every row that exists when the audit trail is switched on a first history row, marked
"baseline", so its first change can be compared with something and deleted objects can still be
named. Rows that already have history are left alone, so the migration can run again safely."""

from django.db import migrations
from django.utils import timezone

REASON_BASELINE = "baseline"  # records.services.REASON_BASELINE

# (app, model, many-to-many fields the history keeps)
TRACKED = [
    ("organisations", "Actor", []),
    ("plans", "Term", []),
    ("plans", "Plan", []),
    ("plans", "PlanVersion", []),
    ("plans", "Goal", []),
    ("plans", "Indicator", ["reported_by"]),
    ("plans", "Activity", ["prevention_levels", "violence_areas", "target_groups"]),
    ("plans", "Responsibility", []),
    ("stats", "Statistic", []),
    ("stats", "StatisticAssignment", []),
    ("followup", "FollowUpRound", []),
    ("followup", "RoundQuestion", []),
    ("followup", "Questionnaire", []),
    ("followup", "ActivityAnswer", ["levels_reached", "groups_reached"]),
    ("followup", "Participants", []),
    ("followup", "IndicatorAnswer", []),
    ("followup", "StatisticCount", []),
    ("followup", "QuestionAnswer", []),
]
BATCH = 1000


def baseline(apps, schema_editor):
    now = timezone.now()
    for app_label, name, m2m_fields in TRACKED:
        model = apps.get_model(app_label, name)
        history = apps.get_model(app_label, f"Historical{name}")
        fields = [f.attname for f in model._meta.concrete_fields]
        pending = model.objects.exclude(pk__in=history.objects.values("id")).order_by("pk")
        batch = []
        for obj in pending.iterator(chunk_size=BATCH):
            batch.append(obj)
            if len(batch) == BATCH:
                _record(apps, app_label, name, model, history, fields, m2m_fields, batch, now)
                batch = []
        _record(apps, app_label, name, model, history, fields, m2m_fields, batch, now)


def _record(apps, app_label, name, model, history, fields, m2m_fields, objs, now):
    if not objs:
        return
    rows = history.objects.bulk_create(
        history(
            history_date=now,
            history_type="+",
            history_change_reason=REASON_BASELINE,
            history_user=None,
            **{attname: getattr(obj, attname) for attname in fields},
        )
        for obj in objs
    )
    by_object = {row.id: row for row in rows}
    for field_name in m2m_fields:
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        m2m_history = apps.get_model(app_label, f"Historical{name}_{field_name}")
        source = f"{field.m2m_field_name()}_id"
        through_fields = [f.attname for f in through._meta.concrete_fields]
        links = through.objects.filter(**{f"{source}__in": list(by_object)})
        m2m_history.objects.bulk_create(
            m2m_history(
                history=by_object[getattr(link, source)],
                **{attname: getattr(link, attname) for attname in through_fields},
            )
            for link in links
        )


class Migration(migrations.Migration):
    dependencies = [
        ("records", "0001_initial"),
        ("organisations", "0002_audit_trail"),
        ("plans", "0005_audit_trail"),
        ("stats", "0003_audit_trail"),
        ("followup", "0002_audit_trail"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
