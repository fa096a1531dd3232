"""No written workbook loses what the user had (issue 22): the write path's carrying and its verification.

Every writing command saves through openpyxl, then ``files.carry`` writes back what openpyxl
would change or drop (cells as they were, formula results, shared strings, worksheet
extensions, headers and footers, custom XML …) and ``files.verify`` compares the written
package with its input before the file is kept.  These tests build workbooks holding each
such thing the way Excel writes it (the parts injected into a real workbook, as
``tests/xlsx_features.py`` does), run the real commands, and read the result back with a
reader other than the one that wrote it (python-calamine, or the XML itself).
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import xlsx_features as xf

from xladdin.commands.cli import main
from xladdin.files.normalise import STRICT_NAMESPACES


def _bench(name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        f"xladdin_bench_{name}", Path(__file__).resolve().parent.parent / "bench" / f"{name}.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


realfiles = _bench("realfiles")

ROOT = Path(__file__).resolve().parent.parent
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET2 = "xl/worksheets/sheet2.xml"  # the first project sheet of the bundled workbook


def values(path: Path) -> dict[str, list[list[Any]]]:
    """Every sheet's values as python-calamine reads them (cached formula results included)."""
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def part(path: Path, name: str) -> str:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name).decode("utf-8")


def names(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        return set(zf.namelist())


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --------------------------------------------------------------------------- a workbook as Excel writes it


def excel_cells(path: Path) -> Path:
    """One sheet with what openpyxl would write differently: shared strings (a rich text after a plain
    run, a phonetic guide, ``_xHHHH_`` escapes, spaces only), a 17-digit float, a number in a date
    format outside the calendar, formulas with their cached results, a shared formula."""
    sst = (
        f'<sst xmlns="{MAIN}" count="6" uniqueCount="6">'
        "<si><t>tval</t><r><rPr><b/></rPr><t>rval1</t></r><r><t>rval2</t></r></si>"
        "<si><t>_x0000_ and _x005F_x0041_ and _x000a_</t></si>"
        '<si><t xml:space="preserve">   </t></si>'
        '<si><t>项目</t><rPh sb="0" eb="2"><t>xiangmu</t></rPh><phoneticPr fontId="1"/></si>'
        "<si><t>合计</t></si>"
        '<si><r><t xml:space="preserve">A </t></r><r><rPr><i/></rPr><t xml:space="preserve"> </t></r></si>'
        "</sst>"
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    )
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c>'
        '<c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>5</v></c></row>'
        '<row r="2"><c r="A2"><v>0.30000000000000004</v></c><c r="B2" s="1"><v>3000000</v></c>'
        '<c r="C2" s="1"><v>45000.123456789012</v></c><c r="D2"><v>12345678901234567</v></c></row>'
        '<row r="3"><c r="A3"><f>A2*10</f><v>3.0000000000000004</v></c><c r="B3" t="str"><f>"x"&amp;A1</f><v>xtval</v></c>'
        '<c r="C3" t="b"><f>A2&gt;0</f><v>1</v></c><c r="D3" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
        '<row r="4"><c r="A4"><f t="shared" ref="A4:A6" si="0">A2+1</f><v>1.3</v></c><c r="B4" t="s"><v>4</v></c></row>'
        '<row r="5"><c r="A5"><f t="shared" si="0"/><v>1</v></c></row>'
        '<row r="6"><c r="A6"><f t="shared" si="0"/><v>1</v></c></row>'
    )
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    table = realfiles.table_sheet_xml(MAIN).decode("utf-8")  # a project table, so that format has work
    return _package(path, {"表1": sheet, "绩效目标表": table}, sst=sst, styles=styles)


