"""Two people edit the same actor or account at once: a save from a page drawn before the other
person's save is refused and shows both changes (handlingskraft.revisions)."""

import pytest
from django.urls import reverse

from organisations.models import Actor, User
from tests.builders import make_actor
from tests.conftest import signed_in
from tests.plans.two_people import (
    both_changed,
    delete_asked_again,
    person,
    refused_then_saved,
    tampered_refused,
)


@pytest.fixture
def anna(municipality):
    return person(municipality, User.Role.ADMINISTRATOR, "anna", "Anna", "Andersson")


@pytest.fixture
def bertil(municipality):
    return person(municipality, User.Role.ADMINISTRATOR, "bertil", "Bertil", "Berg")


@pytest.fixture
def board(municipality):
    return make_actor(municipality, "Socialnämnden")


@pytest.fixture
def account(municipality, board):
    user = person(municipality, User.Role.REPORTER, "cecilia", "Cecilia", "Carlsson")
    user.email = "cecilia@example.se"
    user.save()
    user.actors.set([board])
    return user


def test_an_actor_saved_from_an_old_page_is_refused_until_saved_again(anna, bertil, board):
    url = reverse("organisations:actor_edit", args=[board.pk])
    refused_then_saved(
        signed_in(anna),
        signed_in(bertil),
        url,
        ("name", "Socialnämnden i Testby"),
        ("short_name", "SN"),
        author="Anna Andersson",
    )


def test_an_actor_kind_changed_by_both_shows_the_others_choice_by_its_label(anna, bertil, board):
    url = reverse("organisations:actor_edit", args=[board.pk])
    refused = both_changed(
        signed_in(anna),
        signed_in(bertil),
        url,
        "kind",
        "external",
        "company",
        author="Anna Andersson",
    )
    assert refused.conflicts == {"kind": "Extern aktör"}


@pytest.mark.parametrize("revision", ["abc", None])
def test_an_actor_saved_with_a_tampered_revision_is_refused(anna, board, revision):
    url = reverse("organisations:actor_edit", args=[board.pk])
    tampered_refused(signed_in(anna), url, "short_name", "SN", revision)


def test_deleting_an_actor_someone_renamed_meanwhile_asks_again(anna, bertil, municipality):
    actor = make_actor(municipality, "Fältgruppen", kind=Actor.Kind.UNIT)
    delete_asked_again(
        signed_in(anna),
        signed_in(bertil),
        reverse("organisations:actor_delete", args=[actor.pk]),
        reverse("organisations:actor_edit", args=[actor.pk]),
        "name",
        "Fältgruppen Väster",
        lambda: Actor.objects.filter(pk=actor.pk).exists(),
    )


def test_an_account_saved_from_an_old_page_is_refused_until_saved_again(anna, bertil, account):
    url = reverse("organisations:user_edit", args=[account.pk])
    refused_then_saved(
        signed_in(anna),
        signed_in(bertil),
        url,
        ("last_name", "Carlsson Ek"),
        ("email", "cecilia.ek@example.se"),
        author="Anna Andersson",
    )


def test_an_accounts_actors_changed_by_both_show_the_others_by_name(
    anna, bertil, account, municipality
):
    school = make_actor(municipality, "Utbildningsnämnden")
    police = make_actor(municipality, "Polisen")
    url = reverse("organisations:user_edit", args=[account.pk])
    refused = both_changed(
        signed_in(anna),
        signed_in(bertil),
        url,
        "actors",
        [str(school.pk)],
        [str(police.pk)],
        author="Anna Andersson",
    )
    assert refused.conflicts == {"actors": "Utbildningsnämnden"}


@pytest.mark.parametrize("revision", ["actors:" + "f" * 10, ""])
def test_an_account_saved_with_a_tampered_revision_is_refused(anna, account, revision):
    url = reverse("organisations:user_edit", args=[account.pk])
    tampered_refused(signed_in(anna), url, "first_name", "Cissi", revision)
