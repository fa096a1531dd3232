"""An indicator's target — comparator, number, unit — put together from wherever its form writes them.

The published form writes the whole target in the 指标值 cell (``≥95%``, ``1.2万元/月/人``).
Other forms give the comparator a column of its own (指标性质 / 指标方向 / 计算符号: ``≥``,
``=``, ``定性``), the unit another (度量单位 / 计量单位: ``%``, ``人/次``), or put the unit in
the 三级 name (``开展小型水利工程建设(个)`` with the value ``1``).  ``target`` reads all of
them once and gives the one ``Value`` the rules, the cost engine and 填充指标 reason on, so
that a value whose unit sits in its own column is never "a number without a unit".

``target_text`` is the target as a reader would say it (``≥95%``): what messages quote.
Both are memoised on the cell texts, so asking twice costs a dictionary lookup.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

from xladdin.framework import level2_key, squash
from xladdin.model import Field, Indicator
from xladdin.values import Value, parse

__all__ = ["name_may_carry_unit", "name_unit", "split_target", "target", "target_text"]

# What a comparator column may hold besides a comparator (no comparator then).
_NO_COMPARATOR = frozenset({"", "定性", "定量", "不适用", "定量其他", "定量（其他）", "-", "—", "--", "/", "无"})
# A comparator column's symbols as the published form writes them (≥ ≤ half-width, ＞ ＝ ＜ full-width).
_SIGNS = {">=": "≥", "=>": "≥", "≧": "≥", "<=": "≤", "=<": "≤", "≦": "≤", "=": "＝", ">": "＞", "<": "＜"}
_NO_UNIT = frozenset({"", "-", "—", "--", "/", "无", "\\"})
_NAME_UNIT = re.compile(r"[(（]\s*([^()（）\d\s]{1,4})\s*[)）]$")
_BARE_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_COMPARATOR_START = re.compile(r"^(?:[≥≤<>=＜＞＝≧≦]|不低于|不少于|不高于|不超过|不大于|不小于)")
# Excel keeps dates as day numbers; an export that lost the format shows 44561 (2021-12-31).
_SERIAL_FIRST, _SERIAL_LAST = 36526, 73050  # 2000-01-01 … 2099-12-31
_EXCEL_EPOCH = _dt.date(1899, 12, 30)


def name_unit(name: str) -> str | None:
    """The unit a 三级 name carries at its end: ``开展修复工程(个)`` → ``个``, ``…成本控制率(%)`` → ``%``."""
    if not name or name[-1] not in ")）":
        return None
    m = _NAME_UNIT.search(name)
    return m.group(1) if m else None


def name_may_carry_unit(name: str) -> bool:
    """Whether a 三级 name (as shown) could end in a unit (``…(个)``): the cheap test asked first."""
    return bool(name) and name[-1] in ")）"


def target(ind: Indicator) -> Value:
    """The indicator's target as one ``Value`` (``xladdin.values``), from every cell the form uses.

    Always ``parse(target_text(ind))``: a caller that has the text already parses it.
    """
    return parse(target_text(ind))


def target_text(ind: Indicator) -> str:
    """The target as text a message quotes: the 指标值 cell, with its comparator and unit when
    the form gives them columns of their own (``=`` ∣ ``100`` ∣ ``%`` → ``＝100%``)."""
    if ind.comparator is None and ind.unit is None:
        name = ind.name.value
        if type(name) is str and name and name[-1].isspace():
            name = name.rstrip()
        if type(name) is not str or not name or name[-1] not in ")）":
            return ind.value.text  # the published form: the whole target is in the 指标值 cell
    return _compose(ind.value.text, _cell(ind.comparator), _cell(ind.unit), ind.name.text, ind.level2.text)


def compose_target(value: str, comparator: str | None, unit: str | None, name: str = "", level2: str = "") -> str:
    """The target of a row whose comparator and unit stand in columns of their own, as one text
    (``=`` ∣ ``100`` ∣ ``%`` → ``＝100%``): what ``target_text`` gives for an ``Indicator``, for a
    caller holding the cells' texts (the import of a published table in such a form)."""
    return _compose(value, comparator, unit, name, level2)


def _cell(f: Field | None) -> str | None:
    """The text of a cell the form has (``""`` when empty), None when the form has no such column."""
    return None if f is None else f.text


@lru_cache(maxsize=16384)
def _compose(value: str, comparator: str | None, unit: str | None, name: str, level2: str) -> str:
    v = value.strip()
    comp = squash(comparator or "")
    if comp in _NO_COMPARATOR or v == "":
        comp = ""
    comp = _SIGNS.get(comp, comp)
    u = squash(unit or "")
    bare = bool(_BARE_NUMBER.match(squash(v)))
    if u in _NO_UNIT or u == squash(v) or _BARE_NUMBER.match(u):
        u = ""  # a unit column repeating the number (an export's date serial) is no unit
    if bare and not u and unit is not None and level2_key(level2) == "时效":
        date = _serial_date(squash(v))
        if date is not None:
            return comp + date
    if bare and not u:
        u = name_unit(name) or ""
    if u and v.endswith(u):
        u = ""  # the unit written twice (``%`` ∣ ``≥95%``)
    if comp and _COMPARATOR_START.match(v):
        comp = ""  # the value states its own comparator
    return comp + v + u


def _serial_date(text: str) -> str | None:
    """``44561`` / ``44,561`` → ``2021年12月31日`` when it can only be an Excel day number."""
    try:
        n = float(text.replace(",", ""))
    except ValueError:
        return None
    if not n.is_integer() or not _SERIAL_FIRST <= n <= _SERIAL_LAST:
        return None
    d = _EXCEL_EPOCH + _dt.timedelta(days=int(n))
    return f"{d.year}年{d.month}月{d.day}日"


# A target a form with columns of its own splits: a comparator, a number (or the XX a
# suggestion leaves to fill in), a unit with no digit in it.
_SPLIT = re.compile(r"^\s*(≥|≤|＞|＜|＝|>=|<=)?\s*(\d+(?:\.\d+)?|XX|xx)\s*([^\d\s][^\d]*)?$")


def split_target(text: str) -> tuple[str, str, str]:
    """A target as a form with comparator and unit columns writes it (the inverse of ``target_text``):
    ``≥95%`` → (``≥``, ``95``, ``%``); ``1.2万元/月/人`` → ("", ``1.2``, ``万元/月/人``); ``长期`` →
    (``定性``, ``长期``, ""); a date, a product, a range or a number in words (千分之五) stays whole
    in the value."""
    m = _SPLIT.match(text)
    if m:
        return m.group(1) or "", m.group(2), (m.group(3) or "").strip()
    if parse(text).kind == "qualitative":
        return "定性", text, ""
    return "", text, ""
