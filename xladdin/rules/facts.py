"""Per-project facts every rule family reads, computed once per check of a project.

A rule set of 35 rules over a 1,000-project workbook reads each indicator's texts and
keys tens of times; computing them here once keeps a check within a few times the cost
of reading the file (see bench/bench_check.py).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from xladdin.framework import (
    FRAMEWORK_OLD,
    LEVEL1_LABELS,
    is_cost,
    is_money_cost,
    level1_key,
    level2_key,
    level2_parent,
    old_input,
    resolve_levels,
)
from xladdin.model import Indicator, display_text
from xladdin.rules import Context, per_project
from xladdin.rules.wording import bare_name, name_key
from xladdin.target import name_may_carry_unit, target_text

bare = lru_cache(maxsize=65536)(bare_name)
key_of = lru_cache(maxsize=65536)(name_key)


class Row(NamedTuple):
    """One indicator row with its texts and keys worked out.

    A NamedTuple rather than a frozen dataclass: as immutable, and built in a third of
    the time (a check of 1,000 projects builds tens of thousands).
    """

    ind: Indicator
    row: int
    name: str  # 三级指标 as shown
    bare: str  # without "指标3："
    key: str  # for comparisons (no numbering, spaces, punctuation)
    value: str  # the target as shown: the 指标值 cell (with its comparator and unit columns, ``target_text``)
    level1: str  # 一级 as shown
    level2: str  # 二级 as shown
    l1: str  # 一级 key ("产出"); an empty 一级 takes the one its 二级 belongs to (``framework.resolve_levels``)
    l2: str  # 二级 key ("数量")
    empty: bool  # neither name nor value
    cost: bool  # a 成本指标 row (classic 二级 or 2021 一级): ``framework.is_cost``


@per_project
def rows(ctx: Context) -> list[Row]:
    """Every indicator row of the project, in sheet order."""
    out = []
    columns = ctx.project.columns
    in_cell = "comparator" not in columns and "unit" not in columns  # the whole target in the 指标值 cell
    old = False  # an old form's 一级 投入: its 时效/成本 rows belong there, not to 产出
    # The rows of a group share its 一级/二级 Field (layout reads a merged block once): their texts
    # and keys are worked out once per group, not once per row.
    f1: Any = None
    f2: Any = None
    level1 = level2 = k1 = k2 = ""
    for ind in ctx.project.indicators:
        name = display_text(ind.name.value)
        value = display_text(ind.value.value) if in_cell and not name_may_carry_unit(name) else target_text(ind)
        if ind.level1 is not f1:
            f1 = ind.level1
            level1 = display_text(f1.value)
            k1 = level1_key(level1)
        if ind.level2 is not f2:
            f2 = ind.level2
            level2 = display_text(f2.value)
            k2 = level2_key(level2)
        l1, l2 = k1, k2
        if l1 not in LEVEL1_LABELS:  # left empty, or a 二级 name written over both columns
            l1, l2 = resolve_levels(l1, l2)
            old = old or old_input(l1, l2)
        # positional, in field order: a NamedTuple built from keywords takes 2.4× as long
        out.append(
            Row(
                ind,
                ind.row,
                name,
                bare(name),
                key_of(name),
                value,
                level1,
                level2,
                l1,
                l2,
                name == "" and value == "",  # empty
                is_cost(l1, l2),  # cost
            )
        )
    if old:
        out = [_in_old_form(r) for r in out]
    return out


def _in_old_form(r: Row) -> Row:
    """A row whose 一级 was left empty, placed by its 二级 in the old framework (成本目标 → 投入)."""
    if r.level1.strip():
        return r
    parent = level2_parent(r.l2, FRAMEWORK_OLD) if r.l2 else None
    if parent is None or parent == r.l1:
        return r
    return r._replace(l1=parent, cost=is_cost(parent, r.l2))


@per_project
def filled(ctx: Context) -> list[Row]:
    """Rows with a name or a value."""
    return [r for r in rows(ctx) if not r.empty]


@per_project
def valued(ctx: Context) -> list[Row]:
    """Rows that carry a 指标值, the ones value rules judge."""
    return [r for r in rows(ctx) if r.value != ""]


@per_project
def money_rates(ctx: Context) -> list[tuple[Row, Any]]:
    """The budget-line 成本指标 written as a money rate (1.2万元/月/人, 570元/人/天), with their parsed
    values: the unit prices several rule families compare (with a standard, between tables)."""
    values = ctx.values
    out = []
    for x in valued(ctx):
        if x.cost and is_money_cost(x.l1, x.l2):
            v = values[x.row]
            if v.kind == "rate" and v.number and v.per and v.is_money:
                out.append((x, v))
    return out
