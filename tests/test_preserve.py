"""Nothing is dropped silently: the detector agrees with what openpyxl really keeps, and
every writing command either carries a workbook's features over or refuses.

The detector (``xladdin.files.preserve``) is judged against reality, not against itself:
for every feature a workbook is built with it, loaded and saved by openpyxl exactly as
the write path does, and the feature is looked for in the result.  A feature that is
gone must be reported; one that survived must not be (refusing for nothing would make
the tool useless on ordinary workbooks).
"""

from __future__ import annotations

import importlib.util
import re
import sys
import zipfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import xlsx_features as xf

from xladdin.commands.cli import main
from xladdin.files.preserve import pillow_available, unsupported_content

pytestmark = [
    pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning"),
    pytest.mark.filterwarnings("ignore:DrawingML support is incomplete:UserWarning"),
    pytest.mark.filterwarnings("ignore:.*is part of a merged range but has a comment:UserWarning"),
]


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("feature", sorted(xf.FEATURES))
def test_detector_agrees_with_a_real_round_trip(tmp_path: Path, feature: str, suffix: str) -> None:
    """What the detector names is what xladdin's own write path (openpyxl, then ``files.carry``) loses."""
    src = xf.build(feature, tmp_path, suffix)
    assert xf.PRESENT[feature](src), "the builder must put the feature in the file"
    out = xf.round_trip(src, tmp_path / f"out{suffix}")
    lost = not xf.PRESENT[feature](out)
    reported = unsupported_content(src)
    assert bool(reported) == lost, f"{feature}: lost={lost}, reported={reported}"
    for text in reported:
        assert text and not text.isascii(), "messages are Chinese"


def test_features_openpyxl_carries_are_not_reported(tmp_path: Path) -> None:
    for suffix in (".xlsx", ".xlsm"):
        src = xf.openpyxl_features(tmp_path / f"f{suffix}", vba=suffix == ".xlsm")
        assert unsupported_content(src) == []
        out = xf.round_trip(src, tmp_path / f"o{suffix}")
        assert_features_present(out, vba=suffix == ".xlsm", sheet="Sheet1")


def test_bundled_workbook_has_nothing_to_lose(workbook_path: Path) -> None:
    assert unsupported_content(workbook_path) == []


def test_pictures_are_reported_exactly_when_pillow_is_missing(tmp_path: Path) -> None:
    src = xf.build("image", tmp_path)
    reported = unsupported_content(src)
    if pillow_available():
        assert reported == []
    else:
        assert reported == ["工作表“Sheet1”中的图片 1 张"]


def test_each_sheet_is_named_in_the_message(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    src = xf.build("custom_views", tmp_path)
    wb = load_workbook(src)
    wb["Sheet1"].title = "信息系统维护"
    # openpyxl would drop the view here; rebuild it on the renamed sheet instead
    wb.save(tmp_path / "renamed.xlsx")
    pkg = xf.Package(tmp_path / "renamed.xlsx")
    xf.add_custom_views(pkg)
    pkg.save(tmp_path / "renamed.xlsx")
    assert unsupported_content(tmp_path / "renamed.xlsx") == ["工作表“信息系统维护”中的自定义视图", "自定义视图"]


def test_not_a_package_is_left_to_check_readable(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    assert unsupported_content(bad) == []
    assert unsupported_content(tmp_path / "missing.xlsx") == []


def test_scan_of_a_huge_sheet_skips_its_cells(tmp_path: Path) -> None:
    """Elements after a large <sheetData> are still found (the scan streams in chunks)."""
    from xladdin.files import preserve

    cells = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (r, r, r) for r in range(1, 200_001))
    xml = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews/><sheetData>'
        + cells
        + b'</sheetData><customSheetViews><customSheetView guid="{1}"/></customSheetViews>'
        + b'<extLst><ext uri="{05C60535-1F16-4FD2-B633-F4F36F0B64E0}"/></extLst></worksheet>'
    )
    import io

    found: list[tuple[bytes, bytes]] = []
    preserve._scan_stream(io.BytesIO(xml), found)
    tags = [t for t, _ in found]
    assert tags == [b"customSheetViews", b"ext"]
    assert b"05C60535" in found[1][1]


