"""A reviewer's report that cannot be fooled (issue 16, part 2).

The reproducers of the issue, each as a test: a workbook that switches rules off in its own
settings sheet, a typo in --select, a folder whose earlier outputs (marked copies, the
report) sit among the submissions, and a report that names units, the date and the reviewer.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.conftest import WORKBOOK
from xladdin.commands.cli import main
from xladdin.conventions import BATCH_FINDINGS_SHEET, BATCH_SUMMARY_SHEET, REPORT_SHEET, SETTINGS_SHEET

EVERY_FAMILY = "HDR,FUND,IND,VAL,TIME,COST,NARR,SHEET"


def _cli(capsys: Any, *args: Any) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _exempted(path: Path) -> Path:
    """The bundled workbook with a hidden settings sheet that switches every rule family off."""
    wb = load_workbook(WORKBOOK)
    ws = wb.create_sheet(SETTINGS_SHEET)
    ws.append(["忽略规则", EVERY_FAMILY])
    ws.sheet_state = "hidden"
    wb.save(path)
    return path


# --------------------------------------------------------------------------- unknown codes


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--select", "VAL04"], "--select 中的规则代码“VAL04”（最接近的是 VAL004"),
        (["--ignore", "NRR"], "--ignore 中的规则代码“NRR”（最接近的是 NARR"),
        (["--select", "FUND,TIM001"], "“TIM001”（最接近的是 TIME001"),
    ],
)
def test_an_unknown_rule_code_is_an_error_with_the_nearest_codes(capsys: Any, args: list[str], said: str) -> None:
    code, out, err = _cli(capsys, "check", WORKBOOK, *args)
    assert code == 2 and out == "" and said in err


def test_an_unknown_code_is_refused_before_a_folder_is_checked(capsys: Any, tmp_path: Path) -> None:
    (tmp_path / "a.xlsx").write_bytes(WORKBOOK.read_bytes())
    code, out, err = _cli(capsys, "check", tmp_path, "--select", "VAL04", "--report", tmp_path / "r.xlsx")
    assert code == 2 and out == "" and "VAL004" in err and not (tmp_path / "r.xlsx").exists()


def test_known_codes_prefixes_globs_and_names_are_accepted(capsys: Any) -> None:
    for pattern in ("VAL004", "VAL", "val00*", "comparator-missing", "ALL", "SHEET"):
        code, _, err = _cli(capsys, "check", WORKBOOK, "--select", pattern)
        assert code in (0, 1), (pattern, err)


def test_an_unknown_code_in_the_settings_sheet_is_an_error(capsys: Any, tmp_path: Path) -> None:
    wb = load_workbook(WORKBOOK)
    wb.create_sheet(SETTINGS_SHEET).append(["忽略规则", "VAL04"])
    wb.save(tmp_path / "a.xlsx")
    code, _, err = _cli(capsys, "check", tmp_path / "a.xlsx")
    assert code == 2 and f"工作表“{SETTINGS_SHEET}”中的规则代码“VAL04”（最接近的是 VAL004" in err
    # a reviewer who does not apply the file's settings is not stopped by them
    code, out, _ = _cli(capsys, "check", tmp_path / "a.xlsx", "--no-file-settings")
    assert code == 1 and "关闭了规则 VAL04" in out


# --------------------------------------------------------------------------- a file's own settings


def test_a_self_exempted_workbook_says_so_and_a_reviewer_checks_it_whole(capsys: Any, tmp_path: Path) -> None:
    path = _exempted(tmp_path / "送审.xlsx")
    code, out, _ = _cli(capsys, "check", path)
    assert code == 0  # the department's own check obeys its choice …
    assert f"本文件（“{SETTINGS_SHEET}”表）关闭了规则 HDR、FUND" in out and "本次校验已照此执行" in out
    assert out.rstrip().endswith(
        f"（按本文件“{SETTINGS_SHEET}”表的设置，关闭了规则 {EVERY_FAMILY.replace(',', '、')}）"
    )
    code, out, _ = _cli(capsys, "check", path, "--format", "json")
    data = json.loads(out)
    assert data["file_settings"] == {"select": [], "ignore": EVERY_FAMILY.split(","), "applied": True}
    # … a reviewer's check does not, and says so
    code, out, _ = _cli(capsys, "check", path, "--no-file-settings")
    assert code == 1 and "本次校验未采用，全部规则照常检查" in out and "错误3处" in out
    report = tmp_path / "审核汇总.xlsx"
    code, out, _ = _cli(capsys, "check", path, "--report", report)  # --report: the file's settings not applied
    assert code == 1 and "本次校验未采用" in out
    head = load_workbook(report)[BATCH_SUMMARY_SHEET]
    line = next(r for r in head.iter_rows(values_only=True) if r[0] == str(path))
    assert line[3] == 3 and line[7] == f"关闭了规则 {EVERY_FAMILY.replace(',', '、')}（本次未采用）"
    code, _, _ = _cli(capsys, "check", path, "--report", report, "--file-settings")
    head = load_workbook(report)[BATCH_SUMMARY_SHEET]
    line = next(r for r in head.iter_rows(values_only=True) if r[0] == str(path))
    assert code == 0 and line[3] == 0 and line[7].endswith("（已执行）")


def test_a_workbook_without_settings_has_no_settings_line(capsys: Any) -> None:
    _, out, _ = _cli(capsys, "check", WORKBOOK, "--format", "json")
    assert "file_settings" not in json.loads(out)
    _, out, _ = _cli(capsys, "check", WORKBOOK)
    assert "本文件（" not in out


def test_the_marked_copy_names_the_settings_in_its_report_sheet(capsys: Any, tmp_path: Path) -> None:
    path = _exempted(tmp_path / "送审.xlsx")
    _cli(capsys, "check", path, "--mark", "--no-file-settings")
    ws = load_workbook(tmp_path / "送审-校验.xlsx")[REPORT_SHEET]
    lines = [str(ws.cell(row=r, column=1).value) for r in range(1, 6)]
    assert any("关闭了规则 HDR" in t and "本次校验未采用" in t for t in lines)


# --------------------------------------------------------------------------- earlier outputs in the folder


def _departments(root: Path, n: int = 9) -> list[Path]:
    """送审/ with one workbook per department, each under its own unit (one project each, to keep it fast)."""
    wb = load_workbook(WORKBOOK)
    for name in wb.sheetnames[2:]:
        del wb[name]
    paths = []
    for i in range(1, n + 1):
        folder = root / f"部门{i}"
        folder.mkdir(parents=True)
        for ws in wb.worksheets[1:]:
            ws["E5"] = f"第{i}实施单位"  # 实施单位
        wb.save(folder / f"部门{i}绩效目标表.xlsx")
        paths.append(folder / f"部门{i}绩效目标表.xlsx")
    return paths


def test_outputs_of_an_earlier_run_are_never_read_as_submissions(capsys: Any, tmp_path: Path) -> None:
    """The issue's reproducer: marked copies written into 送审/退回 and a report written into 送审
    made the next report count every department twice, and the report itself a submission."""
    root = tmp_path / "送审"
    _departments(root)
    code, _, err = _cli(capsys, "check", root, "--mark", "-o", root / "退回")
    assert code == 1 and "已标记 9 个文件" in err
    marked = sorted(p.relative_to(root).as_posix() for p in (root / "退回").rglob("*.xlsx"))
    assert marked == [f"退回/部门{i}/部门{i}绩效目标表-校验.xlsx" for i in range(1, 10)]
    for rel in marked:  # each output is said with where it went
        assert f"→ {root / rel}" in err
    report = root / "审核汇总.xlsx"
    for _ in range(2):  # and again, with the report of the first run inside the folder
        code, out, err = _cli(capsys, "check", root, "--report", report, "--format", "json")
        data = json.loads(out)
        assert data["summary"]["files"] == 9 and data["summary"]["projects"] == 9
        assert {o["file"] for o in data["outputs"]} == {str(root / m) for m in marked}
        assert f"已写入审核汇总 {report.resolve()}" in err
    # a report written elsewhere in the folder under another name is left out too
    code, out, _ = _cli(capsys, "check", root, "--report", tmp_path / "另一份.xlsx")
    assert "共9个文件，9个项目" in out and f"{report}：先前生成的审核汇总" in out
    assert "；10个先前的输出未检查" in out


def test_a_marked_copy_is_still_checked_alone_and_a_departments_own_marks_are_no_copy(
    capsys: Any, tmp_path: Path
) -> None:
    root = tmp_path / "送审"
    [path] = _departments(root, 1)
    code, _, err = _cli(capsys, "check", path, "--mark")  # no -o: 原名-校验.xlsx beside it
    copy = path.with_name(path.stem + "-校验.xlsx")
    assert code == 1 and copy.exists() and str(copy) in err
    code, out, _ = _cli(capsys, "check", copy)  # one file named: checked as asked
    assert code == 1 and "1个项目" in out
    # marked in place (as the 校验 button does in Excel): the department's own workbook, a submission
    _cli(capsys, "check", path, "--mark", "--in-place")
    copy.unlink()
    for backup in root.rglob("*.备份-*.xlsx"):
        backup.unlink()
    code, out, _ = _cli(capsys, "check", root)
    assert "共1个文件，1个项目" in out and "先前的输出" not in out


def test_the_default_marked_copy_never_replaces_a_users_file(capsys: Any, tmp_path: Path) -> None:
    [path] = _departments(tmp_path, 1)
    theirs = path.with_name(path.stem + "-校验.xlsx")
    theirs.write_bytes(WORKBOOK.read_bytes())
    before = theirs.read_bytes()
    code, _, err = _cli(capsys, "check", path, "--mark")
    assert code == 2 and "不是 xladdin 生成的标记副本，未覆盖" in err and theirs.read_bytes() == before


def test_the_report_names_each_files_unit_the_date_and_the_reviewer(capsys: Any, tmp_path: Path) -> None:
    root = tmp_path / "送审"
    paths = _departments(root, 3)
    report = tmp_path / "审核汇总.xlsx"
    _cli(capsys, "check", root, "--report", report, "--reviewer", "王审核")
    wb = load_workbook(report)
    head = wb[BATCH_SUMMARY_SHEET]
    today = dt.date.today()
    assert head["A2"].value == f"审核日期：{today.year}年{today.month}月{today.day}日　审核人：王审核"
    units = {r[0]: r[1] for r in head.iter_rows(values_only=True) if r[0] in {str(p) for p in paths}}
    assert units == {str(p): f"第{i}实施单位" for i, p in enumerate(paths, start=1)}
    body = wb[BATCH_FINDINGS_SHEET]
    assert {r[1] for r in body.iter_rows(min_row=2, values_only=True)} == {f"第{i}实施单位" for i in (1, 2, 3)}


def test_exit_zero_keeps_the_findings_and_drops_the_failure(tmp_path: Path, capsys: Any) -> None:
    """Like ruff's --exit-zero: the errors are printed, the exit code is 0; an unreadable file still fails."""
    assert main(["check", str(WORKBOOK)]) == 1
    assert main(["check", str(WORKBOOK), "--exit-zero"]) == 0
    assert "错误3处" in capsys.readouterr().out
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"not a zip")
    assert main(["check", str(broken), "--exit-zero"]) == 2
