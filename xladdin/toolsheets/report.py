"""The 校验结果 sheet (counts per project, then every finding linked to its cell) and the
reviewer's 审核汇总 / 问题清单 sheets.

``report_rows`` / ``batch_report`` give the rows as a ``ReportSheet``; ``as_content`` turns
one into the ``SheetContent`` both shells write.  The sheet holds no time stamp: checking
the same workbook twice must give the same sheet, so that "mark twice" equals "mark once".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xladdin.conventions import (
    BATCH_FINDINGS_SHEET,
    BATCH_SUMMARY_SHEET,
    LEGEND,
    MARK_FILL,
    REPORT_SHEET,
    SETTINGS_SHEET,
    SEVERITY_ZH,
    quote_sheet,
)
from xladdin.marks import numbered
from xladdin.model import Merge, SheetData, column_letter, display_text
from xladdin.style import CellStyle, PrintSetup, column_px, count_lines, text_height
from xladdin.toolsheets import BODY, HEADER, TITLE, severity_cell
from xladdin.workbook_plan import SheetContent

# the counts per table share the columns of the findings below them: the sheet under 工作表,
# the counts under the narrow columns, the (long) project name under the wide 说明
COUNT_HEADER = ("序号", "工作表", "错误", "警告", "提示", "项目名称")
FINDING_HEADER = ("编号", "工作表", "单元格", "规则", "级别", "说明", "项目名称")
# A4 landscape, one page wide: ~ 150 characters of width in all
WIDTHS = (6, 16, 9, 9, 6, 70, 24)
SEVERITIES = ("error", "warning", "info")
WORKBOOK_LABEL = "（与各项目表核对）"  # the 项目名称 column of a finding on a summary sheet
# A marked copy says so in its 校验结果 sheet: a later check of a folder knows it is no submission
MARKED_COPY_TAG = "标记副本："


@dataclass
class ReportSheet:
    """Cells by row (1-based), the rows that are headers, and links: (row, col) → ``'表'!E41``."""

    rows: list[list[Any]] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    severity_of_row: dict[int, str] = field(default_factory=dict)
    name: str = REPORT_SHEET
    # links to other files: (row, col) → (file as the link names it, place in it or "")
    file_links: dict[tuple[int, int], tuple[str, str]] = field(default_factory=dict)
    widths: tuple[int, ...] = WIDTHS
    severity_col: int = 4  # the 级别 column, coloured by severity
    row_heights: dict[int, float] = field(default_factory=dict)  # rows whose wrapped text needs more than one line


def report_rows(result: Any, copy_of: str | None = None) -> ReportSheet:
    """The 校验结果 sheet of a ``CheckResult``: counts per project, then every finding numbered
    as its mark in the cell is (``marks.numbered``).

    ``copy_of``: the sheet belongs to a marked copy of that file (``check --mark -o``), which
    it says — a reviewer's later check of a folder holding it skips it (``earlier_output``).
    """
    rs = ReportSheet()
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    rs.rows.append([f"校验结果：{result.counted}，错误{e}处，警告{w}处，提示{i}处"])
    rs.rows.append([LEGEND])
    if copy_of:
        rs.rows.append(
            [
                f"{MARKED_COPY_TAG}本文件是“{copy_of}”的校验标记副本，供对照修改；改好后请点“清除标记”（或 xladdin clear）再报送。"
            ]
        )
    settings = getattr(result, "settings", None)
    if settings is not None and settings.any:
        applied = "本次校验已照此执行" if result.file_settings else "本次校验未采用，全部规则照常检查"
        rs.rows.append([f"本文件（“{SETTINGS_SHEET}”表）{settings.said()}：{applied}。"])
    rs.rows.append([])
    rs.rows.append(list(COUNT_HEADER))
    rs.header_rows.append(len(rs.rows))
    for k, p in enumerate(result.projects, start=1):
        counts = [sum(1 for f in p.findings if f.severity == s) for s in ("error", "warning", "info")]
        rs.rows.append([k, p.sheet, *counts, p.name])
        first = p.rows[0] or 1  # several tables may share a sheet: link each to its own first row
        rs.links[(len(rs.rows), 2)] = f"{quote_sheet(p.sheet)}!A{first}"
    workbook = list(getattr(result, "workbook", []))
    for k, sheet in enumerate(dict.fromkeys(f.sheet for f in workbook), start=len(result.projects) + 1):
        fs = [f for f in workbook if f.sheet == sheet]  # a 项目汇总 checked against the tables
        rs.rows.append([k, sheet, *(sum(1 for f in fs if f.severity == s) for s in SEVERITIES), WORKBOOK_LABEL])
        rs.links[(len(rs.rows), 2)] = f"{quote_sheet(sheet)}!A1"
    rs.rows.append(["", "合计", e, w, i, ""])
    rs.rows.append([])
    rs.rows.append(list(FINDING_HEADER))
    rs.header_rows.append(len(rs.rows))
    # each finding's table by its place in the numbering (several tables may share a sheet);
    # past them come the findings about other sheets, which belong to no table
    names = [p.name for p in result.projects for _ in p.findings] + [WORKBOOK_LABEL for _ in workbook]
    for n, f in numbered(result):
        name = names[n - 1] if n <= len(names) else ""
        rs.rows.append([n, f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, name])
        if name:
            rs.links[(len(rs.rows), 3)] = f"{quote_sheet(f.sheet)}!{f.cell}"
        rs.severity_of_row[len(rs.rows)] = f.severity
    if not result.findings:
        rs.rows.append(["", "", "", "", "", "未发现问题。", ""])
    rs.severity_col = 5
    _fit_heights(rs, first=1)
    return rs


def copy_of_in(report: SheetData) -> str | None:
    """The original a marked copy's 校验结果 names (marking a marked copy again keeps it), or None."""
    for r in range(2, 6):
        text = display_text(report.value(r, 1))
        if text.startswith(MARKED_COPY_TAG) and "“" in text and "”" in text:
            return text[text.index("“") + 1 : text.index("”")]
    return None


