"""Time 统一格式 and 公开 on the bundled 2026 workbook.

    python bench/format_publish.py [--runs 3]

Prints the median wall time of ``xladdin format`` (load, plan, apply, safe save) and of
``xladdin publish`` (format in memory, notice, LibreOffice to PDF).  Publish is dominated
by LibreOffice start-up and layout, so it varies with the machine's load.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xladdin.commands.cli import main  # noqa: E402

WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    code = main(argv)
    took = time.perf_counter() - start
    if code != 0:
        raise SystemExit(f"xladdin {' '.join(argv)} exited {code}")
    return took


def run(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "2026.xlsx"
        shutil.copyfile(WORKBOOK, src)
        fmt = [timed(["format", str(src), "-o", str(Path(tmp) / f"f{i}.xlsx")]) for i in range(runs)]
        pub = [timed(["publish", str(src), "-o", str(Path(tmp) / f"p{i}.pdf"), "--force"]) for i in range(runs)]
    print(f"format : median {statistics.median(fmt):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in fmt)})")
    print(f"publish: median {statistics.median(pub):.2f} s  (runs: {', '.join(f'{t:.2f}' for t in pub)})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    run(ap.parse_args().runs)
