"""Workbook (WB), summary (SUM) and standards (STD) rules: the tables read together.

The six published tables are written as sheets (the layout's cells), with a 项目汇总
made by ``summary.summary_layout`` in one of three states: formulas as text (what a
shell that reads formulas sees), the amounts typed as numbers, or formulas whose value
was never cached (what python-calamine sees in the bundled workbook: empty cells).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from tests.rulekit import change, project, seed, seeds, set_name, set_value, value_cell
from xladdin.check import CheckResult, check_sheets
from xladdin.layout import TableSpec, write_project
from xladdin.model import Finding, SheetData, parse_ref
from xladdin.standards import STANDARDS_SHEET, central, in_effect, parse_rows, using
from xladdin.summary import SUMMARY_SHEET, read_summary, summary_layout

TRAINING = "经办人员培训"
ADMIN = "事业管理费"


def summary_sheet(specs: list[TableSpec], state: str = "formulas", year: int = 2026) -> SheetData:
    """The 项目汇总 of these tables: "formulas", "typed" (numbers) or "uncached" (formulas read as empty)."""
    projects = [project(s) for s in specs]
    lay = summary_layout(projects, year)
    sheet = lay.to_sheet_data()
    rows = [list(r) for r in sheet.rows]
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str) and v.startswith("="):
                if state == "uncached":
                    row[c] = None
                elif state == "typed":
                    row[c] = _value_of(v, projects, rows, r)
    return SheetData(sheet.name, rows, sheet.merges)


def _value_of(formula: str, projects: list[Any], rows: list[list[Any]], r: int) -> float:
    if formula.upper().startswith("=SUM"):
        col = "CDE".index(formula[5])
        return sum(float(x[2 + col]) for x in rows[2:r])
    sheet, cell = formula[1:].rsplit("!", 1)
    p = next(p for p in projects if f"'{p.sheet}'" == sheet)
    return next(a.number for _, a in p.money.items() if a.cell == cell)


def put(sheet: SheetData, ref: str, value: Any) -> SheetData:
    r, c = parse_ref(ref)
    rows = [list(x) for x in sheet.rows]
    rows[r - 1][c - 1] = value
    return SheetData(sheet.name, rows, sheet.merges)


def check(specs: list[TableSpec], *extra: SheetData, select: list[str] | None = None) -> CheckResult:
    sheets = [*extra[:1], *(write_project(s).to_sheet_data() for s in specs), *extra[1:]]
    return check_sheets("x.xlsx", sheets, select=select)


def codes(result: CheckResult, prefix: str) -> list[tuple[str, str, str]]:
    return [(f.rule, f.sheet, f.cell) for f in result.findings if f.rule.startswith(prefix)]


def only(result: CheckResult, prefix: str) -> Finding:
    [f] = [f for f in result.findings if f.rule.startswith(prefix)]
    return f


SPECS = list(seeds().values())


# --------------------------------------------------------------------------- reading a summary


def test_the_summary_is_read_in_every_state_and_not_reported_as_skipped() -> None:
    for state in ("formulas", "typed", "uncached"):
        s = read_summary(summary_sheet(SPECS, state))
        assert s is not None and s.year == 2026 and [r.row for r in s.rows] == [3, 4, 5, 6, 7, 8], state
        assert s.total is not None and s.total.label_cell == "A9"
    result = check(SPECS, summary_sheet(SPECS))
    assert not any(f.rule == "SHEET001" for f in result.findings)
    assert read_summary(write_project(seed(TRAINING)).to_sheet_data()) is None  # a project table is no summary


def test_a_summary_of_the_departments_own_layout_is_recognised() -> None:
    rows = [
        ["2026年部门项目汇总"],
        [None, None, "资金（万元）"],
        ["项目名称", "备注", "项目总额（万元）", "财政拨款（万元）"],
        [seed(TRAINING).name, None, 30, 28],
        ["总计", None, 30, 28],
    ]
    s = read_summary(SheetData("汇总", rows))
    assert s is not None and [r.name_text for r in s.rows] == [seed(TRAINING).name]
    result = check([seed(TRAINING)], SheetData("汇总", rows))
    assert codes(result, "SUM") == [("SUM001", "汇总", "C4")]
    assert "“经办人员培训”表（C7）" in only(result, "SUM").message


# --------------------------------------------------------------------------- SUM001 amounts


def test_sum001_a_typed_amount_that_differs_from_the_table() -> None:
    summary = put(summary_sheet(SPECS, "typed"), "C5", 500)
    f = only(check(SPECS, summary), "SUM")
    assert (f.rule, f.sheet, f.cell, f.severity) == ("SUM001", SUMMARY_SHEET, "C5", "error")
    assert (f.expected, f.actual) == ("300", "500")
    assert "“退休人员档案”表（C7）" in f.message and "500万元" in f.message


def test_sum001_a_formula_pointing_at_the_wrong_cell() -> None:
    summary = put(summary_sheet(SPECS), "D4", "='社保卡补换卡'!C7")
    f = only(check(SPECS, summary), "SUM")
    assert (f.rule, f.cell, f.expected) == ("SUM001", "D4", "='社保卡补换卡'!E7")
    assert "应指向“社保卡补换卡”表（E7）" in f.message


def test_sum001_silent_when_right_and_when_the_value_was_never_cached() -> None:
    for state in ("formulas", "typed", "uncached"):
        assert codes(check(SPECS, summary_sheet(SPECS, state)), "SUM") == [], state
    # an uncached formula reads as an empty cell: never taken for a wrong amount
    assert codes(check(SPECS, put(summary_sheet(SPECS, "uncached"), "C9", 1200)), "SUM") == []


# --------------------------------------------------------------------------- SUM002–SUM004 lines


def test_sum002_a_line_whose_name_differs_from_its_table() -> None:
    summary = put(summary_sheet(SPECS, "uncached"), "B4", "自治区本级社保卡补换卡项目")
    f = only(check(SPECS, summary), "SUM")
    assert (f.rule, f.cell, f.expected) == ("SUM002", "B4", "自治区本级社会保障卡补换卡")
    assert "“社保卡补换卡”表（C4）" in f.message


def test_a_summary_of_many_tables_pairs_misspelt_names_near_their_place() -> None:
    """Hundreds of tables, every summary name misspelt: each line is compared with the tables
    near its place only (linear), and still paired with its own table."""
    many = [change(SPECS[i % 6], sheet=f"表{i:03d}", name=f"{SPECS[i % 6].name}第{i}号") for i in range(120)]
    summary = summary_sheet(many, "uncached")
    rows = [list(r) for r in summary.rows]
    for r in rows[2:-1]:
        r[1] = r[1].replace("第", "（第").replace("号", "）号")  # every name slightly off
    rows[2][1] = many[0].name  # one exact name: this is the tables' summary
    result = check(many, SheetData(summary.name, rows, summary.merges), select=["SUM"])
    assert {f.rule for f in result.findings} == {"SUM002"} and len(result.findings) == 119


def test_sum003_a_table_missing_from_the_summary() -> None:
    summary = summary_sheet(SPECS[:5], "uncached")  # no line for 基本户资金
    f = only(check(SPECS, summary), "SUM")
    assert (f.rule, f.cell) == ("SUM003", "A8")  # the 合计 row: where the line belongs
    assert "“基本户资金”表（C4）" in f.message and "项目总额110万元" in f.message


def test_sum003_silent_when_a_line_cannot_be_told() -> None:
    summary = put(summary_sheet(SPECS, "uncached"), "B8", None)  # a name formula never cached
    assert codes(check(SPECS, summary), "SUM") == []


def test_a_sheet_whose_lines_are_none_of_the_tables_is_not_judged() -> None:
    others = [change(s, name=f"其他单位项目{i}") for i, s in enumerate(SPECS)]  # another list altogether
    assert codes(check(SPECS, summary_sheet(others, "typed")), "SUM") == []
    close = [change(s, name=f"{s.name}（上年）") for s in SPECS]  # each name only like one of the tables
    assert codes(check(SPECS, summary_sheet(close, "typed")), "SUM") == []


def test_sum004_a_line_whose_table_is_gone() -> None:
    f = only(check(SPECS[:5], summary_sheet(SPECS, "uncached")), "SUM")
    assert (f.rule, f.cell) == ("SUM004", "B8")
    assert "自治区社保局基本户资金" in f.message and "没有这个项目名称的项目表" in f.message
    f = only(check(SPECS[:5], summary_sheet(SPECS, "formulas")), "SUM")  # the formulas name the sheet
    assert (f.rule, f.cell) == ("SUM004", "B8") and "“基本户资金”不在本工作簿中" in f.message


# --------------------------------------------------------------------------- SUM005 the 合计


def test_sum005_a_typed_total_that_is_not_the_sum_of_its_lines() -> None:
    f = only(check(SPECS, put(summary_sheet(SPECS, "typed"), "E9", 900)), "SUM")
    assert (f.rule, f.cell, f.expected, f.actual) == ("SUM005", "E9", "1098", "900")


def test_sum005_a_sum_formula_that_leaves_out_a_line() -> None:
    f = only(check(SPECS, put(summary_sheet(SPECS), "C9", "=SUM(C3:C7)")), "SUM")
    assert (f.rule, f.cell, f.expected) == ("SUM005", "C9", "=SUM(C3:C8)") and "漏了第8行" in f.message


def test_sum005_silent_when_the_total_is_the_tables_sum_and_a_line_is_wrong() -> None:
    """One typed line wrong: SUM001 says so; the 合计, which is right, is not flagged too."""
    result = check(SPECS, put(summary_sheet(SPECS, "typed"), "C5", 500))
    assert codes(result, "SUM") == [("SUM001", SUMMARY_SHEET, "C5")]


# --------------------------------------------------------------------------- WB001 a table from last year


def last_year(spec: TableSpec) -> TableSpec:
    """The table as it was a year earlier: title, year line, narrative and dates all 2025."""
    old = dataclasses.replace(spec, year=2025, goal=spec.goal.replace("2026", "2025"))
    rows = tuple(dataclasses.replace(i, value=i.value.replace("2026", "2025")) for i in old.indicators)
    return dataclasses.replace(old, indicators=rows)


def test_wb001_a_table_left_from_last_year() -> None:
    specs = [*SPECS[:3], last_year(seed(TRAINING)), *SPECS[4:]]
    for extra in ((summary_sheet(SPECS, "uncached"),), ()):  # by the summary's title, or by most tables
        f = only(check(specs, *extra), "WB")
        assert (f.rule, f.sheet, f.cell, f.severity) == ("WB001", TRAINING, "A2", "error")
        assert "标题“2025年宁夏回族自治区部门项目支出预算绩效表”（A1）" in f.message
        assert "年度总体绩效目标（C12）1处写2025年，没有提到2026年" in f.message
        assert "时效指标“2025年12月”（E19）" in f.message
        assert (f.expected, f.actual) == ("2026年", "2025年")


def test_wb001_silent_when_every_table_is_of_one_year() -> None:
    assert codes(check(SPECS, summary_sheet(SPECS, "uncached")), "WB001") == []
    assert codes(check([last_year(s) for s in SPECS]), "WB001") == []  # a 2025 workbook, all of it
    # a summary titled with a year no table has (a typo, or the summary alone rolled over) makes no table stale
    assert codes(check(SPECS, summary_sheet(SPECS, "uncached", year=2027)), "WB001") == []
    three = [*SPECS[:3], *(last_year(s) for s in SPECS[3:])]
    assert {c for _, c, _ in codes(check(three, summary_sheet(SPECS, "uncached")), "WB001")} == {
        s.sheet for s in SPECS[3:]
    }  # half and half: the summary's title says which half is this year's


# --------------------------------------------------------------------------- WB002 one expense, two prices


def second_admin(price: str | None = None) -> TableSpec:
    """Another project of the department that pays its audit experts' travel like 事业管理费 does."""
    other = change(seed(ADMIN), sheet="事业管理费（二）", name="社会保险事业管理费（稽核专项）")
    return set_value(other, "社保经办审计专家差旅费成本", price) if price else other


