"""Repeated failed sign-ins pause signing in as that user from that address (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.db.models import F
from django.test import override_settings
from django.urls import reverse

from tests.builders import PASSWORD

from .conftest import production_env, settings_in


def sign_in(client, username: str, password: str, url: str | None = None, **headers):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, **headers
    )


def fail(client, username: str, times: int, **headers):
    return [sign_in(client, username, "wrong-password", **headers) for _ in range(times)]


def move_failures_back(minutes: int) -> None:
    """As if the counted failures had happened `minutes` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_the_fifth_failed_sign_in_pauses_the_user_name_with_a_lockout_page(client, coordinator):
    first_four = fail(client, coordinator.username, 4)
    assert [response.status_code for response in first_four] == [200] * 4

    locked = sign_in(client, coordinator.username, "wrong-password")
    assert locked.status_code == 429
    assert "registration/locked_out.html" in [template.name for template in locked.templates]
    assert (locked.context["failure_limit"], locked.context["minutes"]) == (5, 30)
    assert locked.has_header("Content-Security-Policy")

    # Now even the right password is refused, and nobody is signed in.
    right = sign_in(client, coordinator.username, PASSWORD)
    assert right.status_code == 429
    assert SESSION_KEY not in client.session
    assert client.get(reverse("plans:home")).status_code == 302


def test_the_pause_is_for_that_user_name_from_that_address_only(client, coordinator, reader):
    fail(client, coordinator.username, 5)
    assert sign_in(client, reader.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    elsewhere = sign_in(client, coordinator.username, PASSWORD, REMOTE_ADDR="10.20.30.40")
    assert elsewhere.status_code == 302


def test_the_pause_ends_thirty_minutes_after_the_last_counted_failure(client, coordinator):
    fail(client, coordinator.username, 5)
    move_failures_back(29)
    # Trying during the pause neither signs in nor prolongs the pause.
    assert sign_in(client, coordinator.username, PASSWORD).status_code == 429
    move_failures_back(2)
    assert sign_in(client, coordinator.username, PASSWORD).status_code == 302


def test_a_successful_sign_in_forgets_earlier_failures(client, coordinator):
    fail(client, coordinator.username, 4)
    assert sign_in(client, coordinator.username, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    assert [r.status_code for r in fail(client, coordinator.username, 4)] == [200] * 4


def test_the_admin_sign_in_is_paused_too(client, administrator):
    fail(client, administrator.username, 5)
    admin_login = reverse("admin:login")
    assert sign_in(client, administrator.username, PASSWORD, url=admin_login).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_pause(client, coordinator):
    fail(client, coordinator.username, 5)
    forged = sign_in(client, coordinator.username, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_address_it_forwarded_is_the_one_paused(client, coordinator):
    fail(client, coordinator.username, 5, HTTP_X_FORWARDED_FOR="203.0.113.5")
    # What the client wrote in front of the proxy's entry changes nothing.
    spoofed = "198.51.100.7, 203.0.113.5"
    assert (
        sign_in(client, coordinator.username, PASSWORD, HTTP_X_FORWARDED_FOR=spoofed).status_code
        == 429
    )
    other = sign_in(client, coordinator.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6")
    assert other.status_code == 302


@pytest.mark.parametrize(
    ("env", "limit", "seconds"),
    [({}, 5, 30 * 60), ({"SIGN_IN_FAILURE_LIMIT": "3", "SIGN_IN_LOCKOUT_MINUTES": "10"}, 3, 600)],
    ids=["defaults", "from the environment"],
)
def test_the_failure_limit_and_pause_come_from_the_environment(tmp_path, env, limit, seconds):
    values = settings_in(production_env(tmp_path, **env), "AXES_FAILURE_LIMIT", "AXES_COOLOFF_TIME")
    assert values["AXES_FAILURE_LIMIT"] == limit
    assert values["AXES_COOLOFF_TIME"] == str(timedelta(seconds=seconds))
