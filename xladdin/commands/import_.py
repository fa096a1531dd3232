"""``xladdin import FILE… -o OUT.xlsx``: published tables (PDF, Word, web page, text) → a workbook.

Each file is read by the reader of its kind (``xladdin.files.documents``), its tables
recognised by the core (``xladdin.published.recognise``), and the workbook written in
the department's form — one sheet per project, 项目汇总, formatted as ``format`` does,
and a 导入记录 sheet — as one ``WorkbookPlan`` (``xladdin.published.plan``, through the
same layout writer as the bundled workbook) that ``write_workbook`` applies to a new file.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from xladdin.errors import UserError
from xladdin.progress import QUIET, Progress
from xladdin.published.document import REPAIR, UNPLACED, LogEntry
from xladdin.published.recognise import Imported
from xladdin.workbook_plan import WorkbookPlan


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


def import_files(files: list[str], progress: Progress = QUIET) -> Imported:
    """Every file's tables in order; the notice of the first file that has one."""
    from xladdin.files.documents import read_document
    from xladdin.published.recognise import recognise

    total = Imported()
    for i, f in enumerate(files, start=1):
        progress.step("读取文件", i, len(files))
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
    from xladdin.commands.console import brief_list, progress_of
    from xladdin.commands.format import options_from
    from xladdin.files.memory import gc_paused
    from xladdin.published.plan import plan_import
    from xladdin.published.sheets import named

    start = time.perf_counter()
    out = Path(args.output)
    if out.suffix.lower() != ".xlsx":
        raise UserError(f"输出文件 {out.name} 的扩展名应为 .xlsx。")
    for f in args.files:
        if out.exists() and Path(f).exists() and out.resolve() == Path(f).resolve():
            raise UserError(f"输出文件与输入文件 {f} 相同。请用 -o 指定一个新的 .xlsx 文件。")
    progress = progress_of(args)
    # the import builds a few hundred thousand small objects that live until the save (characters,
    # rows, cells, styles): the cyclic collector's full passes over them found nothing and cost
    # 8% of the command (gc_paused says why that is safe: the same pause as a check's)
    with gc_paused():
        try:
            imported = import_files(args.files, progress)
        finally:
            progress.clear()
        if not imported.specs:
            names = "、".join(Path(f).name for f in args.files)
            raise UserError(
                f"在 {names} 中没有找到绩效目标表（需要“项目名称”和“一级指标 二级指标 三级指标 指标值”表头）。"
                "如果是扫描件，请先做文字识别（OCR）。"
            )
        specs = named(imported.specs)
        plan = plan_import(specs, imported, [Path(f).name for f in args.files], options_from(args))
        progress.step(f"写入 {len(specs)} 个项目")
        try:
            write_workbook(plan, out)
        finally:
            progress.clear()
    took = time.perf_counter() - start
    repairs = sum(e.kind == REPAIR for e in imported.log)
    unplaced = sum(e.kind == UNPLACED for e in imported.log)
    print(f"已导入 {len(specs)} 个项目：" + brief_list([s.sheet for s in specs]))
    print(f"导入记录：修复 {repairs} 处，未放入 {unplaced} 处（见工作表“导入记录”）")
    print(f"已写入 {out}（用时 {took:.1f} 秒）")
    return 0


def write_workbook(plan: WorkbookPlan, target: Path) -> None:
    """The file shell of the import, in one place: a new workbook, the plan applied, saved atomically."""
    from openpyxl import Workbook

    from xladdin.files.apply import apply
    from xladdin.files.saving import save_atomic

    wb = Workbook()
    wb.remove(wb.active)  # type: ignore[arg-type]
    apply(wb, plan)
    save_atomic(wb, target)
