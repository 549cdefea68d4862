"""A form sent after the session ended is not lost: what was typed is kept (never a password or
the CSRF token), the sign-in page says why the person has to sign in, and after signing in as the
same person the page carries it once, to be filled in again. Somebody else signing in at the
same computer never gets it."""

import json
import re
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from handlingskraft.middleware import KEPT_FORMS_KEY, OWNER_COOKIE, SessionAbsoluteLimitMiddleware
from organisations.models import User
from plans.models import Activity
from tests.builders import PASSWORD, make_plan, make_user

SIGN_IN_LINE = (
    "Du loggades ut eftersom du varit inaktiv en längre tid. Det du skrev finns kvar och fylls i "
    "när du har loggat in."
)
RESTORED_LINE = (
    "Du var utloggad när du sparade. Det du skrev har fyllts i igen – kontrollera och spara."
)
RESTORED = re.compile(r'<script id="restored-form" type="application/json">(.*?)</script>', re.S)
TYPED = "Utbildning för all personal i socialtjänsten"


@pytest.fixture
def activity(municipality, actor):
    return Activity.objects.get(version=make_plan(municipality, actors=[actor]))


@pytest.fixture
def page(activity):
    return reverse("plans:activity_edit", args=[activity.pk])


def sign_in(client: Client, user: User, next_url: str = ""):
    """Through the sign-in form, as a browser does."""
    form = client.get(reverse("login"), {"next": next_url} if next_url else {})
    return client.post(
        reverse("login"),
        {
            "username": user.username,
            "password": PASSWORD,
            "next": next_url,
            "csrfmiddlewaretoken": form.context["csrf_token"],
        },
    )


def session_times_out(client: Client) -> None:
    """The idle limit passed on the server; the browser keeps its cookies."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )


def typed_on(client: Client, page: str, **changes) -> dict:
    """The edit form's values as the browser would send them, with `changes` typed in."""
    response = client.get(page)
    form = response.context["form"]
    data = {"csrfmiddlewaretoken": response.context["csrf_token"]}
    for field in form:
        value = field.value()
        if isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        elif value not in (None, False):
            data[field.html_name] = "on" if value is True else str(value)
    return data | changes


def post_from_page(client: Client, page: str, data: dict):
    return client.post(page, data, HTTP_REFERER=f"http://testserver{page}")


def restored(response) -> dict | None:
    found = RESTORED.search(response.content.decode())
    return json.loads(found.group(1)) if found else None


@pytest.fixture
def kept(coordinator, page):
    """A coordinator typed a new title, then saved after the session had ended."""
    client = Client(enforce_csrf_checks=True)
    sign_in(client, coordinator)
    data = typed_on(client, page, title=TYPED, password="not-to-be-kept")
    session_times_out(client)
    response = post_from_page(client, page, data)
    return client, response


def test_a_form_saved_after_the_idle_limit_is_kept_without_password_or_token(kept, page, activity):
    client, response = kept
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={page}"
    fields = client.session[KEPT_FORMS_KEY][page]["fields"]
    assert fields["title"] == [TYPED]
    assert fields["lead"] and fields["start_year"] == ["2025"]
    assert "password" not in fields
    assert "csrfmiddlewaretoken" not in fields
    activity.refresh_from_db()
    assert activity.title == "Aktivitet 1.1"  # nothing saved


def test_the_sign_in_page_says_why_and_that_nothing_is_lost(kept):
    client, response = kept
    assert SIGN_IN_LINE in client.get(response["Location"]).content.decode()


def test_after_signing_in_the_page_carries_what_was_typed_once(kept, coordinator, page):
    client, _response = kept
    signed_in = sign_in(client, coordinator, next_url=page)
    assert signed_in["Location"] == page

    again = client.get(page)
    content = again.content.decode()
    assert restored(again)["title"] == [TYPED]
    assert RESTORED_LINE in content
    assert "not-to-be-kept" not in content
    # Shown once: a second visit shows the saved form only.
    assert restored(client.get(page)) is None
    assert KEPT_FORMS_KEY not in client.session


