"""Units of 指标值: what a written unit means, and which units may stand for each other.

Public API (stable; ``values``, ``costs`` and the rules import it):

``canonical(raw) -> tuple[str, int]``
    A unit as written → (canonical unit, power-of-ten scale it carries).  Money is
    normalised to 元 because the cost arithmetic must not mix 元 and 万元
    ("万元" → ("元", 4), "亿元" → ("元", 8)); "个月" → ("月", 0), "日" → ("天", 0),
    "m²" / "㎡" → ("平方米", 0).  Unknown units come back unchanged: a department may
    count in any noun (扇, 篇, 期 …) and the cost engine only needs them to match.
``is_money(unit)``, ``is_time_unit(unit)``, ``is_percent_unit(unit)``, ``is_count_unit(unit)``
    Classification of a canonical unit.
``match(a, b) -> UnitMatch | None``
    Whether a quantity in unit ``b`` can fill a per-unit ``a`` of a rate, and the
    approximation made when it is not an exact match (人次 counted as 人).
``time_factor(src, dst) -> float | None``
    How many ``dst`` in one ``src`` (年 → 月 = 12).  Used only where a period must be
    implied (a per-month rate in a one-year project), never to reinterpret a value.
``WAN``
    10 000: 元 per 万元, the unit every report speaks.
"""

from __future__ import annotations

from dataclasses import dataclass

WAN = 10_000.0

# Units as written → canonical unit.  Money scale words are handled by ``canonical``.
_ALIASES: dict[str, str] = {
    "个月": "月",
    "月份": "月",
    "个季度": "季度",
    "季": "季度",
    "日": "天",
    "个工作日": "工作日",
    "周": "周",
    "个星期": "周",
    "星期": "周",
    "个小时": "小时",
    "h": "小时",
    "H": "小时",
    "min": "分钟",
    "秒钟": "秒",
    "s": "秒",
    "周年": "年",
    "m²": "平方米",
    "m2": "平方米",
    "㎡": "平方米",
    "平米": "平方米",
    "平方": "平方米",
    "m³": "立方米",
    "m3": "立方米",
    "km": "公里",
    "千米": "公里",
    "kg": "千克",
    "公斤": "千克",
    "％": "%",
    "‰": "‰",
}

_MONEY_SCALE = {"元": 0, "十元": 1, "百元": 2, "千元": 3, "万元": 4, "十万元": 5, "百万元": 6, "千万元": 7, "亿元": 8}

TIME_UNITS = frozenset({"秒", "分钟", "小时", "天", "工作日", "周", "月", "季度", "半年", "年"})
PERCENT_UNITS = frozenset({"%", "‰"})

# Counting units the department uses (issue #3 list and the 2026 tables).  Any other
# noun is still accepted as a unit; this set only answers ``is_count_unit``.
COUNT_UNITS = frozenset(
    {
        "人",
        "人次",
        "户",
        "家",
        "个",
        "台",
        "套",
        "份",
        "张",
        "册",
        "本",
        "箱",
        "篇",
        "期",
        "扇",
        "页",
        "间",
        "次",
        "项",
        "条",
        "件",
        "批",
        "场",
        "班",
        "所",
        "座",
        "辆",
        "部",
        "块",
        "支",
        "把",
        "组",
        "类",
        "名",
        "位",
        "处",
        "亩",
        "平方米",
        "立方米",
        "公里",
        "千克",
        "吨",
        "课时",
        "学时",
        "节",
        "卷",
        "盒",
        "包",
        "瓶",
        "根",
        "米",
        "GB",
        "TB",
    }
)

# Days in a time unit, for ``time_factor``.  365 days a year, as the issue fixes it.
_DAYS: dict[str, float] = {"天": 1, "工作日": 1, "周": 7, "月": 365 / 12, "季度": 365 / 4, "半年": 365 / 2, "年": 365}
_MONTHS: dict[str, float] = {"月": 1, "季度": 3, "半年": 6, "年": 12}


def canonical(raw: str) -> tuple[str, int]:
    """A unit as written → (canonical unit, power of ten).  "万元" → ("元", 4)."""
    u = raw.strip()
    if u in _MONEY_SCALE:
        return "元", _MONEY_SCALE[u]
    return _ALIASES.get(u, u), 0


def is_money(unit: str) -> bool:
    """True for a canonical money unit (always 元 after ``canonical``)."""
    return unit in ("元", "万元", "亿元", "千元")


def is_time_unit(unit: str) -> bool:
    return unit in TIME_UNITS


def is_percent_unit(unit: str) -> bool:
    return unit in PERCENT_UNITS


def is_count_unit(unit: str) -> bool:
    return unit in COUNT_UNITS


@dataclass(frozen=True)
class UnitMatch:
    """How a quantity's unit fills a per-unit; ``note`` is Chinese and says what was assumed."""

    exact: bool
    note: str = ""


# per-unit → quantity units accepted for it, with the note saying what was assumed.
_APPROX: dict[tuple[str, str], str] = {
    ("人次", "人"): "人次按人计（每人一次）",
    ("人", "人次"): "人次按人计（每人一次）",
    ("天", "工作日"): "工作日按天计",
    ("工作日", "天"): "工作日按天计",
    ("次", "场"): "场按次计",
    ("场", "次"): "场按次计",
    ("期", "班"): "班按期计",
    ("班", "期"): "班按期计",
    ("册", "本"): "本按册计",
    ("本", "册"): "本按册计",
}


def match(per: str, unit: str) -> UnitMatch | None:
    """Whether a quantity in ``unit`` can stand for the per-unit ``per`` of a rate."""
    if per == unit:
        return UnitMatch(True)
    note = _APPROX.get((per, unit))
    if note:
        return UnitMatch(False, note)
    return None


def time_factor(src: str, dst: str) -> float | None:
    """How many ``dst`` make one ``src`` (年→月 = 12, 年→季度 = 4, 年→天 = 365)."""
    if src == dst:
        return 1.0
    if src in _MONTHS and dst in _MONTHS:
        return _MONTHS[src] / _MONTHS[dst]
    if src in _DAYS and dst in _DAYS:
        return _DAYS[src] / _DAYS[dst]
    return None
