"""Reads of the audit trail: what changed in a plan version, a questionnaire, an account or the
municipality's actors, page by page, in words (who, when, which object, which fields from what
to what, and why when a person gave a reason), and the event log.

The change history itself is kept by django-simple-history, one history table per tracked
model. A page merges several of them: one UNION query finds the page's rows, then each table is
read once for those rows and once for the rows they are compared with, and every name shown
(actors, terms, goals …) is looked up in one query per kind of thing. A page therefore costs a
fixed number of queries whatever the length of the history."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import get_history_model_for_model

from followup.models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Participants,
    QuestionAnswer,
    Questionnaire,
    RoundQuestion,
    StatisticCount,
)
from organisations.models import Actor, User
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from plans.vocabularies import DEFAULT_LABELS
from reports.models import PlanTextSection
from stats.catalogue import NATIONAL_STATISTICS
from stats.models import Statistic, StatisticAssignment

from .models import AuditEvent
from .services import REASON_BASELINE, REASON_RESTORE

PAGE_SIZE = 50
EVENTS_PAGE_SIZE = 50

# Never listed as a change: the row's own id; on creation, its place among its siblings.
ALWAYS_HIDDEN = {"id"}
HIDDEN_ON_CREATION = {"position"}


# How things are named ------------------------------------------------------------------------
# Each works on a live object and on a history row alike (they have the same attributes).


def _numbered(item) -> str:
    return f"{item.code} {item.title}"


def _term(term) -> str:
    if term.municipality_id is None:
        return str(DEFAULT_LABELS.get((term.kind, term.code), term.name))
    return term.name


def _statistic(statistic) -> str:
    if statistic.municipality_id is None and statistic.code in NATIONAL_STATISTICS:
        return str(NATIONAL_STATISTICS[statistic.code][0])
    return statistic.name


@dataclass(frozen=True)
class Namer:
    """How to fetch and name one kind of related object."""

    queryset: Callable[[], QuerySet]
    name: Callable[[Any], str]
    # Whether a deleted object can be named from its last history row (its name needs nothing
    # but the row itself).
    from_history: bool = True


NAMERS: dict[type[models.Model], Namer] = {
    Actor: Namer(lambda: Actor.objects.all(), lambda a: a.name),
    Term: Namer(lambda: Term.objects.all(), _term),
    Statistic: Namer(lambda: Statistic.objects.all(), _statistic),
    Goal: Namer(lambda: Goal.objects.all(), _numbered),
    Indicator: Namer(lambda: Indicator.objects.all(), _numbered),
    Activity: Namer(lambda: Activity.objects.all(), _numbered),
    PlanVersion: Namer(lambda: PlanVersion.objects.all(), lambda v: v.label),
    RoundQuestion: Namer(lambda: RoundQuestion.objects.all(), lambda q: q.text),
    ActivityAnswer: Namer(
        lambda: ActivityAnswer.objects.select_related("activity"),
        lambda a: _numbered(a.activity),
        from_history=False,
    ),
    User: Namer(lambda: User.objects.all(), str, from_history=False),
}


class Names:
    """Collects the related objects a page mentions, then names them all at once."""

    def __init__(self):
        self.wanted: dict[type[models.Model], set[int]] = defaultdict(set)
        self.names: dict[type[models.Model], dict[int, str]] = defaultdict(dict)

    def want(self, model: type[models.Model], ids: Iterable) -> None:
        if model in NAMERS:
            self.wanted[model].update(pk for pk in ids if pk is not None)

    def fetch(self) -> None:
        for model, ids in self.wanted.items():
            namer = NAMERS[model]
            found = {obj.pk: namer.name(obj) for obj in namer.queryset().filter(pk__in=ids)}
            missing = ids - found.keys()
            if missing and namer.from_history and hasattr(model, "history"):
                history = get_history_model_for_model(model)
                pk_name = model._meta.pk.attname
                rows = history.objects.filter(**{f"{pk_name}__in": missing}).order_by(
                    pk_name, "-history_id"
                )
                for row in rows:
                    found.setdefault(getattr(row, pk_name), namer.name(row))
            self.names[model] = found

    def of(self, model: type[models.Model], pk) -> str:
        if pk is None:
            return ""
        return self.names[model].get(pk) or _("(deleted)")


# What is tracked, and how each kind of object is shown ---------------------------------------


@dataclass(frozen=True)
class Tracked:
    model: type[models.Model]
    kind: str  # what kind of object, for people
    scope: Callable[[int], Q]  # its history rows that belong to the page's version/questionnaire
    describe: Callable[[Any, Names], str]  # which object, from its history row
    refs: tuple[str, ...] = ()  # foreign keys `describe` reads through Names
    hidden: frozenset[str] = frozenset()  # fields not listed as changes
    names: dict[str, str] = field(default_factory=dict)  # for fields without a verbose name

    @property
    def history(self) -> type[models.Model]:
        return get_history_model_for_model(self.model)


def _within(model: type[models.Model], *, link: str, parent: str) -> Callable[[int], Q]:
    """Rows whose `link` points at an object of `model`, present or deleted, that belonged to
    the page's object through `parent` (e.g. responsibilities of the version's activities)."""

    def scope(pk: int) -> Q:
        history = get_history_model_for_model(model)
        ids = history.objects.filter(**{parent: pk}).values(model._meta.pk.attname)
        return Q(**{f"{link}__in": ids})

    return scope


ORDER = gettext_lazy("order")


def _plan_of(pk: int) -> Q:
    return Q(id__in=PlanVersion.objects.filter(pk=pk).values("plan_id"))


VERSION_TRAIL = [
    # The plan the version belongs to: its title, when it was made.
    Tracked(
        Plan,
        gettext_lazy("Action plan"),
        _plan_of,
        lambda row, names: row.title,
        hidden=frozenset({"municipality", "created_at"}),
    ),
    Tracked(
        PlanVersion,
        gettext_lazy("Plan version"),
        lambda pk: Q(id=pk),
        lambda row, names: row.label,
        hidden=frozenset({"plan", "created_at"}),
    ),
    Tracked(
        Goal,
        gettext_lazy("Goal"),
        lambda pk: Q(version_id=pk),
        lambda row, names: _numbered(row),
        hidden=frozenset({"version"}),
        names={"position": ORDER},
    ),
    Tracked(
        Indicator,
        gettext_lazy("Indicator"),
        lambda pk: Q(version_id=pk),
        lambda row, names: _numbered(row),
        hidden=frozenset({"version"}),
        names={"position": ORDER},
    ),
    Tracked(
        Activity,
        gettext_lazy("Activity"),
        lambda pk: Q(version_id=pk),
        lambda row, names: _numbered(row),
        hidden=frozenset({"version"}),
        names={"position": ORDER},
    ),
    Tracked(
        Responsibility,
        gettext_lazy("Responsibility"),
        _within(Activity, link="activity_id", parent="version_id"),
        lambda row, names: (
            f"{names.of(Activity, row.activity_id)}: {names.of(Actor, row.actor_id)}"
        ),
        refs=("activity", "actor"),
        hidden=frozenset({"activity", "actor"}),
    ),
    Tracked(
        StatisticAssignment,
        gettext_lazy("Statistic to report"),
        lambda pk: Q(version_id=pk),
        lambda row, names: (
            f"{names.of(Statistic, row.statistic_id)}: {names.of(Actor, row.actor_id)}"
        ),
        refs=("statistic", "actor"),
        hidden=frozenset({"version", "statistic", "actor"}),
    ),
    # The introductory texts of the plan's documents.
    Tracked(
        PlanTextSection,
        gettext_lazy("Introductory text"),
        lambda pk: Q(version_id=pk),
        lambda row, names: row.title,
        hidden=frozenset({"version"}),
        names={"position": ORDER},
    ),
    # The version's follow-ups: opened, their questions of the coordinator's own, closed.
    Tracked(
        FollowUpRound,
        gettext_lazy("Follow-up round"),
        lambda pk: Q(version_id=pk),
        lambda row, names: _("Follow-up %(year)s") % {"year": row.year},
        hidden=frozenset({"version", "created_at"}),
    ),
    Tracked(
        RoundQuestion,
        gettext_lazy("Question of a follow-up round"),
        _within(FollowUpRound, link="round_id", parent="version_id"),
        lambda row, names: row.text,
        hidden=frozenset({"round"}),
        names={"position": ORDER},
    ),
]

COUNT = gettext_lazy("number")


def _cell(row) -> str:
    parts = [
        str(dict(StatisticCount._meta.get_field(name).flatchoices).get(value, value))
        for name in ("gender", "age_band")
        if (value := getattr(row, name, ""))
    ]
    return ", ".join(parts)


QUESTIONNAIRE_TRAIL = [
    Tracked(
        Questionnaire,
        gettext_lazy("Questionnaire"),
        lambda pk: Q(id=pk),
        lambda row, names: names.of(Actor, row.actor_id),
        refs=("actor",),
        # Who saved and when is what every row of the trail says anyway.
        hidden=frozenset({"round", "actor", "revision", "changed_at", "changed_by"}),
    ),
    Tracked(
        ActivityAnswer,
        gettext_lazy("Answer on an activity"),
        lambda pk: Q(questionnaire_id=pk),
        lambda row, names: names.of(Activity, row.activity_id),
        refs=("activity",),
        hidden=frozenset({"questionnaire", "activity"}),
    ),
    Tracked(
        Participants,
        gettext_lazy("Participants"),
        _within(ActivityAnswer, link="answer_id", parent="questionnaire_id"),
        lambda row, names: f"{names.of(ActivityAnswer, row.answer_id)}: {_cell(row)}",
        refs=("answer",),
        hidden=frozenset({"answer", "gender"}),
        names={"count": COUNT},
    ),
    Tracked(
        IndicatorAnswer,
        gettext_lazy("Answer on an indicator"),
        lambda pk: Q(questionnaire_id=pk),
        lambda row, names: names.of(Indicator, row.indicator_id),
        refs=("indicator",),
        hidden=frozenset({"questionnaire", "indicator"}),
    ),
    Tracked(
        StatisticCount,
        gettext_lazy("Statistics"),
        lambda pk: Q(questionnaire_id=pk),
        lambda row, names: f"{names.of(Statistic, row.statistic_id)}: {_cell(row)}",
        refs=("statistic",),
        hidden=frozenset({"questionnaire", "statistic", "gender", "age_band"}),
        names={"count": COUNT},
    ),
    Tracked(
        QuestionAnswer,
        gettext_lazy("Answer on a question"),
        lambda pk: Q(questionnaire_id=pk),
        lambda row, names: names.of(RoundQuestion, row.question_id),
        refs=("question",),
        hidden=frozenset({"questionnaire", "question"}),
        names={"value": gettext_lazy("answer")},
    ),
]


USER_TRAIL = [
    Tracked(
        User,
        gettext_lazy("User"),
        lambda pk: Q(id=pk),
        lambda row, names: row.username,
        # The account's municipality never changes here; when it was made is the first row.
        hidden=frozenset({"municipality", "date_joined"}),
    ),
]


def _actor_tracked(scope: Callable[[int], Q]) -> Tracked:
    return Tracked(
        Actor,
        gettext_lazy("Actor"),
        scope,
        lambda row, names: row.name,
        # An actor never moves to another municipality.
        hidden=frozenset({"municipality"}),
    )


# Every actor of a municipality, those deleted since included; and one actor.
ACTORS_TRAIL = [_actor_tracked(lambda pk: Q(municipality_id=pk))]
ACTOR_TRAIL = [_actor_tracked(lambda pk: Q(id=pk))]


# Entries ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    """One row of a history page: one change to one object."""

    when: datetime
    who: User | None
    kind: str
    object: str
    action: str  # created, changed, corrected, saved, deleted, baseline, restored
    changes: list[FieldChange]
    reason: str = ""  # why, in the words of the person who corrected it
    anchor: str = ""  # unique on the page: the history row it shows

    ACTIONS = {
        "created": gettext_lazy("Created"),
        "changed": gettext_lazy("Changed"),
        # Changed with a reason given, where a change is otherwise not allowed (the decision
        # of an adopted version).
        "corrected": gettext_lazy("Corrected"),
        # A save that changed no field shown, e.g. a questionnaire saved with new answers only.
        "saved": gettext_lazy("Saved"),
        "deleted": gettext_lazy("Deleted"),
        "baseline": gettext_lazy("As it was when the audit trail began"),
        "restored": gettext_lazy("Restored from a backup"),
    }

    @property
    def action_label(self) -> str:
        return str(self.ACTIONS[self.action])

    @property
    def shows_before(self) -> bool:
        """Whether its changes have a before to show beside the after."""
        return self.action in ("changed", "corrected")


SYSTEM_REASONS = {REASON_BASELINE, REASON_RESTORE}


def _reason(row) -> str:
    """The reason a person gave for the change; the trail's own markers are not reasons."""
    reason = row.history_change_reason or ""
    return "" if reason in SYSTEM_REASONS else reason


