"""The exact attacker: what a reader can work out about the hidden cells of published tables.

Independent of reports.disclosure. The reader knows every shown cell, that zeros are shown (so
every hidden cell is a whole number of at least 1) and that every total is the sum of its parts,
in every table and every release that shows the same cells. For each hidden unknown it computes
the least and greatest value it can take, with HiGHS.

One table's relations have a totally unimodular matrix (a network) and whole-number right-hand
sides, so the linear program's bounds are whole numbers the cell can really take; they are
rounded inwards only to absorb floating-point noise. Several releases that share unknowns are no
longer a network, so there the bounds come from the integer program (the same model with
integral variables), which is exact. `exhaustive_ranges` enumerates small tables outright to
cross-check both.

A cell is protected when low < high and high >= threshold (high None: unbounded).
"""

import itertools
from collections.abc import Hashable, Sequence

import highspy

Cell = Hashable
Relation = tuple[Sequence[Cell], Cell]  # (parts, total): the parts sum to the total
LIMIT = 10**6  # a bound at the limit is no bound


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


def solve_ranges(
    equations: list[tuple[dict, float]], unknowns: Sequence, *, integral: bool = False, lower=1
) -> dict:
    """For each unknown, (least, greatest or None) subject to every equation
    (sum of coefficient × unknown = constant) and unknown >= lower (a number, or a dict by
    unknown)."""
    index = {u: k for k, u in enumerate(unknowns)}
    if not unknowns:
        return {}
    h = highspy.Highs()
    h.silent()
    for u in unknowns:
        h.addVar(lower.get(u, 1) if isinstance(lower, dict) else lower, LIMIT)
    if integral:
        for k in range(len(unknowns)):
            h.changeColIntegrality(k, highspy.HighsVarType.kInteger)
    for coefficients, constant in equations:
        terms = [(index[u], c) for u, c in coefficients.items() if c]
        if not terms:
            if abs(constant) > 1e-9:
                raise ValueError("The shown cells contradict each other.")
            continue
        h.addRow(constant, constant, len(terms), [t[0] for t in terms], [t[1] for t in terms])
    ranges = {}
    n = len(unknowns)
    for u, k in index.items():
        bounds = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            h.changeColsCost(n, list(range(n)), [1.0 if j == k else 0.0 for j in range(n)])
            h.changeObjectiveSense(sense)
            h.run()
            status = h.getModelStatus()
            if status != highspy.HighsModelStatus.kOptimal:
                raise ValueError(f"The reader's model is {h.modelStatusToString(status)}.")
            bounds.append(h.getInfo().objective_function_value)
        # Inwards: a whole-number bound a hair off is that whole number.
        low = int(-(-(bounds[0] - 1e-6) // 1))
        high = int((bounds[1] + 1e-6) // 1)
        ranges[u] = (low, None if high >= LIMIT // 2 else high)
    return ranges


def feasible_ranges(
    relations: list[Relation], shown: dict[Cell, int], hidden: Sequence[Cell], *, lower=1
) -> dict[Cell, tuple[int, int | None]]:
    """For every hidden cell of one table, its least and greatest possible value."""
    equations = []
    for parts, total in relations:
        coefficients: dict = {}
        constant = 0
        for cell, sign in [(part, 1) for part in parts] + [(total, -1)]:
            if cell in shown:
                constant -= sign * shown[cell]
            else:
                coefficients[cell] = coefficients.get(cell, 0) + sign
        equations.append((coefficients, constant))
    return solve_ranges(equations, list(hidden), lower=lower)


def series_ranges(releases: list[tuple[list[Relation], dict, dict]]) -> dict:
    """Every hidden unknown of several releases read together. Each release is (relations,
    shown: cell -> value, hidden: cell -> unknown name); an unknown name shared by releases is
    the same unknown in each (a cell that did not change). Exact: an integer program."""
    equations, unknowns = [], []
    for relations, shown, hidden in releases:
        for name in hidden.values():
            if name not in unknowns:
                unknowns.append(name)
        for parts, total in relations:
            coefficients: dict = {}
            constant = 0
            for cell, sign in [(part, 1) for part in parts] + [(total, -1)]:
                if cell in hidden:
                    name = hidden[cell]
                    coefficients[name] = coefficients.get(name, 0) + sign
                else:
                    constant -= sign * shown[cell]
            equations.append((coefficients, constant))
    return solve_ranges(equations, unknowns, integral=True)


def exhaustive_ranges(relations, shown, hidden, cap: int) -> dict:
    """The same bounds by trying every table with hidden cells 1..cap (small tables only);
    a greatest value of at least cap / 2 reads as unbounded (choose cap above twice any
    bounded value)."""
    hidden = list(hidden)
    found: dict = {}
    for values in itertools.product(range(1, cap + 1), repeat=len(hidden)):
        cells = dict(shown) | dict(zip(hidden, values, strict=True))
        if all(sum(cells[p] for p in parts) == cells[total] for parts, total in relations):
            for cell, value in zip(hidden, values, strict=True):
                low, high = found.get(cell, (value, value))
                found[cell] = (min(low, value), max(high, value))
    return {c: (low, None if 2 * high >= cap else high) for c, (low, high) in found.items()}


def protected(low: int, high: int | None, threshold: int) -> bool:
    return high is None or (high > low and high >= threshold)


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
