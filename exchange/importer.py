"""Importing a plan file as a new draft version, all or nothing: the whole file is checked
first and every problem reported with its place (sheet, row, column); only a file without
problems is written, in one transaction."""

import re
from collections import defaultdict
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from organisations.models import Actor, Municipality
from plans.models import Activity, Goal, Indicator, Plan, PlanVersion, Responsibility, Term
from records.services import history_records_create
from stats.models import Statistic, StatisticAssignment

from .choices import YES, ChoiceList, choice_lists, normalised
from .data import (
    ACTIVITIES,
    ACTORS,
    FORMAT,
    FORMAT_VERSION,
    GOALS,
    INDICATORS,
    PLAN,
    STATISTICS,
    Column,
    ParsedFile,
    Problem,
    Record,
    Sheet,
    Unreadable,
    ValueKind,
)
from .jsonfile import data_to_records, read_json
from .xlsx import is_old_excel, is_workbook, read_xlsx

FIRST_YEAR, LAST_YEAR = 1990, 2100
TERM_LISTS = ("prevention_levels", "violence_areas", "target_groups")


class ImportProblems(Exception):
    """The file cannot be imported; `problems` says everything that is wrong with it."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problems")
        self.problems = problems


# Reading an uploaded file ------------------------------------------------------------------


def read_plan_file(*, name: str, content: bytes) -> ParsedFile:
    """Read an uploaded .xlsx or .json file, refusing what is empty, too large or not what its
    name says."""

    def refuse(message: str) -> ParsedFile:
        return ParsedFile(problems=[Problem("", None, "", message)])

    if not content:
        return refuse(_("The file is empty."))
    if len(content) > settings.PLAN_IMPORT_MAX_BYTES:
        return refuse(
            _("The file is larger than %(size)s, the most that can be imported.")
            % {"size": filesizeformat(settings.PLAN_IMPORT_MAX_BYTES)}
        )
    extension = Path(name).suffix.lower()
    if extension == ".xls" or (extension == ".xlsx" and is_old_excel(content)):
        return refuse(
            _(
                "The file is in the old Excel format (.xls). Open it in Excel and save it as "
                "an Excel workbook (.xlsx)."
            )
        )
    if extension == ".xlsx":
        if not is_workbook(content):
            return refuse(
                _(
                    "The file is not an Excel workbook, although its name ends in .xlsx. "
                    "Save it from Excel as an Excel workbook (.xlsx) and try again."
                )
            )
        return read_xlsx(content)
    if extension == ".json":
        if is_workbook(content):
            return refuse(_("The file is an Excel workbook: its name should end in .xlsx."))
        return read_json(content)
    return refuse(
        _(
            "“%(name)s” cannot be imported. Upload an Excel workbook (.xlsx) or a JSON file "
            "(.json) exported from Handlingskraft."
        )
        % {"name": name}
    )


# Turning values as written into values as stored ---------------------------------------------


class _Invalid(Exception):
    """A value that cannot be read; the message says why, in words for the coordinator."""


EMPTY: dict[ValueKind, Any] = {
    ValueKind.LINES: [],
    ValueKind.CHOICES: [],
    ValueKind.ACTORS: [],
    ValueKind.BOOL: False,
    ValueKind.YEAR: None,
    ValueKind.NUMBER: None,
    ValueKind.DATE: None,
    ValueKind.CHOICE: None,
    ValueKind.ACTOR: None,
    ValueKind.GOAL: None,
}


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | dict):
        raise _Invalid(_("Write a single value here, not a list."))
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # 1.0 typed as a number is the item number "1".
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        items = [_text(item) for item in value]
    else:
        items = _text(value).split("\n")
    return [item.strip() for item in items if item.strip()]


def _split(value: Any) -> list[str]:
    """Several values in one cell, separated by semicolons (or lines)."""
    if isinstance(value, list):
        items = [_text(item) for item in value]
    else:
        items = re.split(r"[;\n]", _text(value))
    return [item.strip() for item in items if item.strip()]


def _year(value: Any) -> int | None:
    text = _text(value)
    if not text:
        return None
    if isinstance(value, bool | date):
        raise _Invalid(
            _("“%(value)s” is not a year. Write it with four digits, e.g. 2025.") % {"value": text}
        )
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number != number.to_integral_value():
        raise _Invalid(
            _("“%(value)s” is not a year. Write it with four digits, e.g. 2025.") % {"value": text}
        )
    # Compared as a decimal: int() of "1e999999999" would take a very long time.
    if not FIRST_YEAR <= number <= LAST_YEAR:
        raise _Invalid(_("Enter a year between 1990 and 2100."))
    return int(number)


def _number(value: Any) -> int | float | None:
    text = _text(value)
    if not text:
        return None
    cleaned = re.sub(r"[\s\u00a0%]", "", text).replace(",", ".")
    try:
        number = None if isinstance(value, bool) else Decimal(cleaned)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise _Invalid(_("“%(value)s” is not a number.") % {"value": text})
    # Before rounding: quantize() refuses a number with more digits than a Decimal holds,
    # and abs() one beyond the context's exponent (1e999999999); copy_abs() is exact.
    if number.copy_abs() >= 10**10:
        raise _Invalid(_("The number is too large."))
    number = number.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if abs(number) >= 10**10:
        raise _Invalid(_("The number is too large."))
    return int(number) if number == number.to_integral_value() else float(number)


def _date(value: Any) -> str | None:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise _Invalid(
            _("“%(value)s” is not a date. Write it as YYYY-MM-DD, e.g. 2025-01-28.")
            % {"value": text}
        ) from None


def _choice_problem(values: list[str], column_label: str, choice_list: ChoiceList) -> _Invalid:
    return _Invalid(
        _("“%(value)s” is not in the list for “%(column)s”. Use one of: %(choices)s.")
        % {
            "value": "”, “".join(values),
            "column": column_label,
            "choices": "; ".join(choice_list.labels()),
        }
    )


# Checking a whole file ------------------------------------------------------------------------


class _Checker:
    """Reads every record of a parsed file into the exchange structure, collecting problems."""

    def __init__(self, parsed: ParsedFile, *, municipality: Municipality):
        self.parsed = parsed
        self.problems = list(parsed.problems)
        self.lists = choice_lists(municipality)
        self.existing_actors = {
            normalised(actor.name): actor
            for actor in Actor.objects.filter(municipality=municipality)
        }
        self.actor_names = {key: actor.name for key, actor in self.existing_actors.items()}
        self.validity: range | None = None
        self.goal_codes: set[str] = set()

    def report(self, record: Record, key: str, message: str) -> None:
        self.problems.append(Problem.at(record.at(key), message))

    def convert(self, column: Column, value: Any, label: str) -> Any:
        if isinstance(value, Unreadable):  # a formula, a control character …: never read
            raise _Invalid(value.message)
        match column.kind:
            case ValueKind.LINES:
                return _lines(value)
            case ValueKind.YEAR:
                return _year(value)
            case ValueKind.NUMBER:
                return _number(value)
            case ValueKind.DATE:
                return _date(value)
            case ValueKind.BOOL:
                if isinstance(value, bool):
                    return value
                text = _text(value)
                if not text:
                    return False
                code = self.lists["yes_no"].code_for(text)
                if code is None:
                    raise _choice_problem([text], label, self.lists["yes_no"])
                return code == YES
            case ValueKind.CHOICE | ValueKind.CHOICES:
                choice_list = self.lists[column.choices]
                texts = _split(value) if column.kind == ValueKind.CHOICES else [_text(value)]
                texts = [text for text in texts if text]
                unknown = [text for text in texts if choice_list.code_for(text) is None]
                if unknown:
                    raise _choice_problem(unknown, label, choice_list)
                codes = list(dict.fromkeys(choice_list.code_for(text) for text in texts))
                if column.kind == ValueKind.CHOICES:
                    return codes
                return codes[0] if codes else None
            case ValueKind.ACTORS:
                return _split(value)
            case ValueKind.ACTOR:
                # Kept whole: "A; B" as a lead actor is reported as two leads, not mangled.
                return "; ".join(_split(value)) or None
            case ValueKind.GOAL:
                return _text(value) or None
        return _text(value)

    def read(self, record: Record, sheet: Sheet) -> tuple[dict, set[str]]:
        """Every value of a record converted; and the keys that already have a problem (or
        no column), whose model errors would only repeat it."""
        values: dict[str, Any] = {}
        # A missing required column is already reported for the whole sheet.
        failed = {
            column.key
            for column in sheet.columns
            if column.required and column.key not in record.values
        }
        for column in sheet.columns:
            label = record.at(column.key).column or str(column.label)
            try:
                values[column.key] = self.convert(column, record.values.get(column.key), label)
            except _Invalid as error:
                self.report(record, column.key, error.args[0])
                failed.add(column.key)
                values[column.key] = EMPTY.get(column.kind, "")
                continue
            blank = values[column.key] in (None, "", [])
            if column.required and blank and column.key not in failed and column.key != "lead":
                self.report(record, column.key, _("Fill in “%(column)s”.") % {"column": label})
                failed.add(column.key)
        return values, failed

    def model_check(
        self,
        record: Record,
        instance: models.Model,
        failed: set[str],
        exclude: list[str],
        fields: dict[str, str] | None = None,
    ) -> None:
        """The model's own rules (lengths, formats, clean()) for what is not reported yet."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                key = "" if field == NON_FIELD_ERRORS else (fields or {}).get(field, field)
                if key in failed:
                    continue
                failed.add(key)
                for message in messages:
                    self.report(record, key, message)

    def unique_code(self, record: Record, code: str, taken: set[str], failed: set[str]) -> None:
        if not code or "code" in failed:
            return
        if code in taken:
            self.report(
                record,
                "code",
                _("The number “%(code)s” is used more than once. Give each row its own number.")
                % {"code": code},
            )
            failed.add("code")
        taken.add(code)

    def actor_name(self, record: Record, key: str, name: str) -> str | None:
        found = self.actor_names.get(normalised(name))
        if found is None:
            self.report(
                record,
                key,
                _("Unknown actor “%(name)s”: add it to the Actors sheet or check the spelling.")
                % {"name": name},
            )
        return found

    def actor_names_in(self, record: Record, key: str, written: list[str]) -> list[str]:
        """Several actors' names as stored, each known actor once, sorted by name."""
        found = []
        for name in written:
            actor = self.actor_name(record, key, name)
            if actor and actor not in found:
                found.append(actor)
        return sorted(found, key=lambda n: (n.casefold(), n))

    def goal_exists(self, record: Record, key: str, code: str | None, codes: set[str]) -> None:
        if code and code not in codes:
            self.report(
                record,
                key,
                _("There is no goal numbered “%(code)s” on the Goals sheet.") % {"code": code},
            )

    # Sheet by sheet --------------------------------------------------------------------------

    def plan(self) -> dict | None:
        records = self.parsed.sections.get(PLAN.key) or []
        if not records:
            return None
        record = records[0]
        values, failed = self.read(record, PLAN)
        version = PlanVersion(label=values["version_label"] or "1.0", **_version_fields(values))
        self.model_check(
            record, version, failed, ["plan", "based_on"], fields={"label": "version_label"}
        )
        self.model_check(record, Plan(title=values["title"]), failed, ["municipality"])
        if not {"valid_from", "valid_to"} & failed and version.years():
            self.validity = version.years()
        return values

    def actors(self) -> list[dict]:
        rows = []
        listed: set[str] = set()
        for record in self.parsed.sections.get(ACTORS.key, []):
            values, failed = self.read(record, ACTORS)
            key = normalised(values["name"])
            existing = self.existing_actors.get(key)
            if values["name"] and key in listed:
                self.report(
                    record,
                    "name",
                    _("The actor “%(name)s” is listed more than once.") % {"name": values["name"]},
                )
                continue
            listed.add(key)
            if existing:
                values["name"] = existing.name
            elif values["name"]:
                if not values["kind"] and "kind" not in failed:
                    self.report(
                        record,
                        "kind",
                        _("“%(name)s” is a new actor: choose what kind of actor it is.")
                        % {"name": values["name"]},
                    )
                    failed.add("kind")
                actor = Actor(
                    name=values["name"],
                    short_name=values["short_name"],
                    kind=values["kind"] or Actor.Kind.BOARD,
                )
                self.model_check(record, actor, failed, ["municipality", "parent"])
                self.actor_names[key] = values["name"]
            rows.append((record, values, existing))
        new_parents = {}
        for record, values, existing in rows:
            if values["parent"]:
                values["parent"] = self.actor_name(record, "parent", values["parent"])
            if not existing and values["name"] and values["parent"]:
                new_parents[normalised(values["name"])] = normalised(values["parent"])
        # Only new actors get a parent from the file, so only they can close a circle.
        for record, values, _existing in rows:
            start = normalised(values["name"])
            current, steps = new_parents.get(start), 0
            while current is not None and steps <= len(new_parents):
                if current == start:
                    self.report(
                        record,
                        "parent",
                        _("“%(name)s” cannot be part of itself, directly or through other actors.")
                        % {"name": values["name"]},
                    )
                    break
                current, steps = new_parents.get(current), steps + 1
        return [values for _record, values, _existing in rows]

    def goals(self) -> list[dict]:
        rows, codes = [], set()
        for record in self.parsed.sections.get(GOALS.key, []):
            values, failed = self.read(record, GOALS)
            self.unique_code(record, values["code"], codes, failed)
            self.model_check(record, Goal(**_goal_fields(values)), failed, ["version", "parent"])
            rows.append((record, values))
        parents = {}
        for record, values in rows:
            self.goal_exists(record, "parent", values["parent"], codes)
            if values["parent"]:
                parents.setdefault(values["code"], values["parent"])
        for record, values in rows:
            current, steps = parents.get(values["code"]), 0
            while current is not None and steps <= len(parents):
                if current == values["code"]:
                    self.report(
                        record,
                        "parent",
                        _(
                            "Goal %(code)s cannot be part of itself, directly or through other "
                            "goals."
                        )
                        % {"code": values["code"]},
                    )
                    break
                current, steps = parents.get(current), steps + 1
        self.goal_codes = codes
        return [values for _record, values in rows]

    def indicators(self) -> list[dict]:
        items, codes = [], set()
        for record in self.parsed.sections.get(INDICATORS.key, []):
            values, failed = self.read(record, INDICATORS)
            values["kolada_kpi"] = values["kolada_kpi"].upper()
            self.unique_code(record, values["code"], codes, failed)
            self.goal_exists(record, "goal", values["goal"], self.goal_codes)
            baseline, target = values["baseline_year"], values["target_year"]
            if baseline and target and target < baseline:
                self.report(
                    record, "target_year", _("The target year cannot be before the baseline year.")
                )
                failed.add("target_year")
            values["reported_by"] = self.actor_names_in(
                record, "reported_by", values["reported_by"]
            )
            indicator = Indicator(**_indicator_fields(values))
            self.model_check(record, indicator, failed, ["version", "goal"])
            items.append(values)
        return items

    def activities(self) -> list[dict]:
        items, codes = [], set()
        for record in self.parsed.sections.get(ACTIVITIES.key, []):
            values, failed = self.read(record, ACTIVITIES)
            co_label = record.at("co_actors").column or str(ACTIVITIES.column("co_actors").label)
            self.unique_code(record, values["code"], codes, failed)
            self.goal_exists(record, "goal", values["goal"], self.goal_codes)
            if "lead" in record.values and "lead" not in failed:
                leads = _split(values["lead"])
                values["lead"] = None
                if not leads:
                    self.report(
                        record,
                        "lead",
                        _("The activity has no lead actor. Write the one actor who leads it."),
                    )
                elif len(leads) > 1:
                    self.report(
                        record,
                        "lead",
                        _(
                            "An activity has exactly one lead actor, but %(count)s are given. "
                            "Put the others under “%(column)s”."
                        )
                        % {"count": len(leads), "column": co_label},
                    )
                else:
                    values["lead"] = self.actor_name(record, "lead", leads[0])
            co_actors = self.actor_names_in(record, "co_actors", values["co_actors"])
            values["co_actors"] = [name for name in co_actors if name != values["lead"]]
            if self.validity and not values["continuous"]:
                for key in ("start_year", "end_year"):
                    year = values[key]
                    if year and key not in failed and year not in self.validity:
                        self.report(
                            record,
                            key,
                            _("%(year)s lies outside the plan's validity, %(start)s–%(end)s.")
                            % {
                                "year": year,
                                "start": self.validity.start,
                                "end": self.validity.stop - 1,
                            },
                        )
                        failed.add(key)
            activity = Activity(**_activity_fields(values))
            self.model_check(record, activity, failed, ["version", "goal", "activity_type"])
            items.append(values)
        return items

    def statistics(self) -> list[dict]:
        """Which actor reports which statistic: each pair once."""
        items, seen = [], set()
        for record in self.parsed.sections.get(STATISTICS.key, []):
            values, failed = self.read(record, STATISTICS)
            if values["actor"] and "actor" not in failed:
                written = _split(values["actor"])
                if len(written) > 1:
                    self.report(
                        record,
                        "actor",
                        _(
                            "Write one actor per row: add a row for each actor that reports "
                            "the statistic."
                        ),
                    )
                    values["actor"] = None
                else:
                    values["actor"] = self.actor_name(record, "actor", written[0])
            if not values["statistic"] or not values["actor"]:
                continue
            pair = (values["statistic"], normalised(values["actor"]))
            if pair in seen:
                label = self.lists[STATISTICS.column("statistic").choices].label(
                    values["statistic"]
                )
                self.report(
                    record,
                    "actor",
                    _("“%(actor)s” reporting “%(statistic)s” is listed more than once.")
                    % {"actor": values["actor"], "statistic": label},
                )
                continue
            seen.add(pair)
            items.append(values)
        return items

    def run(self) -> tuple[dict, list[Problem]]:
        plan = self.plan()
        data = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "plan": plan,
            "actors": self.actors(),
            "goals": self.goals(),
            "indicators": self.indicators(),
            "activities": self.activities(),
            "statistics": self.statistics(),
        }
        return data, self.problems


