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
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xladdin.conventions import TOOL_SHEETS
from xladdin.errors import FileDamaged, FileLocked, NoSheets, OutputIsInput, UserError
from xladdin.files.other_formats import OTHER_FORMATS, as_xlsx, is_other_format
from xladdin.files.saving import copy_atomic, is_read_only, lock_file, save_atomic
from xladdin.files.vetting import check_readable, failure_detail, open_package, refuse_duplicate_parts, zip_errors
from xladdin.files.workbooks import sheet_from_openpyxl
from xladdin.model import SheetData
from xladdin.progress import QUIET, Progress
from xladdin.workbook_plan import Applied, WorkbookPlan

if TYPE_CHECKING:
    from xladdin.files.carry import Captured, Carrier
    from xladdin.files.normalise import Prepared


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


@dataclass
class Editing:
    """What a workbook loaded for editing carries to its save: the package it was loaded from
    (the input, or its converted copy), the input's cells as written, what to tell the user."""

    source: Path
    prepared: Prepared
    captured: Captured | None
    carrier: Carrier | None
    notices: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.prepared.close()


def load_for_edit(source: str | Path) -> Any:
    """Open a workbook with openpyxl for changing it (macros kept for .xlsm).

    The package is vetted, made loadable whole (``files.normalise``: Strict Open XML, part
    names in another case), its cells captured as written (``files.carry``: bounds on the
    text they expand to are checked here, before openpyxl unpacks anything), then loaded.
    """
    p = check_readable(source)
    with open_package(p) as zf:
        refuse_duplicate_parts(p, zf)
    _refuse_too_big_to_edit(p)
    from openpyxl import load_workbook

    from xladdin.files.carry import Carrier, capture
    from xladdin.files.normalise import prepare
    from xladdin.files.package import Package

    with zip_errors(p):
        prepared = prepare(p)
    wb = None
    try:
        with zip_errors(p), Package(prepared.path) as pkg:
            captured = capture(pkg)
        try:
            with warnings.catch_warnings():
                # openpyxl warns in English about what it drops; xladdin.files.preserve says it in
                # Chinese, once, before anything is written (and the CLI keeps stderr one line)
                warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
                wb = load_workbook(prepared.path, keep_vba=p.suffix.lower() == ".xlsm", rich_text=True)
        except UserError:
            raise
        except SyntaxError:  # XML that is not well formed (ElementTree's ParseError, lxml's XMLSyntaxError)
            raise FileDamaged(p.name, "某个部分不是规范的 XML") from None
        except Exception as exc:
            what = failure_detail(exc)
            raise UserError(
                f"{p.name} 中有 xladdin 修改工作簿时读不懂的写法{f'（{what}）' if what else ''}，没有修改。"
                "请用 Excel 或 WPS 打开后另存一次再试。"
            ) from None
        if not wb.sheetnames:  # a workbook part listing no sheet at all (excelize's BadWorkbook.xlsx)
            raise NoSheets(p.name)
        if not wb.worksheets:
            raise UserError(f"{p.name} 中没有可以修改的工作表（只有图表工作表或宏表）。")
        _refuse_absurd_used_range(p, wb)
        carrier = Carrier(captured)
        carrier.bind(wb)
        wb._xladdin_edit = Editing(p, prepared, captured, carrier, list(prepared.notices))  # type: ignore[attr-defined]
    except BaseException:
        if wb is not None:
            _close_archive(wb)
        prepared.close()
        raise
    return wb


def editing_of(wb: Any) -> Editing | None:
    """How ``wb`` was loaded (None: not by ``load_for_edit``, e.g. a workbook made in memory)."""
    ed = getattr(wb, "_xladdin_edit", None)
    return ed if isinstance(ed, Editing) else None


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
    plan: WorkbookPlan | None = None,
) -> Path:
    """Check what would be lost, save to a temporary file, put back what openpyxl dropped,
    verify the result against the input and ``plan``, back up when writing in place, rename.

    ``plan`` is what the write intends to change (``files.verify``); without it only the
    tool's own steps are unknown and every cell and part must come back unchanged.
    """
    src = Path(source)
    target = resolve_output(src, output, in_place)
    ed = editing_of(wb)
    lost = _unsupported(ed.prepared.path if ed is not None else src)
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

    def finish(written: Path) -> None:
        if ed is not None:
            _carry_and_verify(ed, written, plan, force)
        if in_place:  # the backup only once the new file is known to be good
            _backup(src)

    writing = None
    if ed is not None and ed.carrier is not None:
        ed.carrier.policy = _cache_policy(plan, ed)
        writing = ed.carrier.writing()
    return save_atomic(wb, target, finish=finish, writing=writing)


def _backup(src: Path) -> None:
    backup = backup_path(src)
    try:
        shutil.copy2(src, backup)
    except OSError as exc:
        raise UserError(
            f"无法在 {src.parent} 中留备份（{exc.strerror or exc}），为安全起见没有修改原文件。请改用 -o 写到新文件。"
        ) from None


