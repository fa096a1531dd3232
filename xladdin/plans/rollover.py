"""新年度 as a workbook plan: the budget-year mentions rolled and highlighted, the amounts to
update highlighted 待更新, and the 新年度检查 list — one journalled batch."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from xladdin.check import target_table
from xladdin.conventions import NEW_COLOR, ROLLOVER_SHEET, TODO_COLOR, TOOL_SHEETS
from xladdin.errors import NoProjectTables, UserError
from xladdin.model import SheetData
from xladdin.plans.marks import over_marks
from xladdin.rollover import CHANGED, CONFIRM, TODO, RolloverPlan, plan_rollover
from xladdin.toolsheets.records import rollover_steps
from xladdin.workbook_plan import Paint, SetCell, WorkbookPlan

TODO_WHY = "新年度：待更新/需确认"


def next_year(sheets: Sequence[SheetData]) -> int:
    """The year after the one most tables are made for (the ribbon's 新年度 asks no question)."""
    years = Counter(p.year for s in sheets if s.name not in TOOL_SHEETS and (p := target_table(s)) and p.year)
    if not years:
        raise UserError("没有从表题或“(2026年)”一行读出预算年度，无法生成新年度。请检查各项目表的标题。")
    return years.most_common(1)[0][0] + 1


def rollover_counts(plan: RolloverPlan) -> dict[str, int]:
    return {
        "edits": len(plan.edits),
        CHANGED: sum(1 for c in plan.checks if c.category == CHANGED),
        TODO: sum(1 for c in plan.checks if c.category == TODO),
        CONFIRM: sum(1 for c in plan.checks if c.category == CONFIRM),
    }


def plan_rollover_workbook(sheets: Sequence[SheetData], target: int) -> tuple[WorkbookPlan, RolloverPlan]:
    """The workbook plan of 新年度 to ``target``, with the rollover plan it carries out."""
    if not 1900 < target < 2200:
        raise UserError(f"{target} 不是有效的年度。请写四位年份，例如 2027。")
    if not any(target_table(s) for s in sheets if s.name not in TOOL_SHEETS):
        raise NoProjectTables("无法生成新年度")
    rp = plan_rollover(list(sheets), target)
    plan = WorkbookPlan("rollover", journal=True)
    for e in rp.edits:
        plan.add(SetCell(e.sheet, e.cell, e.new, e.old, e.why), Paint(e.sheet, e.cell, NEW_COLOR, e.why))
    for sheet, ref in rp.marked:
        plan.add(Paint(sheet, ref, TODO_COLOR, TODO_WHY))
    plan.steps = over_marks(plan.steps, sheets)
    existing = next((s for s in sheets if s.name == ROLLOVER_SHEET), None)
    names = {s.name for s in sheets} | {ROLLOVER_SHEET}
    plan.add(*rollover_steps(rp.checks, [s.name for s in sheets], existing, names))
    counts = rollover_counts(rp)
    plan.counts = counts
    plan.message = (
        f"已改为{target}年度：修改{counts['edits']}个单元格（浅绿色）；待更新{counts[TODO]}处（橙色），"
        f"需确认{counts[CONFIRM]}处，详见“{ROLLOVER_SHEET}”表。"
    )
    return plan, rp
