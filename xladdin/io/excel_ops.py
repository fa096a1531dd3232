"""The ribbon's writing operations on an open workbook: 测算成本, 新年度, 填充指标.

The plans come from the core (``costs.explain``, ``rollover.plan_rollover``,
``fill.plan_fill``); the tool's own sheets (成本测算, 新年度检查) are laid out by the
same writers the command line uses, run on an in-memory openpyxl sheet, and the
result is carried over to Excel in one value write (``transfer_sheet``), so both
shells produce the same sheet.  Every changed cell is journalled (``xladdin撤销``), so
撤销 takes the operation back.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from typing import Any

from xladdin.errors import UserError
from xladdin.io import excel
from xladdin.model import cell_ref, parse_ref
from xladdin.undo import JournalEntry

NEW_COLOR = "#fff2cc"  # typed by the machine (as the command line's fill/rollover)
TODO_COLOR = "#fce4d6"  # a person must look at it


# --------------------------------------------------------------------------- openpyxl sheet → Excel


def sheet_grid(ws: Any) -> list[list[Any]]:
    """An openpyxl sheet's cells for one Excel write: formulas stay formulas, text stays text,
    hyperlinks to cells become =HYPERLINK formulas (one write carries them)."""
    grid: list[list[Any]] = []
    for row in ws.iter_rows():
        out = []
        for c in row:
            v = c.value
            if isinstance(v, str) and c.data_type == "f":
                pass  # a real formula
            elif isinstance(v, str):
                v = excel.as_text(v)
            link = getattr(c, "hyperlink", None)
            if link is not None and getattr(link, "location", None) and v not in (None, ""):
                shown = str(c.value).replace('"', '""')
                target = str(link.location).replace('"', '""')
                v = f'=HYPERLINK("#{target}","{shown}")'
            out.append(v)
        grid.append(out)
    return grid


def transfer_sheet(book: Any, ws: Any, name: str | None = None) -> tuple[Any, bool]:
    """Write an in-memory openpyxl sheet into the book (replacing the sheet's contents)."""
    from openpyxl.utils import get_column_letter

    sh, created = excel.ensure_sheet(book, name or ws.title)
    sh.clear_contents()
    grid = sheet_grid(ws)
    width = max((len(r) for r in grid), default=0)
    if grid and width:
        sh.range((1, 1)).value = [r + [None] * (width - len(r)) for r in grid]
    bold_rows = sorted({c.row for row in ws.iter_rows() for c in row if c.font is not None and c.font.b})
    for r1, r2 in _runs(bold_rows):
        with contextlib.suppress(Exception):
            sh.range((r1, 1), (r2, width)).font.bold = True
    fills = {}
    for row in ws.iter_rows():
        for c in row:
            f = c.fill
            if f is not None and f.fill_type == "solid" and isinstance(f.fgColor.rgb, str):
                fills[(c.row, c.column)] = "#" + f.fgColor.rgb[-6:].lower()
    excel.write_colors(sh, fills)
    for i in range(1, width + 1):
        dim = ws.column_dimensions.get(get_column_letter(i))
        if dim is not None and dim.width:
            with contextlib.suppress(Exception):
                sh.range((1, i)).column_width = dim.width
    return sh, created


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: one formatting call per run."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _read(book: Any) -> tuple[list[Any], list[Any]]:
    from xladdin.check import read_projects

    sheets = excel.read_book(book)
    projects, _ = read_projects(sheets)
    if not projects:
        raise UserError("本工作簿中没有找到项目支出绩效目标表（需要“项目名称”和“一级指标…指标值”表头）。")
    return sheets, projects


# --------------------------------------------------------------------------- 测算成本


def run_costs(book: Any) -> str:
    from openpyxl import Workbook

    from xladdin.costs import explain
    from xladdin.io.costsheet import SHEET, write_cost_sheet

    _, projects = _read(book)
    excel.status(book, "测算成本：正在计算…")
    explanations = [explain(p) for p in projects]
    wb = Workbook()
    write_cost_sheet(wb, explanations)
    _, created = transfer_sheet(book, wb[SHEET])
    if created:
        excel.append_journal(book, [], extra=[_added(SHEET, "添加成本测算表")])
    balanced = sum(1 for e in explanations if e.balanced)
    off = [e for e in explanations if not e.balanced]
    text = f"{len(explanations)}个项目：{balanced}个项目的成本指标与项目总额一致"
    if off:
        parts = [f"{e.sheet}相差{_wan(e.unexplained)}" for e in off[:3]]
        text += f"，{len(off)}个不一致（{'；'.join(parts)}{'…' if len(off) > 3 else ''}）"
    return text + f"。明细和公式见“{SHEET}”表。"


def _wan(x: float | None) -> str:
    if x is None:
        return "（项目总额无法读取）"
    return f"{x:.2f}万元"


def _added(sheet: str, why: str) -> JournalEntry:
    return JournalEntry(0, "add_sheet", sheet, "A1", None, sheet, why, "")


# --------------------------------------------------------------------------- 新年度


def next_year(projects: list[Any]) -> int:
    years = Counter(p.year for p in projects if p.year)
    if not years:
        raise UserError("没有从表题或“(2026年)”一行读出预算年度，无法生成新年度。请检查各项目表的标题。")
    return years.most_common(1)[0][0] + 1


def run_rollover(book: Any) -> str:
    from openpyxl import Workbook

    from xladdin.io.fill_apply import ROLLOVER_SHEET, Recorder, write_rollover_sheet
    from xladdin.rollover import CONFIRM, TODO, plan_rollover

    sheets, projects = _read(book)
    target = next_year(projects)
    plan = plan_rollover(sheets, target)
    excel.status(book, f"新年度：正在改为{target}年…")
    batch_edits = list(plan.edits)
    colors: dict[str, dict[tuple[int, int], str | None]] = {}
    for e in plan.edits:
        colors.setdefault(e.sheet, {})[parse_ref(e.cell)] = NEW_COLOR
    for sheet, ref in plan.marked:
        colors.setdefault(sheet, {})[parse_ref(ref)] = TODO_COLOR
    fills = _highlight(book, colors, "新年度：标色")
    wb = Workbook()
    write_rollover_sheet(wb, plan.checks, [s.name for s in sheets], Recorder(0, ""))
    _, created = transfer_sheet(book, wb[ROLLOVER_SHEET])
    extra = fills + ([_added(ROLLOVER_SHEET, "添加新年度检查表")] if created else [])
    excel.apply_edits(book, batch_edits, extra=extra)
    todo = sum(1 for c in plan.checks if c.category == TODO)
    confirm = sum(1 for c in plan.checks if c.category == CONFIRM)
    return (
        f"已改为{target}年度：修改{len(plan.edits)}个单元格（黄色）；待更新{todo}处（橙色），需确认{confirm}处，"
        f"详见“{ROLLOVER_SHEET}”表。如需保留原年度，请用“另存为”另存，或点“撤销”。"
    )


def _highlight(book: Any, colors: dict[str, dict[tuple[int, int], str | None]], why: str) -> list[JournalEntry]:
    """Colour cells; journal entries (op "fill", the command line's format) to take the colour back."""
    out = []
    for name, cells in colors.items():
        sh = excel.find_sheet(book, name)
        if sh is None:
            continue
        refs = [cell_ref(r, c) for r, c in cells]
        before = excel.read_colors(sh, refs)
        excel.write_colors(sh, cells)
        for (r, c), color in cells.items():
            ref = cell_ref(r, c)
            out.append(
                JournalEntry(0, "fill", name, ref, excel.fill_xml(before.get(ref)), excel.fill_xml(color), why, "")
            )
    return out


# --------------------------------------------------------------------------- 填充指标 / 新建项目


def run_fill(book: Any) -> str:
    raise UserError(
        "“填充指标”在 Excel 中尚未提供（插入行需保持合并单元格，尚未实现）。请先用命令行：xladdin fill 文件.xlsx -o 结果.xlsx。"
    )


def run_new_project(book: Any) -> str:
    raise UserError(
        "“新建项目”在 Excel 中尚未提供。请先用命令行：xladdin fill 文件.xlsx --new-project 项目名称 -o 结果.xlsx。"
    )


# --------------------------------------------------------------------------- 统一格式


def run_format(book: Any) -> str:
    raise UserError("“统一格式”在 Excel 中尚未提供。请先用命令行：xladdin format 文件.xlsx -o 结果.xlsx。")
