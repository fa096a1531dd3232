"""A real ``xlwings.Book`` without Excel: xlwings' remote engine fed with a workbook's cells.

``remote_book(path)`` reads the .xlsx with the same reader the command line uses and
builds the JSON payload an Office.js client (xlwings Server/Lite) would send; the
book then records every change as an action.  ``actions(book)`` names each action's
sheet (positions shift when sheets are added or deleted), so tests can say which
cells were touched.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw

from xladdin.files.sources import read_sheets
from xladdin.model import SheetData, cell_ref


def _json_value(v: Any) -> Any:
    if v is None:
        return ""
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat()
    return v


def sheet_payload(sh: SheetData, notes: list[str] | None = None) -> dict[str, Any]:
    values = [[_json_value(v) for v in row] for row in sh.rows]
    width = sh.max_col
    values = [row + [""] * (width - len(row)) for row in values] or [[]]
    return {
        "name": sh.name,
        "values": values,
        "pictures": [],
        "shapes": [],
        "charts": [],
        "tables": [],
        "notes": [{"address": ref} for ref in notes or []],
        "visibility": "Hidden" if sh.hidden else "Visible",
        "show_gridlines": True,
        "pivot_tables": [],
    }


def payload(
    sheets: list[SheetData], name: str = "绩效目标表.xlsx", notes: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """What Office.js sends: every sheet's values, and which cells carry a note (their text is not sent)."""
    notes = notes or {}
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "book": {"name": name, "active_sheet_index": 0, "selection": "A1"},
        "names": [],
        "sheets": [sheet_payload(s, notes.get(s.name)) for s in sheets],
    }


def notes_of(path: str | Path) -> dict[str, list[str]]:
    """The cells of each sheet that carry a note (批注), as Office.js lists them."""
    from openpyxl import load_workbook

    wb = load_workbook(path)
    return {
        ws.title: [c.coordinate for row in ws.iter_rows() for c in row if c.comment is not None] for ws in wb.worksheets
    }


def remote_book(path: str | Path) -> Any:
    return xw.Book(json=payload(read_sheets(path), Path(path).name, notes_of(path)))


def book_from_sheets(sheets: list[SheetData]) -> Any:
    return xw.Book(json=payload(sheets))


@dataclass(frozen=True)
class Action:
    func: str
    sheet: str | None
    row: int | None  # 1-based top-left
    col: int | None
    rows: int | None
    cols: int | None
    args: list[Any]
    values: Any

    @property
    def ref(self) -> str | None:
        return None if self.row is None or self.col is None else cell_ref(self.row, self.col)


def actions(book: Any, initial: list[str]) -> list[Action]:
    """The book's actions with sheet names resolved; ``initial`` is the payload's sheet order."""
    names = list(initial)
    out = []
    for a in book.json()["actions"]:
        pos = a.get("sheet_position")
        sheet = names[pos] if pos is not None and 0 <= pos < len(names) else None
        row = a["start_row"] + 1 if a.get("start_row") is not None else None
        col = a["start_column"] + 1 if a.get("start_column") is not None else None
        out.append(
            Action(a["func"], sheet, row, col, a.get("row_count"), a.get("column_count"), a["args"], a["values"])
        )
        if a["func"] == "addSheet":
            names.insert(a["args"][0], a["args"][1])
        elif a["func"] == "sheetDelete" and sheet is not None:
            names.pop(pos)
        elif a["func"] == "setSheetName" and sheet is not None:
            names[pos] = a["args"][0]
    return out


def colored_cells(acts: list[Action]) -> dict[tuple[str, str], str | None]:
    """(sheet, cell) → the last colour set on it by setRangeColor/setRangeColors."""
    out: dict[tuple[str, str], str | None] = {}
    for a in acts:
        if a.func == "setRangeColors":
            for i, row in enumerate(a.args[0]):
                for j, c in enumerate(row):
                    if c != "keep":
                        out[(a.sheet or "", cell_ref(a.row + i, a.col + j))] = c  # type: ignore[operator]
        elif a.func == "setRangeColor":
            for i in range(a.rows or 1):
                for j in range(a.cols or 1):
                    out[(a.sheet or "", cell_ref(a.row + i, a.col + j))] = a.args[0]  # type: ignore[operator]
    return out


def written_cells(acts: list[Action], sheet: str | None = None) -> dict[tuple[str, str], Any]:
    """(sheet, cell) → the last value written by setValues."""
    out: dict[tuple[str, str], Any] = {}
    for a in acts:
        if a.func != "setValues" or (sheet is not None and a.sheet != sheet):
            continue
        for i, row in enumerate(a.values):
            for j, v in enumerate(row):
                out[(a.sheet or "", cell_ref(a.row + i, a.col + j))] = v  # type: ignore[operator]
    return out


