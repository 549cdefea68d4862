"""Indicators in the follow-up report: their value each year from the actors' answers,
assessed against the baseline in the desired direction, and the report's section about them.

Disclosure: a value of unit "count" below the threshold (and not zero) is hidden, and so is a
share whose pooled numerator, denominator or their difference is such a count. A hidden value
stands alone (nothing published adds up to it), so hiding it protects it; but its assessment
against the public baseline and target would narrow it ("worsened" from a baseline of 4 means
1–3), so they are hidden with it, and the counts of assessments and the findings count hidden
assessments apart ("not shown")."""

from collections import Counter, defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from plans.models import Indicator
from plans.queries import PlanTree

from .disclosure import is_small
from .document import Chart, Figure, Paragraph, Section, Series, Table, Value
from .wording import yes_no

IMPROVED, UNCHANGED, WORSENED, NOT_ASSESSABLE = "improved", "unchanged", "worsened", "na"
NOT_SHOWN = "not_shown"


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


def _small(value, threshold: int) -> bool:
    return value is not None and 0 < value < threshold


def hidden_indicator_values(
    *, tree: PlanTree, rounds_by_year: dict[int, int], rows: list[tuple], threshold: int
) -> set[tuple[int, str]]:
    """The (year, code) of every indicator value that publication hides: a small count, or a
    share pooled from a small numerator, denominator or difference between them."""
    units = {i.code: i.unit for node in tree.nodes() for i in node.indicators}
    year_of = {round_id: year for year, round_id in rounds_by_year.items()}
    counts: dict = defaultdict(Decimal)
    pooled: dict = defaultdict(lambda: [0, 0])
    given: set = set()
    for round_id, code, value, numerator, denominator in rows:
        key = (year_of[round_id], code)
        if numerator is not None and denominator:
            pooled[key][0] += numerator
            pooled[key][1] += denominator
        if value is not None:
            counts[key] += Decimal(value)
            given.add(key)
    hidden = set()
    for key in set(pooled) | given:
        unit = units.get(key[1])
        if unit == Indicator.Unit.SHARE and key in pooled:
            numerator, denominator = pooled[key]
            if any(
                is_small(n, threshold) for n in (numerator, denominator, denominator - numerator)
            ):
                hidden.add(key)
        elif unit == Indicator.Unit.COUNT and key in given and _small(counts[key], threshold):
            hidden.add(key)
    return hidden


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


def shown_assessments(assessments: dict[int, str], hidden: set[int]) -> dict[int, str]:
    """The assessments as published: those of hidden values counted as not shown."""
    return {pk: NOT_SHOWN if pk in hidden else a for pk, a in assessments.items()}


def indicator_section(
    *,
    tree: PlanTree,
    year: int,
    values: dict[tuple[int, str], Value],
    assessments: dict[int, str],
    hidden: set[tuple[int, str]] = frozenset(),
) -> Section:
    """Each indicator against its baseline and target, the assessments counted, and the
    values over the years followed up. `hidden`: the (year, code) of values publication
    hides; their assessment and target reached are hidden with them."""
    labels = assessment_labels()
    rows = []
    trend_years = sorted({y for (y, _code) in values if y <= year} | {year})
    trend_rows = []
    hidden_cells, trend_hidden = [], []
    hidden_indicators = set()
    for node in tree.nodes():
        for indicator in node.indicators:
            value = values.get((year, indicator.code))
            target = indicator_number(indicator.target_value, indicator.unit)
            if (year, indicator.code) in hidden:
                hidden_cells += [[len(rows), 6], [len(rows), 7], [len(rows), 8]]
                hidden_indicators.add(indicator.pk)
            trend_hidden += [
                [len(trend_rows), column]
                for column, y in enumerate(trend_years, start=1)
                if (y, indicator.code) in hidden
            ]
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
    counted = Counter(shown_assessments(assessments, hidden_indicators).values())
    assessment_rows = [[labels[k], counted[k]] for k in labels]
    if counted[NOT_SHOWN]:
        assessment_rows.append([_("Not shown (small count)"), counted[NOT_SHOWN]])
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
                hidden=hidden_cells,
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
                hidden=trend_hidden,
                footnotes=[_("Earlier years come from earlier follow-ups of the plan.")],
                sheet=_("Indicator trend"),
            ),
        ],
    )
