"""The yearly cycle in a real browser: write the plan, adopt it, follow it up, review the answers."""

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.urls import resolve
from django.utils import timezone
from playwright.sync_api import expect

from organisations.models import Actor, Municipality, User
from plans.demo import DEMO_PASSWORD
from tests.builders import make_user

from .conftest import tab_to, url

pytestmark = pytest.mark.e2e

ACTIVITY_TITLE = "Fältgruppen samtalar om våld med unga på helgkvällar"


def submit(page, form: str = "main form[method=post]"):
    """Press the form's submit button (the header's sign-out button is a form too)."""
    page.locator(form).locator("button[type=submit]").last.click()


def test_sign_in_with_the_keyboard(demo, open_page):
    page = open_page()
    page.goto(url("plans:home"))
    expect(page).to_have_url(f"{url('login')}?next=/")
    tab_to(page, "#id_username")
    page.keyboard.type("samordnare")
    tab_to(page, "#id_password")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(url("plans:home"))
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".account")).to_contain_text("Lena Forsberg")


def test_write_adopt_follow_up_and_approve(demo, open_page):
    municipality = Municipality.objects.get(pk=Actor.objects.get(pk=demo.actor).municipality_id)
    field_team = Actor.objects.create(
        municipality=municipality, name="Fältgruppen", kind=Actor.Kind.UNIT
    )
    make_user(municipality, User.Role.REPORTER, username="rapportor.falt", actors=[field_team])
    coordinator = open_page("samordnare")

    # The coordinator writes an activity in the draft revision, led by the field team …
    coordinator.goto(url("plans:activity_create", demo.draft))
    coordinator.select_option("#id_goal", index=1)
    coordinator.fill("#id_title", ACTIVITY_TITLE)
    coordinator.fill("#id_start_year", "2026")
    coordinator.fill("#id_end_year", "2026")
    coordinator.select_option("#id_lead", label="Fältgruppen")
    submit(coordinator)
    expect(coordinator.locator(".message-success")).to_be_visible()
    expect(coordinator.locator("main")).to_contain_text(ACTIVITY_TITLE)

    # … adopts the revision …
    coordinator.goto(url("plans:version_adopt", demo.draft))
    coordinator.fill("#id_decided_by", "Kommunfullmäktige")
    coordinator.fill("#id_decision_date", timezone.localdate().isoformat())
    coordinator.fill("#id_decision_paragraph", "§ 112")
    submit(coordinator)
    coordinator.wait_for_url(url("plans:version_overview", demo.draft))
    expect(coordinator.locator(".badge-adopted").first).to_be_visible()

    # … and opens the follow-up of 2026 for it.
    coordinator.goto(url("followup:round_create", demo.draft))
    coordinator.fill("#id_year", "2026")
    coordinator.fill("#id_deadline", (timezone.localdate() + timedelta(days=30)).isoformat())
    submit(coordinator)
    expect(coordinator.locator(".message-success")).to_be_visible()
    dashboard = coordinator.url
    row = coordinator.locator("tbody tr", has_text="Fältgruppen")
    expect(row.locator(".badge-not_started, .badge-draft")).to_be_visible()

    # The field team's reporter finds the questionnaire, answers and submits it.
    reporter = open_page("rapportor.falt")
    reporter.goto(url("followup:my_questionnaires"))
    reporter.locator("main table a").first.click()
    expect(reporter.locator("main")).to_contain_text(ACTIVITY_TITLE)
    status = reporter.locator("select[name$='-status']")
    expect(status).to_have_count(1)
    status.select_option("done")
    reporter.locator("textarea[name$='-what_was_done']").fill(
        "Fältgruppen har varit ute varje helgkväll och samtalat med unga om våld i relationer."
    )
    # The page saves by itself as people type; wait for that save before submitting, so the
    # submission builds on it rather than racing it.
    with reporter.expect_response(lambda r: r.request.headers.get("hx-request") == "true"):
        reporter.check("input[name='std-plan_followed_up']>> nth=0")
    expect(reporter.locator("#save-status")).to_have_attribute("data-state", "saved")
    reporter.locator("button[name=action][value=submit]").click()
    expect(reporter.locator(".message-success")).to_be_visible()
    expect(reporter.locator(".badge-submitted")).to_be_visible()
    expect(reporter.locator("button[name=action]")).to_have_count(0)  # locked now

    # The coordinator reads the answer and approves it.
    coordinator.goto(reporter.url)
    expect(coordinator.locator("main")).to_contain_text("Fältgruppen har varit ute")
    coordinator.locator("form[action$='/approve/'] button[type=submit]").click()
    expect(coordinator.locator(".message-success")).to_be_visible()
    row = coordinator.locator("tbody tr", has_text="Fältgruppen")
    expect(row.locator(".badge-approved")).to_be_visible()
    assert coordinator.url == dashboard

    # The coordinator publishes the follow-up report and exports it as PDF …
    round_pk = resolve(urlparse(dashboard).path).kwargs["pk"]
    coordinator.goto(url("reports:round_report", round_pk))
    expect(coordinator.locator("main")).to_contain_text(ACTIVITY_TITLE)
    coordinator.get_by_role("link", name="Publicera rapporten").click()
    # The confirmation says who has answered before anything is published.
    expect(coordinator.locator("main")).to_contain_text("aktörer har svarat")
    coordinator.get_by_role("button", name="Publicera rapporten").click()
    expect(coordinator.locator(".message-success")).to_be_visible()
    published = urlparse(coordinator.url).path
    # Drawing the PDF takes seconds on a busy machine: wait for it longer than for a page.
    with coordinator.expect_download(timeout=30_000) as download:
        coordinator.locator("a[href$='/report.pdf']").click(timeout=30_000)
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # … and a reader finds it among the plan's published reports.
    reader = open_page("lasare")
    reader.goto(url("reports:plan_reports", demo.plan))
    reader.locator(f"main a[href='{published}']").click()
    expect(reader.locator("main")).to_contain_text(ACTIVITY_TITLE)

    # Every change made above is on the history pages, with who made it and what changed.
    lena, falt = "Lena Forsberg", "rapportor.falt"
    today = timezone.localdate().isoformat()
    version = read_trail(coordinator, url("records:version_history", demo.draft))
    assert_recorded(
        version,
        who=lena,
        kind="Aktivitet",
        which=ACTIVITY_TITLE,
        action="Skapades",
        changes=[f"Aktivitet: {ACTIVITY_TITLE}", "Från år: 2026", "Till år: 2026"],
    )
    assert_recorded(
        version,
        who=lena,
        kind="Ansvar",
        which=f"{ACTIVITY_TITLE}: Fältgruppen",
        action="Skapades",
        changes=["Roll: Huvudansvarig"],
    )
    assert_recorded(
        version,
        who=lena,
        kind="Planversion",
        which="",
        action="Ändrades",
        changes=[
            "Status: före: Utkast → efter: Antagen",
            "Antagen av: före: – → efter: Kommunfullmäktige",
            f"Beslutsdatum: före: – → efter: {today}",
            "Paragraf (§): före: – → efter: § 112",
        ],
    )
    assert_recorded(
        version,
        who=lena,
        kind="Uppföljningsomgång",
        which="Uppföljning 2026",
        action="Skapades",
        changes=["År som följs upp: 2026"],
    )

    questionnaire_pk = resolve(urlparse(reporter.url).path).kwargs["pk"]
    answers = read_trail(coordinator, url("records:questionnaire_history", questionnaire_pk))
    assert_recorded(
        answers,
        who=lena,
        kind="Enkät",
        which="Fältgruppen",
        action="Skapades",
        changes=["Status: Inte påbörjad"],
    )
    assert_recorded(
        answers,
        who=falt,
        kind="Svar om en aktivitet",
        which=ACTIVITY_TITLE,
        action="Ändrades",
        changes=[
            "Status: före: – → efter: Genomförd",
            "Vad som har gjorts: före: – → efter: Fältgruppen har varit ute varje helgkväll",
        ],
    )
    assert_recorded(
        answers,
        who=falt,
        kind="Enkät",
        which="Fältgruppen",
        action="Ändrades",
        changes=["Status: före: Inte påbörjad → efter: Utkast", "följts upp i er egen"],
    )
    assert_recorded(
        answers,
        who=falt,
        kind="Enkät",
        which="Fältgruppen",
        action="Ändrades",
        changes=["Status: före: Utkast → efter: Inskickad"],
    )
    assert_recorded(
        answers,
        who=lena,
        kind="Enkät",
        which="Fältgruppen",
        action="Ändrades",
        changes=["Status: före: Inskickad → efter: Godkänd"],
    )

    # Publishing and exporting change nothing; the event log has them.
    coordinator.goto(url("records:events"))
    events = coordinator.locator("main tbody tr")
    expect(events.filter(has_text="Publicering").filter(has_text=lena).first).to_be_visible()
    expect(events.filter(has_text="Export").filter(has_text=lena).first).to_be_visible()


