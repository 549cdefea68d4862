"""Number fields read what people type, with a comma or a point, in any language, and show
numbers as the language writes them."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from handlingskraft.numbers import DecimalField, IntegerField, number_display


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize(
    "typed, number",
    [
        ("70,5", Decimal("70.5")),
        ("70.5", Decimal("70.5")),
        (" 1 204,25 ", Decimal("1204.25")),
        ("1\u00a0204", Decimal("1204")),
        ("−3", Decimal("-3")),
        (",5", Decimal("0.5")),
        ("", None),
    ],
)
def test_a_decimal_reads_a_comma_and_a_point_alike(language, typed, number):
    with translation.override(language):
        assert DecimalField(required=False).clean(typed) == number


@pytest.mark.parametrize("typed", ["tolv", "1,2,3", "1.234,5", "12e3", "--1", "1,2.3"])
def test_anything_else_is_refused_with_a_message(typed):
    with translation.override("sv"):
        with pytest.raises(ValidationError) as refused:
            DecimalField().clean(typed)
        assert refused.value.messages == ["Skriv ett tal, till exempel 12 eller 45,5."]


def test_a_whole_number_takes_spaces_but_no_decimals():
    field = IntegerField(required=False)
    assert field.clean("1 204") == 1204
    assert field.clean("12,0") == 12
    with translation.override("sv"):
        with pytest.raises(ValidationError) as refused:
            field.clean("12,5")
        assert refused.value.messages == ["Skriv ett heltal, till exempel 12."]


def test_numbers_are_shown_as_the_language_writes_them_and_as_text_boxes():
    with translation.override("sv"):
        assert number_display(Decimal("68.00")) == "68"
        assert number_display(Decimal("70.50")) == "70,5"
        html = DecimalField().widget.render("v", Decimal("70.50"))
    assert 'type="text"' in html and 'inputmode="decimal"' in html and 'value="70,5"' in html
    with translation.override("en"):
        assert number_display(Decimal("70.50")) == "70.5"
    assert 'inputmode="numeric"' in IntegerField().widget.render("n", 3)
