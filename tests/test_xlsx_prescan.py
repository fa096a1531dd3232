"""The fast paths of the reader's safety checks must never let through what the exact checks refuse.

``_surely_small`` vouches for a sheet's bounds without counting every cell, and
``_has_dtd`` decides on the first few KB of a part; both fall back to the exact check
for anything unusual.  These tests drive them with hostile shapes.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.files.vetting import _has_dtd
from xladdin.files.xlsx_source import MAX_READ_COLS, MAX_READ_ROWS, _extent, _surely_small

_COLS = ["A", "Z", "AA", "IV", "IW", "XFD", "ABCD", "a", ""]
_ROWS = [1, 9, 9999, 10000, 10001, 99999, 1048576, 123456789]


@st.composite
def _tag(draw: st.DrawFn) -> str:
    col = draw(st.sampled_from(_COLS))
    row = draw(st.sampled_from(_ROWS))
    return draw(
        st.sampled_from(
            [
                f'<row r="{row}">',
                f'<row spans="1:2" r="{row}">',
                f"<row r='{row}'/>",
                "<row>",
                "</row>",
                f'<c r="{col}{row}">',
                f"<c r='{col}{row}'/>",
                f'<c t="s" r="{col}{row}">',
                f'<c r="${col}${row}">',
                f'<c r="{col}0{row}">',
                f'<c r = "{col}{row}">',
                f'<c\nr="{col}{row}">',
                f'<x:c r="{col}{row}">',
                f'<x:row r="{row}">',
                "<c>",
                "<c/>",
                '<c  r="A1">',
                "<v>1</v></c>",
                '<col min="1" max="3"/>',
                f'<dimension ref="A1:{col}{row}"/>',
                f'arrow r="{row}" ',
            ]
        )
    )


@settings(max_examples=3000, deadline=None)
@given(st.lists(_tag(), min_size=1, max_size=14))
def test_what_the_fast_bounds_check_vouches_for_is_within_the_bounds(tags: list[str]) -> None:
    xml = ("<worksheet><sheetData>" + "".join(tags) + "</sheetData></worksheet>").encode()
    if _surely_small(xml):
        rows, cols = _extent(xml)
        assert rows <= MAX_READ_ROWS and cols <= MAX_READ_COLS, (xml, rows, cols)


def test_an_ordinary_sheet_takes_the_fast_path_and_a_far_cell_does_not() -> None:
    cells = "".join(f'<row r="{r}"><c r="A{r}" t="s"><v>0</v></c><c r="F{r}"><v>1</v></c></row>' for r in range(1, 60))
    ordinary = f"<worksheet><sheetData>{cells}</sheetData></worksheet>".encode()
    assert _surely_small(ordinary)
    far = ordinary.replace(b"</sheetData>", b'<row r="60"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
    assert not _surely_small(far)
    assert _extent(far)[1] > MAX_READ_COLS


def _part(tmp_path: Path, data: bytes) -> bool:
    p = tmp_path / "p.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("x.xml", data)
    with zipfile.ZipFile(p) as zf:
        return _has_dtd(zf, zf.getinfo("x.xml"))


def test_a_doctype_after_more_than_the_first_peek_of_comments_is_found(tmp_path: Path) -> None:
    pad = "<!-- " + "x" * 10_000 + " -->"
    assert _part(tmp_path, f'<?xml version="1.0"?>{pad}<!DOCTYPE x [<!ENTITY a "b">]><worksheet/>'.encode())
    pi = "<?pi " + "y" * 10_000 + "?>"
    assert _part(tmp_path, f'<?xml version="1.0"?>{pi}<!DOCTYPE x><worksheet/>'.encode())
    assert _part(tmp_path, ("<?xml version='1.0'?>" + " " * 9000 + "<!DOCTYPE x><a/>").encode())
    assert not _part(tmp_path, f'<?xml version="1.0"?>{pad}<worksheet/>'.encode())
    assert not _part(tmp_path, b'<?xml version="1.0"?><worksheet>' + b"<row/>" * 5000 + b"</worksheet>")


def test_the_first_bytes_decide_only_for_a_declaration_then_an_element() -> None:
    """``dtd_in`` answers the usual part (a declaration, then the root element) from its first
    bytes; a DOCTYPE after a processing instruction, a comment, a BOM or whitespace, or in
    UTF-16, is still found by the full reading of the prolog."""
    from xladdin.files.vetting import _plainly_element_first, dtd_in

    plain = [b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet/>', b"<worksheet/>"]
    for data in plain:
        assert _plainly_element_first(data) and not dtd_in(data)
    doctype = [
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>',
        b'<?xml version="1.0"?><?xml-stylesheet href="a"?><!DOCTYPE x><x/>',
        b"<!-- c --><!DOCTYPE x><x/>",
        b"\xef\xbb\xbf<!DOCTYPE x><x/>",
        b"  \n<!DOCTYPE x><x/>",
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16"),
        '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16-le"),
    ]
    for data in doctype:
        assert not _plainly_element_first(data) and dtd_in(data), data


def test_a_doctype_in_utf16_after_the_peek_is_found(tmp_path: Path) -> None:
    text = '<?xml version="1.0" encoding="UTF-16"?><!-- ' + "z" * 5000 + " --><!DOCTYPE x><a/>"
    assert _part(tmp_path, text.encode("utf-16"))
    assert not _part(tmp_path, '<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"))


def test_the_fast_unpacking_gives_what_zipfile_gives(tmp_path: Path) -> None:
    """``_unpack`` (the pre-scan's reader) against ``ZipFile.read``: deflated and stored parts,
    a part whose bytes were damaged after packing, and one larger than its directory says."""
    import pytest

    from xladdin.files.xlsx_source import _unpack

    root = Path(__file__).resolve().parent.parent
    with zipfile.ZipFile(root / "workbook" / "社保局本级2026绩效目标表.xlsx") as zf:
        for info in zf.infolist():
            assert _unpack(zf, info) == zf.read(info), info.filename
    p = tmp_path / "mixed.zip"
    body = b"<worksheet>" + "项目名称".encode() * 3000 + b"</worksheet>"
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("stored.xml", body, compress_type=zipfile.ZIP_STORED)
        zf.writestr("deflated.xml", body, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("empty.xml", b"", compress_type=zipfile.ZIP_DEFLATED)
    with zipfile.ZipFile(p) as zf:
        for info in zf.infolist():
            assert _unpack(zf, info) == zf.read(info) == (body if info.file_size else b"")
        info = zf.getinfo("deflated.xml")
    raw = bytearray(p.read_bytes())
    # damage one byte inside the deflated data: the CRC no longer matches (or inflating fails)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + info.compress_size // 2
    raw[start] ^= 0xFF
    broken = tmp_path / "broken.zip"
    broken.write_bytes(bytes(raw))
    with zipfile.ZipFile(broken) as zf:
        with pytest.raises(zipfile.BadZipFile):
            zf.read("deflated.xml")
        with pytest.raises((zipfile.BadZipFile, OSError, ValueError)):
            _unpack(zf, zf.getinfo("deflated.xml"))
        zf.getinfo("stored.xml").file_size = 10  # the directory understates the size
        with pytest.raises(zipfile.BadZipFile):
            _unpack(zf, zf.getinfo("stored.xml"))


def test_a_workbook_read_in_parts_is_the_workbook_read_whole(tmp_path: Path) -> None:
    """What a parallel check does in each process: one reader, several reads of some sheets each."""
    from xladdin.files.sources import read_sheets
    from xladdin.files.xlsx_source import XlsxSource

    root = Path(__file__).resolve().parent.parent
    path = root / "workbook" / "社保局本级2026绩效目标表.xlsx"
    whole = read_sheets(path)
    names = [s.name for s in whole]
    with XlsxSource(path) as reader:
        assert reader.names == names
        parts = reader.read(names[4:]) + reader.read(names[:2]) + reader.read(names[2:4]) + reader.read(["没有这张表"])
    assert sorted(parts, key=lambda s: names.index(s.name)) == whole


def test_a_doctype_in_a_sheet_read_later_is_refused_then(tmp_path: Path) -> None:
    """Each read checks the worksheet parts it unpacks; the first read does not vouch for the others."""
    import pytest

    from xladdin.errors import UserError
    from xladdin.files.xlsx_source import XlsxSource

    root = Path(__file__).resolve().parent.parent
    src = root / "workbook" / "社保局本级2026绩效目标表.xlsx"
    p = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            data = a.read(info)
            if info.filename == "xl/worksheets/sheet3.xml":
                data = b'<!DOCTYPE x [<!ENTITY a "b">]>' + data
            b.writestr(info, data)
    with XlsxSource(p) as reader:
        names = reader.names
        assert [s.name for s in reader.read(names[:2])] == names[:2]
        with pytest.raises(UserError, match="实体"):
            reader.read(names[2:3])
