"""Writing cells into the workbooks the service makes (openpyxl), so that nothing a person
typed can act in a spreadsheet program: every workbook writes its cells through `put`.

Text is always text. Characters a workbook cannot hold, and control characters, are left out;
text that a spreadsheet would read as a formula when it is typed or edited (it starts with
=, +, -, @, a tab or a carriage return) is marked as typed with a leading apostrophe
(quotePrefix), which Excel and LibreOffice keep when the cell is edited. A formula the service
means to write goes through `put_formula`, never through `put`."""

import re
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.functional import Promise
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from .limits import CONTROL_CHARACTERS

# What no file from outside may hold either (limits.CONTROL_CHARACTERS: C0 and C1 controls but
# tab, line feed and carriage return; DEL; lone surrogates), and the two non-characters XML
# does not allow.
_NOT_IN_A_CELL = re.compile(f"[{CONTROL_CHARACTERS}\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A sheet name: at most 31 characters, none of []:*?/\ (Excel's rules).
_NOT_IN_A_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31

Value = str | Promise | int | float | Decimal | date | datetime | time | bool | None


def clean_text(text: str) -> str:
    """The text without the characters a workbook cannot hold or that control a device."""
    return _NOT_IN_A_CELL.sub("", text)


def put(sheet: Worksheet, row: int, column: int, value: Value) -> Cell:
    """Write a value into a cell: text as text, never as a formula; numbers, dates and
    booleans as they are."""
    if isinstance(value, Promise):
        value = str(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        text = clean_text(value)
        # openpyxl takes text starting with "=" for a formula unless told the cell is text.
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True
    else:
        cell.value = value
    return cell


def put_row(sheet: Worksheet, row: int, values: list[Value]) -> list[Cell]:
    return [put(sheet, row, column, value) for column, value in enumerate(values, start=1)]


def put_formula(sheet: Worksheet, row: int, column: int, formula: str) -> Cell:
    """A formula the service writes on purpose (e.g. "=SUM(B2:B9)")."""
    if not formula.startswith("="):
        raise ValueError("A formula starts with '='.")
    cell = sheet.cell(row=row, column=column)
    cell.value = clean_text(formula)
    cell.data_type = "f"
    return cell


def sheet_name(title: str, taken: set[str]) -> str:
    """A valid sheet name, unique among `taken` (lower-case names, updated): at most 31
    characters, none of []:*?/\\ and nothing a workbook cannot hold."""
    base = _NOT_IN_A_SHEET_NAME.sub(" ", clean_text(title)).strip().strip("'") or "Sheet"
    name, number = base[:SHEET_NAME_LENGTH], 2
    while name.lower() in taken:
        suffix = f" ({number})"
        name = base[: SHEET_NAME_LENGTH - len(suffix)] + suffix
        number += 1
    taken.add(name.lower())
    return name
