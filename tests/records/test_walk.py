"""The whole yearly cycle, walked through the pages as the people who do it: a coordinator writes
a plan, its actors and its texts, adopts it and corrects the decision, opens the follow-up; an
administrator gives a reporter an account; the reporter answers; the coordinator closes the
round and publishes the report. Afterwards every change the walk made is on a history page, and
each page shows who made it, when, and what it was before and after."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import lxml.html
import pytest
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from simple_history.models import registered_models

from followup.models import FollowUpRound, Questionnaire
from organisations.models import Actor, User
from plans.models import Activity, Goal, Indicator, PlanVersion
from reports.models import PlanTextSection, PublishedReport
from tests.builders import make_municipality, make_user, term
from tests.conftest import signed_in
from tests.plans.two_people import form_values

pytestmark = pytest.mark.django_db


def person(municipality, role, username, first, last) -> User:
    user = make_user(municipality, role, username=username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def post(client, url: str, changes: dict, *, expect: int = 302) -> None:
    """Send the form at `url` as a browser would after the person typed `changes`."""
    data = form_values(client.get(url)) | changes
    response = client.post(url, data)
    errors = response.context["form"].errors if response.status_code == 200 else None
    assert response.status_code == expect, errors


def confirm(client, url: str) -> None:
    """Press the button of a confirmation page (deleting something)."""
    response = client.post(url, {"revision": client.get(url).context["form"]["revision"].value()})
    assert response.status_code == 302


def history_ids() -> dict[type, int]:
    """The newest history row of every tracked model, to tell the walk's rows from others."""
    return {
        model: model.history.aggregate(newest=Max("history_id"))["newest"] or 0
        for model in registered_models.values()
        if hasattr(model, "history")  # not the many-to-many tables simple-history also keeps
    }


@dataclass
class Walk:
    coordinator: User
    administrator: User
    reporter: User | None = None
    version: PlanVersion | None = None
    round: FollowUpRound | None = None


