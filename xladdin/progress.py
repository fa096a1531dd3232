"""How far a long run has got, said by whoever runs it.

A workbook of 1,000 projects takes half a minute to format or roll over, and a user who
sees nothing for that long thinks the tool hangs.  The loops that take long (reading a
workbook, applying a plan sheet by sheet, saving, LibreOffice printing a part) report to
a ``Progress``; what it shows is the shell's business: the command line draws one line
on stderr when it is a terminal (``xladdin.commands.console``), everything else — the
JSON mode, tests, the Excel add-in — keeps the silent one here.
"""

from __future__ import annotations


class Progress:
    """Silent: the base of every progress display, and what runs when nobody watches."""

    def step(self, what: str, done: int = 0, total: int = 0) -> None:
        """Now doing ``what`` (“写入工作表”), ``done`` of ``total`` (0 of 0: no count, e.g. while saving)."""

    def clear(self) -> None:
        """The run (or this part of it) is over: take the display away before anything else is said."""


QUIET = Progress()
