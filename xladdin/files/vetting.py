"""Vetting a file before anything parses it: is it a workbook xladdin can read, and is it safe?

Everything here is decided on the file's first bytes, the zip directory and each XML part's
prolog, before a reader (calamine, openpyxl) touches the content: a hostile or broken file
is refused with one Chinese line the user can act on, never a traceback or a hang.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from xladdin.errors import DuplicateParts, FileDamaged, UserError

SUPPORTED = {".xlsx", ".xlsm"}
# The names by which openpyxl and calamine take a file for an .xlsx package: any other name of one
# (an .xlsx renamed .xls, ``is_ooxml_workbook``) is given to them as a copy or a stream of that kind.
OOXML_SUFFIXES = (".xlsx", ".xlsm", ".xltx", ".xltm")


_UNSUPPORTED_HINTS = {
    ".xls": "这是旧版 Excel 97-2003 格式（.xls）",
    ".et": "这是 WPS 表格格式（.et）",
    ".ods": "这是 OpenDocument 表格格式（.ods）",
    ".csv": "这是 CSV 文本文件",
    ".xlsb": "这是 Excel 二进制格式（.xlsb）",
    ".numbers": "这是苹果 Numbers 表格格式（.numbers）",
    ".fods": "这是单文件 OpenDocument 表格格式（.fods）",
}

# What the reader takes (files/other_formats.py reads the non-.xlsx ones through calamine).
_READ = "xladdin 能读的是 .xlsx、.xlsm、.xls、.xlsb、.ods 和 WPS 的 .et"


_SAVE_AS = "请在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）后再试。"


# A workbook whose parts unpack to more than this is refused before anything is unpacked.
MAX_UNPACKED_BYTES = 512 * 1024 * 1024


MAX_COMPRESSION_RATIO = 200


MAX_PARTS = 10_000  # Excel writes a few dozen; tens of thousands is a crafted package


PROLOG_BYTES = 64 * 1024  # an XML part's root element must start within this


def check_readable(path: str | os.PathLike[str]) -> Path:
    """Refuse, with a message the user can act on, anything that is not a usable .xlsx."""
    p = vet_path(path)
    with open_package(p) as zf:
        check_structure(p, zf)
        check_dtds(p, zf)
    return p


def first_bytes(p: Path, n: int = 8) -> bytes:
    """The file's first ``n`` bytes; a missing file, a folder or an unreadable file as the
    one-line message the user can act on (every format's vetting starts here)."""
    if not p.exists():
        raise UserError(f"找不到文件：{p}。请检查路径和文件名是否正确。")
    if p.is_dir():
        raise UserError(f"{p} 是一个文件夹，不是工作簿。请给出 .xlsx 文件的路径。")
    try:
        with p.open("rb") as fh:
            return fh.read(n)
    except PermissionError:
        raise UserError(f"没有权限读取文件：{p}。请检查文件权限，或先把它复制到自己的文件夹。") from None
    except OSError as exc:
        raise UserError(f"无法读取文件：{p}（{exc.strerror}）。") from None


def vet_path(path: str | os.PathLike[str]) -> Path:
    """``check_readable`` up to opening the package: existence, permissions, format by magic bytes."""
    p = Path(path)
    head = first_bytes(p)
    suffix = p.suffix.lower()
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE2: an .xls/.et file, or an .xlsx encrypted with a password; told apart by the streams it holds.
        kind = _ole_kind(p)
        if suffix in SUPPORTED and kind == "encrypted":
            raise UserError(
                f"工作簿 {p.name} 设置了打开密码（已加密），无法读取。请在 Excel 中取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）后另存再试。"
            )
        if suffix in SUPPORTED and kind == "xls":
            raise UserError(
                f"{p.name}：这是旧版 Excel 97-2003 格式（.xls）的工作簿，只是扩展名写成了 {suffix}。"
                "请把扩展名改为 .xls 后再试，或在 Excel 或 WPS 中“另存为” Excel 工作簿（*.xlsx）。"
            )
        hint = _UNSUPPORTED_HINTS.get(suffix, "这不是 .xlsx 格式的工作簿")
        raise UserError(f"{p.name}：{hint}，{_READ}。{_SAVE_AS}")
    if suffix in _UNSUPPORTED_HINTS and not is_ooxml_workbook(p):
        raise UserError(f"{p.name}：{_UNSUPPORTED_HINTS[suffix]}，{_READ}。{_SAVE_AS}")
    if p.stat().st_size == 0:
        raise UserError(f"{p.name} 是空文件（0 字节），不是工作簿。请重新保存或重新获取该文件。")
    if not head.startswith(b"PK"):
        raise UserError(f"{p.name} 不是 Excel 工作簿（文件内容不是 .xlsx 格式）。{_SAVE_AS}")
    return p


def is_ooxml_workbook(p: Path) -> bool:
    """The bytes are an .xlsx/.xlsm package, whatever the file's name says (an .xlsx renamed .xls).

    The one place a workbook's format is told by its content rather than its extension: a zip
    from its first byte (an OLE2 .xls can carry small zip packages inside, which
    ``zipfile.is_zipfile`` finds), with content types and an XML workbook part (not an .xlsb's
    ``workbook.bin``). False for anything unreadable: the usual vetting then says why.
    """
    try:
        with p.open("rb") as fh:
            if fh.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(p) as zf:
            lower = {n.lower() for n in zf.namelist()}
    except (OSError, zipfile.BadZipFile, ValueError, EOFError):
        return False
    return "[content_types].xml" in lower and any(n.startswith("xl/workbook") and n.endswith(".xml") for n in lower)


def _ole_kind(p: Path) -> str:
    """What an OLE2 compound file holds: "encrypted" (an encrypted .xlsx), "xls", or "" (something else).

    Its directory names the streams in UTF-16: ``EncryptedPackage`` in an encrypted Office
    Open XML file, ``Workbook`` (or ``Book`` before Excel 97) in an .xls.  The directory can be
    anywhere in the file, so the file is searched in pieces, up to a bound.
    """
    needles = {
        "encrypted": "EncryptedPackage".encode("utf-16-le"),
        "xls": "Workbook".encode("utf-16-le"),
        "book": "\x04Book".encode("utf-16-le")[2:],
    }
    found = ""
    tail = b""
    with p.open("rb") as fh:
        for _ in range(256):  # 256 MB at most
            chunk = fh.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            if needles["encrypted"] in data:
                return "encrypted"
            if needles["xls"] in data or needles["book"] in data:
                found = "xls"
            tail = data[-64:]
    return found


@contextmanager
def open_package(p: Path) -> Iterator[zipfile.ZipFile]:
    """The open package; a broken zip becomes the one-line message the user can act on."""
    with zip_errors(p), zipfile.ZipFile(p) as zf:
        yield zf


@contextmanager
def zip_errors(p: Path) -> Iterator[None]:
    """A broken zip, wherever it shows (opening, or unpacking a part), as the one-line message the user can act on."""
    try:
        yield
    except zipfile.BadZipFile:
        raise FileDamaged(p.name, "压缩包结构不完整") from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        # truncated members, unsupported compression methods, encrypted zip entries …
        raise FileDamaged(p.name, "压缩包中的数据不完整") from None


# What a reader's English error says, in words a user can act on (the error itself stays for --debug).
_FAILURES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"There is no item named '([^']+)'|File not found '([^']+)'"), "缺少内部文件 {0}"),
    (re.compile(r"Relationship not found|no relationship"), "内部文件之间的关联缺失"),
    (re.compile(r"string index not found|shared strings", re.I), "单元格引用了不存在的共享文字"),
    (re.compile(r"sheet:state: (\S+)"), "工作表的显示状态写成了“{0}”"),
    (re.compile(r"sheet:type"), "含有 xladdin 不认识的工作表类型"),
    (re.compile(r"expected <class '(float|int)'>"), "某个应为数字的设置（如行高）不是数字"),
    (re.compile(r"from_tree\(\) missing|required positional argument"), "某个设置缺少必需的值"),
    (re.compile(r"list indices must be integers|invalid literal for int"), "单元格的样式编号写法不规范"),
    (re.compile(r"could not read worksheets"), "工作表的内容不是规范的 XML"),
    (re.compile(r"could not read properties"), "文档属性不是规范的 XML"),
    (re.compile(r"could not read stylesheet|styles", re.I), "单元格样式表的写法不规范"),
    (
        re.compile(r"row component|column component|Invalid cell coordinates|is not a valid coordinate"),
        "某个单元格地址的写法不规范",
    ),
    (
        re.compile(r"not well-formed|mismatched tag|Premature end|XMLSyntaxError|ParseError|syntax error", re.I),
        "内部的 XML 不完整或写法错误",
    ),
    (re.compile(r"encoding|codec", re.I), "内部文件的文字编码不是 UTF-8"),
)


