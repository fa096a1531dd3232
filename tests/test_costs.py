"""The cost engine on the published 2026 tables, on the name variations real tables
have, and on mistakes it must reveal; plus the ``xladdin costs`` command."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xladdin.check import read_projects
from xladdin.commands.cli import main
from xladdin.costs import CostExplanation, explain
from xladdin.files.sources import read_sheets
from xladdin.model import Field, Indicator, Project
from xladdin.similarity import name_similarity as similarity

from .conftest import WORKBOOK

# 项目总额 as published (seed document), not as computed.
PUBLISHED_TOTALS = {
    "信息系统维护": 400,
    "社保卡补换卡": 80,
    "退休人员档案": 300,
    "经办人员培训": 28,
    "事业管理费": 290,
    "基本户资金": 110,
}


@pytest.fixture(scope="module")
def projects() -> dict[str, Project]:
    ps, _ = read_projects(read_sheets(WORKBOOK))
    return {p.sheet: p for p in ps}


def line_named(e: CostExplanation, fragment: str):
    found = [line for line in e.lines if fragment in line.indicator]
    assert len(found) == 1, [line.indicator for line in e.lines]
    return found[0]


def quantities(line) -> list[tuple[float, str, str]]:
    return [(q.value, q.unit, q.indicator) for q in line.quantities]


def with_indicator(p: Project, row: int, name: str | None = None, value: str | None = None) -> Project:
    out = []
    for i in p.indicators:
        if i.row == row:
            i = Indicator(
                i.row,
                i.level1,
                i.level2,
                Field(name if name is not None else i.name.value, i.name.cell),
                Field(value if value is not None else i.value.value, i.value.cell),
            )
        out.append(i)
    return replace(p, indicators=tuple(out))


def row_of(p: Project, fragment: str, group: str) -> int:
    rows = [i.row for i in p.indicators if fragment in i.name.text and group in i.level2.text]
    assert len(rows) == 1
    return rows[0]


# --------------------------------------------------------------------------- the published tables


@pytest.mark.parametrize("sheet", list(PUBLISHED_TOTALS))
def test_every_project_is_explained_within_rounding(projects, sheet):
    e = explain(projects[sheet])
    assert e.total == PUBLISHED_TOTALS[sheet]
    assert e.unexplained is not None and abs(e.unexplained) <= 0.01
    assert e.balanced
    assert not e.unmatched_costs
    assert not e.unmatched_quantities


def test_resident_maintenance_uses_18_people_and_12_months(projects):
    e = explain(projects["信息系统维护"])
    line = line_named(e, "各社会保险业务系统驻场维护费")
    assert quantities(line) == [(18, "人", "社会保险各业务系统类驻场维护工作人员")]
    assert line.quantities[0].cell == "E20"
    assert line.implied == 12
    assert any("12个月" in f for f in line.factors)
    assert line.amount_wan == pytest.approx(1.2 * 18 * 12)
    assert line.narrative_wan == 259.2


def test_risk_assessment_uses_2_people_and_the_52_days_of_the_time_indicator(projects):
    e = explain(projects["信息系统维护"])
    line = line_named(e, "关键信息基础设施风险评估")
    assert [(v, u) for v, u, _ in quantities(line)] == [(2, "人"), (52, "天")]
    assert [q.level2 for q in line.quantities] == ["数量", "时效"]
    assert line.amount_wan == pytest.approx(500 * 2 * 52 / 10000)


def test_system_maintenance_lines_and_mistyped_name(projects):
    e = explain(projects["信息系统维护"])
    # 运费安全审计… (mistyped) still pairs with 运维安全审计… 3台
    line = line_named(e, "运费安全审计")
    assert quantities(line)[0][:2] == (3, "台")
    # 核心软件费 ↔ 核心软件; 驻场运维费 ↔ 驻场运维人员 (1人, 12 months)
    assert quantities(line_named(e, "核心软件费"))[0][:2] == (12, "套")
    staff = line_named(e, "驻场运维费")
    assert quantities(staff)[0][:2] == (1, "人") and staff.amount_wan == pytest.approx(13.2)
    # the narrative states 26.2 for 测评 (21) + 风险评估 (5.2) together
    grouped = line_named(e, "安全等级保护测评费")
    assert grouped.narrative is not None and grouped.narrative.shared
    assert grouped.narrative.amount.wan == 26.2
    assert grouped.narrative_wan is None


def test_card_project_ribbon_line_rounds_to_the_published_amount(projects):
    e = explain(projects["社保卡补换卡"])
    line = line_named(e, "色带套件服务费")
    assert quantities(line)[0][:2] == (250, "套")
    assert line.amount_wan == pytest.approx(45.912)
    assert line.narrative_wan == 45.91  # published to 0.01万元


def test_archive_project_counts_person_visits_as_people_and_says_so(projects):
    e = explain(projects["退休人员档案"])
    query = line_named(e, "档案查询费")
    assert quantities(query)[0][:2] == (1870, "人")
    assert any("人次按人计" in f for f in query.factors)
    assert query.amount_wan == pytest.approx(18.7)
    assert quantities(line_named(e, "托管市场价"))[0][:2] == (11700, "箱")
    assert quantities(line_named(e, "新增档案入库费"))[0][:2] == (5850, "箱")
    assert quantities(line_named(e, "数字化市场价"))[0][:2] == (8000, "册")


def test_training_uses_the_product_quantity(projects):
    e = explain(projects["经办人员培训"])
    line = line_named(e, "区内三类培训费定额")
    assert sorted((v, u) for v, u, _ in quantities(line)) == [(9, "天"), (50, "人")]
    assert line.amount_wan == pytest.approx(20.25)
    travel = line_named(e, "讲师差旅费")
    assert quantities(travel)[0][:2] == (4, "天")


def test_administration_pairs_across_numbered_indicators(projects):
    e = explain(projects["事业管理费"])
    travel = line_named(e, "社保经办审计专家差旅费")
    assert [(v, u) for v, u, _ in quantities(travel)] == [(8, "人"), (35, "天")]
    assert [q.indicator[:3] for q in travel.quantities] == ["指标2", "指标3"]
    sms = line_named(e, "养老保险短信待遇发布费")
    assert quantities(sms)[0][:2] == (812500, "人")
    assert any(f.startswith("条") and "1条" in f for f in sms.factors)
    assert sms.assumed_units == ("条",)
    assert travel.assumed_units == ()
    assert sms.amount_wan == pytest.approx(91)
    line = line_named(e, "社保网络专线租赁费")
    assert quantities(line)[0][:2] == (4, "季度")
    lawyer = line_named(e, "全年法律顾问服务费")
    assert quantities(lawyer)[0][:2] == (5, "人") and lawyer.amount_wan == pytest.approx(5)
    legislation = line_named(e, "社保卡立法专家工作费")
    assert sorted((v, u) for v, u, _ in quantities(legislation)) == [(5, "人"), (20, "天")]


def test_lump_sum_cost_is_its_own_line(projects):
    e = explain(projects["基本户资金"])
    assert len(e.lines) == 1 and e.lines[0].lump_sum
    assert e.lines[0].amount_wan == 110
    assert e.lines[0].quantities[0].unit == "项"


# --------------------------------------------------------------------------- variation and mistakes


def test_spaced_and_ascii_colon_indicator_names_pair_the_same(projects):
    p = projects["事业管理费"]
    before = explain(p)
    changed = p
    for i in p.indicators:
        if i.name.text.startswith("指标"):
            changed = with_indicator(changed, i.row, name=i.name.text.replace("指标", "指标 ").replace("：", ": "))
    after = explain(changed)
    assert [quantities(a)[0][:2] for a in after.lines] == [quantities(b)[0][:2] for b in before.lines]
    assert after.balanced


def test_pairing_does_not_depend_on_row_order(projects):
    p = projects["信息系统维护"]
    qty = [i for i in p.indicators if "数量" in i.level2.text]
    reordered = [
        Indicator(a.row, a.level1, a.level2, b.name, Field(b.value.value, a.value.cell))
        for a, b in zip(qty, reversed(qty), strict=True)
    ]
    others = [i for i in p.indicators if "数量" not in i.level2.text]
    e = explain(replace(p, indicators=tuple(sorted(reordered + others, key=lambda i: i.row))))
    assert e.balanced
    assert quantities(line_named(e, "各社会保险业务系统驻场维护费"))[0][:2] == (18, "人")


def test_a_wrong_quantity_shows_as_unexplained_and_contradicts_the_narrative(projects):
    p = projects["信息系统维护"]
    p = with_indicator(p, row_of(p, "社会保险各业务系统类驻场维护工作人员", "数量"), value="17人")
    e = explain(p)
    assert not e.balanced
    assert e.unexplained == pytest.approx(1.2 * 12)
    line = line_named(e, "各社会保险业务系统驻场维护费")
    assert line.narrative is None
    assert line.narrative_near is not None and line.narrative_near.wan == 259.2


def test_cost_without_quantity_and_quantity_without_cost_are_listed(projects):
    p = projects["社保卡补换卡"]
    p = with_indicator(p, row_of(p, "社保交通卡服务费", "成本"), value="300元/辆")
    e = explain(p)
    assert [u.indicator for u in e.unmatched_costs] == ["社保交通卡服务费"]
    assert [u.indicator for u in e.unmatched_quantities] == ["社保交通卡服务耗材"]
    assert e.unexplained == pytest.approx(13.02)


def test_unparsed_cost_value_is_listed_not_guessed(projects):
    p = projects["社保卡补换卡"]
    p = with_indicator(p, row_of(p, "高拍仪费服务费", "成本"), value="3150元每台左右x")
    e = explain(p)
    assert e.unmatched_costs[0].indicator == "高拍仪费服务费" and e.unmatched_costs[0].reason


def test_a_subtotal_of_stated_amounts_is_not_money_left_unexplained(projects):
    """退休人员档案: “首付款70.2万元及…入库费35.1万元共105.3万元” — 105.3 sums two lines."""
    p = projects["退休人员档案"]
    e = explain(p)
    [sub] = e.narrative_subtotals
    assert sub.amount.wan == 105.3 and [a.wan for a in sub.parts] == [70.2, 35.1]
    lines = {line.narrative_wan for line in e.lines}
    assert {a.wan for a in sub.parts} <= lines  # each part is a matched line
    assert [a.wan for a in e.narrative_unmatched if not a.in_formula] == [198, 36]  # three-year sums stay


def test_an_amount_equal_to_its_neighbours_without_共_is_still_reported(projects):
    """Only a sum introduced by 共/计 is a subtotal: “另付105.3万元” is money of its own."""
    p = projects["退休人员档案"]
    goal = p.goal.text.replace("共105.3万元", "另付105.3万元")
    e = explain(replace(p, goal=Field(goal, p.goal.cell)))
    assert e.narrative_subtotals == ()
    assert 105.3 in [a.wan for a in e.narrative_unmatched]


def test_similarity_prefers_the_matching_name():
    a = "指标2：社保经办审计专家差旅费成本"
    assert similarity(a, "指标3：社保经办审计专家天数") > similarity(a, "指标14：社保卡立法专家人数及差旅费天数")
    assert similarity("指标 2: 社保经办审计专家人数", "指标2：社保经办审计专家人数") == similarity(
        "指标2：社保经办审计专家人数", "指标2：社保经办审计专家人数"
    )


# --------------------------------------------------------------------------- the command


def test_costs_json_follows_the_contract(capsys):
    assert main(["costs", str(WORKBOOK), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"file", "projects"}
    assert [p["sheet"] for p in data["projects"]] == list(PUBLISHED_TOTALS)
    for p in data["projects"]:
        assert set(p) == {
            "sheet",
            "name",
            "total",
            "explained",
            "unexplained",
            "lines",
            "unmatched_costs",
            "unmatched_quantities",
        }
        assert abs(p["unexplained"]) <= 0.01
        for line in p["lines"]:
            assert set(line) == {
                "indicator",
                "cell",
                "unit_cost",
                "quantities",
                "factors",
                "amount_wan",
                "narrative_wan",
            }
            assert all(set(q) == {"indicator", "cell", "value", "unit"} for q in line["quantities"])
            assert all(isinstance(f, str) for f in line["factors"])
        assert sum(line["amount_wan"] for line in p["lines"]) == pytest.approx(p["total"], abs=0.01)


def test_costs_text_reads_per_project(capsys):
    assert main(["costs", str(WORKBOOK)]) == 0
    out = capsys.readouterr().out
    for sheet in PUBLISHED_TOTALS:
        assert f"【{sheet}】" in out
    assert "1.2万元/月/人 × 18人〔E20" in out
    assert out.count("（一致）") == 6


def test_costs_missing_file_is_one_line_exit_2(capsys, tmp_path):
    assert main(["costs", str(tmp_path / "无此文件.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "找不到文件" in err and "Traceback" not in err


def test_costs_output_without_write_is_refused(capsys, tmp_path):
    assert main(["costs", str(WORKBOOK), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "--write" in capsys.readouterr().err


_value_text = st.text(st.sampled_from(list("0123456789.万元/人天月年次箱套*×≥%长期约")), max_size=12)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_explain_never_raises_on_any_values(projects, data):
    p = projects["事业管理费"]
    for i in p.indicators:
        if data.draw(st.booleans()):
            p = with_indicator(p, i.row, value=data.draw(_value_text))
    goal = data.draw(st.text(st.sampled_from(list("0123456789.、，。万元计划支付共计*=/人箱")), max_size=80))
    e = explain(replace(p, goal=Field(goal, p.goal.cell)))
    assert e.explained == pytest.approx(sum(line.amount_wan for line in e.lines))
    assert all(line.row in {i.row for i in p.indicators} for line in e.lines)
    json.dumps(e.as_dict(), ensure_ascii=False)


@pytest.mark.parametrize("sheet", list(PUBLISHED_TOTALS))
def test_the_rules_facts_give_the_same_explanation(projects, sheet):
    """The check hands its per-project facts to the engine instead of letting it redo them."""
    from xladdin.rules import Context
    from xladdin.rules.facts import rows

    p = projects[sheet]
    assert explain(p, rows(Context(p))) == explain(p)
