"""The plan as an Excel workbook a coordinator can edit, and reading such a workbook back.

Writing uses the active language for sheet names, headings and list values; reading recognises
them in every language of the site (see exchange.choices)."""

import io
import zipfile
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from handlingskraft import limits
from handlingskraft.workbooks import clean_text, put

from .choices import NO, YES, ChoiceList, in_every_language, normalised
from .data import (
    ACTIVITIES,
    ACTORS,
    INDICATORS,
    INSTRUCTIONS_TITLE,
    LISTS_TITLE,
    SHEETS,
    STATISTICS,
    Column,
    Location,
    ParsedFile,
    Problem,
    Record,
    Sheet,
    Unreadable,
    ValueKind,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Limits of a workbook's own, besides those of every plan file (handlingskraft.limits, which
# has the most rows a sheet may hold): a zip can expand a lot, so refuse workbooks whose parts
# add up to more than this; columns beyond these are not read.
MAX_UNZIPPED_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = 60
# Data validation covers this many rows below the heading, enough for any plan.
VALIDATED_ROWS = 2000

HEADING_FONT = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
FORMULA_MESSAGE = gettext_lazy("The cell contains a formula. Paste its value instead.")
# Item numbers typed into a text cell stay "1.10" instead of becoming the number 1.1.
FORMATS = {
    ValueKind.CODE: "@",
    ValueKind.GOAL: "@",
    ValueKind.YEAR: "0",
    ValueKind.DATE: "yyyy-mm-dd",
}


# Writing -----------------------------------------------------------------------------------


def data_to_xlsx(data: dict | None, *, lists: dict[str, ChoiceList]) -> bytes:
    """The workbook for a version's data, or the empty template when data is None."""
    workbook = Workbook()
    _write_instructions(workbook.active)
    lists_sheet = workbook.create_sheet()
    list_ranges = _write_lists(lists_sheet, lists)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(str(sheet.title), index=len(workbook.sheetnames) - 1)
        if sheet.vertical:
            _write_fields(worksheet, sheet, data["plan"] if data else {}, lists)
        else:
            _write_table(worksheet, sheet, data[sheet.key] if data else [], lists, list_ranges)
    if data:
        workbook.properties.title = clean_text(data["plan"]["title"])
    workbook.properties.creator = "Handlingskraft"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_value(column: Column, value: Any, lists: dict[str, ChoiceList]) -> Any:
    match column.kind:
        case ValueKind.LINES:
            return "\n".join(value or [])
        case ValueKind.CHOICE:
            return lists[column.choices].label(value) if value else None
        case ValueKind.CHOICES:
            return "; ".join(lists[column.choices].label(code) for code in value or [])
        case ValueKind.ACTORS:
            return "; ".join(value or [])
        case ValueKind.BOOL:
            return lists["yes_no"].label(YES if value else NO)
        case ValueKind.DATE:
            return date.fromisoformat(value) if value else None
    return value


def _put(worksheet: Worksheet, row: int, col: int, value: Any, column: Column | None = None):
    if isinstance(value, str) and not clean_text(value):
        value = None  # an empty cell, not an empty text
    cell = put(worksheet, row, col, value)
    cell.alignment = WRAP
    if column is not None and column.kind in FORMATS:
        cell.number_format = FORMATS[column.kind]
    return cell


def _write_heading(worksheet: Worksheet, labels: list[str], widths: list[int]) -> None:
    for index, (label, width) in enumerate(zip(labels, widths, strict=True), start=1):
        cell = _put(worksheet, 1, index, label)
        cell.font = HEADING_FONT
        cell.fill = HEADING_FILL
        worksheet.column_dimensions[get_column_letter(index)].width = width
    worksheet.freeze_panes = "A2"


def _write_fields(worksheet: Worksheet, sheet: Sheet, values: dict, lists) -> None:
    _write_heading(worksheet, [_("Field"), _("Value")], [28, 70])
    for row, column in enumerate(sheet.columns, start=2):
        _put(worksheet, row, 1, str(column.label)).font = HEADING_FONT
        _put(worksheet, row, 2, _cell_value(column, values.get(column.key), lists), column)


def _write_table(worksheet: Worksheet, sheet: Sheet, items: list[dict], lists, list_ranges):
    _write_heading(
        worksheet, [str(c.label) for c in sheet.columns], [c.width for c in sheet.columns]
    )
    for row, item in enumerate(items, start=2):
        for col, column in enumerate(sheet.columns, start=1):
            _put(worksheet, row, col, _cell_value(column, item.get(column.key), lists), column)
    last_column = get_column_letter(len(sheet.columns))
    worksheet.auto_filter.ref = f"A1:{last_column}{max(len(items) + 1, 2)}"
    for col, column in enumerate(sheet.columns, start=1):
        letter = get_column_letter(col)
        # Rows typed in later keep the column's format (item numbers stay text).
        worksheet.column_dimensions[letter].alignment = WRAP
        if column.kind in FORMATS:
            worksheet.column_dimensions[letter].number_format = FORMATS[column.kind]
        if column.kind in (ValueKind.CHOICE, ValueKind.BOOL):
            validation = DataValidation(
                type="list",
                formula1=list_ranges[column.choices],
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Choose from the list"),
                error=_("Choose one of the values in the list."),
            )
            validation.add(f"{letter}2:{letter}{VALIDATED_ROWS + 1}")
            worksheet.add_data_validation(validation)


def _write_lists(worksheet: Worksheet, lists: dict[str, ChoiceList]) -> dict[str, str]:
    """Every closed list in its own column; returns the cell range of each for dropdowns."""
    worksheet.title = str(LISTS_TITLE)
    ranges = {}
    _write_heading(worksheet, [str(c.title) for c in lists.values()], [30] * len(lists))
    for col, (key, choice_list) in enumerate(lists.items(), start=1):
        labels = choice_list.labels()
        for row, label in enumerate(labels, start=2):
            _put(worksheet, row, col, label)
        letter = get_column_letter(col)
        ranges[key] = (
            f"{quote_sheetname(worksheet.title)}!${letter}$2:${letter}${max(len(labels), 1) + 1}"
        )
    return ranges


def _write_instructions(worksheet: Worksheet) -> None:
    worksheet.title = str(INSTRUCTIONS_TITLE)
    # Names of sheets, columns and values come from their definitions, so the instructions
    # always say what the workbook says.
    names = {
        "sheets": ", ".join(f"“{sheet.title}”" for sheet in SHEETS),
        "actors": ACTORS.title,
        "goal": ACTIVITIES.column("goal").label,
        "lead": ACTIVITIES.column("lead").label,
        "co_actors": ACTIVITIES.column("co_actors").label,
        "continuous": ACTIVITIES.column("continuous").label,
        "reported_by": INDICATORS.column("reported_by").label,
        "indicators": INDICATORS.title,
        "statistics": STATISTICS.title,
        "statistic": STATISTICS.column("statistic").label,
        "yes": _("Yes"),
        "lists": LISTS_TITLE,
    }
    lines = [
        _("The plan is on the sheets %(sheets)s."),
        _("Do not rename the sheets or the column headings. Empty rows are skipped."),
        _("Write one actor, goal, indicator or activity per row."),
        _(
            "Goals, indicators and activities are tied together by number: write the goal's "
            "number in the column “%(goal)s”."
        ),
        _(
            "Where a cell holds several values, separate them with a semicolon (;). "
            "Conditions and recipients go one per line (Alt+Enter)."
        ),
        _(
            "Every activity has exactly one actor under “%(lead)s”. Other responsible actors "
            "go under “%(co_actors)s”."
        ),
        _(
            "On the sheet “%(indicators)s”, write under “%(reported_by)s” the actors that give "
            "a value for the indicator in the yearly follow-up."
        ),
        _(
            "On the sheet “%(statistics)s”, write one row for each statistic and actor that "
            "reports it in the yearly follow-up. Choose the statistic under “%(statistic)s” "
            "from the list; write an actor once per statistic."
        ),
        _("An actor must already exist in Handlingskraft or be listed on the sheet “%(actors)s”."),
        _(
            "Write years with four digits. For an activity that goes on while the plan is "
            "valid, write “%(yes)s” under “%(continuous)s” and leave the years empty."
        ),
        _(
            "Cells with a dropdown only take values from the list. The sheet “%(lists)s” shows "
            "every value you can use."
        ),
        _(
            "Nothing is saved until the whole file is correct. If something is wrong, you get "
            "a list of every problem with its sheet, row and column."
        ),
    ]
    lines = [line % names for line in lines]
    cell = _put(worksheet, 1, 1, _("How to fill in this workbook"))
    cell.font = Font(bold=True, size=14)
    cell.alignment = Alignment(vertical="top")
    for row, line in enumerate(lines, start=3):
        _put(worksheet, row, 1, line).alignment = Alignment(vertical="top")
    start = len(lines) + 4
    headings = [_("Sheet"), _("Column"), _("Required"), _("What to write"), _("Example")]
    for col, (heading, width) in enumerate(
        zip(headings, [16, 26, 12, 70, 40], strict=True), start=1
    ):
        cell = _put(worksheet, start, col, heading)
        cell.font = HEADING_FONT
        cell.fill = HEADING_FILL
        worksheet.column_dimensions[get_column_letter(col)].width = width
    row = start + 1
    for sheet in SHEETS:
        for column in sheet.columns:
            values = [
                str(sheet.title),
                str(column.label),
                _("Yes") if column.required else "",
                str(column.help),
                str(column.example),
            ]
            for col, value in enumerate(values, start=1):
                _put(worksheet, row, col, value)
            row += 1


# Reading -----------------------------------------------------------------------------------


def _damaged() -> Problem:
    return Problem(
        "",
        None,
        "",
        _(
            "The file could not be opened: it seems to be damaged or incomplete. "
            "Save it again from Excel and upload the new copy."
        ),
    )


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return value or None
    return value


class _Formula:
    """A formula cell, as read: never its cached value, which may be stale or missing."""


FORMULA = _Formula()


class _LongNumber(Exception):
    """A number cell with more digits than Python reads as an integer (4,300)."""

    def __init__(self, row: int, column: int):
        super().__init__(row, column)
        self.row, self.column = row, column


def _rows(worksheet, max_col: int):
    """(row number, values of columns 1 to max_col) for each row the sheet holds; a formula
    cell's value is FORMULA.

    Read with openpyxl's sheet parser rather than iter_rows, which trusts the size a file
    claims for itself and makes up every empty row between two rows: a file of a few
    kilobytes could ask for a million."""
    workbook = worksheet.parent
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        rows = parser.parse()
        while True:
            try:
                number, cells = next(rows)
            except StopIteration:
                return
            except ValueError as error:
                if "integer string conversion" not in str(error):
                    raise
                raise _LongNumber(parser.row_counter, parser.col_counter) from None
            values = [None] * max_col
            for cell in cells:
                if cell["column"] <= max_col:
                    formula = cell["data_type"] == "f"
                    values[cell["column"] - 1] = FORMULA if formula else cell["value"]
            yield number, values


def _formula_problem(worksheet, row: int, column: str) -> Problem:
    return Problem(worksheet.title, row, column, str(FORMULA_MESSAGE))


def _value(value: Any, within: limits.Limits) -> Any:
    """A cell's value as the checks read it, or Unreadable saying why it cannot be."""
    if value is FORMULA:
        return Unreadable(str(FORMULA_MESSAGE))
    if isinstance(value, str):
        problem = limits.text_problem(value, within)
    elif isinstance(value, int | float):
        problem = limits.number_problem(value, within)
    else:
        problem = None
    return Unreadable(problem) if problem else _clean(value)


def _lookup(labels: dict[str, Any]) -> dict[str, str]:
    """Normalised heading or sheet name in any language (or its key) -> key."""
    found = {}
    for key, label in labels.items():
        found[normalised(key)] = key
        for form in in_every_language(label):
            found.setdefault(form, key)
    return found


def read_xlsx(content: bytes) -> ParsedFile:
    """Read a workbook safely: size-checked, read-only, values as written (a formula is
    reported, never read), within the limits of every plan file (handlingskraft.limits)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        return ParsedFile(problems=[_damaged()])
    if unzipped > MAX_UNZIPPED_BYTES:
        return ParsedFile(
            problems=[Problem("", None, "", _("The workbook is too large to be read."))]
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # openpyxl raises many kinds of errors for broken files.
        return ParsedFile(problems=[_damaged()])
    try:
        return _read_workbook(workbook)
    except Exception:  # Damage inside a sheet only shows while its rows are read.
        return ParsedFile(problems=[_damaged()])
    finally:
        workbook.close()


def _read_workbook(workbook) -> ParsedFile:
    parsed = ParsedFile()
    names = _lookup({sheet.key: sheet.title for sheet in SHEETS})
    found = {}
    for title in workbook.sheetnames:
        key = names.get(normalised(title))
        if key and key not in found:
            found[key] = workbook[title]
    for sheet in SHEETS:
        worksheet = found.get(sheet.key)
        if worksheet is None and sheet.optional:
            parsed.sections[sheet.key] = []  # E.g. a workbook made before the sheet existed.
            continue
        if worksheet is None:
            parsed.problems.append(
                Problem(
                    str(sheet.title),
                    None,
                    "",
                    _(
                        "The workbook has no sheet “%(sheet)s”. Start from the template, "
                        "or give the sheet its name back."
                    )
                    % {"sheet": sheet.title},
                )
            )
            parsed.sections[sheet.key] = []
            continue
        reader = _read_fields if sheet.vertical else _read_table
        try:
            parsed.sections[sheet.key] = reader(worksheet, sheet, parsed.problems)
        except _LongNumber as error:
            parsed.problems.append(
                Problem(
                    worksheet.title,
                    error.row,
                    get_column_letter(error.column),
                    _("The number is longer than %(count)s characters.")
                    % {"count": limits.plan_file().max_number_length},
                )
            )
            parsed.sections[sheet.key] = []
    return parsed


def _missing_column(worksheet, row: int | None, column: Column) -> Problem:
    return Problem(
        worksheet.title,
        row,
        str(column.label),
        _("The sheet has no column “%(column)s”. Add it to the heading row.")
        % {"column": column.label},
    )


def _too_many_rows(worksheet, row: int) -> Problem:
    return Problem(
        worksheet.title,
        row,
        "",
        _("The sheet has more than %(count)s rows. Split the plan into smaller files.")
        % {"count": limits.PLAN_MAX_ITEMS},
    )


def _read_table(worksheet, sheet: Sheet, problems: list[Problem]) -> list[Record]:
    headings = _lookup({column.key: column.label for column in sheet.columns})
    rows = _rows(worksheet, MAX_COLUMNS)
    heading_row, indexes, written = None, {}, {}
    for number, row in rows:
        if any(_clean(value) is not None for value in row):
            heading_row = number
            for index, value in enumerate(row):
                if value is FORMULA:
                    problems.append(
                        _formula_problem(worksheet, number, get_column_letter(index + 1))
                    )
                key = headings.get(normalised(value)) if isinstance(value, str) else None
                if key and key not in indexes:
                    indexes[key] = index
                    written[key] = value.strip()
            break
    for column in sheet.columns:
        if column.required and column.key not in indexes:
            problems.append(_missing_column(worksheet, heading_row or 1, column))
    records: list[Record] = []
    if heading_row is None:
        return records
    within = limits.plan_file()
    for number, row in rows:
        values = {key: _value(row[index], within) for key, index in indexes.items()}
        if all(value is None for value in values.values()):
            continue
        if len(records) == limits.PLAN_MAX_ITEMS:
            problems.append(_too_many_rows(worksheet, number))
            break
        where = {key: Location(worksheet.title, number, written[key]) for key in indexes}
        records.append(Record(values, where, Location(worksheet.title, number, "")))
    return records


def _read_fields(worksheet, sheet: Sheet, problems: list[Problem]) -> list[Record]:
    """The plan sheet: a field's label in column A, its value in column B."""
    labels = _lookup({column.key: column.label for column in sheet.columns})
    values, where = {}, {}
    within = limits.plan_file()
    for number, (label, value) in _rows(worksheet, 2):
        if number > limits.PLAN_MAX_ITEMS:
            break
        if label is FORMULA:
            problems.append(_formula_problem(worksheet, number, "A"))
        key = labels.get(normalised(label)) if isinstance(label, str) else None
        if key and key not in values:
            values[key] = _value(value, within)
            where[key] = Location(worksheet.title, number, label.strip())
    for column in sheet.columns:
        if column.required and column.key not in values:
            problems.append(
                Problem(
                    worksheet.title,
                    None,
                    str(column.label),
                    _("The sheet has no row “%(field)s”. Add it in column A.")
                    % {"field": column.label},
                )
            )
    return [Record(values, where, Location(worksheet.title, None, ""))]


def is_workbook(content: bytes) -> bool:
    return content.startswith(b"PK\x03\x04")


def is_old_excel(content: bytes) -> bool:
    """The .xls format (a Compound File), which openpyxl cannot read."""
    return content.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
