"""Reusable reads of a plan version. Each costs a fixed number of queries, whatever its size."""

import hashlib
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from handlingskraft.prefetch import prefetch_lists
from organisations.models import Actor
from organisations.permissions import can_read_drafts
from organisations.queries import actor_tree
from records.services import REASON_BASELINE, REASON_RESTORE

from .models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term


def plans_visible_to(user) -> QuerySet[Plan]:
    return Plan.objects.filter(municipality_id=user.municipality_id)


def versions_visible_to(user) -> QuerySet[PlanVersion]:
    """Everyone in the municipality reads adopted and superseded versions; drafts are
    visible only to those who write or administer plans."""
    versions = PlanVersion.objects.filter(plan__municipality_id=user.municipality_id)
    if not can_read_drafts(user):
        versions = versions.exclude(status=PlanVersion.Status.DRAFT)
    return versions


def version_for(user, pk: int) -> PlanVersion:
    return get_object_or_404(versions_visible_to(user).select_related("plan"), pk=pk)


def names_stamp(municipality_id: int) -> str:
    """A digest of the municipality's actors and vocabulary terms: besides its own frozen
    content, that is all a version's pages show. Read from the rows themselves (a few dozen),
    so no way of changing them can leave a kept page out of date."""
    actors = Actor.objects.filter(municipality_id=municipality_id).order_by("pk")
    terms = Term.objects.filter(Q(municipality_id=municipality_id) | Q(municipality__isnull=True))
    rows = [
        list(actors.values_list("pk", "name", "short_name", "kind", "parent_id")),
        list(terms.order_by("pk").values_list()),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


@dataclass(frozen=True)
class PageCache:
    """For a template's {% cache %}: how long its content may be kept, and under what key."""

    seconds: int
    key: str


def page_cache(version: PlanVersion, *variant: object) -> PageCache:
    """An adopted or superseded version renders the same until a name in it changes or a
    decision of its plan is corrected (its documents show the plan's decision trail), so its
    pages are kept for a day; a draft's are rendered every time (zero seconds keeps nothing)."""
    if version.is_editable:
        return PageCache(0, f"draft:{version.pk}")
    decisions = PlanVersion.objects.filter(plan_id=version.plan_id).order_by("pk")
    parts = [
        version.status,
        get_language(),
        names_stamp(version.plan.municipality_id),
        list(decisions.values_list("pk", "status", *PlanVersion.DECISION_FIELDS)),
        *variant,
    ]
    # Hashed: variants may hold any text (a plan's title), and a key must be short and plain.
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return PageCache(24 * 3600, f"{version.pk}:{digest}")


def terms_for(municipality_id: int, kind: str) -> QuerySet[Term]:
    return Term.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=municipality_id), kind=kind
    ).order_by("municipality_id", "position", "name")


def activities_of(version: PlanVersion) -> list[Activity]:
    """Activities with everything a list shows, prefetched."""
    activities = list(
        Activity.objects.filter(version=version)
        .select_related("activity_type")
        .order_by("position", "id")
    )
    prefetch_lists(
        activities,
        "responsibilities",
        Responsibility.objects.select_related("actor").order_by("-role", "actor__name"),
    )
    for name in ("prevention_levels", "violence_areas", "target_groups"):
        prefetch_lists(activities, name)
    return activities


@dataclass
class GoalNode:
    goal: Goal
    depth: int
    children: list["GoalNode"] = field(default_factory=list)
    indicators: list[Indicator] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def heading_level(self) -> int:
        return min(self.depth + 2, 6)

    @property
    def activity_heading_level(self) -> int:
        return min(self.depth + 3, 6)

    @property
    def subtree_indicator_count(self) -> int:
        return sum(len(node.indicators) for node in self.walk())

    @property
    def subtree_activity_count(self) -> int:
        return sum(len(node.activities) for node in self.walk())


@dataclass
class PlanTree:
    roots: list[GoalNode]

    def nodes(self) -> list[GoalNode]:
        return [node for root in self.roots for node in root.walk()]

    def activities(self) -> list[Activity]:
        """Activities in reading order: goal by goal, as the plan is printed."""
        return [activity for node in self.nodes() for activity in node.activities]


def plan_tree(version: PlanVersion) -> PlanTree:
    goals = list(version.goals.order_by("position", "id"))
    nodes = {goal.pk: GoalNode(goal=goal, depth=0) for goal in goals}
    roots: list[GoalNode] = []
    for goal in goals:
        node = nodes[goal.pk]
        parent = nodes.get(goal.parent_id)
        (parent.children if parent else roots).append(node)
    indicators = list(version.indicators.order_by("position", "id"))
    prefetch_lists(indicators, "reported_by", Actor.objects.order_by("name"))
    for indicator in indicators:
        nodes[indicator.goal_id].indicators.append(indicator)
    for activity in activities_of(version):
        activity.goal = nodes[activity.goal_id].goal  # already loaded; avoids a query
        nodes[activity.goal_id].activities.append(activity)

    def set_depth(node: GoalNode, depth: int) -> None:
        node.depth = depth
        for child in node.children:
            set_depth(child, depth + 1)

    for root in roots:
        set_depth(root, 0)
    return PlanTree(roots=roots)


