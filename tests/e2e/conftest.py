"""Real-browser tests: Playwright drives Debian's chromium against pytest-django's live server.

One browser for the whole session; each test gets the demo municipality loaded afresh (the live
server needs committed data, so these tests are transactional and the database is emptied after
each; `django_db_serialized_rollback` brings back the national vocabularies and statistics the
migrations put there). On SQLite the loaded demo is copied once and restored for
each test. Select or skip them with `-m e2e` / `-m "not e2e"`.
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from followup.models import FollowUpRound
from organisations.models import Actor, User
from plans.models import Activity, Goal, Indicator, PlanVersion
from reports.services import report_publish
from stats.models import Statistic

CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
NARROW = {"width": 320, "height": 800}  # WCAG 1.4.10: 1280 px at 400 % zoom


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Playwright's sync API leaves an asyncio loop registered as running on this thread. Django
    # then takes the test's code for async code: its guard against blocking calls would refuse
    # the queries the tests make between steps, and it would hand out new database connections
    # (kept per async context) instead of the ones the live server shares and the test
    # database was set up on. Allow the calls, and keep using the same connections.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    originals = {alias: connections[alias] for alias in connections}
    with sync_playwright() as playwright:
        for alias, connection in originals.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Demo:
    """The demo municipality with the objects the tests visit, as primary keys."""

    adopted: int
    draft: int
    plan: int
    round: int
    goal_in_draft: int
    activity_in_draft: int
    indicator_in_draft: int
    own_statistic: int
    actor: int
    questionnaires: dict[str, int]  # actor name -> questionnaire
    published_report: int


# On SQLite (the test database lives in memory), the demo as loaded for the first test of this
# process, copied page by page with SQLite's backup API: loading it again for each test took
# about eight seconds (validation, history, the published report), restoring the copy well
# under one. PostgreSQL runs no browser tests (`make test-postgres` selects "not e2e").
_demo_snapshot: dict = {}


@pytest.fixture
def demo(live_server, django_db_serialized_rollback) -> Demo:
    from django.db import connection

    if connection.vendor == "sqlite" and _demo_snapshot:
        connection.ensure_connection()
        _demo_snapshot["copy"].backup(connection.connection)
        return _demo_snapshot["demo"]
    loaded = _load_demo()
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        _demo_snapshot.update(copy=copy, demo=loaded)
    return loaded


def _load_demo() -> Demo:
    call_command("load_demo", "--quiet")
    adopted = PlanVersion.objects.get(status=PlanVersion.Status.ADOPTED)
    draft = PlanVersion.objects.get(status=PlanVersion.Status.DRAFT)
    round_ = FollowUpRound.objects.get(version=adopted)
    report = report_publish(round_=round_, user=User.objects.get(username="samordnare"))
    return Demo(
        adopted=adopted.pk,
        draft=draft.pk,
        plan=adopted.plan_id,
        round=round_.pk,
        goal_in_draft=Goal.objects.filter(version=draft, children=None).order_by("code").last().pk,
        activity_in_draft=Activity.objects.filter(version=draft).order_by("code").first().pk,
        indicator_in_draft=Indicator.objects.filter(version=draft).order_by("code").first().pk,
        own_statistic=Statistic.objects.get(municipality=adopted.plan.municipality).pk,
        actor=Actor.objects.get(name="Kvinnojouren i Älvby").pk,
        questionnaires={q.actor.name: q.pk for q in round_.questionnaires.select_related("actor")},
        published_report=report.pk,
    )


@pytest.fixture
def open_page(browser, live_server):
    """open_page(username or None) -> a new page in its own browser context, signed in as the
    user (through a session made on the server side: the sign-in form has a test of its own)."""
    contexts = []

    def open_page(username: str | None = None, viewport: dict = DESKTOP):
        context = browser.new_context(
            base_url=live_server.url, locale="sv-SE", viewport=viewport, reduced_motion="reduce"
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        if username:
            client = Client()
            client.force_login(User.objects.get(username=username))
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def tab_to(page, selector: str, limit: int = 150) -> None:
    """Press Tab until the element matching the selector has the focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{selector} cannot be reached with Tab")
