"""A municipality whose statistics, participants and indicator counts are 1–4 goes through every
format — the published web page, PDF, Word and Excel, and the coordinator's own downloads of
the working version — and no hidden count appears in any of them or can be worked out from
what they show (the exact attacker of feasibility.py, hidden cells at least 1)."""

import re

import pytest
from django.urls import reverse

from organisations.models import User
from reports.content import report_build
from reports.document import SUPPRESSED, display
from reports.queries import published_document

from .conftest import published_outputs, signed_in, small_count_rounds
from .feasibility import protected, shown_line_ranges, shown_table_ranges
from .reading import docx_tables, html_tables, normal, pdf_text, xlsx_tables

pytestmark = pytest.mark.django_db
THRESHOLD = 5


@pytest.fixture(scope="module")
def small(module_data):
    def build():
        rounds = small_count_rounds()
        round_ = rounds[-1]
        exact = report_build(round_)
        outputs = published_outputs(round_)
        coordinator = User.objects.get(username="samordnare-litenby")
        client = signed_in(coordinator)
        for fmt in ("pdf", "docx", "xlsx"):
            url = reverse("reports:round_report_download", args=[round_.pk, fmt])
            response = client.get(url)
            assert response.status_code == 200
            outputs[f"working-{fmt}"] = response.content
        working_page = client.get(reverse("reports:round_report", args=[round_.pk]))
        outputs["working-page"] = working_page.content.decode()
        outputs["document"] = published_document(outputs["report"])
        outputs["exact"] = exact
        return outputs

    return module_data(build)


def statistic_tables(document):
    """The tables of counts with totals: statistics, their trends and the participants."""
    return [
        t for t in document.tables() if t.key.startswith("statistic-") or t.key == "participants"
    ]


def indicator_tables(document):
    return [
        t for t in document.tables() if t.key in ("indicators", "indicator_trend", "assessments")
    ]


def test_the_fixture_has_only_small_counts_and_every_one_is_hidden(small):
    exact = {t.key: t for t in statistic_tables(small["exact"])}
    published = {t.key: t for t in statistic_tables(small["document"])}
    honour = next(t for key, t in exact.items() if len(t.headers) > 3 and not key.endswith("trend"))
    interior = [v for row in honour.rows[:-1] for v in row[1:-1]]
    assert interior and set(interior) <= {1, 2, 3, 4}
    shown = published[honour.key]
    for r, row in enumerate(honour.rows[:-1]):
        for c in range(1, len(row) - 1):
            assert shown.rows[r][c] == SUPPRESSED
    assert any(table.hidden for table in exact.values())


def extracted_formats(small, tables=statistic_tables):
    """Each format's tables as a reader sees them, by caption."""
    document = small["document"]
    keys = {t.caption: t.key for t in tables(document)}
    html = html_tables(small["html"])
    formats = {"web page": {caption: html[key] for caption, key in keys.items()}}
    for prefix in ("", "working-"):
        word = dict(docx_tables(small[f"{prefix}docx"]))
        excel = xlsx_tables(small[f"{prefix}xlsx"])
        formats[f"{prefix}Word"] = {c: word[normal(c)] for c in keys}
        formats[f"{prefix}Excel"] = {c: excel[normal(c)] for c in keys}
    return formats


def as_numbers(rows):
    """Cells of a table as a reader has them: numbers, or None where hidden."""
    out = []
    for row in rows[1:]:
        values = []
        for text in row[1:]:
            if text == SUPPRESSED:
                values.append(None)
            elif text == "":
                values.append("")
            else:
                values.append(int(text.replace(" ", "")))
        out.append(values)
    return out


def assert_nothing_derivable(table, rows):
    """Every shown count is 0 or at least the threshold, and every hidden one could take at
    least two values given everything shown and the table's sums."""
    values = as_numbers(rows)
    for row in values:
        for value in row:
            assert value in (None, "") or value == 0 or value >= THRESHOLD, (table.key, row)
    if table.key == "participants":
        if len(values) == 2:  # one activity: its row and the total row repeat each other
            line = values[0]
            for cell, (low, high) in shown_line_ranges(line[:-1], line[-1]).items():
                assert protected(low, high, THRESHOLD), (table.key, cell)
        else:
            for cell, (low, high) in shown_table_ranges(values).items():
                assert protected(low, high, THRESHOLD), (table.key, cell, low, high)
    elif table.key.endswith("-trend") or len(table.headers) == 2:
        # Counts with their total below, one list per column (per year in a trend table).
        for column in range(len(values[0])):
            column_values = [row[column] for row in values]
            if "" in column_values or len(column_values) == 1:
                continue  # not reported that year, or a single count shown alone
            parts, total = column_values[:-1], column_values[-1]
            for cell, (low, high) in shown_line_ranges(parts, total).items():
                assert protected(low, high, THRESHOLD), (table.key, column, cell)
    else:
        for cell, (low, high) in shown_table_ranges(values).items():
            assert protected(low, high, THRESHOLD), (table.key, cell, low)


