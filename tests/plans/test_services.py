from plans.models import PlanVersion
from plans.services import item_move, plan_version_copy
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
