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
    the objects that outlived the pause are handed to the oldest generation without being
    walked (``_promote``), so pausing around each part would cost nothing more either.
    An import's openpyxl workbook (sheets and cells pointing at each other) is a cycle: it
    stays in memory until the next full collection, or the command's end.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            _promote()
            gc.enable()


def _promote() -> None:
    """Every object the collector tracks moved to its oldest generation, unwalked.

    Objects made during a pause all sit in the youngest generation with its count far past
    the threshold, so the first allocation after ``gc.enable()`` walked them all (~35 ms
    after a 1,000-table check, in the serial tail every user waits for) to find nothing.
    ``gc.freeze()`` then ``gc.unfreeze()`` moves them to the oldest generation in constant
    time: they are still collected, at a full collection, if they ever form garbage cycles.
    Skipped when something else froze objects (a pre-forking host): unfreezing would undo it.
    """
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
