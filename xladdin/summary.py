"""The 项目汇总 sheet: one line per project, linked to its sheet, with live totals.

Amounts are formulas pointing at each project's own cells, so the summary never
disagrees with the tables it summarises, in Excel, WPS or LibreOffice, with or
without xladdin.
"""

from __future__ import annotations

from xladdin.layout import SheetLayout
from xladdin.model import Project

SUMMARY_SHEET = "项目汇总"
SUMMARY_HEADERS = ("序号", "项目名称", "项目总额", "年度资金总额", "财政拨款")


def quote_sheet(name: str) -> str:
    """A sheet name as a formula reference: '信息系统维护'."""
    return "'" + name.replace("'", "''") + "'"


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
    lay.put(total_row, 1, "合计", "label", to_col=2)
    for c in (3, 4, 5):
        col = "CDE"[c - 3]
        lay.put(total_row, c, f"=SUM({col}{first}:{col}{last})" if projects else 0, "money")
    return lay


def link_targets(lay: SheetLayout) -> dict[int, str]:
    """Row → hyperlink target, as stored by ``summary_layout``."""
    return {r: v for (r, c), v in lay.roles.items() if c == 0}


__all__ = ["SUMMARY_SHEET", "link_targets", "quote_sheet", "summary_layout"]
