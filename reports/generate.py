"""Generated municipalities for benchmarks: many actors, a large plan revised every four years
and a yearly follow-up round for every year, each questionnaire answered and approved. The same
size and seed always give the same content.

Plans and rounds go through the project's services (plan_create, plan_version_adopt,
plan_version_copy, round_open); the many rows of plan content and answers are written with
bulk_create and bulk_update, which is what makes a large municipality quick to generate."""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from followup.models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Questionnaire,
    StatisticCount,
)
from followup.services import round_open
from organisations.models import Actor, Municipality, User
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from plans.services import plan_create, plan_version_adopt, plan_version_copy
from stats.models import Statistic, StatisticAssignment


@dataclass(frozen=True)
class Size:
    activities: int
    actors: int
    rounds: int
    root_goals: int
    subgoals: int  # under each root goal


SIZES = {
    "small": Size(activities=24, actors=8, rounds=3, root_goals=3, subgoals=2),
    "large": Size(activities=300, actors=25, rounds=10, root_goals=5, subgoals=3),
}
FIRST_YEAR = 2016
VERSION_YEARS = 4  # the plan is revised every four years
PASSWORD = "generated-handlingskraft"

BOARDS = [
    ("Kommunstyrelsen", "Kommunledningsförvaltningen"),
    ("Socialnämnden", "Socialförvaltningen"),
    ("Utbildningsnämnden", "Utbildningsförvaltningen"),
    ("Vård- och omsorgsnämnden", "Vård- och omsorgsförvaltningen"),
    ("Kultur- och fritidsnämnden", "Kultur- och fritidsförvaltningen"),
    ("Samhällsbyggnadsnämnden", "Samhällsbyggnadsförvaltningen"),
    ("Arbetsmarknadsnämnden", "Arbetsmarknadsförvaltningen"),
]
UNITS = [
    "Individ- och familjeomsorgen",
    "Våldsstödsteamet",
    "Centrala elevhälsan",
    "Hemtjänsten",
    "Fritidsgårdarna",
    "Ungdomsmottagningen",
    "Familjecentralen",
    "Integrationsenheten",
]
EXTERNALS = [
    "Polisen",
    "Kvinnojouren",
    "Regionen, hälso- och sjukvården",
    "Räddningstjänsten",
    "Tjejjouren",
    "Bostadsbolaget",
    "Frivården",
    "Länsstyrelsen",
]
GOAL_TITLES = [
    "Våldsutsatta upptäcks tidigt och får stöd",
    "Den som utövar våld får hjälp att sluta",
    "Våld förebyggs innan det uppstår",
    "Ingen utnyttjas i prostitution eller människohandel",
    "Arbetet är samordnat och följs upp",
    "Barn och unga skyddas från hedersrelaterat våld",
    "Äldre som utsätts för våld får stöd",
]
VERBS = ["Utbilda", "Ta fram", "Införa", "Sprida", "Samordna", "Följa upp", "Utveckla", "Erbjuda"]
OBJECTS = [
    "rutin vid misstanke om våld",
    "grundutbildning om våld för medarbetare",
    "samtalsgrupper för unga",
    "information till vårdnadshavare",
    "stöd till barn som bevittnat våld",
    "samverkan med polisen",
    "behandlingsprogram för våldsutövare",
    "skyddade boenden",
    "lektioner om sexuellt samtycke",
    "kartläggning av hedersrelaterat våld",
]
ACCOUNTS = [
    "Genomfört enligt plan på samtliga enheter.",
    "Hälften av enheterna är klara, resten planeras till våren.",
    "Arbetet har påbörjats men försenats av omorganisation.",
    "Genomfört i samverkan med andra förvaltningar.",
]
OBSTACLES = [
    "Personalomsättning gjorde att utbildningen fick skjutas upp.",
    "Omorganisation under året.",
    "Ingen budget avsatt för insatsen.",
    "Samverkanspartnern kunde inte delta.",
]


def municipality_code(size: str, seed: int) -> str:
    """Four digits no real municipality has (none starts with 9)."""
    return f"9{list(SIZES).index(size)}{seed % 100:02d}"


def generated_municipality(size: str, seed: int) -> Municipality | None:
    return Municipality.objects.filter(code=municipality_code(size, seed)).first()


