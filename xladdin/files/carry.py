"""What openpyxl would write differently from what the user had, written as the user had it.

openpyxl rebuilds every cell from its own idea of it, and in real files that idea is often
less than the cell (all measured on ``../shared/realfiles``): formula results are left out
(previewers, pandas and LibreOffice then show blanks until Excel recalculates), a number in
a date-formatted cell outside the calendar becomes #VALUE!, a date-formatted number comes
back rounded to the microsecond, a rich text after a plain run keeps only its first run,
``_x000a_``-style escapes come back as control characters, a run of spaces loses its
``xml:space``, a float keeps 16 of its 17 digits, phonetic guides vanish, and every string
is written inline (a shared string used 12,000 times becomes 12,000 copies).

So the cells are captured from the package before openpyxl loads it, and while openpyxl
writes, each cell that the plan has not changed (the same object still holding the very
value openpyxl loaded into it) is written as it was in the input: its type and value
exactly, a shared string by its index into the input's own string table (which is then
carried over verbatim), a formula with its cached result where that result still holds.
Cells the plan changes are written by openpyxl's rules with its slips mended (escapes,
``xml:space``, all 17 digits).

After openpyxl has saved, ``carry_parts`` puts back what openpyxl drops around the cells
but that is safe to copy as it was: the shared strings, dynamic-array metadata, custom XML
(SharePoint), sensitivity labels, the thumbnail, worksheet extensions (Mac's page-layout
flag, 2010 data-bar and icon-set settings, cross-sheet drop-down lists — their ranges moved
with inserted rows), and headers/footers of sheets the plan does not lay out.
``xladdin.files.verify`` then checks the result against the input.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xladdin.files.package import DOC_REL, MAIN, Package, local, parse_xml, rels_name

if TYPE_CHECKING:
    from xladdin.workbook_plan import WorkbookPlan

# --------------------------------------------------------------------------- cells as the input has them

# A raw cell: (t, v, inline, cm, vm, formula)
#   t       the cell's type attribute ("n" when absent), v the text of its <v> (None: none);
#   inline  the <is> element's bytes of an inline string; cm / vm its metadata indexes;
#   formula the <f> element's (attributes, text) when the cell holds a formula.
RawCell = tuple[str, str | None, bytes | None, str | None, str | None, tuple[dict[str, str], str] | None]

_SHEET_DATA = re.compile(rb"<(?:[\w.-]+:)?sheetData\b[^>]*?(/?)>")
_SHEET_DATA_END = re.compile(rb"</(?:[\w.-]+:)?sheetData\s*>")
_TOKEN = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>")
_C_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_V = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?(?:/>|>(.*?)</(?:[\w.-]+:)?v\s*>)", re.S)
_F = re.compile(rb"<(?:[\w.-]+:)?f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?f\s*>)", re.S)
_IS = re.compile(rb"<(?:[\w.-]+:)?is(?=[\s/>])[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?is\s*>)", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def xml_text(data: bytes) -> str:
    """Character data of an element as text: entities and character references resolved, CDATA unwrapped."""
    text = data.decode("utf-8", "replace")
    if "\r" in text:  # XML's end-of-line handling: a line break in the file is "\n" (a CR is written &#13;)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "<![CDATA[" in text:
        text = re.sub(
            r"<!\[CDATA\[(.*?)\]\]>", lambda m: m.group(1).replace("&", "&amp;").replace("<", "&lt;"), text, flags=re.S
        )
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity, text)


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _ENTITIES[name]


def _attrs(data: bytes) -> dict[str, str]:
    return {
        k.decode("ascii", "replace").rpartition(":")[2]: xml_text(a if a is not None else b)
        for k, a, b in _ATTR.findall(data)
        if not k.startswith(b"xmlns")
    }


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def scan_cells(xml: bytes) -> dict[tuple[int, int], RawCell]:
    """Every cell of a worksheet part that holds something, by (row, column), as openpyxl places them.

    Rows and cells without an ``r`` follow the one before them, exactly as openpyxl's
    reader counts (a later cell at the same place replaces an earlier one, as there).
    One pass of one expression over the cells; the usual cell (``<c r="B5" s="3" t="s"><v>12</v></c>``)
    takes the short way.
    """
    out: dict[tuple[int, int], RawCell] = {}
    m = _SHEET_DATA.search(xml)
    if m is None or m.group(1):
        return out
    start = m.end()
    end_m = _SHEET_DATA_END.search(xml, start)
    end = end_m.start() if end_m else len(xml)
    row = col = 0
    attr_r, ref_of, v_of, t_of = _ATTR_R.search, _REF_B.fullmatch, _V.search, _T_ATTR.search
    pop = out.pop
    for t in _ROW_OR_CELL.finditer(xml, start, end):
        if t.group(1):  # <row …>
            r = attr_r(t.group(2))
            try:
                row = int(float(r.group(1) or r.group(2))) if r else row + 1
            except ValueError:
                row += 1
            col = 0
            continue
        attrs = t.group(3)
        r = attr_r(attrs)
        ref = ref_of(r.group(1) or r.group(2) or b"") if r else None
        if ref:
            letters = ref.group(1)
            col = _COLUMNS.get(letters) or _column_of(letters)
            here = (int(ref.group(2)), col)
        else:
            col += 1
            here = (row, col)
        body = t.group(4)
        if not body:  # <c …/> or <c …></c>: nothing in it
            pop(here, None)
            continue
        tm = t_of(attrs)
        typ = tm.group(1).decode("ascii", "replace") if tm else "n"
        if body[:3] == b"<v>" and body[-4:] == b"</v>" and b"<" not in body[3:-4]:  # the usual cell
            v = body[3:-4]
            out[here] = (
                typ,
                xml_text(v) if b"&" in v or b"\r" in v or b"]]" in v else v.decode("utf-8", "replace"),
                None,
                _attr(attrs, b"cm"),
                _attr(attrs, b"vm"),
                None,
            )
            continue
        v_m = v_of(body)
        v = (xml_text(v_m.group(1)) if v_m.group(1) is not None else "") if v_m else None
        f_m = _F.search(body)
        formula = (_attrs(f_m.group(1)), xml_text(f_m.group(2)) if f_m.group(2) is not None else "") if f_m else None
        inline = None
        if typ == "inlineStr":
            is_m = _IS.search(body)
            inline = is_m.group(0) if is_m else None
        if v is None and inline is None and formula is None:
            pop(here, None)
            continue
        out[here] = (typ, v, inline, _attr(attrs, b"cm"), _attr(attrs, b"vm"), formula)
    return out


_ROW_OR_CELL = re.compile(
    rb"<(?:[\w.-]+:)?(?:(row)(?=[\s/>])([^>]*?)/?>|c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>))", re.S
)
_REF_B = re.compile(rb"\$?([A-Za-z]{1,3})\$?([0-9]+)")
_T_ATTR = re.compile(rb"""(?:^|\s)t\s*=\s*["']([^"']*)["']""")
_COLUMNS: dict[bytes, int] = {}


def _column_of(letters: bytes) -> int:
    n = column_number(letters.decode("ascii").upper())
    if len(_COLUMNS) < 20_000:
        _COLUMNS[letters] = n
    return n


def _attr(attrs: bytes, name: bytes) -> str | None:
    """One attribute's value (``cm``, ``vm``): looked for only where its name appears at all."""
    if name not in attrs:
        return None
    m = re.search(rb"(?:^|\s)" + name + rb"""\s*=\s*["']([^"']*)["']""", attrs)
    return m.group(1).decode("ascii", "replace") if m else None


_ATTR_R = re.compile(rb"""(?:^|\s)r\s*=\s*(?:"([^"]*)"|'([^']*)')""")


# --------------------------------------------------------------------------- capture, and the hook on openpyxl's cell writer


