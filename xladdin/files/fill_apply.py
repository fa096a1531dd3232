"""Apply fill and rollover plans to an openpyxl workbook, record them, and take them back.

Every change goes three places: the cell itself (highlighted, so the user sees what
the machine typed), a record sheet the user reads (``填充记录`` / ``新年度检查``),
and the hidden undo journal (``xladdin撤销``), in an order that lets ``revert_last``
take the newest batch back exactly: rows are inserted bottom-up and journalled in that
order, cell changes are journalled afterwards in final coordinates, so reverting in
reverse first restores the cells, then deletes the rows top-down.

Besides the journal ops of ``xladdin.undo`` ("set", "insert_rows", "add_sheet"), this
module journals ``op="fill"``: a cell's background before and after highlighting
(as the fill's XML), so that undo also removes the highlight; and ``op="link"``: an
internal hyperlink set or removed in an existing record sheet (old/new location).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from openpyxl.styles import PatternFill
from openpyxl.styles.fills import Fill
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.xml.functions import fromstring, tostring

from xladdin.errors import UserError
from xladdin.files.journal import append_text_row, journal_entries
from xladdin.files.rows import add_merge, delete_rows, formula_cells, insert_rows, remove_merge, set_value
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.fill import FillPlan, NewRow
from xladdin.framework import level1_key, level2_key
from xladdin.model import Project, Scalar, cell_ref, parse_ref
from xladdin.rollover import CATEGORIES, CHANGED, CheckItem, RolloverPlan
from xladdin.undo import UNDO_SHEET, JournalEntry, next_batch, read_journal, undo_plan

FILL_RECORD_SHEET = "填充记录"
ROLLOVER_SHEET = "新年度检查"
FILL_RECORD_HEADER = ("工作表", "单元格", "原值", "新值", "说明", "时间")
ROLLOVER_HEADER = ("序号", "类别", "工作表", "单元格", "内容", "需要做什么", "处理结果")

NEW_COLOR = "FFFFF2CC"  # light yellow: typed by the machine
TODO_COLOR = "FFFCE4D6"  # light orange: a person must look at it


def fill_xml(fill: Any) -> str:
    return tostring(fill.to_tree()).decode()


def fill_from_xml(text: str) -> Any:
    return Fill.from_tree(fromstring(text))


@dataclass(frozen=True)
class RecordRow:
    sheet: str
    cell: str
    old: Scalar
    new: Scalar
    why: str


@dataclass
class Recorder:
    """Journal entries of one batch, in the order they must be journalled."""

    batch: int
    time: str
    entries: list[JournalEntry] = field(default_factory=list)
    _formulas: list[tuple[Any, Any]] | None = None

    def formulas(self, wb: Any) -> list[tuple[Any, Any]]:
        """The workbook's formula/link cells, indexed once per run (see ``rows.formula_cells``)."""
        if self._formulas is None:
            self._formulas = formula_cells(wb)
        return self._formulas

    @classmethod
    def for_workbook(cls, wb: Any) -> Recorder:
        ws = wb[UNDO_SHEET] if UNDO_SHEET in wb.sheetnames else None
        entries = read_journal(sheet_from_openpyxl(ws)) if ws is not None else []
        return cls(next_batch(entries), dt.datetime.now().isoformat(sep=" ", timespec="seconds"))

    def add(self, op: str, sheet: str, cell: str, old: Scalar, new: Scalar, why: str) -> None:
        self.entries.append(JournalEntry(self.batch, op, sheet, cell, old, new, why, self.time))

    def commit(self, wb: Any) -> None:
        journal_entries(wb, self.entries)


