"""Generated municipalities for benchmarks, at three sizes:

- small: one municipality like the demo;
- large: one big city, 300 activities, 25 actors and ten yearly rounds;
- national: 290 municipalities of mixed sizes, about 29 000 activities and ten years of rounds.

The same size and seed always give the same content. Plans go through the project's services
(plan_create, plan_version_adopt, plan_version_copy). A round asks what round_open would ask
(followup.services.questionnaire_items), but its answers are written already filled in with
bulk_create and without history records: that is what makes national data take minutes rather
than hours. Every round but the latest is closed with every questionnaire approved; in the
latest, some questionnaires are still drafts, as in a real spring."""

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from followup.models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Questionnaire,
    StatisticCount,
)
from followup.services import questionnaire_items
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
    shared: float  # the share of activities with a co-responsible actor
    statistics: int  # how many of the national statistics the municipality follows up


SIZES = {
    "small": Size(
        activities=24, actors=8, rounds=3, root_goals=3, subgoals=2, shared=0.6, statistics=7
    ),
    "large": Size(
        activities=300, actors=25, rounds=10, root_goals=5, subgoals=3, shared=0.6, statistics=7
    ),
}
SIZE_NAMES = [*SIZES, "national"]
NATIONAL = 290  # municipalities in Sweden
NATIONAL_CODES = 9300  # generated national municipalities have codes 9300, 9301, …
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


def national_sizes(seed: int, count: int = NATIONAL) -> list[Size]:
    """Mixed sizes like Sweden's: a few big cities, many small municipalities. The first is
    always the biggest, so a reduced national set still holds a big city."""
    rng = random.Random(f"national-{seed}")
    sizes = []
    for index in range(count):
        u = 1.0 if index == 0 else rng.random()
        sizes.append(
            Size(
                activities=20 + round(280 * u**2.5),
                actors=8 + round(17 * u),
                rounds=10,
                root_goals=3 + round(2 * u),
                subgoals=2 + round(u),
                shared=0.1 + 0.3 * u,
                statistics=3 + round(4 * u),
            )
        )
    return sizes


def national_municipalities():
    return Municipality.objects.filter(code__gte=str(NATIONAL_CODES), code__lte="9999").order_by(
        "code"
    )


@transaction.atomic
def generate(*, size: str, seed: int) -> Municipality:
    """Create the municipality for `size` ("small" or "large") and `seed`, replacing one
    generated before."""
    existing = generated_municipality(size, seed)
    if existing:
        _delete(existing)
    return _municipality(
        name=f"Genererad kommun ({size}, {seed})",
        code=municipality_code(size, seed),
        spec=SIZES[size],
        rng=random.Random(f"{size}-{seed}"),
        password=make_password(PASSWORD),
    )


# The most actors a generated municipality can have: one per name above.
MOST_ACTORS = 2 * len(BOARDS) + len(UNITS) + len(EXTERNALS)


def person_username(code: str, index: int) -> str:
    return f"person-{code}-{index + 1}"


