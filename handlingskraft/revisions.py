"""What a form was read at, field by field, so that a save made from an older copy can tell
what the person changed from what somebody else changed meanwhile.

A form carries, for every field it edits, a short digest of the value the field had when the
page was drawn (`digests_encode`). On saving, three values of a field are compared: the base
(the digest the page carries), the person's (what was posted) and the stored one (what the
database holds now). Where the person's equals the base, the person did not touch the field and
the stored value stays; where the stored one equals the base, nobody else did and the person's
value is written; where all three differ, both changed it and the person chooses.

Digests are taken of a canonical text of the value, so that 68, 68.0 and "68,00" are the same
number, a queryset and a list of the same rows are the same set, and the line breaks a browser
sends are the ones it was given.
"""

import hashlib
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal

from django.db import models

DIGEST_LENGTH = 10  # hex digits: a chance collision between two edits is one in 10^12


def canonical(value) -> str:
    """A value as text that is the same whenever the value means the same."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal | float):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        if not number.is_finite():
            return str(number)
        text = format(number.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, models.QuerySet | set | frozenset):
        return ",".join(sorted(canonical(item) for item in value))
    if isinstance(value, list | tuple):
        return ",".join(canonical(item) for item in value)
    return str(value).replace("\r\n", "\n").strip()


def digest(value) -> str:
    return hashlib.sha256(canonical(value).encode()).hexdigest()[:DIGEST_LENGTH]


def digests_encode(values: Mapping[str, object]) -> str:
    """`name:digest;name:digest…` for the page to carry and send back."""
    return ";".join(f"{name}:{digest(value)}" for name, value in values.items())


def digests_decode(text: str, names: Iterable[str] | None = None) -> dict[str, str] | None:
    """The digests a page sent back, by field name; None when the text is not one this module
    wrote (a tampered or truncated page), which callers treat as an unknown base. With `names`,
    names outside it are refused the same way."""
    known = set(names) if names is not None else None
    result = {}
    for part in (text or "").split(";"):
        if not part:
            continue
        name, separator, value = part.rpartition(":")
        if (
            not separator
            or not name
            or len(value) != DIGEST_LENGTH
            or any(c not in "0123456789abcdef" for c in value)
            or (known is not None and name not in known)
        ):
            return None
        result[name] = value
    return result
