"""Every write leaves its history row, also the services' bulk writes, which send no signals."""

from datetime import date

import pytest
from django.db import models
from django.db.models import Max

from exchange.data import version_to_data
from exchange.importer import plan_version_import
from followup.answers import answers_from_rows
from followup.models import (
    ActivityAnswer,
    IndicatorAnswer,
    Participants,
    Questionnaire,
    RoundQuestion,
    StatisticCount,
)
from followup.queries import questionnaire_content
from followup.services import questionnaire_save, round_open
from organisations.models import Actor, User
from plans.models import Activity, Goal, Indicator, PlanVersion, Responsibility
from plans.services import (
    activity_set_responsibilities,
    plan_version_adopt,
    plan_version_copy,
    plan_version_delete,
)
from records.queries import version_history
from reports.models import PlanTextSection
from reports.services import text_section_delete, text_section_move, text_sections_suggest
from stats.models import Statistic, StatisticAssignment
from stats.services import statistic_assignments_set
from tests.builders import make_actor, make_plan, make_user, term


def m2m_history(record, name: str) -> set[int]:
    """The ids a history row recorded for one of its many-to-many fields."""
    target = f"{record.instance_type._meta.get_field(name).m2m_reverse_field_name()}_id"
    return set(getattr(record, name).values_list(target, flat=True))


def latest(model, obj):
    return model.history.filter(id=obj.pk).order_by("-history_id").first()


@pytest.fixture
def version(municipality):
    actors = [make_actor(municipality, "Socialnämnden"), make_actor(municipality, "Polisen")]
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=actors)
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
    )
    return version


def test_copying_a_version_records_every_copy_with_its_many_to_many_sets(version):
    copy = plan_version_copy(version=version)

    for activity in copy.activities.all():
        record = latest(Activity, activity)
        assert record.history_type == "+"
        assert m2m_history(record, "prevention_levels") == {
            term("prevention_level", "universal").pk
        }
        assert m2m_history(record, "violence_areas") == {term("violence_area", "honour").pk}
        assert m2m_history(record, "target_groups") == {term("target_group", "staff").pk}
    for indicator in copy.indicators.all():
        record = latest(Indicator, indicator)
        assert record.history_type == "+"
        assert m2m_history(record, "reported_by") == set(
            indicator.reported_by.values_list("pk", flat=True)
        )
    responsibilities = Responsibility.objects.filter(activity__version=copy)
    assert Responsibility.history.filter(id__in=responsibilities.values("pk")).count() == 8
    assignment = copy.statistic_assignments.get()
    assert latest(StatisticAssignment, assignment).history_type == "+"
    assert latest(PlanVersion, copy).based_on_id == version.pk


def deletion_rows(model, since: int) -> list[tuple]:
    """The "deleted" rows written after history id `since`: each row's data, without ids and
    times (the two drafts compared are copies made one after the other)."""
    history = model.history.model
    ids = {"id", "history_id", "version_id", "activity_id", "goal_id", "parent_id"}
    fields = [
        f.attname
        for f in history._meta.concrete_fields
        # A bulk-written row has "" where one written by a signal has None.
        if f.attname not in ids | {"history_change_reason"}
        and not isinstance(f, models.DateTimeField)
    ]
    return sorted(
        history.objects.filter(history_id__gt=since, history_type="-").values_list(*fields)
    )


def test_deleting_a_draft_leaves_the_same_trail_as_deleting_row_by_row(version):
    models = [PlanVersion, Goal, Indicator, Activity, Responsibility, StatisticAssignment]
    by_django, by_service = plan_version_copy(version=version), plan_version_copy(version=version)
    trails = []
    for delete in (lambda: by_django.delete(), lambda: plan_version_delete(version=by_service)):
        since = {model: latest_history_id(model) for model in models}
        delete()
        trails.append({model: deletion_rows(model, since[model]) for model in models})

    assert trails[0] == trails[1]
    assert len(trails[1][Activity]) == 4 and len(trails[1][Responsibility]) == 8
    # Unlike a delete row by row, which removes the links first, the rows keep their sets.
    record = Activity.history.filter(history_type="-").order_by("-history_id").first()
    assert m2m_history(record, "prevention_levels") == {term("prevention_level", "universal").pk}


