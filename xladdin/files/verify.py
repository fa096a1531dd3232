"""Every write checked before it is kept: the written package against its input and the plan.

``xladdin.files.preserve`` refuses what is known to be lost before anything is done; this is
the net for what is not known yet.  After openpyxl has saved and ``carry`` has put back what
it could, the written file is compared with the input it was made from:

* every sheet is still there, of the same kind (a dialog sheet must not come back as an
  empty worksheet), as visible as it was, in the same order;
* every cell of every sheet holds what it held — its value exactly, its formula (shared
  formulas spelled out, references moved with the rows the plan inserts or deletes) —
  except the cells the plan sets and the tool's own sheets the plan rewrites;
* every sheet still has its charts, pictures, shapes, notes, tables, pivot tables,
  validations, conditional formats, hyperlinks, merges, headers and footers, extensions
  and legacy (VML) objects, as many as before — except what the plan's steps change on
  purpose on that sheet (统一格式's merges and validations, the marks' notes …);
* the package still has every kind of part it had (as many of each), every defined name,
  every external link.

A difference the plan did not intend is a loss: the save is refused, the input is left
as it was, and the user reads one Chinese line naming what would have been lost (with
``--force`` the file is written, to a new file only, and the loss is said).  The cost is
one more pass over the written sheets (the input's cells were read once, for ``carry``):
measured in bench/bench_verify.py.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xladdin.conventions import (
    CHART_DATA_SHEET,
    LISTS_SHEET,
    REPORT_SHEET,
    STATE_SHEET,
    TOOL_SHEETS,
    UNDO_SHEET,
)
from xladdin.files.carry import Moves, RawCell, item_text, scan_cells, xml_text
from xladdin.files.package import Package, local

if TYPE_CHECKING:
    from xladdin.workbook_plan import WorkbookPlan

KIND_ZH = {
    "worksheet": "工作表",
    "chartsheet": "图表工作表",
    "dialogsheet": "对话框工作表（Excel 5.0 对话框）",
    "macrosheet": "Excel 4.0 宏表",
}


@dataclass
class Footprint:
    """What a plan changes on purpose, as the verification needs it."""

    moves: Moves
    set_cells: dict[str, set[tuple[int, int]]] = field(default_factory=dict)  # output coordinates
    touched: set[str] = field(default_factory=set)  # sheets with any step (values may be set there)
    gone: set[str] = field(default_factory=set)  # sheets deleted, or written whole anew
    written: set[str] = field(default_factory=set)  # sheets written whole (their content is the plan's)
    notes: bool = False  # marks come or go: notes may change anywhere
    merges: set[str] = field(default_factory=set)
    validations: set[str] = field(default_factory=set)
    formats: set[str] = field(default_factory=set)  # conditional formats
    links: set[str] = field(default_factory=set)
    laid_out: set[str] = field(default_factory=set)  # print setup, headers and footers
    charts: set[str] = field(default_factory=set)
    names: bool = False  # defined names of the drop-down lists

    @classmethod
    def of(cls, plan: WorkbookPlan | None) -> Footprint:
        from xladdin.files.rows import range_after  # noqa: F401  (rows moves: ``Moves``)
        from xladdin.model import parse_ref
        from xladdin.workbook_plan import (
            AddCharts,
            ClearMarks,
            CutJournal,
            DeleteRows,
            DeleteSheet,
            InsertRows,
            MarkCells,
            MergeCells,
            SetCell,
            SetLink,
            StyleSheet,
            UnmergeCells,
            Validate,
            WriteLists,
            WriteSheet,
        )

        fp = cls(Moves.of(plan))
        if plan is None:
            return fp
        later = Moves()
        steps = plan.steps
        # a SetCell names a cell where it is when the step runs: carried forward through the moves after it
        pending: list[tuple[str, int, int, int]] = []  # (sheet, row, col, index of the step)
        for i, step in enumerate(steps):
            if isinstance(step, SetCell):
                r, c = parse_ref(step.cell)
                pending.append((step.sheet, r, c, i))
                fp.touched.add(step.sheet)
            elif isinstance(step, InsertRows | DeleteRows):
                fp.touched.add(step.sheet)
                fp.merges.add(step.sheet)
                fp.validations.add(step.sheet)
                fp.formats.add(step.sheet)
                fp.links.add(step.sheet)
            elif isinstance(step, WriteSheet):
                fp.written.add(step.content.name)
                fp.gone.add(step.content.name)
            elif isinstance(step, DeleteSheet):
                fp.gone.add(step.sheet)
            elif isinstance(step, MarkCells | ClearMarks):
                fp.notes = True
                fp.gone.add(STATE_SHEET)
            elif isinstance(step, CutJournal):
                fp.gone.add(UNDO_SHEET)
            elif isinstance(step, StyleSheet):
                fp.merges.add(step.style.sheet)
                fp.laid_out.add(step.style.sheet)
                fp.formats.add(step.style.sheet)
            elif isinstance(step, MergeCells | UnmergeCells):
                fp.merges.add(step.sheet)
            elif isinstance(step, Validate):
                fp.validations.add(step.sheet)
            elif isinstance(step, SetLink):
                fp.links.add(step.sheet)
            elif isinstance(step, WriteLists):
                fp.gone.add(LISTS_SHEET)
                fp.names = True
            elif isinstance(step, AddCharts):
                fp.charts.add(step.sheet)
                fp.gone.add(CHART_DATA_SHEET)
        if plan.journal:
            fp.gone.add(UNDO_SHEET)
        # forward every SetCell through the moves that come after it
        move_steps = [(i, s) for i, s in enumerate(steps) if isinstance(s, InsertRows | DeleteRows)]
        for sheet, r, c, i in pending:
            row: int | None = r
            for j, s in move_steps:
                if j <= i or s.sheet != sheet or row is None:
                    continue
                later.by_sheet.clear()
                if isinstance(s, InsertRows):
                    later.add(sheet, s.at, s.count)
                else:
                    later.add(sheet, s.at + s.count, -s.count)
                row = later.row(sheet, row)
            if row is not None:
                fp.set_cells.setdefault(sheet, set()).add((row, c))
        return fp


def verify(source: Package, out: Package, captured: Any, plan: WorkbookPlan | None) -> list[str]:
    """What ``out`` lost of ``source`` that ``plan`` does not change, in Chinese (empty: nothing)."""
    fp = Footprint.of(plan)
    losses: list[str] = []
    src_sheets = source.sheets()
    out_sheets = {s.name: s for s in out.sheets()}
    losses += _sheets(src_sheets, out.sheets(), fp)
    for sheet in src_sheets:
        if sheet.name in fp.gone or sheet.part is None:
            continue
        target = out_sheets.get(sheet.name)
        if target is None or target.part is None or target.kind != sheet.kind:
            continue
        if sheet.kind == "worksheet" and not (sheet.name in TOOL_SHEETS and fp.touched | fp.gone):
            cells = captured.cells.get(sheet.name) if captured is not None else None
            if cells is None:
                cells = scan_cells(source.read(sheet.part) or b"")
            losses += _cells(sheet.name, cells, source, out, target.part, fp)
        losses += _features(sheet.name, source, sheet.part, out, target.part, fp)
    losses += _note_frames(out)
    losses += _workbook(source, out, fp)
    losses += _parts(source, out, fp)
    return losses


# --------------------------------------------------------------------------- sheets


def _sheets(src: list[Any], out: list[Any], fp: Footprint) -> list[str]:
    losses = []
    by_name = {s.name: s for s in out}
    for s in src:
        kind = KIND_ZH.get(s.kind, "工作表")
        o = by_name.get(s.name)
        if o is None:
            if s.name not in fp.gone and not (
                s.name in TOOL_SHEETS and s.name in (REPORT_SHEET, STATE_SHEET, UNDO_SHEET) and fp.gone
            ):
                losses.append(f"{kind}“{s.name}”")
            continue
        if o.kind != s.kind and s.name not in fp.gone:
            losses.append(f"{kind}“{s.name}”（会变成普通的空工作表）")
        elif o.state != s.state and s.name not in TOOL_SHEETS:
            losses.append(f"工作表“{s.name}”的{'隐藏' if s.state != 'visible' else '显示'}状态")
    kept = [s.name for s in src if s.name in by_name]
    order = [s.name for s in out if s.name in set(kept)]
    if order != kept:
        losses.append("工作表的先后顺序")
    return losses


# --------------------------------------------------------------------------- cells


class _Strings:
    """A package's shared strings as text, parsed when first needed."""

    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self._texts: list[str] | None = None

    def get(self, i: int) -> str | None:
        if self._texts is None:
            part = next((r.target for r in self.pkg.rels(self.pkg.workbook_part()) if r.kind == "sharedStrings"), None)
            data = self.pkg.read(part) if part else None
            self._texts = [_si_text(m.group(0)) for m in _SI.finditer(data or b"")]
        return self._texts[i] if 0 <= i < len(self._texts) else None