@transaction.atomic
def generate(*, size: str, seed: int) -> Municipality:
    """Create the municipality for `size` and `seed`, replacing one generated before."""
    spec = SIZES[size]
    rng = random.Random(f"{size}-{seed}")
    existing = generated_municipality(size, seed)
    if existing:
        _delete(existing)
    municipality = Municipality.objects.create(
        name=f"Genererad kommun ({size}, {seed})", code=municipality_code(size, seed)
    )
    actors = _actors(municipality, spec)
    terms = {
        (t.kind, t.code): t for t in Term.objects.filter(municipality=None)
    }  # the national vocabularies
    statistics = list(Statistic.objects.filter(municipality=None).order_by("position", "code"))
    version = plan_create(
        municipality=municipality,
        title=f"Handlingsplan mot våld i nära relationer {FIRST_YEAR}–",
        version_label="1",
        valid_from=FIRST_YEAR,
        valid_to=FIRST_YEAR + VERSION_YEARS - 1,
    )
    _content(version, spec, rng, actors, terms, statistics)
    version = _adopt(version, FIRST_YEAR)
    for index, year in enumerate(range(FIRST_YEAR, FIRST_YEAR + spec.rounds)):
        if year > version.valid_to:
            draft = plan_version_copy(version=version)
            draft.valid_from, draft.valid_to = year, year + VERSION_YEARS - 1
            draft.change_summary = f"Revidering inför {year}."
            draft.save()
            version = _adopt(draft, year)
        round_ = round_open(
            version=version,
            year=year,
            opens_on=date(year + 1, 1, 10),
            deadline=date(year + 1, 3, 31),
        )
        _answer(round_, rng, terms, trend=index)
        if year < FIRST_YEAR + spec.rounds - 1:
            FollowUpRound.objects.filter(pk=round_.pk).update(
                status=FollowUpRound.Status.CLOSED,
                closed_at=timezone.make_aware(datetime.combine(date(year + 1, 6, 1), time(12))),
            )
    for role in (User.Role.COORDINATOR, User.Role.READER):
        user = User(username=f"{role}-{municipality.code}", municipality=municipality, role=role)
        user.set_password(PASSWORD)
        user.save()
    return municipality


def _delete(municipality: Municipality) -> None:
    from .models import PublishedReport

    PublishedReport.objects.filter(round__version__plan__municipality=municipality).delete()
    FollowUpRound.objects.filter(version__plan__municipality=municipality).delete()
    Plan.objects.filter(municipality=municipality).delete()
    User.objects.filter(municipality=municipality).delete()
    actors = Actor.objects.filter(municipality=municipality)
    while actors.exists():
        actors.filter(children__isnull=True).delete()
    municipality.delete()


def _actors(municipality: Municipality, spec: Size) -> list[Actor]:
    """Boards with their administrations, units under the administrations, then external
    partners, until there are as many as the size asks for."""
    actors: list[Actor] = []
    administrations: list[Actor] = []
    for board_name, administration_name in BOARDS:
        if len(actors) + 2 > spec.actors:
            break
        board = Actor.objects.create(municipality=municipality, name=board_name, kind="board")
        administration = Actor.objects.create(
            municipality=municipality,
            name=administration_name,
            kind="administration",
            parent=board,
        )
        actors += [board, administration]
        administrations.append(administration)
    for index, name in enumerate(UNITS + EXTERNALS):
        if len(actors) >= spec.actors:
            break
        if name in UNITS:
            parent = administrations[index % len(administrations)]
            actor = Actor(municipality=municipality, name=name, kind="unit", parent=parent)
        else:
            actor = Actor(municipality=municipality, name=name, kind="external")
        actor.save()
        actors.append(actor)
    return actors


