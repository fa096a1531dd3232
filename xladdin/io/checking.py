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

# How workers start: fork where it is safe and cheap (Linux), elsewhere the platform's
# default — spawn on Windows, where a worker first imports xladdin (~0.3–0.5 s) before it
# checks anything.  Tests set "spawn" to run the Windows way.
START_METHOD: str | None = None
# Below this many worksheets starting processes costs more than it saves: a forked
# worker is ready in ~20 ms, a spawned one in ~0.4 s, and one project sheet takes
# ~1.5 ms — so a spawned worker pays off only for checks that take well over a second.
PARALLEL_MIN_SHEETS = 150
PARALLEL_MIN_SHEETS_SPAWNED = 800
SHEETS_PER_WORKER = 75  # no worker is started for fewer sheets than this
MAX_WORKERS = 8
PARTS_PER_PROCESS = 3  # finer parts balance better; each part costs one more opening of the file (~10 ms)


def check_file(
    path: str | os.PathLike[str],
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    jobs: int | None = None,
) -> CheckResult:
    """``check_sheets`` of the file's sheets; ``jobs`` processes (None: as many as pay off).

    The result carries findings only (``ProjectResult.project`` is None): what a file
    check reports needs nothing else, and keeping every parsed table alive until the
    report is written would only cost memory and collector time.
    """
    file = str(path)
    names = worksheet_names(path)
    n = workers(len(names), jobs)
    if n > 1:
        result = _parallel(file, names, list(select or []), list(ignore or []), n)
        if result is not None:
            return result
    return _check_chunk(file, None, list(select or []), list(ignore or []))


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
    if n_sheets < (PARALLEL_MIN_SHEETS if _start_method() == "fork" else PARALLEL_MIN_SHEETS_SPAWNED):
        return 1
    return max(1, min(_cpus(), MAX_WORKERS, n_sheets // SHEETS_PER_WORKER))


def _start_method() -> str | None:
    """ "fork" on Linux, else None: the platform's default (spawn on Windows and macOS)."""
    return START_METHOD or ("fork" if sys.platform.startswith("linux") else None)


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


def _check_chunk(file: str, names: list[str] | None, select: list[str], ignore: list[str]) -> CheckResult:
    """One part of the file — its sheets (and the settings sheet, which every part obeys) — checked;
    every sheet when ``names`` is None.

    The parsed projects are dropped: only findings are sent back (and pickled, in a worker).
    """
    wanted = None if names is None else [*names, SETTINGS_SHEET] if SETTINGS_SHEET not in names else names
    with gc_paused():
        result = check_sheets(file, read_sheets(file, wanted), select, ignore)
    for p in result.projects:
        p.project = None
    return result


def _parallel(file: str, names: list[str], select: list[str], ignore: list[str], n: int) -> CheckResult | None:
    """The check in ``n`` processes — this one and ``n - 1`` workers — or None when workers cannot start.

    The sheets are cut into ``PARTS_PER_PROCESS`` parts per process.  A feeder thread
    hands each worker the next part from the start whenever it has none; this process
    takes parts from the end.  A process that runs slower (a busy core on a shared
    machine) simply does fewer parts.  The results are put back in sheet order.
    """
    import multiprocessing
    import threading
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    method = _start_method()
    parts = chunks(names, n * PARTS_PER_PROCESS)
    results: list[CheckResult | None] = [None] * len(parts)
    futures: dict[int, Future[CheckResult]] = {}
    lock = threading.Lock()
    bounds = [0, len(parts)]  # parts [lo, hi) are nobody's yet
    stop = threading.Event()

    def take(first: bool) -> int | None:
        with lock:
            if bounds[0] >= bounds[1]:
                return None
            if first:
                bounds[0] += 1
                return bounds[0] - 1
            bounds[1] -= 1
            return bounds[1]

    def hand_out(pool: ProcessPoolExecutor, running: set[Future[CheckResult]]) -> None:
        """Give every free worker the next part from the start."""
        while len(running) < n - 1 and not stop.is_set() and (i := take(first=True)) is not None:
            try:
                futures[i] = pool.submit(_check_chunk, file, parts[i], select, ignore)
            except Exception:  # shut down, broken, or no process could be started (OSError)
                stop.set()  # this process checks part i and the rest itself
                return
            running.add(futures[i])

    def feed(pool: ProcessPoolExecutor, running: set[Future[CheckResult]]) -> None:
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            if any(f.exception() is not None for f in done):
                stop.set()  # the error is raised below, when that part's result is asked for
            hand_out(pool, running)

    # The feeder and the pool's own thread wait for the GIL while this thread checks; with
    # the default 5 ms switch interval each hand-over to a worker took ~50 ms of its time.
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, 0.0005))
    try:
        with ProcessPoolExecutor(n - 1, mp_context=multiprocessing.get_context(method)) as pool:
            # The first parts are handed out here, before any other thread of ours runs: with
            # fork the pool starts its workers at the first submit, and forking while this
            # thread is busy (holding, say, an import lock) can leave a worker deadlocked.
            running: set[Future[CheckResult]] = set()
            hand_out(pool, running)
            feeder = threading.Thread(target=feed, args=(pool, running), daemon=True)
            feeder.start()
            try:
                while (i := take(first=False)) is not None:
                    results[i] = _check_chunk(file, parts[i], select, ignore)
            finally:
                stop.set()
                feeder.join()
            for i in range(len(parts)):
                if results[i] is None:
                    results[i] = futures[i].result() if i in futures else _check_chunk(file, parts[i], select, ignore)
    except UserError:
        raise
    except (OSError, BrokenProcessPool, RuntimeError, ImportError, NotImplementedError):
        return None  # no processes here (sandbox, frozen app, low memory): the serial check gives the same result
    finally:
        sys.setswitchinterval(interval)
    return _merge(file, [r for r in results if r is not None])


def _merge(file: str, results: list[CheckResult]) -> CheckResult:
    projects = [p for r in results for p in r.projects]
    other: list[Any] = [f for r in results for f in r.other]
    return CheckResult(file=file, projects=projects, other=other)
