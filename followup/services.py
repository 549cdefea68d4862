"""Writes of the follow-up that touch several rows. Each runs in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from plans.models import PlanVersion, Responsibility
from records.services import history_records_create

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


@dataclass(frozen=True)
class QuestionnaireItems:
    """What a round of a version asks: who answers, and each (actor, activity) and
    (actor, indicator) pair an answer row is made for."""

    actor_ids: list[int]
    activities: list[tuple[int, int]]
    indicators: list[tuple[int, int]]


def questionnaire_items(version: PlanVersion) -> QuestionnaireItems:
    return QuestionnaireItems(
        actor_ids=sorted(responsible_actor_ids(version)),
        activities=list(
            Responsibility.objects.filter(activity__version=version)
            .order_by("activity_id", "actor_id")
            .values_list("actor_id", "activity_id")
        ),
        indicators=list(
            version.indicators.exclude(reported_by=None)
            .order_by("pk", "reported_by")
            .values_list("reported_by", "pk")
        ),
    )


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

    items = questionnaire_items(version)
    questionnaires = bulk_create_with_history(
        [
            Questionnaire(round=round_, actor_id=actor_id, deadline=deadline)
            for actor_id in items.actor_ids
        ],
        Questionnaire,
    )
    by_actor = {q.actor_id: q for q in questionnaires}
    bulk_create_with_history(
        [
            ActivityAnswer(questionnaire=by_actor[actor_id], activity_id=activity_id)
            for actor_id, activity_id in items.activities
        ],
        ActivityAnswer,
    )
    bulk_create_with_history(
        [
            IndicatorAnswer(questionnaire=by_actor[actor_id], indicator_id=indicator_id)
            for actor_id, indicator_id in items.indicators
        ],
        IndicatorAnswer,
    )
    return round_


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

    # The audit trail records who changed what: only rows whose answer changed get a history
    # row, and the one-row-per-cell answers below are updated in place rather than replaced.
    activity_rows = list(current.activity_answers.filter(pk__in=answers["activities"]))
    activity_fields = ["status", "what_was_done", "obstacles", "next_step"]
    edited = [
        row for row in activity_rows if _assign(row, activity_fields, answers["activities"][row.pk])
    ]
    ActivityAnswer.objects.bulk_update(edited, activity_fields)
    changed = {row.pk for row in edited}
    row_ids = [row.pk for row in activity_rows]
    for relation in ("levels_reached", "groups_reached"):
        through = getattr(ActivityAnswer, relation).through
        links = through.objects.filter(activityanswer_id__in=row_ids)
        wanted = {
            (pk, term_id) for pk in row_ids for term_id in answers["activities"][pk][relation]
        }
        changed |= {
            pk for pk, _term in set(links.values_list("activityanswer_id", "term_id")) ^ wanted
        }
        links.delete()
        through.objects.bulk_create(
            [through(activityanswer_id=pk, term_id=term_id) for pk, term_id in wanted]
        )
    history_records_create(
        objs=[row for row in activity_rows if row.pk in changed],
        model=ActivityAnswer,
        update=True,
        user=user,
    )
    _cells_write(
        existing=Participants.objects.filter(answer_id__in=row_ids),
        key=("answer_id", "gender"),
        value="count",
        wanted={
            (pk, gender): count
            for pk in row_ids
            for gender, count in answers["activities"][pk]["participants"].items()
        },
        new=lambda key, count: Participants(answer_id=key[0], gender=key[1], count=count),
        user=user,
    )

    indicator_rows = list(current.indicator_answers.filter(pk__in=answers["indicators"]))
    fields = ["year", "value", "numerator", "denominator", "value_women", "value_men", "comment"]
    changed_indicators = []
    for row in indicator_rows:
        values = {name: answers["indicators"][row.pk].get(name) for name in fields}
        values["comment"] = values["comment"] or ""
        if _assign(row, fields, values):
            changed_indicators.append(row)
    IndicatorAnswer.objects.bulk_update(changed_indicators, fields)
    history_records_create(objs=changed_indicators, model=IndicatorAnswer, update=True, user=user)

    _cells_write(
        existing=current.statistic_counts.filter(statistic_id__in=answers["statistics"]),
        key=("statistic_id", "gender", "age_band"),
        value="count",
        wanted={
            (statistic_id, g, a): n
            for statistic_id, cells in answers["statistics"].items()
            for g, a, n in cells
        },
        new=lambda key, n: StatisticCount(
            questionnaire=current, statistic_id=key[0], gender=key[1], age_band=key[2], count=n
        ),
        user=user,
    )

    _cells_write(
        existing=current.question_answers.all(),
        key=("question_id",),
        value="value",
        wanted={(pk,): value for pk, value in answers["questions"].items() if value != ""},
        new=lambda key, value: QuestionAnswer(
            questionnaire=current, question_id=key[0], value=value
        ),
        user=user,
    )

    for name, value in answers["standard"].items():
        setattr(current, name, value)
    current._history_user = user  # the trail names the person saving, also outside a request
    if submit:
        current.submit(user)
    else:
        current.touch(user)
        current.save()
    del current._history_user
    return current


def _assign(row: models.Model, fields: list[str], values: dict) -> bool:
    """Set the fields from `values`; whether any of them changed."""
    changed = False
    for name in fields:
        changed = changed or getattr(row, name) != values[name]
        setattr(row, name, values[name])
    return changed


def _cells_write(
    *,
    existing: models.QuerySet,
    key: tuple[str, ...],
    value: str,
    wanted: dict[tuple, Any],
    new: Callable[[tuple, Any], models.Model],
    user,
) -> None:
    """Make `existing` hold exactly the rows in `wanted` (key → value): rows no longer wanted
    are deleted, changed values updated, new ones created. Rows that stay the same are not
    touched, so the audit trail records exactly what changed."""
    model = existing.model
    current = {tuple(getattr(row, name) for name in key): row for row in existing}
    gone = [row.pk for cell, row in current.items() if cell not in wanted]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    updated = []
    for cell, row in current.items():
        if cell in wanted and getattr(row, value) != wanted[cell]:
            setattr(row, value, wanted[cell])
            updated.append(row)
    bulk_update_with_history(updated, model, [value], default_user=user)
    bulk_create_with_history(
        [new(cell, content) for cell, content in wanted.items() if cell not in current],
        model,
        default_user=user,
    )


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


@transaction.atomic
def round_update(
    *,
    round_: FollowUpRound,
    deadline: date,
    message: str,
    reminder_days_before: str,
    reminder_days_after: str,
) -> FollowUpRound:
    """Correct an open round's deadline, message or reminder days. Questionnaires that still
    have the round's deadline follow a new one, and their reminders start over; a deadline
    extended for one actor stays."""
    if not round_.is_open:
        raise ValidationError(_("A closed round can no longer be changed."))
    previous = FollowUpRound.objects.values_list("deadline", flat=True).get(pk=round_.pk)
    round_.deadline = deadline
    round_.message = message
    round_.reminder_days_before = reminder_days_before
    round_.reminder_days_after = reminder_days_after
    round_.full_clean()
    round_.save()
    if deadline != previous:
        following = list(round_.questionnaires.filter(deadline=previous))
        for questionnaire in following:
            questionnaire.deadline = deadline
        bulk_update_with_history(following, Questionnaire, ["deadline"])
        Reminder.objects.filter(questionnaire__in=following).delete()
    return round_
