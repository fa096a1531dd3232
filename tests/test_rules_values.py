"""Rules about 指标值 (VAL) and time (TIME): fire on a changed value, silent on a good one."""

from __future__ import annotations

import pytest

from tests.rulekit import findings, project, seed, set_name, set_value, value_cell

TRAINING = "经办人员培训"


def _one(sheet: str, name: str, value: str, code: str) -> list[tuple[str, str]]:
    """Findings of ``code`` on the changed cell only."""
    spec = set_value(seed(sheet), name, value)
    cell = value_cell(spec, name)
    return [(f.cell, f.severity) for f in findings(spec, code) if f.cell == cell]


def test_val001_number_without_unit() -> None:
    assert _one(TRAINING, "参训学员满意度", "98", "VAL001") == [("E28", "warning")]
    assert _one(TRAINING, "参训学员满意度", "98%", "VAL001") == []


@pytest.mark.parametrize("value", ["105%", "≥120%", "千分之一千五"])
def test_val002_percent_out_of_range(value: str) -> None:
    assert _one(TRAINING, "参训学员满意度", value, "VAL002") == [("E28", "error")]


def test_val002_silent_within_range() -> None:
    assert _one(TRAINING, "参训学员满意度", "≥98%", "VAL002") == []


def test_val003_at_least_100_percent() -> None:
    assert _one(TRAINING, "培训内容契合率", "≥100%", "VAL003") == [("E18", "warning")]
    assert _one(TRAINING, "培训内容契合率", "＝100%", "VAL003") == []


def test_val004_missing_comparator_on_satisfaction_and_lower_is_better() -> None:
    fs = findings(seed(TRAINING), "VAL004")
    sat = next(f for f in fs if f.cell == "E28")
    assert sat.severity == "warning" and "≥98%" in sat.message
    card = findings(seed("社保卡补换卡"), "VAL004")
    by_cell = {f.cell: f.message for f in card}
    assert "≤千分之五" in by_cell["E19"] and "≤1.5分钟" in by_cell["E20"]


@pytest.mark.parametrize("value", ["≥98%", "不低于98%", "98%以上", "100%"])
def test_val004_silent_with_comparator_or_full_rate(value: str) -> None:
    assert _one(TRAINING, "参训学员满意度", value, "VAL004") == []


def test_val004_silent_on_bare_prices_and_counts() -> None:
    spec = seed("事业管理费")
    p = project(spec)
    priced_or_counted = {i.value.cell for i in p.indicators if i.level2.text in ("数量指标", "成本指标")}
    assert len(priced_or_counted) == 40
    flagged = {f.cell for f in findings(spec, "VAL004")}
    assert flagged and not flagged & priced_or_counted


@pytest.mark.parametrize(
    ("sheet", "name", "value"),
    [
        (TRAINING, "参训学员满意度", "≤98%"),
        ("社保卡补换卡", "社保卡卡片损坏率", "≥5‰"),
        ("社保卡补换卡", "社保卡制卡时间", "≥1.5分钟"),
        ("社保卡补换卡", "色带套件服务费", "≥1836.48元/套"),
    ],
)
def test_val005_wrong_direction_is_an_error(sheet: str, name: str, value: str) -> None:
    spec = set_value(seed(sheet), name, value)
    assert [(f.cell, f.severity) for f in findings(spec, "VAL005")] == [(value_cell(spec, name), "error")]


def test_val005_silent_on_right_direction() -> None:
    assert _one("社保卡补换卡", "社保卡卡片损坏率", "≤5‰", "VAL005") == []
    assert _one("信息系统维护", "系统故障修复响应时间", "≤1小时", "VAL005") == []


def test_val006_kind_of_value_in_the_published_tables() -> None:
    card = {f.cell: f.message for f in findings(seed("社保卡补换卡"), "VAL006")}
    assert list(card) == ["E26"] and "全部为中小企业" in card["E26"]
    basic = {f.cell: f.message for f in findings(seed("基本户资金"), "VAL006")}
    assert list(basic) == ["E22"] and "满意" in basic["E22"]


@pytest.mark.parametrize(
    ("name", "value"), [("社保卡制卡机服务耗材", "95%"), ("社保卡制卡机服务费", "100%"), ("社保卡卡片损坏率", "很少")]
)
def test_val006_fires_on_wrong_kind(name: str, value: str) -> None:
    spec = set_value(seed("社保卡补换卡"), name, value)
    assert value_cell(spec, name) in [f.cell for f in findings(spec, "VAL006")]


