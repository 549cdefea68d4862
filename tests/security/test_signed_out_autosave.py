"""A questionnaire that saves itself in the background after the session has ended: the page
is told (401 and a message for its status area) instead of getting the sign-in page's HTML,
nothing is saved or overwritten, and once the person has signed in again the page can fetch
the new CSRF token and save what is on it."""

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from followup.models import ActivityAnswer
from followup.services import round_open
from organisations.models import User
from plans.models import PlanVersion
from tests.builders import PASSWORD, make_plan, make_user

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def questionnaire(municipality, actor):
    version = make_plan(municipality, actors=[actor])
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    round_ = round_open(
        version=version, year=2025, deadline=date(2026, 12, 31), opens_on=date(2026, 2, 1)
    )
    return round_.questionnaires.get(actor=actor)


def sign_in(client: Client, user: User) -> None:
    page = client.get(reverse("login"))
    response = client.post(
        reverse("login"),
        {
            "username": user.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": page.context["csrf_token"],
        },
    )
    assert response.status_code == 302


def session_ends(client: Client) -> None:
    """As when the session times out on the server: the browser keeps its cookies (the CSRF
    cookie too), the session they point at is gone."""
    client.session.delete()


def typed(client: Client, url: str, text: str) -> tuple[dict, str]:
    """The page's values with an account typed in, and the CSRF token the page carries."""
    page = client.get(url)
    data = {"base": page.context["base"]}
    for form in page.context["forms"].all():
        for field in form:
            if field.value() is not None:
                data[field.html_name] = field.value()
    data[f"{page.context['forms'].activities[0].prefix}-what_was_done"] = text
    return data, TOKEN.search(page.content.decode()).group(1)


def test_a_background_save_after_signing_out_is_told_and_saves_nothing(questionnaire, reporter):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, reporter)
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    data, token = typed(client, url, "Text som inte får försvinna.")
    session_ends(client)

    response = client.post(url, {**data, "csrfmiddlewaretoken": token}, HTTP_HX_REQUEST="true")

    assert response.status_code == 401
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="save-status"')  # replaces the status, nothing else
    assert "Inte sparat: du har blivit utloggad" in page
    assert "Allt du har skrivit finns kvar på den här sidan" in page
    assert f'href="{reverse("login")}" target="_blank"' in page
    assert "<html" not in page
    assert not ActivityAnswer.objects.filter(
        questionnaire=questionnaire, what_was_done__contains="försvinna"
    ).exists()
    questionnaire.refresh_from_db()
    assert questionnaire.revision == 0


def test_a_session_at_its_time_limit_is_told_the_same_way(questionnaire, reporter, settings):
    client = Client()
    client.force_login(reporter)
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    data, _token = typed(client, url, "Skrivet länge.")
    session = client.session
    session["_signed_in_at"] = 0  # signed in long ago
    session.save()
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 401
    assert "du har blivit utloggad" in response.content.decode()


def test_outside_the_background_the_sign_in_page_is_where_a_signed_out_person_goes(questionnaire):
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    for response in (Client().get(url), Client().post(url, {})):
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"


def test_after_signing_in_again_the_page_gets_a_new_token_and_saves(questionnaire, reporter):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, reporter)
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    data, old_token = typed(client, url, "Sparas efter ny inloggning.")
    session_ends(client)
    signed_out = {**data, "csrfmiddlewaretoken": old_token}
    assert client.post(url, signed_out, HTTP_HX_REQUEST="true").status_code == 401

    sign_in(client, reporter)  # in another tab: this changes the CSRF token
    stale = client.post(url, signed_out, HTTP_HX_REQUEST="true")
    assert stale.status_code == 403

    # What the page does when the person comes back (static/js/questionnaire.js): ask the
    # session's address for the new token …
    status = client.get(reverse("session_status"))
    assert status.status_code == 200
    new_token = status.json()["csrf_token"]
    # … and save again with the token it brought.
    saved = client.post(url, {**data, "csrfmiddlewaretoken": new_token}, HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert ActivityAnswer.objects.filter(
        questionnaire=questionnaire, what_was_done="Sparas efter ny inloggning."
    ).exists()


def test_other_roles_still_may_not_answer(questionnaire, municipality):
    # The view's own sign-in check does not loosen who may open it once signed in.
    client = Client()
    client.force_login(make_user(municipality, User.Role.READER, username="lasare.x"))
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    assert client.get(url, HTTP_HX_REQUEST="true").status_code in (403, 404)