def test_somebody_else_signing_in_at_the_same_computer_gets_nothing(kept, municipality, page):
    client, _response = kept
    colleague = make_user(municipality, User.Role.COORDINATOR, username="kollega")
    sign_in(client, colleague, next_url=page)
    response = client.get(page)
    assert restored(response) is None
    assert TYPED not in response.content.decode()
    assert KEPT_FORMS_KEY not in client.session


def test_the_owner_is_known_by_a_digest_that_names_nobody(coordinator):
    client = Client()
    response = sign_in(client, coordinator)
    cookie = response.cookies[OWNER_COOKIE]
    assert cookie["httponly"] and cookie["secure"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]  # ends with the browser
    assert re.fullmatch(r"[0-9a-f]{40,}", cookie.value)
    assert coordinator.username not in cookie.value


def test_a_large_form_is_not_kept(coordinator, page):
    client = Client()
    sign_in(client, coordinator)
    data = typed_on(client, page, description="x" * (settings.SESSION_KEPT_FORM_MAX_BYTES + 1))
    session_times_out(client)
    response = post_from_page(client, page, data)
    assert response["Location"] == f"{reverse('login')}?next={page}"
    assert KEPT_FORMS_KEY not in client.session
    assert SIGN_IN_LINE not in client.get(response["Location"]).content.decode()


def test_a_browser_nobody_signed_in_with_keeps_nothing(page):
    client = Client()
    response = post_from_page(client, page, {"title": TYPED})
    assert response["Location"] == f"{reverse('login')}?next={page}"
    assert KEPT_FORMS_KEY not in client.session


def test_a_button_that_posts_elsewhere_keeps_nothing_and_leads_back_to_its_page(
    coordinator, activity
):
    client = Client()
    sign_in(client, coordinator)
    plan_page = reverse("plans:version_by_goal", args=[activity.version_id])
    session_times_out(client)
    response = client.post(
        reverse("plans:activity_move", args=[activity.pk]),
        {"direction": "up"},
        HTTP_REFERER=f"http://testserver{plan_page}",
    )
    assert response["Location"] == f"{reverse('login')}?next={plan_page}"
    assert KEPT_FORMS_KEY not in client.session


def test_a_page_on_another_site_is_not_where_signing_in_leads(coordinator, page):
    client = Client()
    sign_in(client, coordinator)
    session_times_out(client)
    response = client.post(page, {"title": TYPED}, HTTP_REFERER="https://example.com/x/")
    assert response["Location"] == f"{reverse('login')}?next={page}"
    assert KEPT_FORMS_KEY not in client.session


def test_signing_out_after_the_session_ended_just_shows_the_sign_in_page(coordinator, page):
    client = Client()
    sign_in(client, coordinator)
    session_times_out(client)
    response = client.post(reverse("logout"), HTTP_REFERER=f"http://testserver{page}")
    assert response["Location"] == reverse("login")
    assert KEPT_FORMS_KEY not in client.session


def test_at_the_absolute_limit_the_form_is_kept_with_the_limit_as_the_reason(coordinator, page):
    client = Client()
    sign_in(client, coordinator)
    data = typed_on(client, page, title=TYPED)
    session = client.session
    session[SessionAbsoluteLimitMiddleware.SESSION_KEY] = (
        time.time() - settings.SESSION_ABSOLUTE_AGE
    )
    session.save()
    response = post_from_page(client, page, data)
    assert response["Location"] == f"{reverse('login')}?next={page}"
    sign_in_page = client.get(response["Location"]).content.decode()
    assert "tidsgränsen för din inloggning har gått ut" in sign_in_page
    assert "Det du skrev finns kvar och fylls i när du har loggat in." in sign_in_page
    assert "inaktiv" not in sign_in_page
    sign_in(client, coordinator, next_url=page)
    assert restored(client.get(page))["title"] == [TYPED]


