from django.core.management import call_command
from django.urls import reverse

from followup.models import FollowUpRound, Questionnaire
from organisations.models import User
from tests.conftest import signed_in


def test_the_demo_has_an_open_round_with_questionnaires_in_every_state(db):
    call_command("load_demo", "--quiet")
    round_ = FollowUpRound.objects.get()
    assert round_.is_open
    states = set(round_.questionnaires.values_list("status", flat=True))
    assert states == {choice for choice in Questionnaire.Status.values}

    coordinator = User.objects.get(username="samordnare")
    page = signed_in(coordinator).get(reverse("followup:round_dashboard", args=[round_.pk]))
    assert page.context["dashboard"].response_rate > 0

    reporter = User.objects.get(username="rapportor.utbildning")
    mine = signed_in(reporter).get(reverse("followup:my_questionnaires"))
    assert mine.context["questionnaires"]
    call_command("load_demo", "--reset", "--quiet")
    assert FollowUpRound.objects.count() == 1
