"""Reads of the reports app, each in a fixed number of queries."""

import hashlib

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from followup.models import FollowUpRound, Questionnaire, RoundQuestion
from plans.models import Plan, PlanVersion
from plans.queries import names_stamp, plans_visible_to, versions_visible_to
from stats.models import Statistic

from .document import Document
from .models import PlanTextSection, PublishedReport


def published_reports_for(user) -> QuerySet[PublishedReport]:
    """Everyone in the municipality reads its published reports."""
    return PublishedReport.objects.filter(
        round__version__plan__municipality_id=user.municipality_id
    ).select_related("round__version__plan", "published_by")


def published_report_for(user, pk: int) -> PublishedReport:
    return get_object_or_404(published_reports_for(user), pk=pk)


def published_document(report: PublishedReport) -> Document:
    return Document.from_dict(report.content)


def plan_reports(user, plan_pk: int) -> tuple[Plan, list[PublishedReport]]:
    # A plan whose only version is a draft does not exist for those who may not see drafts.
    plan = get_object_or_404(
        plans_visible_to(user).filter(versions__in=versions_visible_to(user)).distinct(),
        pk=plan_pk,
    )
    reports = (
        published_reports_for(user)
        .filter(round__version__plan=plan)
        .defer("content")
        .order_by("-round__year", "-number")
    )
    return plan, list(reports)


def text_sections_of(version: PlanVersion) -> list[PlanTextSection]:
    return list(version.text_sections.order_by("position", "id"))


def text_section_for(user, pk: int) -> PlanTextSection:
    return get_object_or_404(
        PlanTextSection.objects.select_related("version__plan"),
        pk=pk,
        version__plan__municipality_id=user.municipality_id,
    )


def rounds_of_plan(plan: Plan) -> list[FollowUpRound]:
    return list(
        FollowUpRound.objects.filter(version__plan=plan)
        .select_related("version")
        .order_by("-year", "-created_at")
    )


def report_stamp(round_: FollowUpRound, *, own_publications: bool = True) -> str:
    """Changes whenever anything the round's report is built from changes, so a report kept
    under it is never out of date: the round, each of its questionnaires (every save, return
    and approval raises a revision; a deadline can move on its own), earlier rounds of the
    plan (the trends), the plan's publications (the report is audited together with them), the
    round's questions, the plan's title and the names of actors, terms and statistics. A
    handful of small queries, instead of building the report. Without `own_publications` the
    round's own publications are left out (publication_stamp)."""
    plan_id = round_.version.plan_id
    publications = PublishedReport.objects.filter(round__version__plan_id=plan_id)
    if not own_publications:
        publications = publications.exclude(round_id=round_.pk)
    municipality_id = round_.version.plan.municipality_id
    parts = [
        round_.status,
        round_.deadline,
        round_.closed_at,
        list(
            round_.questionnaires.order_by("pk").values_list("pk", "revision", "status", "deadline")
        ),
        Questionnaire.objects.filter(round__version__plan_id=plan_id).aggregate(
            Count("pk"), Sum("revision"), Max("changed_at")
        ),
        publications.aggregate(Count("pk"), Max("pk")),
        RoundQuestion.history.filter(round_id=round_.pk).aggregate(Max("history_date")),
        Plan.history.filter(id=plan_id).aggregate(Max("history_date")),
        Statistic.history.filter(
            Q(municipality_id=municipality_id) | Q(municipality__isnull=True)
        ).aggregate(Max("history_date")),
        names_stamp(municipality_id),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def publication_stamp(round_: FollowUpRound) -> str:
    """What a publication of the round's report is made from: report_stamp without the
    round's own earlier publications, since publishing again from unchanged answers hides the
    same cells and says the same. A confirmation page carries it, and a report published from
    it keeps it (PublishedReport.source_stamp): sending the same confirmation again shows that
    report instead of making the next number."""
    return report_stamp(round_, own_publications=False)
