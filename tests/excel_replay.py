"""What Excel would hold after an xlwings remote book's actions — as an openpyxl workbook — and
a view of any workbook that two shells' results can be compared in.

xlwings' remote engine (xlwings Server/Lite, and these tests) records every change as an
action for Excel to carry out.  ``replay`` carries them out, the way Excel does, on the
workbook file the book was made from: text with a leading apostrophe stays text, other
text is taken as Excel's input parser takes it ("95%" becomes 0.95, a leading "=" a
formula), rows are inserted with the neighbour's look, merged ranges keep their top-left
value.  An action this module does not know fails the test rather than being skipped.

``view`` reduces a workbook to what a user sees and the comparison promises: each sheet's
values and formulas, links (a hyperlink or a =HYPERLINK formula alike), solid fills,
notes, merges, the choices each drop-down offers, and the charts' titles.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from xladdin.files.rows import delete_rows, insert_rows
from xladdin.model import cell_ref, column_index

_NUMBER = re.compile(r"^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$")
_PERCENT = re.compile(r"^([+-]?\d+(?:\.\d+)?)%$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_CN_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(?:(\d{1,2})日)?$")

# Actions that change nothing the comparison looks at (fonts, alignment, borders, print setup …).
_LOOKS = {
    "setFontProperty",
    "setHorizontalAlignment",
    "setVerticalAlignment",
    "setWrapText",
    "setBorderProperty",
    "setPrintArea",
    "freezePaneAtRange",
    "alert",
    "setScreenUpdating",
    "setAutofit",
}


def excel_value(v: Any) -> Any:
    """A value written to a cell, as Excel stores it."""
    if v is None or v == "":
        return None
    if not isinstance(v, str):
        return v
    if v.startswith("'"):
        return v[1:]
    if _NUMBER.match(v):
        return float(v) if any(ch in v for ch in ".eE") else int(v)
    m = _PERCENT.match(v)
    if m:
        return float(m.group(1)) / 100
    m = _ISO_DATE.match(v) or _CN_DATE.match(v)
    if m:
        try:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            return v
    if v.upper() in ("TRUE", "FALSE"):
        return v.upper() == "TRUE"
    return v


def _area(a: dict[str, Any]) -> tuple[int, int, int, int]:
    r, c = a["start_row"] + 1, a["start_column"] + 1
    return r, c, r + (a.get("row_count") or 1) - 1, c + (a.get("column_count") or 1) - 1


def replay(path: Path, book: Any) -> Workbook:
    """The workbook at ``path`` after the remote book's actions, as Excel would hold it."""
    wb = load_workbook(path, rich_text=True)
    charts: dict[str, list[Any]] = {}  # sheet → its charts added by the actions, in order
    for a in book.json()["actions"]:
        f = a["func"]
        pos = a.get("sheet_position")
        ws = wb.worksheets[pos] if pos is not None and f not in ("addSheet",) else None
        if f in _LOOKS:
            continue
        if f == "setValues":
            r0, c0 = a["start_row"] + 1, a["start_column"] + 1
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    cell = ws.cell(row=r0 + i, column=c0 + j)  # type: ignore[union-attr]
                    value = excel_value(v)
                    if isinstance(cell, MergedCell):
                        assert value is None, f"replay: a value into the covered cell {cell.coordinate}"
                        continue
                    cell.value = value
                    if isinstance(value, str) and isinstance(v, str) and v.startswith("'") and value[:1] in "=+-@":
                        cell.data_type = "s"
        elif f == "setRangeColors":
            r0, c0 = a["start_row"] + 1, a["start_column"] + 1
            for i, row in enumerate(a["args"][0]):
                for j, color in enumerate(row):
                    if color != "keep":
                        _fill(ws.cell(row=r0 + i, column=c0 + j), color)  # type: ignore[union-attr]
        elif f == "setRangeColor":
            r1, c1, r2, c2 = _area(a)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    _fill(ws.cell(row=r, column=c), a["args"][0])  # type: ignore[union-attr]
        elif f == "rangeInsert":
            at, count = a["start_row"] + 1, a["row_count"]
            template = at if a["args"][1] == "format_from_right_or_below" else at - 1
            insert_rows(ws, at, count, template=template, copy_merges=False)
        elif f == "rangeDelete":
            delete_rows(ws, a["start_row"] + 1, a["row_count"])
        elif f == "rangeMerge":
            r1, c1, r2, c2 = _area(a)
            rows = [(r, r) for r in range(r1, r2 + 1)] if a["args"][0] else [(r1, r2)]
            for top, bottom in rows:
                if (top, bottom) != (top, top) or c2 > c1:
                    ws.merge_cells(start_row=top, start_column=c1, end_row=bottom, end_column=c2)  # type: ignore[union-attr]
        elif f == "rangeUnmerge":
            r1, c1, r2, c2 = _area(a)
            area = CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2)
            for m in list(ws.merged_cells.ranges):  # type: ignore[union-attr]
                if not area.isdisjoint(m):
                    ws.unmerge_cells(m.coord)  # type: ignore[union-attr]
        elif f == "addSheet":
            wb.create_sheet(a["args"][1], a["args"][0])
        elif f == "sheetDelete":
            wb.remove(ws)  # type: ignore[arg-type]
        elif f == "setSheetName":
            ws.title = a["args"][0]  # type: ignore[union-attr]
        elif f == "setSheetVisibility":
            ws.sheet_state = "hidden" if a["args"][0] == "Hidden" else "visible"  # type: ignore[union-attr]
        elif f in ("sheetClearContents", "sheetClear"):
            for row in ws.iter_rows():  # type: ignore[union-attr]
                for cell in row:
                    if cell.coordinate not in ws.merged_cells:  # type: ignore[union-attr]
                        cell.value = None
                        cell.hyperlink = None
                        if f == "sheetClear":
                            cell.fill = PatternFill()
            if f == "sheetClear":
                for m in list(ws.merged_cells.ranges):  # type: ignore[union-attr]
                    ws.unmerge_cells(m.coord)  # type: ignore[union-attr]
                ws.data_validations.dataValidation = []  # type: ignore[union-attr]
        elif f == "setNumberFormat":
            r1, c1, r2, c2 = _area(a)
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    ws.cell(row=r, column=c).number_format = a["args"][0]  # type: ignore[union-attr]
        elif f == "setColumnWidth":
            from openpyxl.utils import get_column_letter

            ws.column_dimensions[get_column_letter(a["start_column"] + 1)].width = a["args"][0]  # type: ignore[union-attr]
        elif f == "setRowHeight":
            r1, _, r2, _ = _area(a)
            for r in range(r1, r2 + 1):
                ws.row_dimensions[r].height = a["args"][0]  # type: ignore[union-attr]
        elif f == "addNote":
            cell = ws[a["args"][0].replace("$", "")]  # type: ignore[index]
            cell.comment = Comment(a["args"][1], "xladdin")
        elif f == "deleteNote":
            ws[a["args"][0].replace("$", "")].comment = None  # type: ignore[index]
        elif f == "deleteDataValidation":
            _drop_validations(ws, _area(a))
        elif f == "setDataValidationList":
            source = a["args"][0]
            assert source["type"] == "literal", source
            r1, c1, r2, c2 = _area(a)
            _drop_validations(ws, (r1, c1, r2, c2))
            dv = DataValidation(type="list", formula1='"' + ",".join(source["values"]) + '"')
            dv.sqref = f"{cell_ref(r1, c1)}:{cell_ref(r2, c2)}" if (r1, c1) != (r2, c2) else cell_ref(r1, c1)
            ws.data_validations.append(dv)  # type: ignore[union-attr]
        elif f == "namesAdd":
            from openpyxl.workbook.defined_name import DefinedName

            name, refers = a["args"]
            if name in wb.defined_names:
                del wb.defined_names[name]
            wb.defined_names[name] = DefinedName(name, attr_text=refers.lstrip("="))
        elif f == "addChart":
            from openpyxl.chart import BarChart

            chart = BarChart()
            charts.setdefault(ws.title, []).append(chart)  # type: ignore[union-attr]
            ws.add_chart(chart, "A1")  # type: ignore[union-attr]
        elif f == "setChartType":
            continue
        elif f == "setChartName":
            charts[ws.title][a["args"][0]].title = a["args"][1]  # type: ignore[union-attr]
        else:
            raise AssertionError(f"replay: unknown action {f}")
    return wb