def failure_detail(exc: BaseException) -> str:
    """A reader's failure in Chinese for the user's message ("" when it cannot be put in words): the raw
    English error of openpyxl or calamine is never shown (``--debug`` shows it)."""
    text = str(exc)
    for pattern, words in _FAILURES:
        m = pattern.search(text)
        if m:
            found = next((g for g in m.groups() if g), "") if m.groups() else ""
            return words.format(found)
    return ""


def check_dtds(p: Path, zf: zipfile.ZipFile, later: frozenset[str] = frozenset()) -> None:
    """Refuse XML parts that declare a DTD (entity attacks); after ``check_structure``.

    Parts named in ``later`` are left to the caller's DTD check (``refuse_dtd``) on data it
    reads whole anyway, before anything parses them.
    """
    for info in zf.infolist():
        if info.filename in later:
            continue
        if is_xml(info.filename) and _has_dtd(zf, info):
            refuse_dtd(p, info.filename)


def is_xml(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels"))


def refuse_dtd(p: Path, part: str) -> None:
    raise UserError(
        f"{p.name} 的内部文件 {part} 含有 XML 实体/文档类型声明（正常的 Excel 文件不会有），"
        "可能是恶意构造的文件，已拒绝处理。"
    )


def check_structure(p: Path, zf: zipfile.ZipFile) -> None:
    """Refusals decided on the zip directory alone, before anything is unpacked."""
    infos = zf.infolist()
    names = {i.filename for i in infos}
    lower = {n.lower() for n in names}
    if "xl/workbook.bin" in lower and not any(n.startswith("xl/workbook") and n.endswith(".xml") for n in lower):
        raise UserError(
            f"{p.name}：这是 Excel 二进制格式（.xlsb）的工作簿，只是扩展名写成了 {p.suffix}，xladdin 只能处理 .xlsx。{_SAVE_AS}"
        )
    if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:100]:
        raise UserError(
            f"{p.name}：这是 OpenDocument 表格（.ods），只是扩展名写成了 {p.suffix}，xladdin 只能处理 .xlsx。{_SAVE_AS}"
        )
    if "[content_types].xml" not in lower or not any(n.startswith("xl/workbook") for n in lower):
        raise UserError(f"{p.name} 不是 Excel 工作簿（缺少工作簿结构）。{_SAVE_AS}")
    if len(infos) > MAX_PARTS:
        raise UserError(
            f"{p.name} 内部包含 {len(infos)} 个部件，远超正常工作簿，可能是损坏或恶意构造的文件，已拒绝处理。"
        )
    total = unpacks_beyond(infos)
    if total is not None:
        raise UserError(
            f"{p.name} 解压后大小异常（约 {total // (1024 * 1024)} MB），可能是损坏或恶意构造的文件，已拒绝处理。"
        )


