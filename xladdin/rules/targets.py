"""Target rules: the numbers behind the numbers.

A table can add up and still not say what it means.  A 数量指标 may be money divided by
a unit price rather than a count of anything (a 30% down payment of 70.2万元 ÷ 60元/箱
“becomes” 11700箱 while the narrative says 11000箱 are kept); an indicator's name may
carry a target of its own that its value contradicts (“培训考核合格率100%” valued
“≥90%”); a 时效 target may be the whole multi-year project's rather than this year's;
a 质量 indicator may only restate a 数量 one as “完成率100%”.  None of this is certain
from the table alone, so these rules warn (or hint) and show their reasoning.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from xladdin.model import Finding
from xladdin.narrative import ROUNDING_WAN, StatedAmount, StatedQuantity
from xladdin.rules import Context, Rule, rule
from xladdin.rules.facts import Row, money_rates, valued
from xladdin.rules.header import period_years
from xladdin.rules.narrative import quantity_pairs
from xladdin.rules.wording import indicator_label, short
from xladdin.similarity import name_similarity, text_similarity
from xladdin.units import is_money, is_percent_unit, is_time_unit
from xladdin.values import Value, format_number, parse

_SENTENCE_ENDS = "。；;！!？?\n"
_SLIP = 0.02  # counts this close are a slip of the pen (NARR002's business), not another quantity


def _sentence(text: str, span: tuple[int, int]) -> str:
    """The words of the sentence before a number, to tell what it counts."""
    start = max(text.rfind(ch, 0, span[0]) for ch in _SENTENCE_ENDS) + 1
    return text[start : span[0]]


def _quote(text: str, span: tuple[int, int], limit: int = 36) -> str:
    """The clause around a stated number, as the user wrote it."""
    before = _sentence(text, span)
    phrase = before[-limit:] + text[span[0] : span[1]]
    return ("…" if len(before) > limit else "") + phrase


@rule(
    "TGT001",
    "quantity-from-money",
    "warning",
    "数量指标的数量恰好是金额÷单价，而年度总体绩效目标写的实际数量不同（可能是把付款额折成了数量）",
)
def quantity_from_money(ctx: Context, r: Rule) -> Iterator[Finding]:
    n = ctx.costs.narrative
    if not n.quantities or not n.amounts:
        return
    prices = money_rates(ctx)
    if not prices:
        return
    by_unit: dict[str, list[StatedQuantity]] = {}
    for q in n.quantities:
        if q.value.number is not None:
            by_unit.setdefault(q.value.unit, []).append(q)
    priced = {v.per[0] for _, v in prices}
    values = ctx.values
    paired: set[int] | None = None
    amounts: list[StatedAmount] | None = None
    for x in valued(ctx):
        if x.l2 != "数量":
            continue
        v = values[x.row]
        if v.unit not in priced or v.unit not in by_unit or not _is_count(v):
            continue
        count, unit = v.number or 0.0, v.unit
        stated = by_unit[unit]
        if any(abs((q.value.number or 0) - count) < 1e-9 for q in stated):
            continue  # the narrative states this very count: it is one
        if amounts is None:
            amounts = [a for a in n.amounts if not a.in_formula or any(f.span[1] == a.span[1] for f in n.formulas)]
        hit = _division(x, count, unit, prices, amounts)
        if hit is None:
            continue
        other = _counted(x, count, stated, n.text)
        if other is None:
            continue
        if paired is None:
            paired = {ind.row for _, ind in quantity_pairs(ctx)}
        if x.row in paired:
            continue  # NARR002 compares this count with the narrative's already
        amount, (price_row, _) = hit
        yield ctx.finding(
            r,
            x.ind.value.cell,
            f"{indicator_label(x.ind)}{x.value}（{x.ind.value.cell}）恰好等于年度总体绩效目标中的金额{amount.text}"
            f"（“{_quote(n.text, amount.span)}”）÷ 成本指标「{short(price_row.bare)}」{price_row.value}"
            f"（{price_row.ind.value.cell}）＝{format_number(count)}{v.unit_raw or unit}，"
            f"而目标中写的数量是{other.text}（“{_quote(n.text, other.span)}”）。"
            "这个数量像是由金额（如分期付款、首付款）除以单价折算出来的，并不是实际要完成的数量。"
            f"数量指标应写实际的数量（如{other.text}），付款安排可在年度总体绩效目标中说明。请核对。",
            expected=other.text,
            actual=x.value,
        )


def _is_count(v: Value) -> bool:
    return (
        v.kind == "quantity"
        and bool(v.number)
        and bool(v.unit)
        and not is_money(v.unit)
        and not is_time_unit(v.unit)
        and not is_percent_unit(v.unit)
    )


def _division(
    x: Row, count: float, unit: str, prices: list[tuple[Row, Value]], amounts: list[StatedAmount]
) -> tuple[StatedAmount, tuple[Row, Value]] | None:
    """A stated amount that this count × a price per this unit gives exactly (to the published
    0.01万元); of several prices that do, the one named most like the quantity."""
    hits = []
    for row, price in prices:
        if price.per[0] != unit or price.number is None:
            continue
        wan = count * price.number / 10_000
        a = next((a for a in amounts if abs(wan - a.wan) <= ROUNDING_WAN), None)
        if a is not None:
            hits.append((name_similarity(row.bare, x.bare), -row.row, a, (row, price)))
    if not hits:
        return None
    _, _, a, price_row = max(hits, key=lambda h: (h[0], h[1]))
    return a, price_row


def _counted(x: Row, count: float, stated: list[StatedQuantity], text: str) -> StatedQuantity | None:
    """The narrative's count of the same thing: in the unit, from the sentence most like the name."""
    best: tuple[tuple[float, float], StatedQuantity] | None = None
    for q in stated:
        number = q.value.number or 0.0
        if abs(number - count) <= _SLIP * max(number, count):
            return None  # a slip of the pen, not another quantity
        # the clause just before the number says best what it counts; its sentence breaks ties.
        # Chinese characters only: years and numbers (2020, 2026) say nothing of what is counted
        score = (text_similarity(q.label, x.bare), text_similarity(_sentence(text, q.span), x.bare))
        if max(score) > 0 and (best is None or score > best[0]):
            best = (score, q)
    return best[1] if best else None