def _same_string(index: str | None, in_strings: _Strings, out_strings: _Strings) -> bool:
    if index is None or not index.isdigit():
        return False
    text = in_strings.get(int(index))
    return text is not None and text == out_strings.get(int(index))


_SI = re.compile(rb"<(?:[\w.-]+:)?si\b.*?</(?:[\w.-]+:)?si\s*>|<(?:[\w.-]+:)?si\b[^>]*/>", re.S)
_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _si_text(data: bytes) -> str:
    return item_text(data)


def _value(raw: RawCell, strings: _Strings) -> Any:
    """A cell's value as the user sees it: text, number, truth value, error."""
    typ, v, inline, _cm, _vm, _f = raw
    if typ == "s":
        return ("text", strings.get(int(v)) if v is not None and v.isdigit() else None)
    if typ == "inlineStr":
        return ("text", _si_text(inline or b""))
    if typ == "str":
        return ("text", _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v or ""))
    if typ == "b":
        return ("bool", (v or "").strip() in ("1", "true"))
    if typ in ("e", "d"):
        return (typ, v)
    try:
        return ("number", float(v)) if v is not None else ("number", None)
    except ValueError:
        return ("number", v)


def _cells(
    name: str, cells: dict[tuple[int, int], RawCell], source: Package, out: Package, out_part: str, fp: Footprint
) -> list[str]:
    """The cells of one worksheet the plan does not set, compared with what was written."""
    written = scan_cells(out.read(out_part) or b"")
    targets = fp.set_cells.get(name, set())
    moves = fp.moves
    in_strings, out_strings = _Strings(source), _Strings(out)
    masters: dict[str, tuple[str, str]] = {}
    lost: list[str] = []
    seen: set[tuple[int, int]] = set()
    for (r, c), raw in cells.items():
        row = moves.row(name, r)
        if row is None:
            continue
        here = (row, c)
        seen.add(here)
        if here in targets:
            continue
        o = written.get(here)
        if (
            o is not None
            and o[:3] == raw[:3]
            and raw[5] is None
            and o[5] is None
            # a shared string is the same only if the written table holds the same text at that index
            and (raw[0] != "s" or _same_string(raw[1], in_strings, out_strings))
        ):
            continue  # the same type and value, written the same way (the usual case)
        if not _same(name, (r, c), raw, o, in_strings, out_strings, masters, cells, moves):
            lost.append(_ref(row, c))
    if name not in fp.touched:
        for here, o in written.items():
            if here not in seen and here not in targets and (o[1] is not None or o[2] is not None or o[5] is not None):
                lost.append(_ref(*here))
    if not lost:
        return []
    lost.sort(key=lambda ref: (len(ref), ref))
    return [f"工作表“{name}”中 {len(lost)} 个单元格的内容（如 {'、'.join(lost[:3])}）"]


