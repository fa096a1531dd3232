"""The bounded pool of worker processes: at most N jobs at once, each with a time limit.

Every job runs in a process of its own, started for it and ended with it: a huge or
hostile workbook can take that process's time and memory, never the server's, and when
its time is up the process (and anything it started, such as LibreOffice) is killed
while the other jobs go on.  Jobs beyond N wait their turn; beyond ``max_queue``
waiting, new ones are turned away with a message rather than piling up.

Processes are started by a fork server on Linux (a clean process that imported
xladdin once, so a job starts in milliseconds and never inherits the server's threads
or sockets) and spawned elsewhere (Windows: ~0.5 s per job to import xladdin).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from xladdin.errors import UserError

PRELOAD = ["xladdin.web.work"]


class JobFailed(UserError):
    """A job that ended without a result: its time ran out, or its process died."""


class Busy(UserError):
    """Too many jobs are waiting."""


def _context() -> Any:
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


def _child(fn: Callable[..., Any], args: tuple[Any, ...], conn: Any) -> None:
    """In the job's process: run ``fn`` and send ("ok", result) or ("user", message) or ("bug", text)."""
    if hasattr(os, "setsid"):
        os.setsid()  # its own process group: a timeout kills LibreOffice with it
    try:
        conn.send(("ok", fn(*args)))
    except UserError as exc:
        conn.send(("user", exc.message))
    except BaseException as exc:  # a bug of ours: the server logs it, the page says it plainly
        conn.send(("bug", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


class JobPool:
    def __init__(self, size: int, timeout: float, max_queue: int = 200) -> None:
        self.size = size
        self.timeout = timeout
        self.max_queue = max_queue
        self._slots: asyncio.Semaphore | None = None
        self._waiting = 0
        self._running: set[Any] = set()
        self._ctx = _context()
        # one waiting thread per running job (asyncio's default executor has only cores + 4)
        self._threads = ThreadPoolExecutor(max_workers=size, thread_name_prefix="xladdin-job")

    @property
    def waiting(self) -> int:
        return self._waiting

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float | None = None) -> Any:
        """``fn(*args)`` in a worker process; its result, or a ``UserError`` with a Chinese message."""
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.size)
        if self._waiting >= self.max_queue:
            raise Busy("服务器正忙（排队的任务太多），请过几分钟再试。")
        self._waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
        slots = self._slots
        try:
            loop = asyncio.get_running_loop()
            fut = loop.run_in_executor(self._threads, self._run_blocking, fn, args, timeout or self.timeout)
        except BaseException:
            slots.release()
            raise
        # the slot is free when the job's process has ended, not when a client stops waiting for it
        fut.add_done_callback(lambda _f: slots.release())
        return await asyncio.shield(fut)

    def _run_blocking(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        receiver, sender = self._ctx.Pipe(duplex=False)
        proc = self._ctx.Process(target=_child, args=(fn, args, sender), daemon=True)
        proc.start()
        sender.close()
        self._running.add(proc)
        try:
            if not receiver.poll(timeout):
                _kill(proc)
                raise JobFailed(
                    f"处理超时（超过{timeout:.0f}秒），已停止。工作簿可能过大或内容异常；"
                    "请检查文件，或请管理员调大 --job-timeout。"
                )
            try:
                kind, value = receiver.recv()
            except (EOFError, OSError):
                raise JobFailed(
                    "处理该文件的进程意外退出（可能是内存不足或文件内容异常），请检查文件后再试。"
                ) from None
        finally:
            receiver.close()
            proc.join(5)
            if proc.is_alive():
                _kill(proc)
            self._running.discard(proc)
        if kind == "ok":
            return value
        if kind == "user":
            raise UserError(value)
        raise RuntimeError(value)

    def stop(self) -> None:
        """Kill every job still running (the server is shutting down)."""
        for proc in list(self._running):
            _kill(proc)
        self._threads.shutdown(wait=False, cancel_futures=True)


def _kill(proc: Any) -> None:
    if proc.pid is None:
        return
    try:
        if hasattr(os, "killpg"):
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    except (ProcessLookupError, PermissionError, OSError):
        proc.kill()
    proc.join(5)
