"""An independent comparison of a workbook written by a command with its input: what did the write lose?

Written for the real-file runner (``bench/realfiles.py``) and its test, deliberately
apart from the write path's own verification (``xladdin/files/verify.py``): different
code, a different reader for values (python-calamine, as pandas and previewers read a
file: cached formula results included), lxml for everything else, so that a blind spot
of one is not a blind spot of both.

``compare(input, output, command, changed)`` returns the differences, one line each; []
when the output holds everything the input held.  ``changed`` names the sheets the
command may change (project tables for fill, rollover and format); the tool's own sheets
are left out of the comparison.  What counts:

* every sheet of the input, with its kind (worksheet, chart sheet, dialog sheet, macro
  sheet), its visibility and its place relative to the others;
* on sheets not in ``changed``: every cell's value as calamine reads it (numbers to
  their last bit, texts to their last space), every formula's text;
* on every sheet: drawings by kind (charts, pictures, shapes, controls), notes (except
  where marks come and go), tables, pivot tables, data validations and conditional
  formats (2007 and 2010 forms), worksheet extensions by their uri, hyperlinks, merges,
  header and footer texts, VML objects by kind, sheet protection, background pictures;
* in the package: every part's content type (a type the output has fewer of is a loss,
  except what Excel rebuilds: calcChain, printer settings, the shared string table),
  defined names, external links.
"""

from __future__ import annotations

import math
import posixpath
import re
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from lxml import etree

from xladdin.conventions import TOOL_SHEETS

REBUILT_TYPES = (
    "drawing+xml",  # a drawing part may go when it holds nothing; what drawings hold is compared per sheet
    "calcChain",
    "printerSettings",
    "sharedStrings",
    "extended-properties",
    "core-properties",
    "theme",  # openpyxl writes its own theme when there is none
    "application/xml",  # generic xml parts are named by where they are linked from
    "vnd.ms-excel.person",  # persons of threaded comments
    "vmlDrawing",  # notes are counted per sheet, VML objects (controls, text boxes) by kind per sheet
)
_SHEET_TYPES = ("worksheet+xml", "chartsheet+xml", "dialogsheet+xml", "macrosheet+xml")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, recover=False)


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


class Package:
    """A workbook package read with lxml: parts case-insensitively, relationships, sheets."""

    def __init__(self, path: Path) -> None:
        self.zf = zipfile.ZipFile(path)
        self.names = self.zf.namelist()
        self.lower = {n.lower(): n for n in self.names}

    def close(self) -> None:
        self.zf.close()

    def read(self, name: str) -> bytes | None:
        real = self.lower.get(name.lower().lstrip("/"))
        return self.zf.read(real) if real else None

    def xml(self, name: str) -> Any:
        data = self.read(name)
        if data is None:
            return None
        try:
            return etree.fromstring(data, _PARSER)
        except etree.XMLSyntaxError:
            return None

    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(id, type's last segment, absolute target) of a part's relationships."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out = []
        for r in root if root is not None else ():
            target = r.get("Target") or ""
            if r.get("TargetMode") != "External":
                target = (
                    target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                )
            out.append((r.get("Id") or "", (r.get("Type") or "").rsplit("/", 1)[-1], target))
        return out

    def workbook_part(self) -> str:
        return next((t for _, typ, t in self.rels("") if typ == "officeDocument"), "xl/workbook.xml")

    def sheets(self) -> list[tuple[str, str, str, str]]:
        """(name, kind, state, part) in tab order."""
        wb = self.workbook_part()
        root = self.xml(wb)
        rels = {i: (typ, t) for i, typ, t in self.rels(wb)}
        out = []
        for el in root.iter() if root is not None else ():
            if _local(el.tag) != "sheet":
                continue
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), "")
            typ, target = rels.get(rid, ("?", ""))
            kind = {"xlMacrosheet": "macrosheet", "xlIntlMacrosheet": "macrosheet"}.get(typ, typ)
            out.append((el.get("name") or "", kind, el.get("state") or "visible", target))
        return out

    def reached(self) -> set[str]:
        """The parts reachable by relationships from the package root (lower case)."""
        seen: set[str] = set()
        todo = [""]
        while todo:
            part = todo.pop()
            for _id, _typ, target in self.rels(part):
                key = target.lower()
                if key not in seen and key in self.lower:
                    seen.add(key)
                    todo.append(self.lower[key])
        return seen

    def content_types(self) -> Counter[str]:
        root = self.xml("[Content_Types].xml")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root if root is not None else ():
            if _local(el.tag) == "Default":
                defaults[(el.get("Extension") or "").lower()] = el.get("ContentType") or ""
            elif _local(el.tag) == "Override":
                overrides[(el.get("PartName") or "").lstrip("/").lower()] = el.get("ContentType") or ""
        out: Counter[str] = Counter()
        reached = self.reached()
        listed = {part.lower() for *_, part in self.sheets()}
        # one part per name: a package with two zip entries of one name (POI's duplicate-filename.xlsx)
        # holds one part for every reader (which copy is the writing commands' refusal, not a count)
        for n in dict.fromkeys(self.names):
            if n.endswith("/") or n == "[Content_Types].xml" or n.lower().endswith(".rels"):
                continue
            if n.lower() not in reached:
                continue  # a part nothing links to holds nothing a user has (an orphan picture a tool left)
            ct = overrides.get(n.lower()) or defaults.get(n.rsplit(".", 1)[-1].lower(), "?")
            if ct.endswith(_SHEET_TYPES) and n.lower() not in listed:
                # a sheet part the workbook's <sheets> does not name (excelize's BadWorkbook.xlsx links one
                # from the workbook's relationships only): Excel and LibreOffice show no such sheet, so a
                # rewrite that leaves it out loses nothing anyone sees; listed sheets are compared by name
                continue
            out[ct] += 1
        return out


