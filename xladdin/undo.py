"""The undo journal: what xladdin changed, kept inside the workbook so it can be put back.

Excel's own undo history is lost as soon as a macro changes a workbook, and a file
changed on the command line has none at all.  So every operation that changes cells
records each change as an ``Edit`` in a hidden sheet (``xladdin撤销``), grouped in a
batch per run; 撤销 / ``xladdin undo`` reverts the newest batch.

Values are stored as JSON text, so a formula, a number stored as text or a value
beginning with "=" comes back exactly as it was and never turns into a formula in the
journal sheet itself.

Structural changes are journalled too: ``op="insert_rows"`` (cell = first inserted row
as "A<row>", new = count) and ``op="add_sheet"`` (sheet = the added sheet); reverting
them deletes the rows / the sheet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from xladdin.model import Edit, Scalar, SheetData, display_text

UNDO_HEADER = ("批次", "操作", "工作表", "单元格", "原值", "新值", "说明", "时间")


@dataclass(frozen=True)
class JournalEntry:
    batch: int
    op: str  # "set" | "insert_rows" | "add_sheet"
    sheet: str
    cell: str
    old: Scalar
    new: Scalar
    why: str
    time: str

    def row(self) -> list[Any]:
        return [self.batch, self.op, self.sheet, self.cell, encode(self.old), encode(self.new), self.why, self.time]


def encode(value: Any) -> str:
    """A cell value as journal text; dates become ISO strings."""
    if hasattr(value, "isoformat"):
        return json.dumps({"date": value.isoformat()})
    return json.dumps(value, ensure_ascii=False)


def decode(text: Any) -> Scalar:
    if text is None or text == "":
        return None
    try:
        v = json.loads(str(text))
    except (ValueError, TypeError):
        return str(text)
    if isinstance(v, dict) and "date" in v:
        import datetime as dt

        s = v["date"]
        return dt.datetime.fromisoformat(s) if "T" in s else dt.date.fromisoformat(s)
    return v


def read_journal(sheet: SheetData | None) -> list[JournalEntry]:
    """Entries from the journal sheet's rows (header skipped, malformed rows ignored)."""
    if sheet is None:
        return []
    out = []
    for row in sheet.rows[1:]:
        cells = (list(row) + [None] * 8)[:8]
        try:
            batch = int(float(display_text(cells[0])))
        except ValueError:
            continue
        out.append(
            JournalEntry(
                batch,
                display_text(cells[1]) or "set",
                display_text(cells[2]),
                display_text(cells[3]),
                decode(cells[4]),
                decode(cells[5]),
                display_text(cells[6]),
                display_text(cells[7]),
            )
        )
    return out


def next_batch(entries: list[JournalEntry]) -> int:
    return max((e.batch for e in entries), default=0) + 1


def journal_edits(edits: list[Edit], batch: int, time: str, op: str = "set") -> list[JournalEntry]:
    """Journal entries for cell edits (edits that change nothing are not journalled)."""
    return [JournalEntry(batch, op, e.sheet, e.cell, e.old, e.new, e.why, time) for e in edits if e.old != e.new]


def last_batch(entries: list[JournalEntry]) -> list[JournalEntry]:
    if not entries:
        return []
    b = max(e.batch for e in entries)
    return [e for e in entries if e.batch == b]


def undo_plan(entries: list[JournalEntry]) -> list[JournalEntry]:
    """The newest batch, in the order it must be reverted (last change first)."""
    return list(reversed(last_batch(entries)))


def remaining(entries: list[JournalEntry]) -> list[JournalEntry]:
    """The journal after the newest batch is undone."""
    batch = last_batch(entries)
    if not batch:
        return entries
    b = batch[0].batch
    return [e for e in entries if e.batch != b]
