"""The one way xladdin writes a user's workbook: load → change → check → save safely.

Every writing command goes through ``load_for_edit`` and ``save_edited`` so the same guarantees hold
everywhere:

* the input is never overwritten unless ``in_place`` is asked, and then a backup is
  kept next to it;
* content openpyxl cannot carry over is detected before writing, and the write is
  refused unless ``force`` (and then only to a new file);
* the file is written to a temporary name in the target folder and renamed, so a
  crash never leaves half a workbook.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xladdin.errors import FileDamaged, FileLocked, OutputIsInput, UserError
from xladdin.files.other_formats import OTHER_FORMATS, as_xlsx, is_other_format
from xladdin.files.saving import is_read_only, lock_file, save_atomic
from xladdin.files.vetting import check_readable
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.model import SheetData
from xladdin.progress import QUIET, Progress
from xladdin.workbook_plan import Applied, WorkbookPlan


def resolve_output(source: str | Path, output: str | Path | None, in_place: bool) -> Path:
    """Where to write: ``output``, or the input itself only when ``in_place``."""
    src = Path(source)
    if in_place:
        if output and Path(output).resolve() != src.resolve():
            raise UserError("不能同时使用 --in-place 和 -o。请二选一。")
        return src
    if not output:
        raise UserError(
            "请用 -o 指定输出文件（例如 -o 结果.xlsx）；如确实要直接修改原文件，请加 --in-place（会自动留备份）。"
        )
    out = Path(output)
    if out.is_dir():
        raise UserError(f"-o 给出的 {out} 是一个文件夹。请给出输出文件名，例如 -o {out / '结果.xlsx'}。")
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"输出文件 {out.name} 的扩展名应为 .xlsx（或原文件是 .xlsm 时为 .xlsm）。")
    if out.exists() and (out.resolve() == src.resolve() or _same_file(out, src)):
        raise OutputIsInput(src.name)
    if src.suffix.lower() == ".xlsm" and out.suffix.lower() != ".xlsm":
        raise UserError(f"原文件是含宏的 .xlsm，输出也必须是 .xlsm 才能保留宏。请把输出改为 {out.stem}.xlsm。")
    return out


def _same_file(a: Path, b: Path) -> bool:
    """Hard links and case-insensitive file systems name one file two ways."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# openpyxl holds every cell as a Python object: measured, 20 MB of worksheet XML
# (100,000 rows × 6 cells) took 24 s and 280 MB to load.  A workbook whose worksheet
# XML unpacks to more than this is refused for editing rather than allowed to take
# minutes and the machine's memory.  Checking is not limited (it streams, bounded).
MAX_EDIT_SHEET_BYTES = 32 * 1024 * 1024


def load_for_edit(source: str | Path) -> Any:
    """Open a workbook with openpyxl for changing it (macros kept for .xlsm)."""
    p = check_readable(source)
    _refuse_too_big_to_edit(p)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            # openpyxl warns in English about what it drops; xladdin.files.preserve says it in
            # Chinese, once, before anything is written (and the CLI keeps stderr one line)
            warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
            wb = load_workbook(p, keep_vba=p.suffix.lower() == ".xlsm", rich_text=True)
    except UserError:
        raise
    except Exception as exc:
        raise FileDamaged(p.name, detail=str(exc)) from None
    _refuse_absurd_used_range(p, wb)
    return wb


# Rows × columns of a sheet's used range (A1 to its last cell) that writing accepts.  A
# stray value in XFD1048576 makes the range 17 billion cells: every shell loop over the
# range (and openpyxl's iter_rows, which creates each cell it visits) would run for hours
# and take the machine's memory (check --mark did not finish in 120 s).  Checking is
# not affected: it reads a bounded window (xladdin.files.sources.read_sheets).
MAX_EDIT_AREA = 1_000_000


def _refuse_absurd_used_range(p: Path, wb: Any) -> None:
    from openpyxl.utils import get_column_letter

    for ws in wb.worksheets:
        rows, cols = ws.max_row, ws.max_column
        if rows * cols > MAX_EDIT_AREA:
            raise UserError(
                f"{p.name} 的工作表“{ws.title}”使用范围大得异常（到 {get_column_letter(cols)}{rows}），"
                "多半是远处误输入的单元格。请在 Excel 中按 Ctrl+End 找到它并删除多余的行和列后再试"
                "（xladdin check 检查不受此限制）。"
            )


def _refuse_too_big_to_edit(p: Path) -> None:
    import zipfile

    with zipfile.ZipFile(p) as zf:
        sheets = [i for i in zf.infolist() if i.filename.startswith("xl/worksheets/") and i.filename.endswith(".xml")]
    size = sum(i.file_size for i in sheets)
    if size > MAX_EDIT_SHEET_BYTES:
        raise UserError(
            f"{p.name} 太大：表格数据解压后约 {size // (1024 * 1024)} MB，修改工作簿时最多处理 "
            f"{MAX_EDIT_SHEET_BYTES // (1024 * 1024)} MB。请把与绩效目标表无关的大数据表移到另一个工作簿后再试"
            "（xladdin check 检查不受此限制）。"
        )


