"""Findings in place, with openpyxl: colour and note each flagged cell, add 校验结果, and clear.

The plan comes from the core (``xladdin.marks.plan_marks``, ``xladdin.report_sheet``);
this shell only applies it.  What a marked cell held before (its fill, exactly as the
file stores it, and its note) is kept in the hidden sheet ``xladdin标记``, so clearing
puts every cell back as it was.  Marking always clears the previous marks first, so
marking twice gives the same workbook as marking once.

A user's own note on a flagged cell is kept: the tool's text is appended below it and
taken off again on clear.  A cell the user changed after it was marked (another fill,
an edited note) keeps the user's change.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.files.workbooks import set_internal_link, sheet_from_openpyxl
from xladdin.files.writing import load_for_edit, save_edited
from xladdin.marks import (
    FILL,
    NOTE_AUTHOR,
    NOTE_TAG,
    STATE_HEADER,
    STATE_SHEET,
    MarkState,
    combine_note,
    plan_marks,
    read_state,
    strip_note,
)
from xladdin.report_sheet import REPORT_SHEET, ReportSheet, report_rows

NOTE_WIDTH = 360  # points: wide enough for a two-line Chinese message
_LINE_HEIGHT = 16


# --------------------------------------------------------------------------- fills and notes as data


def fill_to_json(fill: Any) -> dict[str, Any]:
    from openpyxl.xml.functions import tostring

    return {"xml": tostring(fill.to_tree()).decode("utf-8")}


def fill_from_json(data: dict[str, Any] | None) -> Any | None:
    """The fill stored by ``fill_to_json``; None for a format this shell does not know."""
    if not data or "xml" not in data:
        return None
    from openpyxl.styles.fills import Fill
    from openpyxl.xml.functions import fromstring

    try:
        return Fill.from_tree(fromstring(data["xml"]))
    except Exception:
        return None


def solid(hex_rgb: str) -> Any:
    from openpyxl.styles import PatternFill

    return PatternFill(fill_type="solid", fgColor="FF" + hex_rgb, bgColor="FF" + hex_rgb)


def is_mark_fill(fill: Any, hex_rgb: str) -> bool:
    """The cell still carries the colour the tool gave it."""
    try:
        return fill.fill_type == "solid" and str(fill.fgColor.rgb).upper()[-6:] == hex_rgb.upper()
    except AttributeError:
        return False


def note_to_json(comment: Any) -> dict[str, Any] | None:
    if comment is None:
        return None
    return {"text": comment.text, "author": comment.author, "width": comment.width, "height": comment.height}


def note_from_json(data: dict[str, Any] | None) -> Any | None:
    if not data:
        return None
    from openpyxl.comments import Comment

    c = Comment(data.get("text") or "", data.get("author") or "")
    if data.get("width"):
        c.width = data["width"]
    if data.get("height"):
        c.height = data["height"]
    return c


def tool_note(text: str, author: str = NOTE_AUTHOR) -> Any:
    from openpyxl.comments import Comment

    c = Comment(text, author)
    c.width = NOTE_WIDTH
    c.height = max(60, _LINE_HEIGHT * (2 + sum(1 + len(line) // 24 for line in text.splitlines())))
    return c


def _top_left(ws: Any, ref: str) -> Any:
    """The cell a mark goes on: a merged range is marked on its top-left cell."""
    for m in ws.merged_cells.ranges:
        if ref in m:
            return ws.cell(row=m.min_row, column=m.min_col)
    return ws[ref]


# --------------------------------------------------------------------------- clear


def clear_marks(wb: Any) -> dict[str, int]:
    """Undo the tool's marks in an open workbook; returns counts of what was restored."""
    counts = {"cells": 0, "notes": 0, "kept": 0, "sheets": 0}
    states: list[MarkState] = []
    if STATE_SHEET in wb.sheetnames:
        states = read_state(sheet_from_openpyxl(wb[STATE_SHEET]))
    elif REPORT_SHEET in wb.sheetnames and not _looks_like_ours(wb[REPORT_SHEET]):
        states = []
    for st in states:
        if st.sheet not in wb.sheetnames:
            continue
        cell = _top_left(wb[st.sheet], st.cell)
        if is_mark_fill(cell.fill, st.fill_set):
            before = fill_from_json(st.fill_before)
            if before is not None:
                cell.fill = before
                counts["cells"] += 1
        else:
            counts["kept"] += 1
        current = cell.comment
        if current is not None and current.text == st.note_set:
            cell.comment = note_from_json(st.note_before)
            counts["notes"] += 1
        elif current is not None and NOTE_TAG in current.text:
            rest = strip_note(current.text)
            cell.comment = None if rest is None else _comment_like(current, rest)
            counts["notes"] += 1
    if not states:
        counts = _clear_without_state(wb, counts)
    for name in (REPORT_SHEET, STATE_SHEET):
        if name in wb.sheetnames and (name == STATE_SHEET or _looks_like_ours(wb[name])):
            wb.remove(wb[name])
            counts["sheets"] += 1
    return counts


