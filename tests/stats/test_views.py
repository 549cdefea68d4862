import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from organisations.models import User
from plans.models import PlanVersion
from stats.catalogue import NATIONAL_STATISTICS
from stats.models import Statistic, StatisticAssignment
from stats.services import statistic_assignments_set, statistic_create
from tests.builders import make_actor, make_plan, make_user
from tests.conftest import queries_for, signed_in


def own_statistic(municipality, name: str = "Ärenden om våld mot äldre", **kw) -> Statistic:
    return statistic_create(municipality=municipality, name=name, **kw)


def national(code: str) -> Statistic:
    return Statistic.objects.get(municipality=None, code=code)


def adopt(version: PlanVersion) -> PlanVersion:
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    return version


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# The catalogue ---------------------------------------------------------------------------


def test_catalogue_lists_the_seven_national_statistics_with_translated_labels(
    municipality, reader_client
):
    response = reader_client.get(reverse("stats:statistic_list"))
    assert response.status_code == 200
    codes = [entry.statistic.code for entry in response.context["national"]]
    assert codes == list(NATIONAL_STATISTICS)
    html = response.content.decode()
    with translation.override(settings.LANGUAGE_CODE):
        for label, definition, _gender, _age in NATIONAL_STATISTICS.values():
            assert escape(str(label)) in html
            assert escape(str(definition)) in html


def test_catalogue_shows_national_labels_in_english_when_chosen(municipality, reader_client):
    reader_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = reader_client.get(reverse("stats:statistic_list")).content.decode()
    assert "Travel bans applied for" in html
    assert "Applications for a travel ban (utreseförbud) made during the year." in html
    # The stored Swedish name is not what a national statistic is shown as.
    assert "Ansökningar om utreseförbud" not in html


def test_catalogue_shows_how_each_statistic_is_split(municipality, reader_client):
    own_statistic(municipality, "Samtal till stödlinjen", by_gender=False, by_age=False)
    reader_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = reader_client.get(reverse("stats:statistic_list"))
    html = response.content.decode()
    assert [entry.statistic.name for entry in response.context["own"]] == ["Samtal till stödlinjen"]
    assert "Not split" in html
    assert "Gender and age band" in html  # e.g. travel bans
    assert "Other or non-binary" in html and "65+" in html


def test_coordinator_adds_an_own_statistic(municipality, coordinator_client):
    response = coordinator_client.post(
        reverse("stats:statistic_create"),
        {
            "name": "Ärenden om våld mot äldre",
            "definition": "Utredningar som inletts under året.",
            "by_gender": "on",
        },
    )
    assert response.status_code == 302
    statistic = Statistic.objects.get(municipality=municipality)
    assert statistic.code == "arenden-om-vald-mot-aldre"
    assert (statistic.by_gender, statistic.by_age) == (True, False)
    listed = coordinator_client.get(reverse("stats:statistic_list")).context["own"]
    assert [entry.definition for entry in listed] == ["Utredningar som inletts under året."]


def test_own_codes_stay_unique_when_names_slugify_alike(municipality, coordinator_client):
    own_statistic(municipality, "Ärenden")
    coordinator_client.post(reverse("stats:statistic_create"), {"name": "Arenden!"})
    assert sorted(
        Statistic.objects.filter(municipality=municipality).values_list("code", flat=True)
    ) == [
        "arenden",
        "arenden-2",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "ansökningar om UTRESEFÖRBUD",  # the stored Swedish name of a national statistic
        "travel bans applied for",  # its English label
        "ärenden om våld mot äldre",  # an own statistic, in other case
    ],
)
def test_duplicate_names_are_refused(name, municipality, coordinator_client):
    own_statistic(municipality)
    response = coordinator_client.post(reverse("stats:statistic_create"), {"name": name})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert Statistic.objects.filter(municipality=municipality).count() == 1


def test_coordinator_edits_an_own_statistic_and_keeps_its_code(municipality, coordinator_client):
    statistic = own_statistic(municipality)
    response = coordinator_client.post(
        reverse("stats:statistic_edit", args=[statistic.pk]),
        {"name": "Ärenden om våld mot äldre personer", "definition": "Under året."},
    )
    assert response.status_code == 302
    statistic.refresh_from_db()
    assert statistic.name == "Ärenden om våld mot äldre personer"
    assert statistic.code == "arenden-om-vald-mot-aldre"
    assert (statistic.by_gender, statistic.by_age) == (False, False)


def test_saving_an_own_statistic_under_its_own_name_is_not_a_duplicate(
    municipality, coordinator_client
):
    statistic = own_statistic(municipality)
    response = coordinator_client.post(
        reverse("stats:statistic_edit", args=[statistic.pk]), {"name": statistic.name}
    )
    assert response.status_code == 302


def test_definition_refuses_a_personal_identity_number(municipality, coordinator_client):
    response = coordinator_client.post(
        reverse("stats:statistic_create"),
        {"name": "Ärenden", "definition": "Till exempel 19850312-1234."},
    )
    assert "definition" in response.context["form"].errors
    assert not Statistic.objects.filter(municipality=municipality).exists()