# --------------------------------------------------------------------------- commands

URL = "https://czt.nx.gov.cn/"
NOTE = "请核对金额（财务科）"
DV_LIST = '"甲方案,乙方案"'
NAME = "预算合计"
RICH_BOLD = "100（加粗）"


def project_book(path: Path, workbook: Path, vba: bool = False, image: bool = False) -> Path:
    """The 2026 workbook plus a chart, a note, validation, formatting, a name, a link (and VBA / a picture)."""
    from openpyxl import load_workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = load_workbook(workbook)
    ws = wb[SHEET]
    ws["H2"] = "备注"
    ws["H3"] = 10
    ws["H4"] = 20
    chart = BarChart()
    chart.title = "预算构成"
    chart.add_data(Reference(ws, min_col=8, min_row=3, max_row=4))
    ws.add_chart(chart, "J2")
    ws["A4"].comment = Comment(NOTE, "财务科")
    dv = DataValidation(type="list", formula1=DV_LIST, allow_blank=True)
    dv.add("H6:H8")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(
        "H3:H4", CellIsRule(operator="greaterThan", formula=["15"], fill=PatternFill("solid", fgColor="FFFF00"))
    )
    wb.defined_names[NAME] = DefinedName(NAME, attr_text=f"'{SHEET}'!$H$3:$H$4")
    ws["H10"] = "政策依据"
    ws["H10"].hyperlink = URL
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    ws["H12"] = CellRichText(["培训", TextBlock(InlineFont(b=True, color="FFFF0000"), RICH_BOLD), "人次"])
    tmp = path.with_suffix(".tmp.xlsx")
    wb.save(tmp)
    pkg = xf.Package(tmp)
    tmp.unlink()
    if image:
        sheet_part = _sheet_part(pkg, SHEET)
        pkg.put("xl/media/stamp.png", xf.PNG)
        pkg.default("png", "image/png")
        drawing = _drawing_of(pkg, sheet_part)
        rid = pkg.relate(drawing, f"{xf.REL}/image", "../media/stamp.png")
        anchor = xf._anchor(xf._pic_xml(rid), row=20)
        text = pkg.text(drawing)
        root = re.search(r"<(\w+:)?wsDr\b[^>]*>", text)
        assert root
        decl = "".join(
            f' xmlns:{p}="{uri}"'
            for p, uri in (("xdr", xf.XDR), ("a", xf.DRAWINGML), ("r", xf.REL))
            if f"xmlns:{p}=" not in root.group(0)
        )
        text = text[: root.end() - 1] + decl + text[root.end() - 1 :]
        pkg.parts[drawing] = re.sub(r"(</(\w+:)?wsDr>)", lambda m: anchor + m.group(1), text).encode()
    if vba:
        xf.add_vba_in_xlsx(pkg)
        ct = pkg.text("[Content_Types].xml").replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
        pkg.parts["[Content_Types].xml"] = ct.encode()
    return pkg.save(path)


SHEET = "信息系统维护"


def _sheet_part(pkg: xf.Package, name: str) -> str:
    wb = pkg.text("xl/workbook.xml")
    rid = re.search(rf'<sheet [^>]*name="{name}"[^>]*r:id="([^"]+)"', wb) or re.search(
        rf'<sheet [^>]*r:id="([^"]+)"[^>]*name="{name}"', wb
    )
    assert rid
    rels = pkg.text("xl/_rels/workbook.xml.rels")
    target = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', rels
    )
    assert target
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def _drawing_of(pkg: xf.Package, sheet_part: str) -> str:
    import posixpath

    folder, base = posixpath.split(sheet_part)
    rels = pkg.text(f"{folder}/_rels/{base}.rels")
    m = re.search(r'Target="([^"]*drawing\d+\.xml)"', rels)
    assert m, "the chart gives the sheet a drawing"
    target = m.group(1)
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))