def _ref(row: int, col: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(col)}{row}"


def _same(
    sheet: str,
    at: tuple[int, int],
    raw: RawCell,
    out: RawCell | None,
    in_strings: _Strings,
    out_strings: _Strings,
    masters: dict[str, tuple[str, str]],
    cells: dict[tuple[int, int], RawCell],
    moves: Moves,
) -> bool:
    if out is None:  # nothing written there: only an empty text was (it looks and reads as an empty cell),
        # a shared-string cell without an index (<c t="s"><v/></c>) too
        return raw[5] is None and _value(raw, in_strings) in (
            ("text", ""),
            ("text", None),
            ("number", None),
            ("number", ""),
        )
    f_in, f_out = raw[5], out[5]
    if f_in is not None:
        if f_out is None:
            return False
        expected = _formula_text(at, raw, masters, cells)
        if expected is None:
            return True  # a shared formula whose first cell is missing: openpyxl keeps it as written
        expected = moves.formula("=" + expected, sheet)[1:] if moves.order else expected
        kind_in, kind_out = f_in[0].get("t") or "normal", f_out[0].get("t") or "normal"
        if _norm(expected) != _norm(f_out[1]) or (kind_in != kind_out and kind_in != "shared"):
            return False
        # a cached result kept must be the input's
        return out[1] is None or raw[1] is None or _value(raw, in_strings) == _value(out, out_strings)
    if f_out is not None:
        return False
    return bool(_value(raw, in_strings) == _value(out, out_strings))


