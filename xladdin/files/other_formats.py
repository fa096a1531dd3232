"""The other formats a department's workbook comes in: .xls, .xlsb, .ods, and WPS's .et.

Many finance templates are still .xls, and WPS saves .et (usually the same bytes as an
.xls).  python-calamine reads all of them, so every read-only command (check, costs,
the reviewer's batch and report) reads them through ``CalamineSource``, one more class
behind ``sources.open_source``.  A writing command cannot write these formats back
faithfully: it converts the file to a new .xlsx through LibreOffice (which keeps the
formatting), writes that, and says so; the original is never touched.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xladdin.errors import GarbledText, NoSheets, UserError
from xladdin.files.vetting import (
    MAX_PARTS,
    check_dtds,
    first_bytes,
    is_ooxml_workbook,
    unpacks_beyond,
)
from xladdin.files.xlsx_source import MAX_READ_COLS, MAX_READ_ROWS
from xladdin.files.xlsx_source import _clean as clean_value
from xladdin.model import Merge, SheetData

# suffix → how a user calls the format
OTHER_FORMATS = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".et": "WPS 表格（.et）",
    ".xlsb": "Excel 二进制工作簿（.xlsb）",
    ".ods": "OpenDocument 表格（.ods）",
}
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAX_FILE_BYTES = 64 * 1024 * 1024  # a department's .xls is a few hundred KB; calamine holds a sheet whole
_ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"
_SAVE_AS = "请在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）后再试。"


def is_other_format(path: str | os.PathLike[str]) -> bool:
    """A workbook read through ``CalamineSource`` rather than as .xlsx: named as one of these formats
    and not an .xlsx package renamed (``vetting.is_ooxml_workbook``: read and written as the .xlsx it
    is, nothing converted)."""
    p = Path(path)
    return p.suffix.lower() in OTHER_FORMATS and not is_ooxml_workbook(p)


def vet_other(path: str | os.PathLike[str]) -> Path:
    """Refuse, with a message the user can act on, a file of these formats that cannot be read.

    Decided on the first bytes and (for the zipped .xlsb and .ods) the zip directory,
    before calamine parses anything.
    """
    p = Path(path)
    head = first_bytes(p)
    suffix = p.suffix.lower()
    kind = OTHER_FORMATS[suffix]
    size = p.stat().st_size
    if size == 0:
        raise UserError(f"{p.name} 是空文件（0 字节），不是工作簿。请重新保存或重新获取该文件。")
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"{p.name} 太大（{size // (1024 * 1024)} MB），{kind}最多读取 {MAX_FILE_BYTES // (1024 * 1024)} MB。{_SAVE_AS}"
        )
    if suffix in (".xls", ".et"):
        if head != OLE2:
            if suffix == ".et":  # WPS's own format, not the .xls bytes WPS usually writes
                raise UserError(f"{p.name} 是 WPS 表格自己的格式（.et），无法直接读取。请在 WPS 中{_SAVE_AS[3:]}")
            raise UserError(f"{p.name} 不是 {kind}（文件内容不是这种格式）。{_SAVE_AS}")
        return p
    if not head.startswith(b"PK"):
        raise UserError(f"{p.name} 不是 {kind}（文件内容不是这种格式）。{_SAVE_AS}")
    try:
        with zipfile.ZipFile(p) as zf:
            _vet_package(p, zf, suffix)
    except zipfile.BadZipFile:
        raise UserError(f"{p.name} 已损坏（压缩包结构不完整），无法打开。请从备份或原始来源重新获取该文件。") from None
    return p


def _vet_package(p: Path, zf: zipfile.ZipFile, suffix: str) -> None:
    """The zip limits of an .xlsx (size, ratio, parts), and the format's own marker; no DTD in any XML part."""
    infos = zf.infolist()
    names = {i.filename for i in infos}
    if suffix == ".xlsb" and "xl/workbook.bin" not in names:
        raise UserError(f"{p.name} 不是 Excel 二进制工作簿（缺少工作簿结构）。{_SAVE_AS}")
    if suffix == ".ods" and ("content.xml" not in names or zf.read("mimetype")[:64].strip() != _ODS_MIME):
        raise UserError(f"{p.name} 不是 OpenDocument 表格（缺少表格结构）。{_SAVE_AS}")
    if len(infos) > MAX_PARTS or unpacks_beyond(infos) is not None:
        raise UserError(f"{p.name} 解压后大得异常，可能是恶意构造的文件（压缩炸弹），已拒绝处理。")
    check_dtds(p, zf)