def earlier_output(sheets: dict[str, SheetData | None]) -> str:
    """What an earlier run of the tool wrote, by its sheets (name → the sheet, or None when only its
    name is known): "" for a workbook to check, else what it is, in words.

    A marked copy says so in its 校验结果 (``report_rows(copy_of=…)``); a department's own
    workbook marked in Excel does not, and is checked as a submission.  The reviewer's
    report is its two sheets."""
    if BATCH_SUMMARY_SHEET in sheets and BATCH_FINDINGS_SHEET in sheets:
        return "先前生成的审核汇总"
    report = sheets.get(REPORT_SHEET)
    if report is not None and copy_of_in(report) is not None:
        return "先前校验生成的标记副本"
    return ""


# --------------------------------------------------------------------------- several files

BATCH_FILE_HEADER = ("文件", "单位", "项目数", "错误", "警告", "提示", "结论", "文件自带的规则设置")
BATCH_FINDING_HEADER = ("文件", "单位", "工作表", "单元格", "规则", "级别", "说明", "项目名称")


_VERDICTS = (("error", "有错误，需修改后再报"), ("warning", "有警告，请逐条核对"))


NO_TABLE_VERDICT = "没有找到绩效目标表，需人工查看"


def verdict(result: Any) -> tuple[str, str | None]:
    """What the reviewer reads for a file, and the severity its line is coloured by.

    A file in which no table was found is never "no problems": nothing was checked.
    """
    if getattr(result, "found_none", False) and not result.count("error"):
        return NO_TABLE_VERDICT, "warning"
    for severity, text in _VERDICTS:
        if result.count(severity):
            return text, severity
    return "未发现问题", None


def batch_report(
    batch: Any,
    link_of: dict[str, str] | None = None,
    day: dt.date | None = None,
    reviewer: str = "",
    outputs: list[tuple[str, str]] | None = None,
) -> list[ReportSheet]:
    """The reviewer's workbook for a ``BatchResult``: one line per file, then every finding.

    ``link_of`` maps a file as checked to the path a link in the report should use
    (relative to the report, worked out by the shell); a file missing there is not linked.
    ``day`` and ``reviewer`` head the report (a report is a dated document); ``outputs``
    the files left out as outputs of an earlier run, with what they are.
    """
    links = link_of or {}
    files = len(batch.results) + len(batch.unreadable)
    e, w, i = batch.count("error"), batch.count("warning"), batch.count("info")
    head = ReportSheet(name=BATCH_SUMMARY_SHEET, widths=(34, 26, 7, 6, 6, 6, 20, 30), severity_col=7)
    title = f"审核汇总：{files}个文件，{batch.counted}，错误{e}处，警告{w}处，提示{i}处"
    if batch.unreadable:
        title += f"，{len(batch.unreadable)}个文件无法读取"
    head.rows.append([title])
    said = [f"审核日期：{day.year}年{day.month}月{day.day}日"] if day else []
    if reviewer:
        said.append(f"审核人：{reviewer}")
    if said:
        head.rows.append(["　".join(said)])
    head.rows.append(["点击文件名可打开该文件；每条问题见“问题清单”表（可按文件、单位、规则、级别筛选）。"])
    if outputs:
        listed = "、".join(f"{f}（{what}）" for f, what in outputs)
        head.rows.append([f"未作为报送文件检查的先前输出{len(outputs)}个：{listed}。"])
    head.rows.append([])
    head.rows.append(list(BATCH_FILE_HEADER))
    head.header_rows.append(len(head.rows))
    for r in batch.results:
        verdict_text, worst = verdict(r)
        settings = getattr(r, "settings", None)
        own = ""
        if settings is not None and settings.any:
            own = settings.said() + ("（已执行）" if r.file_settings else "（本次未采用）")
        head.rows.append(
            [
                r.file,
                r.unit,
                r.tables,
                r.count("error"),
                r.count("warning"),
                r.count("info"),
                verdict_text,
                own,
            ]
        )
        if worst:
            head.severity_of_row[len(head.rows)] = worst
        if r.file in links:
            head.file_links[(len(head.rows), 1)] = (links[r.file], "")
    for f, message in batch.unreadable:
        head.rows.append([f, "", "", "", "", "", f"无法读取：{message}", ""])
        head.severity_of_row[len(head.rows)] = "error"
    head.rows.append(["合计", "", batch.projects, e, w, i, "", ""])

    body = ReportSheet(name=BATCH_FINDINGS_SHEET, widths=(26, 20, 12, 7, 8, 6, 62, 22), severity_col=6)
    body.rows.append(list(BATCH_FINDING_HEADER))
    body.header_rows.append(1)
    for r in batch.results:
        unit = r.unit
        owned = (
            [(f, p.name) for p in r.projects for f in p.findings]
            + [(f, WORKBOOK_LABEL) for f in r.workbook]
            + [(f, "") for f in r.other]
        )
        for f, name in owned:
            body.rows.append(
                [
                    r.file,
                    unit,
                    f.sheet,
                    f.cell,
                    f.rule,
                    SEVERITY_ZH.get(f.severity, f.severity),
                    f.message,
                    name,
                ]
            )
            body.severity_of_row[len(body.rows)] = f.severity
            if r.file in links:
                body.file_links[(len(body.rows), 4)] = (links[r.file], f"{quote_sheet(f.sheet)}!{f.cell}")
    if len(body.rows) == 1:
        body.rows.append(["", "", "", "", "", "", "未发现问题。", ""])
    for rs in (head, body):
        _fit_heights(rs, first=1)
    return [head, body]


