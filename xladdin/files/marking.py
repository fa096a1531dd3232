"""Marks in a file, with openpyxl: the ``MarkCells`` and ``ClearMarks`` steps of a plan.

What a marked cell held before (its fill exactly as the file stores it, and its note) is
kept in the hidden sheet ``xladdin标记`` (layout in ``xladdin.marks``), so clearing puts
every cell back as it was.  A user's own note on a flagged cell is kept: the tool's text
is appended below it and taken off again on clear.  A cell the user changed after it was
marked (another fill, an edited note) keeps the user's change.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from xladdin.conventions import MARK_FILL, REPORT_SHEET, STATE_SHEET
from xladdin.files.cells import fill_from_xml, fill_xml, is_solid, solid, top_left
from xladdin.files.journal import append_text_row
from xladdin.marks import (
    NOTE_AUTHOR,
    NOTE_TAG,
    STATE_HEADER,
    Mark,
    MarkState,
    combine_note,
    labelled_format,
    strip_note,
)

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.comments import Comment

NOTE_WIDTH = 360  # points: wide enough for a two-line Chinese message
_LINE_HEIGHT = 16


# --------------------------------------------------------------------------- fills and notes as data


def fill_to_json(fill: Any) -> dict[str, Any]:
    """A cell's fill as the state sheet keeps it (this shell's flavour: the fill element)."""
    return {"xml": fill_xml(fill)}


def fill_from_json(data: dict[str, Any] | None) -> Any | None:
    """The fill stored in the state sheet; None for a flavour this shell cannot restore.

    The Excel shell stores ``{"color": "#rrggbb"}`` (or null for no fill): that is a
    solid colour, which this shell can put back too.  Where xlwings Server/Lite could not
    read the fill (``"unread"``), the cell is left without one, as the Excel shell does.
    """
    if not data:
        return None
    if "xml" in data:
        return fill_from_xml(str(data["xml"]))
    if "color" in data:
        color = data["color"]
        if color is None:
            from openpyxl.styles import PatternFill

            return PatternFill()
        return solid(str(color).lstrip("#").upper())
    return None


def note_to_json(comment: Comment | None) -> dict[str, Any] | None:
    if comment is None:
        return None
    return {"text": comment.text, "author": comment.author, "width": comment.width, "height": comment.height}


def note_from_json(data: dict[str, Any] | None) -> Comment | None:
    if not data or data.get("text") is None:
        return None
    from openpyxl.comments import Comment

    c = Comment(data.get("text") or "", data.get("author") or "")
    if data.get("width"):
        c.width = data["width"]
    if data.get("height"):
        c.height = data["height"]
    return c


def tool_note(text: str, author: str = NOTE_AUTHOR) -> Comment:
    from openpyxl.comments import Comment

    c = Comment(text, author)
    c.width = NOTE_WIDTH
    c.height = max(60, _LINE_HEIGHT * (2 + sum(1 + len(line) // 24 for line in text.splitlines())))
    return c


def _comment_like(old: Comment, text: str) -> Comment:
    from openpyxl.comments import Comment

    c = Comment(text, old.author)
    c.width, c.height = old.width, old.height
    return c


# --------------------------------------------------------------------------- clear


def clear_marks(
    wb: Workbook,
    states: tuple[MarkState, ...],
    without_state: bool,
    unhighlighted: set[tuple[str, str]] | None = None,
    at: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Undo the tool's marks per their states (or, without a state sheet, by the tool's notes).

    ``unhighlighted``: cells whose highlight (painted over the mark) was just taken off, which
    gave them the fill from before the mark already: their fill is left, not counted as kept.
    ``at``: told the sheet of each state before it is undone (the progress of a long run).
    """
    counts = {"cells": 0, "notes": 0, "kept": 0}
    done = unhighlighted or set()
    by_name = {ws.title: ws for ws in wb.worksheets}
    for st in states:
        ws = by_name.get(st.sheet)
        if ws is None:
            continue
        if at is not None:
            at(st.sheet)
        cell = top_left(ws, st.cell)
        if (st.sheet, st.cell) in done:
            pass
        elif is_solid(cell.fill, st.fill_set):
            before = fill_from_json(st.fill_before)
            if before is not None:
                cell.fill = before
                counts["cells"] += 1
        else:
            counts["kept"] += 1
        fmt = st.format_to_restore(cell.number_format)
        if fmt is not None:
            cell.number_format = fmt
        current = cell.comment
        if current is not None and current.text == st.note_set:
            cell.comment = note_from_json(st.note_before)
            counts["notes"] += 1
        elif current is not None and NOTE_TAG in current.text:
            rest = strip_note(current.text)
            cell.comment = None if rest is None else _comment_like(current, rest)
            counts["notes"] += 1
    if without_state:
        _clear_without_state(wb, counts)
    if STATE_SHEET in wb.sheetnames:
        wb.remove(wb[STATE_SHEET])
    return counts


def _clear_without_state(wb: Workbook, counts: dict[str, int]) -> None:
    """No state sheet (deleted by hand): take off the tool's notes, and its colour where it put a note."""
    from openpyxl.styles import PatternFill

    for ws in wb.worksheets:
        if ws.title in (REPORT_SHEET, STATE_SHEET):
            continue
        for row in ws.iter_rows():
            for cell in row:
                c = cell.comment
                if c is None or NOTE_TAG not in c.text:
                    continue
                if any(is_solid(cell.fill, hx) for hx in MARK_FILL.values()):
                    cell.fill = PatternFill()
                    counts["cells"] += 1
                rest = strip_note(c.text)
                cell.comment = None if rest is None else _comment_like(c, rest)
                counts["notes"] += 1


# --------------------------------------------------------------------------- mark


def mark_cells(wb: Workbook, marks: tuple[Mark, ...], at: Callable[[str], None] | None = None) -> int:
    """Colour and annotate every flagged cell, and write the state sheet; returns the cells marked.

    ``at``: told the sheet of each mark before it is made (the progress of a long run).
    """
    states: list[MarkState] = []
    by_name = {ws.title: ws for ws in wb.worksheets}  # wb[name] and wb.sheetnames walk every sheet
    for mark in marks:
        ws = by_name.get(mark.sheet)
        if ws is None:
            continue
        if at is not None:
            at(mark.sheet)
        cell = top_left(ws, mark.cell)
        before_fill = fill_to_json(cell.fill)
        before_note = note_to_json(cell.comment)
        user_text = strip_note(cell.comment.text) if cell.comment is not None else None
        text = combine_note(user_text, mark.note)
        author = cell.comment.author if cell.comment is not None and user_text else NOTE_AUTHOR
        cell.fill = solid(mark.fill)
        cell.comment = tool_note(text, author)
        # the finding's number in front of what the cell shows: it prints, in grey too, and the value stays
        format_before = cell.number_format or "General"
        format_set = labelled_format(format_before, mark.label) if mark.label else ""
        if format_set:
            cell.number_format = format_set
        states.append(
            MarkState(mark.sheet, cell.coordinate, before_fill, before_note, mark.fill, text, format_before, format_set)
        )
    _write_state(wb, states)
    return len(states)


def _write_state(wb: Workbook, states: list[MarkState]) -> None:
    if STATE_SHEET in wb.sheetnames:
        wb.remove(wb[STATE_SHEET])
    ws = wb.create_sheet(STATE_SHEET)
    ws.sheet_state = "hidden"
    ws.append(list(STATE_HEADER))
    for st in states:  # one row per marked cell: appended (O(1)), never placed by ws.max_row (O(cells))
        append_text_row(ws, list(st.row()))
