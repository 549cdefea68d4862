"""Small counts are never shown and can never be worked out from what is shown."""

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.disclosure import suppress, suppress_vector, with_margins

from .feasibility import shown_line_ranges, shown_table_ranges

# Counts as they come: many zeros and small numbers, some large.
COUNT = st.one_of(st.integers(0, 6), st.integers(0, 60))


def tables(max_rows=6, max_columns=5):
    """Up to the shape of the largest statistic: six gender categories by five age bands."""
    return st.integers(1, max_rows).flatmap(
        lambda rows: st.integers(1, max_columns).flatmap(
            lambda columns: st.lists(
                st.lists(COUNT, min_size=columns, max_size=columns),
                min_size=rows,
                max_size=rows,
            )
        )
    )


def shown_grid(counts, threshold):
    grid = with_margins(counts)
    mask = suppress(counts, threshold)
    return grid, [
        [None if hide else v for v, hide in zip(r, m, strict=True)]
        for r, m in zip(grid, mask, strict=True)
    ]


def assert_protected(grid, shown, threshold):
    """What a reader sees reveals no small count: each shown cell is 0 or at least the
    threshold, and each hidden cell could take at least two values."""
    for row in shown:
        for value in row:
            assert value is None or value == 0 or value >= threshold
    rows, columns = len(grid) - 1, len(grid[0]) - 1
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
        assert high is None or high > low, f"cell {cell} can only be {low}"


@settings(max_examples=200, deadline=None)
@given(counts=tables(), threshold=st.integers(2, 10))
def test_no_hidden_count_can_be_worked_out_from_what_is_shown(counts, threshold):
    grid, shown = shown_grid(counts, threshold)
    assert_protected(grid, shown, threshold)


@settings(max_examples=100, deadline=None)
@given(values=st.lists(COUNT, min_size=1, max_size=8), threshold=st.integers(2, 10))
def test_a_list_of_counts_with_its_total_hides_at_least_two_or_none(values, threshold):
    hidden, total_hidden = suppress_vector(values, threshold)
    assert sum(hidden) + total_hidden != 1
    for value, hide in zip(values, hidden, strict=True):
        assert hide or not 0 < value < threshold


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
