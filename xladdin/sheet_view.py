"""A sheet as a page draws it: rows of visible cells with their spans, each flagged cell
marked with its worst severity — the neutral model a shell turns into HTML.

The web page shows a project table beside its findings so that a user who has no Excel
at hand (a WPS or 信创 PC, a reviewer's browser) sees *where* a finding is.  What to draw
is decided here, from the ``SheetData`` any reader gives (values as the user sees them,
merged ranges) and the findings; how to draw it is the shell's business.  A finding at a
cell inside a merged range is shown on the range's top-left cell, the one that is drawn.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xladdin.framework import squash
from xladdin.model import Finding, Merge, Project, SheetData, cell_ref, column_letter, display_text, parse_ref

# A project table has ~50 rows and 6–8 columns; a sheet far larger is not a table to read
# on a page, so only its top-left part is drawn (and the model says it was cut).
MAX_ROWS = 400
MAX_COLS = 26

_RANK = {"error": 3, "warning": 2, "info": 1}


@dataclass(frozen=True)
class ViewCell:
    """A drawn cell: its reference, its text, how many rows/columns it spans, its marks.

    ``severity`` is the worst severity of the findings shown on this cell (None: clean);
    ``findings`` their positions in the sheet's findings list.
    """

    ref: str
    text: str
    rowspan: int = 1
    colspan: int = 1
    severity: str | None = None
    findings: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "text": self.text,
            "rowspan": self.rowspan,
            "colspan": self.colspan,
            "severity": self.severity,
            "findings": list(self.findings),
        }


@dataclass(frozen=True)
class ViewRow:
    number: int  # the sheet's row number (1-based)
    cells: tuple[ViewCell | None, ...]  # one per column; None where a merged range covers the cell


@dataclass(frozen=True)
class TableView:
    """The drawn part of a sheet.  ``anchors``: a finding's cell → the drawn cell that shows it."""

    sheet: str
    columns: tuple[str, ...]  # column letters, A …
    rows: tuple[ViewRow, ...]
    anchors: dict[str, str] = field(default_factory=dict)
    truncated: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "columns": list(self.columns),
            "rows": [
                {"number": r.number, "cells": [None if c is None else c.as_dict() for c in r.cells]} for r in self.rows
            ],
            "anchors": dict(self.anchors),
            "truncated": self.truncated,
        }


def _extent(sheet: SheetData) -> tuple[int, int]:
    """The last row and column holding a value or a merge (trailing empty rows/columns are not drawn)."""
    last_row = last_col = 0
    for r, row in enumerate(sheet.rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and display_text(v) != "":
                last_row = max(last_row, r)
                last_col = max(last_col, c)
    for m in sheet.merges:
        if m.min_row <= MAX_ROWS and m.min_col <= MAX_COLS:
            last_row = max(last_row, m.max_row)
            last_col = max(last_col, m.max_col)
    return last_row, last_col


def table_view(sheet: SheetData, findings: Sequence[Finding] = ()) -> TableView:
    """The cells to draw for ``sheet``, the findings on it placed on the cells that show them."""
    last_row, last_col = _extent(sheet)
    rows_n, cols_n = min(last_row, MAX_ROWS), min(last_col, MAX_COLS)
    truncated = last_row > MAX_ROWS or last_col > MAX_COLS
    anchor_of: dict[tuple[int, int], Merge] = {}
    covered: set[tuple[int, int]] = set()
    for m in sheet.merges:
        if m.min_row > rows_n or m.min_col > cols_n:
            continue
        anchor_of[(m.min_row, m.min_col)] = m
        for r in range(m.min_row, min(m.max_row, rows_n) + 1):
            for c in range(m.min_col, min(m.max_col, cols_n) + 1):
                if (r, c) != (m.min_row, m.min_col):
                    covered.add((r, c))

    def shown_at(ref: str) -> tuple[int, int]:
        r, c = parse_ref(ref)
        for m in sheet.merges:
            if m.contains(r, c):
                return m.min_row, m.min_col
        return r, c

    marks: dict[tuple[int, int], list[int]] = {}
    anchors: dict[str, str] = {}
    for i, f in enumerate(findings):
        if f.sheet != sheet.name or not f.cell or not f.cell[0].isalpha():
            continue
        try:
            at = shown_at(f.cell)
        except ValueError:
            continue
        marks.setdefault(at, []).append(i)
        anchors[f.cell] = cell_ref(*at)

    rows: list[ViewRow] = []
    for r in range(1, rows_n + 1):
        cells: list[ViewCell | None] = []
        for c in range(1, cols_n + 1):
            if (r, c) in covered:
                cells.append(None)
                continue
            span = anchor_of.get((r, c))
            idx = tuple(marks.get((r, c), ()))
            worst = max((findings[i].severity for i in idx), key=lambda s: _RANK.get(s, 0), default=None)
            cells.append(
                ViewCell(
                    ref=cell_ref(r, c),
                    text=display_text(sheet.value(r, c)),
                    rowspan=1 if span is None else min(span.max_row, rows_n) - r + 1,
                    colspan=1 if span is None else min(span.max_col, cols_n) - c + 1,
                    severity=worst,
                    findings=idx,
                )
            )
        rows.append(ViewRow(r, tuple(cells)))
    columns = tuple(column_letter(c) for c in range(1, cols_n + 1))
    return TableView(sheet.name, columns, tuple(rows), anchors, truncated)


def workbook_unit(projects: Iterable[Project]) -> str:
    """The unit a reviewer files a workbook under: the 实施单位 most tables name, else the 主管部门."""
    ps = list(projects)
    return unit_of([p.unit.text for p in ps], [p.department.text for p in ps])


def unit_of(units: Iterable[str], departments: Iterable[str]) -> str:
    """``workbook_unit`` from the tables' 实施单位 and 主管部门 texts (a check result keeps only these)."""
    counted = Counter(squash(u) for u in units if u)
    if counted:
        return counted.most_common(1)[0][0]
    by_department = Counter(squash(d) for d in departments if d)
    return by_department.most_common(1)[0][0] if by_department else ""
