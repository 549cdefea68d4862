import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

from organisations.models import Municipality, User
from plans.models import PlanVersion


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
