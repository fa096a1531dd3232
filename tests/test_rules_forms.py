"""Rules follow the form: each rule that depends on a form's fields or columns fires where the
form asks for something and stays silent where the form does not have it.

The tables are the shapes of ``tests/shapes.py`` (built from ``../shared/notes/layouts.json``),
changed one cell at a time.
"""

from __future__ import annotations

from typing import Any

from tests.shapes import SHAPES
from xladdin.layout import read_project
from xladdin.model import Finding, SheetData
from xladdin.rules import all_rules, run, select_rules


def findings(sheet: SheetData, code: str) -> list[Finding]:
    p = read_project(sheet)
    assert p is not None
    return run(p, select_rules(all_rules(), [code]))


def shape(key: str, cells: dict[str, Any] | None = None) -> SheetData:
    return SHAPES[key].changed(cells or {})


# --------------------------------------------------------------------------- header fields


def test_hdr001_never_asks_for_a_field_the_form_lacks() -> None:
    # D (the 衔接 申报表) has no 项目属性 and no 项目期; H has neither either
    assert findings(shape("D"), "HDR001") == []
    assert findings(shape("H"), "HDR001") == []


def test_hdr001_names_the_field_as_the_form_labels_it() -> None:
    fs = findings(shape("A", {"C3": None}), "HDR001")  # 主管部门及代码 cleared
    assert [f.cell for f in fs] == ["C3"] and "“主管部门及代码”没有填写" in fs[0].message


def _checkbox_form(attribute_cells: list[str]) -> SheetData:
    rows: list[list[Any]] = [
        ["佳县财政支出项目绩效目标申报表 (2026年度)"],
        ["项目名称", "老年人助餐服务"],
        ["项目属性", *attribute_cells],
        ["主管部门", "佳县民政局", "项目实施单位", "佳县民政局"],
        ["项目起止时间", "2026.1-2026.12"],
        ["年度目标", "为全县老年人提供助餐服务。"],
        ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
        ["产出指标", "数量指标", "助餐人数", "≥300人", ""],
        ["效益指标", "社会效益指标", "老年人生活便利程度", "提高", ""],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%", ""],
    ]
    width = max(len(r) for r in rows)
    return SheetData("表", [r + [None] * (width - len(r)) for r in rows])


def test_hdr001_a_checkbox_list_with_nothing_ticked_is_not_filled_in() -> None:
    fs = findings(_checkbox_form(["新增项目 □", "延续项目 □"]), "HDR001")
    assert [f.cell for f in fs] == ["B3"] and "“项目属性”没有勾选" in fs[0].message
    assert findings(_checkbox_form(["新增项目 □", "延续项目 √"]), "HDR001") == []


def test_hdr003_reads_the_ticked_option() -> None:
    assert findings(_checkbox_form(["新增项目 □", "延续项目 √"]), "HDR003") == []
    assert findings(_checkbox_form(["☑新增项目 □延续项目"]), "HDR003") == []
    fs = findings(_checkbox_form(["临时项目 √", "延续项目 □"]), "HDR003")
    assert [f.severity for f in fs] == ["warning"] and "临时项目" in fs[0].message


def test_hdr003_leaves_another_forms_own_list_alone() -> None:
    # G's 项目性质 阶段性项目 and 项目类别 特定目标类 are that form's own options
    assert findings(shape("G"), "HDR003") == []


def test_hdr004_reads_start_and_end_dates() -> None:
    assert findings(shape("G"), "HDR004") == []
    fs = findings(shape("G", {"F5": "2025/12/31"}), "HDR004")
    assert [f.cell for f in fs] == ["C5"] and "开始年份晚于结束年份" in fs[0].message


def test_hdr005_a_form_without_a_year_line_is_not_asked_for_one() -> None:
    assert findings(shape("Q"), "HDR005") == []
    assert [f.cell for f in findings(shape("B", {"A1": "宁夏回族自治区部门项目支出预算绩效表", "A2": None}), "HDR005")]


# --------------------------------------------------------------------------- money


def test_fund001_speaks_the_forms_label_and_unit() -> None:
    fs = findings(shape("G", {"E6": "七亿"}), "FUND001")
    assert [f.cell for f in fs] == ["E6"] and "“项目资金总额”应填数字（单位元）" in fs[0].message
    fs = findings(shape("D", {"D5": None}), "FUND001")
    assert [f.cell for f in fs] == ["D5"] and "“年度资金总额”没有填写" in fs[0].message


def test_fund007_the_forms_own_sums() -> None:
    fs = findings(shape("Q"), "FUND007")  # the component's demo amounts do not add up
    assert [f.cell for f in fs] == ["C6"] and "133333.33万元" in fs[0].message
    for key in ("A", "C", "D", "E", "G", "H"):
        assert findings(shape(key), "FUND007") == [], key


