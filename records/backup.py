"""A whole municipality in one file, and back into a database that does not have it.

The file names things by what they are, never by database ids: actors and users by name,
goals, indicators and activities by their number in the version, national vocabulary terms and
statistics by their code. So it restores into any database with new ids, and a backup of the
restored municipality is the same file again (apart from when it was made).

Every field of every model listed in RELATIONS is carried: plain fields as they are, relations
as described there. Left out on purpose: passwords and last sign-in (a restored user must set a
password: it is marked unusable), superuser status, Django groups and permissions, rendered
report files (a cache) and the audit trail (the history tables and the event log stay with the
database they describe; the restore is itself recorded, each restored object with a history row
marked "restored")."""

import gzip
import json
import os
import zlib
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.models import (
    ActivityAnswer,
    FollowUpRound,
    IndicatorAnswer,
    Participants,
    QuestionAnswer,
    Questionnaire,
    Reminder,
    RoundQuestion,
    StatisticCount,
)
from handlingskraft import limits
from organisations.models import Actor, Municipality
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from reports.models import PlanTextSection, PublishedReport
from stats.models import Statistic, StatisticAssignment

from .services import REASON_RESTORE, history_records_create

User = get_user_model()

FORMAT = "handlingskraft-municipality-backup"
FORMAT_VERSION = 1
TERM_FIELDS = ("prevention_levels", "violence_areas", "target_groups")
ANSWER_TERM_FIELDS = ("levels_reached", "groups_reached")

# The relations of each model in the backup and how the file carries them (by name, by number,
# by nesting …). All other concrete fields are copied as they are. A test checks that this
# covers every relation, so a new one cannot be silently left out.
RELATIONS: dict[type[models.Model], set[str]] = {
    Municipality: set(),
    Actor: {"municipality", "parent"},
    Term: {"municipality"},
    Statistic: {"municipality"},
    User: {"municipality", "actors"},
    Plan: {"municipality"},
    PlanVersion: {"plan", "based_on"},
    Goal: {"version", "parent"},
    Indicator: {"version", "goal", "reported_by"},
    Activity: {"version", "goal", "activity_type", *TERM_FIELDS},
    Responsibility: {"activity", "actor"},
    StatisticAssignment: {"version", "statistic", "actor"},
    FollowUpRound: {"version"},
    RoundQuestion: {"round"},
    Questionnaire: {"round", "actor", "changed_by"},
    ActivityAnswer: {"questionnaire", "activity", *ANSWER_TERM_FIELDS},
    Participants: {"answer"},
    IndicatorAnswer: {"questionnaire", "indicator"},
    StatisticCount: {"questionnaire", "statistic"},
    QuestionAnswer: {"questionnaire", "question"},
    Reminder: {"questionnaire", "sent_by"},
    PlanTextSection: {"version"},
    PublishedReport: {"round", "published_by"},
}
# Models of the data apps not in the backup, on purpose: the audit trail's event log stays with
# the database it describes; rendered report files are a cache, drawn again from the published
# report's frozen content when first asked for.
MODELS_LEFT_OUT = {"records.AuditEvent", "reports.PublishedReportFile"}
LEFT_OUT: dict[type[models.Model], set[str]] = {
    User: {"password", "last_login", "is_superuser", "groups", "user_permissions"},
}
# Restored in this order, so the history rows of the restore come in a sensible order too.
TRACKED = [
    Actor,
    Term,
    Statistic,
    User,
    Plan,
    PlanVersion,
    Goal,
    Indicator,
    Activity,
    Responsibility,
    StatisticAssignment,
    PlanTextSection,
    FollowUpRound,
    RoundQuestion,
    Questionnaire,
    ActivityAnswer,
    Participants,
    IndicatorAnswer,
    StatisticCount,
    QuestionAnswer,
]


class BackupProblem(Exception):
    """The file cannot be restored; the message says why, in words for the operator."""


# Plain fields ------------------------------------------------------------------------------


def plain_fields(model: type[models.Model]) -> list[models.Field]:
    skip = RELATIONS[model] | LEFT_OUT.get(model, set())
    return [f for f in model._meta.concrete_fields if not f.primary_key and f.name not in skip]


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _dump(obj: models.Model, **relations) -> dict:
    data = {f.name: _jsonable(f.value_from_object(obj)) for f in plain_fields(type(obj))}
    return data | relations


