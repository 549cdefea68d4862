import pytest
from django.urls import reverse

from organisations.models import Actor, User
from plans.models import Activity, Goal, Indicator, PlanVersion, Responsibility
from tests.builders import make_actor, make_plan, make_user, term
from tests.conftest import queries_for, signed_in
from tests.plans.two_people import form_values, revision_of

LIST_PAGES = [
    "plans:version_overview",
    "plans:version_by_goal",
    "plans:version_by_actor",
    "plans:version_activity_list",
    "plans:version_coverage",
]


def plan_of_size(municipality, size: int) -> PlanVersion:
    actors = [make_actor(municipality, f"Aktör {size}-{i}") for i in range(size)]
    actors.append(make_actor(municipality, f"Polisen {size}", kind=Actor.Kind.EXTERNAL))
    return make_plan(
        municipality, goals=size, activities_per_goal=size, actors=actors, title=f"Plan {size}"
    )


@pytest.mark.parametrize("page", LIST_PAGES)
def test_plan_pages_make_the_same_number_of_queries_at_two_sizes(page, municipality, coordinator):
    client = signed_in(coordinator)
    small, large = plan_of_size(municipality, 1), plan_of_size(municipality, 3)
    sub = Goal.objects.create(version=large, parent=large.goals.first(), code="1.9", title="Delmål")
    Activity.objects.create(version=large, goal=sub, code="9.9", title="Djup", continuous=True)

    client.get(reverse(page, args=[small.pk]))  # warm up the session
    assert queries_for(client, reverse(page, args=[small.pk])) == queries_for(
        client, reverse(page, args=[large.pk])
    )


def test_home_lists_plans_with_a_constant_number_of_queries(municipality, coordinator):
    client = signed_in(coordinator)
    plan_of_size(municipality, 1)
    client.get(reverse("plans:home"))
    one = queries_for(client, reverse("plans:home"))
    plan_of_size(municipality, 2)
    plan_of_size(municipality, 3)
    assert queries_for(client, reverse("plans:home")) == one
    assert len(client.get(reverse("plans:home")).context["plans"]) == 3


def test_plan_by_goal_shows_conditions_indicators_and_lead_and_co_actors(
    municipality, coordinator_client
):
    lead = make_actor(municipality, "Utbildningsnämnden")
    partner = make_actor(municipality, "Kvinnojouren", kind=Actor.Kind.EXTERNAL)
    version = make_plan(municipality, actors=[lead, partner])
    html = coordinator_client.get(reverse("plans:version_by_goal", args=[version.pk])).content
    html = html.decode()
    assert "Kunskap finns" in html and "Rutiner finns" in html
    assert "Andel personal som gått utbildning 1" in html
    assert '<span class="lead-actor">Utbildningsnämnden</span>' in html
    assert ", Kvinnojouren" in html


def test_plan_by_actor_lists_what_each_actor_leads_and_takes_part_in(
    municipality, coordinator_client
):
    lead = make_actor(municipality, "Utbildningsnämnden")
    partner = make_actor(municipality, "Kvinnojouren", kind=Actor.Kind.EXTERNAL)
    idle = make_actor(municipality, "Kulturnämnden")
    version = make_plan(municipality, goals=2, actors=[lead, partner])
    response = coordinator_client.get(reverse("plans:version_by_actor", args=[version.pk]))
    duties = {entry.actor: entry for entry in response.context["with_duties"]}
    assert [a.code for a in duties[lead].leads] == ["1.1", "2.1"]
    assert duties[lead].takes_part_in == []
    assert [a.code for a in duties[partner].takes_part_in] == ["1.1", "2.1"]
    assert response.context["without_duties"] == [idle]

    one = coordinator_client.get(
        reverse("plans:version_by_actor", args=[version.pk]), {"actor": partner.pk}
    )
    assert [entry.actor for entry in one.context["with_duties"]] == [partner]


