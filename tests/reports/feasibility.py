"""What a reader can work out about the hidden cells of a published table.

Independent of reports.disclosure: given the shown cells and the table's additive relations
(parts sum to their total) it computes, with an exact simplex method over fractions, the least
and greatest value each hidden cell can take while every count stays non-negative. The
relations have a totally unimodular matrix and whole-number right-hand sides, so both bounds are
whole numbers that the cell can really take: a cell with low < high has at least two possible
values and cannot be derived.
"""

from collections.abc import Hashable, Sequence
from fractions import Fraction

Cell = Hashable
Relation = tuple[Sequence[Cell], Cell]  # (parts, total): the parts sum to the total


def grid_relations(rows: int, columns: int) -> list[Relation]:
    """The relations of a table of rows × columns shown with a total column and a total row:
    cell (i, j) of the grid; row `rows` and column `columns` are the totals."""
    relations: list[Relation] = []
    for i in range(rows + 1):
        relations.append(([(i, j) for j in range(columns)], (i, columns)))
    for j in range(columns + 1):
        relations.append(([(i, j) for i in range(rows)], (rows, j)))
    return relations


def line_relations(length: int) -> list[Relation]:
    """A list of counts (cells 0..length-1) and its total (cell "total")."""
    return [(list(range(length)), "total")]


def feasible_ranges(
    relations: list[Relation], shown: dict[Cell, int], hidden: Sequence[Cell]
) -> dict[Cell, tuple[Fraction, Fraction | None]]:
    """For every hidden cell, its least and greatest possible value (None: unbounded)."""
    index = {cell: k for k, cell in enumerate(hidden)}
    matrix, rhs = [], []
    for parts, total in relations:
        row = [Fraction(0)] * len(hidden)
        constant = Fraction(0)
        for cell, sign in [(part, 1) for part in parts] + [(total, -1)]:
            if cell in index:
                row[index[cell]] += sign
            else:
                constant -= sign * shown[cell]
        if any(row):
            matrix.append(row)
            rhs.append(constant)
        elif constant != 0:
            raise ValueError("The shown cells contradict each other.")
    ranges = {}
    for cell, k in index.items():
        objective = [Fraction(0)] * len(hidden)
        objective[k] = Fraction(1)
        low = _minimise(matrix, rhs, objective)
        objective[k] = Fraction(-1)
        high = _minimise(matrix, rhs, objective)
        ranges[cell] = (low, None if high is None else -high)
    return ranges


def _minimise(matrix, rhs, objective) -> Fraction | None:
    """min objective·x subject to matrix·x = rhs, x >= 0; None when unbounded below.
    Two-phase simplex with Bland's rule (no cycling)."""
    m, n = len(matrix), len(objective)
    if m == 0:
        return None if any(c < 0 for c in objective) else Fraction(0)
    # Phase 1 tableau: [A | I | b] with artificial variables n .. n+m-1.
    rows = []
    for i in range(m):
        sign = -1 if rhs[i] < 0 else 1
        rows.append(
            [sign * a for a in matrix[i]]
            + [Fraction(int(k == i)) for k in range(m)]
            + [sign * rhs[i]]
        )
    basis = [n + i for i in range(m)]
    phase1 = [Fraction(0)] * n + [Fraction(1)] * m
    _run(rows, basis, phase1, n + m)
    if _value(rows, basis, phase1) != 0:
        raise ValueError("The shown cells admit no non-negative solution.")
    # Drive remaining artificial variables out of the basis where possible.
    for i, var in enumerate(basis):
        if var >= n:
            pivot = next((j for j in range(n) if rows[i][j] != 0), None)
            if pivot is not None:
                _pivot(rows, basis, i, pivot)
    keep = [i for i, var in enumerate(basis) if var < n]
    rows = [rows[i][:n] + [rows[i][-1]] for i in keep]
    basis = [basis[i] for i in keep]
    if _run(rows, basis, list(objective), n) == "unbounded":
        return None
    return _value(rows, basis, objective)


def _value(rows, basis, costs) -> Fraction:
    return sum((costs[var] * rows[i][-1] for i, var in enumerate(basis)), Fraction(0))


def _pivot(rows, basis, r, c) -> None:
    factor = rows[r][c]
    rows[r] = [value / factor for value in rows[r]]
    for i, row in enumerate(rows):
        if i != r and row[c] != 0:
            f = row[c]
            rows[i] = [a - f * b for a, b in zip(row, rows[r], strict=True)]
    basis[r] = c


def _run(rows, basis, costs, width) -> str:
    while True:
        duals = {var: costs[var] for var in basis}
        entering = None
        for j in range(width):
            if j in duals:
                continue
            reduced = costs[j] - sum(duals[basis[i]] * rows[i][j] for i in range(len(rows)))
            if reduced < 0:
                entering = j
                break
        if entering is None:
            return "optimal"
        candidates = [
            (rows[i][-1] / rows[i][entering], basis[i], i)
            for i in range(len(rows))
            if rows[i][entering] > 0
        ]
        if not candidates:
            return "unbounded"
        _ratio, _var, leaving = min(candidates)
        _pivot(rows, basis, leaving, entering)


def shown_table_ranges(grid: list[list[int | None]]) -> dict:
    """Ranges of the hidden (None) cells of a grid shown with its margins."""
    rows, columns = len(grid) - 1, len(grid[0]) - 1
    cells = {(i, j): value for i, row in enumerate(grid) for j, value in enumerate(row)}
    hidden = [cell for cell, value in cells.items() if value is None]
    shown = {cell: value for cell, value in cells.items() if value is not None}
    return feasible_ranges(grid_relations(rows, columns), shown, hidden)


def shown_line_ranges(values: list[int | None], total: int | None) -> dict:
    cells: dict = dict(enumerate(values)) | {"total": total}
    hidden = [cell for cell, value in cells.items() if value is None]
    shown = {cell: value for cell, value in cells.items() if value is not None}
    return feasible_ranges(line_relations(len(values)), shown, hidden)
