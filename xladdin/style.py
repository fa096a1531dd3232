"""统一格式 as plain data: what every cell of a project table should look like.

The plan is computed from the ``Project`` read off the sheet (``layout.read_project``),
not from fixed addresses, so a sheet with inserted rows or moved labels is styled by
what its cells *are* (label, amount, narrative, indicator) rather than where the
template put them.  The shell (``xladdin.files.formatting``) applies the plan with
openpyxl; nothing here knows about Excel libraries.

Fonts.  Government tables set titles in 方正小标宋简体 and bodies in 仿宋_GB2312, but
neither ships with Windows (仿宋_GB2312 only with XP) and a cell can name one face
only, without fallbacks.  So the title uses 黑体 (SimHei) and the body 仿宋 (FangSong):
both are on every Chinese Windows since Vista and in WPS, and LibreOffice maps them to
Noto Sans/Serif CJK SC (``xladdin.files.pdf`` pins that mapping).  Options allow the
official faces where a department has them installed.

Row heights.  Neither Excel nor LibreOffice grows a row for wrapped text in merged
cells, and the department's table is mostly merged cells, so heights are estimated
from the text's width (CJK = 1 em, Latin ≈ 0.55 em) against the merged width, with the
line height of the widest font that may render it (Noto CJK, 1.45 em).  A narrative
too long for Excel's maximum row height is set smaller; if even the smallest size does
not fit, the cell is reported in ``overflow`` (format warns, publish refuses).
"""

from __future__ import annotations

import dataclasses
import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from xladdin.conventions import CHART_DATA_SHEET
from xladdin.model import Merge, Project, SheetData, cell_ref, display_text, parse_ref
from xladdin.summary import TOTAL_LABEL, find_summary_header, summary_extent

TITLE_FONT = "黑体"
BODY_FONT = "仿宋"
TITLE_SIZE = 18.0
BODY_SIZE = 11.0
SMALL_SIZES = (10.5, 10.0, 9.0)  # tried in order for a narrative that does not fit
MAX_ROW_HEIGHT = 409.0  # Excel's limit, in points
LINE_EM = 1.45  # line height of Noto CJK (the widest of the faces that may render)
ROW_PADDING = 5.0  # points above + below the text
MIN_ROW_HEIGHT = 20.0
PX_PER_WIDTH_UNIT = 7.0  # Excel column width unit in pixels (default font, 96 dpi)
CELL_PADDING_PX = 6.0
INDENT_PX = 12.0  # one indent level (Excel ≈ 9–10 px, LibreOffice alike), rounded up
PX_PER_PT = 96 / 72

# Widths (Excel units) of the published 6-column layout: 一级 | 二级 | 三级 (two
# columns) | 指标值 (two columns).  A and D hold the longest labels (其中：本级资金,
# 其中：转移市县（区）资金), sized so that they break once at most.  Sum ≈ 94 units ≈ the printable width of A4
# portrait with 1.5 cm margins, so fit-to-width hardly shrinks the table.
LEVEL1_WIDTH = 12.0
LEVEL2_WIDTH = 13.0
NAME_WIDTHS = (21.0, 21.0)
VALUE_WIDTHS = (12.0, 15.0)


@dataclass(frozen=True)
class FontSpec:
    name: str | None  # None: the workbook's default font (the tool's own sheets)
    size: float
    bold: bool = False


@dataclass(frozen=True)
class CellStyle:
    font: FontSpec
    horizontal: str | None = "center"  # "center" | "left" | "right" | None (general)
    vertical: str | None = "center"  # "center" | "top" | None (bottom, the default)
    wrap: bool = True
    border: bool = True
    number_format: str | None = None  # None: leave the cell's format alone
    indent: int = 0  # keeps left/right-aligned text off the border
    fill: str | None = None  # RRGGBB of a solid fill; None: leave the cell's fill alone


@dataclass(frozen=True)
class Margins:
    """Inches, as Excel stores them."""

    left: float = 0.59
    right: float = 0.59
    top: float = 0.75
    bottom: float = 0.75
    header: float = 0.3
    footer: float = 0.3


@dataclass(frozen=True)
class PrintSetup:
    paper: str = "A4"
    orientation: str = "portrait"
    fit_width: int = 1
    fit_height: int = 0  # 0: as many pages as needed
    margins: Margins = field(default_factory=Margins)
    center_horizontally: bool = True
    title_rows: tuple[int, int] | None = None  # rows repeated at the top of every page
    print_area: str | None = None
    footer: str = "第 &P 页，共 &N 页"
    footer_font: str = BODY_FONT


