"""The exchange format of a plan version: one plain-data structure, built once from the
database, and the sheets and columns that carry it. Every file format renders and reads this
structure; none of them knows the database.

The structure (JSON-ready: strings, numbers, booleans, lists, None)::

    {"format": "handlingskraft-plan", "format_version": 2,
     "plan": {"title", "version_label", "valid_from", "valid_to", "decided_by",
              "decision_date" (YYYY-MM-DD), "decision_paragraph", "diary_number",
              "distribution" [lines], "change_summary"},
     "actors": [{"name", "short_name", "kind", "parent" (name)}],
     "goals": [{"code", "parent" (code), "title", "description", "conditions" [lines]}],
     "indicators": [{"code", "goal" (code), "title", "definition", "unit", "direction",
                     "baseline_year", "baseline_value", "target_value", "target_year",
                     "source", "kolada_kpi", "by_gender",
                     "reported_by" [actor names]}],
     "activities": [{"code", "goal" (code), "title", "intended_outcome", "description",
                     "start_year", "end_year", "continuous", "activity_type",
                     "prevention_levels", "violence_areas", "target_groups" [term codes],
                     "lead" (actor name), "co_actors" [actor names]}],
     "statistics": [{"statistic" (Statistic.code), "actor" (actor name)}]}

Closed lists hold codes (Actor.Kind, Indicator.Unit …, Term.code and Statistic.code: national
ones first, then the municipality's own); actors are referred to by name, goals by number.
Lists of actor names are sorted by name; "statistics" says which actor reports which aggregate
statistic in the yearly follow-up, one item per pair, sorted by statistic (national first, in
their list order) and then by actor name. "actors" holds every actor the version names (lead,
co-responsible, reporting an indicator or a statistic) and the actors above them.

Format version 2 added "reported_by" and "statistics"; a version 1 file is read as having
neither (Sheet.since).
"""

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Prefetch
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from organisations.models import Actor
from plans.models import Activity, Goal, PlanVersion, Responsibility, Term
from stats.models import StatisticAssignment

FORMAT = "handlingskraft-plan"
FORMAT_VERSION = 2


class ValueKind(StrEnum):
    """How a column's value is written in a file and read back."""

    TEXT = "text"
    LONG_TEXT = "long_text"  # may span several lines in one cell
    LINES = "lines"  # a list, one item per line in a cell
    CODE = "code"  # an item number such as 1.2 (or a version label): text, never a number
    YEAR = "year"
    NUMBER = "number"
    DATE = "date"
    BOOL = "bool"
    CHOICE = "choice"  # one value of a closed list
    CHOICES = "choices"  # several values of a closed list, separated by ";"
    ACTOR = "actor"  # an actor's name
    ACTORS = "actors"  # actors' names separated by ";"
    GOAL = "goal"  # a goal's number


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    kind: ValueKind = ValueKind.TEXT
    required: bool = False
    choices: str = ""  # the closed list (see exchange.choices) for CHOICE and CHOICES
    width: int = 18
    help: Promise | str = ""
    example: Promise | str = ""


@dataclass(frozen=True)
class Sheet:
    key: str
    title: Promise
    columns: tuple[Column, ...]
    # The plan sheet lists one field per row (label, value); the others are tables.
    vertical: bool = False
    # The format version that introduced the sheet: older JSON files may lack its section.
    since: int = 1
    # A workbook without the sheet is read as having no rows (instead of a problem).
    optional: bool = False

    def column(self, key: str) -> Column:
        return next(column for column in self.columns if column.key == key)


