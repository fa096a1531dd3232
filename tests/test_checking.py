"""The file check in several processes gives the serial check's result, in the same order."""

from __future__ import annotations

import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.errors import UserError
from xladdin.files.checking import PARALLEL_MIN_SHEETS, check_file, part_size, workers
from xladdin.report import to_json
from xladdin.settings import SETTINGS_SHEET

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Fourteen projects, a sheet that is no table in the middle, the settings sheet near the
    end, and a copy of the first table at the end (HDR006 compares tables across parts)."""
    path = generate(tmp_path_factory.mktemp("par") / "g.xlsx", 14, seed=11)
    wb = load_workbook(path)
    wb.copy_worksheet(wb.worksheets[0]).title = "复制的表"
    wb.create_sheet("说明", 5)["A1"] = "本工作簿由测试生成"
    settings = wb.create_sheet(SETTINGS_SHEET, 12)
    settings.append(["忽略规则", "VAL004"])
    settings.sheet_state = "hidden"
    wb.save(path)
    return path


def _sizes(total: int, n: int, floor: int) -> list[int]:
    out, left = [], total
    while left:
        out.append(part_size(left, n, floor))
        left -= out[-1]
    return out


def test_runs_shrink_towards_the_end() -> None:
    sizes = _sizes(1000, 2, 20)
    assert sum(sizes) == 1000 and sizes[0] == 250  # a quarter of what is left, for two processes
    assert sizes == sorted(sizes, reverse=True) and min(sizes[:-1]) == 20 and sizes[-1] <= 20
    assert len(sizes) < 20  # few hand-overs: each run costs a little besides its sheets
    assert _sizes(5, 3, 1) == [1, 1, 1, 1, 1] and _sizes(16, 2, 2) == [4, 3, 3, 2, 2, 2]
    assert _sizes(1, 8, 20) == [1]


def test_workers_only_for_large_workbooks(monkeypatch: pytest.MonkeyPatch) -> None:
    import xladdin.files.checking as checking

    monkeypatch.setattr(checking, "START_METHOD", "fork")
    assert workers(6) == 1
    assert workers(PARALLEL_MIN_SHEETS - 1) == 1
    assert workers(6, jobs=3) == 3 and workers(2, jobs=8) == 2 and workers(500, jobs=1) == 1
    # where workers are spawned (Windows), each costs ~0.4 s to start: only for much larger workbooks
    monkeypatch.setattr(checking, "START_METHOD", "spawn")
    assert workers(500) == 1 and workers(500, jobs=2) == 2
    assert workers(checking.PARALLEL_MIN_SHEETS_SPAWNED) == min(checking._cpus(), checking.MAX_WORKERS)


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_parallel_equals_serial(big: Path, jobs: int) -> None:
    serial = check_file(big, jobs=1)
    parallel = check_file(big, jobs=jobs)
    assert to_json(parallel) == to_json(serial)
    assert [p.sheet for p in parallel.projects] == [p.sheet for p in serial.projects]
    # the workbook's own choice reached every worker, not only the one holding xladdin设置
    assert serial.findings and not any(f.rule == "VAL004" for f in parallel.findings)
    assert [f.sheet for f in parallel.other] == ["说明"]
    # a rule comparing tables sees every part's tables, once
    assert [(f.sheet, f.cell) for f in parallel.findings if f.rule == "HDR006"] == [("复制的表", "C4")]


def test_parallel_honours_the_command_line_choice(big: Path) -> None:
    serial = check_file(big, select=["TIME", "NARR"], ignore=["NARR006"], jobs=1)
    parallel = check_file(big, select=["TIME", "NARR"], ignore=["NARR006"], jobs=4)
    assert to_json(parallel) == to_json(serial)
    assert {f.rule[:4] for f in parallel.findings if f.rule != "SHEET001"} <= {"TIME", "NARR"}
    assert not any(f.rule == "HDR006" for f in check_file(big, ignore=["HDR006"], jobs=3).findings)


def test_a_broken_sheet_in_a_worker_is_the_users_message(big: Path, tmp_path: Path) -> None:
    broken = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(big) as src, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet9.xml":
                data = data[: len(data) // 2]  # cut in the middle of a row
            dst.writestr(info, data)
    with pytest.raises(UserError) as serial:
        check_file(broken, jobs=1)
    with pytest.raises(UserError) as parallel:
        check_file(broken, jobs=3)
    assert parallel.value.message == serial.value.message
    assert parallel.value.exit_code == serial.value.exit_code == 2


def test_cli_jobs(big: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(big), "--format", "json", "--jobs", "1"]) in (0, 1)
    one = capsys.readouterr().out
    assert main(["check", str(big), "--format", "json", "-j", "3"]) in (0, 1)
    assert capsys.readouterr().out == one
    assert main(["check", str(big), "--jobs", "0"]) == 2
    err = capsys.readouterr().err
    assert "--jobs" in err and "Traceback" not in err


def test_a_check_leaves_no_reference_cycles(big: Path) -> None:
    """The file check runs with the cyclic GC paused; that is only sound while the core makes no cycles."""
    import gc

    from xladdin.check import check_sheets
    from xladdin.files.sources import read_sheets

    check_sheets(str(big), read_sheets(big))  # imports, memo tables and compiled patterns
    gc.collect()
    gc.disable()
    try:
        check_sheets(str(big), read_sheets(big))
        garbage = gc.collect()
    finally:
        gc.enable()
    assert garbage < 100, f"{garbage} objects in cycles after checking 14 projects"


def test_the_collector_is_back_on_after_a_check(big: Path) -> None:
    import gc

    check_file(big, jobs=1)
    assert gc.isenabled()
    with pytest.raises(UserError):
        check_file(big.parent / "missing.xlsx", jobs=1)
    assert gc.isenabled()


def test_what_outlived_the_pause_is_not_walked_when_the_collector_comes_back() -> None:
    """Objects made while the collector was paused are handed to its oldest generation, so the
    first allocation afterwards does not set off a walk over all of them (the serial tail of a
    large check); objects frozen by someone else stay frozen, and nothing of ours stays frozen."""
    import gc

    from xladdin.files.memory import gc_paused

    runs: list[str] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(phase)

    gc.collect()
    gc.callbacks.append(seen)
    try:
        with gc_paused():
            kept = [[i] for i in range(200_000)]
            runs.clear()
        after = [[i] for i in range(100)]  # far below the collector's threshold of 700
    finally:
        gc.callbacks.remove(seen)
    assert gc.isenabled()
    assert runs == [], "the collector walked what the pause left behind"
    assert gc.get_freeze_count() == 0
    assert kept[-1] == [199_999] and after

    gc.freeze()  # a host that froze its objects before forking workers
    frozen = gc.get_freeze_count()
    try:
        with gc_paused():
            more = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == frozen
        assert gc.isenabled() and more
    finally:
        gc.unfreeze()


def test_no_worker_can_start(big: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    """A machine that refuses new processes (sandbox, limits) gets the same result from this process."""
    from multiprocessing.process import BaseProcess

    def refuse(*args: object, **kwargs: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    serial = to_json(check_file(big, jobs=1))
    monkeypatch.setattr(BaseProcess, "start", refuse)
    assert to_json(check_file(big, jobs=3)) == serial
    assert "Traceback" not in capfd.readouterr().err


def _dying_part(*args: Any) -> Any:
    """In a worker, die at once (as an out-of-memory kill would); here, check as usual."""
    import os

    from xladdin.files import checking

    if os.getpid() != checking.__dict__["_main_pid"]:
        os._exit(3)
    return checking.__dict__["_original_check_part"](*args)


def test_a_worker_that_dies_costs_nothing_but_time(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs a dead worker took are checked by this process: the same result, no hang, no traceback."""
    import os

    import xladdin.files.checking as checking

    serial = to_json(check_file(big, jobs=1))
    monkeypatch.setitem(checking.__dict__, "_main_pid", os.getpid())
    monkeypatch.setitem(checking.__dict__, "_original_check_part", checking._check_part)
    monkeypatch.setattr(checking, "_check_part", _dying_part)
    monkeypatch.setattr(checking, "START_METHOD", "fork")
    assert to_json(check_file(big, jobs=3)) == serial


