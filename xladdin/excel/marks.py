"""校验 and 清除标记 in an open workbook: findings shown in their cells, and taken away again.

Applies the same plan as ``xladdin check --mark`` (``xladdin.marks.plan_marks``) and
the same 校验结果 rows (``xladdin.report_sheet``), and keeps the same hidden state sheet
(``xladdin标记``, see ``xladdin.marks``), so a workbook marked in Excel can be cleared
on the command line and the other way round.

The xlwings flavour of the state: the previous fill is ``{"color": "#rrggbb"}`` or
``{"color": null}`` (no fill).  On xlwings Server/Lite fills and note texts cannot be
read back, so the previous fill is recorded as ``{"color": null, "unread": true}``
(clearing then removes the fill), and a cell that already carries a note is left
without the tool's note rather than risk the user's text.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Sequence
from typing import Any

from xladdin.check import CheckResult
from xladdin.excel import bulk as excel
from xladdin.marks import NOTE_TAG, STATE_HEADER, STATE_SHEET, MarkState, combine_note, plan_marks, read_state
from xladdin.model import SheetData, parse_ref, row_runs
from xladdin.report_sheet import REPORT_SHEET, WIDTHS, report_rows

__all__ = ["REPORT_SHEET", "STATE_SHEET", "clear_marks", "mark_findings"]


def _hash(fill: str) -> str:
    return "#" + fill.lower().lstrip("#")


def mark_findings(book: Any, result: CheckResult) -> int:
    """Colour and annotate each flagged cell, write 校验结果 and the state; returns cells marked."""
    marks = plan_marks(result)
    by_sheet: dict[str, list[Any]] = {}
    for m in marks:
        by_sheet.setdefault(m.sheet, []).append(m)
    states: list[MarkState] = []
    for name, ms in by_sheet.items():
        sh = excel.find_sheet(book, name)
        if sh is None:
            continue
        before = excel.read_colors(sh, [m.cell for m in ms])
        excel.write_colors(sh, {parse_ref(m.cell): _hash(m.fill) for m in ms})
        for m in ms:
            note_before, note_set = _put_note(sh, m.cell, m.note)
            fill_before: dict[str, Any] = (
                {"color": before[m.cell]} if m.cell in before else {"color": None, "unread": True}
            )
            states.append(MarkState(name, m.cell, fill_before, note_before, m.fill, note_set))
    _write_report(book, result)
    state, _ = excel.ensure_sheet(book, STATE_SHEET, hidden=True)
    excel.replace_table(state, [list(STATE_HEADER)] + [s.row() for s in states], text_columns=range(1, 7))
    return len(marks)


def _put_note(sheet: Any, ref: str, text: str) -> tuple[dict[str, Any] | None, str]:
    """Add the tool's note; below the user's own text when it can be read.  (note before, note written)."""
    rng = sheet.range(ref)
    existing = excel.note_of(rng)
    if existing is None:
        rng.add_note(text)
        return None, text
    user = excel.note_text(existing)
    if user is None:  # the engine cannot read it: leave the user's note alone
        return {"text": None, "unread": True}, ""
    combined = combine_note(user, text)
    existing.text = combined
    return {"text": user}, combined


def _write_report(book: Any, result: CheckResult) -> None:
    rs = report_rows(result)
    width = max(len(r) for r in rs.rows)
    grid = [[excel.as_text(v) for v in r] + [None] * (width - len(r)) for r in rs.rows]
    for (r, c), target in rs.links.items():
        shown = str(grid[r - 1][c - 1] or "").lstrip("'").replace('"', '""')
        grid[r - 1][c - 1] = f'=HYPERLINK("#{target.replace(chr(34), chr(34) * 2)}","{shown}")'
    sh, _ = excel.ensure_sheet(book, REPORT_SHEET)
    sh.clear_contents()
    sh.range((1, 1)).value = grid
    for r in rs.header_rows:
        with contextlib.suppress(Exception):
            sh.range((r, 1), (r, width)).font.bold = True
    for c, w in enumerate(WIDTHS, start=1):
        with contextlib.suppress(Exception):
            sh.range((1, c)).column_width = w
    first = (
        rs.header_rows[-1] + 1
    )  # the findings: 说明 wraps, rows as tall as their text (as the command line writes them)
    if len(rs.rows) >= first:
        with contextlib.suppress(Exception):
            sh.range((first, 5), (len(rs.rows), 5)).wrap_text = True
    by_height: dict[float, list[int]] = {}
    for r, h in rs.row_heights.items():
        by_height.setdefault(h, []).append(r)
    for h, rows in by_height.items():
        for r1, r2 in row_runs(sorted(rows)):
            with contextlib.suppress(Exception):
                sh.range((r1, 1), (r2, 1)).row_height = h


def _fill_to_restore(before: dict[str, Any] | None) -> tuple[bool, str | None]:
    """(known, colour) from a state's previous fill, whichever shell wrote it."""
    if not isinstance(before, dict):
        return True, None
    if "color" in before:
        return True, before["color"]
    return excel.color_of_fill_xml(before.get("xml"))  # written by the command line


def clear_marks(book: Any, sheets: Sequence[SheetData]) -> int:
    """Take back what marking did, per the state sheet; returns the number of cells unmarked."""
    state_data = next((s for s in sheets if s.name == STATE_SHEET), None)
    states = read_state(state_data) if state_data is not None else []
    by_sheet: dict[str, list[MarkState]] = {}
    for s in states:
        by_sheet.setdefault(s.sheet, []).append(s)
    for name, ss in by_sheet.items():
        sh = excel.find_sheet(book, name)
        if sh is None:
            continue
        now = excel.read_colors(sh, [s.cell for s in ss])
        colors: dict[tuple[int, int], str | None] = {}
        for s in ss:
            known, color = _fill_to_restore(s.fill_before)
            if not known:
                continue
            if s.cell in now and (now[s.cell] or "").lower() != _hash(s.fill_set):
                continue  # the user recoloured the cell since: keep their colour
            colors[parse_ref(s.cell)] = color
        excel.write_colors(sh, colors)
        for s in ss:
            if s.note_set:
                _take_note(sh, s)
    for name in (REPORT_SHEET, STATE_SHEET):
        sh = excel.find_sheet(book, name)
        if sh is not None:
            sh.delete()
    return len(states)


def _take_note(sheet: Any, s: MarkState) -> None:
    note = excel.note_of(sheet.range(s.cell))
    if note is None:
        return
    text = excel.note_text(note)
    if text is not None and NOTE_TAG not in text:
        return  # the user replaced the tool's note with their own: keep it
    user = (s.note_before or {}).get("text") if isinstance(s.note_before, dict) else None
    if user:
        note.text = user
    else:
        note.delete()


def state_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)
