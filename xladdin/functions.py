"""Worksheet functions (JX_…) as plain Python, so they are tested without Excel.

The add-in registers them with Excel (xlwings UDFs); the docstrings and argument
descriptions are Chinese because Excel's function wizard shows them to the user.  A
worksheet function must never raise: bad input returns a short Chinese message
starting with "#", which Excel shows in the cell like its own #VALUE!.
"""

from __future__ import annotations

from typing import Any

from xladdin.model import display_text
from xladdin.units import WAN, canonical, is_money, match, time_factor
from xladdin.values import Value, parse

__all__ = ["ARGUMENTS", "FUNCTIONS", "JX_COST", "JX_KIND", "JX_VALUE"]

_KIND_ZH = {
    "quantity": "数量",
    "duration": "时长",
    "percent": "百分比",
    "rate": "单价",
    "product": "乘积",
    "date": "日期",
    "qualitative": "定性",
    "empty": "空",
    "unparsed": "无法识别",
}


def _err(msg: str) -> str:
    return "#" + msg


def _text(x: Any) -> str:

    return display_text(x)


def _convert(number: float, unit: str, target: str) -> float | str:
    """``number`` in canonical ``unit`` → ``target`` unit as written (万元, 月, %)."""
    want, scale = canonical(target)
    if is_money(unit) and want == "元":
        return number / 10**scale
    if want == unit:
        return number
    if match(want, unit) is not None:
        return number
    f = time_factor(unit, want)
    if f is not None:
        return number * f
    return _err(f"单位不符：{unit}不能换算成{target}")


def JX_VALUE(text: Any, unit: Any = None) -> float | str:
    """把指标值文字换算成数字。

    text：指标值，如“2.1万张”“110万元”“≥95%”“1年”。
    unit：要换算成的单位，如“万元”“元”“张”“月”“%”；省略时金额按原写法的单位（万元写的就按万元），
    百分比返回小数（95% → 0.95），其他按原单位。
    """
    try:
        v = parse(_text(text))
        target = _text(unit)
        if v.kind in ("empty",):
            return _err("指标值为空")
        if v.kind in ("qualitative", "unparsed", "date", "product") or v.number is None:
            what = {"qualitative": "定性指标没有数值", "date": "日期不是数值", "product": "乘积请用 JX_COST 计算"}
            return _err(what.get(v.kind, f"无法识别“{v.text}”"))
        if v.kind == "percent":
            if not target:
                return v.fraction if v.fraction is not None else _err("无法识别")
            if target in ("%", "％"):
                return v.number if v.unit == "%" else v.number / 10
            if target == "‰":
                return v.number if v.unit == "‰" else v.number * 10
            return _err(f"百分比不能换算成{target}")
        if not target:
            if is_money(v.unit):
                written, _ = canonical(v.unit_raw.split("/")[0]) if v.unit_raw else ("元", 0)
                raw = v.unit_raw if written == "元" else "元"
                return _convert(v.number, v.unit, raw)
            return v.number
        return _convert(v.number, v.unit, target)
    except Exception:
        return _err("无法计算")


def JX_COST(unit_cost: Any, *quantities: Any) -> float | str:
    """按单价和数量计算金额（万元）。

    unit_cost：单价，如“1.2万元/月/人”“500元/人/天”“60元/箱/年”。
    quantities：一个或多个数量，如“18人”“12月”“9天*50人”；单位要与单价的“/”后的单位对应
    （人次可按人计）；不写单位的数字按单价的单位顺序对应。
    例：JX_COST("1.2万元/月/人","18人","12月") = 259.2
    """
    try:
        rate = parse(_text(unit_cost))
        if rate.kind == "quantity" and rate.is_money and not quantities:
            return (rate.number or 0.0) / WAN
        if rate.kind != "rate" or not rate.is_money or rate.number is None:
            return _err(f"单价“{_text(unit_cost)}”应写成“金额/单位”，如“500元/人/天”")
        left = list(rate.per)
        amount = rate.number
        for q in quantities:
            t = _text(q)
            if t == "":
                continue
            v = parse(t)
            pairs = _pairs(v)
            if pairs is None:
                return _err(f"数量“{t}”无法识别")
            for p in v.per:  # "1870人/年" is already per year: it covers the rate's /年
                if p in left:
                    left.remove(p)
            for n, u in pairs:
                if not left:
                    return _err(f"数量“{t}”多余：单价只按{'、'.join(rate.per)}计")
                if u == "":
                    left.pop(0)
                    amount *= n
                    continue
                k = next((i for i, p in enumerate(left) if match(p, u) is not None), None)
                if k is None:
                    k = next((i for i, p in enumerate(left) if time_factor(u, p) is not None), None)
                    if k is None:
                        return _err(f"数量“{t}”的单位{u}与单价的单位（{'、'.join(left)}）不符")
                    n *= time_factor(u, left[k]) or 1.0
                left.pop(k)
                amount *= n
        if left:
            return _err(f"缺少数量：{'、'.join(left)}")
        return round(amount / WAN, 6)
    except Exception:
        return _err("无法计算")


def _pairs(v: Value) -> list[tuple[float, str]] | None:
    if v.kind in ("quantity", "duration", "product") or (v.kind == "rate" and not v.is_money):
        pairs = v.quantities()
        return pairs or None
    return None


def JX_KIND(text: Any) -> str:
    """指标值的类型：数量、时长、百分比、单价、乘积、日期、定性、空或无法识别。

    text：指标值文字。
    """
    try:
        v = parse(_text(text))
        if v.kind == "unparsed":
            return f"无法识别：{v.reason}"
        return _KIND_ZH[v.kind]
    except Exception:
        return _err("无法识别")


FUNCTIONS = {"JX_VALUE": JX_VALUE, "JX_COST": JX_COST, "JX_KIND": JX_KIND}
# Argument descriptions (Chinese) for the function wizard, in argument order.
ARGUMENTS: dict[str, dict[str, str]] = {
    "JX_VALUE": {"text": "指标值文字，如“2.1万张”", "unit": "要换算成的单位，如“万元”“月”“%”（可省略）"},
    "JX_COST": {"unit_cost": "单价，如“1.2万元/月/人”", "quantities": "数量，如“18人”“12月”（可多个）"},
    "JX_KIND": {"text": "指标值文字"},
}
