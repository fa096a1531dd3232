"""The ``成本测算`` sheet: every cost line as a live Excel formula.

The workbook must keep computing after the user changes a unit cost or a quantity in
Excel or WPS, without Python.  So the sheet holds the parsed numbers in plain cells
(unit cost in 元, each quantity, the implied factor) and computes each amount with
``PRODUCT(…)/10000``, the sum with ``SUM``, and compares it with 项目总额 by a formula
that references the project sheet's own cell.  Every text the tool writes stays text,
so a name beginning with "=" never turns into a formula.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from xladdin.conventions import COST_HEADER_FILL, COST_SHEET, place
from xladdin.costs import ROUNDING_WAN, CostExplanation, CostLine
from xladdin.model import cell_ref, column_letter
from xladdin.style import CellStyle, FontSpec, PrintSetup
from xladdin.toolsheets import BODY, BOLD, BOLD_TEXT, WRAPPED, fit_rows
from xladdin.values import format_number
from xladdin.workbook_plan import SheetContent

HEADERS = ("序号", "成本指标", "指标值单元格", "单价/总额（元）")
TAIL_HEADERS = ("隐含系数", "金额（万元）", "数量与系数说明", "目标所述（万元）", "与目标所述")

_HEAD = CellStyle(BOLD, horizontal="center", vertical="center", wrap=True, border=False, fill=COST_HEADER_FILL)
_LABEL = CellStyle(BOLD, horizontal="right", vertical=None, wrap=False, border=False)
_TITLE = CellStyle(FontSpec(None, 12.0, True), horizontal=None, vertical=None, wrap=False, border=False)
_AMOUNT = CellStyle(BODY, horizontal=None, vertical=None, wrap=False, border=False, number_format="0.00####")
# a line's amount at the top of its row, with the line's other cells: at the bottom of a row made tall by a
# wrapped 说明 it reads, in print, as if it belonged to the next line
_LINE_AMOUNT = dataclasses.replace(_AMOUNT, vertical="top")


def quantity_columns(explanations: Sequence[CostExplanation]) -> int:
    """How many quantity columns the widest line needs (at least two)."""
    return max([2] + [len(line.quantities) for e in explanations for line in e.lines])


class _Columns:
    """Where each part of a line goes, for ``nq`` quantity columns."""

    def __init__(self, nq: int) -> None:
        self.nq = nq
        self.price = 4
        self.first_q = 5
        self.factor = self.first_q + nq
        self.amount = self.factor + 1
        self.note = self.amount + 1
        self.narr = self.note + 1
        self.narr_check = self.narr + 1


def cost_sheet(explanations: Sequence[CostExplanation]) -> SheetContent:
    """The 成本测算 sheet of a workbook's projects."""
    sh = SheetContent(COST_SHEET)
    cols = _Columns(quantity_columns(explanations))
    headers = [*HEADERS, *(f"数量{i + 1}" for i in range(cols.nq)), *TAIL_HEADERS]
    sh.put(1, 1, "成本测算（由 xladdin 生成；单价、数量可直接修改，金额和合计由公式计算）", _TITLE)
    r = 3
    for e in explanations:
        sh.put(r, 1, f"项目：{e.name}（工作表：{e.sheet}）", BOLD_TEXT)
        r += 1
        for c, h in enumerate(headers, start=1):
            sh.put(r, c, h, _HEAD)
        r += 1
        first = r
        for i, line in enumerate(e.lines, start=1):
            _line_row(sh, r, i, line, cols)
            r += 1
        r = _totals(sh, e, cols, first, r)
        for label, items in (
            (
                "未测算的成本指标（没有找到单位相符的数量）",
                [f"{u.indicator}〔{u.cell}〕{u.text}" for u in e.unmatched_costs],
            ),
            ("没有成本指标使用的数量指标", [f"{u.indicator}〔{u.cell}〕{u.text}" for u in e.unmatched_quantities]),
        ):
            if items:
                sh.put(r, 2, label, BOLD_TEXT)
                sh.put(r, cols.note, "；".join(items), WRAPPED)
                r += 1
        r += 1
    sh.widths = {1: 6, 2: 40, 3: 12, 4: 14, cols.factor: 10, cols.amount: 14, cols.note: 60, cols.narr: 14}
    sh.widths[cols.narr_check] = 12
    for i in range(cols.nq):
        sh.widths[cols.first_q + i] = 12
    sh.freeze = "A2"
    sh.print_setup = PrintSetup(orientation="landscape", title_rows=None)
    fit_rows(sh)
    return sh


def _totals(sh: SheetContent, e: CostExplanation, cols: _Columns, first: int, r: int) -> int:
    """合计, 项目总额 (a formula to the project's own cell), 未解释 and 结论 below a project's lines."""
    amt = column_letter(cols.amount)
    last = r - 1
    label_col = cols.amount - 1
    amount_style = _AMOUNT
    sum_row = r
    sh.put(r, label_col, "合计（万元）", _LABEL)
    if e.lines:
        sh.put(r, cols.amount, f"=SUM({amt}{first}:{amt}{last})", amount_style, formula=True)
    else:
        sh.put(r, cols.amount, 0, amount_style)
    r += 1
    total_row = r
    sh.put(r, label_col, "项目总额（万元）", _LABEL)
    if e.total is not None and e.total_is_number:
        sh.put(r, cols.amount, "=" + place(e.sheet, e.total_cell), amount_style, formula=True)
    else:
        sh.put(r, cols.amount, e.total if e.total is not None else 0, amount_style)
    r += 1
    diff_row = r
    sh.put(r, label_col, "未解释（万元）", _LABEL)
    sh.put(r, cols.amount, f"=ROUND({amt}{total_row}-{amt}{sum_row},6)", amount_style, formula=True)
    r += 1
    sh.put(r, label_col, "结论", _LABEL)
    verdict = (
        f'=IF(ABS({amt}{diff_row})<={ROUNDING_WAN:.6f},"已全部解释","有"&TEXT({amt}{diff_row},"0.00")&"万元未解释")'
    )
    sh.put(r, cols.amount, verdict, _AMOUNT, formula=True)
    return r + 1


def _line_row(sh: SheetContent, r: int, i: int, line: CostLine, cols: _Columns) -> None:
    sh.put(r, 1, i)
    sh.put(r, 2, line.indicator, WRAPPED)
    sh.put(r, 3, line.cell)
    sh.put(r, cols.price, line.value.number)
    for k, q in enumerate(line.quantities[: cols.nq]):
        sh.put(r, cols.first_q + k, q.value)
    sh.put(r, cols.factor, line.implied)
    first_q, last_f = column_letter(cols.price), column_letter(cols.factor)
    sh.put(r, cols.amount, f"=PRODUCT({first_q}{r}:{last_f}{r})/10000", _LINE_AMOUNT, formula=True)
    notes = [f"单价 {line.unit_cost}"]
    notes += [f"{_num(q.value)}{q.unit}（{q.cell} {q.indicator}）" for q in line.quantities]
    notes += list(line.factors)
    sh.put(r, cols.note, "；".join(notes), WRAPPED)
    if line.narrative_wan is not None:
        sh.put(r, cols.narr, line.narrative_wan)
        check = f'=IF(ABS({cell_ref(r, cols.amount)}-{cell_ref(r, cols.narr)})<={ROUNDING_WAN:.6f},"一致","不一致")'
        sh.put(r, cols.narr_check, check, formula=True)
    elif line.narrative is not None:
        sh.put(r, cols.narr_check, f"与其他行合计{_num(line.narrative.amount.wan)}")


def _num(x: float) -> str:
    return format_number(round(x, 6))
