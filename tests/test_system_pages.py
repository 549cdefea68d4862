"""The pages the service shows when something is not as it should be (not found, not allowed,
a refused form, a damaged request, an error of its own) and the password pages: in the
service's own style, in Swedish, each with a way back."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from organisations.models import User
from organisations.services import password_link
from tests.builders import PASSWORD, make_user
from tests.conftest import main_content, signed_in

STYLESHEET = "/static/css/app.css"


def assert_own_page(response, status: int, heading: str, *way_back: str) -> str:
    """The page answers `status` in the service's layout, in Swedish, under the heading, with
    links to each of `way_back`; returns its main content."""
    assert response.status_code == status
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert STYLESHEET in html and 'class="brand"' in html
    main = main_content(response)
    assert f"<h1>{heading}</h1>" in main
    for address in way_back:
        assert f'href="{address}"' in main, address
    return main


# Not found, not allowed --------------------------------------------------------------------


def test_a_missing_page_says_so_and_leads_back_to_the_plans(coordinator_client):
    response = coordinator_client.get("/no-such-page/")
    main = assert_own_page(response, 404, "Sidan hittades inte", reverse("plans:home"))
    assert "Kontrollera adressen" in main


def test_a_missing_page_leads_a_signed_out_visitor_to_sign_in(client, db):
    assert_own_page(client.get("/no-such-page/"), 404, "Sidan hittades inte", reverse("login"))


def test_a_page_the_role_may_not_open_says_who_to_ask(reader_client):
    response = reader_client.get(reverse("plans:plan_create"))
    main = assert_own_page(response, 403, "Ingen behörighet", reverse("plans:home"))
    assert "samordnare eller administratör" in main


# Errors ------------------------------------------------------------------------------------


@pytest.mark.urls("tests.failing_urls")
def test_an_error_of_the_service_shows_its_own_page_without_the_database():
    # No `db` fixture: any query the error page made would fail the test.
    client = Client(raise_request_exception=False)
    response = client.get("/fails/database/")
    main = assert_own_page(response, 500, "Något gick fel", reverse("plans:home"))
    assert "Det beror inte på något du gjorde" in main
    assert "bakåtknapp" in main
    html = response.content.decode()
    # Drawn without the request: no menu, no language form that would need a CSRF token.
    assert 'action="/i18n/setlang/"' not in html and "Main menu" not in html


@pytest.mark.urls("tests.failing_urls")
def test_an_error_page_for_a_signed_in_person_is_not_stored(coordinator):
    client = Client(raise_request_exception=False)
    client.force_login(coordinator)
    response = client.get("/fails/database/")
    assert response.status_code == 500
    assert "no-store" in response["Cache-Control"]
    assert coordinator.username not in response.content.decode()


@pytest.mark.urls("tests.failing_urls")
def test_a_damaged_request_shows_its_own_page(client, db):
    response = client.get("/fails/tampered/")
    main = assert_own_page(response, 400, "Sidan kunde inte visas", reverse("login"))
    assert "Inget har sparats" in main


def test_the_error_handler_is_the_services_own():
    from handlingskraft import urls

    assert urls.handler500 == "handlingskraft.views.server_error"


# The password pages ------------------------------------------------------------------------


@pytest.fixture
def karin(municipality):
    user = make_user(municipality, User.Role.COORDINATOR, username="karin.lindqvist")
    user.first_name, user.last_name, user.email = "Karin", "Lindqvist", "karin@testby.se"
    user.save()
    return user


def test_the_sign_in_page_leads_to_a_forgotten_password(client, db):
    response = client.get(reverse("login"))
    assert f'href="{reverse("password_reset")}"' in main_content(response)
    assert "Har du glömt lösenordet?" in main_content(response)


def test_asking_for_a_new_password_is_a_page_of_the_service(client, db):
    response = client.get(reverse("password_reset"))
    main = assert_own_page(response, 200, "Glömt lösenord", reverse("login"))
    assert "Skriv e-postadressen som ditt konto har" in main
    assert "django-admin" not in response.content.decode()  # not the admin's look


def test_the_link_is_sent_in_swedish_with_the_services_address(client, karin, settings):
    settings.SITE_URL = "https://handlingskraft.example.se"
    response = client.post(reverse("password_reset"), {"email": "KARIN@testby.se"}, follow=True)
    main = assert_own_page(response, 200, "Titta i din e-post", reverse("login"))
    assert "Om ett konto har adressen du skrev" in main
    (message,) = mail.outbox
    assert message.to == ["karin@testby.se"]
    assert message.subject == "Välj ett nytt lösenord för Handlingskraft"
    assert message.body.startswith("Hej Karin Lindqvist!")
    assert "Ditt användarnamn är karin.lindqvist." in message.body
    assert "Länken fungerar en gång, i 3 dagar." in message.body
    link = next(w for w in message.body.split() if w.startswith("https://"))
    assert link.startswith("https://handlingskraft.example.se/accounts/reset/")

    # The link leads to choosing a password, and then to signing in.
    path = link.removeprefix("https://handlingskraft.example.se")
    form = client.get(path, follow=True)
    assert_own_page(form, 200, "Välj lösenord", reverse("login"))
    new = "Lingon-tåg-i-Haparanda-47"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert_own_page(done, 200, "Lösenordet är sparat", reverse("login"))
    karin.refresh_from_db()
    assert karin.check_password(new)


def test_a_used_link_offers_a_new_one(client, karin):
    link = password_link(karin)
    karin.set_password("Lingon-tåg-i-Haparanda-47")
    karin.save()
    response = client.get(link, follow=True)
    main = assert_own_page(
        response, 200, "Välj lösenord", reverse("password_reset"), reverse("login")
    )
    assert "Länken fungerar inte längre" in main


def test_changing_the_password_is_a_page_of_the_service(karin):
    client = signed_in(karin)
    home = client.get(reverse("plans:home")).content.decode()
    assert f'href="{reverse("password_change")}"' in home
    response = client.get(reverse("password_change"))
    main = assert_own_page(response, 200, "Byt lösenord", reverse("plans:home"))
    assert "Nuvarande lösenord" in main or "Gammalt lösenord" in main
    new = "Lingon-tåg-i-Haparanda-47"
    done = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        follow=True,
    )
    assert_own_page(done, 200, "Lösenordet är bytt", reverse("plans:home"))
    karin.refresh_from_db()
    assert karin.check_password(new)


def test_an_account_without_a_password_is_not_offered_to_change_it(karin):
    karin.set_unusable_password()  # signs in through the municipality's account
    karin.save()
    home = signed_in(karin).get(reverse("plans:home")).content.decode()
    assert reverse("password_change") not in home