def walk_the_year(walk: Walk) -> Walk:
    municipality = walk.coordinator.municipality
    anna, ada = walk.coordinator, walk.administrator
    coordinator, administrator = signed_in(anna), signed_in(ada)

    # Actors: three added, one renamed, one that was a mistake deleted.
    for name, kind, parent in (
        ("Socialnämnden", Actor.Kind.BOARD, None),
        ("Socialförvaltningen", Actor.Kind.ADMINISTRATION, "Socialnämnden"),
        ("Polisen", Actor.Kind.EXTERNAL, None),
        ("Felskriven nämnd", Actor.Kind.BOARD, None),
    ):
        parent_pk = Actor.objects.get(name=parent).pk if parent else ""
        post(
            coordinator,
            reverse("organisations:actor_create"),
            {"name": name, "kind": kind, "parent": parent_pk},
        )
    actors = {actor.name: actor for actor in Actor.objects.filter(municipality=municipality)}
    post(
        coordinator,
        reverse("organisations:actor_edit", args=[actors["Polisen"].pk]),
        {"name": "Polisen, lokalpolisområde Testby", "short_name": "LPO"},
    )
    confirm(
        administrator, reverse("organisations:actor_delete", args=[actors["Felskriven nämnd"].pk])
    )
    social, police = actors["Socialförvaltningen"], actors["Polisen"]

    # The plan and its version.
    post(
        coordinator,
        reverse("plans:plan_create"),
        {
            "title": "Handlingsplan mot våld i nära relationer",
            "version_label": "1.0",
            "valid_from": "2025",
            "valid_to": "2026",
        },
    )
    version = PlanVersion.objects.get(plan__municipality=municipality)
    post(
        coordinator,
        reverse("plans:version_edit", args=[version.pk]),
        {"change_summary": "Första versionen."},
    )

    # A goal, an indicator, an activity with who answers for it: each written, then changed.
    post(
        coordinator,
        reverse("plans:goal_create", args=[version.pk]),
        {"code": "1", "title": "Ingen ska utsättas för våld"},
    )
    goal = Goal.objects.get(version=version)
    post(
        coordinator,
        reverse("plans:goal_edit", args=[goal.pk]),
        {"title": "Ingen ska utsättas för våld i en nära relation"},
    )
    post(
        coordinator,
        reverse("plans:indicator_create", args=[version.pk]),
        {
            "goal": goal.pk,
            "title": "Andel personal som gått grundutbildning",
            "unit": Indicator.Unit.SHARE,
            "direction": Indicator.Direction.INCREASE,
            "baseline_year": "2024",
            "baseline_value": "20",
            "target_value": "70",
            "source": Indicator.Source.FOLLOW_UP,
            "reported_by": [str(social.pk)],
        },
    )
    indicator = Indicator.objects.get(version=version)
    post(
        coordinator,
        reverse("plans:indicator_edit", args=[indicator.pk]),
        {"target_value": "80"},
    )
    post(
        coordinator,
        reverse("plans:activity_create", args=[version.pk]),
        {
            "goal": goal.pk,
            "title": "Utbilda personalen",
            "start_year": "2025",
            "end_year": "2026",
            "prevention_levels": [str(term("prevention_level", "universal").pk)],
            "violence_areas": [],
            "target_groups": [],
            "lead": social.pk,
            "co_actors": [],
        },
    )
    activity = Activity.objects.get(version=version)
    post(
        coordinator,
        reverse("plans:activity_edit", args=[activity.pk]),
        {"title": "Utbilda all personal", "co_actors": [str(police.pk)]},
    )

    # The introductory texts of the documents: two written, one changed, one deleted.
    for title, body in (("Bakgrund", "Kommunen antog sin första plan 2018."), ("Syfte", "")):
        post(
            coordinator,
            reverse("reports:text_section_create", args=[version.pk]),
            {"title": title, "body": body},
        )
    background, purpose = PlanTextSection.objects.filter(version=version).order_by("position")
    post(
        coordinator,
        reverse("reports:text_section_edit", args=[background.pk]),
        {"body": "Kommunen antog sin första plan 2019."},
    )
    confirm(coordinator, reverse("reports:text_section_delete", args=[purpose.pk]))

    # Adopted with its decision, then the decision corrected.
    post(
        coordinator,
        reverse("plans:version_adopt", args=[version.pk]),
        {
            "decided_by": "Kommunfullmäktige",
            "decision_date": "2025-03-24",
            "decision_paragraph": "§ 45",
            "diary_number": "KS 2024-311",
            "distribution": "Socialnämnden",
        },
    )
    post(
        coordinator,
        reverse("plans:version_decision_correct", args=[version.pk]),
        {"decision_date": "2025-03-25", "reason": "Protokollet säger den 25 mars."},
    )

    # An account for the reporter of the social services administration.
    post(
        administrator,
        reverse("organisations:user_create"),
        {
            "first_name": "Rut",
            "last_name": "Rapportör",
            "username": "rut",
            "email": "rut@example.se",
            "role": User.Role.REPORTER,
            "actors": [str(social.pk)],
            "send_password_link": "",
        },
    )
    walk.reporter = User.objects.get(username="rut")

    # The follow-up: opened, answered and submitted, closed, its report published.
    today = timezone.localdate()
    post(
        coordinator,
        reverse("followup:round_create", args=[version.pk]),
        {
            "year": "2025",
            "opens_on": today.isoformat(),
            "deadline": (today + timedelta(days=30)).isoformat(),
        },
    )
    round_ = FollowUpRound.objects.get(version=version)
    questionnaire = round_.questionnaires.get(actor=social)
    reporter = signed_in(walk.reporter)
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    response = reporter.get(url)
    data = {"base": response.context["base"]}
    for form in response.context["forms"].all():
        for bound in form:
            if bound.value() is not None:
                data[bound.html_name] = bound.value()
    activity_prefix = response.context["forms"].activities[0].prefix
    indicator_prefix = response.context["forms"].indicators[0].prefix
    data |= {
        f"{activity_prefix}-status": "done",
        f"{activity_prefix}-what_was_done": "Två utbildningsdagar för all personal.",
        f"{indicator_prefix}-value": "65",
        "std-plan_followed_up": "yes",
        "action": "submit",
    }
    response = reporter.post(url, data)
    assert response.status_code == 302, response.context["missing"]
    questionnaire.refresh_from_db()
    assert questionnaire.status == Questionnaire.Status.SUBMITTED
    confirm(coordinator, reverse("followup:round_close", args=[round_.pk]))
    confirm(coordinator, reverse("reports:round_publish", args=[round_.pk]))
    assert PublishedReport.objects.filter(round=round_).exists()

    walk.version = PlanVersion.objects.get(pk=version.pk)
    walk.round = FollowUpRound.objects.get(pk=round_.pk)
    return walk


# Reading the history pages -------------------------------------------------------------------


@dataclass
class Shown:
    """One row of a history page as the page shows it."""

    url: str
    who: str
    when: str  # the <time datetime> of the row
    kind: str
    object: str
    action: str
    text: str  # the whole row as read
    changes: dict[str, tuple[str | None, str]]  # field -> (before, after); before None if none
    anchor: str


def text_of(element) -> str:
    return re.sub(r"\s+", " ", element.text_content()).strip()


