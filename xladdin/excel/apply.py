"""The Excel shell's one applier: a ``WorkbookPlan`` carried out on an open ``xlwings.Book``.

The same steps as ``xladdin.files.apply``, each done here in one place.  Every Excel call
crosses a process boundary (COM, or an action of xlwings Server/Lite), so the cell steps
between two structural steps (rows inserted or deleted, sheets added, merges) are
gathered and written per sheet in blocks: one value write per run of cells, one colour
matrix per sheet.  The journal is written as one batch in the same format as the file
shell's, so a change made in Excel is undone on the command line and the other way round.

What an engine cannot do (reading a fill on xlwings Server/Lite, an internal hyperlink
through xlwings' portable API …) is handled where it arises and listed in
docs/两种外壳的差异.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from xladdin import workbook_plan as wp
from xladdin.conventions import UNDO_SHEET, now_text
from xladdin.errors import UserError
from xladdin.excel import bulk, looks
from xladdin.excel.marking import clear_marks, mark_cells
from xladdin.model import Scalar, column_index, parse_ref
from xladdin.undo import UNDO_HEADER, JournalEntry, next_batch, read_journal
from xladdin.validation_lists import lists_sheet


@dataclass
class _Pending:
    """Cell steps of one sheet waiting to be written in blocks."""

    values: dict[tuple[int, int], tuple[Any, bool]] = field(default_factory=dict)  # value, is a formula
    colors: dict[tuple[int, int], str | None] = field(default_factory=dict)
    painted: list[wp.Paint] = field(default_factory=list)  # to journal, with the fill they replace


class _Run:
    def __init__(self, book: Any, plan: wp.WorkbookPlan) -> None:
        self.book = book
        self.journal = plan.journal
        self.entries: list[JournalEntry] = []
        self.time = now_text()
        self.pending: dict[str, _Pending] = {}
        self.applied = wp.Applied()
        self.journal_rows = 0
        self.batch = 0
        if self.journal:
            data = self._journal_data()
            existing = read_journal(data)
            self.batch = next_batch(existing)
            self.journal_rows = len(data.rows) if data is not None else 0

    def _journal_data(self) -> Any:
        sh = bulk.find_sheet(self.book, UNDO_SHEET)
        return bulk.read_sheet(sh) if sh is not None else None

    def record(self, op: str, sheet: str, cell: str, old: Scalar, new: Scalar, why: str) -> None:
        if self.journal:
            self.entries.append(JournalEntry(self.batch, op, sheet, cell, old, new, why, self.time))

    def sheet(self, name: str) -> Any:
        sh = bulk.find_sheet(self.book, name)
        if sh is None:
            raise UserError(f"找不到工作表“{name}”。请不要在操作进行中重命名或删除工作表。")
        return sh

    def queue(self, name: str) -> _Pending:
        return self.pending.setdefault(name, _Pending())

    def flush(self) -> None:
        """Write what the cell steps gathered: values per sheet in blocks, then colours."""
        for name, p in self.pending.items():
            sh = self.sheet(name)
            if p.values:
                formulas = {rc: v for rc, (v, f) in p.values.items() if f}
                texts = {rc: v for rc, (v, f) in p.values.items() if not f}
                if texts:
                    bulk.write_values(sh, texts)
                if formulas:
                    bulk.write_values(sh, formulas, formulas=True)
            if p.colors:
                if p.painted:
                    before = bulk.read_colors(sh, [s.cell for s in p.painted])
                    for s in p.painted:
                        old = bulk.fill_xml(before.get(s.cell))
                        was = (before.get(s.cell) or "").lower() if before else "#" + s.mark.lower()
                        if s.before_mark is not None and was == "#" + s.mark.lower():
                            old = s.before_mark  # painted over a check mark: the fill under it
                        self.record("fill", name, s.cell, old, bulk.fill_xml("#" + s.color.lower()), s.why)
                bulk.write_colors(sh, p.colors)
        self.pending = {}


def apply(book: Any, plan: wp.WorkbookPlan) -> wp.Applied:
    """Carry out every step of ``plan`` in order; journal them as one batch when the plan says so."""
    run = _Run(book, plan)
    for step in plan.steps:
        handler = _CELL_STEP.get(type(step))
        if handler is not None:
            handler(run, step)
            continue
        run.flush()
        _STEP[type(step)](run, step)
    run.flush()
    if run.entries:
        _write_journal(run)
        run.applied.batch = run.batch
    return run.applied


# --------------------------------------------------------------------------- cells (gathered)


def _set_cell(run: _Run, s: wp.SetCell) -> None:
    if s.old == s.value and not s.formula:
        return
    r, c = parse_ref(s.cell)
    run.queue(s.sheet).values[(r, c)] = (s.value, s.formula)
    run.record("set", s.sheet, s.cell, s.old, s.value, s.why)


def _paint(run: _Run, s: wp.Paint) -> None:
    p = run.queue(s.sheet)
    p.colors[parse_ref(s.cell)] = "#" + s.color.lower()
    p.painted.append(s)


def _restore_fill(run: _Run, s: wp.RestoreFill) -> None:
    known, color = bulk.color_of_fill_xml(s.fill) if s.fill else (True, None)
    if known and bulk.find_sheet(run.book, s.sheet) is not None:
        run.queue(s.sheet).colors[parse_ref(s.cell)] = color


_HYPERLINK = re.compile(r'^=HYPERLINK\("#(?:[^"]|"")*",\s*"((?:[^"]|"")*)"\)$', re.IGNORECASE)


def _set_link(run: _Run, s: wp.SetLink) -> None:
    """An internal link as a =HYPERLINK formula over the cell's text (journalled as the cell's value)."""
    if bulk.find_sheet(run.book, s.sheet) is None:
        return
    r, c = parse_ref(s.cell)
    p = run.queue(s.sheet)
    text = s.text
    if text is None:  # taking a link back: the text the formula shows
        queued = p.values.get((r, c))
        current = queued[0] if queued else run.sheet(s.sheet).range((r, c)).value
        m = _HYPERLINK.match(current) if isinstance(current, str) else None
        text = m.group(1).replace('""', '"') if m else current
    if s.location:
        p.values[(r, c)] = (looks.link_formula(s.location, text), True)
    else:
        p.values[(r, c)] = (text, False)
    new = p.values[(r, c)][0]
    run.record("set", s.sheet, s.cell, text, new, s.why)


_CELL_STEP: dict[type[wp.Step], Any] = {
    wp.SetCell: _set_cell,
    wp.Paint: _paint,
    wp.RestoreFill: _restore_fill,
    wp.SetLink: _set_link,
}


# --------------------------------------------------------------------------- rows and merges


def _insert_rows(run: _Run, s: wp.InsertRows) -> None:
    """Excel's own row insert (formats, formulas and merges below move with the rows); the new
    rows take the look of the row above or below, as the plan's template says."""
    sh = run.sheet(s.sheet)
    origin = "format_from_right_or_below" if s.template == s.at else "format_from_left_or_above"
    sh.range(f"{s.at}:{s.at + s.count - 1}").insert(shift="down", copy_origin=origin)
    run.record("insert_rows", s.sheet, f"A{s.at}", None, s.count, s.why)


