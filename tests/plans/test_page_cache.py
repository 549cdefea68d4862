"""Pages of a version that can no longer change are kept once rendered, and never show a
name that has changed since; a draft's pages are rendered afresh every time."""

import io
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse
from docx import Document as WordDocument

from organisations.models import Actor
from plans.models import Activity
from plans.services import plan_version_adopt
from tests.builders import make_actor, make_plan
from tests.conftest import main_content, queries_for, signed_in

PAGES = [
    "plans:version_by_goal",
    "plans:version_by_actor",
    "plans:version_activity_list",
    "plans:version_coverage",
]

pytestmark = pytest.mark.usefixtures("kept_pages")


def adopt(version):
    return plan_version_adopt(version=version, decided_by="KF", decision_date=date(2024, 12, 1))


@pytest.mark.parametrize("page", PAGES)
def test_an_adopted_versions_page_is_kept_and_shows_the_same(page, municipality, coordinator):
    version = adopt(make_plan(municipality, goals=2, activities_per_goal=2))
    client = signed_in(coordinator)
    url = reverse(page, args=[version.pk])
    first = main_content(client.get(url))
    fresh = queries_for(client, url)
    assert main_content(client.get(url)) == first
    cache.clear()
    assert queries_for(client, url) > fresh  # rendering again reads the plan again


@pytest.mark.parametrize("page", PAGES[:3])  # coverage names no responsible actor
def test_a_renamed_actor_shows_at_once_on_a_kept_page(page, municipality, coordinator):
    actor = make_actor(municipality, "Socialnämnden")
    version = adopt(make_plan(municipality, actors=[actor]))
    client = signed_in(coordinator)
    url = reverse(page, args=[version.pk])
    assert "Socialnämnden" in client.get(url).content.decode()
    # Even a write that leaves no trace in the audit trail.
    Actor.objects.filter(pk=actor.pk).update(name="Nämnden för vård och omsorg")
    html = client.get(url).content.decode()
    assert "Nämnden för vård och omsorg" in html and "Socialnämnden" not in html


def test_a_drafts_page_shows_each_change_at_once(municipality, coordinator):
    version = make_plan(municipality)
    client = signed_in(coordinator)
    url = reverse("plans:version_by_goal", args=[version.pk])
    client.get(url)
    Activity.objects.filter(version=version).update(title="Ny rubrik")
    assert "Ny rubrik" in client.get(url).content.decode()


def test_each_language_is_kept_apart(municipality, coordinator):
    version = adopt(make_plan(municipality))
    client = signed_in(coordinator)
    url = reverse("plans:version_by_goal", args=[version.pk])
    swedish = client.get(url).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(url).content.decode()
    assert "Tidsram" in swedish and "Timeframe" in english


def test_only_this_actor_is_kept_apart_from_the_whole_plan(municipality, coordinator):
    first = make_actor(municipality, "Socialnämnden")
    second = make_actor(municipality, "Utbildningsnämnden", kind=Actor.Kind.BOARD)
    version = adopt(make_plan(municipality, actors=[first, second]))
    client = signed_in(coordinator)
    url = reverse("plans:version_by_actor", args=[version.pk])
    whole = client.get(url).content.decode()
    only = client.get(f"{url}?actor={second.pk}").content.decode()
    section = f'id="actor-{first.pk}"'
    assert section in whole and section not in only


def test_a_corrected_decision_shows_at_once_in_a_kept_document(municipality, coordinator):
    version = adopt(make_plan(municipality))
    client = signed_in(coordinator)
    url = reverse("reports:plan_document", args=[version.pk, "short", "docx"])
    assert "KS 2024-1" not in word_text(client.get(url).content)

    version.correct_decision(user=coordinator, reason="Dnr saknades.", diary_number="KS 2024-1")

    assert "KS 2024-1" in word_text(client.get(url).content)


def word_text(content: bytes) -> str:
    return "\n".join(p.text for p in WordDocument(io.BytesIO(content)).paragraphs)
