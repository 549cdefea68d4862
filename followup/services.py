"""Writes of the follow-up that touch several rows. Each runs in one transaction."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from plans.models import PlanVersion, Responsibility
from stats.models import StatisticAssignment

from .models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Participants,
    QuestionAnswer,
    Questionnaire,
    Reminder,
    StatisticCount,
    parse_days,
)


class SaveConflict(Exception):
    """Someone else saved the questionnaire after this person opened it."""

    def __init__(self, questionnaire: Questionnaire):
        super().__init__("outdated revision")
        self.questionnaire = questionnaire


def responsible_actor_ids(version: PlanVersion) -> set[int]:
    """Every actor with something to report: an activity (lead or co), an indicator or a
    statistic."""
    ids = set(
        Responsibility.objects.filter(activity__version=version).values_list("actor_id", flat=True)
    )
    ids |= set(version.indicators.values_list("reported_by", flat=True).exclude(reported_by=None))
    ids |= set(version.statistic_assignments.values_list("actor_id", flat=True))
    return ids


@transaction.atomic
def round_open(
    *,
    version: PlanVersion,
    year: int,
    deadline: date,
    opens_on: date | None = None,
    message: str = "",
    reminder_days_before: str = "7,1",
    reminder_days_after: str = "1,7",
) -> FollowUpRound:
    """Open a round and give every responsible actor its questionnaire, holding exactly its
    own activities and indicators (statistics follow from the version's assignments)."""
    if version.status != PlanVersion.Status.ADOPTED:
        raise ValidationError(_("Only an adopted plan can be followed up."))
    round_ = FollowUpRound(
        version=version,
        year=year,
        deadline=deadline,
        message=message,
        reminder_days_before=reminder_days_before,
        reminder_days_after=reminder_days_after,
    )
    if opens_on:
        round_.opens_on = opens_on
    round_.full_clean()
    round_.save()

    actor_ids = sorted(responsible_actor_ids(version))
    questionnaires = Questionnaire.objects.bulk_create(
        [
            Questionnaire(round=round_, actor_id=actor_id, deadline=deadline)
            for actor_id in actor_ids
        ]
    )
    by_actor = {q.actor_id: q for q in questionnaires}
    ActivityAnswer.objects.bulk_create(
        [
            ActivityAnswer(questionnaire=by_actor[actor_id], activity_id=activity_id)
            for actor_id, activity_id in Responsibility.objects.filter(
                activity__version=version
            ).values_list("actor_id", "activity_id")
        ]
    )
    IndicatorAnswer.objects.bulk_create(
        [
            IndicatorAnswer(questionnaire=by_actor[actor_id], indicator_id=indicator_id)
            for indicator_id, actor_id in version.indicators.exclude(reported_by=None).values_list(
                "pk", "reported_by"
            )
        ]
    )
    return round_


def questionnaire_statistics(questionnaire: Questionnaire):
    """The statistics an actor reports in a round, from the plan version's assignments."""
    return [
        assignment.statistic
        for assignment in StatisticAssignment.objects.filter(
            version_id=questionnaire.round.version_id, actor_id=questionnaire.actor_id
        ).select_related("statistic")
    ]


@transaction.atomic
def questionnaire_extend_deadline(*, questionnaire: Questionnaire, deadline: date) -> None:
    if deadline < questionnaire.round.opens_on:
        raise ValidationError(_("The deadline cannot be before the round opens."))
    questionnaire.deadline = deadline
    questionnaire.save(update_fields=["deadline"])
    # A new deadline means the reminders start over.
    questionnaire.reminders.all().delete()


def questionnaire_lock(*, questionnaire: Questionnaire, base_revision: int) -> Questionnaire:
    """Lock the questionnaire's row for this transaction; refuse if someone saved since
    `base_revision`. Call inside transaction.atomic."""
    current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if current.revision != base_revision:
        raise SaveConflict(current)
    return current


@transaction.atomic
def questionnaire_save(
    *, questionnaire: Questionnaire, user, base_revision: int, answers: dict, submit: bool = False
) -> Questionnaire:
    """Write a page of answers. Refused with SaveConflict when someone saved in between, so
    two people never silently overwrite each other."""
    current = questionnaire_lock(questionnaire=questionnaire, base_revision=base_revision)
    if not current.is_editable:
        raise ValidationError(_("This questionnaire is locked and can no longer be changed."))

    activity_rows = list(current.activity_answers.filter(pk__in=answers["activities"]))
    for row in activity_rows:
        data = answers["activities"][row.pk]
        for name in ("status", "what_was_done", "obstacles", "next_step"):
            setattr(row, name, data[name])
    ActivityAnswer.objects.bulk_update(
        activity_rows, ["status", "what_was_done", "obstacles", "next_step"]
    )
    row_ids = [row.pk for row in activity_rows]
    for relation, key in (
        ("levels_reached", "levels_reached"),
        ("groups_reached", "groups_reached"),
    ):
        through = getattr(ActivityAnswer, relation).through
        through.objects.filter(activityanswer_id__in=row_ids).delete()
        through.objects.bulk_create(
            [
                through(activityanswer_id=pk, term_id=term_id)
                for pk in row_ids
                for term_id in answers["activities"][pk][key]
            ]
        )
    Participants.objects.filter(answer_id__in=row_ids).delete()
    Participants.objects.bulk_create(
        [
            Participants(answer_id=pk, gender=gender, count=count)
            for pk in row_ids
            for gender, count in answers["activities"][pk]["participants"].items()
        ]
    )

    indicator_rows = list(current.indicator_answers.filter(pk__in=answers["indicators"]))
    fields = ["year", "value", "numerator", "denominator", "value_women", "value_men", "comment"]
    for row in indicator_rows:
        for name in fields:
            setattr(row, name, answers["indicators"][row.pk].get(name))
        row.comment = row.comment or ""
    IndicatorAnswer.objects.bulk_update(indicator_rows, fields)

    current.statistic_counts.filter(statistic_id__in=answers["statistics"]).delete()
    StatisticCount.objects.bulk_create(
        [
            StatisticCount(
                questionnaire=current, statistic_id=statistic_id, gender=g, age_band=a, count=n
            )
            for statistic_id, cells in answers["statistics"].items()
            for g, a, n in cells
        ]
    )

    current.question_answers.all().delete()
    QuestionAnswer.objects.bulk_create(
        [
            QuestionAnswer(questionnaire=current, question_id=pk, value=value)
            for pk, value in answers["questions"].items()
            if value != ""
        ]
    )

    for name, value in answers["standard"].items():
        setattr(current, name, value)
    if submit:
        current.submit(user)
    else:
        current.touch(user)
        current.save()
    return current


def reminder_due(questionnaire: Questionnaire, today: date) -> str | None:
    """The key of the latest reminder due today or earlier, e.g. "before-7" or "after-1".
    Only the latest counts: after a pause, one reminder goes out, not a backlog."""
    round_ = questionnaire.round
    days_left = (questionnaire.deadline - today).days
    due = None
    for days in sorted(parse_days(round_.reminder_days_before), reverse=True):
        if days_left <= days and days_left >= 0:
            due = f"before-{days}"
    for days in parse_days(round_.reminder_days_after):
        if -days_left >= days:
            due = f"after-{days}"
    return due


def reminders_send(*, today: date, send) -> list[Reminder]:
    """Record and send every reminder that is due and not sent before. `send(questionnaire,
    key, recipients)` delivers one; the record is written first, under a unique key, so a
    reminder never goes out twice however often this runs."""
    from .queries import reporters_of  # queries imports services' models; keep import local

    waiting = Questionnaire.objects.filter(
        round__status=FollowUpRound.Status.OPEN,
        round__opens_on__lte=today,
        status__in=[
            Questionnaire.Status.NOT_STARTED,
            Questionnaire.Status.DRAFT,
            Questionnaire.Status.RETURNED,
        ],
    ).select_related("round__version__plan", "actor")
    waiting = list(waiting)
    reporters = reporters_of([q.actor_id for q in waiting])
    sent = []
    for questionnaire in waiting:
        key = reminder_due(questionnaire, today)
        recipients = reporters.get(questionnaire.actor_id, [])
        if key is None or not recipients:
            continue
        with transaction.atomic():
            reminder, created = Reminder.objects.get_or_create(
                questionnaire=questionnaire,
                key=key,
                defaults={"recipients": ", ".join(user.email for user in recipients)},
            )
            if not created:
                continue
            send(questionnaire, key, recipients)
        sent.append(reminder)
    return sent