# --------------------------------------------------------------------------- a target in the name

_NAME_TARGET = re.compile(
    r"(?:不少于|不低于|不超过|不高于|不多于|不大于|不小于|达到|大于|小于|高于|低于|≥|≤|>=|<=|＞|＜|>|<)\s*\d+(?:\.\d+)?\s*(?:%|％|[\u4e00-\u9fff]{1,2})"
    r"|\d+(?:\.\d+)?\s*(?:%|％)(?:以上|以下|以内)?"
)
_OPPOSITE = {"≥": "≤", "＞": "≤", "≤": "≥", "＜": "≥"}


@lru_cache(maxsize=16384)  # names repeat from table to table
def name_target(name: str) -> tuple[str, Value] | None:
    """The target a name carries (“合格率100%”, “不少于50人”), as written and parsed; None when none."""
    for m in _NAME_TARGET.finditer(name):
        text = m.group(0)
        v = parse(text.replace("达到", ""))
        if v.kind in ("percent", "quantity", "duration") and v.number is not None and v.unit:
            return text, v
    return None


@rule("TGT002", "name-target", "warning", "三级指标名称中写的目标与指标值不一致（如名称“合格率100%”、指标值“≥90%”）")
def name_target_conflict(ctx: Context, r: Rule) -> Iterator[Finding]:
    values = ctx.values
    for x in valued(ctx):
        found = name_target(x.bare)
        if found is None:
            continue
        text, target = found
        v = values[x.row]
        if v.number is None or v.unit != target.unit:
            continue
        same_number = abs(v.number - (target.number or 0)) < 1e-9
        opposite = target.comparator is not None and _OPPOSITE.get(target.comparator) == v.comparator
        if same_number and not opposite:
            continue
        yield ctx.finding(
            r,
            x.ind.name.cell,
            f"三级指标名称“{x.bare}”（{x.ind.name.cell}）里写着目标“{text}”，而指标值是“{x.value}”"
            f"（{x.ind.value.cell}）：年终按哪一个评价？目标只应写在指标值中，"
            f"请把名称改为不含目标的说法（如“{short(x.bare.replace(text, ''), 20)}”），并核对指标值。",
            expected=text,
            actual=x.value,
        )


