"""Statistics in the follow-up report: for each statistic, the year's counts by gender and age
band with their totals, and the totals over the years followed up; and the participants in the
activities, by gender. Disclosure control is computed on each year's whole table, so a total
hidden there is hidden wherever it appears (the trend shows the same cells with the same
marks), and jointly with every earlier publication of the same table (see
reports.disclosure.suppress_release). A table whose publication could reveal a count next to
an earlier one is withheld.

Every table computed is written to the `ledger` (its exact grid and mask, by key) that a
publication keeps, so that the next publication can be audited together with it."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from stats.models import AgeBand, Gender, Statistic
from stats.queries import statistic_definition

from .disclosure import Release, suppress_release, with_margins
from .document import Chart, Figure, Paragraph, Section, Series, Table

Releases = dict[str, list[dict]]  # key -> earlier publications, oldest first


def statistic_key(statistic_id: int, year: int) -> str:
    return f"statistic:{statistic_id}:{year}"


def participants_key(round_id: int) -> str:
    return f"participants:{round_id}"


def _history(entries: list[dict], rows: list | None = None) -> tuple[Release, ...]:
    """Earlier releases as the disclosure module takes them; for a table whose rows can come
    and go (participants), aligned to `rows`: a row an earlier release did not list reads
    as zeros there, shown."""
    history = []
    for entry in entries:
        values, hidden = entry["values"], entry["hidden"]
        if rows is not None:
            width = len(values[0])
            position = {row: index for index, row in enumerate(entry.get("rows") or [])}
            values = [values[position[row]] if row in position else [0] * width for row in rows] + [
                values[-1]
            ]
            hidden = [
                hidden[position[row]] if row in position else [False] * width for row in rows
            ] + [hidden[-1]]
        history.append(Release.of(values, hidden))
    return tuple(history)


def _dimensions(statistic: Statistic) -> tuple[str, list[tuple[str, str]], list[tuple[str, str]]]:
    """(row heading, rows, columns) of a statistic's table, each a (code, label) list. A
    statistic split by gender has a row per gender (and a column per age band when also split
    by age); one split by age only has a row per age band; one not split has a single row."""
    genders = [(g, str(Gender(g).label)) for g in Gender.values]
    ages = [(a, str(AgeBand(a).label)) for a in AgeBand.values]
    count = [("", _("Count"))]
    if statistic.by_gender:
        return _("Gender"), genders, ages if statistic.by_age else count
    if statistic.by_age:
        return _("Age band"), ages, count
    return _("Group"), [("", _("Total"))], count


def _statistic_counts(statistic: Statistic, cells: dict[tuple[str, str], int]) -> list[list[int]]:
    _heading, rows, columns = _dimensions(statistic)
    if statistic.by_gender:
        return [[cells.get((g, a), 0) for a, _l in columns] for g, _l in rows]
    if statistic.by_age:
        return [[cells.get(("", a), 0)] for a, _l in rows]
    return [[sum(cells.values())]]


@dataclass
class YearTable:
    counts: list[list[int]]
    grid: list[list[int]]
    hidden: list[list[bool]] | None  # None: withheld from this publication

    @property
    def withheld(self) -> bool:
        return self.hidden is None


def protected_table(
    key: str,
    counts: list[list[int]],
    *,
    threshold: int,
    releases: Releases,
    ledger: dict,
    rows: list | None = None,
) -> YearTable:
    """A table of counts with its margins and what to hide, audited with its earlier
    publications; recorded in the ledger unless withheld."""
    grid = with_margins(counts)
    history = _history(releases.get(key, []), rows)
    hidden = suppress_release(counts, threshold, history)
    if hidden is not None:
        ledger[key] = {"values": grid, "hidden": hidden} | ({"rows": rows} if rows else {})
    return YearTable(counts, grid, hidden)


def withheld_paragraph(year: int) -> Paragraph:
    return Paragraph(
        _(
            "The figures for %(year)s are not shown in this report: they were corrected after "
            "an earlier publication, and showing them next to it could reveal small counts."
        )
        % {"year": year}
    )


def statistics_sections(
    *,
    statistics: list[Statistic],
    rounds_by_year: dict[int, int],
    cells: dict[int, dict[int, dict[tuple[str, str], int]]],
    year: int,
    threshold: int,
    releases: Releases,
    ledger: dict,
) -> list[Section]:
    """The statistics section, then one section per statistic: `cells` holds, per round id
    and statistic id, the summed count of each (gender, age band)."""
    sections = [
        Section(
            key="statistics",
            title=_("Statistics"),
            level=1,
            blocks=[
                Paragraph(
                    _(
                        "The counts the actors reported for the year, added together, by gender "
                        "and age band. Counts below %(threshold)s are not shown outside the "
                        "coordinator's working version (zero is shown), nor other counts from "
                        "which they could be worked out."
                    )
                    % {"threshold": threshold}
                    if statistics
                    else _("The plan has no statistics to report.")
                )
            ],
        )
    ]
    years = sorted(rounds_by_year)
    for statistic in statistics:
        by_year = {}
        for y in years:
            found = cells.get(rounds_by_year[y], {}).get(statistic.pk)
            by_year[y] = (
                None
                if found is None
                else protected_table(
                    statistic_key(statistic.pk, y),
                    _statistic_counts(statistic, found),
                    threshold=threshold,
                    releases=releases,
                    ledger=ledger,
                )
            )
        sections.append(_statistic_section(statistic, year, years, by_year))
    return sections


def _statistic_section(
    statistic: Statistic, year: int, years: list[int], by_year: dict[int, YearTable | None]
) -> Section:
    heading, row_dims, column_dims = _dimensions(statistic)
    label = str(statistic.label)
    blocks: list = []
    if definition := statistic_definition(statistic):
        blocks.append(Paragraph(definition))
    current = by_year[year]
    key = f"statistic-{statistic.pk}"
    if current is None:
        blocks.append(Paragraph(_("No figures were reported for %(year)s.") % {"year": year}))
    elif current.withheld:
        blocks.append(withheld_paragraph(year))
    else:
        blocks.append(_current_table(key, label, year, heading, row_dims, column_dims, current))
    reported_years = [y for y in years if by_year[y] is not None and not by_year[y].withheld]
    if len(reported_years) > 1:
        blocks.append(
            _trend_figure(key, label, heading, row_dims, column_dims, reported_years, by_year)
        )
    return Section(key=key, title=label, level=2, blocks=blocks)


def _current_table(key, label, year, heading, row_dims, column_dims, table: YearTable) -> Table:
    rows, hidden = [], []
    wide = len(column_dims) > 1
    single = len(row_dims) == 1 and not wide
    for i, (_code, row_label) in enumerate(row_dims):
        values = table.grid[i] if wide else table.grid[i][:1]
        rows.append([row_label, *values])
        hidden += [[i, j + 1] for j, flag in enumerate(table.hidden[i][: len(values)]) if flag]
    if not single:
        last = len(row_dims)
        values = table.grid[last] if wide else table.grid[last][:1]
        rows.append([_("Total"), *values])
        hidden += [
            [last, j + 1] for j, flag in enumerate(table.hidden[last][: len(values)]) if flag
        ]
    headers = [heading, *[c for _code, c in column_dims]]
    if wide:
        headers.append(_("Total"))
    return Table(
        key=f"{key}-{year}",
        caption=_("%(statistic)s, %(year)s") % {"statistic": label, "year": year},
        headers=headers,
        rows=rows,
        hidden=hidden,
        total_row=not single,
        sheet=label,
    )


def _trend_figure(key, label, heading, row_dims, column_dims, years, by_year) -> Figure:
    """Each year's row totals and grand total, with the hidden flags of that year's table."""
    wide = len(column_dims) > 1
    total_column = len(column_dims) if wide else 0
    rows, hidden = [], []
    row_count = len(row_dims)
    labelled = [*row_dims, ("", _("Total"))] if row_count > 1 else [("", _("Total"))]
    for out_row, (_code, row_label) in enumerate(labelled):
        grid_row = out_row if row_count > 1 else row_count
        values = []
        for j, year in enumerate(years):
            table = by_year[year]
            values.append(table.grid[grid_row][total_column])
            if table.hidden[grid_row][total_column]:
                hidden.append([out_row, j + 1])
        rows.append([row_label, *values])
    totals = rows[-1][1:]
    chart = Chart(
        key=f"{key}-trend",
        kind="line",
        title=_("%(statistic)s over the years") % {"statistic": label},
        description=_(
            "Line chart of the total for each year followed up. The figures are in the table "
            "below the chart."
        ),
        categories=[str(y) for y in years],
        series=[Series(_("Total"), list(totals))],
        axis_label=_("Count"),
        hidden=[[0, column - 1] for row, column in hidden if row == len(rows) - 1],
    )
    table = Table(
        key=f"{key}-trend",
        caption=_("%(statistic)s over the years") % {"statistic": label},
        headers=[heading, *[str(y) for y in years]],
        rows=rows,
        hidden=hidden,
        total_row=row_count > 1,
        sheet=_("%(statistic)s over the years") % {"statistic": label},
    )
    return Figure(chart=chart, table=table)


def participants_section(
    *,
    activities: list[tuple[int, str]],
    counts: dict[int, dict[str, int]],
    round_id: int,
    year: int,
    threshold: int,
    releases: Releases,
    ledger: dict,
) -> Section:
    """How many took part in each activity, by gender, as the answered questionnaires report
    it (`counts`: activity id -> gender -> summed count), protected like the statistics."""
    key = participants_key(round_id)
    earlier = {row for entry in releases.get(key, []) for row in entry.get("rows") or []}
    rows = [(pk, label) for pk, label in activities if pk in counts or pk in earlier]
    blocks: list = [
        Paragraph(
            _(
                "How many took part in the activities during the year, by gender, as the "
                "actors that answered report it. Counts below %(threshold)s are not shown "
                "outside the coordinator's working version (zero is shown), nor other counts "
                "from which they could be worked out."
            )
            % {"threshold": threshold}
        )
    ]
    if not rows:
        blocks.append(Paragraph(_("No participants were reported for %(year)s.") % {"year": year}))
        return Section(key="participants", title=_("Participants"), level=1, blocks=blocks)
    genders = list(Gender.values)
    table = protected_table(
        key,
        [[counts.get(pk, {}).get(g, 0) for g in genders] for pk, _label in rows],
        threshold=threshold,
        releases=releases,
        ledger=ledger,
        rows=[pk for pk, _label in rows],
    )
    if table.withheld:
        blocks.append(withheld_paragraph(year))
        return Section(key="participants", title=_("Participants"), level=1, blocks=blocks)
    labels = [label for _pk, label in rows] + [_("Total")]
    blocks.append(
        Table(
            key="participants",
            caption=_("Participants in the activities by gender, %(year)s") % {"year": year},
            headers=[_("Activity"), *[str(Gender(g).label) for g in genders], _("Total")],
            rows=[[label, *values] for label, values in zip(labels, table.grid, strict=True)],
            hidden=[
                [r, c + 1]
                for r, flags in enumerate(table.hidden)
                for c, flag in enumerate(flags)
                if flag
            ],
            total_row=True,
            footnotes=[
                _(
                    "An activity that several actors answered for is counted with all of "
                    "their participants."
                )
            ],
            sheet=_("Participants"),
        )
    )
    return Section(key="participants", title=_("Participants"), level=1, blocks=blocks)
