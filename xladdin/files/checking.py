"""Check a workbook file: read it, run the rules; a large workbook in several processes.

A reviewer's workbook can hold hundreds of project sheets.  The check of one sheet
needs nothing from another (a project is one table; only the ``xladdin设置`` sheet is
shared), so a large workbook is checked in runs of consecutive sheets: every process
(this one and the workers) takes the next run from a shared counter, reads those
sheets from the file itself and checks them, and only the findings travel back.  The
result is the same as the serial check's, in the same order — the tests compare the
two — and the serial check is what runs for small workbooks, in Excel, and whenever
processes cannot be started.
"""

from __future__ import annotations

import gc
import os
import pickle
import queue
import sys
import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from xladdin.check import CheckResult, apply_workbook_rules, check_sheets, chosen_rules, pair_selfevals
from xladdin.conventions import REPORT_SHEET
from xladdin.errors import EarlierOutput, UserError
from xladdin.files.memory import gc_paused
from xladdin.files.sources import Source, open_source
from xladdin.model import SheetData
from xladdin.progress import QUIET, Progress
from xladdin.report import project_json, with_findings
from xladdin.rules import all_rules
from xladdin.settings import SETTINGS_SHEET
from xladdin.toolsheets.report import earlier_output

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
# Runs shrink as the work runs out (a quarter of what is left for two processes, down to
# this many sheets), so the processes finish within a small run of one another; a run
# costs ~0.3–0.6 ms besides its sheets (measured 2026-12-03; smaller runs gained nothing measurable).
MIN_PART = 20


@dataclass
class FileCheck(CheckResult):
    """A file's ``CheckResult``, with what the parallel check worked out on the way.

    ``rendered``: the projects' entries of the JSON report, by table (``ProjectResult.key``), rendered by the
    process that checked them (a worker of a parallel check) so the report is not
    rendered serially at the end; empty when JSON was not asked for.  ``pending``: the
    workbook rules a part leaves to the process that has every part.
    """

    rendered: dict[str, str] = field(default_factory=dict, repr=False, compare=False)  # by ProjectResult.key
    pending: list[str] = field(default_factory=list, repr=False, compare=False)


def check_file(
    path: str | os.PathLike[str],
    select: Sequence[str] | None = None,
    ignore: Sequence[str] | None = None,
    jobs: int | None = None,
    json: bool = False,
    file_settings: bool = True,
    outputs: bool = True,
    progress: Progress = QUIET,
) -> FileCheck:
    """``check_sheets`` of the file's sheets; ``jobs`` processes (None: as many as pay off).

    ``json``: the JSON report will be written, so each part renders its projects' entries
    (``FileCheck.rendered``) in the process that checked them.  ``file_settings``: obey the
    workbook's own rule choice (its ``xladdin设置`` sheet); the result says what it is either way.
    ``outputs`` False: a file an earlier run wrote (a marked copy, a reviewer's report) is not
    checked but refused with ``EarlierOutput`` — a folder of submissions may hold them.
    ``progress``: told the sheets taken so far by every process (a parallel check), or that the
    check runs.

    The result carries findings only (``ProjectResult.project`` is None): what a file
    check reports needs nothing else, and keeping every parsed table alive until the
    report is written would only cost memory and collector time.
    """
    file = str(path)
    opts = _Options(list(select or []), list(ignore or []), json, file_settings)
    with gc_paused():  # until the workbook rules are done too: they make thousands of findings
        try:
            with open_source(path) as reader:
                names = reader.names
                if not outputs:
                    _refuse_earlier_output(reader, names)
                n = workers(len(names), jobs)
                result = _parallel(reader, file, names, opts, n, progress) if n > 1 else None
                if result is None:
                    progress.step(f"检查 {len(names)} 张工作表")
                    result = _check_part(reader, file, None, opts)
                # a 自评表 checked in another part than its 绩效目标表 is compared with it now, from the two sheets
                for key in pair_selfevals(result, reader.read, opts.select, opts.ignore, opts.file_settings):
                    result.rendered.pop(key, None)
        finally:
            progress.clear()
        # the rules that compare tables, now that every part is in; a table they add to is rendered again
        tables = {p.key: p for p in result.projects}
        before = {key: p.findings for key, p in tables.items()}
        for key in apply_workbook_rules(result, result.pending):
            text = result.rendered.pop(key, None)
            if text is not None:
                again = with_findings(text, before[key], tables[key].findings)
                if again is not None:
                    result.rendered[key] = again
    result.pending = []
    return result


def _refuse_earlier_output(reader: Source, names: list[str]) -> None:
    """Raise ``EarlierOutput`` for a file the tool wrote."""
    what = _output_kind(reader, names)
    if what:
        raise EarlierOutput(reader.path.name, what)


