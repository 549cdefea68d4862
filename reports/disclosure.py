"""Disclosure control for tables of counts: which cells to hide so that no count below the
threshold can be read or worked out from what is published.

Pure functions, no Django. A table of counts is shown with its margins: a total column on the
right, a total row at the bottom and the grand total in the corner. `suppress` returns a mask
over that whole grid (interior, margins and grand total).

The reader we protect against knows every published figure, knows that zeros are shown (so a
hidden cell is a whole number of at least 1) and that every total is the sum of its parts. A
hidden cell is protected when, given all that, it can take at least two values and its greatest
possible value is at least the threshold: the reader can neither pin it nor narrow it to an
interval inside 1 … threshold − 1. (The reader is not assumed to reason about why a cell was
hidden: a lone hidden count is known to be at least 1, nothing more.)

Why the table is a network. Number the grid's rows 0..R (R the total row) and columns 0..C (C
the total column) and give each row and column a node. An interior cell (i, j) is an arc from
row i to column j, a row total (i, C) an arc from column C to row i, a column total (R, j) an arc
from column j to row R, and the grand total an arc from row R to column C. Every additive
relation of the table then says "what flows into this node flows out of it": the values form a
circulation. The reader's possible tables are the circulations that agree with every shown cell
and are at least 1 on every hidden one. So a hidden cell can grow by t exactly when t units can
flow back from its head to its tail through the other hidden arcs, forwards without limit (a
cell can always be larger) and backwards by at most its value − 1 (no hidden cell below 1): a
maximum-flow computation, no solver needed. The constraint matrix is a network matrix (totally
unimodular), so these bounds are whole numbers and the reader's linear-programming bounds are
exactly the bounds over whole-number tables.

1. Primary suppression hides every cell, margins included, with 0 < count < threshold. Zero is
   shown: an empty cell reveals nobody. Zeros are never hidden.
2. Each hidden cell is audited in turn, smallest first: a cell with value v < threshold must be
   able to grow by threshold − v, a larger one must be able to move at all. When it cannot,
   the cheapest cells that let it are hidden as well: successive cheapest augmenting paths,
   where a cell already hidden costs nothing and a shown one its count (twice its count for a
   total, so small interior cells go first and large totals stay visible where possible).
   Every cell added lies on a path that carries flow, so it can move too; it is audited again
   all the same. Hiding a cell only widens what the others can be, so the audit ends with every
   hidden cell protected.
3. There is always such a path: a cell's row total, column total and the grand total are all
   non-zero when the cell is, and together with the cell they form a cycle of forward arcs.
   Hiding every non-zero cell and margin is therefore always protected (every hidden cell can
   grow without limit); it is the fallback, never needed in practice.

Tables with one row or one column are shown without the duplicate margin (a column of counts
and its total); they are one relation, a network of two nodes.

Publishing again. A reader may hold every earlier release of the same table (an earlier report
of the round, or the same year in an earlier report's trend) and knows which cells changed:
a cell whose value did not change is the same unknown in each. `suppress_release` takes those
releases (their exact values and masks) and returns a mask that keeps the whole series
protected, or None when the table must be withheld from this release. It carries every hidden
cell of the latest release forward, lets a cell whose value is unchanged keep its place (shown
or hidden: showing it again reveals nothing new), and audits every hidden cell of every
release with moves that are sound for the series: a move applied alike to the releases
p … q of a run of releases, on cells hidden in all of them whose values differ from those in
the releases just before p and just after q (so no other release shares the unknowns it
moves). Only cells whose value changed can be hidden anew, so only they can be added. When
that is not enough, every changed cell is hidden; when even that is not, the table is withheld
(nothing of it published, so the earlier releases keep the protection they had).
"""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

Counts = Sequence[Sequence[int]]
Mask = list[list[bool]]
UNLIMITED = 10**15


def with_margins(counts: Counts) -> list[list[int]]:
    """The grid: every row followed by its total, then the total row with the grand total."""
    rows = [list(row) + [sum(row)] for row in counts]
    columns = len(rows[0]) if rows else 1
    rows.append([sum(row[j] for row in rows) for j in range(columns)])
    return rows


