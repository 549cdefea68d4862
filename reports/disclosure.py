"""Disclosure control for tables of counts: which cells to hide so that no count below the
threshold can be read or worked out from what is shown.

Pure functions, no Django. A table of counts is shown with its margins: a total column on the
right, a total row at the bottom and the grand total in the corner. `suppress` returns a mask
over that whole grid (interior, margins and grand total).

1. Primary suppression hides every cell, margins included, with 0 < count < threshold. Zero is
   shown: an empty cell reveals nobody.
2. Secondary suppression hides further cells until no hidden cell can be worked out from the
   shown cells and the additive relations of the table (each row sums to its total, each column
   to its total, the totals to the grand total).

Why that is enough: number the grid's rows 0..R (R the total row) and columns 0..C (C the total
column). Every cell lies on exactly one row relation and one column relation, so the grid is the
complete bipartite graph between row nodes and column nodes with one edge per cell, and after a
sign change of the margin cells every relation says "the edges at this node sum to a known
value". The unknown (hidden) cells can then shift by +1/-1 alternately around any cycle of
hidden edges without changing a single shown value. A hidden cell is therefore determined
exactly when it is a bridge of the hidden subgraph, and it has several possible values when it
lies on a cycle. Secondary suppression removes every bridge by hiding the cheapest path that
closes a cycle through it (cheapest = smallest counts, never a zero while another path exists —
and one always does, through the margins). Every hidden cell is then at least 1 and lies on a
cycle, so each could be one more or one less than it is: never derivable.

Tables with one row or one column are shown without the duplicate margin (a column of counts
and its total); they are a single relation and are handled as a vector.
"""

import heapq
from collections.abc import Sequence

Counts = Sequence[Sequence[int]]
Mask = list[list[bool]]


def with_margins(counts: Counts) -> list[list[int]]:
    """The grid: every row followed by its total, then the total row with the grand total."""
    rows = [list(row) + [sum(row)] for row in counts]
    columns = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(columns)])
    return rows


def is_small(count: int, threshold: int) -> bool:
    """A count that may not be shown: below the threshold and not zero."""
    return 0 < count < threshold


def suppress(counts: Counts, threshold: int) -> Mask:
    """Which cells of `with_margins(counts)` to hide."""
    if not counts or not counts[0]:
        raise ValueError("A table needs at least one row and one column.")
    grid = with_margins(counts)
    rows, columns = len(counts), len(counts[0])
    if rows == 1 or columns == 1:
        return _suppress_line(grid, rows, columns, threshold)
    hidden = [[is_small(value, threshold) for value in row] for row in grid]
    while bridge := _first_bridge(hidden):
        for i, j in _cheapest_closing_path(grid, hidden, bridge):
            hidden[i][j] = True
    return hidden


def suppress_vector(values: Sequence[int], threshold: int) -> tuple[list[bool], bool]:
    """Hidden flags for a list of counts shown with its total, and whether the total is hidden."""
    mask = suppress([[value] for value in values], threshold)
    return [row[0] for row in mask[:-1]], mask[-1][0]


# One row or one column: a single relation "the counts sum to the total" -----------------------


def _suppress_line(grid: list[list[int]], rows: int, columns: int, threshold: int) -> Mask:
    if columns == 1:
        values = [grid[i][0] for i in range(rows)]
    else:
        values = grid[0][:columns]
    total = sum(values)
    hidden = [is_small(value, threshold) for value in values]
    total_hidden = is_small(total, threshold)
    if sum(hidden) + total_hidden == 1:
        # One hidden value on a line is the total minus the others: hide the smallest other
        # count. There is always one that is not zero: otherwise the total would equal the
        # hidden count and be hidden itself.
        candidates = [(value, index) for index, value in enumerate(values) if not hidden[index]]
        candidates = [(value, index) for value, index in candidates if value > 0]
        if candidates:
            hidden[min(candidates)[1]] = True
        else:
            total_hidden = True
    if columns == 1:  # each row total repeats its count
        return [[flag, flag] for flag in hidden] + [[total_hidden, total_hidden]]
    line = hidden + [total_hidden]  # one row: each column total repeats its count
    return [line, list(line)]


# The general case: the bipartite graph of rows and columns ------------------------------------


def _hidden_edges(hidden: Mask) -> list[tuple[int, int]]:
    return [(i, j) for i, row in enumerate(hidden) for j, flag in enumerate(row) if flag]


def _connected_without(edges: list[tuple[int, int]], skip: tuple[int, int]) -> bool:
    """Whether the row node and column node of `skip` are connected by the other edges."""
    rows: dict[int, list[int]] = {}
    columns: dict[int, list[int]] = {}
    for edge in edges:
        if edge != skip:
            rows.setdefault(edge[0], []).append(edge[1])
            columns.setdefault(edge[1], []).append(edge[0])
    start, goal = ("r", skip[0]), ("c", skip[1])
    seen, stack = {start}, [start]
    while stack:
        side, index = stack.pop()
        if (side, index) == goal:
            return True
        neighbours = rows.get(index, []) if side == "r" else columns.get(index, [])
        other = "c" if side == "r" else "r"
        for neighbour in neighbours:
            if (other, neighbour) not in seen:
                seen.add((other, neighbour))
                stack.append((other, neighbour))
    return False


def _first_bridge(hidden: Mask) -> tuple[int, int] | None:
    """The first hidden cell, in reading order, that lies on no cycle of hidden cells."""
    edges = _hidden_edges(hidden)
    for edge in edges:
        if not _connected_without(edges, edge):
            return edge
    return None


ZERO_COST = 10**12  # a zero is hidden only if nothing else closes the cycle (never, in fact)


def _cheapest_closing_path(
    grid: list[list[int]], hidden: Mask, bridge: tuple[int, int]
) -> list[tuple[int, int]]:
    """The cells to hide so that `bridge` lies on a cycle: the cheapest path from its row to
    its column that does not use the bridge itself. Hidden cells cost nothing, others their
    count; ties are broken by position so the result is always the same."""
    rows, columns = len(grid), len(grid[0])
    start, goal = ("r", bridge[0]), ("c", bridge[1])
    best = {start: 0}
    previous: dict[tuple[str, int], tuple[str, int]] = {}
    queue = [(0, start)]
    while queue:
        cost, node = heapq.heappop(queue)
        if node == goal:
            break
        if cost > best.get(node, cost):
            continue
        side, index = node
        for other in range(columns if side == "r" else rows):
            cell = (index, other) if side == "r" else (other, index)
            if cell == bridge:
                continue
            value = grid[cell[0]][cell[1]]
            step = 0 if hidden[cell[0]][cell[1]] else (value or ZERO_COST)
            neighbour = ("c" if side == "r" else "r", other)
            if cost + step < best.get(neighbour, cost + step + 1):
                best[neighbour] = cost + step
                previous[neighbour] = node
                heapq.heappush(queue, (cost + step, neighbour))
    path, node = [], goal
    while node != start:
        before = previous[node]
        path.append((before[1], node[1]) if before[0] == "r" else (node[1], before[1]))
        node = before
    return [cell for cell in path if not hidden[cell[0]][cell[1]]]