def latest_history_id(model) -> int:
    return model.history.aggregate(most=Max("history_id"))["most"] or 0


def test_adopting_records_that_the_version_adopted_before_is_superseded(version):
    plan_version_adopt(version=version, decided_by="KF", decision_date=date(2025, 1, 28))
    draft = plan_version_copy(version=version)

    plan_version_adopt(version=draft, decided_by="KF", decision_date=date(2026, 1, 28))

    record = latest(PlanVersion, version)
    assert (record.history_type, record.status) == ("~", "superseded")
    assert record.prev_record.status == "adopted"


def test_setting_responsibilities_records_only_who_was_added_or_removed(municipality, version):
    activity = version.activities.first()
    lead, co = (r.actor for r in activity.responsibilities.order_by("-role"))
    before = Responsibility.history.count()

    activity_set_responsibilities(activity=activity, lead=lead, co_actors=[co])
    assert Responsibility.history.count() == before

    newcomer = make_actor(municipality, "Kvinnojouren")
    activity_set_responsibilities(activity=activity, lead=lead, co_actors=[newcomer])
    changes = Responsibility.history.filter(history_id__gt=_last_id(before))
    assert sorted((r.history_type, r.actor_id, r.role) for r in changes) == sorted(
        [("-", co.pk, "co"), ("+", newcomer.pk, "co")]
    )
    assert activity.lead == lead


def _last_id(count: int) -> int:
    return Responsibility.history.order_by("history_id")[count - 1].history_id


def test_statistic_assignments_record_additions_and_removals(municipality, version):
    police = Actor.objects.get(name="Polisen")
    honour = Statistic.objects.get(code="honour_cases")
    old = version.statistic_assignments.get()

    statistic_assignments_set(version=version, assignments={honour: [police]})

    assert latest(StatisticAssignment, old).history_type == "-"
    new = version.statistic_assignments.get()
    assert (new.actor, latest(StatisticAssignment, new).history_type) == (police, "+")


def test_importing_a_plan_file_records_the_new_version_with_its_many_to_many_sets(version):
    imported = plan_version_import(
        municipality=version.plan.municipality, data=version_to_data(version), plan=version.plan
    )

    for activity in imported.activities.all():
        record = latest(Activity, activity)
        assert record.history_type == "+"
        assert m2m_history(record, "prevention_levels") == {
            term("prevention_level", "universal").pk
        }
    for indicator in imported.indicators.all():
        assert m2m_history(latest(Indicator, indicator), "reported_by") == set(
            indicator.reported_by.values_list("pk", flat=True)
        )
    assert Responsibility.history.filter(activity_id__in=imported.activities.values("pk")).count()
    assert StatisticAssignment.history.filter(version_id=imported.pk).count() == 1
    assert PlanVersion.history.filter(id=imported.pk, history_type="+").exists()


@pytest.fixture
def round_(version):
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    return round_open(
        version=version, year=2025, opens_on=date(2026, 2, 1), deadline=date(2026, 3, 31)
    )


def test_opening_a_round_records_every_questionnaire_and_answer(round_):
    questionnaires = Questionnaire.objects.filter(round=round_)
    assert questionnaires.count() == 2
    for model, rows in (
        (Questionnaire, questionnaires),
        (ActivityAnswer, ActivityAnswer.objects.filter(questionnaire__round=round_)),
        (IndicatorAnswer, IndicatorAnswer.objects.filter(questionnaire__round=round_)),
    ):
        assert rows.exists()
        recorded = set(model.history.filter(history_type="+").values_list("id", flat=True))
        assert set(rows.values_list("pk", flat=True)) <= recorded


