"""Time ``xladdin import`` of a published PDF against ``pdftotext`` on the same file.

    python bench/bench_import.py [--projects 60] [--repeat 5]

Builds a workbook of N generated projects (``bench/generate.py``), publishes it
(``xladdin publish``, LibreOffice), then times, best of ``--repeat`` rounds:

(a) ``pdftotext -layout FILE.pdf`` and plain ``pdftotext`` (poppler, C): text only;
(b) the import's reading: PDFium characters and ruling lines → rows of cells → the
    recognised projects (what ``xladdin import`` does before writing), in-process;
(c) the whole command, writing and formatting the workbook (openpyxl) included;

each as wall-clock time and as CPU time (this process's, and pdftotext's as a child), with
the load average: on a shared host the CPU figures are the steadier ones.

Checks on the way that the import gives back every project of the workbook.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from generate import generate  # noqa: E402

from xladdin.commands.cli import main as cli  # noqa: E402
from xladdin.files.documents import read_document  # noqa: E402
from xladdin.files.sources import read_sheets  # noqa: E402
from xladdin.layout import read_project, spec_of  # noqa: E402
from xladdin.published.recognise import recognise  # noqa: E402


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (pdftotext): what a shared host
    steals shows in the wall-clock figures, not in these."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def best(fn, repeat: int, cpu: dict[str, float], name: str) -> float:
    """The best wall-clock time of ``repeat`` rounds; the best CPU time goes to ``cpu[name]``."""
    times, cpus = [], []
    for _ in range(repeat):
        c = _cpu()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
        cpus.append(_cpu() - c)
    cpu[name] = min(cpus)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description="导入速度：xladdin import 与 pdftotext 对比")
    ap.add_argument("--projects", type=int, default=60)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = generate(work / "book.xlsx", n_projects=args.projects, seed=2026)
        pdf = work / "book.pdf"
        assert cli(["publish", str(book), "-o", str(pdf), "--date", "2026-02-27", "--force"]) == 0
        pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        n_pages = next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages"))
        cpu: dict[str, float] = {}
        layout = best(
            lambda: subprocess.run(["pdftotext", "-layout", str(pdf), str(work / "l.txt")], check=True),
            args.repeat,
            cpu,
            "layout",
        )
        plain = best(
            lambda: subprocess.run(["pdftotext", str(pdf), str(work / "p.txt")], check=True), args.repeat, cpu, "plain"
        )
        got: list = []
        read = best(lambda: got.append(recognise(read_document(pdf))), args.repeat, cpu, "read")
        with contextlib.redirect_stdout(io.StringIO()):
            whole = best(lambda: cli(["import", str(pdf), "-o", str(work / "out.xlsx")]), args.repeat, cpu, "whole")
        want = [dataclasses.replace(spec_of(p), sheet="") for p in map(read_project, read_sheets(book)) if p]
        assert [dataclasses.replace(s, sheet="") for s in got[-1].specs] == want, "the import lost something"
        print(f"{args.projects} 个项目，{n_pages} 页 PDF（{pdf.stat().st_size // 1024} KB）")
        print(f"(a) pdftotext -layout: {layout:.3f} s   pdftotext: {plain:.3f} s")
        print(
            f"(b) 读取并识别（PDFium + 识别）: {read:.3f} s   = {read / layout:.2f} × pdftotext -layout, {read / plain:.2f} × pdftotext"
        )
        print(
            f"(c) 整个 xladdin import（含写入并排版工作簿）: {whole:.3f} s"
            f"   = {whole / layout:.2f} × pdftotext -layout, {whole / plain:.2f} × pdftotext"
        )
        print(
            f"CPU 时间：pdftotext -layout {cpu['layout']:.3f} s，读取并识别 {cpu['read']:.3f} s，"
            f"整个 import {cpu['whole']:.3f} s = {cpu['whole'] / cpu['layout']:.2f} × pdftotext -layout"
        )
        print(f"负载（1/5/15 分钟平均）：{' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