def assert_features_present(
    path: Path, vba: bool, sheet: str, image: bool = False, original: Path | None = None
) -> None:
    """Every feature of ``project_book`` / ``openpyxl_features`` is still in ``path``."""
    from openpyxl import load_workbook

    names = xf.zip_names(path)
    wb = load_workbook(path, keep_vba=vba, rich_text=True)
    ws = wb[sheet]
    assert ws._charts, "chart"
    assert "预算构成" in xf.all_text(path), "our chart, not one a command added"
    assert any(c.comment is not None and ("请核对金额" in c.comment.text) for row in ws.iter_rows() for c in row), (
        "note"
    )
    assert any(dv.formula1 in (DV_LIST, '"一次性项目,经常性项目"') for dv in ws.data_validations.dataValidation), (
        "validation"
    )
    assert any(r.formula == ["15"] for cf in ws.conditional_formatting for r in cf.rules), "conditional formatting"
    assert NAME in wb.defined_names, "defined name"
    assert any(c.hyperlink is not None and c.hyperlink.target == URL for row in ws.iter_rows() for c in row), "link"
    if sheet == SHEET:
        rich = ws["H12"].value
        runs = [b for b in getattr(rich, "__iter__", lambda: iter(()))() if not isinstance(b, str)]
        assert any(b.text == RICH_BOLD and b.font.b for b in runs), f"rich text: {rich!r}"
    if vba:
        assert "xl/vbaProject.bin" in names, "VBA"
        with zipfile.ZipFile(path) as zf:
            assert zf.read("xl/vbaProject.bin") == xf.vba_project_bin()
    if image:
        assert any(n.startswith("xl/media/") for n in names), "picture"


def _command_available(verb: str) -> bool:
    return importlib.util.find_spec(f"xladdin.commands.{verb}") is not None


# verb → the argument lists that write ``out`` from ``src`` (several steps for mark → clear).
COMMANDS: dict[str, list[list[str]]] = {
    "mark_clear": [["check", "{src}", "--mark", "-o", "{mid}"], ["clear", "{mid}", "-o", "{out}"]],
    "costs_write": [["costs", "{src}", "--write", "-o", "{out}"]],
    "fill": [["fill", "{src}", "-o", "{out}"]],
    "format": [["format", "{src}", "-o", "{out}"]],
    "rollover": [["rollover", "{src}", "--to", "2027", "-o", "{out}"]],
    "selfeval": [["selfeval", "{src}", "-o", "{out}"]],
    "fill_undo": [["fill", "{src}", "-o", "{mid}"], ["undo", "{mid}", "-o", "{out}"]],
}


def _verbs(name: str) -> list[str]:
    return sorted({steps[0] for steps in COMMANDS[name]})


def _needs(name: str) -> pytest.MarkDecorator:
    missing = [v for v in _verbs(name) if not _command_available(v)]
    return pytest.mark.skipif(bool(missing), reason=f"xladdin {' / '.join(missing)} 命令尚未实现（xladdin/commands/）")


def _run(name: str, src: Path, out: Path, extra: list[str] | None = None) -> list[int]:
    mid = out.with_name("marked" + out.suffix)
    codes = []
    for step in COMMANDS[name]:
        args = [a.format(src=src, mid=mid, out=out) for a in step]
        try:
            code = main(args + (extra or []))
        except SystemExit as exc:  # argparse: a usage error is a failure of this test, not a crash
            code = int(exc.code or 0) + 100
        codes.append(code)
        if code not in (0, 1):
            break
    return codes


CASES = [pytest.param(name, marks=_needs(name), id=name) for name in COMMANDS]


@pytest.mark.parametrize("suffix", [".xlsx", ".xlsm"])
@pytest.mark.parametrize("name", CASES)
def test_every_writing_command_keeps_the_features(tmp_path: Path, workbook_path: Path, name: str, suffix: str) -> None:
    vba = suffix == ".xlsm"
    src = project_book(tmp_path / f"in{suffix}", workbook_path, vba=vba)
    before = src.read_bytes()
    out = tmp_path / f"out{suffix}"
    codes = _run(name, src, out)
    assert all(c in (0, 1) for c in codes), codes
    assert src.read_bytes() == before, "the input is never changed without --in-place"
    assert_features_present(out, vba=vba, sheet=SHEET)


