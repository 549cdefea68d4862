"""A real plan typed into the empty template imports: rows resembling Vingåker's plan against
honour-related violence (measure → activity → timeframe → responsible unit)."""

from django.urls import reverse

from exchange.choices import choice_lists
from exchange.importer import plan_version_import_file
from exchange.xlsx import data_to_xlsx
from organisations.models import Actor
from plans.models import PlanVersion
from tests.builders import make_actor

from .conftest import column_of, open_workbook, plan_row, save_workbook, sheet_of


def fill(worksheet, key: str, rows: list[dict], first_row: int = 2) -> None:
    for number, row in enumerate(rows, start=first_row):
        for column_key, value in row.items():
            worksheet.cell(row=number, column=column_of(key, column_key)).value = value


def test_a_plan_typed_into_the_template_imports_and_reads_right_on_every_page(
    municipality, coordinator_client
):
    make_actor(municipality, "Socialnämnden")  # already in the system
    lists = choice_lists(municipality)
    yes = lists["yes_no"].label("yes")
    workbook = open_workbook(data_to_xlsx(None, lists=lists))

    plan = sheet_of(workbook, "plan")
    for field, value in {
        "title": "Handlingsplan mot hedersrelaterat våld och förtryck",
        "version_label": "2023:1",
        "valid_from": "2023",
        "valid_to": 2026.0,
        "decided_by": "Socialnämnden",
        "distribution": "IFO chef\nVåldsgruppen",
    }.items():
        plan.cell(row=plan_row(field), column=2).value = value

    fill(
        sheet_of(workbook, "actors"),
        "actors",
        [
            {
                "name": "Individ- och familjeomsorgen",
                "short_name": "IFO",
                "kind": lists["actor_kind"].label("administration"),
                "parent": "Socialnämnden",
            },
            {
                "name": "Barn- och familjeenheten",
                "kind": lists["actor_kind"].label("unit"),
                "parent": "individ- och familjeomsorgen",
            },
            {
                "name": "Öppenvårdsgruppen",
                "kind": lists["actor_kind"].label("unit"),
                "parent": "Individ- och familjeomsorgen",
            },
            {
                "name": "Våldsgruppen",
                "kind": lists["actor_kind"].label("working_group"),
                "parent": "Individ- och familjeomsorgen",
            },
        ],
    )
    fill(
        sheet_of(workbook, "goals"),
        "goals",
        [
            {"code": "V", "title": "Ingen ska utsättas för hedersrelaterat våld och förtryck."},
            {
                "code": "1",
                "parent": "V",
                "title": "Alla som arbetar på socialförvaltningen ska ha kunskap kring "
                "hedersrelaterat våld och förtryck",
                "conditions": "Handlingsplanen är känd på alla enheter\n"
                "Personal kan göra riskbedömningar enligt standardiserade metoder",
            },
            {
                "code": "2",
                "parent": "V",
                "title": "Barn i familjer där hedersrelaterat våld och förtryck förekommer ska "
                "särskilt uppmärksammas och erbjudas stöd och hjälp",
            },
        ],
    )
    fill(
        sheet_of(workbook, "indicators"),
        "indicators",
        [
            {
                "code": "M1",
                "goal": "1",
                "title": "Andel av IFO:s personal som fått grundläggande utbildning om hedersrelaterat "
                "våld och förtryck",
                "unit": lists["unit"].label("share"),
                "direction": lists["direction"].label("increase"),
                "baseline_year": "2022",
                "baseline_value": "35",
                "target_value": 100,
                "target_year": 2026,
                "source": lists["source"].label("follow_up"),
            },
        ],
    )
    fill(
        sheet_of(workbook, "activities"),
        "activities",
        [
            {
                "code": "1.1",
                "goal": "1",
                "intended_outcome": "Socialnämnden ska implementera handlingsplanen i organisationen.",
                "title": "Gå igenom handlingsplanen på APT på respektive enhet",
                "start_year": 2023,
                "end_year": 2023,
                "activity_type": "Information och kommunikation",
                "lead": "Individ- och familjeomsorgen",
            },
            {
                "code": "1.2",
                "goal": "1",
                "intended_outcome": "All personal ska ha god kompetens gällande hedersrelaterat våld "
                "och förtryck",
                "title": "IFOs våldsgrupp ska få grundläggande utbildning rörande hedersrelaterat "
                "våld och förtryck",
                "continuous": yes,
                "activity_type": "Kompetensutveckling",
                "prevention_levels": "Indikerad",
                "violence_areas": "Hedersrelaterat våld och förtryck",
                "target_groups": "Personal",
                "lead": "Individ- och familjeomsorgen",
                "co_actors": "Våldsgruppen",
            },
            {
                "code": "2.1",
                "goal": "2",
                "intended_outcome": "Barn och ungas behov av skydd och stöd ska bedömas enligt "
                "kvalitetssäkrade metoder",
                "title": "Vid förhandsbedömning ska det finnas uppdaterade rutiner angående kontakt "
                "med vårdnadshavare.",
                "continuous": yes,
                "activity_type": "Rutin eller arbetssätt",
                "prevention_levels": "Selektiv; Indikerad",
                "target_groups": "Barn och unga; Föräldrar",
                "lead": "Barn- och familjeenheten",
                "co_actors": "Individ- och familjeomsorgen",
            },
            {
                "code": "2.2",
                "goal": "2",
                "title": "Barn och unga ska erbjudas trappansamtal",
                "description": "Genomföra insatsen",
                "continuous": yes,
                "activity_type": "Stöd och skydd",
                "lead": "Öppenvårdsgruppen",
            },
        ],
        first_row=3,
    )  # a blank row under the headings, as people leave them

    version = plan_version_import_file(
        municipality=municipality,
        name="Handlingsplan heder.xlsx",
        content=save_workbook(workbook),
    )

    assert version.status == PlanVersion.Status.DRAFT
    assert version.plan.title == "Handlingsplan mot hedersrelaterat våld och förtryck"
    assert (version.label, version.valid_from, version.valid_to) == ("2023:1", 2023, 2026)
    # The decision typed in is not imported: the version is a draft, decided when adopted.
    assert not version.has_decision

    goals = {goal.code: goal for goal in version.goals.all()}
    assert sorted(goals) == ["1", "2", "V"]
    assert goals["1"].parent == goals["V"] and goals["2"].parent == goals["V"]
    assert goals["1"].condition_list == [
        "Handlingsplanen är känd på alla enheter",
        "Personal kan göra riskbedömningar enligt standardiserade metoder",
    ]

    indicator = version.indicators.get()
    assert (indicator.goal, indicator.unit, indicator.baseline_value) == (goals["1"], "share", 35)

    activities = {a.code: a for a in version.activities.prefetch_related("responsibilities__actor")}
    assert activities["1.1"].timeframe == "2023"
    assert activities["1.1"].activity_type.code == "information"
    training = activities["1.2"]
    assert training.continuous and training.goal == goals["1"]
    assert training.lead.name == "Individ- och familjeomsorgen"
    assert [a.name for a in training.co_actors] == ["Våldsgruppen"]
    assessment = activities["2.1"]
    assert assessment.lead.name == "Barn- och familjeenheten"
    assert [a.name for a in assessment.co_actors] == ["Individ- och familjeomsorgen"]
    assert sorted(t.code for t in assessment.prevention_levels.all()) == ["indicated", "selective"]
    assert activities["2.2"].lead.name == "Öppenvårdsgruppen"

    ifo = Actor.objects.get(municipality=municipality, name="Individ- och familjeomsorgen")
    assert (ifo.short_name, ifo.kind, ifo.parent.name) == ("IFO", "administration", "Socialnämnden")
    assert Actor.objects.get(name="Våldsgruppen").parent == ifo
    assert Actor.objects.filter(municipality=municipality, name="Socialnämnden").count() == 1

    def page(name: str):
        response = coordinator_client.get(reverse(name, args=[version.pk]))
        assert response.status_code == 200
        return response

    by_goal = page("plans:version_by_goal").content.decode()
    for text in [
        "Ingen ska utsättas för hedersrelaterat våld och förtryck.",
        "Handlingsplanen är känd på alla enheter",
        "Andel av IFO:s personal som fått grundläggande utbildning",
        "Barn och unga ska erbjudas trappansamtal",
        '<span class="lead-actor">Barn- och familjeenheten</span>',
    ]:
        assert text in by_goal
    duties = {
        entry.actor.name: ([a.code for a in entry.leads], [a.code for a in entry.takes_part_in])
        for entry in page("plans:version_by_actor").context["with_duties"]
    }
    assert duties["Individ- och familjeomsorgen"] == (["1.1", "1.2"], ["2.1"])
    assert duties["Våldsgruppen"] == ([], ["1.2"])
    assert duties["Öppenvårdsgruppen"] == (["2.2"], [])
    listed = page("plans:version_activity_list").context["activities"]
    assert [a.code for a in listed] == ["1.1", "1.2", "2.1", "2.2"]
    coverage = page("plans:version_coverage").context["coverage"]
    assert coverage.activities_without_lead == []
    assert [goal.code for goal in coverage.goals_without_indicators] == ["2"]
    assert page("plans:version_overview").context["counts"].activities == 4
