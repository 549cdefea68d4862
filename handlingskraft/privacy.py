"""Privacy rules that hold for every app: no data about individual victims or perpetrators."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# YYMMDD or YYYYMMDD, optional - or +, four digits; coordination numbers add 60 to the day.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:19|20)?(\d{2})(\d{2})(\d{2})\s?[-+]?\s?\d{4}(?!\d)")


def _is_plausible_date(yy: str, mm: str, dd: str) -> bool:
    day = int(dd)
    if day > 60:
        day -= 60
    try:
        date(2000 + int(yy), int(mm), day)
    except ValueError:
        return False
    return True


def looks_like_personal_number(text: str) -> bool:
    return any(_is_plausible_date(*m.groups()) for m in _PERSONAL_NUMBER.finditer(text or ""))


def validate_no_personal_number(text: str) -> None:
    """Refuse free text that looks like a Swedish personal identity number."""
    if looks_like_personal_number(text):
        raise ValidationError(
            _(
                "The text seems to contain a personal identity number. "
                "Do not write anything that identifies a person."
            ),
            code="personal_number",
        )
