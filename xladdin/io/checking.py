"""Check a workbook file: read it, run the rules; a large workbook in several processes.

A reviewer's workbook can hold hundreds of project sheets.  The check of one sheet
needs nothing from another (a project is one table; only the ``xladdin设置`` sheet is
shared), so a large workbook is split into runs of consecutive sheets, each worker
process reads its own sheets from the file and checks them, and only the findings
travel back.  The result is the same as the serial check's, in the same order — the
tests compare the two — and the serial check is what runs for small workbooks, in
Excel, and whenever processes cannot be started.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from xladdin.check import CheckResult, check_sheets
from xladdin.errors import UserError
from xladdin.io.xlsx import read_sheets, worksheet_names
from xladdin.settings import SETTINGS_SHEET

# Below this many worksheets starting processes costs more than it saves (a fork is
# ~20 ms, a spawned Windows worker ~0.3 s of imports; one project sheet is ~2 ms).
PARALLEL_MIN_SHEETS = 150
SHEETS_PER_WORKER = 75  # no worker is started for fewer sheets than this
MAX_WORKERS = 8


def check_file(
    path: str | os.PathLike[str],
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """``check_sheets`` of the file's sheets; ``jobs`` processes (None: as many as pay off)."""
    file = str(path)
    names = worksheet_names(path)
    n = workers(len(names), jobs)
    if n > 1:
        result = _parallel(file, names, list(select or []), list(ignore or []), n)
        if result is not None:
            return result
    with gc_paused():
        return check_sheets(file, read_sheets(path), list(select or []), list(ignore or []))


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a workbook is read and checked.

    A check allocates hundreds of thousands of small objects that live until it ends
    (cells, fields, findings), so the collector keeps running and re-walking them — 7%
    of a large check — while finding next to nothing: the core leaves no reference
    cycles behind (tests/test_checking.py counts them).  Reference counting still frees
    everything as usual; the collector is switched back on afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def workers(n_sheets: int, jobs: int | None = None) -> int:
    """How many processes check ``n_sheets`` sheets: ``jobs`` when given, else what the machine and size allow."""
    if jobs is not None:
        return max(1, min(jobs, n_sheets))
    if n_sheets < PARALLEL_MIN_SHEETS:
        return 1
    return max(1, min(_cpus(), MAX_WORKERS, n_sheets // SHEETS_PER_WORKER))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # the CPUs this process may use (containers, taskset)
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def chunks(names: Sequence[str], n: int) -> list[list[str]]:
    """``names`` cut into ``n`` runs of consecutive sheets of nearly equal length, in order."""
    size, extra = divmod(len(names), n)
    out: list[list[str]] = []
    start = 0
    for i in range(n):
        end = start + size + (1 if i < extra else 0)
        if end > start:
            out.append(list(names[start:end]))
        start = end
    return out


def _check_chunk(file: str, names: list[str], select: list[str], ignore: list[str]) -> CheckResult:
    """A worker's part: its sheets (and the settings sheet, which every part obeys), checked.

    The parsed projects stay in the worker: only findings are sent back.
    """
    wanted = [*names, SETTINGS_SHEET] if SETTINGS_SHEET not in names else names
    with gc_paused():
        result = check_sheets(file, read_sheets(file, wanted), select, ignore)
    for p in result.projects:
        p.project = None
    return result


def _parallel(file: str, names: list[str], select: list[str], ignore: list[str], n: int) -> CheckResult | None:
    """The check in ``n`` processes — this one and ``n - 1`` workers — or None when workers cannot start.

    This process checks the first part itself while the workers check the others: it
    would only wait otherwise, and its own part needs no pickling.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork where it is safe and cheap (Linux); elsewhere the platform's default (spawn).
    method = "fork" if sys.platform.startswith("linux") else None
    parts = chunks(names, n)
    try:
        with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context(method)) as pool:
            futures = [pool.submit(_check_chunk, file, c, select, ignore) for c in parts[1:]]
            own = _check_chunk(file, parts[0], select, ignore)
            results = [own, *(f.result() for f in futures)]
    except UserError:
        raise
    except (OSError, BrokenProcessPool, RuntimeError, ImportError, NotImplementedError):
        return None  # no processes here (sandbox, frozen app, low memory): the serial check gives the same result
    return _merge(file, results)


def _merge(file: str, results: list[CheckResult]) -> CheckResult:
    projects = [p for r in results for p in r.projects]
    other: list[Any] = [f for r in results for f in r.other]
    return CheckResult(file=file, projects=projects, other=other)
