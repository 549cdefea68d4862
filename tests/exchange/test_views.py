import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.data import version_to_data
from organisations.models import User
from plans.models import Plan, PlanVersion
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_plan, make_user
from tests.conftest import signed_in

from .conftest import database_counts, edited

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(content: bytes, name: str = "plan.xlsx") -> dict:
    return {"file": SimpleUploadedFile(name, content)}


# Export -------------------------------------------------------------------------------------


def test_a_coordinator_downloads_a_version_as_excel(coordinator_client, rich_version):
    response = coordinator_client.get(
        reverse("exchange:version_export_xlsx", args=[rich_version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == (
        'attachment; filename="handlingsplan-mot-vald-i-nara-relationer-asele-1-0.xlsx"'
    )
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 8


def test_a_coordinator_downloads_a_version_as_json(coordinator_client, rich_version):
    response = coordinator_client.get(
        reverse("exchange:version_export_json", args=[rich_version.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].endswith('-1-0.json"')
    assert json.loads(response.content) == version_to_data(rich_version)


@pytest.mark.parametrize("name", ["exchange:version_export_xlsx", "exchange:version_export_json"])
def test_a_reader_downloads_adopted_versions_but_not_drafts(reader_client, rich_version, name):
    url = reverse(name, args=[rich_version.pk])
    assert reader_client.get(url).status_code == 404

    rich_version.status = PlanVersion.Status.ADOPTED
    rich_version.save()

    assert reader_client.get(url).status_code == 200


@pytest.mark.parametrize("name", ["exchange:version_export_xlsx", "exchange:version_export_json"])
def test_another_municipalitys_coordinator_gets_404(other_municipality, rich_version, name):
    rich_version.status = PlanVersion.Status.ADOPTED
    rich_version.save()
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))

    assert outsider.get(reverse(name, args=[rich_version.pk])).status_code == 404


def test_signed_out_visitors_are_sent_to_sign_in(client, rich_version):
    response = client.get(reverse("exchange:version_export_json", args=[rich_version.pk]))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_anyone_in_the_municipality_downloads_the_template(reader_client):
    response = reader_client.get(reverse("exchange:template_xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith('attachment; filename="')


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def _with_reporting(version, actors) -> PlanVersion:
    """Every indicator reported by all the actors, each reporting every statistic."""
    for indicator in version.indicators.all():
        indicator.reported_by.set(actors)
    for statistic in Statistic.objects.filter(municipality=None)[: len(actors)]:
        for actor in actors:
            StatisticAssignment.objects.create(version=version, statistic=statistic, actor=actor)
    return version


@pytest.mark.parametrize("name", ["exchange:version_export_xlsx", "exchange:version_export_json"])
def test_export_makes_the_same_number_of_queries_for_1_and_3_items(
    municipality, coordinator_client, django_assert_num_queries, name
):
    actors = [make_actor(municipality, f"Aktör {n}") for n in range(3)]
    small = make_plan(municipality, goals=1, activities_per_goal=1, actors=actors[:2])
    large = make_plan(municipality, goals=3, activities_per_goal=3, actors=actors, title="Stor")
    _with_reporting(small, actors[:1])
    _with_reporting(large, actors)
    expected = _queries(coordinator_client, reverse(name, args=[small.pk]))

    with django_assert_num_queries(expected):
        coordinator_client.get(reverse(name, args=[large.pk]))


def test_building_the_data_makes_the_same_number_of_queries_for_1_and_3_items(
    municipality, django_assert_num_queries
):
    actors = [make_actor(municipality, f"Aktör {n}") for n in range(3)]
    small = PlanVersion.objects.select_related("plan").get(
        pk=make_plan(municipality, goals=1, activities_per_goal=1, actors=actors[:2]).pk
    )
    large = PlanVersion.objects.select_related("plan").get(
        pk=make_plan(municipality, goals=3, activities_per_goal=3, actors=actors, title="B").pk
    )
    _with_reporting(small, actors[:1])
    _with_reporting(large, actors)
    with CaptureQueriesContext(connection) as context:
        version_to_data(small)
    assert len(version_to_data(large)["statistics"]) == 9

    with django_assert_num_queries(len(context.captured_queries)):
        version_to_data(large)


# Import -------------------------------------------------------------------------------------


def test_a_coordinator_imports_a_workbook_as_a_new_version(
    coordinator_client, rich_version, rich_xlsx
):
    url = reverse("exchange:plan_import", args=[rich_version.plan.pk])
    assert coordinator_client.get(url).status_code == 200

    response = coordinator_client.post(url, upload(rich_xlsx))

    new = PlanVersion.objects.exclude(pk=rich_version.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:version_overview", args=[new.pk])
    assert new.plan == rich_version.plan and new.status == PlanVersion.Status.DRAFT
    assert new.goals.count() == rich_version.goals.count()


def test_a_coordinator_imports_a_json_file_as_a_new_plan(coordinator_client, rich_version):
    content = json.dumps(version_to_data(rich_version)).encode()

    response = coordinator_client.post(
        reverse("exchange:plan_import_new"), upload(content, "plan.json")
    )

    new = Plan.objects.exclude(pk=rich_version.plan.pk).get()
    assert response["Location"] == reverse("plans:version_overview", args=[new.versions.get().pk])
    assert new.title == rich_version.plan.title


def test_an_exported_adopted_version_comes_back_as_a_draft_without_its_decision(
    coordinator_client, rich_version
):
    rich_version.status = PlanVersion.Status.ADOPTED
    rich_version.save()
    url = reverse("exchange:version_export_json", args=[rich_version.pk])
    exported = coordinator_client.get(url).content
    assert json.loads(exported)["plan"]["decided_by"] == "Kommunfullmäktige"

    response = coordinator_client.post(
        reverse("exchange:plan_import", args=[rich_version.plan.pk]),
        upload(exported, "plan.json"),
        follow=True,
    )

    new = PlanVersion.objects.exclude(pk=rich_version.pk).get()
    assert new.status == PlanVersion.Status.DRAFT
    assert not new.has_decision
    assert (new.decided_by, new.decision_date, new.diary_number, new.distribution) == (
        "",
        None,
        "",
        "",
    )
    page = response.content.decode()
    assert (
        "Filen innehåller ett beslut (Kommunfullmäktige, 2025-01-28, § 12, KS 2024-123). "
        "Beslutet importerades inte"
    ) in page
    # The new draft shows no decision of its own; its history has none either.
    assert "Kommunfullmäktige" not in page.split("Planens versioner")[0].split("<h2>Beslut</h2>")[1]


def test_a_file_without_a_decision_says_nothing_about_one(coordinator_client, rich_version):
    data = version_to_data(rich_version)
    data["plan"] |= {"decided_by": "", "decision_date": None, "decision_paragraph": ""}
    data["plan"] |= {"diary_number": "", "distribution": []}

    response = coordinator_client.post(
        reverse("exchange:plan_import_new"),
        upload(json.dumps(data).encode(), "plan.json"),
        follow=True,
    )

    assert "Filen har importerats som ett nytt utkast" in response.content.decode()
    assert "Filen innehåller ett beslut" not in response.content.decode()


def test_a_file_with_problems_shows_every_problem_and_imports_nothing(
    coordinator_client, rich_xlsx
):
    content = edited(
        rich_xlsx,
        ("goals", 3, "title", None),
        ("activities", 2, "lead", "Okänd nämnd"),
    )
    before = database_counts()

    response = coordinator_client.post(reverse("exchange:plan_import_new"), upload(content))

    assert response.status_code == 200
    assert database_counts() == before
    html = response.content.decode()
    assert 'role="alert"' in html
    assert [str(p.row) for p in response.context["problems"]] == ["3", "2"]
    assert "Okänd nämnd" in html
    assert html.count('<th scope="col">') == 4


def test_the_upload_form_wants_a_file_of_at_most_the_limit(coordinator_client, settings):
    url = reverse("exchange:plan_import_new")
    response = coordinator_client.post(url, {})
    assert response.context["form"].errors["file"]

    settings.PLAN_IMPORT_MAX_BYTES = 10
    response = coordinator_client.post(url, upload(b"x" * 11, "plan.json"))
    assert response.context["form"].errors["file"]
    assert response.context["problems"] == []


@pytest.mark.parametrize("role", [User.Role.READER, User.Role.REPORTER, User.Role.ADMINISTRATOR])
def test_only_coordinators_import(municipality, rich_version, rich_xlsx, role):
    user = signed_in(make_user(municipality, role, username=f"user-{role}"))
    before = database_counts()

    for url in (
        reverse("exchange:plan_import", args=[rich_version.plan.pk]),
        reverse("exchange:plan_import_new"),
    ):
        assert user.get(url).status_code == 403
        assert user.post(url, upload(rich_xlsx)).status_code == 403

    assert database_counts() == before


def test_importing_into_another_municipalitys_plan_gives_404(
    other_municipality, rich_version, rich_xlsx
):
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    url = reverse("exchange:plan_import", args=[rich_version.plan.pk])
    before = database_counts()

    assert outsider.get(url).status_code == 404
    assert outsider.post(url, upload(rich_xlsx)).status_code == 404
    assert database_counts() == before
