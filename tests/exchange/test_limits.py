"""A plan file, JSON or Excel, is read within one set of limits (handlingskraft.limits): each
crafted value is refused where it is, with a clear message, and nothing is written. A formula
cell is reported, never read, whatever value it shows."""

import io
import json
import re
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from exchange.data import version_to_data
from exchange.importer import ImportProblems, plan_version_import_file
from exchange.jsonfile import data_to_json
from handlingskraft.limits import PLAN_MAX_ITEMS, PLAN_MAX_TEXT

from .conftest import (
    column_of,
    database_counts,
    edited,
    label_of,
    open_workbook,
    plan_row,
    save_workbook,
    sheet_of,
    title_of,
)

FORMULA = "The cell contains a formula. Paste its value instead."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def rich_json(rich_version) -> bytes:
    return data_to_json(version_to_data(rich_version))


def refused(municipality, content: bytes, name: str) -> list:
    before = database_counts()
    with pytest.raises(ImportProblems) as caught:
        plan_version_import_file(municipality=municipality, name=name, content=content)
    assert database_counts() == before
    return caught.value.problems


def places(problems) -> dict[tuple, str]:
    return {(p.sheet, p.row, p.column): p.message for p in problems}


def json_refused(municipality, text: str) -> dict[tuple, str]:
    return places(refused(municipality, text.encode(), "plan.json"))


def with_goal_title(rich_json: bytes, raw: str) -> str:
    """The JSON file with the first goal's title written as `raw` (JSON source text)."""
    text = rich_json.decode()
    assert text.count('"Mål 1"') == 1
    return text.replace('"Mål 1"', raw)


# JSON ---------------------------------------------------------------------------------------


def test_json_nested_deeper_than_python_reads_is_refused(municipality):
    depth = 100_000
    text = '{"format": "handlingskraft-plan", "goals": ' + "[" * depth + "]" * depth + "}"

    problems = json_refused(municipality, text)

    assert problems == {
        ("", None, ""): "The file has lists or objects nested more than 10 levels deep."
    }


def test_json_nested_a_little_too_deep_is_refused_where_it_is(municipality, rich_json):
    data = json.loads(rich_json)
    data["goals"][1]["conditions"] = [[[[[[[[["djupt"]]]]]]]]]

    problems = json_refused(municipality, json.dumps(data))

    assert "nested more than 10 levels" in problems[("goals", 2, "conditions")]
    assert len(problems) == 1


def test_an_integer_of_more_than_4300_digits_is_refused_where_it_is(municipality, rich_json):
    data = json.loads(rich_json)
    data["indicators"][0]["baseline_value"] = "NUMBER"
    text = json.dumps(data).replace('"NUMBER"', "9" * 5000)

    problems = json_refused(municipality, text)

    assert problems == {
        ("indicators", 1, "baseline_value"): "The number is longer than 30 characters."
    }


@pytest.mark.parametrize(
    "value", ["1e30", "-1e300", "123456789012345678901234567", '"1e999999999"', '"-1e999999"']
)
def test_a_huge_number_that_fits_the_length_is_too_large(municipality, rich_json, value):
    data = json.loads(rich_json)
    data["indicators"][0]["target_value"] = "NUMBER"

    problems = json_refused(municipality, json.dumps(data).replace('"NUMBER"', value))

    assert problems == {("indicators", 1, "target_value"): "The number is too large."}


def test_a_year_with_a_huge_exponent_is_refused_at_once(municipality, rich_json):
    data = json.loads(rich_json)
    data["activities"][0]["start_year"] = "1e999999999"

    problems = json_refused(municipality, json.dumps(data))

    assert problems[("activities", 1, "start_year")] == "Enter a year between 1990 and 2100."


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_not_numbers(municipality, rich_json, constant):
    data = json.loads(rich_json)
    data["indicators"][0]["baseline_value"] = "NUMBER"

    problems = json_refused(municipality, json.dumps(data).replace('"NUMBER"', constant))

    assert problems == {("indicators", 1, "baseline_value"): f"“{constant}” is not a number."}


def test_a_lone_surrogate_is_refused_where_it_is(municipality, rich_json):
    problems = json_refused(municipality, with_goal_title(rich_json, r'"M\ud800l 1"'))

    assert problems == {
        ("goals", 1, "title"): "The text contains an invalid character (U+D800). It cannot be "
        "saved: remove it or write the text again."
    }


