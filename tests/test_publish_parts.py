"""公开 of a large workbook: printed in parts (LibreOffice's memory grows with every sheet it
loads), the parts joined, the page numbers those of one document."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xladdin.commands.cli import main
from xladdin.files import pdf as pdfmod

from .conftest import WORKBOOK


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.fixture(scope="module")
def with_a_note(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled workbook and a sheet of notes that has a print area (and is no project table)."""
    path = tmp_path_factory.mktemp("parts") / "2026.xlsx"
    wb = load_workbook(WORKBOOK)
    ws = wb.create_sheet("备注")
    ws["A1"] = "这一页是内部备注，不应公开"
    ws.print_area = "A1:B2"
    wb.save(path)
    return path


@pytest.mark.libreoffice
def test_parts_print_the_same_document_as_one_run(
    soffice: str, with_a_note: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "一次.pdf"
    # the bundled workbook keeps the published tables' mistakes, so the gate refuses it: forced
    # (a draft) both times, which prints the same document either way
    assert main(["publish", str(with_a_note), "-o", str(whole), "--date", "2026-02-27", "--force"]) == 0
    monkeypatch.setattr(pdfmod, "PART_SHEETS", 3)  # notice + 6 tables: parts of 3, 3 and 1 sheets
    parts = tmp_path / "分部分.pdf"
    capsys.readouterr()
    assert main(["publish", str(with_a_note), "-o", str(parts), "--date", "2026-02-27", "--force", "--progress"]) == 0
    said = capsys.readouterr().err
    assert "公开：LibreOffice 分页 3/3" in said and "公开：LibreOffice 生成 PDF 3/3" in said
    one, joined = pages_text(whole), pages_text(parts)
    assert len(joined) == len(one) > 7
    for k, (a, b) in enumerate(zip(one, joined, strict=True), start=1):
        assert a == b, f"page {k}"  # the same tables, breaks and footers
        assert f"第 {k} 页，共 {len(one)} 页" in a
    assert not any("内部备注" in page for page in one)  # a hidden sheet's print area is not printed


def test_a_part_carries_the_sheets_its_formulas_name() -> None:
    wb = Workbook()
    a = wb.active
    a.title = "甲"
    b = wb.create_sheet("乙 表")
    c = wb.create_sheet("丙")
    d = wb.create_sheet("丁")
    a["A1"] = "='乙 表'!A1+1"
    a["A2"] = "=SUM(B1:B3)"
    d["A1"] = "=丙!A1"
    assert pdfmod._referenced([a], [b, c, d]) == [b]
    assert pdfmod._referenced([a, d], [b, c]) == [b, c]
    assert pdfmod._referenced([c], [a, b, d]) == []


def test_a_part_leaves_the_workbook_as_it_was(tmp_path: Path) -> None:
    wb = Workbook()
    a = wb.active
    a.title = "甲"
    b = wb.create_sheet("乙")
    hidden = wb.create_sheet("丙")
    hidden.print_area = "A1:C3"
    b["A1"] = "=丙!A1"
    for ws in (a, b):
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    part = pdfmod._save_part(wb, [b], tmp_path / "part.xlsx", first_page=5, total=9)
    got = load_workbook(part)
    assert got.sheetnames == ["乙", "丙"]
    assert got["丙"].sheet_state == "hidden" and not got["丙"].print_area
    assert got["乙"].oddFooter.center.text == "第 &P 页，共 9 页"
    assert got["乙"].page_setup.firstPageNumber == 5 and got["乙"].page_setup.useFirstPageNumber
    # the workbook in memory is untouched
    assert wb.sheetnames == ["甲", "乙", "丙"] and hidden.sheet_state == "visible" and hidden.print_area
    assert b.oddFooter.center.text == "第 &P 页，共 &N 页" and not b.page_setup.useFirstPageNumber
