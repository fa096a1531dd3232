"""Marks in an open workbook, with xlwings: the ``MarkCells`` and ``ClearMarks`` steps of a plan.

Keeps the same hidden state sheet (``xladdin标记``, see ``xladdin.marks``) as the file
shell, so a workbook marked in Excel can be cleared on the command line and the other way
round.  The xlwings flavour of a previous fill is ``{"color": "#rrggbb"}`` or
``{"color": null}`` (no fill).  On xlwings Server/Lite fills and note texts cannot be read
back, so the previous fill is recorded as ``{"color": null, "unread": true}`` (clearing then
removes the fill), and a cell that already carries a note is left without the tool's note
rather than risk the user's text.
"""

from __future__ import annotations

from typing import Any

from xladdin.conventions import STATE_SHEET
from xladdin.excel import bulk
from xladdin.marks import NOTE_TAG, STATE_HEADER, Mark, MarkState, combine_note, labelled_format
from xladdin.model import parse_ref


def _hash(fill: str) -> str:
    return "#" + fill.lower().lstrip("#")


def mark_cells(book: Any, marks: tuple[Mark, ...]) -> int:
    """Colour and annotate each flagged cell and write the state; returns the cells marked."""
    by_sheet: dict[str, list[Mark]] = {}
    for m in marks:
        by_sheet.setdefault(m.sheet, []).append(m)
    states: list[MarkState] = []
    for name, ms in by_sheet.items():
        sh = bulk.find_sheet(book, name)
        if sh is None:
            continue
        before = bulk.read_colors(sh, [m.cell for m in ms])
        bulk.write_colors(sh, {parse_ref(m.cell): _hash(m.fill) for m in ms})
        for m in ms:
            note_before, note_set = _put_note(sh, m.cell, m.note)
            fill_before: dict[str, Any] = (
                {"color": before[m.cell]} if m.cell in before else {"color": None, "unread": True}
            )
            format_before, format_set = _put_label(sh, m)
            states.append(
                MarkState(name, m.cell, fill_before, note_before, m.fill, note_set, format_before, format_set)
            )
    state, _ = bulk.ensure_sheet(book, STATE_SHEET, hidden=True)
    bulk.replace_table(
        state, [list(STATE_HEADER)] + [s.row() for s in states], text_columns=range(1, len(STATE_HEADER) + 1)
    )
    return len(states)


def _put_label(sheet: Any, m: Mark) -> tuple[str | None, str]:
    """The finding's number in front of what the cell shows (``marks.labelled_format``);
    (format before, format written).  Where the engine cannot read the cell's format (xlwings
    Server/Lite), a text cell is taken as General — a number format does not change how a
    text looks, so 清除标记 loses nothing — and a number is left without the number."""
    if not m.label:
        return None, ""
    rng = sheet.range(m.cell)
    try:
        before = rng.number_format
    except Exception:
        before = None
    if not isinstance(before, str):
        if not isinstance(rng.value, str):
            return None, ""
        before = "General"
    written = labelled_format(before or "General", m.label)
    rng.number_format = written
    return before or "General", written


def _put_note(sheet: Any, ref: str, text: str) -> tuple[dict[str, Any] | None, str]:
    """Add the tool's note; below the user's own text when it can be read.  (note before, note written)."""
    rng = sheet.range(ref)
    existing = bulk.note_of(rng)
    if existing is None:
        rng.add_note(text)
        return None, text
    user = bulk.note_text(existing)
    if user is None:  # the engine cannot read it: leave the user's note alone
        return {"text": None, "unread": True}, ""
    combined = combine_note(user, text)
    existing.text = combined
    return {"text": user}, combined


def _fill_to_restore(before: dict[str, Any] | None) -> tuple[bool, str | None]:
    """(known, colour) from a state's previous fill, whichever shell wrote it."""
    if not isinstance(before, dict):
        return True, None
    if "color" in before:
        return True, before["color"]
    return bulk.color_of_fill_xml(before.get("xml"))  # written by the file shell


def clear_marks(
    book: Any,
    states: tuple[MarkState, ...],
    without_state: bool,
    unhighlighted: set[tuple[str, str]] | None = None,
) -> dict[str, int]:
    """Take back what marking did, per the states; then the state sheet goes.

    Without a state sheet the tool's notes cannot be found in bulk here (xlwings reads no
    notes of a whole sheet): only the state sheet's cells are cleared, which is every
    cell the tool marked unless someone deleted that sheet by hand.
    """
    counts = {"cells": 0, "notes": 0, "kept": 0}
    by_sheet: dict[str, list[MarkState]] = {}
    for s in states:
        by_sheet.setdefault(s.sheet, []).append(s)
    for name, ss in by_sheet.items():
        sh = bulk.find_sheet(book, name)
        if sh is None:
            continue
        now = bulk.read_colors(sh, [s.cell for s in ss])
        colors: dict[tuple[int, int], str | None] = {}
        for s in ss:
            known, color = _fill_to_restore(s.fill_before)
            if not known or (s.sheet, s.cell) in (unhighlighted or ()):
                continue  # unknown, or given back with the highlight over it (``ClearHighlights``)
            if s.cell in now and (now[s.cell] or "").lower() != _hash(s.fill_set):
                counts["kept"] += 1
                continue  # the user recoloured the cell since: keep their colour
            colors[parse_ref(s.cell)] = color
        bulk.write_colors(sh, colors)
        counts["cells"] += len(colors)
        for s in ss:
            if s.note_set and _take_note(sh, s):
                counts["notes"] += 1
            if s.format_set:
                rng = sh.range(s.cell)
                try:
                    current = rng.number_format
                except Exception:
                    current = s.format_set  # unreadable: the state's word is taken
                fmt = s.format_to_restore(current)
                if fmt is not None:
                    rng.number_format = fmt
    sh = bulk.find_sheet(book, STATE_SHEET)
    if sh is not None:
        sh.delete()
    return counts


def _take_note(sheet: Any, s: MarkState) -> bool:
    note = bulk.note_of(sheet.range(s.cell))
    if note is None:
        return False
    text = bulk.note_text(note)
    if text is not None and NOTE_TAG not in text:
        return False  # the user replaced the tool's note with their own: keep it
    user = (s.note_before or {}).get("text") if isinstance(s.note_before, dict) else None
    if user:
        note.text = user
    else:
        note.delete()
    return True
