"""Every shape of the notes is read: a workbook of each, built from ``../shared/notes/layouts.json``'s
sample rows, checked as a user would (``xladdin check --format json``).

And the bundled six projects written in other shapes — the budget system's grid (H: the
comparator, number, unit and weight in columns of their own, amounts in 元) and all six
stacked in one sheet — give the same errors and the same cost explanations as the
bundled workbook.
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from tests.shapes import PARTLY, QUOTED, SHAPES, Shape
from xladdin.commands.cli import main
from xladdin.framework import squash

from .conftest import WORKBOOK

ROOT = Path(__file__).resolve().parent.parent
NOTES = ROOT.parent / "shared" / "notes" / "layouts.json"
sys.path.insert(0, str(ROOT / "bench"))

# Fields of the published form a message may name; a form without the label must never hear of them.
FIELD_WORDS = (
    "项目属性",
    "项目期",
    "项目总额",
    "本级资金",
    "转移市县",
    "结余结转资金",
    "中央资金",
    "自治区资金",
    "年度资金总额",
    "实施单位",
    "主管部门",
    "年度总体绩效目标",
)


def check_json(path: Path, capsys: pytest.CaptureFixture[str], *more: str) -> tuple[int, dict[str, Any]]:
    code = main(["check", str(path), "--format", "json", *more])
    return code, json.loads(capsys.readouterr().out)


def _sheet_text(shape: Shape) -> str:
    return "".join(squash(str(v)) for row in shape.rows for v in row if v is not None)


@pytest.mark.parametrize("key", sorted(SHAPES))
def test_each_shape_is_read_with_its_name_total_and_rows(
    key: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _read_as_written(SHAPES[key], tmp_path, capsys)


def test_shapes_the_reader_places_in_part_are_read_as_far_as_they_go(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # M: 资金名称 for 项目名称, the unit column before 指标值; cut off after 数量指标 in the notes
    m = _read_as_written(PARTLY["M"], tmp_path, capsys)
    assert {f["rule"] for f in m["findings"] if f["severity"] == "error"} == {"IND004"}
    assert [r["unit"] for r in m["table"]["indicators"]] == ["%", "%"]
    # N: one target column per village; the first read as the value, the other six named once
    n = _read_as_written(PARTLY["N"], tmp_path, capsys)
    (form001,) = [f for f in n["findings"] if f["rule"] == "FORM001"]
    assert form001["severity"] == "info" and "G5、H5、I5、J5、K5、L5" in form001["message"]
    assert not [f for f in n["findings"] if f["rule"] in ("IND007", "VAL001")]  # the unit is in the name: (个)


def _read_as_written(shape: Shape, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    """``check --format json --tables`` of the shape: its name, total and rows as written, no
    finding about a field it lacks, no missing unit where the unit has a column; the project."""
    key = shape.key
    path = shape.save(tmp_path / f"表样{key}.xlsx")
    code, data = check_json(path, capsys, "--tables")
    assert code in (0, 1)
    (project,) = data["projects"]
    assert project["name"] == shape.name
    assert project["total"] == pytest.approx(shape.total, abs=1e-6)
    rows = [(r["name"], r["value"]) for r in project["table"]["indicators"]]
    assert rows == shape.indicators
    # no finding names a field this form does not have
    present = _sheet_text(shape)
    for f in project["findings"]:
        for word in FIELD_WORDS:
            assert word in present or word not in f["message"], (word, f["message"])
    # a value whose unit sits in its own column is never "a number without a unit"
    if shape.unit_column:
        with_unit = {r["row"] for r in project["table"]["indicators"] if r.get("unit")}
        for f in project["findings"]:
            if f["rule"] == "VAL001":
                assert int(f["cell"].lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) not in with_unit, f
    # the default JSON is the contract's: the listing only with --tables
    _, plain = check_json(path, capsys)
    assert "table" not in plain["projects"][0] and plain["projects"][0]["findings"] == project["findings"]
    return project  # type: ignore[no-any-return]


@pytest.mark.skipif(not NOTES.exists(), reason="../shared/notes is not next to this clone")
def test_the_shapes_quote_the_notes_exactly() -> None:
    notes = {e["id"]: e for e in json.loads(NOTES.read_text(encoding="utf-8"))}
    for entry, quoted in QUOTED.items():
        e = notes[entry]
        if "sample_rows" in quoted:
            assert [list(r) for r in e["sample_rows"]] == [list(r) for r in quoted["sample_rows"]], entry
        if "columns" in quoted:
            assert e["indicator_table"]["columns"] == quoted["columns"], entry
        if "grid_top" in quoted:
            assert e["header_block"]["grid_top"] == quoted["grid_top"], entry
        if "section" in quoted:
            assert e["indicator_table"]["section_label"] == quoted["section"], entry
        if "visible_columns" in quoted:
            assert e["indicator_table"]["visible_columns_in_order"] == quoted["visible_columns"], entry
    # the rows the shapes add to a quoted table are the quoted ones
    c1 = notes["C1-hubei-qingshan-2021"]["sample_rows"]
    e3 = notes["E3-hunan-xiangtan-2024"]["sample_rows"]
    g1 = notes["G1-shanghai-putuo-jianguanwei-2026"]["sample_rows"]
    assert [r[2:4] for r in c1] == [list(x) for x in SHAPES["C"].indicators]
    assert [r[2:4] for r in e3] == [list(x) for x in SHAPES["E"].indicators]
    assert [r[2:4] for r in g1] == [list(x) for x in SHAPES["G"].indicators]


# --------------------------------------------------------------------------- the bundled six in other shapes


def _errors(data: dict[str, Any]) -> set[tuple[str, str, str]]:
    """(project, rule, the quoted part of the message naming the indicator) of every error."""
    out = set()
    for p in data["projects"]:
        for f in p["findings"]:
            if f["severity"] == "error":
                named = f["message"].split("「", 1)[-1].split("」", 1)[0]
                out.add((p["name"], f["rule"], named))
    return out


def _costs(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["costs", str(path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    return {
        p["name"]: (p["total"], p["explained"], [(line["indicator"], line["amount_wan"]) for line in p["lines"]])
        for p in data["projects"]
    }


@pytest.mark.parametrize("shape", ["H", "stacked"])
def test_the_bundled_projects_in_another_shape_give_the_same_errors_and_costs(
    shape: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from shapes import h_layout, specs, stacked_layout, write

    tables = specs()
    layouts = [h_layout(s) for s in tables] if shape == "H" else [stacked_layout(tables)]
    path = write(tmp_path / f"社保局本级-{shape}.xlsx", layouts)
    _, bundled = check_json(WORKBOOK, capsys)
    code, other = check_json(path, capsys)
    assert code == 1 and len(other["projects"]) == 6
    assert [p["name"] for p in other["projects"]] == [p["name"] for p in bundled["projects"]]
    assert [p["total"] for p in other["projects"]] == [p["total"] for p in bundled["projects"]]
    assert _errors(other) == _errors(bundled) != set()
    assert _costs(path, capsys) == _costs(WORKBOOK, capsys)
    rules = {f["rule"] for p in other["projects"] for f in p["findings"]}
    assert "FORM001" not in rules  # every cell placed
    if shape == "H":  # units in 度量单位: never reported missing; weights add up to 100
        assert not rules & {"VAL001", "WGT001", "WGT002", "WGT003"}


def test_stacked_tables_each_report_their_own_rows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from shapes import specs, stacked_layout, write

    path = write(tmp_path / "全部.xlsx", [stacked_layout(specs())])
    _, data = check_json(path, capsys, "--tables")
    spans = [p["table"]["rows"] for p in data["projects"]]
    assert all(a[1] < b[0] for a, b in itertools.pairwise(spans))  # one after another, no overlap
    for p, (first, last) in zip(data["projects"], spans, strict=True):
        for f in p["findings"]:
            row = int("".join(ch for ch in f["cell"] if ch.isdigit()))
            assert first <= row <= last, (p["name"], f)


# --------------------------------------------------------------------------- no table at all


def _unrelated(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "通讯录"
    ws.append(["姓名", "电话"])
    ws.append(["张三", "0951-0000000"])
    wb.create_sheet("Sheet2")
    wb.save(path)
    return path


def test_unrelated_sheets_say_no_table_was_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, data = check_json(_unrelated(tmp_path / "通讯录.xlsx"), capsys)
    assert code == 1 and data["projects"] == []
    (warning,) = [f for f in data["skipped"] if f["rule"] == "SHEET002"]
    assert warning["severity"] == "warning" and "没有找到绩效目标表" in warning["message"]
    assert "“通讯录”" in warning["message"]


def test_a_blank_workbook_is_not_reported_as_passed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "空白.xlsx"
    Workbook().save(path)
    assert main(["check", str(path)]) == 1
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert last.startswith("没有找到绩效目标表：") and "警告1处" in last and "0个项目" not in last
    code, data = check_json(path, capsys)
    assert code == 1 and [f["rule"] for f in data["skipped"] if f["severity"] == "warning"] == ["SHEET002"]


def test_a_reviewers_batch_lists_a_file_without_tables_as_needing_a_look(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from openpyxl import load_workbook

    folder = tmp_path / "送审"
    folder.mkdir()
    _unrelated(folder / "通讯录.xlsx")
    Workbook().save(folder / "空白.xlsx")
    report = tmp_path / "审核汇总.xlsx"
    code = main(["check", str(folder), "--report", str(report)])
    out = capsys.readouterr().out
    assert code == 1 and "没有找到绩效目标表" in out
    ws = load_workbook(report)["审核汇总"]
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r[0] == "文件")  # below the title, the date and the notes
    col = rows[header].index("结论")
    verdicts = {str(r[0]): r[col] for r in rows[header + 1 :] if r[0] and r[0] != "合计"}
    assert len(verdicts) == 2
    assert all(v == "没有找到绩效目标表，需人工查看" for v in verdicts.values()), verdicts


# --------------------------------------------------------------------------- tables anywhere, exports without titles


def test_a_table_anywhere_on_the_sheet_reads_the_same(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The bundled tables moved 7 rows down and 3 columns right: the same findings, moved with them."""
    from openpyxl.utils import get_column_letter
    from shapes import specs, write

    from xladdin.layout import SheetLayout, write_project
    from xladdin.model import Merge

    def shifted(lay: SheetLayout) -> SheetLayout:
        out = SheetLayout(lay.name)
        out.cells = {(r + 7, c + 3): v for (r, c), v in lay.cells.items()}
        out.roles = {(r + 7, c + 3): v for (r, c), v in lay.roles.items()}
        out.merges = [Merge(m.min_row + 7, m.min_col + 3, m.max_row + 7, m.max_col + 3) for m in lay.merges]
        return out

    tables = specs()
    plain = write(tmp_path / "原样.xlsx", [write_project(s) for s in tables])
    moved = write(tmp_path / "挪动.xlsx", [shifted(write_project(s)) for s in tables])

    def findings(path: Path, dr: int = 0, dc: int = 0) -> list[tuple[str, str, str]]:
        _, data = check_json(path, capsys)
        out = []
        for p in data["projects"]:
            for f in p["findings"]:
                col = "".join(ch for ch in f["cell"] if ch.isalpha())
                row = int(f["cell"][len(col) :])
                idx = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(col)))
                out.append((f["rule"], f"{get_column_letter(idx - dc)}{row - dr}", f["severity"]))
        return out

    assert findings(moved, 7, 3) == findings(plain)


