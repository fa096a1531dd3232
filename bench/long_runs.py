"""Long runs as a user sees them: every verb on a 1,000-project workbook, stderr on a terminal.

    python bench/long_runs.py [--file bench/out/projects-1000.xlsx | --projects 1000] [--repeat 1]
                              [--only check,format] [--gbk]

Each verb runs as its own process, as a user starts it: stdout redirected to a file (as
``xladdin check 表.xlsx > 结果.txt``) and stderr a pseudo-terminal, so the progress line shows
as it does in a console window.  ``--gbk`` runs with ``PYTHONIOENCODING=gbk`` (a Chinese
Windows console's code page).  For each run: exit code, wall time, the peak resident memory
of the process and everything below it (``/proc``, every 50 ms, summed), how many times the
progress line was redrawn, the first and last time it changed (a silent stretch at the start
or the end is what a user waits through without a sign), the longest silence between two
redraws, and the report's size (lines, longest line).  ``check --format json`` must draw
nothing on the terminal.  Linux only (``/proc``, ``pty``).
"""

from __future__ import annotations

import argparse
import os
import pty
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_costs import machine  # noqa: E402
from bench.bench_publish_memory import _rss_kb, _tree  # noqa: E402


@dataclass
class Run:
    name: str
    code: int
    seconds: float
    peak_mb: float
    redraws: int
    first_s: float | None  # first sign of progress, seconds after the start
    last_s: float | None  # last change of the progress line
    longest_silence_s: float
    states: list[str] = field(default_factory=list)  # the distinct steps said, each with when it began
    out_lines: int = 0
    out_longest: int = 0
    last_line: str = ""


def verbs(book: Path, out: Path) -> list[tuple[str, list[str]]]:
    marked = out / "标记.xlsx"
    return [
        ("check", ["check", str(book)]),
        ("check --format json", ["check", str(book), "--format", "json"]),
        ("check --mark", ["check", str(book), "--mark", "-o", str(marked)]),
        ("clear", ["clear", str(marked), "-o", str(out / "清除.xlsx")]),
        ("costs", ["costs", str(book)]),
        ("format", ["format", str(book), "-o", str(out / "格式.xlsx")]),
        ("fill", ["fill", str(book), "-o", str(out / "填充.xlsx")]),
        ("rollover", ["rollover", str(book), "--to", "2027", "-o", str(out / "2027.xlsx")]),
    ]


_STEP = re.compile(r"^(.*?)(\d+)/(\d+)")
_CLOCK = re.compile(r"（\d+秒）$")  # the clock an uncounted step shows while it lasts


def run_one(name: str, args: list[str], cwd: Path, gbk: bool) -> Run:
    env = {**os.environ}
    env.pop("PYTHONUTF8", None)
    if gbk:
        env["PYTHONIOENCODING"] = "gbk"
    master, slave = pty.openpty()
    report = cwd / f"{name.replace(' ', '_')}.out"
    start = time.perf_counter()
    with open(report, "wb") as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "xladdin.commands.cli", *args],
            stdout=stdout,
            stderr=slave,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=cwd,
        )
    os.close(slave)
    chunks: list[tuple[float, bytes]] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                return
            if not data:
                return
            chunks.append((time.perf_counter() - start, data))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(pid)[1] for pid in _tree(proc.pid)))
        time.sleep(0.05)
    took = time.perf_counter() - start
    reader.join(timeout=2)
    os.close(master)
    encoding = "gbk" if gbk else "utf-8"
    redraw_times: list[float] = []
    states: list[str] = []
    for at, data in chunks:
        for piece in data.decode(encoding, "replace").split("\r"):
            piece = piece.strip()
            if not piece:
                continue
            redraw_times.append(at)
            m = _STEP.match(piece)
            state = m.group(1).strip() + f" …/{m.group(3)}" if m else _CLOCK.sub("", piece)[:60]
            if not states or not states[-1].startswith(state + " @"):
                states.append(f"{state} @{at:.1f}s")
    gaps = [b - a for a, b in zip([0.0, *redraw_times], [*redraw_times, took], strict=True)]
    text = report.read_bytes().decode("utf-8" if "json" in name else encoding, "replace").splitlines()
    return Run(
        name,
        proc.returncode,
        took,
        peak / 1024,
        len(redraw_times),
        redraw_times[0] if redraw_times else None,
        redraw_times[-1] if redraw_times else None,
        max(gaps),
        states,
        len(text),
        max((len(line) for line in text), default=0),
        text[-1][:100] if text else "",
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--file", type=Path)
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--only", help="comma-separated run names (check, format, …)")
    ap.add_argument("--gbk", action="store_true", help="PYTHONIOENCODING=gbk, a Chinese Windows console")
    args = ap.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="xladdin-long-") as tmp:
        cwd = Path(tmp)
        book = args.file.resolve() if args.file else None
        if book is None:
            from bench.generate import generate

            book = generate(cwd / f"projects-{args.projects}.xlsx", n_projects=args.projects)
        wanted = set(args.only.split(",")) if args.only else None
        for i in range(args.repeat):
            for name, cmd in verbs(book, cwd):
                if wanted and name not in wanted and name.split()[0] not in wanted:
                    continue
                r = run_one(name, cmd, cwd, args.gbk)
                first = f"{r.first_s:.1f}" if r.first_s is not None else "-"
                last = f"{r.last_s:.1f}" if r.last_s is not None else "-"
                print(
                    f"[{i + 1}] {r.name}: exit {r.code}, {r.seconds:.1f} s, peak {r.peak_mb:.0f} MB; "
                    f"progress: {r.redraws} redraws, first at {first} s, last at {last} s, "
                    f"longest silence {r.longest_silence_s:.1f} s; report {r.out_lines} lines "
                    f"(longest {r.out_longest} chars), last: {r.last_line}"
                )
                print("      steps: " + " → ".join(r.states))
                sys.stdout.flush()


if __name__ == "__main__":
    main()
