"""Published documents on disk (PDF, Word, a saved web page, text) read into rows of cells.

The file shell's part of ``xladdin import``: one reader per kind of file (``pdf`` with
PDFium, ``docx`` with python-docx, ``html`` with lxml; text through the core's
``published.text``), each the only module that imports its parsing library; the core
(``xladdin.published``) recognises the tables in the rows.

Which reader reads a file: by its first bytes, then by its extension.

A file is judged by what it is, not by its name alone: a PDF renamed .txt is still a
PDF, and a .docx is a zip.  Every refusal is one Chinese line (``UserError``, exit 2).
The readers are imported only when a file of their kind arrives, so a user importing
text needs none of the PDF, Word or HTML libraries.
"""

from __future__ import annotations

from pathlib import Path

from xladdin.errors import UserError
from xladdin.published.document import Document

MAX_FILE_BYTES = 200 * 1024 * 1024  # a 500-page scanned PDF is ~100 MB; a text PDF of 1,000 tables ~10 MB
KINDS = ".pdf、.docx、.html/.htm、.txt"


def read_document(path: str | Path) -> Document:
    p = Path(path)
    if not p.exists():
        raise UserError(f"找不到文件：{p}。请检查路径和文件名是否正确。")
    if p.is_dir():
        raise UserError(f"{p} 是一个文件夹。请给出要导入的文件（{KINDS}）。")
    try:
        size = p.stat().st_size
        with p.open("rb") as fh:
            head = fh.read(1024)
    except OSError as exc:
        raise UserError(f"无法读取文件：{p}（{exc.strerror}）。") from None
    if size == 0:
        raise UserError(f"{p.name} 是空文件（0 字节），没有可导入的内容。")
    if size > MAX_FILE_BYTES:
        raise UserError(
            f"{p.name} 太大（{size // (1024 * 1024)} MB，上限 {MAX_FILE_BYTES // (1024 * 1024)} MB），已拒绝导入。"
        )
    suffix = p.suffix.lower()
    if head.startswith(b"%PDF") or suffix == ".pdf":
        from xladdin.files.documents.pdf import read_pdf

        return read_pdf(p)
    if head.startswith(b"PK") or suffix == ".docx":
        from xladdin.files.documents.docx import read_docx

        return read_docx(p)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(
            f"{p.name} 是旧版 Word 97-2003 文档（.doc）或加密的文档，无法读取。请在 Word 或 WPS 中另存为 .docx 后再试。"
        )
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if suffix in (".html", ".htm", ".xhtml") or text_head.startswith((b"<!doctype html", b"<html", b"<?xml")):
        from xladdin.files.documents.html import read_html

        return read_html(p)
    if suffix in ("", ".txt", ".text", ".tsv", ".csv"):
        from xladdin.published.text import decode, read_text

        return read_text(decode(p.read_bytes(), p.name), p.name)
    raise UserError(f"{p.name}：不认识的文件类型（{suffix}）。可导入的文件：{KINDS}。")


__all__ = ["KINDS", "MAX_FILE_BYTES", "read_document"]
