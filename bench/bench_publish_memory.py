"""Peak memory of ``xladdin publish`` on a large workbook: xladdin and LibreOffice together.

    python bench/bench_publish_memory.py [--projects 300] [--repeat 1] [--file WORKBOOK.xlsx]

Runs ``xladdin publish`` as its own process and samples, every 50 ms, the resident memory
(``VmRSS``) of that process and of every process below it (LibreOffice's ``soffice.bin``),
summed: the memory the machine needs for the run.  Prints the peak, the peak of each
kind of process, the wall time and the number of PDF pages.  Linux only (``/proc``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_costs import machine  # noqa: E402
from bench.generate import generate  # noqa: E402


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def _rss_kb(pid: int) -> tuple[str, int]:
    try:
        with open(f"/proc/{pid}/status") as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        return fields["Name"].strip(), int(fields.get("VmRSS", "0 kB").split()[0])
    except (OSError, KeyError, ValueError):
        return "?", 0


def publish_peak(workbook: Path, pdf: Path) -> dict[str, float]:
    # --force: the generated projects keep the published tables' mistakes, which the publish gate refuses
    cmd = [sys.executable, "-m", "xladdin.commands.cli", "publish", str(workbook), "-o", str(pdf), "--force"]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    peak_total = 0
    at_peak: dict[str, int] = {}
    peak_by_name: dict[str, int] = {}
    while proc.poll() is None:
        total = 0
        now: dict[str, int] = {}
        for pid in _tree(proc.pid):
            name, kb = _rss_kb(pid)
            total += kb
            now[name] = now.get(name, 0) + kb
        for name, kb in now.items():
            peak_by_name[name] = max(peak_by_name.get(name, 0), kb)
        if total > peak_total:
            peak_total, at_peak = total, now
        time.sleep(0.05)
    _out, err = proc.communicate()
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"publish exited {proc.returncode}: {err.decode('utf-8', 'replace')}")
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    n_pages = next((int(line.split()[-1]) for line in pages.splitlines() if line.startswith("Pages:")), 0)
    result = {"peak_mb": peak_total / 1024, "seconds": took, "pages": n_pages}
    result.update({f"peak_{k}_mb": v / 1024 for k, v in peak_by_name.items() if v > 10 * 1024})
    result.update({f"at_peak_{k}_mb": v / 1024 for k, v in at_peak.items() if v > 10 * 1024})
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--projects", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--file", type=Path, help="publish this workbook instead of a generated one")
    args = ap.parse_args(argv)
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        book = args.file or generate(Path(tmp) / f"projects-{args.projects}.xlsx", n_projects=args.projects)
        for i in range(args.repeat):
            r = publish_peak(book, Path(tmp) / f"公开-{i}.pdf")
            parts = ", ".join(
                f"{k[5:-3]} {v:.0f} MB" for k, v in sorted(r.items()) if k.startswith("peak_") and k != "peak_mb"
            )
            parts += "; at the peak: " + ", ".join(
                f"{k[8:-3]} {v:.0f} MB" for k, v in sorted(r.items()) if k.startswith("at_peak_")
            )
            print(f"{book.name}: peak {r['peak_mb']:.0f} MB ({parts}); {r['seconds']:.1f} s; {r['pages']:.0f} pages")


if __name__ == "__main__":
    main()
