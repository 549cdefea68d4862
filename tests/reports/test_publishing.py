"""Publishing freezes the report: numbered, dated, unchanged by later answers, kept when a
new one is published."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.models import F
from django.urls import reverse

from followup.models import ActivityAnswer, StatisticCount
from followup.services import round_open
from organisations.models import User
from plans.models import PlanVersion
from reports.models import PublishedReport, PublishedReportFile
from reports.services import report_publish
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_plan, make_user
from tests.conftest import confirm

from .conftest import answer_round, signed_in
from .reading import html_tables


@pytest.fixture
def round_(municipality):
    actors = [make_actor(municipality, "Socialnämnden"), make_actor(municipality, "Polisen")]
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=actors)
    StatisticAssignment.objects.create(
        version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
    )
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    round_ = round_open(
        version=version, year=2025, opens_on=date(2026, 1, 10), deadline=date(2026, 3, 31)
    )
    answer_round(round_, lambda s, g, a, i: 10)
    return round_


def status_rows(content: dict) -> list:
    for section in content["sections"]:
        for block in section["blocks"]:
            if block["kind"] == "figure" and block["table"]["key"] == "status":
                return block["table"]["rows"]
    raise AssertionError("no status table")


def test_a_published_report_does_not_change_when_the_answers_do(round_, coordinator, reader):
    response = confirm(signed_in(coordinator), reverse("reports:round_publish", args=[round_.pk]))
    report = PublishedReport.objects.get(round=round_)
    assert response.url == reverse("reports:published_report", args=[report.pk])
    frozen = report.content
    page_before = signed_in(reader).get(reverse("reports:published_report", args=[report.pk]))

    ActivityAnswer.objects.filter(questionnaire__round=round_).update(status="cancelled")
    StatisticCount.objects.filter(questionnaire__round=round_).update(count=F("count") + 100)

    report.refresh_from_db()
    assert report.content == frozen
    page_after = signed_in(reader).get(reverse("reports:published_report", args=[report.pk]))
    assert html_tables(page_after.content.decode()) == html_tables(page_before.content.decode())
    working = signed_in(coordinator).get(reverse("reports:round_report", args=[round_.pk]))
    assert html_tables(working.content.decode()) != html_tables(page_before.content.decode())


def test_publishing_again_makes_the_next_number_and_keeps_the_earlier_report(round_, coordinator):
    first = report_publish(round_=round_, user=coordinator)
    ActivityAnswer.objects.filter(questionnaire__round=round_).update(status="done")
    second = report_publish(round_=round_, user=coordinator)
    assert (first.number, second.number) == (1, 2)
    first.refresh_from_db()
    assert status_rows(first.content) != status_rows(second.content)
    assert "1" in first.content["subtitle"] and "2" in second.content["subtitle"]
    assert second.published_by == coordinator and second.published_at >= first.published_at
    assert PublishedReport.objects.filter(round=round_).count() == 2


def test_a_published_report_cannot_be_edited(round_, coordinator):
    report = report_publish(round_=round_, user=coordinator)
    report.content = {}
    with pytest.raises(ValidationError):
        report.save()


def test_the_report_is_published_in_swedish_whatever_the_coordinators_language(round_, coordinator):
    client = signed_in(coordinator)
    client.cookies["django_language"] = "en"
    url = reverse("reports:round_publish", args=[round_.pk])
    revision = client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["form"]["revision"].value()
    client.post(url, {"revision": revision}, HTTP_ACCEPT_LANGUAGE="en")
    report = PublishedReport.objects.get(round=round_)
    assert report.language == "sv"
    assert report.content["language"] == "sv"
    assert report.content["title"].startswith("Uppföljning 2025")


def test_a_published_report_is_frozen_with_small_counts_already_hidden(round_, coordinator):
    answer_round(round_)  # nothing left to answer; counts stay 10
    StatisticCount.objects.filter(questionnaire__round=round_, gender="girls").update(count=2)
    report = report_publish(round_=round_, user=coordinator)
    assert report.content["exact"] is False
    assert "–" in str(report.content)


def test_every_reader_downloads_the_same_stored_file(round_, coordinator, reader):
    report = report_publish(round_=round_, user=coordinator)
    other_reader = make_user(round_.version.plan.municipality, User.Role.READER, "läsare-2")
    url = reverse("reports:published_download", args=[report.pk, "docx"])
    first = signed_in(reader).get(url)
    second = signed_in(other_reader).get(url)
    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert PublishedReportFile.objects.filter(report=report, format="docx").count() == 1
    assert "attachment" in first["Content-Disposition"]


# Publishing once per confirmation -------------------------------------------------------------


def publish_url(round_) -> str:
    return reverse("reports:round_publish", args=[round_.pk])


def publish_page(client, round_) -> dict:
    """What the confirmation page sends when its button is pressed."""
    return {"revision": client.get(publish_url(round_)).context["form"]["revision"].value()}


def test_publishing_asks_first_and_says_who_has_not_answered(round_, coordinator):
    polisen = round_.questionnaires.get(actor__name="Polisen")
    polisen.send_back(coordinator, "Komplettera.")
    page = signed_in(coordinator).get(publish_url(round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 av 2 aktörer har svarat; Polisen saknas." in html
    assert "En publicerad rapport kan inte ändras eller dras tillbaka." in html
    assert not PublishedReport.objects.exists()


def test_a_publish_posted_without_the_pages_state_is_asked_again(round_, coordinator):
    response = signed_in(coordinator).post(publish_url(round_))
    assert response.status_code == 200
    assert not PublishedReport.objects.exists()


def test_the_same_confirmation_sent_twice_publishes_one_report(round_, coordinator):
    client = signed_in(coordinator)
    page = publish_page(client, round_)

    first = client.post(publish_url(round_), page)  # the click
    again = client.post(publish_url(round_), page, follow=True)  # the double click, or back

    report = PublishedReport.objects.get()
    assert (
        first.url
        == again.redirect_chain[-1][0]
        == reverse("reports:published_report", args=[report.pk])
    )
    assert "Rapport 1 var redan publicerad från den här sidan" in again.content.decode()


def test_two_tabs_confirming_the_same_answers_publish_one_report(round_, coordinator):
    tab_one, tab_two = signed_in(coordinator), signed_in(coordinator)
    page_one, page_two = publish_page(tab_one, round_), publish_page(tab_two, round_)
    tab_one.post(publish_url(round_), page_one)
    tab_two.post(publish_url(round_), page_two)
    assert PublishedReport.objects.count() == 1


def test_once_published_the_page_says_so_until_something_changes(round_, coordinator):
    client = signed_in(coordinator)
    client.post(publish_url(round_), publish_page(client, round_))
    page = client.get(publish_url(round_))
    assert page.context["same"].number == 1
    assert "Inget har ändrats sedan dess" in page.content.decode()


def test_a_deliberate_republish_after_a_correction_makes_the_next_number(round_, coordinator):
    client = signed_in(coordinator)
    client.post(publish_url(round_), publish_page(client, round_))
    questionnaire = round_.questionnaires.get(actor__name="Polisen")
    questionnaire.send_back(coordinator, "Rätta antalet.")  # a correction changes the state
    page = client.get(publish_url(round_))
    assert page.context["same"] is None
    assert "Den blir rapport 2" in page.content.decode()

    client.post(publish_url(round_), publish_page(client, round_))

    assert list(PublishedReport.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
    ]


def test_a_confirmation_drawn_before_the_answers_changed_is_asked_again(round_, coordinator):
    client = signed_in(coordinator)
    page = publish_page(client, round_)
    round_.questionnaires.get(actor__name="Polisen").send_back(coordinator, "Komplettera.")

    response = client.post(publish_url(round_), page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Något ändrades efter att du öppnade sidan." in html
    assert "1 av 2 aktörer har svarat; Polisen saknas." in html
    assert not PublishedReport.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_posts_of_one_confirmation_publish_one_report(round_, coordinator):
    clients = [signed_in(coordinator) for _ in range(4)]
    page = publish_page(clients[0], round_)
    start = threading.Barrier(len(clients))
    answers: list[str] = []

    def publish(client) -> None:
        try:
            start.wait()
            answers.append(client.post(publish_url(round_), page).url)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    report = PublishedReport.objects.get()
    assert answers == [reverse("reports:published_report", args=[report.pk])] * len(clients)
