"""A document as a tagged PDF (PDF/UA-1) in the document's language, drawn by WeasyPrint from
the same HTML as the web page with the print style sheet. Nothing is fetched from the network:
the charts travel inside the page as data URLs and the style sheet is read from disk."""

import logging
from pathlib import Path

from .document import Document
from .render_html import render_page

CONTENT_TYPE = "application/pdf"
PRINT_CSS = Path(__file__).parent / "static" / "reports" / "print.css"
# WeasyPrint reports every page it lays out at INFO; only its problems belong in the log.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def render_pdf(document: Document) -> bytes:
    if document.exact:
        raise ValueError("A document with exact figures is never exported.")
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"})  # no network, no files
    html = render_page(document)
    return HTML(
        string=html, url_fetcher=fetcher
    ).write_pdf(
        stylesheets=[CSS(filename=str(PRINT_CSS), url_fetcher=fetcher)],
        pdf_variant="pdf/ua-1",  # tagged, with a structure tree; the language from <html lang>
        pdf_identifier=document.title.encode()[:32] or b"handlingskraft",
    )
