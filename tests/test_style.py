"""The style, validation and notice plans as plain data, on the published layout and on drift."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import pytest

from xladdin.layout import IndicatorSpec, TableSpec, read_project, write_project
from xladdin.model import Merge, SheetData, parse_ref
from xladdin.publish import opening_notice, signature_of
from xladdin.style import (
    LINE_EM,
    MAX_ROW_HEIGHT,
    count_lines,
    money_format,
    plan_project,
    text_width_em,
)
from xladdin.validation_lists import ATTRIBUTE_VALUES, level2_lists, lists_sheet, plan_validations


def spec(**changes) -> TableSpec:
    base = TableSpec(
        sheet="测试项目",
        year=2026,
        name="测试项目名称",
        department="自治区人力资源和社会保障厅",
        unit="自治区社会保险事业管理局本级",
        attribute="经常性项目",
        period="1年",
        money={
            "total": 45.912000000001,
            "annual": 45.912000000001,
            "local_total": 45.912,
            "local_appropriation": 45.912,
            "local_other": 0,
            "local_carryover": 0,
            "transfer_total": 0,
            "transfer_central": 0,
            "transfer_regional": 0,
        },
        goal="本项目用于测试。",
        indicators=(
            IndicatorSpec("产出指标", "数量指标", "驻场维护工作人员", "18人"),
            IndicatorSpec("产出指标", "数量指标", "服务器", "12台"),
            IndicatorSpec("产出指标", "成本指标", "驻场维护费", "1.2万元/月/人"),
            IndicatorSpec("效益指标", "社会效益", "系统正常运行率", "≥95%"),
            IndicatorSpec("满意度指标", "服务对象满意度", "参保群众满意度", "≥90%"),
        ),
    )
    return dataclasses.replace(base, **changes)


def sheet_of(s: TableSpec, merges: bool = True, shift: int = 0) -> SheetData:
    data = write_project(s).to_sheet_data()
    rows = [[None] * 6 for _ in range(shift)] + [list(r) for r in data.rows]
    ms = tuple(Merge(m.min_row + shift, m.min_col, m.max_row + shift, m.max_col) for m in data.merges) if merges else ()
    return SheetData(data.name, rows, ms)


def plan_of(sheet: SheetData):
    p = read_project(sheet)
    assert p is not None
    return p, plan_project(sheet, p)


# --------------------------------------------------------------------------- measuring


def test_money_format_keeps_the_decimals_the_amount_has_without_float_noise():
    assert money_format(400) == "#,##0"
    assert money_format(400.0) == "#,##0"
    assert money_format(45.912000000001) == "#,##0.000"
    assert money_format(0.21) == "#,##0.00"
    assert money_format(19.6) == "#,##0.0"
    assert money_format("400万元") is None  # text stays as typed
    assert money_format("='信息系统维护'!C7") == "#,##0.00"


def test_cjk_is_twice_as_wide_as_digits_and_comparators_count_full():
    assert text_width_em("社会保险") == 4
    assert text_width_em("2026") == pytest.approx(4 * 0.55)
    assert text_width_em("≥") == 1


@pytest.mark.parametrize("n", [1, 10, 50, 333])
def test_lines_grow_with_text_and_shrink_with_width(n):
    text = "社" * n
    narrow = count_lines(text, 150, 11)
    wide = count_lines(text, 600, 11)
    assert wide <= narrow
    per_line_narrow = (150 - 6) * 0.95 / (11 * 96 / 72)
    assert narrow == max(1, math.ceil(n / per_line_narrow))
    assert count_lines(text + "\n" + text, 600, 11) == 2 * wide


# --------------------------------------------------------------------------- project plans


def test_print_setup_is_a4_portrait_one_page_wide_with_the_indicator_header_repeated():
    p, plan = plan_of(sheet_of(spec()))
    ps = plan.print_setup
    assert (ps.paper, ps.orientation, ps.fit_width, ps.fit_height) == ("A4", "portrait", 1, 0)
    assert ps.title_rows == (p.header_row, p.header_row)
    assert ps.print_area == f"A1:F{p.last_row}"
    assert ps.center_horizontally
    assert "&P" in ps.footer


def test_widths_fit_a4_portrait():
    _, plan = plan_of(sheet_of(spec()))
    total_px = sum(w * 7 for w in plan.column_widths.values())
    printable_px = (8.27 - 2 * plan.print_setup.margins.left) * 96
    assert set(plan.column_widths) == {1, 2, 3, 4, 5, 6}
    assert total_px <= printable_px * 1.02


def test_roles_labels_bold_narrative_top_left_money_formatted():
    p, plan = plan_of(sheet_of(spec()))
    assert plan.cells[parse_ref(p.labels["name"])].font.bold
    assert not plan.cells[parse_ref(p.name.cell)].font.bold
    goal = plan.cells[parse_ref(p.goal.cell)]
    assert (goal.horizontal, goal.vertical, goal.wrap) == ("left", "top", True)
    assert plan.cells[parse_ref(p.money.total.cell)].number_format == "#,##0.000"
    assert plan.cells[parse_ref(p.money.local_other.cell)].number_format == "#,##0"
    header = plan.cells[(p.header_row, 1)]
    assert header.font.bold and header.border
    title = plan.cells[parse_ref(p.title.cell)]
    assert title.font.size > header.font.size and not title.border


def test_missing_merges_are_added_as_published_and_never_over_a_value():
    merged = sheet_of(spec())
    bare = sheet_of(spec(), merges=False)
    _, plan = plan_of(bare)
    planned = {m.ref for m in plan.merges}
    published = {m.ref for m in merged.merges}
    for ref in ("A1:F1", "A2:F2", "C4:F4", "C14:D14", "E14:F14", "A14:A16", "B14:B15", "C12:F12"):
        assert ref in published and ref in planned, ref
    for m in plan.merges:
        covered = [(r, c) for r in range(m.min_row, m.max_row + 1) for c in range(m.min_col, m.max_col + 1)]
        assert all(bare.value(r, c) in (None, "") for r, c in covered[1:]), m.ref
    # nothing to add when the sheet already has the published merges
    _, again = plan_of(merged)
    assert again.merges == []


def test_a_sheet_with_rows_inserted_is_planned_from_where_its_cells_are():
    p, plan = plan_of(sheet_of(spec(), shift=2))
    assert p.header_row == 15
    assert plan.print_setup.title_rows == (15, 15)
    assert plan.print_setup.print_area == f"A1:F{p.last_row}"
    assert plan.cells[parse_ref(p.labels["goal"])].font.bold
    assert plan.cells[(15, 5)].font.bold  # 指标值 header


def test_row_heights_follow_the_text():
    long_name = "服务器、数据库、入侵防御系统、上网行为管理等核心软件及其配套的运维服务费用" * 2
    rows = (
        IndicatorSpec("产出指标", "数量指标", long_name, "12套"),
        IndicatorSpec("产出指标", "数量指标", "短", "1套"),
    )
    p, plan = plan_of(sheet_of(spec(indicators=rows)))
    first, second = p.indicators[0].row, p.indicators[1].row
    assert plan.row_heights[first] >= 3 * 11 * LINE_EM
    assert plan.row_heights[second] < plan.row_heights[first]


def test_a_long_narrative_is_set_smaller_and_a_huge_one_is_reported():
    p, plan = plan_of(sheet_of(spec(goal="本项目" * 300)))
    cell = parse_ref(p.goal.cell)
    assert plan.cells[cell].font.size < 11
    assert plan.overflow == []
    assert plan.row_heights[cell[0]] <= MAX_ROW_HEIGHT
    p, plan = plan_of(sheet_of(spec(goal="本项目" * 1500)))
    assert [ref for ref, _ in plan.overflow] == [p.goal.cell]


# --------------------------------------------------------------------------- validation


def test_list_sheet_has_a_named_range_per_level1_with_its_level2_values():
    ls = lists_sheet()
    columns = dict(ls.columns)
    assert columns["项目属性"] == ATTRIBUTE_VALUES
    assert set(columns["一级指标"]) == {"产出指标", "效益指标", "满意度指标", "成本指标"}
    assert "数量指标" in columns["产出指标"] and "服务对象满意度" in columns["满意度指标"]
    for l1, values in level2_lists().items():
        rng = ls.names[l1]
        first, last = rng.split("!")[1].replace("$", "").split(":")
        assert parse_ref(last)[0] - parse_ref(first)[0] + 1 == len(values)


def test_validation_plan_points_each_level2_block_at_its_own_level1_cell():
    p = read_project(sheet_of(spec()))
    assert p is not None
    rules = plan_validations(p)
    attr = next(v for v in rules if v.sqref == p.attribute.cell)
    assert attr.kind == "list" and attr.formula == "项目属性列表"
    level2 = [v for v in rules if v.formula and v.formula.startswith("INDIRECT")]
    assert [v.formula for v in level2] == ["INDIRECT($A$14)", "INDIRECT($A$17)", "INDIRECT($A$18)"]
    assert level2[0].sqref == "B14:B16"
    hint = next(v for v in rules if v.kind == "any")
    assert hint.sqref == "E14:E18"
    for example in ("≥95%", "18人", "1.2万元/月/人"):
        assert example in (hint.prompt or "")
    assert len(hint.prompt or "") <= 255 and len(hint.prompt_title or "") <= 32


# --------------------------------------------------------------------------- notice


def test_opening_notice_comes_from_the_projects():
    sheets = [sheet_of(spec(sheet=f"表{i}")) for i in range(3)]
    projects = [read_project(s) for s in sheets]
    n = opening_notice([p for p in projects if p], day=dt.date(2026, 2, 27))
    assert n.title == "自治区社会保险事业管理局本级2026年自治区本级部门项目支出预算绩效目标"
    assert "《中华人民共和国预算法》" in n.paragraph and "宁党发〔2019〕9号" in n.paragraph
    assert n.attachment == "附件：2026年自治区本级部门项目支出预算绩效目标表"
    assert n.signature == "自治区社会保险事业管理局"
    assert n.date == "2026年2月27日"
    other = opening_notice([p for p in projects if p], day=dt.date(2027, 1, 5), unit="某某局", year=2027)
    assert other.title.startswith("某某局2027年") and other.date == "2027年1月5日"
    assert signature_of("本级") == "本级"
