"""``xladdin check --fix``: the safe fixes of the findings applied, journalled, and gone from the next check."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xladdin.commands.cli import main
from xladdin.conventions import FILL_RECORD_SHEET, NEW_COLOR

from .workbook_snapshot import snapshot


def _check(path: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["check", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    return [f for p in data["projects"] for f in p["findings"]]


def test_fix_applies_the_safe_fixes_says_which_and_undo_restores_the_workbook_exactly(
    workbook_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _check(workbook_copy, capsys)
    safe = [f for f in before if isinstance(f.get("fix"), dict) and f["fix"]["safe"]]  # type: ignore[index]
    assert safe, "the bundled workbook has findings with safe fixes"
    fixed = tmp_path / "fixed.xlsx"
    assert main(["check", str(workbook_copy), "--fix", "-o", str(fixed)]) == 1  # the real errors stay
    said = capsys.readouterr()
    per_rule = Counter(str(f["rule"]) for f in safe)
    assert f"已修正{len(safe)}处" in said.err
    for rule, n in per_rule.items():
        assert f"{rule} {n}处" in said.err
    # the cells hold the new values, highlighted and recorded
    wb = load_workbook(fixed)
    for f in safe:
        fix = f["fix"]
        cell = wb[str(f["sheet"])][fix["cell"]]  # type: ignore[index]
        assert cell.value == fix["new"]  # type: ignore[index]
        assert str(cell.fill.fgColor.rgb).endswith(NEW_COLOR)
    assert wb[FILL_RECORD_SHEET].max_row == len(safe) + 1
    # the next check no longer reports them, and nothing else changed
    after = _check(fixed, capsys)
    gone = {(f["sheet"], f["cell"], f["rule"]) for f in safe}
    assert not gone & {(f["sheet"], f["cell"], f["rule"]) for f in after}
    assert Counter((f["rule"], f["sheet"], f["cell"]) for f in after) == Counter(
        (f["rule"], f["sheet"], f["cell"]) for f in before if (f["sheet"], f["cell"], f["rule"]) not in gone
    )
    # one undo takes the whole batch back
    undone = tmp_path / "undone.xlsx"
    assert main(["undo", str(fixed), "-o", str(undone)]) == 0
    assert snapshot(undone) == snapshot(workbook_copy)


def test_unsafe_fixes_only_when_asked(workbook_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    safe_only, both = tmp_path / "safe.xlsx", tmp_path / "both.xlsx"
    main(["check", str(workbook_copy), "--fix", "-o", str(safe_only)])
    assert "需确认的修正未应用" in capsys.readouterr().err
    assert load_workbook(safe_only)["事业管理费"]["E35"].value == "2025年12月"  # TIME001's fix is unsafe
    main(["check", str(workbook_copy), "--fix", "--unsafe-fixes", "-o", str(both)])
    capsys.readouterr()
    assert load_workbook(both)["事业管理费"]["E35"].value == "2026年12月"
    assert "TIME001" not in {f["rule"] for f in _check(both, capsys)}


def test_a_fix_is_applied_only_to_the_content_it_was_made_for(workbook_path: Path) -> None:
    """A cell that holds something else than what the check read — a formula behind the value, a
    change made since — is left alone and said, never overwritten."""
    from xladdin.check import check_sheets
    from xladdin.files.sources import read_sheets
    from xladdin.model import SheetData
    from xladdin.plans.fix import plan_fix
    from xladdin.workbook_plan import SetCell

    sheets = read_sheets(workbook_path)
    findings = check_sheets("x", sheets).findings
    target = next(f for f in findings if f.fix is not None and f.fix.safe)
    changed = []
    for sd in sheets:
        if sd.name == target.sheet:
            rows = [list(r) for r in sd.rows]
            r, c = (int(target.cell[1:]), ord(target.cell[0]) - 64)
            rows[r - 1][c - 1] = '=TEXT(0.95,"0%")'
            sd = SheetData(sd.name, rows, sd.merges, formulas=True)
        changed.append(sd)
    plan = plan_fix(changed, findings)
    assert (target.sheet, target.cell) not in {(s.sheet, s.cell) for s in plan.of(SetCell)}
    assert any(f"{target.sheet}!{target.cell}" in n for n in plan.notes)
    assert plan.counts["fixed"] == sum(1 for f in findings if f.fix is not None and f.fix.safe) - 1


def test_fix_refuses_what_it_cannot_do(workbook_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(workbook_copy), "--fix", "--mark", "-o", str(tmp_path / "x.xlsx")]) == 2
    assert "--fix" in capsys.readouterr().err
    assert main(["check", str(workbook_copy), str(workbook_copy), "--fix", "-o", str(tmp_path)]) == 2
