"""Time 填充指标, 新年度 and 撤销 on a workbook of N projects with rows to insert in each.

    python bench/bench_fill.py [--projects 300]

The workbook is the six 2026 tables repeated N/6 times, each without its 质量指标 and
成本指标 rows, so every project gets a skeleton row and derived cost rows inserted (the
expensive case: rows move, merges and formulas follow).  Times are process CPU time of
the in-process command (load, plan, apply, save), best of one run each; the machine is
shared, so wall time is printed too but not trusted.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.workbook_snapshot import specs  # noqa: E402
from xladdin.commands.cli import main  # noqa: E402
from xladdin.files.workbooks import new_workbook_from_layouts  # noqa: E402
from xladdin.layout import write_project  # noqa: E402


def build(path: Path, n: int) -> None:
    layouts = []
    base = specs()
    for k in range(max(1, n // len(base))):
        for s in base:
            rows = tuple(i for i in s.indicators if i.level2 not in ("质量指标", "成本指标"))
            layouts.append(write_project(replace(s, sheet=f"{s.sheet}{k}", indicators=rows)))
    new_workbook_from_layouts(layouts).save(path)


def timed(argv: list[str]) -> tuple[float, float]:
    c0, w0 = time.process_time(), time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        rc = main(argv)
    if rc != 0:
        raise SystemExit(f"{argv[0]} failed: {rc}")
    return time.process_time() - c0, time.perf_counter() - w0


def main_() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=300)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        src, filled, undone, rolled = (Path(d) / n for n in ("src.xlsx", "f.xlsx", "u.xlsx", "r.xlsx"))
        build(src, args.projects)
        print(f"{args.projects} projects; {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs")
        for label, argv in (
            ("fill", ["fill", str(src), "-o", str(filled)]),
            ("undo fill", ["undo", str(filled), "-o", str(undone)]),
            ("rollover", ["rollover", str(src), "--to", "2027", "-o", str(rolled)]),
        ):
            cpu, wall = timed(argv)
            print(f"{label:<10} CPU {cpu:6.1f} s   wall {wall:6.1f} s")


if __name__ == "__main__":
    main_()