def _plain(value: Any) -> Scalar:
    """A cell value as the journal can hold it (rich text → its plain text)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, dt.date | dt.datetime):
        return value
    return str(value)


def highlight(ws: Any, ref: str, color: str, rec: Recorder | None, why: str) -> None:
    cell = ws[ref]
    old = fill_xml(cell.fill)
    new_fill = PatternFill("solid", fgColor=color)
    new = fill_xml(new_fill)
    if old == new:
        return
    cell.fill = new_fill
    if rec is not None:
        rec.add("fill", ws.title, ref, old, new, why)


def set_cell(ws: Any, ref: str, value: Any, rec: Recorder | None, why: str) -> Scalar:
    row, col = parse_ref(ref)
    old = _plain(ws.cell(row=row, column=col).value)
    if old == value:
        return old
    set_value(ws, row, col, value)
    if rec is not None:
        rec.add("set", ws.title, ref, old, _plain(value), why)
    return old


# --------------------------------------------------------------------------- fill


def apply_fill(wb: Any, plan: FillPlan, project: Project, rec: Recorder) -> list[RecordRow]:
    """Insert the plan's rows, rebuild the 一级/二级 blocks, edit cells; the record rows."""
    if plan.empty:
        return []
    ws = wb[plan.sheet]
    cols = project.columns
    c1, c2 = cols.get("level1", 1), cols.get("level2", 2)
    cn, cv = cols.get("name", 3), cols.get("value", 5)
    header = project.header_row
    merged_cols = _vertical_merge_cols(ws, header, project.last_row, (c1, c2))
    if not project.indicators:
        merged_cols = {c1, c2}  # an empty table gets the published layout: merged 一级/二级 blocks

    by_after: dict[int, list[NewRow]] = defaultdict(list)
    for r in plan.new_rows:
        by_after[r.after].append(r)
    # new rows look like their neighbours; an empty table has none, so the header row
    # lends its merges and borders (its bold font and fill are taken off below)
    first_ind = min((i.row for i in project.indicators), default=header)
    for after in sorted(by_after, reverse=True):
        count = len(by_after[after])
        template = after if after > header else first_ind
        insert_rows(ws, after + 1, count, template=template, formulas=rec.formulas(wb))
        rec.add("insert_rows", ws.title, f"A{after + 1}", None, count, "填充指标：插入行")

    def final(row: int) -> int:
        return row + sum(len(group) for a, group in by_after.items() if a < row)

    records: list[RecordRow] = []
    if not project.indicators:
        from openpyxl.styles import Font

        for row_no in range(header + 1, header + 1 + len(plan.new_rows)):
            for c in range(1, ws.max_column + 1):
                cell = ws.cell(row=row_no, column=c)
                if cell.has_style:
                    cell.font = Font(name=cell.font.name, size=cell.font.size)
                    cell.fill = PatternFill()
    new_positions: list[tuple[int, NewRow]] = []
    for after, rows in by_after.items():
        for j, r in enumerate(rows):
            new_positions.append((final(after) + 1 + j, r))
    for row, r in sorted(new_positions):
        for col, value in ((cn, r.name), (cv, r.value)):
            if value:
                set_value(ws, row, col, value)
                records.append(RecordRow(ws.title, cell_ref(row, col), None, value, r.why))
            ws.cell(row=row, column=col).fill = PatternFill("solid", fgColor=NEW_COLOR)
        if not r.name and not r.value:
            records.append(RecordRow(ws.title, cell_ref(row, cn), None, None, r.why))

    # 一级/二级 labels of the final table
    keys: dict[int, tuple[str, str, str, str]] = {}
    for ind in project.indicators:
        keys[final(ind.row)] = (
            ind.level1.text,
            ind.level2.text,
            level1_key(ind.level1.text),
            level2_key(ind.level2.text),
        )
    for row, r in new_positions:
        keys[row] = (r.level1, r.level2, level1_key(r.level1), level2_key(r.level2))
    last = max(keys) if keys else header
    for col, level in ((c1, 1), (c2, 2)):
        _relabel(ws, col, level, keys, header + 1, last, col in merged_cols, rec, records)

    for e in plan.edits:
        r0, c0 = parse_ref(e.cell)
        ref = cell_ref(final(r0), c0)
        old = set_cell(ws, ref, e.new, rec, e.why)
        highlight(ws, ref, NEW_COLOR, rec, e.why)
        records.append(RecordRow(ws.title, ref, old, e.new, e.why))
    return records


def _vertical_merge_cols(ws: Any, header: int, last: int, cols: tuple[int, ...]) -> set[int]:
    out = set()
    for m in ws.merged_cells.ranges:
        if m.min_col == m.max_col and m.min_col in cols and m.max_row > m.min_row and m.min_row > header:
            out.add(m.min_col)
    return out


