import copy

import pytest

from exchange.choices import choice_lists
from exchange.data import INDICATORS, version_to_data
from exchange.importer import plan_version_import, plan_version_import_file, validate
from exchange.jsonfile import data_to_json, read_json
from exchange.xlsx import data_to_xlsx, read_xlsx
from organisations.models import Actor
from plans.demo import demo_load
from plans.models import PlanVersion, Term
from stats.models import StatisticAssignment

from .conftest import (
    make_own_statistic,
    open_workbook,
    save_workbook,
    sheet_of,
    title_of,
    without_decision,
)


def render(data: dict, municipality, kind: str) -> bytes:
    if kind == "xlsx":
        return data_to_xlsx(data, lists=choice_lists(municipality))
    return data_to_json(data)


def without_label(data: dict) -> dict:
    data = copy.deepcopy(data)
    del data["plan"]["version_label"]
    return data


@pytest.mark.parametrize("kind", ["xlsx", "json"])
def test_export_import_export_as_a_new_plan_gives_identical_content(
    rich_version, municipality, kind
):
    exported = version_to_data(rich_version)

    imported = plan_version_import_file(
        municipality=municipality, name=f"plan.{kind}", content=render(exported, municipality, kind)
    )

    assert imported.plan_id != rich_version.plan_id
    assert imported.status == PlanVersion.Status.DRAFT
    assert version_to_data(imported) == without_decision(exported)


@pytest.mark.parametrize("kind", ["xlsx", "json"])
def test_import_into_an_existing_plan_makes_a_new_draft_with_the_same_content(
    rich_version, municipality, kind
):
    rich_version.status = PlanVersion.Status.ADOPTED
    rich_version.save()
    exported = version_to_data(rich_version)

    imported = plan_version_import_file(
        municipality=municipality,
        name=f"plan.{kind}",
        content=render(exported, municipality, kind),
        plan=rich_version.plan,
    )

    assert imported.plan_id == rich_version.plan_id
    assert imported.status == PlanVersion.Status.DRAFT
    assert imported.based_on == rich_version
    # The label is taken, so the import gets the next free one.
    assert imported.label == "1.1"
    assert without_label(version_to_data(imported)) == without_label(without_decision(exported))


def test_json_of_a_reimported_version_is_byte_for_byte_the_same(rich_version, municipality):
    exported = data_to_json(without_decision(version_to_data(rich_version)))

    imported = plan_version_import_file(
        municipality=municipality, name="plan.json", content=exported
    )

    assert data_to_json(version_to_data(imported)) == exported


@pytest.mark.parametrize(("kind", "read"), [("xlsx", read_xlsx), ("json", read_json)])
def test_reading_a_written_file_gives_back_the_same_structure(
    rich_version, municipality, kind, read
):
    exported = version_to_data(rich_version)

    data, problems = validate(read(render(exported, municipality, kind)), municipality=municipality)

    assert problems == []
    assert data == exported


def test_exported_actors_are_those_in_the_plan_and_the_actors_above_them(rich_version):
    names = [actor["name"] for actor in version_to_data(rich_version)["actors"]]

    assert "Tekniska nämnden" not in names  # in the municipality, not in the plan
    assert "Polismyndigheten" in names  # above a partner in the plan
    assert "Socialnämnden" in names  # above the administration in the plan
    assert names.index("Polismyndigheten") < names.index("Lokalpolisområde Åsele")
    # Only reporting an indicator, or a statistic: exported, with the actors above them.
    assert "Vård- och omsorgsförvaltningen" in names
    assert names.index("Vård- och omsorgsnämnden") < names.index("Vård- och omsorgsförvaltningen")
    assert "Brottsofferjouren Åsele" in names


def test_reporting_actors_and_statistics_are_exported_sorted(rich_version):
    data = version_to_data(rich_version)

    assert data["format_version"] == 2
    reporters = {item["code"]: item["reported_by"] for item in data["indicators"]}
    assert reporters == {
        "M1": ["Socialförvaltningen"],
        "K1": [],
        "M2": [
            "Barn- och utbildningsnämnden",
            "Individ- och familjeomsorgen",
            "Vård- och omsorgsförvaltningen",
        ],
    }
    # National statistics in their list order, then the municipality's own; actors by name.
    assert data["statistics"] == [
        {"statistic": "honour_cases", "actor": "Individ- och familjeomsorgen"},
        {"statistic": "travel_bans", "actor": "Individ- och familjeomsorgen"},
        {"statistic": "staff_basic_training", "actor": "Barn- och utbildningsnämnden"},
        {"statistic": "staff_basic_training", "actor": "Socialförvaltningen"},
        {"statistic": "stodlinje", "actor": "Brottsofferjouren Åsele"},
    ]


