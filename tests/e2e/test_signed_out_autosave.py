"""The questionnaire's autosave after the session has ended, in a real browser: the page says
the person is signed out, keeps what was typed, and saves it once they have signed in again."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from followup.models import ActivityAnswer
from plans.demo import DEMO_PASSWORD

from .conftest import url

pytestmark = pytest.mark.e2e

TEXT = "Vi har utbildat all personal i att ställa frågor om våld."


def test_autosave_after_the_session_ended_keeps_the_text_and_saves_after_signing_in(
    demo, open_page
):
    page = open_page("rapportor.social")
    page.goto(url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"]))
    field = page.locator("textarea[name$='-what_was_done']").first

    # The session ends on the server while the page is open.
    (cookie,) = [c for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME]
    Session.objects.filter(session_key=cookie["value"]).delete()

    with page.expect_response(lambda r: r.status == 401):
        field.fill(TEXT)
    status = page.locator("#save-status")
    expect(status).to_contain_text("du har blivit utloggad")
    expect(status.locator("a[target=_blank]")).to_have_text("Logga in igen (öppnas i en ny flik)")
    expect(page.locator("h1")).to_be_visible()  # still the questionnaire, not the sign-in page
    expect(field).to_have_value(TEXT)
    assert not ActivityAnswer.objects.filter(what_was_done=TEXT).exists()

    # A deliberate save now would lose the text to the sign-in page: the page holds it back.
    page.locator("button[name=action][value=save]").click()
    expect(field).to_have_value(TEXT)
    assert "/login/" not in page.url

    # Signing in again in another tab, then coming back, saves what is on the page.
    with page.context.expect_page() as tab:
        status.locator("a[target=_blank]").click()
    login = tab.value
    login.fill("#id_username", "rapportor.social")
    login.fill("#id_password", DEMO_PASSWORD)
    login.locator("main form button[type=submit]").click()
    login.wait_for_url(url("plans:home"))
    page.bring_to_front()
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(status).to_have_attribute("data-state", "saved", timeout=15_000)
    expect(field).to_have_value(TEXT)
    assert ActivityAnswer.objects.filter(what_was_done=TEXT).exists()