@pytest.mark.parametrize("page", ["stats:statistic_edit", "stats:statistic_delete"])
def test_national_statistics_cannot_be_edited_or_deleted(page, municipality, coordinator_client):
    statistic = national("travel_bans")
    assert coordinator_client.get(reverse(page, args=[statistic.pk])).status_code == 404
    response = coordinator_client.post(reverse(page, args=[statistic.pk]), {"name": "Nytt namn"})
    assert response.status_code == 404
    assert Statistic.objects.filter(pk=statistic.pk, name="Ansökningar om utreseförbud").exists()


@pytest.mark.parametrize("role", [User.Role.READER, User.Role.REPORTER, User.Role.ADMINISTRATOR])
def test_only_coordinators_add_edit_or_delete_statistics(role, municipality, actor):
    client = signed_in(make_user(municipality, role, actors=[actor]))
    statistic = own_statistic(municipality)
    assert client.get(reverse("stats:statistic_list")).status_code == 200
    assert client.get(reverse("stats:statistic_create")).status_code == 403
    assert client.post(reverse("stats:statistic_create"), {"name": "Nytt"}).status_code == 403
    assert client.post(reverse("stats:statistic_edit", args=[statistic.pk])).status_code == 403
    assert client.post(reverse("stats:statistic_delete", args=[statistic.pk])).status_code == 403
    assert list(Statistic.objects.filter(municipality=municipality)) == [statistic]


def test_another_municipality_neither_sees_nor_changes_own_statistics(
    municipality, other_municipality
):
    statistic = own_statistic(municipality)
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    listed = outsider.get(reverse("stats:statistic_list"))
    assert listed.context["own"] == []
    assert statistic.name not in listed.content.decode()
    for page in ("stats:statistic_edit", "stats:statistic_delete"):
        assert outsider.get(reverse(page, args=[statistic.pk])).status_code == 404
        assert outsider.post(reverse(page, args=[statistic.pk]), {"name": "X"}).status_code == 404
    statistic.refresh_from_db()
    assert statistic.name == "Ärenden om våld mot äldre"


def test_an_unassigned_own_statistic_is_deleted(municipality, coordinator_client):
    statistic = own_statistic(municipality)
    response = coordinator_client.post(
        reverse("stats:statistic_delete", args=[statistic.pk]), follow=True
    )
    assert response.status_code == 200
    assert not Statistic.objects.filter(pk=statistic.pk).exists()