PLAN = Sheet(
    "plan",
    _("Plan"),
    (
        Column(
            "title",
            _("Title"),
            required=True,
            help=_("The plan's name."),
            example=_("Action plan against violence in close relationships"),
        ),
        Column(
            "version_label",
            _("Version"),
            ValueKind.CODE,
            help=_("E.g. 1.0 or 2025–2028."),
            example="1.0",
        ),
        Column("valid_from", _("Valid from (year)"), ValueKind.YEAR, example="2025"),
        Column("valid_to", _("Valid to (year)"), ValueKind.YEAR, example="2028"),
        Column(
            "decided_by",
            _("Adopted by"),
            help=_("The deciding body."),
            example=_("Social services board"),
        ),
        Column(
            "decision_date",
            _("Decision date"),
            ValueKind.DATE,
            help=_("Written as YYYY-MM-DD."),
            example="2025-01-28",
        ),
        Column("decision_paragraph", _("Paragraph (§)"), example="§ 12"),
        Column("diary_number", _("Diary number (Dnr)"), example="SON 2024-123"),
        Column(
            "distribution",
            _("Decision sent to"),
            ValueKind.LINES,
            help=_("One recipient per line."),
            example=_("All boards"),
        ),
        Column("change_summary", _("What changed"), ValueKind.LONG_TEXT),
    ),
    vertical=True,
)

ACTORS = Sheet(
    "actors",
    _("Actors"),
    (
        Column(
            "name",
            _("Name"),
            required=True,
            width=40,
            help=_(
                "Actors that already exist are matched by name and left as they are; "
                "the others are created."
            ),
            example=_("Social services administration"),
        ),
        Column("short_name", _("Short name"), width=14, example="SOC"),
        Column(
            "kind",
            _("Kind"),
            ValueKind.CHOICE,
            choices="actor_kind",
            width=22,
            help=_("Required for a new actor. Choose from the list."),
            example=_("Administration"),
        ),
        Column(
            "parent",
            _("Part of"),
            ValueKind.ACTOR,
            width=40,
            help=_("The name of the actor it belongs to, if any."),
            example=_("Social services board"),
        ),
    ),
)

GOALS = Sheet(
    "goals",
    _("Goals"),
    (
        Column(
            "code",
            _("Number"),
            ValueKind.CODE,
            required=True,
            width=10,
            help=_("Unique within the plan, e.g. 1 or 1.2."),
            example="1.1",
        ),
        Column(
            "parent",
            _("Part of goal"),
            ValueKind.GOAL,
            width=12,
            help=_("The number of the goal this one belongs to. Empty for a top goal."),
            example="1",
        ),
        Column(
            "title",
            _("Title"),
            required=True,
            width=50,
            example=_("Everyone who works with children recognises signs of violence"),
        ),
        Column("description", _("Description"), ValueKind.LONG_TEXT, width=50),
        Column(
            "conditions",
            _("Conditions"),
            ValueKind.LINES,
            width=50,
            help=_("What must be in place to get there. One condition per line."),
            example=_("Staff have basic training"),
        ),
    ),
)

INDICATORS = Sheet(
    "indicators",
    _("Indicators"),
    (
        Column("code", _("Number"), ValueKind.CODE, required=True, width=10, example="M1"),
        Column(
            "goal",
            _("Goal"),
            ValueKind.GOAL,
            required=True,
            width=10,
            help=_("The number of the goal it measures."),
            example="1.1",
        ),
        Column(
            "title",
            _("Measure"),
            required=True,
            width=45,
            example=_("Share of staff who have completed basic training"),
        ),
        Column("definition", _("Definition"), ValueKind.LONG_TEXT, width=45),
        Column(
            "unit",
            _("Unit"),
            ValueKind.CHOICE,
            required=True,
            choices="unit",
            width=14,
            example=_("Share (%)"),
        ),
        Column(
            "direction",
            _("Desired direction"),
            ValueKind.CHOICE,
            required=True,
            choices="direction",
            width=20,
            example=_("Should increase"),
        ),
        Column("baseline_year", _("Baseline year"), ValueKind.YEAR, width=12, example="2024"),
        Column("baseline_value", _("Baseline value"), ValueKind.NUMBER, width=12, example="20"),
        Column("target_value", _("Target value"), ValueKind.NUMBER, width=12, example="80"),
        Column("target_year", _("Target year"), ValueKind.YEAR, width=12, example="2028"),
        Column(
            "source",
            _("Data source"),
            ValueKind.CHOICE,
            required=True,
            choices="source",
            width=22,
            example=_("The yearly follow-up"),
        ),
        Column(
            "kolada_kpi",
            _("Kolada KPI id"),
            width=14,
            help=_("Required when the source is Kolada, e.g. U30750."),
            example="U30750",
        ),
        Column(
            "by_gender",
            _("Split by gender"),
            ValueKind.BOOL,
            choices="yes_no",
            width=12,
            example=_("No"),
        ),
        Column(
            "reported_by",
            _("Reported by"),
            ValueKind.ACTORS,
            width=40,
            help=_(
                "The actors that give a value for the indicator in the yearly follow-up, "
                "separated by ;"
            ),
            example=_("Social services administration; Education administration"),
        ),
    ),
)

