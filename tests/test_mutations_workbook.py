"""Mutation tests of the workbook rules on real copies of the bundled workbook.

Each case changes one thing in a copy (saved by openpyxl, read back by the file check
as a user's file is), and the findings are compared with the unchanged copy's: the
right rule fires on the right cell and nothing else moves.  Then the findings on the
项目汇总 are followed into every view a user or reviewer reads: the JSON, the console,
the marked workbook with its 校验结果 sheet, and the reviewer's report.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from xladdin.files.checking import check_file
from xladdin.standards import STANDARDS_SHEET

from .conftest import WORKBOOK, run_soffice

Key = tuple[str, str, str]  # rule, sheet, cell


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", *args], capture_output=True, text=True, timeout=180
    )


def copy_with(tmp_path: Path, name: str, change: Callable[[Any], None] | None = None) -> Path:
    path = tmp_path / f"{name}.xlsx"
    wb = load_workbook(WORKBOOK)
    if change is not None:
        change(wb)
    wb.save(path)
    return path


def keyed(path: Path, **kw: Any) -> dict[Key, Any]:
    return {(f.rule, f.sheet, f.cell): f for f in check_file(path, **kw).findings}


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> dict[Key, Any]:
    return keyed(copy_with(tmp_path_factory.mktemp("base"), "base"))


def cell_of(ws: Any, text: str, column: int = 3) -> Any:
    """The cell beside the label (name) in column C that contains ``text``: its 指标值 in E."""
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and text in c.value and c.column == column:
                return ws.cell(c.row, 5)
    raise AssertionError(text)


# --------------------------------------------------------------------------- one change, one finding


def test_a_table_from_last_year_pasted_in(tmp_path: Path, base: dict[Key, Any]) -> None:
    def paste_2025(wb: Any) -> None:
        for row in wb["经办人员培训"].iter_rows():
            for c in row:
                if isinstance(c.value, str) and "2026" in c.value:
                    c.value = c.value.replace("2026", "2025")

    after = keyed(copy_with(tmp_path, "pasted", paste_2025))
    assert set(after) - set(base) == {("WB001", "经办人员培训", "A2")} and set(base) <= set(after)
    f = after[("WB001", "经办人员培训", "A2")]
    assert f.severity == "error" and "项目汇总的标题（A1）写的是2026年" in f.message
    for stale in (
        "标题“2025年宁夏回族自治区部门项目支出预算绩效表”（A1）",
        "预算年度“2025年”（A2）",
        "时效指标“2025年12月”（E19）",
    ):
        assert stale in f.message


def test_a_summary_amount_typed_over(tmp_path: Path, base: dict[Key, Any]) -> None:
    path = copy_with(tmp_path, "typed", lambda wb: wb["项目汇总"].__setitem__("C5", 500))
    after = keyed(path)
    assert set(after) - set(base) == {("SUM001", "项目汇总", "C5")} and set(base) <= set(after)
    f = after[("SUM001", "项目汇总", "C5")]
    assert "“退休人员档案”表（C7）" in f.message and (f.expected, f.actual) == ("300", "500")


def test_a_table_deleted(tmp_path: Path, base: dict[Key, Any]) -> None:
    after = keyed(copy_with(tmp_path, "deleted", lambda wb: wb.remove(wb["经办人员培训"])))
    assert set(after) - set(base) == {("SUM004", "项目汇总", "B6")}
    assert {k for k in set(base) - set(after)} == {k for k in base if k[1] == "经办人员培训"}
    assert "全区社会保险经办人员能力提升系列培训班" in after[("SUM004", "项目汇总", "B6")].message


def second_admin(wb: Any) -> None:
    """A second project of the department, started as a copy of 事业管理费 (the usual way)."""
    ws = wb.copy_worksheet(wb["事业管理费"])
    ws.title = "稽核专项"
    ws["C4"] = "社会保险事业管理费（稽核专项）"


def test_one_expert_travel_price_changed_in_one_project(tmp_path: Path) -> None:
    before = keyed(copy_with(tmp_path, "two", second_admin))

    def cheaper_travel(wb: Any) -> None:
        second_admin(wb)
        cell_of(wb["稽核专项"], "社保经办审计专家差旅费成本").value = "600元/人/天"

    after = keyed(copy_with(tmp_path, "two-prices", cheaper_travel))
    added = set(after) - set(before)
    [wb002] = [k for k in added if k[0] == "WB002"]
    f = after[wb002]
    cell = cell_of(load_workbook(WORKBOOK)["事业管理费"], "社保经办审计专家差旅费成本").coordinate
    assert wb002 == ("WB002", "稽核专项", cell) and f.severity == "warning"
    assert f"在本表是600元/人/天（{cell}）" in f.message
    assert f"在“事业管理费”表「社保经办审计专家差旅费成本」是570元/人/天（{cell}）" in f.message
    # the new price also changes what the cost lines add up to: those findings are the cost engine's
    assert {k[0][:4] for k in added - {wb002}} <= {"COST", "NARR"} and all(k[1] == "稽核专项" for k in added)
    assert set(before) - set(after) <= {k for k in before if k[1] == "稽核专项"}


def over_the_standard(wb: Any) -> None:
    cell_of(wb["经办人员培训"], "区内三类培训费定额").value = "600元/人/天"


def test_a_training_quota_over_the_standard(tmp_path: Path, base: dict[Key, Any]) -> None:
    after = keyed(copy_with(tmp_path, "quota", over_the_standard))
    added = set(after) - set(base)
    assert ("STD001", "经办人员培训", "E20") in added
    assert {k[0][:4] for k in added - {("STD001", "经办人员培训", "E20")}} <= {"COST", "NARR"}
    f = after[("STD001", "经办人员培训", "E20")]
    assert f.severity == "warning"
    assert "培训费综合定额【三类培训（处级及以下）】550元/人/天" in f.message
    assert "财行〔2016〕540号" in f.message and "2016-12-27" in f.message and "可信度B" in f.message


LOCAL_CSV = (
    "类别,项目,适用范围,分类,单位,限额,包含,依据文件,日期,可信度\n"
    "培训费,综合定额,宁夏回族自治区本级,三类培训,元/人/天,650,住宿费、伙食费,宁财（行）发〔2024〕1号,2024-01-01,A\n"
)


def test_the_same_quota_allowed_by_the_departments_own_standards(tmp_path: Path) -> None:
    path = copy_with(tmp_path, "quota", over_the_standard)
    local = tmp_path / "本单位支出标准.csv"
    local.write_bytes(LOCAL_CSV.encode("gb18030"))  # as Excel on a Chinese Windows saves a CSV
    res = run_cli("check", str(path), "--format", "json", "--standards", str(local))
    assert res.returncode == 1, res.stderr
    found = [g for p in json.loads(res.stdout)["projects"] for g in p["findings"]]
    assert not any(g["rule"].startswith("STD") and g["sheet"] == "经办人员培训" for g in found)

    # the same line kept in the workbook itself
    def with_sheet(wb: Any) -> None:
        over_the_standard(wb)
        ws = wb.create_sheet(STANDARDS_SHEET)
        for line in LOCAL_CSV.splitlines():
            ws.append([int(x) if x.isdigit() else x for x in line.split(",")])

    after = keyed(copy_with(tmp_path, "own-sheet", with_sheet))
    assert not any(k[0].startswith("STD") and k[1] == "经办人员培训" for k in after)
    assert not any(f.sheet == STANDARDS_SHEET for f in check_file(copy_with(tmp_path, "s2", with_sheet)).other)


# --------------------------------------------------------------------------- what the user and the reviewer see


def test_a_summary_finding_in_every_view(tmp_path: Path) -> None:
    path = copy_with(tmp_path, "部门甲", lambda wb: wb["项目汇总"].__setitem__("C5", 500))
    res = run_cli("check", str(path), "--format", "json")
    data = json.loads(res.stdout)
    [f] = data["workbook"]
    assert (f["rule"], f["sheet"], f["cell"]) == ("SUM001", "项目汇总", "C5")
    assert data["summary"]["errors"] == sum(
        1
        for g in [*data["workbook"], *(g for p in data["projects"] for g in p["findings"])]
        if g["severity"] == "error"
    )
    text = run_cli("check", str(path)).stdout
    assert "【项目汇总】（与各项目表核对）\n  C5     错误 SUM001" in text

    marked, report = tmp_path / "marked.xlsx", tmp_path / "审核汇总.xlsx"
    res = run_cli("check", str(path), "--mark", "-o", str(marked), "--report", str(report))
    assert res.returncode == 1, res.stderr
    wb = load_workbook(marked)
    assert wb["项目汇总"]["C5"].fill.fgColor.rgb.endswith("FFC7CE") and "SUM001" in wb["项目汇总"]["C5"].comment.text
    rows = list(wb["校验结果"].iter_rows())
    [line] = [r for r in rows if r[3].value == "SUM001"]  # 编号, 工作表, 单元格, 规则 …
    assert line[1].value == "项目汇总" and line[2].hyperlink.location == "'项目汇总'!C5"
    assert [r[1].value for r in rows if r[5].value == "（与各项目表核对）"] == ["项目汇总"]  # its count line
    body = load_workbook(report)["问题清单"]  # 文件, 单位, 工作表, 单元格, 规则 …
    [listed] = [r for r in body.iter_rows(min_row=2) if r[4].value == "SUM001"]
    assert (listed[2].value, listed[3].value, listed[7].value) == ("项目汇总", "C5", "（与各项目表核对）")
    assert listed[3].hyperlink.target.endswith("部门甲.xlsx") and listed[3].hyperlink.location == "'项目汇总'!C5"
    # clearing the marks gives the summary cell back as it was
    cleared = tmp_path / "cleared.xlsx"
    assert run_cli("clear", str(marked), "-o", str(cleared)).returncode == 0
    ws = load_workbook(cleared)["项目汇总"]
    assert ws["C5"].comment is None and ws["C5"].value == 500


def test_a_parallel_check_sees_the_summary_and_the_standards_of_any_part(tmp_path: Path) -> None:
    """The summary sheet and the standards sheet are each in one part; the rules see both."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    path = generate(tmp_path / "g.xlsx", 14, seed=11)
    wb = load_workbook(path)
    src = load_workbook(WORKBOOK)["项目汇总"]
    summary = wb.create_sheet("项目汇总", 0)
    for row in src.iter_rows(min_row=1, max_row=2, values_only=True):
        summary.append(list(row))
    names = [ws["C4"].value for ws in wb.worksheets[1:]]
    for i, name in enumerate(names[:-1], start=1):  # the last table left out, the first amount typed wrong
        summary.append([i, name, 1 if i == 1 else None])
    summary.append(["合计"])
    wb.save(path)
    assert any(f.rule == "STD002" for f in check_file(path, jobs=3).findings)  # the central quota includes the venue
    standards = wb.create_sheet(STANDARDS_SHEET)
    for line in LOCAL_CSV.splitlines():
        standards.append([int(x) if x.isdigit() else x for x in line.split(",")])
    wb.save(path)
    serial = check_file(path, jobs=1)
    parallel = check_file(path, jobs=3)
    from xladdin.report import to_json

    assert to_json(parallel) == to_json(serial)
    assert {f.rule for f in serial.workbook} == {"SUM001", "SUM003"}
    # the local quota, read by another part than the training tables, leaves the venue out
    assert not any(f.rule == "STD002" for f in parallel.findings)


