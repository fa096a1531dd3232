"""The ``成本测算`` sheet: native formulas that LibreOffice recalculates to Python's numbers,
idempotent writes, and text that never becomes a formula."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xladdin.check import read_projects
from xladdin.commands.cli import main
from xladdin.conventions import COST_SHEET as SHEET
from xladdin.conventions import UNDO_SHEET
from xladdin.costs import explain
from xladdin.files.sources import read_sheets

from .conftest import run_soffice


def write(src: Path, out: Path) -> None:
    assert main(["costs", str(src), "--write", "-o", str(out)]) == 0


def python_explanations(path: Path):
    projects, _ = read_projects(read_sheets(path))
    return [explain(p) for p in projects]


def blocks(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """Each project block of the sheet: header columns, line rows, and the summary cells."""
    out: list[dict[str, Any]] = []
    for r, row in enumerate(rows):
        if row and row[0] == "序号":
            cols = {v: c for c, v in enumerate(row) if isinstance(v, str)}
            lines = []
            k = r + 1
            while k < len(rows) and isinstance(rows[k][0], int | float):
                lines.append(rows[k])
                k += 1
            amt = cols["金额（万元）"]
            summary = {rows[j][amt - 1]: rows[j][amt] for j in range(k, k + 4)}
            out.append({"cols": cols, "lines": lines, "summary": summary, "first_row": r + 2})
    return out


def recalc(soffice: str, path: Path, tmp: Path) -> Path:
    outdir = tmp / "recalc"
    outdir.mkdir(exist_ok=True)
    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(outdir), str(path)], cwd=tmp)
    result = outdir / path.name
    assert result.exists(), res.stderr
    return result


def sheet_rows(path: Path) -> list[list[Any]]:
    sh = next(s for s in read_sheets(path) if s.name == SHEET)
    return sh.rows


# --------------------------------------------------------------------------- without LibreOffice


def test_sheet_holds_formulas_not_results(workbook_copy, tmp_path):
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    wb = load_workbook(out)
    ws = wb[SHEET]
    formulas = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")]
    assert sum(f.startswith("=PRODUCT(") for f in formulas) == sum(len(e.lines) for e in python_explanations(out))
    assert "='信息系统维护'!C7" in formulas  # 项目总额 is referenced, not copied
    assert sum(f.startswith("=SUM(") for f in formulas) == 6
    assert [ws.title for ws in wb.worksheets].count(SHEET) == 1
    # the source is untouched
    assert SHEET not in load_workbook(workbook_copy).sheetnames


def test_writing_twice_leaves_one_identical_sheet(workbook_copy, tmp_path):
    once = tmp_path / "once.xlsx"
    write(workbook_copy, once)
    twice = tmp_path / "twice.xlsx"
    write(once, twice)
    assert main(["costs", str(twice), "--write", "--in-place"]) == 0
    a, b = load_workbook(once), load_workbook(twice)
    assert b.sheetnames.count(SHEET) == 1
    assert a.sheetnames.index(SHEET) == b.sheetnames.index(SHEET)
    va = [[c.value for c in row] for row in a[SHEET].iter_rows()]
    vb = [[c.value for c in row] for row in b[SHEET].iter_rows()]
    assert va == vb
    # added once → one undo entry for the sheet
    journal = [row for row in b[UNDO_SHEET].iter_rows(min_row=2, values_only=True) if row[1] == "add_sheet"]
    assert len(journal) == 1


def test_text_starting_with_equals_stays_text(workbook_copy, tmp_path):
    wb = load_workbook(workbook_copy)
    ws = wb["社保卡补换卡"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "高拍仪费服务费")
    cell.value = "=高拍仪费服务费"
    cell.data_type = "s"
    wb.save(workbook_copy)
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    ws2 = load_workbook(out)[SHEET]
    found = [c for row in ws2.iter_rows() for c in row if c.value == "=高拍仪费服务费"]
    assert len(found) == 1 and found[0].data_type == "s"


def test_write_without_output_is_refused(workbook_copy, capsys):
    assert main(["costs", str(workbook_copy), "--write"]) == 2
    assert "-o" in capsys.readouterr().err


# --------------------------------------------------------------------------- LibreOffice recalculation


@pytest.mark.libreoffice
def test_libreoffice_recalculates_to_the_python_numbers(soffice, workbook_copy, tmp_path):
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    expected = python_explanations(workbook_copy)
    got = blocks(sheet_rows(recalc(soffice, out, tmp_path)))
    assert len(got) == len(expected) == 6
    for e, blk in zip(expected, got, strict=True):
        amt = blk["cols"]["金额（万元）"]
        assert [row[amt] for row in blk["lines"]] == pytest.approx([line.amount_wan for line in e.lines], abs=1e-9)
        assert blk["summary"]["合计（万元）"] == pytest.approx(e.explained, abs=1e-9)
        assert blk["summary"]["项目总额（万元）"] == e.total
        assert blk["summary"]["未解释（万元）"] == pytest.approx(e.unexplained, abs=1e-9)
        assert blk["summary"]["结论"] == "已全部解释"
        check = blk["cols"]["与目标所述"]
        for row, line in zip(blk["lines"], e.lines, strict=True):
            if line.narrative_wan is not None:
                assert row[check] == "一致"


@pytest.mark.libreoffice
def test_formulas_follow_a_changed_quantity(soffice, workbook_copy, tmp_path):
    """The point of live formulas: change a number in Excel/WPS and the check follows."""
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    wb = load_workbook(out)
    ws = wb[SHEET]
    row = next(r for r in ws.iter_rows() if r[1].value == "各社会保险业务系统驻场维护费")
    qty = next(c for c in row[3:] if c.value == 18)
    qty.value = 17
    wb.save(out)
    blk = blocks(sheet_rows(recalc(soffice, out, tmp_path)))[0]
    amt = blk["cols"]["金额（万元）"]
    line = next(r for r in blk["lines"] if r[1] == "各社会保险业务系统驻场维护费")
    assert line[amt] == pytest.approx(1.2 * 17 * 12)
    assert blk["summary"]["未解释（万元）"] == pytest.approx(14.4)
    assert blk["summary"]["结论"] == "有14.40万元未解释"
    assert line[blk["cols"]["与目标所述"]] == "不一致"


@pytest.mark.libreoffice
def test_equals_text_survives_recalculation(soffice, workbook_copy, tmp_path):
    wb = load_workbook(workbook_copy)
    ws = wb["社保卡补换卡"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "高拍仪费服务费")
    cell.value = "=1+1"
    cell.data_type = "s"
    wb.save(workbook_copy)
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    rows = sheet_rows(recalc(soffice, out, tmp_path))
    assert any(r[1] == "=1+1" for r in rows)
    assert not any(r[1] == 2 for r in rows)


def test_unexplained_parts_are_listed_and_undo_removes_the_sheet(workbook_copy, tmp_path):
    wb = load_workbook(workbook_copy)
    ws = wb["社保卡补换卡"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "6.2元/张")
    cell.value = "300元/辆"
    wb.save(workbook_copy)
    out = tmp_path / "out.xlsx"
    write(workbook_copy, out)
    texts = [c.value for row in load_workbook(out)[SHEET].iter_rows() for c in row if isinstance(c.value, str)]
    assert "未测算的成本指标（没有找到单位相符的数量）" in texts
    assert any("社保交通卡服务费" in t and "300元/辆" in t for t in texts)
    assert any("社保交通卡服务耗材" in t and "2.1万张" in t for t in texts)
    assert main(["undo", str(out), "--in-place"]) == 0
    assert SHEET not in load_workbook(out).sheetnames