def is_small(count: int, threshold: int) -> bool:
    """A count that may not be shown: below the threshold and not zero."""
    return 0 < count < threshold


@dataclass(frozen=True)
class Release:
    """A table as an earlier publication showed it: the exact grid (with margins) and which of
    its cells were hidden."""

    values: tuple[tuple[int, ...], ...]
    hidden: tuple[tuple[bool, ...], ...]

    @classmethod
    def of(cls, values, hidden) -> "Release":
        return cls(tuple(map(tuple, values)), tuple(map(tuple, hidden)))


def suppress(counts: Counts, threshold: int) -> Mask:
    """Which cells of `with_margins(counts)` to hide."""
    mask = suppress_release(counts, threshold, ())
    assert mask is not None  # a first release is never withheld
    return mask


def suppress_release(counts: Counts, threshold: int, history: Sequence[Release]) -> Mask | None:
    """Which cells of `with_margins(counts)` to hide, given the earlier releases of the same
    table (oldest first, same shape); None: withhold the table from this release."""
    if not counts or not counts[0]:
        raise ValueError("A table needs at least one row and one column.")
    key = tuple(tuple(row) for row in counts)
    result = _cached(key, threshold, tuple(history))
    return None if result is None else [list(row) for row in result]


def suppress_vector(values: Sequence[int], threshold: int) -> tuple[list[bool], bool]:
    """Hidden flags for a list of counts shown with its total, and whether the total is hidden."""
    mask = suppress([[value] for value in values], threshold)
    return [row[0] for row in mask[:-1]], mask[-1][0]


@lru_cache(maxsize=4096)  # the same earlier years' tables come back in every trend
def _cached(counts, threshold, history):
    layout = _Layout(len(counts), len(counts[0]))
    grid = with_margins(counts)
    net = layout.network(grid)
    releases = [layout.edges(release.values) for release in history]
    masks = [layout.edges(release.hidden) for release in history]
    for release in releases:
        if len(release) != len(net.values):
            raise ValueError("An earlier release has another shape.")
    hidden = _suppress_edges(net, threshold, releases, masks)
    return None if hidden is None else tuple(map(tuple, layout.mask(hidden)))


# The shape of a table: its cells as arcs of a network ------------------------------------------


class _Layout:
    """Maps a grid with margins to the arcs of its network and back."""

    def __init__(self, rows: int, columns: int):
        self.rows, self.columns = rows, columns
        self.line = rows == 1 or columns == 1

    def edges(self, grid) -> list:
        """The grid's cells in arc order (a line: its counts, then its total)."""
        if not self.line:
            return [value for row in grid for value in row]
        if self.columns == 1:
            return [grid[i][0] for i in range(self.rows)] + [grid[self.rows][0]]
        return list(grid[0][: self.columns]) + [grid[0][self.columns]]

    def mask(self, flags: list[bool]) -> Mask:
        if not self.line:
            width = self.columns + 1
            return [flags[i * width : (i + 1) * width] for i in range(self.rows + 1)]
        if self.columns == 1:  # each row total repeats its count
            return [[flag, flag] for flag in flags[:-1]] + [[flags[-1], flags[-1]]]
        return [list(flags), list(flags)]  # one row: each column total repeats its count

    def network(self, grid) -> "_Network":
        values = self.edges(grid)
        if self.line:
            # Two nodes: every count flows from 0 to 1, the total back from 1 to 0.
            ends = [(0, 1)] * (len(values) - 1) + [(1, 0)]
            margins = [False] * (len(values) - 1) + [True]
            return _Network(2, ends, values, margins)
        rows, columns = self.rows, self.columns
        ends, margins = [], []
        for i in range(rows + 1):
            for j in range(columns + 1):
                row, column = i, rows + 1 + j
                if i < rows and j < columns:
                    ends.append((row, column))
                elif i < rows:
                    ends.append((column, row))  # a row total: column C -> row i
                elif j < columns:
                    ends.append((column, row))  # a column total: column j -> row R
                else:
                    ends.append((row, column))  # the grand total: row R -> column C
                margins.append(i == rows or j == columns)
        return _Network(rows + columns + 2, ends, values, margins)


