"""Every kind of bad file is refused with each problem in its place, and nothing is written."""

import io
import zipfile

import pytest
from django.utils import translation

from exchange.data import version_to_data
from exchange.importer import ImportProblems, plan_version_import, plan_version_import_file
from exchange.jsonfile import data_to_json
from plans.models import Term
from stats.models import Statistic

from .conftest import (
    database_counts,
    edited,
    first_free_row,
    label_of,
    national_statistic,
    open_workbook,
    plan_row,
    save_workbook,
    sheet_of,
    title_of,
)


@pytest.fixture(autouse=True)
def english():
    # Messages are asserted in English; locations are computed in the same language.
    with translation.override("en"):
        yield


def refused(municipality, content: bytes, name: str = "plan.xlsx") -> list:
    """The problems of a file that must not import, after checking nothing was written."""
    before = database_counts()
    with pytest.raises(ImportProblems) as caught:
        plan_version_import_file(municipality=municipality, name=name, content=content)
    assert database_counts() == before
    return caught.value.problems


def at(problems, key: str, row, column_key: str = ""):
    """The messages reported at a place: sheet key, row, column key."""
    column = label_of(key, column_key) if column_key else ""
    place = (title_of(key), row, column)
    found = [p.message for p in problems if (p.sheet, p.row, p.column) == place]
    assert found, f"nothing at {key} {row} {column}: {problems}"
    return " ".join(found)


# Actors and responsibility -------------------------------------------------------------------


def test_an_unknown_actor_is_reported_where_it_is_written(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("activities", 2, "lead", "Socialförvaltningen X"),
            ("activities", 3, "co_actors", "Barn- och utbildningsnämnden; Okänd partner"),
        ),
    )

    assert "Unknown actor “Socialförvaltningen X”" in at(problems, "activities", 2, "lead")
    assert "Unknown actor “Okänd partner”" in at(problems, "activities", 3, "co_actors")
    assert len(problems) == 2


@pytest.mark.parametrize(
    ("lead", "message"),
    [(None, "no lead actor"), ("Socialnämnden; Socialförvaltningen", "exactly one lead actor")],
)
def test_an_activity_needs_exactly_one_lead(municipality, rich_xlsx, lead, message):
    problems = refused(municipality, edited(rich_xlsx, ("activities", 4, "lead", lead)))

    assert message in at(problems, "activities", 4, "lead")


def test_a_new_actor_needs_a_kind_and_a_known_parent(municipality, rich_xlsx):
    row = first_free_row(rich_xlsx, "actors")
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("actors", row, "name", "Kvinnojouren Åsele"),
            ("actors", row + 1, "name", "Tjejjouren"),
            ("actors", row + 1, "kind", "External partner"),
            ("actors", row + 1, "parent", "Okänd förening"),
        ),
    )

    assert "new actor" in at(problems, "actors", row, "kind")
    assert "Unknown actor “Okänd förening”" in at(problems, "actors", row + 1, "parent")


def test_an_actor_listed_twice_or_inside_itself_is_refused(municipality, rich_xlsx):
    row = first_free_row(rich_xlsx, "actors")
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("actors", row, "name", "socialnämnden"),
            ("actors", row + 1, "name", "Nätverk A"),
            ("actors", row + 1, "kind", "Working group"),
            ("actors", row + 1, "parent", "Nätverk B"),
            ("actors", row + 2, "name", "Nätverk B"),
            ("actors", row + 2, "kind", "Working group"),
            ("actors", row + 2, "parent", "Nätverk A"),
        ),
    )

    assert "more than once" in at(problems, "actors", row, "name")
    assert "part of itself" in at(problems, "actors", row + 1, "parent")
    assert "part of itself" in at(problems, "actors", row + 2, "parent")


def test_an_unknown_reporting_actor_is_reported_where_it_is_written(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("indicators", 3, "reported_by", "Socialförvaltningen;Okänd förvaltning"),
        ),
    )

    message = at(problems, "indicators", 3, "reported_by")
    assert "Unknown actor “Okänd förvaltning”" in message
    assert "Socialförvaltningen" not in message
    assert len(problems) == 1


