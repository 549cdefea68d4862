"""Who may open which report page and download, and the pages' costs."""

import logging
from datetime import date

import pytest
from django.urls import reverse

from followup.services import round_open
from organisations.models import User
from plans.models import PlanVersion
from plans.services import plan_version_copy
from reports.models import PlanTextSection
from reports.services import report_publish, text_section_save
from tests.builders import make_actor, make_plan, make_user
from tests.conftest import confirm, queries_for
from tests.plans.two_people import revision_of

from .conftest import answer_round, signed_in
from .reading import docx_headings


@pytest.fixture
def version(municipality, actor):
    actors = [actor, make_actor(municipality, "Polisen")]
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=actors)
    version.status = PlanVersion.Status.ADOPTED
    version.decided_by = "Kommunfullmäktige"
    version.save()
    return version


@pytest.fixture
def round_(version):
    round_ = round_open(
        version=version, year=2025, opens_on=date(2026, 1, 10), deadline=date(2026, 3, 31)
    )
    answer_round(round_)
    return round_


@pytest.fixture
def report(round_, coordinator):
    return report_publish(round_=round_, user=coordinator)


@pytest.fixture
def stranger(other_municipality):
    return make_user(other_municipality, User.Role.COORDINATOR, username="främling")


def urls(round_, report, version):
    actor = version.activities.first().lead
    return {
        "working": reverse("reports:round_report", args=[round_.pk]),
        "working_xlsx": reverse("reports:round_report_download", args=[round_.pk, "xlsx"]),
        "publish": reverse("reports:round_publish", args=[round_.pk]),
        "list": reverse("reports:plan_reports", args=[version.plan.pk]),
        "published": reverse("reports:published_report", args=[report.pk]),
        "published_xlsx": reverse("reports:published_download", args=[report.pk, "xlsx"]),
        "documents": reverse("reports:version_documents", args=[version.pk]),
        "plan_docx": reverse("reports:plan_document", args=[version.pk, "plan", "docx"]),
        "extract": reverse("reports:actor_extract", args=[version.pk])
        + f"?actor={actor.pk}&format=docx",
    }


def test_readers_read_published_reports_and_plan_documents_but_not_the_working_version(
    round_, report, version, reader, reporter
):
    pages = urls(round_, report, version)
    for user in (reader, reporter):
        client = signed_in(user)
        for name in ("list", "published", "published_xlsx", "documents", "plan_docx", "extract"):
            assert client.get(pages[name]).status_code == 200, (user.role, name)
        assert client.get(pages["working"]).status_code == 403
        assert client.get(pages["working_xlsx"]).status_code == 403
        assert client.post(pages["publish"]).status_code == 403
    listing = signed_in(reader).get(pages["list"]).content.decode()
    assert pages["published"] in listing
    assert pages["working"] not in listing


def test_the_coordinator_works_on_and_publishes_the_report(round_, report, version, coordinator):
    client = signed_in(coordinator)
    pages = urls(round_, report, version)
    for name in ("working", "working_xlsx", "list", "published", "documents"):
        assert client.get(pages[name]).status_code == 200, name
    assert client.get(pages["publish"]).status_code == 200  # asks first
    assert pages["working"] in client.get(pages["list"]).content.decode()


def test_an_administrator_does_not_see_the_working_version(round_, report, version, administrator):
    client = signed_in(administrator)
    assert client.get(urls(round_, report, version)["working"]).status_code == 403
    assert client.get(urls(round_, report, version)["published"]).status_code == 200


def test_another_municipality_finds_nothing(round_, report, version, stranger):
    client = signed_in(stranger)
    for name, url in urls(round_, report, version).items():
        response = client.post(url) if name == "publish" else client.get(url)
        assert response.status_code == 404, name
    section = PlanTextSection.objects.create(version=version, title="Bakgrund")
    assert client.get(reverse("reports:text_section_edit", args=[section.pk])).status_code == 404


