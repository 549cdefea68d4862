"""Choices of stored rows that refuse, as any other id that is not among the choices, an id no
row can have: one beyond the database's integers. Django checks a single choice against the
database safely, but asks for several with an `IN (…)` that SQLite cannot even send with such
a number (OverflowError, a server error) and PostgreSQL answers by reading the whole table."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        kind = self.queryset.model._meta.pk.get_internal_type()
        ops = connections[self.queryset.db].ops
        if self.to_field_name is None and kind in ops.integer_field_ranges:
            low, high = ops.integer_field_range(kind)
            for item in value:
                try:
                    number = int(item)
                except (TypeError, ValueError):
                    continue  # not a number at all: the base class says so
                if not low <= number <= high:
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super()._check_values(value)
