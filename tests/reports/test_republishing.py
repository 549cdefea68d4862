"""Publishing a corrected report: a reader who holds report 1 and report 2 and knows which
cells changed between them (an unchanged cell is the same unknown in both) still cannot pin a
hidden cell or narrow it inside 1 … threshold − 1. The exact attacker (an integer program over
both frozen reports together) is let loose on what the two publications show."""

import pytest
from django.db.models import F

from followup.models import StatisticCount
from organisations.models import User
from reports.document import SUPPRESSED
from reports.services import report_publish
from stats.models import Statistic

from .conftest import small_count_rounds
from .feasibility import grid_relations, line_relations, protected, series_ranges

pytestmark = pytest.mark.django_db
THRESHOLD = 5


def tables_by_key(report) -> dict:
    found = {}
    for section in report.content["sections"]:
        for block in section["blocks"]:
            table = block["table"] if block["kind"] == "figure" else block
            if block["kind"] in ("table", "figure"):
                found[table["key"]] = table
    return found


def number(value):
    return None if value == SUPPRESSED else value


def release(report, statistic, years, year):
    """What one frozen report shows of a statistic, as (key, relations, cells): the year's
    table merged with the trend's column for it, and each earlier year's column of totals."""
    tables = tables_by_key(report)
    current = tables.get(f"statistic-{statistic.pk}-{year}")
    trend = tables.get(f"statistic-{statistic.pk}-trend")
    wide = statistic.by_gender and statistic.by_age
    out = []
    for column, y in enumerate(years, start=1):
        totals = [number(row[column]) for row in trend["rows"]] if trend else None
        if y == year and current is not None:
            if wide:
                cells = {
                    (i, j): number(v)
                    for i, row in enumerate(current["rows"])
                    for j, v in enumerate(row[1:])
                }
                for i, value in enumerate(totals or []):
                    assert cells[(i, 5)] == value, "the trend shows the year's totals as hidden"
                out.append((f"statistic:{statistic.pk}:{y}", grid_relations(6, 5), cells))
            else:
                values = [number(row[1]) for row in current["rows"]]
                if totals:
                    assert values == totals
                cells = dict(enumerate(values[:-1])) | {"total": values[-1]}
                out.append((f"statistic:{statistic.pk}:{y}", line_relations(6), cells))
        elif totals is not None:
            cells = dict(enumerate(totals[:-1])) | {"total": totals[-1]}
            out.append((f"statistic:{statistic.pk}:{y}:totals", line_relations(6), cells))
    return out


def truth(report, key, cell, wide):
    """The exact value of a cell at the report's publication, from its ledger."""
    base = key.removesuffix(":totals")
    values = report.disclosure[base]["values"]
    if key.endswith(":totals"):
        return values[-1][-1] if cell == "total" else values[cell][-1]
    if wide:
        return values[cell[0]][cell[1]]
    return values[-1][0] if cell == "total" else values[cell][0]


def attack(reports, statistics, years, year):
    releases = []
    for statistic in statistics:
        wide = statistic.by_gender and statistic.by_age
        earlier: dict = {}
        for number_, report in enumerate(reports):
            for key, relations, cells in release(report, statistic, years, year):
                hidden, shown = {}, {}
                for cell, value in cells.items():
                    exact = truth(report, key, cell, wide)
                    before = earlier.get((key, cell))
                    run = before[1] if before and before[0] == exact else number_
                    earlier[(key, cell)] = (exact, run)
                    if value is None:
                        hidden[cell] = (key, cell, run)
                    else:
                        assert value == exact
                        shown[cell] = value
                releases.append((relations, shown, hidden))
    ranges = series_ranges(releases)
    assert ranges, "the fixture hides something"
    for name, (low, high) in ranges.items():
        assert protected(low, high, THRESHOLD), (name, low, high)


def change(round_, code, gender, age, value):
    """Set a count, or with "+n" raise it by n."""
    if isinstance(value, str):
        value = F("count") + int(value)
    updated = StatisticCount.objects.filter(
        questionnaire__round=round_, statistic__code=code, gender=gender, age_band=age
    ).update(count=value)
    assert updated


@pytest.mark.parametrize(
    "corrections",
    [
        [("staff_basic_training", "men", "", 1)],  # a zero becomes a small count
        [("staff_basic_training", "boys", "", 4)],  # a small count grows by one
        [("staff_basic_training", "women", "", 41)],  # a large count moves the totals by one
        [("honour_cases", "girls", "0-12", "+1"), ("honour_cases", "boys", "13-17", "+2")],
    ],
)
def test_a_corrected_report_next_to_the_first_reveals_no_small_count(corrections):
    rounds = small_count_rounds()
    round_ = rounds[-1]
    coordinator = User.objects.get(username="samordnare-litenby")
    first = report_publish(round_=round_, user=coordinator)
    for code, gender, age, value in corrections:
        change(round_, code, gender, age, value)
    second = report_publish(round_=round_, user=coordinator)
    assert first.disclosure != second.disclosure, "the correction changed the figures"
    statistics = list(
        Statistic.objects.filter(code__in=["honour_cases", "staff_basic_training"]).order_by("pk")
    )
    years = sorted(r.year for r in rounds)
    attack([first, second], statistics, years, round_.year)
    # An ordinary correction is published, not withheld.
    for statistic in statistics:
        assert f"statistic:{statistic.pk}:{round_.year}" in second.disclosure


def test_publishing_again_without_a_change_hides_the_same_cells():
    round_ = small_count_rounds()[-1]
    coordinator = User.objects.get(username="samordnare-litenby")
    first = report_publish(round_=round_, user=coordinator)
    second = report_publish(round_=round_, user=coordinator)
    assert first.disclosure == second.disclosure
    assert tables_by_key(first).keys() == tables_by_key(second).keys()