class _Network:
    def __init__(self, nodes: int, ends, values, margins):
        self.nodes, self.ends, self.values, self.margins = nodes, ends, values, margins
        # Per node, the arcs leaving it: (cell, forward). Forward raises the cell, backward
        # lowers it. Zero cells are left out: they are shown and never move.
        self.arcs: list[list[tuple[int, bool, int]]] = [[] for _ in range(nodes)]
        for cell, (tail, head) in enumerate(ends):
            if values[cell] > 0:
                self.arcs[tail].append((cell, True, head))
                self.arcs[head].append((cell, False, tail))

        # What hiding a cell costs: its count, twice that for a total.
        self.weights = [v * (2 if m else 1) for v, m in zip(values, margins, strict=True)]


# Flows ----------------------------------------------------------------------------------------


def _flow(net, cell, need, usable, down, raise_cell=True, cost=None):
    """Push up to `need` units around cycles through `cell` (raising it, or lowering it when
    `raise_cell` is false) over the cells in `usable`, every other cell raised freely or
    lowered by at most `down`. Returns (units pushed, cells the pushed paths use). With
    `cost` = (hidden, weights), each path is the cheapest: a hidden cell costs nothing, a
    shown one its weight."""
    tail, head = net.ends[cell]
    source, sink = (head, tail) if raise_cell else (tail, head)
    change: dict[int, int] = {}
    used: set[int] = set()
    pushed = 0
    while pushed < need:
        path = _path(net, cell, source, sink, usable, down, change, cost)
        if path is None:
            break
        room = need - pushed
        for other, forward in path:
            if not forward:
                room = min(room, down[other] + change.get(other, 0))
        for other, forward in path:
            change[other] = change.get(other, 0) + (room if forward else -room)
            used.add(other)
        pushed += room
    return pushed, used


def _path(net, cell, source, sink, usable, down, change, cost):
    """The cheapest path (with `cost`), or the shortest, from source to sink whose backward
    steps have room."""
    previous: dict[int, tuple[int, int, bool]] = {source: (source, -1, True)}
    if cost is None:  # breadth first: enough to find out whether a cell can move
        frontier = [source]
        while frontier and sink not in previous:
            following = []
            for node in frontier:
                for other, forward, neighbour in net.arcs[node]:
                    if neighbour in previous or other == cell or not usable[other]:
                        continue
                    if not forward and down[other] + change.get(other, 0) <= 0:
                        continue
                    previous[neighbour] = (node, other, forward)
                    following.append(neighbour)
            frontier = following
    else:
        best = {source: 0}
        queue = [(0, source)]
        while queue:
            distance, node = heapq.heappop(queue)
            if node == sink:
                break
            if distance > best[node]:
                continue
            for other, forward, neighbour in net.arcs[node]:
                if other == cell or not usable[other]:
                    continue
                if not forward and down[other] + change.get(other, 0) <= 0:
                    continue
                step = distance + (0 if cost[0][other] else cost[1][other])
                if step < best.get(neighbour, UNLIMITED):
                    best[neighbour] = step
                    previous[neighbour] = (node, other, forward)
                    heapq.heappush(queue, (step, neighbour))
    if sink not in previous:
        return None
    path, node = [], sink
    while node != source:
        node, other, forward = previous[node]
        path.append((other, forward))
    return path


def _need(value: int, threshold: int) -> int:
    """How far a hidden cell must be able to grow: to the threshold, and at least by one."""
    return max(threshold - value, 1)


def _moves(net, cell, value, threshold, usable, down) -> bool:
    """Whether the cell, whose value in the release audited is `value`, is protected by moves
    over `usable` cells."""
    need = _need(value, threshold)
    if _flow(net, cell, need, usable, down)[0] >= need:
        return True
    # A cell at or above the threshold only has to be able to move, down will do.
    return value >= threshold and down[cell] > 0 and _flow(net, cell, 1, usable, down, False)[0]


# Suppression ----------------------------------------------------------------------------------