def _action(row) -> str:
    if row.history_type == "-":
        return "deleted"
    if row.history_type == "~":
        return "corrected" if _reason(row) else "changed"
    return {REASON_BASELINE: "baseline", REASON_RESTORE: "restored"}.get(
        row.history_change_reason or "", "created"
    )


def _shown(value) -> str:
    """A plain value in words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal | float | int):
        return formats.localize(value, use_l10n=True)
    return str(value)


def _has_value(value) -> bool:
    return value is not None and value != "" and value is not False


class _Source:
    """One tracked model's rows on a page, with the rows they are compared with."""

    def __init__(self, tracked: Tracked, history_ids: list[int]):
        self.tracked = tracked
        history = tracked.history
        # Fields the history leaves out (a user's password) cannot be shown either.
        kept = {f.attname for f in history._meta.concrete_fields}
        self.fields = [
            f
            for f in tracked.model._meta.concrete_fields
            if f.name not in self.hidden_names and f.attname in kept
        ]
        self.m2m = [f for f in history._history_m2m_fields if f.name not in tracked.hidden]
        pk_name = tracked.model._meta.pk.attname
        previous = (
            history.objects.filter(
                **{pk_name: OuterRef(pk_name)}, history_id__lt=OuterRef("history_id")
            )
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        self.rows = {
            row.history_id: row
            for row in history.objects.filter(history_id__in=history_ids)
            .annotate(previous_id=Subquery(previous))
            .select_related("history_user")
        }
        previous_ids = [row.previous_id for row in self.rows.values() if row.previous_id]
        self.previous = history.objects.in_bulk(previous_ids) if previous_ids else {}
        # Many-to-many sets as each row recorded them: history id -> field -> related ids.
        self.sets: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        every_id = [*self.rows, *self.previous]
        for m2m_field in self.m2m:
            m2m_history = getattr(history, m2m_field.name).model
            target = f"{m2m_field.m2m_reverse_field_name()}_id"
            for history_id, related_id in m2m_history.objects.filter(
                history_id__in=every_id
            ).values_list("history_id", target):
                self.sets[history_id][m2m_field.name].add(related_id)

    @property
    def hidden_names(self) -> set[str]:
        return ALWAYS_HIDDEN | self.tracked.hidden

    def raw_changes(self, row) -> list[tuple[models.Field, Any, Any]]:
        """(field, old, new) for each shown field that changed; on creation, every field
        with a value."""
        if row.history_type == "-":
            return []
        old = self.previous.get(row.previous_id) if row.history_type == "~" else None
        if old is None:
            return [
                (f, None, value)
                for f in self.fields
                if f.name not in HIDDEN_ON_CREATION and _has_value(value := getattr(row, f.attname))
            ] + [
                (f, set(), related)
                for f in self.m2m
                if (related := self.sets[row.history_id][f.name])
            ]
        excluded = [f.name for f in row._history_m2m_fields] + list(self.hidden_names)
        delta = row.diff_against(old, excluded_fields=excluded)
        by_name = {change.field: change for change in delta.changes}
        changes = [
            (f, by_name[f.name].old, by_name[f.name].new) for f in self.fields if f.name in by_name
        ]
        for f in self.m2m:
            before, after = self.sets[old.history_id][f.name], self.sets[row.history_id][f.name]
            if before != after:
                changes.append((f, before, after))
        return changes


def _want_names(names: Names, source: _Source, changes_by_row: dict) -> None:
    for row in source.rows.values():
        for ref in source.tracked.refs:
            f = source.tracked.model._meta.get_field(ref)
            names.want(f.related_model, [getattr(row, f.attname)])
        for f, old, new in changes_by_row[row.history_id]:
            if f.many_to_many:
                names.want(f.related_model, old | new)
            elif f.is_relation:
                names.want(f.related_model, [old, new])


def _value(f: models.Field, value, names: Names) -> str:
    if f.many_to_many:
        return ", ".join(sorted(names.of(f.related_model, pk) for pk in value))
    if f.is_relation:
        return names.of(f.related_model, value)
    if f.choices and value not in (None, ""):
        return str(dict(f.flatchoices).get(value, value))
    return _shown(value)


def _field_name(tracked: Tracked, f: models.Field) -> str:
    return capfirst(str(tracked.names.get(f.name, f.verbose_name)))


def trail_page(trail: list[Tracked], pk: int, page_number) -> Page:
    """One page of the changes to the objects of `trail` that belong to `pk` (a version or a
    questionnaire), newest first, as Entry objects."""
    keys = [
        t.history.objects.filter(t.scope(pk))
        .order_by()
        .annotate(trail_source=Value(index, output_field=IntegerField()))
        .values_list("history_date", "history_id", "trail_source")
        for index, t in enumerate(trail)
    ]
    merged = (
        keys[0].union(*keys[1:], all=True).order_by("-history_date", "-trail_source", "-history_id")
    )
    page = Paginator(merged, PAGE_SIZE).get_page(page_number)

    ids_by_source: dict[int, list[int]] = defaultdict(list)
    for _date, history_id, index in page.object_list:
        ids_by_source[index].append(history_id)
    sources = {index: _Source(trail[index], ids) for index, ids in ids_by_source.items()}
    names = Names()
    changes: dict[int, dict[int, list]] = {}
    for index, source in sources.items():
        changes[index] = {row.history_id: source.raw_changes(row) for row in source.rows.values()}
        _want_names(names, source, changes[index])
    names.fetch()

    entries = []
    for _date, history_id, index in page.object_list:
        source = sources[index]
        row = source.rows[history_id]
        tracked = source.tracked
        action, shown = _action(row), changes[index][history_id]
        entries.append(
            Entry(
                when=row.history_date,
                who=row.history_user,
                kind=str(tracked.kind),
                object=tracked.describe(row, names),
                action="saved" if action == "changed" and not shown else action,
                changes=[
                    FieldChange(
                        _field_name(tracked, f), _value(f, old, names), _value(f, new, names)
                    )
                    for f, old, new in shown
                ],
                reason=_reason(row) if action == "corrected" else "",
                anchor=f"{tracked.model._meta.model_name}-{history_id}",
            )
        )
    page.object_list = entries
    return page


def version_history(version: PlanVersion, page_number=1) -> Page:
    """What changed in a plan version: its plan, the version and its decision, its goals,
    indicators, activities, who answers for them, which statistics are reported, the texts
    of its documents and its follow-up rounds."""
    return trail_page(VERSION_TRAIL, version.pk, page_number)


def questionnaire_history(questionnaire: Questionnaire, page_number=1) -> Page:
    """What changed in a questionnaire and its answers."""
    return trail_page(QUESTIONNAIRE_TRAIL, questionnaire.pk, page_number)


def user_history(user: User, page_number=1) -> Page:
    """What changed in an account: its name, address, role, actors and whether it may sign in,
    and who changed it."""
    return trail_page(USER_TRAIL, user.pk, page_number)


def actors_history(municipality_id: int, page_number=1) -> Page:
    """What changed in a municipality's actors: added, renamed, moved in the tree, deleted."""
    return trail_page(ACTORS_TRAIL, municipality_id, page_number)


def actor_history(actor: Actor, page_number=1) -> Page:
    """What changed in one actor."""
    return trail_page(ACTOR_TRAIL, actor.pk, page_number)


# Events --------------------------------------------------------------------------------------


def events_of(municipality_id: int, *, action: str = "") -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.filter(municipality_id=municipality_id).select_related("user")
    if action:
        events = events.filter(action=action)
    return events.order_by("-created_at", "-id")


def events_page(municipality_id: int, *, action: str = "", page_number=1) -> Page:
    return Paginator(events_of(municipality_id, action=action), EVENTS_PAGE_SIZE).get_page(
        page_number
    )
