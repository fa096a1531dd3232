"""Rows of the 校验结果 sheet: counts per project, then every finding with a link to its cell.

Plain data for both shells (openpyxl for ``check --mark``, xlwings for the 校验 button).
The sheet holds no time stamp: checking the same workbook twice must give the same
sheet, so that "mark twice" equals "mark once".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from xladdin.marks import SEVERITY_ZH
from xladdin.summary import quote_sheet

REPORT_SHEET = "校验结果"
COUNT_HEADER = ("工作表", "项目名称", "错误", "警告", "提示")
FINDING_HEADER = ("工作表", "单元格", "规则", "级别", "说明", "项目名称")
WIDTHS = (16, 10, 10, 8, 90, 30)


@dataclass
class ReportSheet:
    """Cells by row (1-based), the rows that are headers, and links: (row, col) → ``'表'!E41``."""

    rows: list[list[Any]] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    links: dict[tuple[int, int], str] = field(default_factory=dict)
    severity_of_row: dict[int, str] = field(default_factory=dict)
    name: str = REPORT_SHEET


def report_rows(result: Any) -> ReportSheet:
    """The 校验结果 sheet of a ``CheckResult``."""
    rs = ReportSheet()
    e, w, i = result.count("error"), result.count("warning"), result.count("info")
    rs.rows.append([f"校验结果：{len(result.projects)}个项目，错误{e}处，警告{w}处，提示{i}处"])
    rs.rows.append(
        ["点击“单元格”一栏可跳到问题所在的单元格；问题单元格已按级别标色（红＝错误，黄＝警告，蓝＝提示）并附批注。"]
    )
    rs.rows.append([])
    rs.rows.append(list(COUNT_HEADER))
    rs.header_rows.append(len(rs.rows))
    for p in result.projects:
        counts = [sum(1 for f in p.findings if f.severity == s) for s in ("error", "warning", "info")]
        rs.rows.append([p.sheet, p.name, *counts])
        rs.links[(len(rs.rows), 1)] = f"{quote_sheet(p.sheet)}!A1"
    rs.rows.append(["合计", "", e, w, i])
    rs.rows.append([])
    rs.rows.append(list(FINDING_HEADER))
    rs.header_rows.append(len(rs.rows))
    names = {p.sheet: p.name for p in result.projects}
    for p in result.projects:
        for f in p.findings:
            rs.rows.append(
                [f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, names[f.sheet]]
            )
            rs.links[(len(rs.rows), 2)] = f"{quote_sheet(f.sheet)}!{f.cell}"
            rs.severity_of_row[len(rs.rows)] = f.severity
    for f in result.other:
        rs.rows.append([f.sheet, f.cell, f.rule, SEVERITY_ZH.get(f.severity, f.severity), f.message, ""])
        rs.severity_of_row[len(rs.rows)] = f.severity
    if not result.findings:
        rs.rows.append(["", "", "", "", "未发现问题。", ""])
    return rs