def test_import_creates_the_reporting_actors_and_the_statistic_assignments(
    rich_version, municipality
):
    imported = plan_version_import(municipality=municipality, data=version_to_data(rich_version))

    def pairs(version):
        return sorted(
            StatisticAssignment.objects.filter(version=version).values_list(
                "statistic_id", "actor_id"
            )
        )

    assert pairs(imported) == pairs(rich_version)
    assert len(pairs(imported)) == 5
    for indicator in rich_version.indicators.all():
        copy_ = imported.indicators.get(code=indicator.code)
        assert set(copy_.reported_by.all()) == set(indicator.reported_by.all())


def test_import_in_another_municipality_creates_the_actor_tree(
    rich_version, municipality, other_municipality
):
    Term.objects.create(
        municipality=other_municipality,
        kind=Term.Kind.TARGET_GROUP,
        code="nyanlanda",
        name="Nyanlända familjer",
    )
    own_statistic = make_own_statistic(other_municipality)
    exported = version_to_data(rich_version)

    imported = plan_version_import_file(
        municipality=other_municipality,
        name="plan.xlsx",
        content=render(exported, municipality, "xlsx"),
    )

    assert version_to_data(imported) == without_decision(exported)
    partner = Actor.objects.get(municipality=other_municipality, name="Lokalpolisområde Åsele")
    assert partner.kind == Actor.Kind.EXTERNAL
    assert partner.parent.name == "Polismyndigheten"
    unit = Actor.objects.get(municipality=other_municipality, name="Individ- och familjeomsorgen")
    assert unit.parent.parent.name == "Socialnämnden"
    assert not Actor.objects.filter(
        municipality=other_municipality, name="Tekniska nämnden"
    ).exists()
    reporter = Actor.objects.get(
        municipality=other_municipality, name="Vård- och omsorgsförvaltningen"
    )
    assert reporter.parent.name == "Vård- och omsorgsnämnden"
    assigned = imported.statistic_assignments.get(statistic__code="stodlinje")
    assert assigned.statistic == own_statistic
    assert assigned.actor.municipality == other_municipality


def test_exchange_data_can_be_imported_without_a_file(rich_version, municipality):
    exported = version_to_data(rich_version)

    imported = plan_version_import(municipality=municipality, data=exported)

    assert version_to_data(imported) == without_decision(exported)


# Files made before format version 2 ---------------------------------------------------------


def test_a_version_1_json_file_without_reporting_actors_or_statistics_imports(
    rich_version, municipality
):
    data = version_to_data(rich_version)
    data["format_version"] = 1
    del data["statistics"]
    for indicator in data["indicators"]:
        del indicator["reported_by"]

    imported = plan_version_import_file(
        municipality=municipality, name="plan.json", content=data_to_json(data)
    )

    assert not imported.statistic_assignments.exists()
    assert not any(i.reported_by.exists() for i in imported.indicators.all())
    assert version_to_data(imported)["activities"] == data["activities"]


def test_a_workbook_without_the_statistics_sheet_or_reporting_column_imports(
    rich_version, rich_xlsx, municipality
):
    workbook = open_workbook(rich_xlsx)
    del workbook[title_of("statistics")]
    indicators = sheet_of(workbook, "indicators")
    column = next(
        cell.column
        for cell in indicators[1]
        if cell.value == str(INDICATORS.column("reported_by").label)
    )
    indicators.delete_cols(column)

    imported = plan_version_import_file(
        municipality=municipality, name="plan.xlsx", content=save_workbook(workbook)
    )

    assert not imported.statistic_assignments.exists()
    assert not any(i.reported_by.exists() for i in imported.indicators.all())
    assert imported.indicators.count() == rich_version.indicators.count()


@pytest.mark.parametrize("kind", ["xlsx", "json"])
def test_the_demo_plan_round_trips(db, kind):
    municipality = demo_load()
    adopted = PlanVersion.objects.get(
        plan__municipality=municipality, status=PlanVersion.Status.ADOPTED
    )
    exported = version_to_data(adopted)
    assert exported["statistics"]
    assert any(item["reported_by"] for item in exported["indicators"])

    imported = plan_version_import_file(
        municipality=municipality,
        name=f"plan.{kind}",
        content=render(exported, municipality, kind),
        plan=adopted.plan,
    )

    assert without_label(version_to_data(imported)) == without_label(without_decision(exported))