def noted_cells(acts: list[Action]) -> dict[tuple[str, str], str]:
    out = {}
    for a in acts:
        if a.func == "addNote":
            out[(a.sheet or "", a.args[0].replace("$", ""))] = a.args[1]
    return out


def replay(book: Any, before: dict[str, Any]) -> dict[str, Any]:
    """What Excel would hold after the book's actions, for values, sheets and notes.

    A small stand-in for Excel applying the action list, so a test can run a second
    entry point on the result (mark then clear, edit then undo).  Formats, colours and
    alerts do not change values and are ignored; an action it does not know fails the
    test rather than being silently skipped.
    """
    import copy

    data = copy.deepcopy(before)
    sheets = data["sheets"]
    ignored = {
        "setRangeColor",
        "setRangeColors",
        "setNumberFormat",
        "alert",
        "setSheetVisibility",
        "setFontProperty",
        "setAutofit",
        "setScreenUpdating",
        "setColumnWidth",
        "setRowHeight",
        "setWrapText",
        "setHorizontalAlignment",
        "setVerticalAlignment",
        "setBorderProperty",
        "setPrintArea",
        "freezePaneAtRange",
        "rangeMerge",  # merged cells keep their top-left value; the tool merges only empty cells below it
    }
    for a in book.json()["actions"]:
        f = a["func"]
        pos = a.get("sheet_position")
        if f in ignored:
            if f == "setSheetVisibility":
                sheets[pos]["visibility"] = a["args"][0]
            continue
        if f == "addSheet":
            sheets.insert(a["args"][0], sheet_payload(SheetData(a["args"][1], [])))
        elif f == "sheetDelete":
            sheets.pop(pos)
        elif f == "sheetClearContents":
            sheets[pos]["values"] = [[]]
        elif f == "setValues":
            grid = sheets[pos]["values"]
            r0, c0 = a["start_row"], a["start_column"]
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    _put(grid, r0 + i, c0 + j, _excel_value(v))
        elif f == "addNote":
            sheets[pos]["notes"].append({"address": a["args"][0]})
        elif f == "deleteNote":
            key = a["args"][0].replace("$", "")
            sheets[pos]["notes"] = [n for n in sheets[pos]["notes"] if n["address"].replace("$", "") != key]
        elif f == "rangeInsert":
            grid = sheets[pos]["values"]
            width = max((len(r) for r in grid), default=0)
            for _ in range(a["row_count"]):
                grid.insert(a["start_row"], [""] * width)
        elif f == "rangeDelete":
            grid = sheets[pos]["values"]
            del grid[a["start_row"] : a["start_row"] + a["row_count"]]
        else:
            raise AssertionError(f"replay: unknown action {f}")
    for sh in sheets:
        width = max((len(r) for r in sh["values"]), default=0)
        sh["values"] = [r + [""] * (width - len(r)) for r in sh["values"]] or [[]]
    return data


def _excel_value(v: Any) -> Any:
    """Excel's reading of a typed value: a leading apostrophe means text."""
    if isinstance(v, str) and v.startswith("'"):
        return v[1:]
    return "" if v is None else v


def _put(grid: list[list[Any]], r: int, c: int, v: Any) -> None:
    if grid == [[]]:
        grid.clear()
    while len(grid) <= r:
        grid.append([])
    row = grid[r]
    while len(row) <= c:
        row.append("")
    row[c] = v


def values_of(data: dict[str, Any], sheet: str) -> list[list[Any]]:
    for sh in data["sheets"]:
        if sh["name"] == sheet:
            return sh["values"]
    raise KeyError(sheet)


# Prelude for a subprocess that imports modules under *classic* (Windows) xlwings.
# Classic xlwings imports pywin32 at module level; these stand-ins let its pure-Python
# decorators and VBA generator run on any OS (nothing here talks to Excel).
CLASSIC_XLWINGS = r"""
import io, json, sys, types
for name in ("pythoncom", "pywintypes", "win32api"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["pythoncom"].CoInitialize = lambda: None
wc = types.ModuleType("win32com"); wcc = types.ModuleType("win32com.client")
wcc.Dispatch = lambda *a, **k: None; wc.client = wcc
sys.modules["win32com"] = wc; sys.modules["win32com.client"] = wcc
import xlwings, xlwings.udfs as classic
xlwings.func, xlwings.arg, xlwings.ret = classic.xlfunc, classic.xlarg, classic.xlret
"""
