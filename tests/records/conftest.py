import copy
import re
from datetime import date

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from followup.services import round_open
from organisations.models import Actor, Municipality, User
from plans.models import PlanVersion
from records.backup import municipality_backup
from reports.services import report_publish
from tests.builders import make_actor, make_plan, make_user
from tests.reports.conftest import answer_round


@pytest.fixture
def demo(db) -> Municipality:
    """The demo municipality: an adopted plan, a draft revision, and an open follow-up round
    with questionnaires in every state."""
    call_command("load_demo", "--quiet")
    return Municipality.objects.get(code="2999")


@pytest.fixture
def demo_coordinator(demo) -> User:
    return User.objects.get(municipality=demo, role=User.Role.COORDINATOR)


@pytest.fixture
def demo_draft(demo) -> PlanVersion:
    return PlanVersion.objects.get(plan__municipality=demo, status=PlanVersion.Status.DRAFT)


def page_text(response) -> str:
    """The main content of a page as a person reads it: tags gone, whitespace collapsed."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def entries(response) -> list:
    return list(response.context["page"].object_list)


def in_english(client: Client) -> Client:
    """The person chose English from the language menu."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


DATA_APPS = ("organisations", "plans", "stats", "followup", "reports", "records")


def database_counts() -> dict[str, int]:
    """Rows in every table a restore writes to, history and many-to-many tables too."""
    return {
        model._meta.label: model.objects.count()
        for app in DATA_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def small_backup(municipality) -> dict:
    """A municipality with two actors, three users, an adopted plan, an answered round and a
    published report, as a backup."""
    social = make_actor(municipality, "Socialnämnden")
    police = make_actor(municipality, "Polisen", kind=Actor.Kind.EXTERNAL)
    version = make_plan(municipality, goals=2, activities_per_goal=2, actors=[social, police])
    version.status = PlanVersion.Status.ADOPTED
    version.save()
    round_ = round_open(
        version=version, year=2025, deadline=date(2026, 3, 31), opens_on=date(2026, 2, 1)
    )
    answer_round(round_)
    coordinator = make_user(municipality, User.Role.COORDINATOR, username="samordnare")
    for user, email in [
        (coordinator, "samordnare@testby.se"),
        (make_user(municipality, User.Role.REPORTER, "polis", [police]), "polis@testby.se"),
        (make_user(municipality, User.Role.READER, "läsare"), ""),
    ]:
        user.email = email
        user.save()
    report_publish(round_=round_, user=coordinator)
    return municipality_backup(municipality=municipality)


def elsewhere(data: dict) -> dict:
    """The backup as if of another municipality: its own code, user names and addresses, so
    that it restores into the database that holds the original."""
    data = copy.deepcopy(data)
    data["municipality"]["code"] = "9990"
    for user in data["users"]:
        user["username"] += "-2"
        user["email"] = user["email"].replace("@", "-2@")
    return data
