"""Bench the value parser and the cost engine on a large generated workbook.

    python bench/bench_costs.py [--projects 1000] [--workbook FILE]

Generates (or reuses) a workbook of N project sheets with bench/gen_costs.py, then
reports: read time, 指标值 parse throughput (values per second, cold — ``parse`` has no
cache), cost-explanation time per project, how many projects balance, and the
end-to-end time of ``xladdin costs FILE --format json``.  Prints the machine it ran on.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.gen_costs import generate  # noqa: E402
from xladdin.check import read_projects  # noqa: E402
from xladdin.commands.cli import main  # noqa: E402
from xladdin.costs import explain  # noqa: E402
from xladdin.files.sources import read_sheets  # noqa: E402
from xladdin.values import _parse_cached, parse, parse_uncached  # noqa: E402


def machine() -> str:
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))}), {cpu}, Python {platform.python_version()}"


def run(path: Path, repeats: int) -> None:
    t0 = time.perf_counter()
    sheets = read_sheets(path)
    t_read = time.perf_counter() - t0
    t0 = time.perf_counter()
    projects, _ = read_projects(sheets)
    t_layout = time.perf_counter() - t0
    texts = [i.value.text for p in projects for i in p.indicators]

    distinct = list(dict.fromkeys(texts))
    rates = []  # every value parsed from scratch
    for _ in range(repeats):
        t0 = time.perf_counter()
        for t in texts:
            parse_uncached(t)
        rates.append(len(texts) / (time.perf_counter() - t0))
    cached = []  # as the tool runs: cache empty at the start, repeated values hit it
    for _ in range(repeats):
        _parse_cached.cache_clear()
        t0 = time.perf_counter()
        for t in texts:
            parse(t)
        cached.append(len(texts) / (time.perf_counter() - t0))
    unparsed = sum(parse(t).kind == "unparsed" for t in texts)

    per_project = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        results = [explain(p) for p in projects]
        per_project.append((time.perf_counter() - t0) / len(projects))
    balanced = sum(e.balanced for e in results)
    slowest = max(projects, key=lambda p: len(p.indicators))
    t0 = time.perf_counter()
    for _ in range(20):
        explain(slowest)
    t_slowest = (time.perf_counter() - t0) / 20

    t0 = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["costs", str(path), "--format", "json"])
    t_cli = time.perf_counter() - t0

    print(f"machine        : {machine()}")
    print(f"workbook       : {path.name}, {len(projects)} projects, {len(texts)} 指标值")
    print(f"read (calamine): {t_read:.2f} s; layout → Project: {t_layout:.2f} s")
    print(
        f"parse          : median {statistics.median(rates):,.0f} values/s uncached; "
        f"{statistics.median(cached):,.0f} values/s with the cache from empty "
        f"({len(distinct)} distinct texts; {unparsed} unparsed)"
    )
    print(
        f"explain        : median {statistics.median(per_project) * 1000:.2f} ms/project; "
        f"largest project ({len(slowest.indicators)} rows) {t_slowest * 1000:.2f} ms"
    )
    print(f"balanced       : {balanced}/{len(projects)} projects within 0.01万元")
    print(f"xladdin costs --format json: {t_cli:.2f} s end to end (exit {code})")


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--workbook", type=Path, help="use this workbook instead of generating one")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    if a.workbook:
        run(a.workbook, a.repeats)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = generate(Path(tmp) / f"bench_{a.projects}.xlsx", a.projects)
            run(path, a.repeats)
