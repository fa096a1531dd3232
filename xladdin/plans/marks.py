"""校验 with marks (check --mark) and 清除标记 (clear) as workbook plans.

Marking always takes the previous marks off first, so marking twice gives the same
workbook as marking once; the 校验结果 sheet is written whole.  Neither is journalled:
the marks keep their own record (the hidden ``xladdin标记`` sheet) and 清除标记 is their
undo.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from xladdin.conventions import NEW_COLOR, REPORT_SHEET, STATE_SHEET, TODO_COLOR, UNDO_SHEET
from xladdin.errors import UserError
from xladdin.marks import MarkState, plan_marks, read_state
from xladdin.model import SheetData, display_text
from xladdin.toolsheets.report import as_content, copy_of_in, report_rows
from xladdin.undo import read_journal
from xladdin.workbook_plan import (
    ClearHighlights,
    ClearMarks,
    DeleteSheet,
    Highlight,
    MarkCells,
    Paint,
    WorkbookPlan,
    WriteSheet,
)

# the colour of a solid fill as either shell journals it (an openpyxl fill element)
_FILL_RGB = re.compile(r'fgColor[^>]*rgb="(?:[0-9A-Fa-f]{2})?([0-9A-Fa-f]{6})"')
_HIGHLIGHTS = (NEW_COLOR, TODO_COLOR)


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


def highlights(sheets: Sequence[SheetData]) -> tuple[Highlight, ...]:
    """The cells the tool painted (fill, rollover, fixes), as the journal tells: the colour of
    its last paint, and the fill before its first one (what 清除标记 gives back)."""
    journal = _sheet(sheets, UNDO_SHEET)
    if journal is None:
        return ()
    first: dict[tuple[str, str], str | None] = {}
    last: dict[tuple[str, str], str] = {}
    for e in read_journal(journal):
        if e.op != "fill":
            continue
        key = (e.sheet, e.cell)
        first.setdefault(key, str(e.old) if e.old else None)
        m = _FILL_RGB.search(str(e.new or ""))
        last[key] = m.group(1).upper() if m else ""
    return tuple(
        Highlight(sheet, cell, color, first[(sheet, cell)])
        for (sheet, cell), color in last.items()
        if color in _HIGHLIGHTS
    )


def over_marks(steps: list[Any], sheets: Sequence[SheetData]) -> list[Any]:
    """``steps`` with each ``Paint`` on a marked cell told the mark and the fill under it."""
    state = _sheet(sheets, STATE_SHEET)
    if state is None:
        return steps
    marked = {(st.sheet, st.cell): st for st in read_state(state)}
    out = []
    for step in steps:
        st = marked.get((step.sheet, step.cell)) if isinstance(step, Paint) else None
        under = journal_fill(st.fill_before) if st is not None else None
        if st is not None and under is not None:
            step = replace(step, mark=st.fill_set, before_mark=under)
        out.append(step)
    return out


NO_FILL = "<fill><patternFill /></fill>"


def journal_fill(stored: dict[str, Any] | None) -> str | None:
    """A fill the state sheet kept (either shell's flavour) as the journal writes fills; None
    where the shell could not read it (xlwings Server/Lite)."""
    if not stored:
        return NO_FILL
    if "xml" in stored:
        return str(stored["xml"])
    if "color" in stored:
        color = stored["color"]
        if not color:
            return NO_FILL
        rgb = "FF" + str(color).lstrip("#").upper()
        return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}" /></patternFill></fill>'
    return None


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
    # the highlights first: a cell the tool filled over a mark shows the mark again, which the
    # marks' own step then takes off
    painted = highlights(sheets)
    plan.add(ClearHighlights(painted), *steps)
    plan.counts = {
        "states": n,
        "report": int(any(isinstance(s, DeleteSheet) for s in steps)),
        "highlights": len(painted),
    }
    return plan


def clear_message(cleared: dict[str, int], report_removed: bool, highlighted: int = 0) -> str:
    """What 清除标记 did, from what the applier found on the cells (cells, notes, kept; the
    highlights of fill and rollover taken off)."""
    line = f"已清除标记：恢复{cleared.get('cells', 0)}个单元格的颜色，去掉{cleared.get('notes', 0)}个批注"
    if highlighted:
        line += f"，去掉{highlighted}个单元格的填写/待更新底色"
    if report_removed:
        line += f"，删除“{REPORT_SHEET}”表"
    if cleared.get("kept"):
        line += f"；{cleared['kept']}个单元格在标记后被改过颜色，保留了现在的颜色"
    return line + "。"
