"""A municipality backed up and restored loses nothing."""

import json
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from followup.models import ActivityAnswer, FollowUpRound, Questionnaire, StatisticCount
from organisations.models import Actor, Municipality, User
from plans.models import Plan
from records.backup import LEFT_OUT, MODELS_LEFT_OUT, RELATIONS, TRACKED, backup_read
from records.models import AuditEvent
from records.services import REASON_RESTORE
from reports.models import PlanTextSection, PublishedReport
from tests.builders import PASSWORD

DATA_APPS = ("organisations", "plans", "stats", "followup", "reports", "records")
# What a restore gives new values on purpose: when the file was made.
GENERATED = ("created_at",)


def municipality_delete(municipality: Municipality) -> None:
    """Everything of the municipality gone, in the order its protected relations allow."""
    PublishedReport.objects.filter(round__version__plan__municipality=municipality).delete()
    FollowUpRound.objects.filter(version__plan__municipality=municipality).delete()
    Plan.objects.filter(municipality=municipality).delete()
    User.objects.filter(municipality=municipality).delete()
    actors = Actor.objects.filter(municipality=municipality)
    while actors.exists():
        actors.filter(children__isnull=True).delete()
    municipality.delete()


def content(path) -> dict:
    data = backup_read(path)
    for key in GENERATED:
        data.pop(key)
    return data


def counts(municipality: Municipality) -> dict[str, int]:
    return {
        "actors": Actor.objects.filter(municipality=municipality).count(),
        "users": User.objects.filter(municipality=municipality).count(),
        "questionnaires": Questionnaire.objects.filter(
            round__version__plan__municipality=municipality
        ).count(),
        "activity answers": ActivityAnswer.objects.filter(
            questionnaire__round__version__plan__municipality=municipality
        ).count(),
        "statistic counts": StatisticCount.objects.filter(
            questionnaire__round__version__plan__municipality=municipality
        ).count(),
    }


def test_backup_and_restore_lose_nothing(demo, demo_coordinator, tmp_path):
    # What the reports app keeps: a plan's introductory texts and a published report.
    round_ = FollowUpRound.objects.get(version__plan__municipality=demo)
    PlanTextSection.objects.create(version=round_.version, title="Bakgrund", body="Varför.")
    PublishedReport.objects.create(
        round=round_,
        number=1,
        published_by=demo_coordinator,
        language="sv",
        content={"title": "Uppföljning", "rows": [[1, "Klar"]]},
    )
    before = counts(demo)
    call_command("backup_municipality", demo.code, tmp_path / "first.json.gz")
    municipality_delete(demo)
    assert not Municipality.objects.filter(code="2999").exists()

    call_command("restore_municipality", tmp_path / "first.json.gz")
    call_command("backup_municipality", "2999", tmp_path / "second.json")

    first, second = content(tmp_path / "first.json.gz"), content(tmp_path / "second.json")
    assert second == first
    restored = Municipality.objects.get(code="2999")
    assert counts(restored) == before
    # Every state of the demo survived, with who saved it.
    states = set(
        Questionnaire.objects.filter(round__version__plan__municipality=restored).values_list(
            "status", flat=True
        )
    )
    assert states == {"not_started", "draft", "submitted", "returned", "approved"}
    assert Questionnaire.objects.filter(changed_by__municipality=restored).exists()
    report = PublishedReport.objects.get(round__version__plan__municipality=restored)
    assert (report.published_by.username, report.content["rows"]) == (
        demo_coordinator.username,
        [[1, "Klar"]],
    )
    # The restored text has its history row, as every restored object has.
    section = PlanTextSection.objects.get(version__plan__municipality=restored)
    (record,) = PlanTextSection.history.filter(id=section.pk)
    assert (record.history_type, record.history_change_reason) == ("+", REASON_RESTORE)


