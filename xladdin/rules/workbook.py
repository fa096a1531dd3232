"""Workbook rules: what only shows when the tables of one department are read together.

A reviewer reads a department's workbook as a whole.  A table whose every date is last
year's says nothing wrong about itself (its own year is consistent); next to five
tables of this year it is a leftover, pasted in and never updated.  A price that is
fine in one table is a question when the next table pays another price for the same
thing.  Each table's facts are gathered where it is read (``collect``), so these rules
see every table of a parallel check at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from xladdin.model import Finding
from xladdin.rules import Context, Rule, Workbook, per_workbook, rule
from xladdin.rules.facts import money_rates, valued
from xladdin.rules.wording import short
from xladdin.similarity import item_key
from xladdin.summary import SummaryTable


class YearFacts(NamedTuple):
    """Every place a table states its year (a NamedTuple: cheap to build and to send back from a worker)."""

    year: int | None
    year_cell: str
    title: str
    title_cell: str
    goal_cell: str
    narrative_years: tuple[int, ...]  # each four-digit year the 年度总体绩效目标 mentions
    dates: tuple[tuple[str, str, int], ...]  # 时效 dates: (cell, text, year)


def year_facts(ctx: Context) -> YearFacts:
    p = ctx.project
    values = ctx.values
    dates = []
    for x in valued(ctx):
        if x.l2 == "时效":
            v = values[x.row]
            if v.kind == "date" and v.year is not None:
                dates.append((x.ind.value.cell, x.value, v.year))
    years = tuple(y for y, _ in ctx.costs.narrative.years)
    return YearFacts(p.year, p.year_cell, p.title.text, p.title.cell, p.goal.cell, years, tuple(dates))


@per_workbook
def workbook_year(wb: Workbook) -> tuple[int, str] | None:
    """The workbook's budget year and what says so: the summary's title, else most of its tables.

    Only when the tables are of more than one year; the summary's title decides only for a
    year some table has (a typo in the title must not make every table stale).
    """
    years = Counter(f.year for _, f in wb.facts(year_facts) if f.year is not None)
    if len(years) < 2:
        return None  # one year throughout (or none): nothing is older than the rest
    for s in wb.sheets_of(SummaryTable):
        if s.year is not None and s.year in years:
            return s.year, f"{s.sheet}的标题（{s.title_cell}）写的是{s.year}年"
    top = max(years.values())
    year = max(y for y, n in years.items() if n == top)
    return year, f"本工作簿中{years[year]}张表是{year}年的"


@rule(
    "WB001",
    "stale-table",
    "error",
    "工作簿中某张表的预算年度早于整个工作簿的年度（上年的表格整张粘贴进来未更新）",
    scope="workbook",
    collect=year_facts,
)
def stale_table(wb: Workbook, r: Rule) -> Iterator[Finding]:
    found = workbook_year(wb)
    if found is None:
        return
    year, why = found
    for p, f in wb.facts(year_facts):
        if f.year is None or f.year >= year:
            continue
        stale = [f"预算年度“{f.year}年”（{f.year_cell}）"]
        if f.title_cell != f.year_cell and str(f.year) in f.title:
            stale.insert(0, f"标题“{short(f.title, 40)}”（{f.title_cell}）")
        old = sum(1 for y in f.narrative_years if y == f.year)
        if old:
            also = "" if year in f.narrative_years else f"，没有提到{year}年"
            stale.append(f"年度总体绩效目标（{f.goal_cell}）{old}处写{f.year}年{also}")
        dates = [f"“{text}”（{cell}）" for cell, text, y in f.dates if y <= f.year]
        if dates:
            stale.append("时效指标" + "、".join(dates[:4]) + ("等" if len(dates) > 4 else ""))
        yield Finding(
            r.code,
            r.severity,
            p.sheet,
            f.year_cell,
            f"这张表是{f.year}年的：{'；'.join(stale)}。而{why}，这张表可能是上年的表格整张粘贴进来、没有按{year}年更新。"
            f"请按{year}年重新填写标题、年度、年度总体绩效目标和时效指标（金额和数量也请按{year}年核对）。",
            expected=f"{year}年",
            actual=f"{f.year}年",
        )


# --------------------------------------------------------------------------- the same expense, two prices


class Price(NamedTuple):
    key: str  # ``similarity.item_key`` of the name
    unit: str  # 元/人/天 (per-units in a fixed order)
    price: float  # 元, rounded to 1e-6 so that one price written two ways compares equal
    name: str
    cell: str
    text: str


def price_facts(ctx: Context) -> tuple[Price, ...]:
    out = []
    for x, v in money_rates(ctx):
        key = item_key(x.bare)
        if key:
            out.append(Price(key, _unit(v.per), round(v.number, 6), x.bare, x.ind.value.cell, x.value))
    return tuple(out)


@lru_cache(maxsize=1024)
def _unit(per: tuple[str, ...]) -> str:
    return "元/" + "/".join(sorted(per))


@rule(
    "WB002",
    "price-differs",
    "warning",
    "同一项支出（名称和单位相同）在本工作簿不同项目中的单价不同",
    scope="workbook",
    collect=price_facts,
)
def price_differs(wb: Workbook, r: Rule) -> Iterator[Finding]:
    """Linear in the rows: rows grouped by expense and unit; the price most tables pay is the
    reference, and every row at another price gets one warning naming a table that pays it.

    It runs after every part of a parallel check is in, in one process, over every cost row of
    the workbook (thousands in a large one): rows are grouped by their ``Price`` tuple's first
    two fields and the table to name is found once per group, not once per row."""
    groups: dict[tuple[str, str], list[tuple[int, Any, Price]]] = {}
    for i, (p, prices) in enumerate(wb.facts(price_facts)):
        for x in prices:
            key = x[:2]  # (key, unit)
            members = groups.get(key)
            if members is None:
                groups[key] = [(i, p, x)]
            else:
                members.append((i, p, x))
    for members in groups.values():
        if len(members) < 2:
            continue
        first = members[0]
        if all(m[0] == first[0] for m in members) or all(m[2].price == first[2].price for m in members):
            continue  # one table, or one price
        tables: dict[float, list[int]] = {}
        for i, _, x in members:
            held = tables.setdefault(x.price, [])
            if not held or held[-1] != i:  # a table's rows come together
                held.append(i)
        ref = max(tables, key=lambda k: (len(tables[k]), -tables[k][0]))  # most tables; ties: the first table's
        holders = [m for m in members if m[2].price == ref]
        more = len(tables[ref]) - 1
        also = f"，另有{more}个项目也是这个单价" if more else ""
        # the table to name: the first that pays the reference price, or (for a row of that very
        # table) the first other one; none when only this table pays it
        named = holders[0]
        other = next((m for m in holders if m[0] != named[0]), None)
        said: dict[int, tuple[str, str]] = {}
        for i, p, x in members:
            if x.price == ref:
                continue
            h = named if named[0] != i else other
            if h is None:
                continue
            where = said.get(h[0])
            if where is None:
                q, y = h[1], h[2]
                where = said[h[0]] = (f"在“{q.sheet}”表「{short(y.name)}」是{y.text}（{y.cell}）{also}。", y.text)
            yield Finding(
                r.code,
                r.severity,
                p.sheet,
                x.cell,
                f"成本指标「{short(x.name)}」在本表是{x.text}（{x.cell}），{where[0]}"
                "同一部门不同项目中的同一项支出，单价一般应相同；若有不同的依据（地区、标准、规格不同），请在名称中写明，否则请统一单价。",
                expected=where[1],
                actual=x.text,
            )