def read_pages(client, url: str) -> list[Shown]:
    """Every row of a history page, following its pages."""
    rows, page = [], 1
    while True:
        response = client.get(url, {"page": page})
        assert response.status_code == 200, url
        tree = lxml.html.fromstring(response.content.decode())
        for row in tree.xpath("//main//table/tbody/tr[starts-with(@id, 'change-')]"):
            cells = row.findall("td")
            changes = {}
            for item in cells[5].iter("li"):
                name = text_of(item.find("strong"))
                before, after = item.find("del"), item.find("ins")
                if after is not None:
                    changes[name] = (
                        text_of(before).removeprefix("före:").strip(),
                        text_of(after).removeprefix("efter:").strip(),
                    )
                else:
                    changes[name] = (None, text_of(item).removeprefix(name).lstrip(": "))
            rows.append(
                Shown(
                    url=url,
                    who=text_of(cells[1]),
                    when=cells[0].find("time").get("datetime"),
                    kind=text_of(cells[2]),
                    object=text_of(cells[3]),
                    action=text_of(cells[4]),
                    text=text_of(row),
                    changes=changes,
                    anchor=row.get("id").removeprefix("change-"),
                )
            )
        if not response.context["page"].has_next():
            return rows
        page += 1


def pages_of(walk: Walk) -> dict[str, list[Shown]]:
    coordinator, administrator = signed_in(walk.coordinator), signed_in(walk.administrator)
    pages = {
        "version": read_pages(
            coordinator, reverse("records:version_history", args=[walk.version.pk])
        ),
        "actors": read_pages(coordinator, reverse("records:actors_history")),
        "account": read_pages(
            administrator, reverse("records:user_history", args=[walk.reporter.pk])
        ),
    }
    for questionnaire in walk.round.questionnaires.select_related("actor"):
        url = reverse("records:questionnaire_history", args=[questionnaire.pk])
        pages[questionnaire.actor.name] = read_pages(coordinator, url)
    return pages


@dataclass
class Walked:
    """What the walk left behind, read while its data was there."""

    pages: dict[str, list[Shown]]
    written: list[str]  # anchors of every history row the walk wrote
    people: dict[str, str]  # role -> name as the pages write it
    started: datetime
    finished: datetime
    publications: list[tuple[str, str, str]]  # the event log's (who, what, when) of publishing


