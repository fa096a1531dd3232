"""The plan of marks a check leaves in a workbook: which cell gets which colour and note.

Both shells apply the same plan: ``xladdin.files.marks`` (openpyxl, for ``check --mark``)
and the add-in (xlwings, for the 校验 button).  The plan is plain data so that a cell
marked in Excel and one marked on the command line look the same.

A ``Mark`` is one cell: the worst severity found there gives the fill colour, and the
note (批注) lists every finding of that cell, worst first.  Notes start with
``NOTE_TAG`` so a shell can tell the tool's notes from the user's own: when a user
note is already on the cell, the tool's text is appended below it after a blank line
(``combine_note``), and removed again by ``strip_note`` / restored from the state sheet.

Every finding has a number — its line in the 校验结果 sheet (``numbered``) — and the mark
carries the same number twice: in the note (“〔3〕错误 TIME001：…”) and in front of what the
cell shows, through the cell's number format (``labelled_format``: ``"〔3〕"@`` for a text).
A number format prints everywhere (Excel, WPS, LibreOffice), on a greyscale printer too,
and never changes the cell's value: a check of the marked copy reads the same cells, and
清除标记 puts the cell's own format back.

The state sheet (hidden, ``STATE_SHEET``) remembers, per marked cell, what was there
before the mark, so that 清除标记 restores each cell exactly.  One row per cell::

    工作表 | 单元格 | 原填充(JSON) | 原批注(JSON) | 标记填充 | 标记批注 | 原数字格式(JSON) | 标记数字格式

Column C is shell-defined JSON of the previous fill (openpyxl stores ``{"xml": …}``, the
fill element as written in the file; xlwings may store ``{"color": …, "pattern": …}``);
a shell that meets a format it does not know leaves the fill alone.  Column D is
``null`` or ``{"text", "author", "width", "height"}``.  Columns E and F are what the
tool wrote, so clearing can tell whether the user changed the cell since (then the
user's change is kept).  Columns G and H are the number format before (JSON: the format
text, or ``{"unread": true}`` where the engine cannot read it) and the one the mark set;
a state written before marks were numbered has neither, and its formats are left alone.
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
STATE_HEADER = ("工作表", "单元格", "原填充", "原批注", "标记填充", "标记批注", "原数字格式", "标记数字格式")
_RANK = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Mark:
    """One cell to colour and annotate.  ``fill`` is RRGGBB hex without '#'."""

    sheet: str
    cell: str
    severity: str
    fill: str
    note: str
    label: str = ""  # "〔3〕": the numbers of its findings in 校验结果, shown in front of the cell's text


def numbered(findings: Iterable[Finding] | Any) -> list[tuple[int, Finding]]:
    """Every finding with its number: the order of the 校验结果 list (project findings, the
    workbook's (a 项目汇总 cell), then those about other sheets).  The report sheet and the
    marks both number by this."""
    projects = getattr(findings, "projects", None)
    if projects is not None:
        items = [f for p in projects for f in p.findings]
        items += list(getattr(findings, "workbook", [])) + list(getattr(findings, "other", []))
    else:
        items = list(findings)
    return list(enumerate(items, start=1))


def label_of(numbers: list[int]) -> str:
    """〔3〕, 〔3,4〕, 〔3-6〕 for a run, 〔3,7,9〕 otherwise."""
    ns = sorted(numbers)
    if len(ns) > 2 and ns == list(range(ns[0], ns[-1] + 1)):
        return f"〔{ns[0]}-{ns[-1]}〕"
    return "〔" + ",".join(str(n) for n in ns) + "〕"


def plan_marks(findings: Iterable[Finding] | Any) -> list[Mark]:
    """One mark per flagged cell, in sheet order then cell order as the findings come.

    Accepts a ``CheckResult`` (its project findings and its workbook findings, such as a
    项目汇总 cell, are marked; findings about skipped sheets are listed in the report sheet
    only, they have no cell to mark) or any iterable of findings.
    """
    by_cell: dict[tuple[str, str], list[tuple[int, Finding]]] = {}
    skipped = {id(f) for f in getattr(findings, "other", [])}
    for n, f in numbered(findings):
        if id(f) not in skipped:
            by_cell.setdefault((f.sheet, f.cell), []).append((n, f))
    marks = []
    for (sheet, cell), nfs in by_cell.items():
        nfs = sorted(nfs, key=lambda t: (_RANK.get(t[1].severity, 3), t[1].rule, t[0]))
        worst = nfs[0][1].severity
        lines = [NOTE_TAG] + [f"〔{n}〕{SEVERITY_ZH.get(f.severity, f.severity)} {f.rule}：{f.message}" for n, f in nfs]
        label = label_of([n for n, _ in nfs])
        marks.append(Mark(sheet, cell, worst, MARK_FILL.get(worst, MARK_FILL["info"]), "\n".join(lines), label))
    return marks


# --------------------------------------------------------------------------- the printed number


def _sections(fmt: str) -> list[str]:
    """A number format's sections (split at ";" outside quotes, brackets and escapes)."""
    out, cur, quoted, bracket, i = [], "", False, False, 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == "\\" and not quoted and i + 1 < len(fmt):
            cur += fmt[i : i + 2]
            i += 2
            continue
        if ch == '"' and not bracket:
            quoted = not quoted
        elif ch == "[" and not quoted:
            bracket = True
        elif ch == "]" and not quoted:
            bracket = False
        if ch == ";" and not quoted and not bracket:
            out.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    out.append(cur)
    return out


def _prefixed(section: str, literal: str) -> str:
    """The literal after a section's leading [colour]/[condition]/[$locale] tokens."""
    i = 0
    while i < len(section) and section[i] == "[":
        j = section.find("]", i)
        if j < 0:
            break
        i = j + 1
    return section[:i] + literal + section[i:]


def labelled_format(original: str | None, label: str) -> str:
    """The cell's own number format with ``label`` printed in front of whatever the cell shows.

    Four sections (positive; negative; zero; text), so a number keeps its own look and a
    text gets the label too: ``General`` → ``"〔3〕"General;"〔3〕"-General;"〔3〕"General;"〔3〕"@``.
    The value is never touched; 清除标记 writes ``original`` back.
    """
    fmt = original or "General"
    literal = '"' + label.replace('"', "") + '"'
    parts = _sections(fmt)
    if len(parts) == 1 and "@" in parts[0]:  # a text format: numbers typed there show as typed
        return _prefixed(parts[0], literal)
    if len(parts) == 1:
        parts = [parts[0], "-" + parts[0], parts[0], "@"]
    elif len(parts) == 2:
        parts = [parts[0], parts[1], parts[0], "@"]
    elif len(parts) == 3:
        parts = [*parts, "@"]
    return ";".join(_prefixed(p, literal) for p in parts[:4])


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
    format_before: Any = None  # the format text, {"unread": True}, or None (not recorded: left alone)
    format_set: str = ""

    def row(self) -> list[Any]:
        return [
            self.sheet,
            self.cell,
            json.dumps(self.fill_before, ensure_ascii=False),
            json.dumps(self.note_before, ensure_ascii=False),
            self.fill_set,
            self.note_set,
            json.dumps(self.format_before, ensure_ascii=False),
            self.format_set,
        ]

    def format_to_restore(self, current: str | None) -> str | None:
        """The number format to put back, or None to leave the cell's (not ours, or not recorded)."""
        if not self.format_set or self.format_before is None or current != self.format_set:
            return None
        return self.format_before if isinstance(self.format_before, str) else "General"


def read_state(sheet: SheetData) -> list[MarkState]:
    """Rows of the state sheet; rows that cannot be read are skipped (never guessed)."""
    out = []
    for row in sheet.rows[1:]:
        cells = [display_text(v) if not isinstance(v, str) else v for v in (list(row) + [None] * 8)[:8]]
        if not cells[0] or not cells[1]:
            continue
        try:
            fill = json.loads(cells[2]) if cells[2] else None
            note = json.loads(cells[3]) if cells[3] else None
            fmt = json.loads(cells[6]) if cells[6] else None
        except (ValueError, TypeError):
            continue
        out.append(MarkState(cells[0], cells[1], fill, note, cells[4] or "", cells[5] or "", fmt, cells[7] or ""))
    return out
