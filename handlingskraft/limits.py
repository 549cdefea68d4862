"""What a file read from outside may hold: the limits a plan file (JSON or Excel) and a
municipality backup are read within, and the checks that keep a crafted file from costing
minutes, answering with an error page, or putting into the database what it cannot hold.

Both readers of plan files (exchange.jsonfile, exchange.xlsx) and the restore of a backup
(records.backup) use these; a refusal always says where in the file, and nothing is written."""

import json
import operator
import re
from dataclasses import dataclass
from itertools import accumulate, count
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    # Lists within lists or objects (a plan file is 4 deep; a backup about 12).
    max_depth: int
    # Items in one list: rows on one sheet, items in one section (None: no limit).
    max_items: int | None
    # Characters in one text (None: only the database field's own length).
    max_text: int | None
    # Characters in one number, sign and decimals included.
    max_number_length: int = 30


# Rows on one sheet, items in one section of a plan file.
PLAN_MAX_ITEMS = 5000
# The most one Excel cell holds: a plan file's text may not be longer in JSON either.
PLAN_MAX_TEXT = 32767


def plan_file() -> Limits:
    """An imported plan, whether a workbook or JSON."""
    return Limits(
        max_bytes=settings.PLAN_IMPORT_MAX_BYTES,
        max_depth=10,
        max_items=PLAN_MAX_ITEMS,
        max_text=PLAN_MAX_TEXT,
    )


def backup_file() -> Limits:
    """A municipality's backup (uncompressed): whole years of answers, texts of any length
    (each field still within its own length), published reports' frozen content."""
    return Limits(max_bytes=settings.BACKUP_MAX_BYTES, max_depth=40, max_items=None, max_text=None)


class Refused(Exception):
    """The file cannot be read; `problems` are (where, message): where is the path of keys
    and 0-based list positions to the value, () for the whole file."""

    def __init__(self, problems: list[tuple[tuple, str]]):
        super().__init__("; ".join(message for _where, message in problems))
        self.problems = problems


# Single values ----------------------------------------------------------------------------

# Control characters (tab, line feed and carriage return are text) and lone surrogates, which
# no database or workbook can store; PostgreSQL refuses NUL in text.
CONTROL_CHARACTERS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"  # a character class
_FORBIDDEN = re.compile(f"[{CONTROL_CHARACTERS}]")


def text_problem(text: str, limits: Limits) -> str | None:
    """Why the text cannot be read, or None."""
    if limits.max_text is not None and len(text) > limits.max_text:
        return _("The text is longer than %(count)s characters.") % {"count": limits.max_text}
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    code = f"U+{ord(found.group()):04X}"
    if 0xD800 <= ord(found.group()) <= 0xDFFF:
        return _(
            "The text contains an invalid character (%(code)s). It cannot be saved: "
            "remove it or write the text again."
        ) % {"code": code}
    return _(
        "The text contains a control character (%(code)s), which cannot be saved. Remove it."
    ) % {"code": code}


def number_problem(number: int | float, limits: Limits) -> str | None:
    """Why a number read from a workbook cannot be read, or None."""
    if isinstance(number, int) and not isinstance(number, bool):
        if abs(number) >= 10**limits.max_number_length:
            return _too_long_number(limits)
    return None


def _too_long_number(limits: Limits) -> str:
    return _("The number is longer than %(count)s characters.") % {
        "count": limits.max_number_length
    }


# JSON -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NumberTooLong:
    text: str


@dataclass(frozen=True)
class _NotANumber:
    text: str


class _Object(dict):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, Any]]) -> dict:
    found = _Object(pairs)
    found.duplicates = [] if len(found) == len(pairs) else _repeated(key for key, _v in pairs)
    return found


def _repeated(keys) -> list[str]:
    seen, repeated = set(), []
    for key in keys:
        if key in seen and key not in repeated:
            repeated.append(key)
        seen.add(key)
    return repeated


