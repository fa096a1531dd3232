"""Header rules: the fields every table must carry (财预〔2011〕285号 附1-2 填报说明).

Where the department's own form differs from the national note, the form wins: its
项目属性 list is 经常性项目 / 一次性项目 (the national 新增 / 延续 are accepted too),
and its 项目期 “99年” means an ongoing project.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from xladdin.framework import squash
from xladdin.model import Field, Finding, Project
from xladdin.rules import Context, Rule, Workbook, rule

_REQUIRED = (
    ("name", "项目名称"),
    ("department", "主管部门"),
    ("unit", "实施单位"),
    ("attribute", "项目属性"),
    ("period", "项目期"),
    ("goal", "年度总体绩效目标"),
)

# Leftovers of a template: "**", "XX", "××", "请填写…", "示例", "待定", "……", "...".
# Spelled to start with a character class ("**" as "*" then more "*" …): the regex engine
# then jumps between candidate characters instead of trying the alternation at every
# position, nine times faster on a table's text (same matches as the plain alternation
# in tests/test_patterns.py).
PLACEHOLDER = re.compile(
    r"[*xX×＊请示待….](?:(?<=\*)\*+|(?<=[xX×＊])[xX×＊]+|(?<=请)填写|(?<=请)输入|(?<=示)例|(?<=待)定|(?<=…)…|(?<=\.)\.{2,})"
)


def required(p: Project) -> list[tuple[str, str, Field]]:
    """(attribute, label, field) of the header fields this table's form asks for.

    The published form (B) asks for all six, and a deleted label does not excuse a
    field; another form asks for those it has, under the label it gives them
    (“主管部门及代码”, “项目起止时间”, “年度目标” …) — a form without 项目属性 is never told
    to fill one in.
    """
    if p.form.standard:
        return [(attr, label, getattr(p, attr)) for attr, label in _REQUIRED]
    out = []
    for attr, label in _REQUIRED:
        keys = ("period", "period_start") if attr == "period" else (attr,)
        key = next((k for k in keys if p.form.has(k)), None)
        if key is not None:
            out.append((attr, p.form.label(key) or label, getattr(p, attr)))
    return out


def _empty(p: Project, attr: str, f: Field) -> bool:
    """Not filled in: an empty cell, or a checkbox list with nothing ticked."""
    if attr == "attribute" and p.form.choice("attribute") == "":
        return True
    return f.empty


@rule(
    "HDR001",
    "header-required",
    "error",
    "项目名称、主管部门、实施单位、项目属性、项目期、年度总体绩效目标必须填写（表样中有的栏目）",
)
def header_required(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    for attr, label, f in required(p):
        if _empty(p, attr, f):
            what = "没有勾选" if not f.empty else "没有填写"
            yield ctx.finding(
                r,
                f.cell,
                f"“{label}”{what}，请在 {f.cell} {'勾选' if not f.empty else '填写'}{label}。",
                expected=f"{label}（非空）",
                actual="" if f.empty else f.text,
            )


@rule("HDR002", "header-placeholder", "error", "表头各栏不能留有模板占位内容（如 **、XX、请填写）")
def header_placeholder(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    fields = required(p)
    if not PLACEHOLDER.search("\n".join(f.text for _, _, f in fields)):
        return  # no placeholder spans a line break: one search tells there is none
    for _, label, f in fields:
        m = PLACEHOLDER.search(f.text)
        if m and not f.empty:
            yield ctx.finding(
                r,
                f.cell,
                f"“{label}”中还留着模板占位内容“{m.group(0)}”，请换成实际内容。",
                expected=f"{label}的实际内容",
                actual=f.text,
            )


# The department's form lists 经常性项目 / 一次性项目; 财预〔2011〕285号 lists 新增 / 延续,
# and real tables write the variants below.  All are a valid 项目属性.
ATTRIBUTES = frozenset(
    {
        "经常性项目",
        "一次性项目",
        "新增项目",
        "延续项目",
        "延续性项目",
        "上年延续性项目",
        "上年延续项目",
        "持续性项目",
        "新增性项目",
        "阶段性项目",
    }
)


@rule("HDR003", "header-attribute", "error", "项目属性应为表样中的选项：经常性项目、一次性项目（或新增项目、延续项目）")
def header_attribute(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    f = p.attribute
    choice = p.form.choice("attribute")
    text = f.text if choice is None else choice
    if not text:
        return  # HDR001 says it
    if not p.form.standard and squash(p.form.label("attribute")) != "项目属性":
        return  # 项目性质 / 是否新增: lists of their own, which the form itself offers
    if all(squash(t) in ATTRIBUTES or squash(t) + "项目" in ATTRIBUTES for t in text.split("、")):
        return
    if p.form.standard:
        yield ctx.finding(
            r,
            f.cell,
            f"项目属性“{f.text}”不是表样中的选项，应填“经常性项目”或“一次性项目”（也可填“新增项目”“延续项目”）。",
            expected="经常性项目 / 一次性项目",
            actual=f.text,
        )
        return
    yield ctx.finding(
        r,
        f.cell,
        f"项目属性“{text}”不是常见的选项（新增项目、延续项目、经常性项目、一次性项目、阶段性项目），请按本表样的选项填写。",
        expected="新增项目 / 延续项目 / 经常性项目 / 一次性项目",
        actual=text,
        severity="warning",  # another form's own list may differ: not sure, so not an error
    )


_YEARS = re.compile(r"^(\d+)年$")  # "99年", "3年": a duration (99年 = ongoing)
_RANGE = re.compile(
    r"^(\d{4})(?:年)?(?:[.\-/年]?\d{1,2}月?(?:\d{1,2}日)?)?"
    r"(?:[-—–~～至到])"
    r"(\d{4})(?:年)?(?:[.\-/年]?\d{1,2}月?(?:\d{1,2}日)?)?$"
)
_ONE_YEAR = re.compile(r"^(\d{4})年?度?$")
_ONGOING = {"长期", "持续", "常年", "长期项目", "经常性"}


def period_years(text: str) -> tuple[int, int] | str | None:
    """项目期 → (first year, last year); "ongoing" for 99年/长期; a duration "N年" → "years";
    None when it is not a period at all."""
    t = squash(text).replace("－", "-").replace("—", "-")
    if t in _ONGOING:
        return "ongoing"
    m = _YEARS.match(t)
    if m:
        n = int(m.group(1))
        if n >= 99:
            return "ongoing"
        return "years" if 1 <= n <= 50 else None
    m = _ONE_YEAR.match(t)
    if m:
        y = int(m.group(1))
        return (y, y) if 1990 <= y <= 2200 else None
    m = _RANGE.match(t)
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if 1990 <= a <= 2200 and 1990 <= b <= 2200:
            return (a, b)
    return None


_A_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _start_end(p: Project) -> tuple[int, int] | str | None:
    """The years of a form that states 计划开始日期 and 计划完成日期 instead of a 项目期."""
    end = p.other("period_end")
    years = []
    for f in (p.period, end):
        if f is None or f.empty:
            return "missing" if f is not None and f is end else None
        m = _A_YEAR.search(f.text)
        if m is None or not 1990 <= int(m.group(1)) <= 2200:
            return None
        years.append(int(m.group(1)))
    return years[0], years[1]


@rule("HDR004", "header-period", "error", "项目期应为年限（如“3年”，“99年”表示长期）或起止年份，且包含预算年度")
def header_period(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    f = p.period
    if f.empty:
        return
    by_dates = not p.form.standard and not p.form.has("period") and p.form.has("period_start")
    label = "项目期" if p.form.standard else (p.form.label("period") or p.form.label("period_start") or "项目期")
    span = _start_end(p) if by_dates else period_years(f.text)
    if span == "missing":
        return
    if span is None:
        yield ctx.finding(
            r,
            f.cell,
            f"{label}“{f.text}”无法识别。应填年限（如“3年”，长期项目填“99年”）或起止年份（如“2026-2028”）。"
            if not by_dates
            else f"{label}“{f.text}”无法识别，应填日期（如“2026/1/1”）。",
            expected="N年 或 起止年份" if not by_dates else "日期",
            actual=f.text,
        )
        return
    if isinstance(span, tuple):
        a, b = span
        end = p.other("period_end")
        shown = f"{f.text}至{end.text}" if by_dates and end is not None else f.text
        if a > b:
            yield ctx.finding(r, f.cell, f"{label}“{shown}”的开始年份晚于结束年份。", expected=f"{b}-{a}", actual=shown)
        elif p.year is not None and not a <= p.year <= b:
            yield ctx.finding(
                r,
                f.cell,
                f"{label}“{shown}”不包含本表的预算年度{p.year}年（见 {p.year_cell}）。",
                expected=f"包含{p.year}年",
                actual=shown,
            )


_TITLE_YEAR = re.compile(r"(\d{4})\s*年")


@rule("HDR005", "header-year", "error", "标题中的年度与表头“（XXXX年）”的预算年度必须一致")
def header_year(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    if p.year is None:
        if not p.form.standard:
            return  # a form without a year line (the budget system's grid): nothing to compare
        yield ctx.finding(
            r,
            p.title.cell,
            "表中找不到预算年度（标题或标题下一行应写明如“(2026年)”）。",
            expected="(XXXX年)",
            actual=p.title.text,
        )
        return
    if p.title.cell == p.year_cell:
        return
    m = _TITLE_YEAR.search(p.title.text)
    if m and int(m.group(1)) != p.year:
        yield ctx.finding(
            r,
            p.title.cell,
            f"标题写的是{m.group(1)}年，但 {p.year_cell} 写的预算年度是{p.year}年，两处应一致。",
            expected=f"{p.year}年",
            actual=f"{m.group(1)}年",
        )


@rule(
    "HDR006",
    "duplicate-project-name",
    "error",
    "一个工作簿中两张表的项目名称不能相同（复制的表忘了改名）",
    scope="workbook",
)
def duplicate_project_name(wb: Workbook, r: Rule) -> Iterator[Finding]:
    """A table copied from another and not renamed: the most common way a new project is
    started, and one the finance department sends back (projects are known by name)."""
    first: dict[str, Any] = {}
    for p in wb.projects:
        if p.kind != "project":
            continue  # a 自评表 bears its project's name by design
        key = squash(p.name)
        if not key:
            continue  # an empty name is HDR001's
        if key not in first:
            first[key] = p
            continue
        q = first[key]
        yield Finding(
            rule=r.code,
            severity=r.severity,
            sheet=p.sheet,
            cell=p.name_cell,
            message=(
                f"项目名称“{p.name}”与工作表“{q.sheet}”（{q.name_cell}）的项目名称相同："
                "是否复制了那张表而忘了改名？每个项目应有自己的名称。"
            ),
            expected="与其他项目不同的名称",
            actual=p.name,
        )
