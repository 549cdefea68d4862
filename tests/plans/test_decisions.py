"""A version's decision can be trusted: its date is never ahead of today, and once adopted it
is corrected only through its own page, with a reason that the history keeps and shows."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from organisations.models import User
from plans.models import PlanVersion
from plans.services import plan_version_adopt
from records.queries import version_history
from tests.builders import make_plan
from tests.conftest import signed_in

from .two_people import form_values, person

FUTURE_MESSAGE = "Beslutsdatumet kan inte ligga i framtiden."


def tomorrow() -> date:
    return timezone.localdate() + timedelta(days=1)


def adopted(municipality) -> PlanVersion:
    return plan_version_adopt(
        version=make_plan(municipality),
        decided_by="Kommunfullmäktige",
        decision_date=date(2025, 3, 24),
        decision_paragraph="§ 45",
        diary_number="KS 2024-311",
        distribution="Socialnämnden",
    )


@pytest.fixture
def anna(municipality):
    return person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Andersson")


# A decision date ahead of today ----------------------------------------------------------------


@pytest.mark.parametrize("page", ["plans:version_adopt", "plans:version_edit"])
def test_a_decision_date_in_the_future_is_refused_with_a_message_at_the_field(
    page, municipality, coordinator_client
):
    version = make_plan(municipality)
    url = reverse(page, args=[version.pk])
    data = form_values(coordinator_client.get(url))
    data |= {"decided_by": "Kommunfullmäktige", "decision_date": tomorrow().isoformat()}

    response = coordinator_client.post(url, data)

    assert response.status_code == 200
    (error,) = response.context["form"].errors["decision_date"]
    assert error.startswith(FUTURE_MESSAGE)
    assert FUTURE_MESSAGE in response.content.decode()
    version.refresh_from_db()
    assert (version.status, version.decision_date) == (PlanVersion.Status.DRAFT, None)


def test_today_is_a_valid_decision_date(municipality, coordinator_client):
    version = make_plan(municipality)
    url = reverse("plans:version_adopt", args=[version.pk])
    data = form_values(coordinator_client.get(url))
    data |= {"decided_by": "Kommunfullmäktige", "decision_date": timezone.localdate().isoformat()}
    assert coordinator_client.post(url, data).status_code == 302
    version.refresh_from_db()
    assert version.decision_date == timezone.localdate()


def test_the_service_and_the_model_refuse_a_future_date_too(municipality):
    version = make_plan(municipality)
    with pytest.raises(ValidationError) as refused:
        plan_version_adopt(version=version, decided_by="KF", decision_date=tomorrow())
    assert "decision_date" in refused.value.message_dict
    assert PlanVersion.objects.get(pk=version.pk).status == PlanVersion.Status.DRAFT

    version.decision_date = tomorrow()
    with pytest.raises(ValidationError):
        version.clean()


# Correcting an adopted version's decision ------------------------------------------------------


def correct_url(version) -> str:
    return reverse("plans:version_decision_correct", args=[version.pk])


def test_a_coordinator_corrects_the_decision_with_a_reason_the_history_shows(municipality, anna):
    version = adopted(municipality)
    client = signed_in(anna)
    data = form_values(client.get(correct_url(version)))
    data |= {
        "decision_date": "2025-03-25",
        "diary_number": "KS 2024-312",
        "reason": "Protokollet säger den 25 mars och Dnr KS 2024-312.",
    }

    response = client.post(correct_url(version), data)

    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.decision_date, version.diary_number) == (date(2025, 3, 25), "KS 2024-312")
    assert (version.status, version.decided_by) == (PlanVersion.Status.ADOPTED, "Kommunfullmäktige")
    record = version.history.order_by("-history_id").first()
    assert (record.history_type, record.history_user) == ("~", anna)
    assert record.history_change_reason == "Protokollet säger den 25 mars och Dnr KS 2024-312."

    entry = version_history(version).object_list[0]
    assert (entry.action, entry.who, entry.reason) == (
        "corrected",
        anna,
        "Protokollet säger den 25 mars och Dnr KS 2024-312.",
    )
    assert {(c.field, c.old, c.new) for c in entry.changes} == {
        ("Beslutsdatum", "2025-03-24", "2025-03-25"),
        ("Diarienummer (Dnr)", "KS 2024-311", "KS 2024-312"),
    }
    page = client.get(reverse("records:version_history", args=[version.pk])).content.decode()
    assert "Rättades" in page and "Skäl:" in page and "Anna Andersson" in page
    overview = client.get(reverse("plans:version_overview", args=[version.pk])).content.decode()
    assert "Rättelser av beslutet" in overview
    assert "Protokollet säger den 25 mars" in overview


def test_a_correction_without_a_reason_or_without_a_change_writes_nothing(
    municipality, coordinator_client
):
    version = adopted(municipality)
    url = correct_url(version)
    page = form_values(coordinator_client.get(url))
    rows = version.history.count()

    no_reason = coordinator_client.post(url, page | {"decision_paragraph": "§ 46", "reason": ""})
    no_change = coordinator_client.post(url, page | {"reason": "Fel paragraf."})
    future = coordinator_client.post(
        url, page | {"decision_date": tomorrow().isoformat(), "reason": "Fel datum."}
    )

    assert "reason" in no_reason.context["form"].errors
    assert "Inget i beslutet har ändrats." in no_change.content.decode()
    assert future.context["form"].errors["decision_date"][0].startswith(FUTURE_MESSAGE)
    assert version.history.count() == rows
    version.refresh_from_db()
    assert (version.decision_paragraph, version.decision_date) == ("§ 45", date(2025, 3, 24))


def test_a_correction_from_a_page_opened_before_another_correction_is_refused(municipality):
    version = adopted(municipality)
    anna = signed_in(person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Andersson"))
    bertil = signed_in(person(municipality, User.Role.COORDINATOR, "bertil", "Bertil", "Berg"))
    url = correct_url(version)
    anna_page, bertil_page = form_values(anna.get(url)), form_values(bertil.get(url))
    assert (
        anna.post(url, anna_page | {"diary_number": "KS 9", "reason": "Fel Dnr."}).status_code
        == 302
    )

    response = bertil.post(url, bertil_page | {"diary_number": "KS 8", "reason": "Fel Dnr!"})

    assert response.status_code == 200
    assert response.context["form"].conflicts == {"diary_number": "KS 9"}
    assert "Anna Andersson sparade ändringar" in response.content.decode()
    version.refresh_from_db()
    assert version.diary_number == "KS 9"


def test_a_drafts_decision_is_not_corrected_here(municipality, coordinator_client):
    draft = make_plan(municipality)
    response = coordinator_client.get(correct_url(draft))
    assert response.status_code == 302
    assert response.url == reverse("plans:version_overview", args=[draft.pk])
    with pytest.raises(ValidationError):
        draft.correct_decision(user=None, reason="Fel.", decided_by="KS")


def test_only_the_decision_can_be_corrected(municipality, coordinator):
    version = adopted(municipality)
    with pytest.raises(TypeError):
        version.correct_decision(user=coordinator, reason="Fel.", label="2.0")
    with pytest.raises(ValidationError):
        version.correct_decision(user=coordinator, reason="  ", decision_paragraph="§ 1")


def test_the_correction_page_is_offered_on_adopted_versions_to_coordinators(
    municipality, coordinator_client, reader_client
):
    version = adopted(municipality)
    overview = reverse("plans:version_overview", args=[version.pk])
    assert correct_url(version) in coordinator_client.get(overview).content.decode()
    assert correct_url(version) not in reader_client.get(overview).content.decode()
    assert reader_client.get(correct_url(version)).status_code == 403