_SEEN: list[int] = []  # pids that ran _recording_part in this process (a worker's own list is its own)


def _recording_part(*args: Any) -> Any:
    """Record the run; here (not in a worker) take a while, so that the worker surely gets runs too."""
    import os
    import time

    from xladdin.files import checking

    _SEEN.append(os.getpid())
    if os.getpid() == checking.__dict__["_main_pid"]:
        time.sleep(checking.__dict__["_delay"])
    return checking.__dict__["_original_check_part"](*args)


def _record(monkeypatch: pytest.MonkeyPatch, delay: float) -> None:
    import os

    import xladdin.files.checking as checking

    monkeypatch.setitem(checking.__dict__, "_main_pid", os.getpid())
    monkeypatch.setitem(checking.__dict__, "_delay", delay)
    monkeypatch.setitem(checking.__dict__, "_original_check_part", checking._check_part)
    monkeypatch.setattr(checking, "_check_part", _recording_part)
    _SEEN.clear()


def test_every_process_takes_part(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The runs are shared out as the processes are free: this process checks some, the worker the others."""
    import xladdin.files.checking as checking

    monkeypatch.setattr(checking, "START_METHOD", "fork")
    _record(monkeypatch, 0.05)
    result = check_file(big, jobs=2)
    runs = len(_sizes(16, 2, 2))  # 14 projects, 说明 and the settings sheet
    assert 0 < len(_SEEN) < runs  # some runs here, the rest in the worker
    assert to_json(result) == to_json(check_file(big, jobs=1))


def test_workers_started_the_windows_way(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fork: a spawned worker imports xladdin afresh and must give the same result."""
    import xladdin.files.checking as checking

    serial = to_json(check_file(big, jobs=1))
    monkeypatch.setattr(checking, "START_METHOD", "spawn")
    _record(monkeypatch, 0.4)  # a spawned worker needs ~0.5 s before it takes its first run
    assert to_json(check_file(big, jobs=2)) == serial
    assert 0 < len(_SEEN) < len(_sizes(16, 2, 2))


def test_many_parallel_checks_in_a_row_never_hang(big: Path) -> None:
    """Workers were once forked from a feeder thread while this one was busy; a worker could
    then wait forever for a part (about one check in a hundred). Now workers are started
    before anything else and no thread of ours runs. A subprocess with a deadline turns a
    hang into a failure."""
    import subprocess

    code = (
        "import sys; from xladdin.files.checking import check_file; from xladdin.report import to_json\n"
        f"p = {str(big)!r}; ref = to_json(check_file(p, jobs=1))\n"
        "for i in range(150):\n"
        "    assert to_json(check_file(p, jobs=2 + i % 3)) == ref, i\n"
        "print('ok')\n"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=240)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]