def _package(
    path: Path,
    sheets: dict[str, str],
    sst: str | None = None,
    styles: str | None = None,
    extra_sheets: list[tuple[str, str, str, str]] = (),  # type: ignore[assignment]
) -> Path:
    """A workbook package as Excel lays it out: the given worksheets (name → XML), strings, styles,
    and extra sheets of other kinds (name, rel type, content type, xml)."""
    ct = [
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
        '<Default Extension="xml" ContentType="application/xml"/>',
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
    ]
    rels = []
    entries = []
    parts: dict[str, str] = {}
    for i, (name, xml) in enumerate(sheets.items(), 1):
        parts[f"xl/worksheets/sheet{i}.xml"] = xml
        ct.append(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        )
        rels.append(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        entries.append(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>')
    for j, (name, rel_type, content_type, xml) in enumerate(extra_sheets, len(sheets) + 1):
        folder = rel_type.rsplit("/", 1)[-1].lower() + "s"
        parts[f"xl/{folder}/sheet{j}.xml"] = xml
        ct.append(f'<Override PartName="/xl/{folder}/sheet{j}.xml" ContentType="{content_type}"/>')
        rels.append(f'<Relationship Id="rId{j}" Type="{rel_type}" Target="{folder}/sheet{j}.xml"/>')
        entries.append(f'<sheet name="{name}" sheetId="{j}" r:id="rId{j}"/>')
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
        ct.append(
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        )
        rels.append(f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>')
    if styles is not None:
        parts["xl/styles.xml"] = styles
        ct.append(
            '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        )
        rels.append(f'<Relationship Id="rIdY" Type="{REL}/styles" Target="styles.xml"/>')
    parts["[Content_Types].xml"] = (
        f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{"".join(ct)}</Types>'
    )
    parts["_rels/.rels"] = (
        f'<Relationships xmlns="{xf.PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    )
    parts["xl/workbook.xml"] = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{"".join(entries)}</sheets></workbook>'
    )
    parts["xl/_rels/workbook.xml.rels"] = f'<Relationships xmlns="{xf.PKG_REL}">{"".join(rels)}</Relationships>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def cells_of(path: Path, sheet_part: str) -> dict[str, tuple[str, str, str]]:
    """ref → (type, <v> text, <f> text) as the part spells them."""
    xml = part(path, sheet_part)
    out = {}
    for m in re.finditer(r'<c r="([A-Z]+[0-9]+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
        t = re.search(r'\bt="([^"]+)"', m.group(2))
        body = m.group(3) or ""
        v = re.search(r"<v>(.*?)</v>", body, re.S)
        f = re.search(r"<f[^>]*>(.*?)</f>", body, re.S)
        text = lambda g: html.unescape(g.group(1)) if g else ""  # noqa: E731
        out[m.group(1)] = (t.group(1) if t else "n", text(v), text(f))
    return out


# --------------------------------------------------------------------------- cells come back as they were


@pytest.mark.parametrize("command", ["mark", "format", "clear-marked"])
def test_every_cell_comes_back_exactly_as_written(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = excel_cells(tmp_path / "excel.xlsx")
    out = tmp_path / "out.xlsx"
    if command == "mark":
        code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    elif command == "format":
        code, _, err = run(["format", str(src), "-o", str(out)], capsys)
    else:  # marked by hand: the state sheet makes clear rewrite the file
        marked = tmp_path / "marked.xlsx"
        assert run(["check", str(src), "--mark", "-o", str(marked)], capsys)[0] in (0, 1)
        code, _, err = run(["clear", str(marked), "-o", str(out)], capsys)
    assert code in (0, 1), err
    before, after = values(src)["表1"], values(out)["表1"]
    assert after == before  # calamine: cached results, dates, escapes, spaces, all 17 digits
    raw_in, raw_out = cells_of(src, "xl/worksheets/sheet1.xml"), cells_of(out, "xl/worksheets/sheet1.xml")
    for ref in ("A1", "B1", "C1", "D1", "E1", "B4"):
        assert raw_out[ref][:2] == raw_in[ref][:2], ref  # the same shared string index …
    assert part(out, "xl/sharedStrings.xml") == part(src, "xl/sharedStrings.xml")  # … into the same table
    for ref in ("A2", "B2", "C2", "D2"):
        assert raw_out[ref] == raw_in[ref], ref  # numbers as written (no date conversion, no rounding)
    for ref in ("A3", "B3", "C3", "D3"):
        assert raw_out[ref][:2] == raw_in[ref][:2] and raw_out[ref][2] == raw_in[ref][2], ref
    assert raw_out["A5"][2] == "A3+1" and raw_out["A5"][1] == "1"  # a shared formula spelled out, result kept


def test_changed_text_is_stored_so_every_reader_reads_it_back(tmp_path: Path, workbook_copy: Path) -> None:
    """Text the tool writes: a literal _x0041_ stays literal, a control character is escaped,
    spaces keep their xml:space, a float keeps all its digits."""
    from xladdin.files.cells import set_value
    from xladdin.files.writing import close, load_for_edit, save_edited
    from xladdin.workbook_plan import SetCell, WorkbookPlan

    texts = {"H1": "_x0041_ 不是 A", "H2": "行1\x01行2", "H3": "   ", "H4": 0.30000000000000004, "H5": " 前后空格 "}
    wb = load_for_edit(workbook_copy)
    name = wb.worksheets[1].title
    try:
        for ref, v in texts.items():
            set_value(wb[name], int(ref[1:]), 8, v, formula=False)  # as the applier sets a cell
        plan = WorkbookPlan("test", [SetCell(name, ref, v, None, "test") for ref, v in texts.items()])
        out = save_edited(wb, workbook_copy, tmp_path / "out.xlsx", plan=plan)
    finally:
        close(wb)
    grid = values(out)[name]
    got = {ref: grid[int(ref[1:]) - 1][7] for ref in texts}
    assert got == texts
    again = load_for_edit(out)  # and xladdin reads it back as it wrote it (openpyxl alone would not decode)
    try:
        assert {ref: again[name][ref].value for ref in texts} == texts
    finally:
        close(again)


def test_formula_results_that_a_change_makes_stale_are_dropped_and_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], workbook_copy: Path
) -> None:
    """fill changes a project sheet: a formula elsewhere reading it loses its (now stale) result,
    a formula reading nothing that changed keeps its own; the user is told how many."""
    pkg = xf.Package(workbook_copy)
    summary = pkg.text("xl/worksheets/sheet1.xml")
    add = '<row r="40"><c r="A40"><f>\'信息系统维护\'!C7*2</f><v>800</v></c><c r="B40"><f>1+1</f><v>2</v></c></row>'
    pkg.parts["xl/worksheets/sheet1.xml"] = summary.replace("</sheetData>", add + "</sheetData>").encode()
    src = pkg.save(tmp_path / "book.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["fill", str(src), "-o", str(out)], capsys)
    assert code == 0, err
    raw = cells_of(out, "xl/worksheets/sheet1.xml")
    assert raw["A40"][1:] == ("", "'信息系统维护'!C7*2")  # its sheet changed: Excel recalculates it
    assert raw["B40"][1:] == ("2", "1+1")
    assert "1 个公式" in err and "重新计算" in err


# --------------------------------------------------------------------------- the verification catches what nobody told it


def test_a_lost_cell_nobody_foresaw_refuses_the_save(
    tmp_path: Path, workbook_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A writer that silently drops one cell (as openpyxl did to headers under duplicate rows)."""
    from xladdin.files import carry

    original = carry.Carrier.write_cell

    def lossy(self: Any, xf_: Any, worksheet: Any, cell: Any, styled: Any = None) -> None:
        if worksheet.title == "信息系统维护" and cell.coordinate == "C4":
            cell._value = None  # the project's name is gone
        original(self, xf_, worksheet, cell, styled)

    monkeypatch.setattr(carry.Carrier, "write_cell", lossy)
    before = workbook_copy.read_bytes()
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(workbook_copy), "--mark", "-o", str(out)], capsys)
    assert code == 2
    line = err.strip().splitlines()[-1]
    assert line.startswith("xladdin：写入后核对发现会丢失原有内容") and "工作表“信息系统维护”" in line and "C4" in line
    assert not out.exists() and workbook_copy.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_a_lost_feature_nobody_foresaw_refuses_the_save(
    tmp_path: Path, workbook_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """openpyxl's worksheet writer made to forget hyperlinks: the 项目汇总 links would be gone."""
    from openpyxl.worksheet._writer import WorksheetWriter

    monkeypatch.setattr(WorksheetWriter, "write_hyperlinks", lambda self: None)
    out = tmp_path / "out.xlsx"
    code, _, err = run(["format", str(workbook_copy), "-o", str(out)], capsys)
    assert code == 2
    assert "工作表“项目汇总”中的超链接" in err and not out.exists()
    # with --force the user may accept it, to a new file only, and is told what went
    code, _, err = run(["format", str(workbook_copy), "-o", str(out), "--force"], capsys)
    assert code == 0 and out.exists() and "已丢失" in err and "超链接" in err


def test_what_a_write_removes_is_allowed_only_by_its_plan(tmp_path: Path, workbook_copy: Path) -> None:
    """Marking only adds (nothing to verify away); clearing removes the tool's sheets and notes,
    which is a loss unless the plan says it clears them."""
    from xladdin.files.carry import capture
    from xladdin.files.package import Package
    from xladdin.files.verify import verify
    from xladdin.files.writing import close, load_for_edit, read_for_edit
    from xladdin.plans.marks import plan_clear

    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    assert main(["check", str(workbook_copy), "--mark", "-o", str(marked)]) == 1
    assert main(["clear", str(marked), "-o", str(cleared)]) == 0
    with Package(workbook_copy) as a, Package(marked) as b:
        assert verify(a, b, capture(a), None) == []
    wb = load_for_edit(marked)
    try:
        plan = plan_clear(read_for_edit(wb))
    finally:
        close(wb)
    with Package(marked) as a, Package(cleared) as b:
        assert verify(a, b, capture(a), plan) == []
        unplanned = verify(a, b, capture(a), None)
    assert any("校验结果" in x for x in unplanned) and any("批注" in x for x in unplanned), unplanned


# --------------------------------------------------------------------------- Strict Open XML


def to_strict(src: Path, dst: Path) -> Path:
    """A transitional package in Strict Open XML spelling (what Excel's “Strict Open XML 电子表格” save writes)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for strict, transitional in STRICT_NAMESPACES:
                    text = text.replace(transitional, strict)
                if info.filename == "xl/workbook.xml":
                    text = re.sub(r"<workbook\b", '<workbook conformance="strict"', text, count=1)
                data = text.encode("utf-8")
            zout.writestr(info, data)
    return dst


@pytest.mark.parametrize("command", ["mark", "fill", "format", "rollover"])
def test_a_strict_workbook_keeps_every_sheet(
    tmp_path: Path, workbook_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = to_strict(workbook_path, tmp_path / "strict.xlsx")
    with zipfile.ZipFile(src) as zf:
        assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zf.read("xl/workbook.xml")
    out = tmp_path / "out.xlsx"
    args = {
        "mark": ["check", str(src), "--mark", "-o", str(out)],
        "fill": ["fill", str(src), "-o", str(out)],
        "format": ["format", str(src), "-o", str(out)],
        "rollover": ["rollover", str(src), "--to", "2027", "-o", str(out)],
    }[command]
    code, _, err = run(args, capsys)
    assert code in (0, 1), err
    assert "Strict Open XML" in err
    before, after = values(workbook_path), values(out)
    assert set(before) <= set(after)  # every sheet, whatever the tool added
    if command in ("mark", "format"):
        assert all(after[n] == before[n] for n in before)  # values never change
    else:
        assert after["项目汇总"][2:] == before["项目汇总"][2:] or command == "rollover"
    if command == "mark":  # and the marks come off again
        cleared = tmp_path / "cleared.xlsx"
        code, _, err = run(["clear", str(out), "-o", str(cleared)], capsys)
        assert code == 0, err
        assert values(cleared) == before


CORPUS = ROOT.parent / "shared" / "realfiles" / "files"
REAL_STRICT = ["poi/SimpleStrict.xlsx", "poi/sample.strict.xlsx", "phpspreadsheet/namespacepurl.xlsx"]


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/realfiles (the real-file corpus) is not here")
@pytest.mark.parametrize("name", REAL_STRICT)
def test_real_strict_workbooks_keep_every_sheet_through_every_command(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Strict files saved by Excel and by libraries, each with one project table added (in Strict, as the
    rest of the file): check --mark, clear, format, fill and rollover keep every sheet and every value of
    the user's own sheets, and say the file is written as an ordinary .xlsx."""
    src = tmp_path / "strict.xlsx"
    assert realfiles.add_table(CORPUS / name, src)
    with zipfile.ZipFile(src) as zf:
        assert b"purl.oclc.org/ooxml/spreadsheetml/main" in zf.read("xl/workbook.xml")
    before = values(src)
    user = [n for n in before if n != realfiles.TABLE_SHEET]
    assert user
    marked = tmp_path / "marked.xlsx"
    for args in (
        ["check", str(src), "--mark", "-o", str(marked)],
        ["clear", str(marked), "-o", str(tmp_path / "cleared.xlsx")],
        ["format", str(src), "-o", str(tmp_path / "format.xlsx")],
        ["fill", str(src), "-o", str(tmp_path / "fill.xlsx")],
        ["rollover", str(src), "--to", "2027", "-o", str(tmp_path / "rollover.xlsx")],
    ):
        code, _, err = run(args, capsys)
        assert code in (0, 1), (args[0], err)
        if args[0] != "clear":  # clear reads the marked copy, already transitional
            assert "Strict Open XML" in err, (args[0], err)
        after = values(Path(args[-1]))
        assert [n for n in after if n in before] == list(before), args[0]  # every sheet, in its place
        for n in user:  # the user's own sheets: not a value changed
            assert after[n] == before[n], (args[0], n)
    assert values(tmp_path / "cleared.xlsx") == before


def test_the_strict_copy_is_removed_on_every_way_out(
    tmp_path: Path, workbook_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import tempfile

    made: list[str] = []
    real = tempfile.mkdtemp

    def spy(*a: Any, **k: Any) -> str:
        made.append(real(*a, **k))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", spy)
    src = to_strict(workbook_path, tmp_path / "strict.xlsx")
    assert run(["check", str(src), "--mark", "-o", str(tmp_path / "a.xlsx")], capsys)[0] == 1
    code, _, _err = run(["rollover", str(src), "--to", "1800", "-o", str(tmp_path / "b.xlsx")], capsys)
    assert code == 2
    assert made and not any(Path(m).exists() for m in made)


# --------------------------------------------------------------------------- carried instead of refused


def with_sheet_xml(workbook: Path, dst: Path, insert: str, before: tuple[str, ...] = (), **ns: str) -> Path:
    pkg = xf.Package(workbook)
    if ns:
        pkg.sheet_namespaces(sheet=SHEET2, **ns)
    pkg.sheet_insert(insert, before, sheet=SHEET2)
    return pkg.save(dst)


X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
MX = "http://schemas.microsoft.com/office/mac/excel/2008/main"


def test_mac_page_layout_flag_is_kept(tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = with_sheet_xml(
        workbook_path,
        tmp_path / "mac.xlsx",
        f'<extLst><ext uri="{{64002731-A6B0-56B0-2670-7721B7C09600}}" xmlns:mx="{MX}">'
        '<mx:PLV Mode="1" OnePage="0" WScale="0"/></ext></extLst>',
    )
    for args in (["check", str(src), "--mark"], ["format", str(src)], ["fill", str(src)]):
        out = tmp_path / "out.xlsx"
        code, _, err = run([*args, "-o", str(out)], capsys)
        assert code in (0, 1), err
        assert '<mx:PLV Mode="1"' in part(out, SHEET2)
        out.unlink()


def test_cross_sheet_drop_downs_move_with_the_rows_fill_inserts(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A department template's drop-down lists (x14, pointing at another sheet): carried, and their
    ranges follow the rows fill inserts above them, as Excel would move them."""
    dv = (
        f'<extLst><ext uri="{{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
        f'<x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" allowBlank="1">'
        "<x14:formula1><xm:f>项目汇总!$B$3:$B$8</xm:f></x14:formula1><xm:sqref>F40:F41</xm:sqref>"
        "</x14:dataValidation></x14:dataValidations></ext></extLst>"
    )
    src = with_sheet_xml(workbook_path, tmp_path / "dv.xlsx", dv)
    out = tmp_path / "out.xlsx"
    code, stdout, err = run(["fill", str(src), "-o", str(out)], capsys)
    assert code == 0, err
    inserted = len(re.findall(r"【信息系统维护】[\s\S]*?(?=【|共 )", stdout)[0].split("插入")) - 1
    xml = part(out, SHEET2)
    assert "项目汇总!$B$3:$B$8" in xml
    assert f"<xm:sqref>F{40 + inserted}:F{41 + inserted}</xm:sqref>" in xml, (inserted, xml[-600:])


def test_data_bars_keep_their_2010_settings_and_link(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = xf.Package(workbook_path)
    pkg.sheet_namespaces(sheet=SHEET2, x14=X14)
    pkg.sheet_insert(
        '<conditionalFormatting sqref="C7:E7"><cfRule type="dataBar" priority="1"><dataBar><cfvo type="min"/>'
        '<cfvo type="max"/><color rgb="FF638EC6"/></dataBar><extLst><ext uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}" '
        f'xmlns:x14="{X14}"><x14:id>{{1B0E5E0B-0001-4000-8000-000000000001}}</x14:id></ext></extLst></cfRule>'
        "</conditionalFormatting>",
        ("dataValidations", "hyperlinks", "printOptions", "pageMargins", "pageSetup"),
        sheet=SHEET2,
    )
    pkg.sheet_insert(
        '<extLst><ext uri="{78C0D931-6437-407D-A8EE-F0AAD7539E65}" xmlns:x14="http://schemas.microsoft.com/office/'
        'spreadsheetml/2009/9/main"><x14:conditionalFormattings><x14:conditionalFormatting '
        f'xmlns:xm="{XM}"><x14:cfRule type="dataBar" id="{{1B0E5E0B-0001-4000-8000-000000000001}}"><x14:dataBar '
        'minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/>'
        '<x14:negativeFillColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
        "<xm:sqref>C7:E7</xm:sqref></x14:conditionalFormatting></x14:conditionalFormattings></ext></extLst>",
        sheet=SHEET2,
    )
    src = pkg.save(tmp_path / "bars.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    xml = part(out, SHEET2)
    assert 'gradient="0"' in xml and "negativeFillColor" in xml
    rule = re.search(r"<cfRule[^>]*dataBar[\s\S]*?</cfRule>", xml)
    assert rule and "{1B0E5E0B-0001-4000-8000-000000000001}" in rule.group(0)  # the 2007 rule still points at it


def test_sharepoint_custom_xml_labels_and_dynamic_arrays_are_kept(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pkg = xf.Package(workbook_path)
    xf.add_custom_xml(pkg)
    pkg.put(
        "docMetadata/LabelInfo.xml",
        '<clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata">'
        '<clbl:label id="{00000000-0000-0000-0000-000000000001}" enabled="1" method="Standard" siteId="{1}"/>'
        "</clbl:labelList>",
        "application/vnd.ms-office.classificationlabels+xml",
    )
    pkg.relate(
        "",
        "http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels",
        "docMetadata/LabelInfo.xml",
    )
    # a spilling formula on the summary (=SEQUENCE(3), Excel 365)
    text = pkg.text("xl/worksheets/sheet1.xml").replace(
        "</sheetData>",
        '<row r="30"><c r="H30" cm="1"><f t="array" ref="H30:H32">SEQUENCE(3)</f><v>1</v></c></row></sheetData>',
    )
    sheet1 = text.encode()
    xf.add_dynamic_array(pkg)  # metadata.xml and its relationship (and a cell of its own, replaced by ours)
    pkg.parts["xl/worksheets/sheet1.xml"] = sheet1
    src = pkg.save(tmp_path / "sp.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    got = names(out)
    assert {"customXml/item1.xml", "customXml/itemProps1.xml", "docMetadata/LabelInfo.xml", "xl/metadata.xml"} <= got
    assert "customXml" in part(out, "xl/_rels/workbook.xml.rels")
    assert "classificationlabels" in part(out, "_rels/.rels")
    assert re.search(r'<c r="H30"[^>]*cm="1"', part(out, "xl/worksheets/sheet1.xml"))


def test_headers_footers_without_a_section_and_protection_settings_are_kept(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """“Page &P” (no &L/&C/&R: Excel prints it centred; openpyxl dropped it) and the options of a
    protection that is not switched on."""
    pkg = xf.Package(workbook_path)
    sheet = pkg.text("xl/worksheets/sheet1.xml")
    sheet = re.sub(r"<headerFooter\b.*?</headerFooter>|<headerFooter[^>]*/>", "", sheet, flags=re.S)
    pkg.parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    pkg.sheet_insert(
        "<headerFooter><oddFooter>Page &amp;P</oddFooter></headerFooter>",
        ("rowBreaks", "colBreaks", "drawing", "legacyDrawing", "tableParts", "extLst"),
        sheet="xl/worksheets/sheet1.xml",
    )
    pkg.sheet_insert(
        '<sheetProtection formatCells="0" insertRows="0" autoFilter="0"/>',
        xf.AFTER_PROTECTION,
        sheet="xl/worksheets/sheet1.xml",
    )
    src = pkg.save(tmp_path / "hf.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    xml = part(out, "xl/worksheets/sheet1.xml")
    assert "<oddFooter>Page &amp;P</oddFooter>" in xml
    assert re.search(r'<sheetProtection[^>]*formatCells="0"', xml)


# --------------------------------------------------------------------------- refused by name, before anything is done


def _vml_button(pkg: xf.Package, sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """A button kept only in VML, as Excel 2007 saved form controls."""
    pkg.put(
        "xl/drawings/vmlDrawing9.vml",
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
        'xmlns:x="urn:schemas-microsoft-com:office:excel"><v:shape id="_x0000_s1025" type="#_x0000_t201">'
        '<x:ClientData ObjectType="Button"><x:Anchor>3, 0, 3, 0, 5, 0, 5, 0</x:Anchor></x:ClientData></v:shape></xml>',
    )
    pkg.default("vml", "application/vnd.openxmlformats-officedocument.vmlDrawing")
    rid = pkg.relate(sheet, f"{REL}/vmlDrawing", "../drawings/vmlDrawing9.vml")
    pkg.sheet_insert(
        f'<legacyDrawing xmlns:r="{REL}" r:id="{rid}"/>',
        ("legacyDrawingHF", "picture", "tableParts", "extLst"),
        sheet=sheet,
    )


def _xml_map(pkg: xf.Package) -> None:
    pkg.put(
        "xl/xmlMaps.xml",
        f'<MapInfo xmlns="{MAIN}" SelectionNamespaces=""><Schema ID="Schema1"/><Map ID="1" Name="根_映射" '
        'RootElement="根" SchemaID="Schema1" ShowImportExportValidationErrors="false" AutoFit="true" Append="false" '
        'PreserveSortAFLayout="true" PreserveFormat="true"/></MapInfo>',
        "application/xml",
    )
    pkg.relate("xl/workbook.xml", f"{REL}/xmlMaps", "xmlMaps.xml")


def _extra_sheet(kind: str) -> Any:
    def add(pkg: xf.Package) -> None:
        rel = {
            "dialog": f"{REL}/dialogsheet",
            "macro": "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet",
        }[kind]
        ct = {
            "dialog": "application/vnd.openxmlformats-officedocument.spreadsheetml.dialogsheet+xml",
            "macro": "application/vnd.ms-excel.macrosheet+xml",
        }[kind]
        root = "dialogsheet" if kind == "dialog" else "xm:macrosheet"
        ns = f'xmlns="{MAIN}"' if kind == "dialog" else f'xmlns="{MAIN}" xmlns:xm="{XM}"'
        pkg.put(f"xl/{kind}sheets/sheet9.xml", f"<{root} {ns}><sheetData/></{root}>", ct)
        rid = pkg.relate("xl/workbook.xml", rel, f"{kind}sheets/sheet9.xml")
        wb = pkg.text("xl/workbook.xml").replace(
            "</sheets>", f'<sheet name="{kind}1" sheetId="99" r:id="{rid}"/></sheets>'
        )
        pkg.parts["xl/workbook.xml"] = wb.encode()

    return add


def _linked_picture(pkg: xf.Package) -> None:
    rid_img = "rIdL1"
    drawing = (
        f'<xdr:wsDr xmlns:xdr="{xf.XDR}" xmlns:a="{xf.DRAWINGML}" xmlns:r="{REL}"><xdr:oneCellAnchor>'
        "<xdr:from><xdr:col>7</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
        '<xdr:ext cx="952500" cy="952500"/><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="图片 1"/><xdr:cNvPicPr/></xdr:nvPicPr>'
        f'<xdr:blipFill><a:blip r:link="{rid_img}"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/></xdr:oneCellAnchor></xdr:wsDr>'
    )
    pkg.put("xl/drawings/drawing9.xml", drawing, "application/vnd.openxmlformats-officedocument.drawing+xml")
    pkg.parts["xl/drawings/_rels/drawing9.xml.rels"] = (
        f'<Relationships xmlns="{xf.PKG_REL}"><Relationship Id="{rid_img}" Type="{REL}/image" '
        'Target="file:///C:/公章.png" TargetMode="External"/></Relationships>'
    ).encode()
    rid = pkg.relate("xl/worksheets/sheet1.xml", f"{REL}/drawing", "../drawings/drawing9.xml")
    pkg.sheet_insert(
        f'<drawing xmlns:r="{REL}" r:id="{rid}"/>',
        ("legacyDrawing", "legacyDrawingHF", "picture", "tableParts", "extLst"),
    )


def _checkbox(pkg: xf.Package) -> None:
    pkg.put(
        "xl/featurePropertyBag/featurePropertyBag.xml",
        '<FeaturePropertyBags xmlns="http://schemas.microsoft.com/office/spreadsheetml/2022/featurepropertybag">'
        '<bag type="Checkbox"/></FeaturePropertyBags>',
        "application/vnd.ms-excel.featurepropertybag+xml",
    )
    pkg.relate(
        "xl/workbook.xml",
        "http://schemas.microsoft.com/office/2022/11/relationships/FeaturePropertyBag",
        "featurePropertyBag/featurePropertyBag.xml",
    )


REFUSED = {
    "dialog_sheet": (_extra_sheet("dialog"), "对话框工作表“dialog1”"),
    "macro_sheet": (_extra_sheet("macro"), "Excel 4.0 宏表“macro1”"),
    "checkbox": (_checkbox, "单元格中的复选框"),
}


def _write(command: str, src: Path, out: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    args = ["check", str(src), "--mark", "-o", str(out)] if command == "mark" else ["format", str(src), "-o", str(out)]
    code, _, err = run(args, capsys)
    return code, err


@pytest.mark.parametrize("feature", sorted(REFUSED))
@pytest.mark.parametrize("command", ["mark", "format"])
def test_what_cannot_be_kept_is_refused_by_its_name(
    tmp_path: Path, workbook_path: Path, feature: str, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    add, words = REFUSED[feature]
    pkg = xf.Package(workbook_path)
    add(pkg)
    src = pkg.save(tmp_path / f"{feature}.xlsx")
    before = src.read_bytes()
    out = tmp_path / "out.xlsx"
    code, err = _write(command, src, out, capsys)
    assert code == 2, err
    line = err.strip().splitlines()[-1]
    assert line.startswith("xladdin：") and words in line, line
    assert "extLst" not in line and not out.exists() and src.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.parametrize(("command", "sheet"), [("mark", 2), ("format", 1), ("clear", 2)])
def test_a_button_kept_only_in_vml_stays_with_the_notes(
    tmp_path: Path, workbook_path: Path, command: str, sheet: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Excel 2007's form controls live in the sheet's VML, which openpyxl rewrites with the notes alone:
    the button is merged back, with a frame for every note (the marks' notes on a project sheet; 项目汇总,
    where format draws its charts; the project sheet once the marks are cleared again)."""
    part_name = f"xl/worksheets/sheet{sheet}.xml"
    pkg = xf.Package(workbook_path)
    _vml_button(pkg, part_name)
    src = pkg.save(tmp_path / "button.xlsx")
    out = tmp_path / "out.xlsx"
    if command == "clear":
        marked = tmp_path / "marked.xlsx"
        assert _write("mark", src, marked, capsys)[0] == 1
        code, _, err = run(["clear", str(marked), "-o", str(out)], capsys)
    else:
        code, err = _write(command, src, out, capsys)
    assert code in (0, 1), err
    xml = part(out, part_name)
    rid = re.search(r'<legacyDrawing [^>]*r:id="([^"]+)"', xml)
    assert rid, xml[-800:]
    rels = part(out, part_name.replace("worksheets/", "worksheets/_rels/") + ".rels")
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels)
    assert target
    vml = part(out, "xl/" + (target.group(1) or target.group(2)).lstrip("/").replace("../", "").removeprefix("xl/"))
    assert vml.count('ObjectType="Button"') == 1
    comments = re.search(r'Type="[^"]*/comments" Target="([^"]+)"', rels)
    notes = (
        part(out, "xl/" + comments.group(1).replace("../", "").lstrip("/").removeprefix("xl/")).count("<comment ")
        if comments
        else 0
    )
    assert notes == (1 if command == "mark" else 0) * notes and (notes > 0) == (command == "mark")
    assert vml.count('ObjectType="Note"') == notes


def test_a_linked_picture_is_kept_and_a_plan_that_would_lose_it_is_refused(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The drawing is carried whole (the picture linked to C:\\公章.png with it); format draws its charts on
    项目汇总, where openpyxl's drawing replaces the user's: the verification names what that would lose."""
    pkg = xf.Package(workbook_path)
    _linked_picture(pkg)
    src = pkg.save(tmp_path / "linked.xlsx")
    out = tmp_path / "out.xlsx"
    code, err = _write("mark", src, out, capsys)
    assert code == 1, err
    drawings = [n for n in names(out) if n.startswith("xl/drawings/_rels/")]
    assert any("file:///C:/公章.png" in part(out, n) and "External" in part(out, n) for n in drawings)
    out.unlink()
    code, err = _write("format", src, out, capsys)
    assert code == 2 and "写入后核对" in err and "工作表“项目汇总”中的链接的图片" in err, err
    assert not out.exists()


# --------------------------------------------------------------------------- hostile and foreign files, exits


def test_a_shared_strings_bomb_is_refused_before_loading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One 1 MB string referenced 300 times: 40 KB of file, 300 MB of text once spelled out."""
    sst = f'<sst xmlns="{MAIN}"><si><t>{"预算" * 350_000}</t></si></sst>'
    rows = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>' for r in range(1, 301))
    src = _package(
        tmp_path / "bomb.xlsx", {"表1": f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'}, sst=sst
    )
    assert src.stat().st_size < 200_000
    for args in (["clear", str(src)], ["format", str(src)], ["fill", str(src)], ["rollover", str(src), "--to", "2027"]):
        code, _, err = run([*args, "-o", str(tmp_path / "out.xlsx")], capsys)
        assert code == 2 and "重复引用" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bomb.xlsx"]


@pytest.mark.parametrize("kind", ["xls", "xlsb", "ods"])
def test_a_renamed_workbook_is_recognised_by_its_bytes(
    tmp_path: Path, workbook_path: Path, kind: str, capsys: pytest.CaptureFixture[str], soffice: str
) -> None:
    from conftest import run_soffice

    if kind == "xlsb":  # LibreOffice reads .xlsb but does not write it: Excel's own, from the corpus when there
        corpus = ROOT.parent / "shared" / "realfiles" / "files" / "calamine" / "date.xlsb"
        real = tmp_path / "made.xlsb"
        if corpus.exists():
            real.write_bytes(corpus.read_bytes())
        else:  # the package shape an .xlsb has: a zip whose workbook part is binary
            with zipfile.ZipFile(real, "w") as zf:
                zf.writestr("[Content_Types].xml", "<Types/>")
                zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    else:
        made = run_soffice(soffice, ["--convert-to", kind, "--outdir", str(tmp_path), str(workbook_path)], tmp_path)
        found = next(tmp_path.glob(f"*.{kind}"), None)
        assert found is not None, made.stderr
        real = found
    renamed = real.rename(tmp_path / "改了扩展名.xlsx")
    code, _, err = run(["check", str(renamed)], capsys)
    assert code == 2
    expected = {"xls": "Excel 97-2003 格式（.xls）", "xlsb": "Excel 二进制格式（.xlsb）", "ods": "OpenDocument"}[kind]
    assert expected in err and "加密" not in err and "File not found" not in err, err


def test_a_macro_workbook_without_tables_ends_in_one_line(tmp_path: Path, workbook_path: Path) -> None:
    """fill/rollover on an .xlsm without a project table: the message, then nothing (openpyxl's
    keep_vba archive used to end the process with a traceback)."""
    pkg = xf.Package(xf.base_workbook(tmp_path / "base.xlsx"))
    xf.add_vba_in_xlsx(pkg)
    ct = pkg.text("[Content_Types].xml").replace(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    )
    pkg.parts["[Content_Types].xml"] = ct.encode()
    src = pkg.save(tmp_path / "宏.xlsm")
    for args in (["fill", str(src)], ["rollover", str(src), "--to", "2027"]):
        done = subprocess.run(
            [sys.executable, "-m", "xladdin.commands.cli", *args, "-o", str(tmp_path / "out.xlsm")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert done.returncode == 2
        assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_clear_on_a_workbook_never_marked_does_not_rewrite_it(
    tmp_path: Path, workbook_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.xlsx"
    code, stdout, _ = run(["clear", str(workbook_copy), "-o", str(out)], capsys)
    assert code == 0 and "无需清除" in stdout
    assert out.read_bytes() == workbook_copy.read_bytes()
    stamp = workbook_copy.stat().st_mtime_ns
    code, stdout, _ = run(["clear", str(workbook_copy), "--in-place"], capsys)
    assert code == 0 and workbook_copy.stat().st_mtime_ns == stamp
    assert not list(tmp_path.glob("*备份*"))


def test_part_names_in_another_case_keep_their_charts(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """OPC part names are case-insensitive: a sheet's relationships stored as _rels/Sheet1.xml.rels
    still hold its chart (openpyxl looked them up exactly and dropped the chart)."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference

    wb = load_workbook(workbook_path)
    ws = wb["项目汇总"]
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=3, min_row=3, max_row=8))
    ws.add_chart(chart, "H2")
    wb.save(tmp_path / "chart.xlsx")
    pkg = xf.Package(tmp_path / "chart.xlsx")
    pkg.parts["xl/worksheets/_rels/Sheet1.xml.rels"] = pkg.parts.pop("xl/worksheets/_rels/sheet1.xml.rels")
    src = pkg.save(tmp_path / "case.xlsx")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    assert any(n.startswith("xl/charts/chart") for n in names(out))


def test_a_file_openpyxl_cannot_load_is_refused_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A row height that is not a number: check reads the file (calamine), openpyxl does not; the writing
    commands say what is wrong in words, never openpyxl's English."""
    rows = '<row r="1" ht="高"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    src = _package(
        tmp_path / "odd.xlsx", {"表1": f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'}
    )
    code, _, err = run(["check", str(src)], capsys)
    assert code in (0, 1), err  # read (no project table in it: said, exit 1)
    code, _, err = run(["clear", str(src), "-o", str(tmp_path / "out.xlsx")], capsys)
    assert code == 2
    line = err.strip()
    assert "不是数字" in line and "另存" in line and "expected" not in line and "float" not in line, line


def test_a_shared_string_cell_without_its_index_is_an_empty_cell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``<c t="s"><v/></c>`` (a shared string without its number: calamine's test file, as some writers make
    it) reads as an empty cell everywhere; writing it as no cell is not a loss, a lost text beside it is."""
    sst = f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>名称</t></si><si><t>城市</t></si></sst>'
    rows = '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v/></c><c r="C1" t="s"><v>1</v></c></row>'
    src = _package(
        tmp_path / "blank.xlsx", {"表1": f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'}, sst
    )
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code in (0, 1), err
    assert values(out)["表1"][0][:3] == ["名称", "", "城市"]


def test_a_part_nothing_links_to_is_not_a_loss(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A part no relationship reaches (left behind by some writer) is shown by no application: a write
    that leaves it out is kept (a linked one, Google Sheets' metadata, is carried: tests/test_realfiles.py)."""
    src = tmp_path / "orphan.xlsx"
    with zipfile.ZipFile(workbook_path) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>", b'<Override PartName="/xl/leftover" ContentType="application/binary"/></Types>'
                )
            zout.writestr(info, data)
        zout.writestr("xl/leftover", b"\x00\x01\x02")
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    assert values(out)["项目汇总"] == values(workbook_path)["项目汇总"]


def test_the_workbook_extensions_that_link_to_no_part_are_kept(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The descriptions of a macro's functions (x14:definedNames, as xlwings' add-in writes them) live in
    the workbook's extLst, which openpyxl drops: carried back (the verification refused the write before)."""
    ext = (
        '<extLst><ext uri="{8193D73E-4604-4355-AFF4-8A2333D13BE4}" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"><x14:definedNames>'
        '<x14:definedName name="add_one"><x14:argumentDescriptions count="1">'
        '<x14:argumentDescription index="0">第一个参数</x14:argumentDescription>'
        "</x14:argumentDescriptions></x14:definedName></x14:definedNames></ext></extLst>"
    )
    src = tmp_path / "udf.xlsx"
    with zipfile.ZipFile(workbook_path) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"</workbook>", ext.encode() + b"</workbook>")
            zout.writestr(info, data)
    out = tmp_path / "out.xlsx"
    code, _, err = run(["check", str(src), "--mark", "-o", str(out)], capsys)
    assert code == 1, err
    written = part(out, "xl/workbook.xml")
    assert "第一个参数" in written and written.index("<extLst") > written.index("<sheets")


@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/realfiles (the real-file corpus) is not here")
def test_clear_of_a_marked_real_file_keeps_its_shared_strings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by the corpus run: POI's bug63189.xlsx marked, then cleared — the marked copy's workbook
    extensions declare their namespace on ``extLst`` itself, carrying them back failed, and with it the
    shared-string table: Sheet3!A2 pointed at a string the file no longer had.  The verification took
    the cell for unchanged (same type, same index); it now compares the texts behind the index."""
    import python_calamine as pc

    from xladdin.files.package import Package
    from xladdin.files.verify import verify

    src = tmp_path / "bug63189.xlsx"
    src.write_bytes((CORPUS / "poi" / "bug63189.xlsx").read_bytes())
    marked, cleared = tmp_path / "marked.xlsx", tmp_path / "cleared.xlsx"
    assert run(["check", str(src), "--mark", "-o", str(marked)], capsys)[0] in (0, 1)
    assert run(["clear", str(marked), "-o", str(cleared)], capsys)[0] == 0
    wb = pc.CalamineWorkbook.from_path(str(cleared))
    assert wb.get_sheet_by_name("Sheet3").to_python() == [["Hyperlink to this"]]
    # a copy without its string table, as the failed carry wrote it: the verification must see the loss
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(cleared) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            if "sharedStrings" not in item.filename:
                zout.writestr(item, zin.read(item.filename))
    with Package(str(marked)) as before, Package(str(broken)) as after:
        assert any("Sheet3" in loss and "A2" in loss for loss in verify(before, after, None, None))
