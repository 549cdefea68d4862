"""Correcting an open round: its deadline, message and reminders, its own questions, and one
actor's deadline. Each is safe against a second coordinator saving at the same time
(handlingskraft.revisions)."""

from datetime import date

import pytest
from django.urls import reverse

from followup.models import QuestionAnswer, Reminder, RoundQuestion
from followup.services import questionnaire_extend_deadline, round_open
from organisations.models import User
from tests.conftest import signed_in
from tests.plans.two_people import (
    both_changed,
    form_values,
    person,
    refused_then_saved,
    tampered_refused,
)

from .conftest import OPENS


@pytest.fixture
def anna(municipality):
    return person(municipality, User.Role.COORDINATOR, "anna", "Anna", "Andersson")


@pytest.fixture
def bertil(municipality):
    return person(municipality, User.Role.COORDINATOR, "bertil", "Bertil", "Berg")


@pytest.fixture
def round_(version):
    return round_open(
        version=version,
        year=2025,
        deadline=date(2026, 3, 31),
        opens_on=OPENS,
        message="Svara senast i mars.",
    )


@pytest.fixture
def question(round_):
    return RoundQuestion.objects.create(
        round=round_, text="Hur många möten tog upp planen?", kind=RoundQuestion.Kind.NUMBER
    )


# The round ------------------------------------------------------------------------------------


def test_the_round_saved_from_an_old_page_is_refused_until_saved_again(round_, anna, bertil):
    refused_then_saved(
        signed_in(anna),
        signed_in(bertil),
        reverse("followup:round_edit", args=[round_.pk]),
        ("deadline", "2026-04-15"),
        ("message", "Svara senast i april.\r\nHör av er vid frågor."),
        author="Anna Andersson",
    )


def test_reminder_days_changed_by_both_show_the_others_beside_yours(round_, anna, bertil):
    refused = both_changed(
        signed_in(anna),
        signed_in(bertil),
        reverse("followup:round_edit", args=[round_.pk]),
        "reminder_days_before",
        "14,7,1",
        "3",
        author="Anna Andersson",
    )
    assert refused.conflicts == {"reminder_days_before": "14,7,1"}


@pytest.mark.parametrize("revision", ["abc", None])
def test_the_round_saved_with_a_tampered_revision_is_refused(round_, anna, revision):
    url = reverse("followup:round_edit", args=[round_.pk])
    tampered_refused(signed_in(anna), url, "message", "Ny text.", revision)


def test_a_new_round_deadline_moves_the_questionnaires_that_had_the_old_one(round_, anna):
    school, police = (
        round_.questionnaires.get(actor__name=n) for n in ("Utbildningsförvaltningen", "Polisen")
    )
    questionnaire_extend_deadline(questionnaire=police, deadline=date(2026, 5, 31))
    Reminder.objects.create(questionnaire=school, key="before-7", recipients="skola@example.se")
    client = signed_in(anna)
    url = reverse("followup:round_edit", args=[round_.pk])

    response = client.post(url, form_values(client.get(url)) | {"deadline": "2026-04-30"})

    assert response.status_code == 302
    school.refresh_from_db()
    police.refresh_from_db()
    round_.refresh_from_db()
    assert round_.deadline == school.deadline == date(2026, 4, 30)
    assert police.deadline == date(2026, 5, 31)  # extended for the police: kept
    assert not school.reminders.exists()  # the reminders start over


def test_a_deadline_before_the_round_opened_is_refused_in_swedish(round_, anna):
    client = signed_in(anna)
    url = reverse("followup:round_edit", args=[round_.pk])
    response = client.post(url, form_values(client.get(url)) | {"deadline": "2026-01-01"})
    assert response.status_code == 200
    assert "Sista svarsdag kan inte ligga före" in response.content.decode()
    round_.refresh_from_db()
    assert round_.deadline == date(2026, 3, 31)


def test_a_closed_round_cannot_be_changed(round_, anna):
    round_.close()
    client = signed_in(anna)
    url = reverse("followup:round_edit", args=[round_.pk])
    assert client.get(url).status_code == 302
    assert client.post(url, {"deadline": "2026-04-30", "message": ""}).status_code == 302
    round_.refresh_from_db()
    assert round_.deadline == date(2026, 3, 31)


