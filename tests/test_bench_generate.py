"""The benchmark generator makes varied, readable projects whose costs still add up."""

from __future__ import annotations

import sys
from pathlib import Path

from xladdin.check import check_sheets
from xladdin.files.sources import read_sheets

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate


def test_generate_small_workbook(tmp_path: Path) -> None:
    path = generate(tmp_path / "g.xlsx", 12, seed=7)
    result = check_sheets(str(path), read_sheets(path))
    assert len(result.projects) == 12
    assert len({p.name for p in result.projects}) == 12  # varied names
    assert len({p.total for p in result.projects}) > 6  # varied money, not only the six seeds
    # scaled money and quantities together: no table contradicts its own cost arithmetic
    assert not any(f.rule in ("COST001", "COST002", "NARR003", "NARR004", "NARR005") for f in result.findings)
    # the published mistakes are kept, so every copy of 事业管理费 has its leftover year
    assert sum(1 for f in result.findings if f.rule == "TIME001") == sum(
        1 for p in result.projects if p.sheet.endswith("事业管理费")
    )


def test_generate_is_deterministic(tmp_path: Path) -> None:
    a = read_sheets(generate(tmp_path / "a.xlsx", 6, seed=1))
    b = read_sheets(generate(tmp_path / "b.xlsx", 6, seed=1))
    assert [s.rows for s in a] == [s.rows for s in b]