def test_a_reporting_actor_listed_on_the_actors_sheet_is_known(municipality, rich_xlsx):
    row = first_free_row(rich_xlsx, "actors")
    content = edited(
        rich_xlsx,
        ("actors", row, "name", "Fritidsförvaltningen"),
        ("actors", row, "kind", "Administration"),
        ("indicators", 4, "reported_by", " fritidsförvaltningen ; Socialförvaltningen"),
        ("statistics", first_free_row(rich_xlsx, "statistics"), "statistic", "travel_bans"),
        ("statistics", first_free_row(rich_xlsx, "statistics"), "actor", "Fritidsförvaltningen"),
    )

    version = plan_version_import_file(municipality=municipality, name="p.xlsx", content=content)

    reporters = version.indicators.get(code="M2").reported_by.order_by("name")
    assert [actor.name for actor in reporters] == ["Fritidsförvaltningen", "Socialförvaltningen"]
    assert version.statistic_assignments.filter(
        statistic__code="travel_bans", actor__name="Fritidsförvaltningen"
    ).exists()


# Required values, years, numbers ---------------------------------------------------------------


@pytest.mark.parametrize("key", ["goals", "indicators", "activities"])
def test_a_missing_title_is_reported(municipality, rich_xlsx, key):
    problems = refused(municipality, edited(rich_xlsx, (key, 3, "title", "  ")))

    assert "Fill in" in at(problems, key, 3, "title")
    assert len(problems) == 1


@pytest.mark.parametrize(
    ("change", "column_key", "message"),
    [
        (("activities", 2, "start_year", "snart"), "start_year", "not a year"),
        (("activities", 2, "start_year", 1980), "start_year", "between 1990 and 2100"),
        (("activities", 2, "end_year", "2101"), "end_year", "between 1990 and 2100"),
        (("activities", 2, "start_year", 2025.5), "start_year", "not a year"),
        (("activities", 2, "start_year", 2027), "end_year", "cannot end before it starts"),
        (("activities", 2, "end_year", 2030), "end_year", "outside the plan's validity"),
        (("indicators", 2, "baseline_year", 1800), "baseline_year", "between 1990 and 2100"),
        (("indicators", 3, "target_year", 2020), "target_year", "before the baseline year"),
    ],
)
def test_an_impossible_year_is_reported(municipality, rich_xlsx, change, column_key, message):
    problems = refused(municipality, edited(rich_xlsx, change))

    assert message in at(problems, change[0], change[1], column_key)


def test_an_impossible_validity_is_reported_on_the_plan_sheet(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(
            rich_xlsx, ("plan", 0, "valid_from", "tjugo"), ("plan", 0, "decision_date", "i maj")
        ),
    )

    assert "not a year" in at(problems, "plan", plan_row("valid_from"), "valid_from")
    assert "not a date" in at(problems, "plan", plan_row("decision_date"), "decision_date")


def test_a_plan_ending_before_it_starts_is_reported(municipality, rich_xlsx):
    problems = refused(municipality, edited(rich_xlsx, ("plan", 0, "valid_to", 2024)))

    assert "cannot end before it starts" in at(problems, "plan", plan_row("valid_to"), "valid_to")


def test_a_continuous_activity_with_years_is_reported(municipality, rich_xlsx):
    problems = refused(municipality, edited(rich_xlsx, ("activities", 4, "start_year", 2025)))

    assert "continuous" in at(problems, "activities", 4, "continuous")


@pytest.mark.parametrize("column_key", ["baseline_value", "target_value"])
def test_a_baseline_or_target_that_is_not_a_number_is_reported(municipality, rich_xlsx, column_key):
    problems = refused(municipality, edited(rich_xlsx, ("indicators", 2, column_key, "tjugo")))

    assert "“tjugo” is not a number" in at(problems, "indicators", 2, column_key)


def test_a_share_above_100_is_reported(municipality, rich_xlsx):
    problems = refused(municipality, edited(rich_xlsx, ("indicators", 2, "target_value", 180)))

    assert "between 0 and 100" in at(problems, "indicators", 2, "target_value")


