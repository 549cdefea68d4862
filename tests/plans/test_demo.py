"""The demo data: a complete, valid plan for a fictional municipality, loaded by a command."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count, Q
from django.test import RequestFactory

from organisations.models import Actor, Municipality, User
from plans.demo import (
    ACTORS,
    DEMO_PASSWORD,
    INDICATORS,
    REVISION,
    STATISTIC_ASSIGNMENTS,
    demo_load,
    demo_municipality,
    demo_sign_ins,
)
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from plans.services import version_adoption_problems
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_municipality, make_plan

COUNTED = [
    Municipality,
    Actor,
    User,
    Term,
    Plan,
    PlanVersion,
    Goal,
    Indicator,
    Activity,
    Statistic,
    StatisticAssignment,
]


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    result = {model.__name__: model.objects.count() for model in COUNTED}
    result["Responsibility"] = Responsibility.objects.count()
    result["activity terms"] = sum(
        getattr(Activity, name).through.objects.count()
        for name in ("prevention_levels", "violence_areas", "target_groups")
    )
    result["user actors"] = User.actors.through.objects.count()
    result["indicator reporters"] = Indicator.reported_by.through.objects.count()
    return result


@pytest.fixture
def demo(db) -> Municipality:
    load("--quiet")
    return demo_municipality()


@pytest.fixture
def adopted(demo) -> PlanVersion:
    return PlanVersion.objects.get(plan__municipality=demo, status=PlanVersion.Status.ADOPTED)


def test_the_demo_municipality_has_actors_in_a_tree_including_external_partners(demo):
    actors = demo.actors.all()
    assert actors.count() >= 8
    assert actors.filter(kind=Actor.Kind.EXTERNAL).count() >= 2
    assert {Actor.Kind(kind) for kind in actors.values_list("kind", flat=True)} == set(Actor.Kind)
    unit = actors.get(name="Våldsstödsteamet")
    assert unit.parent.name == "Socialförvaltningen"
    assert unit.parent.parent.name == "Socialnämnden"


def test_the_adopted_version_carries_its_decision_trail(adopted):
    assert adopted.label == "2025–2028"
    assert (adopted.valid_from, adopted.valid_to) == (2025, 2028)
    assert adopted.decided_by == "Kommunfullmäktige"
    assert adopted.decision_date is not None
    assert adopted.decision_paragraph.startswith("§")
    assert adopted.diary_number
    assert len(adopted.distribution_list) >= 3
    assert adopted.change_summary


def test_the_adopted_version_has_no_adoption_problems(adopted):
    assert version_adoption_problems(adopted) == []


def test_the_plan_has_goals_with_sub_goals_and_conditions(adopted):
    top = adopted.goals.filter(parent=None)
    assert top.count() >= 4
    assert all(goal.description and goal.condition_list for goal in adopted.goals.all())
    assert adopted.goals.filter(parent__parent__isnull=False).exists()  # two levels deep


def test_the_plan_has_indicators_with_baselines_and_real_kolada_ids(adopted):
    indicators = adopted.indicators.all()
    assert indicators.count() >= 6
    assert not indicators.filter(Q(baseline_year=None) | Q(baseline_value=None)).exists()
    assert not indicators.filter(Q(target_year=None) | Q(target_value=None)).exists()
    kolada = set(
        indicators.filter(source=Indicator.Source.KOLADA).values_list("kolada_kpi", flat=True)
    )
    assert {"U30750", "U30751"} <= kolada
    assert indicators.filter(source=Indicator.Source.STAFF_SURVEY).exists()
    assert indicators.filter(source=Indicator.Source.FOLLOW_UP).count() >= 3
    assert indicators.values("goal").distinct().count() >= 4


def test_the_plan_has_activities_over_many_actors(adopted):
    activities = adopted.activities.all()
    assert activities.count() >= 20
    leads = Responsibility.objects.filter(activity__version=adopted, role="lead")
    assert leads.values("actor").distinct().count() >= 8
    external = Responsibility.objects.filter(
        activity__version=adopted, actor__kind=Actor.Kind.EXTERNAL
    )
    assert external.filter(role="lead").exists()
    assert external.filter(role="co").exists()
    assert activities.filter(continuous=True).exists()
    assert activities.filter(continuous=False, start_year__isnull=False).exists()


def test_every_demo_activity_has_exactly_one_lead(demo):
    activities = Activity.objects.filter(version__plan__municipality=demo).annotate(
        leads=Count("responsibilities", filter=Q(responsibilities__role="lead"))
    )
    assert activities.exists()
    assert set(activities.values_list("leads", flat=True)) == {1}


def test_an_activity_uses_a_violence_area_of_the_municipality_s_own(demo, adopted):
    local = Term.objects.get(municipality=demo, kind=Term.Kind.VIOLENCE_AREA)
    assert adopted.activities.filter(violence_areas=local).exists()


def test_every_prevention_level_is_used_and_indicated_is_the_most_common(adopted):
    used = {
        term.code: adopted.activities.filter(prevention_levels=term).count()
        for term in Term.objects.filter(municipality=None, kind=Term.Kind.PREVENTION_LEVEL)
    }
    assert set(used) == {"universal", "selective", "indicated"}
    assert all(used.values())
    assert used["indicated"] > used["selective"] > used["universal"]
    assert used["indicated"] > adopted.activities.count() / 2


def test_a_draft_revision_shows_what_changed(adopted):
    draft = PlanVersion.objects.get(plan=adopted.plan, status=PlanVersion.Status.DRAFT)
    assert draft.based_on == adopted
    assert draft.change_summary
    new_codes = set(draft.activities.values_list("code", flat=True)) - set(
        adopted.activities.values_list("code", flat=True)
    )
    assert new_codes
    assert (
        draft.indicators.get(code="M1").target_value
        != adopted.indicators.get(code="M1").target_value
    )


def test_every_actor_that_reports_something_exists(demo):
    keys = {actor["key"] for actor in ACTORS}
    named = {key for row in INDICATORS for key in row.get("reported_by", [])}
    named |= {key for _code, key in STATISTIC_ASSIGNMENTS + REVISION["statistic_assignments"]}
    assert named <= keys
    reporters = Actor.objects.filter(
        Q(reported_indicators__version__plan__municipality=demo)
        | Q(statistic_assignments__version__plan__municipality=demo)
    ).distinct()
    assert reporters.count() >= 5
    assert set(reporters.values_list("municipality", flat=True)) == {demo.pk}


def test_indicators_say_who_reports_them(adopted):
    reported = adopted.indicators.filter(reported_by__isnull=False).distinct()
    assert reported.count() >= 4
    # Staff-survey figures come from the administrations; Kolada figures are fetched.
    survey = adopted.indicators.get(source=Indicator.Source.STAFF_SURVEY)
    assert survey.reported_by.count() >= 3
    assert set(survey.reported_by.values_list("kind", flat=True)) == {Actor.Kind.ADMINISTRATION}
    assert not adopted.indicators.filter(
        source=Indicator.Source.KOLADA, reported_by__isnull=False
    ).exists()
    follow_up = adopted.indicators.filter(source=Indicator.Source.FOLLOW_UP)
    assert not follow_up.filter(reported_by__isnull=True).exists()


def test_the_adopted_version_assigns_national_and_own_statistics(demo, adopted):
    assignments = adopted.statistic_assignments.select_related("statistic", "actor")
    assert assignments.count() >= 5
    by_code = {}
    for assignment in assignments:
        by_code.setdefault(assignment.statistic.code, set()).add(assignment.actor.name)
    for code in ("honour_cases", "concern_reports_honour", "travel_bans", "taken_abroad"):
        assert "Individ- och familjeomsorgen" in by_code[code]
    for code in ("staff_basic_training", "staff_advanced_training", "staff_target_group"):
        assert {"Socialförvaltningen", "Utbildningsförvaltningen"} <= by_code[code]
    national = set(Statistic.objects.filter(municipality=None).values_list("code", flat=True))
    assert national <= set(by_code)
    assert assignments.filter(statistic__municipality=demo).exists()
    for assignment in assignments:
        assignment.full_clean()


def test_the_draft_revision_keeps_the_statistics_and_adds_some(adopted):
    draft = PlanVersion.objects.get(plan=adopted.plan, status=PlanVersion.Status.DRAFT)

    def pairs(version):
        return set(version.statistic_assignments.values_list("statistic__code", "actor__name"))

    assert pairs(adopted) < pairs(draft)
    assert ("staff_basic_training", "Kultur- och fritidsförvaltningen") in pairs(draft) - pairs(
        adopted
    )
    reporters = {
        indicator.code: set(indicator.reported_by.all()) for indicator in adopted.indicators.all()
    }
    for indicator in draft.indicators.all():
        assert set(indicator.reported_by.all()) == reporters[indicator.code]


@pytest.mark.parametrize("role", list(User.Role))
def test_each_role_has_a_user_who_signs_in_with_the_demo_password(demo, role):
    users = User.objects.filter(municipality=demo, role=role)
    assert users.exists()
    for user in users:
        # A sign-in comes with a request: django-axes refuses authenticate() without one.
        request = RequestFactory().post("/accounts/login/")
        assert authenticate(request, username=user.username, password=DEMO_PASSWORD) == user


def test_reporters_answer_for_actors_and_the_administrator_is_staff_but_not_superuser(demo):
    for reporter in User.objects.filter(municipality=demo, role=User.Role.REPORTER):
        assert 1 <= reporter.actors.count() <= 2
    admin = User.objects.get(municipality=demo, role=User.Role.ADMINISTRATOR)
    assert admin.is_staff and not admin.is_superuser
    assert not User.objects.filter(is_superuser=True).exists()


def test_the_command_prints_every_sign_in_with_the_password(db):
    output = load()
    assert DEMO_PASSWORD in output
    for _label, username in demo_sign_ins():
        assert username in output
    assert len(demo_sign_ins()) == User.objects.count()


def test_quiet_prints_nothing(db):
    assert load("--quiet") == ""


def test_loading_twice_does_not_duplicate_anything(demo):
    before = counts()
    output = load()
    assert counts() == before
    assert DEMO_PASSWORD in output
    assert demo_load() == demo


def test_reset_reloads_cleanly(demo):
    before = counts()
    Activity.objects.filter(
        version__plan__municipality=demo, version__status="draft"
    ).first().delete()
    Actor.objects.filter(municipality=demo, name="Socialnämnden").update(name="Ändrat namn")

    load("--reset", "--quiet")

    assert counts() == before
    reloaded = Municipality.objects.get(code=demo.code)
    assert reloaded.actors.filter(name="Socialnämnden").exists()
    assert not reloaded.actors.filter(name="Ändrat namn").exists()
    assert (
        version_adoption_problems(
            PlanVersion.objects.get(plan__municipality=reloaded, status=PlanVersion.Status.ADOPTED)
        )
        == []
    )


def test_reset_leaves_other_municipalities_alone(demo):
    other = make_municipality("Annanstad", "9998")
    version = make_plan(other, goals=2, activities_per_goal=2)

    load("--reset", "--quiet")

    assert Municipality.objects.filter(pk=other.pk).exists()
    assert version.activities.count() == 4
    assert Responsibility.objects.filter(activity__version=version).count() == 4
