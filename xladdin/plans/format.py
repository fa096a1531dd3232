"""统一格式 as a workbook plan: every project table and the 项目汇总 restyled, the drop-down
lists and hints, the charts; no value changes.  (Not journalled: the journal keeps values,
fills and structure, not the whole look of a sheet.)"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xladdin.check import target_table
from xladdin.conventions import TOOL_SHEETS
from xladdin.costs import explain
from xladdin.errors import NoProjectTables
from xladdin.model import Project, SheetData
from xladdin.plans.marks import highlights
from xladdin.style import (
    CostChartPlan,
    StyleOptions,
    plan_cost_chart,
    plan_project,
    plan_summary,
    plan_summary_chart,
)
from xladdin.validation_lists import lists_sheet, plan_validations
from xladdin.workbook_plan import AddCharts, ClearHighlights, StyleSheet, Validate, WorkbookPlan, WriteLists


def cost_charts(projects: Sequence[Project]) -> tuple[CostChartPlan, ...]:
    """Each project's cost composition, as the cost engine explains it."""
    out = []
    for p in projects:
        e = explain(p)
        plan = plan_cost_chart(p.sheet, [(line.indicator, line.amount_wan) for line in e.lines], e.unexplained)
        if plan is not None:
            out.append(plan)
    return tuple(out)


def plan_format(
    sheets: Sequence[SheetData],
    options: StyleOptions | None = None,
    validations: bool = True,
    read: Mapping[str, Project] | None = None,
) -> WorkbookPlan:
    """The look of every project table (and the first summary sheet recognised), the lists, the charts.

    ``read``: the projects of sheets the caller has already read (sheet name → project), so
    that a verb that wrote the tables itself (``import``) does not read them twice."""
    plan = WorkbookPlan("format")
    # the tool's highlights are a working colour, not the table's look: 统一格式 takes them off
    # (the journal keeps the edits, so 撤销 still works)
    plan.add(ClearHighlights(highlights(sheets)))
    if validations:
        plan.add(WriteLists(lists_sheet()))  # the names the drop-downs point at come first
    projects: list[Project] = []
    formatted: list[str] = []
    untouched: list[str] = []
    summary_done = False
    summary_sheet = ""
    chart = None
    overflow: list[str] = []
    for sd in sheets:
        if sd.name in TOOL_SHEETS or sd.hidden:
            continue
        project = read[sd.name] if read is not None and sd.name in read else target_table(sd)
        if project is not None:
            style = plan_project(sd, project, options)
            plan.add(StyleSheet(style))
            if validations:
                plan.add(Validate(sd.name, tuple(plan_validations(project))))
            projects.append(project)
            formatted.append(sd.name)
            overflow += [f"{sd.name}!{ref}" for ref, _ in style.overflow]
            plan.notes += [
                f"工作表“{sd.name}”单元格 {ref} 的文字太长（约需 {need:.0f} 磅行高，超过 Excel 上限 409 磅），"
                "即使缩小字号也显示不全。请精简该单元格内容。"
                for ref, need in style.overflow
            ]
            continue
        summary = None if summary_done else plan_summary(sd, options)
        if summary is not None:
            plan.add(StyleSheet(summary))
            chart = plan_summary_chart(sd)
            summary_done = True
            summary_sheet = sd.name
            continue
        untouched.append(sd.name)
    if not projects and not summary_done:
        raise NoProjectTables("未做任何修改")
    if not projects:  # a summary alone: no drop-downs, so no list sheet either
        plan.steps = [s for s in plan.steps if not isinstance(s, WriteLists)]
    if chart is not None:
        plan.add(AddCharts(summary_sheet, chart, cost_charts(projects)))
    plan.counts = {"projects": len(projects), "summary": int(summary_done)}
    plan.names = {"formatted": formatted, "untouched": untouched, "summary": [summary_sheet] if summary_done else []}
    text = f"已统一{len(formatted) + int(summary_done)}个工作表的格式（字体、边框、列宽、行高、打印设置），数值未改动。"
    if overflow:
        text += f"以下单元格文字过长、一页放不下：{'、'.join(overflow[:5])}，请精简。"
    plan.message = text
    return plan
