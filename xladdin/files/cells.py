"""Single cells of an openpyxl workbook: values (merged and rich-text cells included) and fills.

Fills travel through the undo journal and the mark state as the fill element's XML, so a
cell gets back exactly the fill it had — a pattern, a theme colour, a gradient — and the
Excel shell writes and reads the same element for the solid colours it knows.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from typing import TYPE_CHECKING, Any

from xladdin.model import Scalar

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet


def fill_xml(fill: Any) -> str:
    """A fill as the journal stores it: its element, as written in the file."""
    from openpyxl.xml.functions import tostring

    return tostring(fill.to_tree()).decode("utf-8")


def fill_from_xml(text: str) -> Any | None:
    """The fill of ``fill_xml``; None when the text is not a fill this shell can read."""
    from openpyxl.styles.fills import Fill
    from openpyxl.xml.functions import fromstring

    try:
        return Fill.from_tree(fromstring(text))  # type: ignore[arg-type]
    except Exception:
        return None


def solid(hex_rgb: str) -> Any:
    """The tool's solid colour fill (RRGGBB)."""
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", fgColor="FF" + hex_rgb.upper())


def is_solid(fill: Any, hex_rgb: str) -> bool:
    """The cell carries this solid colour (the tool's, if the user has not recoloured it)."""
    try:
        return fill.fill_type == "solid" and str(fill.fgColor.rgb).upper()[-6:] == hex_rgb.upper()
    except AttributeError:
        return False


def top_left(ws: Worksheet, ref: str) -> Any:
    """The cell a mark or a note goes on: a merged range's top-left cell."""
    for m in ws.merged_cells.ranges:
        if ref in m:
            return ws.cell(row=m.min_row, column=m.min_col)
    return ws[ref]


def plain(value: Any) -> Scalar:
    """A cell value as the journal can hold it (rich text → its plain text)."""
    if value is None or isinstance(value, str | int | float | bool | dt.date | dt.datetime):
        return value
    return str(value)


def set_value(ws: Worksheet, row: int, col: int, value: Any, formula: bool = True) -> None:
    """Set a cell even when it is a merged (read-only) cell: it becomes an ordinary cell.

    Text stays text when ``formula`` is False, also when it starts with "=" (a name, a
    note); otherwise a text starting with "=" is a formula.  "+", "-" and "@" are never
    formulas.
    """
    from openpyxl.cell.cell import Cell, MergedCell
    from openpyxl.utils.exceptions import IllegalCharacterError

    cur = ws._cells.get((row, col))
    if isinstance(cur, MergedCell):
        plain_cell = Cell(ws, row=row, column=col)
        plain_cell._style = copy(cur._style)  # type: ignore[attr-defined]  # openpyxl's style array: kept exactly
        ws._cells[(row, col)] = plain_cell
    cell: Any = ws.cell(row=row, column=col)
    kept = _keep_runs(cell.value, value)
    try:
        cell.value = kept if kept is not None else value
    except IllegalCharacterError:
        # a control character the input itself held (stored as _x0001_): openpyxl refuses to take it,
        # the writer (files.carry) stores it escaped again, as Excel does
        cell._value = str(value)
        cell.data_type = "s"
    if isinstance(value, str) and value[:1] in "=+-@" and (not formula or not value.startswith("=")):
        cell.data_type = "s"


def _keep_runs(current: Any, new: Any) -> Any:
    """Rich text (runs in several fonts) with a same-length new text: keep every run's font.

    Rolling a year over replaces four digits by four digits, so each character of the
    new text belongs to the run its old character was in; a bold amount stays bold.
    """
    if current is None or type(current) is str:
        return None  # the usual cell, new or plain text: nothing to keep (and no import per cell)
    from openpyxl.cell.rich_text import CellRichText, TextBlock

    if not isinstance(current, CellRichText) or not isinstance(new, str) or len(str(current)) != len(new):
        return None
    out, pos = [], 0
    for run in current:
        text = run.text if isinstance(run, TextBlock) else str(run)
        piece = new[pos : pos + len(text)]
        pos += len(text)
        out.append(TextBlock(run.font, piece) if isinstance(run, TextBlock) else piece)
    return CellRichText(out)
