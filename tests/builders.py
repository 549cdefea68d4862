"""Plain builders for test data, written through the project's own models and services."""

from organisations.models import Actor, Municipality, User
from plans.models import Activity, Goal, Indicator, PlanVersion, Term
from plans.services import activity_set_responsibilities, plan_create

PASSWORD = "test-password-123"


def make_municipality(name: str = "Testby", code: str = "9999") -> Municipality:
    return Municipality.objects.create(name=name, code=code)


def make_actor(municipality: Municipality, name: str, kind: str = Actor.Kind.BOARD, **kw) -> Actor:
    return Actor.objects.create(municipality=municipality, name=name, kind=kind, **kw)


def make_user(municipality: Municipality | None, role: str, username: str | None = None, actors=()):
    user = User.objects.create_user(
        username=username or f"{role}-{municipality.code if municipality else 'none'}",
        password=PASSWORD,
        municipality=municipality,
        role=role,
    )
    user.actors.set(actors)
    return user


def term(kind: str, code: str) -> Term:
    return Term.objects.get(municipality=None, kind=kind, code=code)


def make_plan(
    municipality: Municipality,
    *,
    goals: int = 1,
    activities_per_goal: int = 1,
    actors: list[Actor] | None = None,
    title: str = "Handlingsplan mot våld",
) -> PlanVersion:
    """A draft version with goals, one indicator per goal, and activities led by the first
    actor with the others taking part."""
    actors = actors or [make_actor(municipality, "Socialnämnden")]
    version = plan_create(
        municipality=municipality, title=title, version_label="1.0", valid_from=2025, valid_to=2028
    )
    level = term("prevention_level", "universal")
    area = term("violence_area", "honour")
    group = term("target_group", "staff")
    kind = term("activity_type", "competence")
    for g in range(1, goals + 1):
        goal = Goal.objects.create(
            version=version,
            code=str(g),
            title=f"Mål {g}",
            conditions="Kunskap finns\nRutiner finns",
            position=g,
        )
        indicator = Indicator.objects.create(
            version=version,
            goal=goal,
            code=f"M{g}",
            title=f"Andel personal som gått utbildning {g}",
            unit=Indicator.Unit.SHARE,
            direction=Indicator.Direction.INCREASE,
            baseline_year=2024,
            baseline_value=20,
            target_value=80,
            source=Indicator.Source.FOLLOW_UP,
            position=1,
        )
        indicator.reported_by.set(actors[:1])
        for a in range(1, activities_per_goal + 1):
            activity = Activity.objects.create(
                version=version,
                goal=goal,
                code=f"{g}.{a}",
                title=f"Aktivitet {g}.{a}",
                start_year=2025,
                end_year=2026,
                activity_type=kind,
                position=a,
            )
            activity.prevention_levels.set([level])
            activity.violence_areas.set([area])
            activity.target_groups.set([group])
            activity_set_responsibilities(activity=activity, lead=actors[0], co_actors=actors[1:])
    return version
