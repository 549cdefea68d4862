"""A document as HTML, through Django templates: the body of a web page, and the whole page
WeasyPrint turns into the PDF.

The templates get a small view of the document in which every table cell is already written
out (text, number or not, hidden or not), so they hold no logic of their own."""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import translation

from .charts import chart_data_url
from .document import SUPPRESSED, Chart, Document, Figure, Table, display

ChartSource = Callable[[Chart], str]


def table_view(table: Table, *, language: str, exact: bool) -> dict:
    numeric = table.numeric_columns()
    rows = []
    last = len(table.rows) - 1
    for r, row in enumerate(table.rows):
        cells = []
        for c, value in enumerate(row):
            hidden = table.is_hidden(r, c)
            cells.append(
                {
                    "text": display(value, language),
                    "numeric": c in numeric,
                    "header": c == 0,
                    "suppressed": value == SUPPRESSED and hidden,
                    # Exact figures in the working view that publication will hide.
                    "would_hide": exact and hidden,
                }
            )
        rows.append({"cells": cells, "total": table.total_row and r == last})
    return {
        "key": table.key,
        "caption": table.caption,
        "headers": [{"text": h, "numeric": c in numeric} for c, h in enumerate(table.headers)],
        "rows": rows,
        "footnotes": table.footnotes,
    }


def document_view(document: Document, chart_source: ChartSource) -> dict:
    sections = []
    for section in document.sections:
        blocks = []
        for block in section.blocks:
            view = {"kind": block.kind, "block": block}
            if isinstance(block, Table):
                view["table"] = table_view(block, language=document.language, exact=document.exact)
            elif isinstance(block, Figure):
                view["table"] = table_view(
                    block.table, language=document.language, exact=document.exact
                )
                view["src"] = chart_source(block.chart)
            blocks.append(view)
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "heading": min(section.level + 1, 6),
                "entry_heading": min(section.level + 2, 6),
                "blocks": blocks,
            }
        )
    facts = [(label, display(value, document.language)) for label, value in document.facts]
    return {"document": document, "facts": facts, "sections": sections}


def render_body(document: Document, chart_source: ChartSource = chart_data_url) -> str:
    """The document as an HTML fragment, in the document's own language."""
    with translation.override(document.language):
        return render_to_string("reports/document_body.html", document_view(document, chart_source))


def render_page(document: Document, chart_source: ChartSource = chart_data_url) -> str:
    """A whole HTML document for print (WeasyPrint)."""
    with translation.override(document.language):
        context = document_view(document, chart_source)
        return render_to_string("reports/document_print.html", context)