@pytest.mark.parametrize("kolada", ["U3075", "ABC123", "123456", "U 30750"])
def test_an_invalid_kolada_id_is_reported(municipality, rich_xlsx, kolada):
    problems = refused(municipality, edited(rich_xlsx, ("indicators", 3, "kolada_kpi", kolada)))

    assert "U30750" in at(problems, "indicators", 3, "kolada_kpi")


def test_a_kolada_source_needs_a_kolada_id(municipality, rich_xlsx):
    problems = refused(municipality, edited(rich_xlsx, ("indicators", 3, "kolada_kpi", None)))

    assert "Kolada id" in at(problems, "indicators", 3, "kolada_kpi")


def test_text_with_a_personal_identity_number_is_refused(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(rich_xlsx, ("activities", 2, "description", "Gäller 19850312-1234 och familj")),
    )

    assert "personal identity number" in at(problems, "activities", 2, "description")


# Closed lists and vocabularies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "row", "column_key", "value"),
    [
        ("actors", 2, "kind", "Myndighet"),
        ("indicators", 2, "unit", "procent"),
        ("indicators", 2, "direction", "uppåt"),
        ("indicators", 2, "source", "Enkät till rektorer"),
        ("indicators", 2, "by_gender", "kanske"),
        ("activities", 2, "continuous", "ibland"),
        ("activities", 2, "activity_type", "Fika"),
        ("activities", 2, "prevention_levels", "Universell; Tertiär"),
        ("activities", 2, "violence_areas", "Cybervåld"),
        ("activities", 2, "target_groups", "Personal; Grannar"),
    ],
)
def test_a_value_outside_its_list_is_reported(municipality, rich_xlsx, key, row, column_key, value):
    problems = refused(municipality, edited(rich_xlsx, (key, row, column_key, value)))

    message = at(problems, key, row, column_key)
    assert "is not in the list" in message
    assert value.split("; ")[-1] in message
    assert len(problems) == 1


def test_terms_are_read_by_code_swedish_name_or_label_in_any_language(municipality, rich_xlsx):
    content = edited(
        rich_xlsx,
        ("activities", 2, "prevention_levels", "UNIVERSAL; selektiv;Indicated"),
        ("activities", 2, "violence_areas", "honour-related violence and oppression"),
        ("activities", 2, "target_groups", "nyanlända familjer;  Personal "),
        ("activities", 2, "activity_type", "samverkan"),
        ("indicators", 2, "unit", "count"),
        ("indicators", 2, "direction", "SHOULD DECREASE"),
    )

    version = plan_version_import_file(municipality=municipality, name="p.xlsx", content=content)

    activity = version.activities.get(code="1.1")
    assert sorted(t.code for t in activity.prevention_levels.all()) == [
        "indicated",
        "selective",
        "universal",
    ]
    assert [t.code for t in activity.violence_areas.all()] == ["honour"]
    assert sorted(t.code for t in activity.target_groups.all()) == ["nyanlanda", "staff"]
    assert activity.activity_type.code == "collaboration"
    indicator = version.indicators.get(code="M1")
    assert (indicator.unit, indicator.direction) == ("count", "decrease")


def test_another_municipalitys_own_terms_are_unknown(municipality, other_municipality, rich_xlsx):
    Term.objects.create(
        municipality=other_municipality,
        kind=Term.Kind.TARGET_GROUP,
        code="grannar",
        name="Grannar",
    )

    content = edited(rich_xlsx, ("activities", 2, "target_groups", "Grannar"))

    problems = refused(municipality, content)

    assert "“Grannar” is not in the list" in at(problems, "activities", 2, "target_groups")


# Statistics to report ---------------------------------------------------------------------------
# The rich plan's statistics sheet, rows 2-6: honour_cases / Individ- och familjeomsorgen,
# travel_bans / Individ- och familjeomsorgen, staff_basic_training / Barn- och
# utbildningsnämnden, staff_basic_training / Socialförvaltningen, stodlinje (its own) /
# Brottsofferjouren Åsele.


@pytest.mark.parametrize("statistic", ["Antal hedersmord", "honour", "grannar_statistik"])
def test_an_unknown_statistic_is_reported_where_it_is_written(municipality, rich_xlsx, statistic):
    problems = refused(municipality, edited(rich_xlsx, ("statistics", 3, "statistic", statistic)))

    message = at(problems, "statistics", 3, "statistic")
    assert f"“{statistic}” is not in the list" in message
    assert "Travel bans applied for" in message  # the list to choose from
    assert len(problems) == 1