@dataclass
class ActorDuties:
    actor: Actor
    depth: int
    leads: list[Activity]
    takes_part_in: list[Activity]
    reports: list[Indicator] = field(default_factory=list)

    @property
    def has_duties(self) -> bool:
        return bool(self.leads or self.takes_part_in or self.reports)


def duties_by_actor(version: PlanVersion, tree: PlanTree | None = None) -> list[ActorDuties]:
    """For every actor of the municipality, in the actor tree's order, what it leads, what
    it takes part in and which indicators it reports within this version."""
    tree = tree or plan_tree(version)
    duties = {
        node.actor.pk: ActorDuties(node.actor, node.depth, [], [])
        for node in actor_tree(version.plan.municipality)
    }
    for activity in tree.activities():
        for responsibility in activity.responsibilities.all():
            entry = duties[responsibility.actor_id]
            if responsibility.role == Responsibility.Role.LEAD:
                entry.leads.append(activity)
            else:
                entry.takes_part_in.append(activity)
    for node in tree.nodes():
        for indicator in node.indicators:
            for actor in indicator.reported_by.all():
                duties[actor.pk].reports.append(indicator)
    return list(duties.values())


@dataclass
class AreaRow:
    area: Term
    per_level: list[int]
    without_level: int
    total: int


@dataclass
class Coverage:
    levels: list[Term]
    areas: list[AreaRow]
    level_totals: list[int]
    groups: list[tuple[Term, int]]
    actors_without_activities: list[Actor]
    activities_without_lead: list[Activity]
    goals_without_indicators: list[Goal]
    goals_without_activities: list[Goal]
    activity_count: int


def coverage(version: PlanVersion) -> Coverage:
    municipality_id = version.plan.municipality_id
    tree = plan_tree(version)
    activities = tree.activities()
    levels = list(terms_for(municipality_id, Term.Kind.PREVENTION_LEVEL))
    areas = list(terms_for(municipality_id, Term.Kind.VIOLENCE_AREA))
    groups = list(terms_for(municipality_id, Term.Kind.TARGET_GROUP))

    cells: Counter = Counter()
    unlevelled: Counter = Counter()
    area_totals: Counter = Counter()
    level_totals: Counter = Counter()
    group_counts: Counter = Counter()
    for activity in activities:
        level_ids = [term.pk for term in activity.prevention_levels.all()]
        for level_id in level_ids:
            level_totals[level_id] += 1
        for area in activity.violence_areas.all():
            area_totals[area.pk] += 1
            if not level_ids:
                unlevelled[area.pk] += 1
            for level_id in level_ids:
                cells[area.pk, level_id] += 1
        for group in activity.target_groups.all():
            group_counts[group.pk] += 1

    responsible = {r.actor_id for activity in activities for r in activity.responsibilities.all()}
    nodes = tree.nodes()
    return Coverage(
        levels=levels,
        areas=[
            AreaRow(
                area=area,
                per_level=[cells[area.pk, level.pk] for level in levels],
                without_level=unlevelled[area.pk],
                total=area_totals[area.pk],
            )
            for area in areas
        ],
        level_totals=[level_totals[level.pk] for level in levels],
        groups=[(group, group_counts[group.pk]) for group in groups],
        actors_without_activities=[
            node.actor
            for node in actor_tree(version.plan.municipality)
            if node.actor.pk not in responsible
        ],
        activities_without_lead=[activity for activity in activities if activity.lead is None],
        goals_without_indicators=[n.goal for n in nodes if not n.subtree_indicator_count],
        goals_without_activities=[n.goal for n in nodes if not n.subtree_activity_count],
        activity_count=len(activities),
    )


@dataclass
class VersionCounts:
    goals: int
    indicators: int
    activities: int
    actors: int


def version_counts(version: PlanVersion) -> VersionCounts:
    return VersionCounts(
        goals=version.goals.count(),
        indicators=version.indicators.count(),
        activities=version.activities.count(),
        actors=Responsibility.objects.filter(activity__version=version)
        .values("actor_id")
        .distinct()
        .count(),
    )


def decision_corrections(version: PlanVersion) -> list:
    """The corrections of a version's decision, newest first: the history rows saved with the
    reason the coordinator gave (PlanVersion.correct_decision), with who saved them. One
    query."""
    return list(
        PlanVersion.history.filter(id=version.pk, history_type="~")
        .exclude(history_change_reason__isnull=True)
        # The trail's own markers are not reasons a person gave.
        .exclude(history_change_reason__in=["", REASON_BASELINE, REASON_RESTORE])
        .select_related("history_user")
        .order_by("-history_date", "-history_id")
    )
