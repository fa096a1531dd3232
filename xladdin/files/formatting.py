"""Apply 统一格式 plans (``xladdin.style``, ``xladdin.validation_lists``) with openpyxl.

The workbook is changed in place — loaded, restyled, saved — never rebuilt, so sheets,
names, links and marks the tool does not know survive.  Only styles, merges of empty
cells, print settings, data validation, the hidden list sheet and the 项目汇总 chart
are touched; no cell value changes.  Applying the same plan twice gives the same file.
"""

from __future__ import annotations

from copy import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xladdin.layout import read_project
from xladdin.model import Project, column_letter
from xladdin.style import (
    CHART_DATA_SHEET,
    CHART_TITLE,
    COST_CHART_PREFIX,
    ChartPlan,
    CostChartPlan,
    SheetStyle,
    StyleOptions,
    plan_cost_chart,
    plan_project,
    plan_summary,
    plan_summary_chart,
)
from xladdin.validation_lists import (
    LISTS_SHEET,
    VALUE_PROMPT_TITLE,
    Validation,
    lists_sheet,
    plan_validations,
)

_OUR_PROMPTS = {"项目属性", "一级指标", "二级指标", VALUE_PROMPT_TITLE}
_SKIP_SHEETS = {LISTS_SHEET, CHART_DATA_SHEET, "xladdin撤销"}
_ROW_CM = 0.53  # a default row (15 pt) in centimetres, to stack charts without overlap


@dataclass
class FormatResult:
    projects: list[str] = field(default_factory=list)
    summary: str | None = None
    untouched: list[str] = field(default_factory=list)
    overflow: list[tuple[str, str, float]] = field(default_factory=list)  # sheet, cell, points needed
    plans: dict[str, SheetStyle] = field(default_factory=dict)
    read: dict[str, Project] = field(default_factory=dict)


def format_workbook(wb: Any, options: StyleOptions | None = None, validations: bool = True) -> FormatResult:
    """Restyle every project sheet and the 项目汇总 sheet of an openpyxl workbook."""
    from xladdin.files.workbooks import sheet_from_openpyxl

    result = FormatResult()
    summary_ws = None
    chart: ChartPlan | None = None
    for ws in wb.worksheets:
        if ws.title in _SKIP_SHEETS:
            continue
        data = sheet_from_openpyxl(ws)
        project = read_project(data)
        if project is not None:
            plan = plan_project(data, project, options)
            apply_style(ws, plan)
            if validations:
                apply_validations(ws, plan_validations(project))
            result.projects.append(ws.title)
            result.plans[ws.title] = plan
            result.read[ws.title] = project
            result.overflow.extend((ws.title, ref, need) for ref, need in plan.overflow)
            continue
        splan = plan_summary(data, options)
        if splan is not None and summary_ws is None:
            apply_style(ws, splan)
            chart = plan_summary_chart(data)
            summary_ws = ws
            result.summary = ws.title
            result.plans[ws.title] = splan
            continue
        result.untouched.append(ws.title)
    if validations and result.projects:
        ensure_lists(wb)
    if summary_ws is not None and chart is not None:
        apply_charts(wb, summary_ws, chart, cost_charts([result.read[n] for n in result.projects]))
    return result


def cost_charts(projects: list[Project]) -> list[CostChartPlan]:
    """Each project's cost composition, when the cost engine is installed.

    Imported lazily: formatting must work in a build without ``xladdin.costs``, and a
    chart is never worth failing the whole format for.
    """
    try:
        from xladdin.costs import explain
    except ImportError:
        return []
    out: list[CostChartPlan] = []
    for p in projects:
        try:
            e = explain(p)
        except Exception:
            continue
        plan = plan_cost_chart(p.sheet, [(line.indicator, line.amount_wan) for line in e.lines], e.unexplained)
        if plan is not None:
            out.append(plan)
    return out


# --------------------------------------------------------------------------- styles


def apply_style(ws: Any, plan: SheetStyle) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    thin = Side(style="thin", color="000000")
    boxed = Border(left=thin, right=thin, top=thin, bottom=thin)
    for m in plan.merges:
        ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)
    for (r, c), st in plan.cells.items():
        cell = ws.cell(row=r, column=c)
        f = cell.font
        cell.font = Font(
            name=st.font.name,
            size=st.font.size,
            bold=st.font.bold,
            italic=f.italic,
            underline=f.underline,
            strike=f.strike,
            color=copy(f.color),
            vertAlign=f.vertAlign,
        )
        old = cell.alignment
        cell.alignment = Alignment(
            horizontal=st.horizontal,
            vertical=st.vertical,
            wrap_text=st.wrap,
            text_rotation=old.text_rotation if old is not None else 0,
            indent=st.indent,
        )
        cell.border = boxed if st.border else Border()
        if st.number_format is not None:
            cell.number_format = st.number_format
    _set_widths(ws, plan.column_widths)
    for r, h in plan.row_heights.items():
        ws.row_dimensions[r].height = h
    _apply_print(ws, plan)
    if plan.freeze:
        ws.freeze_panes = plan.freeze


