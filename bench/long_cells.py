"""Worst-case cells: the check on a 2026 project with one cell of 32,767 repeated characters.

32,767 characters is the most an Excel cell holds, so any file can carry such a cell.
Random long text (bench/fuzz.py) rarely hits a regular expression's worst case; this
tries every field of the form with runs of the characters the parsers look for
(brackets, digits, separators, units) and reports every check slower than
``--slow`` seconds or stopped after ``--limit`` seconds.

    python bench/long_cells.py                 # ≈ 5 minutes while slow cases remain
    python bench/long_cells.py --length 8000   # the same at a quarter of the length

Exit status 1 when any case is slow, so it can gate a release.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import fuzz

from xladdin.check import check_sheets

# field → (row, column) in the canonical form (sheet 2 of the 2026 workbook)
FIELDS = {
    "title": (1, 1),
    "name": (4, 3),
    "attribute": (6, 3),
    "period": (6, 5),
    "total": (7, 3),
    "goal": (12, 3),
    "level1": (14, 1),
    "level2": (14, 2),
    "indicator": (14, 3),
    "value": (14, 5),
}
UNITS = [
    "(",
    "（",
    "1(",
    "【",
    "“",
    "1",
    "1.",
    "≥",
    "%",
    "1,",
    "、",
    "；",
    "年",
    "2026年",
    "万元",
    "元/",
    " ",
    "\u3000",
]
UNITS += ["a", "第1", "1-", "（1）", "1万元", "×", "*", "/", "个", "人次", "1*", "1*2"]


class Stop(BaseException):
    pass


def _stop(*_: Any) -> None:
    raise Stop


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--length", type=int, default=32_767)
    ap.add_argument("--slow", type=float, default=2.0)
    ap.add_argument("--limit", type=float, default=15.0)
    args = ap.parse_args(argv)
    base = fuzz.base_sheets()
    signal.signal(signal.SIGALRM, _stop)
    slow = 0
    for field, (r, c) in FIELDS.items():
        for unit in UNITS:
            g = fuzz.Grid.of(base[1])
            g.set(r, c, (unit * (args.length // len(unit) + 1))[: args.length])
            sheets = [base[0], g.freeze(), *base[2:]]
            t = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, args.limit)
            try:
                check_sheets("long.xlsx", sheets)
                result = "done"
            except Stop:
                result = f"stopped after {args.limit:.0f} s"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            seconds = time.perf_counter() - t
            if seconds > args.slow:
                slow += 1
                print(f"{field:10} {unit!r:8} × {args.length}: {seconds:5.1f} s ({result})", flush=True)
    print(f"{slow} slow case(s) of {len(FIELDS) * len(UNITS)}")
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
