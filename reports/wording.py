"""How the report puts numbers, dates, yes/no and lists into words, in the active language."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _


def percent(part: int, whole: int) -> int | None:
    """A whole percentage, half rounded up; None of nothing."""
    if not whole:
        return None
    return int((Decimal(100 * part) / Decimal(whole)).quantize(Decimal(1), ROUND_HALF_UP))


def names(items) -> str:
    """A, B and C."""
    items = [str(item) for item in items]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def iso_date(value: date | None) -> str:
    return value.isoformat() if value else ""


def yes_no(flag: bool | None) -> str:
    if flag is None:
        return ""
    return _("Yes") if flag else _("No")