def _set_widths(ws: Any, widths: dict[int, float]) -> None:
    """Set column widths, first splitting <col min..max> groups that cover our columns.

    Two overlapping <col> ranges make Excel call the file corrupt, so a loaded range
    such as A:F is cut into one entry per styled column plus the untouched rest.
    """
    from openpyxl.worksheet.dimensions import ColumnDimension

    dims = ws.column_dimensions
    wanted = set(widths)
    for key, dim in list(dims.items()):
        lo, hi = dim.min or 0, dim.max or 0
        if not lo or hi <= lo or not (wanted & set(range(lo, min(hi, max(wanted)) + 1))):
            continue
        del dims[key]
        pieces: list[tuple[int, int]] = []
        start = lo
        for c in range(lo, hi + 1):
            if c in wanted:
                if start < c:
                    pieces.append((start, c - 1))
                pieces.append((c, c))
                start = c + 1
            if c > max(wanted):
                break
        if start <= hi:
            pieces.append((start, hi))
        for a, b in pieces:
            new = ColumnDimension(
                ws,
                index=column_letter(a),
                width=dim.width,
                bestFit=dim.bestFit,
                hidden=dim.hidden,
                outlineLevel=dim.outlineLevel,
                collapsed=dim.collapsed,
                style=None,
                customWidth=dim.customWidth,
            )
            new.min, new.max = a, b
            new._style = copy(dim._style)
            dims[column_letter(a)] = new
    for c, w in widths.items():
        d = dims[column_letter(c)]
        d.width = w
        d.min = d.max = c


def _apply_print(ws: Any, plan: SheetStyle) -> None:
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    p = plan.print_setup
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = p.orientation
    ws.page_setup.fitToWidth = p.fit_width
    ws.page_setup.fitToHeight = p.fit_height
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    m = p.margins
    ws.page_margins = PageMargins(
        left=m.left, right=m.right, top=m.top, bottom=m.bottom, header=m.header, footer=m.footer
    )
    ws.print_options.horizontalCentered = p.center_horizontally
    if p.title_rows:
        ws.print_title_rows = f"{p.title_rows[0]}:{p.title_rows[1]}"
    if p.print_area:
        ws.print_area = p.print_area
    if p.footer:
        ws.oddFooter.center.text = p.footer
        ws.oddFooter.center.size = 9
        ws.oddFooter.center.font = f"{p.footer_font},Regular"


# --------------------------------------------------------------------------- validation


def apply_validations(ws: Any, rules: list[Validation]) -> None:
    """Replace the rules xladdin put here before (recognised by their titles), keep others."""
    from openpyxl.worksheet.datavalidation import DataValidation

    dvs = ws.data_validations
    dvs.dataValidation = [dv for dv in dvs.dataValidation if dv.promptTitle not in _OUR_PROMPTS]
    for v in rules:
        dv = DataValidation(
            type="list" if v.kind == "list" else None,
            formula1=v.formula,
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=v.kind == "list",
            errorStyle="warning" if v.kind == "list" else None,
            promptTitle=v.prompt_title,
            prompt=v.prompt,
            errorTitle=v.error_title,
            error=v.error,
            sqref=v.sqref,
        )
        dvs.append(dv)


def ensure_lists(wb: Any) -> None:
    """The hidden sheet with the drop-down values and the names that point at it."""
    from openpyxl.workbook.defined_name import DefinedName

    plan = lists_sheet()
    if LISTS_SHEET in wb.sheetnames:
        ws = wb[LISTS_SHEET]
        for row in ws.iter_rows():
            for cell in row:
                cell.value = None
    else:
        ws = wb.create_sheet(LISTS_SHEET)
    ws.sheet_state = "hidden"
    for c, (header, values) in enumerate(plan.columns, start=1):
        ws.cell(row=1, column=c).value = header
        for r, v in enumerate(values, start=2):
            ws.cell(row=r, column=c).value = v
    for name, rng in plan.names.items():
        if name in wb.defined_names:
            del wb.defined_names[name]
        wb.defined_names[name] = DefinedName(name, attr_text=rng)


# --------------------------------------------------------------------------- chart


def _chart_title(chart: Any) -> str:
    try:
        return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
    except AttributeError:
        return ""


