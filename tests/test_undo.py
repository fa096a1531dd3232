"""撤销: every fill / rollover batch comes back out exactly; row insertion keeps the table intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, PatternFill, Side
from openpyxl.worksheet.datavalidation import DataValidation

from xladdin.commands.cli import main
from xladdin.files.rows import delete_rows, insert_rows, shift_formula

from .workbook_snapshot import build, snapshot

CARD = "社保卡补换卡"


def _undo(src: Path, out: Path) -> int:
    return main(["undo", str(src), "-o", str(out)])


def test_undo_fill_with_inserted_rows_restores_everything(tmp_path: Path) -> None:
    src = build(tmp_path / "a.xlsx", keep=lambda s, i: not (s.sheet == CARD and i.level2 in ("成本指标", "质量指标")))
    filled, back = tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    assert main(["fill", str(src), "-o", str(filled)]) == 0
    assert snapshot(filled) != snapshot(src)
    assert _undo(filled, back) == 0
    assert snapshot(back) == snapshot(src)


def test_undo_fill_of_the_published_workbook(workbook_copy: Path, tmp_path: Path) -> None:
    """Comparators only (cells and their fills), no rows: back to the original cells and colours."""
    filled, back = tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    main(["fill", str(workbook_copy), "-o", str(filled)])
    assert _undo(filled, back) == 0
    assert snapshot(back) == snapshot(workbook_copy)


def test_undo_new_project_removes_the_sheet(workbook_copy: Path, tmp_path: Path) -> None:
    filled, back = tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    main(["fill", str(workbook_copy), "--new-project", "新项目甲", "-o", str(filled)])
    assert "新项目甲" in load_workbook(filled).sheetnames
    assert _undo(filled, back) == 0
    assert snapshot(back) == snapshot(workbook_copy)


def test_undo_rollover(workbook_copy: Path, tmp_path: Path) -> None:
    rolled, back = tmp_path / "b.xlsx", tmp_path / "c.xlsx"
    main(["rollover", str(workbook_copy), "--to", "2027", "-o", str(rolled)])
    assert _undo(rolled, back) == 0
    assert snapshot(back) == snapshot(workbook_copy)


def test_undo_goes_back_one_batch_at_a_time(tmp_path: Path) -> None:
    src = build(tmp_path / "a.xlsx", keep=lambda s, i: not (s.sheet == CARD and i.level2 == "成本指标"))
    f1, f2, u1, u2 = (tmp_path / n for n in ("f1.xlsx", "f2.xlsx", "u1.xlsx", "u2.xlsx"))
    main(["fill", str(src), "-o", str(f1)])
    main(["rollover", str(f1), "--to", "2027", "-o", str(f2)])
    assert _undo(f2, u1) == 0
    assert snapshot(u1) == snapshot(f1)
    assert _undo(u1, u2) == 0
    assert snapshot(u2) == snapshot(src)
    assert main(["undo", str(u2), "-o", str(tmp_path / "u3.xlsx")]) == 2


def test_undo_in_place_keeps_a_backup(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    original = snapshot(workbook_copy)
    main(["rollover", str(workbook_copy), "--to", "2027", "--in-place"])
    rolled_bytes = workbook_copy.read_bytes()
    assert main(["undo", str(workbook_copy), "--in-place"]) == 0
    assert snapshot(workbook_copy) == original
    backups = sorted(workbook_copy.parent.glob("*备份*"))
    assert any(b.read_bytes() == rolled_bytes for b in backups)
    assert "已撤销" in capsys.readouterr().out


def test_nothing_to_undo_is_a_user_error(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    assert _undo(workbook_copy, tmp_path / "x.xlsx") == 2
    assert "无可撤销" in capsys.readouterr().err


# --------------------------------------------------------------------------- rows


def _table(ws) -> None:
    """A small table: a 3-row vertical merge, horizontal merges, a bordered row, a row height."""
    thin = Side(style="thin")
    for r in range(1, 9):
        for c in range(1, 5):
            ws.cell(row=r, column=c, value=f"r{r}c{c}" if c > 1 else None).border = Border(top=thin, bottom=thin)
    ws["A2"] = "组"
    ws.merge_cells("A2:A4")
    ws.merge_cells("B5:C5")
    ws.merge_cells("C2:D2")
    ws.row_dimensions[6].height = 33
    ws["B7"].fill = PatternFill("solid", fgColor="FF00FF00")


def test_insert_rows_moves_merges_heights_styles_and_formulas() -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "表"
    _table(ws)
    other = wb.create_sheet("汇总")
    other["A1"] = "='表'!B6+表!B1"
    ws["D8"] = "=SUM(B1:B7)"
    dv = DataValidation(type="list", formula1='"是,否"', sqref="D6")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("B6:B7", CellIsRule(operator="equal", formula=['"x"'], fill=PatternFill("solid")))
    insert_rows(ws, 3, 2, template=2)  # inside the A2:A4 block
    merges = {m.coord for m in ws.merged_cells.ranges}
    assert merges == {"A2:A6", "B7:C7", "C2:D2", "C3:D3", "C4:D4"}
    assert ws.row_dimensions[8].height == 33 and ws.row_dimensions[6].height in (None, 15)
    assert ws["B9"].fill.fgColor.rgb == "FF00FF00"
    assert ws["B3"].border.top.style == "thin" and ws["B3"].value is None
    assert other["A1"].value == "='表'!B8+表!B1"
    assert ws["D10"].value == "=SUM(B1:B9)"
    assert str(dv.sqref) == "D8"
    assert [str(f.sqref) for f in ws.conditional_formatting] == ["B8:B9"]


def test_delete_rows_is_the_inverse_of_insert(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    _table(ws)
    wb.create_sheet("汇总")["A1"] = "=Sheet!B6"
    p1, p2 = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    wb.save(p1)
    insert_rows(ws, 5, 3, template=4)
    delete_rows(ws, 5, 3)
    wb.save(p2)
    assert snapshot(p1) == snapshot(p2)


def test_charts_below_inserted_rows_move_with_them_and_back(tmp_path: Path) -> None:
    """A chart under a table (the 项目汇总 chart) must not end up on the table's new rows."""
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    for r in range(1, 6):
        ws.cell(row=r, column=1, value=r)
    above, below = BarChart(), BarChart()
    for ch in (above, below):
        ch.add_data(Reference(ws, min_col=1, min_row=1, max_row=5))
    ws.add_chart(above, "C1")
    ws.add_chart(below, "A8")
    path = tmp_path / "c.xlsx"
    wb.save(path)
    wb = load_workbook(path)  # anchors as read from a file, not as strings
    ws = wb.active
    insert_rows(ws, 5, 2, template=4)
    rows = sorted(ch.anchor._from.row for ch in ws._charts)
    assert rows == [0, 9]  # row 8 (0-based 7) moved two down; the chart beside row 1 stayed
    delete_rows(ws, 5, 2)
    assert sorted(ch.anchor._from.row for ch in ws._charts) == [0, 7]
    fresh = Workbook().active
    fresh.add_chart(BarChart(), "B12")
    insert_rows(fresh, 3, 1)
    assert fresh._charts[0].anchor == "B13"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("=B6", "=B8"),
        ("=$B$6+B4", "=$B$8+B4"),
        ("=SUM(B4:B9)", "=SUM(B4:B11)"),
        ('="B6"&B6', '="B6"&B8'),
        ("='其他'!B6", "='其他'!B6"),
    ],
)
def test_shift_formula(formula: str, expected: str) -> None:
    assert shift_formula(formula, "表", "表", 5, 2) == expected


