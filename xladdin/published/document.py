"""A published document as rows of cells: what every source reader produces.

A PDF, a Word file, a saved web page and copied text all come down to the same thing:
lines of text in reading order, some of them rows of a table (several cells), some of
them paragraphs (one cell).  Each row remembers where it came from (page and line) so
that every repair and every line that could not be placed can be shown to the user at
its place in the original.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Where:
    """A place in the source document: page (PDF, or a form feed in text) and line."""

    page: int | None
    line: int

    def __str__(self) -> str:
        return f"第{self.page}页第{self.line}行" if self.page else f"第{self.line}行"


@dataclass(frozen=True)
class Row:
    """One line of the document: a table row (several cells) or a paragraph (one cell).

    ``table`` says the cells are a real table row of the source (a Word/HTML table, a
    ruled PDF grid): their positions are columns.  Rows of text have positions only as
    far as tabs or runs of spaces show them.
    """

    cells: tuple[str, ...]
    where: Where
    table: bool = False

    @property
    def texts(self) -> list[str]:
        """The non-empty cells, in order."""
        return [c for c in self.cells if c.strip()]

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class Document:
    """The rows of one source file.

    ``extracted`` is true for text that went through a text extraction (PDF, text copied
    from a page): there spaces between a number and its unit or inside a word, and
    half-width punctuation in Chinese text, are artefacts the reader repairs.  In a Word
    or HTML table every character is the author's, so nothing is repaired.
    """

    name: str
    rows: list[Row] = field(default_factory=list)
    extracted: bool = True
    notes: list[LogEntry] = field(default_factory=list)


@dataclass(frozen=True)
class LogEntry:
    """One line of the 导入记录 sheet."""

    where: str
    kind: str  # 修复 / 未放入 / 说明
    text: str
    detail: str


# the kinds of log lines, as the user reads them
REPAIR = "修复"
UNPLACED = "未放入"
NOTE = "说明"


__all__ = ["NOTE", "REPAIR", "UNPLACED", "Document", "LogEntry", "Row", "Where"]