def _delete_rows(run: _Run, s: wp.DeleteRows) -> None:
    sh = bulk.find_sheet(run.book, s.sheet)
    if sh is not None and s.count > 0:
        sh.range(f"{s.at}:{s.at + s.count - 1}").delete(shift="up")


def _merge(run: _Run, s: wp.MergeCells) -> None:
    run.sheet(s.sheet).range(s.ref).merge()


def _unmerge(run: _Run, s: wp.UnmergeCells) -> None:
    run.sheet(s.sheet).range(s.ref).unmerge()


# --------------------------------------------------------------------------- sheets


def _write_sheet(run: _Run, s: wp.WriteSheet) -> None:
    name = s.content.name
    sh = bulk.find_sheet(run.book, name)
    if sh is not None:
        if not s.replace:
            raise UserError(f"工作簿中已有工作表“{name}”，未覆盖。请把它改名后再试。")
        sh.clear()
    else:
        sh, _ = bulk.ensure_sheet(run.book, name)
        run.record("add_sheet", name, "A1", None, name, s.why)
    looks.write_content(run.book, sh, s.content)


def _delete_sheet(run: _Run, s: wp.DeleteSheet) -> None:
    sh = bulk.find_sheet(run.book, s.sheet)
    if sh is not None:
        sh.delete()


def _style_cells(run: _Run, s: wp.StyleCells) -> None:
    looks.style_cells(run.sheet(s.sheet), s.cells)


def _style_sheet(run: _Run, s: wp.StyleSheet) -> None:
    looks.apply_style(run.sheet(s.style.sheet), s.style)


