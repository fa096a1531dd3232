"""The record sheets a person reads after the tool changed their workbook: 填充记录 and 新年度检查.

``填充记录`` lists every cell the tool typed (fill, new project, fixes): sheet, cell (a
link to it), old and new value, why, when.  A later run appends to it.  ``新年度检查``
lists what a person must look at after 新年度, most urgent first.  Both come as steps:
a new sheet written whole, or the cells and links added to the sheet the workbook
already has — journalled, so that 撤销 takes a run's lines back with the run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xladdin.conventions import FILL_RECORD_SHEET, ROLLOVER_SHEET, TODO_COLOR, place
from xladdin.model import Scalar, SheetData, cell_ref, display_text, parse_ref
from xladdin.rollover import CATEGORIES, CHANGED, CheckItem
from xladdin.style import CellStyle, PrintSetup
from xladdin.toolsheets import BODY, BOLD_TEXT, WRAPPED, fit_rows
from xladdin.workbook_plan import SetCell, SetLink, SheetContent, Step, WriteSheet

FILL_RECORD_HEADER = ("工作表", "单元格", "原值", "新值", "说明", "时间")
FILL_RECORD_WIDTHS = (14, 8, 24, 24, 60, 20)
ROLLOVER_HEADER = ("序号", "类别", "工作表", "单元格", "内容", "需要做什么", "处理结果")
ROLLOVER_WIDTHS = (6, 10, 14, 8, 40, 60, 14)


@dataclass(frozen=True)
class RecordRow:
    """One line of 填充记录: a cell the tool typed (``old``/``new`` as the user will read them)."""

    sheet: str
    cell: str
    old: Scalar
    new: Scalar
    why: str


def _show(v: Scalar) -> Scalar:
    return "" if v is None else v


def fill_record_rows(records: Sequence[RecordRow], notes: Sequence[str], time: str) -> list[list[Any]]:
    rows: list[list[Any]] = [[r.sheet, r.cell, _show(r.old), _show(r.new), r.why, time] for r in records]
    rows += [["", "", "", "", f"未处理：{n}", time] for n in notes]
    return rows


def _link(sheet: Any, ref: Any, sheet_names: set[str]) -> str | None:
    """The place a record's cell address links to, when it names a sheet of the workbook."""
    if sheet and isinstance(ref, str) and ref and str(sheet) in sheet_names:
        return place(str(sheet), ref)
    return None


def record_steps(
    name: str,
    header: Sequence[str],
    rows: list[list[Any]],
    existing: SheetData | None,
    sheet_names: set[str],
    link_cols: tuple[int, int],
    new_sheet: SheetContent,
    why: str,
) -> list[Step]:
    """A record sheet's lines: appended to the sheet the workbook has (cells and links journalled
    one by one, its look left as it is), or a new sheet (``new_sheet``, with the header) written whole."""
    sheet_col, cell_col = link_cols
    if existing is None:
        content = new_sheet
        for c, h in enumerate(header, start=1):
            content.put(1, c, h, BOLD_TEXT if content.styles.get((1, c)) is None else content.styles[(1, c)])
        for i, row in enumerate(rows, start=2):
            for c, v in enumerate(row, start=1):
                if v not in (None, ""):
                    content.cells[(i, c)] = v
            target = _link(row[sheet_col - 1], row[cell_col - 1], sheet_names)
            if target:
                content.links[(i, cell_col)] = target
        fit_rows(content)
        return [WriteSheet(content, why)]
    steps: list[Step] = []
    start = existing.max_row + 1
    for i, row in enumerate(rows):
        r = start + i
        for c, v in enumerate(row, start=1):
            if v not in (None, ""):
                steps.append(SetCell(name, cell_ref(r, c), v, None, why))
        target = _link(row[sheet_col - 1], row[cell_col - 1], sheet_names)
        if target:
            steps.append(SetLink(name, cell_ref(r, cell_col), target, row[cell_col - 1], why))
    return steps


def fill_record_steps(
    records: Sequence[RecordRow], notes: Sequence[str], time: str, existing: SheetData | None, sheet_names: set[str]
) -> list[Step]:
    """This run's lines of 填充记录 (created, journalled as added, the first time)."""
    rows = fill_record_rows(records, notes, time)
    content = SheetContent(FILL_RECORD_SHEET)
    content.widths = dict(enumerate(FILL_RECORD_WIDTHS, start=1))
    for i in range(2, len(rows) + 2):
        for c in (3, 4, 5):  # 原值, 新值, 说明: a whole 指标 or sentence each
            content.styles[(i, c)] = WRAPPED
    content.freeze = "A2"
    content.print_setup = PrintSetup(orientation="landscape", title_rows=(1, 1))
    return record_steps(
        FILL_RECORD_SHEET, FILL_RECORD_HEADER, rows, existing, sheet_names, (1, 2), content, "添加填充记录表"
    )


def rollover_rows(checks: Sequence[CheckItem], sheet_order: Sequence[str]) -> list[list[Any]]:
    """The 新年度检查 lines, most urgent first: 需确认, 待更新, then 已改年份; by sheet and cell."""
    order = {s: n for n, s in enumerate(sheet_order)}
    cat = {c: n for n, c in enumerate(CATEGORIES)}

    def key(c: CheckItem) -> tuple[int, int, int, int]:
        r, col = parse_ref(c.cell) if c.cell else (0, 0)
        return (cat.get(c.category, 9), order.get(c.sheet, 999), r, col)

    return [
        [n, c.category, c.sheet, c.cell, c.text, c.note, ""] for n, c in enumerate(sorted(checks, key=key), start=1)
    ]


def rollover_steps(
    checks: Sequence[CheckItem], sheet_order: Sequence[str], existing: SheetData | None, sheet_names: set[str]
) -> list[Step]:
    """The 新年度检查 sheet: written whole the first time; a second rollover overwrites its cells
    (journalled, so 撤销 gives the previous list back) and keeps its look."""
    rows = rollover_rows(checks, sheet_order)
    if existing is None:
        content = SheetContent(ROLLOVER_SHEET)
        content.widths = dict(enumerate(ROLLOVER_WIDTHS, start=1))
        todo = CellStyle(BODY, horizontal=None, vertical="top", wrap=False, border=False, fill=TODO_COLOR)
        for i, row in enumerate(rows, start=2):
            content.styles[(i, 5)] = WRAPPED
            content.styles[(i, 6)] = WRAPPED
            if row[1] not in (None, "", CHANGED):
                content.styles[(i, 2)] = todo
        content.freeze = "A2"
        content.print_setup = PrintSetup(orientation="landscape", title_rows=(1, 1))
        return record_steps(
            ROLLOVER_SHEET, ROLLOVER_HEADER, rows, None, sheet_names, (3, 4), content, "添加新年度检查表"
        )
    steps: list[Step] = []
    table: list[list[Any]] = [list(ROLLOVER_HEADER), *rows]
    height = max(existing.max_row, len(table))
    for r in range(1, height + 1):
        line = table[r - 1] if r <= len(table) else [None] * len(ROLLOVER_HEADER)
        for c in range(1, len(ROLLOVER_HEADER) + 1):
            old = existing.value(r, c)
            new = line[c - 1]
            if display_text(old) != display_text(new) or type(old) is not type(new):
                if old is None and new in (None, ""):
                    continue
                steps.append(SetCell(ROLLOVER_SHEET, cell_ref(r, c), new, old, "新年度检查"))
        if r > 1:
            target = _link(line[2], line[3], sheet_names)
            steps.append(SetLink(ROLLOVER_SHEET, cell_ref(r, 4), target, line[3], "记录表的超链接"))
    return steps
