"""The command line on a Chinese Windows console: GBK/cp936 output, UTF-8 JSON, progress, exit codes.

Two simulations of the console.  ``PYTHONIOENCODING=gbk`` in a real process: what Python
does when a cp936 console's output is redirected (``check > 结果.txt``) or piped.  And a
cp936 *terminal* in this process: stdout and stderr are strict cp936 text streams over
bytes that say they are a terminal, as ``cmd.exe`` with code page 936 is to a program
started in legacy console mode — the progress line shows there.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.commands.console import ProgressLine, brief_groups, brief_list, display_width, progress_for
from xladdin.progress import QUIET

from .conftest import WORKBOOK

BULLET = "社保卡•补换卡"  # “•” (U+2022) is not in GBK: the name that ended `check > 结果.txt` with exit 3


@pytest.fixture(scope="module")
def bullet_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled workbook with a “•” in the first project's name."""
    path = tmp_path_factory.mktemp("bullet") / "含特殊字符.xlsx"
    wb = load_workbook(WORKBOOK)
    ws = wb.worksheets[1]
    label = next(c for row in ws.iter_rows() for c in row if c.value == "项目名称")
    name = next(
        ws.cell(row=label.row, column=label.column + k)
        for k in range(1, 8)
        if type(ws.cell(row=label.row, column=label.column + k)).__name__ == "Cell"
        and ws.cell(row=label.row, column=label.column + k).value
    )
    name.value = BULLET + str(name.value)
    wb.save(path)
    return path


def gbk_run(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    env.pop("PYTHONUTF8", None)
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args], capture_output=True, env=env, cwd=cwd, timeout=180
    )


# --------------------------------------------------------------------------- PYTHONIOENCODING=gbk


def test_gbk_console_report_replaces_what_it_cannot_show(bullet_book: Path, tmp_path: Path) -> None:
    res = gbk_run("check", str(bullet_book), cwd=tmp_path)
    assert res.returncode == 1, res.stderr.decode("gbk", "replace")  # the tables' errors, not an internal error
    text = res.stdout.decode("gbk")  # the report is the console's code page, whole
    assert "社保卡?补换卡" in text  # the one character GBK lacks is replaced, the rest stays
    assert re.search(r"\n6个项目：错误\d+处，警告\d+处，提示\d+处$", text.rstrip())  # … to the last line
    assert res.stderr == b""


