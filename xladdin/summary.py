"""The 项目汇总 sheet: one line per project, linked to its sheet, with live totals.

Amounts are formulas pointing at each project's own cells, so the summary never
disagrees with the tables it summarises, in Excel, WPS or LibreOffice, with or
without xladdin.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from xladdin.conventions import SUMMARY_SHEET, quote_sheet
from xladdin.framework import squash
from xladdin.layout import SheetLayout
from xladdin.model import MONEY_LABELS, Edit, Project, SheetData, cell_ref, column_letter, display_text

SUMMARY_HEADERS = ("序号", "项目名称", "项目总额", "年度资金总额", "财政拨款")
TOTAL_LABEL = "合计"


def summary_layout(projects: list[Project], year: int | None) -> SheetLayout:
    """Title, header, one row per project, and a 合计 row with SUM formulas.

    Hyperlinks are returned as ``'sheet'!A1`` locations in ``roles`` under the key
    ``link:<row>`` so the writer can attach them; the core stays library-free.
    """
    lay = SheetLayout(SUMMARY_SHEET)
    title = f"{year}年项目支出预算绩效目标汇总表（单位：万元）" if year else "项目支出预算绩效目标汇总表（单位：万元）"
    lay.put(1, 1, title, "title", to_col=len(SUMMARY_HEADERS))
    for c, h in enumerate(SUMMARY_HEADERS, start=1):
        lay.put(2, c, h, "header")
    first = 3
    for i, p in enumerate(projects):
        r = first + i
        q = quote_sheet(p.sheet)
        lay.put(r, 1, i + 1, "value")
        lay.put(r, 2, p.name.text, "link")
        lay.roles[(r, 0)] = f"{q}!{p.name.cell}"
        for c, amount in ((3, p.money.total), (4, p.money.annual), (5, p.money.local_appropriation)):
            lay.put(r, c, f"={q}!{amount.cell}", "money")
    last = first + len(projects) - 1
    total_row = last + 1
    lay.put(total_row, 1, TOTAL_LABEL, "label", to_col=2)
    for c in (3, 4, 5):
        col = "CDE"[c - 3]
        lay.put(total_row, c, f"=SUM({col}{first}:{col}{last})" if projects else 0, "money")
    return lay


def find_summary_header(sheet: SheetData) -> int | None:
    """The row of 序号 | 项目名称 | … in a 项目汇总 sheet."""
    for r in range(1, min(sheet.max_row, 10) + 1):
        texts = [display_text(sheet.value(r, c)) for c in range(1, 4)]
        if texts[:2] == ["序号", "项目名称"]:
            return r
    return None


def summary_extent(sheet: SheetData, header: int) -> tuple[int, int]:
    """(last row, last column) of the summary table: down to the 合计 row."""
    ncols = 0
    for c in range(1, sheet.max_col + 1):
        if display_text(sheet.value(header, c)):
            ncols = c
    last = header
    for r in range(header + 1, sheet.max_row + 1):
        if not any(display_text(sheet.value(r, c)) for c in range(1, ncols + 1)):
            break
        last = r
        if display_text(sheet.value(r, 1)) == TOTAL_LABEL:
            break
    return last, ncols


# --------------------------------------------------------------------------- a new project's line

SUMMARY_WHY = "新建项目：加入项目汇总"
_MONEY_BY_LABEL = {label: key for key, label in MONEY_LABELS.items()}
_UNIT_NOTE = re.compile(r"[（(]万元[）)]$")
SUM_FORMULA = _SUM = re.compile(
    r"^=\s*SUM\(\s*\$?([A-Z]{1,3})\$?(\d+)\s*:\s*\$?([A-Z]{1,3})\$?(\d+)\s*\)\s*$", re.IGNORECASE
)


@dataclass(frozen=True)
class SummaryLine:
    """How one new project joins an existing 项目汇总 sheet.

    One row is inserted at ``at`` (the 合计 row and everything below move down one);
    ``edits`` are in the coordinates after that insert: the new line, then the 合计
    formulas widened to take it in.  ``notes`` say what the user must still do by hand.
    """

    sheet: str
    at: int
    template: int | None  # the row whose look the new line copies (before the insert)
    edits: tuple[Edit, ...]
    notes: tuple[str, ...] = ()


def plan_summary_line(sheet: SheetData, project: Project, formulas_known: bool = True) -> SummaryLine | str:
    """The new line for ``project``, or a Chinese sentence saying why there is none.

    ``sheet`` holds formulas where the shell can read them (the command line, desktop
    Excel through ``Range.formula``).  A 合计 that sums the project lines is widened by
    one line; an empty one or a typed number becomes that sum, which is what the row
    says it is.  Where formulas cannot be read (``formulas_known=False``: xlwings
    Server/Lite sees only values) a filled 合计 is left alone with a note, because the
    undo journal could not give its formula back.  A summary laid out differently is
    left alone too: guessing at someone's own sheet could break it.
    """
    header = find_summary_header(sheet)
    if header is None:
        return (
            f"“{sheet.name}”表的格式无法识别（第1–10行没有“序号 | 项目名称”表头），未自动加入新项目，请手工添加一行。"
        )
    last, ncols = summary_extent(sheet, header)
    total_row = last if display_text(sheet.value(last, 1)) == TOTAL_LABEL else None
    first = header + 1
    end = total_row - 1 if total_row is not None else last  # last project line
    ref = quote_sheet(project.sheet) + "!"
    # a reference to the project's sheet, quoted or not ('表'!C7, 表!C7; not 事业表!C7)
    points_at = re.compile(rf"(?:{re.escape(ref)}|(?<![\w']){re.escape(project.sheet)}!)")
    name = project.name.text
    for r in range(first, end + 1):
        texts = [display_text(sheet.value(r, c)) for c in range(1, ncols + 1)]
        # a line is known by the sheet its formulas point at; by its name only when it has
        # none (typed numbers, or formulas the shell cannot read)
        by_name = not any("!" in t for t in texts) and bool(name) and texts[1:2] == [name]
        if by_name or any(points_at.search(t) for t in texts):
            return f"“{sheet.name}”第{r}行已列出项目“{name or project.sheet}”，未重复加入。"
    columns: dict[int, str] = {}
    for c in range(3, ncols + 1):
        label = _UNIT_NOTE.sub("", squash(display_text(sheet.value(header, c))))
        if label in _MONEY_BY_LABEL:
            columns[c] = _MONEY_BY_LABEL[label]
    at = end + 1
    numbers = [v for r in range(first, end + 1) if isinstance(v := sheet.value(r, 1), int | float)]
    seq = int(max(numbers)) + 1 if numbers else at - first + 1
    # the name as a formula: it follows the project sheet when the placeholder name is
    # replaced; =HYPERLINK is a link that Excel, WPS and LibreOffice all keep
    link = f"{ref}{project.name.cell}"
    target = link.replace('"', '""')
    edits = [
        Edit(sheet.name, cell_ref(at, 1), None, seq, SUMMARY_WHY),
        Edit(sheet.name, cell_ref(at, 2), None, f'=HYPERLINK("#{target}",{link})', SUMMARY_WHY),
    ]
    for c, key in columns.items():
        edits.append(Edit(sheet.name, cell_ref(at, c), None, f"={ref}{getattr(project.money, key).cell}", SUMMARY_WHY))
    notes: list[str] = []
    if total_row is not None:
        for c in columns:
            old = sheet.value(total_row, c)
            letter = column_letter(c)
            new = f"=SUM({letter}{first}:{letter}{at})"
            m = _SUM.match(old) if isinstance(old, str) else None
            if m and m.group(1).upper() == letter == m.group(3).upper() and int(m.group(4)) == end:
                new = f"=SUM({letter}{m.group(2)}:{letter}{at})"  # the same sum, one line longer
            elif isinstance(old, str) and old.startswith("="):
                notes.append(f"“{sheet.name}”{cell_ref(total_row + 1, c)}的合计公式不是各项目之和，未修改，请核对。")
                continue
            elif not formulas_known and display_text(old):
                notes.append(f"请确认“{sheet.name}”{cell_ref(total_row + 1, c)}的合计包括第{at}行（新项目）。")
                continue
            edits.append(Edit(sheet.name, cell_ref(total_row + 1, c), old, new, "新建项目：合计包括新项目"))
    template = end if end > header else None
    return SummaryLine(sheet.name, at, template, tuple(edits), tuple(notes))


# --------------------------------------------------------------------------- reading a summary, for the check

_TOTAL_LABELS = frozenset({"合计", "总计", "合计数", "总合计"})
_YEAR = re.compile(r"(\d{4})\s*年")
# A reference to one cell of a sheet inside a formula: '表'!C7, 表!$C$7
_SHEET_REF = re.compile(r"(?:'((?:[^']|'')+)'|([^\s!'\"()=+\-*/,&<>^;:#]+))!\$?([A-Za-z]{1,3})\$?(\d{1,7})(?![\d:(])")
_ONLY_REF = re.compile(r"^=\s*" + _SHEET_REF.pattern + r"\s*$")


@dataclass(frozen=True)
class SummaryRow:
    """One line of a summary sheet: its cells as read (text, a number, a formula where the
    shell reads formulas, or None for a formula whose value was never cached)."""

    row: int
    name: Any
    name_cell: str
    amounts: tuple[tuple[str, str, Any], ...]  # (money key of ``MONEY_LABELS``, cell, value)
    label_cell: str = ""  # the first cell of the row (its 序号, or 合计)

    @property
    def name_text(self) -> str:
        return "" if isinstance(self.name, str) and self.name.startswith("=") else display_text(self.name)

    @property
    def empty(self) -> bool:
        return not display_text(self.name) and not any(display_text(v) for _, _, v in self.amounts)


@dataclass(frozen=True)
class SummaryTable:
    """A summary sheet as the check reads it: one line per project, then its 合计."""

    sheet: str
    title: str
    title_cell: str
    year: int | None
    header_row: int
    labels: tuple[tuple[str, str], ...]  # (money key, the column's heading as written)
    rows: tuple[SummaryRow, ...]
    total: SummaryRow | None

    def label(self, key: str) -> str:
        return next((t for k, t in self.labels if k == key), MONEY_LABELS.get(key, key))

    @property
    def after_last(self) -> str:
        """Where a missing line belongs: the 合计 row's first cell, or the cell below the last line."""
        if self.total is not None:
            return self.total.label_cell
        last = self.rows[-1].row if self.rows else self.header_row
        return cell_ref(last + 1, 1)


