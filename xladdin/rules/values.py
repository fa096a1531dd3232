"""Rules about 指标值: unit, range, comparator and direction, kind, measurability.

All of them reason on the indicator's target (``ctx.values``: ``xladdin.target``, the
指标值 parsed with its comparator and unit columns where the form has them), never on
raw text, so “≥95%”, “不低于95%”, “95%以上” and ``≥`` ∣ ``95`` ∣ ``%`` are one value.  A
finding about the comparator or the unit points at its own column where the form has
one, and a fix writes the comparator there.

Direction (``xladdin.direction``): higher-is-better indicators (覆盖率, 合格率, 满意度,
完成率 …) want ≥, lower-is-better ones (损坏率, 差错率, 时间, 时长, 成本, 单价 …) want ≤.  A missing
comparator is a warning (the target cannot be scored at year end), a wrong one an
error (it turns the target upside down).  A bare price in a 成本指标 row (“1836.48元/套”)
is not flagged: the department's form states unit prices as standards and the cost
engine multiplies them; only a ≥ on a cost is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from functools import lru_cache

from xladdin.direction import COMPARATOR, Polarity, stated
from xladdin.direction import polarity as _polarity
from xladdin.framework import is_money_cost
from xladdin.model import Field, Finding, Fix, Indicator
from xladdin.rules import Context, Rule, per_project, rule, text_fix
from xladdin.rules.facts import Row, valued
from xladdin.rules.wording import indicator_label
from xladdin.target import target
from xladdin.values import Value, parse


def polarity(x: Row) -> Polarity | None:
    """ "higher", "lower" or None (unknown) for an indicator row (``xladdin.direction``): what the
    form's direction column states (正向/反向), else what the name says."""
    d = x.ind.direction
    if d is not None:
        said = stated(d.text)
        if said is not None:
            return said
    return _polarity(x.bare, x.l1, x.l2, x.cost)


def _stated(x: Row) -> str | None:
    """The text of the row's direction cell when it states one (正向 / 反向)."""
    d = x.ind.direction
    return d.text if d is not None and stated(d.text) is not None else None


def _comparator_cell(ind: Indicator) -> str:
    """Where the comparator is written: its own column, or the 指标值 cell."""
    return ind.comparator.cell if ind.comparator is not None else ind.value.cell


def is_rate_name(x: Row) -> bool:
    """An indicator whose target must be a share: …率, …满意度, or any row under 满意度."""
    return x.bare.endswith("率") or "满意度" in x.bare or x.l1 == "满意度"


@per_project
def _rows(ctx: Context) -> list[tuple[Row, Value]]:
    """Each valued row with its parsed value (eight rules walk it)."""
    values = ctx.values
    return [(x, values[x.row]) for x in valued(ctx)]


@rule("VAL001", "value-unit", "warning", "定量指标值要写单位（%、人、台、万元、天……），单位单独成栏的表样写在单位栏")
def value_unit(ctx: Context, r: Rule) -> Iterator[Finding]:
    heading = ctx.project.form.heading("unit", "计量单位")
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind == "quantity" and v.unit == "":
            if ind.unit is not None:  # the form has a unit column, and it is empty here
                yield ctx.finding(
                    r,
                    ind.unit.cell,
                    f"{indicator_label(ind)}的指标值是“{x.value}”，“{heading}”一栏没有填写，看不出是多少什么。",
                    expected="计量单位",
                    actual=ind.unit.text,
                )
                continue
            hint = "；若单元格设成了百分比格式，请改为直接输入“95%”这样的文字" if is_rate_name(x) else ""
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{x.value}”只有数字，没有单位，看不出是多少什么{hint}。",
                expected="数字＋单位",
                actual=x.value,
            )


@rule("VAL002", "percent-range", "error", "百分比指标值应在0%～100%之间")
def percent_range(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind != "percent" or v.fraction is None:
            continue
        if v.fraction > 1 or v.fraction < 0:
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{x.value}”超出了0%～100%的范围。",
                expected="0%～100%",
                actual=x.value,
            )