def test_wb002_the_same_expense_at_two_prices_names_both_projects() -> None:
    other = second_admin("600元/人/天")
    f = only(check([*SPECS, other], select=["WB002"]), "WB002")
    cell = value_cell(other, "社保经办审计专家差旅费成本")
    assert (f.sheet, f.cell, f.severity) == ("事业管理费（二）", cell, "warning")
    assert (
        f"在本表是600元/人/天（{cell}）" in f.message
        and f"在“事业管理费”表「社保经办审计专家差旅费成本」是570元/人/天（{cell}）" in f.message
    )
    assert (f.expected, f.actual) == ("570元/人/天", "600元/人/天")


def test_wb002_silent_on_equal_prices_other_units_and_within_one_table() -> None:
    assert codes(check([*SPECS, second_admin()], select=["WB002"]), "WB002") == []
    per_trip = second_admin("1200元/人/次")
    assert codes(check([*SPECS, per_trip], select=["WB002"]), "WB002") == []
    assert codes(check(SPECS, select=["WB002"]), "WB002") == []  # 570 and 500 for two kinds of experts, one table


# --------------------------------------------------------------------------- the standards


def standards_sheet(*lines: list[Any]) -> SheetData:
    header = ["类别", "项目", "适用范围", "分类", "单位", "限额", "包含", "依据文件", "日期", "可信度"]
    return SheetData(STANDARDS_SHEET, [["本单位支出标准"], header, *lines])


