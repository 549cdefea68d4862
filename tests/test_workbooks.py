"""Every workbook the service writes holds text as text: no formula it did not write itself, no
control character, and text that a spreadsheet would take for a formula marked as typed text,
whatever people named their actors, plans and activities."""

import csv
import io
import re
import subprocess
import unicodedata
from datetime import date

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from openpyxl import Workbook, load_workbook

from followup.models import ActivityAnswer
from followup.services import round_open
from handlingskraft.workbooks import FORMULA_STARTS, put, put_formula, put_row, sheet_name
from organisations.models import Actor, User
from plans.models import Activity, Goal, PlanVersion
from reports.formats import PLAN_FORMATS
from tests.builders import make_actor, make_plan, make_user
from tests.conftest import confirm, signed_in
from tests.reports.conftest import answer_round, libreoffice_profile, needs_libreoffice

__all__ = ["libreoffice_profile"]  # a fixture, used below

HYPERLINK = '=HYPERLINK("http://x","y")'
# What people named things, and what a spreadsheet would do with it if it were a formula.
HOSTILE = [HYPERLINK, "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "a\x01\x1bb"]
WRITTEN = {"a\x01\x1bb": "ab"}  # control characters are left out


def written(text: str) -> str:
    return WRITTEN.get(text, text)


def control_characters(text: str) -> list[str]:
    return [c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"]


def cells(content: bytes):
    workbook = load_workbook(io.BytesIO(content))  # formulas as formulas, not cached values
    for sheet in workbook.worksheets:
        assert not control_characters(sheet.title), sheet.title
        for row in sheet.iter_rows():
            yield from (cell for cell in row if cell.value is not None)


def texts_of(content: bytes) -> list[str]:
    """Every text cell, after checking every cell of every sheet: no formula, no control
    character, and text that starts like a formula marked as typed text."""
    texts = []
    for cell in cells(content):
        where = f"{cell.parent.title}!{cell.coordinate}"
        assert cell.data_type != "f", (where, cell.value)
        if isinstance(cell.value, str):
            assert not control_characters(cell.value), (where, cell.value)
            if cell.value.startswith(FORMULA_STARTS):
                assert cell.quotePrefix, (where, cell.value)
            texts.append(cell.value)
    return texts


def workbook_url_names() -> set[str]:
    """The names of every URL that answers with a workbook: its route ends in .xlsx or it
    takes a format that may be xlsx."""
    found = set()

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern):
                route = str(pattern.pattern)
                if route.endswith(".xlsx") or "<str:fmt>" in route:
                    found.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns)
    return found


@pytest.fixture
def hostile(municipality):
    """A municipality whose actors, plan, goals, activities and answers carry every hostile
    text, with a round where every questionnaire is answered."""
    actors = [
        make_actor(municipality, name, kind=Actor.Kind.ADMINISTRATION, short_name=name[:10])
        for name in HOSTILE
    ]
    version = make_plan(
        municipality, goals=1, activities_per_goal=len(HOSTILE), actors=actors, title=HYPERLINK
    )
    Goal.objects.filter(version=version).update(title="@SUM(A1)", description="-1+1")
    for activity, name in zip(Activity.objects.filter(version=version), HOSTILE, strict=True):
        activity.title = name
        activity.intended_outcome = HYPERLINK
        activity.save()
    version.decided_by = "+1"
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    round_ = round_open(
        version=version, year=2025, deadline=date(2026, 3, 31), opens_on=date(2026, 2, 1)
    )
    answer_round(round_)
    for answer, name in zip(ActivityAnswer.objects.all(), HOSTILE * 50, strict=False):
        answer.what_was_done = name
        answer.obstacles = HYPERLINK
        answer.save()
    coordinator = make_user(municipality, User.Role.COORDINATOR)
    return {
        "round": round_,
        "version": version,
        "coordinator": signed_in(coordinator),
        "reader": signed_in(make_user(municipality, User.Role.READER)),
    }


