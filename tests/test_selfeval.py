"""生成自评表 and its scores: the 自评表 made from the bundled workbook, filled in, recalculated by
LibreOffice and checked; the weights scheme; the reading of published 自评表 (shape R)."""

from __future__ import annotations

import itertools
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.rulekit import project, seed, seeds
from tests.selfevalkit import FILLED, TRAINING
from xladdin.check import check_sheets, read_tables
from xladdin.commands.cli import main
from xladdin.conventions import UNDO_SHEET
from xladdin.files.sources import read_sheets
from xladdin.layout import write_project
from xladdin.model import SheetData, parse_ref
from xladdin.selfeval import (
    DEFAULT_GRADES,
    Grades,
    default_weights,
    read_selfeval,
    round_cents,
    score,
    scoring_of,
    split_evenly,
    target_weights,
)
from xladdin.toolsheets.selfeval import selfeval_sheet
from xladdin.values import number_formula, written, written_number

from .conftest import run_soffice

ROOT = Path(__file__).resolve().parent.parent
LAYOUTS = ROOT.parent / "shared" / "notes" / "layouts.json"
SHEET = f"{TRAINING}-自评"


def selfevals_of(path: Path) -> dict[str, Any]:
    _, ses, _ = read_tables(read_sheets(path))
    return {se.sheet: se for se in ses}


def recalc(soffice: str, path: Path, tmp: Path) -> Path:
    """The workbook as LibreOffice computes it (formulas recalculated, results stored)."""
    outdir = tmp / f"recalc-{path.stem}"
    outdir.mkdir(exist_ok=True)
    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(outdir), str(path)], cwd=tmp)
    out = outdir / path.name
    assert out.exists(), res.stderr
    return out


