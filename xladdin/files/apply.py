"""The file shell's one applier: a ``WorkbookPlan`` carried out on an openpyxl workbook.

Each kind of step is done here in one place (``xladdin.workbook_plan`` says what each
means); the Excel shell's applier (``xladdin.excel.apply``) does the same steps with
xlwings.  With ``plan.journal`` every change is recorded as one batch of the hidden
``xladdin撤销`` sheet, in the order applied, so that undo can take the batch back in
reverse: cells with the content they held (read here, exactly as stored), fills with the
fill element they had, inserted rows, added sheets, links.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xladdin.conventions import UNDO_SHEET, now_text
from xladdin.errors import UserError
from xladdin.files import looks
from xladdin.files.cells import fill_from_xml, fill_xml, plain, set_value, solid
from xladdin.files.journal import journal_entries
from xladdin.files.marking import clear_marks, mark_cells
from xladdin.files.rows import add_merge, delete_rows, formula_cells, insert_rows, remove_merge
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.model import Scalar, parse_ref
from xladdin.undo import JournalEntry, next_batch, read_journal
from xladdin.workbook_plan import (
    AddCharts,
    ClearMarks,
    CutJournal,
    DeleteRows,
    DeleteSheet,
    InsertRows,
    MarkCells,
    MergeCells,
    Paint,
    RestoreFill,
    SetCell,
    SetLink,
    Step,
    StyleCells,
    StyleSheet,
    UnmergeCells,
    Validate,
    WorkbookPlan,
    WriteLists,
    WriteSheet,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


@dataclass
class Applied:
    """What applying a plan did that only the applier could know (for the sentence to the user)."""

    batch: int = 0  # the journal batch written (0: none)
    marked: int = 0  # cells marked
    cleared: dict[str, int] = field(default_factory=dict)  # ClearMarks: cells, notes, kept
    unchanged: bool = False  # every step found nothing to do (clear on a workbook never marked)


class _Run:
    """One application: the workbook, the journal batch being written, the formula index."""

    def __init__(self, wb: Workbook, plan: WorkbookPlan) -> None:
        self.wb = wb
        self.journal = plan.journal
        self.entries: list[JournalEntry] = []
        self.time = now_text()
        self.batch = 0
        if self.journal:
            ws = wb[UNDO_SHEET] if UNDO_SHEET in wb.sheetnames else None
            self.batch = next_batch(read_journal(sheet_from_openpyxl(ws)) if ws is not None else [])
        self._formulas: list[tuple[Any, Any]] | None = None
        self.applied = Applied()

    def record(self, op: str, sheet: str, cell: str, old: Scalar, new: Scalar, why: str) -> None:
        if self.journal:
            self.entries.append(JournalEntry(self.batch, op, sheet, cell, old, new, why, self.time))

    def formulas(self) -> list[tuple[Any, Any]]:
        """The workbook's formula and link cells, indexed once for all the row moves of a run."""
        if self._formulas is None:
            self._formulas = formula_cells(self.wb)
        return self._formulas

    def formula_added(self, ws: Worksheet, cell: Any) -> None:
        if self._formulas is not None:
            self._formulas.append((ws, cell))

    def sheet(self, name: str) -> Worksheet:
        if name not in self.wb.sheetnames:
            raise UserError(f"找不到工作表“{name}”。请不要在操作进行中重命名或删除工作表。")
        return self.wb[name]


def apply(wb: Workbook, plan: WorkbookPlan) -> Applied:
    """Carry out every step of ``plan`` in order; journal them as one batch when the plan says so."""
    run = _Run(wb, plan)
    noop = 0
    for step in plan.steps:
        if isinstance(step, ClearMarks) and not _marked(run.wb, step):
            noop += 1  # nothing of the tool's is on the workbook: the step would only rewrite it
        _STEP[type(step)](run, step)
    run.applied.unchanged = bool(plan.steps) and noop == len(plan.steps) and not run.entries
    if run.entries:
        journal_entries(wb, run.entries)
        run.applied.batch = run.batch
    return run.applied


# --------------------------------------------------------------------------- cells


def _set_cell(run: _Run, s: SetCell) -> None:
    ws = run.sheet(s.sheet)
    r, c = parse_ref(s.cell)
    cell = ws.cell(row=r, column=c)
    old = plain(cell.value)
    new = s.value
    if old == new and (cell.data_type == "f") == s.formula:
        return
    set_value(ws, r, c, new, formula=s.formula)
    run.record("set", s.sheet, s.cell, old, plain(new), s.why)
    if s.formula:
        run.formula_added(ws, ws.cell(row=r, column=c))


def _paint(run: _Run, s: Paint) -> None:
    cell = run.sheet(s.sheet)[s.cell]
    old = fill_xml(cell.fill)
    new_fill = solid(s.color)
    new = fill_xml(new_fill)
    if old == new:
        return
    cell.fill = new_fill
    run.record("fill", s.sheet, s.cell, old, new, s.why)


def _restore_fill(run: _Run, s: RestoreFill) -> None:
    from openpyxl.styles import PatternFill

    if s.sheet not in run.wb.sheetnames:
        return
    fill = fill_from_xml(s.fill) if s.fill else None
    run.wb[s.sheet][s.cell].fill = fill if fill is not None else PatternFill()


