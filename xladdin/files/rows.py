"""Insert and delete whole rows inside a sheet without breaking what openpyxl forgets.

openpyxl's ``insert_rows`` / ``delete_rows`` move cell values and styles, but leave
merged ranges, row heights, hyperlink anchors, conditional formats, data validations,
and formulas pointing at the moved rows where they were.  In a 绩效目标表 that means a
merged 一级/二级 block that suddenly covers the wrong rows, an indicator name whose
C:D merge now sits on an empty row, and a 成本测算 formula reading the wrong cell.
These helpers do the bookkeeping, so that inserting rows in the middle of a project
table leaves every row below it exactly as it was, one row lower.
"""

from __future__ import annotations

import re
from copy import copy
from typing import Any

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.merge import MergedCellRange

# A cell or range reference inside a formula, optionally qualified by a sheet name.
_REF = re.compile(
    r"(?P<sheet>(?:'(?:[^']|'')+'|[A-Za-z_\u4e00-\u9fff][\w.\u4e00-\u9fff]*)!)?"
    r"(?P<c1>\$?[A-Z]{1,3})(?P<r1>\$?\d+)(?::(?P<c2>\$?[A-Z]{1,3})(?P<r2>\$?\d+))?(?![\w(])"
)
_STRING = re.compile(r'"(?:[^"]|"")*"')


def _shift_row(text: str, at: int, delta: int) -> str:
    absolute = text.startswith("$")
    n = int(text.lstrip("$"))
    if n >= at:
        n += delta
    return ("$" if absolute else "") + str(n)


def _sheet_of(prefix: str | None) -> str | None:
    if not prefix:
        return None
    name = prefix[:-1]
    if name.startswith("'"):
        name = name[1:-1].replace("''", "'")
    return name


def shift_formula(formula: str, formula_sheet: str, target_sheet: str, at: int, delta: int) -> str:
    """A formula with every reference to rows ≥ ``at`` of ``target_sheet`` moved by ``delta``.

    References without a sheet name belong to the sheet the formula is in.  Text inside
    string literals is left alone, so ``="A12"`` stays what it says.
    """
    if not isinstance(formula, str) or not formula.startswith("="):
        return formula
    out: list[str] = []
    pos = 0
    for m in _STRING.finditer(formula):
        out.append(_shift_refs(formula[pos : m.start()], formula_sheet, target_sheet, at, delta))
        out.append(m.group(0))
        pos = m.end()
    out.append(_shift_refs(formula[pos:], formula_sheet, target_sheet, at, delta))
    return "".join(out)


def _shift_refs(text: str, formula_sheet: str, target_sheet: str, at: int, delta: int) -> str:
    def repl(m: re.Match[str]) -> str:
        sheet = _sheet_of(m.group("sheet")) or formula_sheet
        if sheet != target_sheet:
            return m.group(0)
        s = (m.group("sheet") or "") + m.group("c1") + _shift_row(m.group("r1"), at, delta)
        if m.group("c2"):
            s += ":" + m.group("c2") + _shift_row(m.group("r2"), at, delta)
        return s

    return _REF.sub(repl, text)


# --------------------------------------------------------------------------- styles


def copy_style(src: Any, dst: Any) -> None:
    """Font, border, fill, alignment, number format and protection of one cell onto another."""
    if src.has_style:
        dst._style = copy(src._style)


def _drop_merges_from(ws: Any, first_row: int) -> list[CellRange]:
    """Forget the merged ranges reaching row ``first_row`` or below, keeping their cells.

    Ranges wholly above cannot move and stay as they are (re-adding every range of a
    sheet on every insertion made filling a large workbook quadratic).
    """
    dropped = []
    for r in list(ws.merged_cells.ranges):
        if r.max_row >= first_row:
            ws.merged_cells.remove(r)
            dropped.append(CellRange(r.coord))
    return dropped


def add_merge(ws: Any, rng: CellRange, style_row: int | None = None) -> None:
    """Merge a range without clearing the borders its covered cells already carry.

    ``ws.merge_cells`` replaces every covered cell by a fresh MergedCell and copies only
    the top-left cell's border edges, which loses e.g. the right border an E:F merge
    keeps on F.  Covered cells that are ordinary cells become MergedCells with their
    own style; cells that do not exist yet take the style of ``style_row``'s cell.
    """
    for row in range(rng.min_row, rng.max_row + 1):
        for col in range(rng.min_col, rng.max_col + 1):
            if (row, col) == (rng.min_row, rng.min_col):
                ws.cell(row=row, column=col)
                continue
            cur = ws._cells.get((row, col))
            if isinstance(cur, MergedCell):
                continue
            mc = MergedCell(ws, row=row, column=col)
            if cur is not None and cur.has_style:
                mc._style = copy(cur._style)  # type: ignore[attr-defined]
            elif style_row is not None:
                src = ws._cells.get((style_row, col))
                if src is not None and src.has_style:
                    mc._style = copy(src._style)  # type: ignore[attr-defined]
            ws._cells[(row, col)] = mc
    ws.merged_cells.add(_merged_range(ws, rng.coord))


