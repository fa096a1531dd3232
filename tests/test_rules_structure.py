"""Structure rules (IND): hierarchy, coverage, rows, placeholders, duplicates."""

from __future__ import annotations

from tests.rulekit import drop, findings, insert, seed, set_group, set_value, value_cell
from xladdin.layout import IndicatorSpec


def test_ind001_unknown_level1() -> None:
    spec = set_group(seed("经办人员培训"), "参训学员满意度", level1="投入指标")
    fs = findings(spec, "IND001")
    assert len(fs) == 1 and "投入指标" in fs[0].message and fs[0].cell.startswith("A")
    assert findings(seed("经办人员培训"), "IND001") == []


def test_ind002_level2_under_wrong_level1() -> None:
    spec = set_group(seed("经办人员培训"), "减少纸质办公", level2="服务对象满意度")
    fs = findings(spec, "IND002")
    assert len(fs) == 1 and fs[0].cell.startswith("B") and "效益指标" in fs[0].message
    assert findings(seed("经办人员培训"), "IND002") == []


def test_ind002_accepts_the_2021_framework() -> None:
    spec = seed("经办人员培训")
    rows = [
        IndicatorSpec("成本指标", "经济成本指标", i.name, i.value) if i.level2 == "成本指标" else i
        for i in spec.indicators
    ]
    import dataclasses

    spec2021 = dataclasses.replace(spec, indicators=tuple(rows))
    assert findings(spec2021, "IND00") == []


def test_ind003_framework_mixed() -> None:
    spec = insert(
        seed("经办人员培训"), "参训学员满意度", IndicatorSpec("成本指标", "经济成本指标", "培训总成本", "≤28万元")
    )
    fs = findings(spec, "IND003")
    assert len(fs) == 1
    assert findings(seed("经办人员培训"), "IND003") == []


def test_ind004_level1_missing() -> None:
    spec = drop(seed("社保卡补换卡"), lambda i: i.level1 == "满意度指标")
    fs = findings(spec, "IND004")
    assert [f.cell for f in fs] == ["A13"] and "满意度指标" in fs[0].message
    assert findings(seed("社保卡补换卡"), "IND004") == []


def test_ind005_output_groups_missing() -> None:
    spec = drop(seed("社保卡补换卡"), lambda i: i.level2 == "时效指标")
    fs = findings(spec, "IND005")
    assert len(fs) == 1 and "时效指标" in fs[0].message and fs[0].cell == "A14"
    assert findings(seed("社保卡补换卡"), "IND005") == []


def test_ind006_empty_row() -> None:
    spec = insert(seed("信息系统维护"), "项目周期", IndicatorSpec("产出指标", "时效指标", "", ""))
    assert [f.cell for f in findings(spec, "IND006")] == ["C27"]
    assert findings(seed("信息系统维护"), "IND006") == []


def test_ind007_value_missing_and_name_missing() -> None:
    spec = set_value(seed("经办人员培训"), "培训内容契合率", "")
    assert [f.cell for f in findings(spec, "IND007")] == ["E18"]
    spec = insert(seed("经办人员培训"), "培训内容契合率", IndicatorSpec("产出指标", "质量指标", "", "100%"))
    assert [f.cell for f in findings(spec, "IND007")] == ["C19"]
    assert findings(seed("经办人员培训"), "IND007") == []


def test_ind008_placeholders() -> None:
    spec = set_value(seed("经办人员培训"), "参训学员满意度", "≥**%")
    assert [f.cell for f in findings(spec, "IND008")] == [value_cell(spec, "参训学员满意度")]
    assert findings(seed("经办人员培训"), "IND008") == []


def test_ind009_same_indicator_two_targets_in_the_published_table() -> None:
    spec = seed("信息系统维护")
    fs = findings(spec, "IND009")
    assert [(f.cell, f.severity) for f in fs] == [("E41", "error")]
    assert "≥90%" in fs[0].message and "≥95%" in fs[0].message and "E36" in fs[0].message


def test_ind009_silent_when_targets_agree_and_ind010_warns() -> None:
    spec = set_value(seed("信息系统维护"), "参保群众对社保服务信息化的满意度", "≥95%", nth=0)
    assert findings(spec, "IND009") == []
    fs = findings(spec, "IND010")
    assert [(f.cell, f.severity) for f in fs] == [("C41", "warning")]


def test_ind010_silent_for_a_quantity_and_its_cost_with_one_name() -> None:
    # 基本户资金: 数量「自治区社保局基本户资金」1项 and 成本「自治区社保局基本户资金」110万元.
    assert findings(seed("基本户资金"), "IND01") == []
    assert findings(seed("基本户资金"), "IND009") == []
