"""Writing a workbook to disk so that nothing is lost: temporary file + rename, lock and read-only checks."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from xladdin.errors import FileLocked, UserError


def _mode_for(target: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual 0666 minus umask."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def lock_file(target: Path) -> Path | None:
    """The lock file Excel/WPS (``~$name``) or LibreOffice (``.~lock.name#``) keeps while ``target`` is open."""
    folder = target.parent if str(target.parent) else Path(".")
    for lock in (folder / f"~${target.name}", folder / f".~lock.{target.name}#"):
        if lock.exists():
            return lock
    return None


def is_read_only(target: Path) -> bool:
    """Read-only by its permission bits — also for root, whom ``os.access`` always lets write.

    The bits are what Windows' “只读” attribute maps to, and what a user means by
    read-only; honouring them even when the OS would let us write is the point.
    """
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not mode & 0o222 or not os.access(target, os.W_OK)


def save_atomic(
    wb: Any,
    target: str | os.PathLike[str],
    finish: Callable[[Path], None] | None = None,
    writing: AbstractContextManager[Any] | None = None,
) -> Path:
    """Save through a temporary file in the target's folder, then rename over the target.

    A crash, a full disk or Ctrl-C leaves either the old file or the new one, never half
    of one, and never a stray temporary file (it is removed on every way out, including
    KeyboardInterrupt).  ``writing`` is entered around openpyxl's save (``files.carry``'s
    cell writer); ``finish`` gets the saved temporary file before it is renamed (to
    complete and verify it: raising there keeps the target as it was).
    """
    return _atomic(target, lambda tmp: _save(wb, tmp, writing), finish)


def _save(wb: Any, tmp: Path, writing: AbstractContextManager[Any] | None) -> None:
    with writing if writing is not None else contextlib.nullcontext():
        number_pivot_records(wb)
        if _openpyxls_own_save(wb):
            save_workbook(wb, tmp)
        else:
            wb.save(tmp)  # a write-only workbook, or a save put in its place (a test's crash): as it is


def number_pivot_records(wb: Any) -> None:
    """Give each pivot cache's records the number openpyxl's writer will give its cache, now.

    openpyxl (3.1) writes a cache definition's link to its records *before* it numbers the
    records after the cache, so in a workbook of several pivot caches every definition
    pointed at ``pivotCacheRecords1.xml``: caches 2, 3 … were saved with the first cache's
    records and their own left unlinked — Excel then repairs or drops those pivot tables
    (found by the real-file corpus run on ClosedXML's pivottable_double_field_filter.xlsx).
    The caches are numbered here exactly as ``ExcelWriter._write_worksheets`` numbers them
    (sheet order, a set of the caches met), so the link and the part agree.
    """
    if getattr(wb, "write_only", False) or not hasattr(wb, "worksheets"):
        return
    caches: set[Any] = set()
    for ws in wb.worksheets:
        for pivot in getattr(ws, "_pivots", ()):
            if pivot.cache in caches:
                continue
            caches.add(pivot.cache)
            if pivot.cache.records is not None:
                pivot.cache.records._id = len(caches)


def _openpyxls_own_save(wb: Any) -> bool:
    """Whether ``wb.save`` is openpyxl's own save of an ordinary workbook: only then may
    ``save_workbook`` (the same file, written faster) stand in for it."""
    from openpyxl import Workbook

    save = getattr(getattr(wb, "save", None), "__func__", None)
    return (
        isinstance(wb, Workbook)
        and getattr(save, "__module__", None) == "openpyxl.workbook.workbook"
        and not wb.write_only
        and not wb.read_only
    )


_ROW_FIELDS = {"hidden", "outlineLevel", "collapsed", "ht", "thickBot", "thickTop"}


def save_workbook(wb: Any, path: Path) -> None:
    """openpyxl's ``save_workbook`` with the parts that cost most for a large new workbook done faster.

    Writing the import's 60 project sheets (14,000 styled cells, 3,900 merges) spent most of
    its time in openpyxl's generic machinery, not in the XML: a ``MergeCell`` object per
    merge serialised through descriptors, a style lookup (a hash of the cell's style array)
    per cell, a walk over each row's descriptors, a temporary file per sheet written, read
    back and removed.  Here the ``<mergeCells>`` element is built directly, plain cells
    (empty, numbers, text) and plain rows are written inline with a style index looked up
    once per style, and each sheet is assembled in memory.  The XML is openpyxl's, element
    for element and byte for byte (``tests/test_fast_save.py`` compares every part of the
    package); every cell or row of another kind goes through openpyxl's own writer, and so
    does every cell while ``files.carry`` stands in a writer of its own.
    """
    import datetime as dt
    from io import BytesIO
    from zipfile import ZIP_DEFLATED, ZipFile

    import openpyxl.worksheet._writer as ws_writer
    from openpyxl.cell._writer import lxml_write_cell
    from openpyxl.comments.comment_sheet import CommentRecord
    from openpyxl.compat import safe_string
    from openpyxl.utils import get_column_letter as _letter
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter
    from openpyxl.xml.constants import XML_NS
    from openpyxl.xml.functions import Element

    xml_space = f"{{{XML_NS}}}space"

    class _SheetWriter(WorksheetWriter):
        _style_ids: dict[bytes, str]

        def __init__(self, ws: Any, out: Any = None) -> None:
            super().__init__(ws, out)
            self._style_ids = {}  # a style array's bytes → its index in the workbook's cell styles

        def write_merged_cells(self) -> None:
            from openpyxl.xml.functions import SubElement

            sheet: Any = self.ws
            ranges = list(sheet.merged_cells)
            if ranges:
                el = Element("mergeCells", count=str(len(ranges)))
                for r in ranges:
                    SubElement(el, "mergeCell", ref=r.coord)
                self.xf.send(el)

        def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
            """openpyxl's row writing with its cell writer inlined for the cells a new sheet holds
            (empty, numbers, plain text, each with its style): the same XML, without a style lookup
            (a hash of the cell's style array) per cell nor the cell's coordinate worked out again.
            Any other cell — a formula, a date, rich text, a link, a comment — goes to openpyxl's writer,
            and so does every cell while another writer (``files.carry``'s) stands in for it."""
            write_cell: Any = getattr(ws_writer, "write_cell")  # noqa: B009  # looked up as openpyxl does, each row
            if write_cell is not lxml_write_cell:
                super().write_row(xf, row, row_idx)
                return
            sheet: Any = self.ws
            attrs = {"r": str(row_idx)}
            dim = sheet.row_dimensions.get(row_idx)
            if dim is not None:
                attrs.update(_row_attributes(dim))
            styles = sheet.parent._cell_styles
            known = self._style_ids
            r = str(row_idx)
            element = xf.element
            with element("row", attrs):
                for cell in row:
                    if cell._comment is not None or cell.hyperlink:  # openpyxl's way, cell for cell
                        if cell._comment is not None:
                            sheet._comments.append(CommentRecord.from_cell(cell))
                        if cell._value is not None or cell.has_style or cell._comment:
                            write_cell(xf, sheet, cell, cell.has_style)
                        continue
                    style = cell._style
                    styled = style is not None and any(style)
                    value = cell._value
                    if value is None and not styled:
                        continue
                    typ = cell.data_type
                    if value is not None and not (
                        (typ == "s" and type(value) is str) or (typ == "n" and type(value) in (int, float))
                    ):
                        write_cell(xf, sheet, cell, styled)
                        continue
                    c = {"r": _letter(cell.column) + r}
                    if styled:
                        key = style.tobytes()
                        sid = known.get(key)
                        if sid is None:
                            sid = known[key] = str(styles.add(style))
                        c["s"] = sid
                    c["t"] = "inlineStr" if typ == "s" else typ
                    if value is None or value == "":
                        with element("c", c):
                            pass
                        continue
                    with element("c", c):
                        if typ == "s":
                            with element("is"):
                                t = Element("t", {xml_space: "preserve"} if value != value.strip() else {})
                                t.text = value
                                xf.write(t)
                        else:
                            with element("v"):
                                xf.write(safe_string(value))

    def _row_attributes(dim: Any) -> dict[str, str]:
        """``dict(dim)`` as openpyxl's row writer takes it, for a row without a style of its own:
        its fields in openpyxl's order, those that are set, as text (``customHeight`` when a height
        is); a styled row, or one missing a field, is openpyxl's own iteration."""
        d = dim.__dict__
        if (dim._style is not None and any(dim._style)) or not _ROW_FIELDS.issubset(d):
            return dict(dim)
        out = {}
        for key in ("hidden", "outlineLevel", "collapsed", "ht"):
            if d[key]:
                out[key] = safe_string(d[key])
        if d["ht"] is not None:
            out["customHeight"] = "1"
        for key in ("thickBot", "thickTop"):
            if d[key]:
                out[key] = safe_string(d[key])
        return out

    class _Writer(ExcelWriter):
        def write_worksheet(self, ws: Any) -> None:  # ExcelWriter's, with the sheet writer above
            from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing

            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            # in memory rather than through a temporary file per sheet (written, read back, removed)
            writer: Any = _SheetWriter(ws, BytesIO())
            writer.write()
            ws._rels = writer._rels
            archive: Any = getattr(self, "_archive")  # noqa: B009  # openpyxl sets it; its stubs do not say so
            archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    with ZipFile(path, "w", ZIP_DEFLATED, allowZip64=True) as archive:
        wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
        _Writer(wb, archive).save()


def copy_atomic(source: Path, target: str | os.PathLike[str]) -> Path:
    """``source``'s bytes to ``target``, with the same guarantees as ``save_atomic`` (nothing to change: a copy)."""
    import shutil

    def write(tmp: Path) -> None:
        shutil.copyfile(source, tmp)

    return _atomic(target, write, None)


def _atomic(
    target: str | os.PathLike[str], write: Callable[[Path], None], finish: Callable[[Path], None] | None
) -> Path:
    import tempfile

    t = Path(target)
    folder = t.parent if str(t.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(f"输出文件夹不存在：{folder}。请先创建该文件夹，或换一个输出路径。")
    if t.is_dir():
        raise UserError(f"输出路径 {t} 是一个文件夹。请给出输出文件名，例如 {t / '结果.xlsx'}。")
    lock = lock_file(t)
    if lock is not None:
        raise FileLocked(t.name, lock.name)
    if t.exists() and is_read_only(t):
        raise UserError(f"{t.name} 是只读文件，无法写入。请换一个输出文件名，或取消该文件的只读属性后再试。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{t.stem}.", suffix=t.suffix, dir=folder)
    except OSError as exc:
        raise UserError(f"无法在文件夹 {folder} 中写入（{exc.strerror}）。请检查权限，或换一个输出路径。") from None
    os.close(fd)
    try:
        write(Path(tmp))
        if finish is not None:
            finish(Path(tmp))
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(t))
        os.replace(tmp, t)
        _fsync_folder(folder)
    except PermissionError:
        raise UserError(f"无法写入 {t}：没有权限或文件被占用。请关闭该文件或换一个输出路径。") from None
    except OSError as exc:
        # ENOSPC and friends: the target is untouched, say why in words
        raise UserError(
            f"无法写入 {t}（{exc.strerror or exc}）。原文件没有被修改。请检查磁盘空间和权限后再试。"
        ) from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return t


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