def test_another_municipalitys_own_statistic_is_unknown(
    municipality, other_municipality, rich_xlsx
):
    Statistic.objects.create(
        municipality=other_municipality, code="grannsamverkan", name="Grannsamverkan"
    )

    problems = refused(
        municipality, edited(rich_xlsx, ("statistics", 3, "statistic", "Grannsamverkan"))
    )

    assert "“Grannsamverkan” is not in the list" in at(problems, "statistics", 3, "statistic")


def test_an_unknown_actor_reporting_a_statistic_is_reported(municipality, rich_xlsx):
    problems = refused(
        municipality, edited(rich_xlsx, ("statistics", 6, "actor", "Brottsofferjouren Umeå"))
    )

    assert "Unknown actor “Brottsofferjouren Umeå”" in at(problems, "statistics", 6, "actor")
    assert len(problems) == 1


def test_a_statistic_reported_by_two_actors_in_one_row_is_refused(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(rich_xlsx, ("statistics", 3, "actor", "Socialförvaltningen; Socialnämnden")),
    )

    assert "one actor per row" in at(problems, "statistics", 3, "actor")
    assert len(problems) == 1


def test_a_statistic_assigned_twice_to_the_same_actor_is_refused(municipality, rich_xlsx):
    """The same pair however it is written: code, label in another language, name in
    another case."""
    row = first_free_row(rich_xlsx, "statistics")
    with translation.override("sv"):
        swedish_label = str(national_statistic("travel_bans").label)
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("statistics", row, "statistic", "travel_bans"),
            ("statistics", row, "actor", "individ- och familjeomsorgen "),
            ("statistics", row + 1, "statistic", swedish_label),
            ("statistics", row + 1, "actor", "Individ- och familjeomsorgen"),
        ),
    )

    for duplicate in (row, row + 1):
        message = at(problems, "statistics", duplicate, "actor")
        assert (
            "“Individ- och familjeomsorgen” reporting “Travel bans applied for” is listed more "
            "than once" in message
        )
    assert len(problems) == 2


def test_a_statistics_row_needs_a_statistic_and_an_actor(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(rich_xlsx, ("statistics", 2, "statistic", None), ("statistics", 3, "actor", " ")),
    )

    assert "Fill in" in at(problems, "statistics", 2, "statistic")
    assert "Fill in" in at(problems, "statistics", 3, "actor")
    assert len(problems) == 2


def test_statistics_are_read_by_code_stored_name_or_label_in_any_language(municipality, rich_xlsx):
    row = first_free_row(rich_xlsx, "statistics")
    content = edited(
        rich_xlsx,
        ("statistics", row, "statistic", "TAKEN_ABROAD"),
        ("statistics", row, "actor", "Socialnämnden"),
        ("statistics", row + 1, "statistic", "ansökningar om utreseförbud"),
        ("statistics", row + 1, "actor", "Socialnämnden"),
        (
            "statistics",
            row + 2,
            "statistic",
            " Reports of concern mentioning honour-related violence",
        ),
        ("statistics", row + 2, "actor", "Socialnämnden"),
        ("statistics", row + 3, "statistic", "samtal till kommunens stödlinje"),
        ("statistics", row + 3, "actor", "Socialnämnden"),
    )

    version = plan_version_import_file(municipality=municipality, name="p.xlsx", content=content)

    assert set(
        version.statistic_assignments.filter(actor__name="Socialnämnden").values_list(
            "statistic__code", flat=True
        )
    ) == {"taken_abroad", "travel_bans", "concern_reports_honour", "stodlinje"}
    own = version.statistic_assignments.get(
        actor__name="Socialnämnden", statistic__code="stodlinje"
    )
    assert own.statistic.municipality == municipality


# Goals and numbers ------------------------------------------------------------------------------


def test_a_goal_under_a_goal_that_does_not_exist_is_reported(municipality, rich_xlsx):
    problems = refused(municipality, edited(rich_xlsx, ("goals", 3, "parent", "9")))

    assert "no goal numbered “9”" in at(problems, "goals", 3, "parent")


