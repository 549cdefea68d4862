"""The published report of the demo municipality's completed round, fetched in every format as
a reader would: the web page, PDF, Word and Excel carry the same numbers, and each file is what
it claims to be (tagged Swedish PDF, Word with real headings, one sheet per table) and opens in
LibreOffice."""

import io
import re

import pytest
from docx import Document as WordDocument
from openpyxl import load_workbook

from reports.document import display
from reports.queries import published_document

from .conftest import demo_completed_round, libreoffice_to_pdf, needs_libreoffice, published_outputs
from .reading import (
    docx_headings,
    docx_tables,
    html_tables,
    normal,
    pdf_catalog,
    pdf_objects,
    pdf_text,
    xlsx_formulas,
    xlsx_tables,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(module_data):
    def build():
        outputs = published_outputs(demo_completed_round())
        outputs["document"] = published_document(outputs["report"])
        return outputs

    return module_data(build)


def expected_rows(table, language="sv"):
    return [[normal(h) for h in table.headers]] + [
        [normal(display(value, language)) for value in row] for row in table.rows
    ]


def test_the_demo_report_has_every_part_of_the_follow_up(demo):
    document = demo["document"]
    keys = [section.key for section in document.sections]
    for key in ("summary", "status", "stalled", "levels", "coverage", "indicators"):
        assert key in keys
    for key in ("statistics", "compliance", "accounts", "about"):
        assert key in keys
    assert any(key.startswith("statistic-") for key in keys)
    assert any(key.startswith("accounts-") for key in keys)
    assert not document.exact
    table_keys = [table.key for table in document.tables()]
    assert len(table_keys) == len(set(table_keys))
    captions = [table.caption for table in document.tables()]
    assert len(captions) == len(set(captions)), "every table can be found by its caption"


def test_web_page_pdf_word_and_excel_carry_the_same_numbers(demo):
    document = demo["document"]
    html = html_tables(demo["html"])
    word = {caption: rows for caption, rows in docx_tables(demo["docx"])}
    excel = xlsx_tables(demo["xlsx"])
    pdf = pdf_text(demo["pdf"])
    for table in document.tables():
        expected = expected_rows(table)
        assert html[table.key] == expected, f"web page: {table.caption}"
        assert word[normal(table.caption)] == expected, f"Word: {table.caption}"
        assert excel[normal(table.caption)] == expected, f"Excel: {table.caption}"
        for row in expected[1:]:
            assert normal(" ".join(row)) in pdf, f"PDF: {table.caption}: {row}"
    for label, value in document.facts:
        for text in (normal(demo["html"]), pdf):
            assert normal(f"{label} {display(value)}") in normalised_facts(text)


def normalised_facts(text: str) -> str:
    """The facts read as "label value" in the page and the PDF alike."""
    return normal(re.sub(r"<[^>]+>", " ", text))


def test_the_findings_are_sentences_from_the_data_in_every_format(demo):
    summary = demo["document"].sections[0]
    findings = summary.blocks[0].items
    assert any("%" in sentence for sentence in findings)
    word_text = normal(" ".join(p.text for p in WordDocument(io.BytesIO(demo["docx"])).paragraphs))
    workbook = load_workbook(io.BytesIO(demo["xlsx"]))
    front = normal(
        " ".join(str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value)
    )
    for sentence in findings:
        assert normal(sentence) in normal(demo["html"].replace("&#x27;", "'"))
        assert normal(sentence) in pdf_text(demo["pdf"])
        assert normal(sentence) in word_text
        assert normal(sentence) in front


def test_the_central_finding_about_prevention_levels_is_visible(demo):
    document = demo["document"]
    levels = next(t for t in document.tables() if t.key == "levels")
    reached = {row[0]: row[4] for row in levels.rows}
    # The demo answers, like the seeds' municipality, mostly reach the indicated level.
    indicated = next(v for k, v in reached.items() if k.lower().startswith("indik"))
    assert indicated >= 60
    summary = " ".join(document.sections[0].blocks[0].items)
    assert f"{indicated} %" in summary
    assert document.chart("levels").series[1].values == [row[4] for row in levels.rows[:-1]]


def test_the_pdf_is_tagged_and_swedish(demo):
    pdf = demo["pdf"]
    assert pdf.startswith(b"%PDF-1.7")
    catalog = pdf_catalog(pdf)
    assert re.search(rb"/Lang\s*\(sv\)", catalog)
    assert b"/StructTreeRoot" in catalog
    assert re.search(rb"/MarkInfo\s*<<\s*/Marked true", catalog)
    metadata = b"".join(data or b"" for _d, data in pdf_objects(pdf).values())
    assert b"pdfuaid" in metadata, "the XMP metadata declares PDF/UA"


def test_the_word_file_has_real_headings_and_swedish_language(demo):
    headings = docx_headings(demo["docx"])
    assert headings[0][0] == "Title"
    styles = {style for style, _text in headings}
    assert {"Heading 1", "Heading 2", "Heading 3"} <= styles
    titles = [text for style, text in headings if style == "Heading 1"]
    assert titles == [s.title for s in demo["document"].sections if s.level == 1]
    word = WordDocument(io.BytesIO(demo["docx"]))
    assert word.core_properties.language == "sv-SE"
    assert word.inline_shapes, "the charts are in the document"
    for shape in word.inline_shapes:
        assert shape._inline.docPr.get("descr"), "every chart has its text alternative"


def test_the_workbook_has_one_sheet_per_table_and_no_formulas(demo):
    document = demo["document"]
    workbook = load_workbook(io.BytesIO(demo["xlsx"]))
    table_sheets = workbook.worksheets[1 : 1 + len(document.tables())]
    assert [normal(s.cell(1, 1).value) for s in table_sheets] == [
        normal(t.caption) for t in document.tables()
    ]
    assert workbook.properties.language == "sv-SE"
    assert xlsx_formulas(demo["xlsx"]) == []


def test_every_chart_has_a_text_alternative_and_its_table_beside_it(demo):
    html = demo["html"]
    images = re.findall(r"<img [^>]*>", html)
    charts = demo["document"].charts()
    assert len(images) == len(charts) > 0
    for image in images:
        assert re.search(r'alt="[^"]{20,}"', image)
        assert 'src="data:image/svg+xml;base64,' in image
    for chart in charts:
        assert f'id="t-{chart.key}"' in html


@needs_libreoffice
def test_libreoffice_opens_the_pdf_word_and_excel_files(demo, tmp_path, libreoffice_profile):
    files = []
    for fmt in ("docx", "xlsx", "pdf"):
        path = tmp_path / f"report.{fmt}"
        path.write_bytes(demo[fmt])
        files.append(path)
    for path in libreoffice_to_pdf(files, tmp_path / "converted", libreoffice_profile):
        assert path.read_bytes().startswith(b"%PDF"), path
