"""What the command line writes, and how, on every console it meets — Chinese Windows first.

* **Text never crashes on a character.**  Python writes to a redirected or piped stdout in
  the console's code page (cp936 on Chinese Windows; ``PYTHONIOENCODING=gbk`` does the same
  anywhere), and by default a character that code page lacks (“•”, “🙂”, a rare 生僻字 in a
  project name) ends the run with ``UnicodeEncodeError`` — after half the report, and before
  a marked file was written.  ``setup_streams`` makes both streams replace such a character
  (with “?”) instead; a console that speaks UTF-8 shows every character as before.
* **JSON is always UTF-8**: a JSON reader assumes UTF-8 (RFC 8259), so ``write_report``
  writes the bytes itself — to stdout's byte stream whatever the code page, or to
  ``--output-file`` (atomically, a temporary file renamed).  Text reports go to
  ``--output-file`` in UTF-8 as well; on the console they stay in its code page.
* **Long runs show progress** (``ProgressLine``): one line on stderr, rewritten in place,
  when stderr is a terminal or ``--progress`` asks; never in JSON mode.  No dependency
  (tqdm or rich would add a package to the offline Windows bundle for one line of text),
  and only characters every code page has besides the verb's own Chinese words.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import tempfile
import threading
import time
import unicodedata
from pathlib import Path
from typing import Any, TextIO

from xladdin.errors import UserError
from xladdin.progress import QUIET, Progress


def setup_streams() -> None:
    """stdout and stderr replace what their encoding cannot show instead of raising."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:
            continue
        with contextlib.suppress(ValueError, io.UnsupportedOperation):  # a stream that cannot change
            reconfigure(errors="replace")


def write_report(text: str, output_file: str | None, json: bool) -> None:
    """A command's report: to ``output_file`` (UTF-8, atomically) or to stdout (JSON as UTF-8 bytes)."""
    if not text.endswith("\n"):
        text += "\n"
    if output_file:
        write_utf8_file(Path(output_file), text)
        return
    if json:
        write_utf8_stdout(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def write_utf8_stdout(text: str) -> None:
    """``text`` as UTF-8 bytes on stdout, whatever the console's code page."""
    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:  # a text-only stream (a test's StringIO): it holds text, not bytes
        sys.stdout.write(text)
        return
    buffer.write(text.encode("utf-8", errors="surrogateescape"))
    buffer.flush()


def write_utf8_file(path: Path, text: str) -> None:
    """A report file in UTF-8: written beside its place and renamed, so it is whole or absent."""
    if path.is_dir():
        raise UserError(f"--output-file 给出的 {path} 是一个文件夹，请给出文件名，例如 {path / '结果.json'}。")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.exists():
        raise UserError(f"输出文件夹不存在：{folder}。请先创建该文件夹，或换一个输出路径。")
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        raise UserError(f"--output-file 写的是文字报告，不能写到工作簿 {path.name} 上。请换一个文件名，例如 结果.txt。")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8", errors="surrogateescape"))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except PermissionError:
        raise UserError(f"无法写入 {path}：没有权限或文件正被其他程序打开。请关闭该文件或换一个输出路径。") from None


def brief_list(names: list[str], limit: int = 3) -> str:
    """A few names for a sentence: all of them when few, else the first ones and “等”.

    A message that lists every sheet of a 1,000-project workbook is one line of
    12,000 characters; a count and a few names say the same.
    """
    if len(names) <= limit + 1:
        return "、".join(names)
    return "、".join(names[:limit]) + " 等"


def brief_groups(lines: list[str], limit: int = 40) -> tuple[list[str], int]:
    """The first whole groups of a report (a “【表名】” line and the lines under it) within ``limit`` lines,
    and how many groups were left out.

    ``fill`` on 1,000 projects lists some 2,700 changes in 3,500 lines, which no one reads on
    a console; every change is in the 填充记录 sheet as well, so the console shows the first
    projects and says where the rest is.
    """
    groups: list[list[str]] = []
    for line in lines:
        if line.startswith("【") or not groups:
            groups.append([])
        groups[-1].append(line)
    kept: list[str] = []
    for i, group in enumerate(groups):
        if kept and len(kept) + len(group) > limit:
            return kept, len(groups) - i
        kept += group
    return kept, 0


# --------------------------------------------------------------------------- progress


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, columns: int) -> str:
    """``text`` cut to ``columns`` display columns (a line that wraps cannot be rewritten in place)."""
    out, width = [], 0
    for ch in text:
        w = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        if width + w > columns:
            break
        out.append(ch)
        width += w
    return "".join(out)


