"""Closing a round asks first, saying who has answered and who has not; a closed round can be
reopened, with a new deadline, and the trail and the dashboard say who did which when."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from followup.models import FollowUpRound, Questionnaire, Reminder
from followup.services import round_open, round_reopen
from organisations.models import Actor, User
from reports.models import PublishedReport
from reports.services import report_publish
from tests.builders import make_actor
from tests.conftest import confirm, signed_in
from tests.plans.two_people import person

from .conftest import OPENS, adopted_plan


@pytest.fixture
def anna(municipality):
    return person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Andersson")


@pytest.fixture
def actors(municipality):
    """Four administrations, named as in a real municipality."""
    return [
        make_actor(municipality, name, kind=Actor.Kind.ADMINISTRATION)
        for name in (
            "Socialförvaltningen",
            "Utbildningsförvaltningen",
            "Kultur- och fritidsförvaltningen",
            "Tekniska förvaltningen",
        )
    ]


@pytest.fixture
def round_(municipality, actors):
    """Every actor answers for the plan's activities; two of the four have submitted."""
    version = adopted_plan(municipality, actors=actors)
    round_ = round_open(version=version, year=2025, deadline=date(2026, 3, 31), opens_on=OPENS)
    for name in ("Socialförvaltningen", "Utbildningsförvaltningen"):
        round_.questionnaires.get(actor__name=name).submit(None)
    return round_


def close_url(round_) -> str:
    return reverse("followup:round_close", args=[round_.pk])


def reopen_url(round_) -> str:
    return reverse("followup:round_reopen", args=[round_.pk])