def test_fund007_compares_amounts_in_yuan_after_conversion() -> None:
    fs = findings(shape("G", {"H7": "226,145,000.00"}), "FUND007")
    assert [f.cell for f in fs] == ["H6"]
    assert "226145100元" in fs[0].message and "226145000元" in fs[0].message


def test_fund007_one_cell_listing_the_sources() -> None:
    fs = findings(shape("E", {"B7": "资金总额: 250\n一、预算资金:200\n二、自有资金:0\n三、其他:0"}), "FUND007")
    assert [f.cell for f in fs] == ["B7"] and "预算资金200万元" in fs[0].message


def test_fund_published_sums_stay_silent_on_other_forms() -> None:
    for key in ("A", "C", "D", "E", "G", "H", "Q"):
        for code in ("FUND002", "FUND003", "FUND004", "FUND005", "FUND006"):
            assert findings(shape(key), code) == [], (key, code)


def test_fund005_this_years_column_above_the_whole_projects() -> None:
    fs = findings(shape("C", {"E12": 1000}), "FUND005")
    assert [f.cell for f in fs] == ["E12"] and "当年资金总额1000万元大于资金总额936万元" in fs[0].message


# --------------------------------------------------------------------------- comparator, unit, direction columns


def test_val001_a_unit_in_its_own_column_is_a_unit() -> None:
    fs = findings(shape("H"), "VAL001")
    # only 出差人数, whose 计量单位 is blank in the source; 出差人次 (人/次), 工作任务完成率 (%) are fine
    assert [f.cell for f in fs] == ["G15"] and "“计量单位”一栏没有填写" in fs[0].message
    assert findings(shape("H", {"G15": "人"}), "VAL001") == []


def test_val004_fix_writes_the_comparator_into_its_column() -> None:
    fs = findings(shape("H", {"E17": None}), "VAL004")  # 工作任务完成率 100 % without its =
    assert fs == []  # 100% can only mean one thing
    fs = findings(shape("H", {"E17": None, "F17": "95"}), "VAL004")
    assert [f.cell for f in fs] == ["E17"]
    assert fs[0].fix is not None and (fs[0].fix.cell, fs[0].fix.new) == ("E17", "≥")


def test_val005_the_forms_direction_column_decides() -> None:
    assert findings(shape("H"), "VAL005") == []  # 反向 with ＝ contradicts nothing
    fs = findings(shape("H", {"E19": "≥"}), "VAL005")  # 出差单位成本 is 反向
    assert [f.cell for f in fs] == ["E19"] and "反向" in fs[0].message and fs[0].severity == "error"
    fs = findings(shape("H", {"E15": "≤"}), "VAL005")  # 出差人数 is 正向: a count, judged because the form says so
    assert [f.cell for f in fs] == ["E15"] and "正向" in fs[0].message


def test_val009_leaves_a_comparator_columns_symbols_alone() -> None:
    assert findings(shape("H"), "VAL009") == []
    assert findings(shape("Q"), "VAL009") == []
    assert findings(shape("G"), "VAL009") == []  # "=100.00(%)" is what that budget system prints
    assert [f.cell for f in findings(shape("B", {"E21": ">=95%"}), "VAL009")] == ["E21"]


# --------------------------------------------------------------------------- weights


def test_wgt001_every_indicator_has_a_weight() -> None:
    fs = findings(shape("H", {"H16": None}), "WGT001")
    assert [f.cell for f in fs] == ["H16"] and "“分值”没有填写" in fs[0].message
    fs = findings(shape("H", {"H16": "四分"}), "WGT001")
    assert [f.cell for f in fs] == ["H16"]
    assert findings(shape("H"), "WGT001") == []
    assert findings(shape("B"), "WGT001") == []  # no weight column: nothing to ask


def test_wgt002_weights_add_up_to_what_the_section_label_states() -> None:
    fs = findings(shape("H"), "WGT002")  # the quoted rows are the first six of the table
    assert {f.cell for f in fs} == {"A13"}
    assert any("表中写明权重总分为90分" in f.message for f in fs)
    assert any("产出指标写明50分" in f.message and "30分" in f.message for f in fs)
    ok = shape("H", {"A13": "绩效指标(权重分值30分,其中产出指标权重分值30分)"})
    assert findings(ok, "WGT002") == []


def test_wgt002_a_score_in_the_level1_label() -> None:
    cells = {"A13": "绩效指标", **{f"A{r}": "产出指标(30分)" for r in range(15, 21)}}
    assert findings(shape("H", cells), "WGT002") == []
    cells["A15"] = cells["A16"] = "产出指标(40分)"
    fs = findings(shape("H", cells), "WGT002")
    assert [f.cell for f in fs] == ["A15"] and "40分" in fs[0].message