# --------------------------------------------------------------------------- values (calamine) and formulas (lxml)


def _is_ooxml_package(path: Path) -> bool:
    """An .xlsx/.xlsm package (what openpyxl rewrites); not an .xls, .xlsb or .ods, which a
    writing command converts to a new .xlsx through LibreOffice (issue 15)."""
    import zipfile

    # by the first bytes, not zipfile.is_zipfile: that finds a zip's end record anywhere near the end of
    # a file, and an .xls saved by Excel 2008+ for Mac carries its shapes' DrawingML as small zip packages
    # inside its OLE2 streams (sheetjs' xlsx-stream-d-date-cell.xls: [Content_Types].xml, drs/shapexml.xml,
    # the copies of its two notes' text boxes) — the .xls read as a package of four parts
    with open(path, "rb") as fh:
        if fh.read(4) != b"PK\x03\x04":
            return False
    if path.suffix.lower() == ".xlsb" or not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as z:
        return "[Content_Types].xml" in z.namelist() and not any(
            n.endswith(".bin") and "/worksheets/" in n for n in z.namelist()
        )


def _compare_converted(
    src: Path, out: Path, changed: set[str], recalculated: bool = False, effects: list[str] | None = None
) -> list[str]:
    """A workbook of another format written as a new .xlsx: its parts cannot be compared with the
    input's, so what both readers see is — every sheet, in its order, and every cell value.

    ``recalculated``: the command said the conversion's formula results are LibreOffice's until Excel
    recalculates (README *Limits*). A differing cell that is a formula in the written file is then that
    documented effect (POI's COUNTIF examples counted again; ``CELL("filename")`` naming the converted
    copy instead of the path Excel last saw), listed in ``effects``, not a loss; any other cell still is.
    """
    va, vb = _values(src), _values(out)
    pb = Package(out)
    try:
        parts = {name: part for name, _kind, _state, part in pb.sheets()}
        formulas = {name: _formulas(pb, part) for name, part in parts.items()} if recalculated else {}
        # the cells an array formula fills (a dynamic array's spill, B13:B17 of one UNIQUE in sheetjs'
        # metadata_2019.xls) hold its results, which LibreOffice recalculated like the formula's own cell
        arrays = {name: _array_cells(pb, part) for name, part in parts.items()} if recalculated else {}
    finally:
        pb.close()
    losses = []
    kept = [n for n in va if n not in TOOL_SHEETS]
    if [n for n in vb if n in kept] != [n for n in kept if n in vb]:
        losses.append("sheet order changed")
    for name in kept:
        if name not in vb:
            losses.append(f"sheet {name!r} missing")
            continue
        if name in changed:
            continue
        ca, cb = _cell_map(va[name]), _cell_map(vb[name])
        # calamine decodes an .xls whose CODEPAGE record is not 1200 through that code page although BIFF8
        # texts are UTF-16 (ExcelDataReader's Test_git_issue_111_NoRowRecords.xls: "J\x00a\x00n\x00");
        # xladdin reads such a file from LibreOffice's conversion, and so is the input compared here:
        # without the NULs no cell Excel writes holds (the corpus' one such file has only ASCII texts)
        ca = {k: v.replace("\x00", "") if isinstance(v, str) else v for k, v in ca.items()}
        # loosely: LibreOffice's .xlsx spells some values otherwise (3 as 3.0, a formula's FALSE as 0)
        diff = [k for k in ca.keys() | cb.keys() if not _converted_equal(ca.get(k), cb.get(k))]
        recalc = [k for k in diff if _ref(*k) in formulas.get(name, {}) or k in arrays.get(name, set())]
        diff = _as_effects(
            diff, recalc, f"sheet {name!r}: {{n}} formula results recalculated by LibreOffice", ca, cb, effects
        )
        # Excel counts 1900 as a leap year, LibreOffice does not: a date before 1900-03-01 converted to an
        # .xlsx is shown one day later by Excel (sheetjs' number_format.ods, 1900-01-01 → 1900-01-02)
        early = [k for k in diff if _day_before_1900_march(ca.get(k), cb.get(k))]
        what = f"sheet {name!r}: {{n}} dates before 1900-03-01 one day later (Excel's 1900 leap year)"
        diff = _as_effects(diff, early, what, ca, cb, effects)
        if diff:
            r, c = min(diff)
            losses.append(
                f"sheet {name!r}: {len(diff)} cell values differ, first R{r}C{c}: {ca.get((r, c))!r} → {cb.get((r, c))!r}"
            )
    return losses


