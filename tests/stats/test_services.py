import pytest
from django.core.exceptions import ValidationError

from plans.models import PlanVersion
from stats.models import Statistic, StatisticAssignment
from stats.services import statistic_assignments_set, statistic_create
from tests.builders import make_actor, make_plan


def national(code: str) -> Statistic:
    return Statistic.objects.get(municipality=None, code=code)


def test_setting_assignments_keeps_unchanged_rows_and_replaces_the_rest(municipality, actor):
    partner = make_actor(municipality, "Polisen")
    version = make_plan(municipality, actors=[actor])
    travel_bans, honour = national("travel_bans"), national("honour_cases")
    statistic_assignments_set(version=version, assignments={travel_bans: [actor, partner]})
    kept = StatisticAssignment.objects.get(version=version, actor=actor)

    statistic_assignments_set(
        version=version, assignments={travel_bans: [actor], honour: [partner]}
    )

    assert set(
        StatisticAssignment.objects.filter(version=version).values_list(
            "statistic__code", "actor__name"
        )
    ) == {("travel_bans", "Socialnämnden"), ("honour_cases", "Polisen")}
    assert StatisticAssignment.objects.filter(pk=kept.pk).exists()


def test_assignments_never_reach_another_municipality(municipality, other_municipality, actor):
    version = make_plan(municipality, actors=[actor])
    foreign_actor = make_actor(other_municipality, "Främmande nämnd")
    foreign_statistic = statistic_create(municipality=other_municipality, name="Deras egen")
    with pytest.raises(ValidationError):
        statistic_assignments_set(
            version=version, assignments={national("travel_bans"): [actor, foreign_actor]}
        )
    with pytest.raises(ValidationError):
        statistic_assignments_set(version=version, assignments={foreign_statistic: [actor]})
    assert not StatisticAssignment.objects.filter(version=version).exists()


def test_an_adopted_version_keeps_its_assignments(municipality, actor):
    version = make_plan(municipality, actors=[actor])
    statistic_assignments_set(version=version, assignments={national("travel_bans"): [actor]})
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    with pytest.raises(ValidationError):
        statistic_assignments_set(version=version, assignments={})
    assert StatisticAssignment.objects.filter(version=version).count() == 1


def test_own_statistics_are_numbered_after_each_other(municipality):
    first = statistic_create(municipality=municipality, name="Första")
    second = statistic_create(municipality=municipality, name="Andra")
    assert (first.position, second.position) == (0, 1)
    assert (first.code, second.code) == ("forsta", "andra")


def test_a_name_without_letters_still_gets_a_code(municipality):
    assert statistic_create(municipality=municipality, name="???").code == "statistic"
