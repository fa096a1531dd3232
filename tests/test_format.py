"""统一格式 on real files: values unchanged, idempotent, print settings, lists, and LibreOffice pages."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.styles import Font

from xladdin.commands.cli import main
from xladdin.files.sources import read_sheets
from xladdin.framework import squash
from xladdin.layout import read_project
from xladdin.style import CHART_DATA_SHEET
from xladdin.validation_lists import ATTRIBUTE_VALUES, LISTS_SHEET, level2_lists

from .conftest import run_soffice

PROJECT_SHEETS = ["信息系统维护", "社保卡补换卡", "退休人员档案", "经办人员培训", "事业管理费", "基本户资金"]


def values(path: Path) -> dict[tuple[str, str], object]:
    wb = load_workbook(path)
    return {
        (ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row if c.value is not None
    }


def look(path: Path) -> dict[object, object]:
    """Everything 统一格式 may touch, per cell and per sheet, as comparable data."""
    wb = load_workbook(path)
    out: dict[object, object] = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items())}
    for ws in wb:
        for row in ws.iter_rows():
            for c in row:
                out[(ws.title, c.coordinate)] = (
                    c.value,
                    c.font.name,
                    c.font.sz,
                    c.font.b,
                    c.alignment.horizontal,
                    c.alignment.vertical,
                    c.alignment.wrap_text,
                    repr(c.border),
                    c.number_format,
                )
        out[ws.title] = (
            ws.sheet_state,
            {k: (d.width, d.min, d.max) for k, d in ws.column_dimensions.items()},
            {k: d.height for k, d in ws.row_dimensions.items()},
            sorted(str(m) for m in ws.merged_cells.ranges),
            ws.print_title_rows,
            ws.print_area,
            ws.freeze_panes,
            [(dv.type, dv.formula1, str(dv.sqref), dv.prompt) for dv in ws.data_validations.dataValidation],
            len(ws._charts),
            ws.page_setup.paperSize,
            ws.page_setup.fitToWidth,
        )
    return out


def format_file(source: Path, output: Path) -> Path:
    """The command line's 统一格式 of ``source`` into ``output``."""
    from xladdin.files.writing import edit_file
    from xladdin.plans.format import plan_format

    done = edit_file(source, plan_format, output)
    assert done.target is not None
    return done.target


@pytest.fixture
def formatted(workbook_copy: Path, tmp_path: Path) -> Path:
    out = tmp_path / "格式化.xlsx"
    format_file(workbook_copy, out)
    return out


def test_every_value_of_every_sheet_is_unchanged(workbook_copy: Path, formatted: Path):
    before, after = values(workbook_copy), values(formatted)
    assert after == before | {k: v for k, v in after.items() if k[0] in (LISTS_SHEET, CHART_DATA_SHEET)}
    added = [LISTS_SHEET, CHART_DATA_SHEET]
    assert sorted(load_workbook(formatted).sheetnames) == sorted([*load_workbook(workbook_copy).sheetnames, *added])
    # and the tables read back the same
    for a, b in zip(read_sheets(workbook_copy), read_sheets(formatted), strict=False):
        pa, pb = read_project(a), read_project(b)
        if pa is not None:
            assert pb is not None and pa.indicators == pb.indicators and pa.money == pb.money


def test_running_twice_changes_nothing(formatted: Path, tmp_path: Path):
    twice = tmp_path / "两次.xlsx"
    format_file(formatted, twice)
    assert look(twice) == look(formatted)


def test_print_settings_of_every_project_sheet(formatted: Path):
    wb = load_workbook(formatted)
    for name in PROJECT_SHEETS:
        ws = wb[name]
        assert int(ws.page_setup.paperSize) == 9  # A4
        assert ws.page_setup.orientation == "portrait"
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.print_options.horizontalCentered
        assert ws.print_title_rows == "$13:$13"
        assert ws.print_area == f"'{name}'!$A$1:$F${ws.max_row}"
        assert "&P" in ws.oddFooter.center.text
        assert ws["A1"].font.name == "黑体" and ws["A14"].font.name == "仿宋"
        assert ws["A4"].font.b and ws["A4"].border.left.style == "thin"
        assert "A1:F1" in {str(m) for m in ws.merged_cells.ranges}
    summary = wb["项目汇总"]
    assert summary.page_setup.fitToWidth == 1 and summary["A2"].font.b