@pytest.mark.parametrize(("escape", "code"), [(r"\u0000", "U+0000"), (r"\u001b", "U+001B")])
def test_nul_and_control_characters_are_refused_where_they_are(
    municipality, rich_json, escape, code
):
    """On PostgreSQL a NUL would fail the insert; on SQLite it would be stored and break a
    restore into PostgreSQL later."""
    problems = json_refused(municipality, with_goal_title(rich_json, f'"Mål{escape} 1"'))

    assert problems == {
        ("goals", 1, "title"): f"The text contains a control character ({code}), which cannot "
        "be saved. Remove it."
    }


@pytest.mark.parametrize(("key", "code"), [(r"ti\u0007tle", "U+0007"), (r"ti\udc00tle", "U+DC00")])
def test_a_key_that_cannot_be_read_is_refused_at_its_object(municipality, rich_json, key, code):
    """Never repeated in the message: the page could not even be written with it."""
    problems = json_refused(municipality, rich_json.decode().replace('"title"', f'"{key}"', 1))

    assert list(problems) == [("plan", None, "")]
    assert code in problems[("plan", None, "")]


def test_tabs_and_line_breaks_are_text(municipality, rich_json):
    version = plan_version_import_file(
        municipality=municipality,
        name="plan.json",
        content=with_goal_title(rich_json, r'"Mål\t1"').encode(),
    )

    assert version.goals.get(code="1").title == "Mål\t1"


def test_a_text_longer_than_an_excel_cell_is_refused(municipality, rich_json):
    data = json.loads(rich_json)
    data["activities"][1]["description"] = "x" * (PLAN_MAX_TEXT + 1)

    problems = json_refused(municipality, json.dumps(data))

    assert problems == {
        ("activities", 2, "description"): "The text is longer than 32767 characters."
    }


def test_a_key_written_twice_is_refused(municipality, rich_json):
    text = rich_json.decode().replace('"title": ', '"title": "Första titeln", "title": ', 1)

    problems = json_refused(municipality, text)

    assert problems == {
        ("plan", None, "title"): "“title” is written more than once in the same object."
    }


def test_a_section_with_more_items_than_a_sheet_holds_is_refused(municipality, rich_json):
    """The probe's 60,000 goals took 95 s to import and drew an 86 MB page."""
    data = json.loads(rich_json)
    data["goals"] = [{"code": str(n), "title": "M"} for n in range(60_000)]

    problems = json_refused(municipality, json.dumps(data, separators=(",", ":")))

    assert problems == {
        ("goals", None, ""): f"The list has more than {PLAN_MAX_ITEMS} items. Split the file "
        "into smaller ones."
    }


def test_a_section_of_exactly_the_limit_is_read(municipality, rich_json):
    data = json.loads(rich_json)
    data["actors"] += [
        {"name": f"Arbetsgrupp {n}", "short_name": "", "kind": "working_group", "parent": None}
        for n in range(PLAN_MAX_ITEMS - len(data["actors"]))
    ]
    data["plan"]["title"] = None  # one problem, so that nothing is written

    problems = json_refused(municipality, json.dumps(data))

    assert list(problems) == [("plan", None, "title")]


@pytest.mark.parametrize("name", ["plan.json", "plan.xlsx"])
def test_a_file_above_the_size_limit_is_refused_in_either_format(
    municipality, rich_json, rich_xlsx, settings, name
):
    settings.PLAN_IMPORT_MAX_BYTES = 1000
    content = rich_json if name.endswith("json") else rich_xlsx

    (problem,) = refused(municipality, content, name)

    assert "larger than 1000" in problem.message


# Excel ----------------------------------------------------------------------------------------


def xlsx_refused(municipality, content: bytes) -> dict[tuple, str]:
    return places(refused(municipality, content, "plan.xlsx"))


def place(key: str, row, column_key: str) -> tuple:
    return (title_of(key), row, label_of(key, column_key))


