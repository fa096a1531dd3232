"""Build a large workbook from the six 2026 projects, for timing (and for anyone's tests).

    python bench/generate.py [OUT.xlsx] [--projects 1000] [--seed 2026]

Each generated project is one of the six published tables with a new sheet name, a
project name with a place and a number, its prices and money scaled by a whole factor
(so unit cost × quantity still adds up to 项目总额, and the narrative's amounts and
inline formulas are scaled with them), and its percentages moved a little.  (An amount
the narrative had already rounded, such as 0.21万元 for 0.208, may then be off in its last
digit: a few NARR007 warnings on copies of 社保卡补换卡 come from that.)  The published mistakes stay in,
so the check has real work to do on every sheet.

Importable: ``generate(path, n_projects=1000, seed=2026) -> Path``.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xladdin.files.saving import save_atomic  # noqa: E402
from xladdin.files.workbooks import new_workbook_from_layouts  # noqa: E402
from xladdin.layout import MONEY_KEYS, IndicatorSpec, TableSpec, write_project  # noqa: E402
from xladdin.values import format_number  # noqa: E402

YEAR = 2026
PLACES = ("银川", "石嘴山", "吴忠", "固原", "中卫", "宁东", "贺兰", "永宁", "灵武", "青铜峡", "盐池", "同心")
_PERCENT = re.compile(r"^([≥≤]?)(\d+)%$")
# Money as written in a value or the narrative: 1.2万元, 7.2万 (before punctuation), 500元.
_MONEY = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(万元|万(?=[；;，,。、）)\s]|$)|元)")


def seed_specs() -> list[TableSpec]:
    """The six published tables (workbook/projects/*.toml)."""
    specs = []
    for f in sorted((ROOT / "workbook" / "projects").glob("*.toml")):
        with f.open("rb") as fh:
            specs.append(TableSpec.from_source(tomllib.load(fh), YEAR))
    return specs


def scale_money(text: str, k: int) -> str:
    """Every money amount in ``text`` × k; counts, dates and percentages untouched."""
    if k == 1:
        return text
    return _MONEY.sub(lambda m: format_number(round(float(m.group(1)) * k, 4)) + m.group(2), text)


def _nudge_percent(value: str, rnd: random.Random) -> str:
    m = _PERCENT.match(value)
    if not m or m.group(2) == "100":
        return value
    n = max(1, min(99, int(m.group(2)) + rnd.choice((-2, -1, 0, 1, 2))))
    return f"{m.group(1)}{n}%"


def vary(spec: TableSpec, i: int, rnd: random.Random, distinct: bool = False) -> TableSpec:
    """Project ``i`` made from ``spec``: new names, prices and money × k, percentages nudged.

    Scaling the prices (not the quantities) keeps every cost line, the narrative's
    amounts and its inline formulas consistent with the scaled 项目总额.

    ``distinct``: every project's texts differ from every other's — its own money factor
    and its number in every indicator name — the way a real workbook of unrelated
    projects does; the checker's memo tables (parsed values, name keys, similarities)
    then help no more than they would there.
    """
    k = (i // len(PLACES)) + 1 if distinct else rnd.choice((1, 1, 2, 3))
    place = PLACES[i % len(PLACES)]
    rows = []
    for ind in spec.indicators:
        value = ind.value
        name = f"{ind.name}（第{i + 1}号）" if distinct and ind.name else ind.name
        if ind.level2 == "成本指标":
            value = scale_money(value, k)
        elif "%" in value:
            value = _nudge_percent(value, rnd)
        rows.append(IndicatorSpec(ind.level1, ind.level2, name, value))
    money = {key: (None if spec.money[key] is None else round((spec.money[key] or 0) * k, 6)) for key in MONEY_KEYS}
    return dataclasses.replace(
        spec,
        sheet=f"{i + 1:04d}{spec.sheet}"[:31],
        name=f"{spec.name}（{place}第{i + 1}号）",
        money=money,
        goal=scale_money(spec.goal, k),
        indicators=tuple(rows),
    )


def generated_specs(n_projects: int, seed: int = 2026, distinct: bool = False) -> list[TableSpec]:
    """The ``n_projects`` tables ``generate`` writes (``bench/shapes.py`` writes them in other forms)."""
    rnd = random.Random(seed)
    base = seed_specs()
    return [vary(base[i % len(base)], i, rnd, distinct) for i in range(n_projects)]


def generate(path: str | Path, n_projects: int = 1000, seed: int = 2026, distinct: bool = False) -> Path:
    """Write a workbook of ``n_projects`` project sheets to ``path``; returns the path."""
    specs = generated_specs(n_projects, seed, distinct)
    wb = new_workbook_from_layouts([write_project(s) for s in specs])
    return save_atomic(wb, path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="生成用于测速的大工作簿（由2026年6个项目变化而来）")
    ap.add_argument("output", nargs="?", default=str(ROOT / "bench" / "out" / "projects-1000.xlsx"))
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--distinct", action="store_true", help="每个项目的文字都不同（指标名称带编号，金额各不相同）")
    args = ap.parse_args(argv)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    generate(out, args.projects, args.seed, args.distinct)
    print(f"已生成 {out}（{args.projects}个项目）")


if __name__ == "__main__":
    main()
