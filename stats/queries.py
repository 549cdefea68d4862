"""Reusable reads of the statistics catalogue. Each costs a fixed number of queries, whatever
the number of statistics, actors and assignments."""

from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from organisations.models import Actor
from plans.models import PlanVersion

from .catalogue import NATIONAL_STATISTICS
from .models import Statistic, StatisticAssignment


def statistics_for(municipality_id: int) -> QuerySet[Statistic]:
    """The national set first, then the municipality's own."""
    # Explicit nulls_first: PostgreSQL sorts NULL last, SQLite first.
    return Statistic.objects.filter(
        Q(municipality__isnull=True) | Q(municipality_id=municipality_id)
    ).order_by(F("municipality_id").asc(nulls_first=True), "position", "name")


def own_statistic_for(user, pk: int) -> Statistic:
    """One of the user's municipality's own statistics; national ones and other
    municipalities' answer 404, so they cannot be edited or deleted."""
    return get_object_or_404(Statistic, pk=pk, municipality_id=user.municipality_id)


def statistic_definition(statistic: Statistic) -> str:
    """National definitions are translated; a municipality's own read as written."""
    if statistic.municipality_id is None and statistic.code in NATIONAL_STATISTICS:
        return str(NATIONAL_STATISTICS[statistic.code][1])
    return statistic.definition


@dataclass
class CatalogueEntry:
    statistic: Statistic
    definition: str

    @property
    def is_national(self) -> bool:
        return self.statistic.municipality_id is None


def catalogue(municipality_id: int) -> list[CatalogueEntry]:
    return [
        CatalogueEntry(statistic, statistic_definition(statistic))
        for statistic in statistics_for(municipality_id)
    ]


@dataclass
class StatisticReporters:
    statistic: Statistic
    actors: list[Actor]


def reporters_by_statistic(version: PlanVersion) -> list[StatisticReporters]:
    """Every statistic available to the version's municipality with the actors that report
    it in this version (possibly none)."""
    rows = {
        statistic.pk: StatisticReporters(statistic, [])
        for statistic in statistics_for(version.plan.municipality_id)
    }
    assignments = (
        StatisticAssignment.objects.filter(version=version)
        .select_related("actor")
        .order_by("actor__name")
    )
    for assignment in assignments:
        if assignment.statistic_id in rows:
            rows[assignment.statistic_id].actors.append(assignment.actor)
    return list(rows.values())


def versions_using(statistic: Statistic) -> QuerySet[PlanVersion]:
    """The plan versions that ask some actor to report the statistic."""
    return (
        PlanVersion.objects.filter(statistic_assignments__statistic=statistic)
        .select_related("plan")
        .distinct()
        .order_by("plan__title", "label")
    )
