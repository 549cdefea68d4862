"""Writes that touch several rows of a plan. Each runs in one transaction."""

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from organisations.models import Actor, Municipality
from records.services import delete_with_history, history_records_create

from .models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility


@transaction.atomic
def plan_create(
    *,
    municipality: Municipality,
    title: str,
    version_label: str,
    valid_from: int | None = None,
    valid_to: int | None = None,
) -> PlanVersion:
    plan = Plan.objects.create(municipality=municipality, title=title)
    return PlanVersion.objects.create(
        plan=plan, label=version_label, valid_from=valid_from, valid_to=valid_to
    )


def next_code(*, version: PlanVersion, model: type[models.Model], prefix: str = "") -> str:
    """The next free number in a version: 1, 2, 3 … or, under a prefix, 2.1, 2.2 …"""
    taken = set(model.objects.filter(version=version).values_list("code", flat=True))
    stem = f"{prefix}." if prefix else ""
    number = 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def next_position(queryset: models.QuerySet) -> int:
    last = queryset.aggregate(models.Max("position"))["position__max"]
    return 0 if last is None else last + 1


def siblings(item: Goal | Indicator | Activity) -> models.QuerySet:
    if isinstance(item, Goal):
        return Goal.objects.filter(version_id=item.version_id, parent_id=item.parent_id)
    return type(item).objects.filter(goal_id=item.goal_id)