MAX_EXPANDED_TEXT = 256 * 1024 * 1024  # text every string cell would hold, all references spelled out


@dataclass
class Captured:
    """The input's cells (per worksheet name) and what the writer needs to carry them."""

    cells: dict[str, dict[tuple[int, int], RawCell]] = field(default_factory=dict)
    sst_part: str | None = None
    sst_count: int = 0
    metadata: bool = False
    escaped: dict[int, str] = field(default_factory=dict)  # shared strings holding _xHHHH_ escapes, decoded


def capture(pkg: Package) -> Captured:
    """Read every worksheet's cells from the package (before openpyxl loads it)."""
    from xladdin.errors import UserError

    cap = Captured()
    wb_part = pkg.workbook_part()
    for rel in pkg.rels(wb_part):
        if rel.kind == "sharedStrings" and not rel.external and pkg.has(rel.target):
            cap.sst_part = pkg.real(rel.target)
        elif rel.kind == "sheetMetadata" and not rel.external and pkg.has(rel.target):
            cap.metadata = True
    lengths = _string_lengths(pkg, cap.sst_part) if cap.sst_part else []
    if cap.sst_part:
        cap.escaped = _escaped_strings(pkg.read(cap.sst_part) or b"")
    expanded = 0
    for sheet in pkg.sheets():
        if sheet.kind != "worksheet" or sheet.part is None:
            continue
        cells = scan_cells(pkg.read(sheet.part) or b"")
        cap.cells[sheet.name] = cells
        if lengths:
            for raw in cells.values():
                if raw[0] == "s" and raw[5] is None and raw[1] is not None and raw[1].isdigit():
                    i = int(raw[1])
                    if i < len(lengths):
                        expanded += lengths[i]
            if expanded > MAX_EXPANDED_TEXT:
                raise UserError(
                    f"{pkg.path.name} 中有文字被异常大量地重复引用（展开后超过 {MAX_EXPANDED_TEXT // (1024 * 1024)} MB），"
                    "可能是损坏或恶意构造的文件，已拒绝修改（xladdin check 检查不受此影响）。"
                )
    cap.sst_count = len(lengths)
    return cap


_SI = re.compile(rb"<(?:[\w.-]+:)?si\b.*?</(?:[\w.-]+:)?si\s*>|<(?:[\w.-]+:)?si\b[^>]*/>", re.S)


_T = re.compile(rb"<(?:[\w.-]+:)?t(?:\s[^>]*)?(?:/>|>(.*?)</(?:[\w.-]+:)?t\s*>)", re.S)
_RPH = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh\s*>", re.S)
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def item_text(si: bytes) -> str:
    """The text a string item (<si>, <is>) shows: its runs joined, phonetic guides left out, and
    ``_xHHHH_`` decoded as Excel decodes it (``_x005F_`` is an underscore, so ``_x005F_x0041_``
    stays the seven characters ``_x0041_``)."""
    text = "".join(xml_text(m.group(1)) for m in _T.finditer(_RPH.sub(b"", si)) if m.group(1) is not None)
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _escaped_strings(sst: bytes) -> dict[int, str]:
    """Index → text of the shared strings that hold escapes (openpyxl reads those wrongly: it only
    drops ``x005F_``, so ``_x000a_`` stays seven characters and ``_x005F_x0041_`` becomes ``_x0041_``)."""
    if b"_x" not in sst:
        return {}
    return {i: item_text(m.group(0)) for i, m in enumerate(_SI.finditer(sst)) if b"_x" in m.group(0)}


def _string_lengths(pkg: Package, part: str) -> list[int]:
    """Each shared string's size in bytes (its markup included: a bound, not a count of characters)."""
    data = pkg.read(part) or b""
    return [m.end() - m.start() for m in _SI.finditer(data)]


_NEEDS_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def ooxml_escape(text: str) -> str:
    """A text as SpreadsheetML stores it: ``_xHHHH_`` for XML-illegal characters, a literal ``_xHHHH_`` kept literal."""
    if "_x" not in text and not _ILLEGAL.search(text):
        return text
    return _NEEDS_ESCAPE.sub(lambda m: "_x005F_" if m.group(0) == "_" else f"_x{ord(m.group(0)):04X}_", text)


_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# Formula parts that make a cached result unknowable once any value of the workbook changes.
_VOLATILE = re.compile(r"\b(?:INDIRECT|OFFSET|CELL|INFO|RAND|RANDBETWEEN|NOW|TODAY)\s*\(", re.I)
_NAME_TOKEN = re.compile(r"(?<![\w.!$'\"\[])([A-Za-z_\\\u4e00-\u9fff][\w.\u4e00-\u9fff]*)(?![\w(!])")


@dataclass
class CachePolicy:
    """Which unchanged formulas keep their cached result: those no changed value can reach.

    A formula keeps its result when the plan changes no value on its sheet, names no sheet
    whose values change, uses no defined name and no table of such a sheet, and no function
    that reaches where its text does not say (INDIRECT, OFFSET …); a reference to another
    workbook keeps what that workbook held.  When the plan changes no value at all, every
    result holds.  Excel recalculates every formula on opening anyway (``fullCalcOnLoad``);
    the others are dropped and the user is told how many.
    """

    changed: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # defined names and the tables of changed sheets, upper case

    def keep(self, sheet: str, formula: str) -> bool:
        if not self.changed:
            return True
        if sheet in self.changed or _VOLATILE.search(formula):
            return False
        if any(name in formula for name in self.changed):
            return False
        return not (self.names and any(tok.upper() in self.names for tok in _NAME_TOKEN.findall(formula)))


class Carrier:
    """The cells openpyxl loaded, tied to what the input held, and the writer that writes them back."""

    def __init__(self, captured: Captured) -> None:
        self.captured = captured
        self.table: dict[int, tuple[Any, Any, RawCell]] = {}
        self.policy = CachePolicy()
        self.sst_used = False
        self.cm_used = False
        self.dropped_results = 0

    def bind(self, wb: Any) -> None:
        """Tie each loaded cell object to its input cell (after openpyxl has loaded the same package)."""
        for ws in wb.worksheets:
            cells = self.captured.cells.get(ws.title)
            if not cells:
                continue
            get = ws._cells.get
            table = self.table
            escaped = self.captured.escaped
            for key, raw in cells.items():
                cell = get(key)
                if cell is None:
                    continue
                if raw[5] is None and type(cell._value) is str and "_x" in cell._value:
                    # the text Excel shows, not openpyxl's half-decoded one (see item_text)
                    if raw[0] == "s" and raw[1] is not None and raw[1].isdigit() and int(raw[1]) in escaped:
                        cell._value = escaped[int(raw[1])]
                    elif raw[0] == "inlineStr" and raw[2] is not None:
                        cell._value = item_text(raw[2])
                table[id(cell)] = (cell, cell._value, raw)

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """openpyxl's cell writer replaced by ``write_cell`` for the time of one save."""
        import openpyxl.worksheet._writer as ws_writer
        from openpyxl import LXML

        if not LXML or not hasattr(ws_writer, "write_cell"):
            yield  # another openpyxl: its own writer (the verification says what that loses)
            return
        original = ws_writer.write_cell
        ws_writer.write_cell = self.write_cell
        self.sst_used = self.cm_used = False
        self.dropped_results = 0
        try:
            yield
        finally:
            ws_writer.write_cell = original

    # ------------------------------------------------------------------ the writer

    def write_cell(self, xf: Any, worksheet: Any, cell: Any, styled: Any = None) -> None:
        entry = self.table.get(id(cell))
        if (
            entry is not None
            and entry[0] is cell
            and cell._value is entry[1]
            and self._write_raw(xf, worksheet, cell, styled, entry[2])
        ):
            return
        _write_changed(xf, cell, styled)

    def _write_raw(self, xf: Any, worksheet: Any, cell: Any, styled: Any, raw: RawCell) -> bool:
        """Write ``cell`` as the input had it; False (nothing written) when it cannot be."""
        from openpyxl.cell._writer import _set_attributes  # type: ignore[attr-defined]

        typ, v, inline, cm, vm, formula = raw
        if vm is not None:
            return False  # a rich value (picture in a cell, data type): not carried, refused by preserve
        element = None
        if formula is not None:
            if cell.data_type != "f":
                return False
        elif typ == "inlineStr":
            element = _inline_element(inline) if inline is not None else None
            if element is None:
                return False
        elif v is None or (
            typ == "s" and (self.captured.sst_part is None or not v.isdigit() or int(v) >= self.captured.sst_count)
        ):
            return False
        # committed: _set_attributes also files the cell's hyperlink, as openpyxl's writer does (once)
        value, attrs = _set_attributes(cell, styled)
        attrs.pop("t", None)
        if formula is not None:
            text = value.text if hasattr(value, "text") else value
            keep = v is not None and self.policy.keep(worksheet.title, str(text or ""))
            if keep and typ != "n":
                attrs["t"] = typ
            if cm is not None and self.captured.metadata:
                attrs["cm"] = cm
                self.cm_used = True
            with xf.element("c", attrs):
                _write_formula(xf, value)
                if keep:
                    with xf.element("v"):
                        xf.write(v)
            if v and not keep:  # an empty <v/> held no result to lose
                self.dropped_results += 1
            return True
        if element is not None:
            attrs["t"] = "inlineStr"
            with xf.element("c", attrs):
                xf.write(element)
            return True
        if typ == "s":
            self.sst_used = True
        if typ != "n":
            attrs["t"] = typ
        with xf.element("c", attrs), xf.element("v"):
            xf.write(v)
        return True


