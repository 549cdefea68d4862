"""Sign-ins, exports and backups are logged, and coordinators and administrators read the log."""

import pytest
from django.test import Client
from django.urls import reverse

from followup.models import FollowUpRound
from organisations.models import User
from plans.models import PlanVersion
from records.models import AuditEvent
from records.services import audit_event_record
from tests.builders import PASSWORD, make_plan, make_user
from tests.conftest import confirm, queries_for, signed_in

from .conftest import in_english, page_text


def test_signing_in_is_logged(coordinator, municipality):
    client = Client()
    response = client.post(
        reverse("login"), {"username": coordinator.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert (event.user, event.username, event.municipality) == (
        coordinator,
        coordinator.username,
        municipality,
    )


def test_a_failed_sign_in_is_logged_against_the_user_it_names(coordinator, municipality):
    Client().post(reverse("login"), {"username": coordinator.username, "password": "fel"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.municipality == municipality
    assert event.details == {"username": coordinator.username}
    assert event.user is None


def test_a_failed_sign_in_with_an_unknown_name_keeps_nothing_of_what_was_typed(db):
    Client().post(reverse("login"), {"username": "hemligt-lösenord", "password": "x"})
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert (event.municipality, event.description, event.details) == (None, "", {})


@pytest.mark.parametrize(
    ("name", "format_"),
    [("exchange:version_export_xlsx", "xlsx"), ("exchange:version_export_json", "json")],
)
def test_exporting_a_plan_version_is_logged(coordinator, municipality, name, format_):
    version = make_plan(municipality)
    response = signed_in(coordinator).get(reverse(name, args=[version.pk]))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.user, event.municipality, event.description) == (
        coordinator,
        municipality,
        str(version),
    )
    assert event.details == {"format": format_, "version": version.pk}


def test_exporting_the_follow_up_status_is_logged(demo, demo_coordinator):
    round_ = FollowUpRound.objects.get(version__plan__municipality=demo)
    client = signed_in(demo_coordinator)
    assert client.get(reverse("followup:round_export", args=[round_.pk])).status_code == 200
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.user == demo_coordinator
    assert event.details == {"format": "xlsx", "round": round_.pk}


def test_the_events_page_shows_the_municipalitys_events_only(
    coordinator, administrator, municipality, other_municipality
):
    version = make_plan(municipality, title="Vår plan")
    signed_in(coordinator).get(reverse("exchange:version_export_json", args=[version.pk]))
    stranger = make_user(other_municipality, User.Role.COORDINATOR)
    audit_event_record(user=stranger, action="export", description="Deras plan")

    response = in_english(signed_in(administrator)).get(reverse("records:events"))
    text = page_text(response)
    assert "Vår plan" in text and "Export" in text and str(coordinator) in text
    assert "Deras plan" not in text
    assert {event.municipality_id for event in response.context["page"]} == {municipality.pk}


def test_the_events_page_filters_by_kind_of_event(coordinator, municipality):
    client = signed_in(coordinator)  # a sign-in event
    audit_event_record(user=coordinator, action="export", description="Planen")
    response = client.get(reverse("records:events"), {"action": "export"})
    assert [event.action for event in response.context["page"]] == ["export"]
    response = client.get(reverse("records:events"), {"action": "nonsense"})
    assert {event.action for event in response.context["page"]} == {"export", "sign_in"}


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.COORDINATOR, 200),
        (User.Role.ADMINISTRATOR, 200),
        (User.Role.READER, 403),
        (User.Role.REPORTER, 403),
    ],
)
def test_the_events_page_is_for_coordinators_and_administrators(municipality, role, status):
    user = make_user(municipality, role)
    assert signed_in(user).get(reverse("records:events")).status_code == status


def test_the_events_page_costs_the_same_queries_for_1_and_3_events(coordinator, municipality):
    client = signed_in(coordinator)
    url = reverse("records:events")
    client.get(url)
    one = queries_for(client, url)
    for number in range(2):
        audit_event_record(user=coordinator, action="export", description=f"Plan {number}")
    assert AuditEvent.objects.filter(municipality=municipality).count() == 3
    assert queries_for(client, url) == one


def test_an_unknown_action_is_refused(coordinator):
    with pytest.raises(ValueError):
        audit_event_record(user=coordinator, action="exprot", description="")


def test_an_export_is_logged_with_the_version_even_after_it_is_deleted(coordinator, municipality):
    version = make_plan(municipality)
    signed_in(coordinator).get(reverse("exchange:version_export_xlsx", args=[version.pk]))
    PlanVersion.objects.filter(pk=version.pk).delete()
    assert AuditEvent.objects.get(action="export").description == str(version)


def test_publishing_a_report_and_downloading_it_are_logged(demo, demo_coordinator):
    client = signed_in(demo_coordinator)
    round_ = FollowUpRound.objects.get(version__plan__municipality=demo)
    published = confirm(client, reverse("reports:round_publish", args=[round_.pk]))
    assert published.status_code == 302
    client.get(published["Location"].rstrip("/") + "/report.xlsx")
    client.get(reverse("reports:round_report_download", args=[round_.pk, "pdf"]))

    events = list(
        AuditEvent.objects.filter(municipality=demo, user=demo_coordinator)
        .exclude(action=AuditEvent.Action.SIGN_IN)
        .order_by("created_at", "id")
        .values_list("action", "description", "details")
    )
    assert events == [
        ("publish", str(round_), {}),
        ("export", str(round_), {"format": "xlsx"}),
        ("export", str(round_), {"format": "pdf"}),
    ]