def test_closing_asks_first_and_names_who_has_not_answered(round_, anna):
    page = signed_in(anna).get(close_url(round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        "2 av 4 aktörer har svarat; Kultur- och fritidsförvaltningen och Tekniska "
        "förvaltningen saknas."
    ) in html
    assert "Du kan öppna uppföljningen igen senare" in html
    round_.refresh_from_db()
    assert round_.is_open  # opening the page changes nothing


def test_a_close_posted_without_the_pages_revision_is_asked_again(round_, anna):
    response = signed_in(anna).post(close_url(round_))  # an old button, or a hand-made post
    assert response.status_code == 200
    assert "Något ändrades" not in response.content.decode()
    round_.refresh_from_db()
    assert round_.is_open


def test_closing_when_confirmed_locks_every_answer(round_, anna):
    response = confirm(signed_in(anna), close_url(round_))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == FollowUpRound.Status.CLOSED and round_.closed_at
    assert not any(q.is_editable for q in round_.questionnaires.all())


def test_a_close_confirmed_before_someone_submitted_is_asked_again_with_the_new_figures(
    round_, anna
):
    client = signed_in(anna)
    revision = client.get(close_url(round_)).context["form"]["revision"].value()
    round_.questionnaires.get(actor__name="Tekniska förvaltningen").submit(None)

    response = client.post(close_url(round_), {"revision": revision})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Något ändrades efter att du öppnade sidan." in html
    assert "3 av 4 aktörer har svarat; Kultur- och fritidsförvaltningen saknas." in html
    round_.refresh_from_db()
    assert round_.is_open
    assert confirm(client, close_url(round_)).status_code == 302


def test_a_round_where_everyone_has_answered_says_so(round_, anna):
    for questionnaire in round_.questionnaires.exclude(status=Questionnaire.Status.SUBMITTED):
        questionnaire.submit(None)
    html = signed_in(anna).get(close_url(round_)).content.decode()
    assert "Alla 4 aktörer har svarat." in html


def test_closing_a_closed_round_again_says_it_is_closed(round_, anna):
    round_.close()
    response = signed_in(anna).get(close_url(round_), follow=True)
    assert "Uppföljningen är redan stängd." in response.content.decode()


# Reopening ------------------------------------------------------------------------------------


def test_reopening_states_what_happens_to_the_published_report(round_, anna):
    report_publish(round_=round_, user=anna)
    round_.close()
    page = signed_in(anna).get(reopen_url(round_))
    assert page.status_code == 200
    html = page.content.decode()
    assert "2 av 4 aktörer har svarat" in html
    assert "Rapporten som redan är publicerad förblir som den publicerades." in html
    assert "Aktörer som inte har skickat in kan svara igen" in html


def test_reopening_opens_the_round_until_a_new_deadline_and_keeps_the_report(
    round_, anna, municipality
):
    report = report_publish(round_=round_, user=anna)
    frozen = report.content
    round_.close()
    waiting = round_.questionnaires.get(actor__name="Tekniska förvaltningen")
    Reminder.objects.create(questionnaire=waiting, key="after-7", recipients="t@example.se")
    deadline = timezone.localdate() + timedelta(days=21)

    response = confirm(signed_in(anna), reopen_url(round_), {"deadline": deadline.isoformat()})

    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.is_open and round_.closed_at is None and round_.deadline == deadline
    waiting.refresh_from_db()
    assert waiting.is_editable and waiting.deadline == deadline and not waiting.is_overdue()
    assert not waiting.reminders.exists()  # counted from the new deadline, they start over
    report.refresh_from_db()
    assert report.content == frozen and PublishedReport.objects.count() == 1
    # The reporter can answer again.
    reporter = person(municipality, User.Role.REPORTER, "tekniska", "Tea", "Teknik")
    reporter.actors.set([waiting.actor])
    page = signed_in(reporter).get(reverse("followup:questionnaire", args=[waiting.pk]))
    assert page.context["editable"] is True


def test_a_later_deadline_given_to_one_actor_stays_when_the_round_is_reopened(round_, anna):
    round_.close()
    later = timezone.localdate() + timedelta(days=60)
    extended = round_.questionnaires.get(actor__name="Tekniska förvaltningen")
    extended.deadline = later
    extended.save()
    round_reopen(
        round_=round_,
        deadline=timezone.localdate() + timedelta(days=14),
        today=timezone.localdate(),
    )
    extended.refresh_from_db()
    assert extended.deadline == later


def test_a_reopening_deadline_in_the_past_is_refused_in_swedish(round_, anna):
    round_.close()
    client = signed_in(anna)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = confirm(client, reopen_url(round_), {"deadline": yesterday.isoformat()})
    assert response.status_code == 200
    assert "Den nya sista svarsdagen kan inte ha passerat." in response.content.decode()
    round_.refresh_from_db()
    assert not round_.is_open


def test_the_reopening_form_offers_a_deadline_ahead(round_, anna):
    round_.close()  # its deadline, 31 March 2026, has passed
    form = signed_in(anna).get(reopen_url(round_)).context["form"]
    assert form["deadline"].value() == timezone.localdate() + timedelta(days=14)


def test_reopening_an_open_round_says_it_is_open(round_, anna):
    response = confirm(signed_in(anna), close_url(round_))  # closes it
    round_.refresh_from_db()
    assert not round_.is_open
    response = signed_in(anna).post(reopen_url(round_))  # no revision: asked
    assert response.status_code == 200
    assert confirm(signed_in(anna), reopen_url(round_)).status_code == 302
    response = signed_in(anna).get(reopen_url(round_), follow=True)
    assert "Uppföljningen är redan öppen." in response.content.decode()


def test_closing_and_reopening_are_in_the_trail_and_on_the_dashboard(round_, anna):
    client = signed_in(anna)
    confirm(client, close_url(round_))
    confirm(client, reopen_url(round_))

    records = list(round_.history.order_by("history_date", "history_id"))
    assert [r.status for r in records] == ["open", "closed", "open"]
    assert records[-1].history_user == anna and records[-2].history_user == anna

    page = client.get(reverse("followup:round_dashboard", args=[round_.pk]))
    history = page.context["history"]
    assert [(e.status, e.again) for e in history] == [
        ("open", False),
        ("closed", False),
        ("open", True),
    ]
    html = page.content.decode()
    assert "öppnad igen, Anna Andersson" in html and "stängd, Anna Andersson" in html
    trail = client.get(reverse("records:version_history", args=[round_.version_id]))
    assert "Stängd" in trail.content.decode()
