"""The questionnaire's autosave in a real browser, with the Swedish interface: numbers written
either way survive saving and reloading, every way a save can fail is shown where the person
looks and the answers are kept until the server has them, and two people answering the same
questionnaire never undo each other's answers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followup.models import ActivityAnswer, IndicatorAnswer, Questionnaire, RoundQuestion
from organisations.models import User
from tests.builders import make_user

from .conftest import url
from .test_accessibility import AXE_OPTIONS, run_axe

pytestmark = pytest.mark.e2e

TIMEOUT = 15_000  # a save waits 1.5 s after the last key, and a retry 2 s after a failure


def saved(page):
    expect(page.locator("#save-status")).to_have_attribute("data-state", "saved", timeout=TIMEOUT)


def field(page, suffix: str, nth: int = 0):
    return page.locator(f"[name$='{suffix}']").nth(nth)


def questionnaire(demo, actor: str) -> Questionnaire:
    return Questionnaire.objects.get(pk=demo.questionnaires[actor])


def test_decimals_written_with_a_comma_or_a_point_survive_saving_and_reloading(demo, open_page):
    ifo = questionnaire(demo, "Individ- och familjeomsorgen")  # a count, by gender
    social = questionnaire(demo, "Socialförvaltningen")  # shares from counts
    question = RoundQuestion.objects.create(
        round=ifo.round, text="Hur många timmar handledning per månad?", kind="number"
    )
    page = open_page("rapportor.social")
    page.goto(url("followup:questionnaire", ifo.pk))
    typed = {
        "-value": ("70,5", "70,5"),
        "-value_women": ("12.25", "12,25"),
        "-value_men": ("3,0", "3"),
        "-participants_women": ("1 204", "1204"),
        f"own-q{question.pk}": ("1.5", "1,5"),
    }
    for suffix, (text, _shown) in typed.items():
        field(page, suffix).fill(text)
    cell = page.locator("input[name^='s'][name*='-n_']").first
    cell.fill("7")
    saved(page)
    page.reload()
    for suffix, (_text, shown) in typed.items():
        expect(field(page, suffix)).to_have_value(shown)
    expect(page.locator("input[name^='s'][name*='-n_']").first).to_have_value("7")
    answer = IndicatorAnswer.objects.get(questionnaire=ifo)
    assert (answer.value, answer.value_women, answer.value_men) == (
        Decimal("70.5"),
        Decimal("12.25"),
        Decimal("3"),
    )

    # Typing in a text field afterwards changes nothing about the numbers in the audit trail.
    records = IndicatorAnswer.history.filter(id=answer.pk).count()
    field(page, "-what_was_done").fill("Vi har haft handledning varje månad.")
    saved(page)
    assert IndicatorAnswer.history.filter(id=answer.pk).count() == records
    answer.refresh_from_db()
    assert answer.value == Decimal("70.5")

    # A share from its counts is computed, and shown, without reloading.
    page.goto(url("followup:questionnaire", social.pk))
    share = page.locator("section", has=page.locator("[name$='-numerator']")).first
    share.locator("[name$='-numerator']").fill("17")
    share.locator("[name$='-denominator']").fill("40")
    saved(page)
    expect(share.locator("[name$='-value']")).to_have_value("42,5")
    page.reload()
    share = page.locator("section", has=page.locator("[name$='-numerator']")).first
    expect(share.locator("[name$='-value']")).to_have_value("42,5")


def test_a_server_error_is_shown_at_the_foot_and_the_answer_is_sent_again(demo, open_page):
    page = open_page("rapportor.social")
    path = url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"])
    page.goto(path)
    status = page.locator("#save-status")
    expect(status).to_have_attribute("aria-live", "polite")
    failing = {"on": True}

    def server(route):
        if route.request.method == "POST" and failing["on"]:
            route.fulfill(status=500, body="Server Error")
        else:
            route.continue_()

    page.route(f"**{path}", server)
    text = field(page, "-what_was_done")
    text.fill("Skrivet medan servern krånglar.")
    expect(status).to_have_attribute("data-state", "failed", timeout=TIMEOUT)
    expect(status).to_contain_text("Inte sparat")
    expect(status).to_contain_text("skickas igen automatiskt")
    # The unsaved field is named (activity and question) and linked to.
    link = page.locator("#save-problems a").first
    expect(link).to_contain_text("Vad har gjorts?")
    assert link.get_attribute("href") == f"#{text.get_attribute('id')}"
    expect(status).to_be_in_viewport()
    failing["on"] = False
    saved(page)
    assert ActivityAnswer.objects.filter(what_was_done="Skrivet medan servern krånglar.").exists()


def test_offline_answers_are_kept_and_sent_when_the_network_returns(demo, open_page):
    page = open_page("rapportor.social")
    page.goto(url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"]))
    status = page.locator("#save-status")
    page.context.set_offline(True)
    field(page, "-next_step").fill("Skrivet utan nät.")
    expect(status).to_have_attribute("data-state", "failed", timeout=TIMEOUT)
    expect(status).to_contain_text("ingen kontakt med servern")
    assert page.evaluate("Object.keys(localStorage).length") == 1  # kept in the browser
    page.context.set_offline(False)
    saved(page)
    assert ActivityAnswer.objects.filter(next_step="Skrivet utan nät.").exists()
    assert page.evaluate("Object.keys(localStorage).length") == 0


def test_a_refused_save_keeps_the_answers_in_the_browser_until_the_next_visit(demo, open_page):
    page = open_page("rapportor.social")
    path = url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"])
    page.goto(path)
    page.route(
        f"**{path}",
        lambda route: route.fulfill(status=403, body="Forbidden")
        if route.request.method == "POST"
        else route.continue_(),
    )
    field(page, "-obstacles").fill("Personalbrist hela hösten.")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "failed", timeout=TIMEOUT)
    expect(status).to_contain_text("inte längre ändra")
    page.unroute(f"**{path}")
    assert not ActivityAnswer.objects.filter(obstacles="Personalbrist hela hösten.").exists()

    # The page is closed and opened again: what was never saved is filled in and saved.
    page.goto(url("plans:home"))
    page.goto(path)
    expect(field(page, "-obstacles")).to_have_value("Personalbrist hela hösten.")
    saved(page)
    assert ActivityAnswer.objects.filter(obstacles="Personalbrist hela hösten.").exists()


def test_a_rejected_value_is_named_marked_and_linked_and_the_rest_is_saved(demo, open_page):
    page = open_page("rapportor.social")
    page.goto(url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"]))
    status = page.locator("#save-status")
    cell = page.locator("input[name^='s'][name*='-n_']").first
    cell.fill("tolv")
    field(page, "-next_step").fill("Sparas ändå.")
    expect(status).to_have_attribute("data-state", "invalid", timeout=TIMEOUT)
    expect(status).to_contain_text("Inte sparat: ett svar behöver rättas.")
    expect(cell).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{cell.get_attribute('id')}-autosave")
    expect(message).to_contain_text("Skriv ett heltal")
    link = page.locator("#save-problems a")
    expect(link).to_have_attribute("href", f"#{cell.get_attribute('id')}")
    section = cell.locator("xpath=ancestor::section[1]")
    expect(link).to_contain_text(section.get_attribute("data-item"))
    assert ActivityAnswer.objects.filter(next_step="Sparas ändå.").exists()
    assert run_axe(page, AXE_OPTIONS) == []
    link.click()
    expect(cell).to_be_focused()
    cell.fill("12")
    saved(page)
    expect(cell).not_to_have_attribute("aria-invalid", "true")


def test_saving_is_shown_while_under_way_and_leaving_asks_first(demo, open_page):
    page = open_page("rapportor.social")
    path = url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"])
    page.goto(path)
    held = []
    page.route(
        f"**{path}",
        lambda route: held.append(route) if route.request.method == "POST" else route.continue_(),
    )
    field(page, "-what_was_done").fill("Snart sparat.")
    status = page.locator("#save-status")
    expect(status).to_have_attribute("data-state", "saving", timeout=TIMEOUT)
    expect(status).to_have_text("Sparar…")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.close(run_before_unload=True)
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    held[0].continue_()


def test_the_last_saved_time_follows_the_saves(demo, open_page):
    pk = demo.questionnaires["Individ- och familjeomsorgen"]
    Questionnaire.objects.filter(pk=pk).update(changed_at=timezone.now() - timedelta(days=2))
    page = open_page("rapportor.social")
    page.goto(url("followup:questionnaire", pk))
    last = page.locator("#last-saved")
    before = last.inner_text()
    field(page, "-next_step").fill("Nytt steg.")
    saved(page)
    expect(last).not_to_have_text(before)
    expect(last).to_contain_text("Amina Haddad")


@pytest.fixture
def colleague(demo):
    social = questionnaire(demo, "Socialförvaltningen")
    municipality = social.round.version.plan.municipality
    return make_user(
        municipality, User.Role.REPORTER, username="kollega.social", actors=[social.actor]
    )


def two_pages(demo, open_page, colleague):
    path = url("followup:questionnaire", demo.questionnaires["Socialförvaltningen"])
    mine, theirs = open_page("rapportor.social"), open_page(colleague.username)
    mine.goto(path)
    theirs.goto(path)
    return mine, theirs


def test_two_people_changing_different_answers_keep_both(demo, open_page, colleague):
    mine, theirs = two_pages(demo, open_page, colleague)
    theirs_text = field(theirs, "-what_was_done")
    theirs_text.fill("Kollegans redovisning.")
    saved(theirs)
    field(mine, "-next_step").fill("Mitt nästa steg.")
    saved(mine)
    answer = ActivityAnswer.objects.get(what_was_done="Kollegans redovisning.")
    assert answer.next_step == "Mitt nästa steg."
    # My page now shows what the colleague saved, and saving the page keeps it.
    expect(field(mine, "-what_was_done")).to_have_value("Kollegans redovisning.")
    expect(mine.locator("#save-status")).to_contain_text("visas nu")
    mine.locator("button[name=action][value=save]").click()
    expect(mine.locator(".message-success")).to_be_visible()
    answer.refresh_from_db()
    assert (answer.what_was_done, answer.next_step) == (
        "Kollegans redovisning.",
        "Mitt nästa steg.",
    )


def test_a_deliberate_save_of_an_old_page_never_reverts_the_other_persons_answer(
    demo, open_page, colleague
):
    mine, theirs = two_pages(demo, open_page, colleague)
    field(theirs, "-what_was_done").fill("Kollegans text står kvar.")
    saved(theirs)
    # My page was drawn before that; I change another field and save with the button at once.
    field(mine, "-obstacles").fill("Mitt hinder.")
    mine.locator("button[name=action][value=save]").click()
    expect(mine.locator(".message-success")).to_be_visible()
    answer = ActivityAnswer.objects.get(obstacles="Mitt hinder.")
    assert answer.what_was_done == "Kollegans text står kvar."


def test_two_people_changing_the_same_answer_choose_which_applies(demo, open_page, colleague):
    mine, theirs = two_pages(demo, open_page, colleague)
    field(theirs, "-what_was_done").fill("Kollegans version.")
    saved(theirs)
    text = field(mine, "-what_was_done")
    text.fill("Min version.")
    status = mine.locator("#save-status")
    expect(status).to_have_attribute("data-state", "conflict", timeout=TIMEOUT)
    expect(status).to_contain_text("kollega.social")
    note = mine.locator(".conflict-note")
    expect(note).to_contain_text("Kollegans version.")
    expect(note).to_contain_text("Min version.")
    expect(text).to_have_value("Min version.")  # mine stays in the field while I choose
    assert run_axe(mine, AXE_OPTIONS) == []
    assert ActivityAnswer.objects.filter(what_was_done="Kollegans version.").exists()
    note.get_by_role("button", name="Behåll mitt svar").click()
    saved(mine)
    assert ActivityAnswer.objects.filter(what_was_done="Min version.").exists()

    # The other way round: the colleague takes the saved answer instead of their own.
    field(theirs, "-what_was_done").fill("Kollegans andra version.")
    expect(theirs.locator(".conflict-note")).to_be_visible(timeout=TIMEOUT)
    theirs.locator(".conflict-note").get_by_role("button", name="Använd det sparade svaret").click()
    expect(field(theirs, "-what_was_done")).to_have_value("Min version.")
    theirs.wait_for_timeout(2500)
    assert ActivityAnswer.objects.filter(what_was_done="Min version.").exists()
    assert not ActivityAnswer.objects.filter(what_was_done="Kollegans andra version.").exists()


def test_saving_an_old_page_with_the_button_shows_both_answers_and_saving_again_keeps_mine(
    demo, open_page, colleague
):
    mine, theirs = two_pages(demo, open_page, colleague)
    field(theirs, "-what_was_done").fill("Kollegans svar.")
    saved(theirs)
    field(mine, "-what_was_done").fill("Mitt svar.")
    mine.locator("button[name=action][value=save]").click()
    summary = mine.locator("#conflict-summary")
    expect(summary).to_contain_text("Kollegans svar.")
    expect(summary).to_contain_text("Mitt svar.")
    expect(field(mine, "-what_was_done")).to_have_value("Mitt svar.")
    expect(mine.locator(".field-error", has=field(mine, "-what_was_done"))).to_contain_text(
        "kollega.social sparade"
    )
    assert run_axe(mine, AXE_OPTIONS) == []
    summary.locator("a").first.click()
    expect(field(mine, "-what_was_done")).to_be_focused()
    mine.locator("button[name=action][value=save]").click()
    expect(mine.locator(".message-success")).to_be_visible()
    assert ActivityAnswer.objects.filter(what_was_done="Mitt svar.").exists()
