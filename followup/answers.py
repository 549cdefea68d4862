"""A questionnaire's answers as one flat mapping: every field a person can answer, with its
stored value. The page's forms are drawn from it, a save is compared with it field by field
(followup.services.questionnaire_save), and the field names are the form's own, so the page,
the form and the save speak of the same fields in the same words."""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from plans.models import Indicator
from stats.models import Gender

from .models import RoundQuestion
from .queries import QuestionnaireContent

ACTIVITY_TEXTS = ("status", "what_was_done", "obstacles", "next_step")
ACTIVITY_TERMS = ("levels_reached", "groups_reached")
PARTICIPANTS = tuple(f"participants_{gender}" for gender in Gender.values)
INDICATOR_FIELDS = (
    "year",
    "value",
    "numerator",
    "denominator",
    "value_women",
    "value_men",
    "comment",
)
STANDARD = ("plan_followed_up", "plan_followed_up_comment", "coordination_needs", "other_comments")


@dataclass(frozen=True)
class Field:
    """One answerable field: `kind` says which row holds it, `row` which one (an activity or
    indicator answer, a statistic, a question; none for the standard questions), and `name`
    the form field's name within the row's form."""

    kind: str  # "activity", "indicator", "statistic", "standard" or "question"
    row: int | None
    name: str

    @property
    def prefix(self) -> str:
        """The prefix of the form the field belongs to (one form per answer row)."""
        if self.kind in ("standard", "question"):
            return {"standard": "std", "question": "own"}[self.kind]
        return f"{self.kind[0]}{self.row}"  # a12, i3, s5

    @property
    def html_name(self) -> str:
        return f"{self.prefix}-{self.name}"


def indicator_fields(indicator: Indicator) -> list[str]:
    """The fields an indicator asks for: counts for a share, values by gender if split."""
    skip = set()
    if indicator.unit != Indicator.Unit.SHARE:
        skip |= {"numerator", "denominator"}
    if not indicator.by_gender:
        skip |= {"value_women", "value_men"}
    return [name for name in INDICATOR_FIELDS if name not in skip]


def statistic_cell_name(gender: str, age_band: str) -> str:
    return f"n_{gender or 'all'}_{age_band or 'all'}"


def statistic_cells(statistic) -> list[tuple[str, str, str]]:
    """(field name, gender, age band) of every cell a statistic is split into."""
    return [
        (statistic_cell_name(gender, age), gender, age)
        for gender in statistic.genders()
        for age in statistic.age_bands()
    ]


def answers_read(content: QuestionnaireContent) -> dict[Field, Any]:
    """Every field of the questionnaire with its stored value, from rows already loaded."""
    questionnaire = content.questionnaire
    values: dict[Field, Any] = {}
    for answer in content.activity_answers:
        for name in ACTIVITY_TEXTS:
            values[Field("activity", answer.pk, name)] = getattr(answer, name)
        values[Field("activity", answer.pk, "levels_reached")] = frozenset(
            term.pk for term in answer.levels_reached.all()
        )
        values[Field("activity", answer.pk, "groups_reached")] = frozenset(
            term.pk for term in answer.groups_reached.all()
        )
        counts = {p.gender: p.count for p in answer.participants.all()}
        for gender in Gender.values:
            values[Field("activity", answer.pk, f"participants_{gender}")] = counts.get(gender)
    for answer in content.indicator_answers:
        for name in indicator_fields(answer.indicator):
            value = getattr(answer, name)
            if name == "year":
                value = value or questionnaire.round.year  # the page offers the round's year
            values[Field("indicator", answer.pk, name)] = value
    for statistic in content.statistics:
        for name, gender, age in statistic_cells(statistic):
            values[Field("statistic", statistic.pk, name)] = content.counts.get(
                (statistic.pk, gender, age)
            )
    for name in STANDARD:
        values[Field("standard", None, name)] = getattr(questionnaire, name)
    for question in content.questions:
        value = content.question_values.get(question.pk, "")
        if question.kind == RoundQuestion.Kind.NUMBER:
            value = _stored_number(value)
        values[Field("question", question.pk, f"q{question.pk}")] = value
    return values


def _stored_number(text: str) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None  # not a number after all: shown empty, never a 500


def answers_from_rows(
    content: QuestionnaireContent,
    *,
    activity=None,
    indicator=None,
    statistic=None,
    standard: dict | None = None,
    questions: dict | None = None,
) -> dict[Field, Any]:
    """Changes for questionnaire_save written row by row, for code that fills questionnaires
    in (the demo, generated data, tests): `activity(answer, n)` and `indicator(answer, n)` give
    a {field name: value} dict for the n-th row, `statistic(statistic)` a {(gender, age band):
    count} dict, `standard` the standard questions and `questions` {question id: value}."""
    changes: dict[Field, Any] = {}
    for n, answer in enumerate(content.activity_answers if activity else []):
        for name, value in activity(answer, n).items():
            if name in ACTIVITY_TERMS:
                value = frozenset(value)
            changes[Field("activity", answer.pk, name)] = value
    for n, answer in enumerate(content.indicator_answers if indicator else []):
        asked = indicator_fields(answer.indicator)
        for name, value in indicator(answer, n).items():
            if name in asked:
                changes[Field("indicator", answer.pk, name)] = value
    for row in content.statistics if statistic else []:
        counts = statistic(row)
        for name, gender, age in statistic_cells(row):
            if (gender, age) in counts:
                changes[Field("statistic", row.pk, name)] = counts[gender, age]
    for name, value in (standard or {}).items():
        changes[Field("standard", None, name)] = value
    for pk, value in (questions or {}).items():
        changes[Field("question", pk, f"q{pk}")] = value
    return changes
