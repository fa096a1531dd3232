"""check --mark and clear on real .xlsx files: colours, notes, 校验结果, exact restore."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill

from tests.rulekit import seed, seeds
from xladdin.commands.cli import main
from xladdin.conventions import MARK_FILL as FILL
from xladdin.conventions import REPORT_SHEET, STATE_SHEET
from xladdin.files.marking import fill_to_json
from xladdin.files.saving import save_atomic
from xladdin.files.workbooks import new_workbook_from_layouts
from xladdin.layout import write_project
from xladdin.marks import NOTE_TAG, plan_marks
from xladdin.model import Finding


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a user would see: sheets, states, and per cell value, fill and note."""
    wb = load_workbook(path)
    out: dict[str, Any] = {"sheets": wb.sheetnames, "states": [ws.sheet_state for ws in wb.worksheets]}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                note = (c.comment.text, c.comment.author) if c.comment is not None else None
                out[f"{ws.title}!{c.coordinate}"] = (c.value, fill_to_json(c.fill)["xml"], note)
    return out


def cli(*args: str) -> int:
    return main([str(a) for a in args])


def test_mark_then_clear_restores_every_cell(workbook_copy: Path, tmp_path: Path) -> None:
    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    assert cli("check", workbook_copy, "--mark", "-o", marked) == 1
    wb = load_workbook(marked)
    assert REPORT_SHEET in wb.sheetnames and wb[STATE_SHEET].sheet_state == "hidden"
    cell = wb["事业管理费"]["E35"]
    assert cell.fill.fgColor.rgb.endswith(FILL["error"]) and "TIME001" in cell.comment.text
    assert wb["事业管理费"]["C12"].fill.fgColor.rgb.endswith(FILL["warning"])
    assert cli("clear", marked, "-o", cleared) == 0
    assert snapshot(cleared) == snapshot(workbook_copy)


def test_marking_twice_equals_marking_once(workbook_copy: Path, tmp_path: Path) -> None:
    once, twice = tmp_path / "once.xlsx", tmp_path / "twice.xlsx"
    cli("check", workbook_copy, "--mark", "-o", once)
    cli("check", once, "--mark", "-o", twice)
    assert snapshot(twice) == snapshot(once)


def test_user_notes_and_fills_survive(workbook_copy: Path, tmp_path: Path) -> None:
    wb = load_workbook(workbook_copy)
    ws = wb["事业管理费"]
    ws["E35"].comment = Comment("财务科：请核对完成时间", "张会计")
    ws["E35"].fill = PatternFill(fill_type="darkGrid", fgColor="FF00B050", bgColor="FFFFFF00")
    ws["B3"].comment = Comment("用户自己的批注", "李四")
    wb.save(workbook_copy)
    original = snapshot(workbook_copy)

    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    m = load_workbook(marked)["事业管理费"]
    assert m["E35"].comment.text.startswith("财务科：请核对完成时间\n\n" + NOTE_TAG)
    assert m["E35"].comment.author == "张会计"
    assert m["B3"].comment.text == "用户自己的批注"
    cli("clear", marked, "-o", cleared)
    assert snapshot(cleared) == original


def test_clear_keeps_a_colour_the_user_chose_after_marking(workbook_copy: Path, tmp_path: Path) -> None:
    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    wb = load_workbook(marked)
    wb["事业管理费"]["E35"].fill = PatternFill(fill_type="solid", fgColor="FF92D050")
    wb.save(marked)
    cli("clear", marked, "-o", cleared)
    c = load_workbook(cleared)["事业管理费"]["E35"]
    assert c.fill.fgColor.rgb == "FF92D050" and c.comment is None


def test_report_sheet_lists_every_finding_with_a_link(workbook_copy: Path, tmp_path: Path) -> None:
    from xladdin.check import check_sheets
    from xladdin.files.sources import read_sheets

    result = check_sheets(str(workbook_copy), read_sheets(workbook_copy))
    marked = tmp_path / "marked.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    ws = load_workbook(marked)[REPORT_SHEET]
    links = {c.hyperlink.location for row in ws.iter_rows() for c in row if c.hyperlink is not None}
    for f in result.findings:
        if f.rule != "SHEET001":
            assert f"'{f.sheet}'!{f.cell}" in links
    counts = {r[1]: r[2:5] for r in ws.iter_rows(values_only=True) if r[1] in seeds() and isinstance(r[2], int)}
    assert counts["事业管理费"] == (
        1,
        sum(1 for f in result.findings if f.sheet == "事业管理费" and f.severity == "warning"),
        0,
    )
    assert str(ws["A1"].value).startswith("校验结果：6个项目")