def _decimal(value: int | float | None) -> Decimal | None:
    return None if value is None else Decimal(str(value))


# Model fields from exchange data: used to check a row with the model's rules and to write it.


def _version_fields(info: dict) -> dict:
    # No decision: an imported version is a new draft, and the decision a file records (an
    # exported adopted version carries its own) was made about another version. This one's is
    # recorded when it is adopted.
    return {
        "valid_from": info["valid_from"],
        "valid_to": info["valid_to"],
        "change_summary": info["change_summary"],
    }


DECISION_KEYS = ("decided_by", "decision_date", "decision_paragraph", "diary_number")


def _decision_note(info: dict) -> str:
    """What the summary says about the file's decision, which is not imported."""
    if not any(info[key] for key in DECISION_KEYS) and not info["distribution"]:
        return ""
    decision = ", ".join(str(info[key]) for key in DECISION_KEYS if info[key])
    return _(
        "The file records a decision (%(decision)s). It was not imported: the new version is a "
        "draft, and its decision is recorded when it is adopted."
    ) % {"decision": decision or ", ".join(info["distribution"])}


def _goal_fields(item: dict) -> dict:
    return {
        "code": item["code"],
        "title": item["title"],
        "description": item["description"],
        "conditions": "\n".join(item["conditions"]),
    }


