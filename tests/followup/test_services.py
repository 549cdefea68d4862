from datetime import date

import pytest
from django.core.exceptions import ValidationError

from followup.models import Questionnaire, Reminder
from followup.services import reminder_due, reminders_send, round_open
from plans.models import PlanVersion
from plans.queries import duties_by_actor
from tests.builders import make_actor

from .conftest import OPENS, ROUND_DEADLINE, adopted_plan


def test_opening_a_round_gives_each_responsible_actor_exactly_its_own_activities(municipality):
    actors = [make_actor(municipality, f"Nämnd {i}") for i in range(4)]
    version = adopted_plan(municipality, goals=3, activities_per_goal=2, actors=actors[:3])
    make_actor(municipality, "Utan ansvar")
    round_ = round_open(version=version, year=2025, deadline=ROUND_DEADLINE, opens_on=OPENS)

    questionnaires = {q.actor: q for q in round_.questionnaires.all()}
    duties = [entry for entry in duties_by_actor(version) if entry.has_duties]
    assert set(questionnaires) == {entry.actor for entry in duties}
    for entry in duties:
        held = set(
            questionnaires[entry.actor].activity_answers.values_list("activity_id", flat=True)
        )
        assert held == {a.pk for a in entry.leads + entry.takes_part_in}
        reported = set(
            questionnaires[entry.actor].indicator_answers.values_list("indicator_id", flat=True)
        )
        assert reported == {i.pk for i in entry.reports}


def test_only_an_adopted_version_can_be_followed_up(municipality):
    version = adopted_plan(municipality)
    version.status = PlanVersion.Status.DRAFT
    version.save()
    with pytest.raises(ValidationError):
        round_open(version=version, year=2025, deadline=ROUND_DEADLINE, opens_on=OPENS)


def test_reminders_follow_the_days_before_and_after_the_deadline(version):
    round_ = round_open(version=version, year=2025, deadline=date(2026, 3, 31), opens_on=OPENS)
    questionnaire = round_.questionnaires.first()
    assert reminder_due(questionnaire, date(2026, 3, 20)) is None
    assert reminder_due(questionnaire, date(2026, 3, 24)) == "before-7"
    assert reminder_due(questionnaire, date(2026, 3, 30)) == "before-1"
    assert reminder_due(questionnaire, date(2026, 3, 31)) == "before-1"
    assert reminder_due(questionnaire, date(2026, 4, 1)) == "after-1"
    assert reminder_due(questionnaire, date(2026, 4, 20)) == "after-7"


def test_running_the_reminders_twice_sends_each_reminder_once(
    version, school_reporter, police_reporter, mailoutbox
):
    round_ = round_open(version=version, year=2025, deadline=date(2026, 3, 31), opens_on=OPENS)
    submitted = round_.questionnaires.get(actor__name="Polisen")
    submitted.status = Questionnaire.Status.SUBMITTED
    submitted.save()
    sent_to = []

    def send(questionnaire, key, recipients):
        sent_to.append((questionnaire.actor.name, key, [u.email for u in recipients]))

    today = date(2026, 3, 25)
    assert len(reminders_send(today=today, send=send)) == 1
    assert reminders_send(today=today, send=send) == []
    assert sent_to == [("Utbildningsförvaltningen", "before-7", ["skola@example.se"])]
    assert Reminder.objects.count() == 1

    # Later, the next reminder is due once more, and only once.
    reminders_send(today=date(2026, 4, 2), send=send)
    reminders_send(today=date(2026, 4, 2), send=send)
    assert [key for _actor, key, _to in sent_to] == ["before-7", "after-1"]


def test_the_reminder_command_e_mails_reporters_once(
    version, school_reporter, mailoutbox, settings
):
    from django.core.management import call_command
    from django.utils import timezone

    round_open(version=version, year=2025, deadline=timezone.localdate())
    call_command("send_reminders")
    call_command("send_reminders")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["skola@example.se"]
    assert "/questionnaires/" in mail.body