def test_the_standards_command_lists_the_lines_in_use_with_their_sources(tmp_path: Path) -> None:
    local = tmp_path / "本单位.csv"
    local.write_text(LOCAL_CSV, encoding="utf-8")
    out = run_cli("standards", "--standards", str(local)).stdout
    assert "三类培训】 ≤650元/人/天" in out and "来源：文件“本单位.csv” 第2行" in out
    assert "被本地标准替换、不再使用的3条：培训费综合定额" in out
    assert "财行〔2016〕214号" in out  # 会议费 is untouched: the local file says nothing of it
    central = subprocess.run(
        [sys.executable, "-m", "xladdin.commands.cli", "standards", "--format", "csv"], capture_output=True, timeout=60
    ).stdout
    assert central.startswith("\ufeff类别,项目,".encode())  # Excel reads a CSV with a BOM as UTF-8
    again = tmp_path / "导出.csv"
    again.write_bytes(central)
    res = run_cli("check", str(WORKBOOK), "--standards", str(again), "--format", "json")
    assert (
        json.loads(res.stdout)["summary"]
        == json.loads(run_cli("check", str(WORKBOOK), "--format", "json").stdout)["summary"]
    )


def test_a_standards_file_that_cannot_be_used_is_refused_in_chinese(tmp_path: Path) -> None:
    bad = tmp_path / "坏.csv"
    bad.write_text(LOCAL_CSV.replace(",650,", ",六百五,"), encoding="utf-8")
    res = run_cli("check", str(WORKBOOK), "--standards", str(bad))
    assert (
        res.returncode == 2
        and "文件“坏.csv”中第2行的限额“六百五”不是数字" in res.stderr
        and "Traceback" not in res.stderr
    )
    res = run_cli("check", str(WORKBOOK), "--standards", str(tmp_path / "没有.csv"))
    assert res.returncode == 2 and "找不到支出标准文件" in res.stderr
    odd = tmp_path / "标准.txt"
    odd.write_text("x", encoding="utf-8")
    assert "应是 .xlsx 或 .csv" in run_cli("standards", "--standards", str(odd)).stderr