@dataclass
class SheetStyle:
    """Everything 统一格式 does to one sheet.  Values are never part of it."""

    sheet: str
    cells: dict[tuple[int, int], CellStyle] = field(default_factory=dict)
    column_widths: dict[int, float] = field(default_factory=dict)
    row_heights: dict[int, float] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)  # to add; covered cells are empty
    print_setup: PrintSetup = field(default_factory=PrintSetup)
    freeze: str | None = None
    overflow: list[tuple[str, float]] = field(default_factory=list)  # (cell, points needed)


@dataclass(frozen=True)
class StyleOptions:
    title_font: str = TITLE_FONT
    body_font: str = BODY_FONT
    title_size: float = TITLE_SIZE
    body_size: float = BODY_SIZE
    freeze_limit: float = 400.0  # freeze below the 指标 header only when the frozen part is this short (pt)


# --------------------------------------------------------------------------- measuring


def text_width_em(text: str) -> float:
    """Width in em: CJK and ambiguous-width signs (≥, ％) full, Latin and digits ≈ 0.55."""
    w = 0.0
    for ch in text:
        eaw = unicodedata.east_asian_width(ch)
        w += 1.0 if eaw in ("W", "F", "A") else 0.55
    return w


def column_px(width: float) -> float:
    return width * PX_PER_WIDTH_UNIT


def count_lines(text: str, width_px: float, size: float) -> int:
    """Lines a wrapped cell needs; explicit line breaks start new lines."""
    avail = max(width_px - CELL_PADDING_PX, 1.0) * 0.95  # 5% slack: wrapping breaks before whole words
    em_px = size * PX_PER_PT
    lines = 0
    for para in text.split("\n"):
        lines += max(1, math.ceil(text_width_em(para) * em_px / avail))
    return lines


def text_height(text: str, width_px: float, size: float) -> float:
    return count_lines(text, width_px, size) * size * LINE_EM + ROW_PADDING


