"""Small counts are never shown and can never be worked out from what is shown, by a reader who
knows that zeros are shown, that cells are whole numbers and that totals add up: every hidden
cell's exact bounds (HiGHS, tests/reports/feasibility.py) leave it at least two values and reach
the threshold. Tables go through the report's own builders and the published copy, as a reader
would get them, and through series of publications of a corrected table."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.content import report_for_export
from reports.disclosure import Release, suppress, suppress_release, suppress_vector, with_margins
from reports.document import SUPPRESSED, Document
from reports.statistic_tables import participants_section, statistics_sections
from stats.models import Statistic

from .feasibility import (
    exhaustive_ranges,
    feasible_ranges,
    grid_relations,
    line_relations,
    protected,
    series_ranges,
    shown_line_ranges,
    shown_table_ranges,
)

# Counts as they come: many zeros and small numbers, some large.
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 60))
AUDITED = {"tables": 0}  # how many tables the attacker saw in this run (printed at the end)


def tables(max_rows=6, max_columns=5, count=COUNT):
    """Up to the shape of the largest statistic: six gender categories by five age bands."""
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(count, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


def shown_grid(counts, mask):
    grid = with_margins(counts)
    return [
        [None if hide else v for v, hide in zip(r, m, strict=True)]
        for r, m in zip(grid, mask, strict=True)
    ]


def assert_protected(counts, mask, threshold):
    """What a reader sees reveals no small count: each shown cell is 0 or at least the
    threshold, no zero is hidden, and each hidden cell's exact bounds protect it."""
    AUDITED["tables"] += 1
    grid = with_margins(counts)
    shown = shown_grid(counts, mask)
    for row, truth in zip(shown, grid, strict=True):
        for value, real in zip(row, truth, strict=True):
            assert value is None or value == 0 or value >= threshold
            assert value is not None or real > 0, "a zero is hidden"
    rows, columns = len(counts), len(counts[0])
    if rows > 1 and columns > 1:
        ranges = shown_table_ranges(shown)
        truth = {(i, j): grid[i][j] for (i, j) in ranges}
    else:
        # A single row or column is shown as a list of counts and its total.
        if columns == 1:
            values, real = [row[0] for row in shown[:-1]], [row[0] for row in grid[:-1]]
        else:
            values, real = shown[0][:-1], grid[0][:-1]
        ranges = shown_line_ranges(values, shown[-1][-1])
        truth = dict(enumerate(real)) | {"total": grid[-1][-1]}
    for cell, (low, high) in ranges.items():
        assert low <= truth[cell] and (high is None or truth[cell] <= high)
        assert protected(low, high, threshold), f"cell {cell} is known to lie in {low}..{high}"
    return ranges


@settings(max_examples=500, deadline=None)
@given(counts=tables(), threshold=st.integers(2, 10))
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(counts, threshold):
    assert_protected(counts, suppress(counts, threshold), threshold)


@settings(max_examples=60, deadline=None)
@given(counts=tables(max_rows=2, max_columns=3, count=st.integers(0, 3)))
def test_the_linear_bounds_are_the_whole_number_bounds(counts):
    """The attacker cross-checked: on small tables, trying every table the reader could
    imagine gives the same bounds as the linear program."""
    mask = suppress(counts, 5)
    shown = shown_grid(counts, mask)
    rows, columns = len(counts), len(counts[0])
    cells = {(i, j): v for i, row in enumerate(shown) for j, v in enumerate(row)}
    hidden = [c for c, v in cells.items() if v is None]
    known = {c: v for c, v in cells.items() if v is not None}
    # A bounded cell lies below the grand total, so under half the cap.
    cap = 2 * sum(map(sum, counts)) + 4
    if not hidden or cap ** len(hidden) > 300_000:
        return
    relations = grid_relations(rows, columns)
    assert exhaustive_ranges(relations, known, hidden, cap) == feasible_ranges(
        relations, known, hidden
    )