def _as_effects(
    diff: list[tuple[int, int]],
    cells: list[tuple[int, int]],
    what: str,
    ca: dict[tuple[int, int], Any],
    cb: dict[tuple[int, int], Any],
    effects: list[str] | None,
) -> list[tuple[int, int]]:
    """``diff`` without ``cells``, which are listed in ``effects`` as one documented conversion effect
    (``what`` with ``{n}`` for their number, then the first of them)."""
    if not cells:
        return diff
    r, c = min(cells)
    if effects is not None:
        effects.append(f"{what.format(n=len(cells))}, first R{r}C{c}: {ca.get((r, c))!r} → {cb.get((r, c))!r}")
    gone = set(cells)
    return [k for k in diff if k not in gone]


def _converted_equal(x: Any, y: Any) -> bool:
    """``_loosely_equal``, and a date equal to its Excel serial number (calamine reads an .xlsb's
    dates as the numbers they are stored as; the converted .xlsx has them with their format)."""
    import datetime as dt

    if isinstance(x, float) and isinstance(y, float) and x and y:
        return f"{x:.15g}" == f"{y:.15g}"  # LibreOffice writes 15 significant digits, as Excel shows them
    if isinstance(x, int | float) and isinstance(y, dt.date) and not isinstance(x, bool):
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(x)) == (y.date() if isinstance(y, dt.datetime) else y)
    # calamine types one stored number by the cell's format, and the formats of an .ods and of its
    # .xlsx differ: a duration "PT296296H17M36S" read from the .ods is the datetime 1933-10-18 16:17:36
    # of the .xlsx, a negative number in a time format the time of its fraction — the same number
    sx, sy = _serial(x), _serial(y)
    if sx is not None and sy is not None:
        if isinstance(x, dt.time) or isinstance(y, dt.time):
            return abs((sx - sy) % 1.0) < 1e-6 or abs((sx - sy) % 1.0 - 1.0) < 1e-6
        # calamine dates an .xlsx's serial below 61 by Excel's count (serial 1 is 1900-01-01, one day
        # more than the days since 1899-12-30): a duration of one day read as the date 1900-01-01
        # (two dates a day apart are not that: see ``_day_before_1900_march``, a conversion effect)
        shift = [1.0] if _before_1900_march(x) != _before_1900_march(y) and not (_is_date(x) and _is_date(y)) else []
        return any(abs(sx - sy + d * (1 if _before_1900_march(y) else -1)) < 1e-6 for d in [0.0, *shift])
    return _loosely_equal(x, y)


