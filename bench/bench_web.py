"""Load test of ``xladdin serve`` on loopback: simultaneous uploads, hostile ones among them.

    python bench/bench_web.py [--workers 1 2] [--uploads 20] [--json OUT.json]

For each ``--workers`` value a server is started as a user starts it (``xladdin serve
--workers N`` on a free 127.0.0.1 port) and two rounds are sent, all requests of a round
at once: (A) ``--uploads`` uploads of the bundled workbook and as many of a 60-project
workbook; (B) the same plus a zip bomb (a workbook declaring a 3 GB sheet) and a 30 MB
workbook.  Every upload goes through the page's form (CSRF token, POST /upload, then its
result page is read and its counts compared with ``xladdin check``'s); the response time
is the upload's, from the first byte sent to the redirect to the result.  Meanwhile the
resident memory of the server and its worker processes is sampled every 50 ms.

Bounded: a fixed number of requests, each with a 300 s time-out; traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import statistics
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402
import psutil  # noqa: E402

from tests.web_server import serve  # noqa: E402

WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def inputs(out: Path) -> dict[str, bytes]:
    from generate import generate

    big = out / "projects-60.xlsx"
    if not big.exists():
        generate(big, n_projects=60, seed=2026)
    return {"bundled": WORKBOOK.read_bytes(), "60 projects": big.read_bytes(), "zip bomb": bomb(), "30 MB": huge()}


def bomb() -> bytes:
    """A workbook whose one sheet declares 3 GB unpacked (vetting refuses it before unpacking)."""
    sys.path.insert(0, str(ROOT))
    from tests.test_hostile import package, patch_declared_size, sheet

    with tempfile.TemporaryDirectory() as tmp:
        p = package(Path(tmp) / "bomb.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
        patch_declared_size(p, "xl/worksheets/sheet1.xml", 3_000_000_000)
        return p.read_bytes()


def huge() -> bytes:
    """The bundled workbook with 30 MB of incompressible data beside it (a scanned attachment, say)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(WORKBOOK.read_bytes())) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/media/image1.bin", os.urandom(30 * 1024 * 1024), zipfile.ZIP_STORED)
    return buf.getvalue()


def expected_counts(data: dict[str, bytes]) -> dict[str, str]:
    from xladdin.files.checking import check_file
    from xladdin.report import summary_line

    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("bundled", "60 projects"):
            p = Path(tmp) / "x.xlsx"
            p.write_bytes(data[name])
            out[name] = summary_line(check_file(p))
    return out


class Memory(threading.Thread):
    """Peak resident memory of the server process and its children (the worker processes)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.proc = psutil.Process(pid)
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            total = 0
            try:
                for p in [self.proc, *self.proc.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        total += p.memory_info().rss
            except psutil.Error:
                return
            self.peak = max(self.peak, total)
            time.sleep(0.05)


def one_upload(url: str, name: str, body: bytes, expect: str | None, start: threading.Barrier) -> dict[str, Any]:
    with httpx.Client(base_url=url, timeout=300) as c:
        page = c.get("/")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
        start.wait()
        t0 = time.perf_counter()
        r = c.post("/upload", data={"csrf_token": token}, files=[("files", (f"{name}.xlsx", body, XLSX))])
        took = time.perf_counter() - t0
        ok = False
        said = ""
        if r.status_code == 303 and expect is not None:
            result = c.get(r.headers["location"])
            found = re.search(r'id="summary-line" class="summary">([^<]+)<', result.text)
            said = found.group(1) if found else ""
            ok = said == expect
        elif r.status_code != 303 and expect is None:
            said = re.search(r'id="error-message">([^<]+)<', r.text).group(1)  # type: ignore[union-attr]
            ok = True
        return {"kind": name, "status": r.status_code, "seconds": took, "ok": ok, "said": said}


def round_(url: str, pid: int, data: dict[str, bytes], expect: dict[str, str], n: int, hostile: bool) -> dict[str, Any]:
    jobs: list[tuple[str, bytes, str | None]] = []
    for _ in range(n):
        jobs.append(("bundled", data["bundled"], expect["bundled"]))
        jobs.append(("60 projects", data["60 projects"], expect["60 projects"]))
    if hostile:
        jobs += [("zip bomb", data["zip bomb"], None), ("30 MB", data["30 MB"], None)]
    start = threading.Barrier(len(jobs))
    mem = Memory(pid)
    mem.start()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=len(jobs)) as ex:
        results = list(ex.map(lambda j: one_upload(url, j[0], j[1], j[2], start), jobs))
    wall = time.perf_counter() - t0
    mem.stop.set()
    mem.join()
    out: dict[str, Any] = {"wall_seconds": round(wall, 2), "peak_rss_mb": round(mem.peak / 2**20, 1), "kinds": {}}
    for kind in dict.fromkeys(r["kind"] for r in results):
        rs = [r for r in results if r["kind"] == kind]
        times = sorted(r["seconds"] for r in rs)
        out["kinds"][kind] = {
            "n": len(rs),
            "all_correct": all(r["ok"] for r in rs),
            "status": sorted({r["status"] for r in rs}),
            "median_s": round(statistics.median(times), 3),
            "p95_s": round(times[min(len(times) - 1, int(0.95 * len(times)))], 3),
            "said": rs[0]["said"][:60],
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--uploads", type=int, default=20, help="uploads of each workbook per round (default 20)")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    data = inputs(out)
    expect = expected_counts(data)
    report: dict[str, Any] = {"cpus": os.cpu_count(), "uploads": args.uploads, "runs": {}}
    for workers in args.workers:
        with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp) / "temp", "--workers", str(workers)) as server:
            pid = server.process.pid
            idle = psutil.Process(pid).memory_info().rss
            runs = {
                "A (uploads only)": round_(server.url, pid, data, expect, args.uploads, hostile=False),
                "B (with zip bomb and 30 MB)": round_(server.url, pid, data, expect, args.uploads, hostile=True),
            }
            report["runs"][f"{workers} worker(s)"] = {"idle_server_rss_mb": round(idle / 2**20, 1), **runs}
        print(f"--- {workers} worker(s): server idle {idle / 2**20:.0f} MB")
        for name, r in runs.items():
            print(f"  {name}: wall {r['wall_seconds']} s, peak RSS (server + workers) {r['peak_rss_mb']} MB")
            for kind, k in r["kinds"].items():
                print(
                    f"    {kind:<12} n={k['n']:<3} correct={k['all_correct']} status={k['status']} "
                    f"median {k['median_s']:.3f} s  p95 {k['p95_s']:.3f} s  {k['said']}"
                )
    if args.json:
        Path(args.json).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
