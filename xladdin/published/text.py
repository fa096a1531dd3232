"""Copied or extracted text → rows of cells.

Three kinds of text reach the reader:

* text copied from a web page or a Word table, and the department's own published
  text (``tests/data/seed_2026_published.txt``): cells separated by **tabs**;
* ``pdftotext -layout`` output: cells separated by runs of spaces, each at its column,
  a cell's wrapped text on the lines above and below its row (see ``layout``);
* plain ``pdftotext`` output or text typed by hand: one piece of text per line.

Form feeds (pdftotext's page breaks) give the page of each line, for the 导入记录.
"""

from __future__ import annotations

from xladdin.errors import UserError
from xladdin.published.document import Document, LogEntry, Row, Where
from xladdin.published.layout import layout_rows

MAX_TEXT_BYTES = 20 * 1024 * 1024  # the published text of a thousand tables is ~5 MB


def decode(data: bytes, name: str) -> str:
    """The text of a file in any encoding a Chinese PC writes: UTF-8 (with or without BOM),
    UTF-16 with BOM (Windows Notepad's "Unicode"), else GB18030 (a superset of GBK/GB2312)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UserError(
            f"{name} 不是可识别的文本文件（既不是 UTF-8 也不是 GBK 编码）。请另存为 UTF-8 文本后再试。"
        ) from None


def read_text(text: str, name: str) -> Document:
    """Rows of a text: tab-separated when the text has tabs, else laid out by spaces."""
    if "\x00" in text[:4096]:
        raise UserError(f"{name} 不是文本文件（含有二进制内容）。请提供 .txt 文本、PDF、Word 或网页文件。")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if any("\t" in line for line in lines):
        return Document(name, list(_tab_rows(lines)))

    notes: list[LogEntry] = []
    rows = layout_rows(lines, notes)
    return Document(name, rows, notes=notes)


def _tab_rows(lines: list[str]):
    page = 1 if any("\f" in line for line in lines) else None
    for n, line in enumerate(lines, start=1):
        if "\f" in line:
            assert page is not None
            page += line.count("\f")
            line = line.replace("\f", "")
        if not line.strip():
            continue
        cells = tuple(c.strip() for c in line.split("\t")) if "\t" in line else (line.strip(),)
        yield Row(cells, Where(page, n), table="\t" in line)


__all__ = ["MAX_TEXT_BYTES", "decode", "read_text"]
