"""Time rules: 时效 targets belong to the budget year (the year of the table's title).

An annual table states what is done in its budget year (预算法 第十八条: 1月1日–12月31日).
A date in an earlier year is an error: nothing can still be done in a year that is over,
and it is the typical leftover of last year's table.  A later year is a warning: the
project may genuinely run longer (a three-year contract), but the annual target should
then say what is done this year.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from xladdin.model import Finding, Indicator
from xladdin.rules import Context, Rule, rule, text_fix
from xladdin.rules.facts import rows, valued
from xladdin.rules.wording import indicator_label
from xladdin.values import Value


def _dates(ctx: Context) -> Iterator[tuple[Indicator, Value, str]]:
    """(indicator, its date target, the target as shown) of every 时效 date."""
    values = ctx.values
    for x in valued(ctx):
        v = values[x.row]
        if v.kind == "date" and v.year is not None:
            yield x.ind, v, x.value


@rule("TIME001", "date-before-year", "error", "时效日期早于预算年度（多为沿用上年表格未改）", fix="unsafe")
def date_before_year(ctx: Context, r: Rule) -> Iterator[Finding]:
    year = ctx.project.year
    if year is None:
        return
    for ind, v, shown in _dates(ctx):
        if v.year is not None and v.year < year:
            fixed = shown.replace(str(v.year), str(year), 1)
            in_cell = isinstance(ind.value.value, str) and str(v.year) in ind.value.value
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}写的是“{shown}”，早于本表的预算年度{year}年，可能是沿用了上年的表格。"
                f"年度目标应在{year}年内完成，如“{fixed}”。",
                expected=fixed,
                actual=shown,
                # likely, not certain (the date may be a real one): an unsafe fix, applied only when asked;
                # only where the cell itself holds the year (not an Excel day number shown as a date)
                fix=text_fix(ind.value, ind.value.text.replace(str(v.year), str(year), 1), safe=False)
                if in_cell
                else None,
            )


@rule("TIME002", "date-after-year", "warning", "时效日期晚于预算年度（年度目标应写明本年度的完成时间）")
def date_after_year(ctx: Context, r: Rule) -> Iterator[Finding]:
    year = ctx.project.year
    if year is None:
        return
    for ind, v, shown in _dates(ctx):
        if v.year is not None and v.year > year:
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}写的是“{shown}”，晚于本表的预算年度{year}年。"
                f"年度绩效目标应写{year}年内要完成的时间节点；若项目本身跨年（如合同期），请写明{year}年应完成到哪一步。",
                expected=f"{year}年内的时间",
                actual=shown,
            )


@rule("TIME003", "deadline-missing", "warning", "时效指标应写明完成时限或时长（如“2026年12月前”“≤1小时”）")
def deadline_missing(ctx: Context, r: Rule) -> Iterator[Finding]:
    year = ctx.project.year or "本"
    for x in valued(ctx):
        if x.l2 != "时效":
            continue
        ind = x.ind
        v = ctx.values[ind.row]
        if v.kind == "qualitative":
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值是“{x.value}”，没有时限。时效指标应写完成时间或时长，"
                f"如“{year}年12月前”。",
                expected="完成时间或时长",
                actual=x.value,
            )


_YEAR_IN_TEXT = re.compile(r"(?<!\d)(20\d{2})\s*年(?!\d)")


@rule("TIME004", "name-old-year", "warning", "三级指标名称中的年份早于预算年度（可能是沿用上年表格）")
def name_old_year(ctx: Context, r: Rule) -> Iterator[Finding]:
    year = ctx.project.year
    if year is None:
        return
    for x in rows(ctx):
        ind, name = x.ind, x.bare
        if "年" not in name:
            continue
        for m in _YEAR_IN_TEXT.finditer(name):
            y = int(m.group(1))
            if y < year:
                yield ctx.finding(
                    r,
                    ind.name.cell,
                    f"三级指标名称“{ind.name.text}”写的是{y}年，而本表是{year}年的预算，可能是沿用了上年的表格，请核对。",
                    expected=f"{year}年",
                    actual=f"{y}年",
                )
                break