def backup_path(source: Path, now: dt.datetime | None = None) -> Path:
    """A backup name next to the source that does not exist yet (two runs in one second get -2, -3 …)."""
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    path = source.with_name(f"{source.stem}.备份-{stamp}{source.suffix}")
    n = 2
    while path.exists():
        path = source.with_name(f"{source.stem}.备份-{stamp}-{n}{source.suffix}")
        n += 1
    return path


def save_edited(
    wb: Any,
    source: str | Path,
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
) -> Path:
    """Check what would be lost, back up when writing in place, then save atomically."""
    src = Path(source)
    target = resolve_output(src, output, in_place)
    lost = _unsupported(src)
    if lost and not force:
        raise UserError(
            "写入会丢失工作簿中的以下内容：" + "；".join(lost) + "。为保护原文件，已停止。"
            "如可以接受，请加 --force 并用 -o 写到新文件（原文件保持不变）。"
        )
    if lost and force and in_place:
        raise UserError("工作簿中有无法保留的内容，--force 只能写到新文件，不能与 --in-place 同时使用。")
    if in_place:
        # refuse an open or read-only file before leaving a backup behind for a write that cannot happen
        lock = lock_file(src)
        if lock is not None:
            raise FileLocked(src.name, lock.name)
        if is_read_only(src):
            raise UserError(f"{src.name} 是只读文件，不能直接修改。请用 -o 写到新文件，或取消该文件的只读属性后再试。")
        backup = backup_path(src)
        try:
            shutil.copy2(src, backup)
        except OSError as exc:
            raise UserError(
                f"无法在 {src.parent} 中留备份（{exc.strerror or exc}），为安全起见没有修改原文件。请改用 -o 写到新文件。"
            ) from None
    return save_atomic(wb, target)


def _unsupported(src: Path) -> list[str]:
    """What openpyxl would drop (see ``xladdin.files.preserve``); empty when nothing."""
    try:
        from xladdin.files.preserve import unsupported_content
    except ModuleNotFoundError:
        return []
    return list(unsupported_content(src))


# --------------------------------------------------------------------------- read → plan → apply → save


def read_for_edit(wb: Any) -> list[SheetData]:
    """The cells a plan is made from: every sheet as stored (formulas as text), merges included."""
    return [sheet_from_openpyxl(ws) for ws in wb.worksheets]


def close(wb: Any) -> None:
    """Release what a loaded workbook keeps open (the .xlsm's macro archive), on every way out."""
    archive = getattr(wb, "vba_archive", None)
    if archive is not None:
        archive.close()


def edit_file(
    source: str | Path,
    plan_of: Callable[[list[SheetData]], WorkbookPlan],
    output: str | Path | None = None,
    in_place: bool = False,
    force: bool = False,
    dry_run: bool = False,
    progress: Progress = QUIET,
) -> Edited:
    """A writing command on a file: read → plan (the core) → apply (``files.apply``) → save safely.

    The target is checked before any work; ``dry_run`` stops after the plan, and so does a
    plan with nothing to do on ``in_place`` (the file is not rewritten for nothing).
    ``progress`` hears of each stage and of each sheet applied, and is cleared at the end,
    so whatever the command says next starts on a clean line.
    """
    from xladdin.files.apply import apply

    if is_other_format(source):  # .xls, .et, .xlsb, .ods: written as a new .xlsx, the original untouched
        src = Path(source)
        kind = OTHER_FORMATS[src.suffix.lower()]
        if in_place:
            raise UserError(
                f"{src.name} 是{kind}，xladdin 不能直接改写这种格式。请用 -o 写到新的 .xlsx 文件（原文件保持不变）。"
            )
        if not dry_run:
            resolve_output(source, output, in_place)
        with as_xlsx(src) as converted:
            done = edit_file(converted, plan_of, output, False, force, dry_run)
        if done.target is not None:
            print(
                f"xladdin：{src.name} 是{kind}，已由 LibreOffice 转为 .xlsx（保留格式）后写入 {done.target}；原文件未改动。",
                file=sys.stderr,
            )
        return done
    if not dry_run:
        resolve_output(source, output, in_place)
    try:
        progress.step("读取工作簿")
        wb = load_for_edit(source)
        try:
            progress.step("分析工作表")
            plan = plan_of(read_for_edit(wb))
            if dry_run or (plan.empty and in_place):  # nothing to change: the file is not rewritten
                return Edited(None, plan, Applied())
            applied = apply(wb, plan, progress)
            progress.step("保存")
            target = save_edited(wb, source, output, in_place, force)
        finally:
            close(wb)
    finally:
        progress.clear()
    return Edited(target, plan, applied)


@dataclass
class Edited:
    """What ``edit_file`` did: where it wrote (None on a dry run), the plan, what applying it found."""

    target: Path | None
    plan: WorkbookPlan
    applied: Applied