def money_format(value: Any) -> str | None:
    """Thousands separators and exactly the decimals the amount has (45.912000000001 → 3).

    Text amounts keep their format (a format never changes text), formulas get two
    decimals (their result is unknown here).
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return "#,##0.00" if value.startswith("=") else None
    if isinstance(value, int):
        return "#,##0"
    if isinstance(value, float):
        text = display_text(round(value, 6))
        decimals = len(text.partition(".")[2])
        return "#,##0" + ("." + "0" * decimals if decimals else "")
    return None


# --------------------------------------------------------------------------- helpers


def _merge_map(merges: list[Merge]) -> dict[tuple[int, int], Merge]:
    idx: dict[tuple[int, int], Merge] = {}
    for m in merges:
        if (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) > 5000:
            continue
        for r in range(m.min_row, m.max_row + 1):
            for c in range(m.min_col, m.max_col + 1):
                idx[(r, c)] = m
    return idx


def _empty(sheet: SheetData, r: int, c: int) -> bool:
    return display_text(sheet.value(r, c)) == ""


def _try_merge(sheet: SheetData, taken: dict[tuple[int, int], Merge], plan: list[Merge], m: Merge) -> None:
    """Plan a merge only when it loses nothing: covered cells empty, no overlap."""
    if m.min_row == m.max_row and m.min_col == m.max_col:
        return
    cells = [(r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)]
    if any(rc in taken for rc in cells):
        return
    if any(not _empty(sheet, r, c) for (r, c) in cells[1:]):
        return
    plan.append(m)
    for rc in cells:
        taken[rc] = m


def _table_width(sheet: SheetData, project: Project, top: int) -> int:
    right = max(6, project.columns.get("value", 5) + 1)
    ncols = sheet.max_col  # the longest row's length: measured once, not once per row
    for r in range(top, project.last_row + 1):
        for c in range(1, ncols + 1):
            if not _empty(sheet, r, c):
                right = max(right, c)
    for m in sheet.merges:
        if top <= m.min_row <= project.last_row and m.max_col - m.min_col < 50:
            right = max(right, m.max_col)
    return right


def _column_widths(cols: dict[str, int], ncols: int) -> dict[int, float]:
    c1, c2, cn, cv = cols["level1"], cols["level2"], cols["name"], cols["value"]
    widths: dict[int, float] = {c: 12.0 for c in range(1, ncols + 1)}
    widths[c1] = LEVEL1_WIDTH
    widths[c2] = LEVEL2_WIDTH
    name_cols = list(range(cn, cv)) or [cn]
    value_cols = list(range(cv, ncols + 1)) or [cv]
    for cols_, spec in ((name_cols, NAME_WIDTHS), (value_cols, VALUE_WIDTHS)):
        total = sum(spec)
        if len(cols_) == len(spec):
            for c, w in zip(cols_, spec, strict=True):
                widths[c] = w
        else:
            for c in cols_:
                widths[c] = round(total / len(cols_), 1)
    return widths


# --------------------------------------------------------------------------- project sheets


def plan_project(sheet: SheetData, project: Project, options: StyleOptions | None = None) -> SheetStyle:
    """The full look of one project table, from what its cells are."""
    opt = options or StyleOptions()
    cols = project.columns
    body = FontSpec(opt.body_font, opt.body_size)
    bold = FontSpec(opt.body_font, opt.body_size, bold=True)
    plan = SheetStyle(sheet.name)

    label_rows = [parse_ref(ref)[0] for ref in project.labels.values()]
    top = min([parse_ref(project.name.cell)[0], *label_rows])
    ncols = _table_width(sheet, project, top)
    last = max(project.last_row, project.header_row)
    # another form keeps its own columns and widths: format formats, it does not convert the form
    plan.column_widths = _column_widths(cols, ncols) if project.form.standard else {}

    # merges: keep the sheet's, add the published ones where nothing is lost
    taken = _merge_map(list(sheet.merges))
    title_row = parse_ref(project.title.cell)[0] if project.title.value is not None else None
    year_row = parse_ref(project.year_cell)[0]
    for r in {title_row, year_row} - {None}:
        if r is not None and r < top:
            first = next((c for c in range(1, ncols + 1) if not _empty(sheet, r, c)), 1)
            if first == 1:
                _try_merge(sheet, taken, plan.merges, Merge(r, 1, r, ncols))
    cn, cv = cols["name"], cols["value"]
    for r in [project.header_row, *[i.row for i in project.indicators]] if project.form.standard else []:
        if cv - 1 > cn:
            _try_merge(sheet, taken, plan.merges, Merge(r, cn, r, cv - 1))
        if ncols > cv:
            _try_merge(sheet, taken, plan.merges, Merge(r, cv, r, ncols))
    for attr, col in (("level1", cols["level1"]), ("level2", cols["level2"])):
        blocks: dict[str, list[int]] = {}
        for ind in project.indicators:
            f = getattr(ind, attr)
            if parse_ref(f.cell)[1] == col:
                blocks.setdefault(f.cell, []).append(ind.row)
        for ref, rows in blocks.items():
            r0 = parse_ref(ref)[0]
            r1 = max(rows)
            if r0 == min(rows) and r1 - r0 + 1 == len(set(rows)) and r1 > r0:
                _try_merge(sheet, taken, plan.merges, Merge(r0, col, r1, col))
    spread = [project.name, project.goal]
    if not project.form.standard:  # another form: each value over the empty cells up to the next label
        spread += [getattr(project, k) for k in ("department", "unit", "attribute", "period") if project.has_field(k)]
        spread += [f for _, f in project.more]
    for f in spread:
        r, c = parse_ref(f.cell)
        if top <= r < project.header_row and c < ncols and not f.empty:
            end = c
            while end < ncols and (r, end + 1) not in taken and _empty(sheet, r, end + 1):
                end += 1
            _try_merge(sheet, taken, plan.merges, Merge(r, c, r, end))

    # roles of the cells
    roles: dict[tuple[int, int], str] = {}
    for ref in project.labels.values():
        roles[parse_ref(ref)] = "label"
    for key in ("name", "department", "unit", "attribute", "period"):
        if project.has_field(key):  # a field another form lacks has no cell of its own
            roles[parse_ref(getattr(project, key).cell)] = "text"
    for _, amount in project.money.items():
        rc = parse_ref(amount.cell)
        if amount.raw is sheet.value(*rc) or not isinstance(sheet.value(*rc), str):
            roles[rc] = "money"  # not a cell that lists several amounts as text (资金总额: 250 一、预算资金:250 …)
    roles[parse_ref(project.goal.cell)] = "narrative"
    for c in range(1, ncols + 1):
        roles[(project.header_row, c)] = "header"
    for ind in project.indicators:
        roles[parse_ref(ind.level1.cell)] = "level"
        roles[parse_ref(ind.level2.cell)] = "level"
        roles[parse_ref(ind.name.cell)] = "name"
        roles[parse_ref(ind.value.cell)] = "value"
        for f in (ind.comparator, ind.unit, ind.weight, ind.direction):  # a form's own columns
            if f is not None:
                roles[parse_ref(f.cell)] = "value"
        for _, f in ind.more:
            roles[parse_ref(f.cell)] = "name"

    styles = {
        "label": CellStyle(bold),
        "header": CellStyle(bold),
        "level": CellStyle(body),
        "text": CellStyle(body, horizontal="left", indent=1),
        "name": CellStyle(body, horizontal="left", indent=1),
        "value": CellStyle(body),
        "narrative": CellStyle(body, horizontal="left", vertical="top", indent=1),
        "other": CellStyle(body),
    }
    for r in range(top, last + 1):
        for c in range(1, ncols + 1):
            role = roles.get((r, c))
            if role == "money":
                v = sheet.value(r, c)
                plan.cells[(r, c)] = CellStyle(body, horizontal="right", number_format=money_format(v), indent=1)
            elif role is None and not _empty(sheet, r, c) and r < project.header_row:
                plan.cells[(r, c)] = styles["text"]
            else:
                plan.cells[(r, c)] = styles[role or "other"]

    # rows above the table: title, "(2026年)", "单位：万元"
    for r in range(1, top):
        for c in range(1, ncols + 1):
            v = display_text(sheet.value(r, c))
            if not v:
                continue
            if title_row == r and (r, c) == parse_ref(project.title.cell):
                plan.cells[(r, c)] = CellStyle(FontSpec(opt.title_font, opt.title_size), border=False, wrap=True)
            elif "单位" in v and ("元" in v or c == ncols):
                plan.cells[(r, c)] = CellStyle(body, horizontal="right", border=False, wrap=False)
            else:
                plan.cells[(r, c)] = CellStyle(body, border=False, wrap=False)

    merges = _merge_map([*sheet.merges, *plan.merges])
    _plan_heights(sheet, plan, merges, 1, last, ncols)

    plan.print_setup = PrintSetup(
        title_rows=(project.header_row, project.header_row),
        print_area=f"A1:{cell_ref(last, ncols)}",
        footer_font=opt.body_font,
    )
    frozen = sum(plan.row_heights.get(r, 15.0) for r in range(1, project.header_row + 1))
    if frozen <= opt.freeze_limit:
        plan.freeze = cell_ref(project.header_row + 1, 1)
    return plan


def _plan_heights(
    sheet: SheetData, plan: SheetStyle, merges: dict[tuple[int, int], Merge], first: int, last: int, ncols: int
) -> None:
    """Row heights from the text of every cell; narratives shrink before they overflow."""
    heights: dict[int, float] = {r: MIN_ROW_HEIGHT for r in range(first, last + 1)}
    spans: list[tuple[Merge, float]] = []
    for (r, c), st in sorted(plan.cells.items()):
        m = merges.get((r, c))
        if m is not None and (m.min_row, m.min_col) != (r, c):
            continue
        text = display_text(sheet.value(r, c))
        if not text:
            continue
        c0, c1 = (m.min_col, m.max_col) if m else (c, c)
        width = sum(column_px(plan.column_widths.get(cc, 8.43)) for cc in range(c0, c1 + 1)) - st.indent * INDENT_PX
        size = st.font.size
        need = text_height(text, width, size) if st.wrap else size * LINE_EM + ROW_PADDING
        if need > MAX_ROW_HEIGHT and st.vertical == "top":
            for smaller in SMALL_SIZES:
                size = smaller
                need = text_height(text, width, size)
                if need <= MAX_ROW_HEIGHT:
                    break
            plan.cells[(r, c)] = dataclasses.replace(st, font=FontSpec(st.font.name, size, st.font.bold))
        if need > MAX_ROW_HEIGHT:
            plan.overflow.append((cell_ref(r, c), round(need, 1)))
            need = MAX_ROW_HEIGHT
        if m is not None and m.max_row > m.min_row:
            spans.append((Merge(m.min_row, c0, min(m.max_row, last), c1), need))
        else:
            heights[r] = max(heights.get(r, MIN_ROW_HEIGHT), need)
    for m, need in spans:
        have = sum(heights.get(r, MIN_ROW_HEIGHT) for r in range(m.min_row, m.max_row + 1))
        if need > have:
            heights[m.max_row] = min(MAX_ROW_HEIGHT, heights.get(m.max_row, MIN_ROW_HEIGHT) + need - have)
    plan.row_heights = {r: round(h, 1) for r, h in heights.items()}


# --------------------------------------------------------------------------- 项目汇总


SUMMARY_WIDTHS = (7.0, 46.0, 13.0, 14.0, 13.0)


def plan_summary(sheet: SheetData, options: StyleOptions | None = None) -> SheetStyle | None:
    """The 项目汇总 sheet: title, header, one line per project, 合计."""
    opt = options or StyleOptions()
    header = find_summary_header(sheet)
    if header is None:
        return None
    last, ncols = summary_extent(sheet, header)
    body = FontSpec(opt.body_font, opt.body_size)
    bold = FontSpec(opt.body_font, opt.body_size, bold=True)
    plan = SheetStyle(sheet.name)
    for c in range(1, ncols + 1):
        plan.column_widths[c] = SUMMARY_WIDTHS[c - 1] if c <= len(SUMMARY_WIDTHS) else 13.0
    for r in range(1, header):
        for c in range(1, ncols + 1):
            if display_text(sheet.value(r, c)):
                plan.cells[(r, c)] = CellStyle(FontSpec(opt.title_font, 16.0), border=False)
    for c in range(1, ncols + 1):
        plan.cells[(header, c)] = CellStyle(bold)
    for r in range(header + 1, last + 1):
        total = display_text(sheet.value(r, 1)) == TOTAL_LABEL
        for c in range(1, ncols + 1):
            font = bold if total else body
            v = sheet.value(r, c)
            if c == 1:
                plan.cells[(r, c)] = CellStyle(font)
            elif c == 2:
                plan.cells[(r, c)] = CellStyle(font, horizontal="center" if total else "left", indent=0 if total else 1)
            else:
                fmt = money_format(v) or "#,##0.00"
                plan.cells[(r, c)] = CellStyle(font, horizontal="right", number_format=fmt, indent=1)
    merges = _merge_map(list(sheet.merges))
    _plan_heights(sheet, plan, merges, 1, last, ncols)
    plan.print_setup = PrintSetup(footer_font=opt.body_font)  # no repeated rows: they would print over the charts
    plan.freeze = cell_ref(header + 1, 1)
    return plan


@dataclass(frozen=True)
class ChartPlan:
    """A bar chart of the projects' amounts on the 项目汇总 sheet (1-based ranges)."""

    sheet: str
    title: str
    categories: tuple[int, int, int]  # column, first row, last row
    series: tuple[tuple[int, int, int], ...]  # column, header row (series name), last row
    anchor: str
    y_title: str = "万元"


