"""Target (TGT) rules: the numbers behind the numbers, each firing and silent on a published table."""

from __future__ import annotations

from tests.rulekit import change, findings, goal_replace, seed, seeds, set_name, set_value, value_cell
from xladdin.rules.targets import name_target

ARCHIVES = "退休人员档案"
TRAINING = "经办人员培训"


def test_tgt001_a_count_that_is_a_payment_divided_by_the_price() -> None:
    """11700箱 is the 30% down payment 70.2万元 ÷ 60元/箱, 5850箱 the 15% 入库费 35.1万元 ÷ 60元:
    the narrative says 11000箱 are kept and 1000箱 come in a year."""
    fs = findings(seed(ARCHIVES), "TGT001")
    assert [(f.cell, f.severity) for f in fs] == [("E16", "warning"), ("E17", "warning")]
    stored, new = fs[1], fs[0]
    assert "70.2万元" in stored.message and "60元/箱/年" in stored.message and "＝11700箱" in stored.message
    assert "11000箱" in stored.message and stored.expected == "11000箱" and stored.actual == "11700箱"
    assert "35.1万元" in new.message and "「2026年新增档案入库费」" in new.message and new.expected == "1000箱"


def test_tgt001_silent_when_the_narrative_states_the_count_or_on_the_other_tables() -> None:
    spec = goal_replace(seed(ARCHIVES), "主要托管2020年和2021年接收的11000箱", "2026年托管11700箱")
    assert value_cell(spec, "2026年需托管的人事档案") not in {f.cell for f in findings(spec, "TGT001")}
    for sheet, spec in seeds().items():
        if sheet != ARCHIVES:
            assert findings(spec, "TGT001") == [], sheet
    # 250套 vs the narrative's 248套 is a slip of the pen (NARR002's), not a payment turned into a count
    assert findings(seed("社保卡补换卡"), "TGT001") == []


def test_tgt002_a_name_that_carries_another_target() -> None:
    spec = set_value(set_name(seed(TRAINING), "培训内容契合率", "指标1：培训考核合格率100%"), "培训考核合格率", "≥90%")
    fs = findings(spec, "TGT002")
    assert [(f.severity, f.expected, f.actual) for f in fs] == [("warning", "100%", "≥90%")]
    assert "培训考核合格率" in fs[0].message and "年终按哪一个评价" in fs[0].message


def test_tgt002_silent_when_name_and_value_agree() -> None:
    spec = set_value(
        set_name(seed(TRAINING), "培训班讲师人数", "指标2：培训班讲师不少于7人"), "培训班讲师不少于", "≥7人"
    )
    assert findings(spec, "TGT002") == []
    for sheet, spec in seeds().items():
        assert findings(spec, "TGT002") == [], sheet  # 2026年, 指标1：, 12套 in names are no targets
    assert name_target("2026年需数字化的人事档案") is None
    assert name_target("覆盖率达到95%以上") is not None


def test_tgt003_the_whole_projects_deadline_in_an_annual_table() -> None:
    base = change(seed(TRAINING), period="2026-2028年")
    for value in ("2026年11月至2028年10月", "3年", "36个月"):
        spec = set_value(base, "培训班结业时间", value)
        fs = findings(spec, "TGT003")
        assert [(f.cell, f.severity) for f in fs] == [(value_cell(spec, "培训班结业时间"), "warning")], value
        assert "2026-2028年" in fs[0].message and "2026年内" in fs[0].message


def test_tgt003_silent_for_this_years_dates_one_year_projects_and_later_dates() -> None:
    assert findings(change(seed(TRAINING), period="2026-2028年"), "TGT003") == []  # 2026年12月
    one_year = set_value(change(seed(TRAINING), period="2026年"), "培训班结业时间", "3年")
    assert findings(one_year, "TGT003") == []
    later = set_value(change(seed(TRAINING), period="2026-2028年"), "培训班结业时间", "2027年6月")
    assert findings(later, "TGT003") == [] and [f.rule for f in findings(later, "TIME002")] == ["TIME002"]
    for sheet, spec in seeds().items():
        assert findings(spec, "TGT003") == [], sheet  # 项目周期 1年 in a 99年 project is this year's


def test_tgt004_a_quality_that_restates_a_quantity() -> None:
    spec = set_name(seed(TRAINING), "培训内容契合率", "指标1：培训班讲师人数完成率")
    fs = findings(spec, "TGT004")
    assert [(f.severity, f.cell) for f in fs] == [("info", "C18")]
    assert "培训班讲师人数" in fs[0].message and "7人" in fs[0].message


def test_tgt004_silent_on_a_real_quality_target() -> None:
    for sheet, spec in seeds().items():
        assert findings(spec, "TGT004") == [], sheet
    partly = set_value(set_name(seed(TRAINING), "培训内容契合率", "指标1：培训班讲师人数完成率"), "完成率", "≥90%")
    assert findings(partly, "TGT004") == []  # a rate below 100% says something of its own
