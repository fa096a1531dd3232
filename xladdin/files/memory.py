"""Pausing Python's cyclic garbage collector while a command builds objects that live until it ends.

A light module of its own: the import and the check both pause it, and the import should not
load the checker's modules to do so.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a workbook is read and checked, or published tables imported.

    A check allocates hundreds of thousands of small objects that live until it ends
    (cells, fields, findings), so the collector keeps running and re-walking them — 7%
    of a large check — while finding next to nothing: the core leaves no reference
    cycles behind (tests/test_checking.py counts them).  Reference counting still frees
    everything as usual; the collector is switched back on afterwards.  Once per check:
    the first collection after it walks every object that outlived the pause (~30 ms
    for 1,000 projects), so pausing around each part would pay that walk per part.
    An import's openpyxl workbook (sheets and cells pointing at each other) is a cycle: it
    stays in memory until the first collection after the pause, which is the command's end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
