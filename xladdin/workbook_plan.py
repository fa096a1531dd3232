"""A complete plan of a change to a workbook, as plain data: the one thing every shell applies.

Every writing verb (fill, new project, costs --write, rollover, format, check --mark,
clear, undo, check --fix) is computed by the core as a ``WorkbookPlan``: an ordered
list of steps in a small vocabulary, the sentence for the user, and whether the steps
go to the undo journal as one batch.  Each shell has exactly one applier that knows
how to carry out each kind of step — ``xladdin.files.apply`` with openpyxl,
``xladdin.excel.apply`` with xlwings — so a command and a ribbon button are both
read → plan → apply → say, and give the same workbook.

Coordinates are those of the workbook at the moment a step runs: a ``SetCell`` after
an ``InsertRows`` names the cell where it is once the rows are in.  ``old`` values are
what the core read (``SheetData`` of the shell: formulas as text where the shell can
read them), so the journal is the core's; only what the core cannot see — a cell's
fill before it is painted — is read by the applier at the time it paints.

Journal (``plan.journal``): the applier records, as one batch of ``xladdin撤销``,
``SetCell`` → "set", ``Paint`` → "fill" (the fill before, as the journal's fill XML),
``InsertRows`` → "insert_rows", ``WriteSheet`` of a new sheet → "add_sheet",
``SetLink`` → "link" (files; the link it replaces read by the applier) or "set" (Excel).  ``xladdin.plans.undo`` turns the newest batch back into steps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xladdin.marks import Mark, MarkState
from xladdin.model import Merge, Scalar
from xladdin.style import CellStyle, ChartPlan, CostChartPlan, PrintSetup, SheetStyle
from xladdin.validation_lists import ListsSheet, Validation

Cell = tuple[int, int]  # (row, column), 1-based


# --------------------------------------------------------------------------- a whole sheet


@dataclass
class SheetContent:
    """A sheet the tool writes whole (its own sheets, a new project table), cell by cell.

    ``cells`` hold values; a text in ``formulas`` is a formula, any other text stays text
    even when it starts with "=".  ``links`` point at a place in this workbook
    ('表'!E41), ``file_links`` at another file (target, place in it or "").
    """

    name: str
    cells: dict[Cell, Scalar] = field(default_factory=dict)
    formulas: set[Cell] = field(default_factory=set)
    styles: dict[Cell, CellStyle] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    links: dict[Cell, str] = field(default_factory=dict)
    file_links: dict[Cell, tuple[str, str]] = field(default_factory=dict)
    freeze: str | None = None
    print_setup: PrintSetup | None = None
    autofilter: str | None = None
    hidden: bool = False

    @property
    def max_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    @property
    def max_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def put(self, row: int, col: int, value: Scalar, style: CellStyle | None = None, formula: bool = False) -> None:
        self.cells[(row, col)] = value
        if style is not None:
            self.styles[(row, col)] = style
        if formula:
            self.formulas.add((row, col))

    def grid(self) -> list[list[Any]]:
        """The values as rows from A1 (what one bulk write sends)."""
        rows: list[list[Any]] = [[None] * self.max_col for _ in range(self.max_row)]
        for (r, c), v in self.cells.items():
            rows[r - 1][c - 1] = v
        return rows


# --------------------------------------------------------------------------- steps


@dataclass(frozen=True)
class SetCell:
    """A value (or, with ``formula``, a formula) into a cell; ``old`` is what the core read there."""

    sheet: str
    cell: str
    value: Scalar
    old: Scalar
    why: str
    formula: bool = False


@dataclass(frozen=True)
class Paint:
    """The tool's colour on a cell (``conventions.NEW_COLOR`` …); the applier journals the fill it replaces."""

    sheet: str
    cell: str
    color: str  # RRGGBB
    why: str
    # the cell carries a check mark of this colour: if it still shows it, the fill journalled as
    # replaced is the one from before the mark (``before_mark``), so that 撤销 after 清除标记
    # never puts a mark's colour back on a cell without its note
    mark: str = ""
    before_mark: str | None = None


@dataclass(frozen=True)
class RestoreFill:
    """A fill as the journal recorded it (undo); ``fill`` None is no fill."""

    sheet: str
    cell: str
    fill: str | None


@dataclass(frozen=True)
class InsertRows:
    """``count`` empty rows before row ``at``; they take the look of row ``template`` (a row number
    before the insert: ``at - 1`` above, ``at`` below), or none.  Merges, formulas, links,
    validations, conditional formats and drawings below move down with their rows; a merge
    spanning ``at`` grows."""

    sheet: str
    at: int
    count: int
    template: int | None
    why: str


@dataclass(frozen=True)
class DeleteRows:
    sheet: str
    at: int
    count: int


@dataclass(frozen=True)
class MergeCells:
    """Merge a range whose cells other than the top-left are empty (the plan makes sure)."""

    sheet: str
    ref: str


@dataclass(frozen=True)
class UnmergeCells:
    """Undo every merge lying inside ``ref`` (none there: nothing happens)."""

    sheet: str
    ref: str


@dataclass(frozen=True)
class SetLink:
    """An internal hyperlink on a cell ('表'!A1), or none, over the cell's text ``text``.

    The file shell sets a hyperlink and journals the link it replaces ("link"); the Excel
    shell writes ``=HYPERLINK("#'表'!A1","text")`` (xlwings has no portable call for an
    internal hyperlink), journalled as the cell's value ("set").
    """

    sheet: str
    cell: str
    location: str | None
    text: Scalar
    why: str