def test_two_pages_kept_at_once_are_each_filled_in_on_their_own_page(coordinator, page, activity):
    client = Client()
    sign_in(client, coordinator)
    goal_page = reverse("plans:goal_edit", args=[activity.goal_id])
    activity_data = typed_on(client, page, title=TYPED)
    goal_data = typed_on(client, goal_page, title="Nytt mål")
    session_times_out(client)
    post_from_page(client, page, activity_data)
    post_from_page(client, goal_page, goal_data)
    sign_in(client, coordinator, next_url=goal_page)
    assert restored(client.get(goal_page))["title"] == ["Nytt mål"]
    assert restored(client.get(page))["title"] == [TYPED]


# The page's session clock ----------------------------------------------------------------------

STATUS = "session_status"


def idle_for(client: Client, seconds: int) -> None:
    """As if the session was last stored `seconds` ago."""
    session = client.session
    session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] = time.time() - seconds
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - seconds)
    )


def expiry(client: Client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_asking_how_long_is_left_does_not_keep_the_session_going(coordinator):
    client = Client()
    sign_in(client, coordinator)
    idle_for(client, settings.SESSION_COOKIE_AGE - 100)
    before = expiry(client)
    response = client.get(reverse(STATUS))
    assert response.status_code == 200
    status = response.json()
    assert status["signed_in"] is True
    assert 90 <= status["idle"] <= 100
    assert settings.SESSION_ABSOLUTE_AGE - 60 < status["absolute"] <= settings.SESSION_ABSOLUTE_AGE
    assert status["csrf_token"]
    assert response["Cache-Control"].startswith("max-age=0")
    assert expiry(client) == before


def test_staying_signed_in_stores_the_session_now_and_says_how_long_is_left(coordinator):
    client = Client(enforce_csrf_checks=True)
    sign_in(client, coordinator)
    idle_for(client, settings.SESSION_COOKIE_AGE - 100)
    token = client.get(reverse(STATUS)).json()["csrf_token"]
    response = client.post(reverse(STATUS), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200
    assert settings.SESSION_COOKIE_AGE - 5 <= response.json()["idle"] <= settings.SESSION_COOKIE_AGE
    left = expiry(client) - timezone.now()
    assert left > timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_the_session_clock_answers_401_once_signed_out(coordinator):
    client = Client()
    sign_in(client, coordinator)
    session_times_out(client)
    for response in (client.get(reverse(STATUS)), client.post(reverse(STATUS))):
        assert response.status_code == 401
        assert response.json() == {"signed_in": False}


def test_staying_signed_in_cannot_pass_the_absolute_limit(coordinator):
    client = Client()
    sign_in(client, coordinator)
    session = client.session
    session[SessionAbsoluteLimitMiddleware.SESSION_KEY] = (
        time.time() - settings.SESSION_ABSOLUTE_AGE
    )
    session.save()
    assert client.post(reverse(STATUS)).status_code == 401


def test_signed_in_pages_tell_the_warning_how_long_is_left(coordinator, settings):
    settings.SESSION_WARNING_SECONDS = 240
    client = Client()
    sign_in(client, coordinator)
    content = client.get(reverse("plans:home")).content.decode()
    dialog = re.search(r"<dialog id=\"session-dialog\"[^>]*>", content, re.S).group(0)
    assert f'data-url="{reverse(STATUS)}"' in dialog
    assert 'data-warning="240"' in dialog
    assert f'data-idle-limit="{settings.SESSION_COOKIE_AGE}"' in dialog
    idle = int(re.search(r'data-idle-left="(\d+)"', dialog).group(1))
    assert settings.SESSION_COOKIE_AGE - 60 <= idle <= settings.SESSION_COOKIE_AGE
    assert "Fortsätt vara inloggad" in content
    assert 'src="/static/js/session.js"' in content
    assert "session-dialog" not in Client().get(reverse("login")).content.decode()