def test_second_fill_appends_to_the_record_and_undo_takes_only_that_back(tmp_path: Path) -> None:
    src = build(tmp_path / "a.xlsx", keep=lambda s, i: not (s.sheet == CARD and i.level2 == "成本指标"))
    f1, f2, back = tmp_path / "f1.xlsx", tmp_path / "f2.xlsx", tmp_path / "u.xlsx"
    main(["fill", str(src), "-o", str(f1)])
    first_rows = load_workbook(f1)["填充记录"].max_row
    main(["fill", str(f1), "--new-project", "新项目乙", "-o", str(f2)])
    record = load_workbook(f2)["填充记录"]
    assert record.max_row > first_rows
    assert any(row[0] == "新项目乙" for row in record.iter_rows(min_row=first_rows + 1, values_only=True))
    assert _undo(f2, back) == 0
    assert snapshot(back) == snapshot(f1)


def test_undo_second_rollover_restores_the_first_checklist(workbook_copy: Path, tmp_path: Path) -> None:
    r1, r2, back = tmp_path / "r1.xlsx", tmp_path / "r2.xlsx", tmp_path / "u.xlsx"
    main(["rollover", str(workbook_copy), "--to", "2027", "-o", str(r1)])
    main(["rollover", str(r1), "--to", "2028", "-o", str(r2)])
    assert _undo(r2, back) == 0
    assert snapshot(back) == snapshot(r1)
    links = {
        c.coordinate: c.hyperlink.location for c in load_workbook(back)["新年度检查"]["D"] if c.hyperlink is not None
    }
    assert links == {
        c.coordinate: c.hyperlink.location for c in load_workbook(r1)["新年度检查"]["D"] if c.hyperlink is not None
    }
