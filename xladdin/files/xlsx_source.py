"""Reading an .xlsx/.xlsm workbook's cells, fast and bounded: python-calamine behind a pre-scan.

The pre-scan unpacks each worksheet part once, refuses a DTD in it, measures how far its
cells reach (a sheet beyond ``MAX_READ_ROWS`` × ``MAX_READ_COLS`` is streamed with
openpyxl's parser instead, which stops at the bounds) and collects error cells, which
calamine reads as empty.
"""

from __future__ import annotations

import datetime as _dt
import html
import math
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from xladdin.errors import FileDamaged, NoSheets, UserError
from xladdin.files.vetting import (
    OOXML_SUFFIXES,
    check_dtds,
    check_structure,
    dtd_in,
    failure_detail,
    is_xml,
    refuse_dtd,
    vet_path,
    zip_errors,
)
from xladdin.model import Merge, SheetData, column_index

# What the checker reads of one sheet.  A project table is ~30–60 rows × 6 columns;
# beyond these bounds a sheet is read only up to them, so a million-row sheet or a
# stray value in XFD1048576 costs bounded time and memory (see read_sheets).
MAX_READ_ROWS = 10_000


MAX_READ_COLS = 256


# A worksheet part larger than this (unpacked) is streamed instead of loaded whole.
STREAM_SHEET_BYTES = 8 * 1024 * 1024


def _clean(v: Any) -> Any:
    """A cell value as the core expects it: "" is empty; no number Excel could not hold.

    A crafted or broken file can spell ``<v>1e400</v>`` (calamine: inf) or a 400-digit
    integer; Excel shows #NUM! for such a cell, and so do we (inf reached the core's
    ``display_text`` and crashed the check).
    """
    if v == "":
        return None
    if isinstance(v, float) and not math.isfinite(v):
        return "#NUM!" if v == v else None
    if isinstance(v, int) and not isinstance(v, bool) and abs(v) > 2**63:
        return "#NUM!"
    return v