def json_read(content: bytes, limits: Limits) -> Any:
    """The JSON document in `content`, read within the limits; raises Refused saying every
    value that breaks them, with where it is."""
    if len(content) > limits.max_bytes:
        raise Refused([((), _too_large(limits))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused([((), _("The file is not a JSON file: it is not UTF-8 text."))]) from None

    def number(text: str):
        # Python refuses to read an integer of more than 4,300 digits (a ValueError); a long
        # number is refused here before it gets that far.
        if len(text) > limits.max_number_length:
            return _NumberTooLong(text)
        return int(text) if text.lstrip("-").isdigit() else float(text)

    # Python's reader recurses once per level: beyond the recursion limit it raises, and with
    # that limit raised (as some libraries do) a deep enough file exhausts the stack itself.
    if _depth(text) > PARSED_DEPTH:
        raise Refused([((), _too_deep(limits))])
    try:
        document = json.loads(
            text,
            object_pairs_hook=_object,
            parse_int=number,
            parse_float=number,
            parse_constant=_NotANumber,
        )
    except json.JSONDecodeError as error:
        raise Refused(
            [
                (
                    (),
                    _(
                        "The file is not valid JSON: there is an error on line %(line)s, "
                        "column %(column)s."
                    )
                    % {"line": error.lineno, "column": error.colno},
                )
            ]
        ) from None
    except RecursionError:
        raise Refused([((), _too_deep(limits))]) from None
    problems = document_problems(document, limits)
    if problems:
        raise Refused(problems)
    return document


# Deeper than any limit: refused before parsing. Up to here the walk below says where.
PARSED_DEPTH = 100
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(rb"[^\[\]{}]+")
# "[" and "{" weigh 2, "]" and "}" 0: the running sum minus the count is the depth so far.
_WEIGHTS = bytes.maketrans(b"[{]}", b"\x02\x02\x00\x00")


def _depth(text: str) -> int:
    """How deep the lists and objects of a JSON text go, without parsing it: in one pass of
    C loops, whatever the size."""
    brackets = _NOT_BRACKETS.sub(b"", _STRINGS.sub("", text).encode("ascii", "ignore"))
    steps = accumulate(brackets.translate(_WEIGHTS))
    return max(map(operator.sub, steps, count(1)), default=0)


def _too_large(limits: Limits) -> str:
    return _("The file is larger than %(size)s, the most that can be read.") % {
        "size": filesizeformat(limits.max_bytes)
    }


def _too_deep(limits: Limits) -> str:
    return _("The file has lists or objects nested more than %(count)s levels deep.") % {
        "count": limits.max_depth
    }


def document_problems(document: Any, limits: Limits) -> list[tuple[tuple, str]]:
    """Every value of a JSON document (as read by json_read, or plain Python data) that
    breaks the limits, with its path, in the order of the document. Walks the document
    without recursion, however deep it is."""
    problems: list[tuple[tuple, str]] = []
    pending: list[tuple[tuple, Any]] = [((), document)]
    while pending:
        path, value = pending.pop()
        problem = None
        if isinstance(value, str):
            problem = text_problem(value, limits)
        elif isinstance(value, int | float):
            problem = number_problem(value, limits)
        elif isinstance(value, _NumberTooLong):
            problem = _too_long_number(limits)
        elif isinstance(value, _NotANumber):
            problem = _("“%(value)s” is not a number.") % {"value": value.text}
        elif isinstance(value, dict | list):
            problem = _container_problem(path, value, limits)
            if problem is None:
                children = []
                for key in getattr(value, "duplicates", ()):
                    children.append(((*path, key), _Problem(_repeated_key(key))))
                items = value.items() if isinstance(value, dict) else enumerate(value)
                for key, item in items:
                    key_problem = text_problem(key, limits) if isinstance(key, str) else None
                    # A key that cannot be read is reported at its object, never repeated.
                    children.append(
                        (path, _Problem(key_problem)) if key_problem else ((*path, key), item)
                    )
                pending.extend(reversed(children))
        elif isinstance(value, _Problem):
            problem = value.message
        # Anything else is plain Python data (dates, decimals): their fields check them.
        if problem:
            problems.append((path, problem))
    return problems


@dataclass(frozen=True)
class _Problem:
    message: str


def _repeated_key(key: str) -> str:
    return _("“%(key)s” is written more than once in the same object.") % {"key": key}


def _container_problem(path: tuple, value: dict | list, limits: Limits) -> str | None:
    if len(path) >= limits.max_depth:
        return _too_deep(limits)
    if isinstance(value, list) and limits.max_items is not None and len(value) > limits.max_items:
        return _("The list has more than %(count)s items. Split the file into smaller ones.") % {
            "count": limits.max_items
        }
    return None
