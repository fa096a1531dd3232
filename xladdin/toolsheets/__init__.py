"""The sheets the tool writes itself (校验结果, 成本测算, 填充记录, 新年度检查, the reviewer's
审核汇总 and 问题清单), each as a ``workbook_plan.SheetContent``: plain data both shells write
the same way.  The looks they share are defined here once."""

from __future__ import annotations

from typing import TYPE_CHECKING

from xladdin.conventions import HEADER_FILL
from xladdin.style import CellStyle, FontSpec, column_px, count_lines, text_height

if TYPE_CHECKING:
    from xladdin.workbook_plan import SheetContent

# The tool's sheets keep the workbook's default font: they are working lists, not the published table.
BODY = FontSpec(None, 11.0)
BOLD = FontSpec(None, 11.0, bold=True)

TITLE = CellStyle(FontSpec(None, 14.0, bold=True), horizontal=None, vertical=None, wrap=False, border=False)
HEADER = CellStyle(BOLD, horizontal=None, vertical=None, wrap=False, border=False, fill=HEADER_FILL)
BOLD_TEXT = CellStyle(BOLD, horizontal=None, vertical=None, wrap=False, border=False)
WRAPPED = CellStyle(BODY, horizontal=None, vertical="top", wrap=True, border=False)
TOP = CellStyle(BODY, horizontal=None, vertical="top", wrap=False, border=False)  # beside a wrapped text


def severity_cell(color: str) -> CellStyle:
    """The 级别 cell of a finding, in the colour of its severity (at the top, beside the first
    line of its explanation)."""
    return CellStyle(BODY, horizontal=None, vertical="top", wrap=False, border=False, fill=color)


def fit_rows(content: SheetContent) -> None:
    """Row heights for the wrapped texts of a tool sheet: LibreOffice and printer drivers do
    not re-measure a row, and an explanation cut at the cell's edge is one nobody can read.
    The other cells of a taller row are put at its top, beside the text's first line."""
    for (r, c), style in list(content.styles.items()):
        v = content.cells.get((r, c))
        if not style.wrap or not isinstance(v, str) or c not in content.widths:
            continue
        width = column_px(content.widths[c])
        size = style.font.size
        if count_lines(v, width, size) > 1:
            content.heights[r] = max(content.heights.get(r, 0.0), round(text_height(v, width, size), 1))
    for r, c in content.cells:
        if r in content.heights and (r, c) not in content.styles:
            content.styles[(r, c)] = TOP