def _inline_element(data: bytes) -> Any:
    """An <is> element of the input, in the main namespace whatever prefix the input gave it."""
    return _xml(_with_main_ns(data))


def _with_main_ns(data: bytes) -> bytes:
    """Declare the main namespace (and the prefix the fragment uses) on a fragment cut out of a part."""
    m = re.match(rb"<([\w.-]+):", data)
    decl = f' xmlns="{MAIN}"'.encode() + (b" xmlns:" + m.group(1) + f'="{MAIN}"'.encode() if m else b"")
    head = re.match(rb"<[\w.:-]+", data)
    assert head is not None
    return data[: head.end()] + decl + data[head.end() :]


def _xml(data: bytes) -> Any:
    """A vetted part or fragment parsed with openpyxl's XML layer (entities never resolved); None when broken."""
    from openpyxl.xml.functions import fromstring

    try:
        return fromstring(data)
    except Exception:  # lxml's XMLSyntaxError (or ElementTree's ParseError without lxml)
        return None


def _xml_bytes(root: Any, declaration: bool = False) -> bytes:
    from openpyxl.xml.functions import tostring

    body = tostring(root, encoding="unicode").encode("utf-8")  # type: ignore[call-overload]
    return b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body if declaration else body


def _write_formula(xf: Any, value: Any) -> None:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    attrib: dict[str, str] = {}
    text = value
    if isinstance(value, ArrayFormula):
        attrib = dict(value)
        text = value.text
    elif isinstance(value, DataTableFormula):
        attrib = dict(value)
        text = None
    with xf.element("f", attrib):
        if text is not None and attrib.get("t") != "dataTable":
            xf.write(str(text)[1:])


def _write_changed(xf: Any, cell: Any, styled: Any) -> None:
    """openpyxl's own cell writing, with its slips mended: escapes, xml:space, all 17 digits of a float."""
    from openpyxl.cell._writer import _set_attributes  # type: ignore[attr-defined]
    from openpyxl.cell.rich_text import CellRichText
    from openpyxl.compat import safe_string

    value, attributes = _set_attributes(cell, styled)
    if value == "" or value is None:
        with xf.element("c", attributes):
            return
    with xf.element("c", attributes):
        if cell.data_type == "f":
            _write_formula(xf, value)
            return
        if cell.data_type == "s":
            if isinstance(value, CellRichText):
                xf.write(_rich_element(value))
            else:
                with xf.element("is"):
                    xf.write(_t_element(str(value)))
            return
        with xf.element("v"):
            if isinstance(value, float):
                xf.write(repr(value))
            elif value is not None:
                xf.write(safe_string(value))


def _t_element(text: str) -> Any:
    from openpyxl.xml.functions import Element

    el = Element("t")
    el.text = ooxml_escape(text)
    if text != text.strip() or "\n" in text:
        el.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return el


def _rich_element(value: Any) -> Any:
    from openpyxl.cell.rich_text import TextBlock
    from openpyxl.xml.functions import Element, SubElement

    container = Element("is")
    for obj in value:
        run = SubElement(container, "r")
        if isinstance(obj, TextBlock):
            run.append(obj.font.to_tree(tagname="rPr"))
            run.append(_t_element(obj.text))
        else:
            run.append(_t_element(str(obj)))
    return container


# --------------------------------------------------------------------------- after openpyxl's save: the parts it drops

CT = "http://schemas.openxmlformats.org/package/2006/content-types"

# Package and workbook relationships whose parts are copied over as they were (with what they link to).
CARRIED_PACKAGE_RELS = {
    "thumbnail",  # the picture Windows shows for the file
    "classificationlabels",  # sensitivity labels (docMetadata/LabelInfo.xml)
    "custom-properties",  # 自定义属性 (when openpyxl did not keep them)
}
# (workbookmetadata: Google Sheets' own part, opaque bytes, copied through as they are)
CARRIED_WORKBOOK_RELS = {"customXml", "sheetMetadata", "xmlMaps", "connections", "workbookmetadata"}

# Worksheet extensions (by uri) carried back into the sheet, their ranges and formulas moved with
# the rows a plan inserts.  Any other extension is carried too when it links to no other part and
# no rows of its sheet move (its ranges, if any, then still hold); ``files.verify`` names the rest.
CARRIED_EXTENSIONS = {
    "{64002731-A6B0-56B0-2670-7721B7C09600}": "页面布局视图设置",  # mx:PLV (Mac Excel)
    "HTTP://SCHEMAS.MICROSOFT.COM/OFFICE/MAC/EXCEL/2008/MAIN": "页面布局视图设置",  # the same, older Mac Excel
    "{78C0D931-6437-407D-A8EE-F0AAD7539E65}": "条件格式的新版设置（数据条、图标集等）",  # x14:conditionalFormattings
    "{CCE6A557-97BC-4B89-ADB6-D9C93CAAB3DF}": "跨表下拉列表",  # x14:dataValidations
    "{05C60535-1F16-4FD2-B633-F4F36F0B64E0}": "迷你图",  # x14:sparklineGroups
    "{01252117-D84E-4E92-8308-4BE1C098FCBB}": "忽略错误的设置",  # x14 ignored errors (xcalcf)
    "{FC87AEE6-9EDD-4A0A-B7FB-166176984837}": "允许编辑区域",  # x14 protected ranges with permissions
}

# CT_Worksheet's children in schema order: where an element put back must go.
WORKSHEET_ORDER = [
    "sheetPr",
    "dimension",
    "sheetViews",
    "sheetFormatPr",
    "cols",
    "sheetData",
    "sheetCalcPr",
    "sheetProtection",
    "protectedRanges",
    "scenarios",
    "autoFilter",
    "sortState",
    "dataConsolidate",
    "customSheetViews",
    "mergeCells",
    "phoneticPr",
    "conditionalFormatting",
    "dataValidations",
    "hyperlinks",
    "printOptions",
    "pageMargins",
    "pageSetup",
    "headerFooter",
    "rowBreaks",
    "colBreaks",
    "customProperties",
    "cellWatches",
    "ignoredErrors",
    "smartTags",
    "drawing",
    "legacyDrawing",
    "legacyDrawingHF",
    "drawingHF",
    "picture",
    "oleObjects",
    "controls",
    "webPublishItems",
    "tableParts",
    "extLst",
]