_REPORT_FONT_PT = 11.0
_WRAP_TOP = CellStyle(BODY, horizontal=None, vertical="top", wrap=True, border=False)
_TOP = CellStyle(BODY, horizontal=None, vertical="top", wrap=False, border=False)


def _note_rows(rs: ReportSheet) -> list[int]:
    """The lines above the first table (title, legend, notes): each one text, merged across the sheet."""
    first = rs.header_rows[0] if rs.header_rows else len(rs.rows) + 1
    return [r for r in range(1, first) if len(rs.rows[r - 1]) == 1 and rs.rows[r - 1][0] not in (None, "")]


def as_content(rs: ReportSheet, batch: bool = False) -> SheetContent:
    """The sheet as both shells write it: header rows grey and bold, links, severities coloured,
    every long text wrapped in rows as tall as their text, the lines above the table across
    the whole width; A4 landscape one page wide, the header repeated on every page.

    ``batch``: a sheet of the reviewer's report workbook, also frozen below its header and
    filtered when the header is its first row.
    """
    sh = SheetContent(rs.name)
    for r, row in enumerate(rs.rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                sh.cells[(r, c)] = v
    width = len(rs.widths)
    for r in _note_rows(rs):
        sh.styles[(r, 1)] = TITLE if r == 1 else _WRAP_TOP
        if width > 1:
            sh.merges.append(Merge(r, 1, r, width))
    for r in rs.header_rows:
        for c in range(1, len(rs.rows[r - 1]) + 1):
            sh.styles[(r, c)] = HEADER
    header = rs.header_rows[-1] if rs.header_rows else 0
    first_table = rs.header_rows[0] if rs.header_rows else len(rs.rows) + 1
    for r in range(first_table, len(rs.rows) + 1):
        if r in rs.header_rows:
            continue
        for c, v in enumerate(rs.rows[r - 1], start=1):
            sh.styles[(r, c)] = _WRAP_TOP if isinstance(v, str) and len(v) > 6 else _TOP
    for r, sev in rs.severity_of_row.items():
        sh.styles[(r, rs.severity_col)] = severity_cell(MARK_FILL.get(sev, MARK_FILL["info"]))
    sh.links = dict(rs.links)
    sh.file_links = dict(rs.file_links)
    sh.widths = {i: float(w) for i, w in enumerate(rs.widths, start=1)}
    sh.heights = dict(rs.row_heights)
    sh.print_setup = PrintSetup(orientation="landscape", title_rows=(header, header) if header else None)
    if batch and header:
        sh.freeze = f"A{header + 1}"
        if header == 1:
            sh.autofilter = f"A1:{column_letter(len(rs.rows[0]))}{len(rs.rows)}"
    return sh


def _fit_heights(rs: ReportSheet, first: int) -> None:
    """Heights for rows whose text wraps: not every reader (LibreOffice, a printer
    driver) re-measures rows, and a clipped 说明 is a finding nobody can read.  A line
    above the table spans every column."""
    notes = set(_note_rows(rs))
    whole = sum(column_px(w) for w in rs.widths)
    for r in range(first, len(rs.rows) + 1):
        tallest = 0.0
        size = 14.0 if r == 1 else _REPORT_FONT_PT
        for c, v in enumerate(rs.rows[r - 1], start=1):
            if isinstance(v, str) and c <= len(rs.widths):
                width = whole if r in notes else column_px(rs.widths[c - 1])
                if count_lines(v, width, size) > 1:
                    tallest = max(tallest, text_height(v, width, size))
        if tallest:
            rs.row_heights[r] = round(tallest, 1)