def every_workbook(hostile) -> dict[str, bytes]:
    """Every workbook the service writes, fetched as people fetch them."""
    round_, version = hostile["round"], hostile["version"]
    coordinator, reader = hostile["coordinator"], hostile["reader"]
    urls = {
        "followup:round_export": (coordinator, [round_.pk]),
        "reports:round_report_download": (coordinator, [round_.pk, "xlsx"]),
        "exchange:version_export_xlsx": (reader, [version.pk]),
        "exchange:template_xlsx": (reader, []),
    }
    published = confirm(coordinator, reverse("reports:round_publish", args=[round_.pk]))
    assert published.status_code == 302
    report = round_.published_reports.get()
    urls["reports:published_download"] = (reader, [report.pk, "xlsx"])
    workbooks = {}
    for name, (client, args) in urls.items():
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert response.content.startswith(b"PK"), name
        workbooks[name] = response.content
    return workbooks


def test_every_workbook_holds_hostile_text_as_text_and_no_formula(hostile):
    workbooks = every_workbook(hostile)

    # A new workbook download is added here before it can be forgotten.
    assert "xlsx" not in PLAN_FORMATS  # plan documents are PDF and Word only
    assert workbooks.keys() == workbook_url_names() - {"reports:plan_document"}
    texts = {name: texts_of(content) for name, content in workbooks.items()}
    # The status list names every actor exactly as it is named, control characters left out.
    assert {written(name) for name in HOSTILE} <= set(texts["followup:round_export"])
    # The plan's own workbook, its text trimmed as the exchange format trims it.
    plan = set(texts["exchange:version_export_xlsx"])
    assert {written(name).strip() for name in HOSTILE} <= plan
    assert {HYPERLINK, "@SUM(A1)", "-1+1", "+1"} <= plan
    for name in ("reports:round_report_download", "reports:published_download"):
        report = "\n".join(texts[name])
        for text in HOSTILE:
            assert written(text).strip() in report, (name, text)


@needs_libreoffice
def test_libreoffice_reads_hostile_names_as_text(hostile, tmp_path, libreoffice_profile):
    path = tmp_path / "status.xlsx"
    path.write_bytes(every_workbook(hostile)["followup:round_export"])
    command = [
        "soffice",
        f"-env:UserInstallation={libreoffice_profile.as_uri()}",
        "--headless",
        "--convert-to",
        "csv:Text - txt - csv (StarCalc):44,34,76",  # comma, double quote, UTF-8
        "--outdir",
        str(tmp_path),
        str(path),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with open(tmp_path / "status.csv", newline="", encoding="utf-8") as file:
        first_column = [row[0] for row in csv.reader(file)]
    # Formulas would have become "y", 1, 0 and an error.
    for text in HOSTILE:
        assert written(text) in first_column


# The writer itself ----------------------------------------------------------------------------


def saved(workbook: Workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return load_workbook(io.BytesIO(buffer.getvalue())).active


@pytest.mark.parametrize("text", HOSTILE)
def test_text_is_written_as_text(text):
    workbook = Workbook()
    put(workbook.active, 1, 1, text)

    cell = saved(workbook)["A1"]

    assert (cell.value, cell.data_type) == (written(text), "s")
    assert cell.quotePrefix == written(text).startswith(FORMULA_STARTS)


def test_plain_text_numbers_and_dates_are_written_as_they_are():
    workbook = Workbook()
    put_row(workbook.active, 1, ["Socialnämnden", 12, 2.5, date(2025, 3, 1), True, None])

    row = [cell.value for cell in saved(workbook)[1]]

    assert row[:5] == ["Socialnämnden", 12, 2.5, row[3], True]
    assert row[3].date() == date(2025, 3, 1)
    assert not saved(workbook)["A1"].quotePrefix


def test_a_formula_is_written_only_when_asked_for():
    workbook = Workbook()
    put(workbook.active, 1, 1, 2)
    put(workbook.active, 2, 1, "=A1*2")
    put_formula(workbook.active, 3, 1, "=A1*2")

    sheet = saved(workbook)

    assert [sheet["A2"].data_type, sheet["A3"].data_type] == ["s", "f"]
    assert sheet["A3"].value == "=A1*2"
    with pytest.raises(ValueError):
        put_formula(workbook.active, 4, 1, "A1*2")


def test_sheet_names_are_valid_and_unique():
    taken: set[str] = set()

    names = [sheet_name(title, taken) for title in ["Mål: 1/2", "mål  1 2", "x\x1b" * 40, "''"]]

    assert names[:2] == ["Mål  1 2", "mål  1 2 (2)"]
    assert len(names[2]) == 31 and not control_characters(names[2])
    assert names[3] == "Sheet"
    assert all(not re.search(r"[\[\]:*?/\\]", name) for name in names)