def test_data_validation_lists_and_hint(formatted: Path):
    wb = load_workbook(formatted)
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"

    def named(name: str) -> list[str]:
        dest = next(iter(wb.defined_names[name].destinations))
        ws = wb[dest[0]]
        return [c.value for row in ws[dest[1].replace("$", "")] for c in row]

    assert named("项目属性列表") == list(ATTRIBUTE_VALUES)
    assert named("一级指标列表") == list(level2_lists())
    for l1, l2 in level2_lists().items():
        assert named(l1) == l2
    ws = wb["信息系统维护"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert dvs["C6"].type == "list" and dvs["C6"].formula1 == "项目属性列表"
    level1 = next(dv for dv in dvs.values() if dv.formula1 == "一级指标列表")
    assert "A14" in level1.sqref and "A41" in level1.sqref
    # the 二级 list of a row is the named range of its own 一级 block
    for row, anchor in ((14, "$A$14"), (30, "$A$14"), (35, "$A$35"), (41, "$A$41")):
        dv = next(d for d in dvs.values() if f"B{row}" in d.sqref and d.type == "list")
        assert dv.formula1 == f"INDIRECT({anchor})"
        assert ws[anchor.replace("$", "")].value in level2_lists()
    hint = next(dv for dv in dvs.values() if dv.type is None)
    assert "E14" in hint.sqref and hint.showInputMessage
    for example in ("≥95%", "18人", "1.2万元/月/人"):
        assert example in hint.prompt


def test_money_without_float_noise_and_unknown_sheets_untouched(workbook_copy: Path, tmp_path: Path):
    wb = load_workbook(workbook_copy)
    wb["社保卡补换卡"]["C7"] = 45.912000000001
    notes = wb.create_sheet("备注")
    notes["A1"] = "自己的说明"
    notes["A1"].font = Font(name="Arial", size=20, italic=True)
    notes.column_dimensions["A"].width = 55
    wb.save(workbook_copy)
    out = tmp_path / "out.xlsx"
    format_file(workbook_copy, out)
    wb2 = load_workbook(out)
    assert wb2["社保卡补换卡"]["C7"].value == 45.912000000001
    assert wb2["社保卡补换卡"]["C7"].number_format == "#,##0.000"
    assert wb2["社保卡补换卡"]["C9"].number_format == "#,##0"
    n = wb2["备注"]
    assert (n["A1"].value, n["A1"].font.name, n["A1"].font.sz, n["A1"].font.i) == ("自己的说明", "Arial", 20, True)
    assert n.column_dimensions["A"].width == 55 and not n.data_validations.dataValidation


def test_a_drifted_sheet_is_formatted_where_its_cells_are(workbook_copy: Path, tmp_path: Path):
    wb = load_workbook(workbook_copy)
    ws = wb["基本户资金"]
    for ref in list(ws.merged_cells.ranges):
        ws.unmerge_cells(str(ref))
    ws.insert_rows(3, 2)
    wb.save(workbook_copy)
    out = tmp_path / "out.xlsx"
    format_file(workbook_copy, out)
    ws2 = load_workbook(out)["基本户资金"]
    assert ws2.print_title_rows == "$15:$15"
    assert ws2["A15"].value == "一级指标" and ws2["A15"].font.b
    assert "C6:F6" in {str(m) for m in ws2.merged_cells.ranges}  # 项目名称 value, merged again
    after = {k: v for k, v in values(out).items() if k[0] not in (LISTS_SHEET, CHART_DATA_SHEET)}
    assert after == values(workbook_copy)


def test_input_is_never_overwritten_and_in_place_keeps_a_backup(workbook_copy: Path, tmp_path: Path, capsys):
    original = workbook_copy.read_bytes()
    assert main(["format", str(workbook_copy)]) == 2
    assert "-o" in capsys.readouterr().err
    assert main(["format", str(workbook_copy), "-o", str(workbook_copy)]) == 2
    assert workbook_copy.read_bytes() == original
    assert main(["format", str(workbook_copy), "--in-place"]) == 0
    backups = [p for p in tmp_path.iterdir() if p.name != workbook_copy.name and p.suffix == ".xlsx"]
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert load_workbook(workbook_copy)["信息系统维护"].page_setup.fitToWidth == 1


def _titles(ws) -> list[str]:
    return ["".join(r.t for p in ch.title.tx.rich.p for r in (p.r or [])) for ch in ws._charts]


def test_summary_charts_are_added_once(formatted: Path, tmp_path: Path):
    twice = tmp_path / "两次.xlsx"
    format_file(formatted, twice)
    for path in (formatted, twice):
        titles = _titles(load_workbook(path)["项目汇总"])
        assert titles.count("各项目资金（万元）") == 1
        for sheet in PROJECT_SHEETS:
            assert titles.count(f"成本构成：{sheet}（万元）") == 1


def test_cost_composition_data_come_from_the_cost_engine(formatted: Path):
    costs = pytest.importorskip("xladdin.costs")
    wb = load_workbook(formatted)
    data = wb[CHART_DATA_SHEET]
    assert data.sheet_state == "hidden"
    columns = {data.cell(row=1, column=c).value: c for c in range(1, data.max_column + 1, 2)}
    for s in read_sheets(formatted):
        p = read_project(s)
        if p is None:
            continue
        e = costs.explain(p)
        c = columns[p.sheet]
        amounts = [data.cell(row=r, column=c + 1).value for r in range(2, data.max_row + 1)]
        amounts = [a for a in amounts if a is not None]
        assert sum(amounts) == pytest.approx(e.total)
        assert len(amounts) >= len([line for line in e.lines if line.amount_wan])


def test_charts_are_not_cut_by_a_page_end(formatted: Path):
    ws = load_workbook(formatted)["项目汇总"]
    breaks = [b.id for b in ws.row_breaks.brk]
    assert breaks, "six cost charts do not fit on the first page"
    anchors = sorted(ch.anchor._from.row + 1 for ch in ws._charts)
    assert all(b + 1 in anchors for b in breaks)  # a break falls just above a chart


# --------------------------------------------------------------------------- LibreOffice


def _pdf_pages(pdf: Path) -> list[str]:
    n = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        for i in range(1, n + 1)
    ]