@pytest.mark.parametrize("column_key", ["description", "intended_outcome"])
def test_a_formula_in_an_optional_column_is_reported_not_emptied(
    municipality, rich_xlsx, column_key
):
    problems = xlsx_refused(
        municipality, edited(rich_xlsx, ("activities", 3, column_key, '=CONCAT("Gäller ","alla")'))
    )

    assert problems == {place("activities", 3, column_key): FORMULA}


@pytest.mark.parametrize(("key", "column_key"), [("goals", "title"), ("activities", "lead")])
def test_a_formula_in_a_required_column_is_reported_not_fill_in(
    municipality, rich_xlsx, key, column_key
):
    problems = xlsx_refused(municipality, edited(rich_xlsx, (key, 2, column_key, "=B7")))

    assert problems == {place(key, 2, column_key): FORMULA}


def test_a_formula_on_the_plan_sheet_is_reported_where_it_is(municipality, rich_xlsx):
    problems = xlsx_refused(municipality, edited(rich_xlsx, ("plan", 0, "valid_from", "=2020+5")))

    assert problems == {
        (title_of("plan"), plan_row("valid_from"), label_of("plan", "valid_from")): FORMULA
    }


def test_a_formula_in_a_heading_is_reported_by_its_column_letter(municipality, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    sheet_of(workbook, "goals").cell(
        row=1, column=column_of("goals", "description")
    ).value = '="Beskrivning"'

    problems = xlsx_refused(municipality, save_workbook(workbook))

    assert problems == {(title_of("goals"), 1, "D"): FORMULA}


def with_cell(content: bytes, key: str, cell: str, xml: str) -> bytes:
    """The workbook with one cell of a sheet written as `xml`, as no openpyxl call writes it:
    a formula with the value Excel last computed, a number of any length."""
    index = open_workbook(content).sheetnames.index(title_of(key)) + 1
    path = f"xl/worksheets/sheet{index}.xml"  # openpyxl numbers the sheets in order
    source, target = io.BytesIO(content), io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename == path:
                pattern = rf'<c r="{cell}"[^>]*?(/>|>.*?</c>)'
                assert re.search(pattern, data.decode()), cell
                data = re.sub(pattern, xml, data.decode(), count=1).encode()
            copy.writestr(info, data)
    return target.getvalue()


def test_a_formula_is_reported_even_with_the_value_excel_computed(municipality, rich_xlsx):
    formula = '<c r="C3" t="str"><f>A3&amp;" "&amp;B3</f><v>1.1 1</v></c>'

    problems = xlsx_refused(municipality, with_cell(rich_xlsx, "goals", "C3", formula))

    assert problems == {place("goals", 3, "title"): FORMULA}


def test_a_control_character_in_a_cell_is_refused_where_it_is(municipality, rich_xlsx):
    problems = xlsx_refused(municipality, edited(rich_xlsx, ("goals", 3, "title", "Mål\x7f")))

    assert problems == {
        place("goals", 3, "title"): "The text contains a control character (U+007F), which "
        "cannot be saved. Remove it."
    }


def test_a_cell_longer_than_excel_allows_is_refused(municipality, rich_xlsx):
    # openpyxl itself cuts longer text to 32,767 characters; another program may not.
    long_text = f'<c r="E2" t="inlineStr"><is><t>{"x" * (PLAN_MAX_TEXT + 1)}</t></is></c>'
    assert column_of("activities", "description") == 5  # E

    problems = xlsx_refused(municipality, with_cell(rich_xlsx, "activities", "E2", long_text))

    assert problems == {
        place("activities", 2, "description"): "The text is longer than 32767 characters."
    }


def test_a_number_cell_longer_than_the_limit_is_refused(municipality, rich_xlsx):
    long_number = '<c r="H2"><v>' + "1" * 31 + "</v></c>"

    problems = xlsx_refused(municipality, with_cell(rich_xlsx, "indicators", "H2", long_number))

    assert problems == {
        place("indicators", 2, "baseline_value"): "The number is longer than 30 characters."
    }


def test_a_number_cell_of_more_than_4300_digits_is_refused_where_it_is(municipality, rich_xlsx):
    assert column_of("indicators", "baseline_value") == 8  # H
    huge = '<c r="H2"><v>' + "9" * 5000 + "</v></c>"

    problems = xlsx_refused(municipality, with_cell(rich_xlsx, "indicators", "H2", huge))

    assert problems == {
        (title_of("indicators"), 2, "H"): "The number is longer than 30 characters."
    }


def test_a_sheet_with_more_rows_than_the_limit_is_refused(municipality, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    goals = sheet_of(workbook, "goals")
    for n in range(PLAN_MAX_ITEMS):
        goals.append([f"9.{n}", None, f"Mål 9.{n}"])

    problems = xlsx_refused(municipality, save_workbook(workbook))

    assert problems == {
        (title_of("goals"), PLAN_MAX_ITEMS + 2, ""): f"The sheet has more than {PLAN_MAX_ITEMS} "
        "rows. Split the plan into smaller files."
    }


def test_a_row_far_below_the_others_is_read_where_it_is(municipality, rich_xlsx):
    """openpyxl's own reading would make up the million empty rows in between (minutes for a
    file of a few kilobytes); the rows the sheet holds are read, at their own numbers."""
    workbook = open_workbook(rich_xlsx)
    sheet_of(workbook, "goals").cell(row=1_048_000, column=column_of("goals", "code"), value="7")

    problems = xlsx_refused(municipality, save_workbook(workbook))

    assert problems == {place("goals", 1_048_000, "title"): "Fill in “Title”."}


# The probe, through the page, in Swedish ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "djup.json",
            ('{"format": "handlingskraft-plan", "goals": ' + "[" * 50_000 + "]" * 50_000 + "}"),
            "Filen har listor eller objekt inuti varandra i fler än 10 nivåer.",
        ),
        (
            "tal.json",
            '{"format": "handlingskraft-plan", "format_version": ' + "1" * 4301 + "}",
            "Talet är längre än 30 tecken.",
        ),
        (
            "surrogat.json",
            '{"format": "handlingskraft-plan", "plan": {"title": "\\udc00"}}',
            "Texten innehåller ett ogiltigt tecken (U+DC00) som inte kan sparas.",
        ),
        (
            "nul.json",
            '{"format": "handlingskraft-plan", "plan": {"title": "Plan\\u0000"}}',
            "Texten innehåller ett styrtecken (U+0000) som inte kan sparas. Ta bort det.",
        ),
        (
            "dubbel.json",
            '{"format": "handlingskraft-plan", "format": "handlingskraft-plan"}',
            "”format” står mer än en gång i samma objekt.",
        ),
        (
            "mål.json",
            json.dumps({"format": "handlingskraft-plan", "goals": [{}] * 60_000}),
            "Listan har fler än 5000 poster. Dela upp filen i mindre filer.",
        ),
    ],
)
def test_each_crafted_json_file_of_the_probe_gets_a_swedish_message(
    coordinator_client, name, content, message
):
    before = database_counts()
    with translation.override("sv"):
        response = coordinator_client.post(
            reverse("exchange:plan_import_new"),
            {"file": SimpleUploadedFile(name, content.encode())},
        )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert database_counts() == before


