"""Building blocks for rule tests: the six 2026 projects as editable specs, and runners.

A test takes a seed project (as published), changes one thing with ``change`` /
``set_value`` / ``set_name``, and runs rules on the project read back from the cells
the layout writes — the same path a real workbook takes.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any

from xladdin.layout import IndicatorSpec, SheetLayout, TableSpec, read_project, write_project
from xladdin.model import Finding, Project
from xladdin.rules import all_rules, run, select_rules

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2026


def seeds() -> dict[str, TableSpec]:
    """Sheet name → the published table."""
    out = {}
    for f in sorted((ROOT / "workbook" / "projects").glob("*.toml")):
        with f.open("rb") as fh:
            spec = TableSpec.from_source(tomllib.load(fh), YEAR)
        out[spec.sheet] = spec
    return out


def seed(sheet: str) -> TableSpec:
    return seeds()[sheet]


def change(spec: TableSpec, **fields: Any) -> TableSpec:
    """A copy with header fields replaced; ``money={...}`` updates single amounts."""
    if "money" in fields:
        fields["money"] = {**spec.money, **fields["money"]}
    return dataclasses.replace(spec, **fields)


def _find(spec: TableSpec, name: str) -> int:
    hits = [i for i, ind in enumerate(spec.indicators) if name in ind.name]
    assert len(hits) >= 1, f"no indicator named like {name!r}"
    return hits[0]


def set_value(spec: TableSpec, name: str, value: str, nth: int = 0) -> TableSpec:
    """Replace the 指标值 of the (nth) indicator whose name contains ``name``."""
    hits = [i for i, ind in enumerate(spec.indicators) if name in ind.name]
    i = hits[nth]
    rows = list(spec.indicators)
    rows[i] = dataclasses.replace(rows[i], value=value)
    return dataclasses.replace(spec, indicators=tuple(rows))


def set_name(spec: TableSpec, name: str, new: str) -> TableSpec:
    i = _find(spec, name)
    rows = list(spec.indicators)
    rows[i] = dataclasses.replace(rows[i], name=new)
    return dataclasses.replace(spec, indicators=tuple(rows))


def set_group(spec: TableSpec, name: str, level1: str | None = None, level2: str | None = None) -> TableSpec:
    i = _find(spec, name)
    rows = list(spec.indicators)
    rows[i] = dataclasses.replace(rows[i], level1=level1 or rows[i].level1, level2=level2 or rows[i].level2)
    return dataclasses.replace(spec, indicators=tuple(rows))


def drop(spec: TableSpec, pred: Any) -> TableSpec:
    """Without the indicator rows for which ``pred(IndicatorSpec)`` is true."""
    return dataclasses.replace(spec, indicators=tuple(i for i in spec.indicators if not pred(i)))


def insert(spec: TableSpec, after_name: str, row: IndicatorSpec) -> TableSpec:
    i = _find(spec, after_name)
    rows = list(spec.indicators)
    rows.insert(i + 1, row)
    return dataclasses.replace(spec, indicators=tuple(rows))


def goal_replace(spec: TableSpec, old: str, new: str) -> TableSpec:
    assert old in spec.goal, f"{old!r} not in the goal text"
    return dataclasses.replace(spec, goal=spec.goal.replace(old, new, 1))


def layout(spec: TableSpec) -> SheetLayout:
    return write_project(spec)


def project(spec: TableSpec | SheetLayout) -> Project:
    lay = spec if isinstance(spec, SheetLayout) else write_project(spec)
    p = read_project(lay.to_sheet_data())
    assert p is not None
    return p


def findings(spec: TableSpec | SheetLayout | Project, code: str | None = None) -> list[Finding]:
    """Findings of one rule (or all rules) on a spec."""
    p = spec if isinstance(spec, Project) else project(spec)
    rules = select_rules(all_rules(), [code] if code else None)
    return run(p, rules)


def cells(fs: list[Finding]) -> list[str]:
    return [f.cell for f in fs]


def value_cell(spec: TableSpec, name: str, nth: int = 0) -> str:
    """The 指标值 cell of an indicator of ``spec`` as written."""
    p = project(spec)
    hits = [i for i in p.indicators if name in i.name.text]
    return hits[nth].value.cell


def name_cell(spec: TableSpec, name: str) -> str:
    p = project(spec)
    return next(i.name.cell for i in p.indicators if name in i.name.text)