class XlsxSource:
    """An .xlsx/.xlsm workbook (a ``sources.Source``) vetted and opened once, from which sheets are read in as many parts as wanted.

    A parallel check reads a large workbook in a dozen parts per process.  Opening the
    package each time (Python's zipfile parses the directory of every part, calamine its
    own) cost ~7 ms a part; here each process pays it once.  Every refusal of
    ``check_readable`` still comes before anything is parsed: the package's own parts
    are checked for DTDs on the first read, each worksheet part by the pre-scan of the
    read that unpacks it.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = p = vet_path(path)
        self._wb: Any = None
        self._streamed: _StreamSource | None = None
        self._vetted = False
        self._merges: dict[tuple[Any, ...], tuple[Merge, ...]] = {}  # see _merge_tuple
        self._percent_styles: dict[bytes, int] | None = None
        self._sheet_list: list[tuple[str, bool]] | None = None
        with zip_errors(p):
            self._zf = zipfile.ZipFile(p)
        try:
            with zip_errors(p):
                check_structure(p, self._zf)
                self.parts = _sheet_parts(self._zf)  # defusedxml: refuses entities in workbook.xml by itself
        except BaseException:
            self._zf.close()
            raise

    @property
    def names(self) -> list[str]:
        """The worksheet names in tab order (from workbook.xml; nothing is unpacked)."""
        return list(self.parts)

    def __enter__(self) -> XlsxSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zf.close()
        if self._streamed is not None:
            self._streamed.close()
            self._streamed = None
        if self._wb is not None:
            self._wb.close()
            self._wb = None

    def read(self, names: Iterable[str] | None = None) -> list[SheetData]:
        """The sheets named (in tab order; unknown names are ignored), or every sheet."""
        p = self.path
        asked = list(names) if names is not None else None
        wanted = set(asked) if asked is not None else None
        parts = self.parts if asked is None else {n: self.parts[n] for n in asked if n in self.parts}
        with zip_errors(p):
            if not self._vetted:
                # Worksheet parts are left to the pre-scan, which unpacks them whole anyway (one
                # unpacking per sheet, not two); a part too big for it is checked here.
                check_dtds(p, self._zf, self._scanned_parts())
                self._vetted = True
            try:
                too_big, errors, percents = _prescan(self._zf, parts, lambda part: refuse_dtd(p, part), self._percent())
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                raise FileDamaged(p.name, "压缩包中的数据不完整") from None
        out: list[SheetData] = []
        for name, hidden in self._worksheets():
            if wanted is not None and name not in wanted:
                continue
            if name in too_big:
                if self._streamed is None:
                    self._streamed = _open_streaming(p)
                rows = _stream_rows(self._streamed, name)
                out.append(SheetData(name, rows, (), hidden, merges_known=False))
                continue
            try:
                sh = self._wb.get_sheet_by_name(name)
                data = sh.to_python(skip_empty_area=False)
                merges = self._merge_tuple(sh.merged_cell_ranges)
            except Exception as exc:
                raise FileDamaged(p.name, f"工作表“{name}”", failure_detail(exc)) from None
            # strings (text, and "" for an empty cell) are most cells: ``_clean`` of a str is ``v or None``
            rows = [
                [(v or None) if type(v) is str else _clean(v) for v in row[:MAX_READ_COLS]]
                for row in data[:MAX_READ_ROWS]
            ]
            _put_errors(rows, errors.get(name, {}))
            _put_percents(rows, percents.get(name, {}))
            out.append(SheetData(name, rows, merges, hidden))
        if not out and wanted is None:
            raise NoSheets(p.name)
        return out

    def _worksheets(self) -> list[tuple[str, bool]]:
        """(name, hidden) of each worksheet in calamine's order, worked out on the first read.

        A parallel check reads a large workbook in a dozen parts per process, and asking calamine
        for a thousand sheets' metadata (and their kinds as text) took longer than a part's reading.
        """
        if self._sheet_list is None:
            self._sheet_list = [
                (meta.name, "Visible" not in str(meta.visible))
                for meta in self._calamine().sheets_metadata
                if str(meta.typ) == "SheetTypeEnum.WorkSheet" or "WorkSheet" in str(meta.typ)
            ]
        return self._sheet_list

    def _merge_tuple(self, ranges: Any) -> tuple[Merge, ...]:
        """calamine's 0-based ((row, col), (row, col)) merged ranges as ``Merge`` objects.

        Sheets made from one form have the same ranges and get one shared tuple (Merges are
        immutable), which the layout reader indexes once (``layout._merge_index_of``).
        """
        key = tuple(ranges or ())
        merges = self._merges.get(key)
        if merges is None:
            merges = self._merges[key] = tuple(Merge(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in key)
        return merges

    def _percent(self) -> dict[bytes, int]:
        """The cell styles (``s="…"``) that show a number as a percentage, with their decimals."""
        if self._percent_styles is None:
            try:
                xml = self._zf.read("xl/styles.xml") if "xl/styles.xml" in self._zf.namelist() else b""
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                xml = b""
            self._percent_styles = percent_styles(xml)
        return self._percent_styles

    def _scanned_parts(self) -> frozenset[str]:
        """The worksheet parts whose DTD check the pre-scan makes (every one it unpacks whole)."""
        return frozenset(
            i.filename for i in self.parts.values() if is_xml(i.filename) and i.file_size <= STREAM_SHEET_BYTES
        )

    def _calamine(self) -> Any:
        """calamine's workbook, opened on the first read (after the DTD checks: it parses workbook and strings)."""
        if self._wb is None:
            import python_calamine as pc

            try:
                if self.path.suffix.lower() in OOXML_SUFFIXES:
                    self._wb = pc.CalamineWorkbook.from_path(str(self.path))
                else:  # an .xlsx renamed (vetting.is_ooxml_workbook): calamine goes by a path's extension
                    with open(self.path, "rb") as fh:
                        self._wb = pc.CalamineWorkbook.from_filelike(fh)
            except Exception as exc:  # calamine raises its own error types for broken parts
                if "Unrecognized sheet" in str(exc):
                    _refuse_sheet_kinds(self.path)
                raise FileDamaged(self.path.name, detail=failure_detail(exc)) from None
        return self._wb