@pytest.fixture(scope="module")
def walked(django_db_setup, django_db_blocker) -> Walked:
    """The walk, once for the module, in a transaction rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        municipality = make_municipality()
        walk = Walk(
            coordinator=person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Samordnare"),
            administrator=person(
                municipality, User.Role.ADMINISTRATOR, "ada", "Ada", "Administratör"
            ),
        )
        before = history_ids()
        started = timezone.now()
        walk_the_year(walk)
        finished = timezone.now()
        written = [
            f"{model._meta.model_name}-{history_id}"
            for model, newest in before.items()
            for history_id in model.history.filter(history_id__gt=newest).values_list(
                "history_id", flat=True
            )
        ]
        events = signed_in(walk.coordinator).get(reverse("records:events"), {"action": "publish"})
        tree = lxml.html.fromstring(events.content.decode())
        publications = [
            tuple(text_of(cell) for cell in row.findall("td")[:3])
            for row in tree.xpath("//main//table/tbody/tr")
        ]
        result = Walked(
            pages=pages_of(walk),
            written=written,
            people={
                "coordinator": str(walk.coordinator),
                "administrator": str(walk.administrator),
                "reporter": str(walk.reporter),
            },
            started=started,
            finished=timezone.now(),
            publications=publications,
        )
        assert finished <= result.finished
        transaction.set_rollback(True)
    return result


def find(rows: list[Shown], kind: str, obj: str, action: str, fields=()) -> Shown:
    """The one row of that kind, object and action (that changed `fields`)."""
    found = [
        row
        for row in rows
        if (row.kind, row.object, row.action) == (kind, obj, action)
        and set(fields) <= row.changes.keys()
    ]
    assert len(found) == 1, (kind, obj, action, [(r.kind, r.object, r.action) for r in rows])
    return found[0]


def test_every_change_of_the_walk_is_on_a_history_page_with_who_and_when(walked):
    rows = [row for rows in walked.pages.values() for row in rows]
    shown = [row.anchor for row in rows]
    assert len(shown) == len(set(shown))  # each change once
    missing = sorted(set(walked.written) - set(shown))
    assert not missing, f"Changes on no history page: {missing}"
    # The walk wrote to every part of the trail it should have.
    assert {anchor.rsplit("-", 1)[0] for anchor in walked.written} == {
        "actor",
        "user",
        "plan",
        "planversion",
        "goal",
        "indicator",
        "activity",
        "responsibility",
        "plantextsection",
        "followupround",
        "questionnaire",
        "activityanswer",
        "indicatoranswer",
    }
    for row in rows:
        assert row.who in walked.people.values(), row
        assert walked.started <= datetime.fromisoformat(row.when) <= walked.finished, row


def test_the_version_history_shows_each_change_before_and_after(walked):
    rows = walked.pages["version"]
    anna = walked.people["coordinator"]

    def row(kind, obj, action, **expected_changes):
        found = find(rows, kind, obj, action, expected_changes)
        assert found.who == anna, found
        for name, values in expected_changes.items():
            assert found.changes[name] == values, (found.changes, name)
        return found

    row("Handlingsplan", "Handlingsplan mot våld i nära relationer", "Skapades")
    row("Planversion", "1.0", "Skapades", Version=(None, "1.0"))
    row("Planversion", "1.0", "Ändrades", **{"Vad som har ändrats": ("–", "Första versionen.")})
    row(
        "Mål",
        "1 Ingen ska utsättas för våld i en nära relation",
        "Ändrades",
        Rubrik=("Ingen ska utsättas för våld", "Ingen ska utsättas för våld i en nära relation"),
    )
    row(
        "Indikator",
        "M1.1 Andel personal som gått grundutbildning",
        "Ändrades",
        Målvärde=("70,00", "80,00"),
    )
    row(
        "Aktivitet",
        "1.1 Utbilda all personal",
        "Ändrades",
        Aktivitet=("Utbilda personalen", "Utbilda all personal"),
    )
    row("Ansvar", "1.1 Utbilda all personal: Socialförvaltningen", "Skapades")
    row("Ansvar", "1.1 Utbilda all personal: Polisen, lokalpolisområde Testby", "Skapades")
    row(
        "Inledande text",
        "Bakgrund",
        "Ändrades",
        Text=("Kommunen antog sin första plan 2018.", "Kommunen antog sin första plan 2019."),
    )
    row("Inledande text", "Syfte", "Skapades", Rubrik=(None, "Syfte"))
    row("Inledande text", "Syfte", "Togs bort")
    adopted = row(
        "Planversion",
        "1.0",
        "Ändrades",
        Status=("Utkast", "Antagen"),
        **{"Antagen av": ("–", "Kommunfullmäktige"), "Beslutsdatum": ("–", "2025-03-24")},
    )
    corrected = row("Planversion", "1.0", "Rättades", Beslutsdatum=("2025-03-24", "2025-03-25"))
    assert "Skäl: Protokollet säger den 25 mars." in corrected.text
    assert list(corrected.changes) == ["Beslutsdatum"]
    assert rows.index(corrected) < rows.index(adopted)  # newest first
    opened = row("Uppföljningsomgång", "Uppföljning 2025", "Skapades")
    closed = row("Uppföljningsomgång", "Uppföljning 2025", "Ändrades", Status=("Öppen", "Stängd"))
    assert rows.index(closed) < rows.index(opened)


def test_the_actors_history_shows_every_actor_added_changed_and_deleted(walked):
    rows = walked.pages["actors"]
    added = find(rows, "Aktör", "Socialförvaltningen", "Skapades")
    assert added.who == walked.people["coordinator"]
    assert added.changes["Del av"] == (None, "Socialnämnden")
    renamed = find(rows, "Aktör", "Polisen, lokalpolisområde Testby", "Ändrades")
    assert renamed.who == walked.people["coordinator"]
    assert renamed.changes == {
        "Namn": ("Polisen", "Polisen, lokalpolisområde Testby"),
        "Kortnamn": ("–", "LPO"),
    }
    deleted = find(rows, "Aktör", "Felskriven nämnd", "Togs bort")
    assert deleted.who == walked.people["administrator"]


def test_the_answers_are_on_the_questionnaires_history(walked):
    rows = walked.pages["Socialförvaltningen"]
    rut = walked.people["reporter"]
    answer = find(rows, "Svar om en aktivitet", "1.1 Utbilda all personal", "Ändrades")
    assert answer.who == rut
    assert answer.changes["Status"] == ("–", "Genomförd")
    value = find(
        rows, "Svar om en indikator", "M1.1 Andel personal som gått grundutbildning", "Ändrades"
    )
    assert value.who == rut and value.changes["Värde"] == ("–", "65,00")
    submitted = find(rows, "Enkät", "Socialförvaltningen", "Ändrades")
    assert submitted.who == rut and submitted.changes["Status"] == ("Inte påbörjad", "Inskickad")


def test_the_account_and_the_publication_are_in_the_trail_too(walked):
    created = find(walked.pages["account"], "Användare", "rut", "Skapades")
    assert created.who == walked.people["administrator"]
    assert created.changes["Rapporterar för"] == (None, "Socialförvaltningen")
    ((when, who, what),) = walked.publications
    assert who == walked.people["coordinator"] and what == "Publicering"