ACTIVITIES = Sheet(
    "activities",
    _("Activities"),
    (
        Column("code", _("Number"), ValueKind.CODE, required=True, width=10, example="1.1.1"),
        Column(
            "goal",
            _("Goal"),
            ValueKind.GOAL,
            required=True,
            width=10,
            help=_("The number of the goal it serves."),
            example="1.1",
        ),
        Column(
            "title",
            _("Activity"),
            required=True,
            width=45,
            example=_("Basic training about violence for all staff"),
        ),
        Column(
            "intended_outcome",
            _("Intended outcome"),
            ValueKind.LONG_TEXT,
            width=40,
            example=_("All staff have good knowledge of violence"),
        ),
        Column("description", _("Description"), ValueKind.LONG_TEXT, width=40),
        Column("start_year", _("From year"), ValueKind.YEAR, width=10, example="2025"),
        Column("end_year", _("To year"), ValueKind.YEAR, width=10, example="2026"),
        Column(
            "continuous",
            _("Continuous"),
            ValueKind.BOOL,
            choices="yes_no",
            width=12,
            help=_("Yes if it goes on while the plan is valid; then leave the years empty."),
            example=_("No"),
        ),
        Column(
            "activity_type",
            _("Activity type"),
            ValueKind.CHOICE,
            choices="activity_type",
            width=24,
            example=_("Competence development"),
        ),
        Column(
            "prevention_levels",
            _("Prevention levels"),
            ValueKind.CHOICES,
            choices="prevention_level",
            width=24,
            help=_("One or more, separated by ;"),
            example=_("Universal; Selective"),
        ),
        Column(
            "violence_areas",
            _("Violence areas"),
            ValueKind.CHOICES,
            choices="violence_area",
            width=30,
            help=_("One or more, separated by ;"),
            example=_("Honour-related violence and oppression"),
        ),
        Column(
            "target_groups",
            _("Target groups"),
            ValueKind.CHOICES,
            choices="target_group",
            width=24,
            help=_("One or more, separated by ;"),
            example=_("Staff"),
        ),
        Column(
            "lead",
            _("Lead actor"),
            ValueKind.ACTOR,
            required=True,
            width=30,
            help=_("Exactly one actor, who answers for the activity."),
            example=_("Social services administration"),
        ),
        Column(
            "co_actors",
            _("Co-responsible actors"),
            ValueKind.ACTORS,
            width=40,
            help=_("Other actors taking part, separated by ;"),
            example=_("Education administration; Police"),
        ),
    ),
)

STATISTICS = Sheet(
    "statistics",
    _("Statistics"),
    (
        Column(
            "statistic",
            _("Statistic"),
            ValueKind.CHOICE,
            required=True,
            choices="statistic",
            width=60,
            help=_("A statistic from the list. One row per statistic and reporting actor."),
            example=_("Travel bans applied for"),
        ),
        Column(
            "actor",
            _("Reported by"),
            ValueKind.ACTOR,
            required=True,
            width=40,
            help=_("The one actor that reports the statistic in the yearly follow-up."),
            example=_("Social services administration"),
        ),
    ),
    since=2,
    optional=True,
)

SHEETS = (PLAN, ACTORS, GOALS, INDICATORS, ACTIVITIES, STATISTICS)
INSTRUCTIONS_TITLE = _("Instructions")
LISTS_TITLE = _("Lists")


