"""Sessions end after an hour without activity, after a working day however active, and when
the browser closes; their cookies are out of reach of scripts and other sites."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from handlingskraft.middleware import SessionAbsoluteLimitMiddleware
from tests.builders import PASSWORD
from tests.conftest import signed_in

from .conftest import in_english, production_env, settings_in

HOME = "plans:home"


def stored_session(client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def last_stored_over_a_minute_ago(client) -> None:
    session = client.session
    session[SessionAbsoluteLimitMiddleware.REFRESHED_KEY] -= settings.SESSION_REFRESH_SECONDS + 1
    session.save()


def test_a_session_left_idle_longer_than_the_limit_is_signed_out(coordinator):
    client = signed_in(coordinator)
    assert client.get(reverse(HOME)).status_code == 200
    # The last request was SESSION_COOKIE_AGE and a minute ago.
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_every_request_starts_the_idle_count_again(coordinator):
    client = signed_in(coordinator)
    last_stored_over_a_minute_ago(client)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    client.get(reverse(HOME))
    remaining = stored_session(client).expire_date - timezone.now()
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE - 60) < remaining
    assert remaining <= timedelta(seconds=settings.SESSION_COOKIE_AGE)


def test_the_idle_limit_is_an_hour_by_default():
    assert settings.SESSION_COOKIE_AGE == 60 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60


def test_a_request_soon_after_the_last_stores_nothing_and_a_later_one_starts_the_count(
    coordinator,
):
    client = signed_in(coordinator)
    client.get(reverse(HOME))
    stored = stored_session(client).expire_date
    with CaptureQueriesContext(connection) as context:
        client.get(reverse(HOME))
    assert not any("UPDATE" in q["sql"] and "django_session" in q["sql"] for q in context)
    assert stored_session(client).expire_date == stored
    # A minute and more later, the request stores the session with a new expiry date.
    last_stored_over_a_minute_ago(client)
    Session.objects.filter(pk=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    client.get(reverse(HOME))
    remaining = stored_session(client).expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def start_session_at(client, seconds_ago: float) -> None:
    client.get(reverse(HOME))  # the clock starts at the first request
    session = client.session
    session[SessionAbsoluteLimitMiddleware.SESSION_KEY] = time.time() - seconds_ago
    session.save()


def test_an_active_session_ends_at_the_absolute_limit_with_a_message(coordinator):
    client = in_english(signed_in(coordinator))
    start_session_at(client, settings.SESSION_ABSOLUTE_AGE + 1)
    response = client.get(reverse(HOME))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert "time limit" in " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert SESSION_KEY not in client.session
    assert client.get(reverse(HOME)).status_code == 302


def test_a_session_younger_than_the_absolute_limit_goes_on(coordinator):
    client = signed_in(coordinator)
    start_session_at(client, settings.SESSION_ABSOLUTE_AGE - 60)
    assert client.get(reverse(HOME)).status_code == 200


def test_signing_in_sets_cookies_that_scripts_and_other_sites_cannot_use(client, coordinator):
    client.get(reverse("login"))
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"]
    assert session_cookie["samesite"] == "Lax"
    assert session_cookie["secure"]  # DEBUG is off in the tests, as in production
    assert not session_cookie["max-age"] and not session_cookie["expires"]  # ends with the browser
    csrf_cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert csrf_cookie["httponly"] and csrf_cookie["secure"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, {"SESSION_COOKIE_AGE": 3600, "SESSION_ABSOLUTE_AGE": 36000}),
        (
            {"SESSION_COOKIE_AGE": "900", "SESSION_ABSOLUTE_AGE": "28800"},
            {"SESSION_COOKIE_AGE": 900, "SESSION_ABSOLUTE_AGE": 28800},
        ),
    ],
    ids=["defaults", "from the environment"],
)
def test_session_limits_come_from_the_environment(tmp_path, env, expected):
    assert settings_in(production_env(tmp_path, **env), *expected) == expected


def test_production_cookies_are_secure_http_only_and_same_site(tmp_path):
    values = settings_in(
        production_env(tmp_path),
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE",
        "CSRF_COOKIE_SECURE",
        "CSRF_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
    )
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": True,
        "CSRF_COOKIE_SECURE": True,
        "CSRF_COOKIE_HTTPONLY": True,
        "CSRF_COOKIE_SAMESITE": "Lax",
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
