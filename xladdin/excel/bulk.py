"""The xlwings shell: an open Excel workbook ⇄ the plain data the core works on.

Every Excel call crosses a process boundary (COM on Windows, a JSON round trip on
xlwings Server/Lite), so this module reads each sheet in ONE bulk call and writes
back in batches — one colour matrix per sheet, one value write per contiguous block —
never cell by cell.  Nothing here decides anything: the core plans, this applies.

Works with any ``xlwings.Book``: the classic desktop engine (RunPython from the
ribbon) and the remote engine (xlwings Server/Lite scripts, and the tests, which
build a real remote book from the bundled workbook's cells).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from xladdin.model import SheetData

# Range.set_colors refuses more than this many cells per call.
MAX_COLOR_CELLS = 10_000
KEEP = ...  # "leave this cell's fill as it is" in a set_colors matrix


# --------------------------------------------------------------------------- reading


def _grid(values: Any) -> list[list[Any]]:
    """xlwings' value (scalar, 1-D or 2-D) → a list of rows."""
    if values is None:
        return []
    if not isinstance(values, list | tuple):
        return [[values]]
    if values and not isinstance(values[0], list | tuple):
        return [list(values)]
    return [list(r) for r in values]


def _clean(v: Any) -> Any:
    if isinstance(v, str) and v == "":
        return None
    return v


def sheet_bounds(sheet: Any) -> tuple[int, int]:
    """(last row, last column) of the used range, 1-based; (0, 0) for an empty sheet."""
    used = sheet.used_range
    last = used.last_cell
    return last.row, last.column


def read_sheet(sheet: Any, formulas: bool = False) -> SheetData:
    """One sheet's cells from A1 to the used range's last cell, in one bulk read.

    The grid starts at A1 even when the used range does not, because the core
    addresses cells absolutely.  Merges are not read (there is no bulk call for them):
    ``merges_known`` is False, and the layout reader copes without them.  With
    ``formulas`` (a writing button), a formula cell holds its formula's text where the
    engine can say (the desktop: one more bulk call); xlwings Server/Lite send values
    only, and the sheet says so (``SheetData.formulas`` False).
    """
    rows_n, cols_n = sheet_bounds(sheet)
    known = False
    if rows_n <= 1 and cols_n <= 1:
        v = sheet.range((1, 1)).value
        rows = [] if v in (None, "") else [[v]]
        rows_n = cols_n = 1
    else:
        rng = sheet.range((1, 1), (rows_n, cols_n))
        try:
            values = rng.options(ndim=2).value
        except ValueError:
            # xlwings' remote engine turns any text that looks like an ISO time
            # ("2026-11-27T08:34:27", as the journal writes) into a datetime and
            # fails on it; the raw values are the cells' text as sent.
            values = rng.raw_value
        rows = [[_clean(v) for v in row] for row in _grid(values)]
    if formulas:
        grid = formula_grid(sheet, rows_n, cols_n)
        if grid is not None:
            known = True
            for i, row in enumerate(grid):
                for j, f in enumerate(row):
                    if isinstance(f, str) and f.startswith("=") and i < len(rows) and j < len(rows[i]):
                        rows[i][j] = f
    return SheetData(sheet.name, rows, (), hidden=not _visible(sheet), merges_known=False, formulas=known)


def _visible(sheet: Any) -> bool:
    try:
        return bool(sheet.visible)
    except Exception:
        return True


def read_book(book: Any, names: Iterable[str] | None = None, formulas: bool = False) -> list[SheetData]:
    """Every worksheet (or the named ones) as ``SheetData``, in workbook order (see ``read_sheet``)."""
    wanted = set(names) if names is not None else None
    return [read_sheet(sh, formulas) for sh in book.sheets if wanted is None or sh.name in wanted]


def book_name(book: Any) -> str:
    try:
        return str(book.fullname)
    except Exception:
        return str(book.name)


# --------------------------------------------------------------------------- feedback


def status(book: Any, text: str | None) -> None:
    """Show progress in Excel's status bar; ``None`` gives the bar back to Excel.

    xlwings Server/Lite have no status bar: progress is then simply not shown.
    """
    with contextlib.suppress(Exception):
        book.app.status_bar = text if text is not None else False


def alert(book: Any, message: str, title: str = "绩效目标") -> None:
    """A short message box (MsgBox on the desktop, the add-in's dialog on Server/Lite)."""
    with contextlib.suppress(Exception):
        book.app.alert(message, title=title)


# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True)
class Block:
    """A rectangle of values to write in one call; ``rows`` is 2-D and rectangular."""

    row: int
    col: int
    rows: list[list[Any]]

    @property
    def cells(self) -> Iterator[tuple[int, int, Any]]:
        for i, r in enumerate(self.rows):
            for j, v in enumerate(r):
                yield self.row + i, self.col + j, v


def value_blocks(cells: dict[tuple[int, int], Any]) -> list[Block]:
    """Group single-cell values into horizontal runs (one write per run).

    Runs never span cells that are not being written, so a write never touches a
    cell that was not asked for.
    """
    out: list[Block] = []
    for r, c in sorted(cells):
        last = out[-1] if out else None
        if last is not None and last.row == r and last.col + len(last.rows[0]) == c:
            last.rows[0].append(cells[(r, c)])
        else:
            out.append(Block(r, c, [[cells[(r, c)]]]))
    return out


# Text Excel would not keep as typed: a formula sign in front, or anything its input parser
# may turn into a number, a percentage, a date or a boolean ("95%" → 0.95, "2026年12月" → a
# date in Chinese Excel, "1/2" → 2 January, "TRUE").
_COERCIBLE = re.compile(r"^[=+\-@]|\d|^(?:true|false)$|^#", re.IGNORECASE)


def as_text(value: Any) -> Any:
    """A text written as exactly these characters: the apostrophe Excel itself uses for "this is text".

    Writing "95%" or "2026年12月" into a cell is typing it: Excel would store 0.95 or a date,
    and the next check would read a number without its unit.  The apostrophe is not part of
    the value (Excel, WPS and LibreOffice show and save the text alone).
    """
    if isinstance(value, str) and value and _COERCIBLE.search(value):
        return "'" + value
    return value


def write_values(sheet: Any, cells: dict[tuple[int, int], Any], formulas: bool = False) -> int:
    """Write values block by block; returns the number of write calls made.

    ``formulas`` lets a value beginning with "=" become a formula again (undo puts
    back what was there); otherwise such text stays text.
    """
    blocks = value_blocks({k: (v if formulas else as_text(v)) for k, v in cells.items()})
    for b in blocks:
        sheet.range((b.row, b.col)).value = b.rows
    return len(blocks)