def _content(version, spec, rng, actors, terms, statistics) -> None:
    roots = Goal.objects.bulk_create(
        [
            Goal(
                version=version,
                code=str(r + 1),
                title=GOAL_TITLES[r % len(GOAL_TITLES)],
                description="Beskrivning av målet och varför det är viktigt.",
                conditions="Kunskap finns hos medarbetarna\nRutiner finns och används",
                position=r,
            )
            for r in range(spec.root_goals)
        ]
    )
    children = Goal.objects.bulk_create(
        [
            Goal(
                version=version,
                parent=root,
                code=f"{root.code}.{s + 1}",
                title=f"Delmål {root.code}.{s + 1}: {GOAL_TITLES[(r + s + 1) % len(GOAL_TITLES)].lower()}",
                position=s,
            )
            for r, root in enumerate(roots)
            for s in range(spec.subgoals)
        ]
    )
    goals = roots + children
    reporters = [a for a in actors if a.kind in ("administration", "unit")] or actors
    indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                version=version,
                goal=goal,
                code=f"M{index + 1}",
                title=f"Andel medarbetare som gått utbildning ({goal.code})"
                if index % 2 == 0
                else f"Antal genomförda insatser ({goal.code})",
                unit=Indicator.Unit.SHARE if index % 2 == 0 else Indicator.Unit.COUNT,
                direction=Indicator.Direction.INCREASE
                if index % 3
                else Indicator.Direction.DECREASE,
                baseline_year=FIRST_YEAR - 1,
                baseline_value=30 + rng.randint(0, 20),
                target_value=70 if index % 2 == 0 else 40,
                target_year=FIRST_YEAR + 12,
                source=Indicator.Source.FOLLOW_UP,
                position=0,
            )
            for index, goal in enumerate(goals)
        ]
    )
    Indicator.reported_by.through.objects.bulk_create(
        [
            Indicator.reported_by.through(indicator_id=indicator.pk, actor_id=actor.pk)
            for indicator in indicators
            for actor in rng.sample(reporters, k=min(2, len(reporters)))
        ]
    )
    levels = [terms[("prevention_level", c)] for c in ("universal", "selective", "indicated")]
    areas = [t for (kind, _c), t in terms.items() if kind == "violence_area"]
    groups = [t for (kind, _c), t in terms.items() if kind == "target_group"]
    types = [t for (kind, _c), t in terms.items() if kind == "activity_type"]
    per_goal: dict[int, int] = {}
    activities = []
    for index in range(spec.activities):
        goal = goals[index % len(goals)]
        per_goal[goal.pk] = per_goal.get(goal.pk, 0) + 1
        continuous = index % 2 == 0
        start = FIRST_YEAR + index % VERSION_YEARS
        activities.append(
            Activity(
                version=version,
                goal=goal,
                code=f"{goal.code}.{per_goal[goal.pk]}",
                title=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}",
                intended_outcome="Fler som utsätts för våld upptäcks och får stöd.",
                description="Aktiviteten genomförs av ansvariga förvaltningar i samverkan.",
                continuous=continuous,
                start_year=None if continuous else start,
                end_year=None if continuous else min(start + 1, FIRST_YEAR + VERSION_YEARS - 1),
                activity_type=rng.choice(types),
                position=per_goal[goal.pk],
            )
        )
    activities = Activity.objects.bulk_create(activities)
    responsibilities, links = (
        [],
        {"prevention_levels": [], "violence_areas": [], "target_groups": []},
    )
    for activity in activities:
        chosen = rng.sample(actors, k=rng.choice([1, 1, 2, 2, 3]))
        responsibilities.append(Responsibility(activity=activity, actor=chosen[0], role="lead"))
        responsibilities += [
            Responsibility(activity=activity, actor=a, role="co") for a in chosen[1:]
        ]
        # Like the municipalities the project was built for: most work at the indicated level.
        level = rng.choices(levels, weights=[15, 25, 60])[0]
        links["prevention_levels"].append((activity, [level]))
        links["violence_areas"].append((activity, rng.sample(areas, k=rng.choice([1, 2]))))
        links["target_groups"].append((activity, rng.sample(groups, k=rng.choice([1, 2]))))
    Responsibility.objects.bulk_create(responsibilities)
    for name, pairs in links.items():
        through = getattr(Activity, name).through
        through.objects.bulk_create(
            [through(activity_id=a.pk, term_id=t.pk) for a, chosen in pairs for t in chosen]
        )
    StatisticAssignment.objects.bulk_create(
        [
            StatisticAssignment(version=version, statistic=statistic, actor=actor)
            for statistic in statistics
            for actor in rng.sample(reporters, k=min(3, len(reporters)))
        ]
    )


def _adopt(version: PlanVersion, year: int) -> PlanVersion:
    return plan_version_adopt(
        version=version,
        decided_by="Kommunfullmäktige",
        decision_date=date(year - 1, 12, 15),
        decision_paragraph=f"§ {100 + year % 100}",
        diary_number=f"KS {year - 1}-{year % 97:03d}",
        distribution="Kommunstyrelsen\nSocialnämnden",
    )


