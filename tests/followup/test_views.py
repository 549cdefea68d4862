from datetime import date

import pytest
from django.urls import reverse

from followup.models import ActivityAnswer, Questionnaire, StatisticCount
from followup.services import round_open
from organisations.models import Actor, User
from stats.models import Statistic, StatisticAssignment
from tests.builders import make_actor, make_user
from tests.conftest import confirm, queries_for, signed_in
from tests.plans.two_people import revision_of

from .conftest import OPENS, adopted_plan


def page_values(response) -> dict:
    """What a browser would send back from the questionnaire page as it stands."""
    data = {"base": response.context["base"]}
    for form in response.context["forms"].all():
        for field in form:
            value = field.value()
            if value is None:
                continue
            data[field.html_name] = value
    return data


def fill_everything(data: dict, response) -> dict:
    """Complete answers for every item on the page."""
    forms = response.context["forms"]
    for form in forms.activities:
        data[f"{form.prefix}-status"] = "done"
        data[f"{form.prefix}-what_was_done"] = "Utbildning för all personal genomförd."
        data[f"{form.prefix}-participants_women"] = "12"
    for form in forms.indicators:
        data[f"{form.prefix}-numerator"] = "30"
        data[f"{form.prefix}-denominator"] = "40"
    for form in forms.statistics:
        for name in form.fields:
            data[f"{form.prefix}-{name}"] = "0"
    data["std-plan_followed_up"] = "partly"
    return data


@pytest.fixture
def round_(version):
    return round_open(version=version, year=2025, deadline=date(2026, 12, 31), opens_on=OPENS)


def questionnaire_of(round_, name) -> Questionnaire:
    return round_.questionnaires.get(actor__name=name)


def test_questionnaire_flow_from_answers_to_approval(
    round_, school_reporter, police_reporter, coordinator
):
    school = signed_in(school_reporter)
    police = signed_in(police_reporter)
    coordinator_client = signed_in(coordinator)
    school_q = questionnaire_of(round_, "Utbildningsförvaltningen")
    police_q = questionnaire_of(round_, "Polisen")
    school_url = reverse("followup:questionnaire", args=[school_q.pk])
    police_url = reverse("followup:questionnaire", args=[police_q.pk])
    dashboard_url = reverse("followup:round_dashboard", args=[round_.pk])

    def states():
        rows = coordinator_client.get(dashboard_url).context["dashboard"].rows
        return {row.questionnaire.actor.name: row.questionnaire.status for row in rows}

    assert states() == {"Utbildningsförvaltningen": "not_started", "Polisen": "not_started"}

    # Both reporters answer; the school submits everything, the police saves a draft.
    response = school.get(school_url)
    data = fill_everything(page_values(response), response)
    data["action"] = "submit"
    assert school.post(school_url, data).status_code == 302
    response = police.get(police_url)
    data = page_values(response)
    data[f"{response.context['forms'].activities[0].prefix}-status"] = "ongoing"
    data["action"] = "save"
    police.post(police_url, data)
    assert states() == {"Utbildningsförvaltningen": "submitted", "Polisen": "draft"}

    # A submitted questionnaire is locked for the reporter.
    response = school.get(school_url)
    assert response.context["editable"] is False
    school.post(school_url, {**page_values(response), "action": "save"})
    assert Questionnaire.objects.get(pk=school_q.pk).status == "submitted"

    # The coordinator returns it with a comment; the reporter sees it, completes, resubmits.
    coordinator_client.post(
        reverse("followup:questionnaire_return", args=[school_q.pk]),
        {"comment": "Beskriv gärna hur många skolor som deltog."},
    )
    assert states()["Utbildningsförvaltningen"] == "returned"
    response = school.get(school_url)
    assert "Beskriv gärna hur många skolor som deltog." in response.content.decode()
    data = page_values(response)
    first = response.context["forms"].activities[0].prefix
    data[f"{first}-what_was_done"] = "Utbildning i alla nio skolor."
    data["action"] = "submit"
    school.post(school_url, data)
    assert states()["Utbildningsförvaltningen"] == "submitted"

    coordinator_client.post(reverse("followup:questionnaire_approve", args=[school_q.pk]))
    assert states() == {"Utbildningsförvaltningen": "approved", "Polisen": "draft"}
    answer = ActivityAnswer.objects.get(questionnaire=school_q, activity__code="1.1")
    assert answer.what_was_done == "Utbildning i alla nio skolor."
    assert answer.participants.get(gender="women").count == 12
    assert StatisticCount.objects.filter(questionnaire=school_q).count() > 0
    dashboard = coordinator_client.get(dashboard_url).context["dashboard"]
    assert dashboard.response_rate == 50


