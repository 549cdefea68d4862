"""questionnaire_save writes a person's answers field by field: what they left as it was is
never written, what only someone else changed is kept, and what both changed is left for the
person to choose."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from followup.answers import Field, answers_read
from followup.models import ActivityAnswer, IndicatorAnswer
from followup.queries import questionnaire_content
from followup.services import questionnaire_save, round_open
from handlingskraft.revisions import digest
from organisations.models import User
from plans.models import Indicator
from tests.builders import make_user

from .conftest import OPENS

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaire(version):
    round_ = round_open(version=version, year=2025, deadline=date(2026, 12, 31), opens_on=OPENS)
    return round_.questionnaires.get(actor__name="Utbildningsförvaltningen")


@pytest.fixture
def people(municipality, school):
    return [
        make_user(municipality, User.Role.REPORTER, username=name, actors=[school])
        for name in ("anna", "bo")
    ]


def page(questionnaire):
    """What a page drawn now holds: every field's value and the digests it carries."""
    values = answers_read(questionnaire_content(questionnaire))
    return values, {field: digest(value) for field, value in values.items()}


def activity_field(questionnaire, name):
    answer = questionnaire.activity_answers.order_by("activity__code").first()
    return Field("activity", answer.pk, name)


def test_two_people_changing_different_fields_from_the_same_page_keep_both(
    questionnaire, people
):
    anna, bo = people
    values, base = page(questionnaire)
    done, step = activity_field(questionnaire, "what_was_done"), activity_field(
        questionnaire, "next_step"
    )
    first = questionnaire_save(
        questionnaire=questionnaire, user=anna, changes={done: "Annas text."}, base=base
    )
    # Bo's page was drawn before Anna saved: it still holds the old text in `done`.
    second = questionnaire_save(
        questionnaire=questionnaire,
        user=bo,
        changes={done: values[done], step: "Bos nästa steg."},
        base=base,
    )
    assert not first.conflicts and not second.conflicts
    assert second.written == {step}
    answer = ActivityAnswer.objects.get(pk=done.row)
    assert (answer.what_was_done, answer.next_step) == ("Annas text.", "Bos nästa steg.")


def test_two_people_changing_the_same_field_leave_the_first_and_report_it_to_the_second(
    questionnaire, people
):
    anna, bo = people
    _values, base = page(questionnaire)
    done = activity_field(questionnaire, "what_was_done")
    questionnaire_save(questionnaire=questionnaire, user=anna, changes={done: "A."}, base=base)
    result = questionnaire_save(
        questionnaire=questionnaire, user=bo, changes={done: "B."}, base=base, submit=True
    )
    assert result.conflicts == {done: "A."} and not result.written
    assert result.previous_by == anna
    assert result.questionnaire.status == "draft"  # never submitted over a conflict
    assert ActivityAnswer.objects.get(pk=done.row).what_was_done == "A."
    # Bo chooses his own, having seen Anna's: his page's base for the field is now hers.
    chosen = questionnaire_save(
        questionnaire=questionnaire, user=bo, changes={done: "B."}, base={done: digest("A.")}
    )
    assert chosen.written == {done}
    assert ActivityAnswer.objects.get(pk=done.row).what_was_done == "B."


def test_the_same_change_made_by_both_is_no_conflict(questionnaire, people):
    anna, bo = people
    _values, base = page(questionnaire)
    status = activity_field(questionnaire, "status")
    questionnaire_save(questionnaire=questionnaire, user=anna, changes={status: "done"}, base=base)
    result = questionnaire_save(
        questionnaire=questionnaire, user=bo, changes={status: "done"}, base=base
    )
    assert not result.conflicts and not result.written


def test_a_field_the_person_did_not_touch_is_never_written(questionnaire, people):
    anna, bo = people
    values, base = page(questionnaire)
    answer = IndicatorAnswer.objects.get(questionnaire=questionnaire)
    value = Field("indicator", answer.pk, "value")
    questionnaire_save(
        questionnaire=questionnaire, user=anna, changes={value: Decimal("68")}, base=base
    )
    records = IndicatorAnswer.history.filter(id=answer.pk).count()
    # Bo's whole page goes back, numbers as they were drawn (None), his text changed.
    done = activity_field(questionnaire, "what_was_done")
    result = questionnaire_save(
        questionnaire=questionnaire,
        user=bo,
        changes={**values, done: "Bos text."},
        base=base,
    )
    assert result.written == {done}
    answer.refresh_from_db()
    assert answer.value == Decimal("68")
    assert IndicatorAnswer.history.filter(id=answer.pk).count() == records


def test_the_same_number_written_another_way_is_no_change(questionnaire, people):
    anna, _bo = people
    answer = IndicatorAnswer.objects.get(questionnaire=questionnaire)
    value = Field("indicator", answer.pk, "value")
    questionnaire_save(questionnaire=questionnaire, user=anna, changes={value: Decimal("68.00")})
    _values, base = page(questionnaire)
    result = questionnaire_save(
        questionnaire=questionnaire, user=anna, changes={value: Decimal("68")}, base=base
    )
    assert not result.written
    assert result.questionnaire.revision == 1


def test_a_share_is_computed_from_its_counts(questionnaire, people):
    anna, _bo = people
    answer = IndicatorAnswer.objects.select_related("indicator").get(questionnaire=questionnaire)
    Indicator.objects.filter(pk=answer.indicator_id).update(unit=Indicator.Unit.SHARE)
    result = questionnaire_save(
        questionnaire=questionnaire,
        user=anna,
        changes={
            Field("indicator", answer.pk, "numerator"): 17,
            Field("indicator", answer.pk, "denominator"): 40,
        },
    )
    assert result.values[Field("indicator", answer.pk, "value")] == Decimal("42.50")
    assert Field("indicator", answer.pk, "value") in result.written
    answer.refresh_from_db()
    assert answer.value == Decimal("42.50")


def test_cells_are_written_one_by_one_and_an_emptied_cell_is_removed(questionnaire, people):
    anna, _bo = people
    values, _base = page(questionnaire)
    cells = [field for field in values if field.kind == "statistic"][:2]
    questionnaire_save(
        questionnaire=questionnaire, user=anna, changes={cells[0]: 3, cells[1]: 0}
    )
    assert questionnaire.statistic_counts.count() == 2
    _values, base = page(questionnaire)
    questionnaire_save(
        questionnaire=questionnaire, user=anna, changes={cells[0]: None}, base=base
    )
    assert list(questionnaire.statistic_counts.values_list("count", flat=True)) == [0]


def test_a_locked_questionnaire_is_not_written(questionnaire, people):
    anna, _bo = people
    questionnaire.status = "submitted"
    questionnaire.save()
    with pytest.raises(ValidationError):
        questionnaire_save(
            questionnaire=questionnaire,
            user=anna,
            changes={activity_field(questionnaire, "status"): "done"},
        )