def test_goals_inside_themselves_are_reported(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(rich_xlsx, ("goals", 2, "parent", "1.1.1"), ("goals", 5, "parent", "2")),
    )

    for row in (2, 3, 4, 5):
        assert "part of itself" in at(problems, "goals", row, "parent")
    assert len(problems) == 4


@pytest.mark.parametrize(
    ("key", "row", "code"), [("goals", 5, "1"), ("indicators", 4, "M1"), ("activities", 3, "1.1")]
)
def test_a_number_used_twice_is_reported(municipality, rich_xlsx, key, row, code):
    problems = refused(municipality, edited(rich_xlsx, (key, row, "code", code)))

    assert f"“{code}” is used more than once" in at(problems, key, row, "code")


@pytest.mark.parametrize("key", ["indicators", "activities"])
def test_a_reference_to_an_unknown_goal_is_reported(municipality, rich_xlsx, key):
    problems = refused(municipality, edited(rich_xlsx, (key, 2, "goal", "7")))

    assert "no goal numbered “7”" in at(problems, key, 2, "goal")
    assert len(problems) == 1


def test_every_problem_is_reported_at_once(municipality, rich_xlsx):
    problems = refused(
        municipality,
        edited(
            rich_xlsx,
            ("plan", 0, "title", None),
            ("goals", 3, "title", None),
            ("indicators", 2, "unit", "procent"),
            ("indicators", 3, "kolada_kpi", "X1"),
            ("activities", 2, "lead", "Ingen alls"),
            ("activities", 5, "end_year", "nästa år"),
        ),
    )

    assert len(problems) == 6
    at(problems, "plan", plan_row("title"), "title")
    at(problems, "goals", 3, "title")
    at(problems, "indicators", 2, "unit")
    at(problems, "indicators", 3, "kolada_kpi")
    at(problems, "activities", 2, "lead")
    at(problems, "activities", 5, "end_year")


# The file itself ----------------------------------------------------------------------------


def _file_problem(problems) -> str:
    assert len(problems) == 1
    assert (problems[0].sheet, problems[0].row, problems[0].column) == ("", None, "")
    return problems[0].message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "not an Excel workbook"),
        ("plan.xlsx", "Titel;Mål\nPlan;1\n".encode(), "not an Excel workbook"),
        ("plan.pdf", b"%PDF-1.7\n", "cannot be imported"),
        ("plan.csv", b"Titel;Mal\n", "cannot be imported"),
        ("plan", b"{}", "cannot be imported"),
        ("plan.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel format"),
        ("plan.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "old Excel format"),
    ],
)
def test_a_file_of_the_wrong_type_is_refused(municipality, name, content, message):
    assert message in _file_problem(refused(municipality, content, name))


def test_a_workbook_named_json_is_refused(municipality, rich_xlsx):
    assert "should end in .xlsx" in _file_problem(refused(municipality, rich_xlsx, "plan.json"))


@pytest.mark.parametrize("name", ["plan.xlsx", "plan.json"])
def test_an_empty_file_is_refused(municipality, name):
    assert "empty" in _file_problem(refused(municipality, b"", name))


def test_a_file_above_the_size_limit_is_refused(municipality, rich_xlsx, settings):
    settings.PLAN_IMPORT_MAX_BYTES = 1000

    assert "larger than" in _file_problem(refused(municipality, rich_xlsx))


