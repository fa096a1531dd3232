"""Broken and hostile input: every case ends in a clear one-line Chinese message and exit
2 (or a normal check, exit 0/1), never a traceback, and in bounded time and memory.

The corpus is generated here, not committed: entity attacks, zip bombs, lying zip
headers, truncated files, wrong content types, malformed XML, encrypted and foreign
formats, sheets that reach XFD1048576, a million rows, 1 MB cells.  Cells of every type
are read correctly by both readers, and text beginning with = + - @ stays text.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest

from xladdin.commands.cli import main
from xladdin.files import sources, vetting, xlsx_source

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_BOOK = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CT_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def package(path: Path, sheet_xml: bytes | str, extra: dict[str, bytes | str] | None = None, sst: bool = False) -> Path:
    """A minimal one-sheet workbook (sheet “表1”) with the given worksheet XML."""
    ct = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{CT_BOOK}"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{CT_SHEET}"/>'
        + (f'<Override PartName="/xl/sharedStrings.xml" ContentType="{CT_SST}"/>' if sst else "")
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    wb = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL}">'
        '<sheets><sheet name="表1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        + (f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if sst else "")
        + "</Relationships>"
    )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": ct,
        "_rels/.rels": rels,
        "xl/workbook.xml": wb,
        "xl/_rels/workbook.xml.rels": wb_rels,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


def sheet(rows: str, head: str = '<?xml version="1.0" encoding="UTF-8"?>') -> str:
    return f'{head}<worksheet xmlns="{MAIN_NS}"><sheetData>{rows}</sheetData></worksheet>'


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol0 "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    + "]>"
)


def refused(args: list[str], capsys: pytest.CaptureFixture[str], *words: str) -> str:
    """Run the CLI: exit 2, one Chinese line on stderr naming ``words``, no traceback."""
    code = main(args)
    err = capsys.readouterr().err.strip()
    assert code == 2, (code, err)
    assert err.startswith("xladdin：") and "Traceback" not in err and len(err.splitlines()) == 1, err
    for w in words:
        assert w in err, (w, err)
    return err


# --------------------------------------------------------------------------- entity attacks


def test_openpyxl_uses_defusedxml() -> None:
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("where", ["sharedStrings", "sheet"])
def test_billion_laughs_is_refused_by_check_and_by_writing_commands(
    tmp_path: Path, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    head = '<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS
    if where == "sheet":
        p = package(
            tmp_path / "lol.xlsx", sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', head)
        )
    else:
        sst = head + f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
        p = package(
            tmp_path / "lol.xlsx",
            sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'),
            {"xl/sharedStrings.xml": sst},
            sst=True,
        )
    refused(["check", str(p)], capsys, "实体", "拒绝")
    refused(["format", str(p), "-o", str(tmp_path / "out.xlsx")], capsys, "实体")
    assert not (tmp_path / "out.xlsx").exists()


def test_external_entity_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    p = package(
        tmp_path / "xxe.xlsx", sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row>', head)
    )
    refused(["check", str(p)], capsys, "实体")


def test_a_doctype_hidden_after_comments_is_still_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = '<?xml version="1.0"?><!-- <worksheet> -->\n<?pi <a>?>' + LAUGHS
    p = package(tmp_path / "hidden.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>', head))
    refused(["check", str(p)], capsys, "实体")


def test_the_readers_themselves_do_not_expand_entities(tmp_path: Path) -> None:
    """Defence in depth, below our DTD check: calamine errors, openpyxl (defusedxml) refuses."""
    import python_calamine as pc
    from openpyxl import load_workbook

    head = '<?xml version="1.0" encoding="UTF-8"?>' + LAUGHS
    p = package(
        tmp_path / "lol.xlsx", sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>', head)
    )
    book = pc.CalamineWorkbook.from_path(str(p))
    with pytest.raises(Exception, match="entity"):
        book.get_sheet_by_name("表1").to_python()
    with pytest.raises(Exception):  # noqa: B017 - openpyxl wraps defusedxml's EntitiesForbidden in a ValueError
        load_workbook(p)


# --------------------------------------------------------------------------- zip bombs and broken zips


def patch_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite a member's uncompressed size in its local header and the central directory."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    i = 0
    while (i := data.find(b"PK\x03\x04", i)) >= 0:
        n = struct.unpack("<H", data[i + 26 : i + 28])[0]
        if data[i + 30 : i + 30 + n] == name:
            struct.pack_into("<I", data, i + 22, size)
        i += 4
    i = 0
    while (i := data.find(b"PK\x01\x02", i)) >= 0:
        n = struct.unpack("<H", data[i + 28 : i + 30])[0]
        if data[i + 46 : i + 46 + n] == name:
            struct.pack_into("<I", data, i + 24, size)
        i += 4
    path.write_bytes(bytes(data))


def test_absurd_declared_size_is_refused_before_unpacking(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = package(tmp_path / "bomb.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    patch_declared_size(p, "xl/worksheets/sheet1.xml", 3_000_000_000)
    refused(["check", str(p)], capsys, "解压后大小异常")


def test_real_compression_bomb_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """60 MB of blanks packed ~1000:1 (a real bomb is the same shape, only bigger)."""
    padding = b" " * (60 * 1024 * 1024)
    xml = sheet("").encode().replace(b"<sheetData>", b"<sheetData>" + padding)
    p = package(tmp_path / "bomb.xlsx", xml)
    assert p.stat().st_size < 1024 * 1024
    refused(["check", str(p)], capsys, "解压后大小异常")


def test_a_member_larger_than_declared_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    xml = sheet("").encode().replace(b"<sheetData>", b"<sheetData>" + b" " * 5_000_000)
    p = package(tmp_path / "lie.xlsx", xml)
    patch_declared_size(p, "xl/worksheets/sheet1.xml", 2000)
    refused(["check", str(p)], capsys, "损坏")


def test_too_many_parts_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    extra: dict[str, bytes | str] = {f"xl/junk/{i}.bin": b"" for i in range(vetting.MAX_PARTS + 1)}
    p = package(tmp_path / "many.xlsx", sheet(""), extra)
    refused(["check", str(p)], capsys, "部件")


def test_truncated_zip(tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = workbook_path.read_bytes()
    for cut in (len(data) // 2, len(data) - 30, 100):
        p = tmp_path / f"cut{cut}.xlsx"
        p.write_bytes(data[:cut])
        refused(["check", str(p)], capsys, "损坏")


def test_encrypted_zip_entries(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A zip whose members claim traditional zip encryption (flag bit 0)."""
    p = package(tmp_path / "zipcrypto.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    data = bytearray(p.read_bytes())
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        i = 0
        while (i := data.find(sig, i)) >= 0:
            data[i + off] |= 1
            i += 4
    p.write_bytes(bytes(data))
    refused(["check", str(p)], capsys, "损坏")


# --------------------------------------------------------------------------- broken parts


def test_wrong_content_types(tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with zipfile.ZipFile(workbook_path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    cases = {
        "garbage": b"this is not xml",
        "no_workbook": parts["[Content_Types].xml"].replace(CT_BOOK.encode(), b"application/xml"),
        "empty_types": b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    }
    for name, ct in cases.items():
        p = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(p, "w") as zf:
            for n, d in parts.items():
                zf.writestr(n, ct if n == "[Content_Types].xml" else d)
        for args in (["check", str(p)], ["format", str(p), "-o", str(tmp_path / f"{name}_out.xlsx")]):
            code = main(args)
            err = capsys.readouterr().err.strip()
            assert code in (0, 1, 2), (name, args[0], code, err)
            assert "Traceback" not in err and "内部错误" not in err, (name, args[0], err)
            if code == 2:
                assert len(err.splitlines()) == 1 and err.startswith("xladdin："), err


def test_sheet_xml_that_is_not_well_formed(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with zipfile.ZipFile(workbook_path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    bad = parts["xl/worksheets/sheet2.xml"]
    for name, xml in {
        "cut": bad[: len(bad) // 2],
        "tag": bad.replace(b"</sheetData>", b"</sheetDat>", 1),
        "bytes": bad[:200] + b"\x00\xff\xfe<<<" + bad[200:],
    }.items():
        p = tmp_path / f"{name}.xlsx"
        with zipfile.ZipFile(p, "w") as zf:
            for n, d in parts.items():
                zf.writestr(n, xml if n == "xl/worksheets/sheet2.xml" else d)
        refused(["check", str(p)], capsys, "损坏")
        refused(["format", str(p), "-o", str(tmp_path / f"{name}_out.xlsx")], capsys, "损坏")


def test_shared_string_index_out_of_range(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sst = f'<sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>项目名称</t></si></sst>'
    p = package(
        tmp_path / "sst.xlsx",
        sheet('<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>99999</v></c></row>'),
        {"xl/sharedStrings.xml": sst},
        sst=True,
    )
    code = main(["check", str(p)])
    err = capsys.readouterr().err
    assert code in (0, 1, 2) and "Traceback" not in err and "内部错误" not in err, err


# --------------------------------------------------------------------------- not a workbook


def test_password_protected_xlsx(tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A real encrypted workbook (Excel's “用密码进行加密” = an OLE container)."""
    msoffcrypto = pytest.importorskip("msoffcrypto")
    from msoffcrypto.format.ooxml import OOXMLFile

    enc = tmp_path / "加密.xlsx"
    with workbook_path.open("rb") as src, enc.open("wb") as dst:
        OOXMLFile(src).encrypt("123456", dst)
    assert enc.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    assert msoffcrypto.olefile.isOleFile(str(enc))
    refused(["check", str(enc)], capsys, "密码")
    refused(["fill", str(enc), "-o", str(tmp_path / "o.xlsx")], capsys, "密码")


@pytest.mark.parametrize(
    ("name", "content", "word"),
    [
        ("旧版.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, ".xls"),
        ("wps.et", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504, ".et"),
        ("表.ods", b"PK\x03\x04" + b"\0" * 100, ".ods"),
        ("表.csv", "项目名称,金额\n培训,10\n".encode(), "CSV"),
        ("空.xlsx", b"", "空文件"),
        ("图片.xlsx", b"\x89PNG\r\n\x1a\n" + b"\0" * 50, "不是 Excel 工作簿"),
        ("文本.xlsx", "这不是工作簿".encode(), "不是 Excel 工作簿"),
        ("普通压缩包.xlsx", None, "缺少工作簿结构"),
    ],
)
def test_files_that_are_not_xlsx(
    tmp_path: Path, name: str, content: bytes | None, word: str, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / name
    if content is None:
        with zipfile.ZipFile(p, "w") as zf:
            zf.writestr("readme.txt", "hello")
    else:
        p.write_bytes(content)
    refused(["check", str(p)], capsys, word)
    refused(["costs", str(p)], capsys, word)


def test_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    refused(["check", str(tmp_path / "没有.xlsx")], capsys, "找不到文件")
    refused(["check", str(tmp_path)], capsys, "文件夹")


# --------------------------------------------------------------------------- size


def run_isolated(args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process, so a reader that aborts cannot take the test run down."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args], capture_output=True, text=True, timeout=timeout, env=env
    )


@pytest.mark.parametrize("far", ["XFD1048576", "F1048576", "XFD1"])
def test_a_stray_value_far_away_is_read_within_bounds(tmp_path: Path, far: str) -> None:
    """Without the bound calamine allocates a dense grid up to the far cell (XFD1048576: 512 GB → abort)."""
    row = int("".join(ch for ch in far if ch.isdigit()))
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    rows += f'<row r="{row}"><c r="{far}"><v>1</v></c></row>' if row > 1 else ""
    if row == 1:
        rows = f'<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c><c r="{far}"><v>1</v></c></row>'
    p = package(tmp_path / "far.xlsx", sheet(rows))
    r = run_isolated(["check", str(p)])
    assert r.returncode in (0, 1), r.stderr
    assert "Traceback" not in r.stderr
    sheets = sources.read_sheets(p)
    assert sheets[0].max_row <= xlsx_source.MAX_READ_ROWS and sheets[0].max_col <= xlsx_source.MAX_READ_COLS
    assert sheets[0].value(1, 1) == "项目名称"


def test_openpyxl_view_of_a_far_sheet_is_bounded(tmp_path: Path) -> None:
    from openpyxl import Workbook

    from xladdin.files.workbooks import sheet_from_openpyxl

    wb = Workbook()
    ws = wb.active
    ws["A1"] = "项目名称"
    ws["XFD1048576"] = 1
    data = sheet_from_openpyxl(ws)
    assert data.max_row == xlsx_source.MAX_READ_ROWS and data.max_col == xlsx_source.MAX_READ_COLS


def big_sheet_package(path: Path, rows: int, cols: int = 6) -> Path:
    """A sheet of ``rows`` × ``cols`` numbers, written as a stream (no big string in memory)."""
    package(path, sheet("<!--rows-->"))
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist() if n != "xl/worksheets/sheet1.xml"}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, d in parts.items():
            zf.writestr(n, d)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN_NS}"><sheetData>'.encode())
            letters = [chr(65 + c) for c in range(cols)]
            for start in range(1, rows + 1, 10_000):
                chunk = []
                for r in range(start, min(rows, start + 9_999) + 1):
                    cells = "".join(f'<c r="{letters[c]}{r}"><v>{r * 10 + c}</v></c>' for c in range(cols))
                    chunk.append(f'<row r="{r}">{cells}</row>')
                fh.write("".join(chunk).encode())
            fh.write(b"</sheetData></worksheet>")
    return path


def test_a_big_sheet_is_streamed_and_cut_at_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The streaming path, exercised at a small scale (the million-row run is in the slow tests)."""
    p = big_sheet_package(tmp_path / "big.xlsx", 3_000, 4)
    monkeypatch.setattr(xlsx_source, "STREAM_SHEET_BYTES", 10_000)
    monkeypatch.setattr(xlsx_source, "MAX_READ_ROWS", 1_000)
    [sh] = sources.read_sheets(p)
    assert sh.max_row == 1_000 and sh.max_col == 4
    assert sh.value(1000, 4) == 10_003 and sh.value(1, 1) == 10


@pytest.mark.slow
def test_a_million_rows_in_bounded_time_and_memory(tmp_path: Path) -> None:
    """Bench-like: a real 1,000,000 × 6 sheet next to the 2026 tables; measured by bench/hostile_sizes.py."""
    p = big_sheet_package(tmp_path / "million.xlsx", 1_000_000)
    code = (
        "import resource, sys, time; from xladdin.files.sources import read_sheets; t = time.time(); "
        f"s = read_sheets({str(p)!r}); "
        "print(len(s[0].rows), round(time.time() - t, 1), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    rows, _seconds, rss_mb = r.stdout.split()
    assert int(rows) == xlsx_source.MAX_READ_ROWS
    assert int(rss_mb) < 400


def test_a_one_megabyte_cell_in_a_project_sheet(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(workbook_path)
    ws = wb["信息系统维护"]
    ws["C12"] = ("保障信息系统稳定运行，完成培训100人次，印刷2万份；" * 40_000)[:1_000_000]
    ws["E20"] = "≥" + "9" * 100_000 + "%"
    p = tmp_path / "big_cell.xlsx"
    wb.save(p)
    code = main(["check", str(p), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    assert len(out) < 2_000_000, "findings quote, they do not copy a megabyte per finding"


# --------------------------------------------------------------------------- cell types


def typed_book(path: Path) -> Path:
    from openpyxl import Workbook
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = Workbook()
    ws = wb.active
    ws.title = "类型"
    ws["A1"] = dt.datetime(2026, 3, 1, 8, 30)
    ws["A1"].number_format = "yyyy-mm-dd hh:mm"
    ws["A2"] = dt.date(2026, 12, 31)
    ws["A2"].number_format = "yyyy年m月d日"
    ws["A3"] = True
    ws["A4"] = False
    for cell, err in (("A5", "#REF!"), ("A6", "#DIV/0!"), ("A7", "#N/A")):
        ws[cell] = err
        ws[cell].data_type = "e"
    ws["A8"] = "=SUM(B1:B2)"  # openpyxl writes no cached value: a formula never calculated
    ws["A9"] = CellRichText(["培训", TextBlock(InlineFont(b=True), "100"), "人次"])
    ws["A10"] = 12.5
    ws["A11"] = 400
    ws["A12"] = "400"
    ws["A13"] = "=1+2"
    ws["A13"].data_type = "s"
    ws["A14"] = dt.time(9, 15)
    ws["A14"].number_format = "h:mm"
    ws["A15"] = "  前后空格  "
    wb.save(path)
    return path


EXPECTED: list[Any] = [
    dt.datetime(2026, 3, 1, 8, 30),
    dt.date(2026, 12, 31),
    True,
    False,
    "#REF!",
    "#DIV/0!",
    "#N/A",
    None,
    "培训100人次",
    12.5,
    400,
    "400",
    "=1+2",
    dt.time(9, 15),
    "  前后空格  ",
]


@pytest.mark.parametrize("path", ["calamine", "stream"])
def test_cells_of_every_type_are_read_correctly(tmp_path: Path, path: str, monkeypatch: pytest.MonkeyPatch) -> None:
    p = typed_book(tmp_path / "types.xlsx")
    if path == "stream":
        monkeypatch.setattr(xlsx_source, "STREAM_SHEET_BYTES", 0)
    [sh] = sources.read_sheets(p)
    got = [sh.value(r, 1) for r in range(1, len(EXPECTED) + 1)]
    assert got == EXPECTED
    assert type(got[1]) is dt.date


def test_error_value_from_a_formula_is_read(tmp_path: Path) -> None:
    """A formula whose cached result is #REF! (what Excel writes after a deleted row)."""
    p = package(
        tmp_path / "ref.xlsx",
        sheet('<row r="2"><c r="C2" t="e"><f>#REF!+1</f><v>#REF!</v></c><c r="D2"><f>1+1</f><v>2</v></c></row>'),
    )
    [sh] = sources.read_sheets(p)
    assert sh.value(2, 3) == "#REF!" and sh.value(2, 4) == 2


# --------------------------------------------------------------------------- formula injection


PAYLOADS = ["=1+2", "+86-951-5555", "-5%", "@SUM(A1)", '=HYPERLINK("http://x","点我")']


INJECT_COMMANDS = {
    "mark": ["check", "{src}", "--mark", "-o", "{out}"],
    "costs": ["costs", "{src}", "--write", "-o", "{out}"],
    "fill": ["fill", "{src}", "-o", "{out}"],
    "format": ["format", "{src}", "-o", "{out}"],
    "rollover": ["rollover", "{src}", "--to", "2027", "-o", "{out}"],
    "selfeval": ["selfeval", "{src}", "-o", "{out}"],
}


@pytest.mark.parametrize("command", sorted(INJECT_COMMANDS))
def test_text_beginning_with_formula_characters_stays_text(tmp_path: Path, workbook_path: Path, command: str) -> None:
    """Values quoted into report sheets (校验结果, 成本测算, 填充记录 …) and the journal never become formulas."""
    import importlib.util

    from openpyxl import load_workbook

    args = INJECT_COMMANDS[command]
    if importlib.util.find_spec(f"xladdin.commands.{args[0]}") is None:
        pytest.skip(f"xladdin {args[0]} 命令尚未实现")

    wb = load_workbook(workbook_path)
    ws = wb["信息系统维护"]
    targets = [c for row in ws.iter_rows(min_row=15, max_row=30, min_col=5, max_col=5) for c in row][: len(PAYLOADS)]
    for cell, text in zip(targets, PAYLOADS, strict=True):
        cell.value = text
        cell.data_type = "s"
    src = tmp_path / "inject.xlsx"
    wb.save(src)
    out = tmp_path / "out.xlsx"
    assert main([a.format(src=src, out=out) for a in args]) in (0, 1)
    result = load_workbook(out)
    seen = 0
    for sh in result.worksheets:
        for row in sh.iter_rows():
            for c in row:
                if isinstance(c.value, str) and any(p in c.value for p in PAYLOADS):
                    assert c.data_type == "s", f"{sh.title}!{c.coordinate} became {c.data_type}: {c.value!r}"
                    seen += 1
    assert seen >= len(PAYLOADS), "the payloads are still in the workbook, as text"
    # and the calamine reader sees text, not a computed value
    values = {
        (s.name, r, c): s.value(r, c)
        for s in sources.read_sheets(out)
        for r in range(1, s.max_row + 1)
        for c in range(1, s.max_col + 1)
    }
    assert "=1+2" in values.values()


def test_numbers_excel_cannot_hold_read_as_num_error(tmp_path: Path, workbook_path: Path) -> None:
    """``<v>1e400</v>`` reached the core as inf and crashed display_text (found by bench/fuzz.py)."""
    with zipfile.ZipFile(workbook_path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["xl/worksheets/sheet2.xml"].decode()
    # put the absurd numbers into the first numeric cells of a project sheet (its amounts)
    import re

    numbers = iter(["1e400", "-1e999", "9" * 400])
    xml = re.sub(r"<v>(\d+(?:\.\d+)?)</v>", lambda m: f"<v>{next(numbers, m.group(1))}</v>", xml)
    parts["xl/worksheets/sheet2.xml"] = xml.encode()
    p = tmp_path / "inf.xlsx"
    with zipfile.ZipFile(p, "w") as zf:
        for n, d in parts.items():
            zf.writestr(n, d)
    values = [v for s in sources.read_sheets(p) for row in s.rows for v in row]
    assert values.count("#NUM!") >= 2
    assert not any(isinstance(v, float) and v in (float("inf"), float("-inf")) for v in values)
    assert main(["check", str(p)]) in (0, 1)


def test_an_amount_of_400_digits_as_text(
    tmp_path: Path, workbook_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """float("9"*400) is inf; it reached display_text through the funding rules (found by bench/fuzz.py)."""
    from openpyxl import load_workbook

    from xladdin.layout import parse_amount

    assert parse_amount("9" * 400) is None and parse_amount(10**400) is None and parse_amount(float("inf")) is None
    wb = load_workbook(workbook_path)
    ws = wb["事业管理费"]
    ws["F10"] = "9" * 400
    ws["C9"] = "9" * 400
    p = tmp_path / "digits.xlsx"
    wb.save(p)
    assert main(["check", str(p)]) in (0, 1)
    assert "内部错误" not in capsys.readouterr().err


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_a_doctype_in_utf16_is_found_with_or_without_bom(
    tmp_path: Path, encoding: str, capsys: pytest.CaptureFixture[str]
) -> None:
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row>', '<?xml version="1.0" encoding="UTF-16"?>' + LAUGHS)
    p = package(tmp_path / "u16.xlsx", xml.encode(encoding))
    refused(["check", str(p)], capsys, "实体")


@pytest.mark.parametrize("command", ["mark", "fill", "format", "rollover", "costs", "selfeval"])
def test_writing_commands_refuse_an_absurd_used_range(
    tmp_path: Path, workbook_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A stray value in XFD1048576 of a project sheet: check --mark ran > 120 s in a dense loop."""
    import importlib.util

    from openpyxl import load_workbook

    args = INJECT_COMMANDS[command]
    if importlib.util.find_spec(f"xladdin.commands.{args[0]}") is None:
        pytest.skip(f"xladdin {args[0]} 命令尚未实现")
    wb = load_workbook(workbook_path)
    wb["信息系统维护"]["XFD1048576"] = "误输入"
    src = tmp_path / "far.xlsx"
    wb.save(src)
    before = src.read_bytes()
    out = tmp_path / "out.xlsx"
    code = main([a.format(src=src, out=out) for a in args])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "XFD1048576" in err and "Ctrl+End" in err and len(err.splitlines()) == 1
    assert not out.exists() and src.read_bytes() == before
