"""Files on disk: read a workbook's cells fast, write workbooks with openpyxl.

Reading for checks uses python-calamine (Rust, read-only, several times faster than
openpyxl); everything that writes goes through openpyxl.  Both readers return the
same ``SheetData``, so the core never knows which one ran.
"""

from __future__ import annotations

import datetime as _dt
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.layout import SheetLayout
from xladdin.model import Merge, SheetData

SUPPORTED = {".xlsx", ".xlsm"}
_UNSUPPORTED_HINTS = {
    ".xls": "这是旧版 Excel 97-2003 格式（.xls）",
    ".et": "这是 WPS 表格格式（.et）",
    ".ods": "这是 OpenDocument 表格格式（.ods）",
    ".csv": "这是 CSV 文本文件",
    ".xlsb": "这是 Excel 二进制格式（.xlsb）",
}
_SAVE_AS = "请在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）后再试。"

# A workbook whose parts unpack to more than this is refused before anything is unpacked.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200


def check_readable(path: str | os.PathLike[str]) -> Path:
    """Refuse, with a message the user can act on, anything that is not a usable .xlsx."""
    p = Path(path)
    if not p.exists():
        raise UserError(f"找不到文件：{p}。请检查路径和文件名是否正确。")
    if p.is_dir():
        raise UserError(f"{p} 是一个文件夹，不是工作簿。请给出 .xlsx 文件的路径。")
    suffix = p.suffix.lower()
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except PermissionError:
        raise UserError(f"没有权限读取文件：{p}。请检查文件权限，或先把它复制到自己的文件夹。") from None
    except OSError as exc:
        raise UserError(f"无法读取文件：{p}（{exc.strerror}）。") from None
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: an .xls/.et file, or an .xlsx encrypted with a password.
        if suffix in SUPPORTED:
            raise UserError(
                f"工作簿 {p.name} 设置了打开密码（已加密），无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存再试。"
            )
        hint = _UNSUPPORTED_HINTS.get(suffix, "这不是 .xlsx 格式的工作簿")
        raise UserError(f"{p.name}：{hint}，xladdin 只能处理 .xlsx。{_SAVE_AS}")
    if suffix in _UNSUPPORTED_HINTS:
        raise UserError(f"{p.name}：{_UNSUPPORTED_HINTS[suffix]}，xladdin 只能处理 .xlsx。{_SAVE_AS}")
    if p.stat().st_size == 0:
        raise UserError(f"{p.name} 是空文件（0 字节），不是工作簿。请重新保存或重新获取该文件。")
    if not head.startswith(b"PK"):
        raise UserError(f"{p.name} 不是 Excel 工作簿（文件内容不是 .xlsx 格式）。{_SAVE_AS}")
    try:
        with zipfile.ZipFile(p) as zf:
            names = set(zf.namelist())
            total = sum(i.file_size for i in zf.infolist())
            packed = sum(i.compress_size for i in zf.infolist()) or 1
    except zipfile.BadZipFile:
        raise UserError(f"{p.name} 已损坏（压缩包结构不完整），无法打开。请从备份或原始来源重新获取该文件。") from None
    if "[Content_Types].xml" not in names or not any(n.startswith("xl/workbook") for n in names):
        raise UserError(f"{p.name} 不是 Excel 工作簿（缺少工作簿结构）。{_SAVE_AS}")
    if total > MAX_UNPACKED_BYTES or (total > 50 * 1024 * 1024 and total / packed > MAX_COMPRESSION_RATIO):
        raise UserError(
            f"{p.name} 解压后大小异常（约 {total // (1024 * 1024)} MB），可能是损坏或恶意构造的文件，已拒绝处理。"
        )
    return p


def _clean(v: Any) -> Any:
    if v == "":
        return None
    if isinstance(v, _dt.datetime | _dt.date | _dt.time):
        return v
    return v


