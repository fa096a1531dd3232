"""撤销 as a workbook plan: the newest batch of the journal, taken back in reverse order.

The journal (``xladdin.undo``) is the same for both shells, so a change made in Excel is
undone on the command line and the other way round.
"""

from __future__ import annotations

from collections.abc import Sequence

from xladdin.conventions import UNDO_SHEET
from xladdin.errors import UserError
from xladdin.model import SheetData, parse_ref
from xladdin.undo import JournalEntry, read_journal, undo_plan
from xladdin.workbook_plan import CutJournal, DeleteRows, DeleteSheet, RestoreFill, SetCell, SetLink, WorkbookPlan


def plan_undo(sheets: Sequence[SheetData]) -> WorkbookPlan:
    """The steps that revert the newest batch (an empty plan when there is none)."""
    journal = next((s for s in sheets if s.name == UNDO_SHEET), None)
    entries = undo_plan(read_journal(journal))
    plan = WorkbookPlan("undo")
    if not entries:
        plan.message = "没有可以撤销的修改。"
        return plan
    for e in entries:  # newest change first
        plan.add(_revert(e))
    plan.add(CutJournal(entries[0].batch))
    cells = sum(1 for e in entries if e.op == "set")
    rows = sum(int(float(str(e.new or 0))) for e in entries if e.op == "insert_rows")
    added = [e.sheet for e in entries if e.op == "add_sheet"]
    parts = [f"{cells}个单元格"]
    if rows:
        parts.append(f"删除插入的{rows}行")
    if added:
        parts.append("删除工作表" + "、".join(f"“{s}”" for s in added))
    plan.counts = {"batch": entries[0].batch, "cells": cells, "rows": rows}
    plan.names = {"sheets": sorted({e.sheet for e in entries}), "added": added}
    plan.message = f"已撤销最近一次操作（第{entries[0].batch}批）：{'，'.join(parts)}。"
    return plan


def _revert(e: JournalEntry) -> SetCell | RestoreFill | SetLink | DeleteRows | DeleteSheet:
    if e.op == "set":
        formula = isinstance(e.old, str) and e.old.startswith("=")
        return SetCell(e.sheet, e.cell, e.old, e.new, "撤销", formula=formula)
    if e.op == "fill":
        return RestoreFill(e.sheet, e.cell, str(e.old) if e.old else None)
    if e.op == "link":
        return SetLink(e.sheet, e.cell, str(e.old) if e.old else None, None, "撤销")
    if e.op == "insert_rows":
        return DeleteRows(e.sheet, parse_ref(e.cell)[0], int(float(str(e.new or 0))))
    if e.op == "add_sheet":
        return DeleteSheet(e.sheet)
    raise UserError(f"撤销记录中有无法识别的操作“{e.op}”（工作表“{e.sheet}”{e.cell}），已停止，文件未修改。")
