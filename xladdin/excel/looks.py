"""The look of an open workbook's sheets, with xlwings: styles, widths, heights, merges, print
setup, data validation, the list sheet, charts, and sheets the tool writes whole.

Every call crosses to Excel (COM on the desktop, an action on xlwings Server/Lite), so
cells sharing a value of one attribute get one call per rectangle, never one per cell.
What an engine cannot do is skipped here and listed in docs/两种外壳的差异.md: Office.js
(xlwings Server/Lite and the tests' remote engine) has no page setup beyond the print
area, no indent, no warning-only validation alert, no input prompts.
"""

from __future__ import annotations

import contextlib
from typing import Any

from xladdin.conventions import CHART_DATA_SHEET, LISTS_SHEET
from xladdin.excel import bulk
from xladdin.model import parse_ref, row_runs
from xladdin.style import CHART_TITLE, COST_CHART_PREFIX, CellStyle, ChartPlan, CostChartPlan, PrintSetup, SheetStyle
from xladdin.validation_lists import ListsSheet, Validation
from xladdin.workbook_plan import SheetContent


def rectangles(cells: set[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """Cover a set of cells with rectangles (r1, c1, r2, c2): row runs stacked when equal."""
    runs: dict[int, list[tuple[int, int]]] = {}
    for r, c in sorted(cells):
        row = runs.setdefault(r, [])
        if row and row[-1][1] == c - 1:
            row[-1] = (row[-1][0], c)
        else:
            row.append((c, c))
    open_: dict[tuple[int, int], list[int]] = {}  # (c1, c2) → [r1, r2]
    out: list[tuple[int, int, int, int]] = []
    for r in sorted(runs):
        current = set(runs[r])
        for key in list(open_):
            if key in current and open_[key][1] == r - 1:
                open_[key][1] = r
                current.discard(key)
            else:
                r1, r2 = open_.pop(key)
                out.append((r1, key[0], r2, key[1]))
        for key in current:
            open_[key] = [r, r]
    out += [(r1, key[0], r2, key[1]) for key, (r1, r2) in open_.items()]
    return sorted(out)


# One attribute of a CellStyle at a time: cells that share its value get one call per rectangle.
_STYLE_ATTRS: tuple[tuple[str, Any], ...] = (
    ("font.name", lambda st: st.font.name),
    ("font.size", lambda st: st.font.size),
    ("font.bold", lambda st: st.font.bold),
    ("horizontal_alignment", lambda st: st.horizontal),
    ("vertical_alignment", lambda st: st.vertical),
    ("wrap_text", lambda st: st.wrap),
    ("borders", lambda st: st.border),
    ("number_format", lambda st: st.number_format),
    ("indent", lambda st: getattr(st, "indent", 0)),
)


def merge_calls(merges: list[Any]) -> list[tuple[int, int, int, int, bool]]:
    """Merges as few calls: one-row merges with the same columns on consecutive rows
    become one "merge across" (Excel merges each row of the range separately)."""
    single: dict[tuple[int, int], list[int]] = {}
    out: list[tuple[int, int, int, int, bool]] = []
    for m in merges:
        if m.min_row == m.max_row:
            single.setdefault((m.min_col, m.max_col), []).append(m.min_row)
        else:
            out.append((m.min_row, m.min_col, m.max_row, m.max_col, False))
    for (c1, c2), rows in single.items():
        for r1, r2 in row_runs(sorted(set(rows))):
            out.append((r1, c1, r2, c2, r2 > r1))
    return sorted(out)


def _set(rng: Any, attr: str, value: Any) -> None:
    if attr == "indent":
        if value:  # desktop Excel only: Office.js has no indent setter
            with contextlib.suppress(Exception):
                rng.api.IndentLevel = value
        return
    if attr == "borders":
        if value:
            rng.borders.line_style = "continuous"
            rng.borders.weight = "thin"
        return
    if value is None and attr in ("number_format", "font.name", "horizontal_alignment", "vertical_alignment"):
        return  # leave the cell's own format, font, alignment
    target = rng.font if attr.startswith("font.") else rng
    setattr(target, attr.removeprefix("font."), value)


# What a cell of a new sheet already has: nothing to send for these (a sheet the tool writes whole).
_NEW_SHEET = {
    "font.name": None,
    "font.size": 11.0,
    "font.bold": False,
    "horizontal_alignment": None,
    "vertical_alignment": None,
    "wrap_text": False,
    "borders": False,
    "number_format": None,
    "indent": 0,
}


def style_cells(sheet: Any, cells: dict[tuple[int, int], CellStyle], new_sheet: bool = False) -> int:
    """Fonts, alignment, borders, number formats and fills of some cells; returns the calls made.

    ``new_sheet``: the cells are those of a sheet just added, so what a new cell already has
    is not sent again (a call each, for nothing).
    """
    calls = 0
    for attr, get in _STYLE_ATTRS:
        by_value: dict[Any, set[tuple[int, int]]] = {}
        for rc, st in cells.items():
            by_value.setdefault(get(st), set()).add(rc)
        for value, group in by_value.items():
            if new_sheet and attr in _NEW_SHEET and value == _NEW_SHEET[attr]:
                continue
            for r1, c1, r2, c2 in rectangles(group):
                _set(sheet.range((r1, c1), (r2, c2)), attr, value)
                calls += 1
    fills = {rc: "#" + st.fill.lower() for rc, st in cells.items() if st.fill is not None}
    calls += bulk.write_colors(sheet, dict(fills))
    return calls


def apply_style(sheet: Any, plan: SheetStyle) -> int:
    """Apply a ``style.SheetStyle`` to an xlwings sheet; returns the number of formatting calls."""
    calls = 0
    for r1, c1, r2, c2, across in merge_calls(plan.merges):
        sheet.range((r1, c1), (r2, c2)).merge(across)
        calls += 1
    calls += style_cells(sheet, plan.cells)
    calls += set_widths(sheet, plan.column_widths)
    calls += set_heights(sheet, plan.row_heights)
    print_setup(sheet, plan.print_setup)
    if plan.freeze:
        freeze(sheet, plan.freeze)
    return calls


def set_widths(sheet: Any, widths: dict[int, float]) -> int:
    for c, w in sorted(widths.items()):
        sheet.range((1, c)).column_width = w
    return len(widths)


def set_heights(sheet: Any, heights: dict[int, float]) -> int:
    calls = 0
    by_height: dict[float, list[int]] = {}
    for r, h in heights.items():
        by_height.setdefault(h, []).append(r)
    for h, rows in by_height.items():
        for r1, r2 in row_runs(sorted(rows)):
            sheet.range((r1, 1), (r2, 1)).row_height = h
            calls += 1
    return calls


def freeze(sheet: Any, ref: str) -> None:
    r, c = parse_ref(ref)
    if c == 1 and r > 1:
        with contextlib.suppress(Exception):
            sheet.freeze_panes.freeze_at(f"1:{r - 1}")


def print_setup(sheet: Any, ps: PrintSetup) -> None:
    """A4, orientation, fit to width, margins, title rows, footer: desktop Excel only.

    Office.js (xlwings Server/Lite) has no page setup beyond the print area.
    """
    if ps.print_area:
        with contextlib.suppress(Exception):
            sheet.page_setup.print_area = ps.print_area
    try:
        api = sheet.page_setup.api
        inch = 72.0
        api.PaperSize = 9  # xlPaperA4
        api.Orientation = 1 if ps.orientation == "portrait" else 2
        api.Zoom = False
        api.FitToPagesWide = ps.fit_width
        api.FitToPagesTall = ps.fit_height or False
        api.LeftMargin = ps.margins.left * inch
        api.RightMargin = ps.margins.right * inch
        api.TopMargin = ps.margins.top * inch
        api.BottomMargin = ps.margins.bottom * inch
        api.HeaderMargin = ps.margins.header * inch
        api.FooterMargin = ps.margins.footer * inch
        api.CenterHorizontally = ps.center_horizontally
        if ps.title_rows:
            api.PrintTitleRows = f"${ps.title_rows[0]}:${ps.title_rows[1]}"
        api.CenterFooter = ps.footer
    except Exception:
        pass


# --------------------------------------------------------------------------- validation


def is_desktop(book: Any) -> bool:
    """Classic xlwings on a desktop Excel (COM), as opposed to Office.js (Server/Lite, the remote engine)."""
    try:
        return str(book.app.engine.name) not in ("remote", "calamine")
    except Exception:
        return False


_OUR_PROMPTS = ("项目属性", "一级指标", "二级指标")


def apply_validations(book: Any, sheet: Any, rules: tuple[Validation, ...], values: dict[str, tuple[str, ...]]) -> None:
    """The drop-down lists and input hints of a project sheet.

    On the desktop the full rule is written through COM: a list from a defined name (or
    INDIRECT of the 一级 cell for the 二级 list), the warning-only alert, the input
    prompt and the error message, as the file shell writes them.  Office.js has no alert
    style and no prompts, and its defined names added in this run cannot be read back:
    there each list is set through xlwings' portable ``data_validation.set_list`` with its
    values written out (``values``: a list's name, or for a 二级 list the 一级 cell, →
    its values as they are now), and an input hint alone (the 指标值 example) is not
    written.
    """
    desktop = is_desktop(book)
    for v in rules:
        for part in v.sqref.split():
            rng = sheet.range(part)
            if desktop:
                _com_validation(rng, v)
                continue
            if v.kind != "list" or v.formula is None:
                continue
            with contextlib.suppress(Exception):
                rng.data_validation.delete()
            key = v.formula[len("INDIRECT(") : -1].replace("$", "") if v.formula.startswith("INDIRECT(") else v.formula
            listed = values.get(key)
            if listed:
                rng.data_validation.set_list(list(listed))


def _com_validation(rng: Any, v: Validation) -> None:
    """A validation through Excel's own object model (desktop only; not testable without Excel)."""
    with contextlib.suppress(Exception):
        api = rng.api.Validation
        api.Delete()
        if v.kind == "list":
            # a literal list is given to COM as its items ("a,b,c"); a name or range as a formula
            f = str(v.formula)
            formula1 = f[1:-1] if f.startswith('"') else "=" + f
            api.Add(Type=3, AlertStyle=2, Operator=1, Formula1=formula1)  # xlValidateList, xlValidAlertWarning
        else:
            api.Add(Type=0)  # xlValidateInputOnly
        api.IgnoreBlank = True
        api.ShowInput = True
        api.ShowError = v.kind == "list"
        if v.prompt_title:
            api.InputTitle = v.prompt_title
        if v.prompt:
            api.InputMessage = v.prompt
        if v.error_title:
            api.ErrorTitle = v.error_title
        if v.error:
            api.ErrorMessage = v.error


def write_lists(book: Any, plan: ListsSheet) -> None:
    """The hidden sheet with the drop-down values and the defined names pointing at it."""
    sh, _ = bulk.ensure_sheet(book, LISTS_SHEET, hidden=True)
    width = len(plan.columns)
    height = max(len(values) for _, values in plan.columns) + 1
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    for c, (header, values) in enumerate(plan.columns):
        grid[0][c] = header
        for r, v in enumerate(values, start=1):
            grid[r][c] = v
    bulk.replace_table(sh, grid)
    existing = set()
    with contextlib.suppress(Exception):
        existing = {n.name for n in book.names}
    for name, refers in plan.names.items():
        if name in existing:
            with contextlib.suppress(Exception):
                book.names[name].delete()
        book.names.add(name, "=" + refers)


# --------------------------------------------------------------------------- charts


def add_charts(book: Any, sheet: Any, plan: ChartPlan, costs: tuple[CostChartPlan, ...]) -> None:
    """The amounts chart below the summary table and each project's cost chart below it
    (data on the hidden 图表数据 sheet, as the file shell puts it); charts of an earlier run
    (known by their titles) are replaced."""

    with contextlib.suppress(Exception):
        for ch in list(sheet.charts):
            if str(ch.name).startswith((CHART_TITLE, COST_CHART_PREFIX)):
                ch.delete()
    col, first, last = plan.categories
    top_row = parse_ref(plan.anchor)[0]
    top = _points_to_row(sheet, top_row)
    series_cols = [c for c, _, _ in plan.series]
    source = sheet.range((first - 1, col), (last, max(series_cols)))
    chart = sheet.charts.add(0, top, 17 / 2.54 * 72, (7.5 + 0.6 * (last - first)) / 2.54 * 72)
    chart.set_source_data(source)
    chart.chart_type = "bar_clustered"
    with contextlib.suppress(Exception):
        chart.name = plan.title
    if not costs:
        return
    data, _ = bulk.ensure_sheet(book, CHART_DATA_SHEET, hidden=True)
    width = 2 * len(costs)
    height = max(len(c.labels) for c in costs) + 1
    grid: list[list[Any]] = [[None] * width for _ in range(height)]
    for i, cost in enumerate(costs):
        grid[0][2 * i] = cost.project_sheet
        grid[0][2 * i + 1] = "万元"
        for r, (label, amount) in enumerate(zip(cost.labels, cost.amounts, strict=True), start=1):
            grid[r][2 * i] = label
            grid[r][2 * i + 1] = amount
    bulk.replace_table(data, grid)
    y = top + (7.5 + 0.6 * (last - first)) / 2.54 * 72 + 30
    for i, cost in enumerate(costs):
        height_pt = cost.height_cm / 2.54 * 72
        ch = sheet.charts.add(0, y, 17 / 2.54 * 72, height_pt)
        ch.set_source_data(data.range((1, 2 * i + 1), (len(cost.labels) + 1, 2 * i + 2)))
        ch.chart_type = "bar_clustered"
        with contextlib.suppress(Exception):
            ch.name = cost.title
        y += height_pt + 30


def _points_to_row(sheet: Any, row: int) -> float:
    try:
        return float(sheet.range((row, 1)).top)
    except Exception:
        return (row - 1) * 15.0


# --------------------------------------------------------------------------- a sheet written whole


def link_formula(location: str, text: Any) -> str:
    """An internal link as a formula (one value write carries it; Excel, WPS and LibreOffice keep it)."""
    shown = str(text if text is not None else "").replace('"', '""')
    target = location.replace('"', '""')
    return f'=HYPERLINK("#{target}","{shown}")'


def write_content(book: Any, sheet: Any, content: SheetContent) -> None:
    """A ``SheetContent`` into a sheet, values in one write: formulas where marked, every other
    text as text, links as =HYPERLINK formulas; then merges, styles, widths, heights."""
    grid = content.grid()
    for (r, c), v in content.cells.items():
        if (r, c) in content.links:
            grid[r - 1][c - 1] = link_formula(content.links[(r, c)], v)
        elif (r, c) in content.file_links:
            target, place = content.file_links[(r, c)]
            where = target + (f"#{place}" if place else "")
            shown = str(v if v is not None else "").replace('"', '""')
            grid[r - 1][c - 1] = f'=HYPERLINK("{where.replace(chr(34), chr(34) * 2)}","{shown}")'
        elif (r, c) not in content.formulas:
            grid[r - 1][c - 1] = bulk.as_text(v)
    if grid and grid[0]:
        sheet.range((1, 1)).value = grid
    for m in content.merges:
        sheet.range((m.min_row, m.min_col), (m.max_row, m.max_col)).merge()
    style_cells(sheet, content.styles, new_sheet=True)
    set_widths(sheet, content.widths)
    set_heights(sheet, content.heights)
    if content.freeze:
        freeze(sheet, content.freeze)
    if content.print_setup is not None:
        print_setup(sheet, content.print_setup)
    if content.hidden:
        sheet.visible = False