CHART_TITLE = "各项目资金（万元）"


def plan_summary_chart(sheet: SheetData) -> ChartPlan | None:
    """项目总额 and 年度资金总额 per project, placed below the table."""
    header = find_summary_header(sheet)
    if header is None:
        return None
    last, ncols = summary_extent(sheet, header)
    if display_text(sheet.value(last, 1)) == TOTAL_LABEL:
        last -= 1
    if last <= header:
        return None
    series = tuple((c, header, last) for c in range(3, min(ncols, 4) + 1))
    if not series:
        return None
    return ChartPlan(sheet.name, CHART_TITLE, (2, header + 1, last), series, cell_ref(last + 3, 1))


COST_CHART_PREFIX = "成本构成："
UNEXPLAINED_LABEL = "未由成本指标解释"
_LABEL_MAX = 18


@dataclass(frozen=True)
class CostChartPlan:
    """One project's budget by cost line (万元), as the cost engine explains it."""

    project_sheet: str
    title: str
    labels: tuple[str, ...]
    amounts: tuple[float, ...]

    @property
    def height_cm(self) -> float:
        return round(3.5 + 0.6 * len(self.labels), 1)


def short_label(text: str) -> str:
    """Chart categories must stay short or the bars get no room: 18 characters at most."""
    t = " ".join(text.split())
    return t if len(t) <= _LABEL_MAX else t[: _LABEL_MAX - 1] + "…"


def plan_cost_chart(sheet: str, lines: list[tuple[str, float]], unexplained: float | None) -> CostChartPlan | None:
    """Bars of the cost lines, plus what the lines leave unexplained (when positive)."""
    items = [(short_label(name), round(amount, 6)) for name, amount in lines if amount]
    if unexplained is not None and unexplained > 0.005:
        items.append((UNEXPLAINED_LABEL, round(unexplained, 6)))
    if not items:
        return None
    labels, amounts = zip(*items, strict=True)
    return CostChartPlan(sheet, f"{COST_CHART_PREFIX}{sheet}（万元）", tuple(labels), tuple(amounts))


__all__ = [
    "CHART_DATA_SHEET",
    "CellStyle",
    "ChartPlan",
    "CostChartPlan",
    "FontSpec",
    "PrintSetup",
    "SheetStyle",
    "StyleOptions",
    "count_lines",
    "money_format",
    "plan_cost_chart",
    "plan_project",
    "plan_summary",
    "plan_summary_chart",
    "text_width_em",
]