def _heading(value: Any) -> str:
    return _UNIT_NOTE.sub("", squash(display_text(value)))


def read_summary(sheet: SheetData) -> SummaryTable | None:
    """The summary table of a sheet, or None when the sheet is none.

    Recognised by a heading row (within the first ten rows) holding 项目名称 and at least
    one money heading of the form (项目总额, 年度资金总额, 财政拨款 …, with or without
    “（万元）”) — the bundled 项目汇总 and a department's own summary alike.  The lines run
    down to the 合计 (or 总计) row or the first empty row.  Cells are kept as read: what a
    value means is the rules' business (``rules/summary.py``).
    """
    for r in range(1, min(sheet.max_row, 10) + 1):
        heads = {c: _heading(sheet.value(r, c)) for c in range(1, min(sheet.max_col, 40) + 1)}
        name_col = next((c for c, t in heads.items() if t == "项目名称"), None)
        if name_col is None:
            continue
        columns = {c: _MONEY_BY_LABEL[t] for c, t in heads.items() if t in _MONEY_BY_LABEL}
        first = r + 1
        if not columns:  # a heading of two rows: 资金 over 项目总额 | 财政拨款 …
            below = {c: _heading(sheet.value(r + 1, c)) for c in heads}
            columns = {c: _MONEY_BY_LABEL[t] for c, t in below.items() if t in _MONEY_BY_LABEL}
            first = r + 2
        if not columns:
            continue
        return _summary(sheet, r, first, name_col, columns)
    return None