def _answer(round_: FollowUpRound, rng: random.Random, terms, *, trend: int) -> None:
    """Every questionnaire answered and approved: statuses, accounts, levels and groups
    reached, indicator values that drift over the years, statistics in every cell."""
    levels = [terms[("prevention_level", c)] for c in ("universal", "selective", "indicated")]
    groups = [t for (kind, _c), t in terms.items() if kind == "target_group"]
    answers = list(ActivityAnswer.objects.filter(questionnaire__round=round_).order_by("pk"))
    statuses = ["done", "ongoing", "not_started", "cancelled", "not_applicable"]
    for answer in answers:
        answer.status = rng.choices(statuses, weights=[45, 30, 12, 8, 5])[0]
        answer.what_was_done = rng.choice(ACCOUNTS)
        if answer.status in ("not_started", "cancelled"):
            answer.obstacles = rng.choice(OBSTACLES)
        answer.next_step = "Följs upp nästa år."
    ActivityAnswer.objects.bulk_update(
        answers, ["status", "what_was_done", "obstacles", "next_step"], batch_size=500
    )
    level_through = ActivityAnswer.levels_reached.through
    group_through = ActivityAnswer.groups_reached.through
    level_through.objects.bulk_create(
        [
            level_through(activityanswer_id=a.pk, term_id=rng.choices(levels, [10, 20, 70])[0].pk)
            for a in answers
            if a.status in ("done", "ongoing")
        ]
    )
    group_through.objects.bulk_create(
        [
            group_through(activityanswer_id=a.pk, term_id=rng.choice(groups).pk)
            for a in answers
            if a.status in ("done", "ongoing")
        ]
    )
    indicator_answers = list(
        IndicatorAnswer.objects.filter(questionnaire__round=round_).select_related("indicator")
    )
    for answer in indicator_answers:
        if answer.indicator.unit == Indicator.Unit.SHARE:
            answer.denominator = rng.randint(40, 120)
            answer.numerator = min(
                answer.denominator, int(answer.denominator * (0.3 + 0.04 * trend))
            )
        else:
            answer.value = rng.randint(10, 30) + 2 * trend
    IndicatorAnswer.objects.bulk_update(
        indicator_answers, ["numerator", "denominator", "value"], batch_size=500
    )
    questionnaires = list(round_.questionnaires.order_by("pk"))
    assignments = StatisticAssignment.objects.filter(version_id=round_.version_id).select_related(
        "statistic"
    )
    by_actor: dict[int, list[Statistic]] = {}
    for assignment in assignments:
        by_actor.setdefault(assignment.actor_id, []).append(assignment.statistic)
    counts = []
    for questionnaire in questionnaires:
        for statistic in by_actor.get(questionnaire.actor_id, []):
            for gender in statistic.genders():
                for age in statistic.age_bands():
                    counts.append(
                        StatisticCount(
                            questionnaire=questionnaire,
                            statistic=statistic,
                            gender=gender,
                            age_band=age,
                            count=rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12, 20, 35]),
                        )
                    )
    StatisticCount.objects.bulk_create(counts, batch_size=1000)
    deadline = round_.deadline
    for index, questionnaire in enumerate(questionnaires):
        late = rng.random() < 0.2
        submitted = deadline + timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 30))
        moment = timezone.make_aware(datetime.combine(submitted, time(10)))
        questionnaire.status = Questionnaire.Status.APPROVED
        questionnaire.submitted_at = moment
        questionnaire.approved_at = moment + timedelta(days=3)
        questionnaire.changed_at = moment
        questionnaire.revision = 1
        questionnaire.plan_followed_up = rng.choices(["yes", "partly", "no"], [30, 45, 25])[0]
        questionnaire.coordination_needs = (
            "Gemensam utbildning och stöd i uppföljningen." if index % 3 == 0 else ""
        )
    Questionnaire.objects.bulk_update(
        questionnaires,
        [
            "status",
            "submitted_at",
            "approved_at",
            "changed_at",
            "revision",
            "plan_followed_up",
            "coordination_needs",
        ],
    )


def describe(municipality: Municipality) -> dict[str, int]:
    """How much the municipality holds: what a benchmark reports next to its figures."""
    plans = Q(version__plan__municipality=municipality)
    rounds = FollowUpRound.objects.filter(plans)
    latest = rounds.order_by("-year").first()
    return {
        "actors": Actor.objects.filter(municipality=municipality).count(),
        "activities (latest version)": Activity.objects.filter(version=latest.version).count()
        if latest
        else 0,
        "versions": PlanVersion.objects.filter(plan__municipality=municipality).count(),
        "rounds": rounds.count(),
        "questionnaires": Questionnaire.objects.filter(round__in=rounds).count(),
        "activity answers": ActivityAnswer.objects.filter(questionnaire__round__in=rounds).count(),
        "statistic counts": StatisticCount.objects.filter(questionnaire__round__in=rounds).count(),
    }