def test_wgt003_no_stated_total_expects_100() -> None:
    fs = findings(shape("H", {"A13": "绩效指标"}), "WGT003")
    assert [f.cell for f in fs] == ["H15"] and "30分" in fs[0].message
    hundred = {"A13": "绩效指标", "H18": "80"}  # 4+4+4+80+4+4
    assert findings(shape("H", hundred), "WGT003") == []


# --------------------------------------------------------------------------- the form read in part


def test_form001_names_the_cells_it_could_not_place() -> None:
    fs = findings(shape("E"), "FORM001")  # the 实施进度计划 sub-table is not read
    assert len(fs) == 1 and fs[0].severity == "info"
    assert all(ref in fs[0].message for ref in ("C9", "D9", "B10", "C10", "D10"))
    for key in ("A", "B", "C", "D", "G", "H", "Q"):
        assert findings(shape(key), "FORM001") == [], key


# --------------------------------------------------------------------------- the old 投入/产出/效益 forms (F)


def _old_form(rows: list[list[Any]]) -> SheetData:
    """F1's 范本: 评价内容 ∣ 绩效内容 ∣ 参考标准 ∣ 绩效目标值, its preprinted 一级/二级 merged down."""
    head: list[list[Any]] = [
        ["财政支出项目绩效目标申报表"],
        ["填报单位(盖章)", "佳县教育局"],
        ["项目名称", "乡村教师培训"],
        ["项目资金申请(万元)", "资金总额:", 60],
        ["项目年度绩效目标", "培训乡村教师200人次，合格率95%以上。"],
        ["评价内容", "绩效内容", "参考标准", "绩效目标值"],
    ]
    width = 4
    return SheetData("表", [r + [None] * (width - len(r)) for r in head + rows])


OLD_ROWS: list[list[Any]] = [
    ["投入", "时效目标", "培训完成时间", "2026年10月前"],
    ["", "成本目标", "培训成本", "≤60万元"],
    ["产出", "数量目标", "培训人次", "200人次"],
    ["", "质量目标", "培训合格率", "≥95%"],
    ["效益", "社会效益目标", "乡村教师教学能力", "明显提升"],
    ["", "服务对象满意度目标", "参训教师满意度", "≥90%"],
]


def test_an_old_form_is_judged_by_its_own_framework() -> None:
    # 投入 is a 一级 there, 时效/成本 live under it, and 满意度 is a 效益: nothing to report
    sheet = _old_form(OLD_ROWS)
    for code in ("IND001", "IND002", "IND003", "IND004", "IND005"):
        assert findings(sheet, code) == [], code


def test_an_old_form_still_needs_its_output_and_benefit_groups() -> None:
    fs = findings(_old_form(OLD_ROWS[:4]), "IND004")  # no 效益 rows
    assert len(fs) == 1 and "没有效益（" in fs[0].message
    fs = findings(_old_form([*OLD_ROWS[:2], ["投入", "数量目标", "培训人次", "200人次"], *OLD_ROWS[3:]]), "IND002")
    assert [f.cell for f in fs] == ["B9"] and "投入下应为：时效目标、成本目标、其他资源投入目标" in fs[0].message
    # a 投入 over a current table's groups is a mistake, not an old form
    fs = findings(_old_form([["投入", "服务对象满意度指标", "满意度", "≥90%"], *OLD_ROWS[2:]]), "IND001")
    assert [f.cell for f in fs] == ["A7"]
    # a 一级 the old forms do not have either is still reported
    fs = findings(_old_form([["投入指标X", "时效目标", "培训完成时间", "2026年10月前"], *OLD_ROWS[1:]]), "IND001")
    assert [f.cell for f in fs] == ["A7"]


def test_a_list_without_groups_is_not_told_its_groups_are_missing() -> None:
    # F3's 指标名称 ∣ 上年度实际水平 ∣ 本年度计划水平: no 一级/二级 at all, so none is missing
    rows: list[list[Any]] = [
        ["大庆市部门预算项目支出绩效目标申报表"],
        ["项目名称", "社区养老服务", "项目负责人", "李明"],
        ["指标名称", "上年度\n实际水平", "本年度\n计划水平", "指标内容/计算公式"],
        ["二级指标", "", "", ""],  # F3's sub-labels: a heading over a group, no indicator
        ["服务老人人数", "100人", "120人", "——"],
        ["服务合格率", "90%", "≥95%", "*"],
    ]
    sheet = SheetData("表", [r + [None] * (4 - len(r)) for r in rows])
    for code in ("IND001", "IND002", "IND004", "IND005", "IND006", "IND007"):
        assert findings(sheet, code) == [], code
    # a tree (Q) has its groups as rows: H2's rows are all 产出, and it is told so
    fs = findings(shape("Q"), "IND004")
    assert len(fs) == 2 and "效益指标" in fs[0].message and "满意度指标" in fs[1].message