def _comment_like(old: Any, text: str) -> Any:
    from openpyxl.comments import Comment

    c = Comment(text, old.author)
    c.width, c.height = old.width, old.height
    return c


def _clear_without_state(wb: Any, counts: dict[str, int]) -> dict[str, int]:
    """No state sheet (deleted by hand): take off the tool's notes, and its colour where it put a note."""
    for ws in wb.worksheets:
        if ws.title in (REPORT_SHEET, STATE_SHEET):
            continue
        for row in ws.iter_rows():
            for cell in row:
                c = cell.comment
                if c is None or NOTE_TAG not in c.text:
                    continue
                if any(is_mark_fill(cell.fill, hx) for hx in FILL.values()):
                    from openpyxl.styles import PatternFill

                    cell.fill = PatternFill()
                    counts["cells"] += 1
                rest = strip_note(c.text)
                cell.comment = None if rest is None else _comment_like(c, rest)
                counts["notes"] += 1
    return counts


def _looks_like_ours(ws: Any) -> bool:
    v = ws.cell(row=1, column=1).value
    return isinstance(v, str) and v.startswith("校验结果")


# --------------------------------------------------------------------------- mark


def apply_marks(wb: Any, result: Any) -> int:
    """Clear old marks, then colour and annotate every flagged cell and add the report sheet."""
    if REPORT_SHEET in wb.sheetnames and not _looks_like_ours(wb[REPORT_SHEET]):
        raise UserError(
            f"工作簿中已有一张名为“{REPORT_SHEET}”的工作表，但不是 xladdin 生成的。请先把它改名，再标记校验结果。"
        )
    clear_marks(wb)
    states: list[MarkState] = []
    for mark in plan_marks(result):
        if mark.sheet not in wb.sheetnames:
            continue
        cell = _top_left(wb[mark.sheet], mark.cell)
        before_fill = fill_to_json(cell.fill)
        before_note = note_to_json(cell.comment)
        user_text = strip_note(cell.comment.text) if cell.comment is not None else None
        text = combine_note(user_text, mark.note)
        author = cell.comment.author if cell.comment is not None and user_text else NOTE_AUTHOR
        cell.fill = solid(mark.fill)
        cell.comment = tool_note(text, author)
        states.append(MarkState(mark.sheet, cell.coordinate, before_fill, before_note, mark.fill, text))
    _write_report(wb, result)
    _write_state(wb, states)
    return len(states)


def _write_report(wb: Any, result: Any) -> None:
    rs = report_rows(result)
    write_report_sheet(wb.create_sheet(rs.name), rs)
    wb[rs.name].freeze_panes = None


