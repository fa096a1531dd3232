"""填充指标: skeleton, cost rows from the budget, comparators, library, new project, idempotence."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.conventions import NEW_COLOR
from xladdin.costs import explain
from xladdin.fill import derive_unit_cost, plan_fill, round_unit_cost, value_template
from xladdin.framework import CLASSIC, level1_key, level2_key
from xladdin.model import Field, Indicator
from xladdin.values import parse

from .workbook_snapshot import build, projects, snapshot, specs

CARD = "社保卡补换卡"
SHEETS = [s.sheet for s in specs()]


def _fill(src: Path, out: Path, *extra: str) -> int:
    return main(["fill", str(src), "-o", str(out), *extra])


# --------------------------------------------------------------------------- cost rows


@pytest.fixture
def no_card_costs(tmp_path: Path) -> Path:
    """The workbook with the five 成本指标 rows of 社保卡补换卡 left out."""
    return build(tmp_path / "无成本.xlsx", keep=lambda s, i: not (s.sheet == CARD and i.level2 == "成本指标"))


def test_cost_rows_recreated_from_narrative_and_quantities(no_card_costs: Path, tmp_path: Path, capsys) -> None:
    before = projects(no_card_costs)[CARD]
    assert not before.indicators_in("成本")
    out = tmp_path / "填充.xlsx"
    assert _fill(no_card_costs, out) == 0
    p = projects(out)[CARD]
    costs = p.indicators_in("成本")
    assert len(costs) == 5
    exp = explain(p)
    # every recreated row is a cost line whose amount reads back as the stated amount
    stated = {19.6, 45.91, 1.26, 0.21, 13.02}
    lines = [exp.line_at(c.row) for c in costs]
    assert all(line is not None and not line.lump_sum for line in lines)
    assert {round(line.amount_wan, 2) for line in lines if line} == stated
    assert exp.balanced and not exp.narrative_unmatched
    # the unit costs the department published, exactly where the rounding allows only one
    by_unit = {(parse(c.value.text).unit, parse(c.value.text).per): parse(c.value.text).number for c in costs}
    values = [c.value.text for c in costs]
    assert {"4.9万元/台", "6.2元/张", "3150元/台"} <= set(values)
    assert by_unit[("元", ("张",))] == pytest.approx(6.2)
    # the rows below the table's 成本 group did not move relative to each other
    tail_before = [(i.level2.text, i.name.text) for i in before.indicators if level1_key(i.level1.text) != "产出"]
    tail_after = [(i.level2.text, i.name.text) for i in p.indicators if level1_key(i.level1.text) != "产出"]
    assert tail_before == tail_after
    # the 248 (narrative) vs 250 (indicator) disagreement is said, not hidden
    wb = load_workbook(out)
    record = [" ".join(str(c.value or "") for c in row) for row in wb["填充记录"].iter_rows()]
    assert any("248套" in r and "250套" in r for r in record)
    # and `xladdin costs` explains the 80万元 again
    capsys.readouterr()
    assert main(["costs", str(out), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    card = next(x for x in data["projects"] if x["sheet"] == CARD)
    assert card["total"] == 80 and abs(card["unexplained"]) <= 0.01


def test_cost_rows_sit_inside_the_cost_group_with_merged_label(no_card_costs: Path, tmp_path: Path) -> None:
    out = tmp_path / "填充.xlsx"
    _fill(no_card_costs, out, "--sheet", CARD)
    p = projects(out)[CARD]
    costs = p.indicators_in("成本")
    rows = [c.row for c in costs]
    assert rows == list(range(rows[0], rows[0] + 5))
    ws = load_workbook(out)[CARD]
    merges = {m.coord for m in ws.merged_cells.ranges}
    assert f"B{rows[0]}:B{rows[-1]}" in merges  # the 二级 label spans the new rows
    产出 = [i.row for i in p.indicators if level1_key(i.level1.text) == "产出"]
    assert f"A{min(产出)}:A{max(产出)}" in merges  # and the 一级 block grew with them
    for r in rows:
        assert f"C{r}:D{r}" in merges and f"E{r}:F{r}" in merges
        assert ws[f"E{r}"].fill.fgColor.rgb.endswith(NEW_COLOR)


def test_published_workbook_needs_no_cost_rows(workbook_path: Path) -> None:
    for p in projects(workbook_path).values():
        plan = plan_fill(p, comparators=False)
        assert plan.new_rows == [], p.sheet
        assert plan.edits == [], p.sheet


@pytest.mark.parametrize(
    ("amount", "text", "qty", "expected"),
    [
        (0.21, "0.21万元", "4台", Decimal(520)),  # 525 divides exactly, 520 is the round one
        (45.91, "45.91万元", "250套", Decimal("1836.4")),
        (19.6, "19.6万元", "4台", Decimal(49000)),
        (1.26, "1.26万元", "4台", Decimal(3150)),
        (13.02, "13.02万元", "21000张", Decimal("6.2")),
    ],
)
def test_roundest_unit_cost(amount: float, text: str, qty: str, expected: Decimal) -> None:
    ind = Indicator(1, Field("产出指标", "A1"), Field("数量指标", "B1"), Field("x", "C1"), Field(qty, "E1"))
    uc = derive_unit_cost(amount, text, ind)
    assert uc is not None and uc.yuan == expected


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=5_000_000),  # amount in 0.01万元
    st.integers(min_value=1, max_value=100_000),
)
def test_unit_cost_times_quantity_rounds_back(cents: int, qty: int) -> None:
    amount = Decimal(cents) / 100
    c = round_unit_cost(amount, 2, Decimal(qty))
    assert c is not None
    back = (c * qty / 10000).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert back == amount


def test_staff_over_a_year_gives_a_monthly_rate() -> None:
    ind = Indicator(
        1,
        Field("产出指标", "A1"),
        Field("数量指标", "B1"),
        Field("企业退休人员人事档案数字化管理信息系统维护人员", "C1"),
        Field("2人", "E1"),
    )
    uc = derive_unit_cost(28.8, "28.8万元", ind)
    assert uc is not None and uc.text == "1.2万元/月/人"


def test_cost_rows_for_staff_project(tmp_path: Path) -> None:
    """信息系统维护 without its 维护费 rows: the per-month form comes back."""
    src = build(
        tmp_path / "a.xlsx",
        keep=lambda s, i: not (s.sheet == "信息系统维护" and i.name == "企业退休人员人事档案数字化管理信息系统维护费"),
        only="信息系统维护",
    )
    out = tmp_path / "b.xlsx"
    _fill(src, out, "--no-comparators")
    p = projects(out)["信息系统维护"]
    new = [i for i in p.indicators_in("成本") if "维护" in i.name.text and "企业退休人员" in i.name.text]
    assert [i.value.text for i in new] == ["1.2万元/月/人"]
    assert explain(p).balanced


# --------------------------------------------------------------------------- skeleton


def _group_order(p) -> list[str]:
    seen: list[str] = []
    for i in p.indicators:
        k = level2_key(i.level2.text)
        if not seen or seen[-1] != k:
            seen.append(k)
    return seen


STANDARD = [k for groups in CLASSIC.values() for k, _ in groups]


@pytest.mark.parametrize("sheet", SHEETS)
def test_skeleton_restores_missing_groups_in_order(sheet: str, tmp_path: Path) -> None:
    missing = ("质量指标", "可持续影响", "服务对象满意度")
    src = build(tmp_path / "缺组.xlsx", keep=lambda s, i: i.level2 not in missing, only=sheet)
    before = projects(src)[sheet]
    assert not any(level2_key(i.level2.text) == "质量" for i in before.indicators)
    out = tmp_path / "骨架.xlsx"
    assert _fill(src, out, "--no-comparators") == 0
    p = projects(out)[sheet]
    assert _group_order(p) == STANDARD
    for key in ("质量", "可持续影响", "服务对象满意度"):
        rows = [i for i in p.indicators if level2_key(i.level2.text) == key]
        assert len(rows) == 1 and rows[0].is_empty, key
    kept = [(i.level2.text, i.name.text, i.value.text) for i in p.indicators if not i.is_empty]
    assert kept == [(i.level2.text, i.name.text, i.value.text) for i in before.indicators]
    # 满意度 was a whole 一级 block: it comes back with its own label
    last = p.indicators[-1]
    assert level1_key(last.level1.text) == "满意度" and last.level1.cell == f"A{last.row}"
    ws = load_workbook(out)[sheet]
    q = next(i for i in p.indicators if level2_key(i.level2.text) == "质量")
    assert ws[q.name.cell].fill.fgColor.rgb.endswith(NEW_COLOR)


@pytest.mark.parametrize("sheet", SHEETS)
def test_complete_project_gets_no_skeleton_rows(sheet: str, workbook_path: Path) -> None:
    p = projects(workbook_path)[sheet]
    plan = plan_fill(p)
    assert [r for r in plan.new_rows if r.kind == "skeleton"] == []


def test_missing_first_group_goes_to_the_top(tmp_path: Path) -> None:
    src = build(tmp_path / "a.xlsx", keep=lambda s, i: i.level2 != "数量指标", only="经办人员培训")
    out = tmp_path / "b.xlsx"
    _fill(src, out, "--no-comparators")
    p = projects(out)["经办人员培训"]
    assert level2_key(p.indicators[0].level2.text) == "数量"
    assert p.indicators[0].row == p.header_row + 1
    ws = load_workbook(out)["经办人员培训"]
    assert ws[f"A{p.header_row + 1}"].value == "产出指标"
    产出 = [i.row for i in p.indicators if level1_key(i.level1.text) == "产出"]
    assert f"A{min(产出)}:A{max(产出)}" in {m.coord for m in ws.merged_cells.ranges}


# --------------------------------------------------------------------------- comparators


def test_fill_clears_the_checkers_comparator_warnings(tmp_path: Path, workbook_path: Path) -> None:
    """What fill adds is what VAL004 asks for, and it adds no finding of its own."""
    from xladdin.check import check_sheets
    from xladdin.files.sources import read_sheets

    out = tmp_path / "c.xlsx"
    _fill(workbook_path, out)

    def findings(path: Path) -> set[tuple[str, str, str]]:
        return {(f.rule, f.sheet, f.cell) for f in check_sheets(str(path), read_sheets(path)).findings}

    before, after = findings(workbook_path), findings(out)
    assert after < before
    left = {f for f in after if f[0] == "VAL004"}
    assert left == {("VAL004", "基本户资金", "E20")}  # "电子化支付 90%": the checker cannot tell either


def test_comparators_where_direction_is_clear(tmp_path: Path, workbook_path: Path) -> None:
    out = tmp_path / "c.xlsx"
    _fill(workbook_path, out)
    after = {s: {i.name.text: i.value.text for i in p.indicators} for s, p in projects(out).items()}
    assert after[CARD]["社保卡卡片损坏率"] == "≤千分之五"
    assert after[CARD]["社保卡制卡时间"] == "≤1.5分钟"
    assert after["事业管理费"]["社保待遇领取人员满意度"] == "≥95%"
    assert after["事业管理费"]["指标1：提高工作效率"] == "≥95%"  # the checker's polarity: an improvement
    # 100% can only mean one thing, and costs (unit prices and totals) are stated bare in the
    # department's form: the checker asks for no comparator there, so the filler adds none
    assert after["信息系统维护"]["网络安全合格率"] == "100%"
    assert after["基本户资金"]["自治区社保局基本户资金"] == "110万元"
    assert after[CARD]["社保卡制卡机服务费"] == "4.9万元/台"
    # direction not beyond doubt: left alone
    assert after["基本户资金"]["电子化支付"] == "90%"
    assert after["信息系统维护"]["开展关键信息基础设施风险评估、攻防演练及定期安全巡检等工作"] == "52天"
    assert after["事业管理费"]["指标16：社保网络专线租赁时间"] == "4个季度"
    assert after["退休人员档案"]["项目完成时间"] == "2029-10-1"
    for s, p in projects(out).items():
        assert explain(p).balanced, s


def _fill_and_advice(path: Path) -> tuple[dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    """The comparators 填充指标 would write, and the comparators the checker asks for (cell → value)."""
    from xladdin.check import check_sheets, read_projects
    from xladdin.files.sources import read_sheets

    sheets = read_sheets(path)
    projects_, _ = read_projects(sheets)
    filled = {}
    for p in projects_:
        for e in plan_fill(p, None, costs=False).edits:
            filled[(e.sheet, e.cell)] = str(e.new)
    advice = {}
    for f in check_sheets(str(path), sheets).findings:
        if f.rule in ("VAL003", "VAL004") and f.expected not in (None, "≥ / ≤ / ＝"):
            advice[(f.sheet, f.cell)] = f.expected
    return filled, advice


@pytest.mark.slow
def test_fill_comparators_equal_the_checkers_advice_on_the_bench_workbooks(tmp_path: Path) -> None:
    """The same on the 1,000-project bench workbooks (the repeated and the distinct texts); --runslow."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    for distinct in (False, True):
        path = generate(tmp_path / f"bench-{distinct}.xlsx", n_projects=1000, seed=2026, distinct=distinct)
        filled, advice = _fill_and_advice(path)
        assert len(advice) > 2000
        assert filled == advice, path


