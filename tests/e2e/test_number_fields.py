"""Number fields of the plan's own forms, in a real browser with the Swedish interface: a
decimal written with a comma or a point is stored and shown back the Swedish way."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.models import Indicator

from .conftest import url

pytestmark = pytest.mark.e2e


def test_an_indicator_s_baseline_and_target_take_a_comma_or_a_point(demo, open_page):
    page = open_page("samordnare")
    page.goto(url("plans:indicator_edit", demo.indicator_in_draft))
    page.fill("#id_baseline_value", "34,5")
    page.fill("#id_target_value", "40.25")
    page.fill("#id_baseline_year", "2 024")
    page.locator("main form button[type=submit]").last.click()
    expect(page.locator(".message-success")).to_be_visible()
    indicator = Indicator.objects.get(pk=demo.indicator_in_draft)
    assert (indicator.baseline_value, indicator.target_value, indicator.baseline_year) == (
        Decimal("34.5"),
        Decimal("40.25"),
        2024,
    )
    page.goto(url("plans:indicator_edit", demo.indicator_in_draft))
    expect(page.locator("#id_baseline_value")).to_have_value("34,5")
    expect(page.locator("#id_target_value")).to_have_value("40,25")
    expect(page.locator("#id_baseline_value")).to_have_attribute("inputmode", "decimal")
