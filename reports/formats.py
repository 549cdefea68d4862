"""The file formats a document is exported in, and their renderers."""

from collections.abc import Callable

from .document import Document
from .render_docx import CONTENT_TYPE as DOCX
from .render_docx import render_docx
from .render_pdf import CONTENT_TYPE as PDF
from .render_pdf import render_pdf
from .render_xlsx import CONTENT_TYPE as XLSX
from .render_xlsx import render_xlsx

FORMATS: dict[str, tuple[Callable[[Document], bytes], str]] = {
    "pdf": (render_pdf, PDF),
    "docx": (render_docx, DOCX),
    "xlsx": (render_xlsx, XLSX),
}
PLAN_FORMATS = ("pdf", "docx")


def render(document: Document, fmt: str) -> bytes:
    return FORMATS[fmt][0](document)


def content_type(fmt: str) -> str:
    return FORMATS[fmt][1]
