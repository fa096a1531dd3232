"""One reader interface over the formats a department's workbook comes in.

As calamine puts one ``Reader`` over its formats, every read-only command asks
``open_source(path)`` for a ``Source`` and reads ``SheetData`` from it, whatever the
format; reading another format is one new source class here.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from xladdin.files.other_formats import CalamineSource, is_other_format
from xladdin.files.xlsx_source import XlsxSource
from xladdin.model import SheetData


class Source(Protocol):
    """A workbook file opened for reading, whatever its format.

    ``names`` are the worksheet names in tab order; ``read`` returns the named sheets (all
    when ``names`` is None) as ``SheetData``: values as the user sees them (cached values
    for formulas), merges where the format keeps them, each sheet bounded in size.  A
    source vets its file before anything parses it and refuses a bad one with a
    ``UserError`` the user can act on.
    """

    path: Path

    @property
    def names(self) -> list[str]: ...

    def read(self, names: Iterable[str] | None = None) -> list[SheetData]: ...

    def close(self) -> None: ...

    def __enter__(self) -> Source: ...

    def __exit__(self, *exc: object) -> None: ...


def open_source(path: str | os.PathLike[str]) -> Source:
    """The source for a workbook file: by its name, .xls / .et / .xlsb / .ods through
    ``other_formats.CalamineSource``, everything else as .xlsx/.xlsm (which ``vetting``
    refuses with a message when it is none)."""
    if is_other_format(path):
        return CalamineSource(path)
    return XlsxSource(path)


def read_sheets(path: str | os.PathLike[str], names: Iterable[str] | None = None) -> list[SheetData]:
    """Every sheet's values (cached values for formulas) and merges, via calamine; only ``names`` when given.

    Bounded: a sheet is read up to ``MAX_READ_ROWS`` × ``MAX_READ_COLS``.  calamine
    loads a sheet as one dense grid from A1 to its last cell, so a sheet whose cells
    reach beyond that (a million rows, or one stray value in XFD1048576, which would
    make calamine allocate 17 billion cells and abort the process) is streamed with
    openpyxl's read-only reader instead, which stops at the bounds.  Such a sheet
    loses its merge information, which the layout reader does without.
    """
    with open_source(path) as source:
        return source.read(names)
