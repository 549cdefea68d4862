"""Reads of the follow-up, each in a fixed number of queries."""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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


MISSING_NAMED = 10  # a confirmation names at most this many actors that have not answered
ANSWERED = (Questionnaire.Status.SUBMITTED, Questionnaire.Status.APPROVED)
WAITING = (
    Questionnaire.Status.NOT_STARTED,
    Questionnaire.Status.DRAFT,
    Questionnaire.Status.RETURNED,
)


@dataclass
class DashboardRow:
    questionnaire: Questionnaire
    activity_count: int
    reminders: list[Reminder]  # sent
    overdue: bool
    reporters: list[User] = field(default_factory=list)  # active ones
    failed: list[Reminder] = field(default_factory=list)  # could not be sent

    @property
    def answered(self) -> bool:
        return self.questionnaire.status in ANSWERED

    @property
    def reach(self) -> str:
        """Whom a reminder reaches: "" (someone), or the Reminder.Problem it would meet."""
        if not self.reporters:
            return Reminder.Problem.NO_REPORTER
        if not any(user.email for user in self.reporters):
            return Reminder.Problem.NO_ADDRESS
        return ""


@dataclass
class Dashboard:
    round: FollowUpRound
    rows: list[DashboardRow]

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.questionnaire.status == status)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)

    @property
    def response_rate(self) -> int:
        return round(100 * self.answered / len(self.rows)) if self.rows else 0

    @property
    def overdue(self) -> int:
        return sum(1 for row in self.rows if row.overdue)

    @property
    def missing(self) -> list[Actor]:
        """The actors that have not answered, by name."""
        return [row.questionnaire.actor for row in self.rows if not row.answered]

    @property
    def unreachable(self) -> list[DashboardRow]:
        """Actors still to answer whom a reminder would not reach."""
        return [row for row in self.rows if row.reach and not row.answered]

    @property
    def failed(self) -> list[tuple[DashboardRow, Reminder]]:
        """Every reminder of the round that could not be sent, newest first."""
        pairs = [(row, reminder) for row in self.rows for reminder in row.failed]
        return sorted(pairs, key=lambda pair: pair[1].sent_at, reverse=True)

    @property
    def answer_summary(self) -> str:
        """Who has answered, concretely: "12 of 14 actors have answered; missing: Kultur- och
        fritidsförvaltningen and Tekniska förvaltningen." At most MISSING_NAMED are named."""
        total, missing = len(self.rows), [actor.name for actor in self.missing]
        if not total:
            return _("No actor has anything to answer in this round.")
        if not missing:
            return ngettext(
                "The only actor has answered.", "All %(total)s actors have answered.", total
            ) % {"total": total}
        if len(missing) > MISSING_NAMED:
            rest = len(missing) - MISSING_NAMED
            missing = [
                *missing[:MISSING_NAMED],
                ngettext("%(count)s other", "%(count)s others", rest) % {"count": rest},
            ]
        return ngettext(
            "%(answered)s of %(total)s actor has answered; missing: %(names)s.",
            "%(answered)s of %(total)s actors have answered; missing: %(names)s.",
            total,
        ) % {"answered": self.answered, "total": total, "names": get_text_list(missing, _("and"))}

    @property
    def answer_facts(self) -> list:
        """What a confirmation states about the answers, as something to digest: if any of it
        changes, the page asks again."""
        return [(row.questionnaire.pk, row.questionnaire.status) for row in self.rows]


def dashboard(round_: FollowUpRound, today=None) -> Dashboard:
    questionnaires = list(
        round_.questionnaires.select_related("actor", "changed_by")
        .annotate(activity_count=Count("activity_answers"))
        .prefetch_related(
            Prefetch(
                "reminders",
                queryset=Reminder.objects.select_related("sent_by").order_by("sent_at"),
            )
        )
        .order_by("actor__name")
    )
    reporters = reporters_of([q.actor_id for q in questionnaires])
    rows = []
    for q in questionnaires:
        reminders = list(q.reminders.all())
        rows.append(
            DashboardRow(
                q,
                q.activity_count,
                [reminder for reminder in reminders if not reminder.problem],
                q.is_overdue(today),
                reporters.get(q.actor_id, []),
                [reminder for reminder in reminders if reminder.problem],
            )
        )
    return Dashboard(round=round_, rows=rows)


@dataclass
class RoundEvent:
    """The round was opened, closed or opened again: when, by whom."""

    at: Any
    by: User | None
    status: str
    again: bool  # opened again after being closed


def round_history(round_: FollowUpRound) -> list[RoundEvent]:
    """When the round was opened, closed and reopened, from its audit trail: one query."""
    events: list[RoundEvent] = []
    previous = None
    records = round_.history.select_related("history_user").order_by("history_date", "history_id")
    for record in records:
        if record.status != previous:
            events.append(
                RoundEvent(
                    record.history_date,
                    record.history_user,
                    record.status,
                    again=previous is not None and record.status == FollowUpRound.Status.OPEN,
                )
            )
        previous = record.status
    return events


@dataclass
class ReminderTarget:
    """One actor a reminder sent now is meant for: who gets it, or why nobody does."""

    row: DashboardRow
    recipients: list[User]
    sent_today: bool  # a reminder from the dashboard already went out today

    @property
    def problem(self) -> str:
        return self.row.reach


def reminder_key_now(today) -> str:
    """The key of a reminder sent from the dashboard: at most one a day per actor."""
    return f"now-{today.isoformat()}"


def reminder_targets(board: Dashboard, today) -> list[ReminderTarget]:
    """Every actor of the round still to answer, with the reporters a reminder sent now
    would reach (those with an e-mail address)."""
    key = reminder_key_now(today)
    return [
        ReminderTarget(
            row,
            [user for user in row.reporters if user.email],
            any(r.key == key for r in row.reminders),
        )
        for row in board.rows
        if row.questionnaire.status in WAITING
    ]


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
    """Active reporters per actor, by name: those who can answer for it. Reminders reach the
    ones with an e-mail address."""
    result: dict[int, list[User]] = defaultdict(list)
    users = (
        User.objects.filter(actors__in=actor_ids, role=User.Role.REPORTER, is_active=True)
        .order_by("first_name", "last_name", "username")
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