@dataclass(frozen=True)
class WriteSheet:
    """A sheet written whole.  A new sheet goes last (journalled "add_sheet"); an existing one
    is replaced in place, keeping its tab position (the tool's own sheets only)."""

    content: SheetContent
    why: str
    replace: bool = False


@dataclass(frozen=True)
class DeleteSheet:
    sheet: str


@dataclass(frozen=True)
class StyleCells:
    """The look of some cells (fonts, alignment, borders, number formats, fills)."""

    sheet: str
    cells: dict[Cell, CellStyle]


@dataclass(frozen=True)
class StyleSheet:
    """统一格式 of one sheet: ``style.SheetStyle`` (cells, widths, heights, merges, print setup)."""

    style: SheetStyle


@dataclass(frozen=True)
class Validate:
    """The sheet's data validations: the tool's own (known by their titles) replaced, others kept."""

    sheet: str
    rules: tuple[Validation, ...]


@dataclass(frozen=True)
class WriteLists:
    """The hidden drop-down list sheet and the defined names pointing into it."""

    lists: ListsSheet


@dataclass(frozen=True)
class AddCharts:
    """The amounts chart below the summary table and each project's cost chart (the tool's
    charts, known by their titles, replaced; others kept)."""

    sheet: str
    chart: ChartPlan
    costs: tuple[CostChartPlan, ...]


@dataclass(frozen=True)
class ClearMarks:
    """Take off the marks of a previous check (``marks.MarkState`` per cell): a cell still in the
    mark's colour gets its fill back, the tool's note comes off (the user's own text stays);
    then the state sheet goes.  ``without_state``: no state sheet was found, so the tool's
    notes are looked for on every sheet (the state sheet was deleted by hand)."""

    states: tuple[MarkState, ...]
    without_state: bool = False


@dataclass(frozen=True)
class Highlight:
    """A cell the tool painted (fill, rollover, fixes: ``conventions.NEW_COLOR``/``TODO_COLOR``),
    as the journal tells it: its colour and the fill it had before the tool's first paint."""

    sheet: str
    cell: str
    color: str  # RRGGBB the tool painted last
    before: str | None  # the journal's fill text of the cell before the tool (None: no fill)


@dataclass(frozen=True)
class ClearHighlights:
    """Take the tool's highlights off (清除标记, 统一格式, the copy publish prints): a cell still in
    the tool's colour gets its fill from before the tool back; a cell recoloured since keeps its
    colour.  The journal is left as it is, so 撤销 still takes the edits back."""

    cells: tuple[Highlight, ...]


@dataclass(frozen=True)
class MarkCells:
    """Colour and annotate each flagged cell (a user's note is kept above the tool's text), and
    write the state sheet that lets ``ClearMarks`` restore each cell exactly."""

    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class CutJournal:
    """Drop batch ``batch`` (the newest) from the journal; the journal sheet goes when empty."""

    batch: int


Step = (
    SetCell
    | Paint
    | RestoreFill
    | InsertRows
    | DeleteRows
    | MergeCells
    | UnmergeCells
    | SetLink
    | WriteSheet
    | DeleteSheet
    | StyleCells
    | StyleSheet
    | Validate
    | WriteLists
    | AddCharts
    | ClearMarks
    | ClearHighlights
    | MarkCells
    | CutJournal
)


@dataclass
class WorkbookPlan:
    """One verb's change to one workbook: steps in order, and what to tell the user.

    ``message`` is the sentence a shell shows (message box, console line); ``notes`` what
    was looked at but left to the user; ``counts`` figures and ``names`` sheet names a
    shell may word its own way (``counts["changes"]``: cells the user will see changed).
    """

    verb: str
    steps: list[Step] = field(default_factory=list)
    journal: bool = False
    message: str = ""
    notes: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    names: dict[str, list[str]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.steps

    def add(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def of(self, kind: type[Any]) -> list[Any]:
        """The steps of one kind, in order (for messages and tests)."""
        return [s for s in self.steps if isinstance(s, kind)]


@dataclass
class Applied:
    """What carrying out a plan found that only the applier could see (for the sentence to the user)."""

    batch: int = 0  # the journal batch written (0: none)
    marked: int = 0  # cells marked (MarkCells)
    cleared: dict[str, int] = field(default_factory=dict)  # ClearMarks: cells, notes, kept
    highlights: int = 0  # ClearHighlights: cells whose highlight came off
    # those cells: a mark under a highlight got its own fill back with it, so ClearMarks leaves them
    unhighlighted: set[tuple[str, str]] = field(default_factory=set)
    unchanged: bool = False  # every step found nothing to do (clear on a workbook never marked): nothing to write


__all__ = [
    "AddCharts",
    "Applied",
    "ClearHighlights",
    "ClearMarks",
    "CutJournal",
    "DeleteRows",
    "DeleteSheet",
    "Highlight",
    "InsertRows",
    "MarkCells",
    "MergeCells",
    "Paint",
    "RestoreFill",
    "SetCell",
    "SetLink",
    "SheetContent",
    "Step",
    "StyleCells",
    "StyleSheet",
    "UnmergeCells",
    "Validate",
    "WorkbookPlan",
    "WriteLists",
    "WriteSheet",
]