def _new(model: type[models.Model], item: dict, relations: tuple[str, ...] = (), **values):
    """An unsaved object from the file's plain fields (those not named in `relations`) and
    the given `values` for its relations. Each value is checked as the field checks what
    people type (length, list of choices, format), so nothing the database cannot hold, or
    the service would not have let in, is written."""
    fields = {f.name: f for f in plain_fields(model)}
    plain = {key: value for key, value in item.items() if key not in relations}
    unknown = sorted(plain.keys() - fields.keys())
    if unknown:
        raise BackupProblem(
            _("The file has fields this version of Handlingskraft does not know: %(fields)s.")
            % {"fields": ", ".join(f"{model.__name__}.{name}" for name in unknown)}
        )
    return model(
        **{name: _checked(model, item, fields[name], value) for name, value in plain.items()},
        **values,
    )


# Names an item in messages: the first of these it has.
_NAMING_KEYS = ("username", "code", "name", "title", "label", "key", "number", "year")


def _checked(model: type[models.Model], item: dict, field: models.Field, value: Any) -> Any:
    """The field's value from the file, or BackupProblem saying what is wrong with it."""
    try:
        value = field.to_python(value)
        try:
            field.validate(value, None)
        except ValidationError as error:
            # A blank where a form would want text: the database holds what it held.
            if error.code != "blank":
                raise
        field.run_validators(value)
    except ValidationError as error:
        name = next((item[key] for key in _NAMING_KEYS if isinstance(item.get(key), str | int)), "")
        raise BackupProblem(
            _("%(model)s “%(item)s”, %(field)s: %(message)s Nothing was restored.")
            % {
                "model": str(model._meta.verbose_name).capitalize(),
                "item": name,
                "field": field.verbose_name,
                "message": " ".join(error.messages),
            }
        ) from None
    return value


# References to vocabulary terms and statistics ----------------------------------------------


def _term_ref(term: Term) -> dict:
    return {"kind": term.kind, "code": term.code, "national": term.municipality_id is None}


def _statistic_ref(statistic: Statistic) -> dict:
    return {"code": statistic.code, "national": statistic.municipality_id is None}


def _terms_ref(terms) -> list[dict]:
    return sorted(
        (_term_ref(t) for t in terms), key=lambda r: (r["kind"], r["code"], r["national"])
    )


# Backup --------------------------------------------------------------------------------------


def municipality_backup(*, municipality: Municipality) -> dict:
    """Everything the municipality has, as plain data for one JSON file."""
    actors = list(Actor.objects.filter(municipality=municipality))
    names = {actor.pk: actor.name for actor in actors}
    usernames = dict(User.objects.values_list("pk", "username"))
    versions = (
        PlanVersion.objects.filter(plan__municipality=municipality)
        .select_related("plan")
        .order_by("created_at", "label", "pk")
    )
    plans = Plan.objects.filter(municipality=municipality).order_by("created_at", "title", "pk")
    refs = {}  # version pk -> its reference in the file
    plan_index = {plan.pk: index for index, plan in enumerate(plans, 1)}
    counters: dict[int, int] = defaultdict(int)
    by_plan: dict[int, list[PlanVersion]] = defaultdict(list)
    for version in versions:
        counters[version.plan_id] += 1
        refs[version.pk] = f"{plan_index[version.plan_id]}.{counters[version.plan_id]}"
        by_plan[version.plan_id].append(version)
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "municipality": _dump(municipality),
        "actors": [
            _dump(actor, parent=names.get(actor.parent_id)) for actor in _parents_first(actors)
        ],
        "terms": [
            _dump(term)
            for term in Term.objects.filter(municipality=municipality).order_by("kind", "code")
        ],
        "statistics": [
            _dump(statistic)
            for statistic in Statistic.objects.filter(municipality=municipality).order_by("code")
        ],
        "users": [
            _dump(user, actors=sorted(names[a.pk] for a in user.actors.all()))
            for user in User.objects.filter(municipality=municipality)
            .prefetch_related("actors")
            .order_by("username")
        ],
        "plans": [
            _dump(
                plan,
                versions=[
                    _version(version, refs=refs, names=names, usernames=usernames)
                    for version in by_plan[plan.pk]
                ],
            )
            for plan in plans
        ],
    }