@dataclass
class Moves:
    """Rows a plan inserts or deletes, per sheet, in order: how input rows and references reach the output."""

    by_sheet: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # (at, delta)
    order: list[tuple[str, int, int]] = field(default_factory=list)

    @classmethod
    def of(cls, plan: WorkbookPlan | None) -> Moves:
        from xladdin.workbook_plan import DeleteRows, InsertRows

        moves = cls()
        for step in plan.steps if plan is not None else ():
            if isinstance(step, InsertRows) and step.count > 0:
                moves.add(step.sheet, step.at, step.count)
            elif isinstance(step, DeleteRows) and step.count > 0:
                moves.add(step.sheet, step.at + step.count, -step.count)
        return moves

    def add(self, sheet: str, at: int, delta: int) -> None:
        self.by_sheet.setdefault(sheet, []).append((at, delta))
        self.order.append((sheet, at, delta))

    def row(self, sheet: str, row: int) -> int | None:
        """Where input row ``row`` of ``sheet`` is in the output (None: deleted)."""
        for at, delta in self.by_sheet.get(sheet, ()):
            if delta > 0:
                if row >= at:
                    row += delta
            elif at + delta <= row < at:
                return None
            elif row >= at:
                row += delta
        return row

    def formula(self, text: str, formula_sheet: str) -> str:
        """A formula (with its "=") as the moves leave it (``files.rows.shift_formula`` applied in order)."""
        if not self.order or not text.startswith("="):
            return text
        from xladdin.files.rows import shift_formula

        for sheet, at, delta in self.order:
            text = shift_formula(text, formula_sheet, sheet, at, delta)
        return text

    def sqref(self, sqref: str, sheet: str) -> str:
        """A space-separated list of ranges on ``sheet`` after the moves (ranges in deleted rows go)."""
        if sheet not in self.by_sheet:
            return sqref
        from openpyxl.worksheet.cell_range import CellRange

        from xladdin.files.rows import range_after

        parts = []
        for part in sqref.split():
            try:
                rng: CellRange | None = CellRange(part)
            except (ValueError, TypeError):
                parts.append(part)
                continue
            for at, delta in self.by_sheet[sheet]:
                rng = range_after(rng, at, delta) if rng is not None else None
            if rng is not None:
                parts.append(rng.coord)
        return " ".join(parts)


@dataclass
class CarryInfo:
    """What the plan does to each sheet, as far as carrying parts back over is concerned."""

    moves: Moves
    laid_out: frozenset[str]  # sheets whose print setup the plan sets (统一格式): their headers/footers are its own
    replaced: frozenset[str]  # sheets written whole or deleted: nothing of the input's is theirs
    charts: frozenset[str] = frozenset()  # sheets the plan draws charts on: their drawing is openpyxl's


def carry_parts(source: Package, written: str, carrier: Carrier | None, info: CarryInfo) -> list[str]:
    """Put back into the saved package ``written`` what openpyxl dropped and can be copied (see the module).

    Returns the Chinese notes for the user (what was converted or recalculated); rewrites
    ``written`` in place through a temporary file next to it.
    """
    notes: list[str] = []
    with Package(written) as out:
        edits = _Edits(out)
        wb_out = out.workbook_part()
        if carrier is not None and carrier.sst_used and carrier.captured.sst_part:
            data = source.read(carrier.captured.sst_part) or b""
            edits.add_part(
                wb_out,
                f"{DOC_REL}/sharedStrings",
                "xl/sharedStrings.xml",
                data,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
            )
        out_kinds = {r.kind for r in out.rels("")}
        for rel in source.rels(""):
            if rel.kind in CARRIED_PACKAGE_RELS and rel.kind not in out_kinds and not rel.external:
                edits.copy_tree(source, "", rel)
        out_wb_kinds = {r.kind for r in out.rels(wb_out)}
        for rel in source.rels(source.workbook_part()):
            if rel.kind in CARRIED_WORKBOOK_RELS and rel.kind not in out_wb_kinds and not rel.external:
                if rel.kind == "sheetMetadata" and not (carrier is not None and carrier.cm_used):
                    continue
                edits.copy_tree(source, wb_out, rel)
        _carry_workbook(source, out, edits)
        out_sheets = {s.name: s for s in out.sheets()}
        for sheet in source.sheets():
            if sheet.kind not in ("worksheet", "chartsheet") or sheet.part is None or sheet.name in info.replaced:
                continue
            target = out_sheets.get(sheet.name)
            if target is None or target.part is None or target.kind != sheet.kind:
                continue
            if sheet.kind == "chartsheet":
                _carry_drawing(source, sheet.name, sheet.part, out, target.part, info, edits, {})
            else:
                _carry_sheet(source, sheet.name, sheet.part, out, target.part, info, edits)
        edits.apply(written)
    if carrier is not None and carrier.dropped_results:
        notes.append(
            f"有 {carrier.dropped_results} 个公式引用了被修改的单元格，其计算结果已去掉，Excel 或 WPS 打开时会重新计算。"
        )
    return notes


# CT_Workbook's children in schema order, and those carried back when openpyxl leaves them out.
WORKBOOK_ORDER = [
    "fileVersion",
    "fileSharing",
    "workbookPr",
    "workbookProtection",
    "bookViews",
    "sheets",
    "functionGroups",
    "externalReferences",
    "definedNames",
    "calcPr",
    "oleSize",
    "customWorkbookViews",
    "pivotCaches",
    "smartTagPr",
    "smartTagTypes",
    "webPublishing",
    "fileRecoveryPr",
    "webPublishObjects",
    "extLst",
]
_WB_EXTLST = re.compile(rb"<(?:([\w.-]+):)?extLst\b[^>]*>.*</(?:[\w.-]+:)?extLst\s*>", re.S)
_WB_EXT = re.compile(rb"<(?:[\w.-]+:)?ext\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?ext\s*>)", re.S)
_LINKS_A_PART = re.compile(rb"""\s[\w.-]+:id\s*=\s*["']""")
_WB_BLOCK = re.compile(rb"<(?:([\w.-]+):)?(oleSize|fileRecoveryPr)\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?\2\s*>)", re.S)


def _carry_workbook(source: Package, out: Package, edits: _Edits) -> None:
    """The visible range of an embedded workbook (oleSize), the AutoRecover settings (fileRecoveryPr,
    unless it only says the file was once repaired) and the extensions that link to no part."""
    data = source.read(source.workbook_part()) or b""
    wanted = {}
    decls = _namespaces_of(data, b"workbook")
    for m in _WB_BLOCK.finditer(data):
        if m.group(2) == b"fileRecoveryPr" and not set(_attrs(m.group(0)[: m.group(0).find(b">")])) - {"repairLoad"}:
            continue
        wanted[m.group(2).decode()] = _standalone(m.group(0), m.group(1), decls)
    ext = _WB_EXTLST.search(data)
    if ext is not None:
        # the workbook's extensions that link to no part (the descriptions of a macro's functions and
        # their hidden names, 2013 workbook settings …); one that links to a part (slicers, timelines)
        # is refused before the work (files.preserve)
        kept = [e.group(0) for e in _WB_EXT.finditer(ext.group(0)) if not _LINKS_A_PART.search(e.group(0))]
        if kept:
            p = ext.group(1) + b":" if ext.group(1) else b""
            whole = ext.group(0)
            start = whole[: whole.find(b">") + 1]  # with the namespaces it declares itself (as xladdin's own save does)
            block = start + b"".join(kept) + b"</" + p + b"extLst>"
            wanted["extLst"] = _standalone(block, ext.group(1), decls)
    if not wanted:
        return
    part = out.workbook_part()
    current = out.read(part) or b""
    missing = {k: v for k, v in wanted.items() if re.search(rb"<(?:[\w.-]+:)?" + k.encode() + rb"\b", current) is None}
    if missing:
        edits.parts[part] = _put_blocks(current, missing, order=WORKBOOK_ORDER)


