"""Mutation test: change one thing in the six published tables, and exactly the right
rule must fire on exactly the right cell — nothing else in the workbook may change.

Findings are compared as (sheet, rule, cell, message) sets between the published workbook and the
mutated one; ``added`` and ``removed`` must be exactly what each case declares.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.rulekit import change, goal_replace, seeds, set_name, set_value
from xladdin.check import check_sheets
from xladdin.layout import TableSpec, write_project

Key = tuple[str, str, str, str]  # sheet, rule, cell, message


def _check(specs: dict[str, TableSpec]) -> set[Key]:
    sheets = [write_project(s).to_sheet_data() for s in specs.values()]
    result = check_sheets("mutated.xlsx", sheets)
    return {(f.sheet, f.rule, f.cell, f.message) for f in result.findings}


BASE: set[Key] | None = None


def _base() -> set[Key]:
    global BASE
    if BASE is None:
        BASE = _check(seeds())
    return BASE


Mutation = Callable[[TableSpec], TableSpec]

CASES: list[tuple[str, str, Mutation, set[tuple[str, str]], set[tuple[str, str]]]] = [
    # a number in a sum
    (
        "sum: 中央资金 no longer in 转移 total",
        "事业管理费",
        lambda s: change(s, money={"transfer_central": 5}),
        {("FUND004", "F8")},
        set(),
    ),
    (
        "sum: 财政拨款 off by 10",
        "经办人员培训",
        lambda s: change(s, money={"local_appropriation": 18}),
        {("FUND003", "C8"), ("FUND005", "E7")},
        set(),
    ),
    (
        "sum: 项目总额 off by 1",
        "社保卡补换卡",
        lambda s: change(s, money={"total": 81}),
        {("FUND002", "C7"), ("COST001", "C7")},
        set(),
    ),  # the stated 80万元 still equals 年度资金总额
    # a year in a 时效 value
    (
        "year: 时效 back to last year",
        "经办人员培训",
        lambda s: set_value(s, "培训班结业时间", "2025年12月"),
        {("TIME001", "E19")},
        set(),
    ),
    (
        "year: leftover fixed",
        "事业管理费",
        lambda s: set_value(s, "项目完成时间", "2026年12月"),
        set(),
        {("TIME001", "E35")},
    ),
    (
        "year: 时效 beyond the budget year",
        "经办人员培训",
        lambda s: set_value(s, "培训班结业时间", "2027年6月"),
        {("TIME002", "E19")},
        set(),
    ),
    # a quantity in the narrative
    (
        "narrative: 4台 → 5台",
        "社保卡补换卡",
        lambda s: goal_replace(s, "制卡机耗材4台", "制卡机耗材5台"),
        {("NARR002", "C12")},
        set(),
    ),
    (
        "narrative: 248套 fixed",
        "社保卡补换卡",
        lambda s: goal_replace(s, "248套", "250套"),
        set(),
        {("NARR002", "C12")},
    ),
    # a comparator
    (
        "comparator: ≥ → ≤ on a satisfaction",
        "退休人员档案",
        lambda s: set_value(s, "使用人员满意度", "≤95%"),
        {("VAL005", "E28")},
        set(),
    ),
    (
        "comparator: added where missing",
        "事业管理费",
        lambda s: set_value(s, "社保待遇领取人员满意度", "≥95%"),
        set(),
        {("VAL004", "E60")},
    ),
    (
        "comparator: ≤ on a response time removed",
        "信息系统维护",
        lambda s: set_value(s, "系统故障修复响应时间", "1小时"),
        {("VAL004", "E25")},
        set(),
    ),
    # a unit
    (
        "unit: % dropped from a rate",
        "信息系统维护",
        lambda s: set_value(s, "全区社保各系统正常运行率", "100"),
        {("VAL001", "E22"), ("VAL006", "E22")},
        set(),
    ),
    (
        "unit: 台 → 套 on a counted item",
        "社保卡补换卡",
        lambda s: set_value(s, "社保卡制卡机服务耗材", "4套"),
        {("COST004", "E14")},
        set(),
    ),  # the 4.9万元/台 price still finds a 4台 quantity
    # names
    (
        "name: typo fixed",
        "信息系统维护",
        lambda s: set_name(s, "运费安全审计", "运维安全审计、终端威胁防御系统、日志收集分析等网络安全设备及系统购置费"),
        set(),
        {("COST005", "C34")},
    ),
    (
        "name: duplicate resolved",
        "信息系统维护",
        lambda s: set_value(s, "参保群众对社保服务信息化的满意度", "≥95%"),
        {("IND010", "C41")},
        {("IND009", "E41")},
    ),
]


@pytest.mark.parametrize(("title", "sheet", "mutate", "added", "removed"), CASES, ids=[c[0] for c in CASES])
def test_one_change_one_finding(
    title: str, sheet: str, mutate: Mutation, added: set[tuple[str, str]], removed: set[tuple[str, str]]
) -> None:
    specs = seeds()
    specs[sheet] = mutate(specs[sheet])
    after = _check(specs)
    base = _base()
    assert {(r, c) for s, r, c, _ in after - base if s == sheet} == added, title
    assert {(r, c) for s, r, c, _ in base - after if s == sheet} == removed, title
    assert {k for k in after ^ base if k[0] != sheet} == set(), "another sheet changed"
