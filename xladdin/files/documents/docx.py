"""A Word document (.docx) → rows of cells, through python-docx.

Why python-docx: the long-standing, pure-Python reader of .docx (on lxml), MIT
licensed, with a table model that resolves merged cells; Word, WPS and LibreOffice
files all read the same way.  Paragraphs and tables are taken in body order, so the
notice before the tables and the tables of several projects keep their order.

python-docx returns a merged cell once per grid position it covers; here its text is
given at its top-left position only, the others are empty (as a sheet holds a merge).

The package is vetted before python-docx opens it: a zip bomb (declared sizes), too
many parts, or a DOCTYPE in any XML part (entity attacks) is refused with one line.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from xladdin.errors import UserError
from xladdin.files.vetting import unpacks_beyond
from xladdin.published.document import UNPLACED, Document, LogEntry, Row, Where

MAX_UNPACKED = 100 * 1024 * 1024  # a Word file of 1,000 tables unpacks to ~20 MB
MAX_PARTS = 2000
MAX_RATIO = 200
_PROLOG = 4096


def _vet(p: Path) -> None:
    broken = f"{p.name} 已损坏或不是有效的 Word 文档（.docx），无法读取。请用 Word 或 WPS 打开后重新另存为 .docx 再试。"
    try:
        with zipfile.ZipFile(p) as zf:
            infos = zf.infolist()
            names = {i.filename for i in infos}
            if "word/document.xml" not in names:
                if any(n.startswith("xl/") for n in names):
                    raise UserError(
                        f"{p.name} 是 Excel 工作簿，不是要导入的公开文件。可直接用 xladdin check 等命令处理它。"
                    )
                raise UserError(broken)
            if len(infos) > MAX_PARTS or unpacks_beyond(infos, MAX_UNPACKED, MAX_RATIO, 10 * 1024 * 1024) is not None:
                total = sum(i.file_size for i in infos)
                raise UserError(
                    f"{p.name} 解压后大小异常（约 {total // (1024 * 1024)} MB），可能是恶意构造的文件（压缩炸弹），已拒绝导入。"
                )
            for info in infos:
                if info.filename.lower().endswith((".xml", ".rels")):
                    with zf.open(info) as fh:
                        head = fh.read(_PROLOG)
                    if (
                        b"<!DOCTYPE" in head.upper()
                        or b"<!ENTITY" in head.upper()
                        or b"D\x00O\x00C\x00T\x00Y\x00P\x00E" in head.upper()
                    ):
                        raise UserError(
                            f"{p.name} 的内部文件 {info.filename} 含有 XML 实体/文档类型声明（正常的 Word 文件不会有），可能是恶意构造的文件，已拒绝导入。"
                        )
    except zipfile.BadZipFile:
        raise UserError(broken) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, ValueError):
        raise UserError(broken) from None


def read_docx(p: Path) -> Document:
    _vet(p)
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(str(p))
    except Exception:  # python-docx raises many kinds on a broken package
        raise UserError(f"{p.name} 已损坏或不是有效的 Word 文档（.docx），无法读取。") from None
    doc = Document(p.name, extracted=False)
    n = 0
    for child in d.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            n += 1
            text = Paragraph(child, d).text.strip()
            if text:
                doc.rows.append(Row((text,), Where(None, n)))
        elif tag == "tbl":
            for cells in _table_rows(Table(child, d), doc, n):
                n += 1
                doc.rows.append(Row(tuple(cells), Where(None, n), table=True))
    return doc


def _table_rows(table: Any, doc: Document, at: int) -> list[list[str]]:
    seen: set[Any] = set()  # the cells' XML elements, held so that each keeps its one proxy
    out = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell._tc in seen:
                cells.append("")
                continue
            seen.add(cell._tc)
            if cell._tc.xpath("./w:tbl"):
                doc.notes.append(LogEntry(f"第{at}行附近", UNPLACED, cell.text[:40], "表格中嵌套的表格，未导入"))
            cells.append(cell.text.strip())
        out.append(cells)
    return out


__all__ = ["read_docx"]
