"""公开: the disclosure PDF of the 2026 workbook — notice first, every table, fonts embedded."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.errors import UserError
from xladdin.files.pdf import build_publication
from xladdin.files.sources import read_sheets
from xladdin.framework import squash
from xladdin.layout import read_project
from xladdin.publish import NOTICE_SHEET


def projects_of(path: Path):
    return [p for p in (read_project(s) for s in read_sheets(path)) if p is not None]


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, bytes]:
    from .conftest import WORKBOOK, find_soffice

    if find_soffice() is None:
        import os

        if os.environ.get("XLADDIN_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI but was not found")
        pytest.skip("LibreOffice (soffice) not installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    tmp = tmp_path_factory.mktemp("publish")
    src = tmp / "2026.xlsx"
    shutil.copyfile(WORKBOOK, src)
    before = src.read_bytes()
    out = tmp / "公开.pdf"
    assert main(["publish", str(src), "-o", str(out), "--date", "2026-02-27", "--force"]) == 0
    return src, out, before


@pytest.mark.libreoffice
def test_pdf_starts_with_the_opening_notice(published):
    _, pdf, _ = published
    first = squash(pdf_text(pdf, 1, 1))
    assert first.startswith("自治区社会保险事业管理局本级2026年自治区本级部门项目支出预算绩效目标")
    for part in (
        "根据《中华人民共和国预算法》《自治区党委人民政府关于全面实施预算绩效管理的实施意见》（宁党发〔2019〕9号）",
        "附件：2026年自治区本级部门项目支出预算绩效目标表",
        "自治区社会保险事业管理局2026年2月27日",
        "第1页",
    ):
        assert part in first, part
    assert "项目名称" not in first  # the tables start on the next page
    assert "2026年宁夏回族自治区部门项目支出预算绩效表" in squash(pdf_text(pdf, 2, 2))


@pytest.mark.libreoffice
def test_pdf_holds_every_project_name_and_every_indicator_value(published):
    src, pdf, _ = published
    text = squash(pdf_text(pdf))
    projects = projects_of(src)
    assert len(projects) == 6
    for p in projects:
        assert squash(p.name.text) in text, p.name.text
        assert squash(p.goal.text)[-20:] in text, p.sheet  # the end of the longest cell is printed too
        for ind in p.indicators:
            assert squash(ind.value.text) in text, (p.sheet, ind.value.text)
    assert "下拉列表" not in text and "序号" not in text  # helper and summary sheets are not published
    n_pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    assert f"第{n_pages}页，共{n_pages}页" in text  # page numbers run through the document


@pytest.mark.libreoffice
def test_fonts_are_embedded_and_the_input_is_unchanged(published):
    src, pdf, before = published
    assert src.read_bytes() == before
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts not installed")
    rows = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert rows
    for row in rows:
        emb = row.split()[-5]
        assert emb == "yes", row
    assert any("CJK" in r for r in rows)


def test_a_cell_too_long_for_a_page_is_a_clear_error_not_a_clipped_table(workbook_copy: Path):
    wb = load_workbook(workbook_copy)
    wb["基本户资金"]["C12"] = "本项目用于保障基本户资金的正常使用。" * 200
    with pytest.raises(UserError) as err:
        build_publication(wb)
    msg = err.value.message
    assert "基本户资金" in msg and "C12" in msg and "太长" in msg


def test_the_publication_copy_hides_everything_but_notice_and_tables(workbook_copy: Path):
    wb = load_workbook(workbook_copy)
    wb.create_sheet("备注")["A1"] = "内部说明"
    published = build_publication(wb)
    assert wb.sheetnames[0] == NOTICE_SHEET
    visible = [ws.title for ws in wb if ws.sheet_state == "visible"]
    assert visible == [NOTICE_SHEET, *published]
    assert len(published) == 6


def test_missing_libreoffice_is_one_chinese_line(workbook_copy: Path, tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("XLADDIN_SOFFICE", str(tmp_path / "没有这个程序"))
    assert main(["publish", str(workbook_copy), "-o", str(tmp_path / "x.pdf")]) == 2
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "安装" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "x.pdf").exists()


def test_bad_output_name_and_date(workbook_copy: Path, tmp_path: Path, capsys):
    assert main(["publish", str(workbook_copy), "-o", str(tmp_path / "x.xlsx")]) == 2
    assert ".pdf" in capsys.readouterr().err
    assert main(["publish", str(workbook_copy), "-o", str(tmp_path / "x.pdf"), "--date", "明天"]) == 2
    assert "日期" in capsys.readouterr().err


# --------------------------------------------------------------------------- the gate


@pytest.mark.libreoffice
def test_an_unfinished_workbook_is_refused_with_its_findings(
    workbook_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], soffice: str
) -> None:
    """The issue's reproducer: after ``fill --new-project`` the PDF was written with an empty 项目总额
    and 项目期 (and, then, XX placeholders), exit 0."""
    draft = tmp_path / "draft.xlsx"
    assert main(["fill", str(workbook_path), "--new-project", "监督检查", "-o", str(draft)]) == 0
    capsys.readouterr()
    out = tmp_path / "公开.pdf"
    assert main(["publish", str(draft), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "未生成公开文档" in err and "--force" in err
    # the empty 项目期 and 项目总额 of the new table, on their cells
    assert "监督检查!E6  错误 HDR001" in err and "监督检查!C7  错误 FUND001" in err
    assert not out.exists()


@pytest.mark.libreoffice
def test_a_forced_draft_says_so_and_prints_none_of_the_tools_colours(
    workbook_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], soffice: str
) -> None:
    """Marks, fill highlights: all on the workbook, none in the PDF; its first page says “草稿”."""
    from tests.test_colours import TOOL_COLOURS, coloured

    book = tmp_path / "book.xlsx"
    shutil.copyfile(workbook_path, book)
    assert main(["check", str(book), "--mark", "--in-place"]) == 1
    assert main(["fill", str(book), "--in-place"]) == 0
    assert len(coloured(book)) > 20
    out = tmp_path / "公开.pdf"
    assert main(["publish", str(book), "-o", str(out), "--force"]) == 0
    assert "草稿" in capsys.readouterr().out
    first = pdf_text(out, 1, 1)
    assert "【草稿】" in first and "错误3处" in first and "带有校验标记" in first
    assert "校验结果" not in pdf_text(out)
    subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "p")], check=True)
    from PIL import Image

    wanted = [tuple(int(c[i : i + 2], 16) for i in (0, 2, 4)) for c in TOOL_COLOURS]
    for png in sorted(tmp_path.glob("p-*.png")):
        img = Image.open(png).convert("RGB")
        hits = sum(
            n
            for n, px in img.getcolors(1 << 20) or []
            if any(all(abs(a - b) <= 2 for a, b in zip(px, w, strict=True)) for w in wanted)
        )
        assert hits == 0, png.name