def position_move(ordered: models.QuerySet, item: models.Model, offset: int) -> None:
    """Move `item` one step up (-1) or down (+1) in `ordered` (its siblings, ordered), and
    number them all again from 0. Call inside a transaction."""
    ordered = list(ordered)
    index = next(i for i, other in enumerate(ordered) if other.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, other in enumerate(ordered):
        if other.position != position:
            other.position = position
            other.save(update_fields=["position"])


@transaction.atomic
def item_move(*, item: Goal | Indicator | Activity, offset: int) -> None:
    """Move a goal, indicator or activity one step up (-1) or down (+1) among its siblings."""
    position_move(siblings(item).order_by("position", "id"), item, offset)


@transaction.atomic
def activity_set_responsibilities(
    *, activity: Activity, lead: Actor, co_actors: list[Actor]
) -> None:
    """Replace who answers for an activity: exactly one lead, any number of others. Rows that
    stay as they are are left alone, so the audit trail shows only who was added or removed."""
    co_ids = {actor.pk for actor in co_actors if actor.pk != lead.pk}
    wanted = {lead.pk: Responsibility.Role.LEAD} | {
        actor_id: Responsibility.Role.CO for actor_id in sorted(co_ids)
    }
    existing = {r.actor_id: r for r in activity.responsibilities.all()}
    activity.responsibilities.filter(
        pk__in=[r.pk for actor_id, r in existing.items() if wanted.get(actor_id) != r.role]
    ).delete()
    bulk_create_with_history(
        [
            Responsibility(activity=activity, actor_id=actor_id, role=role)
            for actor_id, role in wanted.items()
            if actor_id not in existing or existing[actor_id].role != role
        ],
        Responsibility,
    )


def _next_version_label(label: str) -> str:
    match = re.fullmatch(r"(.*?)(\d+)", label)
    if match:
        return f"{match.group(1)}{int(match.group(2)) + 1}"
    return f"{label} (2)"


@transaction.atomic
def plan_version_copy(*, version: PlanVersion, label: str = "") -> PlanVersion:
    """A new draft with the same goals, indicators, activities and responsibilities."""
    new = PlanVersion.objects.create(
        plan=version.plan,
        label=label or _next_version_label(version.label),
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        based_on=version,
    )
    goal_map: dict[int, Goal] = {}
    # Parents before children: walk the tree level by level.
    pending = list(version.goals.order_by("position", "id"))
    while pending:
        remaining = []
        for goal in pending:
            if goal.parent_id and goal.parent_id not in goal_map:
                remaining.append(goal)
                continue
            old_id = goal.pk
            goal.pk = None
            goal.version = new
            goal.parent = goal_map.get(goal.parent_id)
            goal.save()
            goal_map[old_id] = goal
        pending = remaining

    indicators = list(version.indicators.prefetch_related("reported_by"))
    reporters = [[actor.pk for actor in indicator.reported_by.all()] for indicator in indicators]
    for indicator in indicators:
        indicator.pk = None
        indicator.version = new
        indicator.goal = goal_map[indicator.goal_id]
    Indicator.objects.bulk_create(indicators)
    Indicator.reported_by.through.objects.bulk_create(
        [
            Indicator.reported_by.through(indicator_id=indicator.pk, actor_id=actor_id)
            for indicator, actor_ids in zip(indicators, reporters, strict=True)
            for actor_id in actor_ids
        ]
    )
    history_records_create(objs=indicators, model=Indicator)

    activities = version.activities.prefetch_related(
        "responsibilities", "prevention_levels", "violence_areas", "target_groups"
    )
    term_fields = ("prevention_levels", "violence_areas", "target_groups")
    copies, old_content = [], []
    for activity in activities:
        old_content.append(
            (
                list(activity.responsibilities.all()),
                {name: list(getattr(activity, name).all()) for name in term_fields},
            )
        )
        activity.pk = None
        activity.version = new
        activity.goal = goal_map[activity.goal_id]
        copies.append(activity)
    # In one statement, not one per activity: a big plan's copy holds the write lock briefly.
    # Recorded below, once their prevention levels, areas and groups are in place.
    Activity.objects.bulk_create(copies)
    responsibilities, term_links = [], {name: [] for name in term_fields}
    for activity, (old_responsibilities, old_terms) in zip(copies, old_content, strict=True):
        responsibilities += [
            Responsibility(activity=activity, actor_id=r.actor_id, role=r.role)
            for r in old_responsibilities
        ]
        for name, terms in old_terms.items():
            through = getattr(Activity, name).through
            term_links[name] += [through(activity_id=activity.pk, term_id=t.pk) for t in terms]
    bulk_create_with_history(responsibilities, Responsibility)
    for name, links in term_links.items():
        getattr(Activity, name).through.objects.bulk_create(links)
    history_records_create(objs=copies, model=Activity)

    # Which actor reports which statistic is part of the version too.
    from stats.models import StatisticAssignment  # stats builds on plans; imported late

    bulk_create_with_history(
        [
            StatisticAssignment(version=new, statistic_id=a.statistic_id, actor_id=a.actor_id)
            for a in version.statistic_assignments.all()
        ],
        StatisticAssignment,
    )
    from reports.services import text_sections_copy  # reports builds on plans; imported late

    text_sections_copy(source=version, target=new)
    return new


@transaction.atomic
def plan_version_delete(*, version: PlanVersion) -> None:
    """Delete a draft with everything in it, and its plan when no other version is left. One
    short write: a big draft's hundreds of goals, activities and responsibilities are deleted
    and given their "deleted" rows in the audit trail a table at a time (delete_with_history),
    not row by row, so people saving meanwhile wait a moment rather than seconds."""
    if not version.is_editable:
        raise ValidationError(_("Only a draft can be deleted."))
    plan = version.plan
    delete_with_history(obj=version)
    if not plan.versions.exists():
        plan.delete()


def version_adoption_problems(version: PlanVersion) -> list[str]:
    """What stands in the way of adopting a version, in words for the coordinator."""
    problems = []
    if not version.goals.exists():
        problems.append(_("The plan has no goals."))
    without_lead = version.activities.exclude(responsibilities__role="lead")
    for activity in without_lead.order_by("code"):
        problems.append(
            _("Activity %(code)s “%(title)s” has no lead actor.")
            % {"code": activity.code, "title": activity.title}
        )
    return problems


@transaction.atomic
def plan_version_adopt(
    *,
    version: PlanVersion,
    decided_by: str,
    decision_date,
    decision_paragraph: str = "",
    diary_number: str = "",
    distribution: str = "",
) -> PlanVersion:
    """Adopt a draft; the version adopted before it is superseded."""
    if not version.is_editable:
        raise ValidationError(_("Only a draft can be adopted."))
    problems = version_adoption_problems(version)
    if problems:
        raise ValidationError(problems)
    superseded = list(
        PlanVersion.objects.filter(plan=version.plan, status=PlanVersion.Status.ADOPTED)
    )
    for previous in superseded:
        previous.status = PlanVersion.Status.SUPERSEDED
    bulk_update_with_history(superseded, PlanVersion, ["status"])
    version.status = PlanVersion.Status.ADOPTED
    version.decided_by = decided_by
    version.decision_date = decision_date or timezone.localdate()
    version.decision_paragraph = decision_paragraph
    version.diary_number = diary_number
    version.distribution = distribution
    # The model's rules (a decision date not ahead of today …) hold for every caller.
    version.full_clean(exclude=["plan", "based_on"])
    version.save()
    return version
