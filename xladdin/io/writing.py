"""The one way xladdin writes a user's workbook: load → change → check → save safely.

Every writing command (check --mark, clear, costs --write, fill, rollover, format,
undo) goes through ``load_for_edit`` and ``save_edited`` so the same guarantees hold
everywhere:

* the input is never overwritten unless ``in_place`` is asked, and then a backup is
  kept next to it;
* content openpyxl cannot carry over is detected before writing, and the write is
  refused unless ``force`` (and then only to a new file);
* the file is written to a temporary name in the target folder and renamed, so a
  crash never leaves half a workbook;
* every cell change is journalled in the hidden ``xladdin撤销`` sheet (see
  ``xladdin.undo``) so it can be reverted.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.io.xlsx import check_readable, save_atomic, sheet_from_openpyxl
from xladdin.model import Edit
from xladdin.undo import UNDO_HEADER, UNDO_SHEET, JournalEntry, journal_edits, next_batch, read_journal


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
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"输出文件 {out.name} 的扩展名应为 .xlsx（或原文件是 .xlsm 时为 .xlsm）。")
    if out.exists() and out.resolve() == src.resolve():
        raise UserError("输出文件与输入文件相同。如确实要直接修改原文件，请改用 --in-place（会自动留备份）。")
    if src.suffix.lower() == ".xlsm" and out.suffix.lower() != ".xlsm":
        raise UserError(f"原文件是含宏的 .xlsm，输出也必须是 .xlsm 才能保留宏。请把输出改为 {out.stem}.xlsm。")
    return out


def load_for_edit(source: str | Path) -> Any:
    """Open a workbook with openpyxl for changing it (macros kept for .xlsm)."""
    p = check_readable(source)
    from openpyxl import load_workbook

    try:
        return load_workbook(p, keep_vba=p.suffix.lower() == ".xlsm", rich_text=True)
    except UserError:
        raise
    except Exception as exc:
        raise UserError(f"{p.name} 无法打开，文件可能已损坏：{str(exc)[:120]}。请用 Excel 打开并另存后再试。") from None


def backup_path(source: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return source.with_name(f"{source.stem}.备份-{stamp}{source.suffix}")


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
        shutil.copy2(src, backup_path(src))
    return save_atomic(wb, target)


def _unsupported(src: Path) -> list[str]:
    """What openpyxl would drop (see ``xladdin.io.preserve``); empty when nothing."""
    try:
        from xladdin.io.preserve import unsupported_content
    except ModuleNotFoundError:
        return []
    return list(unsupported_content(src))


# --------------------------------------------------------------------------- journal


def journal(wb: Any, edits: list[Edit], op: str = "set") -> int:
    """Append edits to the workbook's hidden undo sheet as one new batch; returns the batch."""
    ws = wb[UNDO_SHEET] if UNDO_SHEET in wb.sheetnames else None
    entries = read_journal(sheet_from_openpyxl(ws)) if ws is not None else []
    batch = next_batch(entries)
    new = journal_edits(edits, batch, dt.datetime.now().isoformat(timespec="seconds"), op)
    if not new:
        return batch
    if ws is None:
        ws = wb.create_sheet(UNDO_SHEET)
        ws.sheet_state = "hidden"
        ws.append(list(UNDO_HEADER))
    for e in new:
        append_text_row(ws, e.row())
    return batch


def journal_entries(wb: Any, entries: list[JournalEntry]) -> None:
    """Append ready-made entries (structural ops) to the undo sheet."""
    if not entries:
        return
    ws = wb[UNDO_SHEET] if UNDO_SHEET in wb.sheetnames else None
    if ws is None:
        ws = wb.create_sheet(UNDO_SHEET)
        ws.sheet_state = "hidden"
        ws.append(list(UNDO_HEADER))
    for e in entries:
        append_text_row(ws, e.row())


def append_text_row(ws: Any, values: list[Any]) -> None:
    """Append a row whose text cells stay text even when they begin with = + - @."""
    r = ws.max_row + 1
    for c, v in enumerate(values, start=1):
        cell = ws.cell(row=r, column=c)
        cell.value = v
        if isinstance(v, str) and v[:1] in "=+-@":
            cell.data_type = "s"
