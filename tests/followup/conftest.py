from datetime import date

import pytest

from organisations.models import Actor, User
from plans.models import PlanVersion
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_plan, make_user


def adopted_plan(municipality, *, goals=1, activities_per_goal=2, actors=None):
    version = make_plan(
        municipality, goals=goals, activities_per_goal=activities_per_goal, actors=actors
    )
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    return version


@pytest.fixture
def school(municipality):
    return make_actor(municipality, "Utbildningsförvaltningen", kind=Actor.Kind.ADMINISTRATION)


@pytest.fixture
def police(municipality):
    return make_actor(municipality, "Polisen", kind=Actor.Kind.EXTERNAL)


@pytest.fixture
def version(municipality, school, police):
    version = adopted_plan(municipality, actors=[school, police])
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=school
    )
    return version


@pytest.fixture
def school_reporter(municipality, school):
    user = make_user(municipality, User.Role.REPORTER, username="skola", actors=[school])
    user.email = "skola@example.se"
    user.save()
    return user


@pytest.fixture
def police_reporter(municipality, police):
    user = make_user(municipality, User.Role.REPORTER, username="polis", actors=[police])
    user.email = "polis@example.se"
    user.save()
    return user


ROUND_DEADLINE = date(2026, 3, 31)
OPENS = date(2026, 2, 1)
