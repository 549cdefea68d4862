"""Number fields that keep what people type.

A browser's `<input type="number">` only takes a value written with a point, shows nothing for
"68,00", and hands the server an empty string for anything it cannot read, so a Swedish decimal
could be erased by the next save. These fields are plain text boxes with a numeric keyboard
(`inputmode`), show numbers the way the active language writes them, and read "70,5" and "70.5"
alike, with spaces (or no-break spaces) between thousands, in every language.
"""

import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy as _

from .revisions import canonical

_SPACES = re.compile(r"[\s\u00a0\u202f]")
# Digits with at most one decimal sign, which may be a comma or a point.
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def number_parse(text: str) -> Decimal | None:
    """The number in what a person typed, or None when there is none; ValueError when the text
    is not a number."""
    text = _SPACES.sub("", text or "").replace("\u2212", "-")  # a typographic minus too
    if not text:
        return None
    if not _NUMBER.match(text):
        raise ValueError(text)
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation as error:
        raise ValueError(text) from error


def number_display(value) -> str:
    """A number as the active language writes it in a text box: no trailing zeros, its own
    decimal sign, no thousands separator (that a person can type it back as it stands)."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        return value  # a person's own text, shown back to them as typed
    return canonical(value).replace(".", get_format("DECIMAL_SEPARATOR"))


class _TextNumberInput(forms.TextInput):
    def format_value(self, value):
        return number_display(value)


class DecimalInput(_TextNumberInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class WholeNumberInput(_TextNumberInput):
    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "off", **(attrs or {})})


class DecimalField(forms.DecimalField):
    widget = DecimalInput
    default_error_messages = {"invalid": _("Write a number, e.g. 12 or 45,5.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal | int):
            return Decimal(value)
        try:
            return number_parse(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        return {}  # no step/min/max: those are for type="number", which these are not


class IntegerField(forms.IntegerField):
    widget = WholeNumberInput
    default_error_messages = {"invalid": _("Write a whole number, e.g. 12.")}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            number = number_parse(str(value))
        except ValueError:
            number = None
        else:
            if number is None:
                return None
        if number is None or number != number.to_integral_value():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return int(number)

    def widget_attrs(self, widget):
        return {}


def number_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: decimals and whole numbers as the fields above."""
    from django.db import models

    if isinstance(db_field, models.DecimalField):
        return db_field.formfield(form_class=DecimalField, **kwargs)
    if isinstance(db_field, models.IntegerField) and not db_field.choices:
        return db_field.formfield(form_class=IntegerField, **kwargs)
    return db_field.formfield(**kwargs)