def _refuse_sheet_kinds(p: Path) -> None:
    """calamine cannot open a workbook holding an Excel 4.0 macro sheet or a dialog sheet: say which."""
    from xladdin.files.package import Package

    kinds = {"macrosheet": "Excel 4.0 宏表", "dialogsheet": "对话框工作表（Excel 5.0 对话框）"}
    with Package(p) as pkg:
        odd = [f"{kinds[s.kind]}“{s.name}”" for s in pkg.sheets() if s.kind in kinds]
    if odd:
        raise UserError(
            f"{p.name} 中有{'、'.join(odd)}，xladdin 不能读取含这种工作表的工作簿。"
            "请在 Excel 中把绩效目标表复制到一个新工作簿（或删除这些工作表后另存一份）再试。"
        )


_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*)>")


_REF_ATTR = re.compile(rb"""\sr\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]{1,8})["']""")


_ROW = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row(?=[\s/>])([^>]*)>")


_ROW_ATTR = re.compile(rb"""\sr\s*=\s*["']([0-9]{1,8})["']""")


def _prescan(
    zf: zipfile.ZipFile,
    parts: dict[str, zipfile.ZipInfo] | None = None,
    on_dtd: Callable[[str], None] | None = None,
    percent: dict[bytes, int] | None = None,
) -> tuple[set[str], dict[str, dict[tuple[int, int], str]], dict[str, dict[tuple[int, int], int]]]:
    """Sheets calamine must not load whole (see ``read_sheets``), each sheet's error cells, and
    its numbers shown as percentages (``percent``: the styles that do, ``percent_styles``).

    calamine returns error values (#REF!, #DIV/0!, #N/A …) as empty strings, so a
    formula whose result is #REF! would look like a blank cell; the errors are taken
    from the XML here instead, in the same pass that measures the sheet.  calamine gives
    a cell typed 93% the Excel way as 0.93, without its format: the cells in a percent
    style are found here too, so that the core reads what the user sees (``_put_percents``).
    """
    too_big: set[str] = set()
    errors: dict[str, dict[tuple[int, int], str]] = {}
    percents: dict[str, dict[tuple[int, int], int]] = {}
    for name, info in (_sheet_parts(zf) if parts is None else parts).items():
        if info.file_size > STREAM_SHEET_BYTES:
            too_big.add(name)
            continue
        xml = _unpack(zf, info)
        if on_dtd is not None and is_xml(info.filename) and dtd_in(xml):
            on_dtd(info.filename)  # raises: nothing may parse this part
        if not _surely_small(xml):
            rows, cols = _extent(xml)
            if rows > MAX_READ_ROWS or cols > MAX_READ_COLS:
                too_big.add(name)
                continue
        # every error value starts with "#" (#REF!, #N/A …): one byte to look for before the cell type
        if b"#" in xml and (b'"e"' in xml or b"'e'" in xml):
            errors[name] = _error_cells(xml)
        if percent and any(b's="' + k + b'"' in xml for k in percent):
            percents[name] = _percent_cells(xml, percent)
    return too_big, errors, percents


_XF_LIST = re.compile(rb"<(?:\w+:)?cellXfs[^>]*>(.*?)</(?:\w+:)?cellXfs>", re.S)
_XF = re.compile(rb"<(?:\w+:)?xf(?=[\s/>])([^>]*)>")
_NUMFMT = re.compile(rb"<(?:\w+:)?numFmt(?=[\s/>])([^>]*)>")
_ID_ATTR = re.compile(rb"""\snumFmtId\s*=\s*["']([0-9]+)["']""")
_CODE_ATTR = re.compile(rb'\sformatCode\s*=\s*"([^"]*)"')
_S_ATTR = re.compile(rb"""\ss\s*=\s*["']([0-9]+)["']""")
_T_ATTR = re.compile(rb"""\st\s*=\s*["']([a-z]+)["']""")
_BUILTIN_PERCENT = {9: 0, 10: 2}  # Excel's 0% and 0.00%


def percent_decimals(code: str) -> int | None:
    """The decimals of a number format that shows a percentage (``0.0%`` → 1), else None.

    Only the first section counts (positive numbers); text in quotes and escaped
    characters are not format characters."""
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", code.split(";")[0])
    if "%" not in section:
        return None
    m = re.search(r"[0#?]\.([0#?]+)", section)
    return len(m.group(1)) if m else 0


