"""Fuzzing the checker with mutated 2026 workbooks (the generator lives in bench/fuzz.py).

The short run (30 workbooks, 6 of them as real .xlsx files through the CLI) is part of
the suite; the long run (≥ 2,000 workbooks) is ``pytest tests/test_fuzz.py --runslow``
or ``python bench/fuzz.py --count 2000``.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path
from types import ModuleType

import pytest

from xladdin.model import Finding, Merge, SheetData

ROOT = Path(__file__).resolve().parent.parent


def load_fuzz() -> ModuleType:
    spec = importlib.util.spec_from_file_location("xladdin_bench_fuzz", ROOT / "bench" / "fuzz.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod
    spec.loader.exec_module(mod)
    return mod


fuzz = load_fuzz()


def test_short_fuzz_run(tmp_path: Path) -> None:
    summary = fuzz.run(count=30, seed=20260101, files_every=5, out=tmp_path, quiet=True)
    failures = {
        c: (tmp_path / f"case-{c.replace(':', '-')}.txt").read_text(encoding="utf-8") for c in summary["failures"]
    }
    assert failures == {}
    assert summary["as_files"] == 6
    assert summary["findings"] > 0, "mutated 2026 workbooks do produce findings"


def test_the_generator_is_deterministic() -> None:
    base = fuzz.base_sheets()
    a, log_a = fuzz.mutate(base, random.Random("9:9"), memory_only=True)
    b, log_b = fuzz.mutate(base, random.Random("9:9"), memory_only=True)
    assert log_a == log_b and a == b
    c, _ = fuzz.mutate(base, random.Random("9:10"), memory_only=True)
    assert c != a


def test_mutations_do_not_touch_the_base() -> None:
    base = fuzz.base_sheets()
    before = [(s.name, [list(r) for r in s.rows], s.merges) for s in base]
    for i in range(20):
        fuzz.mutate(base, random.Random(i), memory_only=True)
    assert [(s.name, [list(r) for r in s.rows], s.merges) for s in base] == before


@pytest.mark.parametrize("mutation", [f for f, _ in fuzz.MUTATIONS], ids=lambda f: f.__name__)
def test_every_mutation_changes_something_and_the_check_survives(mutation: object) -> None:
    base = fuzz.base_sheets()
    changed = 0
    for i in range(8):
        rng = random.Random(f"m:{i}")
        g = fuzz.Grid.of(base[1])
        mutation(g, rng, True)  # type: ignore[operator]
        sheets = [*base[:1], g.freeze(), *base[2:]]
        changed += sheets[1] != base[1]
        findings, code = fuzz.check_memory(sheets)
        assert code in (0, 1)
        assert fuzz.finding_problems(findings, sheets) == []
    assert changed, f"{mutation} never changed the sheet"


def test_the_invariant_check_catches_bad_findings() -> None:
    """The oracle itself must be able to fail."""
    sheet = SheetData("表", [["a"] * 6] * 10, (Merge(1, 1, 1, 2),))

    def f(**kw: str) -> dict[str, object]:
        d = Finding(rule="X001", severity="error", sheet="表", cell="A1", message="问题").as_dict()
        d.update(kw)
        return d

    assert fuzz.finding_problems([f()], [sheet]) == []
    for bad in (
        f(sheet="没有"),
        f(cell="A0"),
        f(cell="a1"),
        f(cell="ZZZZ1"),
        f(cell="A99999"),
        f(cell=""),
        f(message=" "),
    ):
        assert fuzz.finding_problems([bad], [sheet]), bad


@pytest.mark.slow
def test_long_fuzz_run(tmp_path: Path) -> None:
    """≥ 2,000 mutated workbooks, every 10th as a real file through the CLI."""
    summary = fuzz.run(count=2000, seed=2026, files_every=10, out=tmp_path, quiet=True)
    assert summary["failures"] == [], summary


# Cases the fuzzer found and that are fixed: kept as regression cases (any case must
# satisfy the invariants, so they stay meaningful even if the generator changes).
FOUND = [
    pytest.param("7:590", id="inf-amount-fixed-in-layout"),
    pytest.param("7:242", id="finding-right-of-wide-merge"),
]


@pytest.mark.parametrize("case", FOUND)
def test_cases_the_fuzzer_found(tmp_path: Path, case: str) -> None:
    seed, index = (int(x) for x in case.split(":"))
    outcome = fuzz.run_case(seed, index, as_file=False, workdir=tmp_path, limit=60)
    assert outcome.problems == []


def test_swapped_indicator_rows_do_not_crash_the_cost_explanation() -> None:
    """退休人员档案 with its rows 17 and 27 swapped (a quantity moved under 生态效益).

    Found by bench/fuzz.py case 2026:1455: two sources covering the same per-unit made
    costs._line remove it twice (ValueError, exit 3)."""
    from xladdin.check import check_sheets

    base = fuzz.base_sheets()
    sheets = []
    for s in base:
        rows = [list(r) for r in s.rows]
        if s.name == "退休人员档案":
            rows[16], rows[26] = rows[26], rows[16]
        sheets.append(SheetData(s.name, rows, s.merges, s.hidden))
    assert check_sheets("swap.xlsx", sheets).exit_code in (0, 1)
