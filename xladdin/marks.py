"""The plan of marks a check leaves in a workbook: which cell gets which colour and note.

Both shells apply the same plan: ``xladdin.files.marks`` (openpyxl, for ``check --mark``)
and the add-in (xlwings, for the 校验 button).  The plan is plain data so that a cell
marked in Excel and one marked on the command line look the same.

A ``Mark`` is one cell: the worst severity found there gives the fill colour, and the
note (批注) lists every finding of that cell, worst first.  Notes start with
``NOTE_TAG`` so a shell can tell the tool's notes from the user's own: when a user
note is already on the cell, the tool's text is appended below it after a blank line
(``combine_note``), and removed again by ``strip_note`` / restored from the state sheet.

The state sheet (hidden, ``STATE_SHEET``) remembers, per marked cell, what was there
before the mark, so that 清除标记 restores each cell exactly.  One row per cell::

    工作表 | 单元格 | 原填充(JSON) | 原批注(JSON) | 标记填充 | 标记批注

Column C is shell-defined JSON of the previous fill (openpyxl stores ``{"xml": …}``, the
fill element as written in the file; xlwings may store ``{"color": …, "pattern": …}``);
a shell that meets a format it does not know leaves the fill alone.  Column D is
``null`` or ``{"text", "author", "width", "height"}``.  Columns E and F are what the
tool wrote, so clearing can tell whether the user changed the cell since (then the
user's change is kept).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xladdin.conventions import MARK_FILL, SEVERITY_ZH
from xladdin.model import Finding, SheetData, display_text

NOTE_TAG = "【xladdin校验】"
NOTE_AUTHOR = "xladdin"
STATE_HEADER = ("工作表", "单元格", "原填充", "原批注", "标记填充", "标记批注")
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Mark:
    """One cell to colour and annotate.  ``fill`` is RRGGBB hex without '#'."""

    sheet: str
    cell: str
    severity: str
    fill: str
    note: str


def plan_marks(findings: Iterable[Finding] | Any) -> list[Mark]:
    """One mark per flagged cell, in sheet order then cell order as the findings come.

    Accepts a ``CheckResult`` (its project findings and its workbook findings, such as a
    项目汇总 cell, are used; findings about skipped sheets are listed in the report sheet
    only, they have no cell to mark) or any iterable of findings.
    """
    projects = getattr(findings, "projects", None)
    if projects is not None:
        items = [f for p in projects for f in p.findings] + list(getattr(findings, "workbook", []))
    else:
        items = list(findings)
    by_cell: dict[tuple[str, str], list[Finding]] = {}
    for f in items:
        by_cell.setdefault((f.sheet, f.cell), []).append(f)
    marks = []
    for (sheet, cell), fs in by_cell.items():
        fs = sorted(fs, key=lambda f: (_RANK.get(f.severity, 3), f.rule))
        worst = fs[0].severity
        lines = [NOTE_TAG] + [f"{SEVERITY_ZH.get(f.severity, f.severity)} {f.rule}：{f.message}" for f in fs]
        marks.append(Mark(sheet, cell, worst, MARK_FILL.get(worst, MARK_FILL["info"]), "\n".join(lines)))
    return marks


def combine_note(user_note: str | None, tool_note: str) -> str:
    """The note to write: the user's own text first, then the tool's block."""
    if not user_note:
        return tool_note
    return f"{user_note.rstrip()}\n\n{tool_note}"


def strip_note(text: str) -> str | None:
    """A note without the tool's block; None when nothing of the user's is left."""
    i = text.find(NOTE_TAG)
    if i < 0:
        return text
    rest = text[:i].rstrip()
    return rest or None


# --------------------------------------------------------------------------- state sheet


@dataclass(frozen=True)
class MarkState:
    """What a marked cell held before the mark, and what the mark wrote."""

    sheet: str
    cell: str
    fill_before: dict[str, Any] | None
    note_before: dict[str, Any] | None
    fill_set: str
    note_set: str

    def row(self) -> list[Any]:
        return [
            self.sheet,
            self.cell,
            json.dumps(self.fill_before, ensure_ascii=False),
            json.dumps(self.note_before, ensure_ascii=False),
            self.fill_set,
            self.note_set,
        ]


def read_state(sheet: SheetData) -> list[MarkState]:
    """Rows of the state sheet; rows that cannot be read are skipped (never guessed)."""
    out = []
    for row in sheet.rows[1:]:
        cells = [display_text(v) if not isinstance(v, str) else v for v in (list(row) + [None] * 6)[:6]]
        if not cells[0] or not cells[1]:
            continue
        try:
            fill = json.loads(cells[2]) if cells[2] else None
            note = json.loads(cells[3]) if cells[3] else None
        except (ValueError, TypeError):
            continue
        out.append(MarkState(cells[0], cells[1], fill, note, cells[4] or "", cells[5] or ""))
    return out
