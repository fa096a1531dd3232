"""Time the ribbon's entry points on xlwings' remote engine and count the Excel calls they make.

    python bench/bench_addin.py [WORKBOOK.xlsx]      # default: the bundled 2026 workbook
    python bench/generate.py /tmp/big.xlsx --projects 200 && python bench/bench_addin.py /tmp/big.xlsx

What an entry point costs in Excel is dominated by the number of calls across the
COM / Office.js boundary, not by Python: the remote engine records every call as one
action, so the action count is the number of round trips the desktop engine would
make (one per range write/format call).  The time measured here is the Python side
only (reading the cells, the core, planning the writes) — Excel's own time is not in it.
"""

from __future__ import annotations

import copy
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")

import xlwings as xw  # noqa: E402

from tests.remote_book import payload  # noqa: E402
from xladdin.check import check_sheets  # noqa: E402
from xladdin.excel import addin  # noqa: E402
from xladdin.files.sources import read_sheets  # noqa: E402


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"
    sheets = read_sheets(path)
    data = payload(sheets, path.name)
    cells = sum(len(r) for s in sheets for r in s.rows)
    check_sheets(str(path), sheets[:2])  # warm up: the rule modules load on first use
    t = time.perf_counter()
    result = check_sheets(str(path), sheets)
    core = time.perf_counter() - t
    print(f"{path.name}: {len(sheets)} sheets, {cells} cells, {len(result.findings)} findings")
    print(f"  core check (check_sheets, in-process): {core:.3f} s")
    for entry in ("check", "costs", "format_sheets", "rollover", "fill", "clear", "undo"):
        book = xw.Book(json=copy.deepcopy(data))
        t = time.perf_counter()
        message = getattr(addin, entry)(book)
        dt = time.perf_counter() - t
        acts = Counter(a["func"] for a in book.json()["actions"])
        total = sum(acts.values())
        top = ", ".join(f"{k} {v}" for k, v in acts.most_common(5))
        print(f"  {entry:<13} {dt:7.3f} s  {total:6d} Excel calls ({top})  → {str(message)[:60]}")


if __name__ == "__main__":
    main()
