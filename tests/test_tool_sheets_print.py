"""Every sheet the tool writes prints: A4, one page wide (no column strips), its header on every
page, and every explanation whole on the page (rows as tall as their wrapped text) — checked by
printing each sheet alone through LibreOffice, as a user's printer would get it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.conventions import COST_HEADER_FILL, HEADER_FILL

# (the file that holds it, the sheet)
SHEETS = [
    ("marked", "校验结果"),
    ("costs", "成本测算"),
    ("filled", "填充记录"),
    ("rolled", "新年度检查"),
    ("review", "审核汇总"),
    ("review", "问题清单"),
]
HEADER_FILLS = {HEADER_FILL, COST_HEADER_FILL}


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """Each tool sheet alone in a workbook (the others hidden: LibreOffice prints no hidden
    sheet), and its PDF: sheet → (xlsx, pdf)."""
    from .conftest import WORKBOOK, find_soffice

    soffice = find_soffice()
    if soffice is None:
        import os

        if os.environ.get("XLADDIN_REQUIRE_SOFFICE") == "1":
            pytest.fail("LibreOffice (soffice) is required in CI but was not found")
        pytest.skip("LibreOffice (soffice) not installed")
    tmp = tmp_path_factory.mktemp("print")
    src = tmp / "src.xlsx"
    shutil.copyfile(WORKBOOK, src)
    made = {
        "marked": ["check", str(src), "--mark", "-o", str(tmp / "marked.xlsx")],
        "costs": ["costs", str(src), "--write", "-o", str(tmp / "costs.xlsx")],
        "filled": ["fill", str(src), "-o", str(tmp / "filled.xlsx")],
        "rolled": ["rollover", str(src), "--to", "2027", "-o", str(tmp / "rolled.xlsx")],
    }
    for argv in made.values():
        assert main(argv) in (0, 1), argv
    dept = tmp / "送审"
    dept.mkdir()
    shutil.copyfile(WORKBOOK, dept / "社保局.xlsx")
    assert main(["fill", str(WORKBOOK), "--new-project", "监督检查", "-o", str(dept / "新项目.xlsx")]) == 0
    assert main(["check", str(dept), "--report", str(tmp / "review.xlsx"), "--reviewer", "张三"]) in (0, 1)
    alone = tmp / "alone"
    alone.mkdir()
    out: dict[str, tuple[Path, Path]] = {}
    for kind, sheet in SHEETS:
        wb = load_workbook(tmp / f"{kind}.xlsx")
        for ws in wb.worksheets:
            ws.sheet_state = "visible" if ws.title == sheet else "hidden"
        wb.active = wb.sheetnames.index(sheet)
        path = alone / f"{sheet}.xlsx"
        wb.save(path)
        out[sheet] = (path, alone / f"{sheet}.pdf")
    subprocess.run(
        [soffice, "--headless", "--convert-to", "pdf", "--outdir", str(alone), *(str(p) for p, _ in out.values())],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return out


def pages(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True).stdout
    return [
        (float(m.group(1)), float(m.group(2)))
        for m in re.finditer(r"Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", info)
    ]


def text(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-raw"] + (["-f", str(page), "-l", str(page)] if page else [])
    return subprocess.run([*args, str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def squeezed(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.mark.libreoffice
@pytest.mark.parametrize("sheet", [s for _, s in SHEETS])
def test_each_tool_sheet_prints_on_a4_one_page_wide_with_every_text_whole(
    printed: dict[str, tuple[Path, Path]], sheet: str
) -> None:
    xlsx, pdf = printed[sheet]
    assert pdf.exists(), sheet
    sizes = pages(pdf)
    assert sizes, sheet
    for w, h in sizes:  # A4, either way round
        assert sorted((round(w), round(h))) == [595, 842], (sheet, w, h)
    ws = load_workbook(xlsx)[sheet]
    titles = ws.print_title_rows  # the rows repeated on every page, e.g. "$4:$4"
    filled = (
        r for r in range(1, ws.max_row + 1) if str(ws.cell(row=r, column=1).fill.fgColor.rgb)[-6:] in HEADER_FILLS
    )
    header = int(re.findall(r"\d+", titles)[-1]) if titles else next(filled, 1)
    headings = [str(c.value) for c in ws[header] if c.value]
    everything = squeezed(text(pdf))
    # one page wide: every column's heading is on the first page (a column strip would carry some
    # of them to later pages); the header row is repeated on every page
    first = squeezed(text(pdf, 1))
    assert all(squeezed(h) in first for h in headings), (sheet, headings)
    if titles:
        for n in range(2, len(sizes) + 1):
            assert squeezed(headings[-1]) in squeezed(text(pdf, n)), (sheet, n)
    # every text of the sheet whole in the page text: nothing cut at a cell's edge or the margin
    texts = [
        str(c.value)
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and len(c.value) > 12 and not c.value.startswith("=")
    ]
    assert texts
    cut = [t for t in texts if squeezed(t) not in everything]
    assert not cut, (sheet, len(cut), cut[:3])