def _merged_range(ws: Any, coord: str) -> MergedCellRange:
    """A MergedCellRange without the border copying its constructor does.

    ``MergedCellRange(ws, coord)`` adds the bottom-right cell's right/bottom borders to
    the top-left cell each time it is built; re-adding a range after a row move must not
    change any cell's look.
    """
    rng = MergedCellRange.__new__(MergedCellRange)
    CellRange.__init__(rng, range_string=coord)
    rng.ws = ws
    rng.start_cell = ws._cells.get((rng.min_row, rng.min_col)) or ws.cell(row=rng.min_row, column=rng.min_col)
    return rng


def remove_merge(ws: Any, coord: str) -> None:
    """Unmerge keeping the covered cells' styles (they become ordinary empty cells)."""
    for r in list(ws.merged_cells.ranges):
        if r.coord == coord:
            ws.merged_cells.remove(r)
            for row in range(r.min_row, r.max_row + 1):
                for col in range(r.min_col, r.max_col + 1):
                    cur = ws._cells.get((row, col))
                    if isinstance(cur, MergedCell):
                        cell = Cell(ws, row=row, column=col)
                        cell._style = copy(cur._style)  # type: ignore[attr-defined]
                        ws._cells[(row, col)] = cell
            return


# --------------------------------------------------------------------------- rows


def range_after(rng: CellRange, at: int, delta: int) -> CellRange | None:
    """Where a range ends up after rows move; None when all its rows were deleted.

    ``delta > 0``: ``delta`` rows were inserted before row ``at``.  ``delta < 0``: rows
    ``at + delta … at - 1`` were deleted.  A range spanning an insertion point grows; a
    range losing some of its rows shrinks.
    """
    if delta > 0:
        if rng.min_row >= at:
            return CellRange(
                min_col=rng.min_col, min_row=rng.min_row + delta, max_col=rng.max_col, max_row=rng.max_row + delta
            )
        if rng.max_row >= at:
            return CellRange(min_col=rng.min_col, min_row=rng.min_row, max_col=rng.max_col, max_row=rng.max_row + delta)
        return CellRange(rng.coord)
    first, last = at + delta, at - 1
    if rng.max_row < first:
        return CellRange(rng.coord)
    if rng.min_row > last:
        return CellRange(
            min_col=rng.min_col, min_row=rng.min_row + delta, max_col=rng.max_col, max_row=rng.max_row + delta
        )
    kept_before = max(0, min(rng.max_row, first - 1) - rng.min_row + 1)
    kept_after = max(0, rng.max_row - max(rng.min_row, last + 1) + 1)
    kept = kept_before + kept_after
    if kept == 0:
        return None
    top = rng.min_row if rng.min_row < first else first
    return CellRange(min_col=rng.min_col, min_row=top, max_col=rng.max_col, max_row=top + kept - 1)


def _move_heights(ws: Any, at: int, delta: int) -> None:
    """Row heights follow their rows (openpyxl leaves them behind)."""
    moved = {r: d.height for r, d in list(ws.row_dimensions.items()) if r >= (at + min(delta, 0))}
    for r in moved:
        ws.row_dimensions[r].height = None
    for r, h in moved.items():
        if h is None:
            continue
        if delta < 0 and at + delta <= r < at:
            continue  # a deleted row
        if r >= at:
            ws.row_dimensions[r + delta].height = h
        elif delta > 0:
            ws.row_dimensions[r].height = h


def formula_cells(wb: Any) -> list[tuple[Any, Any]]:
    """Every cell holding a formula or an internal hyperlink, once: row moves touch only these.

    A caller moving rows many times (fill inserts in every project) passes this list to
    each call instead of letting each call scan every cell of every sheet.  Cells keep
    their identity when rows move, so the list stays valid while none is added.
    """
    out = []
    for ws in wb.worksheets:
        for cell in ws._cells.values():
            link = getattr(cell, "hyperlink", None)
            if (cell.data_type == "f" and isinstance(cell.value, str)) or (link is not None and link.location):
                out.append((ws, cell))
    return out


