"""The imported workbook as one ``WorkbookPlan``: what ``xladdin import`` writes, as plain data.

The same pieces as the bundled workbook (``workbook/build.py``): each project through
``layout.write_project``, the 项目汇总 sheet through ``summary.summary_layout`` with its
links and formulas; then 统一格式's plan (``plans.format``) over those sheets, and the
导入记录 sheet.  The file shell applies it to a new workbook (``files.apply``), so the
import writes nothing that the other verbs could not write the same way.
"""

from __future__ import annotations

from xladdin.layout import SheetLayout, TableSpec, read_project, write_project
from xladdin.model import Merge, SheetData
from xladdin.plans.format import plan_format
from xladdin.published.recognise import Imported
from xladdin.published.sheets import LOG_HEADERS, log_layout
from xladdin.style import CellStyle, FontSpec, Margins, PrintSetup, StyleOptions
from xladdin.summary import link_targets, summary_layout
from xladdin.workbook_plan import SheetContent, WorkbookPlan, WriteSheet

_LOG_WIDTHS = {1: 6.0, 2: 16.0, 3: 8.0, 4: 40.0, 5: 70.0}
_CHARS_PER_LINE = 60  # of the widest text columns, for the height of a long line


def content_of(lay: SheetLayout, formulas: bool = False) -> SheetContent:
    """A written layout as a sheet to write; only the summary's ``=…`` cells are formulas,
    every published text stays text (``=100.00(%)`` included)."""
    content = SheetContent(lay.name, cells=dict(lay.cells), merges=list(lay.merges))
    if formulas:
        content.formulas = {rc for rc, v in lay.cells.items() if isinstance(v, str) and v.startswith("=")}
    return content


def plan_import(
    specs: list[TableSpec], imported: Imported, sources: list[str], options: StyleOptions | None = None
) -> WorkbookPlan:
    plan = WorkbookPlan("import")
    layouts = [write_project(s) for s in specs]
    datas = [lay.to_sheet_data() for lay in layouts]
    projects = [p for p in map(read_project, datas) if p is not None]
    years = [s.year for s in specs if s.year]
    summary = summary_layout(projects, max(set(years), key=years.count) if years else None)
    summary_content = content_of(summary, formulas=True)
    summary_content.links = {(r, 2): ref for r, ref in link_targets(summary).items()}
    plan.add(WriteSheet(summary_content, "项目汇总"))
    for lay in layouts:
        plan.add(WriteSheet(content_of(lay), "导入的项目表"))
    log = log_content(log_layout(imported, sources, [s.sheet for s in specs]))
    plan.add(WriteSheet(log, "导入记录"))
    sheets: list[SheetData] = [summary.to_sheet_data(), *datas]
    plan.add(*plan_format(sheets, options, read={p.sheet: p for p in projects}).steps)
    plan.names = {"projects": [s.sheet for s in specs]}
    return plan


def log_content(lay: SheetLayout) -> SheetContent:
    """The 导入记录 sheet readable on screen and on paper: wide text columns wrapped,
    landscape, one page wide, the heading row repeated and frozen."""
    content = content_of(lay)
    content.widths = dict(_LOG_WIDTHS)
    plain = CellStyle(FontSpec(None, 11), "left", "top", wrap=True, border=False)
    bold = CellStyle(FontSpec(None, 11, bold=True), "left", "top", wrap=True, border=False)
    header = next((r for (r, c), v in lay.cells.items() if c == 1 and v == LOG_HEADERS[0]), None)
    for r, c in lay.cells:
        content.styles[(r, c)] = bold if r == header else plain
    content.styles[(1, 1)] = CellStyle(FontSpec("黑体", 14), "left", "center", wrap=False, border=False)
    for r in {r for r, _ in lay.cells}:
        longest = max(
            (len(str(v)) for (rr, c), v in lay.cells.items() if rr == r and c >= 3 and v is not None), default=0
        )
        if longest > _CHARS_PER_LINE and _merged_text(lay.merges, r):  # merged cells get no automatic height
            content.heights[r] = 15.0 * (longest // _CHARS_PER_LINE + 1)
    if header:
        content.freeze = f"A{header + 1}"
    content.print_setup = PrintSetup(
        orientation="landscape",
        margins=Margins(left=0.5, right=0.5),
        center_horizontally=False,
        title_rows=(header, header) if header else None,
    )
    return content


def _merged_text(merges: list[Merge], row: int) -> bool:
    return any(m.min_row == row and m.max_col > m.min_col for m in merges)


__all__ = ["content_of", "log_content", "plan_import"]
