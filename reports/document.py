"""A document as plain data: the follow-up report and the plan documents are built once in this
shape and every renderer (web, PDF, Word, Excel) reads it. It round-trips through JSON, which
is how a published report is frozen.

A document is a title, a few facts and a flat list of sections, each with a heading level and
blocks: paragraphs, lists, findings, facts, tables, figures (a chart with its table) and entries
(a heading with labelled texts, e.g. one actor's account of one activity).

Tables carry exact values plus the cells that disclosure control hides (`hidden`). `disclosed`
returns the copy that may leave the coordinator's working view: those cells replaced by
SUPPRESSED, charts without them, and a footnote that says why.
"""

from dataclasses import asdict, dataclass, field, replace
from typing import Any, ClassVar

SUPPRESSED = "–"

Value = str | int | float | None


@dataclass
class Table:
    key: str
    caption: str
    headers: list[str]
    rows: list[list[Value]]
    footnotes: list[str] = field(default_factory=list)
    # [row, column] of the cells that are hidden whenever the table leaves the working view.
    hidden: list[list[int]] = field(default_factory=list)
    # The last row holds totals.
    total_row: bool = False
    # A short name for the table's sheet in a workbook.
    sheet: str = ""
    kind: ClassVar[str] = "table"

    def is_hidden(self, row: int, column: int) -> bool:
        return [row, column] in self.hidden

    def numeric_columns(self) -> set[int]:
        """Columns whose values are all numbers (or hidden, or empty): shown right-aligned."""
        numeric = set()
        for column in range(1, len(self.headers)):
            values = [row[column] for row in self.rows if row[column] not in (None, "")]
            if values and all(isinstance(v, int | float) or v == SUPPRESSED for v in values):
                numeric.add(column)
        return numeric


@dataclass
class Series:
    name: str
    values: list[float | None]


@dataclass
class Chart:
    key: str
    kind: str  # "bar" (one or more series side by side) or "line"
    title: str
    description: str  # the text alternative
    categories: list[str]
    series: list[Series]
    axis_label: str = ""
    percent: bool = False
    # [series, value] of the values hidden whenever the chart leaves the working view.
    hidden: list[list[int]] = field(default_factory=list)


@dataclass
class Paragraph:
    text: str
    kind: ClassVar[str] = "paragraph"


@dataclass
class Items:
    items: list[str]
    intro: str = ""
    kind: ClassVar[str] = "list"


@dataclass
class Findings:
    items: list[str]
    title: str = ""
    kind: ClassVar[str] = "findings"


@dataclass
class Facts:
    items: list[list[Value]]  # [label, value]
    kind: ClassVar[str] = "facts"


@dataclass
class Figure:
    chart: Chart
    table: Table
    kind: ClassVar[str] = "figure"


@dataclass
class Entry:
    title: str
    fields: list[list[str]]  # [label, text]


@dataclass
class Entries:
    entries: list[Entry]
    kind: ClassVar[str] = "entries"


Block = Paragraph | Items | Findings | Facts | Table | Figure | Entries


@dataclass
class Section:
    key: str
    title: str
    level: int  # 1 is a main section; the document's own title is above it
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    kind: str  # "followup_report", "plan", "activity_list", "short_plan", "actor_extract"
    title: str
    language: str
    subtitle: str = ""
    facts: list[list[Value]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    # True while the document shows exact figures: the coordinator's working view only.
    exact: bool = False
    threshold: int | None = None
    notice: str = ""
    landscape: bool = False
    author: str = ""
    # Printed at the head of every page (every renderer): "Utkast" on a draft's documents,
    # so that no page of one can be passed on as the adopted plan.
    draft_mark: str = ""

    # Walking ------------------------------------------------------------------------------

    def tables(self) -> list[Table]:
        """Every table in reading order, those beside charts included."""
        found = []
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    found.append(block)
                elif isinstance(block, Figure):
                    found.append(block.table)
        return found

    def charts(self) -> list[Chart]:
        return [
            block.chart
            for section in self.sections
            for block in section.blocks
            if isinstance(block, Figure)
        ]

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts() if chart.key == key), None)

    # JSON ---------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for section_data, section in zip(data["sections"], self.sections, strict=True):
            for block_data, block in zip(section_data["blocks"], section.blocks, strict=True):
                block_data["kind"] = block.kind
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Document":
        data = dict(data)
        data["sections"] = [
            Section(
                key=s["key"],
                title=s["title"],
                level=s["level"],
                blocks=[_block_from_dict(b) for b in s["blocks"]],
            )
            for s in data["sections"]
        ]
        return cls(**data)


def chart_from_dict(data: dict) -> Chart:
    return Chart(**{**data, "series": [Series(**s) for s in data["series"]]})


def _block_from_dict(data: dict) -> Block:
    data = dict(data)
    kind = data.pop("kind")
    if kind == "table":
        return Table(**data)
    if kind == "figure":
        return Figure(chart=chart_from_dict(data["chart"]), table=Table(**data["table"]))
    if kind == "entries":
        return Entries(entries=[Entry(**e) for e in data["entries"]])
    return {"paragraph": Paragraph, "list": Items, "findings": Findings, "facts": Facts}[kind](
        **data
    )


# Disclosure ---------------------------------------------------------------------------------


def disclosed(document: Document, *, footnote: str) -> Document:
    """The copy that may be exported or published: every hidden cell replaced by SUPPRESSED
    (with `footnote` under its table), every hidden chart value left out."""
    copy = Document.from_dict(document.to_dict())
    for table in copy.tables():
        for row, column in table.hidden:
            table.rows[row][column] = SUPPRESSED
        if table.hidden and footnote not in table.footnotes:
            table.footnotes.append(footnote)
    for chart in copy.charts():
        for series, index in chart.hidden:
            chart.series[series].values[index] = None
    return replace(copy, exact=False, notice="")


# Reading values -----------------------------------------------------------------------------


def display(value: Value, language: str = "sv") -> str:
    """A value as every renderer writes it: whole numbers as they are (grouped by thousands
    with a no-break space from ten thousand), decimals with one decimal and the language's
    decimal sign."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("Write yes/no as words in the document, not as booleans.")
    if isinstance(value, int):
        if abs(value) < 10000:
            return str(value)
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float):
        text = f"{value:,.1f}" if abs(value) >= 10000 else f"{value:.1f}"
        text = text.replace(",", "\u00a0")
        return text.replace(".", ",") if language == "sv" else text
    return str(value)