def _parents_first(actors: list[Actor]) -> list[Actor]:
    """By name, each actor after the one it is part of."""
    ordered, placed = [], set()
    pending = sorted(actors, key=lambda a: a.name)
    while pending:
        waiting = [a for a in pending if a.parent_id and a.parent_id not in placed]
        for actor in pending:
            if actor not in waiting:
                ordered.append(actor)
                placed.add(actor.pk)
        if len(waiting) == len(pending):
            raise BackupProblem(_("The actors' parents form a circle."))
        pending = waiting
    return ordered


def _version(version: PlanVersion, *, refs: dict, names: dict, usernames: dict) -> dict:
    goals = {goal.pk: goal for goal in version.goals.all()}
    activities = version.activities.select_related("activity_type").prefetch_related(
        *TERM_FIELDS, "responsibilities"
    )
    assignments = version.statistic_assignments.select_related("statistic")
    return _dump(
        version,
        ref=refs[version.pk],
        based_on=refs.get(version.based_on_id),
        goals=[
            _dump(goal, parent=goals[goal.parent_id].code if goal.parent_id else None)
            for goal in sorted(goals.values(), key=lambda g: g.code)
        ],
        indicators=[
            _dump(
                indicator,
                goal=goals[indicator.goal_id].code,
                reported_by=sorted(names[a.pk] for a in indicator.reported_by.all()),
            )
            for indicator in version.indicators.prefetch_related("reported_by").order_by("code")
        ],
        activities=[
            _dump(
                activity,
                goal=goals[activity.goal_id].code,
                activity_type=_term_ref(activity.activity_type) if activity.activity_type else None,
                **{name: _terms_ref(getattr(activity, name).all()) for name in TERM_FIELDS},
                responsibilities=sorted(
                    (
                        {"actor": names[r.actor_id], "role": r.role}
                        for r in activity.responsibilities.all()
                    ),
                    key=lambda r: (r["role"] != "lead", r["actor"]),
                ),
            )
            for activity in sorted(activities, key=lambda a: a.code)
        ],
        text_sections=[
            _dump(section) for section in version.text_sections.order_by("position", "pk")
        ],
        statistic_assignments=sorted(
            (
                {"statistic": _statistic_ref(a.statistic), "actor": names[a.actor_id]}
                for a in assignments
            ),
            key=lambda a: (a["statistic"]["code"], not a["statistic"]["national"], a["actor"]),
        ),
        rounds=[
            _round(round_, goals=goals, names=names, usernames=usernames)
            for round_ in version.rounds.order_by("year")
        ],
    )


def _round(round_: FollowUpRound, *, goals: dict, names: dict, usernames: dict) -> dict:
    questions = list(round_.questions.order_by("position", "pk"))
    question_index = {question.pk: index for index, question in enumerate(questions)}
    questionnaires = round_.questionnaires.prefetch_related(
        "activity_answers__activity",
        *(f"activity_answers__{name}" for name in ANSWER_TERM_FIELDS),
        "activity_answers__participants",
        "indicator_answers__indicator",
        "statistic_counts__statistic",
        "question_answers",
        "reminders",
    )
    return _dump(
        round_,
        questions=[_dump(question) for question in questions],
        published_reports=[
            _dump(report, published_by=usernames.get(report.published_by_id))
            for report in round_.published_reports.order_by("number")
        ],
        questionnaires=[
            _dump(
                q,
                actor=names[q.actor_id],
                changed_by=usernames.get(q.changed_by_id),
                activity_answers=[
                    _dump(
                        answer,
                        activity=answer.activity.code,
                        **{
                            name: _terms_ref(getattr(answer, name).all())
                            for name in ANSWER_TERM_FIELDS
                        },
                        participants=sorted(
                            (_dump(p) for p in answer.participants.all()),
                            key=lambda p: p["gender"],
                        ),
                    )
                    for answer in sorted(q.activity_answers.all(), key=lambda a: a.activity.code)
                ],
                indicator_answers=[
                    _dump(answer, indicator=answer.indicator.code)
                    for answer in sorted(q.indicator_answers.all(), key=lambda a: a.indicator.code)
                ],
                statistic_counts=sorted(
                    (
                        _dump(count, statistic=_statistic_ref(count.statistic))
                        for count in q.statistic_counts.all()
                    ),
                    key=lambda c: (
                        c["statistic"]["code"],
                        not c["statistic"]["national"],
                        c["gender"],
                        c["age_band"],
                    ),
                ),
                question_answers=sorted(
                    (
                        _dump(answer, question=question_index[answer.question_id])
                        for answer in q.question_answers.all()
                    ),
                    key=lambda a: a["question"],
                ),
                reminders=sorted(
                    (_dump(r, sent_by=usernames.get(r.sent_by_id)) for r in q.reminders.all()),
                    key=lambda r: r["key"],
                ),
            )
            for q in sorted(questionnaires, key=lambda q: names[q.actor_id])
        ],
    )