def _norm(formula: str) -> str:
    return formula.strip().lstrip("=")


def _formula_text(
    at: tuple[int, int], raw: RawCell, masters: dict[str, tuple[str, str]], cells: dict[tuple[int, int], RawCell]
) -> str | None:
    """A formula's own text; a shared formula's spelled out for this cell (as openpyxl and Excel do)."""
    attrs, text = raw[5] or ({}, "")
    if attrs.get("t") != "shared" or text:
        return text
    si = attrs.get("si")
    if si is None:
        return text
    if not masters:
        for (r, c), other in sorted(cells.items()):
            f = other[5]
            if f is not None and f[0].get("t") == "shared" and f[1] and f[0].get("si") not in masters:
                masters[f[0].get("si") or ""] = (_ref(r, c), f[1])
    master = masters.get(si)
    if master is None:
        return None
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + master[1], master[0]).translate_formula(_ref(*at))[1:]
    except Exception:  # a formula the translator cannot read: openpyxl keeps the master's text as is
        return None


# --------------------------------------------------------------------------- what a sheet holds besides its cells

_OUTSIDE = re.compile(
    rb"<(?:[\w.-]+:)?(mergeCell|hyperlink|dataValidation|cfRule|ext|oddHeader|oddFooter|evenHeader|evenFooter|"
    rb"firstHeader|firstFooter|sheetProtection|picture|legacyDrawingHF|oleObject|control|autoFilter|protectedRange|"
    rb"customSheetView|sparkline|tablePart|drawing|legacyDrawing)\b([^>]*?)(/?)>"
)
_URI = re.compile(rb"""\buri\s*=\s*["']([^"']*)["']""")

# VML object types (x:ClientData ObjectType) as a user knows them.
VML_ZH = {
    "Button": "按钮",
    "Checkbox": "复选框",
    "Radio": "单选按钮",
    "Drop": "下拉框",
    "List": "列表框",
    "Spin": "微调项",
    "Scroll": "滚动条",
    "Label": "标签",
    "GBox": "分组框",
    "Edit": "编辑框",
    "Dialog": "对话框",
    "Text": "文本框",
    "Rect": "矩形",
    "Shape": "形状",
    "Pict": "图片",
}

FEATURE_ZH = {
    "mergeCell": "合并单元格",
    "hyperlink": "超链接",
    "dataValidation": "数据验证（下拉列表等）",
    "cfRule": "条件格式",
    "sheetProtection": "工作表保护",
    "picture": "工作表背景图片",
    "legacyDrawingHF": "页眉页脚中的图片",
    "oleObject": "嵌入的对象（OLE 对象）",
    "control": "控件",
    "autoFilter": "自动筛选",
    "protectedRange": "允许编辑区域",
    "customSheetView": "自定义视图",
    "sparkline": "迷你图",
    "tablePart": "表格（“插入→表格”）",
}
_HEADER = {"oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter"}
_ANCHORED = {
    "graphicFrame": "图表",
    "pic": "图片",
    "sp": "形状或文本框",
    "grpSp": "组合图形",
    "cxnSp": "连接线",
    "contentPart": "墨迹",
}


def sheet_features(pkg: Package, part: str) -> Counter[str]:
    """What a worksheet holds besides its cells, counted by the name a user knows it by."""
    from xladdin.files.carry import CARRIED_EXTENSIONS
    from xladdin.files.preserve import EXTENSIONS

    out: Counter[str] = Counter()
    data = pkg.read(part) or b""
    start = 0
    end = re.search(rb"</(?:[\w.-]+:)?sheetData\s*>", data)
    if end is not None:
        head = re.search(rb"<(?:[\w.-]+:)?sheetData\b", data)
        _scan_outside(data[: head.start() if head else 0], out, EXTENSIONS, CARRIED_EXTENSIONS)
        start = end.end()
    _scan_outside(data[start:], out, EXTENSIONS, CARRIED_EXTENSIONS)
    for rel in pkg.rels(part):
        if rel.external:
            continue
        if rel.kind == "drawing":
            root = pkg.xml(rel.target)
            for anchor in root if root is not None else ():
                for child in anchor:
                    kind = _ANCHORED.get(local(child.tag))
                    if kind == "图片" and _linked(child):
                        kind = "链接的图片"
                    if kind:
                        out[kind] += 1
        elif rel.kind == "vmlDrawing":
            vml = pkg.read(rel.target) or b""
            for kind in re.findall(rb"ObjectType\s*=\s*[\"'](\w+)", vml):
                if kind != b"Note":
                    out[f"表单控件或文本框（{VML_ZH.get(kind.decode(), kind.decode())}）"] += 1
        elif rel.kind == "comments":
            root = pkg.xml(rel.target)
            out["批注"] += sum(1 for el in root.iter() if local(el.tag) == "comment") if root is not None else 0
        elif rel.kind in ("pivotTable", "slicer", "timeline", "threadedComment", "queryTable"):
            out[
                {
                    "pivotTable": "数据透视表",
                    "slicer": "切片器",
                    "timeline": "日程表",
                    "threadedComment": "带回复的新版批注",
                    "queryTable": "外部数据查询表",
                }[rel.kind]
            ] += 1
    return out