def test_coverage_counts_areas_by_level_and_finds_gaps(municipality, coordinator_client):
    lead = make_actor(municipality, "Socialnämnden")
    idle = make_actor(municipality, "Kulturnämnden")
    version = make_plan(municipality, goals=2, actors=[lead])
    empty_goal = Goal.objects.create(version=version, code="3", title="Tomt mål")
    orphan = Activity.objects.create(
        version=version,
        goal=version.goals.get(code="1"),
        code="1.9",
        title="Utan ledare",
        start_year=2025,
    )
    orphan.prevention_levels.set([term("prevention_level", "indicated")])
    orphan.violence_areas.set([term("violence_area", "honour")])

    coverage = coordinator_client.get(reverse("plans:version_coverage", args=[version.pk])).context[
        "coverage"
    ]
    honour = next(row for row in coverage.areas if row.area.code == "honour")
    levels = [level.code for level in coverage.levels]
    assert honour.per_level[levels.index("universal")] == 2
    assert honour.per_level[levels.index("indicated")] == 1
    assert honour.total == 3
    assert coverage.actors_without_activities == [idle]
    assert coverage.activities_without_lead == [orphan]
    assert coverage.goals_without_indicators == [empty_goal]
    assert coverage.goals_without_activities == [empty_goal]
    staff = dict((group.code, count) for group, count in coverage.groups)
    assert staff["staff"] == 2 and staff["public"] == 0


def test_activity_list_is_in_goal_order_with_lead_marked(municipality, coordinator_client):
    version = make_plan(municipality, goals=2, activities_per_goal=2)
    response = coordinator_client.get(reverse("plans:version_activity_list", args=[version.pk]))
    assert [a.code for a in response.context["activities"]] == ["1.1", "1.2", "2.1", "2.2"]
    assert '<strong class="lead-actor">Socialnämnden</strong>' in response.content.decode()