# Restore -------------------------------------------------------------------------------------


class _Restore:
    """Writes a backup's content; the objects written, by model, for their history rows."""

    def __init__(self, data: dict):
        self.data = data
        self.written: dict[type[models.Model], list[models.Model]] = defaultdict(list)

    def create(self, model: type[models.Model], objs: list[models.Model]) -> list[models.Model]:
        created = model.objects.bulk_create(objs)
        self.written[model].extend(created)
        return created

    # Looking up what the file refers to ------------------------------------------------------

    def term(self, ref: dict | None) -> Term | None:
        if ref is None:
            return None
        key = (ref["kind"], ref["code"])
        found = (self.national_terms if ref["national"] else self.own_terms).get(key)
        if found is None:
            raise BackupProblem(
                _("The vocabulary term “%(code)s” is missing in this database.")
                % {"code": ref["code"]}
            )
        return found

    def statistic(self, ref: dict) -> Statistic:
        found = (self.national_statistics if ref["national"] else self.own_statistics).get(
            ref["code"]
        )
        if found is None:
            raise BackupProblem(
                _("The statistic “%(code)s” is missing in this database.") % {"code": ref["code"]}
            )
        return found

    def actor(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise BackupProblem(
                _("The file refers to an actor “%(name)s” it does not list.") % {"name": name}
            ) from None

    # The whole municipality ------------------------------------------------------------------

    def run(self) -> Municipality:
        data = self.data
        self.municipality = _new(Municipality, data["municipality"])
        self.municipality.save()
        self.national_terms = {
            (t.kind, t.code): t for t in Term.objects.filter(municipality__isnull=True)
        }
        self.national_statistics = {
            s.code: s for s in Statistic.objects.filter(municipality__isnull=True)
        }
        self.restore_actors(data["actors"])
        self.own_terms = {
            (t.kind, t.code): t
            for t in self.create(
                Term, [_new(Term, item, municipality=self.municipality) for item in data["terms"]]
            )
        }
        self.own_statistics = {
            s.code: s
            for s in self.create(
                Statistic,
                [
                    _new(Statistic, item, municipality=self.municipality)
                    for item in data["statistics"]
                ],
            )
        }
        self.restore_users(data["users"])
        versions: list[tuple[dict, PlanVersion]] = []
        for plan_item in data["plans"]:
            (plan,) = self.create(
                Plan, [_new(Plan, plan_item, ("versions",), municipality=self.municipality)]
            )
            items = plan_item["versions"]
            new_versions = [_new(PlanVersion, item, VERSION_KEYS, plan=plan) for item in items]
            for version in new_versions:
                self.check_version(version)
            created = self.create(PlanVersion, new_versions)
            versions += zip(items, created, strict=True)
        refs = {item["ref"]: version for item, version in versions}
        for item, version in versions:
            if item["based_on"]:
                version.based_on = refs[item["based_on"]]
        PlanVersion.objects.bulk_update([v for _item, v in versions], ["based_on"])
        for item, version in versions:
            self.restore_version(item, version)
        for model in TRACKED:
            history_records_create(objs=self.written[model], model=model, reason=REASON_RESTORE)
        return self.municipality

    def check_version(self, version: PlanVersion) -> None:
        """A version's own rules (a decision date not ahead of today …) hold for a restored
        one too: a file edited by hand cannot bring in what the pages would refuse."""
        try:
            version.clean()
        except ValidationError as error:
            raise BackupProblem(
                _("Version %(label)s of “%(plan)s” cannot be restored: %(problem)s")
                % {
                    "label": version.label,
                    "plan": version.plan.title,
                    "problem": " ".join(error.messages),
                }
            ) from error

    def restore_actors(self, items: list[dict]) -> None:
        self.actors: dict[str, Actor] = {}
        for item in items:  # parents come first in the file
            parent = self.actor(item["parent"]) if item["parent"] else None
            actor = _new(Actor, item, ("parent",), municipality=self.municipality, parent=parent)
            actor.save_without_historical_record()
            self.written[Actor].append(actor)
            self.actors[actor.name] = actor

    def restore_users(self, items: list[dict]) -> None:
        users = []
        for item in items:
            user = _new(User, item, ("actors",), municipality=self.municipality)
            user.set_unusable_password()
            users.append(user)
        users = User.objects.bulk_create(users)
        self.written[User].extend(users)
        self.users = {user.username: user for user in users}
        User.actors.through.objects.bulk_create(
            User.actors.through(user_id=user.pk, actor_id=self.actor(name).pk)
            for user, item in zip(users, items, strict=True)
            for name in item["actors"]
        )

    def restore_version(self, item: dict, version: PlanVersion) -> None:
        goals: dict[str, Goal] = {}
        pending = list(item["goals"])
        while pending:  # parents before their children
            waiting = [g for g in pending if g["parent"] and g["parent"] not in goals]
            if len(waiting) == len(pending):
                raise BackupProblem(_("The goals' parents form a circle."))
            for goal_item in pending:
                if goal_item in waiting:
                    continue
                goal = _new(
                    Goal,
                    goal_item,
                    ("parent",),
                    version=version,
                    parent=goals.get(goal_item["parent"]),
                )
                goal.save_without_historical_record()
                self.written[Goal].append(goal)
                goals[goal.code] = goal
            pending = waiting

        indicator_items = item["indicators"]
        indicators = self.create(
            Indicator,
            [
                _new(
                    Indicator,
                    i,
                    ("goal", "reported_by"),
                    version=version,
                    goal=goals[i["goal"]],
                )
                for i in indicator_items
            ],
        )
        Indicator.reported_by.through.objects.bulk_create(
            Indicator.reported_by.through(indicator_id=indicator.pk, actor_id=self.actor(name).pk)
            for indicator, i in zip(indicators, indicator_items, strict=True)
            for name in i["reported_by"]
        )

        activity_items = item["activities"]
        activities = self.create(
            Activity,
            [
                _new(
                    Activity,
                    a,
                    ("goal", "activity_type", "responsibilities", *TERM_FIELDS),
                    version=version,
                    goal=goals[a["goal"]],
                    activity_type=self.term(a["activity_type"]),
                )
                for a in activity_items
            ],
        )
        for name in TERM_FIELDS:
            through = getattr(Activity, name).through
            through.objects.bulk_create(
                through(activity_id=activity.pk, term_id=self.term(ref).pk)
                for activity, a in zip(activities, activity_items, strict=True)
                for ref in a[name]
            )
        self.create(
            Responsibility,
            [
                _new(Responsibility, r, ("actor",), activity=activity, actor=self.actor(r["actor"]))
                for activity, a in zip(activities, activity_items, strict=True)
                for r in a["responsibilities"]
            ],
        )
        self.create(
            StatisticAssignment,
            [
                StatisticAssignment(
                    version=version,
                    statistic=self.statistic(s["statistic"]),
                    actor=self.actor(s["actor"]),
                )
                for s in item["statistic_assignments"]
            ],
        )
        self.create(
            PlanTextSection,
            [_new(PlanTextSection, section, version=version) for section in item["text_sections"]],
        )
        by_code = {
            "activity": {a.code: a for a in activities},
            "indicator": {i.code: i for i in indicators},
        }
        for round_item in item["rounds"]:
            self.restore_round(round_item, version, by_code)

    def restore_round(self, item: dict, version: PlanVersion, by_code: dict) -> None:
        (round_,) = self.create(
            FollowUpRound,
            [
                _new(
                    FollowUpRound,
                    item,
                    ("questions", "questionnaires", "published_reports"),
                    version=version,
                )
            ],
        )
        PublishedReport.objects.bulk_create(
            _new(
                PublishedReport,
                r,
                ("published_by",),
                round=round_,
                published_by=self.user(r["published_by"]),
            )
            for r in item["published_reports"]
        )
        questions = self.create(
            RoundQuestion, [_new(RoundQuestion, q, round=round_) for q in item["questions"]]
        )
        items = item["questionnaires"]
        questionnaires = self.create(
            Questionnaire,
            [
                _new(
                    Questionnaire,
                    q,
                    QUESTIONNAIRE_KEYS,
                    round=round_,
                    actor=self.actor(q["actor"]),
                    changed_by=self.user(q["changed_by"]),
                )
                for q in items
            ],
        )
        pairs = list(zip(questionnaires, items, strict=True))
        answer_items = [(q, a) for q, item in pairs for a in item["activity_answers"]]
        answers = self.create(
            ActivityAnswer,
            [
                _new(
                    ActivityAnswer,
                    a,
                    ("activity", "participants", *ANSWER_TERM_FIELDS),
                    questionnaire=q,
                    activity=by_code["activity"][a["activity"]],
                )
                for q, a in answer_items
            ],
        )
        for name in ANSWER_TERM_FIELDS:
            through = getattr(ActivityAnswer, name).through
            through.objects.bulk_create(
                through(activityanswer_id=answer.pk, term_id=self.term(ref).pk)
                for answer, (_q, a) in zip(answers, answer_items, strict=True)
                for ref in a[name]
            )
        self.create(
            Participants,
            [
                _new(Participants, p, answer=answer)
                for answer, (_q, a) in zip(answers, answer_items, strict=True)
                for p in a["participants"]
            ],
        )
        self.create(
            IndicatorAnswer,
            [
                _new(
                    IndicatorAnswer,
                    a,
                    ("indicator",),
                    questionnaire=q,
                    indicator=by_code["indicator"][a["indicator"]],
                )
                for q, item in pairs
                for a in item["indicator_answers"]
            ],
        )
        self.create(
            StatisticCount,
            [
                _new(
                    StatisticCount,
                    c,
                    ("statistic",),
                    questionnaire=q,
                    statistic=self.statistic(c["statistic"]),
                )
                for q, item in pairs
                for c in item["statistic_counts"]
            ],
        )
        self.create(
            QuestionAnswer,
            [
                _new(
                    QuestionAnswer,
                    a,
                    ("question",),
                    questionnaire=q,
                    question=questions[a["question"]],
                )
                for q, item in pairs
                for a in item["question_answers"]
            ],
        )
        Reminder.objects.bulk_create(
            _new(
                Reminder,
                r,
                ("sent_by",),
                questionnaire=q,
                sent_by=self.user(r.get("sent_by")),  # files from before it was kept have none
            )
            for q, item in pairs
            for r in item["reminders"]
        )

    def user(self, username: str | None):
        """Who last saved: one of the restored users, or else an account of that name already
        in this database (e.g. an administrator's), or nobody."""
        if not username:
            return None
        if username not in self.users:  # looked up once per name, not once per row
            self.users[username] = User.objects.filter(username=username).first()
        return self.users[username]


VERSION_KEYS = (
    "ref",
    "based_on",
    "text_sections",
    "goals",
    "indicators",
    "activities",
    "statistic_assignments",
    "rounds",
)
QUESTIONNAIRE_KEYS = (
    "actor",
    "changed_by",
    "activity_answers",
    "indicator_answers",
    "statistic_counts",
    "question_answers",
    "reminders",
)


def restore_problems(data: Any) -> list[str]:
    """Why the content cannot be restored into this database (none: it can)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return [_("The file is not a Handlingskraft municipality backup.")]
    if data.get("format_version") != FORMAT_VERSION:
        return [
            _("The backup has format version %(found)s; this version restores %(expected)s.")
            % {"found": data.get("format_version"), "expected": FORMAT_VERSION}
        ]
    found = limits.document_problems(data, limits.backup_file())
    if found:
        return [_at(where, message) for where, message in found]
    problems = []
    code = data["municipality"]["code"]
    if Municipality.objects.filter(code=code).exists():
        problems.append(
            _("The municipality %(code)s already exists in this database; nothing was restored.")
            % {"code": code}
        )
    usernames = [user["username"] for user in data["users"]]
    problems += [
        _("The user name %(name)s is given to more than one user in the file.") % {"name": name}
        for name, count in Counter(usernames).items()
        if count > 1
    ]
    taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    if taken:
        problems.append(
            _("These user names are already taken in this database: %(names)s.")
            % {"names": ", ".join(taken)}
        )
    # Signing in with the municipality's account finds a person by e-mail address, in every
    # municipality: an address belongs to one account.
    emails = [user["email"].strip().lower() for user in data["users"] if user["email"].strip()]
    problems += [
        _("The e-mail address %(email)s is given to more than one user in the file.")
        % {"email": email}
        for email, count in Counter(emails).items()
        if count > 1
    ]
    used = sorted(
        set(
            User.objects.annotate(address=Lower("email"))
            .filter(address__in=emails)
            .values_list("address", flat=True)
        )
    )
    if used:
        problems.append(
            _("These e-mail addresses already belong to accounts in this database: %(emails)s.")
            % {"emails": ", ".join(used)}
        )
    return problems


def _at(where: tuple, message: str) -> str:
    """A problem with its place in the file, e.g. plans[0].versions[1].title."""
    if not where:
        return message  # the whole file
    path = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in where)
    return _("%(place)s: %(message)s") % {"place": path.lstrip("."), "message": message}


def _refusal(problems: list[str]) -> str:
    shown = problems[:MAX_PROBLEMS_SHOWN]
    if len(problems) > len(shown):
        shown.append(_("… and %(count)s more problems.") % {"count": len(problems) - len(shown)})
    return "\n".join(shown)


MAX_PROBLEMS_SHOWN = 20


@transaction.atomic
def municipality_restore(*, data: dict) -> Municipality:
    """Write a backup into this database, all or nothing, with new ids. Refused when the
    municipality, any of its user names or e-mail addresses already exists here, or when
    anything in it is not what the service itself would have stored."""
    try:
        problems = restore_problems(data)
        if problems:
            raise BackupProblem(_refusal(problems))
        return _Restore(data).run()
    except (
        KeyError,
        IndexError,
        TypeError,
        ValueError,
        AttributeError,
        ValidationError,
    ) as error:
        raise BackupProblem(
            _("The file is incomplete or damaged (%(error)s); nothing was restored.")
            % {"error": error}
        ) from error
    except DatabaseError as error:
        # E.g. two items the database holds only once; the transaction is rolled back.
        raise BackupProblem(
            _("The file breaks a rule of the database (%(error)s); nothing was restored.")
            % {"error": error}
        ) from error


# Files ---------------------------------------------------------------------------------------


def backup_write(data: dict, path: Path) -> None:
    """As JSON, gzipped when the name ends in .gz; readable by its owner only (it holds names
    and e-mail addresses)."""
    content = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()
    if path.suffix == ".gz":
        content = gzip.compress(content)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(content)


def backup_read(path: Path) -> dict:
    """The backup in a file (JSON, or gzipped JSON), read within the limits of a backup;
    BackupProblem saying what is wrong if it cannot be. OSError if the file cannot be read."""
    within = limits.backup_file()
    with path.open("rb") as file:
        packed = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        try:
            # One byte more than the limit shows that there is more.
            content = (gzip.GzipFile(fileobj=file) if packed else file).read(within.max_bytes + 1)
        except (EOFError, gzip.BadGzipFile, zlib.error) as error:
            raise BackupProblem(
                _(
                    "The compressed file is damaged or incomplete (%(error)s). Nothing was "
                    "restored: copy the backup again or use another one."
                )
                % {"error": error}
            ) from None
    try:
        return limits.json_read(content, within)
    except limits.Refused as refused:
        problems = [_at(where, message) for where, message in refused.problems]
        raise BackupProblem(_("The file cannot be restored:") + "\n" + _refusal(problems)) from None