def percent_styles(styles_xml: bytes) -> dict[bytes, int]:
    """Cell style index (as in ``s="…"``) → decimals, for the styles whose format is a percentage."""
    codes: dict[int, int] = dict(_BUILTIN_PERCENT)
    for m in _NUMFMT.finditer(styles_xml):
        fid, code = _ID_ATTR.search(m.group(1)), _CODE_ATTR.search(m.group(1))
        if fid and code:
            d = percent_decimals(html.unescape(code.group(1).decode("utf-8", "replace")))
            if d is None:
                codes.pop(int(fid.group(1)), None)
            else:
                codes[int(fid.group(1))] = d
    xfs = _XF_LIST.search(styles_xml)
    out: dict[bytes, int] = {}
    if xfs is None:
        return out
    for i, m in enumerate(_XF.finditer(xfs.group(1))):
        fid = _ID_ATTR.search(m.group(1))
        if fid and int(fid.group(1)) in codes:
            out[str(i).encode()] = codes[int(fid.group(1))]
    return out


_WHOLE_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>)", re.S)
_FORMULA = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")


def _percent_cells(xml: bytes, percent: dict[bytes, int]) -> dict[tuple[int, int], int]:
    """(row, col) → decimals of each number typed in a percent style.  A text cell is what it
    says; a formula's result stays a number (a computed 执行率 is compared and scored as one)."""
    out: dict[tuple[int, int], int] = {}
    for m in _WHOLE_CELL.finditer(xml):
        attrs = m.group(1)
        st = _S_ATTR.search(attrs)
        if st is None or st.group(1) not in percent:
            continue
        if m.group(2) and _FORMULA.search(m.group(2)):
            continue
        t = _T_ATTR.search(attrs)
        if t is not None and t.group(1) != b"n":
            continue
        ref = _REF_ATTR.search(attrs)
        if ref:
            out[(int(ref.group(2)), column_index(ref.group(1).decode()))] = percent[st.group(1)]
    return out


def _put_percents(rows: list[list[Any]], cells: dict[tuple[int, int], int]) -> None:
    """A number shown as a percentage becomes the text the user sees (0.93 in 0% → "93%")."""
    for (r, c), decimals in cells.items():
        if r > len(rows) or c > len(rows[r - 1]):
            continue
        v = rows[r - 1][c - 1]
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            rows[r - 1][c - 1] = f"{v * 100:.{decimals}f}%"


