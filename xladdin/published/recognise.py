"""Rows of a published document → the projects' tables, the notice, and the import log.

The recogniser does not read fields itself.  It cuts the document into tables (each
starts at its 项目名称 row, with the title lines above it), drops what the page put in
(page numbers, a header repeated on each page, a running title, ruled lines), puts
each table's rows back into a grid of cells, and hands that grid to the sheet reader
``layout.read_project`` — the one home of the form's labels.  A table shape the sheet
reader knows is therefore imported into its fields without anything here knowing it;
a new shape plugs in by teaching the sheet reader, plus, where its indicator columns
differ, an entry in ``INDICATOR_COLUMNS``.

What the sheet reader did not use — a line outside any table, a cell no label claims,
an amount that is not a number — is listed in the log, never dropped silently.
Values are repaired (``repair.repair_text``) only in extracted text, and every repair
is logged with its place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from xladdin import forms
from xladdin.framework import CLASSIC, FRAMEWORK_2021, LEVEL1_LABELS, level1_key, level2_key, squash
from xladdin.layout import (
    MONEY_KEYS,
    TITLE_TEMPLATE,
    IndicatorSpec,
    TableSpec,
    header_key,
    label_key,
    read_project,
)
from xladdin.model import Field, Project, SheetData, column_letter, parse_ref
from xladdin.published.document import NOTE, REPAIR, UNPLACED, Document, LogEntry, Row, Where
from xladdin.published.repair import join_wrapped, repair_text
from xladdin.target import compose_target

# --------------------------------------------------------------------------- what a page adds

_PAGE_NUMBER = re.compile(
    r"^(第\d+页(?:[，,/／]?共\d+页)?|[-—–]\d+[-—–]|\d+/\d+|page\d+(?:of\d+)?|\d{1,4})$",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[-—–_=─━│|+.·\s]+$")
_YEAR_LINE = re.compile(r"^[(（]\d{4}年度?[)）]$")
_TABLE_TITLE = re.compile(r"绩效.{0,6}表")

_LEVEL1_KEYS = frozenset(LEVEL1_LABELS)
_LEVEL2_KEYS = frozenset(k for fw in (CLASSIC, FRAMEWORK_2021) for groups in fw.values() for k, _ in groups)


def _is_page_number(row: Row) -> bool:
    texts = row.texts
    return len(texts) == 1 and bool(_PAGE_NUMBER.match(squash(texts[0])))


def _is_rule(row: Row) -> bool:
    return all(_RULE.match(c) for c in row.texts) and any(len(c.strip()) >= 3 for c in row.texts)


def _is_title_line(row: Row) -> bool:
    """A line above a table: its title, "(2026年)", "单位：万元"."""
    texts = row.texts
    if not texts or len(texts) > 2:
        return False
    for t in texts:
        s = squash(t)
        if _YEAR_LINE.match(s) or s.startswith(("单位", "金额单位")):
            continue
        if _TABLE_TITLE.search(s) and len(s) <= 60 and not s.startswith("附件"):
            continue
        return False
    return True


def _is_level1(text: str) -> bool:
    return level1_key(text) in _LEVEL1_KEYS


def _is_level2(text: str) -> bool:
    return level2_key(text) in _LEVEL2_KEYS


def _header_columns(row: Row) -> dict[str, int] | None:
    """0-based positions of 一级/二级/三级/指标值 in an indicator header row, or None."""
    cols: dict[str, int] = {}
    for i, c in enumerate(row.cells):
        k = header_key(c)
        if k and k not in cols:
            cols[k] = i
    if "level1" in cols and "value" in cols:
        return cols
    return None


def _is_summary_header(row: Row) -> bool:
    """序号 | 项目名称 | 项目总额 …: a summary of the projects, not a project table."""
    texts = row.texts
    return len(texts) >= 3 and squash(texts[0]) == "序号" and label_key(texts[1]) == "name"


def _has_name_label(row: Row) -> bool:
    return any(label_key(c) == "name" for c in row.cells)


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class NoticeText:
    """The notice before the tables, as published, and what ``publish`` needs of it."""

    lines: tuple[tuple[str, str], ...]  # (where, text)
    unit: str | None
    year: int | None
    signature: str | None
    date: dt.date | None


@dataclass
class Imported:
    """What a document gave: one ``TableSpec`` per project in document order, the notice, the log."""

    specs: list[TableSpec] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)  # where each table starts
    notice: NoticeText | None = None
    log: list[LogEntry] = field(default_factory=list)


# --------------------------------------------------------------------------- the recogniser


def recognise(doc: Document) -> Imported:
    """Every project table of ``doc``, the notice before them, and the log of the import."""
    result = Imported(log=list(doc.notes))
    log = result.log
    rows: list[Row] = []
    summary: list[Row] = []
    for row in doc.rows:
        if row.blank:
            continue
        if summary:
            if row.table and not _has_name_label(row) and not _is_title_line(row):
                summary.append(row)
                continue
            log.append(_summary_note(summary))
            summary = []
        if _is_summary_header(row):
            summary = [row]
        elif _is_page_number(row):
            log.append(LogEntry(str(row.where), REPAIR, row.texts[0], "页码，已去掉"))
        elif _is_rule(row):
            log.append(LogEntry(str(row.where), REPAIR, " ".join(row.texts)[:40], "表格线（排版痕迹），已去掉"))
        else:
            rows.append(row)
    if summary:
        log.append(_summary_note(summary))
    starts = [i for i, r in enumerate(rows) if _has_name_label(r)]
    if not starts:
        for r in rows:
            log.append(LogEntry(str(r.where), UNPLACED, _joined(r), "不在任何绩效目标表中"))
        return result
    # each table begins with the title lines right above its 项目名称 row
    begins = []
    floor = 0
    for s in starts:
        b = s
        while b > floor and _is_title_line(rows[b - 1]):
            b -= 1
        begins.append(b)
        floor = s + 1
    result.notice = _notice(rows[: begins[0]])
    ends = [*begins[1:], len(rows)]
    for b, s, e in zip(begins, starts, ends, strict=True):
        spec = _table(rows[b:e], s - b, doc.extracted, log)
        if spec is not None:
            result.specs.append(spec)
            result.starts.append(str(rows[s].where))
    return result


def _summary_note(summary: list[Row]) -> LogEntry:
    """A summary of the projects is not imported: the workbook's 项目汇总 is made from the tables."""
    text = f"项目汇总表（{len(summary)}行），导入后按各项目重新生成“项目汇总”"
    return LogEntry(str(summary[0].where), NOTE, _joined(summary[0]), text)