def test_the_dashboard_links_to_changing_the_round(round_, anna):
    page = signed_in(anna).get(reverse("followup:round_dashboard", args=[round_.pk]))
    assert reverse("followup:round_edit", args=[round_.pk]) in page.content.decode()


# Questions of the coordinator's own ----------------------------------------------------------


def test_a_question_saved_from_an_old_page_is_refused_until_saved_again(question, anna, bertil):
    refused_then_saved(
        signed_in(anna),
        signed_in(bertil),
        reverse("followup:round_question_edit", args=[question.pk]),
        ("text", "Hur många arbetsplatsträffar tog upp planen?"),
        ("required", "on"),
        author="Anna Andersson",
    )


def test_a_question_kind_changed_by_both_shows_the_others_by_its_label(question, anna, bertil):
    refused = both_changed(
        signed_in(anna),
        signed_in(bertil),
        reverse("followup:round_question_edit", args=[question.pk]),
        "kind",
        RoundQuestion.Kind.TEXT,
        RoundQuestion.Kind.YES_NO,
        author="Anna Andersson",
    )
    assert refused.conflicts == {"kind": "Text"}


@pytest.mark.parametrize("revision", ["text:" + "0" * 10, ""])
def test_a_question_saved_with_a_tampered_revision_is_refused(question, anna, revision):
    url = reverse("followup:round_question_edit", args=[question.pk])
    tampered_refused(signed_in(anna), url, "text", "Hur många möten?", revision)


def test_an_answered_question_can_no_longer_be_changed(question, round_, anna):
    QuestionAnswer.objects.create(
        questionnaire=round_.questionnaires.first(), question=question, value="3"
    )
    client = signed_in(anna)
    url = reverse("followup:round_question_edit", args=[question.pk])
    response = client.get(url, follow=True)
    assert "Någon har redan svarat på frågan" in response.content.decode()
    client.post(url, {"text": "Ändrad", "kind": "text"})
    question.refresh_from_db()
    assert question.text == "Hur många möten tog upp planen?"
    page = client.get(reverse("followup:round_questions", args=[round_.pk]))
    assert url not in page.content.decode()  # no link to change it


def test_the_questions_page_links_to_changing_an_unanswered_question(question, round_, anna):
    page = signed_in(anna).get(reverse("followup:round_questions", args=[round_.pk]))
    assert reverse("followup:round_question_edit", args=[question.pk]) in page.content.decode()


def test_removing_a_question_someone_changed_meanwhile_asks_again(question, round_, anna, bertil):
    questions = reverse("followup:round_questions", args=[round_.pk])
    edit = reverse("followup:round_question_edit", args=[question.pk])
    a, b = signed_in(anna), signed_in(bertil)
    (_question, removal_form) = b.get(questions).context["questions"][0]
    removal = {"delete": question.pk, "revision": removal_form["revision"].value()}
    a.post(edit, form_values(a.get(edit)) | {"text": "Hur många möten hölls?"})

    response = b.post(questions, removal)

    assert response.status_code == 200
    assert RoundQuestion.objects.filter(pk=question.pk).exists()
    assert response.context["removal"].conflicts == {"text": "Hur många möten hölls?"}
    assert "Ingenting har tagits bort." in response.content.decode()
    again = {"delete": question.pk, "revision": response.context["removal"]["revision"].value()}
    assert b.post(questions, again).status_code == 302
    assert not RoundQuestion.objects.filter(pk=question.pk).exists()


def test_questions_of_another_municipality_are_out_of_reach(question, other_municipality):
    outsider = signed_in(person(other_municipality, User.Role.COORDINATOR, "o", "O", "O"))
    url = reverse("followup:round_question_edit", args=[question.pk])
    assert outsider.get(url).status_code == 404


def test_removing_a_question_someone_already_removed_says_so(question, round_, anna):
    client = signed_in(anna)
    url = reverse("followup:round_questions", args=[round_.pk])
    data = {
        "delete": question.pk,
        "revision": client.get(url).context["questions"][0][1]["revision"].value(),
    }
    question.delete()
    response = client.post(url, data, follow=True)
    assert "Frågan var redan borttagen." in response.content.decode()
    assert client.post(url, {"delete": "abc"}).status_code == 302  # never an error page


