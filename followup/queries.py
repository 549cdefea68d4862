"""Reads of the follow-up, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from organisations.models import Actor, User
from organisations.permissions import can_review_followup
from plans.models import Responsibility
from stats.models import Statistic, StatisticAssignment

from .models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Participants,
    QuestionAnswer,
    Questionnaire,
    Reminder,
    RoundQuestion,
)


def rounds_of_municipality(user) -> QuerySet[FollowUpRound]:
    return FollowUpRound.objects.filter(
        version__plan__municipality_id=user.municipality_id
    ).select_related("version__plan")


def round_for(user, pk: int) -> FollowUpRound:
    return get_object_or_404(rounds_of_municipality(user), pk=pk)


def question_for(user, pk: int) -> RoundQuestion:
    return get_object_or_404(
        RoundQuestion.objects.select_related("round__version__plan"),
        pk=pk,
        round__version__plan__municipality_id=user.municipality_id,
    )


def questions_with_answers(round_: FollowUpRound) -> list[RoundQuestion]:
    """The round's own questions, each with `answered`: whether anyone has answered it (then
    it can no longer be changed)."""
    answered = QuestionAnswer.objects.filter(question=OuterRef("pk"))
    return list(round_.questions.annotate(answered=Exists(answered)))


def questionnaires_visible_to(user) -> QuerySet[Questionnaire]:
    """Coordinators see every questionnaire of their municipality; a reporter sees those of
    the actors it reports for; nobody else sees any."""
    questionnaires = Questionnaire.objects.filter(
        round__version__plan__municipality_id=user.municipality_id
    )
    if can_review_followup(user):
        return questionnaires
    return questionnaires.filter(actor__in=user.actors.all())


def questionnaire_for(user, pk: int) -> Questionnaire:
    return get_object_or_404(
        questionnaires_visible_to(user).select_related(
            "round__version__plan", "actor", "changed_by"
        ),
        pk=pk,
    )


@dataclass
class QuestionnaireContent:
    questionnaire: Questionnaire
    activity_answers: list[ActivityAnswer]
    indicator_answers: list[IndicatorAnswer]
    statistics: list[Statistic]
    counts: dict[tuple[int, str, str], int]
    questions: list
    question_values: dict[int, str]
    # For each activity, the accounts of the other responsible actors in the same round.
    other_accounts: dict[int, list[ActivityAnswer]] = field(default_factory=dict)


def questionnaire_content(
    questionnaire: Questionnaire, *, with_others: bool = False
) -> QuestionnaireContent:
    round_ = questionnaire.round
    answers = list(
        questionnaire.activity_answers.select_related("activity__goal")
        .prefetch_related(
            Prefetch(
                "activity__responsibilities",
                queryset=Responsibility.objects.select_related("actor").order_by(
                    "-role", "actor__name"
                ),
            ),
            "levels_reached",
            "groups_reached",
            Prefetch("participants", queryset=Participants.objects.order_by("gender")),
        )
        .order_by("activity__goal__code", "activity__position", "activity_id")
    )
    indicator_answers = list(
        questionnaire.indicator_answers.select_related("indicator__goal").order_by(
            "indicator__goal__code", "indicator__position", "indicator_id"
        )
    )
    statistics = [
        a.statistic
        for a in StatisticAssignment.objects.filter(
            version_id=round_.version_id, actor_id=questionnaire.actor_id
        )
        .select_related("statistic")
        .order_by("statistic__municipality_id", "statistic__position", "statistic__name")
    ]
    counts = {
        (c.statistic_id, c.gender, c.age_band): c.count
        for c in questionnaire.statistic_counts.all()
    }
    questions = list(round_.questions.all())
    values = {
        a.question_id: a.value for a in QuestionAnswer.objects.filter(questionnaire=questionnaire)
    }
    content = QuestionnaireContent(
        questionnaire, answers, indicator_answers, statistics, counts, questions, values
    )
    if with_others:
        others = (
            ActivityAnswer.objects.filter(
                questionnaire__round=round_, activity_id__in=[a.activity_id for a in answers]
            )
            .exclude(questionnaire=questionnaire)
            .select_related("questionnaire__actor")
            .order_by("questionnaire__actor__name")
        )
        grouped = defaultdict(list)
        for other in others:
            grouped[other.activity_id].append(other)
        content.other_accounts = dict(grouped)
    return content


@dataclass
class DashboardRow:
    questionnaire: Questionnaire
    activity_count: int
    reminders: list[Reminder]
    overdue: bool


@dataclass
class Dashboard:
    round: FollowUpRound
    rows: list[DashboardRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.questionnaire.status == status)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.questionnaire.status in ("submitted", "approved"))

    @property
    def response_rate(self) -> int:
        return round(100 * self.answered / len(self.rows)) if self.rows else 0

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)


def dashboard(round_: FollowUpRound, today=None) -> Dashboard:
    questionnaires = (
        round_.questionnaires.select_related("actor", "changed_by")
        .annotate(activity_count=Count("activity_answers"))
        .prefetch_related(Prefetch("reminders", queryset=Reminder.objects.order_by("sent_at")))
        .order_by("actor__name")
    )
    return Dashboard(
        round=round_,
        rows=[
            DashboardRow(q, q.activity_count, list(q.reminders.all()), q.is_overdue(today))
            for q in questionnaires
        ],
    )


def questionnaires_of_reporter(user) -> QuerySet[Questionnaire]:
    return (
        Questionnaire.objects.filter(
            actor__in=user.actors.all(), round__version__plan__municipality_id=user.municipality_id
        )
        .select_related("round__version__plan", "actor")
        .annotate(activity_count=Count("activity_answers"))
        .order_by("-round__year", "deadline", "actor__name")
    )


def reporters_of(actor_ids) -> dict[int, list[User]]:
    """Active reporters with an e-mail address, per actor."""
    result: dict[int, list[User]] = defaultdict(list)
    users = (
        User.objects.filter(actors__in=actor_ids, role=User.Role.REPORTER, is_active=True)
        .exclude(email="")
        .prefetch_related(Prefetch("actors", queryset=Actor.objects.filter(pk__in=actor_ids)))
    )
    for user in users.distinct():
        for actor in user.actors.all():
            result[actor.pk].append(user)
    return result


def round_summary(rounds) -> dict[int, dict[str, int]]:
    """Per round: how many questionnaires in total and how many answered."""
    rows = (
        Questionnaire.objects.filter(round__in=rounds)
        .values("round_id")
        .annotate(
            total=Count("id"),
            answered=Count("id", filter=Q(status__in=["submitted", "approved"])),
            last=Max("changed_at"),
        )
    )
    return {row["round_id"]: row for row in rows}
