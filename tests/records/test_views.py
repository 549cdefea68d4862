"""The history pages: edits made through the real pages show up with who, when and what."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation

from followup.answers import answers_from_rows
from followup.models import Questionnaire, RoundQuestion
from followup.queries import questionnaire_content
from followup.services import questionnaire_save, round_open
from organisations.models import User
from plans.models import PlanVersion, Term
from records.queries import PAGE_SIZE
from reports.services import text_section_save
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_municipality, make_plan, make_user, term
from tests.conftest import queries_for, signed_in

from .conftest import entries, in_english, page_text


def form_data(response) -> dict:
    """What a browser would send back from a form page as it stands."""
    data = {}
    for field in response.context["form"]:
        value = field.value()
        if value is not None:
            data[field.html_name] = value
    return data


def history_url(version) -> str:
    return reverse("records:version_history", args=[version.pk])


# Plan versions -------------------------------------------------------------------------------


def test_a_coordinators_edit_of_a_goal_shows_who_and_the_changed_field(
    demo_coordinator, demo_draft
):
    client = signed_in(demo_coordinator)
    goal = demo_draft.goals.get(code="1")
    url = reverse("plans:goal_edit", args=[goal.pk])
    data = form_data(client.get(url)) | {"title": "Alla invånare lever ett liv fritt från våld"}
    assert client.post(url, data).status_code == 302

    response = in_english(client).get(history_url(demo_draft))
    entry = entries(response)[0]
    assert (entry.who, entry.kind, entry.object, entry.action) == (
        demo_coordinator,
        "Goal",
        "1 Alla invånare lever ett liv fritt från våld",
        "changed",
    )
    (change,) = entry.changes
    assert (change.field, change.old, change.new) == (
        "Title",
        goal.title,
        "Alla invånare lever ett liv fritt från våld",
    )
    text = page_text(response)
    assert str(demo_coordinator) in text
    assert f"{goal.title} → after: Alla invånare lever" in text


def test_an_activity_edit_is_one_entry_with_its_prevention_levels_and_responsibilities(
    demo_coordinator, demo_draft, demo
):
    client = signed_in(demo_coordinator)
    activity = demo_draft.activities.order_by("code").first()
    url = reverse("plans:activity_edit", args=[activity.pk])
    newcomer = make_actor(demo, "Brottsofferjouren")
    selective = term("prevention_level", "selective")
    data = form_data(client.get(url)) | {
        "end_year": "2028",
        "prevention_levels": [str(selective.pk)],
        "co_actors": [str(newcomer.pk)],
    }
    with translation.override("en"):
        old_levels = ", ".join(sorted(str(t.label) for t in activity.prevention_levels.all()))
    assert client.post(url, data).status_code == 302

    response = in_english(client).get(history_url(demo_draft))
    activity_entry, *others = [e for e in entries(response)[:3] if e.kind == "Activity"]
    assert not others  # the save and each many-to-many field: one entry
    changes = {c.field: (c.old, c.new) for c in activity_entry.changes}
    assert changes["To year"][1] == "2028"
    assert changes["Prevention levels"] == (old_levels, "Selective")
    responsibilities = {e.object: e.action for e in entries(response) if e.kind == "Responsibility"}
    assert responsibilities[f"{activity.code} {activity.title}: Brottsofferjouren"] == "created"


def test_a_deleted_activity_is_still_named_in_the_history(demo_coordinator, demo_draft):
    client = signed_in(demo_coordinator)
    activity = demo_draft.activities.order_by("code").last()
    label, lead = f"{activity.code} {activity.title}", activity.lead
    url = reverse("plans:activity_delete", args=[activity.pk])
    assert client.post(url, form_data(client.get(url))).status_code == 302

    response = client.get(history_url(demo_draft))
    deleted = {e.object for e in entries(response) if e.action == "deleted"}
    assert {label, f"{label}: {lead.name}"} <= deleted


def test_a_new_draft_shows_everything_it_was_made_with(demo_coordinator, demo):
    adopted = PlanVersion.objects.get(plan__municipality=demo, status="adopted")
    client = signed_in(demo_coordinator)
    response = client.post(reverse("plans:version_copy", args=[adopted.pk]), {"label": "2027–2030"})
    assert response.status_code == 302
    draft = PlanVersion.objects.get(label="2027–2030")

    page = client.get(history_url(draft)).context["page"]
    first_page = list(page.object_list)
    assert {e.who for e in first_page} == {demo_coordinator}
    assert {e.action for e in first_page} == {"created"}
    expected = (
        1  # the plan the version belongs to, created with the demo
        + 1
        + draft.goals.count()
        + draft.indicators.count()
        + draft.activities.count()
        + sum(a.responsibilities.count() for a in draft.activities.all())
        + draft.statistic_assignments.count()
        + draft.text_sections.count()
    )
    assert page.paginator.count == expected > PAGE_SIZE
    second = client.get(history_url(draft), {"page": 2}).context["page"]
    assert len(second.object_list) == min(PAGE_SIZE, expected - PAGE_SIZE)


def test_the_history_of_a_version_costs_the_same_queries_at_two_sizes(
    municipality, coordinator_client
):
    versions = []
    for size, title in ((1, "Liten"), (3, "Stor")):
        actors = [make_actor(municipality, f"{title} A"), make_actor(municipality, f"{title} B")]
        version = make_plan(
            municipality, goals=size, activities_per_goal=size, actors=actors, title=title
        )
        StatisticAssignment.objects.create(
            version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actors[0]
        )
        version.change_summary = "Nya mål."
        version.save()
        # Every kind of thing the page shows is among its newest changes, at both sizes.
        text_section_save(version=version, title="Bakgrund", body="Varför planen finns.")
        version.plan.title = f"{title} plan"
        version.plan.save()
        versions.append(version)
    small, large = (history_url(v) for v in versions)
    coordinator_client.get(small)
    assert queries_for(coordinator_client, small) == queries_for(coordinator_client, large)


# Questionnaires ------------------------------------------------------------------------------


def questionnaire_data(response) -> dict:
    data = {"base": response.context["base"]}
    for form in response.context["forms"].all():
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    return data


def test_a_reporters_save_shows_on_the_questionnaire_history(demo):
    questionnaire = Questionnaire.objects.filter(
        round__version__plan__municipality=demo, status=Questionnaire.Status.NOT_STARTED
    ).first()
    reporter = make_user(
        demo, User.Role.REPORTER, username="ny-rapportor", actors=[questionnaire.actor]
    )
    client = signed_in(reporter)
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    response = client.get(url)
    data = questionnaire_data(response)
    prefix = response.context["forms"].activities[0].prefix
    data |= {f"{prefix}-status": "ongoing", f"{prefix}-participants_women": "7", "action": "save"}
    assert client.post(url, data).status_code == 302

    history = reverse("records:questionnaire_history", args=[questionnaire.pk])
    response = in_english(client).get(history)
    mine = [e for e in entries(response) if e.who == reporter]
    by_kind = {e.kind: e for e in mine}
    status = {c.field: c for c in by_kind["Answer on an activity"].changes}["Status"]
    assert (status.old, status.new) == ("", "Ongoing")
    assert by_kind["Participants"].action == "created"
    assert by_kind["Participants"].changes[0].new == "7"
    questionnaire_status = {c.field: c for c in by_kind["Questionnaire"].changes}["Status"]
    assert (questionnaire_status.old, questionnaire_status.new) == ("Not started", "Draft")
    assert "ny-rapportor" in page_text(response)

    # Saving again with a new answer only: the questionnaire was saved, its answer changed.
    response = client.get(url)
    data = questionnaire_data(response) | {f"{prefix}-status": "done", "action": "save"}
    assert client.post(url, data).status_code == 302
    newest = entries(client.get(history))
    assert {(e.kind, e.action) for e in newest[:2]} == {
        ("Questionnaire", "saved"),
        ("Answer on an activity", "changed"),
    }


def _answered(questionnaire, reporter, question):
    changes = answers_from_rows(
        questionnaire_content(questionnaire),
        activity=lambda answer, n: {"status": "done", "participants_women": 3},
        indicator=lambda answer, n: {"value": 50},
        statistic=lambda statistic: {("girls", "13-17"): 2},
        questions={question.pk: "Ja"},
    )
    questionnaire_save(questionnaire=questionnaire, user=reporter, changes=changes)


def test_the_history_of_a_questionnaire_costs_the_same_queries_at_two_sizes(
    municipality, coordinator_client
):
    urls = []
    for size, title in ((1, "Liten"), (3, "Stor")):
        actor = make_actor(municipality, f"{title} förvaltning")
        version = make_plan(
            municipality, goals=size, activities_per_goal=size, actors=[actor], title=title
        )
        StatisticAssignment.objects.create(
            version=version, statistic=Statistic.objects.get(code="honour_cases"), actor=actor
        )
        version.status = PlanVersion.Status.ADOPTED
        version.save()
        round_ = round_open(
            version=version, year=2025, opens_on=date(2026, 2, 1), deadline=date(2026, 3, 31)
        )
        question = RoundQuestion.objects.create(round=round_, text="Har ni en rutin?", kind="text")
        reporter = make_user(municipality, User.Role.REPORTER, username=title, actors=[actor])
        questionnaire = round_.questionnaires.get()
        _answered(questionnaire, reporter, question)
        urls.append(reverse("records:questionnaire_history", args=[questionnaire.pk]))
    coordinator_client.get(urls[0])
    assert queries_for(coordinator_client, urls[0]) == queries_for(coordinator_client, urls[1])


# Who may read what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.COORDINATOR, 200),
        (User.Role.ADMINISTRATOR, 200),
        (User.Role.READER, 403),
        (User.Role.REPORTER, 403),
    ],
)
def test_the_history_of_a_version_is_for_coordinators_and_administrators(demo, role, status):
    adopted = PlanVersion.objects.get(plan__municipality=demo, status="adopted")
    user = User.objects.filter(municipality=demo, role=role).first()
    assert signed_in(user).get(history_url(adopted)).status_code == status


def test_the_history_of_a_questionnaire_is_for_those_who_see_the_questionnaire(demo):
    questionnaire = Questionnaire.objects.filter(
        round__version__plan__municipality=demo, actor__reporters__isnull=False
    ).first()
    url = reverse("records:questionnaire_history", args=[questionnaire.pk])
    own_reporter = questionnaire.actor.reporters.first()
    other_reporter = (
        User.objects.filter(municipality=demo, role=User.Role.REPORTER)
        .exclude(actors=questionnaire.actor)
        .first()
    )
    answers = {
        User.objects.get(municipality=demo, role=User.Role.COORDINATOR): 200,
        own_reporter: 200,
        other_reporter: 404,
        User.objects.get(municipality=demo, role=User.Role.READER): 404,
    }
    assert {user: signed_in(user).get(url).status_code for user in answers} == answers


def test_another_municipality_gets_not_found(demo, demo_draft, other_municipality):
    stranger = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    questionnaire = Questionnaire.objects.filter(round__version__plan__municipality=demo).first()
    assert stranger.get(history_url(demo_draft)).status_code == 404
    url = reverse("records:questionnaire_history", args=[questionnaire.pk])
    assert stranger.get(url).status_code == 404


def test_terms_are_named_as_people_know_them(demo_coordinator, demo_draft):
    """National vocabulary terms appear by their translated label, not their code."""
    client = signed_in(demo_coordinator)
    activity = demo_draft.activities.order_by("code").first()
    url = reverse("plans:activity_edit", args=[activity.pk])
    universal = Term.objects.get(municipality=None, kind="prevention_level", code="universal")
    data = form_data(client.get(url)) | {"prevention_levels": [str(universal.pk)]}
    assert client.post(url, data).status_code == 302
    response = client.get(history_url(demo_draft))
    assert "Universell" in page_text(response)


# Actors ----------------------------------------------------------------------------------------


def test_the_history_of_one_actor_and_of_all_actors(municipality, coordinator, administrator):
    board = make_actor(municipality, "Socialnämnden")
    client = signed_in(coordinator)
    url = reverse("organisations:actor_edit", args=[board.pk])
    data = form_data(client.get(url)) | {"short_name": "SN"}
    assert client.post(url, data).status_code == 302
    other = make_actor(municipality, "Tillfällig grupp", kind="working_group")
    delete = reverse("organisations:actor_delete", args=[other.pk])
    revision = signed_in(administrator).get(delete).context["form"]["revision"].value()
    assert signed_in(administrator).post(delete, {"revision": revision}).status_code == 302

    one = entries(client.get(reverse("records:actor_history", args=[board.pk])))
    assert [(e.action, e.object) for e in one] == [
        ("changed", "Socialnämnden"),
        ("created", "Socialnämnden"),
    ]
    assert (one[0].who, [(c.field, c.old, c.new) for c in one[0].changes]) == (
        coordinator,
        [("Kortnamn", "", "SN")],
    )
    every = entries(client.get(reverse("records:actors_history")))
    assert (every[0].action, every[0].object, every[0].who) == (
        "deleted",
        "Tillfällig grupp",
        administrator,
    )
    # Reachable from the actors' own pages.
    assert (
        reverse("records:actors_history")
        in client.get(reverse("organisations:actor_list")).content.decode()
    )
    assert reverse("records:actor_history", args=[board.pk]) in client.get(url).content.decode()


def test_the_history_of_the_actors_costs_the_same_queries_at_two_sizes(db):
    urls = []
    for size, code in ((1, "9001"), (3, "9003")):
        municipality = make_municipality(f"Kommun {size}", code)
        parent = make_actor(municipality, "Kommunstyrelsen")
        for n in range(size):
            actor = make_actor(municipality, f"Förvaltning {n}", kind="administration")
            actor.parent = parent
            actor.save()
        client = signed_in(make_user(municipality, User.Role.COORDINATOR))
        urls.append((client, reverse("records:actors_history")))
    (small_client, url), (large_client, _url) = urls
    small_client.get(url)
    large_client.get(url)
    assert queries_for(small_client, url) == queries_for(large_client, url)


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.COORDINATOR, 200),
        (User.Role.ADMINISTRATOR, 200),
        (User.Role.READER, 403),
        (User.Role.REPORTER, 403),
    ],
)
def test_the_history_of_the_actors_is_for_those_who_read_the_trail(municipality, role, status):
    actor = make_actor(municipality, "Socialnämnden")
    client = signed_in(make_user(municipality, role, actors=[actor] if role == "reporter" else ()))
    assert client.get(reverse("records:actors_history")).status_code == status
    assert client.get(reverse("records:actor_history", args=[actor.pk])).status_code == status


def test_another_municipalitys_actors_are_neither_found_nor_listed(
    municipality, other_municipality
):
    make_actor(municipality, "Socialnämnden")
    actor = make_actor(municipality, "Polisen")
    stranger = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    assert stranger.get(reverse("records:actor_history", args=[actor.pk])).status_code == 404
    assert entries(stranger.get(reverse("records:actors_history"))) == []
