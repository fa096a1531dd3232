"""Rules about 指标值: unit, range, comparator and direction, kind, measurability.

All of them reason on ``xladdin.values.parse`` (``ctx.values``), never on raw text,
so “≥95%”, “不低于95%” and “95%以上” are one value.

Direction: higher-is-better indicators (覆盖率, 合格率, 满意度, 完成率 …) want ≥,
lower-is-better ones (损坏率, 差错率, 时间, 时长, 成本, 单价 …) want ≤.  A missing
comparator is a warning (the target cannot be scored at year end), a wrong one an
error (it turns the target upside down).  A bare price in a 成本指标 row (“1836.48元/套”)
is not flagged: the department's form states unit prices as standards and the cost
engine multiplies them; only a ≥ on a cost is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from xladdin.model import Finding
from xladdin.rules import Context, Rule, per_project, rule
from xladdin.rules.facts import Row, valued
from xladdin.rules.wording import indicator_label
from xladdin.values import Value

HIGHER = (
    "覆盖率",
    "合格率",
    "满意度",
    "满意率",
    "完成率",
    "及时率",
    "达标率",
    "运行率",
    "使用率",
    "知晓率",
    "数字化率",
    "契合率",
    "通过率",
    "准确率",
    "正确率",
    "完好率",
    "到位率",
    "执行率",
    "参保率",
    "办结率",
    "普及率",
    "利用率",
    "兑现率",
    "发放率",
    "就业率",
    "出勤率",
    "可用率",
    "在线率",
    "处置率",
    "整改率",
    "合规率",
    "成功率",
    "结业率",
    "上线率",
    "归档率",
    "入库率",
    "验收率",
    "优良率",
    "好评率",
)
LOWER = (
    "损坏率",
    "破损率",
    "差错率",
    "错误率",
    "出错率",
    "故障率",
    "投诉率",
    "超支率",
    "失误率",
    "丢失率",
    "不合格率",
    "返工率",
    "流失率",
    "事故",
    "延误",
)
# A target phrased as an improvement or a reduction achieved: the more, the better.
IMPROVE = ("提高", "提升", "增加", "增强", "促进", "减少", "降低", "节省", "节约", "压缩", "缩短")
LOWER_TIME = ("时间", "时长", "用时", "耗时", "时限")
COST_WORDS = ("成本", "单价", "费用", "价格")


def _alternation(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


_LOWER_RE, _HIGHER_RE, _IMPROVE_RE = _alternation(LOWER), _alternation(HIGHER), _alternation(IMPROVE)
_LOWER_TIME_RE, _COST_RE = _alternation(LOWER_TIME), _alternation(COST_WORDS)


def polarity(x: Row) -> str | None:
    """ "higher", "lower" or None (unknown) for an indicator, from its name and group."""
    return _polarity(x.bare, x.l1, x.l2, x.cost)


@lru_cache(maxsize=16384)  # several rules ask for every row; names repeat across a workbook
def _polarity(name: str, l1: str, l2: str, cost: bool) -> str | None:
    if _LOWER_RE.search(name):
        return "lower"
    if l1 == "满意度" or _HIGHER_RE.search(name):
        return "higher"
    if _IMPROVE_RE.search(name[:6]):
        return "higher"  # "减少纸质办公率 70%": the reduction achieved, the more the better
    if l2 in ("时效", "质量") and _LOWER_TIME_RE.search(name):
        return "lower"
    if cost or (l2 != "数量" and _COST_RE.search(name)):
        return "lower"
    return None


def is_rate_name(x: Row) -> bool:
    """An indicator whose target must be a share: …率, …满意度, or any row under 满意度."""
    return x.bare.endswith("率") or "满意度" in x.bare or x.l1 == "满意度"


@per_project
def _rows(ctx: Context) -> list[tuple[Row, Value]]:
    """Each valued row with its parsed value (eight rules walk it)."""
    values = ctx.values
    return [(x, values[x.row]) for x in valued(ctx)]


@rule("VAL001", "value-unit", "warning", "定量指标值要写单位（%、人、台、万元、天……）")
def value_unit(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind == "quantity" and v.unit == "":
            hint = "；若单元格设成了百分比格式，请改为直接输入“95%”这样的文字" if is_rate_name(x) else ""
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{ind.value.text}”只有数字，没有单位，看不出是多少什么{hint}。",
                expected="数字＋单位",
                actual=ind.value.text,
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
                f"{indicator_label(ind)}的指标值“{ind.value.text}”超出了0%～100%的范围。",
                expected="0%～100%",
                actual=ind.value.text,
            )


@rule("VAL003", "percent-at-least-100", "warning", "“≥100%”只能等于100%，应写“＝100%”")
def percent_at_least_100(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.kind == "percent" and v.fraction == 1 and v.comparator in ("≥", "＞"):
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{ind.value.text}”：比率不可能超过100%，请写成“＝100%”。",
                expected="＝100%",
                actual=ind.value.text,
            )


def _missing_comparator(x: Row, v: Value) -> str | None:
    """The suggestion text when a comparator is missing, else None."""
    if v.comparator is not None or not v.is_numeric or v.kind in ("rate", "product"):
        return None
    if x.cost or x.l2 == "数量":
        return None  # prices and counts are stated bare in the department's form
    if v.kind == "percent" and v.fraction in (0.0, 1.0):
        return None  # 100% and 0% can only mean one thing
    pol = polarity(x)
    text = x.value
    if v.kind == "percent":
        if pol == "higher":
            return f"这是越高越好的指标，应写成“≥{text}”"
        if pol == "lower":
            return f"这是越低越好的指标，应写成“≤{text}”"
        return f"看不出是不低于、不高于还是正好{text}，年终无法评价，请写成“≥{text}”“≤{text}”或“＝{text}”"
    if pol == "lower":
        return f"这是越短（越少）越好的指标，应写成“≤{text}”"
    return None


@rule("VAL004", "comparator-missing", "warning", "比率、满意度和越低越好的指标值要写比较符号（≥、≤、＝）")
def comparator_missing(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        hint = _missing_comparator(x, v)
        if hint:
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}的指标值“{ind.value.text}”没有写比较符号：{hint}。",
                expected=hint.rsplit("“", 1)[-1].rstrip("”") if "应写成" in hint else "≥ / ≤ / ＝",
                actual=ind.value.text,
            )


@rule("VAL005", "comparator-direction", "error", "比较符号方向错误：越高越好的指标应为≥，越低越好的指标应为≤")
def comparator_direction(ctx: Context, r: Rule) -> Iterator[Finding]:
    for x, v in _rows(ctx):
        ind = x.ind
        if v.comparator is None or v.kind in ("date", "qualitative", "unparsed", "empty") or x.l2 == "数量":
            continue
        pol = polarity(x)
        body = x.value.lstrip("≥≤<>=＜＞＝≧≦")
        if pol == "higher" and v.comparator in ("≤", "＜"):
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}越高越好，指标值却写成“{ind.value.text}”（不高于），应为“≥{body}”。",
                expected=f"≥{body}",
                actual=ind.value.text,
            )
        elif pol == "lower" and v.comparator in ("≥", "＞"):
            yield ctx.finding(
                r,
                ind.value.cell,
                f"{indicator_label(ind)}越低越好，指标值却写成“{ind.value.text}”（不低于），应为“≤{body}”。",
                expected=f"≤{body}",
                actual=ind.value.text,
            )


def _kind_problem(x: Row, v: Value) -> tuple[str, str] | None:
    """(what is wrong, what is expected) when the value's kind does not fit the indicator."""
    key = x.l2
    if v.kind in ("empty", "unparsed"):
        return None
    if x.cost:
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
                f"{indicator_label(ind)}的指标值是“{ind.value.text}”，{problem[0]}。",
                expected=problem[1],
                actual=ind.value.text,
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
                f"{indicator_label(ind)}的指标值“{ind.value.text}”无法衡量：{why}"
                "请写成可检验的目标，如“≥90%”“≤5件”或明确的完成状态。",
                expected="可检验的目标值",
                actual=ind.value.text,
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
