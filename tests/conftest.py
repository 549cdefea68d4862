import re
from collections import Counter

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from organisations.models import User

from .builders import make_actor, make_municipality, make_user


@pytest.fixture
def municipality(db):
    return make_municipality()


@pytest.fixture
def other_municipality(db):
    return make_municipality("Annanstad", "9998")


@pytest.fixture
def actor(municipality):
    return make_actor(municipality, "Socialnämnden")


@pytest.fixture
def coordinator(municipality):
    return make_user(municipality, User.Role.COORDINATOR)


@pytest.fixture
def reader(municipality):
    return make_user(municipality, User.Role.READER)


@pytest.fixture
def administrator(municipality):
    return make_user(municipality, User.Role.ADMINISTRATOR)


@pytest.fixture
def reporter(municipality, actor):
    return make_user(municipality, User.Role.REPORTER, actors=[actor])


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def coordinator_client(coordinator):
    return signed_in(coordinator)


@pytest.fixture
def reader_client(reader):
    return signed_in(reader)


def queries_for(client: Client, url: str) -> int:
    """How many database queries one successful GET of a page makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


@pytest.fixture
def kept_pages():
    """The suite runs without a cache; tests of what is kept run with the one production
    uses, empty at the start."""
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        cache.clear()
        yield


def main_content(response) -> str:
    """A page's main content, without the fresh token each form carries."""
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def confirm(client: Client, url: str, data: dict | None = None):
    """Open a confirmation page and press its button: POST what its form holds as drawn
    (the revision it carries, a prefilled date), with `data` on top."""
    form = client.get(url).context["form"]
    drawn = {name: form[name].value() for name in form.fields}
    drawn = {name: value for name, value in drawn.items() if value is not None}
    return client.post(url, {**drawn, **(data or {})})


def pytest_terminal_summary(terminalreporter):
    """How many hostile posts the fuzz test (tests/security/test_fuzz.py) tried, for the record;
    the numbers travel from the workers with each test's report."""
    totals = Counter()
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for name, value in getattr(report, "user_properties", ()):
                if name.startswith("fuzz_"):
                    totals[name] += value
    if totals:
        terminalreporter.write_line(
            f"Fuzz test: {totals['fuzz_posts']} hostile posts to {totals['fuzz_urls']} URLs, "
            f"{totals['fuzz_refused']} of them refused; {totals['fuzz_pages']} pages opened "
            "with hostile query strings."
        )
