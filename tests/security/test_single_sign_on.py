"""Single sign-on through the municipality's OpenID Connect provider, driven end to end through
the test client against a fake provider served over HTTP (fake_idp.py)."""

import time

import pytest
import requests
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import reverse

from organisations.models import User
from organisations.oidc import check_id_token_claims
from tests.builders import PASSWORD, make_user

from .conftest import sign_in_at_provider

EMAIL = "anna.berg@testby.se"


@pytest.fixture
def anna(municipality):
    user = make_user(municipality, User.Role.COORDINATOR, username="anna")
    user.email = EMAIL
    user.save()
    return user


def signed_in_user_id(client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def refusal(response) -> str:
    """The message on the sign-in page a refused sign-in was sent back to."""
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


NOW = object()  # stands for the time the test runs, plus or minus seconds: (NOW, -61)


def at_run_time(claims: dict) -> dict:
    now = int(time.time())
    return {
        name: now + value[1] if isinstance(value, tuple) and value[0] is NOW else value
        for name, value in claims.items()
    }


def test_a_person_whose_email_matches_an_account_is_signed_in_as_that_user(
    client, single_sign_on, anna
):
    response = sign_in_at_provider(client, single_sign_on, "Anna.Berg@Testby.SE")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:home")
    assert signed_in_user_id(client) == anna.pk
    assert client.get(reverse("plans:home")).status_code == 200
    # The code was exchanged with PKCE: the provider checked the verifier.
    assert single_sign_on.token_requests[-1]["code_verifier"]


def test_after_signing_in_the_person_returns_to_the_page_they_asked_for(
    client, single_sign_on, anna
):
    actors = reverse("organisations:actor_list")
    response = sign_in_at_provider(client, single_sign_on, EMAIL, next_url=actors)
    assert response["Location"] == actors


def test_a_token_that_expired_less_than_the_clock_leeway_ago_is_accepted(
    client, single_sign_on, anna
):
    sign_in_at_provider(
        client, single_sign_on, EMAIL, id_token_claims=at_run_time({"exp": (NOW, -20)})
    )
    assert signed_in_user_id(client) == anna.pk


BAD_TOKENS = {
    "from another issuer": {"id_token_claims": {"iss": "https://login.example.com/other"}},
    "without an issuer": {"id_token_claims": {"iss": None}},
    "for another client": {"id_token_claims": {"aud": "some-other-client"}},
    "for several clients without naming us authorised": {
        "id_token_claims": {"aud": ["handlingskraft-test", "some-other-client"]}
    },
    "authorised for another party": {"id_token_claims": {"azp": "some-other-client"}},
    "expired": {"id_token_claims": {"exp": (NOW, -120)}},
    "without an expiry": {"id_token_claims": {"exp": None}},
    "issued in the future": {"id_token_claims": {"iat": (NOW, 3600)}},
    "for another sign-in (nonce)": {"id_token_claims": {"nonce": "someone-elses-nonce"}},
    "signed with another key": {"signed_with": "forger"},
    "signed with the client secret (HS256)": {"signed_with": "client-secret"},
    "unsigned": {"signed_with": "none"},
    "whose userinfo is about someone else": {"userinfo_sub": "person-2"},
}


@pytest.mark.parametrize("how", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_token_that_fails_validation_does_not_sign_anyone_in(client, single_sign_on, anna, how):
    claims = at_run_time(how.get("id_token_claims", {}))
    response = sign_in_at_provider(
        client, single_sign_on, EMAIL, **(how | {"id_token_claims": claims})
    )
    assert "did not succeed" in refusal(response)
    assert signed_in_user_id(client) is None
    assert client.get(reverse("plans:home")).status_code == 302


def test_an_unknown_email_is_refused_with_a_message_and_no_account_is_created(
    client, single_sign_on, anna
):
    users_before = User.objects.count()
    response = sign_in_at_provider(client, single_sign_on, "okand.person@testby.se")
    message = refusal(response)
    assert "okand.person@testby.se" in message
    assert "administrator" in message
    assert signed_in_user_id(client) is None
    assert User.objects.count() == users_before
    # The message is shown on the sign-in page.
    page = client.get(response["Location"])
    assert "okand.person@testby.se" in page.content.decode()


def test_an_inactive_account_is_not_signed_in(client, single_sign_on, anna):
    anna.is_active = False
    anna.save()
    response = sign_in_at_provider(client, single_sign_on, EMAIL)
    assert EMAIL in refusal(response)
    assert signed_in_user_id(client) is None


def test_a_superuser_is_not_signed_in_through_the_provider(client, single_sign_on, anna):
    anna.is_superuser = True
    anna.save()
    sign_in_at_provider(client, single_sign_on, EMAIL)
    assert signed_in_user_id(client) is None


def test_an_account_outside_any_municipality_is_not_signed_in(client, single_sign_on, anna):
    anna.municipality = None
    anna.save()
    sign_in_at_provider(client, single_sign_on, EMAIL)
    assert signed_in_user_id(client) is None


def test_two_accounts_with_the_same_email_are_refused_rather_than_guessed(
    client, single_sign_on, anna, municipality
):
    twin = make_user(municipality, User.Role.READER, username="anna2")
    twin.email = EMAIL.upper()
    twin.save()
    response = sign_in_at_provider(client, single_sign_on, EMAIL)
    assert "More than one account" in refusal(response)
    assert signed_in_user_id(client) is None


def test_an_email_the_provider_has_not_verified_is_refused(client, single_sign_on, anna):
    response = sign_in_at_provider(client, single_sign_on, EMAIL, email_verified=False)
    assert "not confirmed" in refusal(response)
    assert signed_in_user_id(client) is None


def provider_answer(client, provider, email: str) -> str:
    """The callback URL the provider sends the browser back to, not yet visited."""
    provider.sign_in_as(email)
    start = client.get(reverse("oidc_authentication_init"))
    back = requests.get(start["Location"], allow_redirects=False, timeout=10)
    return back.headers["Location"].removeprefix("http://testserver")


def test_the_providers_answer_works_once_and_only_in_the_browser_that_asked(
    client, single_sign_on, anna
):
    callback = provider_answer(client, single_sign_on, EMAIL)
    # Someone else who gets hold of the address is not signed in with it.
    other_browser = Client()
    assert other_browser.get(callback)["Location"] == reverse("login")
    assert signed_in_user_id(other_browser) is None
    # The browser that started the sign-in is, once; a second use is refused.
    assert client.get(callback)["Location"] == reverse("plans:home")
    assert signed_in_user_id(client) == anna.pk
    assert client.get(callback).status_code == 400


def test_a_user_deactivated_after_signing_in_is_signed_out(client, single_sign_on, anna):
    sign_in_at_provider(client, single_sign_on, EMAIL)
    assert client.get(reverse("plans:home")).status_code == 200
    User.objects.filter(pk=anna.pk).update(is_active=False)
    assert client.get(reverse("plans:home")).status_code == 302


def test_refused_single_sign_ons_do_not_lock_out_password_sign_in(client, single_sign_on, anna):
    for _ in range(6):
        sign_in_at_provider(client, single_sign_on, EMAIL, signed_with="forger")
    assert not AccessAttempt.objects.exists()
    response = client.post(reverse("login"), {"username": anna.username, "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user_id(client) == anna.pk


def test_the_sign_in_page_offers_the_municipality_account_when_switched_on(client, single_sign_on):
    page = client.get(reverse("login"), {"next": "/actors/"})
    assert f'href="{reverse("oidc_authentication_init")}?next=/actors/"' in page.content.decode()


def test_with_single_sign_on_off_there_are_no_sign_in_urls_and_no_button(client):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/", {"code": "x", "state": "y"}).status_code == 404
    assert "/oidc/" not in client.get(reverse("login")).content.decode()


ISSUER, CLIENT = "https://login.testby.se/realms/testby", "handlingskraft"


def good_claims(**changes):
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "p1", "exp": now + 300, "iat": now}
    changes = at_run_time(changes)
    return {name: value for name, value in (claims | changes).items() if value is not None}


REFUSED_CLAIMS = {
    "another issuer": {"iss": "https://login.testby.se/realms/other"},
    "no issuer": {"iss": None},
    "another audience": {"aud": "other"},
    "several audiences, no azp": {"aud": [CLIENT, "other"]},
    "several audiences, azp another": {"aud": [CLIENT, "other"], "azp": "other"},
    "azp another": {"azp": "other"},
    "expired beyond the leeway": {"exp": (NOW, -61)},
    "no expiry": {"exp": None},
    "expiry not a time": {"exp": "never"},
    "issued beyond the leeway in the future": {"iat": (NOW, 61)},
    "no subject": {"sub": None},
}


@pytest.mark.parametrize("changes", REFUSED_CLAIMS.values(), ids=REFUSED_CLAIMS.keys())
def test_the_claim_rules_refuse_a_token_not_issued_to_us_or_out_of_date(changes):
    with pytest.raises(SuspiciousOperation):
        check_id_token_claims(good_claims(**changes), issuer=ISSUER, client_id=CLIENT, leeway=60)


ACCEPTED_CLAIMS = {
    "as issued": {},
    "several audiences, azp us": {"aud": [CLIENT, "other"], "azp": CLIENT},
    "expired within the leeway": {"exp": (NOW, -30)},
}


@pytest.mark.parametrize("changes", ACCEPTED_CLAIMS.values(), ids=ACCEPTED_CLAIMS.keys())
def test_the_claim_rules_accept_a_current_token_issued_to_us(changes):
    check_id_token_claims(good_claims(**changes), issuer=ISSUER, client_id=CLIENT, leeway=60)
