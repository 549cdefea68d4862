"""Asking for a new password is limited per e-mail address and per network, counted in the
shared "limits" cache; the answers, the limit included, are the same whether or not an account
has the address."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from organisations.models import User
from tests.builders import make_user
from tests.conftest import main_content

LIMITED = "För många förfrågningar om nytt lösenord"


@pytest.fixture
def karin(municipality):
    user = make_user(municipality, User.Role.COORDINATOR, username="karin.lindqvist")
    user.email = "karin@testby.se"
    user.save()
    return user


def ask(client, email: str, address: str = "192.0.2.10"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def answers(client, email: str, times: int) -> list[tuple[int, str]]:
    """Status and main content of each answer, the redirect to the done page followed."""
    result = []
    for _ in range(times):
        response = ask(client, email)
        if response.status_code == 302:
            response = client.get(response["Location"])
            result.append((302, main_content(response)))
        else:
            result.append((response.status_code, main_content(response)))
    return result


def windows_pass() -> None:
    """As if the counting windows had ended (the cache's rows expire like this)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE handlingskraft_limits SET expires = %s",
            [timezone.now() - timedelta(seconds=1)],
        )


def test_the_fourth_request_for_one_address_within_an_hour_is_refused(client, karin):
    got = [status for status, _main in answers(client, "karin@testby.se", 4)]
    assert got == [302, 302, 302, 429]
    assert len(mail.outbox) == 3
    refused = ask(client, "karin@testby.se")
    assert refused.status_code == 429
    main = main_content(refused)
    assert LIMITED in main and "försök igen om 60 minuter" in main
    assert 'tabindex="-1" data-error-summary' in main
    assert len(mail.outbox) == 3


def test_the_limit_counts_an_address_written_differently_as_the_same(client, karin):
    for email in ("karin@testby.se", " Karin@Testby.se", "KARIN@TESTBY.SE"):
        assert ask(client, email).status_code == 302
    assert ask(client, "karin@testby.se").status_code == 429


def test_the_answers_are_the_same_whether_or_not_an_account_has_the_address(client, karin):
    known = answers(client, "karin@testby.se", 5)
    unknown = answers(client, "nobody@testby.se", 5)
    assert [status for status, _ in known] == [302, 302, 302, 429, 429]
    assert known == [
        (status, main.replace("nobody@testby.se", "karin@testby.se")) for status, main in unknown
    ]
    assert len(mail.outbox) == 3  # to Karin only


def test_one_network_may_ask_ten_times_in_an_hour(client, karin):
    statuses = [ask(client, f"person{n}@testby.se").status_code for n in range(10)]
    assert statuses == [302] * 10
    assert ask(client, "karin@testby.se").status_code == 429
    assert mail.outbox == []
    # Another network is not affected, and Karin's address was not counted meanwhile.
    assert ask(client, "karin@testby.se", address="198.51.100.7").status_code == 302
    assert len(mail.outbox) == 1


def test_the_limit_ends_when_its_hour_has_passed(client, karin):
    answers(client, "karin@testby.se", 4)
    windows_pass()
    assert ask(client, "karin@testby.se").status_code == 302
    assert len(mail.outbox) == 4


def test_a_malformed_address_is_corrected_at_the_field_and_not_counted(client, karin):
    for _ in range(5):
        response = ask(client, "inte-en-adress")
        assert response.status_code == 200
        main = main_content(response)
        assert "Kontrollera e-postadressen" in main
        assert 'href="#id_email"' in main
    assert ask(client, "karin@testby.se").status_code == 302


def test_behind_a_proxy_the_network_is_the_one_the_proxy_saw(client, karin, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(10):
        client.post(
            reverse("password_reset"),
            {"email": f"person{n}@testby.se"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # The same proxy, another client: not limited.
    other = client.post(
        reverse("password_reset"),
        {"email": "karin@testby.se"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert other.status_code == 302
