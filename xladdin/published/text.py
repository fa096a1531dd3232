"""Copied or extracted text → rows of cells.

Three kinds of text reach the reader:

* text copied from a web page or a Word table, and the department's own published
  text (``tests/data/seed_2026_published.txt``): cells separated by **tabs**;
* ``pdftotext -layout`` output: cells separated by runs of spaces, each at its column,
  a cell's wrapped text on the lines above and below its row (see ``layout``);
* plain ``pdftotext`` output (without ``-layout``) or text copied from a PDF viewer:
  one cell per line in the PDF's text-flow order.  That order is not the table's: the
  flow puts a merged 一级/二级 label, a header value, even one 指标值 (after the next
  page's number) far from their rows, and a 三级指标 may come after the names of the
  rows below it, with amounts and labels of the header between.  No rule can pair such
  cells back into rows without guessing, so this text is refused with what to do
  instead (``cell_per_line``): import the PDF itself, or its ``pdftotext -layout`` text.

Form feeds (pdftotext's page breaks) give the page of each line, for the 导入记录.
"""

from __future__ import annotations

import re

from xladdin.errors import UserError
from xladdin.layout import header_key, label_key
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

    if cell_per_line(lines):
        raise UserError(
            f"{name} 是每行一个单元格的文本（不带 -layout 的 pdftotext 输出，或从 PDF 阅读器复制的文字），"
            "其中单元格的先后顺序已被提取工具打乱，无法可靠地还原成表格。"
            "请直接导入原 PDF 文件，或用“pdftotext -layout”重新提取后导入。"
        )
    notes: list[LogEntry] = []
    rows = layout_rows(lines, notes)
    return Document(name, rows, notes=notes)


_CELL_GAP = re.compile(r"\s{2,}|\u3000")


def cell_per_line(lines: list[str]) -> bool:
    """Text with the form's labels each alone on a line and no indicator heading line
    (一级指标 … 指标值 on one line): one cell per line, in an extraction's order."""
    alone: set[str] = set()
    for line in lines:
        pieces = [p for p in _CELL_GAP.split(line.replace("\f", "").strip()) if p]
        keys = {header_key(p) for p in pieces}
        if "level1" in keys and "value" in keys:
            return False  # a heading line: laid out by spaces
        if len(pieces) == 1:
            key = label_key(pieces[0]) or header_key(pieces[0])
            if key:
                alone.add(key)
    return {"name", "level1", "value"} <= alone


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


__all__ = ["MAX_TEXT_BYTES", "cell_per_line", "decode", "read_text"]
