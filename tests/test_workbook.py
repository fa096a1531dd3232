"""The bundled 2026 workbook against the published document (an independent source).

The workbook is built from TOML sources; these tests do not trust those sources but
compare the built .xlsx with the text of the published disclosure document
(``tests/data/seed_2026_published.txt``, a text extraction of the PDF).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from xladdin.files.sources import read_sheets
from xladdin.layout import read_project, spec_of, write_project
from xladdin.model import display_text

from .conftest import ROOT, TEMPLATE, WORKBOOK, run_soffice

SEED = Path(__file__).parent / "data" / "seed_2026_published.txt"
TITLE = "2026年宁夏回族自治区部门项目支出预算绩效表"


def norm(text: str) -> str:
    """Undo what PDF extraction does: whitespace anywhere, half-width punctuation on some pages."""
    t = re.sub(r"\s+", "", text)
    return t.replace(":", "：").replace(",", "，")


def seed_sections() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    return [norm(s) for s in text.split(TITLE)[1:]]


@pytest.fixture(scope="module")
def projects():
    sheets = read_sheets(WORKBOOK)
    out = [read_project(s) for s in sheets]
    return [p for p in out if p is not None]


def test_six_projects_with_published_totals(projects):
    assert [p.money.total.number for p in projects] == [400, 80, 300, 28, 290, 110]
    assert all(len(p.sheet) <= 31 for p in projects)


def test_131_indicator_rows(projects):
    assert sum(len(p.indicators) for p in projects) == 131


def test_every_field_and_indicator_is_published_in_order(projects):
    sections = seed_sections()
    assert len(sections) == len(projects) == 6
    for p, sec in zip(projects, sections, strict=True):
        pos = 0
        for f in (p.name, p.department, p.unit, p.attribute, p.period):
            assert norm(f.text) in sec, (p.sheet, f.text)
        for label, amount in p.money.items():
            assert display_text(amount.raw) != "", (p.sheet, label)
            assert display_text(amount.raw) in sec, (p.sheet, label, amount.raw)
        assert norm(p.goal.text) in sec
        pos = sec.index("一级指标")
        for ind in p.indicators:
            for text in (ind.level1.text, ind.level2.text):
                assert norm(text) in sec
            name_at = sec.find(norm(ind.name.text), pos)
            assert name_at >= 0, (p.sheet, ind.name.text)
            value_at = sec.find(norm(ind.value.text), name_at + len(norm(ind.name.text)))
            assert value_at >= 0, (p.sheet, ind.name.text, ind.value.text)
            pos = value_at


def test_indicator_values_are_published_text_not_numbers(projects):
    for p in projects:
        for ind in p.indicators:
            assert isinstance(ind.value.value, str), (p.sheet, ind.value.cell, ind.value.value)


def test_groups_follow_the_published_order(projects):
    for p in projects:
        seen = []
        for ind in p.indicators:
            key = (ind.level1.text, ind.level2.text)
            if not seen or seen[-1] != key:
                assert key not in seen, (p.sheet, key)
                seen.append(key)
        assert seen[0][0] == "产出指标"
        assert seen[-1] == ("满意度指标", "服务对象满意度")


def test_summary_sheet_links_and_formulas():
    from openpyxl import load_workbook

    wb = load_workbook(WORKBOOK)
    ws = wb["项目汇总"]
    names = [ws.cell(row=r, column=2).value for r in range(3, 9)]
    assert len(names) == 6 and all(names)
    for r in range(3, 9):
        link = ws.cell(row=r, column=2).hyperlink
        assert link is not None and link.location and "!" in link.location
        sheet = link.location.split("!")[0].strip("'#")
        assert sheet in wb.sheetnames
        assert str(ws.cell(row=r, column=3).value).startswith("=")
    assert ws.cell(row=9, column=1).value == "合计"
    assert ws.cell(row=9, column=3).value == "=SUM(C3:C8)"


def test_template_is_one_empty_project():
    sheets = read_sheets(TEMPLATE)
    assert len(sheets) == 1
    p = read_project(sheets[0])
    assert p is not None and p.name.empty
    assert {i.level2.text for i in p.indicators} >= {"数量指标", "质量指标", "成本指标", "服务对象满意度"}
    assert all(i.is_empty for i in p.indicators)


def test_build_is_reproducible(tmp_path):
    """Building from the sources gives the committed workbook's cells."""
    sys.path.insert(0, str(ROOT / "workbook"))
    try:
        import build  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
    target, template = tmp_path / "wb.xlsx", tmp_path / "tpl.xlsx"
    build.build(target, template)
    ours = {s.name: s.rows for s in read_sheets(target)}
    committed = {s.name: s.rows for s in read_sheets(WORKBOOK)}
    assert ours == committed


def test_written_layout_round_trips_every_project(projects):
    for p in projects:
        spec = spec_of(p)
        again = read_project(write_project(spec).to_sheet_data())
        assert again is not None and spec_of(again) == spec


def test_workbook_opens_in_libreoffice(soffice, tmp_path):
    res = run_soffice(soffice, ["--convert-to", "pdf", "--outdir", str(tmp_path), str(WORKBOOK)], tmp_path)
    pdfs = list(tmp_path.glob("*.pdf"))
    assert res.returncode == 0 and pdfs, res.stderr
    assert pdfs[0].stat().st_size > 10_000