def read_sheets(path: str | os.PathLike[str], names: Iterable[str] | None = None) -> list[SheetData]:
    """Every sheet's values (cached values for formulas) and merges, via calamine."""
    p = check_readable(path)
    import python_calamine as pc

    try:
        wb = pc.CalamineWorkbook.from_path(str(p))
    except Exception as exc:  # calamine raises its own error types for broken parts
        raise UserError(f"{p.name} 无法读取，文件可能已损坏：{str(exc)[:120]}。请用 Excel 打开并另存后再试。") from None
    wanted = set(names) if names is not None else None
    out: list[SheetData] = []
    for meta in wb.sheets_metadata:
        if str(meta.typ) != "SheetTypeEnum.WorkSheet" and "WorkSheet" not in str(meta.typ):
            continue
        if wanted is not None and meta.name not in wanted:
            continue
        try:
            sh = wb.get_sheet_by_name(meta.name)
            data = sh.to_python(skip_empty_area=False)
            merges = tuple(Merge(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in (sh.merged_cell_ranges or []))
        except Exception as exc:
            raise UserError(f"工作表“{meta.name}”无法读取，文件可能已损坏：{str(exc)[:120]}。") from None
        rows = [[_clean(v) for v in row] for row in data]
        hidden = "Visible" not in str(meta.visible)
        out.append(SheetData(meta.name, rows, merges, hidden))
    if not out and wanted is None:
        raise UserError(f"{p.name} 中没有工作表。请确认这是填好的绩效目标表工作簿。")
    return out


def sheet_from_openpyxl(ws: Any) -> SheetData:
    """Cells of an openpyxl worksheet as ``SheetData`` (values as stored; formulas as text)."""
    rows = [[c.value if not isinstance(c.value, str) or c.value != "" else None for c in row] for row in ws.iter_rows()]
    merges = tuple(Merge(m.min_row, m.min_col, m.max_row, m.max_col) for m in ws.merged_cells.ranges)
    return SheetData(ws.title, rows, merges, ws.sheet_state != "visible")


def new_workbook_from_layouts(layouts: list[SheetLayout]) -> Any:
    """An openpyxl Workbook with one sheet per layout (values and merges only)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for lay in layouts:
        ws = wb.create_sheet(lay.name)
        put_layout(ws, lay)
    return wb


def put_layout(ws: Any, lay: SheetLayout) -> None:
    for (r, c), v in sorted(lay.cells.items()):
        if v is not None:
            ws.cell(row=r, column=c).value = v
    for m in lay.merges:
        ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def set_internal_link(cell: Any, location: str) -> None:
    """Link a cell to another place in the same workbook (``'表'!C4``), styled as a link."""
    from openpyxl.worksheet.hyperlink import Hyperlink

    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=location)
    cell.style = "Hyperlink"


def save_atomic(wb: Any, target: str | os.PathLike[str]) -> Path:
    """Save through a temporary file in the target's folder, then rename over the target.

    A crash or Ctrl-C leaves either the old file or the new one, never half of one.
    """
    import tempfile

    t = Path(target)
    folder = t.parent if str(t.parent) else Path(".")
    if not folder.exists():
        raise UserError(f"输出文件夹不存在：{folder}。请先创建该文件夹，或换一个输出路径。")
    lock = folder / f"~${t.name}"
    if lock.exists():
        raise UserError(f"{t.name} 正在 Excel 或 WPS 中打开（发现锁文件 {lock.name}）。请先关闭该文件再试。")
    if t.exists() and not os.access(t, os.W_OK):
        raise UserError(f"{t.name} 是只读文件，无法写入。请换一个输出文件名，或取消该文件的只读属性。")
    fd, tmp = tempfile.mkstemp(prefix=f".{t.stem}.", suffix=t.suffix, dir=folder)
    os.close(fd)
    try:
        wb.save(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(t))
        os.replace(tmp, t)
    except PermissionError:
        raise UserError(f"无法写入 {t}：没有权限或文件被占用。请关闭该文件或换一个输出路径。") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return t