def color_matrix(
    colors: dict[tuple[int, int], str | None],
) -> list[tuple[int, int, list[list[Any]]]]:
    """One (top row, left col, matrix) per chunk of ≤ MAX_COLOR_CELLS; cells not named are kept."""
    if not colors:
        return []
    rows = sorted({r for r, _ in colors})
    c1 = min(c for _, c in colors)
    c2 = max(c for _, c in colors)
    width = c2 - c1 + 1
    per_chunk = max(1, MAX_COLOR_CELLS // width)
    out = []
    r = rows[0]
    last = rows[-1]
    while r <= last:
        r2 = min(last, r + per_chunk - 1)
        matrix = [[colors.get((rr, cc), KEEP) for cc in range(c1, c2 + 1)] for rr in range(r, r2 + 1)]
        if any(v is not KEEP for row in matrix for v in row):
            out.append((r, c1, matrix))
        r = r2 + 1
    return out


def write_colors(sheet: Any, colors: dict[tuple[int, int], str | None]) -> int:
    """Fill colours in one ``set_colors`` call per sheet (chunked only above 10,000 cells)."""
    n = 0
    for r, c, matrix in color_matrix(colors):
        sheet.range((r, c), (r + len(matrix) - 1, c + len(matrix[0]) - 1)).set_colors(matrix)
        n += 1
    return n


def add_notes(sheet: Any, notes: dict[str, str]) -> set[str]:
    """Attach a note (批注) per cell; returns the cells that got one.

    A cell that already has a note keeps it untouched and gets none from us: the
    user's note is theirs (and on xlwings Server/Lite its text cannot even be read).
    """
    added = set()
    for ref, text in notes.items():
        rng = sheet.range(ref)
        if note_of(rng) is not None:
            continue
        rng.add_note(text)
        added.add(ref)
    return added


def delete_notes(sheet: Any, refs: Iterable[str]) -> None:
    for ref in refs:
        note = note_of(sheet.range(ref))
        if note is not None:
            note.delete()


def note_of(rng: Any) -> Any:
    """The cell's note (批注) object, or None."""
    try:
        return rng.note
    except Exception:
        return None


def note_text(note: Any) -> str | None:
    """A note's text; None where the engine cannot read it (xlwings Server/Lite)."""
    try:
        text = note.text
    except Exception:
        return None
    return text if isinstance(text, str) else None


def read_colors(sheet: Any, refs: Iterable[str]) -> dict[str, str | None]:
    """Current fill of some cells, as "#rrggbb" or None; {} where the engine cannot tell.

    Only the desktop engine can read a fill synchronously; on xlwings Server/Lite the
    previous fill is unknown and clearing marks leaves those cells unfilled.
    """
    out: dict[str, str | None] = {}
    for ref in refs:
        try:
            c = sheet.range(ref).color
        except Exception:
            return {}
        out[ref] = _hex(c)
    return out


def _hex(color: Any) -> str | None:
    if color is None:
        return None
    if isinstance(color, str):
        return color.lower()
    r, g, b = color
    return f"#{r:02x}{g:02x}{b:02x}"


def fill_xml(color: str | None) -> str:
    """A fill as the journals store it: openpyxl's fill element, so both shells read it."""
    if not color:
        return "<fill><patternFill /></fill>"
    rgb = "FF" + color.lstrip("#").upper()
    return f'<fill><patternFill patternType="solid"><fgColor rgb="{rgb}" /></patternFill></fill>'


_FILL_RGB = re.compile(r'fgColor[^>]*rgb="(?:[0-9A-Fa-f]{2})?([0-9A-Fa-f]{6})"')


def color_of_fill_xml(xml: Any) -> tuple[bool, str | None]:
    """(understood, "#rrggbb" or None for no fill) of a fill element written by either shell."""
    if not isinstance(xml, str) or "<" not in xml:
        return False, None
    if 'patternType="solid"' in xml:
        m = _FILL_RGB.search(xml)
        return (True, "#" + m.group(1).lower()) if m else (False, None)
    if "patternType" not in xml or 'patternType="none"' in xml:
        return True, None
    return False, None


# --------------------------------------------------------------------------- sheets


def find_sheet(book: Any, name: str) -> Any | None:
    for sh in book.sheets:
        if sh.name == name:
            return sh
    return None


def ensure_sheet(book: Any, name: str, hidden: bool = False) -> tuple[Any, bool]:
    """The sheet called ``name``, added after the last sheet when missing; (sheet, created)."""
    sh = find_sheet(book, name)
    if sh is not None:
        return sh, False
    last = list(book.sheets)[-1]
    sh = book.sheets.add(name=name, after=last)
    if hidden:
        sh.visible = False
    return sh, True


def replace_table(sheet: Any, rows: Sequence[Sequence[Any]], text_columns: Sequence[int] = ()) -> None:
    """Clear a tool-owned sheet and write ``rows`` in one call.

    ``text_columns`` (1-based) are formatted as text first, so JSON or "=…" kept
    there stays exactly the characters written.
    """
    sheet.clear_contents()
    if not rows:
        return
    width = max(len(r) for r in rows)
    grid = [list(r) + [None] * (width - len(r)) for r in rows]
    cols = sorted(set(text_columns))
    if cols and cols == list(range(cols[0], cols[-1] + 1)):
        sheet.range((1, cols[0]), (len(grid), cols[-1])).number_format = "@"
    else:
        for c in cols:
            sheet.range((1, c), (len(grid), c)).number_format = "@"
    sheet.range((1, 1)).value = grid


# --------------------------------------------------------------------------- formulas


def formula_grid(sheet: Any, rows: int, cols: int) -> list[list[Any]] | None:
    """Formulas (or constants) of A1 to (rows, cols); None where the engine cannot say
    (xlwings Server/Lite send values only)."""
    try:
        return _grid(sheet.range((1, 1), (rows, cols)).options(ndim=2).formula)
    except Exception:
        return None


def read_formulas(sheet: Any, cells: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """The formula of each cell that has one (desktop engine only; {} elsewhere)."""
    cells = list(cells)
    if not cells:
        return {}
    grid = formula_grid(sheet, max(r for r, _ in cells), max(c for _, c in cells))
    if grid is None:
        return {}
    out = {}
    for r, c in cells:
        try:
            f = grid[r - 1][c - 1]
        except IndexError:
            continue
        if isinstance(f, str) and f.startswith("="):
            out[(r, c)] = f
    return out


__all__ = [
    "Block",
    "add_notes",
    "alert",
    "color_matrix",
    "delete_notes",
    "ensure_sheet",
    "find_sheet",
    "formula_grid",
    "read_book",
    "read_colors",
    "read_sheet",
    "replace_table",
    "status",
    "value_blocks",
    "write_colors",
    "write_values",
]