def _is_date(v: Any) -> bool:
    import datetime as dt

    return isinstance(v, dt.date)


def _before_1900_march(v: Any) -> bool:
    import datetime as dt

    if not isinstance(v, dt.date):
        return False
    return (v.date() if isinstance(v, dt.datetime) else v) < dt.date(1900, 3, 1)


_ISO_DURATION = re.compile(r"^(-)?P(?:(\d+)D)?T?(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$")


def _serial(v: Any) -> float | None:
    """A date, time, duration or number as Excel's serial number of days (None for anything else)."""
    import datetime as dt

    if isinstance(v, bool):
        return None
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, dt.datetime):
        return (v - dt.datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, dt.date):
        return float((v - dt.date(1899, 12, 30)).days)
    if isinstance(v, dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    if isinstance(v, dt.timedelta):
        return v.total_seconds() / 86400
    if isinstance(v, str) and v.startswith(("P", "-P")):
        m = _ISO_DURATION.match(v)
        if m and any(m.groups()[1:]):
            d, h, mi, sec = (float(g or 0) for g in m.groups()[1:])
            days = d + h / 24 + mi / 1440 + sec / 86400
            return -days if m.group(1) else days
    return None


def _day_before_1900_march(x: Any, y: Any) -> bool:
    """``y`` is the date ``x`` one day later, and ``x`` lies before 1900-03-01 (see ``_compare_converted``)."""
    import datetime as dt

    if not isinstance(x, dt.date) or not isinstance(y, dt.date):
        return False
    day = x.date() if isinstance(x, dt.datetime) else x
    if day >= dt.date(1900, 3, 1):
        return False
    sx, sy = _serial(x), _serial(y)
    return sx is not None and sy is not None and abs(sy - sx - 1) < 1e-6


def _values(path: Path) -> dict[str, list[list[Any]]]:
    import python_calamine as pc

    wb = pc.CalamineWorkbook.from_path(str(path))
    out = {}
    for name in wb.sheet_names:
        try:
            rows = wb.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:
            continue
        out[name] = rows
    return out


def _confirmed(
    src: Path, out: Path, sheet: str, cells: list[tuple[int, int]], calamine_in: dict[tuple[int, int], Any]
) -> list[tuple[int, int]]:
    """The differences that are not calamine misreading the input: a cell is let go only when openpyxl
    (read-only, cached values) reads the input otherwise than calamine did and sees no change."""
    from openpyxl import load_workbook

    def read(path: Path) -> dict[tuple[int, int], Any]:
        wb = load_workbook(path, read_only=True, data_only=True)
        try:
            ws = wb[sheet]
            wanted = set(cells)
            top = max(r for r, _ in wanted)
            got = {}
            for row in ws.iter_rows(max_row=top):
                for c in row:
                    if getattr(c, "row", None) and (c.row, c.column) in wanted:
                        got[(c.row, c.column)] = c.value
            return got
        finally:
            wb.close()

    try:
        a, b = read(src), read(out)
    except Exception:
        return cells
    return [k for k in cells if a.get(k) != b.get(k) or _loosely_equal(calamine_in.get(k), a.get(k))]


def _loosely_equal(x: Any, y: Any) -> bool:
    """calamine's and openpyxl's spelling of one value: a date and a midnight datetime, 1.0 and 1, "" and None."""
    import datetime as dt

    if x in ("", None) and y in ("", None):
        return True
    if isinstance(x, dt.date) and isinstance(y, dt.date):
        return (x.year, x.month, x.day) == (y.year, y.month, y.day)
    if isinstance(x, int | float) and isinstance(y, int | float) and not isinstance(x, bool):
        return float(x) == float(y)
    return bool(x == y)


def _cell_map(rows: list[list[Any]]) -> dict[tuple[int, int], Any]:
    return {(r, c): v for r, row in enumerate(rows, 1) for c, v in enumerate(row, 1) if v not in ("", None)}


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return bool(a == b) and type(a) is type(b)


_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _formulas(pkg: Package, part: str) -> dict[str, str]:
    """ref → formula text of a worksheet part; shared formulas spelled out for each cell (openpyxl's Translator)."""
    from openpyxl.formula.translate import Translator

    data = pkg.read(part)
    if data is None or (b"<f" not in data and b":f" not in data):
        return {}
    out: dict[str, str] = {}
    masters: dict[str, tuple[str, str]] = {}
    row_n = 0
    for _ev, el in etree.iterparse(_bytes_io(data), events=("end",), resolve_entities=False, huge_tree=True):
        name = _local(el.tag)
        if name == "row":
            row_n = int(el.get("r") or row_n + 1)
            el.clear()
            continue
        if name != "c":
            continue
        ref = el.get("r") or ""
        f = next((ch for ch in el if _local(ch.tag) == "f"), None)
        if f is not None:
            text = f.text or ""
            si = f.get("si")
            if f.get("t") == "shared" and si is not None:
                if text:
                    masters[si] = (ref, text)
                elif si in masters:
                    origin, master = masters[si]
                    try:
                        text = Translator("=" + master, origin).translate_formula(ref)[1:]
                    except Exception:
                        text = "?shared"
            if text or f.get("t") in ("array", "dataTable"):
                out[ref] = text
        el.clear()
    return out


_ARRAY_REF = re.compile(
    rb"""<(?:[A-Za-z_][\w.-]*:)?f\b[^>]*\bt=["']array["'][^>]*\bref=["']([A-Z]+)([0-9]+)(?::([A-Z]+)([0-9]+))?["']"""
)


def _array_cells(pkg: Package, part: str) -> set[tuple[int, int]]:
    """(row, col) of every cell an array formula of the part fills (its ``ref`` range)."""
    data = pkg.read(part)
    out: set[tuple[int, int]] = set()
    if not data or b"array" not in data:
        return out
    for m in _ARRAY_REF.finditer(data):
        c0, r0 = _col(m.group(1).decode()), int(m.group(2))
        c1, r1 = (_col(m.group(3).decode()), int(m.group(4))) if m.group(3) else (c0, r0)
        if (r1 - r0 + 1) * (c1 - c0 + 1) <= 100_000:
            out.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1))
    return out