def _summary(sheet: SheetData, header: int, first: int, name_col: int, columns: dict[int, str]) -> SummaryTable:
    title, title_cell, year = "", "A1", None
    for r in range(1, header):
        for c in range(1, sheet.max_col + 1):
            t = display_text(sheet.value(r, c))
            if t:
                if not title:
                    title, title_cell = t, cell_ref(r, c)
                m = _YEAR.search(t)
                if m and year is None and 1990 <= int(m.group(1)) <= 2200:
                    year = int(m.group(1))
    rows: list[SummaryRow] = []
    total: SummaryRow | None = None
    label_cols = range(1, max(name_col, 2) + 1)
    for r in range(first, sheet.max_row + 1):
        line = SummaryRow(
            row=r,
            name=sheet.value(r, name_col),
            name_cell=cell_ref(r, name_col),
            amounts=tuple((key, cell_ref(r, c), sheet.value(r, c)) for c, key in columns.items()),
            label_cell=cell_ref(r, 1),
        )
        marks = [squash(display_text(sheet.value(r, c))) for c in label_cols]
        hit = next((c for c, t in zip(label_cols, marks, strict=True) if t in _TOTAL_LABELS), None)
        if hit is not None:
            total = SummaryRow(r, line.name, line.name_cell, line.amounts, cell_ref(r, hit))
            break
        if line.empty and not any(marks):
            break
        rows.append(line)
    labels = tuple(
        (key, display_text(sheet.value(header if first == header + 1 else header + 1, c))) for c, key in columns.items()
    )
    return SummaryTable(sheet.name, title, title_cell, year, header, labels, tuple(rows), total)


def formula_refs(value: Any) -> list[tuple[str, str]]:
    """The (sheet, cell) references of a formula, in order; [] for anything that is no formula."""
    if not isinstance(value, str) or not value.startswith("="):
        return []
    return [((a.replace("''", "'") if a else b), f"{col.upper()}{row}") for a, b, col, row in _SHEET_REF.findall(value)]


def reference_of(value: Any) -> tuple[str, str] | None:
    """(sheet, cell) when a formula is nothing but a reference to one cell (='表'!C7), else None."""
    if not isinstance(value, str):
        return None
    m = _ONLY_REF.match(value)
    if m is None:
        return None
    a, b, col, row = m.groups()
    return (a.replace("''", "'") if a else b), f"{col.upper()}{row}"


def link_targets(lay: SheetLayout) -> dict[int, str]:
    """Row → hyperlink target, as stored by ``summary_layout``."""
    return {r: v for (r, c), v in lay.roles.items() if c == 0}


__all__ = [
    "SUMMARY_SHEET",
    "SUM_FORMULA",
    "SummaryLine",
    "SummaryRow",
    "SummaryTable",
    "find_summary_header",
    "formula_refs",
    "link_targets",
    "plan_summary_line",
    "quote_sheet",
    "read_summary",
    "reference_of",
    "summary_extent",
    "summary_layout",
]