def test_co_responsible_accounts_are_shown_side_by_side_to_the_coordinator(
    round_, school_reporter, police_reporter, coordinator
):
    police_q = questionnaire_of(round_, "Polisen")
    police = signed_in(police_reporter)
    url = reverse("followup:questionnaire", args=[police_q.pk])
    response = police.get(url)
    data = page_values(response)
    data[f"{response.context['forms'].activities[0].prefix}-what_was_done"] = (
        "Polisen deltog i två samråd."
    )
    data["action"] = "save"
    police.post(url, data)

    school_q = questionnaire_of(round_, "Utbildningsförvaltningen")
    page = signed_in(coordinator).get(reverse("followup:questionnaire", args=[school_q.pk]))
    assert "Polisen deltog i två samråd." in page.content.decode()


def test_two_people_changing_the_same_answer_are_shown_both_and_the_second_chooses(
    round_, school_reporter, municipality, school
):
    colleague = make_user(municipality, User.Role.REPORTER, username="kollega", actors=[school])
    first, second = signed_in(school_reporter), signed_in(colleague)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    page_first, page_second = first.get(url), second.get(url)
    prefix = page_first.context["forms"].activities[0].prefix

    data = page_values(page_first)
    data[f"{prefix}-what_was_done"] = "Första personens text."
    data["action"] = "save"
    assert first.post(url, data).status_code == 302

    data = page_values(page_second)
    data[f"{prefix}-what_was_done"] = "Andra personens text."
    data[f"{prefix}-next_step"] = "Andra personens nästa steg."
    data["action"] = "save"
    refused = second.post(url, data)
    assert refused.status_code == 200
    html = refused.content.decode()
    (conflict,) = refused.context["conflicts"]
    assert conflict["theirs"] == "Första personens text."
    assert conflict["mine"] == "Andra personens text."
    assert "Första personens text." in html and "Andra personens text." in html
    answer = ActivityAnswer.objects.get(questionnaire=questionnaire, activity__code="1.1")
    assert answer.what_was_done == "Första personens text."
    assert answer.next_step == "Andra personens nästa steg."  # not in dispute: saved

    # Having seen both, saving the page again is a deliberate choice and goes through.
    assert second.post(url, {**page_values(refused), "action": "save"}).status_code == 302
    answer.refresh_from_db()
    assert answer.what_was_done == "Andra personens text."


def test_a_save_from_an_older_page_keeps_what_only_the_other_person_changed(
    round_, school_reporter, municipality, school
):
    colleague = make_user(municipality, User.Role.REPORTER, username="kollega", actors=[school])
    first, second = signed_in(school_reporter), signed_in(colleague)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    page_first, page_second = first.get(url), second.get(url)
    activity = page_first.context["forms"].activities[0].prefix
    indicator = page_first.context["forms"].indicators[0].prefix

    data = page_values(page_first)
    data[f"{activity}-what_was_done"] = "A:s text."
    data[f"{indicator}-value"] = "68,5"
    assert first.post(url, {**data, "action": "save"}).status_code == 302

    # B's page still shows the old values of A's fields: saving it must not put them back.
    data = page_values(page_second)
    data[f"{activity}-status"] = "ongoing"
    assert second.post(url, {**data, "action": "save"}).status_code == 302
    answer = ActivityAnswer.objects.get(questionnaire=questionnaire, activity__code="1.1")
    assert (answer.what_was_done, answer.status) == ("A:s text.", "ongoing")
    assert str(questionnaire.indicator_answers.get().value) == "68.50"