class CalamineSource:
    """An .xls / .et / .xlsb / .ods workbook (a ``sources.Source``), read by python-calamine.

    Values as the file stores them (cached values for formulas); merges where the format
    gives them (.xls) — the layout reader does without them elsewhere; each sheet read
    up to ``MAX_READ_ROWS`` × ``MAX_READ_COLS``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = p = vet_other(path)
        self._converted = False
        import python_calamine as pc

        try:
            self._wb: Any = pc.CalamineWorkbook.from_path(str(p))
        except Exception as exc:  # calamine's own error types: a password, a broken stream …
            text = str(exc)
            if "password" in text.lower() or "encrypt" in text.lower():
                raise UserError(f"工作簿 {p.name} 设置了打开密码（已加密），无法读取。请取消密码后另存再试。") from None
            kind = OTHER_FORMATS[p.suffix.lower()]
            raise UserError(f"{p.name} 无法作为{kind}读取，文件可能已损坏：{text[:120]}。{_SAVE_AS}") from None

    @property
    def names(self) -> list[str]:
        return [m.name for m in self._wb.sheets_metadata if "WorkSheet" in str(m.typ)]

    def __enter__(self) -> CalamineSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._wb = None

    def read(self, names: Iterable[str] | None = None) -> list[SheetData]:
        sheets = self._read(names)
        if not self._converted and any(_garbled(sh) for sh in sheets):
            before = self.names  # the misread names a caller may have asked by: the same sheets, in order
            self._reopen_converted()
            after = dict(zip(before, self.names, strict=False))
            sheets = self._read(None if names is None else [after.get(n, n) for n in names])
        return sheets

    def _reopen_converted(self) -> None:
        """Read the workbook from LibreOffice's .xlsx of it from now on (see ``_garbled``): the
        conversion a writing command makes (``as_xlsx``)."""
        import io

        import python_calamine as pc

        from xladdin.files.pdf import find_soffice

        if find_soffice() is None:
            raise GarbledText(self.path.name)
        with as_xlsx(self.path) as converted:
            data = converted.read_bytes()
        self._wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        self._converted = True

    def _read(self, names: Iterable[str] | None = None) -> list[SheetData]:
        wanted = set(names) if names is not None else None
        out: list[SheetData] = []
        for meta in self._wb.sheets_metadata:
            if "WorkSheet" not in str(meta.typ) or (wanted is not None and meta.name not in wanted):
                continue
            try:
                sh = self._wb.get_sheet_by_name(meta.name)
                rows = [
                    [clean_value(v) for v in row[:MAX_READ_COLS]]
                    for _, row in zip(range(MAX_READ_ROWS), sh.iter_rows(), strict=False)
                ]
                ranges = sh.merged_cell_ranges
            except Exception as exc:
                raise UserError(f"工作表“{meta.name}”无法读取，文件可能已损坏：{str(exc)[:120]}。") from None
            merges = tuple(Merge(a[0] + 1, a[1] + 1, b[0] + 1, b[1] + 1) for a, b in ranges or ())
            hidden = "Visible" not in str(meta.visible)
            out.append(SheetData(meta.name, rows, merges, hidden, merges_known=ranges is not None))
        if not out and wanted is None:
            raise NoSheets(self.path.name)
        return out


def _garbled(sheet: SheetData) -> bool:
    """Text calamine decoded wrongly: a NUL character, which no cell Excel or WPS writes holds.

    An .xls (BIFF8) stores every text as UTF-16, whatever its CODEPAGE record says; a file
    written by another program with CODEPAGE 1252 (ExcelDataReader's
    Test_git_issue_111_NoRowRecords.xls) is decoded by calamine through that code page, so
    "Jan" reads "J\\x00a\\x00n\\x00" — a table header would not be found, a name not matched.
    LibreOffice reads such files right, so the workbook is then read from its conversion.
    """
    return any(_misdecoded(v) for v in (sheet.name, *(v for row in sheet.rows for v in row)))


def _misdecoded(v: Any) -> bool:
    # a NUL: the zero high byte of an ASCII character's UTF-16 taken for a character; U+FFFD: UTF-16
    # bytes a multi-byte code page (GBK) could not decode. A text of CJK characters only can decode
    # into other characters without either sign: a table always holds some digits, which show it.
    return isinstance(v, str) and ("\x00" in v or "\ufffd" in v)


# --------------------------------------------------------------------------- writing commands


@contextmanager
def as_xlsx(path: str | os.PathLike[str]) -> Iterator[Path]:
    """The workbook as an .xlsx a writing command can open: itself, or — for these formats — a
    copy converted by LibreOffice (formatting kept) in a temporary folder, removed afterwards.

    The original is never touched; without LibreOffice the conversion is refused with a
    message saying how to convert by hand.
    """
    p = Path(path)
    if not is_other_format(p):
        yield p
        return
    vet_other(p)
    from xladdin.files.pdf import find_soffice, soffice_convert

    if find_soffice() is None:
        raise UserError(
            f"{p.name} 是{OTHER_FORMATS[p.suffix.lower()]}，写入前要先转为 .xlsx，但本机没有安装 LibreOffice。"
            f"{_SAVE_AS}（或安装 LibreOffice 后再试）"
        )
    with tempfile.TemporaryDirectory(prefix="xladdin-xlsx-") as tmp:
        src = p
        if p.suffix.lower() == ".et":  # LibreOffice knows the bytes by the .xls name
            src = Path(tmp) / (p.stem + ".xls")
            src.write_bytes(p.read_bytes())
        yield soffice_convert(src, Path(tmp), "xlsx:Calc MS Excel 2007 XML", ".xlsx")
