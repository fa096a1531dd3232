"""Worksheet functions registered with Excel: =JX_VALUE(…), =JX_COST(…), =JX_KIND(…).

The add-in's configuration names this module under "UDF Modules"; clicking
绩效目标 → 导入函数 (xlwings' ImportPythonUDFsToAddin) turns every ``@xw.func`` below
into a VBA function of the add-in.  On xlwings Server/Lite the same decorators register
them as Office.js custom functions.

The work is done by the plain functions of ``xladdin.functions`` (tested without
Excel); this module only adapts Excel's arguments to them.  The docstrings here are
Chinese on purpose: Excel's function wizard shows them to the user.  A function never
raises: bad input gives a short Chinese text starting with "#".
"""

from __future__ import annotations

from typing import Any

import xlwings as xw

from xladdin import functions

CATEGORY = "绩效目标"


def _flat(values: tuple[Any, ...]) -> list[Any]:
    """Arguments as single values: a range of cells (=JX_COST(A1, B1:C1)) counts cell by cell."""
    out: list[Any] = []
    for v in values:
        if isinstance(v, list | tuple):
            out.extend(_flat(tuple(v)))
        else:
            out.append(v)
    return out


def _one(v: Any) -> Any:
    """A single cell's value: a range passed where one value is expected gives its first cell."""
    flat = _flat((v,))
    return flat[0] if flat else None


@xw.func(category=CATEGORY)
@xw.arg("text", doc=functions.ARGUMENTS["JX_VALUE"]["text"])
@xw.arg("unit", doc=functions.ARGUMENTS["JX_VALUE"]["unit"])
def JX_VALUE(text: Any, unit: Any = None) -> Any:
    """把指标值文字换算成数字，如 JX_VALUE("2.1万张") = 21000，JX_VALUE("110万元","元") = 1100000。"""
    try:
        return functions.JX_VALUE(_one(text), _one(unit))
    except Exception:
        return "#无法计算"


@xw.func(category=CATEGORY)
@xw.arg("unit_cost", doc=functions.ARGUMENTS["JX_COST"]["unit_cost"])
@xw.arg("quantities", doc=functions.ARGUMENTS["JX_COST"]["quantities"])
def JX_COST(unit_cost: Any, *quantities: Any) -> Any:
    """按单价和数量计算金额（万元），如 JX_COST("1.2万元/月/人","18人","12月") = 259.2。"""
    try:
        return functions.JX_COST(_one(unit_cost), *_flat(quantities))
    except Exception:
        return "#无法计算"


@xw.func(category=CATEGORY)
@xw.arg("text", doc=functions.ARGUMENTS["JX_KIND"]["text"])
def JX_KIND(text: Any) -> Any:
    """指标值的类型：数量、时长、百分比、单价、乘积、日期、定性、空或无法识别。"""
    try:
        return functions.JX_KIND(_one(text))
    except Exception:
        return "#无法识别"


UDFS = {"JX_VALUE": JX_VALUE, "JX_COST": JX_COST, "JX_KIND": JX_KIND}
