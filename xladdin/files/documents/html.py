"""A saved web page (.html/.htm) → rows of cells, through lxml.

Why lxml: libxml2's HTML parser is fast (C), forgiving of the broken markup real
government sites serve, gives each element its source line (for the 导入记录), and is
already what python-docx stands on — one parser for both.  It never fetches anything:
the parser runs with ``no_network``, no entity is resolved, and images, scripts and
styles are never loaded (only text is read).  A page declaring XML entities is refused
outright, as a workbook with a DOCTYPE is.

Tables are expanded to their grid (``rowspan``/``colspan``): a merged cell's text sits at
its top-left position, the positions it covers are empty, as in a sheet.  Text outside
tables becomes one row per block (paragraph, heading, list item, line break).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.published.document import Document, Row, Where
from xladdin.published.text import decode

MAX_HTML_BYTES = 50 * 1024 * 1024
MAX_SPAN = 200  # a rowspan/colspan larger than any real table (hostile pages say 65534)
MAX_GRID = 200_000  # cells of one expanded table
_ENTITY = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "center",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "dt",
        "dd",
        "hr",
        "br",
        "caption",
        "title",
    ]
)
_BR = "\ue000"  # a line break (<br>, a block inside a cell) while text is collected
_SKIP = frozenset(["script", "style", "head", "noscript", "template", "iframe", "object", "svg"])


def read_html(p: Path) -> Document:
    data = p.read_bytes()
    if len(data) > MAX_HTML_BYTES:
        raise UserError(f"{p.name} 太大（{len(data) // (1024 * 1024)} MB），不像是一个公开网页，已拒绝导入。")
    if _ENTITY.search(data[: 1024 * 1024]) or _ENTITY.search(data.replace(b"\x00", b"")[: 1024 * 1024]):
        raise UserError(f"{p.name} 含有 XML 实体声明（正常网页不会有），可能是恶意构造的文件，已拒绝导入。")
    import lxml.html

    text = decode(data, p.name)
    parser = lxml.html.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except Exception:  # lxml raises ParserError / ValueError on an empty or binary page
        raise UserError(f"{p.name} 不是可识别的网页文件，无法读取。") from None
    doc = Document(p.name, extracted=False)
    _Walker(doc).walk(root)
    return doc


def _clean(text: str) -> str:
    """Whitespace as a browser shows it: runs become one space; a <br> stays a line break."""
    lines = [" ".join(part.split()) for part in text.split(_BR)]
    return "\n".join(x for x in lines if x)


class _Walker:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.buf: list[str] = []
        self.line = 0

    def flush(self) -> None:
        t = _clean("".join(self.buf))
        self.buf = []
        if t:
            self.doc.rows.append(Row((t,), Where(None, self.line)))

    def walk(self, el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP:
            return
        if tag == "table":
            self.flush()
            self.table(el)
            return
        block = tag in _BLOCKS
        if block:
            self.flush()
            self.line = el.sourceline or self.line
        if tag == "br":
            self.buf.append(_BR)
        if el.text and tag:
            if not self.buf:
                self.line = el.sourceline or self.line
            self.buf.append(el.text)
        for child in el:
            self.walk(child)
            if child.tail:
                self.buf.append(child.tail)
        if block:
            self.flush()

    def table(self, table: Any) -> None:
        """Rows of one table with spans expanded; nested tables are read after it."""
        grid: dict[tuple[int, int], str] = {}
        width = 0
        rows = [tr for tr in table.iter("tr") if _owner(tr) is table]
        wheres = []
        for r, tr in enumerate(rows):
            c = 0
            wheres.append(tr.sourceline or 0)
            for td in tr:
                if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                rs = _span(td.get("rowspan"))
                cs = _span(td.get("colspan"))
                if len(grid) + rs * cs > MAX_GRID:
                    raise UserError("网页中的表格大得异常（合并单元格跨度过大），可能是恶意构造的文件，已拒绝导入。")
                grid[(r, c)] = _cell_text(td)
                for i in range(rs):
                    for j in range(cs):
                        grid.setdefault((r + i, c + j), "")
                c += cs
                width = max(width, c)
        for r, where in enumerate(wheres):
            cells = tuple(grid.get((r, c), "") for c in range(width))
            self.doc.rows.append(Row(cells, Where(None, where), table=True))
        for inner in table.iter("table"):
            if inner is not table and _owner(inner) is table:
                self.table(inner)


def _owner(el: Any) -> Any:
    """The nearest table around an element (``tr`` or nested ``table``)."""
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _span(v: str | None) -> int:
    try:
        n = int((v or "1").strip())
    except ValueError:
        return 1
    return min(max(n, 1), MAX_SPAN)


def _cell_text(td: Any) -> str:
    parts: list[str] = []

    def collect(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in _SKIP or tag == "table":
            return
        if tag == "br" or (tag in _BLOCKS and parts):
            parts.append(_BR)
        if el.text:
            parts.append(el.text)
        for child in el:
            collect(child)
            if child.tail:
                parts.append(child.tail)

    collect(td)
    return _clean("".join(parts))


__all__ = ["read_html"]
