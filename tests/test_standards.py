"""The expenditure standards as data: the shipped table, reading a department's own, which line applies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.rulekit import findings, insert, seed
from xladdin.layout import IndicatorSpec
from xladdin.standards import applicable, central, classify, in_effect, parse_csv, parse_rows, per_units

DOCUMENT = re.compile(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号")  # 财行〔2016〕540号
NOTES = Path(__file__).resolve().parent.parent.parent / "shared" / "notes" / "expense_standards.json"


def test_every_shipped_line_says_where_it_comes_from_and_how_sure_it_is() -> None:
    lines = central().lines
    assert len(lines) == 20 and central().problems == ()
    for line in lines:
        assert line.source and line.confidence[:1] in "ABC" and line.jurisdiction, line
        assert line.date or "不是公布的数字" in line.source, line  # only the derived sums have no date
        assert line.limit > 0 and "/" in line.unit


@pytest.mark.skipif(not NOTES.exists(), reason="the shared notes are not beside the repository")
def test_the_shipped_table_is_the_notes_figures() -> None:
    """Each shipped figure is a figure of the notes, with its document and confidence; none superseded."""
    entries = json.loads(NOTES.read_text(encoding="utf-8"))
    for line in central().lines:
        docs = set(DOCUMENT.findall(line.source))
        same = [
            e
            for e in entries
            if e["limit"] == line.limit
            and e["category"] in (line.category, "培训费")
            and (docs & set(DOCUMENT.findall(e["source"])) or (not docs and e["source"].startswith("arithmetic")))
        ]
        assert same, line
        assert any(e["confidence"].startswith(line.confidence) for e in same), line
        assert all(e.get("superseded_by") in (None, "none found") for e in same if e["source"] in line.source), line
    sourced_central = [
        e
        for e in entries
        if e["limit"] is not None
        and e["scope"]["jurisdiction"].startswith(("中央和国家机关", "中央财政科研项目 ("))
        and e.get("superseded_by") in (None, "none found")
        and e["category"] in ("培训费", "会议费", "差旅费", "专家咨询费")
        and e["unit"] != "人"
    ]
    assert len(sourced_central) == len(central().lines)  # none left out


def test_a_cost_row_is_recognised_by_its_name_and_unit() -> None:
    per = per_units
    assert classify("区内三类培训费定额", per("元/人/天")) == ("培训费", "综合定额")
    assert classify("培训场地租赁费", per("元/间")) is None  # the venue: not a quota
    assert classify("培训班讲师课时费", per("元/人")) is None  # per person, not per 学时: nothing to compare
    assert classify("正高级专家讲课费", per("元/学时")) == ("讲课费", "")  # any 讲课费 line, by title
    assert classify("社保经办审计专家差旅费成本", per("元/人/天")) == ("差旅费", "住宿费＋伙食补助费＋市内交通费")
    assert classify("社保卡立法专家工作费", per("元/天/人")) == ("专家咨询费", "")
    assert classify("关键信息基础设施风险评估、攻防演练及定期安全巡检费", per("元/人/天")) is None
    assert classify("二类会议综合定额", per("元/人/天")) == ("会议费", "综合定额")
    assert classify("处级住宿费", per("元/间/天")) == ("差旅费", "住宿费")


def test_the_line_that_applies_and_the_most_generous_when_unstated() -> None:
    lines = central().lines
    three, stated = applicable(lines, "培训费", "综合定额", per_units("元/人/天"), "区内三类培训费定额")
    assert stated and [ln.limit for ln in three] == [550]
    every, stated = applicable(lines, "培训费", "综合定额", per_units("元/人/天"), "培训费定额")
    assert not stated and sorted(ln.limit for ln in every) == [550, 650, 760]
    meeting, stated = applicable(lines, "会议费", "综合定额", per_units("元/人/天"), "三类会议费")
    assert stated and [ln.limit for ln in meeting] == [550]  # the 三、四类 line


@pytest.mark.parametrize(
    ("name", "value", "fires"),
    [
        ("二类会议综合定额", "700元/人/天", True),
        ("二类会议综合定额", "600元/人/天", False),
        ("正高级专家讲课费", "1200元/学时", True),
        ("正高级专家讲课费", "900元/学时", False),
        ("讲课费", "1200元/学时", False),  # no title: ≤ 1500 for 院士, the most generous
        ("处级人员住宿费", "400元/间/天", True),  # 其他人员 350
        ("住宿费", "400元/间/天", False),  # no level: ≤ 800 for 部级
    ],
)
def test_std001_across_the_kinds_of_expense(name: str, value: str, fires: bool) -> None:
    from tests.test_rules_workbook import check

    spec = insert(seed("经办人员培训"), "培训场地租赁费", IndicatorSpec("产出指标", "成本指标", name, value))
    result = check([spec], select=["STD001"])
    assert [f.rule for f in result.findings] == (["STD001"] if fires else []), (name, value)
    assert findings(spec, "STD001") == []  # a workbook rule: nothing when one table is checked alone


def test_a_local_layer_replaces_the_central_lines_of_its_kind_only() -> None:
    local = parse_csv("类别,项目,分类,单位,限额\n培训费,综合定额,三类培训,元/人/天,650\n", "文件“本地.csv”")
    lines = in_effect([central(), local])
    assert [ln.limit for ln in lines if ln.category == "培训费"] == [650]
    assert len([ln for ln in lines if ln.category == "会议费"]) == 3


def test_rows_that_cannot_be_read_are_named_and_left_out() -> None:
    assert parse_rows([["标题"], ["甲", "乙"]], "工作表“x”").problems[0][1].startswith("工作表“x”中找不到表头")
    t = parse_rows(
        [["类别", "项目", "单位", "限额"], ["培训费", "综合定额", "元每人", 1], ["会议费", "综合定额", "元/人/天", ""]],
        "f",
    )
    assert [m for _, m in t.problems] == ["f中第2行缺少类别、项目或单位（单位应写成如“元/人/天”），这一行未使用。"]
    assert t.lines == ()  # the row without a limit is a figure not found, not a problem