LOCAL = [
    "培训费",
    "综合定额",
    "宁夏回族自治区本级",
    "三类培训",
    "元/人/天",
    650,
    "住宿费、伙食费",
    "宁财(行)发〔20XX〕X号",
    "2024-01-01",
    "A",
]


def training(price: str, name: str = "区内三类培训费定额") -> list[TableSpec]:
    spec = set_value(seed(TRAINING), "区内三类培训费定额", price)
    if name != "区内三类培训费定额":
        spec = set_name(spec, "区内三类培训费定额", f"指标1：{name}")
    return [spec]


def test_std001_a_training_quota_over_the_central_line() -> None:
    f = only(check(training("600元/人/天"), select=["STD001"]), "STD")
    assert (f.rule, f.cell, f.severity) == ("STD001", "E20", "warning")
    assert "培训费综合定额【三类培训（处级及以下）】550元/人/天" in f.message
    assert "财行〔2016〕540号" in f.message and "可信度B" in f.message and "超出50元" in f.message


def test_std001_an_unstated_class_is_held_against_the_most_generous_line() -> None:
    assert codes(check(training("700元/人/天", "培训费定额"), select=["STD001"]), "STD") == []  # ≤ 一类 760
    f = only(check(training("800元/人/天", "培训费定额"), select=["STD001"]), "STD")
    assert "没有写明培训或会议的类别，已按其中最高的一条比较" in f.message and "760元/人/天" in f.message