def test_deleting_an_assigned_statistic_is_refused_with_a_message(
    municipality, actor, coordinator_client
):
    statistic = own_statistic(municipality)
    version = make_plan(municipality, actors=[actor])
    statistic_assignments_set(version=version, assignments={statistic: [actor]})

    page = coordinator_client.get(reverse("stats:statistic_delete", args=[statistic.pk]))
    assert page.context["versions"] == [version]
    assert 'class="danger"' not in page.content.decode()  # no delete button offered

    response = coordinator_client.post(
        reverse("stats:statistic_delete", args=[statistic.pk]), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("stats:statistic_list")
    assert Statistic.objects.filter(pk=statistic.pk).exists()
    [message] = messages_of(response)
    assert statistic.name in message


def test_catalogue_makes_the_same_number_of_queries_whatever_its_size(
    municipality, coordinator_client
):
    url = reverse("stats:statistic_list")
    own_statistic(municipality, "Egen 1")
    coordinator_client.get(url)  # warm up the session
    few = queries_for(coordinator_client, url)
    for i in range(2, 6):
        own_statistic(municipality, f"Egen {i}")
    assert queries_for(coordinator_client, url) == few


# Who reports what in a version -------------------------------------------------------------


def test_everyone_who_reads_the_version_sees_who_reports_what(municipality, actor, reader_client):
    partner = make_actor(municipality, "Polisen")
    version = make_plan(municipality, actors=[actor, partner])
    statistic_assignments_set(
        version=version, assignments={national("travel_bans"): [partner, actor]}
    )
    adopt(version)
    response = reader_client.get(reverse("stats:version_statistics", args=[version.pk]))
    assert response.status_code == 200
    rows = {row.statistic.code: row.actors for row in response.context["rows"]}
    assert rows["travel_bans"] == [partner, actor]  # by name: Polisen, Socialnämnden
    assert rows["honour_cases"] == []
    assert response.context["form"] is None
    assert '<form method="post" novalidate' not in response.content.decode()


def test_readers_do_not_see_a_drafts_assignments(municipality, reader_client):
    version = make_plan(municipality)
    url = reverse("stats:version_statistics", args=[version.pk])
    assert reader_client.get(url).status_code == 404


def test_coordinator_saves_assignments_on_a_draft(municipality, actor, coordinator_client):
    partner = make_actor(municipality, "Polisen")
    own = own_statistic(municipality)
    version = make_plan(municipality, actors=[actor])
    statistic_assignments_set(version=version, assignments={national("honour_cases"): [actor]})
    url = reverse("stats:version_statistics", args=[version.pk])

    page = coordinator_client.get(url)
    form = page.context["form"]
    assert form[f"statistic_{national('honour_cases').pk}"].initial == [actor.pk]
    assert "<legend>" in page.content.decode()

    response = coordinator_client.post(
        url,
        {
            f"statistic_{national('travel_bans').pk}": [actor.pk, partner.pk],
            f"statistic_{own.pk}": [partner.pk],
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == url
    saved = set(
        StatisticAssignment.objects.filter(version=version).values_list(
            "statistic__code", "actor__name"
        )
    )
    # honour_cases was unticked, so it is no longer reported by anyone.
    assert saved == {
        ("travel_bans", "Socialnämnden"),
        ("travel_bans", "Polisen"),
        (own.code, "Polisen"),
    }


def test_an_unknown_actor_is_refused_and_nothing_is_saved(
    municipality, other_municipality, actor, coordinator_client
):
    foreign = make_actor(other_municipality, "Främmande nämnd")
    version = make_plan(municipality, actors=[actor])
    field = f"statistic_{national('travel_bans').pk}"
    response = coordinator_client.post(
        reverse("stats:version_statistics", args=[version.pk]), {field: [actor.pk, foreign.pk]}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not StatisticAssignment.objects.filter(version=version).exists()


def test_assignments_of_an_adopted_version_cannot_be_changed(
    municipality, actor, coordinator_client
):
    version = make_plan(municipality, actors=[actor])
    statistic_assignments_set(version=version, assignments={national("travel_bans"): [actor]})
    adopt(version)
    url = reverse("stats:version_statistics", args=[version.pk])
    assert coordinator_client.get(url).context["form"] is None

    response = coordinator_client.post(
        url, {f"statistic_{national('honour_cases').pk}": [actor.pk]}, follow=True
    )
    assert response.redirect_chain[-1][0] == url
    assert len(messages_of(response)) == 1
    assert list(
        StatisticAssignment.objects.filter(version=version).values_list(
            "statistic__code", flat=True
        )
    ) == ["travel_bans"]


@pytest.mark.parametrize("role", [User.Role.READER, User.Role.REPORTER, User.Role.ADMINISTRATOR])
def test_only_coordinators_change_assignments(role, municipality, actor):
    version = adopt(make_plan(municipality, actors=[actor]))
    client = signed_in(make_user(municipality, role, actors=[actor]))
    url = reverse("stats:version_statistics", args=[version.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {f"statistic_{national('travel_bans').pk}": [actor.pk]})
    assert response.status_code == 403
    assert not StatisticAssignment.objects.filter(version=version).exists()


def test_another_municipality_gets_404_on_a_versions_assignments(
    municipality, other_municipality, actor
):
    version = make_plan(municipality, actors=[actor])
    outsider = signed_in(make_user(other_municipality, User.Role.COORDINATOR))
    url = reverse("stats:version_statistics", args=[version.pk])
    assert outsider.get(url).status_code == 404
    response = outsider.post(url, {f"statistic_{national('travel_bans').pk}": [actor.pk]})
    assert response.status_code == 404
    assert not StatisticAssignment.objects.filter(version=version).exists()


def version_with_assignments(municipality, size: int) -> PlanVersion:
    actors = [make_actor(municipality, f"Aktör {size}-{i}") for i in range(size)]
    version = make_plan(municipality, actors=actors, title=f"Plan {size}")
    own = [own_statistic(municipality, f"Egen {size}-{i}") for i in range(size)]
    statistics = list(Statistic.objects.filter(municipality=None)[:size]) + own
    statistic_assignments_set(
        version=version, assignments={statistic: actors for statistic in statistics}
    )
    return version


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.READER])
def test_assignments_page_makes_the_same_number_of_queries_at_two_sizes(role, municipality):
    client = signed_in(make_user(municipality, role))
    # A reader sees adopted versions only; a coordinator on a draft also gets the form.
    finish = adopt if role == User.Role.READER else (lambda version: version)
    small = finish(version_with_assignments(municipality, 1))
    small_url = reverse("stats:version_statistics", args=[small.pk])
    client.get(small_url)  # warm up the session
    few = queries_for(client, small_url)

    large = finish(version_with_assignments(municipality, 3))
    large_url = reverse("stats:version_statistics", args=[large.pk])
    assert queries_for(client, large_url) == few
    response = client.get(large_url)
    assert sum(len(row.actors) for row in response.context["rows"]) == 6 * 3
    assert (response.context["form"] is not None) == (role == User.Role.COORDINATOR)


def test_a_statistic_sent_empty_says_what_is_missing(municipality, coordinator_client):
    before = Statistic.objects.count()
    response = coordinator_client.post(reverse("stats:statistic_create"), {})
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert Statistic.objects.count() == before
