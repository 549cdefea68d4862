"""Two people edit the same part of a plan at once: a save made from a page drawn before the
other person's save is refused, nothing is written, and the page shows both people's changes,
so that saving again keeps both (handlingskraft.revisions)."""

import threading
from dataclasses import dataclass

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from organisations.models import User
from plans.models import Activity, Goal, PlanVersion
from reports.models import PlanTextSection
from reports.services import text_section_save
from tests.builders import make_actor, make_plan, term
from tests.conftest import signed_in

from .two_people import (
    both_changed,
    delete_asked_again,
    form_values,
    person,
    refused_then_saved,
    tampered_refused,
)


@pytest.fixture
def anna(municipality):
    return person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Andersson")


@pytest.fixture
def bertil(municipality):
    return person(municipality, User.Role.COORDINATOR, "bertil", "Bertil", "Berg")


@pytest.fixture
def plan(municipality):
    """A draft with one of everything, and the actors and terms the edits below choose."""
    social = make_actor(municipality, "Socialnämnden")
    school = make_actor(municipality, "Utbildningsnämnden")
    police = make_actor(municipality, "Polisen")
    shelter = make_actor(municipality, "Kvinnojouren")
    version = make_plan(municipality, actors=[social, school])
    return {
        "version": version,
        "goal": version.goals.get(),
        "indicator": version.indicators.get(),
        "activity": version.activities.get(),
        "text": text_section_save(version=version, title="Bakgrund", body="Första stycket."),
        "social": social,
        "school": school,
        "police": police,
        "shelter": shelter,
        "selective": term("prevention_level", "selective"),
    }


@dataclass(frozen=True)
class Form:
    url: str  # the edit page
    row: str  # a key of the plan fixture, whose pk the URL takes
    x: tuple  # (field, value) Anna changes; a value naming a plan key is that row's pk
    y: tuple  # (field, value) Bertil changes from the page he opened before Anna saved
    both: tuple  # (field, Anna's value, Bertil's value): a field both of them change


FORMS = {
    "version": Form(
        "plans:version_edit",
        "version",
        ("label", "1.1"),
        ("diary_number", "KS 9"),
        ("valid_to", "2029", "2030"),
    ),
    "goal": Form(
        "plans:goal_edit",
        "goal",
        ("title", "Ingen utsätts för våld"),
        ("description", "Gäller hela kommunen.\r\nOch dess bolag."),
        ("conditions", "Kunskap finns", "Rutiner finns\r\nStöd finns"),
    ),
    "indicator": Form(
        "plans:indicator_edit",
        "indicator",
        ("title", "Andel utbildad personal"),
        ("target_value", "90"),
        ("target_value", "90", "95.5"),
    ),
    "activity and its lead": Form(
        "plans:activity_edit",
        "activity",
        ("title", "Utbilda all personal"),
        ("lead", "police"),
        ("lead", "police", "shelter"),
    ),
    "activity's co-responsible actors and levels": Form(
        "plans:activity_edit",
        "activity",
        ("co_actors", ["police"]),
        ("prevention_levels", ["selective"]),
        ("co_actors", ["police"], []),
    ),
    "text section": Form(
        "reports:text_section_edit",
        "text",
        ("title", "Bakgrund och syfte"),
        ("body", "Nytt stycke."),
        ("body", "Annas stycke.", "Bertils stycke."),
    ),
}


def value(plan, given):
    """A value as a browser posts it: a plan key stands for that row's primary key."""
    if isinstance(given, list):
        return [value(plan, item) for item in given]
    return str(plan[given].pk) if given in plan else given


@pytest.mark.parametrize("name", FORMS)
def test_a_stale_save_is_refused_and_shows_both_changes_until_saved_again(name, plan, anna, bertil):
    form = FORMS[name]
    (x, x_value), (y, y_value) = form.x, form.y
    refused_then_saved(
        signed_in(anna),
        signed_in(bertil),
        reverse(form.url, args=[plan[form.row].pk]),
        (x, value(plan, x_value)),
        (y, value(plan, y_value)),
        author="Anna Andersson",
    )


@pytest.mark.parametrize("name", FORMS)
def test_the_same_field_changed_by_both_shows_the_other_value_beside_yours(
    name, plan, anna, bertil
):
    form = FORMS[name]
    field, anna_value, bertil_value = form.both
    both_changed(
        signed_in(anna),
        signed_in(bertil),
        reverse(form.url, args=[plan[form.row].pk]),
        field,
        value(plan, anna_value),
        value(plan, bertil_value),
        author="Anna Andersson",
    )


