"""``xladdin check``: the JSON contract, exit codes, and bad input without tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from xladdin.commands.cli import main

from .conftest import WORKBOOK


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_json_contract_on_the_bundled_workbook():
    res = run_cli("check", str(WORKBOOK), "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    data = json.loads(res.stdout)
    assert data["file"] == str(WORKBOOK)
    assert [p["total"] for p in data["projects"]] == [400, 80, 300, 28, 290, 110]
    assert len(data["projects"]) == 6 and data["summary"]["projects"] == 6
    counts = {"error": 0, "warning": 0, "info": 0}
    for p in data["projects"]:
        assert set(p) >= {"sheet", "name", "total", "findings"}
        for f in p["findings"]:
            assert set(f) - {"fix"} == {"rule", "severity", "sheet", "cell", "message", "expected", "actual"}
            if "fix" in f:  # optional: where the correction is unambiguous
                assert set(f["fix"]) == {"cell", "old", "new", "safe"} and f["fix"]["cell"] == f["cell"]
                assert isinstance(f["fix"]["safe"], bool)
            assert f["sheet"] == p["sheet"]
            counts[f["severity"]] += 1
    for f in data.get("skipped", []):
        counts[f["severity"]] += 1
    assert data["summary"]["errors"] == counts["error"]
    assert data["summary"]["warnings"] == counts["warning"]
    assert data["summary"]["infos"] == counts["info"]
    assert res.returncode == (1 if counts["error"] else 0)


def test_other_sheets_are_skipped_with_info(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "wb.xlsx"
    wb = load_workbook(WORKBOOK)
    wb.create_sheet("备注").append(["这里是说明文字"])
    wb.save(path)
    data = json.loads(run_cli("check", str(path), "--format", "json").stdout)
    assert len(data["projects"]) == 6
    skipped = {f["sheet"]: f for f in data["skipped"]}
    assert skipped["备注"]["severity"] == "info" and skipped["备注"]["cell"] == "A1"


def test_findings_point_at_the_right_cell(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "wb.xlsx"
    wb = load_workbook(WORKBOOK)
    wb["基本户资金"]["C4"].value = None
    wb.save(path)
    data = json.loads(run_cli("check", str(path), "--format", "json", "--select", "HDR001").stdout)
    f = [f for p in data["projects"] for f in p["findings"]]
    assert [(x["sheet"], x["cell"], x["rule"]) for x in f] == [("基本户资金", "C4", "HDR001")]


def _bad_files(tmp: Path) -> dict[str, Path]:
    files = {}
    files["missing"] = tmp / "不存在.xlsx"
    p = tmp / "文本.xlsx"
    p.write_text("这不是工作簿", encoding="utf-8")
    files["not_a_workbook"] = p
    p = tmp / "坏的.xlsx"
    p.write_bytes(WORKBOOK.read_bytes()[:3000])
    files["truncated"] = p
    p = tmp / "加密.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    files["encrypted"] = p
    p = tmp / "旧格式.xls"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    files["xls"] = p
    p = tmp / "表格.et"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    files["et"] = p
    p = tmp / "表格.ods"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    files["ods"] = p
    p = tmp / "空.xlsx"
    p.write_bytes(b"")
    files["zero_bytes"] = p
    p = tmp / "zip.xlsx"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("a.txt", "hello")
    files["zip_not_xlsx"] = p
    p = tmp / "文件夹.xlsx"
    p.mkdir()
    files["directory"] = p
    return files


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "not_a_workbook",
        "truncated",
        "encrypted",
        "xls",
        "et",
        "ods",
        "zero_bytes",
        "zip_not_xlsx",
        "directory",
    ],
)
def test_bad_input_one_chinese_line_exit_2(tmp_path, case):
    path = _bad_files(tmp_path)[case]
    res = run_cli("check", str(path))
    assert res.returncode == 2
    assert "Traceback" not in res.stderr and res.stdout == ""
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("xladdin：")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in lines[0])
    assert path.name in lines[0] or str(path) in lines[0]


def test_empty_workbook_says_no_table_was_found(tmp_path):
    """A blank workbook is no crash and no "no problems" either: a warning, exit 1 (it needs a look)."""
    path = tmp_path / "空白.xlsx"
    Workbook().save(path)
    res = run_cli("check", str(path), "--format", "json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert data["projects"] == [] and data["summary"]["warnings"] == 1
    (warning,) = [f for f in data["skipped"] if f["severity"] == "warning"]
    assert warning["rule"] == "SHEET002" and "没有找到绩效目标表" in warning["message"]


def test_main_returns_codes_in_process(capsys):
    assert main(["check", "/definitely/not/here.xlsx"]) == 2
    assert "找不到文件" in capsys.readouterr().err


def test_rules_lists_codes(capsys):
    assert main(["rules", "--format", "json"]) == 0
    rules = json.loads(capsys.readouterr().out)
    assert rules and all({"code", "name", "severity", "summary"} <= set(r) for r in rules)
    assert len({r["code"] for r in rules}) == len(rules)


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["check", "x.xlsx", "--jobs", "abc"], "参数 -j/--jobs 应为整数"),
        (["check", "x.xlsx", "--format", "xml"], "参数 --format 只能是"),
        (["check"], "缺少必需的参数：工作簿文件"),
        (["chek", "x.xlsx"], "只能是"),
        (["check", "x.xlsx", "--bogus"], "不认识的参数：--bogus"),
        (["check", "x.xlsx", "-o"], "后面需要写一个值"),
    ],
)
def test_command_line_mistakes_are_said_in_chinese(args: list[str], said: str) -> None:
    res = run_cli(*args)
    assert res.returncode == 2
    assert said in res.stderr and "--help" in res.stderr
    assert "usage:" not in res.stderr and "error:" not in res.stderr and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


# --------------------------------------------------------------------------- several files (a reviewer's folder)


def _reviewer_folder(tmp_path: Path) -> Path:
    """送审/部门甲/ the 2026 workbook, 部门乙/ a copy with one error fixed, a broken file,
    Excel's lock file and an xladdin backup (neither is a department's table)."""
    from openpyxl import load_workbook

    root = tmp_path / "送审"
    (root / "部门甲").mkdir(parents=True)
    (root / "部门乙").mkdir()
    (root / "部门甲" / "社保局.xlsx").write_bytes(WORKBOOK.read_bytes())
    wb = load_workbook(WORKBOOK)
    wb["事业管理费"]["E35"] = "2026年12月"  # the leftover year of TIME001, corrected
    wb.save(root / "部门乙" / "另一单位.xlsx")
    (root / "部门乙" / "损坏.xlsx").write_text("这不是工作簿", encoding="utf-8")
    (root / "部门甲" / "~$社保局.xlsx").write_bytes(b"lock")
    (root / "部门甲" / "社保局.备份-20261127-101010.xlsx").write_bytes(WORKBOOK.read_bytes())
    return root


def test_a_folder_is_checked_file_by_file_with_the_one_file_reports(tmp_path: Path) -> None:
    root = _reviewer_folder(tmp_path)
    res = run_cli("check", str(root), "--format", "json")
    assert res.returncode == 2, res.stderr  # one file could not be read: the batch is incomplete
    data = json.loads(res.stdout)
    good = [root / "部门乙" / "另一单位.xlsx", root / "部门甲" / "社保局.xlsx"]
    assert [f["file"] for f in data["files"]] == [str(p) for p in good]
    for entry, path in zip(data["files"], good, strict=True):  # each file's entry is its own report
        alone = run_cli("check", str(path), "--format", "json")
        assert entry == json.loads(alone.stdout)
    [broken] = data["unreadable"]
    assert broken["file"] == str(root / "部门乙" / "损坏.xlsx") and "不是 Excel 工作簿" in broken["message"]
    errors = [f["summary"]["errors"] for f in data["files"]]
    assert errors[0] == errors[1] - 1  # the corrected year is one error fewer
    assert data["summary"] == {
        "files": 3,
        "unreadable": 1,
        "projects": 12,
        "errors": sum(errors),
        "warnings": sum(f["summary"]["warnings"] for f in data["files"]),
        "infos": sum(f["summary"]["infos"] for f in data["files"]),
    }


def test_several_files_and_patterns_in_text(tmp_path: Path) -> None:
    root = _reviewer_folder(tmp_path)
    (root / "部门乙" / "损坏.xlsx").unlink()
    res = run_cli("check", str(root / "部门甲" / "社保局.xlsx"), str(root / "部门乙" / "*.xlsx"))
    assert res.returncode == 1, res.stderr  # both read, errors found
    assert res.stdout.count("文件：") == 2
    files = (root / "部门甲" / "社保局.xlsx", root / "部门乙" / "另一单位.xlsx")
    alone = [json.loads(run_cli("check", str(p), "--format", "json").stdout)["summary"] for p in files]
    totals = [sum(a[k] for a in alone) for k in ("projects", "errors", "warnings", "infos")]
    assert res.stdout.rstrip().endswith("共2个文件，{}个项目：错误{}处，警告{}处，提示{}处".format(*totals))
    same = run_cli("check", str(root / "部门甲" / "社保局.xlsx"), str(root / "部门甲" / "社保局.xlsx"))
    assert same.stdout.count("文件：") == 1  # named twice, checked once


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["送审/没有*.xlsx"], "没有与“送审/没有*.xlsx”匹配的文件"),
        (["空文件夹"], "文件夹“空文件夹”中没有工作簿"),
        (["送审", "--mark", "-o", "x.xlsx"], "-o 应是一个文件夹"),
        (["送审", "--mark"], "请用 -o 指定输出文件夹"),
    ],
)
def test_several_files_mistakes_are_said_in_chinese(tmp_path: Path, args: list[str], said: str) -> None:
    _reviewer_folder(tmp_path)
    (tmp_path / "空文件夹").mkdir()
    res = subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", "check", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert res.returncode == 2 and said in res.stderr and "Traceback" not in res.stderr


def test_a_folder_marked_file_by_file_as_one_file_would_be(tmp_path: Path) -> None:
    """The reviewer sends each department its own marked file: 标记后/ mirrors 送审/."""
    from .workbook_snapshot import snapshot

    root = _reviewer_folder(tmp_path)
    out = tmp_path / "标记后"
    res = run_cli("check", str(root), "--mark", "-o", str(out))
    assert res.returncode == 2  # the broken file is listed (and not marked)
    assert "已标记 2 个文件" in res.stderr and "Traceback" not in res.stderr
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == ["部门乙/另一单位-校验.xlsx", "部门甲/社保局-校验.xlsx"]  # never taken for the originals
    for rel in written:  # each output is said, with where it went
        assert f"→ {out / rel}" in res.stderr
    for rel in written:
        alone = tmp_path / rel.split("/")[1]  # the same name: the copy names its original alike
        original = root / rel.replace("-校验", "")
        assert run_cli("check", str(original), "--mark", "-o", str(alone)).returncode == 1
        assert snapshot(out / rel) == snapshot(alone)
    first = {rel: snapshot(out / rel) for rel in written}
    assert run_cli("check", str(root), "--mark", "-o", str(out)).returncode == 2  # again: the same files
    assert {rel: snapshot(out / rel) for rel in written} == first


def test_a_folder_marked_in_place_keeps_a_backup_of_each_file(tmp_path: Path) -> None:
    root = _reviewer_folder(tmp_path)
    (root / "部门乙" / "损坏.xlsx").unlink()
    (root / "部门甲" / "社保局.备份-20261127-101010.xlsx").unlink()
    originals = {p: p.read_bytes() for p in root.rglob("*.xlsx") if not p.name.startswith("~$")}
    open_in_excel = root / "部门甲" / "社保局.xlsx"  # its ~$ lock file is there: left alone
    res = run_cli("check", str(root), "--mark", "--in-place")
    assert res.returncode == 2 and "正在 Excel" in res.stderr and "已标记 1 个文件" in res.stderr
    assert open_in_excel.read_bytes() == originals[open_in_excel]
    assert not list(open_in_excel.parent.glob("社保局.备份-*.xlsx"))
    for path in originals:  # start again with the file closed
        path.write_bytes(originals[path])
        for b in path.parent.glob(f"{path.stem}.备份-*.xlsx"):
            b.unlink()
    (root / "部门甲" / "~$社保局.xlsx").unlink()
    res = run_cli("check", str(root), "--mark", "--in-place")
    assert res.returncode == 1, res.stderr
    for path, data in originals.items():
        backups = list(path.parent.glob(f"{path.stem}.备份-*.xlsx"))
        assert len(backups) == 1 and backups[0].read_bytes() == data
        assert path.read_bytes() != data


def test_the_reviewers_report_workbook_lists_every_file_and_finding(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    root = _reviewer_folder(tmp_path)
    report = tmp_path / "汇总" / "审核汇总.xlsx"
    report.parent.mkdir()
    res = run_cli("check", str(root), "--format", "json", "--report", str(report))
    assert res.returncode == 2 and "已写入审核汇总" in res.stderr
    data = json.loads(res.stdout)
    wb = load_workbook(report)
    head, body = wb["审核汇总"], wb["问题清单"]
    rows = {r[0]: r for r in head.iter_rows(min_row=5, values_only=True) if r[0]}
    for f in data["files"]:
        s = f["summary"]
        assert rows[f["file"]][1] == "自治区社会保险事业管理局本级"  # the unit the file is filed under
        assert rows[f["file"]][2:6] == (s["projects"], s["errors"], s["warnings"], s["infos"])
    [broken] = data["unreadable"]
    assert rows[broken["file"]][6] == "无法读取：" + broken["message"]
    assert rows["合计"][2:6] == tuple(data["summary"][k] for k in ("projects", "errors", "warnings", "infos"))
    for row in head.iter_rows(min_row=5):  # each file's link opens that file, relative to the report
        if row[0].hyperlink is not None:
            assert (report.parent / row[0].hyperlink.target).resolve() == Path(row[0].value).resolve()
    listed = [r for r in body.iter_rows(min_row=2, values_only=True)]
    every = [(f["file"], g["sheet"], g["cell"], g["rule"]) for f in data["files"] for g in _all_findings(f)]
    assert [(r[0], *r[2:5]) for r in listed] == [(a, b, c, d) for a, b, c, d in every]
    assert {r[1] for r in listed} == {"自治区社会保险事业管理局本级"}
    assert body.auto_filter.ref and body.freeze_panes == "A2"


def _all_findings(report: dict) -> list[dict]:
    return (
        [g for p in report["projects"] for g in p["findings"]] + report.get("workbook", []) + report.get("skipped", [])
    )


def test_the_report_never_replaces_a_checked_file(tmp_path: Path) -> None:
    root = _reviewer_folder(tmp_path)
    target = root / "部门甲" / "社保局.xlsx"
    before = target.read_bytes()
    res = run_cli("check", str(root), "--report", str(target))
    assert res.returncode == 2 and "不能写到被检查的文件" in res.stderr and res.stdout == ""
    assert target.read_bytes() == before
    res = run_cli("check", str(target), "--report", str(tmp_path / "汇总.csv"))
    assert res.returncode == 2 and "应是 .xlsx 文件名" in res.stderr


@pytest.mark.libreoffice
def test_the_printed_report_shows_every_finding_whole(tmp_path: Path, soffice: str) -> None:
    """Printed (LibreOffice → PDF), no 说明 is cut off: rows are as tall as their text."""
    import shutil

    from openpyxl import load_workbook

    from .conftest import run_soffice

    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    root = _reviewer_folder(tmp_path)
    report = tmp_path / "审核汇总.xlsx"
    run_cli("check", str(root), "--report", str(report))
    ws = load_workbook(report)["问题清单"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    proc = run_soffice(soffice, ["--convert-to", "pdf", "--outdir", str(tmp_path), str(report)], tmp_path)
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(
        ["pdftotext", "-raw", str(report.with_suffix(".pdf")), "-"], capture_output=True, text=True, check=True
    ).stdout
    printed = "".join(text.split())
    messages = ["".join(str(r[6]).split()) for r in ws.iter_rows(min_row=2, values_only=True) if r[6]]
    assert len(messages) > 50
    assert [m for m in messages if m not in printed] == []


def test_marking_into_a_folder_inside_the_checked_one_can_be_run_again(tmp_path: Path) -> None:
    from .workbook_snapshot import snapshot

    root = _reviewer_folder(tmp_path)
    out = root / "退回"
    first = run_cli("check", str(root), "--mark", "-o", str(out), "--format", "json")
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert files == ["部门乙/另一单位-校验.xlsx", "部门甲/社保局-校验.xlsx"]
    shots = {f: snapshot(out / f) for f in files}
    again = run_cli("check", str(root), "--mark", "-o", str(out), "--format", "json")
    assert again.returncode == first.returncode == 2  # the broken file, both times
    assert json.loads(again.stdout)["summary"] == json.loads(first.stdout)["summary"]  # 退回/ is not checked
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")) == files
    assert {f: snapshot(out / f) for f in files} == shots


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["fill", "--help"], ["rules", "-h"]])
def test_help_is_in_chinese(args: list[str]) -> None:
    """--help is the first thing a user reads: argparse's English frame is replaced."""
    res = run_cli(*args)
    assert res.returncode == 0
    assert res.stdout.startswith("用法：xladdin") and "显示本帮助并退出" in res.stdout
    for english in ("usage:", "positional arguments", "options:", "show this help", "version number"):
        assert english not in res.stdout
