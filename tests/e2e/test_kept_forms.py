"""A form saved with its own button after the session ended, in a real browser: the person lands
on the sign-in page, which says why, and after signing in is back on the form with what they
typed filled in again and a line saying so. Nothing is saved until they save again."""

import re

import pytest
from playwright.sync_api import expect

from followup.models import ActivityAnswer
from plans.demo import DEMO_PASSWORD
from plans.models import Activity

from .conftest import url
from .session_steps import session_ends

pytestmark = pytest.mark.e2e

SIGN_IN_LINE = "Du loggades ut eftersom du varit inaktiv en längre tid. Det du skrev finns kvar"
RESTORED_LINE = (
    "Du var utloggad när du sparade. Det du skrev har fyllts i igen – kontrollera och spara."
)


def sign_in_again(page, username: str, back_to: str) -> None:
    page.wait_for_url(re.compile(r"/accounts/login/\?next="))
    expect(page.locator(".messages")).to_contain_text(SIGN_IN_LINE)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{back_to}")


def expect_the_line_above(page, form_selector: str) -> None:
    notice = page.locator("#restored-form-notice")
    expect(notice).to_have_text(RESTORED_LINE)
    expect(notice).to_be_focused()
    assert page.evaluate(
        "(s) => document.getElementById('restored-form-notice').nextElementSibling"
        " === document.querySelector(s)",
        form_selector,
    )


def test_an_activity_saved_after_the_session_ended_is_filled_in_after_signing_in(demo, open_page):
    page = open_page("samordnare")
    edit = url("plans:activity_edit", demo.activity_in_draft)
    page.goto(edit)
    before = Activity.objects.get(pk=demo.activity_in_draft)
    page.fill("#id_title", "Ny rubrik skriven före utloggningen")
    page.fill("#id_description", "Två rader\nbeskrivning.")
    level = page.locator("#id_prevention_levels_0")
    was_ticked = level.is_checked()
    level.set_checked(not was_ticked)
    page.select_option("#id_lead", label="Utbildningsförvaltningen")

    session_ends(page)
    page.get_by_role("button", name="Spara").click()
    sign_in_again(page, "samordnare", edit)

    expect(page.locator("#id_title")).to_have_value("Ny rubrik skriven före utloggningen")
    expect(page.locator("#id_description")).to_have_value("Två rader\nbeskrivning.")
    expect(level).to_be_checked(checked=not was_ticked)
    expect(page.locator("#id_lead option:checked")).to_have_text("Utbildningsförvaltningen")
    expect_the_line_above(page, "main form[method=post]")
    assert Activity.objects.get(pk=demo.activity_in_draft).title == before.title

    page.get_by_role("button", name="Spara").click()
    page.wait_for_url(f"{url('plans:version_by_goal', demo.draft)}*")
    saved = Activity.objects.get(pk=demo.activity_in_draft)
    assert saved.title == "Ny rubrik skriven före utloggningen"
    assert saved.lead.name == "Utbildningsförvaltningen"
    # Used once: the page shows the saved activity the next time.
    page.goto(edit)
    expect(page.locator("#restored-form-notice")).to_have_count(0)


def test_a_questionnaire_saved_after_the_session_ended_is_filled_in_after_signing_in(
    demo, open_page
):
    page = open_page("rapportor.social")
    questionnaire = url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"])
    page.goto(questionnaire)
    account = page.locator("textarea[name$='-what_was_done']").first
    text = "Alla handläggare har gått grundutbildningen om våld i nära relationer."

    session_ends(page)
    account.fill(text)
    page.locator("button[name=action][value=save]").click()  # before the autosave's pause is up
    sign_in_again(page, "rapportor.social", questionnaire)

    expect(account).to_have_value(text)
    expect_the_line_above(page, "#questionnaire-form")
    assert not ActivityAnswer.objects.filter(what_was_done=text).exists()