def _output_kind(reader: Source, names: list[str]) -> str:
    """``toolsheets.report.earlier_output`` of a file (only its 校验结果 sheet is read to tell)."""
    sheets: dict[str, SheetData | None] = dict.fromkeys(names)
    if REPORT_SHEET in sheets:
        for sh in reader.read([REPORT_SHEET]):
            sheets[REPORT_SHEET] = sh
    return earlier_output(sheets)


def output_kind(path: str | os.PathLike[str]) -> str:
    """What an earlier run of the tool wrote this file as ("" for anything else, also an unreadable file)."""
    try:
        with open_source(path) as reader:
            return _output_kind(reader, reader.names)
    except UserError:
        return ""


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


def part_size(left: int, n: int, floor: int) -> int:
    """How many of the ``left`` sheets the next run takes when ``n`` processes share them.

    Large runs first (few hand-overs), smaller ones as the end nears, so whichever
    process finishes first waits at most one small run for the others.
    """
    return min(left, max(floor, -(-left // (2 * n))))


def _take(bounds: Any, n: int, floor: int, from_end: bool) -> tuple[int, int] | None:
    """The next run [lo, hi) of sheets nobody has taken, or None when all are taken.

    ``bounds`` is a shared array [first untaken, last untaken + 1]: workers take from the
    start, this process from the end, so neither waits for the other's choice.
    """
    with bounds.get_lock():
        lo, hi = bounds[0], bounds[1]
        if lo >= hi:
            return None
        size = part_size(hi - lo, n, floor)
        if from_end:
            bounds[1] = hi - size
            return hi - size, hi
        bounds[0] = lo + size
        return lo, lo + size


def _taken(bounds: Any, total: int) -> int:
    """How many sheets some process has taken (the progress of a parallel check)."""
    with bounds.get_lock():
        return total - max(0, bounds[1] - bounds[0])


def _stop(bounds: Any) -> None:
    """Leave nothing more to take (after an error, the check is over for every process)."""
    with bounds.get_lock():
        bounds[0] = bounds[1]


class _Options(NamedTuple):
    select: list[str]
    ignore: list[str]
    json: bool
    file_settings: bool = True


def _check_part(reader: Source, file: str, names: list[str] | None, opts: _Options) -> FileCheck:
    """Some of the file's sheets — and the settings sheet, which every part obeys — checked;
    every sheet when ``names`` is None.

    The parsed projects are dropped: only findings (and their JSON, when asked for) are
    sent back, and pickled, from a worker.
    """
    wanted = None if names is None else [*names, SETTINGS_SHEET] if SETTINGS_SHEET not in names else names
    sheets = reader.read(wanted)
    checked = check_sheets(file, sheets, opts.select, opts.ignore, part=True, file_settings=opts.file_settings)
    chosen = chosen_rules(sheets, opts.select, opts.ignore, file_settings=opts.file_settings)
    pending = [r.code for r in chosen if r.scope == "workbook"]
    result = FileCheck(
        file,
        checked.projects,
        checked.other,
        settings=checked.settings,
        file_settings=checked.file_settings,
        pending=pending,
    )
    result.sheets = checked.sheets  # what the workbook rules read from the other sheets of this part
    for p in result.projects:
        p.project = None
        if opts.json:
            result.rendered[p.key] = project_json(p)
    return result


def _work(file: str, names: list[str], opts: _Options, bounds: Any, n: int, floor: int, conn: Any) -> None:
    """A worker process: take runs from the start until none are left, sending each run's result.

    Each result is pickled here as soon as its run is done and handed to a sending thread,
    which waits on the pipe while this process goes on checking: the main process reads
    between its own runs, so at the end only the last small run is still to pickle, send and
    unpickle (sending everything at the end put 2–3 MB of pickling on the critical path).
    Any error stops the whole check and travels back to be raised there; a worker that dies
    sends no more, and the runs it took but did not send are checked again by the main process.
    """
    gc.disable()  # see gc_paused; never switched back on: this process ends with the check
    outbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def send() -> None:
        while (data := outbox.get()) is not None:
            try:
                conn.send_bytes(data)
            except OSError:  # the main process is gone or stopped listening: nothing to tell
                return

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        with open_source(file) as reader:
            while (part := _take(bounds, n, floor, from_end=False)) is not None:
                lo, hi = part
                result = _check_part(reader, file, names[lo:hi], opts)
                outbox.put(pickle.dumps(("run", lo, hi, result), pickle.HIGHEST_PROTOCOL))
        outbox.put(pickle.dumps(("ok",), pickle.HIGHEST_PROTOCOL))
    except BaseException as exc:  # reported to the main process, which raises it
        _stop(bounds)
        # an error that cannot be pickled is not sent: the main process sees nothing and redoes the runs
        with suppress(Exception):
            outbox.put(pickle.dumps(("error", exc), pickle.HIGHEST_PROTOCOL))
    finally:
        outbox.put(None)
        sender.join()
        conn.close()


def _receive(conn: Any, done: dict[int, tuple[int, FileCheck]], wait: bool) -> tuple[bool, BaseException | None]:
    """Take a worker's messages off its pipe into ``done``: those waiting (``wait`` False), or all
    up to its last (``wait`` True). (finished, its error): finished when the worker said it
    was done or failed, or died (its pipe at its end)."""
    while wait or conn.poll():
        try:
            msg = pickle.loads(conn.recv_bytes())
        except Exception:  # the worker died (or its error could not be unpickled)
            return True, None
        if msg[0] == "run":
            _, lo, hi, result = msg
            done[lo] = (hi, result)
        elif msg[0] == "error":
            return True, msg[1]
        else:
            return True, None
    return False, None


def _parallel(
    reader: Source, file: str, names: list[str], opts: _Options, n: int, progress: Progress = QUIET
) -> FileCheck | None:
    """The check in ``n`` processes — this one and ``n - 1`` workers — or None when no worker can start.

    Every process takes the next run of sheets from a shared counter as soon as it is
    free (runs shrink towards the end), so a process on a busy core simply does fewer
    runs and all of them finish within a small run of one another.  Workers are
    started before anything else happens here and no thread of ours runs meanwhile (a
    fork while another thread holds a lock can leave the child waiting forever).  The
    results are put back in sheet order; runs of a worker that died are checked here.
    """
    import multiprocessing

    method = _start_method()
    ctx: Any = multiprocessing.get_context(method)
    if method == "fork":
        # Import the rules (and the engine they use, ~80 ms) before forking, so the workers
        # inherit them instead of each importing them again; a spawned worker imports anyway.

        all_rules()
    floor = max(1, min(MIN_PART, len(names) // (4 * n)))
    try:
        bounds = ctx.Array("i", [0, len(names)])
    except Exception:  # no shared memory or semaphores here (some sandboxes)
        return None
    procs: list[Any] = []
    conns: list[Any] = []
    finished = False
    try:
        for _ in range(n - 1):
            receiver, sender = ctx.Pipe(duplex=False)
            proc = ctx.Process(target=_work, args=(file, names, opts, bounds, n, floor, sender), daemon=True)
            try:
                proc.start()
            except Exception:  # no process could be started (limits, sandbox, frozen app)
                receiver.close()
                break
            finally:
                sender.close()  # the worker's copy is the only one: its end shows as EOF here
            procs.append(proc)
            conns.append(receiver)
        if not procs:
            return None
        done: dict[int, tuple[int, FileCheck]] = {}
        listening = list(conns)  # the workers that have not said their last
        error: BaseException | None = None

        def receive(wait: bool) -> None:
            nonlocal error
            for conn in list(listening):
                over, err = _receive(conn, done, wait)
                if over:
                    listening.remove(conn)
                error = error or err

        while (part := _take(bounds, n, floor, from_end=True)) is not None:
            lo, hi = part
            progress.step("检查工作表", _taken(bounds, len(names)), len(names))
            done[lo] = (hi, _check_part(reader, file, names[lo:hi], opts))
            receive(wait=False)  # the workers' runs done meanwhile, unpickled while they go on
        progress.step("检查工作表", len(names), len(names))
        receive(wait=True)
        if error is not None:
            raise error
        results: list[FileCheck] = []
        pos = 0
        for lo in sorted(done):
            if lo > pos:  # taken by a worker that died
                results.append(_check_part(reader, file, names[pos:lo], opts))
            hi, res = done[lo]
            results.append(res)
            pos = hi
        if pos < len(names):
            results.append(_check_part(reader, file, names[pos:], opts))
        finished = True
    finally:
        _stop(bounds)
        for conn in conns:
            conn.close()
        for proc in procs:
            if not finished:
                proc.terminate()  # an error ends the check: nobody waits for the rest
            proc.join()
    return _merge(file, results)


def _merge(file: str, results: list[FileCheck]) -> FileCheck:
    projects = [p for r in results for p in r.projects]
    other: list[Any] = [f for r in results for f in r.other]
    first = results[0] if results else FileCheck(file, [])
    # every part reads the settings sheet and obeys it alike
    merged = FileCheck(file, projects, other, settings=first.settings, file_settings=first.file_settings)
    merged.sheets = [s for r in results for s in r.sheets]  # a 项目汇总, a standards sheet: read by one part
    for r in results:
        merged.rendered.update(r.rendered)
    merged.pending = first.pending
    return merged
