"""新年度: the 2026 workbook rolled into 2027, checked cell by cell against the source."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.check import check_sheets
from xladdin.commands.cli import main
from xladdin.conventions import TODO_COLOR
from xladdin.files.sources import read_sheets
from xladdin.rollover import CHANGED, CONFIRM, TODO, roll_text, year_mentions

from .workbook_snapshot import projects, specs

SHEETS = [s.sheet for s in specs()]
ARCHIVES = "退休人员档案"


@pytest.fixture(scope="module")
def rolled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from .conftest import WORKBOOK

    out = tmp_path_factory.mktemp("rollover") / "2027.xlsx"
    assert main(["rollover", str(WORKBOOK), "--to", "2027", "-o", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def checklist(rolled: Path) -> list[dict[str, str]]:
    ws = load_workbook(rolled)["新年度检查"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, r, strict=True)) for r in rows[1:]]


@pytest.mark.parametrize("sheet", SHEETS)
def test_every_project_rolls(sheet: str, rolled: Path, workbook_path: Path, checklist) -> None:
    src, dst = projects(workbook_path)[sheet], projects(rolled)[sheet]
    assert dst.year == 2027
    assert dst.title.text == "2027年宁夏回族自治区部门项目支出预算绩效表"
    ws = load_workbook(rolled)[sheet]
    assert ws[dst.year_cell].value == "(2027年)"
    # amounts and quantities are kept (the machine cannot know next year's budget) …
    assert [a.number for _, a in dst.money.items()] == [a.number for _, a in src.money.items()]
    for a, b in zip(src.indicators, dst.indicators, strict=True):
        if a.level2.text in ("数量指标", "成本指标"):
            assert b.value.text == a.value.text
    # … but marked for a person, in the cells and in the checklist
    todo = [r for r in checklist if r["工作表"] == sheet and r["类别"] == TODO]
    assert any(r["单元格"] == src.money.total.cell for r in todo)
    assert ws[src.money.total.cell].fill.fgColor.rgb.endswith(TODO_COLOR)
    for ind in src.indicators_in("数量") + src.indicators_in("成本"):
        assert any(r["单元格"] == ind.value.cell for r in todo), ind.name.text
    # the narrative's budget year moves with the table
    assert f"{src.year}年计划支付" not in dst.goal.text or sheet == ARCHIVES


def test_budget_year_in_names_and_narrative(rolled: Path) -> None:
    p = projects(rolled)[ARCHIVES]
    names = [i.name.text for i in p.indicators]
    assert "2027年需数字化的人事档案" in names
    assert "2026年需数字化的人事档案" not in names
    assert "2027年人事档案托管市场价" in names
    goal = p.goal.text
    assert "2027年数字化8000册" in goal
    assert "2027年需支付30%首付款" in goal


def test_years_that_are_not_the_budget_year_stay(rolled: Path, workbook_path: Path) -> None:
    src = projects(workbook_path)[ARCHIVES].goal.text
    goal = projects(rolled)[ARCHIVES].goal.text
    for fact in (
        "宁党办〔2019〕129号",
        "宁人社发〔2020〕73号",
        "2020年8月我厅",
        "从2019年10月起",
        "已于2020年、2023年分别签订",
        "主要托管2020年和2021年接收的",
        # events of 2026 that stay 2026: a contract expiring and the next one's dates
        "第二轮合同将于2026年10月到期",
        "(2026年11月至2029年10月)",
        "从2026年11月起接收",
    ):
        assert fact in src and fact in goal, fact
    p = projects(rolled)[ARCHIVES]
    assert next(i for i in p.indicators if i.name.text == "项目完成时间").value.text == "2029-10-1"


def test_timing_dates_move_one_year(rolled: Path) -> None:
    p = projects(rolled)["经办人员培训"]
    assert [i.value.text for i in p.indicators_in("时效")] == ["2027年12月"]
    # a leftover from an older table is not "moved": a person must decide
    p = projects(rolled)["事业管理费"]
    assert [i.value.text for i in p.indicators_in("时效")] == ["2025年12月"]


def test_checklist_lists_what_a_person_must_look_at(checklist) -> None:
    cats = [r["类别"] for r in checklist]
    assert cats == sorted(cats, key=[CONFIRM, TODO, CHANGED].index)  # most urgent first
    confirm = [r for r in checklist if r["类别"] == CONFIRM]
    text = " ".join(f"{r['工作表']} {r['单元格']} {r['内容']} {r['需要做什么']}" for r in confirm)
    assert "2025年12月" in text  # leftover 时效 date
    assert "2029-10-1" in text  # contract end
    assert "2026年10月到期" in text  # an event in the narrative
    assert "2026年需签订第三轮合同" in text
    changed = [r for r in checklist if r["类别"] == CHANGED]
    summary = [(r["单元格"], r["内容"]) for r in changed if r["工作表"] == "项目汇总"]
    assert summary == [("A1", "2027年项目支出预算绩效目标汇总表（单位：万元）")]  # the summary's title rolls
    assert any("2027年需数字化的人事档案" in (r["内容"] or "") for r in changed)
    assert all(r["工作表"] and r["单元格"] for r in checklist)


def test_other_sheets_are_left_alone_but_the_summary_title(rolled: Path, workbook_path: Path) -> None:
    a, b = load_workbook(workbook_path), load_workbook(rolled)
    for ws in a.worksheets:
        if ws.title in SHEETS:
            continue
        before = [[c.value for c in r] for r in ws.iter_rows()]
        after = [[c.value for c in r] for r in b[ws.title].iter_rows()]
        if ws.title == "项目汇总":  # its lines are formulas that follow the tables; its title names the year
            assert after[0][0] == before[0][0].replace("2026年", "2027年") != before[0][0]
            before, after = before[1:], after[1:]
        assert after == before
    assert set(b.sheetnames) == set(a.sheetnames) | {"新年度检查", "xladdin撤销"}


def test_a_sheet_xladdin_does_not_know_is_only_listed(workbook_copy: Path, tmp_path: Path) -> None:
    wb = load_workbook(workbook_copy)
    wb.create_sheet("说明")["B2"] = "2026年预算编制说明"
    wb.save(workbook_copy)
    out = tmp_path / "r.xlsx"
    assert main(["rollover", str(workbook_copy), "--to", "2027", "-o", str(out)]) == 0
    rolled = load_workbook(out)
    assert rolled["说明"]["B2"].value == "2026年预算编制说明"
    listed = [r for r in rolled["新年度检查"].iter_rows(values_only=True) if r[2] == "说明"]
    assert len(listed) == 1 and listed[0][1] == CONFIRM and listed[0][3] == "B2"


def test_no_new_time_findings(rolled: Path, workbook_path: Path) -> None:
    def time_findings(path: Path) -> set[tuple[str, str, str]]:
        res = check_sheets(str(path), read_sheets(path))
        return {(f.rule, f.sheet, f.cell) for f in res.findings if f.rule.startswith("TIME")}

    before, after = time_findings(workbook_path), time_findings(rolled)
    assert after <= before, after - before


def test_no_new_findings_at_all(rolled: Path, workbook_path: Path) -> None:
    """Rolling changes years only: no rule should see anything new (same cells, same rules)."""

    def findings(path: Path) -> set[tuple[str, str, str]]:
        res = check_sheets(str(path), read_sheets(path))
        return {(f.rule, f.sheet, f.cell) for f in res.findings}

    assert findings(rolled) <= findings(workbook_path)


def test_same_year_is_refused(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    assert main(["rollover", str(workbook_copy), "--to", "2026", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "已经是2026年度" in capsys.readouterr().err
    assert not (tmp_path / "x.xlsx").exists()


def test_input_untouched_and_dry_run(workbook_copy: Path, tmp_path: Path, capsys) -> None:
    before = workbook_copy.read_bytes()
    assert main(["rollover", str(workbook_copy), "--to", "2027", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "2027年需数字化的人事档案" in out and "未写入" in out
    assert main(["rollover", str(workbook_copy), "--to", "2027", "-o", str(tmp_path / "y.xlsx")]) == 0
    assert workbook_copy.read_bytes() == before


def test_rolling_twice_goes_one_year_further(rolled: Path, tmp_path: Path) -> None:
    out = tmp_path / "2028.xlsx"
    assert main(["rollover", str(rolled), "--to", "2028", "-o", str(out)]) == 0
    p = projects(out)[ARCHIVES]
    assert p.year == 2028 and "2028年需数字化的人事档案" in [i.name.text for i in p.indicators]
    ws = load_workbook(out)["新年度检查"]
    assert sum(1 for r in ws.iter_rows(values_only=True) if r[0] == "序号") == 1  # replaced, not appended


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026年计划支付80万元", "2027年计划支付80万元"),
        ("2026年度计划支付28万元", "2027年度计划支付28万元"),
        ("(宁党办〔2026〕129号)", "(宁党办〔2026〕129号)"),
        ("宁人社发[2026]73号", "宁人社发[2026]73号"),
        ("合同将于2026年10月到期", "合同将于2026年10月到期"),
        ("2026年需签订第三轮合同", "2026年需签订第三轮合同"),
        ("2020年8月我厅报送", "2020年8月我厅报送"),
        ("项目于2026-10-1启动", "项目于2026-10-1启动"),
        ("将我局2026年基本户资金预计110万元", "将我局2027年基本户资金预计110万元"),
    ],
)
def test_roll_text(text: str, expected: str) -> None:
    assert roll_text(text, 2026, 2027, "text")[0] == expected


def test_timing_context_rolls_every_budget_year_date() -> None:
    assert roll_text("≤2026年12月31日", 2026, 2027, "timing")[0] == "≤2027年12月31日"
    assert roll_text("2026-12-31", 2026, 2027, "timing")[0] == "2027-12-31"
    assert roll_text("2029-10-1", 2026, 2027, "timing")[0] == "2029-10-1"
    kinds = {m.year: m.action for m in year_mentions("2025年12月", 2026, "timing")}
    assert kinds == {2025: "keep"}


def test_rolled_workbook_opens_in_libreoffice(rolled: Path, tmp_path: Path, soffice: str) -> None:
    from .conftest import run_soffice

    res = run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(tmp_path), str(rolled)], cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    back = projects(tmp_path / rolled.name)
    assert {p.year for p in back.values()} == {2027}
    assert "2027年需数字化的人事档案" in [i.name.text for i in back[ARCHIVES].indicators]


def test_rich_text_keeps_its_fonts_through_rollover_and_undo(workbook_copy: Path, tmp_path: Path) -> None:
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    wb = load_workbook(workbook_copy, rich_text=True)
    goal = projects(workbook_copy)["基本户资金"].goal
    head, tail = "根据财政相关要求，将我局2026年基本户资金预计", "纳入项目库管理。"
    wb["基本户资金"][goal.cell] = CellRichText([head, TextBlock(InlineFont(b=True), "110万元"), tail])
    wb.save(workbook_copy)
    rolled, back = tmp_path / "r.xlsx", tmp_path / "b.xlsx"
    assert main(["rollover", str(workbook_copy), "--to", "2027", "-o", str(rolled)]) == 0
    cell = load_workbook(rolled, rich_text=True)["基本户资金"][goal.cell].value
    assert isinstance(cell, CellRichText)
    assert str(cell) == head.replace("2026", "2027") + "110万元" + tail
    bold = [r for r in cell if isinstance(r, TextBlock) and r.font.b]
    assert [r.text for r in bold] == ["110万元"]
    assert main(["undo", str(rolled), "-o", str(back)]) == 0
    again = load_workbook(back, rich_text=True)["基本户资金"][goal.cell].value
    assert isinstance(again, CellRichText) and str(again) == head + "110万元" + tail


def test_indicator_names_always_follow_the_budget_year() -> None:
    """A name is a target of the budget year; left behind it is a TIME004 finding next year."""
    assert roll_text("2026年10月前完成合同签订数", 2026, 2027, "name")[0] == "2027年10月前完成合同签订数"
    assert roll_text("依据宁人社发〔2026〕1号开展的培训", 2026, 2027, "name")[0] == "依据宁人社发〔2026〕1号开展的培训"
