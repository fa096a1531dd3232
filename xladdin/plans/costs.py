"""测算成本 (costs --write) as a workbook plan: the 成本测算 sheet, written whole (replaced in
place when the workbook has one), and the sentence that sums up the explanations."""

from __future__ import annotations

from collections.abc import Sequence

from xladdin.check import read_projects
from xladdin.conventions import COST_SHEET
from xladdin.costs import CostExplanation, explain
from xladdin.errors import NoProjectTables
from xladdin.model import SheetData
from xladdin.toolsheets.costs import cost_sheet
from xladdin.workbook_plan import WorkbookPlan, WriteSheet


def explanations_of(sheets: Sequence[SheetData]) -> list[CostExplanation]:
    projects, _ = read_projects(list(sheets))
    return [explain(p) for p in projects]


def _wan(x: float | None) -> str:
    return "（项目总额无法读取）" if x is None else f"{x:.2f}万元"


def costs_message(explanations: Sequence[CostExplanation]) -> str:
    balanced = sum(1 for e in explanations if e.balanced)
    off = [e for e in explanations if not e.balanced]
    text = f"{len(explanations)}个项目：{balanced}个项目的成本指标与项目总额一致"
    if off:
        parts = [f"{e.sheet}相差{_wan(e.unexplained)}" for e in off[:3]]
        text += f"，{len(off)}个不一致（{'；'.join(parts)}{'…' if len(off) > 3 else ''}）"
    return text + f"。明细和公式见“{COST_SHEET}”表。"


def plan_cost_sheet(sheets: Sequence[SheetData], explanations: Sequence[CostExplanation] | None = None) -> WorkbookPlan:
    """The 成本测算 sheet; journalled as added the first time (撤销 takes it away), replaced after."""
    exps = list(explanations) if explanations is not None else explanations_of(sheets)
    if not exps:
        raise NoProjectTables("未写入成本测算表")
    exists = any(s.name == COST_SHEET for s in sheets)
    plan = WorkbookPlan("costs", journal=True)
    plan.add(WriteSheet(cost_sheet(exps), "添加成本测算表", replace=exists))
    plan.message = costs_message(exps)
    plan.counts = {"projects": len(exps), "balanced": sum(1 for e in exps if e.balanced)}
    return plan
