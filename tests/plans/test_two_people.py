"""Two people edit the same part of a plan at once: a save made from a page drawn before the
other person's save is refused, nothing is written, and the page shows both people's changes,
so that saving again keeps both (handlingskraft.revisions)."""

import threading
from dataclasses import dataclass

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from handlingskraft.revisions import canonical
from organisations.models import User
from plans.models import Activity, Goal, PlanVersion
from reports.models import PlanTextSection
from reports.services import text_section_save
from tests.builders import make_actor, make_plan, term
from tests.conftest import signed_in

from .two_people import form_values, person


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
    named: bool = True  # False: the row has no history to tell who saved it


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
        named=False,
    ),
}


def value(plan, given):
    """A value as a browser posts it: a plan key stands for that row's primary key."""
    if isinstance(given, list):
        return [value(plan, item) for item in given]
    return str(plan[given].pk) if given in plan else given


def stored(client, url) -> dict:
    """What the edit page reads from the database now, field by field, as canonical text."""
    return {name: canonical(v) for name, v in client.get(url).context["form"].stored.items()}


def same(a, b) -> bool:
    return canonical(a) == canonical(b)


@pytest.mark.parametrize("name", FORMS)
def test_a_stale_save_is_refused_and_shows_both_changes_until_saved_again(name, plan, anna, bertil):
    form = FORMS[name]
    url = reverse(form.url, args=[plan[form.row].pk])
    (x, x_value), (y, y_value) = form.x, form.y
    x_value, y_value = value(plan, x_value), value(plan, y_value)
    a, b = signed_in(anna), signed_in(bertil)
    anna_page, bertil_page = form_values(a.get(url)), form_values(b.get(url))
    before = stored(a, url)

    assert a.post(url, anna_page | {x: x_value}).status_code == 302
    response = b.post(url, bertil_page | {y: y_value})

    assert response.status_code == 200
    refused = response.context["form"]
    assert refused.stale and refused.refreshed == [x] and refused.conflicts == {}
    html = response.content.decode()
    if form.named:
        assert "Anna Andersson sparade ändringar" in html
    else:
        assert "Någon annan sparade ändringar efter att du öppnade sidan." in html
    assert "Ingenting har sparats, och det du skrev finns kvar i formuläret." in html
    now = stored(a, url)
    assert same(now[x], x_value) and now[y] == before[y]  # Bertil's change is not written
    shown = form_values(response)
    assert same(shown[x], x_value) and same(shown[y], y_value)  # Anna's and Bertil's
    assert shown["revision"] != bertil_page["revision"]

    assert b.post(url, shown).status_code == 302
    now = stored(a, url)
    assert same(now[x], x_value) and same(now[y], y_value)


@pytest.mark.parametrize("name", FORMS)
def test_the_same_field_changed_by_both_shows_the_other_value_beside_yours(
    name, plan, anna, bertil
):
    form = FORMS[name]
    url = reverse(form.url, args=[plan[form.row].pk])
    field, anna_value, bertil_value = form.both
    anna_value, bertil_value = value(plan, anna_value), value(plan, bertil_value)
    a, b = signed_in(anna), signed_in(bertil)
    anna_page, bertil_page = form_values(a.get(url)), form_values(b.get(url))
    assert a.post(url, anna_page | {field: anna_value}).status_code == 302

    response = b.post(url, bertil_page | {field: bertil_value})

    assert response.status_code == 200
    refused = response.context["form"]
    assert list(refused.conflicts) == [field] and refused.refreshed == []
    assert same(form_values(response)[field], bertil_value)  # his own value stays in the field
    html = response.content.decode()
    assert ("Sparat av Anna Andersson:" if form.named else "Sparat av någon annan:") in html
    assert f'id="{refused[field].auto_id}_conflict"' in html
    assert f"{refused[field].auto_id}_conflict" in refused[field].aria_describedby
    assert same(stored(a, url)[field], anna_value)

    assert b.post(url, form_values(response)).status_code == 302  # he chose his own
    assert same(stored(a, url)[field], bertil_value)


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
    url = reverse(form.url, args=[plan[form.row].pk])
    client = signed_in(anna)
    page = form_values(client.get(url))
    before = stored(client, url)
    field, wanted = form.y
    data = page | {field: value(plan, wanted)}
    if revision is None:
        del data["revision"]
    else:
        data["revision"] = revision

    response = client.post(url, data)

    assert response.status_code == 200
    refused = response.context["form"]
    assert refused.stale and refused.base_unknown
    assert "Sidan saknade uppgift om vilken sparad version den öppnades från." in (
        response.content.decode()
    )
    assert stored(client, url) == before
    assert client.post(url, form_values(response)).status_code == 302
    assert same(stored(client, url)[field], value(plan, wanted))


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
    delete, edit = reverse(delete_name, args=[row.pk]), reverse(edit_name, args=[row.pk])
    a, b = signed_in(anna), signed_in(bertil)
    confirmation = form_values(b.get(delete))
    field = "label" if key == "version" else "title"
    a.post(edit, form_values(a.get(edit)) | {field: "Ändrad av Anna"})

    response = b.post(delete, confirmation)

    assert response.status_code == 200
    assert model.objects.filter(pk=row.pk).exists()
    assert response.context["form"].conflicts == {field: "Ändrad av Anna"}
    html = response.content.decode()
    assert "Ingenting har tagits bort." in html and "Ändrad av Anna" in html
    assert b.post(delete, form_values(response)).status_code == 302
    assert not model.objects.filter(pk=row.pk).exists()


def test_a_delete_without_a_revision_is_asked_again(plan, anna):
    client = signed_in(anna)
    goal = plan["goal"]
    response = client.post(reverse("plans:goal_delete", args=[goal.pk]))
    assert response.status_code == 200
    assert Goal.objects.filter(pk=goal.pk).exists()


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
