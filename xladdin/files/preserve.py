"""What xladdin's write path would drop from a workbook: refused before anything is done.

openpyxl (3.1) rebuilds a workbook from what it understands and silently leaves the
rest behind; ``xladdin.files.carry`` puts much of it back after openpyxl has saved.  A
budget workbook that loses its 公章 picture, a button or a slicer after “填充指标” is a
workbook nobody trusts again, so every writing command asks this module first and
refuses (unless ``--force`` to a new file) when something would still be lost.  What no
list foresees is caught by ``xladdin.files.verify`` on the written file.

Each entry below was checked by building a file with the feature, writing it through the
write path (openpyxl, then ``carry``) and looking for the feature in the result
(``tests/test_preserve.py`` repeats that check for every feature):

lost — slicers; timelines; threaded comments; data connections, query tables and the
data model; custom ribbons (customUI; the Office 2007 one survives in .xlsm); pictures
in cells (Excel ``richData``, WPS ``cellimages.xml``) and in-cell checkboxes; XML maps;
VBA in a file named .xlsx and VBA signatures; custom views; digital signatures; the
“修改权限密码 / 建议只读” setting (fileSharing); web add-ins; Excel 4.0 macro sheets and
dialog sheets; notes inside merged ranges.

carried by openpyxl — notes (comments), data validation and conditional formatting,
defined names, hyperlinks, tables, external links, pivot tables, sheet and workbook
protection (with hashes), VBA in .xlsm (``keep_vba``).

carried back by ``files.carry`` — every cell as written (formula results, shared and
rich strings, dates, escapes), drawings whole (charts with their styles, pictures of any
format, linked pictures, shapes, text boxes, 2016 charts), form controls and ActiveX
controls, OLE objects, VML-only controls and text boxes, background and header/footer
pictures, worksheet extensions (sparklines, 2010 data bars and icon sets, cross-sheet
drop-down lists, Mac's page-layout flag, protected ranges), headers and footers, custom
XML (SharePoint), sensitivity labels, dynamic-array metadata, the thumbnail.

Not reported, on purpose: printer-driver settings (``xl/printerSettings``; the page
setup itself is kept), calcChain (Excel rebuilds it), cell watches, web-publish items.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO
from xml.etree import ElementTree

from xladdin.files.carry import CARRIED_EXTENSIONS

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# Parts that carry a feature openpyxl does not write back, by path prefix (lower case).
LOST_PARTS: tuple[tuple[str, str], ...] = (
    ("xl/slicers/", "切片器"),
    ("xl/slicercaches/", "切片器"),
    ("xl/timelines/", "日程表（时间筛选器）"),
    ("xl/timelinecaches/", "日程表（时间筛选器）"),
    ("xl/threadedcomments/", "带回复的新版批注（对话内容）"),
    ("xl/model/", "数据模型（Power Pivot）"),
    ("xl/cellimages.xml", "单元格内嵌图片（WPS 的 DISPIMG 图片）"),
    ("xl/richdata/", "放在单元格中的图片或数据类型"),
    ("xl/webextensions/", "Office 加载项（Web 扩展）"),
    ("_xmlsignatures/", "数字签名"),
    ("xl/featurepropertybag/", "单元格中的复选框"),
)

# Worksheet extLst extensions openpyxl drops and xladdin does not carry back (``files.carry``
# carries the others: CARRIED_EXTENSIONS), by ext uri.
EXTENSIONS: dict[str, str] = {
    "{A8765BA9-456A-4DAB-B4F3-ACF838C121DE}": "切片器",
    "{3A4CF648-6AED-40F4-86FF-DC5316D8AED3}": "切片器",
    "{7E03D99C-DC04-49D9-9315-930204A7B6E9}": "日程表（时间筛选器）",
    "{F7C9EE02-42E1-4005-9D12-6889AFFD525C}": "Office 加载项（Web 扩展）",
}
# Extensions that only point at another extension (a cfRule's x14 id, carried with it), or that
# ``files.carry`` puts back as they were.
QUIET_EXTENSIONS = {
    "{B025F937-C7B1-47D3-B67F-A62EFF666E3E}",  # cfRule → its x14 twin (carried with the sheet's extLst)
    *CARRIED_EXTENSIONS,
}

# Worksheet elements openpyxl drops, found by a streaming scan outside <sheetData>.
SHEET_ELEMENTS: dict[bytes, str] = {
    b"customSheetViews": "自定义视图",
}
# <controls> is named by its parts (ctrlProps → 表单控件, activeX → ActiveX 控件).
_SHEET_TAG = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(legacyDrawingHF|picture|customSheetViews|protectedRanges|controls|oleObjects|ext|mergeCell)\b([^>]*)>"
)
_REF = re.compile(rb"""\bref\s*=\s*["']([A-Za-z$]{1,4}[0-9$]{1,8}(?::[A-Za-z$]{1,4}[0-9$]{1,8})?)["']""")
_COMMENT_REF = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?comment\b[^>]*?\bref\s*=\s*["']([A-Za-z]{1,3}[0-9]{1,7})["']""")
_URI = re.compile(rb"""\buri\s*=\s*["']([^"']*)["']""")
_SHEETDATA_OPEN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?sheetData\b[^>]*?(/?)>")
_SHEETDATA_CLOSE = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData\s*>")


MAX_SMALL_PART = 32 * 1024 * 1024  # drawings/rels/workbook parts larger than this are not parsed
CHUNK = 1 << 20


def pillow_available() -> bool:
    """openpyxl keeps pictures only when it can open them with Pillow."""
    try:
        from openpyxl.drawing.image import PILImage
    except ImportError:  # pragma: no cover - openpyxl always has the name
        return False
    return bool(PILImage)


def unsupported_content(path: str | os.PathLike[str]) -> list[str]:
    """Chinese descriptions of what an openpyxl load+save of ``path`` would lose; [] when nothing.

    A file that is not a readable package gives []: ``check_readable`` reports that.
    """
    try:
        zf = zipfile.ZipFile(Path(path))
    except (OSError, zipfile.BadZipFile):
        return []
    with zf:
        try:
            return _Scan(zf, Path(path).suffix.lower()).run()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            # A part we could not read is a broken file, not a feature; loading will say so.
            return []


class _Scan:
    def __init__(self, zf: zipfile.ZipFile, suffix: str) -> None:
        self.zf = zf
        self.suffix = suffix
        self.names = zf.namelist()
        self.lower = {n.lower(): n for n in self.names}
        self.found: list[str] = []

    def add(self, text: str) -> None:
        if text not in self.found:
            self.found.append(text)

    def run(self) -> list[str]:
        sheets = self.sheets()
        for part, sheet in sheets:
            self.scan_sheet(part, sheet)
        self.scan_parts()
        self.scan_workbook()
        return self.found

    # ------------------------------------------------------------------ package

    def read_small(self, name: str) -> bytes | None:
        real = self.lower.get(name.lower())
        if real is None:
            return None
        if self.zf.getinfo(real).file_size > MAX_SMALL_PART:
            return None
        return self.zf.read(real)

    def rels(self, part: str) -> list[tuple[str, str]]:
        """(type, absolute target) of a part's relationships; external targets are kept as written."""
        folder, base = posixpath.split(part)
        data = self.read_small(posixpath.join(folder, "_rels", base + ".rels"))
        if not data:
            return []
        root = _parse(data)
        if root is None:
            return []
        out = []
        for rel in root.iter(f"{PKG_REL_NS}Relationship"):
            target = rel.get("Target") or ""
            if rel.get("TargetMode") != "External":
                target = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
            out.append((rel.get("Type") or "", target))
        return out

    def workbook_part(self) -> str:
        for typ, target in self.rels(""):
            if typ.endswith("/officeDocument"):
                return target
        return "xl/workbook.xml"

    def sheet_kinds(self) -> list[tuple[str, str]]:
        """(name, kind) of every sheet that is neither a worksheet nor a chart sheet."""
        from xladdin.files.package import Package

        with Package(self.zf.filename or "") as pkg:
            return [(s.name, s.kind) for s in pkg.sheets() if s.kind not in ("worksheet", "chartsheet")]

    def sheets(self) -> list[tuple[str, str]]:
        """(worksheet part, sheet name) in workbook order."""
        wb_part = self.workbook_part()
        data = self.read_small(wb_part)
        root = _parse(data) if data else None
        if root is None:
            return []
        folder = posixpath.dirname(wb_part)
        by_id: dict[str, str] = {}
        rels_data = self.read_small(posixpath.join(folder, "_rels", posixpath.basename(wb_part) + ".rels"))
        rels_root = _parse(rels_data) if rels_data else None
        if rels_root is not None:
            for rel in rels_root.iter(f"{PKG_REL_NS}Relationship"):
                t = rel.get("Target") or ""
                by_id[rel.get("Id") or ""] = (
                    t.lstrip("/") if t.startswith("/") else posixpath.normpath(posixpath.join(folder, t))
                )
        out = []
        for sh in root.iter(f"{MAIN_NS}sheet"):
            rid = sh.get(f"{{{REL_NS}}}id") or ""
            part = by_id.get(rid)
            if part and part.lower() in self.lower:
                out.append((self.lower[part.lower()], sh.get("name") or "?"))
        return out

    # ------------------------------------------------------------------ parts

    def scan_parts(self) -> None:
        for low in sorted(self.lower):
            for prefix, text in LOST_PARTS:
                if low.startswith(prefix) and not any(f.endswith("中的" + text) for f in self.found):
                    self.add(text)
        has_vba = "xl/vbaproject.bin" in self.lower
        if has_vba and self.suffix != ".xlsm":
            self.add("宏（VBA 代码）：文件扩展名是 .xlsx，宏不会被保留；含宏的工作簿应保存为 .xlsm")
        if has_vba and self.suffix == ".xlsm" and "xl/vbaprojectsignature.bin" in self.lower:
            self.add("宏的数字签名")
        for typ, _target in self.rels(""):
            # openpyxl re-links only the Office 2007 ribbon (2006 namespace), and only with keep_vba
            if typ.endswith("/2007/relationships/ui/extensibility") or (
                typ.endswith("/2006/relationships/ui/extensibility") and self.suffix != ".xlsm"
            ):
                self.add("自定义功能区（customUI 选项卡和按钮）")
        for name, kind in self.sheet_kinds():
            if kind == "dialogsheet":
                self.add(f"对话框工作表“{name}”（Excel 5.0 对话框）")
            elif kind == "macrosheet":
                self.add(f"Excel 4.0 宏表“{name}”")

    def scan_workbook(self) -> None:
        data = self.read_small(self.workbook_part())
        if not data:
            return
        head = data[:200_000]
        if re.search(rb"<(?:\w+:)?fileSharing\b", head):
            self.add("“修改权限密码”或“建议以只读方式打开”设置")
        if re.search(rb"<(?:\w+:)?customWorkbookViews\b", data):
            self.add("自定义视图")

    # ------------------------------------------------------------------ sheets

    def scan_sheet(self, part: str, sheet: str) -> None:
        merges: list[bytes] = []
        for tag, attrs in _outside_sheet_data(self.zf, part):
            if tag == b"mergeCell":
                m = _REF.search(attrs)
                if m:
                    merges.append(m.group(1))
            elif tag == b"ext":
                m = _URI.search(attrs)
                uri = m.group(1).decode("ascii", "replace").upper() if m else ""
                if uri in QUIET_EXTENSIONS or uri not in EXTENSIONS:
                    continue  # carried back by files.carry, or judged by files.verify on the written file
                self.add(f"工作表“{sheet}”中的{EXTENSIONS[uri]}")
            elif tag in SHEET_ELEMENTS:  # b"controls" is left to scan_parts
                self.add(f"工作表“{sheet}”中的{SHEET_ELEMENTS[tag]}")
        for typ, target in self.rels(part):
            if typ.endswith("/comments") and merges and target.lower() in self.lower:
                self.scan_notes_in_merges(self.lower[target.lower()], sheet, merges)

    def scan_notes_in_merges(self, part: str, sheet: str, merges: list[bytes]) -> None:
        """openpyxl drops a note on a merged cell other than the merge's top-left one."""
        from xladdin.model import Merge, parse_ref

        data = self.read_small(part)
        if not data:
            return
        ranges = [Merge.from_ref(m.decode("ascii").replace("$", "").upper()) for m in merges]
        lost = []
        for m in _COMMENT_REF.finditer(data):
            ref = m.group(1).decode("ascii").upper()
            row, col = parse_ref(ref)
            if any(r.contains(row, col) and (row, col) != (r.min_row, r.min_col) for r in ranges):
                lost.append(ref)
        if lost:
            self.add(
                f"工作表“{sheet}”中合并单元格内的批注 {len(lost)} 条（{'、'.join(lost[:5])}{'…' if len(lost) > 5 else ''}）"
            )


def _parse(data: bytes) -> ElementTree.Element | None:
    """Parse a small part safely (no entities, no DTD); None when it is not well-formed XML."""
    from defusedxml import ElementTree as SafeET

    try:
        return SafeET.fromstring(data)
    except Exception:  # defusedxml raises its own types for DTDs and entities; a broken part is not ours to judge
        return None


def _outside_sheet_data(zf: zipfile.ZipFile, part: str) -> list[tuple[bytes, bytes]]:
    """(local tag, attributes) of the interesting elements of a worksheet, skipping its cells.

    The cells are most of a sheet (hundreds of MB for a million rows), so the scan
    streams the part and jumps over ``<sheetData>`` with a plain search.
    """
    found: list[tuple[bytes, bytes]] = []
    with zf.open(part) as fh:
        _scan_stream(fh, found)
    return found


def _scan_stream(fh: IO[bytes], found: list[tuple[bytes, bytes]]) -> None:
    buf = b""
    in_data = False
    keep = 8192  # an element start tag longer than this (an ext with huge attributes) is not expected
    eof = False
    while not eof:
        chunk = fh.read(CHUNK)
        eof = not chunk
        buf += chunk
        while True:
            if in_data:
                m = _SHEETDATA_CLOSE.search(buf)
                if m is None:
                    buf = buf[-64:]
                    break
                buf = buf[m.end() :]
                in_data = False
                continue
            m_open = _SHEETDATA_OPEN.search(buf)
            limit = m_open.start() if m_open is not None else len(buf) if eof else max(0, len(buf) - keep)
            cut = limit
            for m in _SHEET_TAG.finditer(buf, 0, len(buf) if m_open is None else limit):
                if m.start() >= limit:
                    break
                found.append((m.group(1), m.group(2)))
                cut = max(cut, m.end())
            if m_open is not None:
                buf = buf[m_open.end() :]
                in_data = m_open.group(1) != b"/"
                continue
            buf = buf[cut:]
            break