def test_no_hidden_count_appears_in_or_can_be_worked_out_from_any_format(small):
    published = statistic_tables(small["document"])
    exact = {t.key: t for t in statistic_tables(small["exact"])}
    for name, tables in extracted_formats(small).items():
        for table in published:
            rows = tables[table.caption]
            expected = [[normal(h) for h in table.headers]] + [
                [normal(display(v)) for v in row] for row in table.rows
            ]
            assert rows == expected, (name, table.caption)
            for r, c in exact[table.key].hidden:
                assert rows[r + 1][c] == SUPPRESSED, (name, table.caption, r, c)
            assert_nothing_derivable(table, rows)


def test_participants_are_in_the_report_and_protected_in_every_format(small):
    exact = next(t for t in small["exact"].tables() if t.key == "participants")
    assert exact.hidden and any(1 <= v <= 4 for row in exact.rows[:-1] for v in row[1:-1])
    shown = next(t for t in small["document"].tables() if t.key == "participants")
    for r, c in exact.hidden:
        assert shown.rows[r][c] == SUPPRESSED


def test_small_indicator_counts_and_shares_are_hidden_with_their_assessments(small):
    exact = {t.key: t for t in indicator_tables(small["exact"])}
    indicators = exact["indicators"]
    # M1: 2 of 50, M2: 48 of 50 (2 not), M9: a count of 3; value, assessment, target reached.
    hidden_rows = {r for r, _c in indicators.hidden}
    assert {indicators.rows[r][0].split()[0] for r in hidden_rows} == {"M1", "M2", "M9"}
    assert all(
        {(r, 6), (r, 7), (r, 8)} <= {tuple(x) for x in indicators.hidden} for r in hidden_rows
    )
    assert exact["indicator_trend"].hidden
    assessments = next(t for t in small["document"].tables() if t.key == "assessments")
    not_shown = dict((row[0], row[1]) for row in assessments.rows)
    assert not_shown["Visas inte (litet antal)"] == 3
    for name, tables in extracted_formats(small, indicator_tables).items():
        for table in indicator_tables(small["document"]):
            rows = tables[table.caption]
            for r, c in exact[table.key].hidden:
                assert rows[r + 1][c] == SUPPRESSED, (name, table.key, r, c)
    findings = " ".join(
        item
        for s in small["document"].sections
        for b in s.blocks
        if b.kind == "findings"
        for item in b.items
    )
    assert "För 3 visas inte värdet och bedömningen" in findings


def test_the_pdfs_show_the_hidden_rows_and_never_the_exact_ones(small):
    published = {t.key: t for t in statistic_tables(small["document"])}
    for name in ("pdf", "working-pdf"):
        text = pdf_text(small[name])
        for table in statistic_tables(small["exact"]):
            for exact_row, shown_row in zip(table.rows, published[table.key].rows, strict=True):
                shown = normal(" ".join(display(v) for v in shown_row))
                assert shown in text, (name, table.caption, shown)
                if exact_row != shown_row:
                    assert normal(" ".join(display(v) for v in exact_row)) not in text


def test_the_frozen_content_holds_no_hidden_count(small):
    content = small["report"].content
    exact = {t.key: t for t in statistic_tables(small["exact"])}
    for section in content["sections"]:
        for block in section["blocks"]:
            table = block.get("table") if block["kind"] == "figure" else block
            if block["kind"] in ("table", "figure") and table["key"] in exact:
                for r, c in exact[table["key"]].hidden:
                    assert table["rows"][r][c] == SUPPRESSED
            if block["kind"] == "figure":
                for series, index in block["chart"]["hidden"]:
                    assert block["chart"]["series"][series]["values"][index] is None
    assert content["exact"] is False and content["notice"] == ""


def test_charts_leave_out_hidden_values_and_describe_without_numbers(small):
    for chart in small["document"].charts():
        for series, index in chart.hidden:
            assert chart.series[series].values[index] is None
        assert not re.search(r"\d", chart.description)


def test_the_coordinators_working_page_shows_exact_figures_marked_and_warned(small):
    page = small["working-page"]
    tables = html_tables(page)
    exact = statistic_tables(small["exact"])
    honour = next(t for t in exact if len(t.headers) > 3 and not t.key.endswith("trend"))
    first_cell = tables[honour.key][1][1]
    assert re.match(r"^[1-4] ", first_cell), first_cell  # the value and its "hidden" marker
    assert "would-hide" in page
    assert small["exact"].notice and normal(small["exact"].notice) in normal(page)