def _carry_and_verify(ed: Editing, written: Path, plan: WorkbookPlan | None, force: bool) -> None:
    """``files.carry`` then ``files.verify`` on the saved temporary file; a loss refuses the save.

    A failure of the carrying itself leaves openpyxl's file as it was (the rewrite is atomic)
    and lets the verification judge it; a failure of the verification refuses the save, as
    a loss would: a write that cannot be checked is not kept.
    """
    from xladdin.files.carry import CarryInfo, Moves, carry_parts
    from xladdin.files.package import Package
    from xladdin.files.verify import Footprint, loss_message, verify

    fp = Footprint.of(plan)
    info = CarryInfo(Moves.of(plan), frozenset(fp.laid_out), frozenset(fp.gone), frozenset(fp.charts))
    with Package(ed.prepared.path) as source:
        try:
            ed.notices += carry_parts(source, str(written), ed.carrier, info)
        except (UserError, KeyboardInterrupt):
            raise
        except Exception:
            pass
        try:
            with Package(written) as out:
                losses = verify(source, out, ed.captured, plan)
        except Exception as exc:
            raise UserError(
                f"无法核对写入的结果（{type(exc).__name__}），为保护原文件没有写入（原文件未改动）。请把此文件发给维护人员。"
            ) from None
    if losses and not force:
        raise UserError(loss_message(losses))
    if losses:
        ed.notices.append("按 --force 写入，以下内容已丢失：" + "；".join(losses) + "。")


def _cache_policy(plan: WorkbookPlan | None, ed: Editing) -> Any:
    """Which cached formula results stay true after ``plan`` (see ``carry.CachePolicy``)."""
    from xladdin.files.carry import CachePolicy
    from xladdin.workbook_plan import DeleteRows, InsertRows, SetCell

    changed = {
        s.sheet for s in (plan.steps if plan is not None else ()) if isinstance(s, SetCell | DeleteRows | InsertRows)
    }
    changed -= TOOL_SHEETS
    if not changed:
        return CachePolicy()
    names = frozenset(n.upper() for n in _defined_names(ed) + _tables_of(ed, changed))
    return CachePolicy(frozenset(changed), names)


def _tables_of(ed: Editing, sheets: set[str]) -> list[str]:
    """The names of the tables (“插入→表格”) on ``sheets``: a structured reference reads their cells."""
    import re

    from xladdin.files.package import Package

    found = []
    with Package(ed.prepared.path) as pkg:
        for sheet in pkg.sheets():
            if sheet.name not in sheets or sheet.part is None:
                continue
            for rel in pkg.rels(sheet.part):
                if rel.kind == "table" and not rel.external:
                    data = (pkg.read(rel.target) or b"")[:4096]
                    found += [
                        m.decode("utf-8", "replace") for m in re.findall(rb'(?:displayName|name)="([^"]+)"', data)
                    ]
    return found


def _defined_names(ed: Editing) -> list[str]:
    from xladdin.files.package import Package, local

    with Package(ed.prepared.path) as pkg:
        root = pkg.workbook()
        return [
            el.get("name") or "" for el in (root.iter() if root is not None else ()) if local(el.tag) == "definedName"
        ]


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
    """Release what a loaded workbook keeps open, on every way out: the .xlsm's macro archive
    (left open, openpyxl's own clean-up reads from it at exit and prints a traceback after the
    command's message) and the converted copy of the input."""
    _close_archive(wb)
    ed = editing_of(wb)
    if ed is not None:
        ed.close()


def _close_archive(wb: Any) -> None:
    archive = getattr(wb, "vba_archive", None)
    if archive is not None:
        archive.close()
        wb.vba_archive = None


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
                f"xladdin：{src.name} 是{kind}，已由 LibreOffice 转为 .xlsx（保留格式；数字保留15位有效数字，公式结果由 Excel 打开时重新计算）后写入 {done.target}；原文件未改动。",
                file=sys.stderr,
            )
        return done
    if not dry_run:
        resolve_output(source, output, in_place)
    try:
        progress.step("读取工作簿")
        wb = load_for_edit(source)
        try:
            ed = editing_of(wb)
            notices = ed.notices if ed is not None else []
            progress.step("分析工作表")
            plan = plan_of(read_for_edit(wb))
            if dry_run or (plan.empty and in_place):  # nothing to change: the file is not rewritten
                return Edited(None, plan, Applied(), notices)
            applied = apply(wb, plan, progress)
            if plan.empty or applied.unchanged:
                # nothing changed: the file is not rewritten; a new file is the input, byte for byte
                if in_place:
                    return Edited(None, plan, applied, [])
                return Edited(copy_atomic(Path(source), resolve_output(source, output, in_place)), plan, applied, [])
            progress.step("保存")
            target = save_edited(wb, source, output, in_place, force, plan=plan)
        finally:
            close(wb)
    finally:
        progress.clear()
    return Edited(target, plan, applied, notices)


@dataclass
class Edited:
    """What ``edit_file`` did: where it wrote (None on a dry run), the plan, what applying it found,
    and what the user must be told about the file itself (a Strict workbook converted, formula
    results Excel will recalculate, what ``--force`` let go)."""

    target: Path | None
    plan: WorkbookPlan
    applied: Applied
    notices: list[str] = field(default_factory=list)