def _joined(row: Row) -> str:
    return " | ".join(row.texts)


# --------------------------------------------------------------------------- one table


@dataclass
class _Grid:
    """A table's rows put back into cells, with the source place of each grid row."""

    rows: list[list[Any]] = field(default_factory=list)
    wheres: list[Where] = field(default_factory=list)

    def add(self, cells: Iterable[Any], where: Where) -> None:
        self.rows.append(list(cells))
        self.wheres.append(where)

    def where(self, ref: str) -> str:
        r, _ = parse_ref(ref)
        return str(self.wheres[r - 1]) if 0 < r <= len(self.wheres) else ""


def _table(rows: list[Row], name_at: int, extracted: bool, log: list[LogEntry]) -> TableSpec | None:
    grid = _Grid()
    header_at = next((i for i in range(name_at, len(rows)) if _header_columns(rows[i])), None)
    if header_at is None:
        log.append(
            LogEntry(
                str(rows[name_at].where),
                UNPLACED,
                _joined(rows[name_at]),
                "有“项目名称”但找不到“一级指标…指标值”表头，未作为项目导入",
            )
        )
        for r in rows[name_at + 1 :]:
            log.append(LogEntry(str(r.where), UNPLACED, _joined(r), "不在可识别的表中"))
        return None
    for r in rows[: header_at + 1]:
        grid.add(r.cells, r.where)
    cols = _header_columns(rows[header_at]) or {}
    width = max(len(rows[header_at].cells), max(cols.values()) + 1)
    _indicator_rows(rows[header_at + 1 :], rows[header_at], cols, width, grid, log)
    sheet = SheetData("导入", [_pad(r, width) for r in grid.rows])
    project = read_project(sheet)
    if project is None:  # the grid has both 项目名称 and the header: the reader always finds them
        log.append(LogEntry(str(rows[name_at].where), UNPLACED, _joined(rows[name_at]), "无法识别为项目表"))
        return None
    spec = _spec(project, grid, extracted, log)
    _log_unused(project, sheet, grid, header_at + 1, log)
    return spec


def _pad(cells: list[Any], width: int) -> list[Any]:
    return [*cells, *([None] * (width - len(cells)))] if len(cells) < width else cells


def _four(cols: dict[str, int]) -> tuple[int, int, int, int]:
    """一级, 二级, 三级, 指标值 positions (a header may leave out 二级/三级: the next columns)."""
    c1 = cols["level1"]
    c2 = cols.get("level2", c1 + 1)
    return c1, c2, cols.get("name", c2 + 1), cols["value"]