@pytest.mark.parametrize(
    "counts",
    [
        [[1] * 5 for _ in range(6)],  # all ones
        [[1]],
        [[1, 1, 1, 1, 1]],  # the reproduction: five hidden ones under a total of 5
        [[1], [1], [1], [1], [1]],
        [[1], [1], [1], [1], [1], [0]],
        [[2], [5], [8], [2], [5], [8]],  # the demo's staff trained, by gender
        [[3, 0, 0], [0, 0, 0]],
        [[0, 0], [0, 0]],
        [[1, 40], [40, 1]],
        [[4, 4, 4, 4, 4]],
        [[9, 1, 9], [9, 9, 9]],
    ],
)
@pytest.mark.parametrize("threshold", [2, 5, 10])
def test_all_ones_single_rows_and_columns_and_the_reproductions(counts, threshold):
    assert_protected(counts, suppress(counts, threshold), threshold)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(COUNT, min_size=1, max_size=8), threshold=st.integers(2, 10))
def test_a_list_of_counts_with_its_total_hides_at_least_two_or_none(values, threshold):
    hidden, total_hidden = suppress_vector(values, threshold)
    assert sum(hidden) + total_hidden != 1
    for value, hide in zip(values, hidden, strict=True):
        assert hide or not 0 < value < threshold


def test_five_hidden_ones_under_a_shown_total_are_no_longer_published():
    """The reproduction of the issue: zeros are shown, so five hidden cells under a total of 5
    are each exactly 1. The total is hidden with them now."""
    hidden, total_hidden = suppress_vector([1, 1, 1, 1, 1], 5)
    assert all(hidden) and total_hidden
    mask = suppress([[1], [1], [1], [1], [1], [0]], 5)
    assert mask[-1][0]


def test_a_row_with_one_small_cell_hides_a_second_cell_of_that_row():
    counts = [[12, 3, 20], [15, 18, 25]]
    mask = suppress(counts, 5)
    assert mask[0][1]
    assert sum(mask[0][:3]) >= 2
    # and a second row, so the columns do not give the cells away either
    assert sum(mask[1][:3]) >= 2


def test_the_cheapest_cells_are_hidden_and_large_totals_stay_visible():
    counts = [[20, 30, 3], [10, 20, 40], [7, 8, 9]]
    mask = suppress(counts, 5)
    hidden = {(i, j) for i, row in enumerate(mask) for j, flag in enumerate(row) if flag}
    assert hidden == {(0, 0), (0, 2), (2, 0), (2, 2)}


def test_zero_is_shown_and_a_table_without_small_counts_hides_nothing():
    assert not any(any(row) for row in suppress([[0, 12], [7, 0]], 5))


def test_a_small_total_is_hidden_with_its_parts():
    mask = suppress([[1, 2, 0], [10, 20, 30]], 5)
    assert mask[0][3], "the row total 3 is small"
    assert mask[0][0] and mask[0][1] and not mask[0][2]


def test_the_same_table_is_always_suppressed_the_same_way():
    counts = [[1, 7, 9, 0], [6, 2, 8, 11], [5, 5, 5, 3]]
    assert suppress(counts, 5) == suppress([list(row) for row in counts], 5)


def test_a_single_count_below_the_threshold_is_hidden_everywhere():
    assert suppress([[3]], 5) == [[True, True], [True, True]]
    assert suppress([[0]], 5) == [[False, False], [False, False]]


# Through the report's own tables and the published copy --------------------------------------

SHAPES = {  # (by gender, by age): the statistic's table shape
    "gender and age": (True, True),
    "gender": (True, False),
    "age": (False, True),
    "not split": (False, False),
}


def published(sections) -> Document:
    document = Document(kind="followup_report", title="T", language="sv", exact=True, threshold=5)
    document.sections = sections
    return report_for_export(document)


def read_numbers(table):
    """The table as a reader has it: numbers, or None where hidden."""
    return [[None if v == SUPPRESSED else v for v in row[1:]] for row in table.rows]


def attack(relations, cells, threshold):
    """Every hidden cell (None) of one system of relations must be protected."""
    hidden = [c for c, v in cells.items() if v is None]
    shown = {c: v for c, v in cells.items() if v is not None}
    for cell, (low, high) in feasible_ranges(relations, shown, hidden).items():
        assert protected(low, high, threshold), (cell, low, high)


