"""After a refused submit the page opens with the focus on the summary of what needs correcting,
and its links lead the keyboard to the fields (templates/error_summary.html, static/js/app.js)."""

import pytest
from playwright.sync_api import expect

from .conftest import url

pytestmark = pytest.mark.e2e


def test_after_a_refused_submit_the_focus_is_on_the_summary_and_its_links_lead_to_the_fields(
    demo, open_page
):
    page = open_page("samordnare")
    page.goto(url("organisations:actor_create"))
    page.fill("#id_name", "")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Några fält behöver rättas")
    assert summary.bounding_box()["y"] < page.locator("#id_name").bounding_box()["y"]

    page.keyboard.press("Tab")
    link = summary.get_by_role("link", name="Namn: Detta fält måste fyllas i.")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_name")).to_be_focused()