def _carry_sheet(
    source: Package, name: str, part: str, out: Package, out_part: str, info: CarryInfo, edits: _Edits
) -> None:
    src_data = source.read(part) or b""
    src = _worksheet_blocks(src_data)
    dst_data = out.read(out_part) or b""
    dst = _worksheet_blocks(dst_data)
    restore: dict[str, bytes] = {}
    moved = name in info.moves.by_sheet
    ext = src.get("extLst")
    if ext is not None:
        kept = _carried_extensions(ext, name, info.moves)
        if kept:
            restore["extLst"] = kept
    hf = src.get("headerFooter")
    if hf is not None and name not in info.laid_out and _content(hf) != _content(dst.get("headerFooter")):
        restore["headerFooter"] = hf
    if "sheetProtection" in src and "sheetProtection" not in dst:
        restore["sheetProtection"] = src["sheetProtection"]  # the settings of a protection not switched on
    for element in ("ignoredErrors", "protectedRanges"):
        if element in src and element not in dst:
            restore[element] = _moved_sqrefs(src[element], name, info.moves)
    # elements that link to parts of their own: the parts copied over, the links renumbered
    rels = {r.id: r for r in source.rels(part)}
    carried = ["picture", "oleObjects", "controls"]
    if name not in info.laid_out:
        carried.append("legacyDrawingHF")
    for element in carried:
        if element in src and element not in dst:
            block = _relinked(src[element], rels, source, out_part, edits)
            restore[element] = _moved_anchors(block, name, info.moves) if moved else block
    _carry_drawing(source, name, part, out, out_part, info, edits, restore)
    _carry_vml(source, name, part, out, out_part, info, edits, restore)
    _carry_query_tables(source, part, out, out_part, edits)
    # an XML map's single mapped cells: found through the sheet's relationships alone
    if not any(r.kind == "tableSingleCells" for r in out.rels(out_part)):
        for rel in source.rels(part):
            if rel.kind == "tableSingleCells" and not rel.external:
                edits.copy_tree(source, out_part, rel, lambda _p, data: _moved_cell_refs(data, name, info.moves))
    links = _cf_links(src_data, name, info.moves) if "extLst" in restore else {}
    if restore:
        edits.parts[out_part] = _put_blocks(dst_data, restore, links)


_RID = re.compile(rb"""(\s[\w.-]+:(?:id|link|embed|pict)\s*=\s*)(["'])([^"']*)\2""")


def _relinked(block: bytes, rels: dict[str, Any], source: Package, out_part: str, edits: _Edits) -> bytes:
    """A block of the input's sheet XML whose relationship ids now name copies of their parts in the output."""

    def swap(m: re.Match[bytes]) -> bytes:
        rel = rels.get(m.group(3).decode())
        if rel is None:
            return m.group(0)
        if rel.external:
            new = edits.add_rel(out_part, rel.type, rel.target)
            edits.rels[out_part][-1] = (new, rel.type, rel.target, True)
        else:
            new, _ = edits.copy_tree(source, out_part, rel)
        return m.group(1) + m.group(2) + new.encode() + m.group(2)

    return _RID.sub(swap, block)


_ANCHOR_ROW = re.compile(rb"(<(?:[\w.-]+:)?(?:from|to)\b[^>]*>.*?<(?:[\w.-]+:)?row>)\s*([0-9]+)\s*(</)", re.S)


def _moved_anchors(data: bytes, sheet: str, moves: Moves) -> bytes:
    """Drawing anchors (0-based rows in <from>/<to>) moved with the rows inserted above them, as Excel moves them."""

    def shift(m: re.Match[bytes]) -> bytes:
        row = moves.row(sheet, int(m.group(2)) + 1)
        return m.group(1) + str((row if row is not None else int(m.group(2)) + 1) - 1).encode() + m.group(3)

    return _ANCHOR_ROW.sub(shift, data)


_TABLE_NAME = re.compile(rb"""<(?:[\w.-]+:)?table\b[^>]*?\sname\s*=\s*["']([^"']*)["']""")


def _carry_query_tables(source: Package, part: str, out: Package, out_part: str, edits: _Edits) -> None:
    """A table filled by a query (数据→自文本/CSV、来自网站 …) keeps the link to its query table part,
    which openpyxl drops when it writes the table; matched by the table's name."""
    wanted: dict[bytes, list[Any]] = {}
    for rel in source.rels(part):
        if rel.kind != "table" or rel.external:
            continue
        queries = [r for r in source.rels(rel.target) if r.kind == "queryTable" and not r.external]
        m = _TABLE_NAME.search(source.read(rel.target) or b"")
        if queries and m:
            wanted[m.group(1)] = queries
    if not wanted:
        return
    for rel in out.rels(out_part):
        if rel.kind != "table" or rel.external:
            continue
        m = _TABLE_NAME.search(out.read(rel.target) or b"")
        if m is None or m.group(1) not in wanted or any(r.kind == "queryTable" for r in out.rels(rel.target)):
            continue
        for query in wanted.pop(m.group(1)):
            edits.copy_tree(source, rel.target, query)


_R_ATTR = re.compile(rb"""(\sr\s*=\s*["'])\$?([A-Z]{1,3})\$?([0-9]+)(["'])""")


def _moved_cell_refs(data: bytes, sheet: str, moves: Moves) -> bytes:
    """``r="A2"`` addresses moved with the rows the plan inserts on their sheet."""
    if sheet not in moves.by_sheet:
        return data

    def shift(m: re.Match[bytes]) -> bytes:
        row = moves.row(sheet, int(m.group(3)))
        return m.group(1) + m.group(2) + str(row if row is not None else int(m.group(3))).encode() + m.group(4)

    return _R_ATTR.sub(shift, data)


_CHART_F = re.compile(rb"(<(?:[\w.-]+:)?f>)(.*?)(</(?:[\w.-]+:)?f>)", re.S)


def _carry_drawing(
    source: Package,
    name: str,
    part: str,
    out: Package,
    out_part: str,
    info: CarryInfo,
    edits: _Edits,
    restore: dict[str, bytes],
) -> None:
    """The sheet's drawing as the input had it, with every chart, picture, shape and text box, in place of
    openpyxl's rebuilt one (which keeps only the charts and pictures it understands, and not all of
    those: chart styles, WMF pictures, linked pictures …).  Anchors and the charts' ranges move with the
    rows the plan inserts.  A sheet the plan draws charts on keeps openpyxl's drawing (the verification
    then says what that loses)."""
    src_rel = next((r for r in source.rels(part) if r.kind == "drawing" and not r.external), None)
    if src_rel is None or not source.has(src_rel.target) or name in info.charts:
        return
    dst_rel = next((r for r in out.rels(out_part) if r.kind == "drawing" and not r.external), None)
    moves = info.moves
    top = source.real(src_rel.target)

    def transform(p: str, data: bytes) -> bytes:
        if not moves.order:
            return data
        if p == top and name in moves.by_sheet:
            data = _moved_anchors(data, name, moves)
        if b"<c:f>" in data or b":f>" in data:
            data = _CHART_F.sub(
                lambda m: (
                    m.group(1) + _xml_escape(moves.formula("=" + xml_text(m.group(2)), name)[1:]).encode() + m.group(3)
                ),
                data,
            )
        return data

    if dst_rel is not None:
        keep = {
            p
            for other in out.sheets()
            if other.part and other.part != out_part
            for p in _drawing_parts(out, other.part)
        }
        edits.remove_tree(dst_rel.target, keep)
        _, mapping = edits.copy_tree(source, out_part, src_rel, transform, link=False)
        edits.retarget(out_part, dst_rel.id, mapping[top or src_rel.target])
        return
    new, _ = edits.copy_tree(source, out_part, src_rel, transform)
    restore["drawing"] = f'<drawing xmlns:r="{DOC_REL}" r:id="{new}"/>'.encode()


