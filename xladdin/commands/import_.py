"""``xladdin import FILE… -o OUT.xlsx``: published tables (PDF, Word, web page, text) → a workbook.

Each file is read by the reader of its kind (``xladdin.published.sources``), its tables
recognised by the core (``xladdin.published.recognise``), and the workbook written in
the department's form — one sheet per project, 项目汇总, formatted as ``format`` does,
and a 导入记录 sheet — through the same layout writer as the bundled workbook
(``workbook/build.py``).  All file writing is in ``write_workbook``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.layout import SheetLayout, TableSpec
from xladdin.published.document import REPAIR, UNPLACED, LogEntry
from xladdin.published.recognise import Imported
from xladdin.published.sheets import LOG_HEADERS
from xladdin.style import StyleOptions


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "files",
        nargs="+",
        metavar="FILE",
        help="要导入的公开文件：.pdf、.docx、.html/.htm 或 .txt（可多个，按顺序导入）",
    )
    p.add_argument("-o", "--output", required=True, help="输出的工作簿（.xlsx）")
    p.add_argument("--title-font", default=None, help="标题字体（默认 黑体）")
    p.add_argument("--body-font", default=None, help="正文字体（默认 仿宋）")


def import_files(files: list[str]) -> Imported:
    """Every file's tables in order; the notice of the first file that has one."""
    from xladdin.published.recognise import recognise
    from xladdin.published.sources import read_document

    total = Imported()
    for f in files:
        doc = read_document(f)
        one = recognise(doc)
        prefix = f"{Path(f).name} " if len(files) > 1 else ""
        total.specs += one.specs
        total.starts += [prefix + w for w in one.starts]
        total.log += [LogEntry(prefix + e.where, e.kind, e.text, e.detail) for e in one.log]
        if one.notice is not None:
            if total.notice is None:
                total.notice = one.notice
            else:
                total.log.append(
                    LogEntry(prefix.strip(), "说明", "公开说明", "已有第一个文件的公开说明，此文件的公开说明未保留")
                )
    return total


def run(args: argparse.Namespace) -> int:
    from xladdin.commands.format import options_from
    from xladdin.published.sheets import log_layout, named

    start = time.perf_counter()
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件 {out.name} 的扩展名应为 .xlsx。")
    for f in args.files:
        if out.exists() and Path(f).exists() and out.resolve() == Path(f).resolve():
            raise UserError(f"输出文件与输入文件 {f} 相同。请用 -o 指定一个新的 .xlsx 文件。")
    imported = import_files(args.files)
    if not imported.specs:
        names = "、".join(Path(f).name for f in args.files)
        raise UserError(
            f"在 {names} 中没有找到绩效目标表（需要“项目名称”和“一级指标 二级指标 三级指标 指标值”表头）。"
            "如果是扫描件，请先做文字识别（OCR）。"
        )
    specs = named(imported.specs)
    log = log_layout(imported, [Path(f).name for f in args.files], [s.sheet for s in specs])
    write_workbook(specs, log, out, options_from(args))
    took = time.perf_counter() - start
    repairs = sum(e.kind == REPAIR for e in imported.log)
    unplaced = sum(e.kind == UNPLACED for e in imported.log)
    print(f"已导入 {len(specs)} 个项目：" + "、".join(s.sheet for s in specs))
    print(f"导入记录：修复 {repairs} 处，未放入 {unplaced} 处（见工作表“导入记录”）")
    print(f"已写入 {out}（用时 {took:.1f} 秒）")
    return 0


def write_workbook(specs: list[TableSpec], log: SheetLayout, target: Path, options: StyleOptions) -> None:
    """The file shell of the import, in one place: build, format and save the workbook.

    The same steps as ``workbook/build.py`` (``write_project`` layouts, ``summary_layout``
    with links), then ``format``'s styling, the 导入记录 sheet, and an atomic save.
    """
    from xladdin.files.formatting import format_workbook
    from xladdin.files.saving import save_atomic
    from xladdin.files.workbooks import new_workbook_from_layouts, set_internal_link
    from xladdin.layout import read_project, write_project
    from xladdin.summary import link_targets, summary_layout

    layouts = [write_project(s) for s in specs]
    projects = [p for p in (read_project(lay.to_sheet_data()) for lay in layouts) if p is not None]
    years = [s.year for s in specs if s.year]
    summary = summary_layout(projects, max(set(years), key=years.count) if years else None)
    wb = new_workbook_from_layouts([summary, *layouts, log])
    ws = wb[summary.name]
    for r, ref in link_targets(summary).items():
        set_internal_link(ws.cell(row=r, column=2), ref)
    for lay in (*layouts, log):  # published text stays text, even "=100.00(%)"
        sheet = wb[lay.name]
        for (r, c), v in lay.cells.items():
            if isinstance(v, str) and v[:1] in "=+-@":
                sheet.cell(row=r, column=c).data_type = "s"
    format_workbook(wb, options)
    _log_look(wb[log.name])
    save_atomic(wb, target)


def _log_look(ws: Any) -> None:
    """The 导入记录 sheet readable on screen and on paper: wide text columns wrapped,
    landscape, one page wide, the heading row repeated."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    for col, width in zip("ABCDE", (6, 16, 8, 40, 70), strict=True):
        ws.column_dimensions[col].width = width
    ws["A1"].font = Font(name="黑体", size=14)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if c.value in LOG_HEADERS:
                c.font = Font(bold=True)
        longest = max((len(str(c.value)) for c in row if c.value is not None and c.column >= 3), default=0)
        if longest > 60:  # merged cells get no automatic height: about 60 characters a line
            ws.row_dimensions[row[0].row].height = 15 * (longest // 60 + 1)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    header = next((c.row for c in ws["A"] if c.value == LOG_HEADERS[0]), None)
    if header:
        ws.print_title_rows = f"{header}:{header}"
        ws.freeze_panes = ws.cell(row=header + 1, column=1)