def unpacks_beyond(
    infos: list[zipfile.ZipInfo],
    max_bytes: int = MAX_UNPACKED_BYTES,
    max_ratio: float = MAX_COMPRESSION_RATIO,
    ratio_from: int = 50 * 1024 * 1024,
) -> int | None:
    """The bytes a zip directory says its parts unpack to, when that is beyond the bounds — over
    ``max_bytes``, or over ``ratio_from`` at more than ``max_ratio`` times the packed size (a zip
    bomb) — else None.  Decided on the directory alone, before anything is unpacked; each kind of
    package (a workbook, an .ods, a Word document) passes its own bounds and says it its own way."""
    total = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    return total if total > max_bytes or (total > ratio_from and total / packed > max_ratio) else None


def refuse_duplicate_parts(p: Path, zf: zipfile.ZipFile) -> None:
    """Refuse, for writing, a package with two zip entries of one part name (OPC names ignore case).

    Which copy is "the" part is not defined: Python's zipfile (so openpyxl) and calamine take
    the last entry, other readers the first, LibreOffice will not open the file at all (Apache
    POI's duplicate-filename.xlsx). A rewrite keeps one copy and drops the other without anyone
    knowing which the user saw, so writing is refused; reading (check) reads the last copy.
    """
    seen: set[str] = set()
    for info in zf.infolist():
        key = info.filename.lower()
        if key in seen:
            raise DuplicateParts(p.name, info.filename)
        seen.add(key)


