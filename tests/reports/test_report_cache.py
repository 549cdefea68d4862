"""The coordinator's view of a round's report is kept once drawn, and drawn again as soon as
anything in it changes."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse

from followup.models import FollowUpRound
from followup.services import questionnaire_extend_deadline
from organisations.models import User
from reports.queries import report_stamp
from tests.conftest import main_content, queries_for

from .conftest import demo_completed_round, signed_in

pytestmark = pytest.mark.usefixtures("kept_pages")


@pytest.fixture
def round_(db) -> FollowUpRound:
    return demo_completed_round()


def test_the_report_is_drawn_once_and_then_read_as_kept(round_):
    client = signed_in(User.objects.get(username="samordnare"))
    url = reverse("reports:round_report", args=[round_.pk])
    first = main_content(client.get(url))
    kept = queries_for(client, url)
    assert main_content(client.get(url)) == first
    cache.clear()
    assert queries_for(client, url) > kept


def test_approving_a_questionnaire_changes_the_report_stamp(round_):
    before = report_stamp(round_)
    questionnaire = round_.questionnaires.filter(status="submitted").first()
    questionnaire.approve(None)
    assert report_stamp(round_) != before


def test_a_moved_deadline_and_a_renamed_actor_change_the_stamp(round_):
    first = report_stamp(round_)
    questionnaire = round_.questionnaires.first()
    questionnaire_extend_deadline(
        questionnaire=questionnaire, deadline=questionnaire.deadline + timedelta(days=7)
    )
    second = report_stamp(round_)
    assert second != first
    actor = questionnaire.actor
    actor.name = "Ett nytt namn"
    actor.save()
    assert report_stamp(round_) != second
    assert "Ett nytt namn" in main_content(
        signed_in(User.objects.get(username="samordnare")).get(
            reverse("reports:round_report", args=[round_.pk])
        )
    )


def test_nothing_changed_gives_the_same_stamp(round_):
    assert report_stamp(round_) == report_stamp(FollowUpRound.objects.get(pk=round_.pk))


def test_an_adopted_versions_plan_document_is_drawn_once_until_its_plan_is_renamed(db):
    from datetime import date

    from plans.models import Plan
    from plans.services import plan_version_adopt
    from tests.builders import make_municipality, make_plan, make_user

    municipality = make_municipality("Kommunby", "9990")
    version = plan_version_adopt(
        version=make_plan(municipality), decided_by="KF", decision_date=date(2024, 12, 1)
    )
    client = signed_in(make_user(municipality, User.Role.READER))
    url = reverse("reports:plan_document", args=[version.pk, "plan", "docx"])
    first = client.get(url).content
    drawn = queries_for(client, url)
    cache.clear()
    assert queries_for(client, url) > drawn  # drawing it reads the whole plan
    assert client.get(url).content == first
    Plan.objects.filter(pk=version.plan_id).update(title="Ett nytt namn på planen")
    assert client.get(url).content != first
