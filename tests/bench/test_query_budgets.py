"""Every main page makes the same number of queries for a small municipality as for the
biggest municipality of a national dataset: the cost of a page must not grow with the data.

The national set here is reduced (a few municipalities, the first of them a big city with ten
years of rounds) so the suite stays quick; CI runs it on SQLite and PostgreSQL."""

import pytest
from django.db import transaction

from bench.generate import generate, generate_national
from bench.pages import main_pages
from tests.conftest import queries_for, signed_in


@pytest.fixture(scope="module")
def two_sizes(django_db_setup, django_db_blocker):
    """(small municipality, biggest municipality of a reduced national set), generated once
    for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        small = generate(size="small", seed=11)
        national = generate_national(seed=11, count=4)
        yield small, national[0]
        transaction.set_rollback(True)


PAGES = [
    "Plan by goal",
    "Plan by actor",
    "Activity list",
    "Coverage",
    "Round dashboard",
    "A questionnaire",
    "Report web page",
]


@pytest.mark.parametrize("page", PAGES)
def test_a_main_page_makes_the_same_number_of_queries_at_small_and_national_size(
    two_sizes, page, db
):
    counts = []
    for municipality in two_sizes:
        pages = {name: (path, user) for name, path, user in main_pages(municipality)}
        path, user = pages[page]
        client = signed_in(user)
        client.get(path)  # the first request may fill per-process caches
        counts.append(queries_for(client, path))
    small, national = counts
    assert small == national, f"{page}: {small} queries when small, {national} when national"


def test_the_pages_measured_are_the_main_pages(two_sizes, db):
    assert [name for name, _path, _user in main_pages(two_sizes[0])] == PAGES