def test_unknown_formats_and_documents_are_not_found(round_, report, version, coordinator):
    client = signed_in(coordinator)
    for url in (
        reverse("reports:round_report_download", args=[round_.pk, "odt"]),
        reverse("reports:published_download", args=[report.pk, "csv"]),
        reverse("reports:plan_document", args=[version.pk, "secret", "pdf"]),
        reverse("reports:plan_document", args=[version.pk, "plan", "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url


def test_every_download_and_publication_is_logged(round_, version, coordinator, caplog):
    client = signed_in(coordinator)
    with caplog.at_level(logging.INFO, logger="handlingskraft.audit"):
        confirm(client, reverse("reports:round_publish", args=[round_.pk]))
        client.get(reverse("reports:round_report_download", args=[round_.pk, "xlsx"]))
        client.get(reverse("reports:plan_document", args=[version.pk, "short", "docx"]))
    messages = [r.getMessage() for r in caplog.records if r.name == "handlingskraft.audit"]
    assert [m.split()[0] for m in messages] == ["publish", "export-xlsx", "plan-short-docx"]
    assert all(f"by user {coordinator.pk}" in m for m in messages)


def test_the_list_of_published_reports_costs_the_same_queries_for_one_and_three(
    round_, version, coordinator, reader
):
    report_publish(round_=round_, user=coordinator)
    url = reverse("reports:plan_reports", args=[version.plan.pk])
    one = queries_for(signed_in(reader), url)
    report_publish(round_=round_, user=coordinator)
    report_publish(round_=round_, user=coordinator)
    assert queries_for(signed_in(reader), url) == one


def test_a_published_report_page_costs_the_same_queries_for_one_and_three_reports(
    round_, coordinator, reader
):
    first = report_publish(round_=round_, user=coordinator)
    url = reverse("reports:published_report", args=[first.pk])
    one = queries_for(signed_in(reader), url)
    report_publish(round_=round_, user=coordinator)
    report_publish(round_=round_, user=coordinator)
    assert queries_for(signed_in(reader), url) == one


def test_the_working_page_costs_the_same_queries_with_more_answers(
    municipality, version, coordinator
):
    small = round_open(
        version=version, year=2025, opens_on=date(2026, 1, 10), deadline=date(2026, 3, 31)
    )
    answer_round(small)
    client = signed_in(coordinator)
    before = queries_for(client, reverse("reports:round_report", args=[small.pk]))
    bigger = make_plan(
        municipality,
        goals=3,
        activities_per_goal=4,
        actors=list(version.plan.municipality.actors.all()),
        title="Större plan",
    )
    bigger.status = PlanVersion.Status.ADOPTED
    bigger.save()
    big = round_open(
        version=bigger, year=2025, opens_on=date(2026, 1, 10), deadline=date(2026, 3, 31)
    )
    answer_round(big)
    assert queries_for(client, reverse("reports:round_report", args=[big.pk])) == before


# The plan documents' introductory texts -------------------------------------------------------


@pytest.fixture
def draft(version):
    return plan_version_copy(version=version)


def test_the_coordinator_writes_the_introductory_texts_of_a_draft(draft, coordinator):
    client = signed_in(coordinator)
    create = reverse("reports:text_section_create", args=[draft.pk])
    client.post(create, {"title": "Bakgrund", "body": "Första stycket.\n\nAndra stycket."})
    client.post(create, {"title": "Syfte", "body": "Planens syfte."})
    background, purpose = PlanTextSection.objects.filter(version=draft).order_by("position")
    edit = reverse("reports:text_section_edit", args=[purpose.pk])
    client.post(
        edit,
        {"title": "Syfte och omfattning", "body": "Planens syfte."}
        | {"revision": revision_of(client, edit)},
    )
    client.post(reverse("reports:text_section_move", args=[purpose.pk]), {"direction": "up"})
    titles = list(
        PlanTextSection.objects.filter(version=draft)
        .order_by("position")
        .values_list("title", flat=True)
    )
    assert titles == ["Syfte och omfattning", "Bakgrund"]
    response = client.get(reverse("reports:plan_document", args=[draft.pk, "plan", "docx"]))
    headings = [text for style, text in docx_headings(response.content) if style == "Heading 1"]
    assert headings[:2] == ["Syfte och omfattning", "Bakgrund"]

    delete = reverse("reports:text_section_delete", args=[background.pk])
    client.post(delete, {"revision": revision_of(client, delete)})
    assert not PlanTextSection.objects.filter(pk=background.pk).exists()


def test_a_text_moved_in_no_known_direction_stays_and_says_so(draft, coordinator):
    client = signed_in(coordinator)
    first = text_section_save(version=draft, title="Bakgrund", body="")
    second = text_section_save(version=draft, title="Syfte", body="")
    response = client.post(
        reverse("reports:text_section_move", args=[second.pk]), {"direction": "-1"}, follow=True
    )
    order = list(PlanTextSection.objects.filter(version=draft).order_by("position"))
    assert order == [first, second]
    assert "Ingenting flyttades" in response.content.decode()


def test_the_usual_headings_can_start_a_drafts_texts(draft, coordinator):
    signed_in(coordinator).post(reverse("reports:text_sections_suggest", args=[draft.pk]))
    assert PlanTextSection.objects.filter(version=draft).count() == 5


def test_an_adopted_versions_texts_cannot_be_changed(version, coordinator):
    client = signed_in(coordinator)
    section = PlanTextSection.objects.create(version=version, title="Bakgrund", body="Text.")
    response = client.post(
        reverse("reports:text_section_create", args=[version.pk]), {"title": "Ny", "body": ""}
    )
    assert response.status_code == 302
    client.post(reverse("reports:text_section_edit", args=[section.pk]), {"title": "Ändrad"})
    client.post(reverse("reports:text_section_delete", args=[section.pk]))
    section.refresh_from_db()
    assert section.title == "Bakgrund"
    assert PlanTextSection.objects.filter(version=version).count() == 1


def test_a_text_with_a_personal_identity_number_is_refused(draft, coordinator):
    response = signed_in(coordinator).post(
        reverse("reports:text_section_create", args=[draft.pk]),
        {"title": "Bakgrund", "body": "Kontakta 19800101-1234 om frågor."},
    )
    assert response.status_code == 200
    assert not PlanTextSection.objects.filter(version=draft).exists()


def test_readers_cannot_write_texts_or_see_a_drafts_documents(draft, reader):
    client = signed_in(reader)
    assert client.get(reverse("reports:text_section_create", args=[draft.pk])).status_code == 403
    assert client.get(reverse("reports:version_documents", args=[draft.pk])).status_code == 404
    url = reverse("reports:plan_document", args=[draft.pk, "plan", "pdf"])
    assert client.get(url).status_code == 404


def test_every_plan_document_downloads_as_pdf_and_word(version, reader):
    client = signed_in(reader)
    for kind in ("plan", "short", "activities"):
        for fmt, magic in (("pdf", b"%PDF"), ("docx", b"PK")):
            response = client.get(reverse("reports:plan_document", args=[version.pk, kind, fmt]))
            assert response.status_code == 200
            assert response.content.startswith(magic), (kind, fmt)
    url = reverse("reports:actor_extract", args=[version.pk])
    refused = client.get(url + "?actor=0&format=pdf")  # no such actor
    assert refused.status_code == 200
    assert refused.context["actor_form"].errors["actor"]
