"""The 年度总体绩效目标 scanner on the six published texts and on small made-up ones."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.check import read_projects
from xladdin.files.sources import read_sheets
from xladdin.narrative import scan

from .conftest import WORKBOOK


@pytest.fixture(scope="module")
def goals() -> dict[str, str]:
    ps, _ = read_projects(read_sheets(WORKBOOK))
    return {p.sheet: p.goal.text for p in ps}


@pytest.mark.parametrize(
    ("sheet", "total"),
    [
        ("信息系统维护", 400),
        ("社保卡补换卡", 80),
        ("退休人员档案", 300),
        ("经办人员培训", 28),
        ("事业管理费", 290),
        ("基本户资金", 110),
    ],
)
def test_stated_total(goals, sheet, total):
    n = scan(goals[sheet])
    assert n.total is not None and n.total.wan == total
    assert n.text[n.total.span[0] : n.total.span[1]] == n.total.text


def test_amounts_with_their_context(goals):
    n = scan(goals["信息系统维护"])
    by_wan = {a.wan: a for a in n.line_amounts}
    assert sorted(by_wan) == [26.2, 28.8, 30, 55.8, 259.2]
    assert by_wan[259.2].context.endswith("社会保险信息系统运维项目经费")
    assert by_wan[30].context == "网络安全设备购置项目经费"


def test_generic_context_reaches_back_to_the_item(goals):
    n = scan(goals["社保卡补换卡"])
    service = next(a for a in n.amounts if a.wan == 19.6)
    assert "社保卡制卡机耗材" in service.context
    # "2.1万张" is a quantity, not an amount of 2.1万元
    assert all(a.wan != 2.1 for a in n.amounts)


def test_item_quantity_pairs(goals):
    n = scan(goals["社保卡补换卡"])
    pairs = [(q.label, q.value.number, q.value.unit) for q in n.quantities]
    assert ("社保卡制卡机耗材", 4, "台") in pairs
    assert ("色带套件耗材", 248, "套") in pairs  # the narrative says 248 while the table says 250
    assert ("社保交通卡", 21000, "张") in pairs


def test_inline_formulas_recomputed(goals):
    n = scan(goals["退休人员档案"])
    got = [(f.text, f.computed_wan, f.stated_wan, f.consistent) for f in n.formulas]
    assert got == [
        ("11000箱*60元/箱/年*3年=198万元", pytest.approx(198), 198, True),
        ("(1000+2000+3000)箱*60元/箱/年=36万元", pytest.approx(36), 36, True),
        ("8000册*220元", pytest.approx(176), None, None),
        ("1870人*100元/人/年=18.7万元", pytest.approx(18.7), 18.7, True),
    ]
    # a formula's money factor (220元) is not an amount a cost line may claim
    assert all(a.wan != 0.022 for a in n.line_amounts)


def test_numbering_with_a_gap_and_a_missing_dot(goals):
    n = scan(goals["事业管理费"])
    assert [it.number for it in n.items] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12]
    assert n.numbering_gaps == (10,)
    three = next(it for it in n.items if it.number == 3)
    assert three.text.startswith("3《宁夏社会保险发展年度报告》")
    assert {a.item for a in n.amounts if not a.is_total} == {1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12}


def test_numbered_with_dunhao(goals):
    n = scan(goals["退休人员档案"])
    assert [it.number for it in n.items] == [1, 2, 3]
    assert n.numbering_gaps == ()


def test_years_mentioned(goals):
    years = {y for y, _ in scan(goals["退休人员档案"]).years}
    assert {2019, 2020, 2021, 2023, 2026, 2029} <= years
    assert {y for y, _ in scan(goals["事业管理费"]).years} == {2026}


def test_made_up_text():
    n = scan("2027年计划支付35万元，其中：1、设备购置10万元；2、运维服务20万元；4、培训5万元。100人*50元=1万元。")
    assert n.total is not None and n.total.wan == 35
    assert n.numbering_gaps == (3,)
    assert [a.wan for a in n.line_amounts if not a.in_formula] == [10, 20, 5]
    f = n.formulas[0]
    assert f.computed_wan == pytest.approx(0.5) and f.stated_wan == 1 and f.consistent is False
    assert [y for y, _ in n.years] == [2027]


def test_full_width_and_wan_without_yuan():
    n = scan("共计划支付２８万元，其中甲班７.２万，乙班9.61万。")
    assert n.total is not None and n.total.wan == 28
    assert [a.wan for a in n.line_amounts] == [7.2, 9.61]


@pytest.mark.parametrize("text", ["", "无", "这是一个没有数字的目标。", "<p></p>"])
def test_texts_without_numbers(text):
    n = scan(text)
    assert n.amounts == () and n.total is None and n.formulas == ()


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("0123456789.、,，。；*×=/()万元人天箱年计划支付共计其中费")), max_size=60))
def test_scan_never_raises_and_spans_are_valid(text):
    n = scan(text)
    for a in n.amounts:
        assert text[a.span[0] : a.span[1]] == a.text
    for f in n.formulas:
        assert text[f.span[0] : f.span[1]] == f.text