# Reading files ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Location:
    """Where a value was read: sheet, row and column heading in a workbook; section, item
    number and field in JSON."""

    sheet: str = ""
    row: int | None = None
    column: str = ""


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str

    @classmethod
    def at(cls, location: Location, message: str) -> "Problem":
        return cls(location.sheet, location.row, location.column, str(message))


@dataclass(frozen=True)
class Unreadable:
    """A value as read that cannot be taken as it is (a formula, a control character, a text
    beyond the limits): checking reports the message where the value was."""

    message: str


@dataclass
class Record:
    """One item as read from a file, before validation. A key is missing from `values` when
    the file has no column for it (already reported as a problem of the sheet)."""

    values: dict[str, Any]
    where: dict[str, Location]
    origin: Location

    def at(self, key: str) -> Location:
        return self.where.get(key, self.origin)


@dataclass
class ParsedFile:
    """A file as read: records per sheet key ("plan" has at most one) and the problems found
    in its structure (wrong type, damaged, missing sheets or columns)."""

    sections: dict[str, list[Record]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


# Building the structure from the database ------------------------------------------------


def _text(value: str) -> str:
    # Forms store the browser's CRLF; files carry plain newlines and no surrounding blanks.
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _term_codes(terms) -> list[str]:
    # National terms first, then the municipality's own, each in their list order.
    ordered = sorted(terms, key=lambda t: (t.municipality_id is not None, t.position, t.name))
    return [term.code for term in ordered]


def _goals_in_tree_order(goals: list[Goal]) -> list[Goal]:
    """Parents before their children, siblings in their order: a file reads top-down."""
    children: dict[int | None, list[Goal]] = {}
    for goal in goals:
        children.setdefault(goal.parent_id, []).append(goal)
    ordered: list[Goal] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        goal = stack.pop()
        ordered.append(goal)
        stack.extend(reversed(children.get(goal.pk, [])))
    return ordered


def _actors_in_tree_order(actors: dict[int, Actor], included: set[int]) -> list[Actor]:
    children: dict[int | None, list[Actor]] = {}
    for actor in sorted(actors.values(), key=lambda a: (a.name.casefold(), a.name)):
        children.setdefault(actor.parent_id, []).append(actor)
    ordered: list[Actor] = []
    stack = list(reversed(children.get(None, [])))
    while stack:
        actor = stack.pop()
        if actor.pk in included:
            ordered.append(actor)
        stack.extend(reversed(children.get(actor.pk, [])))
    return ordered


def version_to_data(version: PlanVersion) -> dict:
    """The whole content of a version as plain data, in a fixed number of queries.

    Actors: those the version names as responsible, plus the actors above them, so that the
    tree reads the same in another municipality; the rest of the municipality's actors have
    nothing to do with this plan."""
    plan = version.plan
    goals = _goals_in_tree_order(list(version.goals.all()))
    goal_codes = {goal.pk: goal.code for goal in goals}
    goal_order = {goal.pk: index for index, goal in enumerate(goals)}
    indicators = sorted(
        version.indicators.prefetch_related(
            Prefetch("reported_by", queryset=Actor.objects.order_by())
        ),
        key=lambda i: (goal_order.get(i.goal_id, 0), i.position, i.pk),
    )
    activities = sorted(
        Activity.objects.filter(version=version)
        .select_related("activity_type")
        .prefetch_related(
            Prefetch("responsibilities", queryset=Responsibility.objects.order_by()),
            Prefetch("prevention_levels", queryset=Term.objects.order_by()),
            Prefetch("violence_areas", queryset=Term.objects.order_by()),
            Prefetch("target_groups", queryset=Term.objects.order_by()),
        ),
        key=lambda a: (goal_order.get(a.goal_id, 0), a.position, a.pk),
    )
    assignments = list(
        StatisticAssignment.objects.filter(version=version).select_related("statistic").order_by()
    )
    # One query for the whole actor tree: ancestors are found in memory.
    actors = {a.pk: a for a in Actor.objects.filter(municipality_id=plan.municipality_id)}
    named = [
        *(r.actor_id for a in activities for r in a.responsibilities.all()),
        *(actor.pk for indicator in indicators for actor in indicator.reported_by.all()),
        *(assignment.actor_id for assignment in assignments),
    ]
    included: set[int] = set()
    for actor_id in named:
        while actor_id is not None and actor_id not in included:
            included.add(actor_id)
            actor_id = actors[actor_id].parent_id

    def name(actor_id: int | None) -> str | None:
        return _text(actors[actor_id].name) if actor_id is not None else None

    def names(actor_ids) -> list[str]:
        return sorted((name(pk) for pk in actor_ids), key=lambda n: (n.casefold(), n))

    def activity_data(activity: Activity) -> dict:
        responsibilities = activity.responsibilities.all()
        leads = [r.actor_id for r in responsibilities if r.role == Responsibility.Role.LEAD]
        co = [r.actor_id for r in responsibilities if r.role == Responsibility.Role.CO]
        return {
            "code": _text(activity.code),
            "goal": goal_codes.get(activity.goal_id),
            "title": _text(activity.title),
            "intended_outcome": _text(activity.intended_outcome),
            "description": _text(activity.description),
            "start_year": activity.start_year,
            "end_year": activity.end_year,
            "continuous": activity.continuous,
            "activity_type": activity.activity_type.code if activity.activity_type else None,
            "prevention_levels": _term_codes(activity.prevention_levels.all()),
            "violence_areas": _term_codes(activity.violence_areas.all()),
            "target_groups": _term_codes(activity.target_groups.all()),
            "lead": name(leads[0]) if leads else None,
            "co_actors": names(co),
        }

    def assignment_order(assignment: StatisticAssignment) -> tuple:
        statistic, actor_name = assignment.statistic, name(assignment.actor_id)
        return (
            statistic.municipality_id is not None,
            statistic.position,
            statistic.name,
            statistic.code,
            actor_name.casefold(),
            actor_name,
        )

    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "plan": {
            "title": _text(plan.title),
            "version_label": _text(version.label),
            "valid_from": version.valid_from,
            "valid_to": version.valid_to,
            "decided_by": _text(version.decided_by),
            "decision_date": version.decision_date.isoformat() if version.decision_date else None,
            "decision_paragraph": _text(version.decision_paragraph),
            "diary_number": _text(version.diary_number),
            "distribution": version.distribution_list,
            "change_summary": _text(version.change_summary),
        },
        "actors": [
            {
                "name": _text(actor.name),
                "short_name": _text(actor.short_name),
                "kind": actor.kind,
                "parent": name(actor.parent_id),
            }
            for actor in _actors_in_tree_order(actors, included)
        ],
        "goals": [
            {
                "code": _text(goal.code),
                "parent": goal_codes.get(goal.parent_id),
                "title": _text(goal.title),
                "description": _text(goal.description),
                "conditions": goal.condition_list,
            }
            for goal in goals
        ],
        "indicators": [
            {
                "code": _text(indicator.code),
                "goal": goal_codes.get(indicator.goal_id),
                "title": _text(indicator.title),
                "definition": _text(indicator.definition),
                "unit": indicator.unit,
                "direction": indicator.direction,
                "baseline_year": indicator.baseline_year,
                "baseline_value": _number(indicator.baseline_value),
                "target_value": _number(indicator.target_value),
                "target_year": indicator.target_year,
                "source": indicator.source,
                "kolada_kpi": _text(indicator.kolada_kpi),
                "by_gender": indicator.by_gender,
                "reported_by": names(actor.pk for actor in indicator.reported_by.all()),
            }
            for indicator in indicators
        ],
        "activities": [activity_data(activity) for activity in activities],
        "statistics": [
            {"statistic": assignment.statistic.code, "actor": name(assignment.actor_id)}
            for assignment in sorted(assignments, key=assignment_order)
        ],
    }