def fill(path: Path, out: Path, cells: dict[str, Any], sheet: str = SHEET) -> Path:
    wb = load_workbook(path)
    ws = wb[sheet]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``xladdin selfeval`` of the bundled workbook."""
    from .conftest import WORKBOOK

    out = tmp_path_factory.mktemp("selfeval") / "自评表.xlsx"
    assert main(["selfeval", str(WORKBOOK), "-o", str(out)]) == 0
    return out


# --------------------------------------------------------------------------- weights


@pytest.mark.parametrize("points", [50.0, 30.0, 10.0, 12.5])
def test_split_evenly_adds_up_to_the_points_in_whole_cents(points: float) -> None:
    for n in range(1, 61):
        parts = split_evenly(points, n)
        assert len(parts) == n and round(sum(parts) * 100) == round(points * 100)
        assert max(parts) - min(parts) <= 0.0100001 and all(abs(p * 100 - round(p * 100)) < 1e-9 for p in parts)


def test_default_weights_follow_the_usual_scheme_on_every_seed_project() -> None:
    from xladdin.framework import level1_key

    for name in seeds():
        p = project(seed(name))
        weights = default_weights(p)
        groups: dict[str, float] = {}
        for ind in p.indicators:
            groups[level1_key(ind.level1.text)] = groups.get(level1_key(ind.level1.text), 0) + (weights[ind.row] or 0)
        assert {k: round(v, 2) for k, v in groups.items()} == {"产出": 50, "效益": 30, "满意度": 10}, name


def test_cost_as_a_level1_shares_the_output_points_and_a_missing_group_is_said() -> None:
    from tests.rulekit import drop, set_group
    from xladdin.plans.selfeval import plan_selfeval

    spec = seed(TRAINING)
    for name in ("区内三类培训费定额", "培训班讲师课时费", "培训班讲师差旅费", "培训场地租赁费"):
        spec = set_group(spec, name, level1="成本指标", level2="经济成本指标")
    p = project(spec)
    weights = default_weights(p)
    output = [weights[i.row] or 0 for i in p.indicators if i.level1.text in ("产出指标", "成本指标")]
    assert len(output) == 10 and round(sum(output), 2) == 50
    without = drop(seed(TRAINING), lambda i: i.level1 == "满意度指标")
    plan = plan_selfeval([write_project(without).to_sheet_data()])
    assert plan.counts["made"] == 1 and "没有满意度指标" in plan.notes[0]


def test_points_written_in_a_level1_label_and_a_weight_column_are_used() -> None:
    spec = seed(TRAINING)
    lay = write_project(spec)
    first = next(r for (r, c), v in lay.cells.items() if v == "产出指标")
    lay.cells[(first, 1)] = "产出指标(40分)"
    p = project(lay)
    out = [w for i, w in default_weights(p).items() if p.indicators[0].row <= i <= p.indicators[9].row]
    assert round(sum(x or 0 for x in out), 2) == 40
    # shape H: a 权重 column of the target table's own
    sheet = write_project(spec).to_sheet_data()
    rows = [[*r, None] for r in sheet.rows]
    rows[12][6] = "权重"
    for i, ind in enumerate(project(spec).indicators):
        rows[ind.row - 1][6] = 6 + i
    with_weights = SheetData(sheet.name, rows, sheet.merges)
    p2 = project(spec)
    own = target_weights(with_weights, p2)
    assert default_weights(p2, own) == {ind.row: 6 + i for i, ind in enumerate(p2.indicators)}


# --------------------------------------------------------------------------- reading numbers as the formulas do


@pytest.mark.parametrize(
    ("target", "method"),
    [
        ("≥95%", "higher"),
        ("95%以上", "higher"),
        ("18人", "higher"),
        ("≤1小时", "lower"),
        ("1.5分钟", "lower"),  # a time in a 时效 row: lower is better (direction.py)
        ("10.5万元/套", "lower"),  # a cost
        ("2026年12月", "graded"),
        ("9天*50人", "graded"),
        ("千分之五", "graded"),
        ("长期", "graded"),
        ("=100.00(%)", "graded"),
    ],
)
def test_each_target_gets_its_scoring_rule(target: str, method: str) -> None:
    l2 = "成本指标" if "万元/" in target else "时效指标" if "分钟" in target else "质量指标"
    name = "社保卡制卡时间" if "分钟" in target else "指标"
    assert scoring_of(target, "产出指标", l2, name).method == method


def test_an_actual_is_read_in_the_unit_its_target_is_written_in() -> None:
    w = written("≥11.376万元")
    assert w is not None and w.number == 11.376 and w.unit == "万元"
    assert written_number("12万元", w.remove) == 12.0
    assert written_number("≥12万元", w.remove) == 12.0
    assert written_number(" 12 ", w.remove) == 12.0
    assert written_number("120000元", w.remove) is None  # another way of writing: the formula cannot read it
    assert written_number("96%", ()) == 0.96 and written_number(0.96, ()) == 0.96
    assert written_number("1,200", ()) == 1200.0
    assert number_formula("E5", ("≥", "万元")).count("SUBSTITUTE") == 2


@given(
    st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False, allow_infinity=False),
    st.sampled_from(["万元", "人", "%", "亩", "元/人/天", "个季度", ""]),
    st.sampled_from(["", "≥", "≤", ">=", "不低于"]),
)
def test_the_written_number_of_any_target_reads_back(number: Any, unit: str, comparator: str) -> None:
    text = f"{comparator}{number}{unit}"
    w = written(text)
    assert w is not None
    expected = float(number) / (100 if unit == "%" else 1)
    assert w.number == pytest.approx(expected, rel=1e-12)
    assert written_number(text, w.remove) == pytest.approx(expected, rel=1e-12)
    assert written_number(f"{number}{unit}", w.remove) == pytest.approx(expected, rel=1e-12)


def test_scores_round_half_up_to_the_cent_as_the_sheet_does() -> None:
    assert round_cents(2.675) == 2.68 and round_cents(0.895) == 0.9 and round_cents(4.6875) == 4.69


def test_grades_are_configurable_and_refused_when_malformed() -> None:
    g = Grades.parse("达成=100，基本达成=80，未达成=0")
    assert g.words == ("达成", "基本达成", "未达成") and g.fraction(" 基本达成 ") == 0.8
    for bad in ("达成", "达成=120", "达成=100,达成=50", "=50"):
        with pytest.raises(ValueError):
            Grades.parse(bad)


# --------------------------------------------------------------------------- the sheet


def test_what_is_written_reads_back() -> None:
    for name in seeds():
        p = project(seed(name))
        weights = default_weights(p)
        content, _ = selfeval_sheet(p, f"{name}-自评", weights, DEFAULT_GRADES)
        se = read_selfeval(SheetData(content.name, content.grid(), tuple(content.merges)))
        assert se is not None, name
        assert (se.name.text, se.department.text, se.unit.text, se.year) == (
            p.name.text,
            p.department.text,
            p.unit.text,
            2026,
        )
        assert se.goal.value == p.goal.value
        kept = [i for i in p.indicators if not i.is_empty]
        assert [(r.level1.text, r.level2.text, r.name.text, r.target.text) for r in se.rows] == [
            (i.level1.text, i.level2.text, i.name.text, i.value.text) for i in kept
        ]
        assert [r.weight.value for r in se.rows] == [weights[i.row] for i in kept]
        assert [m.initial.value for m in se.money] == [
            p.money.annual.number,
            p.money.local_appropriation.number,
            p.money.local_carryover.number,
            p.money.local_other.number,
        ]
        assert se.grades == DEFAULT_GRADES and score(se).full == 100


def test_selfeval_adds_one_sheet_per_project_and_undo_takes_them_back(made: Path, tmp_path: Path) -> None:
    from .conftest import WORKBOOK

    before = load_workbook(WORKBOOK).sheetnames
    wb = load_workbook(made)
    added = [n for n in wb.sheetnames if n not in before and n != UNDO_SHEET]
    assert added == [f"{n}-自评" for n in seeds()]
    assert [r[1] for r in wb[UNDO_SHEET].iter_rows(min_row=2, values_only=True)].count("add_sheet") == 6
    assert set(selfevals_of(made)) == set(added)
    ws = wb[SHEET]
    assert ws["G14"].data_type == "f" and ws["F28"].value == "=SUM(F13:F27,G6)"
    assert ws.print_area == "'经办人员培训-自评'!$A$1:$I$31" and ws.print_title_rows == "$12:$12"
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert [(str(dv.sqref), dv.formula1) for dv in lists] == [("E13 E18", '"达成,部分达成,未达成"')]
    back = tmp_path / "back.xlsx"
    assert main(["undo", str(made), "-o", str(back)]) == 0
    assert load_workbook(back).sheetnames == before


def test_running_again_keeps_every_selfeval_as_the_department_left_it(made: Path, tmp_path: Path, capsys) -> None:
    filled = fill(made, tmp_path / "filled.xlsx", {"E14": 7})
    again = tmp_path / "again.xlsx"
    assert main(["selfeval", str(filled), "-o", str(again)]) == 0
    assert "每个项目都已有自评表" in capsys.readouterr().out
    a, b = load_workbook(filled), load_workbook(again)
    assert a.sheetnames == b.sheetnames and b[SHEET]["E14"].value == 7
    assert [[c.value for c in row] for row in a[SHEET].iter_rows()] == [
        [c.value for c in row] for row in b[SHEET].iter_rows()
    ]


def test_grades_option_sets_the_table_and_the_drop_down(tmp_path: Path) -> None:
    from .conftest import WORKBOOK

    out = tmp_path / "g.xlsx"
    assert main(["selfeval", str(WORKBOOK), "-o", str(out), "--grades", "达成=100,基本达成=80,未达成=0"]) == 0
    ws = load_workbook(out)[SHEET]
    assert [ws[c].value for c in ("C30", "D30", "E30", "C31", "D31", "E31")] == [
        "达成",
        "基本达成",
        "未达成",
        1,
        0.8,
        0,
    ]
    assert selfevals_of(out)[SHEET].grades.words == ("达成", "基本达成", "未达成")


def test_usage_mistakes_are_one_chinese_line(made: Path, tmp_path: Path, capsys) -> None:
    from .conftest import WORKBOOK

    assert main(["selfeval", str(made), "--score", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert main(["selfeval", str(WORKBOOK), "-o", str(tmp_path / "x.xlsx"), "--grades", "达成"]) == 2
    assert main(["selfeval", str(WORKBOOK), "--score"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("xladdin：") for line in err)
    assert "没有找到自评表" in err[2]


def test_other_verbs_leave_the_selfevals_alone(made: Path, tmp_path: Path) -> None:
    for argv in (["format"], ["fill"], ["rollover", "--to", "2027"]):
        out = tmp_path / f"{argv[0]}.xlsx"
        assert main([argv[0], str(made), *argv[1:], "-o", str(out)]) in (0, 1)
        a, b = load_workbook(made), load_workbook(out)
        for name in (n for n in a.sheetnames if n.endswith("-自评")):
            assert [[c.value for c in r] for r in a[name].iter_rows()] == [
                [c.value for c in r] for r in b[name].iter_rows()
            ], (argv, name)


# --------------------------------------------------------------------------- scores: Python, the formulas, LibreOffice


@pytest.fixture(scope="module")
def recalculated(made: Path, soffice: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("recalc")
    return recalc(soffice, fill(made, tmp / "filled.xlsx", FILLED), tmp)


def _cached(path: Path) -> SheetData:
    return next(s for s in read_sheets(path) if s.name == SHEET)


@pytest.mark.libreoffice
def test_libreoffice_recalculates_the_scores_python_computes_to_the_cent(recalculated: Path) -> None:
    sheet = _cached(recalculated)
    se = read_selfeval(sheet)
    assert se is not None
    s = score(se)
    assert [r.status for r in s.rows] == ["scored"] * 15  # some met, some not, two graded
    assert sorted({r.share for r in s.rows if r.share is not None and r.share < 1}) == pytest.approx(
        sorted([0.5, 0.6, 0.8, 0.9 / 0.93, 450 / 480, 0.97])
    )
    for r in s.rows:
        assert r.row.score.value == pytest.approx(r.score, abs=1e-9), r.row.score.cell  # the formula's result
    assert se.annual is not None
    assert se.annual.rate.value == pytest.approx(27.5 / 28) and se.annual.score.value == pytest.approx(9.82)
    assert s.execution_score == 9.82
    assert se.total_score is not None and se.total_score.value == pytest.approx(s.total, abs=0.005)
    assert s.total == round_cents(sum(r.score or 0 for r in s.rows) + 9.82) == 93.12


@pytest.mark.libreoffice
def test_check_finds_each_planted_mistake_on_its_cell_and_nothing_else(
    recalculated: Path, soffice: str, tmp_path: Path
) -> None:
    from .conftest import WORKBOOK

    planted = {
        "G16": 5,  # a hand score above the rule (1 of 2 间: 2.50)
        "I19": None,  # 480 against ≤450: a gap without its reason
        "D26": "3%",  # the target lowered after the fact (5% in the target table)
        "F6": 30,  # 30 spent of 28 budgeted
    }
    checked = recalc(soffice, fill(recalculated, tmp_path / "planted.xlsx", planted), tmp_path)
    result = check_sheets(str(checked), read_sheets(checked))
    mine = next(p for p in result.projects if p.sheet == SHEET)
    assert [(f.rule, f.cell) for f in mine.findings] == [
        ("SELF006", "F6"),
        ("SELF002", "G16"),
        ("SELF004", "I19"),
        ("SELF003", "D26"),
    ]
    assert mine.kind == "selfeval" and mine.score == score(selfevals_of(checked)[SHEET]).total
    # the other 自评表 are only said to be unstarted; the target tables are checked as before
    others = [p for p in result.projects if p.kind == "selfeval" and p.sheet != SHEET]
    assert len(others) == 5 and all([f.rule for f in p.findings] == ["SELF001"] for p in others)
    alone = check_sheets(str(WORKBOOK), read_sheets(WORKBOOK))
    assert [p.findings for p in result.projects if p.kind == "project"] == [p.findings for p in alone.projects]
    assert result.as_dict()["summary"]["selfevals"] == 6 and result.as_dict()["summary"]["projects"] == 6


@pytest.mark.libreoffice
def test_score_command_reports_the_scores_of_the_sheet(recalculated: Path, capsys) -> None:
    assert main(["selfeval", str(recalculated), "--score", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    totals = {s["sheet"]: s["total"] for s in data["selfevals"]}
    assert totals[SHEET] == 93.12 and len(totals) == 6
    assert main(["selfeval", str(recalculated), "--score"]) == 0
    out = capsys.readouterr().out
    assert "总分 93.12／100" in out and "预算执行率 98.21%，得分 9.82／10" in out


# --------------------------------------------------------------------------- printing


@pytest.mark.libreoffice
def test_each_table_prints_on_its_own_a4_pages_one_page_wide(made: Path, soffice: str, tmp_path: Path) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) not installed")
    wb = load_workbook(made)
    for name in list(wb.sheetnames):
        if not name.endswith("-自评"):
            wb.remove(wb[name])
    only = tmp_path / "自评表.xlsx"
    wb.save(only)
    run_soffice(soffice, ["--convert-to", "pdf", "--outdir", str(tmp_path), str(only)], cwd=tmp_path)
    pdf = tmp_path / "自评表.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])  # type: ignore[index]
    assert "A4" in info and re.search(r"Page size:\s+595\.\d+ x 841\.\d+", info)
    texts = [
        subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True).stdout
        for i in range(1, pages + 1)
    ]
    starts = [i for i, t in enumerate(texts) if "项目支出绩效自评表" in t]
    assert len(starts) == 6 and all(texts[i].count("项目支出绩效自评表") == 1 for i in starts)
    for t in texts:  # the header on every page, and the whole width of the table on it
        assert "一级指标" in t and "偏差原因分析及改进措施" in t and "评分方法" in t
        assert "目标数值" not in t  # the helper columns are not printed
    assert sum(1 for t in texts if "总分" in t) == 6
    bounds = [*starts, pages]
    per_table = [b - a for a, b in itertools.pairwise(bounds)]
    for a, n in zip(starts, per_table, strict=True):  # each table's pages hold its total
        assert sum(1 for t in texts[a : a + n] if "总分" in t) == 1
    assert all(n in (1, 2, 3) for n in per_table)
    sizes = {name: len(project(seed(name)).indicators) for name in seeds()}
    assert per_table[list(sizes).index("基本户资金")] == 1  # a short table is one page


# --------------------------------------------------------------------------- published 自评表 (shape R)


def _layouts() -> dict[str, Any]:
    if not LAYOUTS.exists():
        pytest.skip(f"{LAYOUTS} not found (the shared notes are beside the repository)")
    return {e["id"][:2]: e for e in json.loads(LAYOUTS.read_text(encoding="utf-8"))}


def published_sheet(entry: dict[str, Any], actuals: dict[int, str] | None = None) -> SheetData:
    """A workbook sheet laid out as the source describes (shape D's top rows, the money grid,
    the goal, the indicator table) with its sample rows, written as published."""
    labels = entry["header_block"]["labels"]
    money_heads = [x for x in labels if re.search(r"全年|分值|执行率|得分", x)]
    money_rows = [x for x in labels if re.search(r"资金总额|财政拨款|其他资金", x)]
    rows: list[list[Any]] = [
        [entry["title"].split("/")[0].strip()],
        [entry["title"].split("/")[-1].strip() if "/" in entry["title"] else f"({entry['year']}年度)"],
        ["项目名称", "示范项目", None, "项目负责人及电话", "张三 0000-0000000"],
        ["主管部门", "示范局", None, "实施单位", "示范中心"],
        [next(x for x in labels if x.startswith("资金情况")), None, *money_heads],
        *[[None, r] for r in money_rows],
        [entry["goal_block"]["labels"][0], *entry["goal_block"]["labels"][1:]],
        [None, "年初设定的目标", "完成情况"],
        list(entry["indicator_table"]["columns"]),
    ]
    header = len(rows)
    for i, sample in enumerate(entry["sample_rows"]):
        line = list(sample) + [None] * (8 - len(sample))
        if actuals and i in actuals:
            line[5] = actuals[i]
        rows.append(line)
    width = max(len(r) for r in rows)
    grid = [r + [None] * (width - len(r)) for r in rows]
    assert grid[header - 1][0].replace(" ", "") == "一级指标"
    return SheetData(entry["id"][:2], grid, ())


@pytest.mark.parametrize("which", ["R1", "R2"])
def test_published_selfevals_are_read_and_scored_as_published(which: str) -> None:
    entry = _layouts()[which]
    se = read_selfeval(published_sheet(entry))
    assert se is not None and se.year == entry["year"] and se.name.text == "示范项目"
    assert [r.name.text for r in se.rows] == [s[2] for s in entry["sample_rows"]]
    s = score(se)
    published = [(r.row.name.text, float(r.row.score.value)) for r in s.rows if r.row.score.text]
    computed = [(r.row.name.text, r.score) for r in s.rows if r.row.score.text]
    assert computed == published and len(published) == 4 - (1 if which == "R1" else 0)
    result = check_sheets(f"{which}.xlsx", [published_sheet(entry)])
    assert [p.kind for p in result.projects] == ["selfeval"]
    assert not [f for f in result.findings if f.rule == "SELF002"]


@pytest.mark.parametrize(
    ("which", "row", "actual", "published", "computed"), [("R1", 2, "90%", "5", "4.74"), ("R2", 1, "90%", "20", "18")]
)
def test_the_check_says_where_a_published_score_differs_from_the_computed_one(
    which: str, row: int, actual: str, published: str, computed: str
) -> None:
    entry = _layouts()[which]
    sheet = published_sheet(entry, {row: actual})
    result = check_sheets(f"{which}.xlsx", [sheet])
    wrong = [f for f in result.findings if f.rule == "SELF002"]
    assert len(wrong) == 1 and (wrong[0].actual, wrong[0].expected, wrong[0].severity) == (published, computed, "error")
    r, c = parse_ref(wrong[0].cell)
    se = read_selfeval(sheet)
    assert se is not None and sheet.value(r, c) == published and sheet.value(se.header_row, c) == "得分"


def test_r2_actuals_copied_with_their_comparator_are_pointed_out() -> None:
    entry = _layouts()["R2"]
    result = check_sheets("R2.xlsx", [published_sheet(entry)])
    assert [f.actual for f in result.findings if f.rule == "SELF009"] == ["≥266米", "≥95%"]


# --------------------------------------------------------------------------- the check in parts


def test_a_parallel_check_compares_each_selfeval_with_its_table(tmp_path: Path) -> None:
    """In a check in parts the 自评表 and its table may be read by different processes."""
    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from xladdin.files.checking import check_file

    src = generate(tmp_path / "many.xlsx", n_projects=12, seed=21)
    made = tmp_path / "made.xlsx"
    assert main(["selfeval", str(src), "-o", str(made)]) == 0
    last = [n for n in load_workbook(made).sheetnames if n.endswith("-自评")][-1]
    changed = fill(made, tmp_path / "changed.xlsx", {"D13": "≥1套"}, sheet=last)
    serial = check_file(changed, jobs=1)
    parallel = check_file(changed, jobs=2)
    assert [(p.sheet, p.findings) for p in parallel.projects] == [(p.sheet, p.findings) for p in serial.projects]
    target_changed = [f for f in serial.findings if f.rule == "SELF003"]
    assert [(f.sheet, f.cell) for f in target_changed] == [(last, "D13")]


# --------------------------------------------------------------------------- the Excel shell


def test_excel_marks_the_selfeval_mistakes_as_the_command_line_does(
    made: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """校验 in Excel (xlwings' remote engine) and ``check --mark`` mark the same 自评表 cells."""
    import xladdin.conventions
    from tests.test_shells import excel_run, files_run, same
    from xladdin.excel import addin

    monkeypatch.setattr(addin, "LOG_FILE", str(tmp_path / "xladdin.log"))
    monkeypatch.setattr(xladdin.conventions, "now_text", lambda: "2026-12-03 09:00:00")
    src = fill(made, tmp_path / "filled.xlsx", {**FILLED, "G16": 5, "F6": 30})
    by_file = files_run(src, ["check", "--mark", "--in-place"], tmp_path / "file.xlsx")
    by_excel, message = excel_run(src, addin.check, tmp_path / "excel.xlsx")
    same(by_file, by_excel)
    assert "6个项目、6张自评表" in message
    marked = load_workbook(by_file)[SHEET]
    assert marked["G16"].comment is not None and "SELF002" in marked["G16"].comment.text
    assert marked["F6"].comment is not None and "SELF006" in marked["F6"].comment.text