@pytest.mark.parametrize(
    "chosen, told",
    [
        ("²", "Frågan som skulle tas bort gick inte att läsa."),
        ("-1", "Frågan som skulle tas bort gick inte att läsa."),
        ("", "Frågan som skulle tas bort gick inte att läsa."),
        ("9" * 30, "Frågan var redan borttagen."),
    ],
)
def test_removing_a_question_named_by_no_question_number_removes_nothing(
    question, round_, anna, chosen, told
):
    url = reverse("followup:round_questions", args=[round_.pk])
    response = signed_in(anna).post(url, {"delete": chosen}, follow=True)
    assert response.status_code == 200
    assert told in response.content.decode()
    assert RoundQuestion.objects.filter(pk=question.pk).exists()


# One actor's deadline ------------------------------------------------------------------------


def test_two_coordinators_extending_one_deadline_see_each_others_date(round_, anna, bertil):
    questionnaire = round_.questionnaires.get(actor__name="Polisen")
    refused = both_changed(
        signed_in(anna),
        signed_in(bertil),
        reverse("followup:questionnaire_deadline", args=[questionnaire.pk]),
        "deadline",
        "2026-04-30",
        "2026-05-15",
        author="Anna Andersson",
    )
    assert refused.conflicts == {"deadline": "30 april 2026"}


@pytest.mark.parametrize("revision", ["abc", None])
def test_a_deadline_saved_with_a_tampered_revision_is_refused(round_, anna, revision):
    questionnaire = round_.questionnaires.get(actor__name="Polisen")
    url = reverse("followup:questionnaire_deadline", args=[questionnaire.pk])
    tampered_refused(signed_in(anna), url, "deadline", "2026-06-30", revision)


def answered_by_everyone(round_, question) -> int:
    for questionnaire in round_.questionnaires.all():
        QuestionAnswer.objects.create(questionnaire=questionnaire, question=question, value="3")
    return round_.questionnaires.count()


def removal_data(client, round_) -> dict:
    (question, form) = client.get(reverse("followup:round_questions", args=[round_.pk])).context[
        "questions"
    ][0]
    return {"delete": question.pk, "revision": form["revision"].value()}


def test_removing_an_answered_question_says_how_many_answers_go_with_it(question, round_, anna):
    answers = answered_by_everyone(round_, question)
    client = signed_in(anna)
    url = reverse("followup:round_questions", args=[round_.pk])

    response = client.post(url, removal_data(client, round_))

    assert response.status_code == 200
    assert RoundQuestion.objects.filter(pk=question.pk).exists()
    html = response.content.decode()
    assert f"{answers} svar tas bort med den." in html
    assert "Det går inte att ångra" in html
    assert response.context["removal"].answer_count == answers


def test_an_answered_question_is_removed_with_its_answers_once_confirmed(question, round_, anna):
    answers = answered_by_everyone(round_, question)
    client = signed_in(anna)
    url = reverse("followup:round_questions", args=[round_.pk])
    data = removal_data(client, round_) | {"answers": str(answers)}

    assert client.post(url, data).status_code == 302

    assert not RoundQuestion.objects.filter(pk=question.pk).exists()
    assert not QuestionAnswer.objects.filter(question_id=question.pk).exists()
    # The trail keeps what was answered.
    assert QuestionAnswer.history.filter(question_id=question.pk, history_type="-").count() == 2


def test_a_confirmation_that_counted_fewer_answers_is_asked_again(question, round_, anna):
    first = round_.questionnaires.first()
    QuestionAnswer.objects.create(questionnaire=first, question=question, value="1")
    client = signed_in(anna)
    url = reverse("followup:round_questions", args=[round_.pk])
    data = removal_data(client, round_) | {"answers": "1"}
    other = round_.questionnaires.exclude(pk=first.pk).first()
    QuestionAnswer.objects.create(questionnaire=other, question=question, value="2")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "2 svar tas bort med den." in response.content.decode()
    assert RoundQuestion.objects.filter(pk=question.pk).exists()


def test_a_question_nobody_answered_is_removed_at_once(question, round_, anna):
    client = signed_in(anna)
    url = reverse("followup:round_questions", args=[round_.pk])
    assert client.post(url, removal_data(client, round_)).status_code == 302
    assert not RoundQuestion.objects.filter(pk=question.pk).exists()
