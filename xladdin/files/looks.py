"""The look of a file's sheets, with openpyxl: cell styles, column widths, row heights, print
setup, data validation, the drop-down list sheet, charts, and sheets the tool writes whole.

Each function carries out one kind of step of a ``WorkbookPlan`` (``xladdin.workbook_plan``);
nothing here decides what a sheet should look like (``xladdin.style``,
``xladdin.validation_lists`` and the tool-sheet builders do), and no cell value changes
except in a ``SheetContent`` the tool writes whole.
"""

from __future__ import annotations

from copy import copy
from typing import TYPE_CHECKING, Any

from xladdin.conventions import CHART_DATA_SHEET, LISTS_SHEET
from xladdin.files.cells import set_value
from xladdin.model import Merge, cell_ref, column_letter, parse_ref
from xladdin.style import CHART_TITLE, COST_CHART_PREFIX, CellStyle, ChartPlan, CostChartPlan, PrintSetup, SheetStyle
from xladdin.validation_lists import VALUE_PROMPT_TITLE, ListsSheet, Validation
from xladdin.workbook_plan import SheetContent

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

_OUR_PROMPTS = {"项目属性", "一级指标", "二级指标", VALUE_PROMPT_TITLE}
_ROW_CM = 0.53  # a default row (15 pt) in centimetres, to stack charts without overlap


# --------------------------------------------------------------------------- styles


Looks = dict[tuple[CellStyle, tuple[int, ...]], Any]  # (style, the cell's look before) → its look after


def style_cells(ws: Worksheet, cells: dict[tuple[int, int], CellStyle], looks: Looks | None = None) -> None:
    """Fonts, alignment, borders, number formats and fills of some cells (italic, underline,
    colour and rotation the cell had are kept: they are the user's emphasis).

    Cells that start from the same look and get the same style end with the same look: it is
    worked out for the first of them and copied to the others (building openpyxl's style
    objects per cell was most of the time of writing a long record sheet).  ``looks``: the same
    memo over several sheets of one workbook (a look is an index into the workbook's styles).
    """
    done: Looks = looks if looks is not None else {}
    for (r, c), st in cells.items():
        cell: Any = ws.cell(row=r, column=c)
        if not cell._style:  # a new cell: no style array until a style is asked for
            cell.font  # noqa: B018
        key = (st, tuple(cell._style))
        look = done.get(key)
        if look is not None:
            # a look is the cell's style array (indexes into the workbook's fonts, borders…),
            # the same for an ordinary cell and a MergedCell: the cells a merge covers are most
            # of a formatted table's styled cells
            cell._style = copy(look)
            continue
        _style_cell(cell, st)
        done[key] = copy(cell._style)