def test_coordinator_writes_an_activity_with_one_lead_and_co_actors(
    municipality, coordinator_client
):
    lead = make_actor(municipality, "Socialnämnden")
    co = make_actor(municipality, "Polisen", kind=Actor.Kind.EXTERNAL)
    version = make_plan(municipality, actors=[lead])
    goal = version.goals.get()
    response = coordinator_client.post(
        reverse("plans:activity_create", args=[version.pk]),
        {
            "goal": goal.pk,
            "code": "",
            "title": "Utbilda skolpersonal om hedersrelaterat våld",
            "start_year": 2026,
            "end_year": 2027,
            "prevention_levels": [term("prevention_level", "selective").pk],
            "lead": lead.pk,
            "co_actors": [co.pk],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title__startswith="Utbilda skolpersonal")
    assert activity.code == "1.2"  # next free number under goal 1
    assert activity.lead == lead and activity.co_actors == [co]
    assert activity.position == 2


def test_activity_form_keeps_input_and_explains_errors(municipality, coordinator_client):
    lead = make_actor(municipality, "Socialnämnden")
    version = make_plan(municipality, actors=[lead])
    before = Activity.objects.count()
    response = coordinator_client.post(
        reverse("plans:activity_create", args=[version.pk]),
        {
            "goal": version.goals.get().pk,
            "title": "Samtal med 19850312-1234 om stöd",
            "start_year": 2031,
            "lead": lead.pk,
            "co_actors": [lead.pk],
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) >= {"co_actors", "start_year"}
    assert "Samtal med 19850312-1234" in response.content.decode()  # input kept
    assert Activity.objects.count() == before


def test_free_text_refuses_a_personal_identity_number(municipality, coordinator_client):
    version = make_plan(municipality)
    goal = version.goals.get()
    response = coordinator_client.post(
        reverse("plans:goal_edit", args=[goal.pk]),
        {"code": goal.code, "title": goal.title, "description": "Gäller 850312-1234."},
    )
    assert response.status_code == 200
    assert "description" in response.context["form"].errors
    goal.refresh_from_db()
    assert goal.description == ""


def test_goal_tree_can_be_written_and_reordered(municipality, coordinator_client):
    version = make_plan(municipality, goals=2)
    first, second = version.goals.order_by("position")
    coordinator_client.post(
        reverse("plans:goal_create", args=[version.pk]),
        {"parent": first.pk, "title": "Delmål", "conditions": "Ett\nTvå"},
    )
    child = Goal.objects.get(title="Delmål")
    assert child.parent == first and child.code == "1.1"
    assert child.condition_list == ["Ett", "Två"]

    coordinator_client.post(reverse("plans:goal_move", args=[second.pk]), {"direction": "up"})
    assert list(version.goals.filter(parent=None).order_by("position")) == [second, first]


def test_goal_cannot_become_its_own_descendant(municipality, coordinator_client):
    version = make_plan(municipality)
    parent = version.goals.get()
    child = Goal.objects.create(version=version, parent=parent, code="1.1", title="Barn")
    response = coordinator_client.post(
        reverse("plans:goal_edit", args=[parent.pk]),
        {"parent": child.pk, "code": "1", "title": parent.title},
    )
    assert "parent" in response.context["form"].errors


def test_indicator_share_must_lie_between_0_and_100(municipality, coordinator_client):
    version = make_plan(municipality)
    response = coordinator_client.post(
        reverse("plans:indicator_create", args=[version.pk]),
        {
            "goal": version.goals.get().pk,
            "title": "Andel skolor med plan",
            "unit": Indicator.Unit.SHARE,
            "direction": Indicator.Direction.INCREASE,
            "baseline_value": "140",
            "source": Indicator.Source.KOLADA,
        },
    )
    errors = response.context["form"].errors
    assert "baseline_value" in errors and "kolada_kpi" in errors


def test_adopted_version_is_read_only(municipality, coordinator_client):
    version = make_plan(municipality)
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    goal = version.goals.get()
    response = coordinator_client.post(
        reverse("plans:goal_edit", args=[goal.pk]), {"code": "1", "title": "Ändrad"}
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.title == "Mål 1"
    response = coordinator_client.post(reverse("plans:goal_delete", args=[goal.pk]))
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_adopting_records_the_decision_and_supersedes_the_old_version(
    municipality, coordinator_client
):
    old = make_plan(municipality)
    adopt = reverse("plans:version_adopt", args=[old.pk])
    coordinator_client.post(
        adopt,
        {
            "decided_by": "Kommunfullmäktige",
            "decision_date": "2025-02-10",
            "decision_paragraph": "§ 12",
            "diary_number": "KS 2024-1",
            "revision": revision_of(coordinator_client, adopt),
        },
    )
    old.refresh_from_db()
    assert old.status == PlanVersion.Status.ADOPTED and old.decision_paragraph == "§ 12"

    response = coordinator_client.post(
        reverse("plans:version_copy", args=[old.pk]), {"label": "2.0"}
    )
    new = PlanVersion.objects.get(label="2.0")
    assert response.url == reverse("plans:version_overview", args=[new.pk])
    adopt = reverse("plans:version_adopt", args=[new.pk])
    coordinator_client.post(
        adopt,
        {
            "decided_by": "Kommunfullmäktige",
            "decision_date": "2026-02-10",
            "revision": revision_of(coordinator_client, adopt),
        },
    )
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, new.status) == ("superseded", "adopted")


def test_a_version_with_an_activity_without_lead_cannot_be_adopted(
    municipality, coordinator_client
):
    version = make_plan(municipality)
    Responsibility.objects.filter(activity__version=version).delete()
    response = coordinator_client.post(
        reverse("plans:version_adopt", args=[version.pk]),
        {"decided_by": "Kommunfullmäktige", "decision_date": "2025-02-10"},
    )
    assert response.status_code == 200
    assert response.context["problems"]
    version.refresh_from_db()
    assert version.status == PlanVersion.Status.DRAFT


def test_readers_do_not_see_drafts_and_cannot_write(municipality, reader_client):
    version = make_plan(municipality)
    assert reader_client.get(reverse("plans:version_by_goal", args=[version.pk])).status_code == 404
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    assert reader_client.get(reverse("plans:version_by_goal", args=[version.pk])).status_code == 200
    response = reader_client.post(
        reverse("plans:goal_create", args=[version.pk]), {"title": "Nytt"}
    )
    assert response.status_code == 403


def test_another_municipality_cannot_see_the_plan(municipality, other_municipality):
    version = make_plan(municipality)
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    for page in LIST_PAGES:
        assert outsider.get(reverse(page, args=[version.pk])).status_code == 404
    goal = version.goals.get()
    assert outsider.get(reverse("plans:goal_edit", args=[goal.pk])).status_code == 404


def test_every_page_requires_sign_in(client, municipality):
    version = make_plan(municipality)
    response = client.get(reverse("plans:version_by_goal", args=[version.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_municipality_can_add_its_own_vocabulary_term(municipality, coordinator_client):
    response = coordinator_client.post(
        reverse("plans:term_create"), {"kind": "violence_area", "name": "Digitalt våld"}
    )
    assert response.status_code == 302
    version = make_plan(municipality)
    form = coordinator_client.get(reverse("plans:activity_create", args=[version.pk])).context[
        "form"
    ]
    names = [str(t) for t in form.fields["violence_areas"].queryset]
    assert "Digitalt våld" in names
    again = coordinator_client.post(
        reverse("plans:term_create"), {"kind": "violence_area", "name": "digitalt våld"}
    )
    assert "name" in again.context["form"].errors
    refused = coordinator_client.post(
        reverse("plans:term_create"), {"kind": "prevention_level", "name": "Fjärde nivån"}
    )
    assert "kind" in refused.context["form"].errors


@pytest.mark.parametrize("page", [*LIST_PAGES, "reports:version_documents"])
def test_every_page_of_a_draft_says_it_is_a_draft(page, municipality, coordinator_client):
    draft = make_plan(municipality)
    html = coordinator_client.get(reverse(page, args=[draft.pk])).content.decode()
    assert '<span class="badge badge-draft">Utkast</span>' in html


def test_an_activity_saved_with_an_id_no_row_can_have_is_refused_and_unchanged(
    municipality, coordinator_client
):
    activity = Activity.objects.get(version=make_plan(municipality))
    url = reverse("plans:activity_edit", args=[activity.pk])
    data = form_values(coordinator_client.get(url))
    response = coordinator_client.post(
        url, data | {"title": "Nytt namn", "co_actors": [str(2**63)]}
    )
    assert response.status_code == 200
    assert "co_actors" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.title == "Aktivitet 1.1"


@pytest.mark.parametrize("direction", ["sideways", "", "UP", "up\x00"])
def test_a_move_in_no_known_direction_moves_nothing_and_says_so(
    municipality, coordinator_client, direction
):
    version = make_plan(municipality, goals=2)
    first, second = version.goals.order_by("position")
    response = coordinator_client.post(
        reverse("plans:goal_move", args=[first.pk]), {"direction": direction}, follow=True
    )
    assert list(version.goals.order_by("position")) == [first, second]
    assert "Ingenting flyttades" in response.content.decode()


@pytest.mark.parametrize("page", ["plans:plan_create", "plans:version_copy", "plans:term_create"])
def test_a_form_sent_empty_says_what_is_missing(municipality, coordinator_client, page):
    version = make_plan(municipality)
    url = reverse(page, args=[version.pk] if page == "plans:version_copy" else [])
    before = PlanVersion.objects.count()
    response = coordinator_client.post(url, {})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert PlanVersion.objects.count() == before