READ_TRAIL = """() => [...document.querySelectorAll("main tbody tr")].map((row) => {
  const cells = [...row.querySelectorAll("td")];
  return {
    who: cells[1].innerText.trim(),
    kind: cells[2].innerText.trim(),
    which: cells[3].innerText.trim(),
    action: cells[4].innerText.trim(),
    changes: [...cells[5].querySelectorAll("li")].map((li) => li.innerText.replace(/\\s+/g, " ").trim()),
  };
})"""


def read_trail(page, path: str) -> list[dict]:
    """The rows of a history page (its first page: the flow makes fewer than fifty changes)."""
    page.goto(path)
    expect(page.locator("h1")).to_be_visible()
    return page.evaluate(READ_TRAIL)


def assert_recorded(trail: list[dict], *, who, kind, which, action, changes) -> None:
    """One row of the trail is by `who`, about an object of `kind` whose name contains
    `which`, says `action`, and lists each of `changes` (or the start of it)."""
    for row in trail:
        if (row["who"], row["kind"], row["action"]) == (who, kind, action) and which in row[
            "which"
        ]:
            if all(
                any(line.startswith(c) or c in line for line in row["changes"]) for c in changes
            ):
                return
    shown = "\n".join(str(row) for row in trail[:12])
    raise AssertionError(
        f"not on the history page: {who} {action} {kind} {which} {changes}\n{shown}"
    )
