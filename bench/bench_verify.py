"""What the write path's safety costs: the verification of every write, and the carrying before it.

On the 1,000-project bench workbook (``python bench/generate.py bench/out/projects-1000.xlsx``)
each writing command is run in-process as the CLI runs it, with timers around the parts of
``xladdin.files.writing``: capturing the input's cells (``carry.capture``), openpyxl's save
with the cell writer of ``files.carry``, putting back the parts openpyxl drops
(``carry.carry_parts``) and the verification (``verify.verify``).  The verification's share
is its time over the whole command's time (read, plan, apply, save, carry, verify).

    python bench/bench_verify.py                       # check --mark, format, fill, rollover; best of 3
    python bench/bench_verify.py --commands mark --repeat 5
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT = ROOT / "bench" / "out" / "projects-1000.xlsx"


@contextlib.contextmanager
def timed(owner: Any, name: str, spent: dict[str, float]) -> Iterator[None]:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start
            spent[name + " cpu"] += time.process_time() - cpu

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def _children_cpu() -> float:
    import resource

    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def args_of(command: str, src: Path, out: Path) -> list[str]:
    return {
        "mark": ["check", str(src), "--mark", "-o", str(out)],
        "format": ["format", str(src), "-o", str(out)],
        "fill": ["fill", str(src), "-o", str(out)],
        "rollover": ["rollover", str(src), "--to", "2027", "-o", str(out)],
        "clear": ["clear", str(src), "-o", str(out)],
    }[command]


def once(command: str, src: Path, folder: Path) -> dict[str, float]:
    from xladdin.commands.cli import main
    from xladdin.files import carry, verify, writing

    spent: dict[str, float] = defaultdict(float)
    out = folder / "out.xlsx"
    with contextlib.ExitStack() as stack:
        stack.enter_context(timed(carry, "capture", spent))
        stack.enter_context(timed(carry, "carry_parts", spent))
        stack.enter_context(timed(verify, "verify", spent))
        stack.enter_context(timed(writing, "load_for_edit", spent))
        sink = io.StringIO()
        start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
        with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
            code = main(args_of(command, src, out))
        spent["total"] = time.perf_counter() - start
        # the whole command's CPU, its worker processes (the parallel check) included: a figure the
        # other work on a shared machine does not inflate, as it does wall time
        spent["total cpu"] = time.process_time() - cpu + _children_cpu() - children
    if code not in (0, 1):
        raise SystemExit(f"{command}: exit {code}: {sink.getvalue()[-400:]}")
    out.unlink()
    return dict(spent)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=DEFAULT)
    ap.add_argument("--commands", default="mark,format,fill,rollover")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    if not args.file.exists():
        print(f"{args.file} is missing: python bench/generate.py {args.file}", file=sys.stderr)
        return 2
    print(f"{args.file.name}: {args.file.stat().st_size / 1e6:.1f} MB")
    with tempfile.TemporaryDirectory(prefix="xladdin-bench-verify-") as tmp:
        for command in args.commands.split(","):
            rounds = [once(command, args.file, Path(tmp)) for _ in range(args.repeat)]
            shares = sorted(r["verify cpu"] / r["total cpu"] for r in rounds)
            best = min(rounds, key=lambda r: r["total cpu"])
            print(
                f"{command:9s} whole command {min(r['total'] for r in rounds):6.1f} s wall, "
                f"{best['total cpu']:.1f} s CPU (best of {len(rounds)}); CPU in that run: loading "
                f"{best['load_for_edit cpu']:.1f} s (capturing the cells {best['capture cpu']:.2f} s), carrying parts "
                f"back {best['carry_parts cpu']:.2f} s, verification {best['verify cpu']:.2f} s; "
                f"verification / command (CPU) {shares[0]:.1%}–{shares[-1]:.1%}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
