"""Administrators manage the accounts of their own municipality, and only those."""

import re
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.urls import reverse

from organisations.models import User
from records.queries import user_history
from tests.builders import PASSWORD, make_actor, make_user
from tests.conftest import confirm, queries_for, signed_in
from tests.plans.two_people import revision_of

NEW_PASSWORD = "en-helt-ny-lösenfras-42"


def signs_in(client, username: str, password: str) -> bool:
    """Through the sign-in page, as a person does (the lockout guard wants a request)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


@pytest.fixture
def admin_client(administrator):
    return signed_in(administrator)


def _account(**overrides) -> dict:
    return {
        "first_name": "Anna",
        "last_name": "Andersson",
        "username": "anna.andersson",
        "email": "anna.andersson@example.se",
        "role": User.Role.READER,
        **overrides,
    }


def test_the_list_shows_the_municipality_s_users_only(
    municipality, other_municipality, administrator, reporter, actor, admin_client
):
    make_user(other_municipality, User.Role.READER, username="someone.elsewhere")
    response = admin_client.get(reverse("organisations:user_list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reporter.username in page and administrator.username in page
    assert actor.name in page  # the actors a reporter answers for
    assert "someone.elsewhere" not in page
    assert "Aldrig" in page  # the reporter has never signed in


def test_the_list_makes_the_same_number_of_queries_for_1_and_3_users(
    municipality, administrator, admin_client
):
    url = reverse("organisations:user_list")
    make_user(
        municipality, User.Role.REPORTER, username="r1", actors=[make_actor(municipality, "A1")]
    )
    few = queries_for(admin_client, url)
    for i in range(2, 4):
        make_user(
            municipality,
            User.Role.REPORTER,
            username=f"r{i}",
            actors=[make_actor(municipality, f"A{i}"), make_actor(municipality, f"B{i}")],
        )
    assert queries_for(admin_client, url) == few


def test_an_administrator_creates_a_reporter_who_gets_a_link_and_signs_in(
    client, municipality, actor, admin_client
):
    response = admin_client.post(
        reverse("organisations:user_create"),
        _account(role=User.Role.REPORTER, actors=[actor.pk], send_password_link="on"),
    )
    assert response.status_code == 302
    created = User.objects.get(username="anna.andersson")
    assert created.municipality == municipality
    assert list(created.actors.all()) == [actor]
    assert not created.has_usable_password()

    (message,) = mail.outbox
    assert message.to == ["anna.andersson@example.se"]
    assert "anna.andersson" in message.body
    link = re.search(r"https?://\S+", message.body).group()
    assert link.startswith("http")

    # The link works: the person chooses a password and signs in with it.
    response = client.get(urlparse(link).path, follow=True)
    assert response.status_code == 200 and response.context["validlink"]
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert signs_in(client, "anna.andersson", NEW_PASSWORD)


def test_a_reporter_without_actor_is_refused_with_a_message_at_the_field(admin_client):
    response = admin_client.post(
        reverse("organisations:user_create"), _account(role=User.Role.REPORTER)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["actors"] == ["Välj minst en aktör: en nyckelperson svarar för sina aktörer."]
    assert "Välj minst en aktör" in response.content.decode()
    assert not User.objects.filter(username="anna.andersson").exists()


def test_other_roles_answer_for_no_actor(actor, admin_client):
    response = admin_client.post(
        reverse("organisations:user_create"),
        _account(role=User.Role.COORDINATOR, actors=[actor.pk]),
    )
    assert response.status_code == 200
    assert "actors" in response.context["form"].errors


def test_another_municipality_s_actors_cannot_be_chosen(other_municipality, admin_client):
    elsewhere = make_actor(other_municipality, "Annanstads socialnämnd")
    response = admin_client.post(
        reverse("organisations:user_create"),
        _account(role=User.Role.REPORTER, actors=[elsewhere.pk]),
    )
    assert response.status_code == 200
    assert "actors" in response.context["form"].errors
    assert "Annanstads socialnämnd" not in response.content.decode()


def test_an_e_mail_address_belongs_to_one_account(other_municipality, admin_client):
    # Single sign-on finds people by address, across municipalities.
    elsewhere = make_user(other_municipality, User.Role.READER, username="anna.annanstad")
    elsewhere.email = "Anna.Andersson@example.se"
    elsewhere.save()
    response = admin_client.post(reverse("organisations:user_create"), _account())
    assert "email" in response.context["form"].errors


def test_an_administrator_changes_a_role_and_the_history_says_who(
    municipality, administrator, reporter, actor, admin_client
):
    url = reverse("organisations:user_edit", args=[reporter.pk])
    response = admin_client.post(
        url,
        _account(username=reporter.username, role=User.Role.READER, actors=[])
        | {"revision": revision_of(admin_client, url)},
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.role == User.Role.READER and not reporter.actors.exists()

    latest = user_history(reporter).object_list[0]
    assert latest.who == administrator
    changes = {change.field: (change.old, change.new) for change in latest.changes}
    assert changes["Roll"] == ("Nyckelperson", "Läsare")
    assert changes["Rapporterar för"] == (actor.name, "")

    page = admin_client.get(reverse("records:user_history", args=[reporter.pk]))
    assert page.status_code == 200
    assert "Nyckelperson" in page.content.decode()


def test_an_administrator_deactivates_and_reactivates_and_never_deletes(
    client, reporter, admin_client
):
    response = confirm(admin_client, reverse("organisations:user_deactivate", args=[reporter.pk]))
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.is_active
    assert not signs_in(client, reporter.username, PASSWORD)

    admin_client.post(reverse("organisations:user_reactivate", args=[reporter.pk]))
    reporter.refresh_from_db()
    assert reporter.is_active
    assert signs_in(client, reporter.username, PASSWORD)
    actions = [entry.changes[0].new for entry in user_history(reporter).object_list[:2]]
    assert actions == ["Ja", "Nej"]  # active again, after deactivated


def deactivate_url(account) -> str:
    return reverse("organisations:user_deactivate", args=[account.pk])


def test_deactivating_asks_first_and_says_what_the_person_loses(reporter, actor, admin_client):
    page = admin_client.get(deactivate_url(reporter))
    assert page.status_code == 200
    html = page.content.decode()
    assert f"{reporter.username} kan inte längre logga in" in html
    assert f"svarar inte längre på uppföljningar för {actor.name}" in html
    # Nobody else answers for the actor: the page says what that means.
    assert page.context["alone"] == [actor]
    assert f"{actor.name} har då ingen aktiv nyckelperson" in html
    assert "Det går att ångra" in html
    reporter.refresh_from_db()
    assert reporter.is_active


def test_an_actor_with_another_active_reporter_is_not_left_alone(
    municipality, reporter, actor, admin_client
):
    make_user(municipality, User.Role.REPORTER, username="kollega", actors=[actor])
    page = admin_client.get(deactivate_url(reporter))
    assert page.context["alone"] == []
    assert "har då ingen aktiv nyckelperson" not in page.content.decode()


def test_a_deactivation_posted_without_the_pages_revision_is_asked_again(reporter, admin_client):
    response = admin_client.post(deactivate_url(reporter))
    assert response.status_code == 200
    reporter.refresh_from_db()
    assert reporter.is_active


def test_a_deactivation_confirmed_before_the_account_changed_is_asked_again(
    municipality, reporter, admin_client
):
    revision = revision_of(admin_client, deactivate_url(reporter))
    reporter.actors.add(make_actor(municipality, "Kultur- och fritidsförvaltningen"))

    response = admin_client.post(deactivate_url(reporter), {"revision": revision})

    assert response.status_code == 200
    assert "Något ändrades" in response.content.decode()
    assert "Kultur- och fritidsförvaltningen" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.is_active


def test_the_page_for_an_already_deactivated_account_says_so(reporter, admin_client):
    reporter.is_active = False
    reporter.save()
    response = admin_client.get(deactivate_url(reporter), follow=True)
    assert "är redan inaktiverad" in response.content.decode()


def test_an_administrator_cannot_deactivate_themself(administrator, admin_client):
    response = admin_client.post(
        reverse("organisations:user_deactivate", args=[administrator.pk]), follow=True
    )
    administrator.refresh_from_db()
    assert administrator.is_active
    assert "Du kan inte inaktivera ditt eget konto" in response.content.decode()


def test_an_administrator_cannot_remove_their_own_administrator_role(administrator, admin_client):
    response = admin_client.post(
        reverse("organisations:user_edit", args=[administrator.pk]),
        _account(username=administrator.username, role=User.Role.COORDINATOR),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["role"]
    administrator.refresh_from_db()
    assert administrator.role == User.Role.ADMINISTRATOR


def test_the_set_password_link_is_sent_again_on_request(reporter, admin_client):
    reporter.email = "rapportor@example.se"
    reporter.save()
    response = admin_client.post(reverse("organisations:user_password_link", args=[reporter.pk]))
    assert response.status_code == 302
    (message,) = mail.outbox
    assert message.to == ["rapportor@example.se"]
    assert reverse("password_reset_confirm", args=["x", "y"]).split("x/")[0] in message.body


def test_a_deactivated_account_gets_no_link(reporter, admin_client):
    reporter.email = "rapportor@example.se"
    reporter.is_active = False
    reporter.save()
    admin_client.post(reverse("organisations:user_password_link", args=[reporter.pk]))
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("organisations:user_edit", "get"),
        ("organisations:user_edit", "post"),
        ("organisations:user_deactivate", "post"),
        ("organisations:user_reactivate", "post"),
        ("organisations:user_password_link", "post"),
        ("records:user_history", "get"),
    ],
)
def test_another_municipality_s_users_are_not_found(other_municipality, reporter, name, method):
    other_admin = make_user(other_municipality, User.Role.ADMINISTRATOR, username="admin.annan")
    client = signed_in(other_admin)
    response = getattr(client, method)(reverse(name, args=[reporter.pk]))
    assert response.status_code == 404
    reporter.refresh_from_db()
    assert reporter.is_active and reporter.role == User.Role.REPORTER
    assert mail.outbox == []


def test_only_administrators_see_the_users_link(admin_client, coordinator_client):
    url = reverse("organisations:user_list")
    assert f'href="{url}"' in admin_client.get(reverse("plans:home")).content.decode()
    assert f'href="{url}"' not in coordinator_client.get(reverse("plans:home")).content.decode()


def test_signing_in_leaves_no_history_row(client, reporter):
    before = User.history.filter(id=reporter.pk).count()
    assert signs_in(client, reporter.username, PASSWORD)
    reporter.refresh_from_db()
    assert reporter.last_login is not None
    assert User.history.filter(id=reporter.pk).count() == before


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_the_django_admin_s_staff_are_not_managed_here(municipality, admin_client, flag):
    # Their e-mail address and a set-password link would hand over their wider powers.
    staff = make_user(municipality, User.Role.READER, username="it.drift")
    setattr(staff, flag, True)
    staff.save()
    assert "it.drift" not in admin_client.get(reverse("organisations:user_list")).content.decode()
    edit = reverse("organisations:user_edit", args=[staff.pk])
    assert admin_client.get(edit).status_code == 404
    link = reverse("organisations:user_password_link", args=[staff.pk])
    assert admin_client.post(link).status_code == 404
    assert mail.outbox == []
