"""The warning before the session ends, in a real browser: it comes a few minutes before the idle
limit (asking the server first), "Fortsätt vara inloggad" keeps the session, another tab's
activity counts, the absolute limit is told as such, and once the session is over the page says
so without throwing anything away. The page's clock is Playwright's, run forward; the server's
is real, so the session is aged on the server side (session_steps)."""

import re

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from plans.demo import DEMO_PASSWORD
from plans.models import Activity

from .conftest import url
from .session_steps import session_ends, session_expiry, session_left

pytestmark = pytest.mark.e2e

STAY = "Fortsätt vara inloggad"
# The page's own count: the warning is due five minutes before an hour without activity.
PAST_THE_WARNING = "56:00"


def listen(page, *events: str) -> None:
    page.evaluate(
        """(events) => { window.heard = [];
        for (const name of events) document.addEventListener(name, () => window.heard.push(name)); }""",
        list(events),
    )


def heard(page) -> list[str]:
    return page.evaluate("window.heard")


def status_requests(page) -> list[str]:
    asked = []
    page.on("request", lambda r: asked.append(r.method) if r.url.endswith("/session/") else None)
    return asked


@pytest.fixture
def signed_in_page(demo, open_page):
    page = open_page("samordnare")
    page.clock.install()
    page.goto(url("plans:version_by_goal", demo.draft))
    listen(page, "session:extended", "session:ended")
    return page


def test_the_warning_comes_before_the_idle_limit_and_staying_keeps_the_session(signed_in_page):
    page = signed_in_page
    dialog = page.locator("#session-dialog")
    expect(dialog).to_be_hidden()
    session_left(page, idle=120)

    page.clock.fast_forward(PAST_THE_WARNING)

    expect(dialog).to_be_visible()
    expect(dialog).to_have_accessible_name("Du loggas snart ut")
    expect(dialog).to_contain_text("Du har inte gjort något i tjänsten på en stund")
    assert re.search(r"loggas du ut kl\. \d\d:\d\d\.", dialog.inner_text())
    stay = dialog.get_by_role("button", name=STAY)
    expect(stay).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Logga ut")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(stay).to_be_focused()

    with page.expect_response(lambda r: r.url.endswith("/session/") and r.request.method == "POST"):
        page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    left = (session_expiry(page) - timezone.now()).total_seconds()
    assert left > settings.SESSION_COOKIE_AGE - 60
    assert heard(page) == ["session:extended"]
    expect(page.locator("h1")).to_be_visible()  # still the same page


def test_activity_in_another_tab_keeps_the_warning_away(signed_in_page):
    page = signed_in_page
    session_left(page, idle=settings.SESSION_COOKIE_AGE)  # another tab has just been used
    with page.expect_response(lambda r: r.url.endswith("/session/")):
        page.clock.fast_forward(PAST_THE_WARNING)
    page.clock.run_for(1000)
    expect(page.locator("#session-dialog")).to_be_hidden()


def test_activity_on_the_page_starts_its_count_again(signed_in_page):
    page = signed_in_page
    asked = status_requests(page)
    page.clock.fast_forward("30:00")
    # What the questionnaire's autosave says after a save the server answered.
    page.evaluate("document.dispatchEvent(new CustomEvent('session:activity'))")
    page.clock.fast_forward("26:00")
    assert asked == []  # 56 minutes after loading, but only 26 after the activity
    session_left(page, idle=120)
    with page.expect_response(lambda r: r.url.endswith("/session/")):
        page.clock.fast_forward("30:00")
    expect(page.get_by_role("button", name=STAY)).to_be_visible()


def test_near_the_absolute_limit_the_dialog_says_when_the_session_ends(signed_in_page):
    page = signed_in_page
    session_left(page, absolute=120)
    page.clock.fast_forward(PAST_THE_WARNING)
    dialog = page.locator("#session-dialog")
    expect(dialog).to_have_accessible_name("Din inloggning tar snart slut")
    assert re.search(r"loggas du ut kl\. \d\d:\d\d\. Spara", dialog.inner_text())
    expect(dialog.get_by_role("button", name=STAY)).to_have_count(0)
    expect(dialog.get_by_role("button", name="Stäng")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


def test_when_the_session_is_over_the_page_says_so_keeps_the_text_and_saves_after_signing_in(
    demo, open_page
):
    page = open_page("samordnare")
    page.clock.install()
    edit = url("plans:activity_edit", demo.activity_in_draft)
    page.goto(edit)
    listen(page, "session:extended", "session:ended")
    title = page.locator("#id_title")
    title.fill("Skrivet precis innan utloggningen")
    session_left(page, idle=120)
    page.clock.fast_forward(PAST_THE_WARNING)
    dialog = page.locator("#session-dialog")
    expect(dialog.get_by_role("button", name=STAY)).to_be_visible()

    session_ends(page)
    with page.expect_response(lambda r: r.url.endswith("/session/") and r.status == 401):
        page.clock.fast_forward("03:00")

    expect(dialog).to_have_accessible_name("Du har loggats ut")
    expect(dialog).to_contain_text("Inget på sidan har tagits bort")
    link = dialog.get_by_role("link", name="Logga in igen (öppnas i en ny flik)")
    expect(link).to_be_focused()
    expect(link).to_have_attribute("target", "_blank")
    assert heard(page) == ["session:ended"]
    expect(title).to_have_value("Skrivet precis innan utloggningen")

    # Signing in again in the new tab, then coming back: the page is signed in again and its
    # form carries the new CSRF token, so saving works.
    with page.context.expect_page() as tab:
        link.click()
    login = tab.value
    login.fill("#id_username", "samordnare")
    login.fill("#id_password", DEMO_PASSWORD)
    login.locator("main form button[type=submit]").click()
    login.wait_for_url(url("plans:home"))
    page.bring_to_front()
    with page.expect_response(lambda r: r.url.endswith("/session/") and r.status == 200):
        page.evaluate("window.dispatchEvent(new Event('focus'))")
    expect(dialog).to_be_hidden()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{url('plans:version_by_goal', demo.draft)}*")
    assert (
        Activity.objects.get(pk=demo.activity_in_draft).title == "Skrivet precis innan utloggningen"
    )
