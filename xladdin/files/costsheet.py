"""The ``成本测算`` sheet: every cost line as a live Excel formula.

The workbook must keep computing after the user changes a unit cost or a quantity in
Excel or WPS, without Python.  So the sheet holds the parsed numbers in plain cells
(unit cost in 元, each quantity, the implied factor) and computes each amount with
``PRODUCT(…)/10000``, the sum with ``SUM``, and compares it with 项目总额 by a formula
that references the project sheet's own cell.

Writing is idempotent: an existing ``成本测算`` sheet is replaced in place (same tab
position), never duplicated.  Every text cell the tool writes is stored as text, so a
name beginning with "=" never turns into a formula.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xladdin.costs import ROUNDING_WAN, CostExplanation, CostLine
from xladdin.model import column_letter

SHEET = "成本测算"
HEADERS = ("序号", "成本指标", "指标值单元格", "单价/总额（元）")
TAIL_HEADERS = ("隐含系数", "金额（万元）", "数量与系数说明", "目标所述（万元）", "与目标所述")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference prefix: 信息系统维护 → '信息系统维护'!"""
    return "'" + name.replace("'", "''") + "'!"


def _text(cell: Any, value: str) -> None:
    cell.value = value
    if value[:1] in "=+-@":
        cell.data_type = "s"


def quantity_columns(explanations: Sequence[CostExplanation]) -> int:
    """How many quantity columns the widest line needs (at least two)."""
    return max([2] + [len(line.quantities) for e in explanations for line in e.lines])


def write_cost_sheet(wb: Any, explanations: Sequence[CostExplanation]) -> tuple[Any, bool]:
    """Create or replace the ``成本测算`` sheet; returns (sheet, created)."""
    from openpyxl.styles import Alignment, Font, PatternFill

    created = SHEET not in wb.sheetnames
    if created:
        ws = wb.create_sheet(SHEET)
    else:
        old = wb[SHEET]
        index = wb.sheetnames.index(SHEET)
        wb.remove(old)
        ws = wb.create_sheet(SHEET, index)
    nq = quantity_columns(explanations)
    headers = [*HEADERS, *(f"数量{i + 1}" for i in range(nq)), *TAIL_HEADERS]
    c_price = 4
    c_first_q = 5
    c_factor = c_first_q + nq
    c_amount = c_factor + 1
    c_note = c_amount + 1
    c_narr = c_note + 1
    c_narr_check = c_narr + 1
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEBF7")

    _text(ws.cell(row=1, column=1), "成本测算（由 xladdin 生成；单价、数量可直接修改，金额和合计由公式计算）")
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    r = 3
    for e in explanations:
        _text(ws.cell(row=r, column=1), f"项目：{e.name}（工作表：{e.sheet}）")
        ws.cell(row=r, column=1).font = bold
        r += 1
        for c, h in enumerate(headers, start=1):
            cell = ws.cell(row=r, column=c)
            _text(cell, h)
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        r += 1
        first = r
        for i, line in enumerate(e.lines, start=1):
            _line_row(ws, r, i, line, e, nq, c_price, c_first_q, c_factor, c_amount, c_note, c_narr, c_narr_check)
            r += 1
        last = r - 1
        amt = column_letter(c_amount)
        label_col = c_amount - 1
        sum_row = r
        _text(ws.cell(row=r, column=label_col), "合计（万元）")
        ws.cell(row=r, column=c_amount).value = f"=SUM({amt}{first}:{amt}{last})" if e.lines else 0
        r += 1
        total_row = r
        _text(ws.cell(row=r, column=label_col), "项目总额（万元）")
        if e.total is not None and e.total_is_number:
            ws.cell(row=r, column=c_amount).value = f"={quote_sheet(e.sheet)}{e.total_cell}"
        else:
            ws.cell(row=r, column=c_amount).value = e.total if e.total is not None else 0
        r += 1
        diff_row = r
        _text(ws.cell(row=r, column=label_col), "未解释（万元）")
        ws.cell(row=r, column=c_amount).value = f"=ROUND({amt}{total_row}-{amt}{sum_row},6)"
        r += 1
        _text(ws.cell(row=r, column=label_col), "结论")
        ws.cell(
            row=r, column=c_amount
        ).value = (
            f'=IF(ABS({amt}{diff_row})<={ROUNDING_WAN:.6f},"已全部解释","有"&TEXT({amt}{diff_row},"0.00")&"万元未解释")'
        )
        for rr in range(sum_row, r + 1):
            ws.cell(row=rr, column=label_col).font = bold
            ws.cell(row=rr, column=label_col).alignment = Alignment(horizontal="right")
        for rr in range(first, sum_row + 3):
            ws.cell(row=rr, column=c_amount).number_format = "0.00####"
        r += 1
        for label, items in (
            (
                "未测算的成本指标（没有找到单位相符的数量）",
                [f"{u.indicator}〔{u.cell}〕{u.text}" for u in e.unmatched_costs],
            ),
            ("没有成本指标使用的数量指标", [f"{u.indicator}〔{u.cell}〕{u.text}" for u in e.unmatched_quantities]),
        ):
            if items:
                _text(ws.cell(row=r, column=2), label)
                ws.cell(row=r, column=2).font = bold
                _text(ws.cell(row=r, column=c_note), "；".join(items))
                ws.cell(row=r, column=c_note).alignment = Alignment(wrap_text=True, vertical="top")
                r += 1
        r += 1
    widths = {1: 6, 2: 40, 3: 12, 4: 14, c_factor: 10, c_amount: 14, c_note: 60, c_narr: 14, c_narr_check: 12}
    for i in range(nq):
        widths[c_first_q + i] = 12
    for c, w in widths.items():
        ws.column_dimensions[column_letter(c)].width = w
    ws.freeze_panes = "A2"
    return ws, created


