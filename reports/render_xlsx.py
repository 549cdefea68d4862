"""A document as an Excel workbook (openpyxl): a first sheet with the title, facts, findings and
a list of the sheets, then one sheet per table (caption, heading row, rows, footnotes), and the
documents' texts (accounts, activities) on a last sheet. Numbers are numbers; nothing is a
formula, so nothing recomputes a hidden value."""

import io

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from handlingskraft.workbooks import clean_text, put, sheet_name

from .document import Document, Entries, Findings, Items, Paragraph, Table, display

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEADING_FILL = PatternFill("solid", fgColor="DDE4EE")
WRAP = Alignment(wrap_text=True, vertical="top")
RIGHT = Alignment(horizontal="right", vertical="top")
LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}


def _put(sheet, row: int, column: int, value, *, font=None, alignment=WRAP):
    cell = put(sheet, row, column, value)
    if font:
        cell.font = font
    cell.alignment = alignment
    return cell


def render_xlsx(document: Document) -> bytes:
    if document.exact:
        raise ValueError("A document with exact figures is never exported.")
    with translation.override(document.language):
        workbook = Workbook()
        taken: set[str] = set()
        front = workbook.active
        front.title = sheet_name(_("Report"), taken)
        tables = document.tables()
        names = [sheet_name(table.sheet or table.caption, taken) for table in tables]
        _front_sheet(front, document, tables, names)
        for table, name in zip(tables, names, strict=True):
            _table_sheet(workbook.create_sheet(name), table, document.language)
        entries = [
            (section.title, entry)
            for section in document.sections
            for block in section.blocks
            if isinstance(block, Entries)
            for entry in block.entries
        ]
        if entries:
            _entries_sheet(workbook.create_sheet(sheet_name(_("Texts"), taken)), entries)
        properties = workbook.properties
        properties.title = clean_text(document.title)
        properties.subject = clean_text(document.subtitle)
        properties.creator = clean_text(document.author) or "Handlingskraft"
        properties.language = LANGUAGE_TAGS.get(document.language, document.language)
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def _front_sheet(sheet, document: Document, tables: list[Table], names: list[str]) -> None:
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 90
    _put(sheet, 1, 1, document.title, font=TITLE, alignment=Alignment(vertical="top"))
    row = 2
    if document.subtitle:
        _put(sheet, row, 1, document.subtitle)
        row += 1
    row += 1
    for label, value in document.facts:
        _put(sheet, row, 1, label, font=BOLD)
        _put(sheet, row, 2, value, alignment=Alignment(horizontal="left", vertical="top"))
        row += 1
    for section in document.sections:
        for block in section.blocks:
            if isinstance(block, Findings) and section.key == "summary":
                row += 1
                _put(sheet, row, 1, block.title or section.title, font=BOLD)
                for item in block.items:
                    _put(sheet, row, 2, item)
                    row += 1
    row += 1
    _put(sheet, row, 1, _("Sheet"), font=BOLD)
    _put(sheet, row, 2, _("Table"), font=BOLD)
    for table, name in zip(tables, names, strict=True):
        row += 1
        _put(sheet, row, 1, name)
        _put(sheet, row, 2, table.caption)
    notes = [
        block
        for section in document.sections
        if section.key == "about"
        for block in section.blocks
        if isinstance(block, Items | Paragraph)
    ]
    for block in notes:
        row += 1
        for text in block.items if isinstance(block, Items) else [block.text]:
            row += 1
            _put(sheet, row, 2, text)


def _table_sheet(sheet, table: Table, language: str) -> None:
    numeric = table.numeric_columns()
    _put(sheet, 1, 1, table.caption, font=BOLD, alignment=Alignment(vertical="top"))
    heading_row = 3
    for c, header in enumerate(table.headers, start=1):
        cell = _put(sheet, heading_row, c, header, font=BOLD)
        cell.fill = HEADING_FILL
        width = 44 if c == 1 else (14 if c - 1 in numeric else 30)
        sheet.column_dimensions[get_column_letter(c)].width = width
    last = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        total = table.total_row and r == last
        for c, value in enumerate(row, start=1):
            if c - 1 in numeric:
                cell = _put(sheet, heading_row + 1 + r, c, value, alignment=RIGHT)
                if isinstance(value, float):
                    cell.number_format = "0.0"
            else:
                text = (
                    value if isinstance(value, str) or value is None else display(value, language)
                )
                cell = _put(sheet, heading_row + 1 + r, c, text)
            if total:
                cell.font = BOLD
    row = heading_row + len(table.rows) + 2
    for footnote in table.footnotes:
        _put(sheet, row, 1, footnote, alignment=Alignment(vertical="top"))
        row += 1
    sheet.freeze_panes = sheet.cell(row=heading_row + 1, column=2)


def _entries_sheet(sheet, entries) -> None:
    headers = [_("Section"), _("Heading"), _("Field"), _("Text")]
    for c, (header, width) in enumerate(zip(headers, [30, 50, 26, 90], strict=True), start=1):
        cell = _put(sheet, 1, c, header, font=BOLD)
        cell.fill = HEADING_FILL
        sheet.column_dimensions[get_column_letter(c)].width = width
    row = 2
    for section_title, entry in entries:
        for label, text in entry.fields or [["", ""]]:
            for c, value in enumerate([section_title, entry.title, label, text], start=1):
                _put(sheet, row, c, value)
            row += 1
    sheet.freeze_panes = "A2"