@transaction.atomic
def generate_people(*, people: int, seed: int, sharing: int = 1) -> list[Questionnaire]:
    """A municipality in which `people` reporters answer draft questionnaires in an open
    round, `sharing` of them each questionnaire (as two key persons of one administration do),
    every one with activities to answer: the data bench_autosave loads. The reporters are
    person_username(code, 0, 1, …); person i answers questionnaire i // sharing of those
    returned, with the generated password. One generated before with the same seed is
    replaced."""
    code = f"92{seed % 100:02d}"  # between the small/large codes (90, 91) and national (93–99)
    if existing := Municipality.objects.filter(code=code).first():
        _delete(existing)
    actors = min(people, MOST_ACTORS)
    spec = Size(
        activities=4 * actors,  # every actor leads or shares a few
        actors=actors,
        rounds=1,
        root_goals=3,
        subgoals=2,
        shared=0.6,
        statistics=3,
    )
    password = make_password(PASSWORD)
    municipality = _municipality(
        name=f"Genererad kommun (personer, {seed})",
        code=code,
        spec=spec,
        rng=random.Random(f"people-{seed}"),
        password=password,
    )
    questionnaires = list(
        Questionnaire.objects.filter(round__version__plan__municipality=municipality)
        .annotate(activities=Count("activity_answers"))
        .filter(activities__gte=sharing)  # an activity for each person sharing it
        .order_by("actor__name")[: -(-people // sharing)]
    )
    if len(questionnaires) * sharing < people:
        raise ValueError(
            f"The generated data has questionnaires for {len(questionnaires) * sharing} people, "
            f"not {people}."
        )
    for questionnaire in questionnaires:
        questionnaire.status = Questionnaire.Status.DRAFT
        questionnaire.submitted_at = questionnaire.approved_at = None
    Questionnaire.objects.bulk_update(questionnaires, ["status", "submitted_at", "approved_at"])
    reporters = User.objects.bulk_create(
        [
            User(
                username=person_username(code, index),
                municipality=municipality,
                role=User.Role.REPORTER,
                password=password,
            )
            for index in range(people)
        ]
    )
    User.actors.through.objects.bulk_create(
        [
            User.actors.through(
                user_id=reporter.pk, actor_id=questionnaires[index // sharing].actor_id
            )
            for index, reporter in enumerate(reporters)
        ]
    )
    return questionnaires


def generate_national(
    *, seed: int, count: int = NATIONAL, progress: Callable[[int, Municipality], None] = None
) -> list[Municipality]:
    """Create `count` municipalities of mixed sizes (290: the whole country), one transaction
    each. Deleting that much again is slow, so they go into a database without them."""
    if national_municipalities().exists():
        raise ValueError("National data is already in this database; use an empty database.")
    password = make_password(PASSWORD)
    municipalities = []
    for index, spec in enumerate(national_sizes(seed, count)):
        municipality = _municipality(
            name=f"Genererad kommun {index + 1:03d}",
            code=str(NATIONAL_CODES + index),
            spec=spec,
            rng=random.Random(f"national-{seed}-{index}"),
            password=password,
        )
        municipalities.append(municipality)
        if progress:
            progress(index, municipality)
    return municipalities


@transaction.atomic
def _municipality(*, name, code, spec: Size, rng: random.Random, password: str) -> Municipality:
    municipality = Municipality.objects.create(name=name, code=code)
    actors = _actors(municipality, spec)
    terms = {(t.kind, t.code): t for t in Term.objects.filter(municipality=None)}
    statistics = list(Statistic.objects.filter(municipality=None).order_by("position", "code"))
    statistics = statistics[: spec.statistics]
    version = plan_create(
        municipality=municipality,
        title=f"Handlingsplan mot våld i nära relationer {FIRST_YEAR}–",
        version_label="1",
        valid_from=FIRST_YEAR,
        valid_to=FIRST_YEAR + VERSION_YEARS - 1,
    )
    _content(version, spec, rng, actors, terms, statistics)
    version = _adopt(version, FIRST_YEAR)
    # The reporter the benchmark signs in as: the actor with the most activities to report.
    busiest = Counter(
        Responsibility.objects.filter(activity__version=version).values_list("actor_id", flat=True)
    ).most_common(1)[0][0]
    last_year = FIRST_YEAR + spec.rounds - 1
    for index, year in enumerate(range(FIRST_YEAR, last_year + 1)):
        if year > version.valid_to:
            draft = plan_version_copy(version=version)
            draft.valid_from, draft.valid_to = year, year + VERSION_YEARS - 1
            draft.change_summary = f"Revidering inför {year}."
            draft.save()
            version = _adopt(draft, year)
        _round(version, year, rng, terms, trend=index, latest=year == last_year, busiest=busiest)
    users = [
        User(username=f"{role}-{code}", municipality=municipality, role=role, password=password)
        for role in (User.Role.COORDINATOR, User.Role.READER, User.Role.REPORTER)
    ]
    User.objects.bulk_create(users)
    users[-1].actors.add(busiest)
    return municipality


def _delete(municipality: Municipality) -> None:
    from reports.models import PublishedReport

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
        shared = rng.random() < spec.shared
        chosen = rng.sample(actors, k=rng.choice([2, 2, 3]) if shared else 1)
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


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


def _round(version, year, rng, terms, *, trend: int, latest: bool, busiest: int) -> None:
    """The round of `year` with every questionnaire answered: statuses, accounts, levels and
    groups reached, indicator values that drift over the years, statistics in every cell.
    Earlier rounds are closed and approved; the latest is open, some questionnaires still
    drafts (always the busiest actor's, the one the benchmark answers)."""
    deadline = date(year + 1, 3, 31)
    round_ = FollowUpRound.objects.create(
        version=version,
        year=year,
        opens_on=date(year + 1, 1, 10),
        deadline=deadline,
        status=FollowUpRound.Status.OPEN if latest else FollowUpRound.Status.CLOSED,
        created_at=_moment(date(year + 1, 1, 10)),
        closed_at=None if latest else _moment(date(year + 1, 6, 1)),
    )
    items = questionnaire_items(version)
    questionnaires = []
    for index, actor_id in enumerate(items.actor_ids):
        status = Questionnaire.Status.APPROVED
        if latest:
            status = rng.choices(
                [
                    Questionnaire.Status.APPROVED,
                    Questionnaire.Status.SUBMITTED,
                    Questionnaire.Status.DRAFT,
                ],
                [40, 20, 40],
            )[0]
            if actor_id == busiest:
                status = Questionnaire.Status.DRAFT
        late = rng.random() < 0.2
        submitted = _moment(
            deadline + timedelta(days=rng.randint(1, 20) if late else -rng.randint(0, 30))
        )
        questionnaires.append(
            Questionnaire(
                round=round_,
                actor_id=actor_id,
                deadline=deadline,
                status=status,
                revision=1,
                changed_at=submitted,
                submitted_at=None if status == Questionnaire.Status.DRAFT else submitted,
                approved_at=submitted + timedelta(days=3)
                if status == Questionnaire.Status.APPROVED
                else None,
                plan_followed_up=rng.choices(["yes", "partly", "no"], [30, 45, 25])[0],
                coordination_needs=(
                    "Gemensam utbildning och stöd i uppföljningen." if index % 3 == 0 else ""
                ),
            )
        )
    questionnaires = Questionnaire.objects.bulk_create(questionnaires)
    by_actor = {q.actor_id: q for q in questionnaires}

    levels = [terms[("prevention_level", c)] for c in ("universal", "selective", "indicated")]
    groups = [t for (kind, _c), t in terms.items() if kind == "target_group"]
    statuses = ["done", "ongoing", "not_started", "cancelled", "not_applicable"]
    answers = []
    for actor_id, activity_id in items.activities:
        questionnaire = by_actor[actor_id]
        if questionnaire.status == Questionnaire.Status.DRAFT and rng.random() < 0.4:
            answers.append(ActivityAnswer(questionnaire=questionnaire, activity_id=activity_id))
            continue  # not answered yet
        status = rng.choices(statuses, weights=[45, 30, 12, 8, 5])[0]
        answers.append(
            ActivityAnswer(
                questionnaire=questionnaire,
                activity_id=activity_id,
                status=status,
                what_was_done=rng.choice(ACCOUNTS),
                obstacles=rng.choice(OBSTACLES) if status in ("not_started", "cancelled") else "",
                next_step="Följs upp nästa år.",
            )
        )
    answers = ActivityAnswer.objects.bulk_create(answers, batch_size=2000)
    reached = [a for a in answers if a.status in ("done", "ongoing")]
    level_through = ActivityAnswer.levels_reached.through
    level_through.objects.bulk_create(
        [
            level_through(activityanswer_id=a.pk, term_id=rng.choices(levels, [10, 20, 70])[0].pk)
            for a in reached
        ],
        batch_size=2000,
    )
    group_through = ActivityAnswer.groups_reached.through
    group_through.objects.bulk_create(
        [group_through(activityanswer_id=a.pk, term_id=rng.choice(groups).pk) for a in reached],
        batch_size=2000,
    )
    units = dict(version.indicators.values_list("pk", "unit"))
    indicator_answers = []
    for actor_id, indicator_id in items.indicators:
        answer = IndicatorAnswer(questionnaire=by_actor[actor_id], indicator_id=indicator_id)
        if units[indicator_id] == Indicator.Unit.SHARE:
            answer.denominator = rng.randint(40, 120)
            answer.numerator = min(
                answer.denominator, int(answer.denominator * (0.3 + 0.04 * trend))
            )
        else:
            answer.value = rng.randint(10, 30) + 2 * trend
        indicator_answers.append(answer)
    IndicatorAnswer.objects.bulk_create(indicator_answers, batch_size=2000)
    assignments = StatisticAssignment.objects.filter(version=version).select_related("statistic")
    counts = [
        StatisticCount(
            questionnaire=by_actor[assignment.actor_id],
            statistic=assignment.statistic,
            gender=gender,
            age_band=age,
            count=rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12, 20, 35]),
        )
        for assignment in assignments
        for gender in assignment.statistic.genders()
        for age in assignment.statistic.age_bands()
    ]
    StatisticCount.objects.bulk_create(counts, batch_size=2000)


def describe(municipalities) -> dict[str, int]:
    """How much one municipality, or several, hold: what a benchmark reports next to its
    figures."""
    if isinstance(municipalities, Municipality):
        municipalities = [municipalities]
    ids = [m.pk for m in municipalities]
    rounds = FollowUpRound.objects.filter(version__plan__municipality__in=ids)
    latest_versions = PlanVersion.objects.filter(
        plan__municipality__in=ids, status=PlanVersion.Status.ADOPTED
    )
    return {
        "municipalities": len(ids),
        "actors": Actor.objects.filter(municipality__in=ids).count(),
        "activities (adopted versions)": Activity.objects.filter(
            version__in=latest_versions
        ).count(),
        "versions": PlanVersion.objects.filter(plan__municipality__in=ids).count(),
        "rounds": rounds.count(),
        "questionnaires": Questionnaire.objects.filter(round__in=rounds).count(),
        "activity answers": ActivityAnswer.objects.filter(questionnaire__round__in=rounds).count(),
        "statistic counts": StatisticCount.objects.filter(questionnaire__round__in=rounds).count(),
    }