def test_autosave_sends_only_the_changed_field_and_hears_what_it_now_holds(
    round_, school_reporter
):
    client = signed_in(school_reporter)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    response = client.get(url)
    name = f"{response.context['forms'].activities[0].prefix}-what_was_done"
    saved = client.post(
        url,
        {
            "base": response.context["base"],
            "changed": name,
            name: "Skrivet nyss.",
        },
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    answer = saved.json()
    assert answer["state"] == "saved" and answer["written"] == 1
    assert list(answer["base"]) == [name]
    questionnaire.refresh_from_db()
    assert questionnaire.status == "draft" and questionnaire.revision == 1
    assert questionnaire.activity_answers.get(activity__code="1.1").what_was_done == (
        "Skrivet nyss."
    )


def test_submitting_lists_every_missing_item_at_once(round_, school_reporter):
    client = signed_in(school_reporter)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    data = page_values(client.get(url))
    data["action"] = "submit"
    response = client.post(url, data)
    missing = response.context["missing"]
    # Two activities, one indicator, one statistic, the standard question.
    assert len(missing) == 5
    questionnaire.refresh_from_db()
    assert questionnaire.status == "not_started"


@pytest.mark.parametrize(
    "field, value",
    [
        ("statistic", "-3"),
        ("statistic", "tolv"),
        ("participants", "-1"),
        ("indicator_value", "120"),
        ("numerator", "50"),
        ("year", "2019"),
        ("text", "Gäller 19850312-1234."),
    ],
)
def test_bad_input_is_refused_next_to_the_field_and_the_rest_is_kept(
    round_, school_reporter, field, value
):
    client = signed_in(school_reporter)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    response = client.get(url)
    forms = response.context["forms"]
    activity, indicator, statistic = forms.activities[0], forms.indicators[0], forms.statistics[0]
    data = page_values(response)
    data[f"{activity.prefix}-next_step"] = "Fortsätta nästa år."
    data[f"{indicator.prefix}-denominator"] = "40"
    names = {
        "statistic": f"{statistic.prefix}-{next(iter(statistic.fields))}",
        "participants": f"{activity.prefix}-participants_men",
        "indicator_value": f"{indicator.prefix}-value",
        "numerator": f"{indicator.prefix}-numerator",
        "year": f"{indicator.prefix}-year",
        "text": f"{activity.prefix}-what_was_done",
    }
    data[names[field]] = value
    data["action"] = "save"
    refused = client.post(url, data)

    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'class="error"' in html  # the message stands at the field
    (error,) = refused.context["errors"]
    assert error["id"] in html and error["item"]  # named, and linked to
    assert value in html or field == "text"  # the refused value is still in its field
    assert "Fortsätta nästa år." in html  # what else was typed is still there …
    answer = questionnaire.activity_answers.get(activity__code="1.1")
    assert answer.next_step == "Fortsätta nästa år."  # … and saved


def test_a_closed_round_is_read_only(round_, school_reporter, coordinator):
    confirm(signed_in(coordinator), reverse("followup:round_close", args=[round_.pk]))
    client = signed_in(school_reporter)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    response = client.get(url)
    assert response.context["editable"] is False
    client.post(url, {**page_values(response), "action": "save"})
    questionnaire.refresh_from_db()
    assert questionnaire.revision == 0


def test_reporters_see_only_their_own_actors_questionnaires(
    round_, school_reporter, reader, coordinator
):
    police_q = questionnaire_of(round_, "Polisen")
    url = reverse("followup:questionnaire", args=[police_q.pk])
    assert signed_in(school_reporter).get(url).status_code == 404
    assert signed_in(reader).get(url).status_code == 404
    assert signed_in(coordinator).get(url).status_code == 200
    mine = signed_in(school_reporter).get(reverse("followup:my_questionnaires"))
    assert [q.actor.name for q in mine.context["questionnaires"]] == ["Utbildningsförvaltningen"]


def test_extending_a_deadline_for_one_actor(round_, coordinator):
    questionnaire = questionnaire_of(round_, "Polisen")
    client = signed_in(coordinator)
    url = reverse("followup:questionnaire_deadline", args=[questionnaire.pk])
    client.post(url, {"deadline": "2027-01-31", "revision": revision_of(client, url)})
    questionnaire.refresh_from_db()
    assert questionnaire.deadline == date(2027, 1, 31)
    assert questionnaire_of(round_, "Utbildningsförvaltningen").deadline == date(2026, 12, 31)


def test_dashboard_exports_the_status_list_to_excel(round_, coordinator):
    from io import BytesIO

    from openpyxl import load_workbook

    response = signed_in(coordinator).get(reverse("followup:round_export", args=[round_.pk]))
    sheet = load_workbook(BytesIO(response.content)).active
    actors = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert actors == ["Polisen", "Utbildningsförvaltningen"]


def test_coordinator_adds_a_question_of_their_own(round_, coordinator, school_reporter):
    client = signed_in(coordinator)
    client.post(
        reverse("followup:round_questions", args=[round_.pk]),
        {
            "text": "Hur många arbetsplatsträffar tog upp planen?",
            "kind": "number",
            "required": "on",
        },
    )
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    page = signed_in(school_reporter).get(
        reverse("followup:questionnaire", args=[questionnaire.pk])
    )
    assert "Hur många arbetsplatsträffar tog upp planen?" in page.content.decode()


def _round_of_size(municipality, size: int):
    actors = [
        make_actor(municipality, f"Aktör {size}-{i}", kind=Actor.Kind.ADMINISTRATION)
        for i in range(size)
    ]
    version = adopted_plan(municipality, goals=size, activities_per_goal=size, actors=actors)
    for statistic in Statistic.objects.all()[:size]:
        StatisticAssignment.objects.create(version=version, statistic=statistic, actor=actors[0])
    round_ = round_open(version=version, year=2025, deadline=date(2026, 12, 31), opens_on=OPENS)
    return round_, actors[0]


def test_questionnaire_and_dashboard_make_the_same_queries_at_two_sizes(municipality, coordinator):
    small_round, small_actor = _round_of_size(municipality, 1)
    large_round, large_actor = _round_of_size(municipality, 3)
    reporter = make_user(
        municipality, User.Role.REPORTER, username="r", actors=[small_actor, large_actor]
    )
    client = signed_in(reporter)
    urls = [
        reverse("followup:questionnaire", args=[r.questionnaires.get(actor=a).pk])
        for r, a in ((small_round, small_actor), (large_round, large_actor))
    ]
    client.get(urls[0])
    assert queries_for(client, urls[0]) == queries_for(client, urls[1])

    coordinator_client = signed_in(coordinator)
    dashboards = [
        reverse("followup:round_dashboard", args=[r.pk]) for r in (small_round, large_round)
    ]
    coordinator_client.get(dashboards[0])
    assert queries_for(coordinator_client, dashboards[0]) == queries_for(
        coordinator_client, dashboards[1]
    )
    reviews = [u for u in urls]
    coordinator_client.get(reviews[0])
    assert queries_for(coordinator_client, reviews[0]) == queries_for(
        coordinator_client, reviews[1]
    )


def test_autosave_after_someone_else_saved_the_same_field_asks_until_the_person_chooses(
    round_, school_reporter, municipality, school
):
    colleague = make_user(municipality, User.Role.REPORTER, username="kollega2", actors=[school])
    mine, theirs = signed_in(school_reporter), signed_in(colleague)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    my_page = mine.get(url)
    name = f"{my_page.context['forms'].activities[0].prefix}-what_was_done"

    their_data = page_values(theirs.get(url))
    their_data[name] = "Kollegans text."
    theirs.post(url, {**their_data, "action": "save"})

    mine_sent = {"base": my_page.context["base"], "changed": name, name: "Min text."}
    for _attempt in range(2):
        answer = mine.post(url, mine_sent, HTTP_HX_REQUEST="true").json()
        assert answer["state"] == "problems" and not answer["base"]
        (conflict,) = answer["conflicts"]
        assert (conflict["theirs"], conflict["mine"]) == ("Kollegans text.", "Min text.")
        assert answer["conflict_by"] == str(colleague)
    stored = ActivityAnswer.objects.get(questionnaire=questionnaire, activity__code="1.1")
    assert stored.what_was_done == "Kollegans text."

    # "Keep my answer": the page now sends the other person's digest as its base.
    base = my_page.context["base"].replace(
        next(p for p in my_page.context["base"].split(";") if p.startswith(name + ":")),
        f"{name}:{conflict['theirs_digest']}",
    )
    answer = mine.post(url, {**mine_sent, "base": base}, HTTP_HX_REQUEST="true").json()
    assert answer["state"] == "saved"
    stored.refresh_from_db()
    assert stored.what_was_done == "Min text."


def test_a_field_sent_unchanged_from_an_older_page_comes_back_as_it_is_stored(
    round_, school_reporter, municipality, school
):
    colleague = make_user(municipality, User.Role.REPORTER, username="kollega3", actors=[school])
    mine, theirs = signed_in(school_reporter), signed_in(colleague)
    questionnaire = questionnaire_of(round_, "Utbildningsförvaltningen")
    url = reverse("followup:questionnaire", args=[questionnaire.pk])
    my_page = mine.get(url)
    name = f"{my_page.context['forms'].activities[0].prefix}-what_was_done"
    theirs.post(url, {**page_values(theirs.get(url)), name: "Kollegans.", "action": "save"})

    # My page sends the field as it was drawn (a form filled in again, say): nothing is
    # written, and the page is told what the field holds.
    answer = mine.post(
        url, {"base": my_page.context["base"], "changed": name, name: ""}, HTTP_HX_REQUEST="true"
    ).json()
    assert answer["state"] == "saved" and answer["written"] == 0
    assert answer["updates"][name]["values"] == ["Kollegans."]


def test_a_round_sent_empty_says_what_is_missing_and_opens_nothing(version, coordinator):
    response = signed_in(coordinator).post(
        reverse("followup:round_create", args=[version.pk]), {}
    )
    assert response.status_code == 200
    assert "Detta fält måste fyllas i." in response.content.decode()
    assert not version.rounds.exists()