def _drawing_parts(pkg: Package, sheet_part: str) -> set[str]:
    return {p for r in pkg.rels(sheet_part) if r.kind == "drawing" and not r.external for p in pkg.closure(r.target)}


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_VML_SHAPE = re.compile(rb"<v:shape\b(?:[^>]*/>|.*?</v:shape\s*>)", re.S)
_VML_SHAPETYPE = re.compile(rb"<v:shapetype\b(?:[^>]*/>|.*?</v:shapetype\s*>)", re.S)
_VML_NOTE = re.compile(rb"""ObjectType\s*=\s*["']Note["']""")
_VML_ID = re.compile(rb"""\bid\s*=\s*["']([^"']*)["']""")
_VML_SPID = re.compile(rb"""_x0000_s([0-9]+)""")
_VML_ANCHOR = re.compile(rb"(<x:Anchor>)([^<]*)(</x:Anchor>)")
_VML_ROW = re.compile(rb"(<x:Row>)\s*([0-9]+)\s*(</x:Row>)")


def _carry_vml(
    source: Package,
    name: str,
    part: str,
    out: Package,
    out_part: str,
    info: CarryInfo,
    edits: _Edits,
    restore: dict[str, bytes],
) -> None:
    """Form controls, text boxes and pictures kept in the sheet's VML (Excel 2007 keeps its form controls
    only there) merged with openpyxl's VML, which holds the notes as they are now: the input's shapes
    other than notes, then openpyxl's notes renumbered after them."""
    src_rel = next((r for r in source.rels(part) if r.kind == "vmlDrawing" and not r.external), None)
    vml = source.read(src_rel.target) if src_rel is not None else None
    if src_rel is None or vml is None:
        return
    kept = [m.group(0) for m in _VML_SHAPE.finditer(vml) if not _VML_NOTE.search(m.group(0))]
    if not kept:
        return  # only notes: openpyxl's VML holds them as they are now
    if name in info.moves.by_sheet:
        kept = [_moved_vml(shape, name, info.moves) for shape in kept]
    dst_rel = next((r for r in out.rels(out_part) if r.kind == "vmlDrawing" and not r.external), None)
    dst = out.read(dst_rel.target) if dst_rel is not None else None
    types = [m.group(0) for m in _VML_SHAPETYPE.finditer(vml)]
    known = {_type_id(t) for t in types}
    used = [int(n) for shape in kept for n in _VML_SPID.findall(shape)]
    notes, note_types = _openpyxl_notes(dst, known, max(used, default=1024) + 1)
    types += note_types
    renumbered = notes
    starts = [m.start() for m in (_VML_SHAPE.search(vml), _VML_SHAPETYPE.search(vml)) if m is not None]
    head = vml[: min(starts)]
    tail = vml[vml.rfind(b"</xml>") :] if b"</xml>" in vml else b"</xml>"
    merged = head + b"".join(types) + b"".join(kept) + b"".join(renumbered) + tail
    if dst_rel is not None:
        target = dst_rel.target
    else:
        target = edits.free_name("xl/drawings/vmlDrawing1.vml")
        new = edits.add_rel(out_part, src_rel.type, target)
        restore["legacyDrawing"] = f'<legacyDrawing xmlns:r="{DOC_REL}" r:id="{new}"/>'.encode()
    edits.parts[target] = merged
    edits.overrides.setdefault(target, "application/vnd.openxmlformats-officedocument.vmlDrawing")
    # the VML's own links (pictures of buttons, images): copied, under the ids the shapes name
    edits.rels[target] = []
    for rel in source.rels(src_rel.target):
        if rel.external:
            edits.rels[target].append((rel.id, rel.type, rel.target, True))
            continue
        _, mapping = edits.copy_tree(source, target, rel, link=False)
        edits.rels[target].append((rel.id, rel.type, mapping[source.real(rel.target) or rel.target], False))


_VML_NS = "urn:schemas-microsoft-com:vml"
_EXCEL_NS = "urn:schemas-microsoft-com:office:excel"


def _openpyxl_notes(vml: bytes | None, known_types: set[bytes], first_id: int) -> tuple[list[bytes], list[bytes]]:
    """The note shapes of openpyxl's VML (well-formed XML, in prefixes of its own: ns0, ns2 …), renumbered
    from ``first_id``, and the shape types they use that the input's VML does not define."""
    root = _xml(vml) if vml else None
    if root is None:
        return [], []
    shapes, types = [], []
    next_id = first_id
    for el in root:
        name = local(el.tag)
        if name == "shapetype" and (el.get("id") or "").encode() not in known_types:
            types.append(_xml_bytes(el))
        elif name == "shape" and any(
            local(c.tag) == "ClientData" and c.get("ObjectType") == "Note" for c in el if isinstance(c.tag, str)
        ):
            el.set("id", f"_x0000_s{next_id}")
            next_id += 1
            shapes.append(_xml_bytes(el))
    return shapes, types


def _type_id(shapetype: bytes) -> bytes:
    m = _VML_ID.search(shapetype)
    return m.group(1) if m else b""


def _moved_vml(shape: bytes, sheet: str, moves: Moves) -> bytes:
    """A VML shape's anchor (col, offset, row, offset, col, offset, row, offset; rows 0-based) and row moved."""

    def row(r: int) -> int:
        moved = moves.row(sheet, r + 1)
        return (moved if moved is not None else r + 1) - 1

    def anchor(m: re.Match[bytes]) -> bytes:
        parts = [p.strip() for p in m.group(2).split(b",")]
        if len(parts) == 8 and parts[2].isdigit() and parts[6].isdigit():
            parts[2], parts[6] = str(row(int(parts[2]))).encode(), str(row(int(parts[6]))).encode()
            return m.group(1) + b", ".join(parts) + m.group(3)
        return m.group(0)

    shape = _VML_ANCHOR.sub(anchor, shape)
    return _VML_ROW.sub(lambda m: m.group(1) + str(row(int(m.group(2)))).encode() + m.group(3), shape)


_BLOCK = re.compile(
    rb"<(?:([\w.-]+):)?(extLst|headerFooter|ignoredErrors|sheetProtection|protectedRanges|picture|legacyDrawingHF|"
    rb"oleObjects|controls)\b[^>]*?(?:/>|>.*?</(?:[\w.-]+:)?\2\s*>)",
    re.S,
)
# Excel writes <controls> and <oleObjects> inside mc:AlternateContent (Requires="x14"): carried with it.
_ALTERNATE = re.compile(
    rb"<(?:([\w.-]+):)?AlternateContent\b[^>]*>\s*<(?:[\w.-]+:)?Choice\b[^>]*>\s*<(?:[\w.-]+:)?(controls|oleObjects)\b"
)
_AC_TOKEN = re.compile(rb"<(/?)(?:[\w.-]+:)?AlternateContent\b[^>]*?(/?)>")


def _balanced_end(data: bytes, start: int) -> int | None:
    """Where the mc:AlternateContent opened at ``start`` closes (each control nests its own)."""
    depth = 0
    for m in _AC_TOKEN.finditer(data, start):
        if m.group(2):
            continue
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    return None


_SQREF_ATTR = re.compile(rb"""(\ssqref\s*=\s*)(["'])([^"']*)\2""")


