"""The workbook a coordinator edits in Excel, and how forgiving reading it back is."""

from decimal import Decimal

from django.utils import translation

from exchange.choices import choice_lists
from exchange.data import ACTIVITIES, GOALS, SHEETS, version_to_data
from exchange.importer import plan_version_import_file
from exchange.xlsx import data_to_xlsx

from .conftest import (
    column_of,
    edited,
    open_workbook,
    save_workbook,
    sheet_of,
    title_of,
    without_decision,
)


def validated_columns(worksheet) -> set[int]:
    """Columns with a dropdown list, as 1-based numbers."""
    columns = set()
    for validation in worksheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            columns.add(cell_range.min_col)
    return columns


def test_the_workbook_has_instructions_the_plan_sheets_and_the_lists(rich_xlsx):
    workbook = open_workbook(rich_xlsx)

    assert workbook.sheetnames == [
        workbook.sheetnames[0],
        *(str(sheet.title) for sheet in SHEETS),
        workbook.sheetnames[-1],
    ]
    assert len(workbook.sheetnames) == 8


def test_headings_are_bold_frozen_and_columns_wide_enough(rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    for sheet in SHEETS:
        worksheet = workbook[str(sheet.title)]
        assert worksheet.freeze_panes == "A2"
        assert all(cell.font.bold for cell in worksheet[1] if cell.value)
    goals = sheet_of(workbook, "goals")
    assert [cell.value for cell in goals[1]] == [str(c.label) for c in GOALS.columns]
    assert goals.column_dimensions["C"].width == GOALS.column("title").width
    conditions = goals.cell(row=4, column=column_of("goals", "conditions"))
    assert conditions.alignment.wrap_text
    assert conditions.value.count("\n") == 2


def test_closed_lists_have_dropdowns(rich_xlsx):
    workbook = open_workbook(rich_xlsx)

    assert validated_columns(sheet_of(workbook, "actors")) == {column_of("actors", "kind")}
    assert validated_columns(sheet_of(workbook, "indicators")) == {
        column_of("indicators", key) for key in ("unit", "direction", "source", "by_gender")
    }
    assert validated_columns(sheet_of(workbook, "activities")) == {
        column_of("activities", key) for key in ("continuous", "activity_type")
    }
    assert validated_columns(sheet_of(workbook, "statistics")) == {
        column_of("statistics", "statistic")
    }


def test_the_lists_sheet_offers_national_statistics_and_the_municipalitys_own(
    rich_version, municipality
):
    with translation.override("en"):
        lists = choice_lists(municipality)
        workbook = open_workbook(data_to_xlsx(version_to_data(rich_version), lists=lists))
        title = str(lists["statistic"].title)
        statistics_sheet = sheet_of(workbook, "statistics")
    lists_sheet = workbook.worksheets[-1]
    column = next(cell.column for cell in lists_sheet[1] if cell.value == title)
    values = [
        row[0]
        for row in lists_sheet.iter_rows(
            min_row=2, min_col=column, max_col=column, values_only=True
        )
        if row[0] is not None
    ]

    assert values[0] == "Cases opened in social services concerning honour-related violence"
    assert values[-1] == "Samtal till kommunens stödlinje"
    assert "Travel bans applied for" in values
    # The dropdown on the statistics sheet points at this column, as many rows as it has.
    validation = statistics_sheet.data_validations.dataValidation[0]
    assert validation.formula1.endswith(f"${len(values) + 1}")


def test_statistics_and_reporting_actors_are_written_readably(rich_version, municipality):
    with translation.override("en"):
        workbook = open_workbook(
            data_to_xlsx(version_to_data(rich_version), lists=choice_lists(municipality))
        )
        statistics = sheet_of(workbook, "statistics")
        indicators = sheet_of(workbook, "indicators")
        instructions = " ".join(
            str(c.value) for row in workbook.worksheets[0].iter_rows() for c in row if c.value
        )

    assert [c.value for c in statistics[1]] == ["Statistic", "Reported by"]
    assert [c.value for c in statistics[3]] == [
        "Travel bans applied for",
        "Individ- och familjeomsorgen",
    ]
    assert statistics.max_row == 6
    reported_by = indicators.cell(row=4, column=column_of("indicators", "reported_by")).value
    assert reported_by == (
        "Barn- och utbildningsnämnden; Individ- och familjeomsorgen; Vård- och omsorgsförvaltningen"
    )
    assert "On the sheet “Statistics”" in instructions
    assert "under “Reported by”" in instructions


def test_the_lists_sheet_offers_the_municipalitys_own_terms(rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    values = {cell.value for row in workbook.worksheets[-1].iter_rows() for cell in row}

    assert "Nyanlända familjer" in values


def test_values_are_written_as_labels_in_the_active_language(rich_version, municipality):
    data = version_to_data(rich_version)
    with translation.override("en"):
        workbook = open_workbook(data_to_xlsx(data, lists=choice_lists(municipality)))
        row = [cell.value for cell in sheet_of(workbook, "activities")[4]]

    by_key = dict(zip((c.key for c in ACTIVITIES.columns), row, strict=True))
    assert by_key["continuous"] == "Yes"
    assert by_key["activity_type"] == "Collaboration"
    assert by_key["prevention_levels"] == "Selective; Indicated"
    assert by_key["target_groups"] == "Children and young people; Nyanlända familjer"
    assert by_key["co_actors"] == "Lokalpolisområde Åsele"


def test_the_template_has_headings_and_dropdowns_but_no_rows(municipality):
    workbook = open_workbook(data_to_xlsx(None, lists=choice_lists(municipality)))

    for sheet in SHEETS:
        if not sheet.vertical:
            worksheet = workbook[str(sheet.title)]
            assert worksheet.max_row == 1
            assert [c.value for c in worksheet[1]] == [str(c.label) for c in sheet.columns]
    plan = sheet_of(workbook, "plan")
    assert [plan.cell(row=r, column=2).value for r in range(2, plan.max_row + 1)] == [None] * 10
    assert validated_columns(sheet_of(workbook, "activities"))
    # The example lives on the instructions sheet only.
    instructions = [c.value for row in workbook.worksheets[0].iter_rows() for c in row]
    assert "1.1.1" in instructions


def test_text_that_looks_like_a_formula_stays_text(rich_version, municipality):
    rich_version.plan.title = '=HYPERLINK("http://example.com")'
    rich_version.plan.save()
    content = data_to_xlsx(version_to_data(rich_version), lists=choice_lists(municipality))

    cell = sheet_of(open_workbook(content), "plan").cell(row=2, column=2)

    assert cell.data_type == "s"


def test_a_workbook_made_in_one_language_imports_in_another(rich_version, municipality):
    data = version_to_data(rich_version)
    with translation.override("sv"):
        swedish = data_to_xlsx(data, lists=choice_lists(municipality))
        swedish_titles = [str(sheet.title) for sheet in SHEETS]
    with translation.override("en"):
        english = data_to_xlsx(data, lists=choice_lists(municipality))
        assert [str(sheet.title) for sheet in SHEETS] != swedish_titles

    with translation.override("en"):
        from_swedish = plan_version_import_file(
            municipality=municipality, name="sv.xlsx", content=swedish
        )
    with translation.override("sv"):
        from_english = plan_version_import_file(
            municipality=municipality, name="en.xlsx", content=english
        )

    assert version_to_data(from_swedish) == without_decision(data)
    assert version_to_data(from_english) == without_decision(data)


def test_spreadsheet_habits_are_tolerated(rich_xlsx, municipality):
    """Blank rows, stray spaces, numbers typed as text, years stored as 2025.0, item numbers
    stored as numbers, headings in another case."""
    content = edited(
        rich_xlsx,
        ("goals", 5, "code", 2),
        ("indicators", 4, "goal", 2.0),
        ("indicators", 2, "baseline_value", " 12,5 % "),
        ("indicators", 2, "target_value", "1 000"),
        ("indicators", 2, "unit", "Count"),
        ("indicators", 2, "baseline_year", "2023"),
        ("activities", 2, "start_year", 2025.0),
        ("activities", 2, "end_year", " 2027 "),
        ("activities", 2, "title", "  Utbildning för chefer  "),
        ("activities", 2, "co_actors", " barn- och utbildningsnämnden ;; "),
    )
    workbook = open_workbook(content)
    for key in ("actors", "goals", "indicators", "activities"):
        worksheet = sheet_of(workbook, key)
        worksheet.insert_rows(3, amount=2)  # blank rows in the middle
        worksheet.insert_rows(1)  # and above the headings
        heading = worksheet.cell(row=2, column=2)
        heading.value = f"  {heading.value.upper()} "

    version = plan_version_import_file(
        municipality=municipality, name="plan.xlsx", content=save_workbook(workbook)
    )

    indicator = version.indicators.get(code="M1")
    assert indicator.baseline_value == Decimal("12.5")
    assert indicator.target_value == 1000
    assert indicator.baseline_year == 2023
    assert version.indicators.get(code="M2").goal.code == "2"
    activity = version.activities.get(code="1.1")
    assert (activity.start_year, activity.end_year) == (2025, 2027)
    assert activity.title == "Utbildning för chefer"
    assert [a.name for a in activity.co_actors] == ["Barn- och utbildningsnämnden"]
    assert version.goals.count() == 4


def test_item_numbers_keep_their_text_format_for_new_rows(rich_xlsx):
    worksheet = sheet_of(open_workbook(rich_xlsx), "goals")

    assert worksheet.column_dimensions["A"].number_format == "@"
    assert worksheet.cell(row=2, column=1).number_format == "@"
    assert title_of("goals") == worksheet.title
