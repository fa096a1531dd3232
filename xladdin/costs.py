"""The cost engine: 成本指标 × 数量指标 = the money asked for, line by line.

A department justifies its budget by unit costs times quantities (1.2万元/月/人 × 18人 ×
12个月 = 259.2万元).  ``explain`` redoes that arithmetic from the table alone, so a user
sees which part of 项目总额 is explained and which is not, and the rules can point at
the line, the quantity or the sentence of the narrative that disagrees.

Public API (stable)
-------------------
``explain(project) -> CostExplanation``; never raises on any project.

``CostExplanation``
    ``sheet``, ``name``, ``total`` (项目总额, 万元, None when unreadable), ``total_cell``,
    ``lines`` (``CostLine``), ``explained`` (sum of line amounts, 万元), ``unexplained``
    (total − explained, None without a total), ``balanced`` (|unexplained| within the
    published rounding), ``unmatched_costs`` / ``unmatched_quantities`` (``Unmatched``:
    a money 成本指标 no quantity could be found for — or whose value is unparsed — and a
    数量指标 no cost line used), ``narrative`` (``narrative.Narrative`` of 年度总体绩效目标),
    ``narrative_unmatched`` (stated amounts no line or group of lines adds up to),
    ``narrative_subtotals`` (``NarrativeSubtotal``: a stated amount that adds up the
    amounts stated just before it, “…70.2万元及…35.1万元共105.3万元”; not unmatched),
    ``period_note`` (why a year is assumed), ``total_is_number``, ``as_dict()`` (the JSON contract of issue #3).
``CostLine``
    ``indicator`` (三级指标 name), ``cell`` (its 指标值 cell), ``name_cell``, ``row``,
    ``unit_cost`` (the 指标值 text as written), ``value`` (parsed), ``quantities``
    (``QuantityUse``), ``factors`` (Chinese: implied factors and assumptions, e.g.
    "12个月（预算年度按1年计）", "条：未给数量，按每人1条计", "人次按人计（每人一次）"),
    ``implied`` (product of the implied numeric factors), ``amount_wan``,
    ``narrative`` (``NarrativeMatch`` or None), ``narrative_wan`` (the stated amount when
    it matches this line alone, else None), ``narrative_near`` (a stated amount whose
    words match this line but whose number does not — a likely mistake), ``lump_sum``
    (the cost is a total such as "110万元", not a unit cost), ``assumed_units`` (per-units
    no quantity gave and that were counted as 1, e.g. ("条",) — not periods, which the
    budget year gives).
``QuantityUse``
    ``indicator``, ``cell``, ``row``, ``level2`` ("数量" / "时效"), ``value``, ``unit``,
    ``fills`` (the per-units of the rate it fills), ``note`` (approximation made),
    ``score`` (name similarity used to choose it, 0…~1.3; low means a weak pairing).
``NarrativeMatch``
    ``amount`` (``narrative.StatedAmount``: wan, text, span, context), ``rows`` (the rows of
    every line it sums; more than one when the narrative states a subtotal).
``ROUNDING_WAN``
    the tolerance: half of the published 0.01万元 step.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from math import ceil, comb, floor, gcd
from typing import Any, NamedTuple

from xladdin.fastdata import fast_init
from xladdin.framework import is_money_cost, level1_key, level2_key
from xladdin.model import Indicator, Project, display_text
from xladdin.narrative import ROUNDING_WAN, Narrative, StatedAmount, scan
from xladdin.similarity import grams_similarity, name_grams, related_to
from xladdin.similarity import name_similarity as similarity
from xladdin.target import target_text
from xladdin.units import WAN, is_time_unit, match, time_factor
from xladdin.values import Value, format_number, format_value, parse

__all__ = [
    "ROUNDING_WAN",
    "CostExplanation",
    "CostLine",
    "NarrativeMatch",
    "QuantityUse",
    "Unmatched",
    "explain",
]


QUANTITY_GROUPS = ("数量",)
TIME_GROUPS = ("时效",)
# Periods a budget year implies when a rate is per one of them and no quantity gives it.
_PERIODS = ("月", "季度", "半年", "年", "周")


@fast_init
@dataclass(frozen=True)
class QuantityUse:
    indicator: str
    cell: str
    row: int
    level2: str
    value: float
    unit: str
    fills: tuple[str, ...]
    note: str = ""
    score: float = 0.0


@dataclass(frozen=True)
class NarrativeSubtotal:
    """A stated amount that is the sum of the amounts stated just before it."""

    amount: StatedAmount
    parts: tuple[StatedAmount, ...]


@fast_init
@dataclass(frozen=True)
class NarrativeMatch:
    amount: StatedAmount
    rows: tuple[int, ...]

    @property
    def shared(self) -> bool:
        return len(self.rows) > 1


@fast_init
@dataclass(frozen=True)
class CostLine:
    indicator: str
    cell: str
    name_cell: str
    row: int
    unit_cost: str
    value: Value
    quantities: tuple[QuantityUse, ...]
    factors: tuple[str, ...]
    implied: float
    amount_wan: float
    lump_sum: bool = False
    assumed_units: tuple[str, ...] = ()
    narrative: NarrativeMatch | None = None
    narrative_near: StatedAmount | None = None

    @property
    def narrative_wan(self) -> float | None:
        if self.narrative is None or self.narrative.shared:
            return None
        return self.narrative.amount.wan

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "cell": self.cell,
            "unit_cost": self.unit_cost,
            "quantities": [
                {"indicator": q.indicator, "cell": q.cell, "value": q.value, "unit": q.unit} for q in self.quantities
            ],
            "factors": list(self.factors),
            "amount_wan": self.amount_wan,
            "narrative_wan": self.narrative_wan,
        }


@fast_init
@dataclass(frozen=True)
class Unmatched:
    indicator: str
    cell: str
    row: int
    text: str
    reason: str


@fast_init
@dataclass(frozen=True)
class CostExplanation:
    sheet: str
    name: str
    total: float | None
    total_cell: str
    lines: tuple[CostLine, ...]
    unmatched_costs: tuple[Unmatched, ...]
    unmatched_quantities: tuple[Unmatched, ...]
    narrative: Narrative
    narrative_unmatched: tuple[StatedAmount, ...] = ()
    narrative_subtotals: tuple[NarrativeSubtotal, ...] = ()
    period_note: str = ""
    tolerance: float = ROUNDING_WAN
    total_is_number: bool = True  # 项目总额 is a number cell (a formula may reference it)

    @property
    def explained(self) -> float:
        return _r(sum(line.amount_wan for line in self.lines))

    @property
    def unexplained(self) -> float | None:
        if self.total is None:
            return None
        return _r(self.total - self.explained)

    @property
    def balanced(self) -> bool:
        u = self.unexplained
        return u is not None and abs(u) <= self.tolerance

    def line_at(self, row: int) -> CostLine | None:
        return next((line for line in self.lines if line.row == row), None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "name": self.name,
            "total": self.total,
            "explained": self.explained,
            "unexplained": self.unexplained,
            "lines": [line.as_dict() for line in self.lines],
            "unmatched_costs": [u.indicator for u in self.unmatched_costs],
            "unmatched_quantities": [u.indicator for u in self.unmatched_quantities],
        }


def _r(x: float) -> float:
    """Round away float noise (45.912000000000006 → 45.912); 1e-6万元 is 0.01元."""
    return round(x + 0.0, 6)


# --------------------------------------------------------------------------- sources


class _Source(NamedTuple):
    """A 数量/时效 indicator that can give a cost line its quantities.

    A NamedTuple, like ``_Row``: built for every quantity of every project and never
    compared or hashed, it is made in a fraction of a frozen dataclass's time.
    """

    ind: Indicator
    value: Value
    pairs: tuple[tuple[float, str], ...]
    per: tuple[str, ...]
    level2: str
    name: str = ""  # 三级指标 as shown, worked out once
    units: tuple[str, ...] = ()  # the units of ``pairs``: what matching a cost line looks at


class _Row(NamedTuple):
    """An indicator with the texts and keys the engine asks for, worked out once.

    A NamedTuple (immutable, private to the engine): built for every indicator of every
    project, in a third of a frozen dataclass's time.
    """

    ind: Indicator
    name: str
    value: str
    l1: str
    l2: str


def _rows(project: Project) -> list[_Row]:
    return [
        _Row(
            ind,
            display_text(ind.name.value),
            target_text(ind),
            level1_key(display_text(ind.level1.value)),
            level2_key(display_text(ind.level2.value)),
        )
        for ind in project.indicators
    ]


def _sources(rows: Sequence[Any]) -> list[_Source]:
    out = []
    for row in rows:
        key = row.l2
        if key not in QUANTITY_GROUPS and key not in TIME_GROUPS:
            continue
        ind = row.ind
        v = parse(row.value)  # the target's text (``target_text``): parsed, it is ``target(ind)``
        # A 时效 duration can be a quantity (52天 of work); years and months there are
        # the project's period, which the budget year already accounts for.
        if key in TIME_GROUPS and (v.kind != "duration" or v.comparator is not None or v.unit in _PERIODS):
            continue
        pairs = tuple(v.quantities())  # numbers only: quantities() leaves out a value without one
        if not pairs:
            continue
        per = v.per if v.kind == "rate" else ()
        out.append(_Source(ind, v, pairs, per, key, row.name, tuple(u for _, u in pairs)))
    return out


# --------------------------------------------------------------------------- matching one line


_Fit = tuple[_Source, tuple[str, ...], str]  # a source, the per-units it fills, the note of that fill
_Use = tuple[_Source, tuple[str, ...], str, float]  # a fit and the similarity of its name to the cost's


@lru_cache(maxsize=4096)
def _unit_fits(per: str, unit: str) -> str | None:
    """None when ``unit`` cannot fill ``per``; else the note ("" when exact)."""
    m = match(per, unit)
    return None if m is None else m.note


@lru_cache(maxsize=16384)  # a cost line is tried against every quantity; per-units and units repeat
def _assign(units: tuple[str, ...], pairs: tuple[str, ...]) -> tuple[tuple[str, ...], str] | None:
    """Fill some of ``units`` (a rate's per-units) with every unit of a source's ``pairs`` (all must be used).

    Keyed on units alone (not the numbers), so the memo serves every source with the same units.
    """
    remaining = list(units)
    filled: list[str] = []
    notes: list[str] = []
    for unit in pairs:
        for i, p in enumerate(remaining):
            note = _unit_fits(p, unit)
            if note is not None:
                filled.append(p)
                if note:
                    notes.append(note)
                del remaining[i]
                break
        else:
            return None
    return tuple(filled), "；".join(dict.fromkeys(notes))


def _fits(per: tuple[str, ...], sources: list[_Source]) -> list[_Fit]:
    """The sources whose units can fill some of ``per``, in source order.

    Depends on the per-units alone, not on the cost line: ``explain`` works it out once per
    distinct ``per`` of a project (its lines mostly share one or two, such as /人 or /月/人)
    instead of once per line and source.
    """
    out = []
    for s in sources:
        a = _assign(per, s.units)
        if a is not None:
            out.append((s, a[0], a[1]))
    return out


def _best_option(cost_name: str, per: tuple[str, ...], candidates: list[_Fit]) -> list[_Use]:
    """The sources a cost line uses: the most per-units filled, then the best mean name similarity.

    Returns each with its similarity, which ``_line`` reports, so it is not looked up twice.
    """
    if not candidates:
        return []
    n_per = len(per)
    if n_per == 1:
        # Every option is one fit filling the one per-unit, ranked by the key (1 + score, score)
        # search() would use: that key orders as the score does, so the first best score wins.
        scores = [similarity(cost_name, c[0].name) for c in candidates]
        k = scores.index(max(scores))
        s, units, note = candidates[k]
        return [(s, units, note, scores[k])]
    fits = [(s, units, note, similarity(cost_name, s.name)) for s, units, note in candidates]
    best: list[_Use] = []
    best_key = (-1.0, -1.0)
    chosen: list[_Use] = []

    def search(i: int, left: list[str], total: float) -> None:
        # ``total`` adds the chosen scores in order, as sum() would
        nonlocal best, best_key
        if chosen:
            filled = n_per - len(left)
            mean = total / len(chosen)
            key = (filled + mean, mean)
            if key > best_key:
                best_key = key
                best = list(chosen)
        if not left:
            return  # every fit fills at least one per-unit: nothing more can join
        for j in range(i, len(fits)):
            fit = fits[j]
            units = fit[1]
            if len(units) == 1:
                if units[0] not in left:
                    continue
                rest = list(left)
                rest.remove(units[0])
            else:
                rest = list(left)
                for u in units:
                    if u not in rest:
                        break
                    rest.remove(u)
                else:
                    units = ()
                if units:
                    continue
            chosen.append(fit)
            search(j + 1, rest, total + fit[3])  # noqa: F821 (defined; deleted only after the search, see below)
            chosen.pop()

    search(0, list(per), 0)
    del search  # break the self-reference of the recursive closure (see _subsets)
    return best


def _period(project: Project, rows: Sequence[Any]) -> tuple[float, str]:
    """Years a per-period rate covers: one budget year, said the way the table says it."""
    for row in rows:
        name = row.name
        if "周期" in name and row.l2 in TIME_GROUPS:
            v = parse(row.value)
            if v.kind == "duration" and v.number and v.unit in _PERIODS:
                f = time_factor(v.unit, "年")
                if f is not None and abs(v.number * f - 1) < 1e-9:
                    return 1.0, f"{name}{row.value}"
    year = f"{project.year}年" if project.year else "预算年度"
    return 1.0, f"{year}预算按1年计"


def _period_label(unit: str) -> str:
    return {"月": "个月", "季度": "个季度", "周": "周", "年": "年", "半年": "个半年"}.get(unit, unit)


def _line(
    ind: Indicator,
    name: str,
    v: Value,
    sources: list[_Source],
    years: float,
    period_note: str,
    fits: dict[tuple[str, ...], list[_Fit]],
) -> tuple[CostLine | None, list[_Source], str]:
    """A cost line, the sources it used, or a reason it has none.

    ``name``: the 三级指标 as shown (the row has it); ``fits``: ``_fits`` by per-units, kept
    by the caller for the whole project.
    """
    if v.kind == "quantity":  # a total cost such as "110万元"
        uses: list[QuantityUse] = []
        used: list[_Source] = []
        for s in sources:
            if (
                len(s.pairs) == 1
                and s.pairs[0][0] == 1
                and not is_time_unit(s.pairs[0][1])
                and (score := similarity(name, s.name)) >= 0.8
            ):
                uses.append(_use(s, (), "", score))
                used.append(s)
                break
        amount = _r((v.number or 0.0) / WAN)
        return _make_line(ind, name, v, tuple(uses), ("总额（不是单价）",), 1.0, amount, lump=True), used, ""
    if v.kind == "product":
        money = [f for f in v.factors if f.is_money]
        if len(money) != 1 or v.number is None:
            return None, [], "乘积中应恰好有一个金额"
        others = tuple(_fmt(f) for f in v.factors if f is not money[0])
        return _make_line(ind, name, v, (), others, 1.0, _r(v.number / WAN)), [], ""
    per = v.per
    candidates = fits.get(per)
    if candidates is None:
        candidates = fits[per] = _fits(per, sources)
    chosen = _best_option(name, per, candidates)
    left = list(per)
    uses = []
    for s, units, note, score in chosen:
        for u in units:
            if u in left:  # an earlier source's own per-unit may have covered it already
                left.remove(u)
        uses.append(_use(s, units, note, score))
        for p in s.per:  # "1870人/年" already counts per year: the cost's /年 is covered
            if p in left:
                left.remove(p)
    if not uses and any(p not in _PERIODS for p in left):
        return None, [], "没有找到单位相符的数量指标（" + "、".join(per) + "）"
    factors: list[str] = []
    assumed: list[str] = []
    implied = 1.0
    for p in left:
        if p in _PERIODS:
            f = time_factor("年", p)
            n = (f or 1.0) * years
            implied *= n
            factors.append(f"{format_number(n)}{_period_label(p)}（{period_note}）")
        else:
            base = next((u for q in uses for u in q.fills), "")  # the first per-unit a quantity filled
            assumed.append(p)
            factors.append(f"{p}：未给数量，按每{base}1{p}计" if base else f"{p}：未给数量，按1{p}计")
    for q in uses:
        if q.note:
            factors.append(q.note)
    amount = v.number or 0.0
    for c in chosen:
        for n, _ in c[0].pairs:
            amount *= n
    amount *= implied
    line = _make_line(
        ind,
        name,
        v,
        tuple(uses),
        tuple(dict.fromkeys(factors)),
        implied,
        _r(amount / WAN),
        assumed=tuple(assumed),
    )
    return line, [c[0] for c in chosen], ""


def _fmt(v: Value) -> str:

    return format_value(v)


def _use(s: _Source, units: tuple[str, ...], note: str, score: float) -> QuantityUse:
    n, u = s.pairs[0]  # a product gives one QuantityUse per factor, see _expand
    return QuantityUse(s.name, s.ind.value.cell, s.ind.row, s.level2, n, u, units, note, round(score, 3))


def _make_line(
    ind: Indicator,
    name: str,
    v: Value,
    uses: tuple[QuantityUse, ...],
    factors: tuple[str, ...],
    implied: float,
    amount: float,
    lump: bool = False,
    assumed: tuple[str, ...] = (),
) -> CostLine:
    # positional, in field order (one per cost line of every project): indicator, cell, name_cell,
    # row, unit_cost (the target's text as parsed, ``target_text``), value, quantities, factors,
    # implied, amount_wan, lump_sum, assumed_units
    return CostLine(
        name, ind.value.cell, ind.name.cell, ind.row, v.text, v, uses, factors, implied, amount, lump, assumed
    )


# --------------------------------------------------------------------------- the project


def explain(project: Project, rows: Sequence[Any] | None = None) -> CostExplanation:
    """Every cost line of a project, reconciled with 项目总额 and the narrative.

    ``rows``: the project's indicators with their texts and keys already worked out
    (objects with ``ind``, ``name``, ``value``, ``l1``, ``l2`` as ``_Row`` has them, such as
    the rules' per-project facts), so a check does not work them out twice.
    """
    narrative = scan(project.goal.text)
    if rows is None:
        rows = _rows(project)
    sources = _sources(rows)
    years, period_note = _period(project, rows)
    lines: list[CostLine] = []
    unmatched_costs: list[Unmatched] = []
    used_rows: set[int] = set()
    fits: dict[tuple[str, ...], list[_Fit]] = {}  # by per-units: the same for every line of the project
    for row in rows:
        value = row.value
        if not value or not is_money_cost(row.l1, row.l2):
            continue
        ind = row.ind
        v = parse(value)
        if v.kind == "unparsed":
            unmatched_costs.append(Unmatched(row.name, ind.value.cell, ind.row, value, v.reason))
            continue
        if not (v.is_money or (v.kind == "product" and any(f.is_money for f in v.factors))):
            continue  # a non-money cost indicator (e.g. 社会成本 ≤5%) is not a budget line
        line, used, reason = _line(ind, row.name, v, sources, years, period_note, fits)
        if line is None:
            unmatched_costs.append(Unmatched(row.name, ind.value.cell, ind.row, value, reason))
            continue
        lines.append(_expand(line, used))
        used_rows.update(s.ind.row for s in used)
    unmatched_q = tuple(
        Unmatched(s.name, s.ind.value.cell, s.ind.row, s.value.text, "没有成本指标使用这个数量")
        for s in sources
        if s.level2 in QUANTITY_GROUPS and s.ind.row not in used_rows
    )
    lines, narrative_unmatched = _reconcile_narrative(lines, narrative)
    subtotals = _subtotals(narrative, narrative_unmatched) if narrative_unmatched else []
    if subtotals:
        summed = {id(st.amount) for st in subtotals}
        narrative_unmatched = [a for a in narrative_unmatched if id(a) not in summed]
    total = project.money.headline
    return CostExplanation(
        sheet=project.sheet,
        name=project.name.text,
        total=total.number,
        total_cell=total.cell,
        lines=tuple(lines),
        unmatched_costs=tuple(unmatched_costs),
        unmatched_quantities=unmatched_q,
        narrative=narrative,
        narrative_unmatched=tuple(narrative_unmatched),
        narrative_subtotals=tuple(subtotals),
        period_note=period_note,
        total_is_number=isinstance(total.raw, int | float) and not isinstance(total.raw, bool),
    )


def _evolve(line: CostLine, **changes: Any) -> CostLine:
    """``dataclasses.replace`` for a CostLine (frozen, no __post_init__), without its per-call introspection.

    A 1,000-project check replaces thousands of lines; copying the instance dict is
    several times cheaper and gives an equal object.
    """
    new = object.__new__(CostLine)
    new.__dict__.update(line.__dict__)
    new.__dict__.update(changes)
    return new


def _expand(line: CostLine, used: list[_Source]) -> CostLine:
    """A product quantity (9天*50人) is reported as its factors, each with the same cell."""
    for s in used:
        if len(s.pairs) > 1:
            break
    else:
        return line  # no product among the sources used (the usual case): nothing to expand
    out: list[QuantityUse] = []
    for q in line.quantities:
        src = next((s for s in used if s.ind.row == q.row), None)
        if src is None or len(src.pairs) == 1:
            out.append(q)
            continue
        for n, u in src.pairs:
            out.append(QuantityUse(q.indicator, q.cell, q.row, q.level2, n, u, q.fills, q.note, q.score))
    if len(out) == len(line.quantities):
        return line

    return _evolve(line, quantities=tuple(out))


# --------------------------------------------------------------------------- narrative reconciliation

_MAX_GROUP = 6
_MAX_NODES = 20000
# The most lines whose sets of at most _MAX_GROUP lines all fit in _MAX_NODES nodes (16):
# up to there the search is exhaustive and its result does not depend on how it is made.
_EXHAUSTIVE = max(n for n in range(1, 64) if sum(comb(n, k) for k in range(1, _MAX_GROUP + 1)) <= _MAX_NODES)
_REACH_BITS = 1 << 14  # the widest ``reach`` bitset, in units (2 KB)
_HUGE = 2.0**50  # millionths beyond which a float window is not exact to the unit


def _subsets(target: float, order: Sequence[int], micro: Sequence[int]) -> list[tuple[int, ...]]:
    """The sets of lines whose amounts add up to ``target`` (万元) within the rounding.

    ``order``: line indices, largest amount first; ``micro``: their amounts in integer
    millionths of 万元 (the engine rounds lines to 1e-6, so partial sums are exact), in
    that order.  Called for every stated amount of every narrative; the caller sorts and
    converts the lines once for all of them.

    Sets of at most ``_MAX_GROUP`` lines, in the order a depth-first search by position
    finds them (a set before its extensions), at most 201 of them.  Up to ``_EXHAUSTIVE``
    lines every set of that size fits in ``_MAX_NODES`` nodes, so the result is every
    such set and any search that skips only branches without one gives it: this one
    asks, before each step, whether the lines left can still reach the window at all —
    a bitset of every sum they make (``reach``), in units of the amounts' common divisor
    (0.01万元 for most tables), built once per call.  Most stated amounts are no sum of
    the related lines, and that is then known from one test instead of a search of
    hundreds of nodes (95 → 6 µs for 14 lines).  More lines than ``_EXHAUSTIVE``: the
    same test rejects what no set reaches, the rest goes to ``_search`` as before.
    """
    n = len(order)
    hi_m = (target + ROUNDING_WAN) * 1e6
    lo_m = (target - ROUNDING_WAN) * 1e6
    if n <= 1:  # what the search finds for one line, without setting it up
        return [(order[0],)] if n and micro[0] > 0 and lo_m <= micro[0] <= hi_m else []
    p = n  # the lines that can join a set: amounts above 0, which come first (largest first)
    while p and micro[p - 1] <= 0:
        p -= 1
    if p <= 1:
        return [(order[0],)] if p and lo_m <= micro[0] <= hi_m else []
    if not -_HUGE < hi_m < _HUGE:
        return _search(target, order, micro)  # too large for the window to be exact (or not a number)
    amounts = micro[:p] if p < n else micro
    total = sum(amounts)
    if total < lo_m or amounts[-1] > hi_m:
        return []  # all of them are too little, or the smallest alone is too much
    unit = gcd(*amounts)
    slack = 0  # how much the amounts' remainders below the unit can add (0 with the common divisor)
    if total > unit * _REACH_BITS:  # too fine a divisor for a small bitset: a coarser unit, with slack
        unit = -(-total // _REACH_BITS)
        slack = sum(m % unit for m in amounts)
    units = [m // unit for m in amounts]
    least = 1 if units[-1] else 0  # the fewest units one more line adds
    lo_i = ceil(lo_m)  # the window in whole millionths: the same integer sums fall in it
    hi_i = floor(hi_m)
    reach = [0] * (p + 1)  # reach[j]: bit k set when lines j… make k units (with the empty set's 0)
    bits = reach[p] = 1
    for j in range(p - 1, -1, -1):
        bits = reach[j] = bits | (bits << units[j])
    wl = max(-((slack - lo_i) // unit), least)
    wh = hi_i // unit
    if wh < wl or not (reach[0] >> wl) & ((1 << (wh - wl + 1)) - 1):
        return []  # no set of any size reaches the window
    if n > _EXHAUSTIVE:
        return _search(target, order, micro)
    out: list[tuple[int, ...]] = []
    chosen: list[int] = []

    def dfs(i: int, acc: int, room: int) -> bool:
        """Extend ``chosen`` (summing ``acc``) by up to ``room`` lines from ``i`` on; False when 201 sets are found."""
        low = max(-((acc + slack - lo_i) // unit), least)  # the units more lines must add, at least and at most
        high = (hi_i - acc) // unit
        if high < low:
            return True
        mask = (1 << (high - low + 1)) - 1
        for j in range(i, p):
            s = acc + amounts[j]
            if s > hi_i:
                continue  # this line is too much; the next ones are smaller
            if not (reach[j] >> low) & mask:
                return True  # no set of the lines from j on reaches the window
            chosen.append(j)
            if s >= lo_i:
                out.append(tuple([order[k] for k in chosen]))
                if len(out) > 200:
                    return False
            if room > 1 and j + 1 < p and not dfs(j + 1, s, room - 1):  # noqa: F821 (deleted after the search)
                return False
            chosen.pop()
        return True

    dfs(0, 0, _MAX_GROUP)
    del dfs  # the closure refers to itself: without this the cycle (and all it holds) waits for the GC
    return out


def _search(target: float, order: Sequence[int], micro: Sequence[int]) -> list[tuple[int, ...]]:
    """``_subsets`` for more lines than ``_EXHAUSTIVE``: a search within ``_MAX_NODES`` nodes.

    The search ``_subsets`` has always made, kept as it was: which sets it finds when
    its budget runs out depends on the order it visits them in and on its dead-end memo,
    so the lines this many are still searched exactly this way.
    """
    n = len(order)
    hi_m = (target + ROUNDING_WAN) * 1e6
    lo_m = (target - ROUNDING_WAN) * 1e6
    if n <= 1:  # what the search finds for one line, without setting it up
        return [(order[0],)] if n and micro[0] > 0 and lo_m <= micro[0] <= hi_m else []
    suffix = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + max(micro[i], 0)
    if suffix[0] < lo_m or micro[-1] > hi_m:
        return []  # all of them are too little, or the smallest alone is too much
    out: list[tuple[int, ...]] = []
    nodes = 0
    dead: set[tuple[int, int, int]] = set()  # (start, partial sum, size) known to lead nowhere
    chosen: list[int] = []
    smallest = min((m for m in micro if m > 0), default=0)

    def dfs(i: int, acc: int, depth: int) -> bool:
        """Extend ``chosen`` (``depth`` lines, summing ``acc``) by lines from ``i`` on; True when any fits.

        A set is recorded when it is chosen and descended into only when one more line
        could still fit, so most sets cost no call of their own.
        """
        nonlocal nodes
        found = False
        for j in range(i, n):
            a = micro[j]
            s = acc + a
            if s > hi_m or a <= 0:
                continue
            if acc + suffix[j] < lo_m:
                break
            key = (j + 1, s, depth + 1)
            if key in dead:
                continue
            nodes += 1
            if nodes > _MAX_NODES or len(out) > 200:
                return True  # budget spent: do not mark anything dead
            chosen.append(j)
            hit = lo_m <= s <= hi_m
            if hit:
                out.append(tuple(order[k] for k in chosen))
            if (
                depth + 1 < _MAX_GROUP
                and j + 1 < n
                and s + smallest <= hi_m
                and s + suffix[j + 1] >= lo_m
                and dfs(j + 1, s, depth + 1)  # noqa: F821 (defined; deleted only after the search)
            ):
                hit = True
            chosen.pop()
            if hit:
                found = True
            else:
                dead.add(key)
        return found

    dfs(0, 0, 0)
    del dfs  # the closure refers to itself: without this the cycle (and all it holds) waits for the GC
    return out


_SUBTOTAL_WORD = re.compile(r"[共计]")  # 共, 共计, 合计, 小计, 总计 just before the number
_SUBTOTAL_MAX_PARTS = 6


def _subtotals(n: Narrative, unmatched: list[StatedAmount]) -> list[NarrativeSubtotal]:
    """Unmatched stated amounts that add up the two or more amounts stated just before them.

    “…首付款70.2万元及…入库费35.1万元共105.3万元” states 105.3 as the sum of two lines
    already matched; reported as money no line explains, it would send the user looking
    for a cost that is not there (and 填充指标 would derive a cost row from it).  Only an
    amount introduced by 共/计 counts, so that a separate cost which happens to equal
    the sum of its neighbours is still reported.
    """
    order = sorted((a for a in n.amounts if not a.is_total and not a.in_formula), key=lambda a: a.span)
    out = []
    for a in unmatched:
        if a.in_formula or not _SUBTOTAL_WORD.search(n.text, max(0, a.span[0] - 2), a.span[0]):
            continue
        i = next((k for k, b in enumerate(order) if b is a), None)
        if i is None:
            continue
        for k in range(2, min(_SUBTOTAL_MAX_PARTS, i) + 1):
            parts = order[i - k : i]
            if abs(sum(p.wan for p in parts) - a.wan) <= ROUNDING_WAN * k:
                out.append(NarrativeSubtotal(a, tuple(parts)))
                break
    return out


_NEAR_MIN = 0.25
_NEAR_MARGIN = 0.05


def _near_misses(
    lines: list[CostLine], matches: dict[int, NarrativeMatch], unmatched: list[StatedAmount]
) -> dict[int, StatedAmount]:
    """Unmatched line ↔ unmatched stated amount pairs whose words clearly belong together.

    Mutual best match, above a floor and ahead of the runner-up: a stated amount that
    names this line but gives another number is the likely mistake to show the user.
    """
    free = [i for i in range(len(lines)) if i not in matches]
    if not free or not unmatched:
        return {}
    sims = {(i, k): similarity(a.context, lines[i].indicator) for i in free for k, a in enumerate(unmatched)}
    out: dict[int, StatedAmount] = {}
    for k, a in enumerate(unmatched):
        ranked = sorted(free, key=lambda i: -sims[(i, k)])
        best = ranked[0]
        runner = sims[(ranked[1], k)] if len(ranked) > 1 else 0.0
        if sims[(best, k)] < _NEAR_MIN or sims[(best, k)] < runner + _NEAR_MARGIN:
            continue
        if max(range(len(unmatched)), key=lambda kk: sims[(best, kk)]) == k:
            out[best] = a
    return out


def _candidates(
    amounts: list[StatedAmount],
    lines: list[CostLine],
    amount_idx: Sequence[int],
    line_idx: Sequence[int],
    related_only: bool,
) -> list[tuple[float, int, tuple[int, ...]]]:
    """(score, amount, line indices) for every line set whose amounts add up to a stated amount."""
    out: list[tuple[float, int, tuple[int, ...]]] = []
    wan = [line.amount_wan for line in lines]
    names = [line.indicator for line in lines]
    idx = list(line_idx)
    by_size = sorted(idx, key=wan.__getitem__, reverse=True)  # stable: ties keep line order
    micro = [round(w * 1e6) for w in wan]
    all_micro = [micro[i] for i in by_size]
    # What a sentence is compared with, looked up once.  Its similarity to a line is worked out
    # from the grams (grams_similarity), not looked up by pair: a narrative's sentences are
    # new text in each table, so the pair memo would miss on all of them (~1 us each) and
    # push out the pairs that do come back (a cost line and its quantities, see _best_option).
    grams = [name_grams(name) for name in names]
    size_grams = [grams[i] for i in by_size]
    for ai in amount_idx:
        a = amounts[ai]
        context = a.context
        target = a.wan
        if related_only:
            # the lines sharing words with the sentence (similarity above 0), largest first;
            # the similarity itself is worked out below, for the lines of a set found
            related = related_to(context, size_grams)
            subsets = set(_subsets(target, list(compress(by_size, related)), list(compress(all_micro, related))))
            subsets |= {(i,) for i in idx if abs(wan[i] - target) <= ROUNDING_WAN}
        else:
            subsets = set(_subsets(target, by_size, all_micro))
        if not subsets:
            continue
        said = name_grams(context)
        for subset in subsets:
            if len(subset) == 1:  # the usual case; the same number as the formula below
                out.append((grams_similarity(said, grams[subset[0]]), ai, subset))
                continue
            score = sum(grams_similarity(said, grams[i]) for i in subset) / len(subset) - 0.02 * (len(subset) - 1)
            out.append((score, ai, tuple(sorted(subset))))
    return out


def _reconcile_narrative(lines: list[CostLine], n: Narrative) -> tuple[list[CostLine], list[StatedAmount]]:
    """Pair stated amounts with the line (or group of lines) they state, best names first."""

    amounts = n.line_amounts
    used_a: set[int] = set()
    used_l: set[int] = set()
    matches: dict[int, NarrativeMatch] = {}

    def assign(cands: list[tuple[float, int, tuple[int, ...]]]) -> None:
        cands.sort(key=lambda c: (-c[0], len(c[2]), c[1]))
        for _, ai, subset in cands:
            if ai in used_a or any(i in used_l for i in subset):
                continue
            # the same sentence twice ("数字化费176万元 … 需经费176万元") matches once
            used_a.add(ai)
            used_l.update(subset)
            rows = tuple(sorted(lines[i].row for i in subset))
            for i in subset:
                matches[i] = NarrativeMatch(amounts[ai], rows)

    # Pass 1: single lines, and groups of lines that share words with the sentence.
    # Pass 2: what is left, any group of the lines left (few by then, so the search is small).
    assign(_candidates(amounts, lines, range(len(amounts)), range(len(lines)), related_only=True))
    free_a = [ai for ai in range(len(amounts)) if ai not in used_a]
    free_l = [i for i in range(len(lines)) if i not in used_l]
    if free_a and free_l:
        assign(_candidates(amounts, lines, free_a, free_l, related_only=False))
    matched_values = {(m.amount.wan, m.rows) for m in matches.values()}
    unmatched = [
        a
        for ai, a in enumerate(amounts)
        if ai not in used_a and not any(abs(a.wan - w) <= ROUNDING_WAN for w, _ in matched_values)
    ]
    if (
        len(lines) == 1
        and not matches
        and n.total is not None
        and abs(n.total.wan - lines[0].amount_wan) <= ROUNDING_WAN
    ):
        matches[0] = NarrativeMatch(n.total, (lines[0].row,))  # a one-line project: the total is the line
    near = _near_misses(lines, matches, unmatched)
    out = [
        line
        if i not in matches and i not in near
        else _evolve(line, narrative=matches.get(i), narrative_near=near.get(i))
        for i, line in enumerate(lines)
    ]
    return out, unmatched
