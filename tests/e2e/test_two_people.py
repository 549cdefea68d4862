"""Two people edit the same row in two browsers at once: a save from a page opened before the
other person's save is refused, says who saved and keeps what was typed; the form shows both
people's changes, and saving again keeps both (handlingskraft.revisions)."""

import pytest
from playwright.sync_api import expect

from organisations.models import Actor, Municipality, User
from plans.models import Activity
from tests.builders import make_user

from .conftest import url

pytestmark = pytest.mark.e2e

LENA = "Lena Forsberg"  # the demo's coordinator, user name samordnare


def submit(page):
    page.locator("main form[method=post]").last.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


@pytest.fixture
def bertil(demo):
    """A second coordinator in the demo municipality."""
    municipality = Municipality.objects.get(actors__pk=demo.actor)
    user = make_user(municipality, User.Role.COORDINATOR, username="bertil.berg")
    user.first_name, user.last_name = "Bertil", "Berg"
    user.save()
    return user


def test_two_coordinators_edit_one_activity(demo, bertil, open_page):
    activity = Activity.objects.get(pk=demo.activity_in_draft)
    description = activity.description
    edit = url("plans:activity_edit", activity.pk)
    lena, other = open_page("samordnare"), open_page("bertil.berg")
    lena.goto(edit)
    other.goto(edit)

    # Lena renames the activity and saves.
    lena.fill("#id_title", "Utbildning för all personal i socialtjänsten")
    submit(lena)
    expect(lena.locator(".message-success")).to_be_visible()

    # Bertil, on the page he opened before, writes a description and saves: refused.
    other.fill("#id_description", "Två halvdagar per år, med uppföljning.")
    submit(other)
    summary = other.locator("#conflict-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_contain_text(f"{LENA} sparade ändringar")
    expect(summary).to_contain_text("Ingenting har sparats")
    expect(summary.locator("a[href='#id_title']")).to_contain_text("Aktivitet")
    # He now sees Lena's title, and his description is still there.
    expect(other.locator("#id_title")).to_have_value("Utbildning för all personal i socialtjänsten")
    expect(other.locator("#id_description")).to_have_value("Två halvdagar per år, med uppföljning.")
    activity.refresh_from_db()
    assert activity.description == description  # nothing of Bertil's is written yet

    # He saves again: both changes are kept, and Lena sees them when she opens the page.
    submit(other)
    expect(other.locator(".message-success")).to_be_visible()
    lena.goto(edit)
    expect(lena.locator("#id_title")).to_have_value("Utbildning för all personal i socialtjänsten")
    expect(lena.locator("#id_description")).to_have_value("Två halvdagar per år, med uppföljning.")


def test_two_coordinators_change_the_same_field_of_an_activity(demo, bertil, open_page):
    edit = url("plans:activity_edit", demo.activity_in_draft)
    lena, other = open_page("samordnare"), open_page("bertil.berg")
    lena.goto(edit)
    other.goto(edit)
    lena.fill("#id_title", "Lenas rubrik")
    submit(lena)
    expect(lena.locator(".message-success")).to_be_visible()

    other.fill("#id_title", "Bertils rubrik")
    submit(other)

    # His own title stays in the field; Lena's is shown next to it and describes the field.
    title = other.locator("#id_title")
    expect(title).to_have_value("Bertils rubrik")
    note = other.locator("#id_title_conflict")
    expect(note).to_contain_text(f"Sparat av {LENA}: Lenas rubrik")
    assert "id_title_conflict" in (title.get_attribute("aria-describedby") or "")
    expect(other.locator("#conflict-summary")).to_contain_text("ni har båda ändrat här")

    # He keeps his own: saving again is a deliberate choice.
    submit(other)
    expect(other.locator(".message-success")).to_be_visible()
    assert Activity.objects.get(pk=demo.activity_in_draft).title == "Bertils rubrik"


def test_a_coordinator_and_an_administrator_edit_one_actor(demo, open_page):
    actor = Actor.objects.get(pk=demo.actor)
    edit = url("organisations:actor_edit", actor.pk)
    lena, admin = open_page("samordnare"), open_page("admin")
    lena.goto(edit)
    admin.goto(edit)
    lena.fill("#id_short_name", "KJ")
    submit(lena)
    expect(lena.locator(".message-success")).to_be_visible()

    admin.fill("#id_name", "Kvinno- och tjejjouren i Älvby")
    submit(admin)

    summary = admin.locator("#conflict-summary")
    expect(summary).to_contain_text(f"{LENA} sparade ändringar")
    expect(admin.locator("#id_short_name")).to_have_value("KJ")
    expect(admin.locator("#id_name")).to_have_value("Kvinno- och tjejjouren i Älvby")
    actor.refresh_from_db()
    assert actor.name == "Kvinnojouren i Älvby"
    submit(admin)
    expect(admin.locator(".message-success")).to_be_visible()
    actor.refresh_from_db()
    assert (actor.name, actor.short_name) == ("Kvinno- och tjejjouren i Älvby", "KJ")