def test_fill_comparators_equal_the_checkers_advice(workbook_path: Path, tmp_path: Path) -> None:
    """One home for "which way is better": on every row the filler writes exactly what VAL003/VAL004 ask for."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate

    big = generate(tmp_path / "big.xlsx", n_projects=120, seed=7)
    for path in (workbook_path, big):
        filled, advice = _fill_and_advice(path)
        assert advice, path
        assert filled == advice, path


# --------------------------------------------------------------------------- idempotence


def test_filling_twice_changes_nothing(no_card_costs: Path, tmp_path: Path, capsys) -> None:
    once, twice = tmp_path / "1.xlsx", tmp_path / "2.xlsx"
    assert _fill(no_card_costs, once) == 0
    capsys.readouterr()
    assert main(["fill", str(once), "--dry-run"]) == 0
    assert "共 0 处修改" in capsys.readouterr().out
    assert _fill(once, twice) == 0
    assert snapshot(once) == snapshot(twice)


def test_dry_run_writes_nothing(no_card_costs: Path, tmp_path: Path, capsys) -> None:
    before = no_card_costs.read_bytes()
    assert main(["fill", str(no_card_costs), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "4.9万元/台" in out and "未写入" in out
    assert no_card_costs.read_bytes() == before
    assert sorted(p.name for p in no_card_costs.parent.iterdir()) == [no_card_costs.name]


def test_input_is_never_overwritten_without_in_place(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    before = workbook_copy.read_bytes()
    assert main(["fill", str(workbook_copy)]) == 2
    assert "-o" in capsys.readouterr().err
    assert workbook_copy.read_bytes() == before
    assert main(["fill", str(workbook_copy), "--in-place"]) == 0
    backups = list(workbook_copy.parent.glob("*备份*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before


def test_unknown_sheet_is_a_user_error(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    assert main(["fill", str(workbook_copy), "--sheet", "没有这个表", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "找不到工作表" in capsys.readouterr().err
    assert main(["fill", str(workbook_copy), "--sheet", "项目汇总", "-o", str(tmp_path / "x.xlsx")]) == 2


# --------------------------------------------------------------------------- library / new project


def test_value_template_keeps_unit_and_blanks_number() -> None:
    assert value_template("≥95%") == "≥XX%"
    assert value_template("4.9万元/台") == "XX万元/台"
    assert value_template("9天*50人") == "XX天*XX人"
    assert value_template("千分之五") == "XX‰"
    assert value_template("长期") == ""


def test_new_project_from_template(workbook_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "新项目.xlsx"
    name = "社会保障卡服务网点建设"
    assert _fill(workbook_copy, out, "--new-project", name) == 0
    ps = projects(out)
    new = next(p for p in ps.values() if p.name.text == name)
    assert new.department.text == "自治区人力资源和社会保障厅"
    assert new.unit.text == "自治区社会保险事业管理局本级"
    assert new.attribute.text == "经常性项目"
    assert new.year == 2026
    assert _group_order(new) == STANDARD
    named = [i for i in new.indicators if i.name.text]
    assert len(named) >= 9  # at least one suggestion per group
    # the most similar project is the 社保卡 one: its indicators come first
    card_names = {i.name.text for i in ps[CARD].indicators}
    assert sum(i.name.text in card_names for i in named) >= 5
    # numbers are the user's to fill: no suggested value carries a number
    assert all(not any(ch.isdigit() for ch in i.value.text) for i in new.indicators)
    assert any(i.value.text == "≥XX%" for i in new.indicators)
    # every other sheet is unchanged
    for s in ps:
        if s != new.sheet:
            assert [(i.name.text, i.value.text) for i in ps[s].indicators] == [
                (i.name.text, i.value.text) for i in projects(workbook_copy)[s].indicators
            ]


def test_library_from_other_workbook(tmp_path: Path) -> None:
    only_card = build(tmp_path / "仅社保卡.xlsx", only=CARD)
    lib = build(tmp_path / "库.xlsx", only="退休人员档案")
    out = tmp_path / "out.xlsx"
    name = "企业退休人员人事档案数字化"
    assert _fill(only_card, out, "--new-project", name, "--library", str(lib)) == 0
    new = next(p for p in projects(out).values() if p.name.text == name)
    names = {i.name.text for i in new.indicators}
    assert "2026年需数字化的人事档案" in names  # from the other workbook, the closer project
    wb = load_workbook(out)
    assert any("库.xlsx" in str(c.value) for row in wb["填充记录"].iter_rows() for c in row)


def test_new_project_name_clash_is_a_user_error(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    rc = _fill(workbook_copy, tmp_path / "x.xlsx", "--new-project", "自治区本级社会保障卡补换卡")
    assert rc == 2 and "已有项目" in capsys.readouterr().err


def test_suggestions_only_for_empty_groups() -> None:
    for s in specs():
        p = projects_from_spec(s)
        plan = plan_fill(p, library=_library(), comparators=False)
        assert [r for r in plan.new_rows if r.kind == "suggestion"] == [], s.sheet


def _library():
    from xladdin.fill import library_from

    return library_from([projects_from_spec(s) for s in specs()], "lib")


def projects_from_spec(s):
    from xladdin.layout import read_project, write_project

    p = read_project(write_project(s).to_sheet_data())
    assert p is not None
    return p


def test_2021_framework_keeps_cost_as_first_level(tmp_path: Path) -> None:
    """成本指标 as a 一级 (财预〔2021〕101号): cost rows go there, its 二级 groups come first."""
    from dataclasses import replace as dc_replace

    from xladdin.files.workbooks import new_workbook_from_layouts
    from xladdin.layout import IndicatorSpec, write_project

    s = next(x for x in specs() if x.sheet == CARD)
    first_cost = next(i for i in s.indicators if i.level2 == "成本指标")
    rest = [i for i in s.indicators if i.level2 != "成本指标"]
    s2 = dc_replace(s, indicators=(IndicatorSpec("成本指标", "经济成本指标", first_cost.name, first_cost.value), *rest))
    src, out = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    new_workbook_from_layouts([write_project(s2)]).save(src)
    assert _fill(src, out, "--no-comparators") == 0
    p = projects(out)[CARD]
    assert _group_order(p)[:3] == ["经济成本", "社会成本", "生态环境成本"]
    assert len(p.indicators_in("经济成本")) == 5
    assert all(level1_key(i.level1.text) == "成本" for i in p.indicators_in("经济成本"))
    assert explain(p).balanced


def test_empty_table_gets_the_whole_skeleton(tmp_path: Path) -> None:
    src = build(tmp_path / "a.xlsx", keep=lambda s, i: False, only=CARD)
    out = tmp_path / "b.xlsx"
    assert _fill(src, out) == 0
    p = projects(out)[CARD]
    assert _group_order(p) == STANDARD and all(i.is_empty for i in p.indicators)
    ws = load_workbook(out)[CARD]
    merges = {m.coord for m in ws.merged_cells.ranges}
    first = p.header_row + 1
    assert f"A{first}:A{first + 3}" in merges  # 产出: 数量/质量/时效/成本
    assert all(f"C{r}:D{r}" in merges for r in range(first, first + len(STANDARD)))


def test_inserted_rows_match_the_house_formatting(no_card_costs: Path, tmp_path: Path) -> None:
    """format → fill gives the same look as format → fill → format: new rows fit in exactly."""
    fmt, filled, again = tmp_path / "f.xlsx", tmp_path / "g.xlsx", tmp_path / "h.xlsx"
    assert main(["format", str(no_card_costs), "-o", str(fmt)]) == 0
    assert _fill(fmt, filled, "--sheet", CARD) == 0
    assert main(["format", str(filled), "-o", str(again)]) == 0
    a, b = load_workbook(filled)[CARD], load_workbook(again)[CARD]

    def look(ws, ref: str) -> tuple:
        c = ws[ref]
        sides = tuple(getattr(getattr(c.border, s), "style", None) for s in ("left", "right", "top", "bottom"))
        return sides, c.font.name, c.font.b, c.font.sz, c.alignment.horizontal, c.alignment.wrap_text

    cells = [f"{col}{r}" for r in range(1, b.max_row + 1) for col in "ABCDEF"]
    assert [look(a, x) for x in cells] == [look(b, x) for x in cells]
    assert sorted(m.coord for m in a.merged_cells.ranges) == sorted(m.coord for m in b.merged_cells.ranges)
    assert {r: a.row_dimensions[r].height for r in range(1, b.max_row + 1)} == {
        r: b.row_dimensions[r].height for r in range(1, b.max_row + 1)
    }


def test_filled_workbook_opens_in_libreoffice(no_card_costs: Path, tmp_path: Path, soffice: str) -> None:
    """Another consumer (LibreOffice) reads the inserted rows and their merged labels the same way."""
    from .conftest import run_soffice

    filled = tmp_path / "filled.xlsx"
    _fill(no_card_costs, filled)
    outdir = tmp_path / "lo"
    outdir.mkdir()
    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(outdir), str(filled)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    converted = outdir / "filled.xlsx"
    ours, theirs = projects(filled)[CARD], projects(converted)[CARD]
    assert [(i.level2.text, i.name.text, i.value.text) for i in ours.indicators] == [
        (i.level2.text, i.name.text, i.value.text) for i in theirs.indicators
    ]
    assert explain(theirs).balanced
