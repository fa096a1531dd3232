"""Writing commands on another form: they write into the form's own columns and keep its layout.

The form is the budget system's grid (shape H): comparator (指标性质), number (指标值), unit
(度量单位) and weight (权重（分）) in columns of their own, 一级/二级 on every row.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.shapes import SHAPES
from xladdin.commands.cli import main
from xladdin.conventions import NEW_COLOR

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))


@pytest.fixture
def bundled_h(tmp_path: Path) -> Path:
    from shapes import h_layout, specs, write

    return write(tmp_path / "社保局本级-H.xlsx", [h_layout(s) for s in specs()])


def _columns(ws) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Heading → column of the indicator table's heading row."""
    for row in ws.iter_rows():
        texts = {str(c.value): c.column for c in row if c.value is not None}
        if "一级指标" in texts and "三级指标" in texts:
            return texts
    raise AssertionError("no heading row")


def test_fill_writes_comparators_into_the_comparator_column(
    bundled_h: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "填充.xlsx"
    assert main(["fill", str(bundled_h), "-o", str(out)]) == 0
    capsys.readouterr()
    before, after = load_workbook(bundled_h), load_workbook(out)
    changed: list[tuple[str, str, object, object]] = []
    for ws in after.worksheets:
        if ws.title not in before.sheetnames:
            continue
        old = before[ws.title]
        for row in ws.iter_rows():
            for c in row:
                if c.value != old[c.coordinate].value:
                    changed.append((ws.title, c.coordinate, old[c.coordinate].value, c.value))
    assert changed, "fill changed nothing"
    cols = _columns(after[changed[0][0]])
    for sheet, ref, old, new in changed:  # only comparators, only in 指标性质, never in 指标值
        assert after[sheet][ref].column == cols["指标性质"], (sheet, ref, old, new)
        assert old is None and new in ("≥", "≤", "＝")
    # what the checker asked for is done: the comparator findings are gone, as on the published form
    assert main(["check", str(out), "--select", "VAL004", "--format", "json"]) in (0, 1)
    assert capsys.readouterr().out.count('"VAL004"') == 1  # the one whose direction nobody can tell
    assert main(["fill", str(out), "-o", str(tmp_path / "再填.xlsx")]) == 0
    assert "没有需要填充的内容" in capsys.readouterr().out


def test_fill_adds_rows_in_the_forms_own_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = SHAPES["H"].save(tmp_path / "表样H.xlsx")
    out = tmp_path / "填充.xlsx"
    assert main(["fill", str(src), "-o", str(out)]) == 0
    capsys.readouterr()
    ws = load_workbook(out)["表样H"]
    cols = _columns(ws)
    new = [r for r in range(21, 26)]
    # 一级/二级 written on every new row, as the form does
    assert [ws.cell(r, cols["一级指标"]).value for r in new] == ["效益指标"] * 4 + ["满意度指标"]
    assert [ws.cell(r, cols["二级指标"]).value for r in new] == [
        "经济效益",
        "社会效益",
        "生态效益",
        "可持续影响",
        "服务对象满意度",
    ]
    # the cells a user fills — including the comparator, the unit and the weight — are highlighted
    for r in new:
        for heading in ("三级指标", "目标值", "计量单位", "指标方向", "分值"):
            assert ws.cell(r, cols[heading]).fill.fgColor.rgb.endswith(NEW_COLOR), (r, heading)


def test_format_keeps_the_forms_columns_and_widths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = SHAPES["H"].save(tmp_path / "表样H.xlsx")
    wb = load_workbook(src)
    ws = wb["表样H"]
    widths = {"A": 11, "B": 10, "C": 24, "D": 8, "E": 8, "F": 9, "G": 9, "H": 6, "I": 8}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    wb.save(src)
    out = tmp_path / "格式.xlsx"
    assert main(["format", str(src), "-o", str(out)]) == 0
    capsys.readouterr()
    ws = load_workbook(out)["表样H"]
    assert {col: ws.column_dimensions[col].width for col in widths} == widths
    cols = set(_columns(ws).values())
    for m in ws.merged_cells.ranges:  # no indicator row merged over two of the form's columns
        if m.min_row >= 14:
            spanned = {c for c in cols if m.min_col <= c <= m.max_col}
            assert len(spanned) <= 1 or m.min_row != m.max_row, str(m)


def test_rollover_and_marks_on_another_form(
    bundled_h: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "2027.xlsx"
    assert main(["rollover", str(bundled_h), "--to", "2027", "-o", str(out)]) == 0
    capsys.readouterr()
    wb = load_workbook(out)
    ws = wb["事业管理费"]
    assert ws["A2"].value == "(2027年)"
    goal = next(c.value for row in ws.iter_rows() for c in row if c.value == "年度目标" for c in [ws.cell(c.row, 2)])
    assert "2027年计划支付290万元" in goal  # the budget year in the narrative, rolled
    # marks land on the cells the check reports, in the form's own columns
    src = SHAPES["H"].save(tmp_path / "表样H.xlsx")
    marked = tmp_path / "标记.xlsx"
    assert main(["check", str(src), "--mark", "-o", str(marked)]) == 1
    capsys.readouterr()
    ws = load_workbook(marked)["表样H"]
    cols = _columns(ws)
    unit = ws.cell(15, cols["计量单位"])  # 出差人数: its 计量单位 is blank (VAL001 points there)
    assert unit.comment is not None and "VAL001" in unit.comment.text


def test_fill_on_a_tree_says_which_groups_to_add(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The budget system's grid keeps 一级/二级 as rows of their own: fill names the missing groups
    instead of writing group names into the indicator names."""
    src = SHAPES["Q"].save(tmp_path / "表样Q.xlsx")
    out = tmp_path / "填充.xlsx"
    assert main(["fill", str(src), "-o", str(out)]) == 0
    said = capsys.readouterr().out
    assert "未自动插入新行" in said and "满意度指标—服务对象满意度" in said
    before, after = load_workbook(src)["表样Q"], load_workbook(out)["表样Q"]
    assert after.max_row == before.max_row
    assert [[c.value for c in r] for r in after.iter_rows()] == [[c.value for c in r] for r in before.iter_rows()]
