"""The ribbon's entry points on a real xlwings Book (remote engine), without Excel.

The book is built from the bundled workbook's cells (``tests/remote_book.py``); the
assertions are on the actions xlwings would send to Excel, compared with what the
command line reports for the same file.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw

from tests.excel_replay import excel_value
from tests.remote_book import (
    CLASSIC_XLWINGS,
    actions,
    colored_cells,
    noted_cells,
    payload,
    remote_book,
    replay,
    values_of,
    written_cells,
)
from xladdin.commands.cli import main as cli_main
from xladdin.conventions import REPORT_SHEET, STATE_SHEET, UNDO_SHEET
from xladdin.excel import addin
from xladdin.excel import bulk as excel
from xladdin.files.sources import read_sheets
from xladdin.model import SheetData

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _private_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entry points log bugs to a file; tests keep theirs private."""
    monkeypatch.setattr(addin, "LOG_FILE", str(tmp_path / "xladdin.log"))


def cli_findings(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """What `xladdin check FILE --format json` reports for the project sheets."""
    cli_main(["check", str(path), "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    return [f for p in out["projects"] for f in p["findings"]]


def names(book: Any) -> list[str]:
    return [s.name for s in book.sheets]


def alerts(book: Any) -> list[str]:
    return [a["args"][0] for a in book.json()["actions"] if a["func"] == "alert"]


def rebook(data: dict[str, Any]) -> Any:
    """A book over a copy: xlwings' remote engine mutates the payload it is given."""
    return xw.Book(json=copy.deepcopy(data))


# --------------------------------------------------------------------------- 校验


def test_check_marks_exactly_the_cells_the_cli_reports(workbook_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    findings = cli_findings(workbook_path, capsys)
    assert findings, "the bundled workbook has findings to mark"
    expected = {(f["sheet"], f["cell"]) for f in findings}

    book = remote_book(workbook_path)
    start = names(book)
    message = addin.check(book)
    acts = actions(book, start)

    colored = {k for k, v in colored_cells(acts).items() if v and k[0] != REPORT_SHEET}
    assert colored == expected
    assert set(noted_cells(acts)) == expected
    # every message of a cell is in its note
    notes = noted_cells(acts)
    for f in findings:
        assert f["message"] in notes[(f["sheet"], f["cell"])]
    # the severity decides the fill: an error cell is red whatever else is there
    for f in findings:
        if f["severity"] == "error":
            assert colored_cells(acts)[(f["sheet"], f["cell"])] == "#ffc7ce"  # Excel's "Bad" red
    # one colour call per marked sheet, never one per cell
    color_calls = [a for a in acts if a.func in ("setRangeColors", "setRangeColor") and a.sheet != REPORT_SHEET]
    assert len(color_calls) == len({s for s, _ in expected})
    # the summary box
    n_err = sum(f["severity"] == "error" for f in findings)
    n_warn = sum(f["severity"] == "warning" for f in findings)
    assert message is not None and f"错误{n_err}处" in message and f"警告{n_warn}处" in message
    assert alerts(book) == [message]
    assert message.startswith("6个项目")


def test_check_writes_the_report_sheet_and_the_state(
    workbook_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from xladdin.marks import read_state

    findings = cli_findings(workbook_path, capsys)
    book = remote_book(workbook_path)
    before = payload(read_sheets(workbook_path))
    addin.check(book)
    after = replay(book, before)
    report = values_of(after, REPORT_SHEET)
    header = report.index(["编号", "工作表", "单元格", "规则", "级别", "说明", "项目名称"])
    body = [r[1:] for r in report[header + 1 :] if r[0]]
    assert [r[0] for r in report[header + 1 :] if r[0]] == list(range(1, len(body) + 1))  # numbered
    cli_main(["check", str(workbook_path), "--format", "json"])
    skipped = json.loads(capsys.readouterr().out)["skipped"]
    listed = findings + skipped
    assert sorted((r[0], r[2]) for r in body) == sorted((f["sheet"], f["rule"]) for f in listed)
    for r in body[: len(findings)]:  # the cell column jumps to the cell
        assert r[1] == f'=HYPERLINK("#\'{r[0]}\'!{r[1].split(",")[-1][1:-2]}","{r[1].split(",")[-1][1:-2]}")'
    state = read_state(SheetData(STATE_SHEET, values_of(after, STATE_SHEET)))
    assert {(s.sheet, s.cell) for s in state} == {(f["sheet"], f["cell"]) for f in findings}
    assert all(s.fill_before == {"color": None, "unread": True} for s in state)
    assert all(s.note_before is None and s.note_set.startswith("【xladdin校验】") for s in state)
    hidden = {s["name"]: s["visibility"] for s in after["sheets"]}
    assert hidden[STATE_SHEET] == "Hidden"
    assert hidden[REPORT_SHEET] == "Visible"
    # rows as tall as their 说明, the heights the command line writes
    from openpyxl import load_workbook

    from xladdin.files.checking import check_file
    from xladdin.toolsheets.report import report_rows

    heights = report_rows(check_file(str(workbook_path), jobs=1)).row_heights
    assert heights
    set_heights = {}
    for a in actions(book, [s["name"] for s in before["sheets"]]):
        if a.func == "setRowHeight" and a.sheet == REPORT_SHEET:
            for r in range(a.row, a.row + (a.rows or 1)):
                set_heights[r] = a.args[0]
    assert set_heights == heights
    marked = tmp_path / "marked.xlsx"
    cli_main(["check", str(workbook_path), "--mark", "-o", str(marked)])
    ws = load_workbook(marked)[REPORT_SHEET]
    copy_heights = report_rows(check_file(str(workbook_path), jobs=1), workbook_path.name).row_heights
    assert {r: ws.row_dimensions[r].height for r in copy_heights} == copy_heights  # a copy says so: one line more


def click_twice(button: Any, before: dict[str, Any]) -> tuple[dict[str, Any], Any, str | None]:
    """Press a ribbon button, then again on what it left: (after the first, the second book, its message)."""
    first = rebook(before)
    button(first)
    once = replay(first, before)
    second = rebook(once)
    return once, second, button(second)


def test_check_twice_equals_check_once(workbook_path: Path) -> None:
    before = payload(read_sheets(workbook_path))
    once, second, _ = click_twice(addin.check, before)
    twice = replay(second, once)
    assert [s["name"] for s in twice["sheets"]] == [s["name"] for s in once["sheets"]]
    for sh in once["sheets"]:
        assert values_of(twice, sh["name"]) == sh["values"], sh["name"]
        assert sorted(n["address"] for n in values_of_notes(twice, sh["name"])) == sorted(
            n["address"] for n in sh["notes"]
        )


def values_of_notes(data: dict[str, Any], sheet: str) -> list[dict[str, Any]]:
    return next(s["notes"] for s in data["sheets"] if s["name"] == sheet)


def test_clear_takes_back_what_check_added_and_keeps_the_users_note(workbook_path: Path) -> None:
    before = payload(read_sheets(workbook_path))
    book = rebook(before)
    addin.check(book)
    marked = {k: v for k, v in colored_cells(actions(book, names(rebook(before)))).items() if k[0] != REPORT_SHEET}
    target_sheet, target_cell = sorted(marked)[0]
    # the user had a note of their own on one flagged cell
    for sh in before["sheets"]:
        if sh["name"] == target_sheet:
            sh["notes"].append({"address": f"${target_cell[0]}${target_cell[1:]}"})
    book = rebook(before)
    addin.check(book)
    acts = actions(book, [s["name"] for s in before["sheets"]])
    assert (target_sheet, target_cell) not in noted_cells(acts), "a user's note is never replaced"
    marked_state = replay(book, before)

    clearing = rebook(marked_state)
    message = addin.clear(clearing)
    acts = actions(clearing, [s["name"] for s in marked_state["sheets"]])
    restored = colored_cells(acts)
    assert set(restored) == set(marked)
    assert all(v is None for v in restored.values()), "the remote engine knew no fill before: none restored"
    deleted = {(a.sheet, a.args[0].replace("$", "")) for a in acts if a.func == "deleteNote"}
    assert deleted == set(marked) - {(target_sheet, target_cell)}
    after = replay(clearing, marked_state)
    assert [s["name"] for s in after["sheets"]] == [s["name"] for s in before["sheets"]]
    for sh in before["sheets"]:
        assert values_of(after, sh["name"]) == sh["values"]
    user_notes = values_of_notes(after, target_sheet)
    assert any(n["address"].replace("$", "") == target_cell for n in user_notes)
    assert message is not None and "已清除" in message


def test_clear_on_an_unmarked_book_changes_nothing(workbook_path: Path) -> None:
    book = remote_book(workbook_path)
    assert addin.clear(book) == "没有需要清除的标记。"
    assert [a["func"] for a in book.json()["actions"]] == ["alert"]


# --------------------------------------------------------------------------- errors


def test_a_bug_shows_a_short_chinese_message_and_no_traceback(
    workbook_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:

    def boom(*a: Any, **k: Any) -> Any:
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(addin, "check_sheets", boom)  # the entry point's own name for it
    monkeypatch.setattr(addin, "LOG_FILE", str(tmp_path / "xladdin.log"))
    book = remote_book(workbook_path)
    assert addin.check(book) is None
    (msg,) = alerts(book)
    assert msg.startswith("校验出错（ZeroDivisionError）")
    assert "Traceback" not in msg and "File " not in msg
    assert len(msg) < 200
    assert "ZeroDivisionError" in (tmp_path / "xladdin.log").read_text(encoding="utf-8")


def test_a_users_mistake_is_shown_as_its_message(workbook_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xladdin.errors import UserError

    def refuse(book: Any, names: Any = None) -> Any:
        raise UserError("工作表“X”的单元格 C4 不是数字。请改为数字。")

    monkeypatch.setattr(excel, "read_book", refuse)
    book = remote_book(workbook_path)
    addin.check(book)
    assert alerts(book) == ["校验未完成：工作表“X”的单元格 C4 不是数字。请改为数字。"]


def test_without_a_book_and_outside_excel_nothing_crashes() -> None:
    assert addin.check() is None


# --------------------------------------------------------------------------- 撤销


def small_book() -> tuple[Any, dict[str, Any]]:
    sheets = [
        SheetData("表一", [["名称", "数量"], ["甲", 3], ["乙", "=SUM(B2:B2)"]]),
        SheetData("表二", [["x"]]),
    ]
    data = payload(sheets)
    return rebook(data), data


def _edits(book: Any, steps: list[Any]) -> int:
    """Apply cell steps as one journalled plan on the Excel shell; returns the journal batch."""
    from xladdin.excel.apply import apply
    from xladdin.workbook_plan import WorkbookPlan

    return apply(book, WorkbookPlan("test", steps, journal=True)).batch


def test_edits_are_written_in_blocks_and_journalled() -> None:
    from xladdin.workbook_plan import SetCell

    book, data = small_book()
    steps = [
        SetCell("表一", "A2", "丙", "甲", "测试"),
        SetCell("表一", "B2", 4, 3, "测试"),
        SetCell("表一", "A3", "=不是公式", "乙", "测试"),
        SetCell("表二", "A1", "x", "x", "不变"),
    ]
    assert _edits(book, steps) == 1
    acts = actions(book, ["表一", "表二"])
    writes = [a for a in acts if a.func == "setValues" and a.sheet == "表一"]
    # a text that Excel's input parser would turn into a formula, a number or a date gets its apostrophe
    assert [(a.ref, a.values) for a in writes] == [("A2", [["丙", 4]]), ("A3", [["'=不是公式"]])]
    after = replay(book, data)
    from xladdin.undo import read_journal

    journal = read_journal(SheetData(UNDO_SHEET, values_of(after, UNDO_SHEET)))
    assert [(e.sheet, e.cell, e.old, e.new) for e in journal] == [
        ("表一", "A2", "甲", "丙"),
        ("表一", "B2", 3, 4),
        ("表一", "A3", "乙", "=不是公式"),
    ]
    assert values_of(after, "表一")[2][0] == "=不是公式"


def test_undo_puts_back_the_newest_batch_only() -> None:
    from xladdin.workbook_plan import SetCell

    book, data = small_book()
    _edits(book, [SetCell("表一", "A2", "丙", "甲", "第一次")])
    state1 = replay(book, data)
    book2 = rebook(state1)
    _edits(book2, [SetCell("表一", "A2", "丁", "丙", "第二次"), SetCell("表一", "B2", 30, 3, "第二次")])
    state2 = replay(book2, state1)
    assert values_of(state2, "表一")[1][:2] == ["丁", 30]

    undoing = rebook(state2)
    message = addin.undo(undoing)
    assert message == "已撤销最近一次操作（第2批）：2个单元格。"
    state3 = replay(undoing, state2)
    assert values_of(state3, "表一")[1][:2] == ["丙", 3]

    again = rebook(state3)
    addin.undo(again)
    state4 = replay(again, state3)
    assert values_of(state4, "表一") == values_of(data, "表一")

    nothing = rebook(state4)
    assert addin.undo(nothing) == "没有可以撤销的修改。"


def test_undo_reads_the_journal_the_command_line_writes(tmp_path: Path) -> None:
    """One journal for both shells: an edit journalled by the file shell's applier is undone in Excel."""
    from openpyxl import Workbook

    from xladdin.files.apply import apply
    from xladdin.workbook_plan import SetCell, WorkbookPlan

    wb = Workbook()
    ws = wb.active
    ws.title = "表一"
    ws["A1"] = "原值"
    apply(wb, WorkbookPlan("test", [SetCell("表一", "A1", "新值", "原值", "命令行")], journal=True))
    path = tmp_path / "j.xlsx"
    wb.save(path)
    book = remote_book(path)
    assert addin.undo(book) is not None
    assert written_cells(actions(book, names(remote_book(path))), "表一") == {("表一", "A1"): "原值"}


# --------------------------------------------------------------------------- io.excel pieces


def test_value_blocks_never_cover_cells_not_asked_for() -> None:
    blocks = excel.value_blocks({(1, 1): "a", (1, 2): "b", (1, 4): "d", (2, 1): "e"})
    assert [(b.row, b.col, b.rows) for b in blocks] == [(1, 1, [["a", "b"]]), (1, 4, [["d"]]), (2, 1, [["e"]])]


def test_color_matrix_keeps_unnamed_cells_and_splits_big_ranges() -> None:
    ((r, c, m),) = excel.color_matrix({(2, 2): "#ff0000", (3, 4): None})
    assert (r, c) == (2, 2)
    assert m == [["#ff0000", ..., ...], [..., ..., None]]
    big = {(r, 1): "#000000" for r in range(1, 25_001)}
    chunks = excel.color_matrix(big)
    assert sum(len(mm) for _, _, mm in chunks) == 25_000
    assert all(len(mm) * len(mm[0]) <= excel.MAX_COLOR_CELLS for _, _, mm in chunks)


def test_text_that_excel_would_convert_stays_text() -> None:
    assert excel.as_text("=1+1") == "'=1+1"
    assert excel.as_text("95%") == "'95%"  # not 0.95
    assert excel.as_text("2026年12月") == "'2026年12月"  # not a date in Chinese Excel
    assert excel.as_text("true") == "'true"
    assert excel.as_text("-") == "'-"
    assert excel.as_text("满意") == "满意"
    assert excel.as_text(5) == 5


def test_read_book_gives_the_cells_the_file_reader_gives(workbook_path: Path) -> None:
    """The Excel shell and the file shell must hand the core the same cells."""
    from xladdin.model import display_text

    book = remote_book(workbook_path)
    for a, b in zip(excel.read_book(book), read_sheets(workbook_path), strict=True):
        assert a.name == b.name
        assert [[display_text(v) for v in r] for r in a.rows] == [[display_text(v) for v in r] for r in b.rows]


# --------------------------------------------------------------------------- 测算成本 / 新年度


def test_costs_writes_the_same_sheet_as_the_command_line(workbook_path: Path) -> None:
    from xladdin.check import read_projects
    from xladdin.conventions import COST_SHEET as SHEET
    from xladdin.costs import explain
    from xladdin.toolsheets.costs import cost_sheet

    before = payload(read_sheets(workbook_path))
    book = rebook(before)
    message = addin.costs(book)
    assert message is not None and message.startswith("6个项目：6个项目的成本指标与项目总额一致")
    after = replay(book, before)
    projects, _ = read_projects(read_sheets(workbook_path))
    content = cost_sheet([explain(p) for p in projects])
    expected = [[("" if v is None else v) for v in r] for r in content.grid()]
    got = [r[: len(expected[0])] for r in values_of(after, SHEET)]
    assert [r + [""] * (len(expected[0]) - len(r)) for r in got] == expected
    assert any(str(v).startswith("=PRODUCT(") or str(v).startswith("=SUM(") for r in got for v in r)
    # 撤销 takes the sheet away again
    undoing = rebook(after)
    addin.undo(undoing)
    gone = replay(undoing, after)
    assert SHEET not in [s["name"] for s in gone["sheets"]]


def test_rollover_changes_the_planned_cells_and_undo_restores_them(workbook_path: Path) -> None:
    from xladdin.conventions import ROLLOVER_SHEET
    from xladdin.rollover import plan_rollover

    sheets = read_sheets(workbook_path)
    plan = plan_rollover(sheets, 2027)
    before = payload(sheets)
    book = rebook(before)
    message = addin.rollover(book)
    assert message is not None and message.startswith("已改为2027年度")
    acts = actions(book, [s["name"] for s in before["sheets"]])
    written = {k: excel_value(v) for k, v in written_cells(acts).items() if k[0] not in (ROLLOVER_SHEET, UNDO_SHEET)}
    assert written == {(e.sheet, e.cell): e.new for e in plan.edits}
    assert written[("项目汇总", "A1")] == "2027年项目支出预算绩效目标汇总表（单位：万元）"  # as the command line
    after = replay(book, before)
    summary_title = values_of(after, "信息系统维护")[0][0]
    assert "2027" in summary_title
    check_sheet = values_of(after, ROLLOVER_SHEET)
    assert len([r for r in check_sheet[1:] if r and r[0] != ""]) == len(plan.checks)

    undoing = rebook(after)
    assert addin.undo(undoing) is not None
    restored = replay(undoing, after)
    for sh in before["sheets"]:
        assert values_of(restored, sh["name"]) == sh["values"], sh["name"]
    assert ROLLOVER_SHEET not in [s["name"] for s in restored["sheets"]]
    recolored = colored_cells(actions(undoing, [s["name"] for s in after["sheets"]]))
    assert set(recolored) >= {(e.sheet, e.cell) for e in plan.edits}


def test_format_applies_the_style_plan_and_changes_no_value(workbook_path: Path) -> None:
    from xladdin.layout import read_project
    from xladdin.style import plan_project

    sheets = read_sheets(workbook_path)
    book = remote_book(workbook_path)
    message = addin.format_sheets(book)
    assert message is not None and "数值未改动" in message
    acts = actions(book, [s.name for s in sheets])
    # values are written only on the hidden helper sheets (the lists, the charts' data)
    helpers = {"下拉列表", "图表数据"}
    assert not [
        a
        for a in acts
        if a.func in ("setValues", "rangeClearContents", "sheetClearContents") and a.sheet not in helpers
    ]
    for sd in excel.read_book(remote_book(workbook_path)):
        project = read_project(sd)
        if project is None:
            continue
        plan = plan_project(sd, project)
        mine = [a for a in acts if a.sheet == sd.name]
        fonts: dict[tuple[int, int], str] = {}
        for a in mine:
            if a.func == "setFontProperty" and a.args[0] == "name":
                for i in range(a.rows or 1):
                    for j in range(a.cols or 1):
                        fonts[(a.row + i, a.col + j)] = a.args[1]  # type: ignore[operator]
        assert fonts == {rc: st.font.name for rc, st in plan.cells.items()}, sd.name
        merges = set()
        for a in mine:
            if a.func == "rangeMerge":
                if a.args[0]:  # across: each row of the range is merged on its own
                    merges |= {(a.row + i, a.col, a.row + i, a.col + a.cols - 1) for i in range(a.rows)}  # type: ignore[operator]
                else:
                    merges.add((a.row, a.col, a.row + a.rows - 1, a.col + a.cols - 1))  # type: ignore[operator]
        assert merges == {(m.min_row, m.min_col, m.max_row, m.max_col) for m in plan.merges}
        widths = {a.col: a.args[0] for a in mine if a.func == "setColumnWidth"}
        assert widths == plan.column_widths
        # batched: fewer calls than styled cells (cell by cell it would be ≥ 8 per cell)
        assert len(mine) < len(plan.cells)


def test_rectangles_cover_exactly_the_cells() -> None:
    from xladdin.excel.looks import rectangles

    cells = {(1, 1), (1, 2), (2, 1), (2, 2), (3, 2), (5, 5)}
    rects = rectangles(cells)
    covered = [(r, c) for r1, c1, r2, c2 in rects for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
    assert sorted(covered) == sorted(cells)
    assert (1, 1, 2, 2) in rects


# --------------------------------------------------------------------------- 填充指标 / 新建项目


def test_new_project_adds_a_template_sheet_headed_like_the_others_and_undo_removes_it(workbook_path: Path) -> None:
    from xladdin.layout import read_project

    sheets = read_sheets(workbook_path)
    before = payload(sheets)
    book = rebook(before)
    message = addin.new_project(book)
    assert message is not None and message.startswith("已新建项目表“新项目”")
    after = replay(book, before)
    names_after = [s["name"] for s in after["sheets"]]
    assert "新项目" in names_after
    new = SheetData("新项目", values_of(after, "新项目"))
    project = read_project(SheetData(new.name, [[None if v == "" else v for v in r] for r in new.rows]))
    assert project is not None, "the new sheet reads back as a project table"
    departments = {p.department.text for p in (read_project(s) for s in sheets) if p is not None}
    assert project.department.text in departments
    assert project.year == 2026
    for sh in before["sheets"]:  # nothing else changed, but for the summary's new line
        if sh["name"] != "项目汇总":
            assert values_of(after, sh["name"]) == sh["values"]

    undoing = rebook(after)
    addin.undo(undoing)
    restored = replay(undoing, after)
    assert "新项目" not in [s["name"] for s in restored["sheets"]]
    for sh in before["sheets"]:
        assert values_of(restored, sh["name"]) == sh["values"]


def test_new_project_joins_the_summary_as_the_command_line_does(workbook_path: Path, tmp_path: Path) -> None:
    """The ribbon's 新建项目 and ``fill --new-project`` give the same 项目汇总."""
    from openpyxl import load_workbook

    before = payload(read_sheets(workbook_path))
    book = rebook(before)
    message = addin.new_project(book)
    assert message is not None and "已在“项目汇总”第9行加入本项目" in message
    ours = values_of(replay(book, before), "项目汇总")

    out = tmp_path / "cli.xlsx"
    assert cli_main(["fill", str(workbook_path), "--new-project", "新项目", "-o", str(out)]) == 0
    ws = load_workbook(out)["项目汇总"]
    theirs = [["" if c.value is None else c.value for c in row] for row in ws.iter_rows()]
    assert len(ours) == len(theirs) == len(values_of(before, "项目汇总")) + 1
    # the payload carries values, the file formulas: the rows that changed are the new
    # line and the 合计 below it, and there the two shells wrote the same
    assert ours[8:] == theirs[8:]
    assert theirs[8][1:] == ["=HYPERLINK(\"#'新项目'!C4\",'新项目'!C4)", "='新项目'!C7", "='新项目'!E7", "='新项目'!C9"]
    assert theirs[9][2:] == ["=SUM(C3:C9)", "=SUM(D3:D9)", "=SUM(E3:E9)"]


def test_two_clicks_on_new_project_give_two_summary_lines(workbook_path: Path) -> None:
    """The second 新项目 is 新项目(2), on its own sheet and its own line of 项目汇总."""
    once, second, message = click_twice(addin.new_project, payload(read_sheets(workbook_path)))
    assert message is not None and "已在“项目汇总”第10行加入本项目" in message
    twice = replay(second, once)
    lines = values_of(twice, "项目汇总")
    new_sheets = [s["name"] for s in twice["sheets"] if s["name"].startswith("新项目")]
    assert len(new_sheets) == 2
    for row, sheet in zip(lines[8:10], new_sheets, strict=True):
        assert row[2] == f"='{sheet}'!C7"
    assert lines[10][2] == "=SUM(C3:C10)"


def test_new_project_leaves_a_summary_total_it_cannot_read_and_says_so(workbook_path: Path) -> None:
    """xlwings Server sees the 合计's value, not its formula: widening it would make undo
    put back a number.  The line is added, the 合计 is left, the message says which cells."""
    before = payload(read_sheets(workbook_path))
    grid = values_of(before, "项目汇总")
    total = grid[-1]
    assert total[0] == "合计"
    total[2:5] = [1234.5, 1000.0, 900.0]  # what Excel shows in a 合计 it has calculated
    book = rebook(before)
    message = addin.new_project(book)
    assert message is not None
    for col in "CDE":
        assert f"“项目汇总”{col}10的合计包括第9行" in message
    after = values_of(replay(book, before), "项目汇总")
    assert after[-1] == ["合计", "", 1234.5, 1000.0, 900.0]
    assert after[-2][2] == "='新项目'!C7"


def test_fill_inserts_the_planned_rows_and_undo_takes_them_out(workbook_path: Path) -> None:
    from xladdin.check import read_projects
    from xladdin.fill import library_from, plan_fill

    sheets = read_sheets(workbook_path)
    projects, _ = read_projects(sheets)
    library = library_from(projects, workbook_path.name)
    plans = {p.sheet: plan_fill(p, library) for p in projects}
    before = payload(sheets)
    book = rebook(before)
    message = addin.fill(book)
    assert message is not None
    acts = actions(book, [s["name"] for s in before["sheets"]])
    inserts = [(a.sheet, a.row, a.rows) for a in acts if a.func == "rangeInsert"]
    expected = []
    for sheet, plan in plans.items():
        counts: dict[int, int] = {}
        for r in plan.new_rows:
            counts[r.after] = counts.get(r.after, 0) + 1
        expected += [(sheet, after + 1, n) for after, n in sorted(counts.items(), reverse=True)]
    assert inserts == expected
    after = replay(book, before)
    for sheet, plan in plans.items():
        grid = values_of(after, sheet)
        texts = {str(v) for row in grid for v in row}
        for r in plan.new_rows:
            if r.name:
                assert r.name in texts, (sheet, r.name)
        assert len(grid) == len(values_of(before, sheet)) + len(plan.new_rows)

    undoing = rebook(after)
    assert addin.undo(undoing) is not None
    restored = replay(undoing, after)
    for sh in before["sheets"]:
        assert values_of(restored, sh["name"]) == sh["values"], sh["name"]


# --------------------------------------------------------------------------- xlwings Server / Lite

SCRIPT_RUNNER = r"""
import asyncio, json, sys
sys.path.insert(0, sys.argv[2])
import xlwings as xw
from xlwings.server import custom_scripts_call, custom_scripts_meta
from tests.remote_book import remote_book
import xladdin.excel.addin as addin
meta = custom_scripts_meta(addin)
book = remote_book(sys.argv[1])
asyncio.run(custom_scripts_call(addin, "check_script", typehint_to_value={xw.Book: book}))
print(json.dumps({"meta": [m.get("name") for m in meta], "actions": book.json()["actions"]}, ensure_ascii=False))
"""


def test_server_script_runs_through_custom_scripts_call(
    workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """As xlwings Server/Lite load it: XLWINGS_ON_SERVER=true makes @script the server decorator."""
    env = dict(os.environ, XLWINGS_ON_SERVER="true", XLWINGS_LICENSE_KEY="noncommercial")
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT_RUNNER, str(workbook_path), str(ROOT)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"校验", "撤销", "清除标记", "统一格式", "新年度", "填充指标", "测算成本", "新建项目"} <= set(out["meta"])
    funcs = [a["func"] for a in out["actions"]]
    assert "setRangeColors" in funcs and "addNote" in funcs and funcs[-1] == "alert"
    findings = cli_findings(workbook_path, capsys)
    noted = {a["args"][0].replace("$", "") for a in out["actions"] if a["func"] == "addNote"}
    assert noted == {f["cell"] for f in findings}


CLASSIC_IMPORT = (
    CLASSIC_XLWINGS
    + r"""
xlwings.script = classic.xlsub
import xladdin.excel.addin as a
print(json.dumps({k: getattr(a, k).__xlfunc__["sub"] for k in dir(a) if k.endswith("_script")}))
"""
)


def test_the_module_imports_under_classic_xlwings_decorators() -> None:
    """On Windows `@script` is classic xlwings' VBA-Sub decorator: the module must still import."""
    proc = subprocess.run([sys.executable, "-c", CLASSIC_IMPORT], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    subs = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(subs) == len(addin.ENTRY_POINTS) and all(subs.values())


def test_table_width_ignores_notes_right_of_the_table(workbook_path: Path) -> None:
    from xladdin.layout import read_project
    from xladdin.plans.fill import _table_width as table_width

    sd = read_sheets(workbook_path)[1]
    rows = [list(r) for r in sd.rows]
    rows[19] = [*rows[19], None, "备注：请核对"]  # next to an indicator row
    noted = SheetData(sd.name, rows)
    project = read_project(noted)
    assert project is not None
    assert table_width(noted, project) == 6


def test_check_marks_a_summary_cell_like_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A 项目汇总 amount typed over: the same finding on the same summary cell in Excel, coloured and listed."""
    from openpyxl import load_workbook

    path = tmp_path / "汇总改过.xlsx"
    wb = load_workbook(ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx")
    wb["项目汇总"]["C5"] = 500
    wb.save(path)
    cli_main(["check", str(path), "--format", "json"])
    [f] = json.loads(capsys.readouterr().out)["workbook"]
    book = remote_book(path)
    start = names(book)
    message = addin.check(book)
    acts = actions(book, start)
    assert (
        colored_cells(acts)[("项目汇总", "C5")] == "#ffc7ce" and f["message"] in noted_cells(acts)[("项目汇总", "C5")]
    )
    report = values_of(replay(book, payload(read_sheets(path))), REPORT_SHEET)
    [row] = [r for r in report if r[3:4] == ["SUM001"]]  # 编号, 工作表, 单元格, 规则, 级别 …
    assert row[1] == "项目汇总" and row[4] == "错误" and "'项目汇总'!C5" in row[2]  # the link jumps to the cell
    assert message is not None and message.startswith("6个项目：错误4处")  # the three of the tables, and this one