def _line_row(
    ws: Any,
    r: int,
    i: int,
    line: CostLine,
    e: CostExplanation,
    nq: int,
    c_price: int,
    c_first_q: int,
    c_factor: int,
    c_amount: int,
    c_note: int,
    c_narr: int,
    c_narr_check: int,
) -> None:
    from openpyxl.styles import Alignment

    ws.cell(row=r, column=1).value = i
    _text(ws.cell(row=r, column=2), line.indicator)
    _text(ws.cell(row=r, column=3), line.cell)
    ws.cell(row=r, column=c_price).value = line.value.number
    for k, q in enumerate(line.quantities[:nq]):
        ws.cell(row=r, column=c_first_q + k).value = q.value
    ws.cell(row=r, column=c_factor).value = line.implied
    first_q = column_letter(c_price)
    last_f = column_letter(c_factor)
    ws.cell(row=r, column=c_amount).value = f"=PRODUCT({first_q}{r}:{last_f}{r})/10000"
    notes = [f"单价 {line.unit_cost}"]
    notes += [f"{_num(q.value)}{q.unit}（{q.cell} {q.indicator}）" for q in line.quantities]
    notes += list(line.factors)
    _text(ws.cell(row=r, column=c_note), "；".join(notes))
    ws.cell(row=r, column=c_note).alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(row=r, column=2).alignment = Alignment(wrap_text=True, vertical="top")
    if line.narrative_wan is not None:
        ws.cell(row=r, column=c_narr).value = line.narrative_wan
        a, n = column_letter(c_amount), column_letter(c_narr)
        ws.cell(row=r, column=c_narr_check).value = f'=IF(ABS({a}{r}-{n}{r})<={ROUNDING_WAN:.6f},"一致","不一致")'
    elif line.narrative is not None:
        _text(ws.cell(row=r, column=c_narr_check), f"与其他行合计{_num(line.narrative.amount.wan)}")


def _num(x: float) -> str:
    from xladdin.values import format_number

    return format_number(round(x, 6))