def _fill(cell: Any, color: str | None) -> None:
    if hasattr(cell, "fill"):
        cell.fill = PatternFill() if color is None else PatternFill("solid", fgColor="FF" + color.lstrip("#").upper())


def _drop_validations(ws: Any, area: tuple[int, int, int, int]) -> None:
    r1, c1, r2, c2 = area
    for dv in list(ws.data_validations.dataValidation):
        keep = []
        for rng in str(dv.sqref).split():
            cr = CellRange(rng)
            if cr.isdisjoint(CellRange(min_row=r1, min_col=c1, max_row=r2, max_col=c2)):
                keep.append(rng)
        if keep:
            dv.sqref = " ".join(keep)
        else:
            ws.data_validations.dataValidation.remove(dv)


# --------------------------------------------------------------------------- the view compared

_LINK_FORMULA = re.compile(r'^=HYPERLINK\("#?((?:[^"]|"")*)",\s*"?((?:[^"]|"")*)"?\)$', re.IGNORECASE)


def _plain(v: Any) -> Any:
    if v is None:
        return None
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, dt.datetime) and v.time() == dt.time(0):
        return v.date()
    if not isinstance(v, str | int | float | bool | dt.date):
        return str(v)  # rich text: its plain text
    return v


def _list_choices(wb: Any, ws: Any, dv: Any) -> tuple[str, ...]:
    """The choices a list validation offers, whatever the formula names: literal, name, INDIRECT."""
    f = str(dv.formula1 or "")
    if f.startswith('"'):
        return tuple(x for x in f.strip('"').split(",") if x)
    if f.upper().startswith("INDIRECT("):
        anchor = f[len("INDIRECT(") : -1].replace("$", "")
        name = str(ws[anchor].value or "").strip()
    else:
        name = f.lstrip("=")
    if name not in wb.defined_names:
        return ()
    dest = list(wb.defined_names[name].destinations)
    if not dest:
        return ()
    sheet, ref = dest[0]
    cells = CellRange(ref.replace("$", ""))
    tab = wb[sheet]
    return tuple(
        str(tab.cell(row=r, column=cells.min_col).value)
        for r in range(cells.min_row, cells.max_row + 1)
        if tab.cell(row=r, column=cells.min_col).value is not None
    )