@rule("VAL003", "percent-at-least-100", "warning", "“≥100%”只能等于100%，应写“＝100%”", fix="safe")
def percent_at_least_100(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind == "percent" and v.fraction == 1 and v.comparator in ("≥", "＞"):
            yield ctx.finding(
                r,
                _comparator_cell(ind),
                f"{indicator_label(ind)}的指标值“{x.value}”：比率不可能超过100%，请写成“＝100%”。",
                expected="＝100%",
                actual=x.value,
                fix=_comparator_fix(ind, v, "＝", strip=True),
            )


_SYMBOLS = "≥≤<>=＜＞＝≧≦"


def _comparator_fix(ind: Indicator, v: Value, sign: str, strip: bool = False, safe: bool = True) -> Fix | None:
    """The value with ``sign`` in front (``strip``: instead of the symbols it starts with), when
    the result reads back as the same value with that comparator and nothing else changed;
    None otherwise (a comparator written in words, "不低于95%", is left to the user).

    A form with a comparator column gets ``sign`` written there instead (the column holds
    nothing else), unless the 指标值 cell itself carries the comparator.
    """
    c = ind.comparator
    if c is not None and not ind.value.text.startswith(tuple(_SYMBOLS)):
        old = c.value
        if old is not None and not isinstance(old, str):
            return None
        nv = target(replace(ind, comparator=Field(sign, c.cell)))
        if nv.comparator != sign or replace(nv, comparator=None) != replace(v, comparator=None):
            return None
        # a symbol turned round or a blank filled in; a word the user wrote there (定量 …) is theirs to change
        return Fix(c.cell, old, sign, safe and (c.empty or strip))
    new = _with_comparator(ind.value.text, sign, strip)
    return text_fix(ind.value, new, safe) if new is not None else None


@lru_cache(maxsize=16384)  # the same few hundred values recur over a workbook's tables
def _with_comparator(text: str, sign: str, strip: bool) -> str | None:
    v = parse(text)
    body = text.lstrip(_SYMBOLS) if strip else text
    if strip and len(text) - len(body) != len(v.comparator_raw or ""):
        return None
    new = sign + body
    nv = parse(new)
    if nv.comparator != sign or replace(nv, comparator=None) != replace(v, comparator=None):
        return None
    return new


def _missing_comparator(x: Row, v: Value) -> tuple[str, str | None] | None:
    """(the suggestion, the comparator it asks for or None when several fit) when a comparator is missing."""
    if v.comparator is not None or not v.is_numeric or v.kind in ("rate", "product"):
        return None
    if x.cost or x.l2 == "数量":
        return None  # prices and counts are stated bare in the department's form
    if v.kind == "percent" and v.fraction in (0.0, 1.0):
        return None  # 100% and 0% can only mean one thing
    pol = polarity(x)
    text = x.value
    said = _stated(x)
    if v.kind == "percent":
        if pol is not None:
            sign = COMPARATOR[pol]
            better = "越高越好" if pol == "higher" else "越低越好"
            if said:
                return f"本表写明这是{said}指标（{better}），应写成“{sign}{text}”", sign
            return f"这是{better}的指标，应写成“{sign}{text}”", sign
        return f"看不出是不低于、不高于还是正好{text}，年终无法评价，请写成“≥{text}”“≤{text}”或“＝{text}”", None
    if pol == "lower":
        if said:
            return f"本表写明这是{said}指标（越低越好），应写成“≤{text}”", "≤"
        return f"这是越短（越少）越好的指标，应写成“≤{text}”", "≤"
    if pol == "higher" and said:
        return f"本表写明这是{said}指标（越高越好），应写成“≥{text}”", "≥"
    return None


@rule("VAL004", "comparator-missing", "warning", "比率、满意度和越低越好的指标值要写比较符号（≥、≤、＝）", fix="safe")
def comparator_missing(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        missing = _missing_comparator(x, v)
        if missing:
            hint, sign = missing
            where = f"（“{ctx.project.form.heading('comparator')}”一栏）" if ind.comparator is not None else ""
            yield ctx.finding(
                r,
                _comparator_cell(ind),
                f"{indicator_label(ind)}的指标值“{x.value}”没有写比较符号{where}：{hint}。",
                expected=hint.rsplit("“", 1)[-1].rstrip("”") if sign else "≥ / ≤ / ＝",
                actual=x.value,
                fix=_comparator_fix(ind, v, sign) if sign else None,
            )


@rule(
    "VAL005",
    "comparator-direction",
    "error",
    "比较符号方向错误：越高越好（正向）的指标应为≥，越低越好（反向）的指标应为≤",
    fix="unsafe",
)
def comparator_direction(ctx: Context, r: Rule) -> Iterator[Finding]:
    wrong = {"higher": (("≤", "＜"), "越高越好", "不高于", "≥"), "lower": (("≥", "＞"), "越低越好", "不低于", "≤")}
    for x, v in _rows(ctx):
        ind = x.ind
        said = _stated(x)
        if v.comparator is None or v.kind in ("qualitative", "unparsed", "empty"):
            continue
        if not said and (v.kind == "date" or x.l2 == "数量"):
            continue  # a guess from the name is not enough for dates and counts; the form's own word is
        pol = polarity(x)
        if pol is None or v.comparator not in wrong[pol][0]:
            continue
        _, better, written, sign = wrong[pol]
        if said:
            better = f"本表写明是{said}指标（{better}）"
        body = x.value.lstrip(_SYMBOLS)
        yield ctx.finding(
            r,
            _comparator_cell(ind),
            f"{indicator_label(ind)}{better}，指标值却写成“{x.value}”（{written}），应为“{sign}{body}”。",
            expected=f"{sign}{body}",
            actual=x.value,
            # the comparator turned round is the likely correction, but the number may be wrong too: unsafe
            fix=_comparator_fix(ind, v, sign, strip=True, safe=False),
        )


def _kind_problem(x: Row, v: Value) -> tuple[str, str] | None:
    """(what is wrong, what is expected) when the value's kind does not fit the indicator."""
    key = x.l2
    if v.kind in ("empty", "unparsed"):
        return None
    if x.cost:
        if not is_money_cost(x.l1, x.l2):
            return None  # 社会成本 / 生态环境成本: a rate or words, never money
        money = v.is_money or any(f.is_money for f in v.factors)
        if not money:
            return "成本指标应是金额（如“≤10万元”“1.2万元/月/人”）", "金额"
        return None
    if key == "数量":
        if v.kind in ("percent", "qualitative", "date") or v.is_money:
            return "数量指标应是数量（数字＋计量单位，如“250套”）", "数字＋计量单位"
        return None
    if key == "时效":
        return None  # TIME rules judge 时效 values
    if v.kind != "percent" and is_rate_name(x):
        what = "满意度" if "满意" in x.bare or x.l1 == "满意度" else "比率"
        return f"这是{what}指标，指标值应是百分比（如“≥95%”）", "百分比"
    return None


@rule(
    "VAL006", "value-kind", "warning", "指标值的类型要与指标相符：比率/满意度为百分比，数量指标为数量，成本指标为金额"
)
def value_kind(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        problem = _kind_problem(x, v)
        if problem:
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值是“{x.value}”，{problem[0]}。",
                expected=problem[1],
                actual=x.value,
            )


VAGUE = re.compile(
    r"提升|提高|增加|增强|加强|减少|降低|改善|促进|推动|方便|便利|满意|良好|较好|明显|显著|大幅|极大|有效|"
    r"进一步|逐步|持续|不断|稳步|稳定|优化|完善|长期|积极|显现"
)


@rule("VAL007", "value-measurable", "warning", "定性指标值要能检验（如“已纳入”“达标”），不能只写“大幅提升”“增加”等")
def value_measurable(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind != "qualitative" or _kind_problem(x, v):
            continue
        key = x.l2
        if key == "时效":
            continue  # TIME003
        if key == "可持续影响" and v.word in ("长期", "长期有效", "持续"):
            continue  # the usual way to state a lasting effect
        m = VAGUE.search(v.word)
        if m:
            why = (
                f"“{m.group(0)}”说明不了要达到什么程度。"
                if m.group(0) in ("长期", "持续", "稳定")
                else f"“{m.group(0)}”到什么程度算达到？"
            )
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{x.value}”无法衡量：{why}"
                "请写成可检验的目标，如“≥90%”“≤5件”或明确的完成状态。",
                expected="可检验的目标值",
                actual=x.value,
            )


# "人数", "天数", "次数" … in a name promise a count in that unit.
_COUNTED = re.compile(r"([天人次台套册箱个张页篇期份间户件项场批])数")


@rule("VAL008", "name-unit", "warning", "三级指标名称中的“人数”“天数”等与指标值的单位要一致")
def name_unit(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        if "数" not in x.bare or not v.is_numeric:
            continue
        promised = [m.group(1) for m in _COUNTED.finditer(x.bare)]
        if not promised:
            continue
        units = {u for _, u in v.quantities()} | ({v.unit} if "*" not in v.unit else set())
        units |= {"天" for u in units if u == "工作日"} | {"人" for u in units if u == "人次"}
        missing = [u for u in promised if u not in units]
        if missing and len(promised) <= len([u for u in units if u]):
            ind = x.ind
            have = "、".join(sorted(u for u in units if u and u not in promised)) or "其他单位"
            yield ctx.finding(
                r,
                ind.name.cell,
                f"三级指标名称“{x.name}”写的是“{'、'.join(u + '数' for u in missing)}”，"
                f"但指标值“{x.value}”的单位是“{have}”，名称和单位应一致。",
                expected="、".join(missing),
                actual=have,
            )


# ASCII spellings of a comparator, as typed on a keyboard without an input method.
_ASCII = {">=": "≥", "=>": "≥", "<=": "≤", "=<": "≤", ">": "＞", "<": "＜", "=": "＝"}


@rule("VAL009", "comparator-ascii", "info", "比较符号宜写成“≥”“≤”，不要用半角的“>=”“<=”", fix="safe")
def comparator_ascii(ctx: Context, r: Rule) -> Iterator[Finding]:
    if not ctx.project.form.standard:
        return  # another form's values are what its system prints ("=100.00(%)"): its convention, not a slip
    for x, v in _rows(ctx):
        raw = v.comparator_raw
        if raw not in _ASCII or not x.ind.value.text.startswith(raw):
            continue  # only inside the 指标值 cell: a comparator column holds the system's own symbols
        ind = x.ind
        sign = _ASCII[raw]
        fixed = sign + x.value[len(raw) :]
        yield ctx.finding(
            r,
            ind.value.cell,
            f"{indicator_label(ind)}的指标值“{ind.value.text}”用半角字符“{raw}”表示比较，"
            f"公开的表格写作“{sign}”，建议改为“{fixed}”。",
            expected=fixed,
            actual=ind.value.text,
            fix=text_fix(ind.value, fixed, safe=True),
        )
