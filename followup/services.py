"""Writes of the follow-up that touch several rows. Each runs in one transaction."""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from handlingskraft.revisions import canonical, digest
from plans.models import PlanVersion, Responsibility
from records.services import history_records_create

from .answers import (
    ACTIVITY_TERMS,
    ACTIVITY_TEXTS,
    INDICATOR_FIELDS,
    Field,
    answers_read,
    statistic_cells,
)
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


@dataclass
class SaveResult:
    """What a save did: the questionnaire as saved, the fields it wrote, the fields it left
    because someone else had changed them too (with the value they hold), and every field's
    value as stored now."""

    questionnaire: Questionnaire
    written: set[Field]
    conflicts: dict[Field, Any]
    values: dict[Field, Any]
    # Who saved the questionnaire last before this save: the other person, in a conflict.
    previous_by: Any = None


@transaction.atomic
def questionnaire_save(
    *,
    questionnaire: Questionnaire,
    user,
    changes: dict[Field, Any],
    base: dict[Field, str] | None = None,
    submit: bool = False,
) -> SaveResult:
    """Write a person's answers field by field, so two people never overwrite each other.

    `base` holds, per field, the digest (handlingskraft.revisions) of the value the person's
    page showed. A field whose value the person left as it was is not written, whatever is
    stored now; a field nobody else changed since is written; a field both changed is left as
    the other person saved it and returned in `conflicts` for the person to choose. Without
    `base` every change is written (the demo, imports). Submitting only happens when nothing
    is in conflict; the caller checks that the answers are complete."""
    from .queries import questionnaire_content  # queries imports services' models

    current = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    if not current.is_editable:
        raise ValidationError(_("This questionnaire is locked and can no longer be changed."))
    content = questionnaire_content(current)
    stored = answers_read(content)
    previous_by = current.changed_by
    writes, conflicts = {}, {}
    for field, mine in changes.items():
        if field not in stored:
            continue  # not a field of this questionnaire
        now = stored[field]
        if base is not None and base.get(field) == digest(mine):
            continue  # the person did not change it: what is stored stays
        if canonical(now) == canonical(mine):
            continue
        if base is not None and base.get(field) != digest(now):
            conflicts[field] = now
            continue
        writes[field] = mine
    written = _answers_write(questionnaire=current, content=content, writes=writes, user=user)
    for field in written:
        stored[field] = written[field]
    current._history_user = user  # the trail names the person saving, also outside a request
    if submit and not conflicts:
        current.submit(user)
    elif written:
        current.touch(user)
        current.save()
    del current._history_user
    return SaveResult(current, set(written), conflicts, stored, previous_by)


