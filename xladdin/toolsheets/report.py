"""The 校验结果 sheet (counts per project, then every finding linked to its cell) and the
reviewer's 审核汇总 / 问题清单 sheets.

``report_rows`` / ``batch_report`` give the rows as a ``ReportSheet``; ``as_content`` turns
one into the ``SheetContent`` both shells write.  The sheet holds no time stamp: checking
the same workbook twice must give the same sheet, so that "mark twice" equals "mark once".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xladdin.conventions import (
    BATCH_FINDINGS_SHEET,
    BATCH_SUMMARY_SHEET,
    MARK_FILL,
    REPORT_SHEET,
    SEVERITY_ZH,
    quote_sheet,
)
from xladdin.model import column_letter
from xladdin.style import CellStyle, PrintSetup, column_px, count_lines, text_height
from xladdin.toolsheets import BODY, HEADER, TITLE, severity_cell
from xladdin.workbook_plan import SheetContent

COUNT_HEADER = ("工作表", "项目名称", "错误", "警告", "提示")
FINDING_HEADER = ("工作表", "单元格", "规则", "级别", "说明", "项目名称")
WIDTHS = (16, 10, 10, 8, 90, 30)
SEVERITIES = ("error", "warning", "info")
WORKBOOK_LABEL = "（与各项目表核对）"  # the 项目名称 column of a finding on a summary sheet


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


def report_rows(result: Any) -> ReportSheet:
    """The 校验结果 sheet of a ``CheckResult``."""
    rs = ReportSheet()
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    rs.rows.append([f"校验结果：{result.counted}，错误{e}处，警告{w}处，提示{i}处"])
    rs.rows.append(
        ["点击“单元格”一栏可跳到问题所在的单元格；问题单元格已按级别标色（红＝错误，黄＝警告，蓝＝提示）并附批注。"]
    )
    rs.rows.append([])
    rs.rows.append(list(COUNT_HEADER))
    rs.header_rows.append(len(rs.rows))
    for p in result.projects:
        counts = [sum(1 for f in p.findings if f.severity == s) for s in ("error", "warning", "info")]
        rs.rows.append([p.sheet, p.name, *counts])
        first = p.rows[0] or 1  # several tables may share a sheet: link each to its own first row
        rs.links[(len(rs.rows), 1)] = f"{quote_sheet(p.sheet)}!A{first}"
    workbook = list(getattr(result, "workbook", []))
    for sheet in dict.fromkeys(f.sheet for f in workbook):  # a 项目汇总 checked against the tables
        fs = [f for f in workbook if f.sheet == sheet]
        rs.rows.append([sheet, WORKBOOK_LABEL, *(sum(1 for f in fs if f.severity == s) for s in SEVERITIES)])
        rs.links[(len(rs.rows), 1)] = f"{quote_sheet(sheet)}!A1"
    rs.rows.append(["合计", "", e, w, i])
    rs.rows.append([])
    rs.rows.append(list(FINDING_HEADER))
    rs.header_rows.append(len(rs.rows))
    for p in result.projects:
        for f in p.findings:
            rs.rows.append([f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, p.name])
            rs.links[(len(rs.rows), 2)] = f"{quote_sheet(f.sheet)}!{f.cell}"
            rs.severity_of_row[len(rs.rows)] = f.severity
    for f in workbook:
        rs.rows.append([f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, WORKBOOK_LABEL])
        rs.links[(len(rs.rows), 2)] = f"{quote_sheet(f.sheet)}!{f.cell}"
        rs.severity_of_row[len(rs.rows)] = f.severity
    for f in result.other:
        rs.rows.append([f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, ""])
        rs.severity_of_row[len(rs.rows)] = f.severity
    if not result.findings:
        rs.rows.append(["", "", "", "", "未发现问题。", ""])
    _fit_heights(rs, first=rs.header_rows[-1] + 1)
    return rs


# --------------------------------------------------------------------------- several files

BATCH_FILE_HEADER = ("文件", "项目数", "错误", "警告", "提示", "结论")
BATCH_FINDING_HEADER = ("文件", "工作表", "单元格", "规则", "级别", "说明", "项目名称")


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


def batch_report(batch: Any, link_of: dict[str, str] | None = None) -> list[ReportSheet]:
    """The reviewer's workbook for a ``BatchResult``: one line per file, then every finding.

    ``link_of`` maps a file as checked to the path a link in the report should use
    (relative to the report, worked out by the shell); a file missing there is not linked.
    """
    links = link_of or {}
    files = len(batch.results) + len(batch.unreadable)
    e, w, i = batch.count("error"), batch.count("warning"), batch.count("info")
    head = ReportSheet(name=BATCH_SUMMARY_SHEET, widths=(50, 8, 8, 8, 8, 60), severity_col=6)
    title = f"审核汇总：{files}个文件，{batch.counted}，错误{e}处，警告{w}处，提示{i}处"
    if batch.unreadable:
        title += f"，{len(batch.unreadable)}个文件无法读取"
    head.rows.append([title])
    head.rows.append(["点击文件名可打开该文件；每条问题见“问题清单”表（可按文件、规则、级别筛选）。"])
    head.rows.append([])
    head.rows.append(list(BATCH_FILE_HEADER))
    head.header_rows.append(len(head.rows))
    for r in batch.results:
        verdict_text, worst = verdict(r)
        head.rows.append([r.file, r.tables, r.count("error"), r.count("warning"), r.count("info"), verdict_text])
        if worst:
            head.severity_of_row[len(head.rows)] = worst
        if r.file in links:
            head.file_links[(len(head.rows), 1)] = (links[r.file], "")
    for f, message in batch.unreadable:
        head.rows.append([f, "", "", "", "", f"无法读取：{message}"])
        head.severity_of_row[len(head.rows)] = "error"
    head.rows.append(["合计", batch.projects, e, w, i, ""])

    body = ReportSheet(name=BATCH_FINDINGS_SHEET, widths=(36, 14, 8, 9, 6, 96, 30), severity_col=5)
    body.rows.append(list(BATCH_FINDING_HEADER))
    body.header_rows.append(1)
    for r in batch.results:
        owned = (
            [(f, p.name) for p in r.projects for f in p.findings]
            + [(f, WORKBOOK_LABEL) for f in r.workbook]
            + [(f, "") for f in r.other]
        )
        for f, name in owned:
            body.rows.append(
                [
                    r.file,
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
                body.file_links[(len(body.rows), 3)] = (links[r.file], f"{quote_sheet(f.sheet)}!{f.cell}")
    if len(body.rows) == 1:
        body.rows.append(["", "", "", "", "", "未发现问题。", ""])
    for rs in (head, body):
        _fit_heights(rs, first=rs.header_rows[-1] + 1)
    return [head, body]


_REPORT_FONT_PT = 11.0
_WRAP_TOP = CellStyle(BODY, horizontal=None, vertical="top", wrap=True, border=False)
_TOP = CellStyle(BODY, horizontal=None, vertical="top", wrap=False, border=False)


def as_content(rs: ReportSheet, batch: bool = False) -> SheetContent:
    """The sheet as both shells write it: header rows grey and bold, links, severities coloured,
    the messages wrapped in rows as tall as their text, A4 landscape one page wide.

    ``batch``: a sheet of the reviewer's report workbook, also frozen below its header,
    filtered when the header is its first row, every long text wrapped.
    """
    sh = SheetContent(rs.name)
    for r, row in enumerate(rs.rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None and v != "":
                sh.cells[(r, c)] = v
    sh.styles[(1, 1)] = TITLE
    for r in rs.header_rows:
        for c in range(1, len(rs.rows[r - 1]) + 1):
            sh.styles[(r, c)] = HEADER
    header = rs.header_rows[-1] if rs.header_rows else 0
    if batch and header:
        for r in range(header + 1, len(rs.rows) + 1):
            for c, v in enumerate(rs.rows[r - 1], start=1):
                sh.styles[(r, c)] = _WRAP_TOP if isinstance(v, str) and len(v) > 12 else _TOP
    message_col = rs.severity_col + 1
    for r, sev in rs.severity_of_row.items():
        sh.styles[(r, rs.severity_col)] = severity_cell(MARK_FILL.get(sev, MARK_FILL["info"]))
        if message_col <= len(rs.rows[r - 1]):
            sh.styles[(r, message_col)] = _WRAP_TOP
    sh.links = dict(rs.links)
    sh.file_links = dict(rs.file_links)
    sh.widths = {i: float(w) for i, w in enumerate(rs.widths, start=1)}
    sh.heights = dict(rs.row_heights)
    sh.print_setup = PrintSetup(orientation="landscape", title_rows=(header, header) if header else None)
    if batch and header:
        sh.freeze = f"A{header + 1}"
        if header == 1:
            width = len(rs.rows[0])
            sh.autofilter = f"A1:{column_letter(width)}{len(rs.rows)}"
    return sh


def _fit_heights(rs: ReportSheet, first: int) -> None:
    """Heights for rows whose text wraps: not every reader (LibreOffice, a printer
    driver) re-measures rows, and a clipped 说明 is a finding nobody can read."""

    for r in range(first, len(rs.rows) + 1):
        tallest = 0.0
        for c, v in enumerate(rs.rows[r - 1], start=1):
            if isinstance(v, str) and c <= len(rs.widths):
                width = column_px(rs.widths[c - 1])
                if count_lines(v, width, _REPORT_FONT_PT) > 1:
                    tallest = max(tallest, text_height(v, width, _REPORT_FONT_PT))
        if tallest:
            rs.row_heights[r] = round(tallest, 1)
