"""The file shell's one applier: a ``WorkbookPlan`` carried out on an openpyxl workbook.

Each kind of step is done here in one place (``xladdin.workbook_plan`` says what each
means); the Excel shell's applier (``xladdin.excel.apply``) does the same steps with
xlwings.  With ``plan.journal`` every change is recorded as one batch of the hidden
``xladdin撤销`` sheet, in the order applied, so that undo can take the batch back in
reverse: cells with the content they held (read here, exactly as stored), fills with the
fill element they had, inserted rows, added sheets, links.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xladdin import workbook_plan as wp
from xladdin.conventions import STATE_SHEET, UNDO_SHEET, now_text
from xladdin.errors import UserError
from xladdin.files import looks
from xladdin.files.cells import fill_from_xml, fill_xml, is_solid, plain, set_value, solid
from xladdin.files.journal import journal_entries
from xladdin.files.marking import clear_marks, mark_cells
from xladdin.files.rows import add_merge, delete_rows, formula_cells, insert_rows, remove_merge
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.marks import NOTE_TAG
from xladdin.model import Scalar, parse_ref
from xladdin.progress import QUIET, Progress
from xladdin.undo import JournalEntry, next_batch, read_journal

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


class _Run:
    """One application: the workbook, the journal batch being written, the formula index, the progress."""

    def __init__(self, wb: Workbook, plan: wp.WorkbookPlan, progress: Progress = QUIET) -> None:
        self.wb = wb
        self.progress = progress
        self.total = len(_sheets_of(plan))
        self.seen: set[str] = set()
        self.journal = plan.journal
        self.entries: list[JournalEntry] = []
        self.time = now_text()
        self.batch = 0
        if self.journal:
            ws = wb[UNDO_SHEET] if UNDO_SHEET in wb.sheetnames else None
            self.batch = next_batch(read_journal(sheet_from_openpyxl(ws)) if ws is not None else [])
        self._formulas: list[tuple[Any, Any]] | None = None
        self.applied = wp.Applied()
        # sheets by name and fills as journal XML, looked up once: openpyxl finds a sheet by
        # walking every sheet, and writing a fill's XML costs more than the paint itself
        self._sheets: dict[str, Worksheet] = {ws.title: ws for ws in wb.worksheets}
        self._fill_xml: dict[int, str] = {}
        self.looks: looks.Looks = {}  # cell looks worked out once for the whole workbook

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

    def at(self, sheet: str) -> None:
        """Now working on ``sheet``: the progress counts the sheets begun."""
        if sheet not in self.seen:
            self.seen.add(sheet)
            self.progress.step("写入工作表", len(self.seen), self.total)

    def sheet(self, name: str) -> Worksheet:
        ws = self._sheets.get(name)
        if ws is None:
            raise UserError(f"找不到工作表“{name}”。请不要在操作进行中重命名或删除工作表。")
        return ws

    def find(self, name: str) -> Worksheet | None:
        return self._sheets.get(name)

    def sheets_changed(self) -> None:
        """A sheet was added or removed: the name index and the formula index are made again."""
        self._sheets = {ws.title: ws for ws in self.wb.worksheets}
        self._formulas = None

    def fill_xml(self, cell: Any) -> str:
        """The cell's fill as the journal stores it (by the workbook's fill index: computed once per fill)."""
        fill = cell.fill  # also gives a new cell its style array
        fill_id = cell._style.fillId
        text = self._fill_xml.get(fill_id)
        if text is None:
            text = self._fill_xml[fill_id] = fill_xml(fill)
        return text


def apply(wb: Workbook, plan: wp.WorkbookPlan, progress: Progress = QUIET) -> wp.Applied:
    """Carry out every step of ``plan`` in order; journal them as one batch when the plan says so.

    ``progress`` hears of each sheet as its first step begins (n of the sheets the plan touches).
    """
    run = _Run(wb, plan, progress)
    noop = 0
    for step in plan.steps:
        if isinstance(step, wp.ClearMarks) and not _marked(run.wb, step):
            noop += 1  # nothing of the tool's is on the workbook: the step would only rewrite it
        elif isinstance(step, wp.ClearHighlights) and not step.cells:
            noop += 1  # no fill or rollover colour to take off
        sheet = _sheet_of_step(step)
        if sheet is not None:
            run.at(sheet)
        _STEP[type(step)](run, step)
    run.applied.unchanged = bool(plan.steps) and noop == len(plan.steps) and not run.entries
    if run.entries:
        journal_entries(wb, run.entries)
        run.applied.batch = run.batch
    return run.applied


def _sheet_of_step(step: wp.Step) -> str | None:
    """The one sheet a step works on (None: a step over several sheets, or over none)."""
    if isinstance(step, wp.WriteSheet):
        return step.content.name
    if isinstance(step, wp.StyleSheet):
        return step.style.sheet
    sheet = getattr(step, "sheet", None)
    return sheet if isinstance(sheet, str) else None


def _sheets_of(plan: wp.WorkbookPlan) -> set[str]:
    """Every sheet the plan works on, for the progress's total."""
    names: set[str] = set()
    for step in plan.steps:
        if isinstance(step, wp.MarkCells):
            names.update(m.sheet for m in step.marks)
        elif isinstance(step, wp.ClearMarks):
            names.update(st.sheet for st in step.states)
        elif (sheet := _sheet_of_step(step)) is not None:
            names.add(sheet)
    return names


# --------------------------------------------------------------------------- cells


def _set_cell(run: _Run, s: wp.SetCell) -> None:
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


