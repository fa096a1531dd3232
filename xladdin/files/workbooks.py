"""Workbooks xladdin changes, loaded with openpyxl: loading with limits, and the cells as ``SheetData``."""

from __future__ import annotations

from typing import Any

from xladdin.files.xlsx_source import MAX_READ_COLS, MAX_READ_ROWS
from xladdin.layout import SheetLayout
from xladdin.model import Merge, SheetData


def sheet_from_openpyxl(ws: Any) -> SheetData:
    """Cells of an openpyxl worksheet as ``SheetData`` (values as stored; formulas as text).

    Bounded like ``read_sheets`` (MAX_READ_ROWS × MAX_READ_COLS): one stray value in
    XFD1048576 would otherwise make this a 17-billion-cell loop.
    """
    rows = [
        [c.value if not isinstance(c.value, str) or c.value != "" else None for c in row]
        for row in ws.iter_rows(max_row=min(ws.max_row, MAX_READ_ROWS), max_col=min(ws.max_column, MAX_READ_COLS))
    ]
    merges = tuple(Merge(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges)
    return SheetData(ws.title, rows, merges, ws.sheet_state != "visible", formulas=True)


def new_workbook_from_layouts(layouts: list[SheetLayout]) -> Any:
    """An openpyxl Workbook with one sheet per layout (values and merges only)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    for lay in layouts:
        ws = wb.create_sheet(lay.name)
        put_layout(ws, lay)
    return wb


def put_layout(ws: Any, lay: SheetLayout) -> None:
    for (r, c), v in sorted(lay.cells.items()):
        if v is not None:
            ws.cell(row=r, column=c).value = v
    for m in lay.merges:
        ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)


def set_internal_link(cell: Any, location: str) -> None:
    """Link a cell to another place in the same workbook (``'表'!C4``), styled as a link."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location)
    cell.style = "Hyperlink"