def _answers_write(
    *, questionnaire: Questionnaire, content, writes: dict[Field, Any], user
) -> dict[Field, Any]:
    """Store the values in `writes`; returns every field that changed, a share computed from
    its counts included. Only rows that change are touched, so the audit trail records exactly
    what changed, and cells (participants, statistics, own questions) are updated in place."""
    by_kind: dict[str, dict[Field, Any]] = defaultdict(dict)
    for field, value in writes.items():
        by_kind[field.kind][field] = value
    written = dict(writes)

    activities = {answer.pk: answer for answer in content.activity_answers}
    edited, participants = {}, {}
    for field, value in by_kind["activity"].items():
        answer = activities[field.row]
        if field.name in ACTIVITY_TEXTS:
            setattr(answer, field.name, value or "")
        elif field.name in ACTIVITY_TERMS:
            through = getattr(ActivityAnswer, field.name).through
            through.objects.filter(activityanswer_id=answer.pk).delete()
            through.objects.bulk_create(
                [through(activityanswer_id=answer.pk, term_id=pk) for pk in sorted(value)]
            )
        else:
            participants[(answer.pk, field.name.removeprefix("participants_"))] = value
            continue
        edited[answer.pk] = answer
    ActivityAnswer.objects.bulk_update(list(edited.values()), list(ACTIVITY_TEXTS))
    history_records_create(objs=list(edited.values()), model=ActivityAnswer, update=True, user=user)
    _cells_write(
        existing=Participants.objects.filter(answer_id__in={key[0] for key in participants}),
        key=("answer_id", "gender"),
        value="count",
        changes=participants,
        new=lambda key, count: Participants(answer_id=key[0], gender=key[1], count=count),
        user=user,
    )

    indicators = {answer.pk: answer for answer in content.indicator_answers}
    edited = {}
    for field, value in by_kind["indicator"].items():
        answer = indicators[field.row]
        setattr(answer, field.name, value if field.name != "comment" else value or "")
        edited[answer.pk] = answer
    for answer in edited.values():
        before = answer.value
        answer.derive_share()
        if answer.value != before:
            written[Field("indicator", answer.pk, "value")] = answer.value
    IndicatorAnswer.objects.bulk_update(list(edited.values()), list(INDICATOR_FIELDS))
    history_records_create(objs=list(edited.values()), model=IndicatorAnswer, update=True, user=user)

    cells = {
        (field.row, *_statistic_key(content, field)): value
        for field, value in by_kind["statistic"].items()
    }
    _cells_write(
        existing=questionnaire.statistic_counts.filter(
            statistic_id__in={key[0] for key in cells}
        ),
        key=("statistic_id", "gender", "age_band"),
        value="count",
        changes=cells,
        new=lambda key, n: StatisticCount(
            questionnaire=questionnaire,
            statistic_id=key[0],
            gender=key[1],
            age_band=key[2],
            count=n,
        ),
        user=user,
    )

    _cells_write(
        existing=questionnaire.question_answers.filter(
            question_id__in={field.row for field in by_kind["question"]}
        ),
        key=("question_id",),
        value="value",
        changes={
            (field.row,): None if value in (None, "") else canonical(value)
            for field, value in by_kind["question"].items()
        },
        new=lambda key, value: QuestionAnswer(
            questionnaire=questionnaire, question_id=key[0], value=value
        ),
        user=user,
    )

    for field, value in by_kind["standard"].items():
        setattr(questionnaire, field.name, value or "")  # saved with the questionnaire
    return written


def _statistic_key(content, field: Field) -> tuple[str, str]:
    statistic = next(s for s in content.statistics if s.pk == field.row)
    return next((g, a) for name, g, a in statistic_cells(statistic) if name == field.name)


