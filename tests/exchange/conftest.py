import copy
import io
from datetime import date

import openpyxl
import pytest
from django.apps import apps

from exchange.choices import choice_lists
from exchange.data import SHEETS, version_to_data
from exchange.xlsx import data_to_xlsx
from organisations.models import Actor
from plans.models import Activity, Goal, Indicator, Term
from plans.services import activity_set_responsibilities
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_plan, term


def database_counts() -> dict[str, int]:
    """Rows in every table of the apps an import writes to, many-to-many tables too."""
    return {
        model._meta.label: model.objects.count()
        for app in ("organisations", "plans", "stats")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


# A version's decision as exported when it has none: what an import gives, whatever the file.
NO_DECISION = {
    "decided_by": "",
    "decision_date": None,
    "decision_paragraph": "",
    "diary_number": "",
    "distribution": [],
}


def without_decision(data: dict) -> dict:
    """Exchange data as it reads once imported: an imported version never has a decision."""
    data = copy.deepcopy(data)
    data["plan"].update(NO_DECISION)
    return data


def make_rich_plan(municipality):
    """make_plan plus what a real plan has: a goal tree three levels deep, an actor tree with
    an external partner under its parent, co-responsible actors, a continuous activity, a
    Kolada indicator, a term of the municipality's own, multi-line text and å, ä, ö; indicators
    reported by several actors, and statistics (national and the municipality's own) reported by
    actors, some of whom have no other part in the plan."""
    board = make_actor(municipality, "Socialnämnden")
    administration = make_actor(
        municipality,
        "Socialförvaltningen",
        Actor.Kind.ADMINISTRATION,
        parent=board,
        short_name="SOF",
    )
    unit = make_actor(
        municipality, "Individ- och familjeomsorgen", Actor.Kind.UNIT, parent=administration
    )
    school = make_actor(municipality, "Barn- och utbildningsnämnden")
    police = make_actor(municipality, "Polismyndigheten", Actor.Kind.EXTERNAL)
    local_police = make_actor(
        municipality, "Lokalpolisområde Åsele", Actor.Kind.EXTERNAL, parent=police
    )
    make_actor(municipality, "Tekniska nämnden")  # not in the plan: not exported
    # Only report something: exported all the same, with the actors above them.
    elderly_board = make_actor(municipality, "Vård- och omsorgsnämnden")
    elderly_care = make_actor(
        municipality,
        "Vård- och omsorgsförvaltningen",
        Actor.Kind.ADMINISTRATION,
        parent=elderly_board,
    )
    support = make_actor(municipality, "Brottsofferjouren Åsele", Actor.Kind.EXTERNAL)
    version = make_plan(
        municipality,
        goals=2,
        activities_per_goal=2,
        actors=[administration, school],
        title="Handlingsplan mot våld i nära relationer – Åsele",
    )
    version.decided_by = "Kommunfullmäktige"
    version.decision_date = date(2025, 1, 28)
    version.decision_paragraph = "§ 12"
    version.diary_number = "KS 2024-123"
    version.distribution = "Socialnämnden\nBarn- och utbildningsnämnden"
    version.change_summary = "Ny struktur med målbilder.\nFler insatser för äldre."
    version.save()
    own_group = Term.objects.create(
        municipality=municipality,
        kind=Term.Kind.TARGET_GROUP,
        code="nyanlanda",
        name="Nyanlända familjer",
    )
    top = version.goals.get(code="1")
    middle = Goal.objects.create(
        version=version,
        parent=top,
        code="1.1",
        title="Personal upptäcker våld tidigt",
        description="Gäller all personal.\nÄven timanställda.",
        position=0,
    )
    leaf = Goal.objects.create(
        version=version,
        parent=middle,
        code="1.1.1",
        title="Alla chefer känner till rutinen",
        conditions="Rutinen är beslutad\nChefsträffar tar upp våld\nÅrlig påminnelse",
        position=0,
    )
    Indicator.objects.create(
        version=version,
        goal=leaf,
        code="K1",
        title="Anmälda misshandelsbrott mot kvinnor",
        definition="Antal per 100 000 invånare.",
        unit=Indicator.Unit.RATE,
        direction=Indicator.Direction.DECREASE,
        baseline_year=2023,
        baseline_value="12.50",
        target_value=8,
        target_year=2028,
        source=Indicator.Source.KOLADA,
        kolada_kpi="N07403",
        by_gender=True,
        position=0,
    )
    continuous = Activity.objects.create(
        version=version,
        goal=leaf,
        code="1.1.1.1",
        title="Samverkansmöte med polisen",
        intended_outcome="Snabbare insatser när våld upptäcks.",
        continuous=True,
        activity_type=term("activity_type", "collaboration"),
        position=0,
    )
    continuous.prevention_levels.set(
        [term("prevention_level", "selective"), term("prevention_level", "indicated")]
    )
    continuous.target_groups.set([own_group, term("target_group", "children_young")])
    activity_set_responsibilities(activity=continuous, lead=unit, co_actors=[local_police])
    version.indicators.get(code="M2").reported_by.set([unit, elderly_care, school])
    own_statistic = Statistic.objects.create(
        municipality=municipality,
        code="stodlinje",
        name="Samtal till kommunens stödlinje",
        by_age=False,
        position=0,
    )
    for statistic, actor in [
        (national_statistic("staff_basic_training"), school),
        (national_statistic("honour_cases"), unit),
        (own_statistic, support),
        (national_statistic("staff_basic_training"), administration),
        (national_statistic("travel_bans"), unit),
    ]:
        StatisticAssignment.objects.create(version=version, statistic=statistic, actor=actor)
    return version


def national_statistic(code: str) -> Statistic:
    return Statistic.objects.get(municipality=None, code=code)


def make_own_statistic(municipality) -> Statistic:
    """The rich plan's statistic of the municipality's own, for another municipality."""
    return Statistic.objects.create(
        municipality=municipality, code="stodlinje", name="Samtal till kommunens stödlinje"
    )


@pytest.fixture
def rich_version(municipality):
    return make_rich_plan(municipality)


@pytest.fixture
def rich_xlsx(rich_version, municipality) -> bytes:
    return data_to_xlsx(version_to_data(rich_version), lists=choice_lists(municipality))


def open_workbook(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def save_workbook(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def sheet_of(workbook: openpyxl.Workbook, key: str):
    """A data sheet by its key, named in the active language as the export wrote it."""
    sheet = next(s for s in SHEETS if s.key == key)
    return workbook[str(sheet.title)]


def column_of(key: str, column_key: str) -> int:
    """The 1-based column number of a field in a table sheet."""
    sheet = next(s for s in SHEETS if s.key == key)
    return [c.key for c in sheet.columns].index(column_key) + 1


def label_of(key: str, column_key: str) -> str:
    sheet = next(s for s in SHEETS if s.key == key)
    return str(sheet.column(column_key).label)


def title_of(key: str) -> str:
    return str(next(s for s in SHEETS if s.key == key).title)


def first_free_row(content: bytes, key: str) -> int:
    """The first empty row below a table sheet's rows."""
    return sheet_of(open_workbook(content), key).max_row + 1


def plan_row(field: str) -> int:
    """The row of a field on the plan sheet (one field per row, under a heading row)."""
    return column_of("plan", field) + 1


def edited(content: bytes, *changes: tuple[str, int, str, object]) -> bytes:
    """The workbook with cells changed: (sheet key, row, column key, new value). On the plan
    sheet the row is found from the field and the value goes in column B."""
    workbook = open_workbook(content)
    for key, row, column_key, value in changes:
        worksheet = sheet_of(workbook, key)
        if key == "plan":
            cell = worksheet.cell(row=plan_row(column_key), column=2)
        else:
            cell = worksheet.cell(row=row, column=column_of(key, column_key))
        cell.value = value  # cell(value=None) would leave the old value
    return save_workbook(workbook)
