"""The disclosure document: the opening notice that precedes the published tables.

After approval a department publishes its 项目支出预算绩效目标 on its website: one
page saying what is published and under which rules, then one table per project (see
the department's 2026 publication in ``shared/seeds``).  This module writes that page
as plain data from the projects themselves — the unit from their 实施单位, the year
from their titles — so nobody retypes it; ``xladdin.files.pdf`` lays it out and prints.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from xladdin.model import Merge, Project
from xladdin.sheet_view import unit_of
from xladdin.style import (
    BODY_FONT,
    TITLE_FONT,
    CellStyle,
    FontSpec,
    Margins,
    PrintSetup,
    SheetStyle,
    column_px,
    text_height,
)

NOTICE_SHEET = "公开说明"
LAW = "《中华人民共和国预算法》"
LOCAL_RULE = "《自治区党委 人民政府关于全面实施预算绩效管理的实施意见》（宁党发〔2019〕9号）"


@dataclass(frozen=True)
class Notice:
    """The opening page, line by line, in reading order."""

    title: str
    paragraph: str
    attachment: str
    signature: str
    date: str

    def lines(self) -> list[str]:
        return [self.title, self.paragraph, self.attachment, self.signature, self.date]


def publishing_unit(projects: list[Project]) -> str:
    """The 实施单位 most projects name (spaces removed: PDFs and users insert them)."""
    return unit_of([p.unit.text for p in projects], [])


def budget_year(projects: list[Project]) -> int | None:
    years = Counter(p.year for p in projects if p.year)
    return years.most_common(1)[0][0] if years else None


def signature_of(unit: str) -> str:
    """A unit signs without the budget-level suffix: 自治区社会保险事业管理局本级 → …管理局."""
    return unit[: -len("本级")] if unit.endswith("本级") and len(unit) > 2 else unit


def date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def opening_notice(
    projects: list[Project],
    day: dt.date | None = None,
    unit: str | None = None,
    year: int | None = None,
) -> Notice:
    """The notice as the department wrote it in 2026, for any unit and year."""
    u = unit or publishing_unit(projects) or "（单位名称）"
    y = year or budget_year(projects) or (day or dt.date.today()).year
    return Notice(
        title=f"{u}{y}年自治区本级部门项目支出预算绩效目标",
        paragraph=(f"根据{LAW}{LOCAL_RULE}有关要求，现将{y}年自治区本级部门项目支出预算绩效目标予以公开。"),
        attachment=f"附件：{y}年自治区本级部门项目支出预算绩效目标表",
        signature=signature_of(u),
        date=date_text(day or dt.date.today()),
    )


__all__ = ["NOTICE_SHEET", "Notice", "budget_year", "opening_notice", "publishing_unit", "signature_of"]


# --------------------------------------------------------------------------- layout


NOTICE_SIZE = 16.0  # 三号, the size of official documents' body text
NOTICE_TITLE_SIZE = 22.0  # 二号
NOTICE_WIDTHS = (12.0, 13.0, 21.0, 21.0, 12.0, 15.0)  # as the tables: the page scales alike
INDENT = "\u3000\u3000"  # first-line indent of two characters, as in printed documents


def notice_plan(
    notice: Notice, title_font: str | None = None, body_font: str | None = None, draft: str = ""
) -> tuple[dict[tuple[int, int], str], SheetStyle]:
    """Cells and look of the opening page: {(row, col): text} and a ``SheetStyle``.

    ``draft``: the document is a forced draft (``gate.Readiness.draft_note``), said under the date."""

    tf, bf = title_font or TITLE_FONT, body_font or BODY_FONT
    width = sum(column_px(w) for w in NOTICE_WIDTHS)
    rows: list[tuple[str, CellStyle, float]] = [
        ("", CellStyle(FontSpec(bf, NOTICE_SIZE), border=False), 30.0),
        (notice.title, CellStyle(FontSpec(tf, NOTICE_TITLE_SIZE), border=False), NOTICE_TITLE_SIZE),
        ("", CellStyle(FontSpec(bf, NOTICE_SIZE), border=False), 24.0),
        (INDENT + notice.paragraph, CellStyle(FontSpec(bf, NOTICE_SIZE), "left", "top", border=False), NOTICE_SIZE),
        ("", CellStyle(FontSpec(bf, NOTICE_SIZE), border=False), 12.0),
        (INDENT + notice.attachment, CellStyle(FontSpec(bf, NOTICE_SIZE), "left", "top", border=False), NOTICE_SIZE),
        ("", CellStyle(FontSpec(bf, NOTICE_SIZE), border=False), 90.0),
        (notice.signature, CellStyle(FontSpec(bf, NOTICE_SIZE), "right", border=False, indent=2), NOTICE_SIZE),
        (notice.date, CellStyle(FontSpec(bf, NOTICE_SIZE), "right", border=False, indent=3), NOTICE_SIZE),
    ]
    if draft:
        rows += [
            ("", CellStyle(FontSpec(bf, NOTICE_SIZE), border=False), 36.0),
            (draft, CellStyle(FontSpec(tf, NOTICE_SIZE, bold=True), "left", "top", border=False), NOTICE_SIZE),
        ]
    cells: dict[tuple[int, int], str] = {}
    plan = SheetStyle(NOTICE_SHEET)
    plan.column_widths = dict(enumerate(NOTICE_WIDTHS, start=1))
    for r, (text, style, size) in enumerate(rows, start=1):
        if text:
            cells[(r, 1)] = text
            plan.merges.append(Merge(r, 1, r, len(NOTICE_WIDTHS)))
            plan.row_heights[r] = round(text_height(text, width, size), 1)
        else:
            plan.row_heights[r] = size
        plan.cells[(r, 1)] = style
    plan.print_setup = PrintSetup(
        fit_height=1,
        margins=Margins(left=1.0, right=1.0, top=1.2, bottom=1.0),
        print_area=f"A1:F{len(rows)}",
        footer_font=bf,
    )
    return cells, plan