def test_a_formula_cell_of_the_probe_gets_the_swedish_message(coordinator_client, rich_xlsx):
    content = edited(rich_xlsx, ("goals", 3, "description", "=A1"))
    before = database_counts()

    with translation.override("sv"):
        response = coordinator_client.post(
            reverse("exchange:plan_import_new"), {"file": SimpleUploadedFile("p.xlsx", content)}
        )

    assert response.status_code == 200
    assert "Cellen innehåller en formel. Klistra in värdet i stället." in response.content.decode()
    assert database_counts() == before


def test_the_limits_leave_an_ordinary_plan_file_alone(municipality, rich_json):
    version = plan_version_import_file(municipality=municipality, name="p.json", content=rich_json)

    assert version_to_data(version)["goals"] == json.loads(rich_json)["goals"]


def test_the_page_lists_the_first_500_problems_and_counts_the_rest(coordinator_client, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    for n in range(620):
        sheet_of(workbook, "goals").append([f"9.{n}"])  # no title: one problem each
    with translation.override("sv"):
        response = coordinator_client.post(
            reverse("exchange:plan_import_new"),
            {"file": SimpleUploadedFile("p.xlsx", save_workbook(workbook))},
        )

    assert len(response.context["problems"]) == 500
    page = response.content.decode()
    assert "Rätta de 620 problemen nedan" in page
    assert "Ytterligare 120 problem visas inte." in page