def _cells_write(
    *,
    existing: models.QuerySet,
    key: tuple[str, ...],
    value: str,
    changes: dict[tuple, Any],
    new: Callable[[tuple, Any], models.Model],
    user,
) -> None:
    """Give the cells in `changes` (key → value) their new value: a cell set to None is
    deleted, a changed one updated, a new one created. Other cells are not touched, so the
    audit trail records exactly what changed."""
    if not changes:
        return
    model = existing.model
    current = {tuple(getattr(row, name) for name in key): row for row in existing}
    gone = [row.pk for cell, row in current.items() if cell in changes and changes[cell] is None]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    updated = []
    for cell, row in current.items():
        if changes.get(cell) is not None and getattr(row, value) != changes[cell]:
            setattr(row, value, changes[cell])
            updated.append(row)
    bulk_update_with_history(updated, model, [value], default_user=user)
    bulk_create_with_history(
        [
            new(cell, content)
            for cell, content in changes.items()
            if cell not in current and content is not None
        ],
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
    reminder never goes out twice however often this runs. Returns the reminders tried: those
    that could not be sent (nobody to send to, the mail system refused) say why and are tried
    again the next time."""
    from .queries import WAITING, reporters_of  # queries imports services' models

    waiting = Questionnaire.objects.filter(
        round__status=FollowUpRound.Status.OPEN,
        round__opens_on__lte=today,
        status__in=WAITING,
    ).select_related("round__version__plan", "actor")
    waiting = list(waiting)
    reporters = reporters_of([q.actor_id for q in waiting])
    tried = []
    for questionnaire in waiting:
        key = reminder_due(questionnaire, today)
        if key is None:
            continue
        reminder = reminder_deliver(
            questionnaire=questionnaire,
            key=key,
            reporters=reporters.get(questionnaire.actor_id, []),
            send=send,
        )
        if reminder is not None:
            tried.append(reminder)
    return tried


def reminders_send_now(*, round_: FollowUpRound, user, today: date, send) -> list[Reminder]:
    """The coordinator's "send reminders now": one reminder to every actor of the round still
    to answer, at most one a day each (a second press the same day sends nothing again).
    Returns the reminders tried, with why where one could not be sent."""
    from .queries import dashboard, reminder_key_now, reminder_targets

    if not round_.is_open:
        raise ValidationError(_("The round is closed: no reminders are sent."))
    key = reminder_key_now(today)
    tried = []
    for target in reminder_targets(dashboard(round_, today), today):
        if target.sent_today:
            continue
        reminder = reminder_deliver(
            questionnaire=target.row.questionnaire,
            key=key,
            reporters=target.row.reporters,
            send=send,
            user=user,
        )
        if reminder is not None:
            tried.append(reminder)
    return tried


def reminder_deliver(
    *, questionnaire: Questionnaire, key: str, reporters: list, send, user=None
) -> Reminder | None:
    """Record one reminder under its key and send it to the reporters with an e-mail
    address, in one transaction. Under a key already sent, nothing happens (None); one that
    failed before is tried again. Nobody to send to, or the mail system refusing, is recorded
    as the reminder's problem instead of passing unnoticed."""
    recipients = [reporter for reporter in reporters if reporter.email]
    with transaction.atomic():
        reminder, created = Reminder.objects.select_for_update().get_or_create(
            questionnaire=questionnaire, key=key
        )
        if not created and not reminder.problem:
            return None
        reminder.sent_at = timezone.now()
        reminder.sent_by = user
        reminder.recipients = ", ".join(reporter.email for reporter in recipients)
        reminder.problem = reminder.error = ""
        if not reporters:
            reminder.problem = Reminder.Problem.NO_REPORTER
        elif not recipients:
            reminder.problem = Reminder.Problem.NO_ADDRESS
        else:
            try:
                send(questionnaire, key, recipients)
            except Exception as error:  # the mail system is the edge: whatever it raises
                reminder.problem = Reminder.Problem.NOT_SENT
                reminder.error = (str(error) or type(error).__name__)[:500]
        reminder.save()
    return reminder


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
        _deadlines_move(round_.questionnaires.filter(deadline=previous), deadline)
    return round_


def _deadlines_move(questionnaires: models.QuerySet, deadline: date) -> None:
    """Give the questionnaires a new deadline; their reminders start over, since each is
    counted from the deadline."""
    moved = list(questionnaires)
    for questionnaire in moved:
        questionnaire.deadline = deadline
    bulk_update_with_history(moved, Questionnaire, ["deadline"])
    Reminder.objects.filter(questionnaire__in=moved).delete()


@transaction.atomic
def round_reopen(*, round_: FollowUpRound, deadline: date, today: date) -> FollowUpRound:
    """Open a closed round again until `deadline`. Actors who have not submitted can answer
    again, and a submitted questionnaire can be returned. Every questionnaire whose deadline
    is earlier gets the new one, with its reminders starting over, so that nobody is overdue
    the moment the round opens; a later deadline given to one actor stays. Reports published
    from the round stay as they were: publishing again makes the next number. The audit trail
    records who reopened it."""
    round_ = FollowUpRound.objects.select_for_update().get(pk=round_.pk)
    if deadline < today:
        raise ValidationError(_("The new deadline cannot be in the past."))
    round_.reopen(deadline)
    _deadlines_move(round_.questionnaires.filter(deadline__lt=deadline), deadline)
    return round_