def test_val006_silent_on_matching_kinds() -> None:
    assert findings(seed("经办人员培训"), "VAL006") == []


def test_val007_vague_values() -> None:
    fs = findings(seed("基本户资金"), "VAL007")
    assert [f.cell for f in fs] == ["E18", "E19"]  # 极大减少, 增加
    assert "大幅" in findings(seed("社保卡补换卡"), "VAL007")[0].message


def test_val007_silent_on_checkable_states_and_lasting_effects() -> None:
    spec = set_value(seed("基本户资金"), "减少经济犯罪", "已纳入")
    assert [f.cell for f in findings(spec, "VAL007")] == ["E19"]
    assert findings(seed("基本户资金"), "VAL007")[0].cell != "E21"  # 可持续影响 “长期” is accepted


# --------------------------------------------------------------------------- time


def test_time001_leftover_year_in_the_published_table() -> None:
    fs = findings(seed("事业管理费"), "TIME001")
    assert [(f.cell, f.severity) for f in fs] == [("E35", "error")]
    assert "2025年12月" in fs[0].message and "2026年12月" in fs[0].message


def test_time001_silent_inside_the_budget_year() -> None:
    assert findings(set_value(seed("事业管理费"), "项目完成时间", "2026年12月"), "TIME001") == []
    assert findings(seed(TRAINING), "TIME") == []


def test_time002_later_year_is_a_warning() -> None:
    fs = findings(seed("退休人员档案"), "TIME002")
    assert [(f.cell, f.severity) for f in fs] == [("E19", "warning")]
    assert findings(set_value(seed("退休人员档案"), "项目完成时间", "2026-12-31"), "TIME002") == []


def test_time003_deadline_missing() -> None:
    assert [f.cell for f in findings(seed("基本户资金"), "TIME003")] == ["E16"]
    assert findings(set_value(seed("基本户资金"), "历年滚存", "2026年12月底前"), "TIME003") == []


def test_time004_old_year_in_an_indicator_name() -> None:
    spec = set_name(seed("退休人员档案"), "2026年需数字化的人事档案", "2025年需数字化的人事档案")
    assert [f.cell for f in findings(spec, "TIME004")] == ["C14"]
    assert findings(seed("退休人员档案"), "TIME004") == []


def test_val008_name_promises_a_unit_the_value_does_not_have() -> None:
    fs = findings(seed("事业管理费"), "VAL008")
    assert [(f.cell, f.severity) for f in fs] == [("C31", "warning")]  # 人数及天数 = 2人*10次
    assert "天数" in fs[0].message and "次" in fs[0].message


def test_val008_silent_when_units_match() -> None:
    spec = set_value(seed("事业管理费"), "专项稽核业务人数及天数", "2人*10天")
    assert findings(spec, "VAL008") == []
    assert findings(seed(TRAINING), "VAL008") == []  # 9天*50人, 7人, 4天


# --------------------------------------------------------------------------- fixes


def _fix(sheet: str, name: str, value: str, code: str) -> tuple[str, str, bool] | None:
    """The fix of ``code``'s finding on the changed cell: (old, new, safe), or None."""
    spec = set_value(seed(sheet), name, value)
    cell = value_cell(spec, name)
    fs = [f for f in findings(spec, code) if f.cell == cell]
    assert len(fs) == 1, fs
    fix = fs[0].fix
    if fix is None:
        return None
    assert fix.cell == cell
    return (str(fix.old), str(fix.new), fix.safe)


@pytest.mark.parametrize(
    ("name", "value", "new"),
    [
        ("参训学员满意度", "98%", "≥98%"),  # higher is better
        ("培训内容契合率", "95%", "≥95%"),
    ],
)
def test_val004_fix_adds_the_comparator_the_message_asks_for(name: str, value: str, new: str) -> None:
    assert _fix(TRAINING, name, value, "VAL004") == (value, new, True)


def test_val004_fix_on_lower_is_better() -> None:
    assert _fix("社保卡补换卡", "社保卡卡片损坏率", "千分之五", "VAL004") == ("千分之五", "≤千分之五", True)
    assert _fix("社保卡补换卡", "社保卡制卡时间", "1.5分钟", "VAL004") == ("1.5分钟", "≤1.5分钟", True)