def view(wb: Any, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The workbook as the comparison sees it (see the module docstring)."""
    out: dict[str, Any] = {"order": [ws.title for ws in wb.worksheets if ws.title not in skip]}
    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        cells: dict[str, Any] = {}
        links: dict[str, str] = {}
        fills: dict[str, str] = {}
        notes: dict[str, str] = {}
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and c.data_type == "f":
                    m = _LINK_FORMULA.match(v)
                    if m:
                        links[c.coordinate] = m.group(1).replace('""', '"')
                        v = m.group(2).replace('""', '"')
                v = _plain(v)
                if v is not None and v != "":
                    cells[c.coordinate] = v
                link = getattr(c, "hyperlink", None)
                if link is not None and link.location:
                    links[c.coordinate] = link.location
                fill = getattr(c, "fill", None)
                if fill is not None and fill.fill_type == "solid" and isinstance(fill.fgColor.rgb, str):
                    fills[c.coordinate] = fill.fgColor.rgb[-6:].upper()
                if getattr(c, "comment", None) is not None:
                    notes[c.coordinate] = c.comment.text
        validations = set()
        for dv in ws.data_validations.dataValidation:
            if dv.type != "list":
                continue
            choices = _list_choices(wb, ws, dv)
            for rng in str(dv.sqref).split():
                cr = CellRange(rng)
                for r in range(cr.min_row, cr.max_row + 1):
                    for col in range(cr.min_col, cr.max_col + 1):
                        validations.add((cell_ref(r, col), choices))
        out[ws.title] = {
            "state": ws.sheet_state,
            "cells": cells,
            "links": links,
            "fills": fills,
            "notes": notes,
            "merges": sorted(str(m) for m in ws.merged_cells.ranges),
            "validations": sorted(validations),
            "charts": sorted(_chart_titles(wb, ws)),
        }
    return out


def _chart_titles(wb: Any, ws: Any) -> list[str]:
    return [_title(ch) for ch in getattr(ws, "_charts", [])]


def _title(chart: Any) -> str:
    try:
        return "".join(r.t for p in chart.title.tx.rich.p for r in (p.r or []))
    except AttributeError:
        return ""


def column(letters: str) -> int:
    return column_index(letters)