def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _bytes_io(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


# --------------------------------------------------------------------------- features of a worksheet


_ANCHOR_KINDS = {
    "graphicFrame": "图表或其他图形框",
    "pic": "图片",
    "sp": "形状或文本框",
    "grpSp": "组合图形",
    "cxnSp": "连接线",
    "contentPart": "墨迹",
}


def sheet_features(pkg: Package, part: str) -> Counter[str]:
    """What a worksheet holds besides its cells, counted by kind."""
    out: Counter[str] = Counter()
    data = pkg.read(part)
    if data is None:
        return out
    depth = 0
    for ev, el in etree.iterparse(_bytes_io(data), events=("start", "end"), resolve_entities=False, huge_tree=True):
        name = _local(el.tag)
        if ev == "start":
            if name == "sheetData":
                depth += 1
            continue
        if name == "sheetData":
            depth -= 1
            el.clear()
            continue
        if depth:
            if name in ("c", "row"):
                el.clear()
            continue
        if name == "mergeCell":
            out["merge"] += 1
        elif name == "hyperlink":
            out["hyperlink"] += 1
        elif name == "dataValidation":
            out["validation " + (etree.QName(el).namespace or "").rsplit("/", 1)[-1]] += 1
        elif name == "cfRule":
            out["conditional format " + (el.get("type") or "")] += 1
        elif name == "ext" and el.get("uri"):
            out["ext " + el.get("uri", "").upper()] += 1
        elif name in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"):
            if (el.text or "").strip():
                out[f"{name} {el.text}"] += 1
        elif name in (
            "sheetProtection",
            "picture",
            "legacyDrawingHF",
            "oleObject",
            "control",
            "autoFilter",
            "protectedRange",
            "customSheetView",
            "sparkline",
            "tablePart",
            "ignoredError",
        ):
            out[name] += 1
    for _rid, typ, target in pkg.rels(part):
        if typ == "drawing":
            root = pkg.xml(target)
            for anchor in root if root is not None else ():
                for child in anchor:
                    kind = _ANCHOR_KINDS.get(_local(child.tag))
                    if kind:
                        out["drawing " + kind] += 1
                        if kind == "图片" and b"r:link" in etree.tostring(child):
                            out["drawing linked picture"] += 1
        elif typ == "vmlDrawing":
            data = pkg.read(target) or b""
            for kind in re.findall(rb"ObjectType\s*=\s*[\"'](\w+)", data):
                if kind != b"Note":
                    out["vml " + kind.decode()] += 1
        elif typ == "comments":
            root = pkg.xml(target)
            out["note"] += sum(1 for el in root.iter() if _local(el.tag) == "comment") if root is not None else 0
        elif typ in (
            "pivotTable",
            "table",
            "slicer",
            "timeline",
            "threadedComment",
            "queryTable",
            "control",
            "ctrlProp",
            "oleObject",
            "package",
            "image",
        ):
            out["part " + typ] += 1
    frames = sum(
        len(re.findall(rb"ObjectType\s*=\s*[\"']Note[\"']", pkg.read(t) or b""))
        for _i, typ, t in pkg.rels(part)
        if typ == "vmlDrawing"
    )
    if frames < out["note"]:  # a note without its VML frame: Excel cannot show it
        out["note without frame"] = out["note"] - frames
    return out


def workbook_features(pkg: Package) -> Counter[str]:
    out: Counter[str] = Counter()
    root = pkg.xml(pkg.workbook_part())
    for el in root.iter() if root is not None else ():
        name = _local(el.tag)
        if name == "definedName":
            n = el.get("name") or ""
            # _FilterDatabase is Excel's own record of a sheet's filter range, rebuilt from its autoFilter
            if "xladdin" not in n and n.lower() != "_xlnm._filterdatabase":
                out[f"name {n}@{el.get('localSheetId', '')}"] += 1
        elif name in (
            "externalReference",
            "workbookProtection",
            "fileSharing",
            "customWorkbookView",
            "oleSize",
            "webPublishObject",
        ) or (name == "fileRecoveryPr" and set(el.attrib) - {"repairLoad"}):
            out[name] += 1
    return out


# --------------------------------------------------------------------------- the comparison


def compare(
    src: Path,
    out: Path,
    command: str,
    changed: set[str],
    recalculated: bool = False,
    effects: list[str] | None = None,
) -> list[str]:
    """The differences between ``src`` and the written ``out`` the command does not make ([] when none).

    ``recalculated``: the command said that formula results were left for Excel to recalculate; a
    formula cell whose text is intact and whose result is gone is then not a loss. ``effects``
    collects the documented effects of a conversion the command announced (not losses).
    """
    if not _is_ooxml_package(src):
        return _compare_converted(src, out, changed, recalculated, effects)
    losses: list[str] = []
    a, b = Package(src), Package(out)
    try:
        sa = [s for s in a.sheets() if s[0] not in TOOL_SHEETS]
        sb = {s[0]: s for s in b.sheets()}
        order = [s[0] for s in b.sheets() if s[0] in {x[0] for x in sa}]
        if order != [s[0] for s in sa if s[0] in sb]:
            losses.append("sheet order changed")
        for name, kind, state, _part in sa:
            if name not in sb:
                losses.append(f"sheet {name!r} ({kind}) missing")
                continue
            if sb[name][1] != kind:
                losses.append(f"sheet {name!r} was a {kind}, is a {sb[name][1]}")
            if sb[name][2] != state:
                losses.append(f"sheet {name!r} was {state}, is {sb[name][2]}")
        # values, as a previewer or pandas reads them
        try:
            va, vb = _values(src), _values(out)
        except (
            Exception
        ):  # calamine cannot read the input at all (a macro sheet …): formulas and parts are still compared
            va, vb = {}, {}
        for name, kind, _state, part in sa:
            if name not in sb or name in changed or kind != "worksheet":
                continue
            ca, cb = _cell_map(va.get(name, [])), _cell_map(vb.get(name, []))
            diff = [k for k in ca.keys() | cb.keys() if not _same(ca.get(k), cb.get(k))]
            if diff:  # a second reader's opinion: a cell calamine misreads in the input is not a loss
                diff = _confirmed(src, out, name, diff, ca)
            fa, fb = _formulas(a, part), _formulas(b, sb[name][3])
            if recalculated and diff:  # a formula whose result Excel will recalculate, as the command said
                diff = [
                    k for k in diff if not (cb.get(k) is None and _ref(*k) in fa and fa[_ref(*k)] == fb.get(_ref(*k)))
                ]
            if diff:
                r, c = min(diff)
                losses.append(
                    f"sheet {name!r}: {len(diff)} cell values differ, first R{r}C{c}: {ca.get((r, c))!r} → {cb.get((r, c))!r}"
                )
            moved = [n for n in changed if n in " ".join(fa.values())]
            fdiff = [
                k
                for k in fa.keys() | fb.keys()
                if fa.get(k) != fb.get(k) and not any(n in fa.get(k, "") for n in moved)
            ]
            if fdiff:
                k = sorted(fdiff)[0]
                losses.append(f"sheet {name!r}: {len(fdiff)} formulas differ, first {k}: {fa.get(k)!r} → {fb.get(k)!r}")
        # what the sheets hold besides cells
        for name, _kind, _state, part in sa:
            if name not in sb:
                continue
            if sheet_features(b, sb[name][3]).get("note without frame"):
                losses.append(f"sheet {name!r}: notes without their VML frame")
            fa, fb = sheet_features(a, part), sheet_features(b, sb[name][3])
            for key, n in fa.items():
                if fb.get(key, 0) >= n:
                    continue
                if _may_change(key, command, name in changed):
                    continue
                losses.append(f"sheet {name!r}: {key} {n} → {fb.get(key, 0)}")
        wa, wb = workbook_features(a), workbook_features(b)
        for key, n in wa.items():
            if wb.get(key, 0) < n:
                losses.append(f"workbook: {key} {n} → {wb.get(key, 0)}")
        ta, tb = a.content_types(), b.content_types()
        for ct, n in ta.items():
            if ct != "?" and tb.get(ct, 0) < n and not any(x in ct for x in REBUILT_TYPES):
                losses.append(f"parts of type {ct}: {n} → {tb.get(ct, 0)}")
    finally:
        a.close()
        b.close()
    return losses


def _may_change(key: str, command: str, changed_sheet: bool) -> bool:
    """Features a command changes on purpose."""
    if command == "mark" and key == "note":
        return True  # the marks' notes; a user's own note is kept inside them (and clear gives it back alone)
    if command == "mark" and key.startswith("vml "):
        return False
    if not changed_sheet:
        return False
    if command == "format":
        return key == "merge" or key.startswith(
            (
                "oddHeader",
                "oddFooter",
                "evenHeader",
                "evenFooter",
                "firstHeader",
                "firstFooter",
                "validation",
                "conditional format",
            )
        )
    if command in ("fill", "rollover"):
        return key in ("merge", "hyperlink")
    return False