def _moved_sqrefs(block: bytes, sheet: str, moves: Moves) -> bytes:
    if sheet not in moves.by_sheet:
        return block
    return _SQREF_ATTR.sub(
        lambda m: m.group(1) + m.group(2) + moves.sqref(m.group(3).decode(), sheet).encode() + m.group(2), block
    )


_CF = re.compile(rb"<(?:[\w.-]+:)?conditionalFormatting\b([^>]*)>(.*?)</(?:[\w.-]+:)?conditionalFormatting\s*>", re.S)
_CF_RULE = re.compile(rb"<(?:[\w.-]+:)?cfRule\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?cfRule\s*>)", re.S)
_CF_LINK = re.compile(rb"<(?:([\w.-]+):)?extLst\b.*?</(?:[\w.-]+:)?extLst\s*>", re.S)


def _cf_links(data: bytes, sheet: str, moves: Moves) -> dict[tuple[str, str], bytes]:
    """(range, priority) of each 2007 conditional-format rule → its link to its 2010 twin (an extLst with x14:id).

    openpyxl drops a rule's extLst; without the link Excel would show the 2010 rule and the
    2007 one as two rules.  The range is taken after the plan's row moves.
    """
    out: dict[tuple[str, str], bytes] = {}
    decls = _root_namespaces(data)
    for cf in _CF.finditer(data):
        sqref = _attrs(cf.group(1)).get("sqref", "")
        for rule in _CF_RULE.finditer(cf.group(2)):
            body = rule.group(2) or b""
            link = _CF_LINK.search(body)
            if link is None:
                continue
            priority = _attrs(rule.group(1)).get("priority", "")
            out[(moves.sqref(sqref, sheet), priority)] = _standalone(link.group(0), link.group(1), decls)
    return out


def _worksheet_blocks(data: bytes) -> dict[str, bytes]:
    """The worksheet's extLst and headerFooter elements as standalone XML (namespaces declared on them).

    They follow ``<sheetData>``; the search starts after it so cells are never scanned.
    """
    data_end = _SHEET_DATA_END.search(data)
    start = data_end.end() if data_end else 0
    if data_end is None:
        m = _SHEET_DATA.search(data)
        start = m.end() if m else 0
    out: dict[str, bytes] = {}
    root_decls = _root_namespaces(data)
    wrapped: list[tuple[int, int]] = []
    for m in _ALTERNATE.finditer(data, start):
        end = _balanced_end(data, m.start())
        if any(a <= m.start() < b for a, b in wrapped) or end is None:
            continue
        out[m.group(2).decode()] = _standalone(data[m.start() : end], m.group(1), root_decls)
        wrapped.append((m.start(), end))
    for m in _BLOCK.finditer(data, start):
        if m.group(2) != b"extLst" and not any(a <= m.start() < b for a, b in wrapped):
            out.setdefault(m.group(2).decode(), _standalone(m.group(0), m.group(1), root_decls))
    span = _sheet_extlst(data, start)
    if span is not None:
        a, b, prefix = span
        out["extLst"] = _standalone(data[a:b], prefix, root_decls)
    return out


_EXT_TOKEN = re.compile(rb"<(/?)(?:([\w.-]+):)?extLst\b[^>]*?(/?)>")
_SHEET_END = re.compile(rb"\s*</(?:[\w.-]+:)?worksheet\s*>")


def _sheet_extlst(data: bytes, start: int) -> tuple[int, int, bytes | None] | None:
    """(start, end, prefix) of the worksheet's own extLst: the top-level one just before ``</worksheet>``
    (a conditional-format rule has its own extLst, and extensions may nest them)."""
    depth = 0
    open_at = 0
    prefix: bytes | None = None
    found = None
    for m in _EXT_TOKEN.finditer(data, start):
        if m.group(3):  # <extLst/>
            if depth == 0 and _SHEET_END.match(data, m.end()):
                found = (m.start(), m.end(), m.group(2))
            continue
        if not m.group(1):
            if depth == 0:
                open_at, prefix = m.start(), m.group(2)
            depth += 1
        else:
            depth = max(0, depth - 1)
            if depth == 0 and _SHEET_END.match(data, m.end()):
                found = (open_at, m.end(), prefix)
    return found


