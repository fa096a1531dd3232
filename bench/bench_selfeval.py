"""Time ``xladdin selfeval`` against ``xladdin format`` on the same workbook.

    python bench/bench_selfeval.py [--projects 60] [--rounds 5]

Builds a workbook of N generated projects (``bench/generate.py``), then in each round runs,
one after the other and in-process as the command line does (load with openpyxl, plan,
apply, save safely to a new file):

(a) ``xladdin format FILE -o OUT.xlsx`` — restyles every project sheet;
(b) ``xladdin selfeval FILE -o OUT.xlsx`` — writes a 自评表 per project (cells, formulas,
    styles, merges, drop-downs).

Prints each round's times, the best of each and their ratio, and the ratio within each
round (the host is shared: one round is one sample of its noise).  Checks on the way
that the output holds a 自评表 per project.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from format_publish import timed  # noqa: E402
from generate import generate  # noqa: E402

from xladdin.check import read_tables  # noqa: E402
from xladdin.files.sources import read_sheets  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description="生成自评表的速度：xladdin selfeval 与 xladdin format 对比")
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = generate(work / "book.xlsx", n_projects=args.projects, seed=2026)
        fmt: list[float] = []
        sev: list[float] = []
        for i in range(args.rounds):
            fmt.append(timed(["format", str(book), "-o", str(work / f"f{i}.xlsx")]))
            sev.append(timed(["selfeval", str(book), "-o", str(work / f"s{i}.xlsx")]))
        _, selfevals, _ = read_tables(read_sheets(work / "s0.xlsx"))
        assert len(selfevals) == args.projects, len(selfevals)
    print(f"{args.projects} projects, {args.rounds} rounds (format, then selfeval, in each)")
    print("format  : " + ", ".join(f"{t:.2f}" for t in fmt) + f" s  (best {min(fmt):.2f})")
    print("selfeval: " + ", ".join(f"{t:.2f}" for t in sev) + f" s  (best {min(sev):.2f})")
    per_round = [s / f for s, f in zip(sev, fmt, strict=True)]
    print(
        f"selfeval / format: best times {min(sev) / min(fmt):.2f}; per round "
        + ", ".join(f"{r:.2f}" for r in per_round)
        + f" (median {statistics.median(per_round):.2f})"
    )


if __name__ == "__main__":
    main()
