"""The layout reader on real department drift: rows inserted, labels retyped, merges gone,
amounts as text, 一级/二级 repeated on every row — each written to a real .xlsx and read back."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.files.sources import read_sheets
from xladdin.layout import label_key, parse_amount, read_project, spec_of
from xladdin.model import Merge, SheetData, column_letter, parse_ref

from .conftest import WORKBOOK

PROJECT_SHEETS = ["信息系统维护", "社保卡补换卡", "退休人员档案", "经办人员培训", "事业管理费", "基本户资金"]


def original(sheet: str):
    sh = next(s for s in read_sheets(WORKBOOK) if s.name == sheet)
    p = read_project(sh)
    assert p is not None
    return p


def reread(path: Path, sheet: str):
    sh = next(s for s in read_sheets(path) if s.name == sheet)
    return read_project(sh)


@pytest.fixture
def book(workbook_copy):
    return workbook_copy, load_workbook(workbook_copy)


def _same_content(a, b) -> None:
    sa, sb = spec_of(a), spec_of(b)
    assert sa == sb


@pytest.mark.parametrize("sheet", PROJECT_SHEETS)
def test_blank_rows_inserted_everywhere(book, sheet):
    path, wb = book
    ws = wb[sheet]
    for ref in list(ws.merged_cells.ranges):  # openpyxl does not move merges on insert
        ws.unmerge_cells(str(ref))
    for row in (20, 14, 12, 8, 3):
        ws.insert_rows(row)
    wb.save(path)
    p = reread(path, sheet)
    _same_content(p, original(sheet))
    assert parse_ref(p.name.cell)[0] == 4 + 1  # one blank row above it
    assert p.header_row == 13 + 3  # rows 3, 8 and 12 are above the header; 14 and 20 below


@pytest.mark.parametrize("sheet", PROJECT_SHEETS)
def test_rows_removed_title_and_unit_lines_gone(book, sheet):
    path, wb = book
    ws = wb[sheet]
    for ref in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(ref))
    ws.delete_rows(3)  # 单位：万元
    wb.save(path)
    p = reread(path, sheet)
    _same_content(p, original(sheet))


def test_labels_retyped_with_spaces_colons_and_line_breaks(book):
    path, wb = book
    ws = wb["经办人员培训"]
    variants = {
        "A4": "项目 名称",
        "D7": "其中:年度资金总额",
        "A8": "其中： 本级资金",
        "D8": "其中： 转移市县 (区)资 金",
        "B11": "结余结转资 金",
        "E10": "自治区资\n金",
        "A12": "年度总体\n绩效目标",
        "A13": "一级指标 ",
        "E13": "指 标 值",
        "D5": "实施单位：",
    }
    for ref, text in variants.items():
        ws[ref].value = text
    wb.save(path)
    _same_content(reread(path, "经办人员培训"), original("经办人员培训"))


def test_amounts_as_text(book):
    path, wb = book
    ws = wb["信息系统维护"]
    ws["C7"].value = "400"
    ws["E7"].value = "400.00"
    ws["C9"].value = " 400 "
    ws["C10"].value = "0.00"
    wb.save(path)
    p = reread(path, "信息系统维护")
    assert p.money.total.number == 400 and p.money.annual.number == 400
    assert p.money.local_appropriation.number == 400 and p.money.local_other.number == 0
    assert p.money.total.raw == "400"  # the cell keeps what the user typed


@pytest.mark.parametrize("sheet", PROJECT_SHEETS)
def test_merges_removed(book, sheet):
    path, wb = book
    ws = wb[sheet]
    for ref in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(ref))
    wb.save(path)
    _same_content(reread(path, sheet), original(sheet))


@pytest.mark.parametrize("sheet", PROJECT_SHEETS)
def test_level_labels_repeated_on_every_row(book, sheet):
    path, wb = book
    ws = wb[sheet]
    p0 = original(sheet)
    for ref in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(ref))
    for ind in p0.indicators:
        ws.cell(row=ind.row, column=1).value = ind.level1.text
        ws.cell(row=ind.row, column=2).value = ind.level2.text
    wb.save(path)
    _same_content(reread(path, sheet), p0)


def test_fields_remember_their_cells():
    p = original("信息系统维护")
    assert p.name.cell == "C4" and p.unit.cell == "E5" and p.period.cell == "E6"
    assert p.money.total.cell == "C7" and p.money.annual.cell == "E7"
    assert p.money.local_carryover.cell == "C11" and p.money.transfer_total.cell == "F8"
    assert p.goal.cell == "C12"
    first = p.indicators[0]
    assert (first.name.cell, first.value.cell, first.level1.cell) == ("C14", "E14", "A14")
    # every indicator cell holds exactly the model's text
    sh = next(s for s in read_sheets(WORKBOOK) if s.name == "信息系统维护")
    for ind in p.indicators:
        r, c = parse_ref(ind.value.cell)
        assert sh.value(r, c) == ind.value.text


def test_empty_field_points_at_its_cell():
    sh = next(s for s in read_sheets(WORKBOOK) if s.name == "基本户资金")
    rows = [list(r) for r in sh.rows]
    rows[3][2] = None  # 项目名称 value C4 cleared
    p = read_project(SheetData(sh.name, rows, sh.merges))
    assert p is not None and p.name.empty and p.name.cell == "C4"


def test_not_a_project_sheet():
    assert read_project(SheetData("x", [["hello", 1], [None, "world"]])) is None
    assert read_project(SheetData("empty", [])) is None


@pytest.mark.parametrize(
    "text,key",
    [
        ("其中： 转移市县 (区)资 金", "transfer_group"),
        ("其中：年度资金总额", "annual"),
        ("结余结转资 金", "local_carryover"),
        ("其他资金", "local_other"),
        ("中央资金", "transfer_central"),
        ("项目名称：", "name"),
        ("随便写的", None),
        (42, None),
    ],
)
def test_label_keys(text, key):
    assert label_key(text) == key


@pytest.mark.parametrize(
    "raw,number",
    [
        (400, 400.0),
        ("400", 400.0),
        ("400.00", 400.0),
        ("１，２００", 1200.0),
        ("45.91万元", 45.91),
        ("abc", None),
        (None, None),
        (True, None),
    ],
)
def test_parse_amount(raw, number):
    assert parse_amount(raw) == number


def test_merge_helpers():
    m = Merge.from_ref("A8:A11")
    assert m.ref == "A8:A11" and m.contains(10, 1) and not m.contains(12, 1)
    assert column_letter(28) == "AB" and parse_ref("AB12") == (12, 28)