_COMMENT_OR_PI = re.compile(r"<!--.*?-->|<\?.*?\?>", re.S)


def _has_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """True when an XML part declares a DTD (the only place entities can be defined).

    OPC forbids DTDs in package parts, so any DOCTYPE is refused outright, which stops
    billion-laughs and external-entity attacks before either reader sees the part.
    Only the prolog is read (comments and processing instructions skipped); a prolog
    longer than ``PROLOG_BYTES`` is itself treated as hostile.
    """
    with zf.open(info) as fh:
        head = fh.read(_PROLOG_PEEK)
        if len(head) == _PROLOG_PEEK and _element_first(head):
            return False
        head += fh.read(PROLOG_BYTES - len(head))
    return dtd_in(head)


_ROOT_START = re.compile(rb"(?:<\?xml[^<>]*\?>)?[ \t\r\n]*<[A-Za-z_]")


def _plainly_element_first(data: bytes) -> bool:
    """The usual part: UTF-8, at most an XML declaration, then the root element — no DTD can follow.

    Decided on its first bytes; anything else (a BOM, UTF-16, comments, processing instructions)
    goes to the full reading of the prolog.  Every worksheet of every check is asked, so the
    common case must not decode and scan 4 KB of text.
    """
    return _ROOT_START.match(data, 0, 512) is not None


def _element_first(head: bytes) -> bool:
    """True when what follows the complete comments and PIs of ``head`` is already an element.

    Usually the root element starts within the first few hundred bytes: then the
    decision needs no more of the part.
    """
    text = _prolog_text(head)
    return len(text) >= 2 and not text.startswith(("<!", "<?"))


def dtd_in(data: bytes) -> bool:
    """``_has_dtd`` of a part whose bytes (all of them, or its first ``PROLOG_BYTES``) are in hand."""
    if _plainly_element_first(data):
        return False
    if len(data) >= _PROLOG_PEEK and _element_first(data[:_PROLOG_PEEK]):
        return False
    head = data[:PROLOG_BYTES]
    text = _prolog_text(head)
    if not text:
        return len(head) >= PROLOG_BYTES
    return bool(text.startswith("<!"))


_PROLOG_PEEK = 4096  # even, so a UTF-16 prolog is cut between characters


def _prolog_text(head: bytes) -> str:
    """The start of an XML part without its BOM, comments and processing instructions.

    UTF-16 is recognised with or without a BOM (XML parsers autodetect ``<\\0`` too,
    so a BOM-less UTF-16 DOCTYPE must not pass for "not a DTD").
    """
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", "ignore")
    elif head[:2] == b"<\x00":
        text = head.decode("utf-16-le", "ignore")
    elif head[:2] == b"\x00<":
        text = head.decode("utf-16-be", "ignore")
    else:
        text = head.decode("utf-8", "ignore")
    return _COMMENT_OR_PI.sub("", text.lstrip("\ufeff")).lstrip()