class ProgressLine(Progress):
    """One line on stderr saying what a long run is doing: “统一格式：写入工作表 340/1000（12秒）”, “统一格式：保存…”.

    On a terminal the line is rewritten in place (carriage return, padded with spaces to
    the previous line's width: no escape sequence, which an old Windows console would
    print as text), at most ten times a second, and taken away by ``clear``.  Elsewhere
    (``--progress`` into a file or a pipe) a line is written when the step changes and
    at most every ``every`` seconds, so a log shows the run without thousands of lines.

    A step without a count (openpyxl reading or saving 1,000 sheets, LibreOffice printing)
    can last minutes with nothing calling ``step``; on a terminal a small thread then shows
    the clock going on (“校验：保存…（95秒）”) once the step has lasted ``tick_after``
    seconds, so a working run never looks stuck.
    """

    def __init__(self, verb: str, stream: TextIO | None = None, every: float = 5.0, tick_after: float = 3.0) -> None:
        self.verb = verb
        self.stream = stream if stream is not None else sys.stderr
        self.live = _isatty(self.stream)
        self.every = every if not self.live else 0.1
        self.tick_after = tick_after
        self.start = time.monotonic()
        self.last_time = -1e9
        self.last_what = ""
        self.last_total = 0
        self.step_start = self.start
        self.shown = 0  # display width of the line on the terminal now (0: none)
        self._lock = threading.Lock()
        self._ticker: threading.Thread | None = None

    def text(self, what: str, done: int, total: int) -> str:
        """The line: the verb, the step, and n/N with the time so far when the step is counted."""
        if not total:
            return f"{self.verb}：{what}…"
        return f"{self.verb}：{what} {done}/{total}（{self._seconds()}秒）"

    def _seconds(self) -> str:
        return f"{time.monotonic() - self.start:.0f}"

    def step(self, what: str, done: int = 0, total: int = 0) -> None:
        with self._lock:
            now = time.monotonic()
            changed = what != self.last_what
            if not changed and now - self.last_time < self.every and done != total:
                return
            if changed:
                self.step_start = now
            self.last_time, self.last_what, self.last_total = now, what, total
            self._draw(self.text(what, done, total))
            if self.live and not total and self._ticker is None:
                self._ticker = threading.Thread(target=self._tick, name="xladdin-progress", daemon=True)
                self._ticker.start()

    def _draw(self, line: str) -> None:
        try:
            if self.live:
                columns = shutil.get_terminal_size((80, 24)).columns - 1
                line = _fit(line, max(columns, 10))
                width = display_width(line)
                self.stream.write("\r" + line + " " * max(0, self.shown - width))
                self.shown = width
            else:
                self.stream.write(line + "\n")
            self.stream.flush()
        except (OSError, ValueError):  # stderr gone (closed console): the run goes on without it
            self.live = False

    def _tick(self) -> None:
        """While an uncounted step lasts, redraw it with the clock once a second; gone when the line is."""
        while True:
            time.sleep(1.0)
            with self._lock:
                if not self.live or not self.last_what:  # cleared (or stderr gone): the thread ends
                    self._ticker = None
                    return
                if not self.last_total and time.monotonic() - self.step_start >= self.tick_after:
                    self._draw(f"{self.verb}：{self.last_what}…（{self._seconds()}秒）")

    def clear(self) -> None:
        with self._lock:
            if self.live and self.shown:
                try:
                    self.stream.write("\r" + " " * self.shown + "\r")
                    self.stream.flush()
                except (OSError, ValueError):
                    self.live = False
                self.shown = 0
            self.last_what = ""


def _isatty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def progress_of(args: Any) -> Progress:
    """The run's progress display, set by ``cli.main``; silent for a command run without the CLI frame."""
    progress = getattr(args, "progress", None)
    return progress if isinstance(progress, Progress) else QUIET


def progress_for(verb: str, asked: bool, json: bool, stream: TextIO | None = None) -> Progress:
    """The progress display of a run: a line on stderr when it is a terminal or ``--progress``; none for JSON."""
    stream = stream if stream is not None else sys.stderr
    if json or not (asked or _isatty(stream)):
        return QUIET
    return ProgressLine(verb, stream)