def _indicator_rows(
    rows: list[Row], header: Row, cols: dict[str, int], width: int, grid: _Grid, log: list[LogEntry]
) -> None:
    """Indicator rows into the columns of the table's header row.

    A row as wide as the header row keeps its cells' positions (a Word/HTML/PDF table, or
    tabbed text of one page); a header repeated on a later page gives that page's
    positions.  A row of another width — a table continued on the next page in text,
    whose empty leading cells were lost — is read by content: the last text is the
    指标值, the one before it the 三级指标, and leading texts are the 一级/二级 when the
    framework knows them (else, by position, 二级 then 一级).
    """
    dst = _four(cols)  # where the grid handed to the sheet reader has them
    src, src_row = dst, header  # where this page's rows have them
    parts = _target_columns(header, rows)  # comparator and unit in columns of their own (shape H)
    header_text = squash("".join(header.texts))
    pending: dict[int, str] = {}  # a 一级/二级 printed on a line of its own, for the next row
    for r in rows:
        texts = r.texts
        again = _header_columns(r)
        if squash("".join(texts)) == header_text or again:
            log.append(LogEntry(str(r.where), REPAIR, _joined(r), "每页重复的表头，已去掉"))
            if again:
                src, src_row = _four(again), r
                parts = _target_columns(r, rows)
            continue
        if _is_title_line(r):
            log.append(LogEntry(str(r.where), REPAIR, _joined(r), "每页重复的标题（页眉），已去掉"))
            continue
        found: list[str | None] = [None, None, None, None]  # 一级, 二级, 三级, 指标值
        if len(r.cells) == len(src_row.cells) and r.table == src_row.table and (r.table or len(texts) > 1):
            found = [r.cells[i] if i < len(r.cells) else None for i in src]
            if parts and (found[3] or "").strip():
                comp, unit = (r.cells[i] if i is not None and i < len(r.cells) else None for i in parts)
                found[3] = compose_target(found[3] or "", comp, unit, found[2] or "", found[1] or "")
            extra = [c for i, c in enumerate(r.cells) if i not in src and i not in parts and c.strip()]
            if extra:
                log.append(LogEntry(str(r.where), UNPLACED, " | ".join(extra), "指标行中表头以外的列，未导入"))
            if len(texts) == 1 and grid.rows and texts[0] in (found[2], found[3]) and not _is_level(texts[0]):
                col = dst[2] if (found[2] or "").strip() else dst[3]
                if _continue_previous(grid, col, texts[0], r.where, log):
                    continue
        elif len(texts) >= 2:
            lead = texts[:-2]
            if len(lead) > 2:
                log.append(LogEntry(str(r.where), UNPLACED, " | ".join(lead[:-2]), "指标行前部多出的文字，未导入"))
                lead = lead[-2:]
            if len(lead) == 2:
                found[0], found[1] = lead
            elif len(lead) == 1:
                if _is_level1(lead[0]) and not _is_level2(lead[0]):
                    found[0] = lead[0]
                else:
                    found[1] = lead[0]
                    if not _is_level2(lead[0]):
                        log.append(LogEntry(str(r.where), NOTE, lead[0], "不是常见的二级指标名称，按位置作为二级指标"))
            found[2], found[3] = texts[-2], texts[-1]
        else:
            t = texts[0]
            if _is_level1(t):
                pending = {0: t}
            elif _is_level2(t):
                pending[1] = t
            else:
                log.append(LogEntry(str(r.where), UNPLACED, t, "指标区中只有一段文字，无法确定是三级指标还是指标值"))
            continue
        for k, label in pending.items():
            if not (found[k] or "").strip():
                found[k] = label
        pending = {}
        out: list[Any] = [None] * width
        for k, col in enumerate(dst):
            out[col] = found[k]
        grid.add(out, r.where)


def _target_columns(header: Row, rows: list[Row]) -> tuple[int | None, ...]:
    """Positions of a comparator and a unit column in an indicator header (指标性质 ∣ 指标值 ∣
    度量单位, a budget system's form); ``()`` when the header has neither.  Their cells are folded
    into the 指标值 (``≥`` ∣ ``95`` ∣ ``%`` → ``≥95%``), the form the import writes.  A 指标性质
    column holding 正向/反向 is a direction, not a comparator (``forms.column_role``)."""
    comp = unit = None
    for i, c in enumerate(header.cells):
        key = forms.heading_key(c)
        if key == "comparator_or_direction" and comp is None:
            texts = [r.cells[i] for r in rows[:60] if len(r.cells) == len(header.cells) and i < len(r.cells)]
            if forms.column_role(texts) == "comparator":
                comp = i
        elif key == "comparator" and comp is None:
            comp = i
        elif key == "unit" and unit is None:
            unit = i
    return (comp, unit) if comp is not None or unit is not None else ()


