"""Header and money rules: each fires on a changed table and stays silent on a correct one."""

from __future__ import annotations

import pytest

from tests.rulekit import change, findings, layout, seed

# --------------------------------------------------------------------------- header


def test_hdr001_missing_field_points_at_its_cell() -> None:
    fs = findings(change(seed("信息系统维护"), unit=""), "HDR001")
    assert [(f.cell, "实施单位" in f.message) for f in fs] == [("E5", True)]


def test_hdr001_silent_on_published_tables() -> None:
    assert all(findings(s, "HDR001") == [] for s in (seed("信息系统维护"), seed("基本户资金")))


def test_hdr002_placeholder() -> None:
    fs = findings(change(seed("社保卡补换卡"), name="XX项目名称"), "HDR002")
    assert [f.cell for f in fs] == ["C4"]
    assert findings(seed("社保卡补换卡"), "HDR002") == []


@pytest.mark.parametrize("value", ["经常性项目", "一次性项目", "新增项目", "延续项目", "上年延续性项目"])
def test_hdr003_form_attributes_are_valid(value: str) -> None:
    assert findings(change(seed("信息系统维护"), attribute=value), "HDR003") == []


def test_hdr003_unknown_attribute() -> None:
    fs = findings(change(seed("信息系统维护"), attribute="临时性支出"), "HDR003")
    assert [f.cell for f in fs] == ["C6"] and "经常性项目" in fs[0].message


@pytest.mark.parametrize("period", ["99年", "3年", "1年", "2026", "2025-2027", "2026年1月-2026年12月", "长期"])
def test_hdr004_valid_periods(period: str) -> None:
    assert findings(change(seed("信息系统维护"), period=period), "HDR004") == []


@pytest.mark.parametrize("period", ["2020-2022", "2028-2026", "明年", "0年"])
def test_hdr004_invalid_periods(period: str) -> None:
    fs = findings(change(seed("信息系统维护"), period=period), "HDR004")
    assert [f.cell for f in fs] == ["E6"]


def test_hdr005_title_year_disagrees_with_budget_year() -> None:
    lay = layout(seed("经办人员培训"))
    lay.cells[(1, 1)] = "2025年宁夏回族自治区部门项目支出预算绩效表"
    fs = findings(lay, "HDR005")
    assert [f.cell for f in fs] == ["A1"] and "2025" in fs[0].message and "2026" in fs[0].message
    assert findings(layout(seed("经办人员培训")), "HDR005") == []


# --------------------------------------------------------------------------- money


@pytest.mark.parametrize(("amount", "cell"), [("四百", "C10"), (-5, "C10")])
def test_fund001_amount_not_a_number_or_negative(amount: object, cell: str) -> None:
    fs = findings(change(seed("信息系统维护"), money={"local_other": amount}), "FUND001")
    assert [f.cell for f in fs] == [cell]


def test_fund001_total_required_and_silent_on_seed() -> None:
    assert [f.cell for f in findings(change(seed("信息系统维护"), money={"total": None}), "FUND001")] == ["C7"]
    assert findings(seed("信息系统维护"), "FUND001") == []


def test_fund002_total_is_local_plus_transfer() -> None:
    fs = findings(change(seed("社保卡补换卡"), money={"total": 81}), "FUND002")
    assert [f.cell for f in fs] == ["C7"] and "80" in fs[0].message
    assert findings(seed("社保卡补换卡"), "FUND002") == []


def test_fund003_local_parts() -> None:
    fs = findings(change(seed("事业管理费"), money={"local_appropriation": 280}), "FUND003")
    assert [f.cell for f in fs] == ["C8"]
    assert findings(seed("基本户资金"), "FUND003") == []  # 0 + 0 + 110 = 110


def test_fund004_transfer_parts() -> None:
    fs = findings(change(seed("事业管理费"), money={"transfer_central": 5}), "FUND004")
    assert [f.cell for f in fs] == ["F8"]
    assert findings(seed("事业管理费"), "FUND004") == []


def test_fund_sums_tolerate_six_decimals() -> None:
    spec = change(
        seed("社保卡补换卡"),
        money={"total": 80.0000001, "local_total": 80.0000001, "annual": 80.0000001, "local_appropriation": 80},
    )
    assert findings(spec, "FUND") == []


def test_fund005_annual_above_total() -> None:
    fs = findings(change(seed("信息系统维护"), money={"annual": 500}), "FUND005")
    assert [f.cell for f in fs] == ["E7"] and "大于项目总额" in fs[0].message


def test_fund005_annual_fits_no_reading_in_an_ongoing_project() -> None:
    fs = findings(change(seed("信息系统维护"), money={"annual": 300}), "FUND005")
    assert [f.cell for f in fs] == ["E7"]


def test_fund005_multi_year_project_may_spend_part_this_year() -> None:
    spec = change(seed("信息系统维护"), period="2026-2028", money={"annual": 150})
    assert findings(spec, "FUND005") == []


def test_fund006_annual_without_carryover_is_a_warning_not_an_error() -> None:
    fs = findings(seed("基本户资金"), "FUND")
    assert [(f.rule, f.severity, f.cell) for f in fs] == [("FUND006", "warning", "E7")]
    assert findings(change(seed("基本户资金"), money={"annual": 110}), "FUND") == []


def _check_tables(*specs_: object) -> list[object]:
    from xladdin.check import check_sheets

    sheets = [layout(s).to_sheet_data() for s in specs_]  # type: ignore[arg-type]
    return check_sheets("x.xlsx", sheets, select=["HDR006"]).findings


def test_hdr006_a_copied_table_left_with_the_same_name() -> None:
    card = seed("社保卡补换卡")
    copy = change(card, sheet="社保卡补换卡（新）", name=" 自治区本级社会保障卡补换卡 ")  # spaces do not make it new
    [f] = _check_tables(card, seed("退休人员档案"), copy)
    assert (f.rule, f.sheet, f.cell) == ("HDR006", "社保卡补换卡（新）", "C4")  # type: ignore[attr-defined]
    assert "与工作表“社保卡补换卡”（C4）的项目名称相同" in f.message  # type: ignore[attr-defined]


def test_hdr006_silent_on_different_names_and_on_empty_ones() -> None:
    card = seed("社保卡补换卡")
    assert _check_tables(card, change(card, sheet="另一张", name="自治区本级社会保障卡补换卡（二期）")) == []
    assert _check_tables(change(card, name=""), change(card, sheet="另一张", name="")) == []  # HDR001's