def _linked(pic: Any) -> bool:
    return any(k.endswith("}link") for el in pic.iter() if local(el.tag) == "blip" for k in el.attrib)


def _scan_outside(data: bytes, out: Counter[str], names: dict[str, str], carried: dict[str, str]) -> None:
    for m in _OUTSIDE.finditer(data):
        tag = m.group(1).decode()
        if tag in _HEADER:
            if m.group(3):
                continue
            close = data.find(b"</", m.end())
            text = xml_text(data[m.end() : close]) if close >= 0 else ""
            if text.strip():
                out[f"页眉页脚（{text[:30]}）"] += 1
        elif tag == "ext":
            u = _URI.search(m.group(2))
            uri = u.group(1).decode("ascii", "replace").upper() if u else ""
            out[carried.get(uri) or names.get(uri) or f"较新版本 Excel 的扩展设置（{uri}）"] += 1
        elif tag in ("drawing", "legacyDrawing"):
            continue
        elif tag in FEATURE_ZH:
            out[FEATURE_ZH[tag]] += 1


def _features(name: str, source: Package, part: str, out: Package, out_part: str, fp: Footprint) -> list[str]:
    before, after = sheet_features(source, part), sheet_features(out, out_part)
    losses = []
    for key, n in before.items():
        m = after.get(key, 0)
        if m >= n or _may_change(key, name, fp):
            continue
        losses.append(f"工作表“{name}”中的{key}" + (f" {n - m} 个" if m else ""))
    return losses


def _may_change(key: str, sheet: str, fp: Footprint) -> bool:
    if key == "批注":
        return fp.notes or sheet in fp.touched
    if key == "合并单元格":
        return sheet in fp.merges
    if key == "数据验证（下拉列表等）":
        return sheet in fp.validations
    if key == "条件格式":
        return sheet in fp.formats
    if key == "超链接":
        return sheet in fp.links
    if key.startswith("页眉页脚"):
        return sheet in fp.laid_out
    if key == "图表":
        return sheet in fp.charts
    return False


def _note_frames(out: Package) -> list[str]:
    """Every note of the written file has its frame in the sheet's VML (without one Excel cannot show it)."""
    losses = []
    for sheet in out.sheets():
        if sheet.kind != "worksheet" or sheet.part is None:
            continue
        rels = out.rels(sheet.part)
        comments = next((r.target for r in rels if r.kind == "comments" and not r.external), None)
        if comments is None:
            continue
        root = out.xml(comments)
        notes = sum(1 for el in root.iter() if local(el.tag) == "comment") if root is not None else 0
        vml = b"".join(out.read(r.target) or b"" for r in rels if r.kind == "vmlDrawing" and not r.external)
        frames = len(re.findall(rb"""ObjectType\s*=\s*["']Note["']""", vml))
        if frames < notes:
            losses.append(f"工作表“{sheet.name}”中 {notes - frames} 个批注的显示框")
    return losses


# --------------------------------------------------------------------------- the workbook and the package


