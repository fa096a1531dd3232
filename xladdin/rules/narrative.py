"""Narrative rules: the 年度总体绩效目标 text must agree with the table and with itself.

They use the scanner (``xladdin.narrative.scan``) through the cost engine, which has
already scanned the text and matched its amounts to cost lines.  Findings point at the
goal cell (the narrative) unless the evidence shows the indicator is the wrong side.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xladdin.costs import ROUNDING_WAN
from xladdin.model import ABSENT, Finding, Indicator, Project
from xladdin.narrative import StatedQuantity
from xladdin.rules import Context, Rule, rule
from xladdin.rules.facts import valued
from xladdin.rules.wording import bare_name, money, short, wan
from xladdin.similarity import name_similarity as similarity
from xladdin.target import target_text
from xladdin.values import format_number

MATCH_SIMILARITY = 0.4  # narrative label ↔ 数量指标 name; 0.44 is the weakest true pair in 2026


def _goal(ctx: Context) -> str:
    return ctx.project.goal.cell


@rule("NARR001", "numbering-gap", "warning", "年度总体绩效目标中的分项编号不连续（如从9跳到11）")
def numbering_gap(ctx: Context, r: Rule) -> Iterator[Finding]:
    n = ctx.costs.narrative
    if not n.numbering_gaps:
        return
    numbers = [i.number for i in n.items]
    gaps = "、".join(str(g) for g in n.numbering_gaps)
    where = []
    for g in n.numbering_gaps:
        before = max((x for x in numbers if x < g), default=None)
        after = min((x for x in numbers if x > g), default=None)
        if before is not None and after is not None:
            where.append(f"从{before}直接跳到{after}")
    yield ctx.finding(
        r,
        _goal(ctx),
        f"年度总体绩效目标的分项编号{'、'.join(where) or '不连续'}，缺少第{gaps}项。请核对是漏写了一项还是编号错了。",
        expected=f"第{gaps}项",
        actual="缺少",
    )


def quantity_pairs(ctx: Context) -> Iterator[tuple[StatedQuantity, Indicator]]:
    """(narrative quantity, the 数量指标 it speaks of) pairs: same unit, similar name."""
    quantities = ctx.costs.narrative.quantities
    if not quantities:
        return
    qty_rows = [x.ind for x in valued(ctx) if x.l2 == "数量"]
    for q in quantities:
        if q.value.number is None:
            continue
        same_unit = [
            i for i in qty_rows if ctx.values[i.row].unit == q.value.unit and ctx.values[i.row].number is not None
        ]
        scored = sorted(((similarity(q.label, i.name.text), i) for i in same_unit), key=lambda t: -t[0])
        scored = [(s, i) for s, i in scored if s >= MATCH_SIMILARITY]
        if not scored:
            continue
        if any(abs((ctx.values[i.row].number or 0) - q.value.number) < 1e-9 for _, i in scored):
            continue  # a matching indicator states exactly this quantity
        if len(scored) > 1 and scored[1][0] >= scored[0][0] - 0.05:
            continue  # two indicators fit as well: do not guess
        yield q, scored[0][1]


@rule("NARR002", "narrative-quantity", "error", "年度总体绩效目标中的数量与对应数量指标不一致")
def narrative_quantity(ctx: Context, r: Rule) -> Iterator[Finding]:
    for q, ind in quantity_pairs(ctx):
        v = ctx.values[ind.row]
        msg = (
            f"数量指标「{short(bare_name(ind.name.text))}」为{target_text(ind)}（{ind.value.cell}），"
            f"年度总体绩效目标写的是{q.text}。"
        )
        cell = _goal(ctx)
        evidence = _money_evidence(ctx, ind, q.value.number or 0, v.number or 0, v.unit_raw or v.unit)
        if evidence:
            text, narrative_wrong = evidence
            msg += text
            if not narrative_wrong:
                cell = ind.value.cell
        msg += "两处应一致。"
        yield ctx.finding(
            r,
            cell,
            msg,
            expected=target_text(ind) if cell == _goal(ctx) else q.text,
            actual=q.text if cell == _goal(ctx) else target_text(ind),
        )


def _money_evidence(
    ctx: Context, ind: Indicator, narrative_qty: float, table_qty: float, unit: str = ""
) -> tuple[str, bool] | None:
    """Which side the money agrees with: (explanation, narrative is the wrong side)."""
    for line in ctx.costs.lines:
        stated = line.narrative_wan
        if stated is None and line.narrative_near is not None:
            stated = line.narrative_near.wan
        if stated is None or not any(u.row == ind.row for u in line.quantities) or not table_qty:
            continue
        with_table = line.amount_wan
        with_narr = line.amount_wan * narrative_qty / table_qty
        tol = max(ROUNDING_WAN, 0.005)
        if abs(with_table - stated) <= tol < abs(with_narr - stated):
            return (
                f"按成本指标「{short(bare_name(line.indicator))}」{line.unit_cost}计算，"
                f"{format_number(table_qty)}{unit}的金额是{wan(with_table)}万元，与目标中写的{wan(stated)}万元相符，"
                f"目标中的数量可能写错了。",
                True,
            )
        if abs(with_narr - stated) <= tol < abs(with_table - stated):
            return (
                f"按成本指标「{short(bare_name(line.indicator))}」{line.unit_cost}计算，"
                f"目标中的数量对应{wan(with_narr)}万元，与目标中写的{wan(stated)}万元相符，数量指标可能写错了。",
                False,
            )
    return None


@rule("NARR003", "narrative-formula", "error", "年度总体绩效目标中的算式结果不对")
def narrative_formula(ctx: Context, r: Rule) -> Iterator[Finding]:
    for f in ctx.costs.narrative.formulas:
        if f.consistent is False and f.computed_wan is not None and f.stated_wan is not None:
            yield ctx.finding(
                r,
                _goal(ctx),
                f"年度总体绩效目标中的算式“{f.text}”算出来是{wan(f.computed_wan)}万元，写的却是{wan(f.stated_wan)}万元。",
                expected=wan(f.computed_wan),
                actual=wan(f.stated_wan),
            )


@rule("NARR004", "narrative-total", "error", "年度总体绩效目标中写的总金额应与项目总额或年度资金总额一致")
def narrative_total(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    t = ctx.costs.narrative.total
    if t is None:
        return
    m = p.money
    candidates = [a.number for a in (m.total, m.annual) if a.number is not None]
    if not candidates or any(abs(t.wan - c) <= ROUNDING_WAN for c in candidates):
        return
    if p.form.standard:
        said = f"项目总额是{m.total.text}万元（{m.total.cell}）、年度资金总额是{m.annual.text}万元（{m.annual.cell}）"
    else:  # the amounts this form has, in its unit
        said = "、".join(
            f"{m.label(k)}是{money(a.number, m.unit)}（{a.cell}）"
            for k, a in (("total", m.total), ("annual", m.annual))
            if a is not ABSENT and a.number is not None
        )
    yield ctx.finding(
        r,
        _goal(ctx),
        f"{_goal_label(p)}写的总金额是{t.text}，而{said}，对不上。",
        expected=m.headline.text,
        actual=t.text,
    )


def _goal_label(p: Project) -> str:
    """How the form calls the narrative (年度总体绩效目标, 年度目标, 项目总体目标 …)."""
    return "年度总体绩效目标" if p.form.standard else (p.form.label("goal") or "年度总体绩效目标")


@rule("NARR005", "narrative-items-sum", "error", "年度总体绩效目标中各分项金额之和应等于写明的总金额")
def narrative_items_sum(ctx: Context, r: Rule) -> Iterator[Finding]:
    n = ctx.costs.narrative
    if n.total is None or n.formulas:
        return  # texts that compute inline state subtotals too; their formulas are NARR003's
    parts = [a for a in n.amounts if not a.is_total and not a.in_formula]
    if len(parts) < 2:
        return
    s = sum(a.wan for a in parts)
    if abs(s - n.total.wan) <= ROUNDING_WAN * len(parts):
        return
    listed = "＋".join(a.text for a in parts[:12]) + ("＋…" if len(parts) > 12 else "")
    yield ctx.finding(
        r,
        _goal(ctx),
        f"年度总体绩效目标中各分项金额 {listed}＝{wan(s)}万元，与写明的总金额{n.total.text}不符"
        f"（相差{wan(abs(s - n.total.wan))}万元）。",
        expected=wan(n.total.wan),
        actual=wan(s),
    )


_MARKUP = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>|&nbsp;|&lt;|&gt;|&amp;")


@rule("NARR006", "narrative-markup", "warning", "年度总体绩效目标中残留网页标记（如<p>），公开前应删除")
def narrative_markup(ctx: Context, r: Rule) -> Iterator[Finding]:
    tags = sorted(set(_MARKUP.findall(ctx.project.goal.text)))
    if tags:
        yield ctx.finding(
            r,
            _goal(ctx),
            f"年度总体绩效目标中有从预算系统带出的网页标记 {'、'.join(tags)}，会原样出现在公开的表中，请删除。",
            expected="纯文字",
            actual="、".join(tags),
        )


@rule("NARR007", "narrative-amount", "warning", "年度总体绩效目标中某项金额与该项成本测算结果不一致")
def narrative_amount(ctx: Context, r: Rule) -> Iterator[Finding]:
    for line in ctx.costs.lines:
        a = line.narrative_near
        if a is None:
            continue
        yield ctx.finding(
            r,
            _goal(ctx),
            f"年度总体绩效目标写“{short(a.context, 20)}{a.text}”，而成本指标「{short(bare_name(line.indicator))}」"
            f"（{line.cell}）按单价×数量测算是{wan(line.amount_wan)}万元。请核对金额或数量。",
            expected=wan(line.amount_wan),
            actual=a.text,
        )