@pytest.mark.libreoffice
def test_each_project_sheet_prints_on_at_most_three_a4_pages_with_every_value(
    soffice: str, formatted: Path, tmp_path: Path
):
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    wb = load_workbook(formatted)
    for ws in wb:
        ws.oddHeader.left.text = "SHEET:&A"  # tells which sheet printed each page
    tagged = tmp_path / "tagged.xlsx"
    wb.save(tagged)
    proc = run_soffice(soffice, ["--convert-to", "pdf", "--outdir", str(tmp_path), str(tagged)], tmp_path)
    pdf = tmp_path / "tagged.pdf"
    assert pdf.exists(), proc.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = _pdf_pages(pdf)
    per_sheet: dict[str, list[str]] = {}
    for text in pages:
        m = re.search(r"SHEET:(\S+)", text)
        assert m, text[:200]
        per_sheet.setdefault(m[1], []).append(squash(text))
    for ws in load_workbook(formatted):
        if ws.title not in PROJECT_SHEETS:
            continue
        got = per_sheet[ws.title]
        assert 1 <= len(got) <= 3, (ws.title, len(got))
        text = "".join(got)
        project = read_project(next(s for s in read_sheets(formatted) if s.name == ws.title))
        assert project is not None
        assert "单位：万元" in text  # the right-most column printed
        for ind in project.indicators:
            assert squash(ind.value.text) in text, (ws.title, ind.value.text)
            assert squash(ind.name.text)[:12] in text


@pytest.mark.libreoffice
def test_dependent_list_formula_works_in_libreoffice(soffice: str, formatted: Path, tmp_path: Path):
    """INDIRECT over the CJK-named ranges evaluates in LibreOffice (Excel's behaviour is documented)."""
    wb = load_workbook(formatted)
    ws = wb["项目汇总"]
    ws["H1"] = "=ROWS(INDIRECT('信息系统维护'!A14))"
    ws["H2"] = "=ROWS(项目属性列表)"
    ws["H3"] = '=INDEX(INDIRECT("效益指标"),2)'
    probe = tmp_path / "probe.xlsx"
    wb.save(probe)
    run_soffice(
        soffice,
        ["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path), str(probe)],
        tmp_path,
    )
    rows = (tmp_path / "probe.csv").read_text(encoding="utf-8").splitlines()
    h = [r.split(",")[7] for r in rows[:3]]
    assert h == [str(len(level2_lists()["产出指标"])), str(len(ATTRIBUTE_VALUES)), level2_lists()["效益指标"][1]]


def test_fast_merge_writes_what_openpyxl_merge_writes():
    """``files.looks.merge`` skips openpyxl's per-cell work only where it changes nothing:
    the same file, style for style, for merges of new cells, of a styled top-left cell
    (openpyxl's own path), of cells with a protection, and of a range inside a merge."""
    from copy import copy

    from openpyxl import Workbook
    from openpyxl.styles import Border, Protection, Side

    from xladdin.files.looks import merge
    from xladdin.model import Merge

    merges = [Merge(1, 1, 1, 4), Merge(3, 1, 5, 2), Merge(3, 4, 4, 6), Merge(3, 1, 4, 1), Merge(7, 2, 7, 3)]

    def book(fast: bool):
        wb = Workbook()
        ws = wb.active
        ws["A1"] = "标题"
        ws["D3"].border = Border(left=Side(style="thin"), top=Side(style="thin"))  # styled: openpyxl's path
        ws["F4"].border = Border(bottom=Side(style="thick"))  # its bottom edge goes to D3 in both
        ws["B7"].protection = Protection(locked=False)
        for m in merges:
            if fast:
                merge(ws, m)
            else:
                ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)
        return ws  # compared in memory: loading a file merges again, which would hide a difference

    def look(ws):
        return {
            c.coordinate: (type(c).__name__, c.value, copy(c.border), copy(c.protection), copy(c.font))
            for row in ws.iter_rows(min_row=1, max_row=8, max_col=7)
            for c in row
        }

    fast, slow = book(True), book(False)
    assert sorted(map(str, fast.merged_cells.ranges)) == sorted(map(str, slow.merged_cells.ranges))
    assert len(fast.merged_cells.ranges) == 4  # A3:A4 lies inside A3:B5
    assert look(fast) == look(slow)
    assert fast["C7"].protection.locked is False and fast["E3"].border.top.style == "thin"