def _style_cell(cell: Any, st: CellStyle) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    f = cell.font
    cell.font = Font(
        name=st.font.name if st.font.name is not None else f.name,
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
    if st.border:
        thin = Side(style="thin", color="000000")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
    else:
        cell.border = Border()
    if st.number_format is not None:
        cell.number_format = st.number_format
    if st.fill is not None:
        cell.fill = PatternFill(fill_type="solid", fgColor="FF" + st.fill.upper())


def apply_style(ws: Worksheet, plan: SheetStyle, looks: Looks | None = None) -> None:
    """统一格式 of one sheet: merges of empty cells, cell styles, widths, heights, print setup, frozen header."""
    merge_all(ws, plan.merges)
    style_cells(ws, plan.cells, looks)
    set_widths(ws, plan.column_widths)
    for r, h in plan.row_heights.items():
        ws.row_dimensions[r].height = h
    print_setup(ws, plan.print_setup)
    if plan.freeze:
        ws.freeze_panes = plan.freeze


_SIDES = ("top", "left", "right", "bottom")


def merge_all(ws: Worksheet, merges: list[Merge] | tuple[Merge, ...]) -> None:
    """Every merge of a step, in order, knowing which cells the sheet's merges already cover.

    A merge inside an existing one is not added again (as openpyxl's ``MultiCellRange.add``);
    asking every existing range whether it holds the new one made a sheet's merges
    quadratic.  Only a merge whose top-left cell is already covered needs that question.
    """
    if not merges:
        return
    covered: set[tuple[int, int]] = set()
    for r in ws.merged_cells.ranges:
        covered.update(_cells_of(r.min_row, r.min_col, r.max_row, r.max_col))
    for m in merges:
        merge(ws, m, covered)
        covered.update(_cells_of(m.min_row, m.min_col, m.max_row, m.max_col))


def _cells_of(min_row: int, min_col: int, max_row: int, max_col: int) -> list[tuple[int, int]]:
    return [(r, c) for r in range(min_row, max_row + 1) for c in range(min_col, max_col + 1)]


def merge(ws: Worksheet, m: Merge, covered: set[tuple[int, int]] | None = None) -> None:
    """``ws.merge_cells``, without its per-cell work where it would change nothing.

    openpyxl's merge parses the range, adds the bottom-right cell's right and bottom edges
    to the top-left cell's border (a Border built, added and hashed), looks the range up
    against every merge of the sheet (quadratic in a table's few dozen merges) and copies
    the top-left cell's border edges and protection onto every covered cell, one style
    lookup (a hash of a Border or a Protection) each: most of the time of writing a
    workbook of a few thousand merges.  When neither the top-left cell nor the bottom-right
    one has a border edge that would carry (every merge of a sheet written new, before its
    styles), the border additions give back the border the cell has, the covered cells'
    edges add nothing, and the protection is looked up once per merge and given to each
    covered cell as openpyxl would: the file is the same, byte for byte
    (``tests/test_fast_save.py``).  Any other merge goes through openpyxl unchanged.
    ``covered``: the cells the sheet's merges cover, when the caller keeps them (``merge_all``).
    """
    from openpyxl.cell.cell import MergedCell
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.worksheet.merge import MergedCellRange

    wb: Any = ws.parent
    cells: Any = ws._cells
    start: Any = cells.get((m.min_row, m.min_col))
    end: Any = cells.get((m.max_row, m.max_col))
    borders = wb._borders
    border = borders[start._style.borderId] if start is not None and start._style else borders[0]
    # openpyxl copies an edge unless it is a Side without a style: then (only then) it does nothing
    if not all(getattr(border, side) and getattr(border, side).style is None for side in _SIDES):
        ws.merge_cells(cell_ref(m.min_row, m.min_col) + ":" + cell_ref(m.max_row, m.max_col))
        return
    if end is not None:
        edges = borders[end._style.borderId] if end._style else borders[0]
        if not all(e is None or (e.style is None and e.color is None) for e in (edges.right, edges.bottom)):
            ws.merge_cells(cell_ref(m.min_row, m.min_col) + ":" + cell_ref(m.max_row, m.max_col))
            return  # an edge the top-left cell would take on: openpyxl's own way
    if start is None:
        start = ws.cell(row=m.min_row, column=m.min_col)
    if end is not None and not start._style:
        start._style = StyleArray()  # openpyxl's border addition gives the cell its (empty) style array
    # the range as MergedCellRange(ws, ref) makes it, without parsing a reference and passing four
    # whole numbers through openpyxl's checked descriptors (which store them in the instance dict)
    mcr: Any = MergedCellRange.__new__(MergedCellRange)
    mcr.__dict__.update(min_col=m.min_col, min_row=m.min_row, max_col=m.max_col, max_row=m.max_row, title=None)
    mcr.ws = ws
    mcr.start_cell = start
    ranges = ws.merged_cells.ranges
    inside = (
        r.min_row <= m.min_row and m.max_row <= r.max_row and r.min_col <= m.min_col and m.max_col <= r.max_col
        for r in ranges
    )
    if (covered is not None and (m.min_row, m.min_col) not in covered) or not any(inside):
        ranges.add(mcr)  # as MultiCellRange.add: a range inside a merge is not added again
    style = start._style or StyleArray()
    protection = wb._protections.add(wb._protections[style.protectionId])
    blank = StyleArray()  # its border stays the workbook's first (no edge), as openpyxl leaves it
    blank.protectionId = protection
    for row in range(m.min_row, m.max_row + 1):
        for col in range(m.min_col, m.max_col + 1):
            if (row, col) != (m.min_row, m.min_col):
                mc: Any = MergedCell(ws, row=row, column=col)
                mc._style = blank.__copy__()
                cells[(row, col)] = mc


def set_widths(ws: Worksheet, widths: dict[int, float]) -> None:
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
            new._style = copy(dim._style)  # type: ignore[attr-defined]
            dims[column_letter(a)] = new
    for c, w in widths.items():
        d = dims[column_letter(c)]
        d.width = w
        d.min = d.max = c


def print_setup(ws: Worksheet, p: PrintSetup) -> None:
    """A4, orientation, fit to width, margins, centred, repeated title rows, print area, page numbers."""
    from openpyxl.worksheet.page import PageMargins
    from openpyxl.worksheet.properties import PageSetupProperties

    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = p.orientation  # type: ignore[assignment]
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
    footer = ws.oddFooter
    if p.footer and footer is not None:
        footer.center.text = p.footer
        footer.center.size = 9
        footer.center.font = f"{p.footer_font},Regular"


# --------------------------------------------------------------------------- validation


def apply_validations(ws: Worksheet, rules: tuple[Validation, ...] | list[Validation]) -> None:
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


def write_lists(wb: Workbook, plan: ListsSheet) -> None:
    """The hidden sheet with the drop-down values and the names that point at it."""
    from openpyxl.workbook.defined_name import DefinedName

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


def apply_charts(wb: Workbook, ws: Worksheet, plan: ChartPlan, costs: tuple[CostChartPlan, ...]) -> None:
    """The amounts chart below the summary table, then one cost chart per project below it.

    Charts xladdin added before (recognised by their titles) are replaced, others kept.
    The cost data live on a hidden sheet so that no visible cell of the workbook changes.
    """
    from openpyxl.chart import Reference

    ws._charts = [  # type: ignore[attr-defined]  # openpyxl keeps a sheet's charts there
        ch
        for ch in ws._charts  # type: ignore[attr-defined]
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

    # the top of each row, summed once (a chart per project: summing per chart was quadratic)
    last = max((row for row, _ in placed), default=1)
    tops = [0.0, 0.0]  # tops[r]: points above row r
    for r in range(1, last):
        tops.append(tops[-1] + (ws.row_dimensions[r].height or 15.0))

    page_top = 0.0
    for row, height in placed:
        y = tops[row] * 2.54 / 72
        if y - page_top + height > page_cm and y > page_top:
            ws.row_breaks.append(Break(id=row - 1))
            page_top = y


def _cost_charts(wb: Any, ws: Any, costs: tuple[CostChartPlan, ...], row: int, placed: list[tuple[int, float]]) -> None:
    from openpyxl.chart import Reference

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
    chart.width = 17.0  # type: ignore[assignment]
    chart.x_axis.scaling.orientation = "maxMin"  # first item on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    return chart


# --------------------------------------------------------------------------- a sheet written whole


def _link_style(cell: Any) -> None:
    """The Hyperlink look, keeping the cell's planned alignment (a link in a tall row stays at
    the top beside its row's text, as the Excel shell's link formula does)."""
    alignment = copy(cell.alignment)
    cell.style = "Hyperlink"
    cell.alignment = alignment


def write_content(ws: Worksheet, content: SheetContent, looks: Looks | None = None) -> None:
    """A ``SheetContent`` into an empty sheet: values (text stays text, formulas where marked),
    merges, styles, links (styled as links), widths, heights, frozen panes, print setup, filter."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    for (r, c), v in sorted(content.cells.items()):
        if v is None:
            continue
        set_value(ws, r, c, v, formula=(r, c) in content.formulas)
    merge_all(ws, content.merges)
    style_cells(ws, content.styles, looks)
    for (r, c), target in content.links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=target)
        _link_style(cell)
    for (r, c), (target, place) in content.file_links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=place or None)
        _link_style(cell)
    set_widths(ws, content.widths)
    for r, h in content.heights.items():
        ws.row_dimensions[r].height = h
    if content.freeze:
        ws.freeze_panes = content.freeze
    if content.print_setup is not None:
        print_setup(ws, content.print_setup)
    if content.autofilter:
        ws.auto_filter.ref = content.autofilter
    if content.hidden:
        ws.sheet_state = "hidden"