def insert_rows(
    ws: Any,
    at: int,
    count: int,
    template: int | None = None,
    formulas: list[tuple[Any, Any]] | None = None,
    copy_merges: bool = True,
) -> None:
    """Insert ``count`` empty rows before row ``at``; rows from ``at`` move down.

    Merges below move down; a merge spanning the insertion point (a 一级 block whose
    middle gets new rows) grows.  New rows copy the style and height of ``template`` (a
    row of the same table, given in coordinates *before* the insertion), and its
    horizontal merges (C:D, E:F) unless ``copy_merges`` is False (a plan that says its
    merges itself).  Formulas anywhere in the workbook that point at moved rows of this
    sheet are moved too.
    """
    if count <= 0:
        return
    ranges = _drop_merges_from(ws, min(at, template if template is not None else at))
    ws.insert_rows(at, count)
    _move_heights(ws, at, count)
    new_ranges = [r for r in (range_after(rng, at, count) for rng in ranges) if r is not None]
    src = None
    if template is not None:
        src = template + count if template >= at else template
        for col in range(1, ws.max_column + 1):
            s = ws._cells.get((src, col))
            if s is None:
                continue
            for r in range(at, at + count):
                d = Cell(ws, row=r, column=col)
                ws._cells[(r, col)] = d
                copy_style(s, d)
        h = ws.row_dimensions[src].height if src in ws.row_dimensions else None
        for r in range(at, at + count):
            ws.row_dimensions[r].height = h
        for rng in list(new_ranges) if copy_merges else ():
            if rng.min_row == rng.max_row == src:
                for r in range(at, at + count):
                    new_ranges.append(CellRange(min_col=rng.min_col, min_row=r, max_col=rng.max_col, max_row=r))
    for rng in new_ranges:
        add_merge(ws, rng, style_row=src)
    _fix_after_move(ws, at, count, formulas)


def delete_rows(ws: Any, at: int, count: int, formulas: list[tuple[Any, Any]] | None = None) -> None:
    """Delete ``count`` rows from row ``at``: the inverse of ``insert_rows``."""
    if count <= 0:
        return
    ranges = _drop_merges_from(ws, at)
    ws.delete_rows(at, count)
    _move_heights(ws, at + count, -count)
    for rng in ranges:
        new = range_after(rng, at + count, -count)
        if new is not None and new.size["rows"] * new.size["columns"] > 1:
            add_merge(ws, new)
    _fix_after_move(ws, at + count, -count, formulas)


def _fix_after_move(ws: Any, at: int, delta: int, formulas: list[tuple[Any, Any]] | None) -> None:
    """Hyperlink anchors, conditional formats, validations and formulas after a move."""
    for cell in ws._cells.values():
        if getattr(cell, "hyperlink", None) is not None:
            cell.hyperlink.ref = cell.coordinate
    _shift_conditional_formats(ws, at, delta)
    _shift_validations(ws, at, delta)
    _shift_drawings(ws, at, delta)
    title = ws.title
    for other, cell in formulas if formulas is not None else formula_cells(ws.parent):
        v = cell.value
        link = getattr(cell, "hyperlink", None)
        if other is not ws and title not in str(v) and not (link is not None and title in str(link.location)):
            continue  # cannot refer to the moved sheet
        if cell.data_type == "f" and isinstance(v, str) and v.startswith("="):
            new = shift_formula(v, other.title, ws.title, at, delta)
            if new != v:
                cell.value = new
        if link is not None and link.location:
            loc = shift_formula("=" + link.location, other.title, ws.title, at, delta)[1:]
            if loc != link.location:
                link.location = loc


def _shift_sqref(sqref: str, at: int, delta: int) -> str:
    parts = []
    for part in str(sqref).split():
        r = range_after(CellRange(part), at, delta)
        if r is not None:
            parts.append(r.coord)
    return " ".join(parts)


def _shift_conditional_formats(ws: Any, at: int, delta: int) -> None:
    cf = ws.conditional_formatting
    rules = list(cf._cf_rules.items())
    if not rules:
        return
    from openpyxl.formatting.formatting import ConditionalFormattingList

    new = ConditionalFormattingList()
    for fmt, rule_list in rules:
        sq = _shift_sqref(str(fmt.sqref), at, delta)
        if not sq:
            continue
        for rule in rule_list:
            new.add(sq, rule)
    ws.conditional_formatting = new


def _shift_drawings(ws: Any, at: int, delta: int) -> None:
    """Charts and pictures from row ``at`` down go with their rows, as Excel moves them.

    Without this a chart placed under the 项目汇总 table stays put while new lines push
    the table down into it.  (Anchor markers count rows from 0.)
    """
    for obj in [*getattr(ws, "_charts", ()), *getattr(ws, "_images", ())]:
        anchor = obj.anchor
        if isinstance(anchor, str):  # "A12", as a chart added in this run has it
            cell = CellRange(anchor)
            if cell.min_row >= at:
                obj.anchor = f"{get_column_letter(cell.min_col)}{cell.min_row + delta}"
            continue
        for marker in (getattr(anchor, "_from", None), getattr(anchor, "to", None)):
            if marker is not None and marker.row >= at - 1:
                marker.row += delta


def _shift_validations(ws: Any, at: int, delta: int) -> None:
    dvs = getattr(ws, "data_validations", None)
    if dvs is None:
        return
    for dv in list(dvs.dataValidation):
        sq = _shift_sqref(str(dv.sqref), at, delta)
        if sq:
            dv.sqref = sq
        else:
            dvs.dataValidation.remove(dv)