def test_val004_no_fix_when_the_direction_is_unknown() -> None:
    # "电子化支付 90%": the checker cannot tell which way is better, so it offers no correction
    fs = [f for f in findings(seed("基本户资金"), "VAL004") if f.cell == "E20"]
    assert len(fs) == 1 and fs[0].fix is None and fs[0].expected == "≥ / ≤ / ＝"


@pytest.mark.parametrize("value", ["≥100%", ">=100%", "＞100%"])
def test_val003_fix_replaces_the_comparator(value: str) -> None:
    assert _fix(TRAINING, "培训内容契合率", value, "VAL003") == (value, "＝100%", True)


def test_val003_no_fix_when_the_comparator_is_words() -> None:
    assert _fix(TRAINING, "培训内容契合率", "不低于100%", "VAL003") is None


def test_time001_fix_is_unsafe() -> None:
    fs = findings(seed("事业管理费"), "TIME001")
    assert [(f.cell, f.fix.new if f.fix else None, f.fix.safe if f.fix else None) for f in fs] == [
        ("E35", "2026年12月", False)
    ]


@pytest.mark.parametrize(("value", "new"), [(">=98%", "≥98%"), ("<=1小时", "≤1小时"), ("=>98%", "≥98%")])
def test_val009_ascii_comparator_is_a_hint_with_a_safe_fix(value: str, new: str) -> None:
    spec = set_value(seed(TRAINING), "参训学员满意度", value)
    fs = [f for f in findings(spec, "VAL009") if f.cell == "E28"]
    assert [(f.severity, f.fix.new if f.fix else None, f.fix.safe if f.fix else None) for f in fs] == [
        ("info", new, True)
    ]


@pytest.mark.parametrize("value", ["≥98%", "不低于98%", "98%"])
def test_val009_silent_on_full_width_or_words(value: str) -> None:
    assert _one(TRAINING, "参训学员满意度", value, "VAL009") == []


def test_rules_declare_the_fixes_they_carry() -> None:
    """A rule whose findings carry fixes says so (docs/rules.md lists it), and only such rules carry them."""
    from tests.rulekit import seeds
    from xladdin.rules import all_rules

    declared = {r.code: r.fix for r in all_rules()}
    seen: set[tuple[str, bool]] = set()
    for spec in seeds().values():
        for f in findings(spec):
            if f.fix is not None:
                seen.add((f.rule, f.fix.safe))
    assert seen
    for code, safe in seen:
        assert declared[code] == ("safe" if safe else "unsafe"), code


def test_social_cost_is_a_cost_but_not_money() -> None:
    """One home for "what is a cost row": a 社会成本 (2021) row is a cost, stated as a rate,
    so neither the checker nor the cost engine asks it for money."""
    import dataclasses

    from xladdin.costs import explain
    from xladdin.layout import IndicatorSpec

    spec = seed(TRAINING)
    rows = [
        dataclasses.replace(i, level1="成本指标", level2="经济成本指标") if i.level2 == "成本指标" else i
        for i in spec.indicators
    ]
    rows.append(IndicatorSpec("成本指标", "社会成本指标", "对参训人员工作的影响", "≤5%"))
    spec = dataclasses.replace(spec, indicators=tuple(rows))
    p = project(spec)
    social = next(i for i in p.indicators if i.name.text == "对参训人员工作的影响")
    assert [f for f in findings(spec, "VAL006") if f.cell == social.value.cell] == []
    assert social.value.cell not in {u.cell for u in explain(p).unmatched_costs}
    # an economic cost stated as a rate is still asked for money
    rows[-1] = IndicatorSpec("成本指标", "经济成本指标", "对参训人员工作的影响", "≤5%")
    spec = dataclasses.replace(spec, indicators=tuple(rows))
    assert [f.rule for f in findings(spec, "VAL006") if f.cell == social.value.cell] == ["VAL006"]


def test_val005_fix_turns_the_comparator_round_and_is_unsafe() -> None:
    assert _fix(TRAINING, "参训学员满意度", "≤98%", "VAL005") == ("≤98%", "≥98%", False)
    assert _fix("社保卡补换卡", "社保卡卡片损坏率", "≥千分之五", "VAL005") == ("≥千分之五", "≤千分之五", False)
