"""生成自评表 (``xladdin selfeval``) as a workbook plan: one 自评表 sheet per project, added after the
workbook's sheets, each with its drop-downs and hints; journalled as added sheets, so 撤销
takes them away.

A project that already has its 自评表 (a sheet read as one, with the same 项目名称) is left
alone: the department may have filled it in, and running again must change nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from xladdin.check import read_tables
from xladdin.errors import NoProjectTables
from xladdin.framework import LEVEL1_LABELS
from xladdin.model import SheetData
from xladdin.selfeval import (
    DEFAULT_GRADES,
    Grades,
    default_weights,
    missing_groups,
    project_key,
    sheet_name,
    target_weights,
)
from xladdin.toolsheets.selfeval import selfeval_sheet
from xladdin.workbook_plan import Validate, WorkbookPlan, WriteSheet


def plan_selfeval(sheets: Sequence[SheetData], grades: Grades = DEFAULT_GRADES) -> WorkbookPlan:
    """A 自评表 for every project table of ``sheets`` that has none yet."""
    projects, selfevals, _ = read_tables(list(sheets))
    if not projects:
        raise NoProjectTables("未生成自评表")
    by_name = {s.name: s for s in sheets}
    have = {project_key(se.name.text): se.sheet for se in selfevals}
    taken = set(by_name)
    plan = WorkbookPlan("selfeval", journal=True)
    made: list[str] = []
    kept: list[str] = []
    for p in projects:
        existing = have.get(project_key(p.name.text))
        if existing is not None:
            kept.append(existing)
            continue
        name = sheet_name(p.sheet, taken)
        taken.add(name)
        weights = default_weights(p, target_weights(by_name[p.sheet], p))
        content, validations = selfeval_sheet(p, name, weights, grades)
        plan.add(WriteSheet(content, f"生成自评表（{p.sheet}）"), Validate(name, tuple(validations)))
        made.append(name)
        missing = missing_groups(p)
        if missing:
            plan.notes.append(
                f"“{p.sheet}”没有{'、'.join(LEVEL1_LABELS[k] for k in missing)}，这部分分值未分配，"
                f"请在“{name}”中调整分值。"
            )
    plan.names = {"made": made, "kept": kept}
    plan.counts = {"made": len(made), "kept": len(kept)}
    if made:
        text = f"已生成{len(made)}张自评表（{'、'.join(made[:6])}{'…' if len(made) > 6 else ''}）。"
        text += "请填写实际完成值、全年预算数和全年执行数，得分由公式计算。"
    else:
        text = "每个项目都已有自评表，未做修改。"
    if kept and made:
        text += f"已有自评表的{len(kept)}个项目未改动。"
    plan.message = text
    return plan