def apply_charts(wb: Any, ws: Any, plan: ChartPlan, costs: list[CostChartPlan]) -> None:
    """The amounts chart below the summary table, then one cost chart per project below it.

    Charts xladdin added before (recognised by their titles) are replaced, others kept.
    The cost data live on a hidden sheet so that no visible cell of the workbook changes.
    """
    from openpyxl.chart import Reference

    from xladdin.model import parse_ref

    ws._charts = [
        ch
        for ch in ws._charts
        if _chart_title(ch) != CHART_TITLE and not _chart_title(ch).startswith(COST_CHART_PREFIX)
    ]
    chart = _bar_chart(plan.title, 7.5 + 0.6 * (plan.categories[2] - plan.categories[1]))
    for col, header, last in plan.series:
        chart.add_data(Reference(ws, min_col=col, min_row=header, max_row=last), titles_from_data=True)
    cats = Reference(ws, min_col=plan.categories[0], min_row=plan.categories[1], max_row=plan.categories[2])
    chart.set_categories(cats)
    ws.add_chart(chart, plan.anchor)
    placed = [(parse_ref(plan.anchor)[0], float(chart.height))]
    row = placed[0][0] + int(chart.height / _ROW_CM) + 2
    if costs:
        _cost_charts(wb, ws, costs, row, placed)
    _page_breaks(ws, placed)


def _page_breaks(ws: Any, placed: list[tuple[int, float]]) -> None:
    """Start a new printed page before a chart that would be cut by the page end.

    Heights are known (rows we set, charts we sized), so the cut is computed rather
    than left to the printer, which would split a chart over two pages.
    """
    from openpyxl.worksheet.pagebreak import Break, RowBreak

    ws.row_breaks = RowBreak()
    m = ws.page_margins
    page_cm = (11.69 - (m.top or 0.75) - (m.bottom or 0.75)) * 2.54 - 1.0

    def top_cm(row: int) -> float:
        return sum((ws.row_dimensions[r].height or 15.0) for r in range(1, row)) * 2.54 / 72

    page_top = 0.0
    for row, height in placed:
        y = top_cm(row)
        if y - page_top + height > page_cm and y > page_top:
            ws.row_breaks.append(Break(id=row - 1))
            page_top = y


def _cost_charts(wb: Any, ws: Any, costs: list[CostChartPlan], row: int, placed: list[tuple[int, float]]) -> None:
    from openpyxl.chart import Reference

    from xladdin.model import cell_ref

    data = wb[CHART_DATA_SHEET] if CHART_DATA_SHEET in wb.sheetnames else wb.create_sheet(CHART_DATA_SHEET)
    data.sheet_state = "hidden"
    for r in data.iter_rows():
        for cell in r:
            cell.value = None
    for i, cost in enumerate(costs):
        c = 2 * i + 1
        data.cell(row=1, column=c).value = cost.project_sheet
        data.cell(row=1, column=c + 1).value = "万元"
        for r, (label, amount) in enumerate(zip(cost.labels, cost.amounts, strict=True), start=2):
            data.cell(row=r, column=c).value = label
            data.cell(row=r, column=c + 1).value = amount
        last = len(cost.labels) + 1
        ch = _bar_chart(cost.title, cost.height_cm)
        ch.legend = None
        ch.add_data(Reference(data, min_col=c + 1, min_row=1, max_row=last), titles_from_data=True)
        ch.set_categories(Reference(data, min_col=c, min_row=2, max_row=last))
        ws.add_chart(ch, cell_ref(row, 1))
        placed.append((row, cost.height_cm))
        row += int(cost.height_cm / _ROW_CM) + 2


def _bar_chart(title: str, height_cm: float) -> Any:
    from openpyxl.chart import BarChart

    chart = BarChart()
    chart.type = "bar"  # horizontal bars: long names stay readable
    chart.style = 10
    chart.title = title
    chart.y_axis.majorGridlines = None
    chart.height = height_cm
    chart.width = 17.0
    chart.x_axis.scaling.orientation = "maxMin"  # first item on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


# --------------------------------------------------------------------------- file


def format_file(
    source: str | Path,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
    options: StyleOptions | None = None,
) -> tuple[Path, FormatResult]:
    """Load, format, save safely (backup when in place); returns the written path."""
    from xladdin.errors import UserError
    from xladdin.files.writing import load_for_edit, resolve_output, save_edited

    resolve_output(source, output, in_place)  # refuse a bad target before the work
    wb = load_for_edit(source)
    result = format_workbook(wb, options)
    if not result.projects and result.summary is None:
        raise UserError(
            f"{Path(source).name} 中没有找到绩效目标表（缺少“项目名称”和“一级指标…指标值”表头），未做任何修改。"
        )
    target = save_edited(wb, source, output, in_place, force)
    return target, result