def _indicator_fields(item: dict) -> dict:
    fields = {key: value for key, value in item.items() if key not in ("goal", "reported_by")}
    fields["baseline_value"] = _decimal(item["baseline_value"])
    fields["target_value"] = _decimal(item["target_value"])
    return fields


def _activity_fields(item: dict) -> dict:
    keys = ("code", "title", "intended_outcome", "description", "start_year", "end_year")
    return {key: item[key] for key in keys} | {"continuous": item["continuous"]}


def validate(parsed: ParsedFile, *, municipality: Municipality) -> tuple[dict, list[Problem]]:
    """The file's content as exchange data, and every problem found in it (none: importable)."""
    if parsed.problems and not parsed.sections:
        return {}, list(parsed.problems)  # Not readable at all: nothing more to say.
    return _Checker(parsed, municipality=municipality).run()


# Writing -----------------------------------------------------------------------------------


def plan_version_import_file(
    *, municipality: Municipality, name: str, content: bytes, plan: Plan | None = None
) -> PlanVersion:
    """Import an uploaded file as a new draft; raises ImportProblems and writes nothing if
    anything in it is wrong."""
    return _import(read_plan_file(name=name, content=content), municipality, plan)


def plan_version_import(
    *, municipality: Municipality, data: dict, plan: Plan | None = None
) -> PlanVersion:
    """Import exchange data (as made by exchange.data.version_to_data) as a new draft: of
    `plan`, or of a new plan titled as in the data. Raises ImportProblems if it is invalid."""
    return _import(data_to_records(data), municipality, plan)


