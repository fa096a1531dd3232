"""The SELF rules, each where it fires and where it is silent, on the 自评表 of 经办人员培训
filled in as a department would (``tests/selfevalkit.py``), changed one cell at a time."""

from __future__ import annotations

from typing import Any

from tests.selfevalkit import FILLED, selfeval, target
from xladdin.model import Finding
from xladdin.rules import all_rules, select_rules
from xladdin.rules.selfeval import SelfContext, run_selfeval


def found(
    code: str, changes: dict[str, Any] | None = None, paired: bool = True, base: dict | None = None
) -> list[Finding]:
    cells = {**(FILLED if base is None else base), **(changes or {})}
    se = selfeval(cells=cells)
    return run_selfeval(SelfContext(se, target() if paired else None), select_rules(all_rules(), [code]))


def where(fs: list[Finding]) -> list[tuple[str, str]]:
    return [(f.cell, f.severity) for f in fs]


def test_a_filled_selfeval_is_silent_under_every_rule() -> None:
    se = selfeval(cells=FILLED)
    assert run_selfeval(SelfContext(se, target()), all_rules()) == []


# --------------------------------------------------------------------------- SELF001


def test_self001_fires_on_a_missing_actual_and_a_missing_amount_spent() -> None:
    assert where(found("SELF001", {"E14": None})) == [("E14", "warning")]
    fs = found("SELF001", {"F6": None})
    assert where(fs) == [("F6", "warning")] and "全年执行数" in fs[0].message
    assert "评价等级" in found("SELF001", {"E18": None})[0].message


def test_self001_says_once_that_an_untouched_selfeval_is_not_started() -> None:
    fs = found("SELF001", base={})
    assert where(fs) == [("E13", "info")] and "尚未填写" in fs[0].message


def test_self001_is_silent_when_every_actual_is_there() -> None:
    assert found("SELF001") == []


# --------------------------------------------------------------------------- SELF002


def test_self002_fires_on_a_hand_score_above_the_rule_and_warns_below_it() -> None:
    fs = found("SELF002", {"G16": 5})  # 1 of 2 间: 2.50 by the rule
    assert where(fs) == [("G16", "error")] and fs[0].expected == "2.5" and fs[0].actual == "5"
    assert where(found("SELF002", {"G16": 2})) == [("G16", "warning")]
    assert where(found("SELF002", {"I6": 10})) == [("I6", "error")]  # 27.5 of 28: 9.82
    assert where(found("SELF002", {"E14": None, "G14": 5})) == [("G14", "warning")]  # a score without an actual


def test_self002_is_silent_on_formulas_and_on_a_hand_score_equal_to_the_rule() -> None:
    assert found("SELF002") == []
    assert found("SELF002", {"G16": 2.5, "G19": "4.69", "I6": 9.82}) == []


# --------------------------------------------------------------------------- SELF003


def test_self003_fires_on_a_target_changed_after_the_fact() -> None:
    fs = found("SELF003", {"D26": "3%"})
    assert where(fs) == [("D26", "error")] and fs[0].expected == "5%" and "经办人员培训" in fs[0].message


def test_self003_fires_on_a_renamed_a_dropped_indicator_and_a_changed_budget() -> None:
    renamed = found("SELF003", {"C16": "培训教室"})
    assert ("C16", "warning") in where(renamed) and ("C12", "warning") in where(renamed)  # 培训场地 is then missing
    dropped = {f"{c}16": None for c in "CDEFGHIJK"}
    assert where(found("SELF003", dropped)) == [("C12", "warning")]
    assert where(found("SELF003", {"D6": 30})) == [("D6", "error")]


def test_self003_is_silent_on_the_targets_as_set_and_without_a_target_table() -> None:
    assert found("SELF003") == []
    assert found("SELF003", {"D26": "3%"}, paired=False) == []


# --------------------------------------------------------------------------- SELF004


def test_self004_fires_on_a_gap_without_its_reason() -> None:
    fs = found("SELF004", {"I19": None})
    assert where(fs) == [("I19", "warning")] and "4.69" in fs[0].message
    assert where(found("SELF004", {"I13": None})) == [("I13", "warning")]  # 部分达成 is a gap too


def test_self004_is_silent_when_the_target_is_met_or_the_reason_given() -> None:
    assert found("SELF004") == []
    assert found("SELF004", {"I14": None, "E14": 8}) == []


# --------------------------------------------------------------------------- SELF005


def test_self005_fires_on_an_actual_the_rule_cannot_read() -> None:
    other_unit = found("SELF005", {"E14": "7个"})
    assert where(other_unit) == [("E14", "warning")] and "单位" in other_unit[0].message
    assert where(found("SELF005", {"E14": "七人"})) == [("E14", "warning")]
    graded = found("SELF005", {"E18": "已完成"})
    assert where(graded) == [("E18", "warning")] and "达成、部分达成、未达成" in graded[0].message
    no_percent = found("SELF005", {"E17": 97})  # 97 in a 100% row is 9700%
    assert where(no_percent) == [("E17", "warning")] and "%" in no_percent[0].message


def test_self005_is_silent_on_numbers_units_and_grades_as_asked() -> None:
    assert found("SELF005") == []
    assert found("SELF005", {"E14": "7人", "E17": "97%", "E22": 13500}) == []


# --------------------------------------------------------------------------- SELF006


def test_self006_fires_when_more_is_spent_than_budgeted() -> None:
    fs = found("SELF006", {"F6": 30})
    assert where(fs) == [("F6", "error")] and "107.14%" in fs[0].message
    assert where(found("SELF006", {"E6": None, "F6": None, "H6": 1.05})) == [("H6", "error")]


def test_self006_is_silent_within_the_budget() -> None:
    assert found("SELF006") == []
    assert found("SELF006", {"F6": 28, "H6": 1}) == []


# --------------------------------------------------------------------------- SELF007


def test_self007_fires_on_a_total_that_is_not_the_sum() -> None:
    assert where(found("SELF007", {"G28": 95})) == [("G28", "error")]
    assert where(found("SELF007", {"F28": 90})) == [("F28", "error")]


def test_self007_is_silent_on_formulas_and_on_a_typed_total_that_adds_up() -> None:
    assert found("SELF007") == []
    typed = {f"G{r}": 5 for r in range(13, 23)} | {f"G{r}": 7.5 for r in range(23, 27)} | {"G27": 10, "I6": 10}
    assert found("SELF007", {**typed, "G28": 100.0, "F28": 100}) == []


# --------------------------------------------------------------------------- SELF008


def test_self008_fires_on_weights_off_100_and_a_group_label_off_its_rows() -> None:
    fs = found("SELF008", {"F14": 6})
    assert where(fs) == [("F28", "warning")] and "101" in fs[0].message
    assert ("A13", "warning") in where(found("SELF008", {"A13": "产出指标(40分)"}))


def test_self008_is_silent_when_the_weights_add_up() -> None:
    assert found("SELF008") == []
    assert found("SELF008", {"A13": "产出指标（50分）"}) == []


# --------------------------------------------------------------------------- SELF009


def test_self009_fires_on_an_actual_written_as_a_target() -> None:
    assert where(found("SELF009", {"E23": "≥96%"})) == [("E23", "info")]


def test_self009_is_silent_on_actual_values() -> None:
    assert found("SELF009") == []