def statistic_cells(statistic, counts):
    genders = statistic.genders()
    ages = statistic.age_bands()
    if statistic.by_gender:
        return {(g, a): counts[i][j] for i, g in enumerate(genders) for j, a in enumerate(ages)}
    if statistic.by_age:
        return {("", a): counts[i][0] for i, a in enumerate(ages)}
    return {("", ""): counts[0][0]}


@st.composite
def statistic_years(draw):
    shape = draw(st.sampled_from(sorted(SHAPES)))
    by_gender, by_age = SHAPES[shape]
    rows = 6 if by_gender else (5 if by_age else 1)
    columns = 5 if by_gender and by_age else 1
    year = st.lists(
        st.lists(COUNT, min_size=columns, max_size=columns), min_size=rows, max_size=rows
    )
    return by_gender, by_age, draw(year), draw(year)


@settings(max_examples=500, deadline=None)
@given(drawn=statistic_years(), threshold=st.integers(2, 10))
def test_a_statistic_as_published_with_its_trend_reveals_no_small_count(drawn, threshold):
    """A statistic of every shape over two years, built as the report builds it and published:
    the year's table and the trend (which repeats the year's totals) read together."""
    by_gender, by_age, earlier, current = drawn
    statistic = Statistic(pk=1, code="x", name="X", by_gender=by_gender, by_age=by_age)
    cells = {
        1: {1: statistic_cells(statistic, earlier)},
        2: {1: statistic_cells(statistic, current)},
    }
    document = published(
        statistics_sections(
            statistics=[statistic],
            rounds_by_year={2024: 1, 2025: 2},
            cells=cells,
            year=2025,
            threshold=threshold,
            releases={},
            ledger={},
        )
    )
    AUDITED["tables"] += 2
    table = next(t for t in document.tables() if t.key == "statistic-1-2025")
    trend = next(t for t in document.tables() if t.key == "statistic-1-trend")
    shown, years = read_numbers(table), read_numbers(trend)
    for row in shown + years:
        assert all(v is None or v == 0 or v >= threshold for v in row)
    wide = by_gender and by_age
    rows = len(earlier)
    if wide:
        # The year's grid, and each year's row totals and grand total from the trend.
        grid = {(i, j): v for i, row in enumerate(shown) for j, v in enumerate(row)}
        for i in range(rows + 1):
            if grid[(i, 5)] is not None and years[i][1] is not None:
                assert grid[(i, 5)] == years[i][1]
            grid[(i, 5)] = grid[(i, 5)] if grid[(i, 5)] is not None else years[i][1]
        attack(grid_relations(rows, 5), grid, threshold)
        attack(
            line_relations(rows),
            {i: years[i][0] for i in range(rows)} | {"total": years[-1][0]},
            threshold,
        )
    elif rows > 1:
        for column in range(2):
            values = [row[column] for row in years]
            if column == 1:  # the year's table and the trend's last column: the same cells
                values = [
                    t if t is not None else y
                    for t, y in zip([r[0] for r in shown], values, strict=True)
                ]
            attack(
                line_relations(rows),
                dict(enumerate(values[:-1])) | {"total": values[-1]},
                threshold,
            )


@settings(max_examples=200, deadline=None)
@given(
    counts=tables(max_rows=8, max_columns=1).flatmap(
        lambda t: st.lists(
            st.lists(COUNT, min_size=6, max_size=6), min_size=len(t), max_size=len(t)
        )
    ),
    threshold=st.integers(2, 10),
)
def test_participants_as_published_reveal_no_small_count(counts, threshold):
    activities = [(pk, f"{pk} Aktivitet") for pk in range(1, len(counts) + 1)]
    by_activity = {
        pk: dict(zip(("girls", "boys", "women", "men", "other", "unknown"), row, strict=True))
        for (pk, _l), row in zip(activities, counts, strict=True)
    }
    document = published(
        [
            participants_section(
                activities=activities,
                counts=by_activity,
                round_id=1,
                year=2025,
                threshold=threshold,
                releases={},
                ledger={},
            )
        ]
    )
    AUDITED["tables"] += 1
    table = next(t for t in document.tables() if t.key == "participants")
    shown = read_numbers(table)
    rows = len(counts)
    if rows == 1:
        line = shown[0]
        attack(line_relations(6), dict(enumerate(line[:-1])) | {"total": line[-1]}, threshold)
    else:
        attack(
            grid_relations(rows, 6),
            {(i, j): v for i, row in enumerate(shown) for j, v in enumerate(row)},
            threshold,
        )


