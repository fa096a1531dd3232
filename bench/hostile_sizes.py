"""Time and peak memory of ``xladdin check`` on oversized input.

Each case runs ``xladdin.commands.cli.main(["check", FILE, "--format", "json"])`` in a fresh
child interpreter and reports wall time (interpreter start included) and the child's
peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``).

    python bench/hostile_sizes.py            # all cases (≈ 1–2 minutes, mostly building files)

Cases:
* million_rows — a 1,000,000 × 6 sheet of numbers (218 MB of sheet XML, 20 MB file);
* far_cell     — two cells, A1 and XFD1048576 (calamine alone would allocate 512 GB);
* big_cells    — the 2026 workbook with a 1 MB 年度总体绩效目标 and a 100,000-digit 指标值;
* baseline     — the 2026 workbook as published.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"


def build(folder: Path) -> dict[str, Path]:
    import test_hostile as th
    from openpyxl import load_workbook

    files = {"baseline": WORKBOOK}
    files["million_rows"] = th.big_sheet_package(folder / "million.xlsx", 1_000_000, 6)
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>项目名称</t></is></c></row>'
    rows += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    files["far_cell"] = th.package(folder / "far.xlsx", th.sheet(rows))
    wb = load_workbook(WORKBOOK)
    ws = wb["信息系统维护"]
    ws["C12"] = ("保障信息系统稳定运行，完成培训100人次，印刷2万份；" * 40_000)[:1_000_000]
    ws["E20"] = "≥" + "9" * 100_000 + "%"
    files["big_cells"] = folder / "big_cells.xlsx"
    wb.save(files["big_cells"])
    return files


_CHILD = (
    "import contextlib, io, resource, sys\n"
    "from xladdin.commands.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    code = main(['check', sys.argv[1], '--format', 'json'])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def measure(path: Path) -> dict[str, object]:
    """One check in a fresh interpreter; the child reports its own peak RSS (KB on Linux)."""
    t = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=600)
    seconds = time.perf_counter() - t
    lines = r.stderr.strip().splitlines()
    return {
        "exit": r.returncode,
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(int(lines[-1]) / 1024) if lines and lines[-1].isdigit() else None,
        "file_mb": round(path.stat().st_size / 1e6, 2),
        "stderr": "\n".join(lines[:-1])[:200],
    }


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        files = build(Path(tmp))
        results = {name: measure(files[name]) for name in ("baseline", "far_cell", "big_cells", "million_rows")}
    print(json.dumps(results, ensure_ascii=False, indent=2))
    return 0 if all(r["exit"] in (0, 1) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
