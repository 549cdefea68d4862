"""Cache-Control: no-store on what signed-in people get and on downloads; every URL of the
service is checked for it in tests/test_permission_matrix.py. Pages open to everyone may be
cached."""

from django.test import Client
from django.urls import reverse


def test_a_public_page_seen_signed_out_may_be_cached(db):
    response = Client().get(reverse("organisations:accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_same_page_seen_signed_in_is_not_stored(coordinator_client):
    response = coordinator_client.get(reverse("organisations:accessibility"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_the_answer_to_signing_out_is_not_stored(coordinator_client):
    response = coordinator_client.post(reverse("logout"))
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_the_answer_to_signing_in_is_not_stored(client, coordinator):
    from tests.builders import PASSWORD

    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]