def _is_level(text: str) -> bool:
    return _is_level1(text) or _is_level2(text)


def _continue_previous(grid: _Grid, col: int, text: str, where: Where, log: list[LogEntry]) -> bool:
    """A row holding only the rest of the cell above (text wrapped onto a new line)."""
    for prev in reversed(grid.rows):
        if col < len(prev) and isinstance(prev[col], str) and prev[col].strip():
            prev[col] = join_wrapped([prev[col], text])
            log.append(LogEntry(str(where), REPAIR, text, "上一行同一格中的文字换行到了这一行，已接上"))
            return True
        break
    return False


_FIELD_NAMES = {
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "attribute": "项目属性",
    "period": "项目期",
    "goal": "年度总体绩效目标",
}


def _spec(project: Project, grid: _Grid, extracted: bool, log: list[LogEntry]) -> TableSpec:
    seen: dict[str, str] = {}

    def text(f: Field, what: str) -> str:
        t = f.text
        if not extracted or not t:
            return t
        if f.cell in seen:
            return seen[f.cell]
        new, note = repair_text(t)
        if note:
            log.append(LogEntry(grid.where(f.cell), REPAIR, what, note))
        seen[f.cell] = new
        return new

    money: dict[str, float | int | None] = {}
    for key in MONEY_KEYS:
        amount = getattr(project.money, key)
        n = amount.number
        if n is None and amount.raw is not None and str(amount.raw).strip():
            log.append(LogEntry(grid.where(amount.cell), UNPLACED, str(amount.raw), "金额不是数字，未导入"))
        money[key] = int(n) if n is not None and n == int(n) else n
    year = project.year
    title = project.title.text
    if year and title and squash(title) != TITLE_TEMPLATE.format(year=year):
        log.append(LogEntry(grid.where(project.title.cell), NOTE, title, "原表标题；导入后按本表格式写标题"))
    indicators = tuple(
        IndicatorSpec(
            text(i.level1, "一级指标"),
            text(i.level2, "二级指标"),
            text(i.name, "三级指标"),
            text(i.value, "指标值"),
        )
        for i in project.indicators
    )
    return TableSpec(
        sheet="",
        year=year or 0,
        name=text(project.name, _FIELD_NAMES["name"]),
        department=text(project.department, _FIELD_NAMES["department"]),
        unit=text(project.unit, _FIELD_NAMES["unit"]),
        attribute=text(project.attribute, _FIELD_NAMES["attribute"]),
        period=text(project.period, _FIELD_NAMES["period"]),
        money=money,
        goal=text(project.goal, _FIELD_NAMES["goal"]),
        indicators=indicators,
    )


def _log_unused(project: Project, sheet: SheetData, grid: _Grid, first_indicator_row: int, log: list[LogEntry]) -> None:
    """Cells above the indicators that no label claimed: listed, never dropped silently."""
    used = {project.title.cell, project.year_cell, *project.labels.values()}
    used.update(getattr(project, k).cell for k in _FIELD_NAMES)
    used.update(a.cell for _, a in project.money.items())
    for r in range(1, min(first_indicator_row, len(sheet.rows) + 1)):
        for c, v in enumerate(sheet.rows[r - 1], start=1):
            t = "" if v is None else str(v).strip()
            if not t or f"{_col(c)}{r}" in used or label_key(t) or header_key(t):
                continue
            s = squash(t)
            if s.startswith(("单位", "金额单位")) or _YEAR_LINE.match(s) or s in ("其中", "其中：", "其中:"):
                continue
            log.append(LogEntry(str(grid.wheres[r - 1]), UNPLACED, t, "表头区中没有标签对应的文字，未导入"))


def _col(c: int) -> str:

    return column_letter(c)


# --------------------------------------------------------------------------- the notice

_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_UNIT_YEAR = re.compile(r"^(.*?)(\d{4})年")


def _notice(rows: list[Row]) -> NoticeText | None:
    lines = tuple((str(r.where), " ".join(r.texts)) for r in rows)
    if not lines:
        return None
    signature = day = None
    for i, (_, t) in enumerate(lines):
        m = _DATE.match(squash(t))
        if m:
            try:
                day = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                day = None
            if i > 0:
                signature = squash(lines[i - 1][1])
    # the title starts with the unit and the year; a PDF may have wrapped it over two lines
    m2 = _UNIT_YEAR.match("".join(squash(t) for _, t in lines[:3]))
    unit, year = (m2.group(1) or None, int(m2.group(2))) if m2 else (None, None)
    return NoticeText(lines, unit, year, signature, day)


__all__ = ["Imported", "NoticeText", "recognise"]
