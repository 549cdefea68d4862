"""A document as Word (python-docx): the document's title in the Title style, sections in real
Heading 1–6 styles so Word's navigation pane and table of contents work, tables with a
repeating heading row, charts as pictures with their text alternative, and Swedish (or the
document's language) as the language of the text and of the file."""

import io
import re

from docx import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from .charts import chart_png
from .document import (
    Document,
    Entries,
    Facts,
    Figure,
    Findings,
    Items,
    Paragraph,
    Table,
    display,
)

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Characters XML cannot hold (text pasted from elsewhere sometimes carries them).
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: str) -> str:
    return NOT_XML.sub("", value)


LANGUAGE_TAGS = {"sv": "sv-SE", "en": "en-GB"}


def render_docx(document: Document) -> bytes:
    if document.exact:
        raise ValueError("A document with exact figures is never exported.")
    word = WordDocument()
    language = LANGUAGE_TAGS.get(document.language, document.language)
    _set_language(word, language)
    properties = word.core_properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.author = document.author or "Handlingskraft"
    properties.language = language
    properties.comments = "Handlingskraft"
    if document.landscape:
        _landscape(word)
    word.styles["Normal"].font.name = "DejaVu Sans"
    word.styles["Normal"].font.size = Pt(10)
    word.styles["Table Grid"].font.size = Pt(8.5)
    styles = _Styles(word)

    styles.add(document.title, "Title")
    if document.subtitle:
        styles.add(document.subtitle, "Subtitle")
    for label, value in document.facts:
        _labelled(word, str(label), display(value, document.language))
    for section in document.sections:
        styles.add(section.title, f"Heading {min(section.level, 9)}")
        for block in section.blocks:
            _block(word, styles, block, document, min(section.level + 1, 9))
    if document.draft_mark:
        _draft_headers(word, document.draft_mark)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


class _Styles:
    """Paragraphs in a named style. python-docx looks a style up by name on every paragraph,
    which costs more than the rest of a long report together: look each up once."""

    def __init__(self, word):
        self.word = word
        self.ids: dict[str, str] = {}

    def add(self, text: str, name: str):
        if name not in self.ids:
            self.ids[name] = self.word.styles[name].style_id
        paragraph = self.word.add_paragraph(_text(text))
        paragraph._p.style = self.ids[name]
        return paragraph


def _set_language(word, language: str) -> None:
    """The language of every run that does not say otherwise (spelling, hyphenation, speech)."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    for attribute in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attribute), language)


def _draft_headers(word, mark: str) -> None:
    """The mark in the header of every section, so it stands on every page."""
    for section in word.sections:
        header = section.header
        header.is_linked_to_previous = False
        paragraph = header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        run = paragraph.add_run(_text(mark))
        run.bold = True
        run.font.size = Pt(11)
        run.font.color.rgb = RGBColor(0x8A, 0x1C, 0x1C)


def _landscape(word) -> None:
    section = word.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))


def _labelled(word, label: str, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.add_run(_text(f"{label}: ")).bold = True
    paragraph.add_run(_text(text))


def _block(word, styles: _Styles, block, document: Document, entry_level: int) -> None:
    language = document.language
    if isinstance(block, Paragraph):
        for part in block.text.split("\n\n"):
            word.add_paragraph(_text(part))
    elif isinstance(block, Items):
        if block.intro:
            word.add_paragraph(_text(block.intro))
        for item in block.items:
            styles.add(item, "List Bullet")
    elif isinstance(block, Findings):
        if block.title:
            word.add_paragraph().add_run(_text(block.title)).bold = True
        for item in block.items:
            styles.add(item, "List Bullet")
    elif isinstance(block, Facts):
        for label, value in block.items:
            _labelled(word, str(label), display(value, language))
    elif isinstance(block, Table):
        _table(word, styles, block, language)
    elif isinstance(block, Figure):
        picture = word.add_picture(
            io.BytesIO(chart_png(block.chart)), width=Cm(23 if document.landscape else 16)
        )
        properties = picture._inline.docPr
        properties.set("descr", _text(block.chart.description))
        properties.set("title", _text(block.chart.title))
        styles.add(block.chart.title, "Caption")
        _table(word, styles, block.table, language)
    elif isinstance(block, Entries):
        for entry in block.entries:
            styles.add(entry.title, f"Heading {entry_level}")
            for label, text in entry.fields:
                word.add_paragraph().add_run(_text(label)).bold = True
                for part in text.split("\n\n"):
                    word.add_paragraph(_text(part))


def _table(word, styles: _Styles, table: Table, language: str) -> None:
    styles.add(table.caption, "Caption")
    numeric = table.numeric_columns()
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.LEFT
    rows = grid.rows  # row by row: Table.cell() walks the whole table on every call
    _repeat_heading_row(rows[0])
    for c, (cell, header) in enumerate(zip(rows[0].cells, table.headers, strict=True)):
        _cell(cell, header, bold=True, right=c in numeric)
    last = len(table.rows) - 1
    for r, (word_row, row) in enumerate(zip(rows[1:], table.rows, strict=True)):
        total = table.total_row and r == last
        for c, (cell, value) in enumerate(zip(word_row.cells, row, strict=True)):
            _cell(cell, display(value, language), bold=total, right=c in numeric)
    for footnote in table.footnotes:
        paragraph = word.add_paragraph()
        run = paragraph.add_run(_text(footnote))
        run.font.size = Pt(8)


def _cell(cell, text: str, *, bold: bool, right: bool) -> None:
    paragraph = cell.paragraphs[0]
    run = paragraph.add_run(_text(text))
    if bold:
        run.bold = True
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _repeat_heading_row(row) -> None:
    """Mark the row as the table's heading: repeated on every page, read as headers."""
    properties = row._tr.get_or_add_trPr()
    heading = OxmlElement("w:tblHeader")
    heading.set(qn("w:val"), "true")
    properties.append(heading)
