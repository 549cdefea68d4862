"""Indicators in the follow-up report: their value each year from the actors' answers,
assessed against the baseline in the desired direction, and the report's section about them."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from plans.models import Indicator
from plans.queries import PlanTree

from .document import Chart, Figure, Paragraph, Section, Series, Table, Value
from .wording import yes_no

IMPROVED, UNCHANGED, WORSENED, NOT_ASSESSABLE = "improved", "unchanged", "worsened", "na"


def indicator_number(value, unit: str) -> Value:
    """An indicator value as the document keeps it: counts whole, other units one decimal."""
    if value is None:
        return None
    value = Decimal(value)
    if unit == Indicator.Unit.COUNT and value == value.to_integral_value():
        return int(value)
    return float(value.quantize(Decimal("0.1"), ROUND_HALF_UP))


def assessment_labels() -> dict[str, str]:
    return {
        IMPROVED: _("Improved"),
        UNCHANGED: _("Unchanged"),
        WORSENED: _("Worsened"),
        NOT_ASSESSABLE: _("Not assessable"),
    }


def indicator_values(
    *, tree: PlanTree, rounds_by_year: dict[int, int], rows: list[tuple]
) -> dict[tuple[int, str], Value]:
    """Each indicator's value per year, from the answers of the actors that report it: a
    share with numerators and denominators is the pooled share; a count is the sum; anything
    else is the mean of the values given."""
    units = {i.code: i.unit for node in tree.nodes() for i in node.indicators}
    year_of = {round_id: year for year, round_id in rounds_by_year.items()}
    grouped = defaultdict(list)
    for round_id, code, value, numerator, denominator in rows:
        grouped[(year_of[round_id], code)].append((value, numerator, denominator))
    values = {}
    for (year, code), answers in grouped.items():
        unit = units.get(code, Indicator.Unit.RATE)
        pooled = [(n, d) for _v, n, d in answers if n is not None and d]
        given = [Decimal(v) for v, _n, _d in answers if v is not None]
        if unit == Indicator.Unit.SHARE and pooled:
            value = Decimal(100 * sum(n for n, _d in pooled)) / Decimal(sum(d for _n, d in pooled))
        elif not given:
            continue
        elif unit == Indicator.Unit.COUNT:
            value = sum(given)
        else:
            value = sum(given) / len(given)
        values[(year, code)] = indicator_number(value, unit)
    return values


def assess(value: Value, baseline: Value, direction: str) -> str:
    """Improved, unchanged or worsened against the baseline, as the desired direction reads;
    not assessable without a value or a baseline."""
    if value is None or baseline is None:
        return NOT_ASSESSABLE
    difference = round(float(value) - float(baseline), 1)
    if direction == Indicator.Direction.MAINTAIN:
        return UNCHANGED if difference == 0 else WORSENED
    if difference == 0:
        return UNCHANGED
    better = difference > 0 if direction == Indicator.Direction.INCREASE else difference < 0
    return IMPROVED if better else WORSENED


def target_reached(value: Value, target: Value, direction: str) -> bool | None:
    if value is None or target is None:
        return None
    if direction == Indicator.Direction.INCREASE:
        return value >= target
    if direction == Indicator.Direction.DECREASE:
        return value <= target
    return round(float(value) - float(target), 1) == 0


def indicator_section(
    *,
    tree: PlanTree,
    year: int,
    values: dict[tuple[int, str], Value],
    assessments: dict[int, str],
) -> Section:
    """Each indicator against its baseline and target, the assessments counted, and the
    values over the years followed up."""
    labels = assessment_labels()
    rows = []
    trend_years = sorted({y for (y, _code) in values if y <= year} | {year})
    trend_rows = []
    for node in tree.nodes():
        for indicator in node.indicators:
            value = values.get((year, indicator.code))
            target = indicator_number(indicator.target_value, indicator.unit)
            rows.append(
                [
                    f"{indicator.code} {indicator.title}",
                    str(indicator.get_unit_display()),
                    str(indicator.get_direction_display()),
                    indicator.baseline_year,
                    indicator_number(indicator.baseline_value, indicator.unit),
                    target,
                    value,
                    labels[assessments[indicator.pk]],
                    yes_no(target_reached(value, target, indicator.direction)),
                ]
            )
            trend_rows.append(
                [
                    f"{indicator.code} {indicator.title}",
                    *[values.get((y, indicator.code)) for y in trend_years],
                ]
            )
    if not rows:
        return Section(
            key="indicators",
            title=_("Indicators"),
            level=1,
            blocks=[Paragraph(_("The plan has no indicators."))],
        )
    counted = Counter(assessments.values())
    assessment_rows = [[labels[k], counted[k]] for k in labels]
    chart = Chart(
        key="assessments",
        kind="bar",
        title=_("Indicators by assessment against the baseline"),
        description=_(
            "Bar chart of how many indicators improved, are unchanged, worsened or could not "
            "be assessed. The figures are in the table below the chart."
        ),
        categories=[row[0] for row in assessment_rows],
        series=[Series(_("Indicators"), [row[1] for row in assessment_rows])],
        axis_label=_("Indicators"),
    )
    return Section(
        key="indicators",
        title=_("Indicators"),
        level=1,
        blocks=[
            Figure(
                chart=chart,
                table=Table(
                    key="assessments",
                    caption=_("Indicators by assessment"),
                    headers=[_("Assessment"), _("Indicators")],
                    rows=[*assessment_rows, [_("Total"), len(assessments)]],
                    total_row=True,
                    sheet=_("Assessments"),
                ),
            ),
            Table(
                key="indicators",
                caption=_("Indicators against baseline and target, %(year)s") % {"year": year},
                headers=[
                    _("Indicator"),
                    _("Unit"),
                    _("Desired direction"),
                    _("Baseline year"),
                    _("Baseline"),
                    _("Target"),
                    str(year),
                    _("Assessment"),
                    _("Target reached"),
                ],
                rows=rows,
                footnotes=[
                    _(
                        "The value is computed from the answers of the actors that report the "
                        "indicator: a share from their numerators and denominators together, a "
                        "count as their sum, otherwise the mean of their values. The assessment "
                        "compares the value with the baseline in the desired direction."
                    )
                ],
                sheet=_("Indicators"),
            ),
            Table(
                key="indicator_trend",
                caption=_("Indicators over the years followed up"),
                headers=[_("Indicator"), *[str(y) for y in trend_years]],
                rows=trend_rows,
                footnotes=[_("Earlier years come from earlier follow-ups of the plan.")],
                sheet=_("Indicator trend"),
            ),
        ],
    )