def test_a_system_export_with_one_title_for_many_projects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Projects one after another in one sheet, the title and year written once at the top."""
    from shapes import h_layout, specs, write

    from xladdin.layout import SheetLayout

    sheet = SheetLayout("导出")
    offset = 0
    for n, spec in enumerate(specs()[:3]):
        lay = h_layout(spec)
        skip = 0 if n == 0 else 2  # later projects: no title, no year line
        for (r, c), v in lay.cells.items():
            if r > skip:
                sheet.cells[(r - skip + offset, c)] = v
        offset += max(r for r, _ in lay.cells) - skip + 1
    path = write(tmp_path / "导出.xlsx", [sheet])
    _, data = check_json(path, capsys, "--tables")
    assert [p["name"] for p in data["projects"]] == [s.name for s in specs()[:3]]
    assert not any(f["rule"] == "HDR005" for p in data["projects"] for f in p["findings"])  # the year is inherited
    assert [p["total"] for p in data["projects"]] == [400.0, 80.0, 300.0]  # 元 → 万元


def test_long_and_annual_tables_of_one_project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """E1's 申报表 holds two indicator tables (长期, 年度): one project, the 年度 table judged, the
    长期 one read and listed (the same indicator with another target is no duplicate)."""
    from openpyxl import Workbook

    rows = [
        ["佳县财政支出项目绩效目标申报表 (2026年度)"],
        ["项目名称", "老年人助餐服务"],
        ["项目绩效目标", "长期目标", "年度目标"],
        [None, "三年内覆盖全县。", "为全县老年人提供助餐服务。"],
        ["长期绩效指标"],
        ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
        ["产出指标", "数量指标", "助餐人数", "≥1000人", ""],
        ["年度绩效指标"],
        ["一级指标", "二级指标", "指标内容", "指标值", "备注"],
        ["产出指标", "数量指标", "助餐人数", "≥300人", ""],
        ["效益指标", "社会效益指标", "老年人生活便利程度", "明显改善", ""],
        ["满意度指标", "服务对象满意度指标", "老年人满意度", "≥90%", ""],
    ]
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(tmp_path / "E1.xlsx")
    _, data = check_json(tmp_path / "E1.xlsx", capsys, "--tables")
    (p,) = data["projects"]
    table = p["table"]
    assert [t["kind"] for t in table["form"]["tables"]] == ["长期", "年度"]
    assert [r["value"] for r in table["indicators"]] == ["≥300人", "明显改善", "≥90%"]
    assert [r["value"] for r in table["other_tables"][0]["indicators"]] == ["≥1000人"]
    assert table["goal"]["text"] == "为全县老年人提供助餐服务。"
    assert not [f for f in p["findings"] if f["rule"] in ("IND009", "IND010")]
