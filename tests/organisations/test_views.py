from django.urls import reverse

from organisations.models import Actor, User
from plans.models import Activity
from tests.builders import PASSWORD, make_actor, make_plan, make_user
from tests.conftest import queries_for, signed_in
from tests.plans.two_people import revision_of


def test_sign_in_page_is_open_and_signs_in(client, coordinator):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("plans:home")).status_code == 200


def test_wrong_password_is_refused_with_a_message(client, coordinator):
    response = client.post(reverse("login"), {"username": coordinator.username, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_sign_out_ends_the_session(coordinator_client):
    coordinator_client.post(reverse("logout"))
    assert coordinator_client.get(reverse("plans:home")).status_code == 302


def test_actor_list_shows_the_tree_with_a_constant_number_of_queries(
    municipality, coordinator_client
):
    board = make_actor(municipality, "Socialnämnden")
    make_actor(municipality, "Socialförvaltningen", kind=Actor.Kind.ADMINISTRATION, parent=board)
    url = reverse("organisations:actor_list")
    coordinator_client.get(url)
    few = queries_for(coordinator_client, url)
    response = coordinator_client.get(url)
    assert [(n.actor.name, n.depth) for n in response.context["nodes"]] == [
        ("Socialnämnden", 0),
        ("Socialförvaltningen", 1),
    ]
    for i in range(5):
        make_actor(municipality, f"Enhet {i}", kind=Actor.Kind.UNIT, parent=board)
    assert queries_for(coordinator_client, url) == few


def test_administrator_adds_an_external_partner_under_no_parent(municipality, administrator):
    client = signed_in(administrator)
    response = client.post(
        reverse("organisations:actor_create"),
        {"name": "Kvinnojouren Tellus", "kind": Actor.Kind.EXTERNAL},
    )
    assert response.status_code == 302
    assert Actor.objects.get(name="Kvinnojouren Tellus").municipality == municipality


def test_actor_names_are_unique_in_a_municipality(municipality, coordinator_client):
    make_actor(municipality, "Polisen")
    response = coordinator_client.post(
        reverse("organisations:actor_create"), {"name": "polisen", "kind": Actor.Kind.EXTERNAL}
    )
    assert "name" in response.context["form"].errors


def test_an_actor_cannot_be_placed_under_its_own_unit(municipality, coordinator_client):
    board = make_actor(municipality, "Socialnämnden")
    unit = make_actor(municipality, "Enheten", kind=Actor.Kind.UNIT, parent=board)
    response = coordinator_client.post(
        reverse("organisations:actor_edit", args=[board.pk]),
        {"name": board.name, "kind": board.kind, "parent": unit.pk},
    )
    assert "parent" in response.context["form"].errors


def test_an_actor_with_responsibilities_is_not_deleted(municipality, coordinator_client):
    actor = make_actor(municipality, "Socialnämnden")
    make_plan(municipality, actors=[actor])
    url = reverse("organisations:actor_delete", args=[actor.pk])
    response = coordinator_client.post(url, {"revision": revision_of(coordinator_client, url)})
    assert response.status_code == 302
    assert Actor.objects.filter(pk=actor.pk).exists()
    assert Activity.objects.get().lead == actor


def test_readers_and_reporters_cannot_change_actors(municipality, reader_client, reporter):
    for client in (reader_client, signed_in(reporter)):
        response = client.post(
            reverse("organisations:actor_create"), {"name": "X", "kind": Actor.Kind.BOARD}
        )
        assert response.status_code == 403
    assert not Actor.objects.filter(name="X").exists()


def test_actors_of_another_municipality_are_out_of_reach(municipality, other_municipality):
    actor = make_actor(municipality, "Socialnämnden")
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    assert outsider.get(reverse("organisations:actor_edit", args=[actor.pk])).status_code == 404
    listing = outsider.get(reverse("organisations:actor_list"))
    assert listing.context["nodes"] == []