def test_gbk_console_mark_writes_the_marked_file(bullet_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "已标记.xlsx"
    res = gbk_run("check", str(bullet_book), "--mark", "-o", str(out), cwd=tmp_path)
    assert res.returncode == 1, res.stderr.decode("gbk", "replace")
    assert out.exists()
    wb = load_workbook(out)
    assert "校验结果" in wb.sheetnames
    assert any(BULLET in str(c.value) for row in wb.worksheets[1].iter_rows() for c in row)  # the file keeps the “•”
    assert f"已写入 {out}" in res.stderr.decode("gbk")


def test_gbk_console_json_is_utf8(bullet_book: Path, tmp_path: Path) -> None:
    res = gbk_run("check", str(bullet_book), "--format", "json", cwd=tmp_path)
    assert res.returncode == 1
    data = json.loads(res.stdout.decode("utf-8"))  # strict UTF-8, whatever the console's code page
    assert data["projects"][0]["name"].startswith(BULLET)
    with pytest.raises(UnicodeDecodeError):
        res.stdout.decode("ascii")  # Chinese text as UTF-8 bytes, not \\u escapes
    # the same document into a file, and --exit-zero for a script that goes on
    target = tmp_path / "结果.json"
    res2 = gbk_run(
        "check", str(bullet_book), "--format", "json", "--output-file", str(target), "--exit-zero", cwd=tmp_path
    )
    assert res2.returncode == 0 and res2.stdout == b""
    assert target.read_bytes() == res.stdout


def test_gbk_console_costs_rules_and_help(bullet_book: Path, tmp_path: Path) -> None:
    res = gbk_run("costs", str(bullet_book), cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    assert "社保卡?补换卡" in res.stdout.decode("gbk")
    res = gbk_run("costs", str(bullet_book), "--format", "json", cwd=tmp_path)
    assert json.loads(res.stdout.decode("utf-8"))["projects"][0]["name"].startswith(BULLET)
    res = gbk_run("rules", "--format", "json", cwd=tmp_path)
    assert json.loads(res.stdout.decode("utf-8"))
    res = gbk_run("standards", "--format", "json", cwd=tmp_path)
    assert res.returncode == 0 and json.loads(res.stdout.decode("utf-8"))  # Chinese names as UTF-8, not GBK
    res = gbk_run("check", "--help", cwd=tmp_path)
    assert res.returncode == 0 and "--exit-zero" in res.stdout.decode("gbk")


def test_gbk_console_selfeval_scores_as_utf8_json(bullet_book: Path, tmp_path: Path) -> None:
    made = tmp_path / "自评.xlsx"
    res = gbk_run("selfeval", str(bullet_book), "-o", str(made), cwd=tmp_path)
    assert res.returncode == 0 and made.exists(), res.stderr.decode("gbk", "replace")
    res = gbk_run("selfeval", str(made), "--score", "--format", "json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode("gbk", "replace")
    scores = json.loads(res.stdout.decode("utf-8"))["selfevals"]
    assert any(s["name"].startswith(BULLET) for s in scores)
    res = gbk_run("selfeval", str(made), "--score", cwd=tmp_path)
    assert "社保卡?补换卡" in res.stdout.decode("gbk")


# --------------------------------------------------------------------------- a cp936 terminal, in process


class _Cp936Terminal(io.TextIOWrapper):
    """A strict cp936 text stream over bytes that says it is a terminal."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="cp936", errors="strict", newline="\n", write_through=True)

    def isatty(self) -> bool:
        return True

    def data(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()  # type: ignore[attr-defined]


def terminal(monkeypatch: pytest.MonkeyPatch) -> tuple[_Cp936Terminal, _Cp936Terminal]:
    """stdout and stderr as the cp936 terminal, from here to the end of the test (pytest's
    capture puts its own streams back between a fixture's set-up and the test)."""
    out, err = _Cp936Terminal(), _Cp936Terminal()
    monkeypatch.setattr(sys, "stdout", out)
    monkeypatch.setattr(sys, "stderr", err)
    return out, err


def test_cp936_terminal_check_mark_and_progress(bullet_book: Path, tmp_path: Path, monkeypatch) -> None:
    out, err = terminal(monkeypatch)
    target = tmp_path / "标记.xlsx"
    assert main(["check", str(bullet_book), "--mark", "-o", str(target)]) == 1
    assert target.exists()
    report = out.data().decode("cp936")
    assert "社保卡?补换卡" in report and "\033[31m" in report  # coloured on a terminal
    said = err.data().decode("cp936")
    assert "\r校验：" in said  # the progress line, rewritten in place …
    assert re.search(r"写入工作表 (\d+)/\1（", said) and "保存…" in said  # the count reaches its total
    assert re.search(
        r"保存…(（\d+秒）)?\s*\r +\r已写入 .*详见“校验结果”表。\n$", said
    )  # … taken away before the last message


def test_cp936_terminal_json_has_no_progress(bullet_book: Path, monkeypatch) -> None:
    out, err = terminal(monkeypatch)
    assert main(["check", str(bullet_book), "--format", "json"]) == 1
    assert json.loads(out.data().decode("utf-8"))["projects"][0]["name"].startswith(BULLET)
    assert err.data() == b""


def test_progress_only_where_asked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "格式.xlsx"
    assert main(["format", str(WORKBOOK), "-o", str(target)]) == 0
    assert "写入工作表" not in capsys.readouterr().err  # not a terminal, not asked: nothing
    assert main(["format", str(WORKBOOK), "-o", str(target), "--progress"]) == 0
    err = capsys.readouterr().err
    assert "\r" not in err  # not a terminal: whole lines, for a log
    assert "统一格式：读取工作簿…\n" in err and "统一格式：保存…\n" in err
    assert "统一格式：写入工作表 1/7" in err and "统一格式：写入工作表 7/7" in err


def test_check_exit_zero(tmp_path: Path) -> None:
    assert main(["check", str(WORKBOOK)]) == 1
    assert main(["check", str(WORKBOOK), "--exit-zero"]) == 0
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["check", str(broken), "--exit-zero"]) == 2  # a file that cannot be read is still a failure
    assert main(["check", str(WORKBOOK), str(broken), "--exit-zero"]) == 2


def test_a_mark_is_written_before_the_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """stdout gone (the reader of a pipe left): the marked workbook is there all the same."""

    class Gone(io.StringIO):
        def write(self, s: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    gone = Gone()
    monkeypatch.setattr(sys, "stdout", gone)
    gone.fileno = lambda: os.open(os.devnull, os.O_WRONLY)  # type: ignore[method-assign]
    target = tmp_path / "标记.xlsx"
    main(["check", str(WORKBOOK), "--mark", "-o", str(target)])
    assert target.exists() and "校验结果" in load_workbook(target, read_only=True).sheetnames


def test_output_file_refuses_a_workbook_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(WORKBOOK), "--output-file", str(tmp_path / "结果.xlsx")]) == 2
    assert "不能写到工作簿" in capsys.readouterr().err
    assert main(["check", str(WORKBOOK), "--output-file", str(tmp_path / "没有" / "结果.txt")]) == 2
    text_file = tmp_path / "结果.txt"
    assert main(["check", str(WORKBOOK), "--output-file", str(text_file)]) == 1
    assert re.search(r"\n6个项目：错误\d+处，警告\d+处，提示\d+处$", text_file.read_text(encoding="utf-8").rstrip())


def test_format_says_a_summary_not_every_sheet(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    book = generate(tmp_path / "多项目.xlsx", 40, seed=3)
    assert main(["format", str(book), "-o", str(tmp_path / "f.xlsx")]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("已统一格式：40 张项目表（") and " 等）" in first
    assert len(first) < 120


# --------------------------------------------------------------------------- the pieces


def test_progress_line_pads_over_a_longer_line() -> None:
    term = _Cp936Terminal()
    line = ProgressLine("统一格式", term)
    line.step("写入工作表", 1, 1000)
    line.step("保存")
    line.clear()
    text = term.data().decode("cp936")
    first, second, blank, end = text.split("\r")[1:]
    assert display_width(second) == display_width(first)  # the shorter line covers the longer one
    assert second.startswith("统一格式：保存…") and second.endswith(" ")
    assert blank == " " * display_width(second.rstrip()) and end == ""  # the padding is blank already


def test_a_long_uncounted_step_shows_its_clock_until_cleared() -> None:
    """Saving 1,000 sheets says nothing for minutes: the line shows the clock going on, and stops with the step."""
    term = _Cp936Terminal()
    line = ProgressLine("校验", term, tick_after=0.0)
    line.step("保存")
    time.sleep(1.5)
    line.clear()
    said = term.data().decode("cp936")
    assert re.fullmatch(r"\r校验：保存…(\r校验：保存…（\d+秒）)+\r +\r", said), said
    time.sleep(1.2)
    assert term.data().decode("cp936") == said  # nothing drawn after the line was taken away
    counted = _Cp936Terminal()
    line = ProgressLine("校验", counted, tick_after=0.0)
    line.step("写入工作表", 1, 10)
    time.sleep(1.2)
    assert counted.data().decode("cp936").count("\r") == 1  # a counted step redraws itself: no clock thread


def test_progress_for_json_or_pipe_is_quiet() -> None:
    assert progress_for("校验", asked=True, json=True, stream=_Cp936Terminal()) is QUIET
    assert progress_for("校验", asked=False, json=False, stream=io.StringIO()) is QUIET
    assert isinstance(progress_for("校验", asked=False, json=False, stream=_Cp936Terminal()), ProgressLine)
    assert isinstance(progress_for("校验", asked=True, json=False, stream=io.StringIO()), ProgressLine)


def test_fill_on_many_projects_lists_the_first_and_says_where_the_rest_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    book = generate(tmp_path / "多项目.xlsx", 30, seed=5)
    assert main(["fill", str(book), "--dry-run"]) == 0
    everything = capsys.readouterr().out.splitlines()  # a dry run lists every change: nothing else shows them
    assert main(["fill", str(book), "-o", str(tmp_path / "填充.xlsx")]) == 0
    said = capsys.readouterr().out.splitlines()
    assert len(everything) > 60 and len(said) <= 42
    assert said[:-2] == everything[: len(said) - 2]  # the first projects, whole
    left = sum(1 for line in everything if line.startswith("【")) - sum(1 for line in said if line.startswith("【"))
    changes = re.search(r"共 (\d+) 处修改", everything[-1]).group(1)  # type: ignore[union-attr]
    assert said[-2] == f"……另有 {left} 个项目的修改未在此列出，全部 {changes} 处修改见“填充记录”表。"
    assert said[-1].startswith(f"共 {changes} 处修改，已写入")


def test_brief_groups() -> None:
    lines = ["【甲】", "  1", "  2", "【乙】", "  3", "【丙】", "  4", "  5"]
    assert brief_groups(lines, 5) == (["【甲】", "  1", "  2", "【乙】", "  3"], 1)
    assert brief_groups(lines, 4) == (["【甲】", "  1", "  2"], 2)
    assert brief_groups(lines, 2) == (["【甲】", "  1", "  2"], 2)  # the first group whole, however long
    assert brief_groups(lines) == (lines, 0)
    assert brief_groups(["前言", "【甲】", "  1"], 2) == (["前言"], 1)


def test_brief_list() -> None:
    assert brief_list(["甲", "乙"]) == "甲、乙"
    assert brief_list(["甲", "乙", "丙", "丁"]) == "甲、乙、丙、丁"
    assert brief_list([str(i) for i in range(1000)]) == "0、1、2 等"
    assert display_width("校验 1/2") == 8


# --------------------------------------------------------------------------- real files of other applications

REALFILES = Path(__file__).resolve().parent.parent.parent / "shared" / "realfiles" / "files"
# Names and contents in Hebrew, Arabic and Cyrillic (not in GBK): each ended with exit 3 on a GBK console
FOREIGN = ["poi/right-to-left.xlsx", "poi/ExcelWithAttachments.xlsm", "sheetjs/חישוב_נקודות_זיכוי.xlsx"]


@pytest.mark.skipif(not REALFILES.exists(), reason="../shared/realfiles not here")
@pytest.mark.parametrize("name", FOREIGN)
def test_real_files_with_foreign_text_on_a_gbk_console(name: str, tmp_path: Path) -> None:
    path = REALFILES / name
    for args in (["check", str(path)], ["costs", str(path)], ["check", str(path), "--format", "json"]):
        res = gbk_run(*args, cwd=tmp_path)
        said = res.stderr.decode("gbk")
        assert res.returncode in (0, 1, 2) and "内部错误" not in said and "Traceback" not in said, (args, said)
        if "json" in args and res.returncode != 2:
            json.loads(res.stdout.decode("utf-8"))
        else:
            res.stdout.decode("gbk")