def _import(parsed: ParsedFile, municipality: Municipality, plan: Plan | None) -> PlanVersion:
    if plan is not None and plan.municipality_id != municipality.pk:
        raise ValueError("The plan belongs to another municipality.")
    data, problems = validate(parsed, municipality=municipality)
    if problems:
        raise ImportProblems(problems)
    return _version_create(data=data, municipality=municipality, plan=plan)


def _free_label(label: str, taken: set[str]) -> str:
    """The label, or the next one not used by the plan: 1.0 -> 1.1, Draft -> Draft (2)."""
    match = re.fullmatch(r"(.*?)(\d+)", label)
    candidate, number = label, 1
    while candidate in taken:
        number += 1
        if match:
            candidate = f"{match.group(1)}{int(match.group(2)) + number - 1}"
        else:
            candidate = f"{label} ({number})"
    return candidate


def _positions(items: list[dict], group: str) -> list[int]:
    """Each item's place among those sharing its parent or goal, in file order."""
    counters: dict[Any, int] = defaultdict(int)
    positions = []
    for item in items:
        positions.append(counters[item[group]])
        counters[item[group]] += 1
    return positions


@transaction.atomic
def _version_create(*, data: dict, municipality: Municipality, plan: Plan | None) -> PlanVersion:
    info = data["plan"]
    label = info["version_label"] or "1.0"
    based_on = None
    if plan is None:
        plan = Plan.objects.create(municipality=municipality, title=info["title"])
    else:
        versions = plan.versions.order_by("-created_at")
        label = _free_label(label, set(versions.values_list("label", flat=True)))
        based_on = versions.filter(status=PlanVersion.Status.ADOPTED).first() or versions.first()
    version = PlanVersion.objects.create(
        plan=plan, label=label, based_on=based_on, **_version_fields(info)
    )
    # What the import left out, in words for its summary.
    version.import_notes = [note for note in [_decision_note(info)] if note]
    actors = _actors_create(data["actors"], municipality)
    goals = _goals_create(data["goals"], version)

    indicators = data["indicators"]
    created = Indicator.objects.bulk_create(
        Indicator(
            version=version, goal=goals[item["goal"]], position=position, **_indicator_fields(item)
        )
        for item, position in zip(indicators, _positions(indicators, "goal"), strict=True)
    )
    Indicator.reported_by.through.objects.bulk_create(
        Indicator.reported_by.through(
            indicator_id=indicator.pk, actor_id=actors[normalised(name)].pk
        )
        for indicator, item in zip(created, indicators, strict=True)
        for name in item["reported_by"]
    )
    history_records_create(objs=created, model=Indicator)

    terms: dict[tuple[str, str], Term] = {}
    for term in sorted(
        Term.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality)),
        key=lambda t: t.municipality_id is not None,
    ):
        terms.setdefault((term.kind, term.code), term)
    items = data["activities"]
    activities = Activity.objects.bulk_create(
        Activity(
            version=version,
            goal=goals[item["goal"]],
            position=position,
            **_activity_fields(item),
            activity_type=terms[(Term.Kind.ACTIVITY_TYPE, item["activity_type"])]
            if item["activity_type"]
            else None,
        )
        for item, position in zip(items, _positions(items, "goal"), strict=True)
    )
    kinds = {
        "prevention_levels": Term.Kind.PREVENTION_LEVEL,
        "violence_areas": Term.Kind.VIOLENCE_AREA,
        "target_groups": Term.Kind.TARGET_GROUP,
    }
    responsibilities = []
    for activity, item in zip(activities, items, strict=True):
        responsibilities.append(
            Responsibility(
                activity=activity,
                actor=actors[normalised(item["lead"])],
                role=Responsibility.Role.LEAD,
            )
        )
        responsibilities.extend(
            Responsibility(
                activity=activity, actor=actors[normalised(name)], role=Responsibility.Role.CO
            )
            for name in item["co_actors"]
        )
    bulk_create_with_history(responsibilities, Responsibility)
    for field, kind in kinds.items():
        through = getattr(Activity, field).through
        through.objects.bulk_create(
            through(activity_id=activity.pk, term_id=terms[(kind, code)].pk)
            for activity, item in zip(activities, items, strict=True)
            for code in item[field]
        )
    history_records_create(objs=activities, model=Activity)
    statistics: dict[str, Statistic] = {}
    for statistic in sorted(
        Statistic.objects.filter(Q(municipality__isnull=True) | Q(municipality=municipality)),
        key=lambda s: s.municipality_id is not None,
    ):
        statistics.setdefault(statistic.code, statistic)
    bulk_create_with_history(
        [
            StatisticAssignment(
                version=version,
                statistic=statistics[item["statistic"]],
                actor=actors[normalised(item["actor"])],
            )
            for item in data["statistics"]
        ],
        StatisticAssignment,
    )
    return version