def test_a_marked_workbook_checks_the_same(workbook_copy: Path, tmp_path: Path) -> None:
    from xladdin.check import check_sheets
    from xladdin.files.sources import read_sheets

    marked = tmp_path / "marked.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    a = check_sheets("x", read_sheets(workbook_copy)).as_dict()
    b = check_sheets("x", read_sheets(marked)).as_dict()
    assert a == b


def test_in_place_keeps_a_backup(workbook_copy: Path) -> None:
    before = snapshot(workbook_copy)
    cli("check", workbook_copy, "--mark", "--in-place")
    backups = list(workbook_copy.parent.glob("*备份*"))
    assert len(backups) == 1 and snapshot(backups[0]) == before
    assert REPORT_SHEET in load_workbook(workbook_copy).sheetnames
    cli("clear", workbook_copy, "--in-place")
    assert snapshot(workbook_copy) == before


def test_a_users_own_report_sheet_is_not_overwritten(workbook_copy: Path, tmp_path: Path, capsys: Any) -> None:
    wb = load_workbook(workbook_copy)
    wb.create_sheet(REPORT_SHEET)["A1"] = "我的备注"
    wb.save(workbook_copy)
    assert cli("check", workbook_copy, "--mark", "-o", tmp_path / "out.xlsx") == 2
    assert "改名" in capsys.readouterr().err and not (tmp_path / "out.xlsx").exists()


# --------------------------------------------------------------------------- exit codes


def test_exit_codes(tmp_path: Path, workbook_path: Path) -> None:
    assert cli("check", workbook_path) == 1  # the 2026 tables have real errors
    clean = tmp_path / "clean.xlsx"
    save_atomic(new_workbook_from_layouts([write_project(seed("经办人员培训"))]), clean)
    assert cli("check", clean) == 0  # warnings only
    broken = tmp_path / "broken.xlsx"
    broken.write_text("not a workbook")
    assert cli("check", broken) == 2
    assert cli("clear", clean) == 2  # neither -o nor --in-place


# --------------------------------------------------------------------------- the plan (core)


def test_plan_one_mark_per_cell_worst_severity_first() -> None:
    fs = [
        Finding("VAL004", "warning", "表", "E5", "缺比较符号"),
        Finding("VAL005", "error", "表", "E5", "方向错误"),
        Finding("VAL007", "warning", "表", "E6", "无法衡量"),
    ]
    marks = plan_marks(fs)
    assert [(m.cell, m.severity, m.fill) for m in marks] == [
        ("E5", "error", FILL["error"]),
        ("E6", "warning", FILL["warning"]),
    ]
    # numbered as the 校验结果 list numbers them (the order the findings come), worst first in the note
    assert marks[0].note.splitlines() == [NOTE_TAG, "〔2〕错误 VAL005：方向错误", "〔1〕警告 VAL004：缺比较符号"]
    assert [m.label for m in marks] == ["〔1,2〕", "〔3〕"]


@pytest.mark.parametrize("user", [None, "我的说明"])
def test_note_combine_and_strip_round_trip(user: str | None) -> None:
    from xladdin.marks import combine_note, strip_note

    assert strip_note(combine_note(user, NOTE_TAG + "\n错误 X：y")) == user


def test_libreoffice_opens_a_marked_workbook_with_its_notes(soffice: str, workbook_copy: Path, tmp_path: Path) -> None:
    from tests.conftest import run_soffice

    marked = tmp_path / "marked.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    out = tmp_path / "lo"
    out.mkdir()
    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(out), str(marked)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    wb = load_workbook(out / "marked.xlsx")
    assert "TIME001" in wb["事业管理费"]["E35"].comment.text
    assert wb["事业管理费"]["E35"].fill.fgColor.rgb.endswith(FILL["error"])
    assert REPORT_SHEET in wb.sheetnames


def test_clear_on_an_unmarked_workbook_changes_nothing(workbook_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    assert cli("clear", workbook_copy, "-o", out) == 0
    assert snapshot(out) == snapshot(workbook_copy)


def test_clear_without_the_state_sheet_still_takes_the_tools_marks_off(workbook_copy: Path, tmp_path: Path) -> None:
    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    cli("check", workbook_copy, "--mark", "-o", marked)
    wb = load_workbook(marked)
    del wb[STATE_SHEET]
    wb["基本户资金"]["A1"].comment = Comment("我的批注", "王五")
    wb.save(marked)
    cli("clear", marked, "-o", cleared)
    c = load_workbook(cleared)
    assert c.sheetnames == load_workbook(workbook_copy).sheetnames
    notes = [(ws.title, x.coordinate) for ws in c.worksheets for row in ws.iter_rows() for x in row if x.comment]
    assert notes == [("基本户资金", "A1")]
    e35 = c["事业管理费"]["E35"]
    assert e35.fill.fill_type is None
