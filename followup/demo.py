"""A follow-up round in the demo municipality, with questionnaires in every state, so the
dashboard, the questionnaires and the review can be tried at once."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from organisations.models import Municipality, User
from plans.models import PlanVersion, Term

from .answers import answers_from_rows, statistic_cells
from .queries import questionnaire_content
from .services import questionnaire_save, round_open

ACCOUNTS = {
    "done": "Genomfört enligt plan. Alla berörda chefer har fått information och materialet finns på intranätet.",
    "ongoing": "Arbetet pågår. Hälften av enheterna är klara; resten planeras till våren.",
}
# Actor name -> (state, activity status); the others are left not started.
STATES = {
    "Utbildningsförvaltningen": ("submitted", "done"),
    "Polisen, lokalpolisområde Älvby": ("approved", "done"),
    "Kvinnojouren i Älvby": ("returned", "ongoing"),
    "Socialförvaltningen": ("draft", "ongoing"),
    "Individ- och familjeomsorgen": ("draft", "done"),
}


@transaction.atomic
def demo_follow_up(*, municipality: Municipality) -> None:
    version = PlanVersion.objects.get(
        plan__municipality=municipality, status=PlanVersion.Status.ADOPTED
    )
    today = timezone.localdate()
    round_ = round_open(
        version=version,
        year=today.year - 1 if today.year - 1 >= version.valid_from else version.valid_from,
        opens_on=today - timedelta(days=21),
        deadline=today + timedelta(days=14),
        message="Tack för att ni tar er tid. Beskriv kort vad ni har gjort under året, "
        "och vad som har hindrat arbetet där det inte gick som planerat.",
    )
    coordinator = User.objects.get(municipality=municipality, role=User.Role.COORDINATOR)
    reporters = {
        actor.pk: user
        for user in User.objects.filter(municipality=municipality, role=User.Role.REPORTER)
        for actor in user.actors.all()
    }
    indicated = Term.objects.get(municipality=None, kind="prevention_level", code="indicated")
    for questionnaire in round_.questionnaires.select_related("actor"):
        if questionnaire.actor.name not in STATES:
            continue
        state, status = STATES[questionnaire.actor.name]
        content = questionnaire_content(questionnaire)
        answered = 1 if state == "draft" else len(content.activity_answers)  # a draft: half done
        changes = answers_from_rows(
            content,
            activity=lambda answer, n, status=status, answered=answered: {
                "status": status,
                "what_was_done": ACCOUNTS[status],
                "levels_reached": [indicated.pk],
            }
            if n < answered
            else {},
            indicator=lambda answer, n: {"numerator": 34, "denominator": 50, "value": 68},
            # Small, plausible counts in every cell the statistic is split into.
            statistic=lambda statistic: {
                (gender, age): (3 * index + 2) % 9
                for index, (_name, gender, age) in enumerate(statistic_cells(statistic))
            },
            standard={"plan_followed_up": "partly"},
        )
        saved = questionnaire_save(
            questionnaire=questionnaire,
            user=reporters.get(questionnaire.actor_id, coordinator),
            changes=changes,
            submit=state != "draft",
        ).questionnaire
        if state == "approved":
            saved.approve(coordinator)
        elif state == "returned":
            saved.send_back(coordinator, "Kan ni lägga till hur många som deltog i utbildningarna?")
