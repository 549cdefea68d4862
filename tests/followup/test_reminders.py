"""Reminders that reach someone: the dashboard marks actors nobody can be reminded at, the
coordinator sends reminders now after seeing who gets them, and a reminder that could not be
sent is listed with why, and tried again on the schedule."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from followup.models import Reminder
from followup.services import reminders_send, round_open
from organisations.models import User
from tests.builders import make_user
from tests.conftest import confirm, signed_in

from .conftest import OPENS
from .failing_mail import REFUSAL

REFUSING = "tests.followup.failing_mail.RefusingBackend"


@pytest.fixture
def round_(version):
    return round_open(
        version=version,
        year=2025,
        deadline=timezone.localdate() + timedelta(days=30),
        opens_on=OPENS,
    )


def dashboard_url(round_) -> str:
    return reverse("followup:round_dashboard", args=[round_.pk])


def remind_url(round_) -> str:
    return reverse("followup:round_remind", args=[round_.pk])


def reach(client, round_) -> dict[str, str]:
    rows = client.get(dashboard_url(round_)).context["dashboard"].rows
    return {row.questionnaire.actor.name: row.reach for row in rows}


def test_the_dashboard_marks_actors_without_an_active_reporter(
    round_, school_reporter, coordinator
):
    client = signed_in(coordinator)
    assert reach(client, round_) == {"Polisen": "no_reporter", "Utbildningsförvaltningen": ""}
    html = client.get(dashboard_url(round_)).content.decode()
    assert "Ingen aktiv nyckelperson" in html
    assert "En påminnelse når ingen hos 1 aktör" in html


def test_a_deactivated_reporter_or_one_without_an_address_reaches_nobody(
    round_, school_reporter, police_reporter, coordinator
):
    client = signed_in(coordinator)
    assert set(reach(client, round_).values()) == {""}
    school_reporter.is_active = False
    school_reporter.save()
    police_reporter.email = ""
    police_reporter.save()
    assert reach(client, round_) == {
        "Polisen": "no_address",
        "Utbildningsförvaltningen": "no_reporter",
    }
    assert (
        "Ingen nyckelperson med e-postadress" in client.get(dashboard_url(round_)).content.decode()
    )


def test_sending_now_first_says_who_gets_a_reminder_and_who_cannot(
    round_, school_reporter, coordinator, mailoutbox
):
    page = signed_in(coordinator).get(remind_url(round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert "skola@example.se" in html
    assert "Nås inte" in html and "ingen aktiv nyckelperson svarar för aktören" in html
    assert mailoutbox == [] and not Reminder.objects.exists()


def test_reminders_sent_now_reach_the_reporters_and_list_who_they_could_not(
    round_, school_reporter, coordinator, mailoutbox
):
    client = signed_in(coordinator)
    response = confirm(client, remind_url(round_))

    assert response.status_code == 302
    (mail,) = mailoutbox
    assert mail.to == ["skola@example.se"]
    assert "/questionnaires/" in mail.body
    sent = Reminder.objects.get(questionnaire__actor__name="Utbildningsförvaltningen")
    assert sent.problem == "" and sent.sent_by == coordinator
    assert sent.key == f"now-{timezone.localdate().isoformat()}"
    failed = Reminder.objects.get(questionnaire__actor__name="Polisen")
    assert failed.problem == Reminder.Problem.NO_REPORTER and failed.recipients == ""

    page = client.get(dashboard_url(round_))
    assert [
        (row.questionnaire.actor.name, r.problem) for row, r in page.context["dashboard"].failed
    ] == [("Polisen", "no_reporter")]
    html = page.content.decode()
    assert "Påminnelser som inte kunde skickas" in html
    assert "Ingen aktiv nyckelperson svarar för aktören" in html


def test_pressing_send_twice_the_same_day_sends_once(
    round_, school_reporter, coordinator, mailoutbox
):
    client = signed_in(coordinator)
    data = {"revision": client.get(remind_url(round_)).context["form"]["revision"].value()}
    client.post(remind_url(round_), data)
    client.post(remind_url(round_), data)  # a double click: the page it came from is older
    confirm(client, remind_url(round_))  # the page drawn again: nothing left to send
    assert len(mailoutbox) == 1
    page = client.get(remind_url(round_)).content.decode()
    assert "Redan påminda i dag" in page


def test_a_reminder_confirmed_before_a_reporter_was_added_is_asked_again(
    round_, school_reporter, municipality, police, coordinator, mailoutbox
):
    client = signed_in(coordinator)
    data = {"revision": client.get(remind_url(round_)).context["form"]["revision"].value()}
    newcomer = make_user(municipality, User.Role.REPORTER, username="ny", actors=[police])
    newcomer.email = "ny@example.se"
    newcomer.save()

    response = client.post(remind_url(round_), data)

    assert response.status_code == 200
    assert "Något ändrades" in response.content.decode()
    assert "ny@example.se" in response.content.decode()
    assert mailoutbox == []


def test_a_reminder_the_mail_system_refuses_is_listed_with_its_answer(
    round_, school_reporter, coordinator
):
    client = signed_in(coordinator)
    with override_settings(EMAIL_BACKEND=REFUSING):
        response = confirm(client, remind_url(round_), data=None)
    assert response.status_code == 302
    failed = Reminder.objects.get(questionnaire__actor__name="Utbildningsförvaltningen")
    assert failed.problem == Reminder.Problem.NOT_SENT
    assert REFUSAL in failed.error
    html = client.get(dashboard_url(round_)).content.decode()
    assert "E-postmeddelandet kunde inte skickas" in html and REFUSAL in html
    # Not sent, so not counted as sent.
    rows = client.get(dashboard_url(round_)).context["dashboard"].rows
    assert all(row.reminders == [] for row in rows)


def test_a_refused_reminder_is_sent_on_the_next_run_once_the_mail_system_accepts(
    version, school_reporter, mailoutbox
):
    round_open(version=version, year=2025, deadline=date(2026, 3, 31), opens_on=OPENS)
    today = date(2026, 3, 25)

    def refuse(questionnaire, key, recipients):
        raise ConnectionRefusedError("Connection refused")

    first = reminders_send(today=today, send=refuse)
    assert {r.questionnaire.actor.name: r.problem for r in first} == {
        "Utbildningsförvaltningen": "not_sent",
        "Polisen": "no_reporter",
    }
    assert Reminder.objects.get(problem="not_sent").error == "Connection refused"
    sent = []
    again = reminders_send(today=today, send=lambda q, key, to: sent.append(key))
    assert sent == ["before-7"]
    school = Reminder.objects.get(questionnaire__actor__name="Utbildningsförvaltningen")
    assert school.problem == "" and school.error == ""
    assert {r.problem for r in again} == {"", "no_reporter"}  # nobody to send the police's to
    # Sent now: the next run leaves it alone.
    reminders_send(today=today, send=lambda q, key, to: sent.append(key))
    assert sent == ["before-7"]


def test_the_scheduled_reminder_of_an_actor_without_a_reporter_goes_out_once_it_has_one(
    version, municipality, police, mailoutbox
):
    round_open(version=version, year=2025, deadline=timezone.localdate(), opens_on=OPENS)
    call_command("send_reminders")
    assert mailoutbox == []
    assert set(Reminder.objects.values_list("problem", flat=True)) == {"no_reporter"}

    reporter = make_user(municipality, User.Role.REPORTER, username="polis", actors=[police])
    reporter.email = "polis@example.se"
    reporter.save()
    call_command("send_reminders")
    assert [mail.to for mail in mailoutbox] == [["polis@example.se"]]


def test_a_closed_round_sends_no_reminders_now(round_, school_reporter, coordinator, mailoutbox):
    round_.close()
    response = signed_in(coordinator).post(remind_url(round_), follow=True)
    assert "Uppföljningen är stängd: inga påminnelser skickas." in response.content.decode()
    assert mailoutbox == []
