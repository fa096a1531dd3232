"""Cost rules, on the cost engine (``xladdin.costs.explain``): 成本指标 × 数量指标 vs the budget.

The engine redoes the department's own arithmetic (unit cost × quantity × period).  When
every cost line can be computed without an assumption and the lines do not add up to
项目总额, the table contradicts itself: an error (COST001).  When the engine had to
assume something (12 months for a per-month rate, one 条 per person), the same gap is
only a warning (COST002): the assumption may be what is wrong.
"""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.model import Finding
from xladdin.rules import Context, Rule, rule
from xladdin.rules.facts import Row, rows
from xladdin.rules.wording import bare_name, money, short, wan
from xladdin.similarity import near_miss

# Words that differ between a cost name and its quantity name on purpose.


def _by_row(ctx: Context) -> dict[int, Row]:
    return {x.row: x for x in rows(ctx)}


def _assumed(ctx: Context) -> bool:
    return any(line.factors for line in ctx.costs.lines)


def _gap_message(ctx: Context) -> str:
    e = ctx.costs
    parts = "＋".join(wan(line.amount_wan) for line in e.lines[:12]) + ("＋…" if len(e.lines) > 12 else "")
    return (
        f"按成本指标×数量指标测算，{len(e.lines)}项成本合计{wan(e.explained)}万元（{parts}），"
        f"{_total_said(ctx)}，相差{wan(abs(e.unexplained or 0))}万元。"
    )


def _total_said(ctx: Context) -> str:
    """ "项目总额是400万元", in the form's words: 年度资金总额 where that is its total, 元 shown too."""
    e, p = ctx.costs, ctx.project
    if p.form.standard:
        return f"项目总额是{wan(e.total or 0)}万元"
    m = p.money
    label = m.label("total" if m.headline is m.total else "annual")
    shown = f"（{money(e.total or 0, '元')}）" if m.unit == "元" else ""
    return f"{label}是{wan(e.total or 0)}万元{shown}"


def _gap(ctx: Context) -> bool:
    e = ctx.costs
    return bool(e.lines) and e.total is not None and not e.unmatched_costs and not e.balanced


@rule("COST001", "cost-total", "error", "成本指标×数量指标的合计应等于项目总额")
def cost_total(ctx: Context, r: Rule) -> Iterator[Finding]:
    if _gap(ctx) and not _assumed(ctx):
        e = ctx.costs
        yield ctx.finding(
            r,
            e.total_cell,
            _gap_message(ctx) + "请核对成本指标、数量指标或项目总额。",
            expected=wan(e.explained),
            actual=wan(e.total or 0),
        )


@rule("COST002", "cost-total-assumed", "warning", "按推定条件（如按12个月计）测算的成本合计与项目总额不符")
def cost_total_assumed(ctx: Context, r: Rule) -> Iterator[Finding]:
    if _gap(ctx) and _assumed(ctx):
        e = ctx.costs
        notes = "；".join(sorted({f for line in e.lines for f in line.factors}))
        yield ctx.finding(
            r,
            e.total_cell,
            _gap_message(ctx) + f"测算中有推定：{notes}。请核对，必要时在数量指标中写明数量或期限。",
            expected=wan(e.explained),
            actual=wan(e.total or 0),
        )


@rule("COST003", "cost-without-quantity", "warning", "成本指标（单价）找不到对应的数量指标，无法测算金额")
def cost_without_quantity(ctx: Context, r: Rule) -> Iterator[Finding]:
    for u in ctx.costs.unmatched_costs:
        yield ctx.finding(
            r,
            u.cell,
            f"成本指标「{short(bare_name(u.indicator))}」（{u.text}）找不到对应的数量指标：{u.reason}。"
            "请补上数量指标，或在名称上与数量指标对应起来。",
            expected="对应的数量指标",
            actual=u.text,
        )


@rule("COST004", "quantity-without-cost", "info", "数量指标没有对应的成本指标（不参与成本测算）")
def quantity_without_cost(ctx: Context, r: Rule) -> Iterator[Finding]:
    for u in ctx.costs.unmatched_quantities:
        yield ctx.finding(
            r,
            u.cell,
            f"数量指标「{short(bare_name(u.indicator))}」（{u.text}）没有对应的成本指标，不参与成本测算。"
            "如果这项产出需要花钱，请补上成本指标。",
            expected="对应的成本指标",
            actual=u.text,
        )


def _frequency(text: str, diff: str) -> int:
    """How often a spelling (the differing characters with the one before) appears in the table."""
    return text.count(diff)


@rule("COST005", "name-near-miss", "warning", "成本指标与对应数量指标的名称只差一两个字（可能有错别字）")
def name_near_miss(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    by_row = _by_row(ctx)
    everything = ""
    seen: set[tuple[int, int]] = set()
    for line in ctx.costs.lines:
        cost = by_row.get(line.row)
        if cost is None:
            continue
        for q in line.quantities:
            qty = by_row.get(q.row)
            if qty is None or (line.row, q.row) in seen or qty.l2 != "数量":
                continue
            seen.add((line.row, q.row))
            diff = near_miss(cost.bare, qty.bare)
            if diff is None:
                continue
            a, b = diff
            if not everything:
                everything = "".join(x.name for x in by_row.values()) + p.goal.text
            # The rarer spelling is the likely typo; a tie points at the cost name.
            typo_in_qty = _frequency(everything, b) < _frequency(everything, a)
            cell = qty.ind.name.cell if typo_in_qty else cost.ind.name.cell
            wrong, right = (b, a) if typo_in_qty else (a, b)
            yield ctx.finding(
                r,
                cell,
                f"成本指标「{short(cost.bare, 40)}」（{cost.ind.name.cell}）与数量指标"
                f"「{short(qty.bare, 40)}」（{qty.ind.name.cell}）名称只差“{a}”和“{b}”，"
                f"可能是错别字（“{wrong}”应为“{right}”？），请核对。",
                expected=right,
                actual=wrong,
            )
