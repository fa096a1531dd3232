"""Bench a reviewer's run: ``xladdin check FOLDER`` over many departments' workbooks.

    python bench/bench_batch.py [--files 100] [--projects 6] [--repeat 3]

Builds FOLDER with one subfolder per department (``bench/generate.py``, a different
seed per file, so every workbook has its own names and amounts), then times, in this
process, what ``xladdin check FOLDER --format json`` runs (best of ``--repeat``), and
the same files checked one ``xladdin check FILE`` process each, as a shell loop would
— the cost of starting Python and importing xladdin for every file.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_costs import machine  # noqa: E402
from bench.generate import generate  # noqa: E402
from xladdin.commands.cli import main  # noqa: E402


def build(folder: Path, files: int, projects: int) -> list[Path]:
    paths = []
    for i in range(files):
        path = folder / f"部门{i + 1:03d}" / "绩效目标表.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        paths.append(generate(path, n_projects=projects, seed=2026 + i))
    return paths


def main_(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--files", type=int, default=100)
    ap.add_argument("--projects", type=int, default=6)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "送审"
        t0 = time.perf_counter()
        paths = build(folder, args.files, args.projects)
        print(f"{args.files}个文件，每个{args.projects}个项目（生成用时 {time.perf_counter() - t0:.1f} s）")
        times = []
        for _ in range(args.repeat):
            out = io.StringIO()
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(out):
                code = main(["check", str(folder), "--format", "json"])
            times.append(time.perf_counter() - t0)
        best = min(times)
        print(
            f"xladdin check 文件夹（进程内）：最短 {best:.2f} s，每个文件 {best / args.files * 1000:.1f} ms"
            f"（退出码 {code}，各次 {', '.join(f'{t:.2f}' for t in times)} s）"
        )
        sample = paths[: min(10, len(paths))]
        t0 = time.perf_counter()
        for p in sample:
            subprocess.run(
                [sys.executable, "-m", "xladdin.commands.cli", "check", str(p)], capture_output=True, check=False
            )
        each = (time.perf_counter() - t0) / len(sample)
        print(f"逐个文件各起一个进程（{len(sample)}个文件的平均）：每个文件 {each * 1000:.0f} ms")


if __name__ == "__main__":
    main_()
