"""校验 with marks (check --mark) and 清除标记 (clear) as workbook plans.

Marking always takes the previous marks off first, so marking twice gives the same
workbook as marking once; the 校验结果 sheet is written whole.  Neither is journalled:
the marks keep their own record (the hidden ``xladdin标记`` sheet) and 清除标记 is their
undo.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xladdin.conventions import REPORT_SHEET, STATE_SHEET
from xladdin.errors import UserError
from xladdin.marks import MarkState, plan_marks, read_state
from xladdin.model import SheetData, display_text
from xladdin.toolsheets.report import as_content, copy_of_in, report_rows
from xladdin.workbook_plan import ClearMarks, DeleteSheet, MarkCells, WorkbookPlan, WriteSheet


def _sheet(sheets: Sequence[SheetData], name: str) -> SheetData | None:
    return next((s for s in sheets if s.name == name), None)


def is_our_report(sheet: SheetData) -> bool:
    """A 校验结果 sheet the tool wrote (its title says so), not a user's sheet of that name."""
    return display_text(sheet.value(1, 1)).startswith(REPORT_SHEET)


def _clear_steps(sheets: Sequence[SheetData]) -> tuple[list[Any], int]:
    """The steps that take the previous marks off, and how many marked cells the state lists."""
    state = _sheet(sheets, STATE_SHEET)
    report = _sheet(sheets, REPORT_SHEET)
    states: tuple[MarkState, ...] = tuple(read_state(state)) if state is not None else ()
    steps: list[Any] = [ClearMarks(states, without_state=state is None)]
    if report is not None and is_our_report(report):
        steps.append(DeleteSheet(REPORT_SHEET))
    return steps, len(states)


def plan_mark(sheets: Sequence[SheetData], result: Any, copy_of: str | None = None) -> WorkbookPlan:
    """The marks of a ``CheckResult``: old marks off, each flagged cell coloured, numbered and noted, 校验结果.

    ``copy_of``: the marks go into a copy of that file (``check --mark -o``), which its
    校验结果 says, so that a later check of a folder does not take it for a submission."""
    report = _sheet(sheets, REPORT_SHEET)
    if report is not None and not is_our_report(report):
        raise UserError(
            f"工作簿中已有一张名为“{REPORT_SHEET}”的工作表，但不是 xladdin 生成的。请先把它改名，再标记校验结果。"
        )
    if copy_of is not None and report is not None:
        copy_of = copy_of_in(report) or copy_of  # a copy of a marked copy names the original still
    plan = WorkbookPlan("mark")
    steps, _ = _clear_steps(sheets)
    plan.add(*steps)
    marks = tuple(plan_marks(result))
    plan.add(MarkCells(marks))
    plan.add(WriteSheet(as_content(report_rows(result, copy_of)), "校验结果"))
    plan.counts = {"marks": len(marks)}
    plan.message = f"{len(marks)} 个单元格已标色并加批注，详见“{REPORT_SHEET}”表。"
    return plan


def plan_clear(sheets: Sequence[SheetData]) -> WorkbookPlan:
    """Every mark off, each cell's fill and the user's own notes back, 校验结果 and the state gone."""
    plan = WorkbookPlan("clear")
    steps, n = _clear_steps(sheets)
    plan.add(*steps)
    plan.counts = {"states": n, "report": int(any(isinstance(s, DeleteSheet) for s in steps))}
    return plan


def clear_message(cleared: dict[str, int], report_removed: bool) -> str:
    """What 清除标记 did, from what the applier found on the cells (cells, notes, kept)."""
    line = f"已清除标记：恢复{cleared.get('cells', 0)}个单元格的颜色，去掉{cleared.get('notes', 0)}个批注"
    if report_removed:
        line += f"，删除“{REPORT_SHEET}”表"
    if cleared.get("kept"):
        line += f"；{cleared['kept']}个单元格在标记后被改过颜色，保留了现在的颜色"
    return line + "。"
