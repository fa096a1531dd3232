"""Cost (COST) and narrative (NARR) rules on the cost engine."""

from __future__ import annotations

from tests.rulekit import findings, goal_replace, insert, project, seed, set_name, set_value, value_cell
from xladdin.layout import IndicatorSpec
from xladdin.similarity import near_miss

CARD = "社保卡补换卡"


def test_cost001_sum_of_lines_differs_from_total() -> None:
    spec = set_value(seed(CARD), "社保卡制卡机服务费", "5万元/台")
    fs = findings(spec, "COST001")
    assert [(f.cell, f.severity) for f in fs] == [("C7", "error")]
    assert "80.4" in fs[0].message and "80" in fs[0].message


def test_cost001_silent_when_the_table_adds_up() -> None:
    for sheet, spec in __import__("tests.rulekit").rulekit.seeds().items():
        assert findings(spec, "COST00[1-4]") == [], sheet  # every 2026 table explains its 项目总额


def test_cost002_gap_with_an_assumed_period_is_a_warning() -> None:
    spec = set_value(seed("信息系统维护"), "各社会保险业务系统驻场维护费", "1.3万元/月/人")
    fs = findings(spec, "COST00[1-4]")
    assert [(f.rule, f.cell, f.severity) for f in fs] == [("COST002", "C7", "warning")]
    assert "12个月" in fs[0].message


def test_cost003_price_without_quantity() -> None:
    spec = insert(seed(CARD), "社保交通卡服务费", IndicatorSpec("产出指标", "成本指标", "宣传海报印制费", "3元/幅"))
    fs = findings(spec, "COST003")
    assert [f.cell for f in fs] == [value_cell(spec, "宣传海报印制费")]


def test_cost004_quantity_without_price_is_info() -> None:
    spec = insert(seed(CARD), "社保交通卡服务耗材", IndicatorSpec("产出指标", "数量指标", "宣传活动", "3场"))
    fs = findings(spec, "COST004")
    assert [(f.cell, f.severity) for f in fs] == [(value_cell(spec, "宣传活动"), "info")]
    assert findings(seed(CARD), "COST004") == []


def test_cost005_typo_between_cost_and_quantity_name() -> None:
    fs = findings(seed("信息系统维护"), "COST005")
    assert [(f.cell, f.severity) for f in fs] == [("C34", "warning")]
    assert "“运费”应为“运维”" in fs[0].message


def test_cost005_silent_once_fixed_and_on_deliberate_differences() -> None:
    spec = set_name(
        seed("信息系统维护"), "运费安全审计", "运维安全审计、终端威胁防御系统、日志收集分析等网络安全设备及系统购置费"
    )
    assert findings(spec, "COST005") == []
    assert near_miss("色带套件服务费", "色带套件费服务耗材") is None
    assert near_miss("社保经办审计专家差旅费成本", "社保经办审计专家人数") is None
    assert near_miss("运费安全审计终端设备", "运维安全审计终端设备") == ("运费", "运维")


def test_cost005_points_at_the_quantity_when_its_spelling_is_the_rare_one() -> None:
    spec = set_name(
        seed("信息系统维护"), "运费安全审计", "运维安全审计、终端威胁防御系统、日志收集分析等网络安全设备及系统购置费"
    )
    spec = set_name(
        spec,
        "运维安全审计、终端威胁防御系统、日志收集分析等网络安全设备及系统",
        "运为安全审计、终端威胁防御系统、日志收集分析等网络安全设备及系统",
    )
    fs = findings(spec, "COST005")
    assert [f.cell for f in fs] == ["C21"]


# --------------------------------------------------------------------------- narrative


def test_narr001_numbering_gap_in_the_published_table() -> None:
    fs = findings(seed("事业管理费"), "NARR001")
    assert [(f.cell, f.severity) for f in fs] == [("C12", "warning")]
    assert "从9直接跳到11" in fs[0].message


def test_narr001_silent_when_numbered_in_order() -> None:
    spec = goal_replace(seed("事业管理费"), "11.社保业务档案", "10.社保业务档案")
    spec = goal_replace(spec, "12.法律顾问", "11.法律顾问")
    assert findings(spec, "NARR001") == []


def test_narr002_narrative_quantity_disagrees_and_money_says_which_side() -> None:
    fs = findings(seed(CARD), "NARR002")
    assert [(f.cell, f.severity) for f in fs] == [("C12", "error")]
    assert "「色带套件费服务耗材」为250套" in fs[0].message and "248套" in fs[0].message
    assert "45.912" in fs[0].message


def test_narr002_silent_when_narrative_agrees() -> None:
    assert findings(goal_replace(seed(CARD), "248套", "250套"), "NARR002") == []


def test_narr002_points_at_the_indicator_when_the_money_backs_the_narrative() -> None:
    # Narrative 4台 × 4.9万元 = 19.6万元 as stated; the indicator says 5台.
    spec = set_value(seed(CARD), "社保卡制卡机服务耗材", "5台")
    fs = [f for f in findings(spec, "NARR002") if "制卡机" in f.message]
    assert [f.cell for f in fs] == ["E14"] and "19.6" in fs[0].message


def test_narr003_inline_formula_does_not_compute() -> None:
    spec = goal_replace(seed("退休人员档案"), "*3年=198万元", "*3年=199万元")
    fs = findings(spec, "NARR003")
    assert [(f.cell, f.severity) for f in fs] == [("C12", "error")] and "198" in fs[0].message
    assert findings(seed("退休人员档案"), "NARR003") == []


def test_narr004_stated_total_disagrees() -> None:
    spec = goal_replace(seed("信息系统维护"), "计划支付400万元", "计划支付410万元")
    assert [f.cell for f in findings(spec, "NARR004")] == ["C12"]
    assert findings(seed("信息系统维护"), "NARR004") == []
    assert findings(seed("基本户资金"), "NARR004") == []  # 110万元 = 项目总额 even with 年度资金总额 0


def test_narr005_item_amounts_do_not_add_up() -> None:
    spec = goal_replace(seed("经办人员培训"), "培训班9.61万", "培训班9.71万")
    fs = findings(spec, "NARR005")
    assert [(f.cell, f.severity) for f in fs] == [("C12", "error")] and "28.1" in fs[0].message
    for sheet in ("信息系统维护", CARD, "经办人员培训", "事业管理费"):
        assert findings(seed(sheet), "NARR005") == [], sheet


def test_narr006_markup_left_in_the_goal() -> None:
    fs = findings(seed("退休人员档案"), "NARR006")
    assert [(f.cell, f.severity) for f in fs] == [("C12", "warning")] and "<p>" in fs[0].message
    assert findings(seed(CARD), "NARR006") == []


def test_narr007_item_amount_differs_from_its_cost_line() -> None:
    spec = goal_replace(seed(CARD), "服务费19.6万元", "服务费19.9万元")
    p = project(spec)
    fs = findings(p, "NARR007")
    assert [f.cell for f in fs] == ["C12"] and "19.9" in fs[0].message and "19.6" in fs[0].message
    assert findings(seed(CARD), "NARR007") == []