def _validate(run: _Run, s: wp.Validate) -> None:
    """The lists by value where the engine needs them so (Office.js): each named list's values,
    and for a 二级 list the labels under the 一级 its row block has now."""
    sh = run.sheet(s.sheet)
    values: dict[str, tuple[str, ...]] = {}
    for v in s.rules:  # a literal list ("达成,部分达成,未达成") is its own values
        if v.formula and v.formula.startswith('"'):
            values[v.formula] = tuple(x for x in v.formula.strip('"').split(",") if x)
    if not looks.is_desktop(run.book):
        lists = lists_sheet()
        by_header = dict(lists.columns)
        by_name = {name: by_header.get(header, ()) for name, header in _list_headers(lists).items()}
        values.update(by_name)
        data = bulk.read_sheet(sh)
        for v in s.rules:
            if v.formula and v.formula.startswith("INDIRECT("):
                anchor = v.formula[len("INDIRECT(") : -1].replace("$", "")
                label = data.value(*parse_ref(anchor))
                found = by_header.get(str(label).strip()) if label else None
                if found:
                    values[anchor] = tuple(found)
    looks.apply_validations(run.book, sh, s.rules, values)


def _list_headers(lists: Any) -> dict[str, str]:
    """Defined name → the header of the list-sheet column it points at."""

    out = {}
    for name, refers in lists.names.items():
        letter = refers.split("!$", 1)[1].split("$", 1)[0]
        out[name] = lists.columns[column_index(letter) - 1][0]
    return out


def _write_lists(run: _Run, s: wp.WriteLists) -> None:
    looks.write_lists(run.book, s.lists)


def _charts(run: _Run, s: wp.AddCharts) -> None:
    looks.add_charts(run.book, run.sheet(s.sheet), s.chart, s.costs)


def _clear_marks(run: _Run, s: wp.ClearMarks) -> None:
    run.applied.cleared = clear_marks(run.book, s.states, s.without_state, run.applied.unhighlighted)


def _clear_highlights(run: _Run, s: wp.ClearHighlights) -> None:
    """Each cell still in the tool's colour gets its fill from before back; where the engine
    cannot read a fill (xlwings Server/Lite), the journal's word is taken for it."""
    by_sheet: dict[str, list[wp.Highlight]] = {}
    for h in s.cells:
        by_sheet.setdefault(h.sheet, []).append(h)
    for name, cells in by_sheet.items():
        sh = bulk.find_sheet(run.book, name)
        if sh is None:
            continue
        now = bulk.read_colors(sh, [h.cell for h in cells])
        for h in cells:
            if now and (now.get(h.cell) or "").lower() != "#" + h.color.lower():
                continue  # recoloured since: the user's colour stays
            known, color = bulk.color_of_fill_xml(h.before) if h.before else (True, None)
            run.queue(name).colors[parse_ref(h.cell)] = color if known else None
            run.applied.highlights += 1
            run.applied.unhighlighted.add((h.sheet, h.cell))


def _mark_cells(run: _Run, s: wp.MarkCells) -> None:
    run.applied.marked = mark_cells(run.book, s.marks)


# --------------------------------------------------------------------------- the journal


def _write_journal(run: _Run) -> None:
    """Append the batch to the hidden ``xladdin撤销`` sheet, every cell formatted as text first so
    JSON and "=…" stay exactly the characters written."""
    sh, created = bulk.ensure_sheet(run.book, UNDO_SHEET, hidden=True)
    start = run.journal_rows + 1
    if created or run.journal_rows == 0:
        sh.range((1, 1)).value = [list(UNDO_HEADER)]
        start = 2
    rows = [e.row() for e in run.entries]
    sh.range((start, 1), (start + len(rows) - 1, len(UNDO_HEADER))).number_format = "@"
    sh.range((start, 1)).value = rows


def _cut_journal(run: _Run, s: wp.CutJournal) -> None:
    data = run._journal_data()
    if data is None:
        return
    rest = [e for e in read_journal(data) if e.batch != s.batch]
    sh = run.sheet(UNDO_SHEET)
    if not rest:
        sh.delete()
        return
    bulk.replace_table(sh, [list(UNDO_HEADER)] + [e.row() for e in rest], text_columns=range(1, len(UNDO_HEADER) + 1))


_STEP: dict[type[wp.Step], Any] = {
    wp.InsertRows: _insert_rows,
    wp.DeleteRows: _delete_rows,
    wp.MergeCells: _merge,
    wp.UnmergeCells: _unmerge,
    wp.WriteSheet: _write_sheet,
    wp.DeleteSheet: _delete_sheet,
    wp.StyleCells: _style_cells,
    wp.StyleSheet: _style_sheet,
    wp.Validate: _validate,
    wp.WriteLists: _write_lists,
    wp.AddCharts: _charts,
    wp.ClearMarks: _clear_marks,
    wp.ClearHighlights: _clear_highlights,
    wp.MarkCells: _mark_cells,
    wp.CutJournal: _cut_journal,
}

__all__ = ["apply"]