# Publishing again ---------------------------------------------------------------------------


def releases_attack(series, threshold):
    """A reader holding every release of a table, knowing which cells changed between
    consecutive ones: an unchanged cell is the same unknown throughout its run."""
    rows, columns = len(series[0][0]) - 1, len(series[0][0][0]) - 1
    line = rows == 1 or columns == 1
    runs: dict = {}
    prepared = []
    for index, (grid, mask) in enumerate(series):
        if mask is None:
            continue  # withheld: nothing of it was published
        if line:
            if columns == 1:
                cells = {i: (grid[i][0], mask[i][0]) for i in range(rows)}
            else:
                cells = {j: (grid[0][j], mask[0][j]) for j in range(columns)}
            cells["total"] = (grid[-1][-1], mask[-1][-1])
            relations = line_relations(len(cells) - 1)
        else:
            cells = {
                (i, j): (grid[i][j], mask[i][j])
                for i in range(rows + 1)
                for j in range(columns + 1)
            }
            relations = grid_relations(rows, columns)
        hidden, shown = {}, {}
        for cell, (value, hide) in cells.items():
            last = runs.get(cell)
            run = last[1] if last and last[0] == value else index
            runs[cell] = (value, run)
            if hide:
                hidden[cell] = (cell, run)
            else:
                shown[cell] = value
        prepared.append((relations, shown, hidden))
    return series_ranges(prepared)


@st.composite
def corrections(draw):
    counts = draw(tables(max_rows=5, max_columns=4))
    rows, columns = len(counts), len(counts[0])
    later = [list(row) for row in counts]
    series = [counts]
    for _correction in range(draw(st.integers(1, 2))):
        for _cell in range(draw(st.integers(1, 3))):
            i, j = draw(st.integers(0, rows - 1)), draw(st.integers(0, columns - 1))
            later[i][j] = draw(st.one_of(st.integers(0, 6), st.integers(0, 40)))
        series.append([list(row) for row in later])
    return series


@settings(max_examples=200, deadline=None)
@given(versions=corrections(), threshold=st.integers(2, 6))
def test_publishing_a_corrected_table_again_reveals_nothing_next_to_the_earlier_ones(
    versions, threshold
):
    history: list[Release] = []
    series = []
    for counts in versions:
        mask = suppress_release(counts, threshold, history)
        grid = with_margins(counts)
        series.append((grid, mask))
        if mask is not None:
            history.append(Release.of(grid, mask))
            assert_protected(counts, mask, threshold)
    AUDITED["tables"] += len(series)
    for name, (low, high) in releases_attack(series, threshold).items():
        assert protected(low, high, threshold), (name, low, high)


def test_an_unchanged_table_is_published_again_exactly_as_before():
    counts = [[1, 7, 9, 0], [6, 2, 8, 11], [5, 5, 5, 3]]
    mask = suppress(counts, 5)
    again = suppress_release(counts, 5, [Release.of(with_margins(counts), mask)])
    assert again == mask


@pytest.mark.parametrize(
    "change",
    [
        ((0, 2), 1),  # a zero becomes a small count
        ((0, 0), 4),  # a small count grows by one
        ((1, 1), 21),  # a large count moves its totals by one
    ],
)
def test_the_three_corrections_of_the_issue(change):
    first = [[3, 12, 0], [9, 20, 14], [2, 8, 30]]
    (i, j), value = change
    second = [list(row) for row in first]
    second[i][j] = value
    mask = suppress(first, 5)
    again = suppress_release(second, 5, [Release.of(with_margins(first), mask)])
    assert again is not None, "an ordinary correction does not withhold the table"
    series = [(with_margins(first), mask), (with_margins(second), again)]
    for name, (low, high) in releases_attack(series, 5).items():
        assert protected(low, high, 5), (name, low, high)


def test_the_audit_count(request):
    """Not a check: says how many tables the attacker audited in this run."""
    print(f"\ntables audited by the exact attacker: {AUDITED['tables']}")
    assert AUDITED["tables"] >= 0