def _relabel(
    ws: Any,
    col: int,
    level: int,
    keys: dict[int, tuple[str, str, str, str]],
    first: int,
    last: int,
    merged: bool,
    rec: Recorder,
    records: list[RecordRow],
) -> None:
    """Labels of one label column over the final table: merged blocks or top-of-run labels."""
    for m in list(ws.merged_cells.ranges):
        if m.min_col == m.max_col == col and m.min_row >= first and m.max_row <= last:
            remove_merge(ws, m.coord)

    def key(row: int) -> tuple[str, ...] | None:
        k = keys.get(row)
        if k is None:
            return None
        return (k[2],) if level == 1 else (k[2], k[3])

    row = first
    while row <= last:
        k = key(row)
        if k is None:
            row += 1
            continue
        end = row
        while end + 1 <= last and key(end + 1) == k:
            end += 1
        label = keys[row][level - 1]
        top = ws.cell(row=row, column=col)
        if display(top.value) != label:
            ref = cell_ref(row, col)
            old = set_cell(ws, ref, label, rec, "填充指标：分组标签")
            records.append(RecordRow(ws.title, ref, old, label, "填充指标：新分组的标签"))
        for r in range(row + 1, end + 1):
            c = ws.cell(row=r, column=col)
            if merged and c.value not in (None, ""):
                set_cell(ws, cell_ref(r, col), None, rec, "填充指标：合并分组单元格")
        if merged and end > row:
            from openpyxl.worksheet.cell_range import CellRange

            add_merge(ws, CellRange(min_col=col, min_row=row, max_col=col, max_row=end))
        row = end + 1


def display(v: Any) -> str:
    from xladdin.model import display_text

    return display_text(v)


# --------------------------------------------------------------------------- record sheets


def write_fill_record(wb: Any, records: list[RecordRow], notes: list[str], rec: Recorder) -> None:
    """Append this run's changes to ``填充记录`` (created, and journalled as added, the first time)."""
    rows = [[r.sheet, r.cell, _show(r.old), _show(r.new), r.why, rec.time] for r in records]
    rows += [["", "", "", "", f"未处理：{n}", rec.time] for n in notes]
    if FILL_RECORD_SHEET not in wb.sheetnames:
        ws = wb.create_sheet(FILL_RECORD_SHEET)
        rec.add("add_sheet", FILL_RECORD_SHEET, "A1", None, FILL_RECORD_SHEET, "添加填充记录表")
        ws.append(list(FILL_RECORD_HEADER))
        for r in rows:
            append_text_row(ws, r)
        _link_cells(ws, 2, 1, 2)
        _widths(ws, (14, 8, 24, 24, 60, 20))
        return
    ws = wb[FILL_RECORD_SHEET]
    start = ws.max_row + 1
    for i, r in enumerate(rows):
        for c, v in enumerate(r, start=1):
            set_cell(ws, cell_ref(start + i, c), v, rec, "填充记录")
    _link_cells(ws, start, 1, 2, rec)


def _show(v: Scalar) -> Scalar:
    return "" if v is None else v


def _link_cells(ws: Any, first: int, sheet_col: int, cell_col: int, rec: Recorder | None = None) -> None:
    """A hyperlink on each record's cell address, to the cell it talks about.

    In a sheet this run created (``rec`` None) links are styled and need no journal: undo
    deletes the sheet.  In an existing sheet every link set or removed is journalled
    (``op="link"``) and the cell's style is left alone, so undo restores it exactly.
    """
    for r in range(first, ws.max_row + 1):
        sheet, ref = ws.cell(row=r, column=sheet_col).value, ws.cell(row=r, column=cell_col).value
        c = ws.cell(row=r, column=cell_col)
        old = c.hyperlink.location if c.hyperlink is not None else None
        new = None
        if sheet and ref and isinstance(ref, str) and sheet in ws.parent.sheetnames:
            new = "'" + str(sheet).replace("'", "''") + "'!" + ref
        if new == old:
            continue
        c.hyperlink = Hyperlink(ref=c.coordinate, location=new) if new else None
        if rec is None:
            if new:
                c.style = "Hyperlink"
        else:
            rec.add("link", ws.title, c.coordinate, old, new, "记录表的超链接")