def _unpack(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """``zf.read(info)`` for an ordinary (deflated or stored, unencrypted) part, in half the time.

    zipfile's reader costs more in its own buffering than the inflating on parts of a few
    kilobytes, and the pre-scan unpacks every worksheet.  The size and CRC are checked as
    zipfile checks them; anything unusual or wrong goes to ``zf.read``, which reads it (or
    says what is wrong) its own way.
    """
    if info.flag_bits & 1 or info.compress_type not in (zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED) or zf.fp is None:
        return zf.read(info)
    fp = zf.fp
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        return zf.read(info)
    skip = int.from_bytes(header[26:28], "little") + int.from_bytes(header[28:30], "little")
    fp.seek(info.header_offset + 30 + skip)
    raw = fp.read(info.compress_size)
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    else:
        try:
            data = zlib.decompressobj(-15).decompress(raw, info.file_size + 1)  # never more than declared
        except zlib.error:
            return zf.read(info)
    if len(data) != info.file_size or zlib.crc32(data) != info.CRC:
        return zf.read(info)
    return data


# A cell tag ``_surely_small`` cannot vouch for: ``<c`` followed by anything but a space and
# an r="…" first attribute of one column letter and at most four digits.
_ODD_CELL = re.compile(rb"""<c(?:[\t\n\r\x0b\x0c/>]| (?!r=["']\$?[A-Z]\$?0*[0-9]{1,4}["']))""")


# ``b":c" in xml``, three times as fast (measured: 3.2 against 9.1 ms over 1,000 worksheets): the
# regex engine's search for a literal prefix beats ``bytes.__contains__`` with a two-byte needle.
_PREFIXED_CELL = re.compile(rb":c")


# A row tag (or any "row" followed by attributes) whose r may be five digits or more.
_FAR_ROW = re.compile(rb"""row(?=[\s/>])[^>]*?\sr\s*=\s*["']0*[1-9][0-9]{4}""")


def _surely_small(xml: bytes) -> bool:
    """True when ``_extent(xml)`` is certainly within the bounds; a few scans at C speed.

    Every cell tag is ``<c r="…"`` with one column letter and a row below 10,000, no row
    tag says a row of five digits, no namespaced cell tag (``:c``) and fewer "row"
    substrings than ``MAX_READ_ROWS``: then the sheet reaches at most Z9999 and every
    cell has an address.  Anything else (or anything unusual) gets the exact count.
    """
    return (
        # every "row" takes three bytes: a part shorter than 3 × MAX_READ_ROWS needs no count
        (len(xml) <= 3 * MAX_READ_ROWS or xml.count(b"row") <= MAX_READ_ROWS)
        and _PREFIXED_CELL.search(xml) is None
        and not _ODD_CELL.search(xml)
        and not _FAR_ROW.search(xml)
    )


_ERROR_CELL = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])([^>]*\st\s*=\s*["']e["'][^>]*)>(.*?)</(?:[A-Za-z_][\w.-]*:)?c>""", re.S
)


_V = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?v>([^<]*)</(?:[A-Za-z_][\w.-]*:)?v>")


def _error_cells(xml: bytes) -> dict[tuple[int, int], str]:

    out: dict[tuple[int, int], str] = {}
    for m in _ERROR_CELL.finditer(xml):
        ref = _REF_ATTR.search(m.group(1))
        v = _V.search(m.group(2))
        if ref and v and v.group(1).startswith(b"#"):  # an error value; anything else is not one Excel writes
            out[(int(ref.group(2)), column_index(ref.group(1).decode()))] = v.group(1).decode("utf-8", "replace")
    return out


def _put_errors(rows: list[list[Any]], errors: dict[tuple[int, int], str]) -> None:
    for (r, c), text in errors.items():
        if r > MAX_READ_ROWS or c > MAX_READ_COLS:
            continue
        while len(rows) < r:
            rows.append([])
        row = rows[r - 1]
        if len(row) < c:
            row.extend([None] * (c - len(row)))
        if row[c - 1] is None:
            row[c - 1] = text


def _extent(xml: bytes) -> tuple[int, int]:
    """(last row, last column) the cells of a worksheet part reach, counting cells without an address."""

    max_row = max_col = 0
    rows_seen = 0
    unaddressed = 0
    for m in _ROW.finditer(xml):
        rows_seen += 1
        r = _ROW_ATTR.search(m.group(1))
        if r:
            max_row = max(max_row, int(r.group(1)))
    for m in _CELL.finditer(xml):
        ref = _REF_ATTR.search(m.group(1))
        if ref is None:
            unaddressed += 1
            continue
        max_col = max(max_col, column_index(ref.group(1).decode()))
        max_row = max(max_row, int(ref.group(2)))
    return max(max_row, rows_seen), max_col + unaddressed


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    """Sheet name → its worksheet part, from workbook.xml and its relationships."""
    import posixpath

    names = {i.filename: i for i in zf.infolist()}
    wb_part = next((n for n in ("xl/workbook.xml", "xl/workbook2.xml") if n in names), None)
    if wb_part is None:
        return {}
    try:
        wb_xml = zf.read(wb_part)
        rels_xml = zf.read("xl/_rels/" + posixpath.basename(wb_part) + ".rels")
    except Exception:  # a broken workbook part: calamine has already failed or will say so
        return {}
    out = {}
    for sheet, part in _part_names(wb_xml, rels_xml):
        if part in names:
            out[sheet] = names[part]
    return out


# The last workbook's parsed sheet list, by the bytes it was parsed from: a parallel check
# reads the same workbook part in every worker (and forked workers inherit this).
_PART_NAMES_MEMO: list[tuple[bytes, bytes, list[tuple[str, str]]]] = []


def _part_names(wb_xml: bytes, rels_xml: bytes) -> list[tuple[str, str]]:
    """(sheet name, part name) in tab order, from workbook.xml and its relationships (memoised on their bytes)."""
    for w, r, parts in _PART_NAMES_MEMO:
        if w == wb_xml and r == rels_xml:
            return parts
    import posixpath

    from defusedxml import ElementTree as SafeET

    # transitional or Strict Open XML: the same elements in other namespaces
    pkg = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    try:
        wb = SafeET.fromstring(wb_xml)
        rels = SafeET.fromstring(rels_xml)
    except Exception:  # a broken workbook part: calamine has already failed or will say so
        return []
    targets = {}
    for rel in rels.iter(f"{pkg}Relationship"):
        t = rel.get("Target") or ""
        targets[rel.get("Id")] = t.lstrip("/") if t.startswith("/") else posixpath.normpath("xl/" + t)
    out: list[tuple[str, str]] = []
    for sh in wb.iter():
        if not isinstance(sh.tag, str) or sh.tag.rpartition("}")[2] != "sheet":
            continue
        rid = next((v for k, v in sh.attrib.items() if k.endswith("}id") and "relationships" in k), None)
        part = targets.get(rid)
        if part and sh.get("name"):
            out.append((sh.get("name") or "", part))
    _PART_NAMES_MEMO[:] = [(wb_xml, rels_xml, out)]
    return out


class _StreamSource:
    """What openpyxl's worksheet parser needs, read once from the package: strings, date styles, epoch.

    openpyxl's own read-only ``load_workbook`` cannot be used here: it looks for each
    sheet's ``<dimension>`` by parsing the whole sheet, a minute for a million rows.
    """

    def __init__(self, p: Path) -> None:
        from openpyxl.reader.strings import read_string_table
        from openpyxl.styles.stylesheet import Stylesheet
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900
        from openpyxl.xml.functions import fromstring

        self.zf = zipfile.ZipFile(p)
        self.parts = _sheet_parts(self.zf)
        names = set(self.zf.namelist())
        self.strings: list[Any] = []
        if "xl/sharedStrings.xml" in names:
            with self.zf.open("xl/sharedStrings.xml") as fh:
                self.strings = read_string_table(fh)
        self.date_formats: set[int] = set()
        self.timedelta_formats: set[int] = set()
        if "xl/styles.xml" in names:
            sheet: Any = Stylesheet.from_tree(fromstring(self.zf.read("xl/styles.xml")))  # type: ignore[arg-type]
            self.date_formats = sheet.date_formats  # set by openpyxl's reader, not in its stubs
            self.timedelta_formats = sheet.timedelta_formats
        wb_xml = self.zf.read("xl/workbook.xml")[:100_000] if "xl/workbook.xml" in names else b""
        self.epoch = CALENDAR_MAC_1904 if re.search(rb"date1904\s*=\s*[\"'](1|true)", wb_xml) else CALENDAR_WINDOWS_1900

    def close(self) -> None:
        self.zf.close()


def _like_calamine(v: Any) -> Any:
    """openpyxl gives a datetime for a date-only cell; calamine gives a date.  Agree with calamine."""
    if isinstance(v, _dt.datetime) and v.time() == _dt.time(0):
        return v.date()
    return _clean(v)


def _open_streaming(p: Path) -> _StreamSource:
    try:
        return _StreamSource(p)
    except Exception as exc:
        raise FileDamaged(p.name, detail=failure_detail(exc)) from None


def _stream_rows(src: _StreamSource, name: str) -> list[list[Any]]:
    """The values of a big sheet within MAX_READ_ROWS × MAX_READ_COLS, parsed as a stream.

    Uses openpyxl's worksheet parser directly (openpyxl is pinned to 3.1.x): its
    public read-only ``iter_rows`` also pads every row to the requested width and every
    gap to the requested height, seconds for a sheet with two cells far apart.
    """
    from openpyxl.worksheet._reader import WorkSheetParser

    rows: list[list[Any]] = []
    try:
        with src.zf.open(src.parts[name]) as fh:
            parser = WorkSheetParser(
                fh,
                src.strings,
                data_only=True,
                epoch=src.epoch,
                date_formats=src.date_formats,
                timedelta_formats=src.timedelta_formats,
            )
            for idx, cells in parser.parse():
                if idx > MAX_READ_ROWS:
                    break
                values = {c["column"]: c["value"] for c in cells if c["column"] <= MAX_READ_COLS}
                values = {col: _like_calamine(v) for col, v in values.items() if v is not None and v != ""}
                if not values:
                    continue
                while len(rows) < idx:
                    rows.append([])
                row: list[Any] = [None] * max(values)
                for col, v in values.items():
                    row[col - 1] = v
                rows[idx - 1] = row
    except Exception as exc:
        raise FileDamaged(Path(str(src.zf.filename)).name, f"工作表“{name}”", failure_detail(exc)) from None
    return rows