def _paint(run: _Run, s: wp.Paint) -> None:
    cell = run.sheet(s.sheet)[s.cell]
    old = run.fill_xml(cell)
    if s.before_mark is not None and is_solid(cell.fill, s.mark):
        old = s.before_mark  # painted over a check mark: the journal keeps the fill under it
    new_fill = solid(s.color)
    cell.fill = new_fill
    new = run.fill_xml(cell)
    if old != new:
        run.record("fill", s.sheet, s.cell, old, new, s.why)


def _restore_fill(run: _Run, s: wp.RestoreFill) -> None:
    from openpyxl.styles import PatternFill

    ws = run.find(s.sheet)
    if ws is None:
        return
    fill = fill_from_xml(s.fill) if s.fill else None
    ws[s.cell].fill = fill if fill is not None else PatternFill()


def _set_link(run: _Run, s: wp.SetLink) -> None:
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = run.find(s.sheet)
    if ws is None:
        return
    cell = ws[s.cell]
    old = cell.hyperlink.location if cell.hyperlink is not None else None
    if old == s.location:
        return
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=s.location) if s.location else None
    run.record("link", s.sheet, s.cell, old, s.location, s.why)
    if s.location:
        run.formula_added(ws, cell)


# --------------------------------------------------------------------------- rows and merges


def _insert_rows(run: _Run, s: wp.InsertRows) -> None:
    ws = run.sheet(s.sheet)
    insert_rows(ws, s.at, s.count, template=s.template, formulas=run.formulas(), copy_merges=False)
    run.record("insert_rows", s.sheet, f"A{s.at}", None, s.count, s.why)


def _delete_rows(run: _Run, s: wp.DeleteRows) -> None:
    ws = run.find(s.sheet)
    if ws is not None:
        delete_rows(ws, s.at, s.count, formulas=run.formulas())


def _merge(run: _Run, s: wp.MergeCells) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    add_merge(run.sheet(s.sheet), CellRange(s.ref))


def _unmerge(run: _Run, s: wp.UnmergeCells) -> None:
    from openpyxl.worksheet.cell_range import CellRange

    ws = run.sheet(s.sheet)
    area = CellRange(s.ref)
    for m in list(ws.merged_cells.ranges):
        if not area.isdisjoint(m):
            remove_merge(ws, m.coord)


# --------------------------------------------------------------------------- sheets


def _write_sheet(run: _Run, s: wp.WriteSheet) -> None:
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
    looks.write_content(ws, s.content, run.looks)
    run.sheets_changed()  # the new sheet's formulas and links are moved by later row inserts too


def _delete_sheet(run: _Run, s: wp.DeleteSheet) -> None:
    ws = run.find(s.sheet)
    if ws is not None:
        run.wb.remove(ws)
        run.sheets_changed()


def _style_cells(run: _Run, s: wp.StyleCells) -> None:
    looks.style_cells(run.sheet(s.sheet), s.cells, run.looks)


def _style_sheet(run: _Run, s: wp.StyleSheet) -> None:
    looks.apply_style(run.sheet(s.style.sheet), s.style, run.looks)


def _validate(run: _Run, s: wp.Validate) -> None:
    looks.apply_validations(run.sheet(s.sheet), s.rules)


def _write_lists(run: _Run, s: wp.WriteLists) -> None:
    looks.write_lists(run.wb, s.lists)
    run.sheets_changed()


def _charts(run: _Run, s: wp.AddCharts) -> None:
    looks.apply_charts(run.wb, run.sheet(s.sheet), s.chart, s.costs)
    run.sheets_changed()


# --------------------------------------------------------------------------- marks and the journal


def _marked(wb: Workbook, s: wp.ClearMarks) -> bool:
    """Whether taking the marks off can change anything: a state to restore, the state sheet, or a
    note of the tool's on some cell (looked for only when the state sheet is missing)."""
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


def _clear_marks(run: _Run, s: wp.ClearMarks) -> None:
    run.applied.cleared = clear_marks(run.wb, s.states, s.without_state, run.applied.unhighlighted, at=run.at)
    run.sheets_changed()


def _clear_highlights(run: _Run, s: wp.ClearHighlights) -> None:
    from openpyxl.styles import PatternFill

    for h in s.cells:
        ws = run.find(h.sheet)
        if ws is None:
            continue
        cell = ws[h.cell]
        if not is_solid(cell.fill, h.color):
            continue  # recoloured since: the user's colour stays
        fill = fill_from_xml(h.before) if h.before else None
        cell.fill = fill if fill is not None else PatternFill()
        run.applied.highlights += 1
        run.applied.unhighlighted.add((h.sheet, h.cell))


def _mark_cells(run: _Run, s: wp.MarkCells) -> None:
    run.applied.marked = mark_cells(run.wb, s.marks, at=run.at)
    run.sheets_changed()


def _cut_journal(run: _Run, s: wp.CutJournal) -> None:
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
        run.sheets_changed()


_STEP: dict[type[wp.Step], Any] = {
    wp.SetCell: _set_cell,
    wp.Paint: _paint,
    wp.RestoreFill: _restore_fill,
    wp.SetLink: _set_link,
    wp.InsertRows: _insert_rows,
    wp.DeleteRows: _delete_rows,
    wp.MergeCells: _merge,
    wp.UnmergeCells: _unmerge,
    wp.WriteSheet: _write_sheet,
    wp.DeleteSheet: _delete_sheet,
    wp.StyleCells: _style_cells,
    wp.StyleSheet: _style_sheet,
    wp.Validate: _validate,
    wp.WriteLists: _write_lists,
    wp.AddCharts: _charts,
    wp.ClearMarks: _clear_marks,
    wp.ClearHighlights: _clear_highlights,
    wp.MarkCells: _mark_cells,
    wp.CutJournal: _cut_journal,
}