def test_a_truncated_workbook_is_refused(municipality, rich_xlsx):
    message = _file_problem(refused(municipality, rich_xlsx[: len(rich_xlsx) // 2]))

    assert "damaged" in message


def test_a_zip_that_is_not_a_workbook_is_refused(municipality):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "Hej")

    assert "damaged" in _file_problem(refused(municipality, buffer.getvalue()))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"format": "handlingskraft-plan", "plan": {', "not valid JSON: there is an error"),
        ("Titel: Plan".encode("utf-16"), "not UTF-8"),
        (b'{"title": "Plan"}', "not a Handlingskraft plan file"),
        (b"[1, 2, 3]", "not a Handlingskraft plan file"),
        (b'{"format": "handlingskraft-plan", "format_version": 99}', "format version 99"),
    ],
)
def test_a_damaged_or_foreign_json_file_is_refused(municipality, content, message):
    assert message in _file_problem(refused(municipality, content, "plan.json"))


def test_a_missing_sheet_is_reported(municipality, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    del workbook[title_of("activities")]

    problems = refused(municipality, save_workbook(workbook))

    assert problems[0].sheet == title_of("activities")
    assert "no sheet" in problems[0].message
    assert len(problems) == 1


def test_a_missing_required_column_is_reported_once(municipality, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    sheet_of(workbook, "goals").delete_cols(3)  # Title

    problems = refused(municipality, save_workbook(workbook))

    assert "no column" in at(problems, "goals", 1, "title")
    assert len(problems) == 1


def test_a_missing_title_row_on_the_plan_sheet_is_reported(municipality, rich_xlsx):
    workbook = open_workbook(rich_xlsx)
    sheet_of(workbook, "plan").delete_rows(plan_row("title"))

    problems = refused(municipality, save_workbook(workbook))

    assert "no row" in at(problems, "plan", None, "title")


# JSON: section, item number, field ---------------------------------------------------------------


def test_json_problems_give_section_item_and_field(municipality, rich_version):
    data = version_to_data(rich_version)
    data["plan"]["valid_from"] = "tjugo"
    data["goals"][0]["title"] = ""
    data["indicators"][0]["unit"] = "procent"
    data["activities"][1]["lead"] = "Okänd nämnd"
    data["activities"][2]["co_actors"] = ["Socialnämnden", "Okänd partner"]
    data["indicators"][2]["reported_by"] = ["Okänd förvaltning"]
    data["statistics"][0]["statistic"] = "honor_cases"
    data["statistics"].append(dict(data["statistics"][1]))
    before = database_counts()

    with pytest.raises(ImportProblems) as caught:
        plan_version_import_file(
            municipality=municipality, name="plan.json", content=data_to_json(data)
        )

    assert database_counts() == before
    places = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert places == {
        ("plan", None, "valid_from"),
        ("goals", 1, "title"),
        ("indicators", 1, "unit"),
        ("activities", 2, "lead"),
        ("activities", 3, "co_actors"),
        ("indicators", 3, "reported_by"),
        ("statistics", 1, "statistic"),
        ("statistics", len(data["statistics"]), "actor"),
    }


def test_json_with_a_missing_section_or_a_bad_item_is_refused(municipality, rich_version):
    data = version_to_data(rich_version)
    del data["indicators"]
    data["goals"].append("Mål 3")
    before = database_counts()

    with pytest.raises(ImportProblems) as caught:
        plan_version_import(municipality=municipality, data=data)

    assert database_counts() == before
    places = {(p.sheet, p.row) for p in caught.value.problems}
    assert ("indicators", None) in places
    assert ("goals", len(data["goals"])) in places


def test_the_models_own_rules_apply_to_imported_values(municipality, rich_version):
    data = version_to_data(rich_version)
    data["actors"].append(
        {"name": "Ny aktör", "short_name": "x" * 41, "kind": "board", "parent": None}
    )
    data["goals"][1]["title"] = "Mål " * 100
    before = database_counts()

    with pytest.raises(ImportProblems) as caught:
        plan_version_import(municipality=municipality, data=data)

    assert database_counts() == before
    places = {(p.sheet, p.row, p.column) for p in caught.value.problems}
    assert places == {("actors", len(data["actors"]), "short_name"), ("goals", 2, "title")}


def test_a_version_2_json_file_without_statistics_is_refused(municipality, rich_version):
    data = version_to_data(rich_version)
    del data["statistics"]
    before = database_counts()

    with pytest.raises(ImportProblems) as caught:
        plan_version_import(municipality=municipality, data=data)

    assert database_counts() == before
    assert [(p.sheet, p.row) for p in caught.value.problems] == [("statistics", None)]
    assert "no “statistics” section" in caught.value.problems[0].message


@pytest.mark.parametrize("version", [0, 3, "2", True])
def test_a_format_version_this_version_cannot_read_is_refused(municipality, rich_version, version):
    data = version_to_data(rich_version)
    data["format_version"] = version

    assert "cannot read" in _file_problem(refused(municipality, data_to_json(data), "plan.json"))
