"""Standards rules: 成本指标 held against the expenditure standards in use (``xladdin.standards``).

The first thing a reviewer of 成本指标 asks is whether a unit cost is within the
applicable standard.  The figures are not all certain (the 宁夏 ones were not found;
some central ones are read from secondary sources), and the class of a training or the
title of an expert is often not stated, so every finding here is a warning that quotes
the line it used, its document and how sure that figure is.  When the class or title is
not stated, a row is compared with the most generous line of its kind: it is only said
to be over a standard it is over whatever its class.

These are workbook rules for one reason: the standards in use may come from a sheet of
the workbook (read by whichever part of a parallel check holds it) or from the command
line, and only the process that holds every part sees both.  The facts of each table
(its cost rows recognised as a kind of expense) are gathered where the table is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any, NamedTuple

from xladdin.conventions import STANDARDS_SHEET
from xladdin.model import Finding
from xladdin.rules import Context, Rule, Workbook, per_workbook, rule
from xladdin.rules.facts import money_rates
from xladdin.rules.wording import short
from xladdin.standards import Line, Table, applicable, classify, in_effect, layers, per_units
from xladdin.values import format_number

_VENUE = ("场地", "会场", "会议室", "场租")


class CostFact(NamedTuple):
    """A money 成本指标 recognised as an expense some standard covers (NamedTuple: sent back by workers)."""

    row: int
    name: str
    cell: str
    text: str  # the 指标值 as written
    price: float  # 元
    per: frozenset[str]
    category: str
    item: str
    days: tuple[tuple[float, str], ...] = ()  # the day quantities the cost engine multiplied it by (n, cell)


class StandardFacts(NamedTuple):
    costs: tuple[CostFact, ...]
    venues: tuple[tuple[str, str, str], ...]  # money cost rows for a venue: (name, cell, value)


@lru_cache(maxsize=1024)
def _per(per: tuple[str, ...]) -> frozenset[str]:
    return per_units("元/" + "/".join(per))


_classify = lru_cache(maxsize=16384)(classify)  # a workbook names the same expenses in table after table


def standard_facts(ctx: Context) -> StandardFacts:
    costs: list[CostFact] = []
    venues: list[tuple[str, str, str]] = []
    for x, v in money_rates(ctx):
        per = _per(v.per)
        kind = _classify(x.bare, per)
        if kind is None:
            if any(w in x.bare for w in _VENUE):
                venues.append((x.bare, x.ind.value.cell, x.value))
            continue
        days: tuple[tuple[float, str], ...] = ()
        if kind[0] == "专家咨询费":
            line = ctx.costs.line_at(x.row)
            if line is not None:
                days = tuple((q.value, q.cell) for q in line.quantities if q.unit == "天")
        costs.append(CostFact(x.row, x.bare, x.ind.value.cell, x.value, v.number, per, kind[0], kind[1], days))
    return StandardFacts(tuple(costs), tuple(venues))


@per_workbook
def lines_in_use(wb: Workbook) -> list[Line]:
    return in_effect(layers(wb.sheets_of(Table)))


@per_workbook
def _applicable_memo(wb: Workbook) -> dict[tuple[str, str, frozenset[str], str], tuple[list[Line], bool]]:
    return {}


def lines_for(wb: Workbook, c: CostFact) -> tuple[list[Line], bool]:
    """``standards.applicable`` for a cost row, once per kind of row in a workbook (rows repeat from table to table)."""
    memo = _applicable_memo(wb)
    key = (c.category, c.item, c.per, c.name)
    found = memo.get(key)
    if found is None:
        found = memo[key] = applicable(lines_in_use(wb), c.category, c.item, c.per, c.name)
    return found


def _rows(wb: Workbook) -> Iterator[tuple[Any, StandardFacts]]:
    return iter(wb.facts(standard_facts))


def _finding(r: Rule, p: Any, cell: str, message: str, expected: Any = None, actual: Any = None) -> Finding:
    return Finding(r.code, r.severity, p.sheet, cell, message, expected, actual)


def _money(x: float) -> str:
    return format_number(round(x, 2))


@rule(
    "STD001",
    "over-standard",
    "warning",
    "成本指标的单价高于适用的支出标准（培训费、会议费、差旅费、讲课费、专家咨询费）",
    scope="workbook",
    collect=standard_facts,
)
def over_standard(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for p, facts in _rows(wb):
        for c in facts.costs:
            cands, stated = lines_for(wb, c)
            if not cands:
                continue
            top = max(cands, key=lambda ln: ln.limit)
            if c.price <= top.limit + 1e-9:
                continue
            if stated or len({ln.limit for ln in cands}) == 1:
                basis = f"适用的标准是{top.quote()}。"
            else:
                basis = (
                    f"表中没有写明{_scope_word(top)}，已按其中最高的一条比较：{top.quote()}；"
                    f"其他各条更低（{'、'.join(_short_line(ln) for ln in cands if ln is not top)}）。"
                )
            yield _finding(
                r,
                p,
                c.cell,
                f"成本指标「{short(c.name)}」的单价{c.text}（{c.cell}）高于支出标准：{basis}"
                f"超出{_money(c.price - top.limit)}元。请核对是否有更高标准的依据（本地文件、特殊批准），或按标准调整单价。"
                "本单位的标准可写在“xladdin支出标准”表中，或用 --standards 指定。",
                expected=f"≤{format_number(top.limit)}{top.unit}",
                actual=c.text,
            )


def _scope_word(line: Line) -> str:
    if line.klass:
        return "培训或会议的类别"
    if line.title:
        return "职称"
    if line.level:
        return "人员级别"
    return "适用范围"


def _short_line(line: Line) -> str:
    return f"{line.scope or line.item}{format_number(line.limit)}元"


@rule(
    "STD002",
    "venue-on-top-of-quota",
    "warning",
    "综合定额已包含场地费时，不应在定额之外另列场地费",
    scope="workbook",
    collect=standard_facts,
)
def venue_on_top(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for p, facts in _rows(wb):
        if not facts.venues:
            continue
        for c in facts.costs:
            if c.item != "综合定额":
                continue
            cands, _ = lines_for(wb, c)
            covering = [ln for ln in cands if ln.includes_venue()]
            if not cands or len(covering) != len(cands):
                continue  # some applicable line leaves the venue out: the venue may well be separate
            line = max(covering, key=lambda ln: ln.limit)
            for name, cell, value in facts.venues:
                yield _finding(
                    r,
                    p,
                    cell,
                    f"成本指标「{short(name)}」{value}（{cell}）在{c.category}综合定额「{short(c.name)}」"
                    f"{c.text}（{c.cell}）之外另列了场地费，而综合定额已包含{'、'.join(line.includes)}：{line.quote()}。"
                    f"请核对场地费是否重复计算。若本地的{c.category}综合定额不含场地费，请在“xladdin支出标准”表中"
                    "写上本地的这一行（“包含”一栏不写场地费），此提醒即不再出现。",
                    expected="场地费含在综合定额内",
                    actual=value,
                )
            break  # one quota row is enough to ask the question


@rule(
    "STD003",
    "flat-expert-fee",
    "warning",
    "专家咨询费按天计、第三天起减半：多天按同一日标准计算时提醒核对",
    scope="workbook",
    collect=standard_facts,
)
def flat_expert_fee(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for p, facts in _rows(wb):
        for c in facts.costs:
            if c.category != "专家咨询费" or not c.days:
                continue
            days, day_cell = max(c.days)
            if days <= 2:
                continue
            cands, _ = lines_for(wb, c)
            halved = [ln for ln in cands if ln.day3 is not None]
            if not halved or c.price <= min(ln.day3 or 0 for ln in halved) + 1e-9:
                continue  # within every line's ceiling from the third day: the halving cannot matter
            below = [ln for ln in halved if c.price > (ln.day3 or 0) + 1e-9]
            ref = halved[0]
            caps = "；".join(
                f"{ln.title or ln.scope}第一、二天≤{format_number(ln.limit)}元、第三天起≤{format_number(ln.day3 or 0)}元"
                for ln in halved
            )
            over = "、".join(ln.title or ln.scope for ln in below)
            yield _finding(
                r,
                p,
                c.cell,
                f"成本指标「{short(c.name)}」{c.text}（{c.cell}）按{format_number(days)}天（{day_cell}）每天同一标准计算，"
                f"而专家咨询费按天计、第三天起减半（{ref.source}，适用于{ref.jurisdiction}；可信度{ref.confidence}）：{caps}。"
                f"{format_number(c.price)}元高于{over}第三天起的上限。请核对天数、专家职称和单价，"
                "或写明所依据的本地标准。",
                expected=f"第三天起≤{format_number(max(ln.day3 or 0 for ln in halved))}元/人/天",
                actual=c.text,
            )


def _problems(wb: Workbook) -> Iterator[tuple[Table, str, str]]:
    for t in wb.sheets_of(Table):
        for cell, message in t.problems:
            yield t, cell, message


@rule(
    "STD004",
    "standards-sheet",
    "warning",
    "工作簿中的“xladdin支出标准”表有读不懂的行（这些行未使用）",
    scope="workbook",
)
def standards_sheet(wb: Workbook, r: Rule) -> Iterator[Finding]:
    for _, cell, message in _problems(wb):
        yield Finding(r.code, r.severity, STANDARDS_SHEET, cell if cell[:1].isalpha() else "A1", message)