def test_the_backup_holds_the_whole_demo(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    data = backup_read(tmp_path / "backup.json")
    (plan,) = data["plans"]
    adopted, draft = plan["versions"]
    assert (adopted["status"], draft["status"], draft["based_on"]) == (
        "adopted",
        "draft",
        adopted["ref"],
    )
    (round_,) = adopted["rounds"]
    answered = [q for q in round_["questionnaires"] if q["status"] != "not_started"]
    assert answered and all(q["activity_answers"] for q in answered)
    assert any(q["statistic_counts"] for q in answered)
    assert any(a["levels_reached"] for q in answered for a in q["activity_answers"])
    assert "password" not in json.dumps(data["users"])


def test_restored_users_must_set_a_new_password(demo, demo_coordinator, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    municipality_delete(demo)
    call_command("restore_municipality", tmp_path / "backup.json")

    user = User.objects.get(username=demo_coordinator.username)
    assert not user.has_usable_password()
    assert not user.check_password(PASSWORD)
    assert (user.role, user.municipality.code) == ("coordinator", "2999")


def test_a_restore_is_recorded_in_the_trail(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    municipality_delete(demo)
    call_command("restore_municipality", tmp_path / "backup.json")

    restored = Municipality.objects.get(code="2999")
    assert AuditEvent.objects.filter(municipality=restored, action="restore").exists()
    questionnaire = Questionnaire.objects.filter(
        round__version__plan__municipality=restored
    ).first()
    (record,) = Questionnaire.history.filter(id=questionnaire.pk)
    assert (record.history_type, record.history_change_reason) == ("+", REASON_RESTORE)


def test_a_backup_is_logged(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    event = AuditEvent.objects.get(action="backup")
    assert (event.municipality, event.details) == (demo, {"file": "backup.json"})


def test_restoring_a_municipality_that_exists_is_refused(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    plans = Plan.objects.count()
    with pytest.raises(CommandError, match="2999"):
        call_command("restore_municipality", tmp_path / "backup.json")
    assert Plan.objects.count() == plans


def test_restoring_is_all_or_nothing(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    municipality_delete(demo)
    data = backup_read(tmp_path / "backup.json")
    # The last thing restored refers to a statistic this database does not have.
    counts_ = data["plans"][0]["versions"][0]["rounds"][0]["questionnaires"]
    cell = next(c for q in counts_ for c in q["statistic_counts"])
    cell["statistic"] = {"code": "no-such-statistic", "national": True}
    (tmp_path / "damaged.json").write_text(json.dumps(data))

    with pytest.raises(CommandError, match="no-such-statistic"):
        call_command("restore_municipality", tmp_path / "damaged.json")
    assert not Municipality.objects.filter(code="2999").exists()
    assert not User.objects.filter(username=data["users"][0]["username"]).exists()


def test_a_decision_date_ahead_of_today_is_not_restored(demo, tmp_path):
    call_command("backup_municipality", demo.code, tmp_path / "backup.json")
    municipality_delete(demo)
    data = backup_read(tmp_path / "backup.json")
    adopted = next(v for v in data["plans"][0]["versions"] if v["status"] == "adopted")
    adopted["decision_date"] = (timezone.localdate() + timedelta(days=1)).isoformat()
    (tmp_path / "edited.json").write_text(json.dumps(data))

    with pytest.raises(CommandError, match="Beslutsdatumet kan inte ligga i framtiden"):
        call_command("restore_municipality", tmp_path / "edited.json")
    assert not Municipality.objects.filter(code="2999").exists()


def test_a_file_that_is_not_a_backup_is_refused(db, tmp_path):
    (tmp_path / "plan.json").write_text('{"format": "handlingskraft-plan"}')
    with translation.override("en"):
        with pytest.raises(CommandError, match="not a Handlingskraft municipality backup"):
            call_command("restore_municipality", tmp_path / "plan.json")


def test_every_relation_of_every_model_is_in_the_backup():
    """A new model or relation must be added to the backup (or left out on purpose) before
    it can be forgotten there."""
    models = {
        model
        for app in DATA_APPS
        if apps.is_installed(app)
        for model in apps.get_app_config(app).get_models()
        if not model.__name__.startswith("Historical") and model._meta.label not in MODELS_LEFT_OUT
    }
    assert models <= RELATIONS.keys(), models - RELATIONS.keys()
    for model, handled in RELATIONS.items():
        relations = {
            field.name
            for field in model._meta.get_fields()
            if field.is_relation and not field.auto_created
        }
        assert relations <= handled | LEFT_OUT.get(model, set()), (model, relations - handled)
    assert set(TRACKED) <= RELATIONS.keys()
