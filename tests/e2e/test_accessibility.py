"""WCAG 2.1 AA in a real browser: every page, for every role, passes axe-core; the pages are in
Swedish, reflow at 320 px, show where the keyboard focus is, and the activity form can be filled
and sent with the keyboard alone."""

from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from followup.models import QuestionAnswer, RoundQuestion
from organisations.models import User
from organisations.services import password_link
from plans.demo import DEMO_PASSWORD
from plans.models import Activity, Goal

from .conftest import DESKTOP, NARROW, tab_to, url
from .session_steps import session_ends, session_left

pytestmark = pytest.mark.e2e

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}
AXE_NARROW_OPTIONS = {
    "runOnly": {"type": "rule", "values": ["scrollable-region-focusable"]},
    "resultTypes": ["violations"],
}
AXE_SCRIPT = Axe().axe_script


def run_axe(page, options: dict) -> list[dict]:
    """axe-core's violations on the page as it is now (injected once per page load)."""
    if page.evaluate("typeof window.axe === 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    return page.evaluate("(options) => axe.run(document, options)", options)["violations"]


# The demo's users, by the role they play here.
USERS = {
    "anonymous": None,
    "reader": "lasare",
    "reporter": "rapportor.social",  # Socialförvaltningen (a draft) and IFO
    "reporter_locked": "rapportor.utbildning",  # Utbildningsförvaltningen (submitted)
    "coordinator_plan": "samordnare",
    "coordinator_forms": "samordnare",
    "coordinator_followup": "samordnare",
    "administrator": "admin",
}


def submit_empty(page):
    page.locator("main form[method=post]").last.locator("button[type=submit]").last.click()
    page.wait_for_load_state()


def submit_questionnaire(page):
    page.locator("button[name=action][value=submit]").click()
    page.wait_for_load_state()


def clear_and_submit(page):
    page.fill("#id_deadline", "")
    submit_empty(page)


def upload_a_bad_file(page):
    page.set_input_files(
        "#id_file", files=[{"name": "plan.json", "mimeType": "application/json", "buffer": b"{}"}]
    )
    submit_empty(page)


def correct_the_decision(page):
    """Correct the adopted version's diary number: the overview then lists the correction."""
    page.fill("#id_diary_number", "KS 2024-999")
    page.fill("#id_reason", "Fel diarienummer i protokollet.")
    submit_empty(page)
    expect(page.locator(".decision-corrections")).to_be_visible()


def type_a_wrong_address(page):
    page.fill("#id_email", "inte-en-adress")
    submit_empty(page)


def refused_token(page):
    """Send the page's form without the CSRF cookie, as a browser that blocks cookies does
    (or one whose page was open so long that the token changed): the CSRF failure page."""
    if page.locator("#id_username").count():
        page.fill("#id_username", "lasare")
        page.fill("#id_password", "fel-lösenord")
    if page.locator("#id_title").count():
        page.fill("#id_title", "Skrivet innan koden slutade gälla")
    page.context.clear_cookies(name="csrftoken")
    submit_empty(page)
    expect(page.locator("h1")).to_have_text("Formuläret kunde inte skickas")


def filled_in_again(page):
    expect(page.locator("#restored-form-notice")).to_be_visible()
    expect(page.locator("#id_title")).to_have_value("Skrivet innan koden slutade gälla")


def server_error(page):
    """The error page as the service's handler500 draws it, served at an address of the live
    server (nothing there fails on purpose)."""
    from handlingskraft.views import server_error as handler

    body = handler(None).content
    page.route(
        "**/server-error/",
        lambda route: route.fulfill(status=500, body=body, content_type="text/html; charset=utf-8"),
    )
    page.goto("/server-error/")


def changed_meanwhile(model, pk: int, **values):
    """An action: change the row behind the page's back, then send the page's form, so that
    it comes back refused with both people's values."""

    def action(page):
        if page.locator("#id_title").count():
            page.fill("#id_title", "Min egen rubrik")
        model.objects.filter(pk=pk).update(**values)
        submit_empty(page)
        expect(page.locator("#conflict-summary")).to_be_visible()

    return action


def press(button: str, then: str | None = None, expect_shown: str | None = None):
    """An action: press the button (a confirmation's), then go to `then`, and make sure the
    page shows `expect_shown` (a selector) before it is checked."""

    def action(page):
        page.get_by_role("button", name=button).click()
        page.wait_for_load_state()
        if then:
            page.goto(then)
        if expect_shown:
            expect(page.locator(expect_shown).first).to_be_visible()

    return action


def remove_answered_question(page):
    page.locator("li", has_text="Har nämnden antagit rutinen?").get_by_role("button").click()
    page.wait_for_load_state()
    expect(page.locator("#removal-heading")).to_be_visible()


def pages(role: str, demo) -> list[tuple[str, str, int, object]]:
    """(what, path, expected status, action before checking) for each page the role sees."""
    q = demo.questionnaires
    adopted, draft = demo.adopted, demo.draft
    plan_views = [
        "plans:version_overview",
        "plans:version_by_goal",
        "plans:version_by_actor",
        "plans:version_activity_list",
        "plans:version_coverage",
        "stats:version_statistics",
        "followup:version_rounds",
    ]
    common = [
        ("action plans", url("plans:home"), 200, None),
        ("actors", url("organisations:actor_list"), 200, None),
        ("vocabularies", url("plans:term_list"), 200, None),
        ("statistics catalogue", url("stats:statistic_list"), 200, None),
        ("accessibility statement", url("organisations:accessibility"), 200, None),
    ]
    if role == "anonymous":
        account = User.objects.get(username="rapportor.social")
        return [
            ("sign in", url("login"), 200, None),
            ("choose a password", urlparse(password_link(account)).path, 200, None),
            ("choose a password, empty", urlparse(password_link(account)).path, 200, submit_empty),
            ("set-password link, used", url("password_reset_confirm", "MQ", "x-y"), 200, None),
            ("sign in, wrong password", url("login"), 200, submit_empty),
            ("accessibility statement", url("organisations:accessibility"), 200, None),
            ("page not found", "/no-such-page/", 404, None),
            ("forgotten password", url("password_reset"), 200, None),
            ("forgotten password, wrong address", url("password_reset"), 200, type_a_wrong_address),
            ("link sent", url("password_reset_done"), 200, None),
            ("password saved", url("password_reset_complete"), 200, None),
            ("sign in, form refused", url("login"), 403, refused_token),
            ("server error", "/server-error/", 500, server_error),
        ]
    if role == "reader":
        return [
            *common,
            *[(name, url(name, adopted), 200, None) for name in plan_views],
            ("plan documents", url("reports:version_documents", adopted), 200, None),
            ("published reports", url("reports:plan_reports", demo.plan), 200, None),
            ("published report", url("reports:published_report", demo.published_report), 200, None),
            ("draft: not found", url("plans:version_overview", draft), 404, None),
            ("new plan: forbidden", url("plans:plan_create"), 403, None),
            ("change password", url("password_change"), 200, None),
            ("change password, empty", url("password_change"), 200, submit_empty),
            ("password changed", url("password_change_done"), 200, None),
        ]
    if role == "reporter":
        return [
            ("action plans", url("plans:home"), 200, None),
            ("my questionnaires", url("followup:my_questionnaires"), 200, None),
            ("questionnaire", url("followup:questionnaire", q["Socialförvaltningen"]), 200, None),
            (
                "questionnaire, submitted half answered",
                url("followup:questionnaire", q["Socialförvaltningen"]),
                200,
                submit_questionnaire,
            ),
            (
                "questionnaire history",
                url("records:questionnaire_history", q["Socialförvaltningen"]),
                200,
                None,
            ),
            ("plan overview", url("plans:version_overview", adopted), 200, None),
        ]
    if role == "reporter_locked":
        return [
            ("my questionnaires", url("followup:my_questionnaires"), 200, None),
            (
                "questionnaire, locked",
                url("followup:questionnaire", q["Utbildningsförvaltningen"]),
                200,
                None,
            ),
        ]
    if role == "coordinator_plan":
        return [
            *common,
            *[(f"draft {name}", url(name, draft), 200, None) for name in plan_views],
            ("adopted overview", url("plans:version_overview", adopted), 200, None),
            ("draft documents", url("reports:version_documents", draft), 200, None),
            ("draft history", url("records:version_history", draft), 200, None),
            ("history of the actors", url("records:actors_history"), 200, None),
            ("history of an actor", url("records:actor_history", demo.actor), 200, None),
        ]
    if role == "coordinator_forms":
        return [
            ("new plan", url("plans:plan_create"), 200, None),
            ("edit version", url("plans:version_edit", draft), 200, None),
            ("adopt", url("plans:version_adopt", draft), 200, None),
            ("adopt, empty", url("plans:version_adopt", draft), 200, submit_empty),
            ("copy", url("plans:version_copy", adopted), 200, None),
            ("delete draft", url("plans:version_delete", draft), 200, None),
            ("new goal", url("plans:goal_create", draft), 200, None),
            ("edit goal", url("plans:goal_edit", demo.goal_in_draft), 200, None),
            ("delete goal", url("plans:goal_delete", demo.goal_in_draft), 200, None),
            ("new indicator", url("plans:indicator_create", draft), 200, None),
            ("edit indicator", url("plans:indicator_edit", demo.indicator_in_draft), 200, None),
            ("new activity", url("plans:activity_create", draft), 200, None),
            ("new activity, empty", url("plans:activity_create", draft), 200, submit_empty),
            ("edit activity", url("plans:activity_edit", demo.activity_in_draft), 200, None),
            ("new term", url("plans:term_create"), 200, None),
            ("new statistic", url("stats:statistic_create"), 200, None),
            ("edit statistic", url("stats:statistic_edit", demo.own_statistic), 200, None),
            ("delete statistic", url("stats:statistic_delete", demo.own_statistic), 200, None),
            ("import a plan", url("exchange:plan_import_new"), 200, None),
            ("import a version", url("exchange:plan_import", demo.plan), 200, None),
            ("import, problems", url("exchange:plan_import", demo.plan), 200, upload_a_bad_file),
            ("correct the decision", url("plans:version_decision_correct", adopted), 200, None),
            (
                "correct the decision, empty",
                url("plans:version_decision_correct", adopted),
                200,
                submit_empty,
            ),
            (
                "overview with a corrected decision",
                url("plans:version_decision_correct", adopted),
                200,
                correct_the_decision,
            ),
            ("new text", url("reports:text_section_create", draft), 200, None),
            ("new text, empty", url("reports:text_section_create", draft), 200, submit_empty),
            (
                "edit activity, saved meanwhile by someone else",
                url("plans:activity_edit", demo.activity_in_draft),
                200,
                changed_meanwhile(
                    Activity, demo.activity_in_draft, title="Någon annans rubrik", description="Ny"
                ),
            ),
            (
                "delete goal, changed meanwhile",
                url("plans:goal_delete", demo.goal_in_draft),
                200,
                changed_meanwhile(Goal, demo.goal_in_draft, description="Ändrad av någon annan"),
            ),
            # Last: what the refused form held is filled in on the next visit to its page.
            (
                "goal, form refused and kept",
                url("plans:goal_edit", demo.goal_in_draft),
                403,
                refused_token,
            ),
            (
                "goal, filled in again",
                url("plans:goal_edit", demo.goal_in_draft),
                200,
                filled_in_again,
            ),
        ]
    if role == "coordinator_followup":
        question, _created = RoundQuestion.objects.get_or_create(
            round_id=demo.round, text="Hur många möten tog upp planen?", defaults={"kind": "number"}
        )
        answered, _created = RoundQuestion.objects.get_or_create(
            round_id=demo.round, text="Har nämnden antagit rutinen?", defaults={"kind": "text"}
        )
        QuestionAnswer.objects.get_or_create(
            questionnaire_id=q["Socialförvaltningen"], question=answered, defaults={"value": "Ja"}
        )
        return [
            ("follow-up tab", url("followup:version_rounds", adopted), 200, None),
            ("open a round", url("followup:round_create", adopted), 200, None),
            ("open a round, empty", url("followup:round_create", adopted), 200, submit_empty),
            ("round dashboard", url("followup:round_dashboard", demo.round), 200, None),
            ("follow-up report", url("reports:round_report", demo.round), 200, None),
            ("published reports", url("reports:plan_reports", demo.plan), 200, None),
            ("event log", url("records:events"), 200, None),
            ("questions of your own", url("followup:round_questions", demo.round), 200, None),
            ("change a question", url("followup:round_question_edit", question.pk), 200, None),
            ("change the round", url("followup:round_edit", demo.round), 200, None),
            (
                "change the round, empty",
                url("followup:round_edit", demo.round),
                200,
                clear_and_submit,
            ),
            (
                "extend deadline",
                url("followup:questionnaire_deadline", q["Socialförvaltningen"]),
                200,
                None,
            ),
            *[
                (f"review: {name}", url("followup:questionnaire", q[name]), 200, None)
                for name in (
                    "Utbildningsförvaltningen",  # submitted
                    "Polisen, lokalpolisområde Älvby",  # approved
                    "Kvinnojouren i Älvby",  # returned
                    "Socialförvaltningen",  # draft
                )
            ],
            ("new actor", url("organisations:actor_create"), 200, None),
            ("edit actor", url("organisations:actor_edit", demo.actor), 200, None),
            ("delete actor", url("organisations:actor_delete", demo.actor), 200, None),
            (
                "questionnaire history",
                url("records:questionnaire_history", q["Utbildningsförvaltningen"]),
                200,
                None,
            ),
            ("close the round?", url("followup:round_close", demo.round), 200, None),
            ("publish the report?", url("reports:round_publish", demo.round), 200, None),
            ("send reminders now?", url("followup:round_remind", demo.round), 200, None),
            (
                "remove an answered question?",
                url("followup:round_questions", demo.round),
                200,
                remove_answered_question,
            ),
            (
                "dashboard with reminders that could not be sent",
                url("followup:round_remind", demo.round),
                200,
                press("Skicka påminnelserna", expect_shown="#failed-reminders"),
            ),
            # Last: it closes the round.
            (
                "reopen the round?",
                url("followup:round_close", demo.round),
                200,
                press(
                    "Stäng uppföljningen",
                    then=url("followup:round_reopen", demo.round),
                    expect_shown="#id_deadline",
                ),
            ),
        ]
    if role == "administrator":
        account = User.objects.get(username="rapportor.social").pk
        return [
            ("users", url("organisations:user_list"), 200, None),
            ("new user", url("organisations:user_create"), 200, None),
            ("new user, empty", url("organisations:user_create"), 200, submit_empty),
            ("edit user", url("organisations:user_edit", account), 200, None),
            ("deactivate user?", url("organisations:user_deactivate", account), 200, None),
            ("user history", url("records:user_history", account), 200, None),
            ("action plans", url("plans:home"), 200, None),
            ("draft overview", url("plans:version_overview", draft), 200, None),
            ("actors", url("organisations:actor_list"), 200, None),
            ("new actor", url("organisations:actor_create"), 200, None),
            ("new actor, empty", url("organisations:actor_create"), 200, submit_empty),
            ("edit actor", url("organisations:actor_edit", demo.actor), 200, None),
            ("history of the actors", url("records:actors_history"), 200, None),
            ("event log", url("records:events"), 200, None),
            ("plan history", url("records:version_history", adopted), 200, None),
            ("round dashboard: forbidden", url("followup:round_dashboard", demo.round), 403, None),
        ]
    raise AssertionError(role)


OVERFLOW_SCRIPT = """() => {
  const width = window.innerWidth;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.classList.length ? '.' + [...el.classList].join('.') : '');
  const wide = [...document.body.querySelectorAll('*')].filter((el) =>
    !el.closest('.table-scroll') && el.getBoundingClientRect().right > width + 1);
  const culprits = wide.filter((el) => ![...el.children].some((child) => wide.includes(child)));
  const scrolling = [...document.body.querySelectorAll('*')].some((el) =>
    el.scrollWidth > el.clientWidth && ['auto', 'scroll'].includes(getComputedStyle(el).overflowX));
  return {scrollWidth: document.documentElement.scrollWidth, width, scrolling,
          culprits: culprits.slice(0, 6).map(name)};
}"""


NEXT_FRAME = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def describe(what: str, address: str, violation: dict, where: str = "") -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    return (
        f"{what} ({address}){where}: {violation['id']} [{violation['impact']}] "
        f"{violation['help']} — {targets}{f' and {more} more' if more > 0 else ''}"
    )


def check_page(page, what: str, path: str, status: int, action) -> list[str]:
    """Every problem found on one page, as lines for the failure message."""
    problems = []
    page.set_viewport_size(DESKTOP)
    response = page.goto(path)
    if action:
        action(page)
    elif response.status != status:
        return [f"{what} ({path}): answered {response.status}, expected {status}"]
    language = page.evaluate("document.documentElement.lang")
    if language != "sv":
        problems.append(f"{what} ({path}): <html lang={language!r}>, expected 'sv'")
    for violation in run_axe(page, AXE_OPTIONS):
        problems.append(describe(what, page.url, violation))
    page.set_viewport_size(NARROW)
    page.evaluate(NEXT_FRAME)  # let the page react to the new width
    reflow = page.evaluate(OVERFLOW_SCRIPT)
    if reflow["scrollWidth"] > reflow["width"] + 1:
        problems.append(
            f"{what} ({page.url}): scrolls sideways at {reflow['width']} px "
            f"(page {reflow['scrollWidth']} px wide; too wide: {', '.join(reflow['culprits'])})"
        )
    # Tables may scroll sideways in their own box at this width; that box must then be
    # reachable with the keyboard.
    if reflow["scrolling"]:
        for violation in run_axe(page, AXE_NARROW_OPTIONS):
            problems.append(describe(what, page.url, violation, f" at {NARROW['width']} px"))
    return problems


@pytest.mark.parametrize("role", list(USERS))
def test_every_page_passes_axe_and_reflows(role, demo, open_page):
    page = open_page(USERS[role])
    problems = []
    for what, path, status, action in pages(role, demo):
        problems += check_page(page, what, path, status, action)
    assert not problems, f"{len(problems)} accessibility problems as {role}:\n" + "\n".join(
        problems
    )


def test_skip_link_moves_focus_to_the_main_content(demo, open_page):
    page = open_page("samordnare")
    page.goto(url("plans:version_by_goal", demo.draft))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the focused skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()
    # The next Tab continues inside the main content, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def focus_ring(page) -> dict:
    return page.evaluate(
        """() => { const s = getComputedStyle(document.activeElement);
        return {style: s.outlineStyle, width: parseFloat(s.outlineWidth),
                visible: document.activeElement.matches(':focus-visible'),
                tag: document.activeElement.tagName}; }"""
    )


def test_keyboard_focus_is_visible_on_links_and_buttons(demo, open_page):
    page = open_page("samordnare")
    page.goto(url("plans:version_by_goal", demo.draft))
    seen = set()
    for _ in range(60):
        page.keyboard.press("Tab")
        ring = focus_ring(page)
        if ring["tag"] in ("A", "BUTTON"):
            assert ring["visible"], ring
            assert ring["style"] != "none" and ring["width"] >= 2, (
                f"no visible focus outline on a {ring['tag']}: {ring}"
            )
            seen.add(ring["tag"])
        if seen == {"A", "BUTTON"}:
            break
    assert seen == {"A", "BUTTON"}, f"reached only {seen} by Tab"


def test_an_activity_can_be_written_with_the_keyboard_alone(demo, open_page):
    page = open_page("samordnare")
    page.goto(url("plans:activity_create", demo.draft))
    tab_to(page, "#id_goal")
    page.keyboard.press("ArrowDown")  # the first goal
    tab_to(page, "#id_title")
    page.keyboard.type("Tangentbordsaktivitet: personal lär sig känna igen våld")
    tab_to(page, "#id_start_year")
    page.keyboard.type("2026")
    tab_to(page, "#id_end_year")
    page.keyboard.type("2027")
    tab_to(page, "#id_prevention_levels_0")
    page.keyboard.press("Space")
    tab_to(page, "#id_lead")
    # A closed list jumps to what is typed. Plain letters only: typed with "ö", the rest of
    # the name ended up in the year box before (a number box had dropped it silently).
    page.keyboard.type("Socialf")
    expect(page.locator("#id_end_year")).to_have_value("2027")
    tab_to(page, "#id_co_actors_0")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{url('plans:version_by_goal', demo.draft)}*")
    expect(page.locator(".message-success")).to_be_visible()
    card = page.locator("article", has_text="Tangentbordsaktivitet")
    expect(card).to_contain_text("Socialförvaltningen")
    expect(card.locator(".lead-actor")).to_have_text("Socialförvaltningen")


def problems_as_shown(page, what: str) -> list[str]:
    """axe's violations on the page as it is now (no new load), at full width and at 320 px,
    and whether it scrolls sideways there; and an open session dialog must fit."""
    page.set_viewport_size(DESKTOP)
    problems = [describe(what, page.url, v) for v in run_axe(page, AXE_OPTIONS)]
    page.set_viewport_size(NARROW)
    page.evaluate(NEXT_FRAME)
    reflow = page.evaluate(OVERFLOW_SCRIPT)
    if reflow["scrollWidth"] > reflow["width"] + 1:
        problems.append(f"{what}: scrolls sideways at {reflow['width']} px: {reflow['culprits']}")
    dialog = page.locator("#session-dialog")
    if dialog.is_visible():
        box = dialog.bounding_box()
        if box["x"] < 0 or box["x"] + box["width"] > NARROW["width"]:
            problems.append(f"{what}: the dialog does not fit {NARROW['width']} px: {box}")
    problems += [describe(what, page.url, v, " at 320 px") for v in run_axe(page, AXE_OPTIONS)]
    page.set_viewport_size(DESKTOP)
    return problems


def test_the_session_dialog_and_a_form_filled_in_again_pass_axe_and_reflow(demo, open_page):
    page = open_page("samordnare")
    page.clock.install()
    edit = url("plans:activity_edit", demo.activity_in_draft)
    page.goto(edit)
    dialog = page.locator("#session-dialog")
    session_left(page, idle=120)
    page.clock.fast_forward("56:00")  # the page's own warning time: five minutes before an hour
    expect(dialog.get_by_role("button", name="Fortsätt vara inloggad")).to_be_focused()
    problems = problems_as_shown(page, "session warning")

    session_ends(page)
    page.clock.fast_forward("03:00")
    expect(dialog).to_have_accessible_name("Du har loggats ut")
    problems += problems_as_shown(page, "session ended")

    # Saved while signed out, then signed in again: the form is filled in, with a line above it.
    page.keyboard.press("Escape")
    page.fill("#id_title", "Skrivet medan inloggningen var slut")
    page.get_by_role("button", name="Spara").click()
    page.fill("#id_username", "samordnare")
    page.fill("#id_password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{edit}")
    expect(page.locator("#restored-form-notice")).to_be_visible()
    problems += problems_as_shown(page, "activity filled in again")
    assert not problems, "\n".join(problems)
