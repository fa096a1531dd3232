"""项目汇总: a new project joins the summary, its 合计 widens, undo takes both back."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.layout import read_project
from xladdin.model import Project, SheetData, parse_ref
from xladdin.summary import SUMMARY_SHEET, SummaryLine, plan_summary_line

from .conftest import WORKBOOK, run_soffice


def _summary() -> SheetData:
    return sheet_from_openpyxl(load_workbook(WORKBOOK)[SUMMARY_SHEET])


def _project(sheet: str = "新项目甲", name: str = "新项目甲") -> Project:
    """A project on a sheet the summary does not list yet (the 基本户资金 table, renamed)."""
    base = read_project(sheet_from_openpyxl(load_workbook(WORKBOOK)["基本户资金"]))
    assert base is not None
    return dataclasses.replace(base, sheet=sheet, name=dataclasses.replace(base.name, value=name))


_PROJECT = _project()


def _with(sheet: SheetData, cells: dict[str, object]) -> SheetData:
    rows = [list(r) for r in sheet.rows]
    for ref, v in cells.items():
        r, c = parse_ref(ref)
        rows[r - 1][c - 1] = v
    return SheetData(sheet.name, rows, sheet.merges)


def _total_row(sheet: SheetData) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.value(r, 1) == "合计")


def test_new_line_goes_above_the_total_and_the_total_takes_it_in() -> None:
    sheet, project = _summary(), _project()
    total = _total_row(sheet)
    plan = plan_summary_line(sheet, project)
    assert isinstance(plan, SummaryLine)
    assert plan.at == total and plan.template == total - 1 and plan.notes == ()
    new = {e.cell: e.new for e in plan.edits}
    assert new[f"A{total}"] == sheet.value(total - 1, 1) + 1  # 序号 goes on
    assert new[f"B{total}"] == "=HYPERLINK(\"#'新项目甲'!C4\",'新项目甲'!C4)"
    money = project.money
    assert [new[f"{c}{total}"] for c in "CDE"] == [
        f"='新项目甲'!{a.cell}" for a in (money.total, money.annual, money.local_appropriation)
    ]
    for c in "CDE":  # the 合计 moved down one row and sums one line more
        old = sheet.value(total, "CDE".index(c) + 3)
        assert old == f"=SUM({c}3:{c}{total - 1})"
        assert new[f"{c}{total + 1}"] == f"=SUM({c}3:{c}{total})"
    assert all(e.sheet == SUMMARY_SHEET for e in plan.edits)


def test_a_project_already_listed_is_not_added_again() -> None:
    sheet = _summary()
    by_sheet = _project(sheet="基本户资金", name="另一个名称")
    assert "已列出" in str(plan_summary_line(sheet, by_sheet))
    by_name = _project(sheet="别的表", name="自治区社保局基本户资金")
    # a line with formulas is known by its sheet: the same name on another sheet is another project
    assert isinstance(plan_summary_line(sheet, by_name), SummaryLine)
    typed = _with(sheet, {"C8": 110, "D8": 0, "E8": 0})  # a line typed by hand is known by its name
    assert "第8行已列出" in str(plan_summary_line(typed, by_name))


def test_a_sheet_whose_name_ends_another_ones_is_not_taken_for_it() -> None:
    """管理费 is not listed because 事业管理费 is (unquoted references, as some files have)."""
    sheet = _summary()
    rows = [[v.replace("'事业管理费'!", "事业管理费!") if isinstance(v, str) else v for v in r] for r in sheet.rows]
    plan = plan_summary_line(SheetData(sheet.name, rows), _project(sheet="管理费", name="管理费"))
    assert isinstance(plan, SummaryLine)
    listed = plan_summary_line(SheetData(sheet.name, rows), _project(sheet="事业管理费", name="别名"))
    assert "已列出" in str(listed)


def test_a_summary_of_another_layout_is_left_alone() -> None:
    sheet = _with(_summary(), {"A2": "编号"})
    reason = plan_summary_line(sheet, _project())
    assert isinstance(reason, str) and "格式无法识别" in reason and "手工添加" in reason


def test_a_total_that_is_not_the_sum_of_the_lines_is_not_touched() -> None:
    sheet = _summary()
    total = _total_row(sheet)
    odd = f"=SUM(C3:C{total - 1})-C3"
    plan = plan_summary_line(_with(sheet, {f"C{total}": odd}), _project())
    assert isinstance(plan, SummaryLine)
    cells = {e.cell for e in plan.edits}
    assert f"C{total + 1}" not in cells and f"D{total + 1}" in cells
    assert plan.notes == (f"“项目汇总”C{total + 1}的合计公式不是各项目之和，未修改，请核对。",)


def test_a_typed_or_empty_total_becomes_the_sum() -> None:
    sheet = _summary()
    total = _total_row(sheet)
    plan = plan_summary_line(_with(sheet, {f"C{total}": 321.5, f"D{total}": None}), _project())
    assert isinstance(plan, SummaryLine)
    new = {e.cell: (e.old, e.new) for e in plan.edits}
    assert new[f"C{total + 1}"] == (321.5, f"=SUM(C3:C{total})")
    assert new[f"D{total + 1}"] == (None, f"=SUM(D3:D{total})")


def test_values_only_total_is_left_with_a_note_when_formulas_are_unknown() -> None:
    sheet = _summary()
    total = _total_row(sheet)
    shown = _with(sheet, {f"C{total}": 2400.0, f"D{total}": 2300.0, f"E{total}": None})
    plan = plan_summary_line(shown, _project(), formulas_known=False)
    assert isinstance(plan, SummaryLine)
    cells = {e.cell for e in plan.edits}
    assert {f"C{total + 1}", f"D{total + 1}"}.isdisjoint(cells) and f"E{total + 1}" in cells
    assert len(plan.notes) == 2 and all(f"包括第{total}行" in n for n in plan.notes)


def test_an_empty_summary_gets_its_first_line() -> None:
    rows = [["汇总表", None, None], ["序号", "项目名称", "项目总额"], ["合计", None, "=SUM(C3:C2)"]]
    plan = plan_summary_line(SheetData(SUMMARY_SHEET, rows), _project())
    assert isinstance(plan, SummaryLine)
    assert plan.at == 3 and plan.template is None
    new = {e.cell: e.new for e in plan.edits}
    assert new["A3"] == 1 and new["C4"] == "=SUM(C3:C3)"


# --------------------------------------------------------------------------- the file, recalculated


def test_new_project_in_the_file_is_summed_by_libreoffice(workbook_copy: Path, tmp_path: Path, soffice: str) -> None:
    """fill --new-project; type the new project's money; LibreOffice recalculates the summary."""
    filled = tmp_path / "filled.xlsx"
    assert main(["fill", str(workbook_copy), "--new-project", "社保服务网点建设", "-o", str(filled)]) == 0
    wb = load_workbook(filled)
    project = read_project(sheet_from_openpyxl(wb["社保服务网点建设"]))
    assert project is not None
    typed = {
        project.money.total.cell: 88.5,
        project.money.annual.cell: 80.0,
        project.money.local_appropriation.cell: 75.25,
    }
    for ref, v in typed.items():
        wb["社保服务网点建设"][ref] = v
    wb.save(filled)

    outdir = tmp_path / "lo"
    outdir.mkdir()
    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(outdir), str(filled)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    ws = load_workbook(outdir / "filled.xlsx", data_only=True)[SUMMARY_SHEET]
    grid = [[c.value for c in row] for row in ws.iter_rows()]
    total = next(i for i, r in enumerate(grid) if r[0] == "合计")
    line = grid[total - 1]
    assert line[:2] == [7, "社保服务网点建设"]
    assert line[2:5] == [88.5, 80.0, 75.25]
    for col in (2, 3, 4):
        lines = [r[col] for r in grid[2:total]]
        assert all(isinstance(v, int | float) for v in lines)
        assert abs(grid[total][col] - sum(lines)) < 1e-9