def _workbook(source: Package, out: Package, fp: Footprint) -> list[str]:
    def names(pkg: Package) -> tuple[set[tuple[str, str]], Counter[str]]:
        root = pkg.workbook()
        found: set[tuple[str, str]] = set()
        other: Counter[str] = Counter()
        tabs = [s.name for s in pkg.sheets()]
        for el in root.iter() if root is not None else ():
            n = local(el.tag)
            if n == "definedName":
                local_id = el.get("localSheetId") or ""
                scope = tabs[int(local_id)] if local_id.isdigit() and int(local_id) < len(tabs) else local_id
                found.add(((el.get("name") or "").upper(), scope))
            elif n in ("externalReference", "workbookProtection", "fileSharing", "customWorkbookView", "oleSize"):
                other[n] += 1
        return found, other

    (a, other_a), (b, other_b) = names(source), names(out)
    losses = []
    gone_names = sorted(
        n for n, scope in a - b if not n.startswith("_XLADDIN") and not fp.names and scope not in fp.gone
    )
    hidden_ok = {"_XLNM._FILTERDATABASE"}  # Excel's own bookkeeping of a filter, rebuilt from the sheet's autoFilter
    gone_names = [n for n in gone_names if n not in hidden_ok]
    if gone_names:
        losses.append(f"名称（{'、'.join(gone_names[:3])}{'等' if len(gone_names) > 3 else ''}）")
    zh = {
        "externalReference": "指向其他工作簿的外部链接",
        "workbookProtection": "工作簿保护",
        "fileSharing": "“修改权限密码”或“建议只读”设置",
        "customWorkbookView": "自定义视图",
        "oleSize": "嵌入时显示的区域（oleSize）",
    }
    for key, n in other_a.items():
        if other_b.get(key, 0) < n:
            losses.append(zh[key])
    return losses


# Parts Excel rebuilds or that carry nothing of the user's: their number may go down.
REBUILT = (
    "calcChain",
    "printerSettings",
    "sharedStrings",
    "extended-properties",
    "core-properties",
    "worksheet+xml",  # sheets are compared by name above
    "spreadsheetml.sheet.main",
    "macroEnabled.main",
    "spreadsheetml.template",
    "theme+xml",
    "styles+xml",
    "comments+xml",  # notes are counted per sheet
    "vmlDrawing",
    "drawing+xml",  # what drawings hold is counted per sheet
    "drawingml.chart+xml",  # (charts too)
    "relationships+xml",
    "application/xml",
    "vnd.ms-excel.person",
)
PART_ZH = {
    "image/": "图片",
    "chartstyle": "图表样式",
    "chartcolorstyle": "图表颜色样式",
    "pivotTable": "数据透视表",
    "pivotCache": "数据透视表的缓存数据",
    "table+xml": "表格（“插入→表格”）",
    "externalLink": "外部链接",
    "vbaProject": "宏（VBA 代码）",
    "customXml": "自定义 XML 数据",
    "custom-properties": "文档的自定义属性",
    "sheetMetadata": "动态数组公式的设置",
    "tableSingleCells": "XML 映射",
    "xmlMaps": "XML 映射",
    "classificationlabels": "敏感度标签",
    "dialogsheet": "对话框工作表",
    "macrosheet": "Excel 4.0 宏表",
    "chartsheet": "图表工作表",
    "featurepropertybag": "单元格中的复选框",
    "connections": "数据连接",
    "queryTable": "外部数据查询表",
}


def _parts(source: Package, out: Package, fp: Footprint) -> list[str]:
    """Parts of each kind that something links to, in the input and in the written file (a part
    nothing links to is never shown by any application: leaving it out loses nothing, and
    writing one keeps nothing — openpyxl once linked three pivot caches to the first one's
    records and left the other two records unlinked, which a count of all parts took for kept)."""
    linked_in, linked_out = _linked_parts(source), _linked_parts(out)
    a = Counter(ct for name, ct in source.content_types().items() if name in linked_in)
    b = Counter(ct for name, ct in out.content_types().items() if name in linked_out)
    losses: list[str] = []
    for ct, n in sorted(a.items()):
        if b.get(ct, 0) >= n or not ct or any(x in ct for x in REBUILT):
            continue
        if "spreadsheetml.chartsheet" in ct and fp.gone:
            continue
        name = next((zh for key, zh in PART_ZH.items() if key in ct), f"其他内容（{ct}）")
        if not any(name in loss for loss in losses):
            losses.append(name)
    return losses


def _linked_parts(pkg: Package) -> set[str]:
    """The package's parts reached from its root relationships (names in lower case)."""
    return {p.lower() for r in pkg.rels("") if not r.external for p in pkg.closure(r.target)}


def loss_message(losses: list[str]) -> str:
    """The one line a refused write says."""
    shown = losses[:6]
    more = f"等 {len(losses)} 项" if len(losses) > 6 else ""
    return (
        "写入后核对发现会丢失原有内容：" + "；".join(shown) + more + "。为保护原文件，没有写入（原文件未改动）。"
        "请把此文件发给维护人员；如可以接受这些损失，可加 --force 并用 -o 写到新文件。"
    )