def test_saving_a_questionnaire_records_what_changed_and_who_saved_it(municipality, round_):
    questionnaire = round_.questionnaires.get(actor__name="Socialnämnden")
    reporter = make_user(
        municipality, User.Role.REPORTER, actors=[questionnaire.actor], username="nyckel"
    )
    content = questionnaire_content(questionnaire)
    first, second = sorted(answer.pk for answer in content.activity_answers)[:2]
    statistic = Statistic.objects.get(code="honour_cases")

    def cells(girls):
        return lambda row: (
            {("girls", "13-17"): girls, ("boys", "13-17"): 2} if row == statistic else {}
        )

    changes = answers_from_rows(
        content,
        activity=lambda answer, n: (
            {
                "status": "done",
                "levels_reached": [term("prevention_level", "selective").pk],
                "participants_women": 12,
            }
            if answer.pk == first
            else {}
        ),
        statistic=cells(3),
    )
    saved = questionnaire_save(questionnaire=questionnaire, user=reporter, changes=changes)
    saved = saved.questionnaire

    record = latest(ActivityAnswer, ActivityAnswer.objects.get(pk=first))
    assert (record.history_type, record.status, record.history_user) == ("~", "done", reporter)
    assert m2m_history(record, "levels_reached") == {term("prevention_level", "selective").pk}
    assert not ActivityAnswer.history.filter(id=second, history_type="~").exists()
    assert Participants.history.get().count == 12
    assert StatisticCount.history.filter(history_type="+", history_user=reporter).count() == 2
    assert latest(Questionnaire, saved).history_user == reporter

    # Saving again with one cell changed records that cell only, as a change in place.
    before = StatisticCount.history.count()
    changes = answers_from_rows(questionnaire_content(saved), statistic=cells(4))
    questionnaire_save(questionnaire=questionnaire, user=reporter, changes=changes)
    (change,) = StatisticCount.history.order_by("history_id")[before:]
    assert (change.history_type, change.gender, change.count) == ("~", "girls", 4)
    assert change.prev_record.count == 3
    assert not ActivityAnswer.history.filter(history_id__gt=record.history_id).exists()


def test_a_version_s_history_shows_its_follow_up_rounds_and_their_questions(round_, version):
    RoundQuestion.objects.create(round=round_, text="Hur har ni samverkat?", kind="text")
    entries = version_history(version).object_list
    question, opened = entries[0], entries[1]
    assert (question.kind, question.object, question.action) == (
        "Fråga i en uppföljningsomgång",
        "Hur har ni samverkat?",
        "created",
    )
    assert (opened.kind, opened.object, opened.action) == (
        "Uppföljningsomgång",
        "Uppföljning 2025",
        "created",
    )
    assert ("Sista svarsdag", "", "2026-03-31") in {(c.field, c.old, c.new) for c in opened.changes}


def test_the_texts_of_a_version_are_recorded_however_they_are_written(version):
    suggested = text_sections_suggest(version=version)
    assert {latest(PlanTextSection, s).history_type for s in suggested} == {"+"}
    first, second = suggested[:2]
    text_section_move(section=second, offset=-1)
    assert latest(PlanTextSection, second).position == 0
    copy = plan_version_copy(version=version)
    copies = list(copy.text_sections.all())
    assert len(copies) == len(suggested)
    assert {latest(PlanTextSection, s).history_type for s in copies} == {"+"}
    first_id = first.pk
    text_section_delete(section=first)
    assert PlanTextSection.history.filter(id=first_id).latest().history_type == "-"

    entries = version_history(version).object_list
    assert (entries[0].kind, entries[0].object, entries[0].action) == (
        "Inledande text",
        first.title,
        "deleted",
    )
    moved = next(e for e in entries if e.object == second.title and e.action == "changed")
    assert [(c.field, c.old, c.new) for c in moved.changes] == [("Ordning", "1", "0")]
