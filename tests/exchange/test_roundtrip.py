import copy

import pytest

from exchange.choices import choice_lists
from exchange.data import version_to_data
from exchange.importer import plan_version_import, plan_version_import_file, validate
from exchange.jsonfile import data_to_json, read_json
from exchange.xlsx import data_to_xlsx, read_xlsx
from organisations.models import Actor
from plans.models import PlanVersion, Term


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
    assert version_to_data(imported) == exported


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
    assert without_label(version_to_data(imported)) == without_label(exported)


def test_json_of_a_reimported_version_is_byte_for_byte_the_same(rich_version, municipality):
    exported = data_to_json(version_to_data(rich_version))

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


def test_import_in_another_municipality_creates_the_actor_tree(
    rich_version, municipality, other_municipality
):
    Term.objects.create(
        municipality=other_municipality,
        kind=Term.Kind.TARGET_GROUP,
        code="nyanlanda",
        name="Nyanlända familjer",
    )
    exported = version_to_data(rich_version)

    imported = plan_version_import_file(
        municipality=other_municipality,
        name="plan.xlsx",
        content=render(exported, municipality, "xlsx"),
    )

    assert version_to_data(imported) == exported
    partner = Actor.objects.get(municipality=other_municipality, name="Lokalpolisområde Åsele")
    assert partner.kind == Actor.Kind.EXTERNAL
    assert partner.parent.name == "Polismyndigheten"
    unit = Actor.objects.get(municipality=other_municipality, name="Individ- och familjeomsorgen")
    assert unit.parent.parent.name == "Socialnämnden"
    assert not Actor.objects.filter(
        municipality=other_municipality, name="Tekniska nämnden"
    ).exists()


def test_exchange_data_can_be_imported_without_a_file(rich_version, municipality):
    exported = version_to_data(rich_version)

    imported = plan_version_import(municipality=municipality, data=exported)

    assert version_to_data(imported) == exported