def _actors_create(items: list[dict], municipality: Municipality) -> dict[str, Actor]:
    """The municipality's actors by normalised name, after creating the file's new ones
    (parents before their children)."""
    actors = {normalised(a.name): a for a in Actor.objects.filter(municipality=municipality)}
    pending = [item for item in items if normalised(item["name"]) not in actors]
    while pending:
        waiting = []
        for item in pending:
            parent = normalised(item["parent"]) if item["parent"] else None
            if parent and parent not in actors:
                waiting.append(item)
                continue
            actors[normalised(item["name"])] = Actor.objects.create(
                municipality=municipality,
                name=item["name"],
                short_name=item["short_name"],
                kind=item["kind"],
                parent=actors.get(parent),
            )
        if len(waiting) == len(pending):
            raise ValueError("Actor parents form a circle.")  # validate() rules this out.
        pending = waiting
    return actors


def _goals_create(items: list[dict], version: PlanVersion) -> dict[str, Goal]:
    codes = [item["code"] for item in items]
    positions = dict(zip(codes, _positions(items, "parent"), strict=True))
    goals: dict[str, Goal] = {}
    pending = list(items)
    while pending:
        waiting = []
        for item in pending:
            if item["parent"] and item["parent"] not in goals:
                waiting.append(item)
                continue
            goals[item["code"]] = Goal.objects.create(
                version=version,
                parent=goals.get(item["parent"]),
                position=positions[item["code"]],
                **_goal_fields(item),
            )
        if len(waiting) == len(pending):
            raise ValueError("Goal parents form a circle.")  # validate() rules this out.
        pending = waiting
    return goals