_ROOT = re.compile(rb"<(?:[\w.-]+:)?worksheet\b([^>]*)>")
_XMLNS = re.compile(rb"""xmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")


def _root_namespaces(data: bytes) -> dict[bytes, bytes]:
    return _namespaces_of(data, b"worksheet")


def _namespaces_of(data: bytes, root: bytes) -> dict[bytes, bytes]:
    m = re.search(rb"<(?:[\w.-]+:)?" + root + rb"\b([^>]*)>", data[:65536])
    return {(k or b""): v for k, v in _XMLNS.findall(m.group(1))} if m else {}


def _standalone(fragment: bytes, prefix: bytes | None, decls: dict[bytes, bytes]) -> bytes:
    """A fragment cut from a worksheet, with the root's namespace declarations it needs added to it."""
    head = re.match(rb"<[\w.:-]+", fragment)
    assert head is not None
    used = set(re.findall(rb"</?([\w.-]+):", fragment)) | set(re.findall(rb"\s([\w.-]+):[\w.-]+\s*=", fragment))
    for names in re.findall(rb"""(?:Requires|Ignorable)\s*=\s*["']([^"']*)["']""", fragment):
        used |= set(names.split())
    add = b""
    for p in sorted(used):
        if p in (b"xml", b"xmlns") or p not in decls or b"xmlns:" + p + b"=" in fragment:
            continue
        add += b" xmlns:" + p + b'="' + decls[p] + b'"'
    if not prefix and b"" in decls and b'xmlns="' not in fragment[: fragment.find(b">")]:
        add += b' xmlns="' + decls[b""] + b'"'
    return fragment[: head.end()] + add + fragment[head.end() :]


def _content(block: bytes | None) -> Any:
    """A headerFooter as comparable data: each section's text, namespaces and spelling aside."""
    if block is None:
        return None
    root = parse_xml(block)
    if root is None:
        return block
    return sorted((local(el.tag), el.text or "") for el in root) + sorted(root.attrib.items())


def _carried_extensions(block: bytes, sheet: str, moves: Moves) -> bytes | None:
    """The input's extensions that are carried, their ranges moved with the plan's rows; None when none."""
    root = _xml(block)
    if root is None:
        return None
    kept = False
    moved = sheet in moves.by_sheet
    for ext in list(root):
        uri = (ext.get("uri") or "").upper()
        if uri not in CARRIED_EXTENSIONS and (moved or _links_parts(ext)):
            root.remove(ext)
            continue
        kept = True
        if sheet in moves.by_sheet or moves.order:
            for el in ext.iter():
                name = local(el.tag)
                if name == "sqref" and el.text:
                    el.text = moves.sqref(el.text, sheet)
                elif name == "f" and el.text:
                    el.text = moves.formula("=" + el.text, sheet)[1:]
    return _xml_bytes(root) if kept else None


def _links_parts(el: Any) -> bool:
    """Whether an element refers to another part (an r:id): such an extension cannot be copied alone."""
    return any("relationships" in (k.rpartition("}")[0]) for e in el.iter() for k in e.attrib)


def _put_blocks(
    data: bytes,
    blocks: dict[str, bytes],
    cf_links: dict[tuple[str, str], bytes] | None = None,
    order: list[str] | tuple[str, ...] = (),
) -> bytes:
    """A worksheet part with ``blocks`` in place of its own elements of those names, at their schema
    place, and each conditional-format rule's link to its 2010 twin put back."""
    from openpyxl.xml.functions import fromstring

    root = fromstring(data)
    for cf in root if cf_links else ():
        if local(cf.tag) != "conditionalFormatting":
            continue
        for rule in cf:
            link = cf_links.get((cf.get("sqref") or "", rule.get("priority") or "")) if cf_links else None
            if local(rule.tag) == "cfRule" and link is not None and not any(local(c.tag) == "extLst" for c in rule):
                rule.append(fromstring(link))
    for name, block in blocks.items():
        new = fromstring(block)
        if "}" not in new.tag:
            new.tag = f"{{{MAIN}}}{name}"
        for el in list(root):
            if _logical(el) == name:
                root.remove(el)
        _insert_in_order(root, new, name, order or WORKSHEET_ORDER)
    return _xml_bytes(root, declaration=True)


def _logical(el: Any) -> str:
    """An element's name, or for an mc:AlternateContent the name of the element it wraps."""
    name = local(el.tag)
    if name == "AlternateContent":
        for choice in el:
            for child in choice:
                return local(child.tag)
    return name


def _insert_in_order(root: Any, el: Any, name: str, order: list[str] | tuple[str, ...]) -> None:
    rank = order.index(name)
    for i, child in enumerate(root):
        n = _logical(child)
        if n in order and order.index(n) > rank:
            root.insert(i, el)
            return
    root.append(el)


class _Edits:
    """Changes to a saved package, applied in one rewrite: parts replaced, added or removed, relationships
    added or pointed elsewhere (ids given at once, so the XML that names them can be written), content types."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.parts: dict[str, bytes] = {}
        self.rels: dict[
            str, list[tuple[str, str, str, bool]]
        ] = {}  # source part → (id, type, absolute target, external)
        self.overrides: dict[str, str] = {}
        self.removed: set[str] = set()

    def taken(self, name: str) -> bool:
        """A name in the package (even one being removed: names are never reused) or already given out."""
        return self.pkg.has(name) or name.lower() in {p.lower() for p in self.parts}

    def free_name(self, name: str) -> str:
        if not self.taken(name):
            return name
        stem, dot, ext = name.rpartition(".")
        stem = re.sub(r"[0-9]+$", "", stem)
        n = 1
        while self.taken(f"{stem}{n}{dot}{ext}"):
            n += 1
        return f"{stem}{n}{dot}{ext}"

    def _rels_of(self, source_part: str) -> list[tuple[str, str, str, bool]]:
        if source_part not in self.rels:
            self.rels[source_part] = [(r.id, r.type, r.target, r.external) for r in self.pkg.rels(source_part)]
        return self.rels[source_part]

    def add_rel(self, source_part: str, rel_type: str, target: str) -> str:
        """A new relationship of ``source_part`` (absolute target); returns its id."""
        rels = self._rels_of(source_part)
        ids = {r[0] for r in rels}
        n = 1
        while f"rIdx{n}" in ids:
            n += 1
        rels.append((f"rIdx{n}", rel_type, target, False))
        return f"rIdx{n}"

    def retarget(self, source_part: str, rel_id: str, target: str) -> None:
        rels = self._rels_of(source_part)
        self.rels[source_part] = [(i, t, target if i == rel_id else tg, ext and i != rel_id) for i, t, tg, ext in rels]

    def add_part(self, source_part: str, rel_type: str, name: str, data: bytes, content_type: str) -> str:
        name = self.free_name(name)
        self.parts[name] = data
        self.overrides[name] = content_type
        return self.add_rel(source_part, rel_type, name)

    def copy_tree(
        self, source: Package, out_part: str, rel: Any, transform: Any = None, link: bool = True
    ) -> tuple[str, dict[str, str]]:
        """Copy the part ``rel`` points at and everything it reaches (``transform(part, data)`` applied to
        each); link it from ``out_part`` unless ``link`` is False.  Returns (new id or "", part → new name)."""
        types = source.content_types()
        mapping: dict[str, str] = {}
        for p in source.closure(rel.target):
            mapping[p] = self.free_name(p)
            self.parts[mapping[p]] = b""  # reserve the name
        for p, new in mapping.items():
            data = source.read(p) or b""
            if transform is not None:
                data = transform(p, data)
            self.parts[new] = data
            self.rels[new] = [
                (r.id, r.type, r.target if r.external else mapping.get(r.target, r.target), r.external)
                for r in source.rels(p)
            ]
            ct = types.get(p.lower())
            if ct:
                self.overrides[new] = ct
        top = mapping[source.real(rel.target) or rel.target]
        return (self.add_rel(out_part, rel.type, top) if link else ""), mapping

    def remove_tree(self, part: str, keep: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        """Remove a part of the saved package and what it reaches (openpyxl's own drawing, replaced)."""
        for p in self.pkg.closure(part):
            if p not in keep:
                self.removed.add(p)
                self.parts.pop(p, None)

    def apply(self, path: str) -> None:
        """Rewrite the package at ``path`` with the edits (a temporary file next to it, then a rename)."""
        if not self.parts and not self.rels and not self.removed:
            return
        import os
        import tempfile

        pkg = self.pkg
        rels_parts: dict[str, bytes] = {}
        for source_part, rels in self.rels.items():
            if source_part in self.removed:
                continue
            entries = [
                (i, t, target if external else _relative(source_part, target), external)
                for i, t, target, external in rels
                if external or target not in self.removed
            ]
            if entries or self.pkg.has(rels_name(source_part)):
                rels_parts[rels_name(source_part)] = _rels_xml(entries)
        removed_rels = {rels_name(p) for p in self.removed}
        ct = self._content_types()
        folder = os.path.dirname(path) or "."
        fd, tmp = tempfile.mkstemp(prefix=".xladdin-", suffix=".tmp", dir=folder)
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
                done: set[str] = set()
                for info in pkg.zf.infolist():
                    name = info.filename
                    if name in self.removed or (name in removed_rels and name not in rels_parts):
                        continue
                    if name == "[Content_Types].xml":
                        data = ct
                    elif name in rels_parts:
                        data = rels_parts.pop(name)
                    elif name in self.parts:
                        data = self.parts[name]
                    else:
                        data = pkg.zf.read(info)
                    done.add(name)
                    zout.writestr(_info_like(info), data)
                for name, data in {**self.parts, **rels_parts}.items():
                    if name not in done:
                        zout.writestr(name, data)
            pkg.close()
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def _content_types(self) -> bytes:
        from openpyxl.xml.functions import SubElement, fromstring

        root = fromstring(self.pkg.read("[Content_Types].xml") or f'<Types xmlns="{CT}"/>'.encode())
        removed = {"/" + p.lower() for p in self.removed}
        for el in list(root):
            if local(el.tag) == "Override" and (el.get("PartName") or "").lower() in removed:
                root.remove(el)
        known = {(el.get("PartName") or "").lower() for el in root if local(el.tag) == "Override"}
        defaults = {(el.get("Extension") or "").lower() for el in root if local(el.tag) == "Default"}
        for name, ct in self.overrides.items():
            if "/" + name.lower() not in known:
                SubElement(root, f"{{{CT}}}Override", PartName="/" + name, ContentType=ct)
        if "rels" not in defaults:
            SubElement(
                root,
                f"{{{CT}}}Default",
                Extension="rels",
                ContentType="application/vnd.openxmlformats-package.relationships+xml",
            )
        return _xml_bytes(root, declaration=True)


def _info_like(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    new = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    new.compress_type = zipfile.ZIP_DEFLATED
    new.external_attr = info.external_attr
    return new


def _relative(source_part: str, target: str) -> str:
    """``target`` (absolute part name) as a relationship of ``source_part`` names it."""
    import posixpath

    if not source_part:
        return target
    return posixpath.relpath(target, posixpath.dirname(source_part) or ".")


def _rels_xml(entries: list[tuple[str, str, str, bool]]) -> bytes:
    from xml.sax.saxutils import quoteattr

    body = "".join(
        f"<Relationship Id={quoteattr(i)} Type={quoteattr(t)} Target={quoteattr(target)}"
        + (' TargetMode="External"' if external else "")
        + "/>"
        for i, t, target, external in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>'
    ).encode()
