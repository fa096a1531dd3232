"""The tool's colours have a meaning and an exit: 清除标记 takes off marks *and* the highlights
of 填充/新年度/修正, 统一格式 does not keep them, and after any order of check / fill / clear /
undo no cell is left in a tool colour without the record that explains it (a mark's state, a
journalled paint)."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.conventions import LEGEND, MARK_FILL, NEW_COLOR, STATE_SHEET, TODO_COLOR, TOOL_SHEETS, UNDO_SHEET
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.marks import read_state
from xladdin.undo import read_journal

TOOL_COLOURS = {*MARK_FILL.values(), NEW_COLOR, TODO_COLOR}


def coloured(path: Path) -> dict[tuple[str, str], str]:
    """Every cell of the user's sheets in one of the tool's colours: (sheet, cell) → RRGGBB."""
    wb = load_workbook(path)
    solid = (
        (ws.title, c.coordinate, str(c.fill.fgColor.rgb).upper()[-6:])
        for ws in wb.worksheets
        if ws.title not in TOOL_SHEETS
        for row in ws.iter_rows()
        for c in row
        if c.fill is not None and c.fill.fill_type == "solid"
    )
    return {(sheet, ref): rgb for sheet, ref, rgb in solid if rgb in TOOL_COLOURS}


def records(path: Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """The cells a mark state lists, and the cells the journal says the tool painted."""
    wb = load_workbook(path)
    marked = (
        {(s.sheet, s.cell) for s in read_state(sheet_from_openpyxl(wb[STATE_SHEET]))}
        if STATE_SHEET in wb.sheetnames
        else set()
    )
    painted = (
        {(e.sheet, e.cell) for e in read_journal(sheet_from_openpyxl(wb[UNDO_SHEET])) if e.op == "fill"}
        if UNDO_SHEET in wb.sheetnames
        else set()
    )
    return marked, painted


def values(path: Path) -> dict[str, list[list[object]]]:
    wb = load_workbook(path)
    return {
        ws.title: [[c.value for c in r] for r in ws.iter_rows()]
        for ws in wb.worksheets
        if ws.title not in TOOL_SHEETS and ws.sheet_state == "visible"
    }


def run(path: Path, *argv: str) -> int:
    return main([argv[0], str(path), *argv[1:], "--in-place"])


@pytest.fixture
def book(workbook_path: Path, tmp_path: Path) -> Path:
    p = tmp_path / "book.xlsx"
    shutil.copyfile(workbook_path, p)
    return p


def test_check_fill_clear_undo_leaves_no_tool_colour(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's reproducer: check → fill → clear → undo left 16 cells in a warning's colour, without a note."""
    start = values(book)
    assert not coloured(book)
    assert run(book, "check", "--mark") in (0, 1)
    assert coloured(book)
    assert run(book, "fill") == 0
    assert any(rgb == NEW_COLOR for rgb in coloured(book).values())
    assert run(book, "clear") == 0
    assert coloured(book) == {}
    assert values(book) != start  # the fill's edits stay: clear takes colours off, not edits
    # and the cells the fill painted over marks are not said to have been recoloured by the user
    assert "保留了现在的颜色" not in capsys.readouterr().out
    assert run(book, "undo") == 0
    assert coloured(book) == {}
    assert values(book) == start


def test_clear_takes_the_fill_highlights_off_and_says_so(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(book, "fill") == 0
    painted = [k for k, rgb in coloured(book).items() if rgb == NEW_COLOR]
    assert painted
    capsys.readouterr()
    assert run(book, "clear") == 0
    said = capsys.readouterr().out
    assert f"去掉{len(painted)}个单元格的填写/待更新底色" in said
    assert coloured(book) == {}
    # a cell the user recoloured after the fill keeps the user's colour
    assert run(book, "undo") == 0
    assert run(book, "fill") == 0
    sheet, cell = next(k for k, rgb in coloured(book).items() if rgb == NEW_COLOR)
    from openpyxl.styles import PatternFill

    wb = load_workbook(book)
    wb[sheet][cell].fill = PatternFill(fill_type="solid", fgColor="FF00B0F0")
    wb.save(book)
    assert run(book, "clear") == 0
    assert str(load_workbook(book)[sheet][cell].fill.fgColor.rgb).endswith("00B0F0")


def test_format_and_rollover_highlights(book: Path) -> None:
    """新年度's 待更新 orange comes off with 统一格式 as the fill's green does."""
    assert run(book, "rollover", "--to", "2027") == 0
    colours = set(coloured(book).values())
    assert TODO_COLOR in colours and NEW_COLOR in colours
    assert run(book, "format") == 0
    assert coloured(book) == {}


def test_the_highlight_colours_differ_in_grey_too() -> None:
    """已填写 and 待更新 must not look alike on a greyscale printer (the old yellow and orange did)."""

    def grey(rgb: str) -> float:
        r, g, b = (int(rgb[i : i + 2], 16) for i in (0, 2, 4))
        return 0.299 * r + 0.587 * g + 0.114 * b

    assert abs(grey(NEW_COLOR) - grey(TODO_COLOR)) >= 15
    assert "浅绿" in LEGEND and "橙色" in LEGEND


VERBS = [("check", "--mark"), ("fill",), ("clear",), ("undo",)]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_after_any_order_of_the_verbs_every_tool_colour_has_its_record(book: Path, seed: int) -> None:
    """A seeded random sequence of check/fill/clear/undo: after each, a cell in a mark's colour is
    in the mark state and a cell in a highlight colour was painted by a journalled step."""
    rnd = random.Random(seed)
    for _ in range(5):
        verb = rnd.choice(VERBS)
        assert run(book, *verb) in (0, 1), verb
        marked, painted = records(book)
        for key, rgb in coloured(book).items():
            if rgb in (NEW_COLOR, TODO_COLOR):
                assert key in painted, (verb, key, rgb)
            else:
                assert key in marked or key in painted, (verb, key, rgb)


def test_a_mark_prints_its_number_in_both_shells_and_clear_gives_the_format_back(
    book: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A greyscale printer shows no hue: the mark's 〔n〕 in front of the cell's text does, and n is
    the finding's line in 校验结果. The value is not touched."""
    from tests.test_shells import excel_run, files_run
    from xladdin.conventions import REPORT_SHEET
    from xladdin.excel import addin

    monkeypatch.setattr(addin, "LOG_FILE", str(tmp_path / "xladdin.log"))
    by_file = files_run(book, ["check", "--mark", "--in-place"], tmp_path / "file.xlsx")
    by_excel, _ = excel_run(book, addin.check, tmp_path / "excel.xlsx")
    for marked in (by_file, by_excel):
        wb = load_workbook(marked)
        cell = wb["信息系统维护"]["E41"]
        assert cell.value == "≥95%"
        n = next(
            r[0]
            for r in wb[REPORT_SHEET].iter_rows(values_only=True)
            if isinstance(r[0], int) and r[1] == "信息系统维护" and str(r[2]).removesuffix('")').endswith("E41")
        )
        assert f'"〔{n}〕"@' in cell.number_format, marked.name
    assert run(by_file, "clear") == 0
    assert load_workbook(by_file)["信息系统维护"]["E41"].number_format == "General"