def _set_link(run: _Run, s: SetLink) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    if s.sheet not in run.wb.sheetnames:
        return
    cell = run.wb[s.sheet][s.cell]
    old = cell.hyperlink.location if cell.hyperlink is not None else None
    if old == s.location:
        return
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=s.location) if s.location else None
    run.record("link", s.sheet, s.cell, old, s.location, s.why)
    if s.location:
        run.formula_added(run.wb[s.sheet], cell)


# --------------------------------------------------------------------------- rows and merges


def _insert_rows(run: _Run, s: InsertRows) -> None:
    ws = run.sheet(s.sheet)
    insert_rows(ws, s.at, s.count, template=s.template, formulas=run.formulas(), copy_merges=False)
    run.record("insert_rows", s.sheet, f"A{s.at}", None, s.count, s.why)


def _delete_rows(run: _Run, s: DeleteRows) -> None:
    if s.sheet in run.wb.sheetnames:
        delete_rows(run.wb[s.sheet], s.at, s.count, formulas=run.formulas())


def _merge(run: _Run, s: MergeCells) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    add_merge(run.sheet(s.sheet), CellRange(s.ref))


def _unmerge(run: _Run, s: UnmergeCells) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    ws = run.sheet(s.sheet)
    area = CellRange(s.ref)
    for m in list(ws.merged_cells.ranges):
        if not area.isdisjoint(m):
            remove_merge(ws, m.coord)


# --------------------------------------------------------------------------- sheets


def _write_sheet(run: _Run, s: WriteSheet) -> None:
    name = s.content.name
    if name in run.wb.sheetnames:
        if not s.replace:
            raise UserError(f"工作簿中已有工作表“{name}”，未覆盖。请把它改名后再试。")
        index = run.wb.sheetnames.index(name)
        run.wb.remove(run.wb[name])
        ws = run.wb.create_sheet(name, index)
    else:
        ws = run.wb.create_sheet(name)
        run.record("add_sheet", name, "A1", None, name, s.why)
    looks.write_content(ws, s.content)
    run._formulas = None  # the new sheet's formulas and links are moved by later row inserts too


def _delete_sheet(run: _Run, s: DeleteSheet) -> None:
    if s.sheet in run.wb.sheetnames:
        run.wb.remove(run.wb[s.sheet])
        run._formulas = None


def _style_cells(run: _Run, s: StyleCells) -> None:
    looks.style_cells(run.sheet(s.sheet), s.cells)


def _style_sheet(run: _Run, s: StyleSheet) -> None:
    looks.apply_style(run.sheet(s.style.sheet), s.style)


def _validate(run: _Run, s: Validate) -> None:
    looks.apply_validations(run.sheet(s.sheet), s.rules)


def _write_lists(run: _Run, s: WriteLists) -> None:
    looks.write_lists(run.wb, s.lists)


def _charts(run: _Run, s: AddCharts) -> None:
    looks.apply_charts(run.wb, run.sheet(s.sheet), s.chart, s.costs)


# --------------------------------------------------------------------------- marks and the journal


def _marked(wb: Workbook, s: ClearMarks) -> bool:
    """Whether taking the marks off can change anything: a state to restore, the state sheet, or a
    note of the tool's on some cell (looked for only when the state sheet is missing)."""
    from xladdin.conventions import STATE_SHEET
    from xladdin.marks import NOTE_TAG

    if s.states or STATE_SHEET in wb.sheetnames:
        return True
    if not s.without_state:
        return False
    return any(
        cell.comment is not None and NOTE_TAG in cell.comment.text
        for ws in wb.worksheets
        for cell in ws._cells.values()
        if cell.comment is not None
    )


def _clear_marks(run: _Run, s: ClearMarks) -> None:
    run.applied.cleared = clear_marks(run.wb, s.states, s.without_state)


def _mark_cells(run: _Run, s: MarkCells) -> None:
    run.applied.marked = mark_cells(run.wb, s.marks)


def _cut_journal(run: _Run, s: CutJournal) -> None:
    """The newest batch is the journal's last rows: cut them off in one go."""
    if UNDO_SHEET not in run.wb.sheetnames:
        return
    jws = run.wb[UNDO_SHEET]
    first = jws.max_row + 1
    for r in range(jws.max_row, 1, -1):
        try:
            b = int(float(str(jws.cell(row=r, column=1).value)))
        except ValueError:
            b = s.batch  # a blank or broken line inside the batch goes with it
        if b != s.batch:
            break
        first = r
    if first <= jws.max_row:
        jws.delete_rows(first, jws.max_row - first + 1)
    if jws.max_row <= 1:
        run.wb.remove(jws)


_STEP: dict[type[Step], Any] = {
    SetCell: _set_cell,
    Paint: _paint,
    RestoreFill: _restore_fill,
    SetLink: _set_link,
    InsertRows: _insert_rows,
    DeleteRows: _delete_rows,
    MergeCells: _merge,
    UnmergeCells: _unmerge,
    WriteSheet: _write_sheet,
    DeleteSheet: _delete_sheet,
    StyleCells: _style_cells,
    StyleSheet: _style_sheet,
    Validate: _validate,
    WriteLists: _write_lists,
    AddCharts: _charts,
    ClearMarks: _clear_marks,
    MarkCells: _mark_cells,
    CutJournal: _cut_journal,
}