def write_report_sheet(ws: Any, rs: ReportSheet) -> None:
    """A ``ReportSheet`` into an empty openpyxl sheet: text stays text, headers grey, links, severity colours."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.hyperlink import Hyperlink

    for r, row in enumerate(rs.rows, start=1):
        for c, v in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str) and v[:1] in "=+-@":
                cell.data_type = "s"
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for r in rs.header_rows:
        for c in range(1, len(rs.rows[r - 1]) + 1):
            ws.cell(row=r, column=c).font = Font(bold=True)
            ws.cell(row=r, column=c).fill = PatternFill(fill_type="solid", fgColor="FFD9D9D9")
    for (r, c), target in rs.links.items():
        set_internal_link(ws.cell(row=r, column=c), target)
    for (r, c), (target, place) in rs.file_links.items():
        cell = ws.cell(row=r, column=c)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, target=target, location=place or None)
        cell.style = "Hyperlink"
    message_col = rs.severity_col + 1
    for r, sev in rs.severity_of_row.items():
        ws.cell(row=r, column=rs.severity_col).fill = solid(FILL.get(sev, FILL["info"]))
        if message_col <= len(rs.rows[r - 1]):
            ws.cell(row=r, column=message_col).alignment = Alignment(wrap_text=True, vertical="top")
    for i, w in enumerate(rs.widths, start=1):
        ws.column_dimensions[chr(64 + i)].width = w
    for r, h in rs.row_heights.items():
        ws.row_dimensions[r].height = h


def write_batch_report(path: str | Path, sheets: list[ReportSheet]) -> Path:
    """The reviewer's report workbook (a new file, written atomically); header rows frozen and filtered."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    from xladdin.files.saving import save_atomic

    wb = Workbook()
    wb.remove(wb.active)
    for rs in sheets:
        ws = wb.create_sheet(rs.name)
        write_report_sheet(ws, rs)
        if rs.header_rows:
            header = rs.header_rows[-1]
            ws.freeze_panes = f"A{header + 1}"
            ws.print_title_rows = f"{header}:{header}"
            if header == 1:
                ws.auto_filter.ref = f"A1:{chr(64 + len(rs.rows[0]))}{len(rs.rows)}"
            for row in ws.iter_rows(min_row=header + 1):  # long texts wrap instead of running off the page
                for cell in row:
                    wrap = isinstance(cell.value, str) and len(cell.value) > 12
                    cell.alignment = Alignment(wrap_text=wrap, vertical="top")
        # printed for a meeting: A4 landscape, all columns on one page width
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape"
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    return save_atomic(wb, path)


def _write_state(wb: Any, states: list[MarkState]) -> None:
    ws = wb.create_sheet(STATE_SHEET)
    ws.sheet_state = "hidden"
    ws.append(list(STATE_HEADER))
    for st in states:
        r = ws.max_row + 1
        for c, v in enumerate(st.row(), start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = v
            if isinstance(v, str) and v[:1] in "=+-@":
                cell.data_type = "s"


# --------------------------------------------------------------------------- files


def mark_file(
    source: str | Path, result: Any, output: str | Path | None = None, in_place: bool = False, force: bool = False
) -> Path:
    """Write ``source`` with the findings of ``result`` marked, to ``output`` (or in place)."""
    wb = load_for_edit(source)
    apply_marks(wb, result)
    return save_edited(wb, source, output, in_place=in_place, force=force)


def clear_file(
    source: str | Path, output: str | Path | None = None, in_place: bool = False, force: bool = False
) -> tuple[Path, dict[str, int]]:
    """Write ``source`` without the tool's marks, notes and report sheet."""
    wb = load_for_edit(source)
    counts = clear_marks(wb)
    return save_edited(wb, source, output, in_place=in_place, force=force), counts


__all__ = [
    "apply_marks",
    "clear_file",
    "clear_marks",
    "fill_from_json",
    "fill_to_json",
    "mark_file",
    "write_batch_report",
    "write_report_sheet",
]