def test_the_other_persons_value_is_shown_as_people_read_it(plan, anna, bertil):
    url = reverse("plans:activity_edit", args=[plan["activity"].pk])
    a, b = signed_in(anna), signed_in(bertil)
    anna_page, bertil_page = form_values(a.get(url)), form_values(b.get(url))
    a.post(
        url,
        anna_page
        | {
            "lead": str(plan["police"].pk),
            "prevention_levels": [str(plan["selective"].pk)],
            "continuous": "on",
            "start_year": "",
            "end_year": "",
        },
    )
    mine = bertil_page | {
        "lead": str(plan["school"].pk),
        "co_actors": [],
        "prevention_levels": [],
        "start_year": "2027",
        "end_year": "2028",
    }
    refused = b.post(url, mine).context["form"]
    assert refused.conflicts == {
        "lead": "Polisen",
        "prevention_levels": "Selektiv",
        "start_year": "(tomt)",
        "end_year": "(tomt)",
    }
    assert refused.refreshed == ["continuous"]


@pytest.mark.parametrize("revision", ["abc", "", None, "title:" + "0" * 10])
@pytest.mark.parametrize("name", FORMS)
def test_a_missing_or_tampered_revision_is_refused_like_a_stale_save(name, revision, plan, anna):
    form = FORMS[name]
    field, wanted = form.y
    url = reverse(form.url, args=[plan[form.row].pk])
    tampered_refused(signed_in(anna), url, field, value(plan, wanted), revision)


def test_adopting_from_a_page_opened_before_another_edit_is_refused(plan, anna, bertil):
    version = plan["version"]
    edit = reverse("plans:version_edit", args=[version.pk])
    adopt = reverse("plans:version_adopt", args=[version.pk])
    a, b = signed_in(anna), signed_in(bertil)
    adopt_page = form_values(b.get(adopt))
    a.post(edit, form_values(a.get(edit)) | {"distribution": "Socialnämnden\r\nPolisen"})

    decision = {"decided_by": "Kommunfullmäktige", "decision_date": "2025-02-10"}
    response = b.post(adopt, adopt_page | decision)

    assert response.status_code == 200
    assert response.context["form"].refreshed == ["distribution"]
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.DRAFT
    shown = form_values(response)
    assert shown["decided_by"] == "Kommunfullmäktige"
    assert b.post(adopt, shown).status_code == 302
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.ADOPTED
    assert version.decided_by == "Kommunfullmäktige"
    assert version.distribution_list == ["Socialnämnden", "Polisen"]


DELETES = {
    "goal": ("plans:goal_delete", "plans:goal_edit", "goal", Goal),
    "activity": ("plans:activity_delete", "plans:activity_edit", "activity", Activity),
    "version": ("plans:version_delete", "plans:version_edit", "version", PlanVersion),
    "text section": (
        "reports:text_section_delete",
        "reports:text_section_edit",
        "text",
        PlanTextSection,
    ),
}


@pytest.mark.parametrize("name", DELETES)
def test_deleting_what_someone_changed_after_the_page_was_opened_asks_again(
    name, plan, anna, bertil
):
    delete_name, edit_name, key, model = DELETES[name]
    row = plan[key]
    delete_asked_again(
        signed_in(anna),
        signed_in(bertil),
        reverse(delete_name, args=[row.pk]),
        reverse(edit_name, args=[row.pk]),
        "label" if key == "version" else "title",
        "Ändrad av Anna",
        lambda: model.objects.filter(pk=row.pk).exists(),
    )


@pytest.mark.parametrize("name", DELETES)
def test_a_delete_without_a_revision_is_asked_again(name, plan, anna):
    delete_name, _edit, key, model = DELETES[name]
    response = signed_in(anna).post(reverse(delete_name, args=[plan[key].pk]))
    assert response.status_code == 200
    assert response.context["form"].base_unknown
    assert model.objects.filter(pk=plan[key].pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_eight_simultaneous_saves_from_one_page_exactly_one_is_written(municipality):
    version = make_plan(municipality)
    activity = version.activities.get()
    url = reverse("plans:activity_edit", args=[activity.pk])
    people = [
        person(municipality, User.Role.COORDINATOR, f"samordnare{i}", "Samordnare", str(i))
        for i in range(8)
    ]
    clients = [signed_in(user) for user in people]
    page = form_values(clients[0].get(url))
    start = threading.Barrier(len(clients))
    answers: dict[int, tuple[int, bool]] = {}

    def save(i: int, client: Client) -> None:
        try:
            start.wait()
            response = client.post(url, page | {"title": f"Sparad av nummer {i}"})
            refused = response.status_code == 200 and response.context["form"].stale
            answers[i] = (response.status_code, refused)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(i, c)) for i, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = [i for i, (status, _) in answers.items() if status == 302]
    refused = [i for i, (status, stale) in answers.items() if stale]
    assert len(saved) == 1 and len(refused) == 7, answers
    activity.refresh_from_db()
    assert activity.title == f"Sparad av nummer {saved[0]}"
