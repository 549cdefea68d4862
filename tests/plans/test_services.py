import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility
from plans.services import item_move, plan_version_copy, plan_version_delete
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_plan


def canonical(version: PlanVersion):
    """The content of a version, independent of primary keys."""
    goals = sorted(
        (g.code, g.parent.code if g.parent else None, g.title, g.conditions)
        for g in version.goals.all()
    )
    indicators = sorted(
        (i.code, i.goal.code, i.title, i.baseline_value) for i in version.indicators.all()
    )
    activities = sorted(
        (
            a.code,
            a.goal.code,
            a.title,
            a.timeframe,
            tuple(sorted((r.actor.name, r.role) for r in a.responsibilities.all())),
            tuple(sorted(t.code for t in a.prevention_levels.all())),
            tuple(sorted(t.code for t in a.violence_areas.all())),
            tuple(sorted(t.code for t in a.target_groups.all())),
        )
        for a in version.activities.all()
    )
    return goals, indicators, activities


def test_copy_makes_a_draft_with_identical_content(municipality):
    actors = [make_actor(municipality, "A"), make_actor(municipality, "B")]
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=actors)
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    child = version.goals.first().children.create(version=version, code="1.1", title="Delmål")
    assert child.parent_id

    copy = plan_version_copy(version=version)
    assert copy.status == PlanVersion.Status.DRAFT
    assert copy.label == "1.1" and copy.based_on == version
    assert canonical(copy) == canonical(version)
    assert not set(copy.goals.values_list("pk", flat=True)) & set(
        version.goals.values_list("pk", flat=True)
    )


def test_moving_the_first_item_up_changes_nothing(municipality):
    version = make_plan(municipality, goals=3)
    first = version.goals.order_by("position").first()
    item_move(item=first, offset=-1)
    assert version.goals.order_by("position").first() == first
    item_move(item=first, offset=1)
    assert version.goals.order_by("position")[1] == first


def test_deleting_a_draft_removes_everything_in_it_and_nothing_else(municipality):
    actors = [make_actor(municipality, "A"), make_actor(municipality, "B")]
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=actors)
    version.goals.first().children.create(version=version, code="1.1", title="Delmål")
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
    )
    kept = canonical(version)
    draft = plan_version_copy(version=version)
    based_on_draft = plan_version_copy(version=draft)
    links = Activity.prevention_levels.through.objects

    plan_version_delete(version=draft)

    assert not PlanVersion.objects.filter(pk=draft.pk).exists()
    for model in (Goal, Indicator, Activity, StatisticAssignment):
        assert not model.objects.filter(version=draft.pk).exists()
    assert not Responsibility.objects.filter(activity__version=draft.pk).exists()
    assert links.count() == 2 * version.activities.count()  # the two versions left
    assert canonical(version) == kept
    based_on_draft.refresh_from_db()
    assert based_on_draft.based_on is None


def test_deleting_the_last_version_deletes_the_plan_and_an_adopted_one_is_refused(municipality):
    actors = [make_actor(municipality, "A")]
    version = make_plan(municipality, actors=actors)
    plan = version.plan
    plan_version_delete(version=version)
    assert not Plan.objects.filter(pk=plan.pk).exists()

    adopted = make_plan(municipality, actors=actors)
    adopted.status = PlanVersion.Status.ADOPTED
    adopted.save()
    with pytest.raises(ValidationError):
        plan_version_delete(version=adopted)
    assert PlanVersion.objects.filter(pk=adopted.pk).exists()


def test_deleting_a_draft_takes_the_same_queries_whatever_its_size(municipality):
    actors = [make_actor(municipality, "A"), make_actor(municipality, "B")]
    queries = []
    for goals, activities in ((1, 1), (4, 5)):
        version = make_plan(
            municipality, goals=goals, activities_per_goal=activities, actors=actors
        )
        plan_version_copy(version=version)  # so the plan stays: one version is left
        with CaptureQueriesContext(connection) as captured:
            plan_version_delete(version=version)
        queries.append(len(captured))
    assert queries[0] == queries[1]