@pytest.mark.parametrize("name", CASES)
def test_every_writing_command_refuses_to_drop_a_picture(
    tmp_path: Path, workbook_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src = project_book(tmp_path / "in.xlsx", workbook_path, image=True)
    before = src.read_bytes()
    out = tmp_path / "out.xlsx"
    codes = _run(name, src, out)
    if pillow_available():
        assert all(c in (0, 1) for c in codes)
        assert_features_present(out, vba=False, sheet=SHEET, image=True)
        return
    assert codes == [2]
    err = capsys.readouterr().err
    assert "图片" in err and "--force" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists()
    assert src.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [], "no temporary file left"
    # --force writes a new file and leaves the input alone
    codes = _run(name, src, out, ["--force"])
    assert all(c in (0, 1) for c in codes), codes
    assert out.exists()
    assert src.read_bytes() == before


@pytest.mark.parametrize("name", CASES)
def test_force_is_refused_in_place_when_something_would_be_lost(
    tmp_path: Path, workbook_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    book = project_book(tmp_path / "book.xlsx", workbook_path)
    pkg = xf.Package(book)
    xf.FEATURES["slicer"](pkg)  # a slicer is lost by every writing command
    src = pkg.save(tmp_path / "in.xlsx")
    book.unlink()
    before = src.read_bytes()
    step = COMMANDS[name][0]
    args = [a.format(src=src) for a in step if a not in ("-o", "{mid}", "{out}")] + ["--in-place", "--force"]
    assert main(args) == 2
    assert "--in-place" in capsys.readouterr().err
    assert src.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if "备份" in p.name]


def test_round_trip_case_list_names_the_missing_commands() -> None:
    """Keeps the skip reasons honest: every verb named in COMMANDS is a verb of the CLI."""
    from xladdin.commands.cli import VERBS

    for name in COMMANDS:
        for verb in _verbs(name):
            assert verb in VERBS


LOST_ON_2026 = ["textbox", "slicer", "threaded_comment", "file_sharing"]


@pytest.mark.parametrize("feature", LOST_ON_2026)
def test_refusal_is_one_chinese_line_and_force_is_quiet(
    tmp_path: Path, workbook_path: Path, feature: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 2026 workbook with a feature the write would lose (on its 项目汇总 sheet, where format draws its
    charts): refused in one line, before the write (``preserve``) or by the check after it (``verify``: a
    text box cannot stay beside the charts); --force writes a new file without openpyxl's English
    warnings leaking onto stderr."""
    pkg = xf.Package(workbook_path)
    xf.FEATURES[feature](pkg)
    src = pkg.save(tmp_path / "in.xlsx")
    before = src.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["format", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(("xladdin：写入会丢失", "xladdin：写入后核对发现会丢失")) and "--force" in err, err
    assert len(err.splitlines()) == 1, err
    for text in unsupported_content(src):
        assert text in err
    assert not out.exists() and src.read_bytes() == before
    assert main(["format", str(src), "-o", str(out), "--force"]) == 0
    err = capsys.readouterr().err
    # only xladdin's own Chinese note of what --force let go, never openpyxl's English warnings
    assert all(line.startswith("提示：") and not line.isascii() for line in err.splitlines()), err
    assert out.exists() and src.read_bytes() == before


@pytest.mark.parametrize("feature", ["sparkline", "custom_xml", "x14_databar", "dynamic_array"])
def test_what_openpyxl_drops_but_xladdin_carries_is_kept_by_format(
    tmp_path: Path, workbook_path: Path, feature: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before issue 22; now copied back into the written file (``files.carry``)."""
    pkg = xf.Package(workbook_path)
    xf.FEATURES[feature](pkg)
    src = pkg.save(tmp_path / "in.xlsx")
    assert unsupported_content(src) == []
    out = tmp_path / "out.xlsx"
    assert main(["format", str(src), "-o", str(out)]) == 0, capsys.readouterr().err
    assert xf.PRESENT[feature](out)