def test_filling_the_result_again_leaves_the_summary_as_it_is(workbook_copy: Path, tmp_path: Path) -> None:
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    assert main(["fill", str(workbook_copy), "--new-project", "新项目乙", "-o", str(once)]) == 0
    assert main(["fill", str(once), "-o", str(twice)]) == 0

    def cells(path: Path) -> list[list[object]]:
        return [[c.value for c in row] for row in load_workbook(path)[SUMMARY_SHEET].iter_rows()]

    assert cells(twice) == cells(once)
    assert main(["fill", str(once), "--new-project", "新项目乙", "-o", str(tmp_path / "x.xlsx")]) == 2


def test_dry_run_says_where_the_line_would_go(workbook_copy: Path, capsys) -> None:
    before = workbook_copy.read_bytes()
    assert main(["fill", str(workbook_copy), "--new-project", "新项目丙", "--dry-run"]) == 0
    said = capsys.readouterr().out
    total = _total_row(_summary())
    assert f"将在“项目汇总”第{total}行加入新项目" in said
    assert workbook_copy.read_bytes() == before
    assert (
        main(["fill", str(workbook_copy), "--new-project", "新项目丙", "-o", str(workbook_copy.with_name("o.xlsx"))])
        == 0
    )
    done = capsys.readouterr().out
    count = re.compile(r"共 (\d+) 处修改")
    assert count.search(said).group(1) == count.search(done).group(1)  # type: ignore[union-attr]


_CELL = st.one_of(
    st.none(),
    st.integers(-5, 50),
    st.sampled_from(["序号", "项目名称", "项目总额", "年度资金总额", "财政拨款", "合计", "=SUM(C3:C8)", "=SUM(D3:D9)"]),
    st.text(max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_CELL, min_size=0, max_size=7), min_size=0, max_size=14), st.booleans(), st.integers(0, 3))
def test_any_summary_sheet_gives_a_plan_or_a_sentence(rows: list[list[object]], known: bool, header: int) -> None:
    """Whatever a user made of 项目汇总, planning the new line never raises, and a plan
    touches only the inserted row and the 合计 right below it."""
    if header < len(rows):  # most cases get the header, so that planning goes past it
        rows[header] = ["序号", "项目名称", "项目总额", "年度资金总额", "财政拨款"]
    sheet = SheetData(SUMMARY_SHEET, rows)
    plan = plan_summary_line(sheet, _PROJECT, formulas_known=known)
    if isinstance(plan, str):
        assert plan.endswith("。")
        return
    assert 2 <= plan.at <= sheet.max_row + 1
    assert {parse_ref(e.cell)[0] for e in plan.edits} <= {plan.at, plan.at + 1}
    assert all(parse_ref(e.cell)[0] == plan.at + 1 for e in plan.edits if e.why != plan.edits[0].why)
