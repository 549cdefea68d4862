"""Writes to the statistics catalogue and to who reports what. Each runs in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from organisations.models import Actor, Municipality
from plans.models import PlanVersion

from .models import Statistic, StatisticAssignment

CODE_MAX_LENGTH = Statistic._meta.get_field("code").max_length


def statistic_code(*, municipality: Municipality, name: str) -> str:
    """A slug of the name, free among the national codes and the municipality's own, so
    exports and follow-ups can refer to a statistic by code alone."""
    stem = slugify(name)[:CODE_MAX_LENGTH] or "statistic"
    taken = set(
        Statistic.objects.filter(
            Q(municipality__isnull=True) | Q(municipality=municipality)
        ).values_list("code", flat=True)
    )
    code, number = stem, 1
    while code in taken:
        number += 1
        suffix = f"-{number}"
        code = f"{stem[: CODE_MAX_LENGTH - len(suffix)]}{suffix}"
    return code


@transaction.atomic
def statistic_create(
    *,
    municipality: Municipality,
    name: str,
    definition: str = "",
    by_gender: bool = True,
    by_age: bool = True,
) -> Statistic:
    last = Statistic.objects.filter(municipality=municipality).aggregate(Max("position"))
    statistic = Statistic(
        municipality=municipality,
        code=statistic_code(municipality=municipality, name=name),
        name=name,
        definition=definition,
        by_gender=by_gender,
        by_age=by_age,
        position=0 if last["position__max"] is None else last["position__max"] + 1,
    )
    statistic.full_clean()
    statistic.save()
    return statistic


@transaction.atomic
def statistic_assignments_set(
    *, version: PlanVersion, assignments: dict[Statistic, list[Actor]]
) -> None:
    """Make the version ask exactly these actors to report these statistics. Statistics left
    out of the mapping are reported by nobody. Unchanged assignments keep their rows."""
    if not version.is_editable:
        raise ValidationError(
            _("This version is %(status)s and cannot be changed. Make a new draft to revise it.")
            % {"status": version.get_status_display().lower()}
        )
    municipality_id = version.plan.municipality_id
    wanted: set[tuple[int, int]] = set()
    for statistic, actors in assignments.items():
        if statistic.municipality_id not in (None, municipality_id):
            raise ValidationError(_("The statistic belongs to another municipality."))
        for actor in actors:
            if actor.municipality_id != municipality_id:
                raise ValidationError(_("The actor belongs to another municipality."))
            wanted.add((statistic.pk, actor.pk))
    existing = {
        (statistic_id, actor_id): pk
        for pk, statistic_id, actor_id in StatisticAssignment.objects.filter(
            version=version
        ).values_list("pk", "statistic_id", "actor_id")
    }
    StatisticAssignment.objects.filter(
        pk__in=[pk for pair, pk in existing.items() if pair not in wanted]
    ).delete()
    bulk_create_with_history(
        [
            StatisticAssignment(version=version, statistic_id=statistic_id, actor_id=actor_id)
            for statistic_id, actor_id in sorted(wanted - existing.keys())
        ],
        StatisticAssignment,
    )
