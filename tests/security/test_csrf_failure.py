"""A form sent with a CSRF token the service no longer accepts (the page was open too long, the
browser blocks cookies) gets a page that says so in plain Swedish. What a page sent to itself is
kept, as when the session has ended, and filled in when the person opens the page again; what
another site makes the browser send is never kept."""

import pytest
from django.test import Client
from django.urls import reverse

from handlingskraft.middleware import KEPT_FORMS_KEY
from plans.models import Activity
from tests.builders import make_plan
from tests.conftest import main_content

from .test_kept_forms import restored, sign_in, typed_on

TYPED = "Utbildning för all personal i socialtjänsten"


@pytest.fixture
def activity(municipality, actor):
    return Activity.objects.get(version=make_plan(municipality, actors=[actor]))


@pytest.fixture
def page(activity):
    return reverse("plans:activity_edit", args=[activity.pk])


@pytest.fixture
def browser(coordinator):
    """A browser the coordinator has signed in with, the way a person does."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, coordinator)
    return client


def opened_long_ago(client: Client, page: str, user) -> dict:
    """The form as typed on a page opened before the person signed in again in another tab,
    which gave the browser a new token: the page's token is no longer accepted."""
    data = typed_on(client, page, title=TYPED)
    sign_in(client, user)
    return data


def test_a_refused_form_explains_why_in_plain_swedish(browser, coordinator, page, activity):
    data = opened_long_ago(browser, page, coordinator)
    response = browser.post(page, data, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    main = main_content(response)
    assert "<h1>Formuläret kunde inte skickas</h1>" in main
    assert "Inget har sparats" in main
    assert "sidan har varit öppen länge" in main
    assert "blockerar kakor" in main
    assert f'href="{reverse("plans:home")}"' in main
    assert "no-store" in response["Cache-Control"]
    activity.refresh_from_db()
    assert activity.title == "Aktivitet 1.1"


def test_a_refused_form_is_kept_and_filled_in_when_the_page_is_opened_again(
    browser, coordinator, page
):
    data = opened_long_ago(browser, page, coordinator)
    response = browser.post(page, data, HTTP_REFERER=f"http://testserver{page}")
    main = main_content(response)
    assert "Det du skrev finns kvar" in main
    assert f'href="{page}"' in main  # "Öppna sidan igen"
    assert "password" not in browser.session[KEPT_FORMS_KEY][page]["fields"]

    again = browser.get(page)
    assert restored(again)["title"] == [TYPED]
    assert "Sidan hade varit öppen för länge när du sparade." in again.content.decode()
    assert restored(browser.get(page)) is None  # once


def test_a_refused_form_kept_after_the_session_ended_is_filled_in_after_signing_in(
    browser, coordinator, page
):
    data = opened_long_ago(browser, page, coordinator)
    token = browser.get(reverse("plans:home")).context["csrf_token"]
    browser.post(reverse("logout"), {"csrfmiddlewaretoken": token})  # in the other tab
    response = browser.post(page, data, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 403
    main = main_content(response)
    assert "Du får logga in först." in main
    assert f'href="{reverse("login")}"' in main
    sign_in(browser, coordinator, next_url=page)
    assert restored(browser.get(page))["title"] == [TYPED]


def test_a_form_another_site_sent_is_not_kept(browser, coordinator, page):
    data = opened_long_ago(browser, page, coordinator)
    response = browser.post(page, data, HTTP_REFERER="https://example.com/innocent/")
    assert response.status_code == 403
    assert KEPT_FORMS_KEY not in browser.session
    main = main_content(response)
    assert "Så behåller du det du skrev" in main
    assert "bakåtknapp" in main
    assert restored(browser.get(page)) is None


def test_a_form_without_referer_or_owner_is_not_kept(browser, coordinator, page):
    data = opened_long_ago(browser, page, coordinator)
    assert browser.post(page, data).status_code == 403  # no Referer
    browser.cookies.pop("signed_in_as")
    browser.post(page, data, HTTP_REFERER=f"http://testserver{page}")
    assert KEPT_FORMS_KEY not in browser.session


def test_a_browser_that_blocks_cookies_is_told_and_keeps_nothing(db, page):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": "x", "password": "y"}, HTTP_REFERER="http://testserver/"
    )
    assert response.status_code == 403
    main = main_content(response)
    assert "blockerar kakor" in main
    assert f'href="{reverse("login")}"' in main
    assert KEPT_FORMS_KEY not in client.session


def test_a_background_save_with_a_refused_token_gets_a_short_answer(browser, coordinator, page):
    data = opened_long_ago(browser, page, coordinator)
    response = browser.post(
        page, data, HTTP_REFERER=f"http://testserver{page}", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 403
    assert response.json() == {"state": "forbidden"}
    assert KEPT_FORMS_KEY not in browser.session