def _widths(ws: Any, widths: tuple[int, ...]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def write_rollover_sheet(wb: Any, checks: list[CheckItem], sheet_order: list[str], rec: Recorder) -> None:
    """The 新年度检查 sheet: what a person must look at, most urgent first."""
    order = {s: n for n, s in enumerate(sheet_order)}
    cat = {c: n for n, c in enumerate(CATEGORIES)}

    def key(c: CheckItem) -> tuple[int, int, int, int]:
        r, col = parse_ref(c.cell) if c.cell else (0, 0)
        return (cat.get(c.category, 9), order.get(c.sheet, 999), r, col)

    rows = [
        [n, c.category, c.sheet, c.cell, c.text, c.note, ""] for n, c in enumerate(sorted(checks, key=key), start=1)
    ]
    if ROLLOVER_SHEET in wb.sheetnames:
        ws = wb[ROLLOVER_SHEET]
        existed = True
        height = max(ws.max_row, len(rows) + 1)
        table: list[list[Any]] = [list(ROLLOVER_HEADER), *rows]
        for r in range(1, height + 1):
            line = table[r - 1] if r <= len(table) else [None] * len(ROLLOVER_HEADER)
            for c in range(1, len(ROLLOVER_HEADER) + 1):
                set_cell(ws, cell_ref(r, c), line[c - 1], rec, "新年度检查")
    else:
        ws = wb.create_sheet(ROLLOVER_SHEET)
        rec.add("add_sheet", ROLLOVER_SHEET, "A1", None, ROLLOVER_SHEET, "添加新年度检查表")
        ws.append(list(ROLLOVER_HEADER))
        for row_values in rows:
            append_text_row(ws, row_values)
        existed = False
    _link_cells(ws, 2, 3, 4, rec if existed else None)
    if existed:
        return  # the sheet keeps the look it has; only values and links were journalled
    _widths(ws, (6, 10, 14, 8, 40, 60, 14))
    from openpyxl.styles import Alignment, Font

    for c in ws[1]:
        c.font = Font(bold=True)
    for r in range(2, ws.max_row + 1):
        for col in (5, 6):
            ws.cell(row=r, column=col).alignment = Alignment(wrap_text=True, vertical="top")
        if ws.cell(row=r, column=2).value not in (None, "", CHANGED):
            ws.cell(row=r, column=2).fill = PatternFill("solid", fgColor=TODO_COLOR)
    ws.freeze_panes = "A2"


# --------------------------------------------------------------------------- rollover


def apply_rollover(wb: Any, plan: RolloverPlan, rec: Recorder) -> None:
    for e in plan.edits:
        ws = wb[e.sheet]
        set_cell(ws, e.cell, e.new, rec, e.why)
        highlight(ws, e.cell, NEW_COLOR, rec, e.why)
    for sheet, ref in plan.marked:
        highlight(wb[sheet], ref, TODO_COLOR, rec, "新年度：待更新/需确认")
    write_rollover_sheet(wb, plan.checks, wb.sheetnames, rec)


# --------------------------------------------------------------------------- undo


def revert_last(wb: Any) -> list[JournalEntry]:
    """Take back the newest batch of the journal; the entries reverted ([] when none)."""
    if UNDO_SHEET not in wb.sheetnames:
        return []
    jws = wb[UNDO_SHEET]
    entries = read_journal(sheet_from_openpyxl(jws))
    plan = undo_plan(entries)
    if not plan:
        return []
    formulas = formula_cells(wb)
    for e in plan:
        if e.op == "add_sheet":
            if e.sheet in wb.sheetnames:
                del wb[e.sheet]
            continue
        if e.sheet not in wb.sheetnames:
            continue
        ws = wb[e.sheet]
        if e.op == "set":
            r, c = parse_ref(e.cell)
            set_value(ws, r, c, e.old)
        elif e.op == "link":
            cell = ws[e.cell]
            cell.hyperlink = Hyperlink(ref=e.cell, location=str(e.old)) if e.old else None
        elif e.op == "fill":
            ws[e.cell].fill = fill_from_xml(str(e.old)) if e.old else PatternFill()
        elif e.op == "insert_rows":
            r, _ = parse_ref(e.cell)
            delete_rows(ws, r, int(float(str(e.new or 0))), formulas=formulas)
        else:
            raise UserError(f"撤销记录中有无法识别的操作“{e.op}”（工作表“{e.sheet}”{e.cell}），已停止，文件未修改。")
    batch = plan[0].batch
    # the newest batch is the journal's last rows: cut them off in one go
    first = jws.max_row + 1
    for r in range(jws.max_row, 1, -1):
        try:
            b = int(float(str(jws.cell(row=r, column=1).value)))
        except ValueError:
            b = batch  # a blank or broken line inside the batch goes with it
        if b != batch:
            break
        first = r
    if first <= jws.max_row:
        jws.delete_rows(first, jws.max_row - first + 1)
    if jws.max_row <= 1:
        del wb[UNDO_SHEET]
    return plan


__all__ = [
    "FILL_RECORD_SHEET",
    "NEW_COLOR",
    "ROLLOVER_SHEET",
    "TODO_COLOR",
    "Recorder",
    "add_summary_line",
    "apply_fill",
    "apply_rollover",
    "revert_last",
    "write_fill_record",
    "write_rollover_sheet",
]


# --------------------------------------------------------------------------- new project


def add_project_sheet(wb: Any, name: str, projects: list[Project], year: int, rec: Recorder) -> str:
    """A project sheet from the template layout, header taken from the workbook's projects.

    主管部门, 实施单位 and 项目属性 are what most of the other projects say (a department's
    projects share them); the look (styles, widths, heights) is copied from the first
    project sheet so the new table matches its neighbours.
    """
    from xladdin.files.workbooks import put_layout
    from xladdin.fill import new_project_spec
    from xladdin.layout import write_project

    spec = new_project_spec(name, projects, year, wb.sheetnames)
    title = spec.sheet
    lay = write_project(spec)
    ws = wb.create_sheet(title)
    rec.add("add_sheet", title, "A1", None, title, f"新建项目“{name}”")
    put_layout(ws, lay)
    model = next((p for p in projects if p.sheet in wb.sheetnames), None)
    if model is not None:
        _copy_look(wb[model.sheet], ws, model)
    return title


def add_summary_line(wb: Any, project: Project, rec: Recorder) -> tuple[list[RecordRow], list[str]]:
    """The new project's line in 项目汇总, when the workbook has one: (records, notes).

    The line and the widened 合计 are journalled with the new sheet, so one undo takes
    the whole new project back.
    """
    from xladdin.summary import SUMMARY_SHEET, plan_summary_line

    if SUMMARY_SHEET not in wb.sheetnames:
        return [], []
    ws = wb[SUMMARY_SHEET]
    plan = plan_summary_line(sheet_from_openpyxl(ws), project)
    if isinstance(plan, str):
        return [], [plan]
    insert_rows(ws, plan.at, 1, template=plan.template, formulas=rec.formulas(wb))
    rec.add("insert_rows", ws.title, f"A{plan.at}", None, 1, plan.edits[0].why)
    records = []
    for e in plan.edits:
        old = set_cell(ws, e.cell, e.new, rec, e.why)
        records.append(RecordRow(ws.title, e.cell, old, e.new, e.why))
    return records, list(plan.notes)


def _copy_look(src: Any, dst: Any, model: Project) -> None:
    from copy import copy

    from xladdin.model import column_letter

    header = model.header_row
    first = min((i.row for i in model.indicators), default=header + 1)
    for col in range(1, max(src.max_column, dst.max_column) + 1):
        letter = column_letter(col)
        if letter in src.column_dimensions:
            dst.column_dimensions[letter].width = src.column_dimensions[letter].width
    for row in range(1, dst.max_row + 1):
        src_row = row if row <= header else first
        if src_row in src.row_dimensions and src.row_dimensions[src_row].height:
            dst.row_dimensions[row].height = src.row_dimensions[src_row].height
        for col in range(1, dst.max_column + 1):
            s = src.cell(row=src_row, column=col)
            if s.has_style:
                d = dst._cells.get((row, col)) or dst.cell(row=row, column=col)
                d._style = copy(s._style)
    dst.page_setup.orientation = src.page_setup.orientation