def test_std001_the_departments_own_line_allows_it() -> None:
    assert codes(check(training("600元/人/天"), standards_sheet(LOCAL), select=["STD"]), "STD") == []
    file_table = parse_rows(
        [["类别", "项目", "分类", "单位", "限额", "包含"], [*LOCAL[:2], "三类培训", "元/人/天", 650, "住宿费"]],
        "文件“本地.csv”",
    )
    with using(file_table):
        assert codes(check(training("600元/人/天"), select=["STD001"]), "STD") == []
    lines = in_effect([central(), file_table])
    assert not any(ln.category == "培训费" and ln.origin != "文件“本地.csv”" for ln in lines)  # replaced, not mixed
    assert len(lines) == len(central().lines) - 3 + 1


def test_std001_silent_on_the_published_tables() -> None:
    assert codes(check(SPECS, select=["STD001"]), "STD") == []


def test_std002_a_venue_on_top_of_a_quota_that_includes_it() -> None:
    f = only(check([seed(TRAINING)], select=["STD002"]), "STD")
    assert (f.rule, f.cell, f.severity) == ("STD002", "E23", "warning")
    assert "「培训场地租赁费」13500元/间（E23）" in f.message and "已包含住宿费、伙食费、场地费" in f.message


def test_std002_silent_when_the_local_quota_leaves_the_venue_out_or_there_is_no_venue() -> None:
    assert codes(check([seed(TRAINING)], standards_sheet(LOCAL), select=["STD"]), "STD") == []
    no_venue = dataclasses.replace(
        seed(TRAINING), indicators=tuple(i for i in seed(TRAINING).indicators if "场地" not in i.name)
    )
    assert codes(check([no_venue], select=["STD002"]), "STD") == []


def test_std003_a_flat_daily_expert_fee_over_many_days() -> None:
    f = only(check([seed(ADMIN)], select=["STD003"]), "STD")
    assert (f.rule, f.cell, f.severity) == ("STD003", "E50", "warning")
    assert "按20天（E28）每天同一标准计算" in f.message and "第三天起减半" in f.message
    assert "财科教〔2017〕128号" in f.message and "高级专业技术职称第一、二天≤2400元、第三天起≤1200元" in f.message


def test_std003_silent_within_every_ceiling_and_over_two_days() -> None:
    lower = set_value(seed(ADMIN), "社保卡立法专家工作费", "700元/人/天")  # ≤ 750, the lowest day-3 ceiling
    assert codes(check([lower], select=["STD003"]), "STD") == []
    two_days = set_value(seed(ADMIN), "社保卡立法专家人数及工作天数", "5人*2天")
    assert codes(check([two_days], select=["STD003"]), "STD") == []


def test_std004_a_standards_sheet_with_a_row_it_cannot_read() -> None:
    bad = [*LOCAL[:5], "六百五十", *LOCAL[6:]]
    f = only(check([seed(TRAINING)], standards_sheet(bad), select=["STD004"]), "STD")
    assert (f.rule, f.sheet, f.cell) == ("STD004", STANDARDS_SHEET, "F3") and "不是数字" in f.message
    assert codes(check([seed(TRAINING)], standards_sheet(LOCAL), select=["STD004"]), "STD") == []


# --------------------------------------------------------------------------- selectable, ignorable


@pytest.mark.parametrize("prefix", ["WB", "SUM", "STD", "TGT"])
def test_a_family_can_be_ignored(prefix: str) -> None:
    specs = [*SPECS[:3], last_year(seed(TRAINING)), *SPECS[4:], second_admin("600元/人/天")]
    summary = put(summary_sheet(SPECS, "typed"), "C5", 500)
    assert codes(check(specs, summary), prefix)
    assert (
        codes(check_sheets("x", [summary, *(write_project(s).to_sheet_data() for s in specs)], ignore=[prefix]), prefix)
        == []
    )
