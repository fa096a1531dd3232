"""The undo journal in a file: entries appended to the hidden ``xladdin撤销`` sheet (see ``xladdin.undo``)."""

from __future__ import annotations

from typing import Any

from xladdin.conventions import UNDO_SHEET
from xladdin.undo import UNDO_HEADER, JournalEntry


def journal_entries(wb: Any, entries: list[JournalEntry]) -> None:
    """Append ready-made entries to the undo sheet, creating it (hidden) on first use."""
    if not entries:
        return
    if UNDO_SHEET in wb.sheetnames:
        ws = wb[UNDO_SHEET]
    else:
        ws = wb.create_sheet(UNDO_SHEET)
        ws.sheet_state = "hidden"
        ws.append(list(UNDO_HEADER))
    for e in entries:
        append_text_row(ws, e.row())


def append_text_row(ws: Any, values: list[Any]) -> None:
    """Append a row whose text cells stay text even when they begin with = + - @.

    ``ws.append`` keeps openpyxl's running row counter (O(1)); asking ``ws.max_row``
    per row would make writing a long record sheet quadratic.
    """
    ws.append(values)
    r = ws._current_row
    for c, v in enumerate(values, start=1):
        if isinstance(v, str) and v[:1] in "=+-@":
            ws.cell(row=r, column=c).data_type = "s"
