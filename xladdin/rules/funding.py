"""Money rules: the 项目资金 block must add up, in 万元.

The form's arithmetic (see the issue): 项目总额 = 本级资金总额 + 转移市县（区）资金总额;
本级资金总额 = 财政拨款 + 其他资金 + 结余结转资金; 转移市县（区）资金总额 = 中央资金 + 自治区资金.
Amounts are compared to 0.000001 万元 (one 填报要求 asks for six decimals), so a
rounding of the department's own is never reported as a mistake.

年度资金总额 has two readings in real tables: all the money the project may spend this
year (new money + 结余结转) or only the year's new money (without 结余结转).  The form
does not say which.  A value that fits neither reading is an error (FUND005); a value
that fits only the "new money" reading while 结余结转资金 is not zero is a warning
(FUND006), because a reviewer may read it either way — that is the case of the 2026
基本户资金 table (年度资金总额 0, 结余结转资金 110).
"""

from __future__ import annotations

from collections.abc import Iterator

from xladdin.model import ABSENT, Amount, Finding, Project
from xladdin.rules import Context, Rule, rule
from xladdin.rules.header import period_years
from xladdin.rules.wording import money, wan

TOLERANCE = 0.0000005  # 万元: half of the sixth decimal


def same(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def _num(a: Amount) -> float:
    """An amount for arithmetic: an empty cell counts as 0 (FUND001 reports unreadable ones)."""
    return a.number if a.number is not None else 0.0


def _readable(*amounts: Amount) -> bool:
    """All amounts are empty or numbers: only then is a sum worth checking."""
    return all(a.number is not None or a.empty for a in amounts)


@rule("FUND001", "money-numeric", "error", "金额栏必须是不小于0的数字（单位万元，或表样所写的元），项目总额必须填写")
def money_numeric(ctx: Context, r: Rule) -> Iterator[Finding]:
    m = ctx.project.money
    unit = m.unit
    headline = m.headline
    for label, a in m.items():
        if a is ABSENT or not a.cell:
            continue
        if a.empty:
            if a is headline:
                yield ctx.finding(
                    r, a.cell, f"“{label}”没有填写，请填写{label}（{unit}）。", expected="数字", actual=""
                )
            continue
        if a.number is None:
            yield ctx.finding(
                r,
                a.cell,
                f"“{label}”应填数字（单位{unit}），现在是“{a.text}”。",
                expected=f"数字（{unit}）",
                actual=a.text,
            )
        elif a.number < 0:
            yield ctx.finding(r, a.cell, f"“{label}”为{a.text}{unit}，金额不能为负数。", expected="≥0", actual=a.text)


def _sum_finding(
    ctx: Context, r: Rule, whole: Amount, whole_label: str, parts: list[tuple[str, Amount]]
) -> Iterator[Finding]:
    if not _readable(whole, *(a for _, a in parts)) or (whole.empty and all(a.empty for _, a in parts)):
        return
    total = sum(_num(a) for _, a in parts)
    if same(_num(whole), total):
        return
    terms = "＋".join(f"{label}{wan(_num(a))}" for label, a in parts)
    cells = "、".join(a.cell for _, a in parts)
    yield ctx.finding(
        r,
        whole.cell,
        f"{whole_label}填的是{wan(_num(whole))}万元，但{terms}＝{wan(total)}万元（{cells}），两者应相等。",
        expected=wan(total),
        actual=wan(_num(whole)),
    )


@rule("FUND002", "money-total", "error", "项目总额应等于本级资金总额＋转移市县（区）资金总额")
def money_total(ctx: Context, r: Rule) -> Iterator[Finding]:
    if not ctx.project.form.standard:
        return  # the published form's own sum; other forms' sums are FUND007's
    m = ctx.project.money
    yield from _sum_finding(
        ctx, r, m.total, "项目总额", [("本级资金总额", m.local_total), ("转移市县（区）资金总额", m.transfer_total)]
    )


@rule("FUND003", "money-local", "error", "本级资金总额应等于财政拨款＋其他资金＋结余结转资金")
def money_local(ctx: Context, r: Rule) -> Iterator[Finding]:
    if not ctx.project.form.standard:
        return  # the published form's own sum; other forms' sums are FUND007's
    m = ctx.project.money
    yield from _sum_finding(
        ctx,
        r,
        m.local_total,
        "本级资金总额",
        [("财政拨款", m.local_appropriation), ("其他资金", m.local_other), ("结余结转资金", m.local_carryover)],
    )


@rule("FUND004", "money-transfer", "error", "转移市县（区）资金总额应等于中央资金＋自治区资金")
def money_transfer(ctx: Context, r: Rule) -> Iterator[Finding]:
    if not ctx.project.form.standard:
        return  # the published form's own sum; other forms' sums are FUND007's
    m = ctx.project.money
    yield from _sum_finding(
        ctx,
        r,
        m.transfer_total,
        "转移市县（区）资金总额",
        [("中央资金", m.transfer_central), ("自治区资金", m.transfer_regional)],
    )


def annual_readings(p: Project) -> tuple[float, float]:
    """(all money of the year, new money of the year) in 万元."""
    m = p.money
    new = _num(m.local_appropriation) + _num(m.local_other) + _num(m.transfer_total)
    return new + _num(m.local_carryover), new


def single_year(p: Project) -> bool:
    """The project's money is this year's money: an ongoing (99年) or one-year project."""
    span = period_years(p.period.text)
    if span == "ongoing":
        return True
    if isinstance(span, tuple):
        return span[0] == span[1]
    return p.period.text.strip() in ("1年", "一年")


@rule("FUND005", "money-annual", "error", "年度资金总额不能超过项目总额；一年期/长期项目的年度资金总额应与资金来源相符")
def money_annual(ctx: Context, r: Rule) -> Iterator[Finding]:
    p = ctx.project
    m = p.money
    if m.annual is ABSENT or m.total is ABSENT:
        return  # a form with one total only: nothing to compare
    if not p.form.standard:
        yield from _annual_above_whole(ctx, r)
        return
    if not _readable(m.annual, m.total, m.local_appropriation, m.local_other, m.local_carryover, m.transfer_total):
        return
    if m.annual.empty:
        return  # FUND001 / HDR checks cover blanks; an empty annual cell is not a sum
    annual = _num(m.annual)
    if not m.total.empty and annual > _num(m.total) + TOLERANCE:
        yield ctx.finding(
            r,
            m.annual.cell,
            f"年度资金总额{wan(annual)}万元大于项目总额{wan(_num(m.total))}万元（{m.total.cell}），年度资金不能超过项目总额。",
            expected=f"≤{wan(_num(m.total))}",
            actual=wan(annual),
        )
        return
    if not single_year(p):
        return  # a multi-year project spends part of its total this year
    every, new = annual_readings(p)
    if same(annual, every) or same(annual, new):
        return
    carry = _num(m.local_carryover)
    hint = f"或不含结余结转资金的{wan(new)}万元" if carry and not same(new, every) else ""
    yield ctx.finding(
        r,
        m.annual.cell,
        f"年度资金总额{wan(annual)}万元与资金来源对不上：财政拨款、其他资金、结余结转资金和转移市县（区）资金合计"
        f"{wan(every)}万元{hint}。",
        expected=wan(every),
        actual=wan(annual),
    )


def _annual_above_whole(ctx: Context, r: Rule) -> Iterator[Finding]:
    """A form with a whole-project (or 中期) column beside the year's: the year's cannot be more."""
    m = ctx.project.money
    if m.annual.number is None or m.total.number is None:
        return
    if m.annual.number > m.total.number + TOLERANCE:
        a, t = m.label("annual"), m.label("total")
        yield ctx.finding(
            r,
            m.annual.cell,
            f"{a}{money(m.annual.number, m.unit)}大于{t}{money(m.total.number, m.unit)}（{m.total.cell}），"
            f"当年的资金不能超过{t}。",
            expected=f"≤{money(m.total.number, m.unit)}",
            actual=money(m.annual.number, m.unit),
        )


@rule("FUND006", "money-annual-carryover", "warning", "年度资金总额未包含结余结转资金时提醒核对口径")
def money_annual_carryover(ctx: Context, r: Rule) -> Iterator[Finding]:
    if not ctx.project.form.standard:
        return  # the published form's two readings of 年度资金总额
    p = ctx.project
    m = p.money
    if m.annual.number is None or m.local_carryover.number is None or not single_year(p):
        return
    every, new = annual_readings(p)
    carry = m.local_carryover.number
    if carry <= TOLERANCE or not same(m.annual.number, new) or same(new, every):
        return
    said = ""
    stated = ctx.costs.narrative.total
    if stated is not None and same(round(stated.wan, 6), round(every, 6)):
        said = f"年度总体绩效目标写的是“{stated.context}{stated.text}”，与含结余结转的{wan(every)}万元一致。"
    yield ctx.finding(
        r,
        m.annual.cell,
        f"年度资金总额填的是{wan(m.annual.number)}万元，没有包含结余结转资金{wan(carry)}万元（{m.local_carryover.cell}）。"
        f"若“年度资金总额”指本年可使用的全部资金，应为{wan(every)}万元；若只指本年新增资金，{wan(new)}万元是对的。"
        f"{said}请按财政部门的口径核对。",
        expected=f"{wan(every)}（含结余结转）或 {wan(new)}（仅新增）",
        actual=wan(m.annual.number),
    )


@rule("FUND007", "money-form-sum", "error", "资金总额应等于表中列出的各项资金来源之和（按本表样的栏目，元已折算）")
def money_form_sum(ctx: Context, r: Rule) -> Iterator[Finding]:
    """The sums another form states: 年度资金总额 = 财政拨款 + 其他资金 [+ 上年结转], 资金总额: 250
    = 一、预算资金 + 二、自有资金 + 三、其他 …, each total with the parts under it."""
    m = ctx.project.money
    for block in m.blocks:
        whole = block.total
        amounts = [a for _, a in block.parts]
        if not _readable(whole, *amounts) or whole.empty or all(a.empty for a in amounts):
            continue
        total = sum(_num(a) for a in amounts)
        if same(_num(whole), total):
            continue
        terms = "＋".join(f"{label}{money(_num(a), m.unit)}" for label, a in block.parts)
        cells = "、".join(dict.fromkeys(a.cell for a in amounts))
        yield ctx.finding(
            r,
            whole.cell,
            f"{block.label}填的是{money(_num(whole), m.unit)}，但{terms}＝{money(total, m.unit)}（{cells}），两者应相等。",
            expected=money(total, m.unit),
            actual=money(_num(whole), m.unit),
        )
