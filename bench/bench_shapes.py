"""Time the writing verbs on the same projects written in two forms: the published one (B) and
the budget system's grid (H: comparator, number, unit and weight in columns of their own,
amounts in 元).

    python bench/bench_shapes.py [--projects 60] [--repeat 3]

Prints, for check, fill, format and rollover, the best wall time of each form and the ratio
H / B (the issue asks for at most 1.5).  The workbooks are written by ``bench/shapes.py``
from ``bench/generate.py``'s projects.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from shapes import h_layout, specs, write  # noqa: E402

from xladdin.commands.cli import main  # noqa: E402
from xladdin.layout import write_project  # noqa: E402

VERBS = {
    "check": lambda src, out: ["check", str(src), "--format", "json"],
    "fill": lambda src, out: ["fill", str(src), "-o", str(out)],
    "format": lambda src, out: ["format", str(src), "-o", str(out)],
    "rollover": lambda src, out: ["rollover", str(src), "--to", "2027", "-o", str(out)],
}


def timed(args: list[str]) -> float:
    sink = io.StringIO()
    t = time.perf_counter()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = main(args)
    elapsed = time.perf_counter() - t
    if code not in (0, 1):
        raise SystemExit(f"{' '.join(args)} 失败（退出码 {code}）：{sink.getvalue()[-300:]}")
    return elapsed


def main_() -> None:
    ap = argparse.ArgumentParser(description="同一批项目，已发布表样（B）与预算系统表样（H）的写入命令用时对比")
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    tables = specs(args.projects)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        books = {
            "B": write(folder / "B.xlsx", [write_project(s) for s in tables]),
            "H": write(folder / "H.xlsx", [h_layout(s) for s in tables]),
        }
        print(
            f"机器：{platform.machine()}，Python {platform.python_version()}；{args.projects}个项目，各取 {args.repeat} 次中最短"
        )
        for verb, make in VERBS.items():
            best = {}
            for _ in range(args.repeat):
                for form, src in books.items():  # interleaved, so the host's noise hits both alike
                    t = timed(make(src, folder / f"{verb}-{form}-out.xlsx"))
                    best[form] = min(best.get(form, t), t)
            print(f"{verb:<9} B {best['B']:.2f} s   H {best['H']:.2f} s   H/B {best['H'] / best['B']:.2f}")


if __name__ == "__main__":
    main_()