# --------------------------------------------------------------------------- the whole project's deadline

_RANGE = re.compile(r"(\d{4})\s*(?:年|[.\-/])?[^至到~～\-—–]{0,8}?[至到~～\-—–]+\s*(\d{4})")


_ONE_YEAR = re.compile(r"^\s*(?:19|20|21)\d{2}\s*年?度?\s*$")


def _multi_year(period: str) -> bool:
    if _ONE_YEAR.match(period):
        return False  # "2026年" is a year, not 2026 years (period_years reads any N年 ≥ 99 as ongoing)
    span = period_years(period)
    if span == "ongoing":
        return True
    if span == "years":
        m = re.match(r"^\s*(\d+)\s*年", period)
        return bool(m and int(m.group(1)) > 1)
    return isinstance(span, tuple) and span[1] > span[0]


@rule(
    "TGT003",
    "multi-year-deadline",
    "warning",
    "跨年项目的时效指标写的是整个项目期的时限（如“3年”“2026年11月至2029年10月”），应写本年度要完成的节点",
)
def multi_year_deadline(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    year = p.year
    if year is None or p.period.empty or not _multi_year(p.period.text):
        return
    values = ctx.values
    for x in valued(ctx):
        if x.l2 != "时效":
            continue
        v = values[x.row]
        what = None
        m = _RANGE.search(x.value)
        if m and int(m.group(2)) > year and int(m.group(1)) <= int(m.group(2)):
            what = f"一段跨到{m.group(2)}年的时间"
        elif (
            v.kind == "duration"
            and v.comparator in (None, "＝")
            and ((v.unit == "年" and (v.number or 0) > 1) or (v.unit == "月" and (v.number or 0) > 12))
        ):
            what = "超过一年的期限"
        if what is None:
            continue  # a date after the year is TIME002's
        yield ctx.finding(
            r,
            x.ind.value.cell,
            f"{indicator_label(x.ind)}写的是“{x.value}”，是{what}，像是整个项目期（项目期“{p.period.text}”，"
            f"{p.period.cell}）的时限。本表是{year}年度的绩效目标，时效指标应写{year}年内要完成的节点"
            f"（如“{year}年12月前完成第一阶段”），全期的安排可在年度总体绩效目标中说明。",
            expected=f"{year}年内的时间节点",
            actual=x.value,
        )


# --------------------------------------------------------------------------- a quality that is a quantity

_DONE = re.compile(r"(?:完成率|完成比例|完成度|完成情况|达成率)$")
_MIRROR = 0.5


@rule(
    "TGT004",
    "quality-restates-quantity",
    "info",
    "质量指标只是把数量指标换成“完成率100%”，没有说明质量",
)
def quality_restates_quantity(ctx: Context, r: Rule) -> Iterator[Finding]:
    values = ctx.values
    rows = valued(ctx)
    quantities = [x for x in rows if x.l2 == "数量"]
    if not quantities:
        return
    for x in rows:
        if x.l2 != "质量" or not _DONE.search(x.key):
            continue
        v = values[x.row]
        if v.kind != "percent" or v.number != 100 or v.unit != "%":
            continue
        subject = _DONE.sub("", x.key)
        if not subject:
            continue
        best = max(quantities, key=lambda q: name_similarity(subject, q.bare))
        if name_similarity(subject, best.bare) < _MIRROR:
            continue
        yield ctx.finding(
            r,
            x.ind.name.cell,
            f"质量指标「{short(x.bare)}」{x.value}只是把数量指标「{short(best.bare)}」{best.value}"
            f"（{best.ind.value.cell}）换成了百分比：数量完成了，完成率自然是100%，这没有说明质量。"
            "质量指标宜写产出要达到的标准，如合格率、验收通过率、达标率、差错率。",
            expected="说明质量的指标",
            actual=f"{x.bare} {x.value}",
        )