@pytest.mark.libreoffice
def test_a_standards_workbook_made_by_libreoffice(tmp_path: Path, soffice: str) -> None:
    local = tmp_path / "本单位支出标准.csv"
    local.write_text(LOCAL_CSV, encoding="utf-8")
    res = run_soffice(soffice, ["--infilter=CSV:44,34,76", "--convert-to", "xlsx", local.name], tmp_path)
    xlsx = tmp_path / "本单位支出标准.xlsx"
    assert xlsx.exists(), res.stderr
    path = copy_with(tmp_path, "quota", over_the_standard)
    res = run_cli("check", str(path), "--standards", str(xlsx), "--format", "json")
    found = [g for p in json.loads(res.stdout)["projects"] for g in p["findings"]]
    assert not any(g["rule"] == "STD001" for g in found)
    listed = run_cli("standards", "--standards", str(xlsx)).stdout
    assert "宁财（行）发〔2024〕1号" in listed and "F2" in listed  # the file's own cell


@pytest.mark.libreoffice
def test_a_summary_whose_formulas_libreoffice_calculated(tmp_path: Path, soffice: str) -> None:
    """Saved by a program that calculates, the summary's formulas carry their values: they agree
    with the tables, and a number typed over one of them is the one finding."""
    typed = copy_with(tmp_path, "typed", lambda wb: wb["项目汇总"].__setitem__("C5", 500))
    out = tmp_path / "calc"
    out.mkdir()
    for src in (WORKBOOK, typed):
        res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(out), str(src)], tmp_path)
        assert res.returncode == 0, res.stderr
    calculated = check_file(out / WORKBOOK.name)
    assert [f for f in calculated.findings if f.rule[:3] in ("SUM", "WB0")] == []
    summary = load_workbook(out / WORKBOOK.name, data_only=True)["项目汇总"]
    assert summary["C5"].value == 300 and summary["C9"].value == 1208  # the values the check compared
    [f] = [f for f in check_file(out / "typed.xlsx").findings if f.rule.startswith("SUM")]
    assert (f.rule, f.cell) == ("SUM001", "C5")  # the 合计 that LibreOffice summed over it adds up