def _suppress_edges(net, threshold, releases, masks) -> list[bool] | None:
    values = net.values
    hidden = [is_small(v, threshold) for v in values]
    if not releases:
        fresh = [v > 0 for v in values]
        if _protect(net, threshold, hidden, fresh, [(0, 0)], [values], [hidden]):
            return hidden
        return [v > 0 for v in values]  # the fallback: never reached, see the docstring
    latest, latest_mask = releases[-1], masks[-1]
    if latest == values:
        return list(latest_mask)  # nothing changed: publish it as it was
    for cell, value in enumerate(values):
        if latest_mask[cell] and value > 0:
            hidden[cell] = True  # what was hidden stays hidden
    fresh = [value != before and value > 0 for value, before in zip(values, latest, strict=True)]
    series = [*releases, values]
    segments = [(p, len(releases)) for p in range(len(series))]
    attempt = list(hidden)
    if _protect(net, threshold, attempt, fresh, segments, series, [*masks, attempt]):
        if _earlier_protected(net, threshold, series, [*masks, attempt]):
            return attempt
    everything = [h or f for h, f in zip(hidden, fresh, strict=True)]
    series_masks = [*masks, everything]
    nothing_new = [False] * len(values)
    if _protect(net, threshold, everything, nothing_new, segments, series, series_masks):
        if _earlier_protected(net, threshold, series, series_masks):
            return everything
    return None


def _segment(series, masks, first, last):
    """The cells a move applied alike to releases first … last may use, and how far each may
    be lowered: hidden in all of them, and their unknowns shared with no release outside."""
    cells = len(series[0])
    usable, down = [True] * cells, [UNLIMITED] * cells
    for cell in range(cells):
        if first > 0 and series[first][cell] == series[first - 1][cell]:
            usable[cell] = False
        elif last + 1 < len(series) and series[last][cell] == series[last + 1][cell]:
            usable[cell] = False
        else:
            for r in range(first, last + 1):
                if not masks[r][cell]:
                    usable[cell] = False
                    break
                down[cell] = min(down[cell], series[r][cell] - 1)
    return usable, down


class _Segments:
    """The usable cells and lowering room of each run of releases, kept until a mask changes."""

    def __init__(self, series, masks):
        self.series, self.masks, self.kept = series, masks, {}

    def get(self, first, last):
        if (first, last) not in self.kept:
            if len(self.series) == 1:  # a first release: its hidden cells, live
                down = [v - 1 for v in self.series[0]]
                self.kept[(first, last)] = (self.masks[0], down)
            else:
                self.kept[(first, last)] = _segment(self.series, self.masks, first, last)
        return self.kept[(first, last)]

    def changed(self):
        if len(self.series) > 1:
            self.kept.clear()


def _protected(net, threshold, cell, release, segments, runs) -> bool:
    value = segments.series[release][cell]
    for first, last in runs:
        if first <= release <= last:
            usable, down = segments.get(first, last)
            if usable[cell] and _moves(net, cell, value, threshold, usable, down):
                return True
    return False


def _protect(net, threshold, hidden, fresh, runs, series, masks) -> bool:
    """Audit the hidden cells of the newest release (`hidden`, changed in place) and hide more
    of the `fresh` cells (those this release may hide anew) until each is protected."""
    current = len(series) - 1
    masks[current] = hidden
    segments = _Segments(series, masks)
    values = series[current]
    down = [v - 1 for v in values]
    queue = sorted((v, cell) for cell, v in enumerate(values) if hidden[cell])
    position = 0
    while position < len(queue):
        value, cell = queue[position]
        position += 1
        if _protected(net, threshold, cell, current, segments, runs):
            continue
        if not fresh[cell]:
            return False
        # Hide the cheapest fresh cells that let it move: a move on this release alone.
        need = _need(value, threshold)
        pushed, used = _flow(
            net,
            cell,
            need,
            fresh,
            down,
            cost=(hidden, net.weights),
        )
        if pushed < need:
            return False
        for other in sorted(used):
            if not hidden[other]:
                hidden[other] = True
                queue.append((values[other], other))
        segments.changed()
    return True


def _earlier_protected(net, threshold, series, masks) -> bool:
    """Whether every hidden cell of every earlier release is still protected with the newest
    one published."""
    count = len(series)
    segments = [(p, q) for p in range(count) for q in range(p, count)]
    kept = _Segments(series, masks)
    for release in range(count - 1):
        for cell, flag in enumerate(masks[release]):
            if flag and not _protected(net, threshold, cell, release, kept, segments):
                return False
    return True
