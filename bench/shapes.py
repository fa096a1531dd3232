"""The six 2026 projects (or generated ones) written in other forms of the family, for tests and timing.

    python bench/shapes.py OUT.xlsx --shape H|stacked [--projects 60] [--seed 2026]

* ``H``: the budget system's grid (``../shared/notes/layouts.md`` shape H): one table per
  sheet, 一级/二级 repeated on every row, the comparator (指标性质), the number (指标值), the
  unit (度量单位) and a weight (权重（分）) in columns of their own, amounts in 元.
* ``stacked``: every table in the published form, one after another in one sheet, as a
  system export or a document stacks them.

The tables say exactly what the published ones say (the value "≥95%" becomes ``≥`` ∣ ``95``
∣ ``%``; 400万元 becomes 4000000 元), so a check of them must find the same mistakes and the
cost engine the same amounts.

Importable: ``h_layout(spec)``, ``stacked_layout(specs)``, ``write(path, layouts)``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from xladdin.layout import SheetLayout, TableSpec, write_project  # noqa: E402
from xladdin.model import Merge  # noqa: E402
from xladdin.target import split_target  # noqa: E402

H_COLUMNS = ("一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重（分）")


def _weights(n: int) -> list[int]:
    """Whole weights adding up to 100."""
    base, extra = divmod(100, max(n, 1))
    return [base + (1 if i < extra else 0) for i in range(n)]


def h_layout(spec: TableSpec) -> SheetLayout:
    """One project in shape H (the layout a budget system's export gives)."""
    lay = SheetLayout(spec.sheet)
    yuan = {k: (None if v is None else round(float(v) * 10_000, 2)) for k, v in spec.money.items()}
    width = len(H_COLUMNS)
    lay.put(1, 1, f"{spec.name}项目绩效目标表", "title", to_col=width)
    lay.put(2, 1, f"({spec.year}年)", "subtitle", to_col=width)
    rows: list[tuple[str, Any]] = [
        ("项目名称", spec.name),
        ("主管部门", spec.department),
        ("实施单位", spec.unit),
        ("项目属性", spec.attribute),
        ("项目期", spec.period),
    ]
    r = 3
    for label, value in rows:
        lay.put(r, 1, label, "label")
        lay.put(r, 2, value, "value", to_col=width)
        r += 1
    lay.put(r, 1, "投入目标（元）", "label", to_row=r + 4)
    lay.put(r, 2, "资金来源", "label")
    lay.put(r, 3, "年初安排金额（元）", "label")
    for i, (label, key) in enumerate(
        (
            ("资金总额", "total"),
            ("其中：财政拨款数", "local_appropriation"),
            ("其他资金", "local_other"),
            ("上年结转资金", "local_carryover"),
        ),
        start=1,
    ):
        lay.put(r + i, 2, label, "label")
        lay.put(r + i, 3, yuan.get(key), "money")
    r += 5
    lay.put(r, 1, "年度目标", "label")
    lay.put(r, 2, spec.goal, "goal", to_col=width)
    r += 1
    lay.put(r, 1, "绩效指标", "label", to_col=width)
    r += 1
    for c, heading in enumerate(H_COLUMNS, start=1):
        lay.put(r, c, heading, "header")
    for ind, w in zip(spec.indicators, _weights(len(spec.indicators)), strict=True):
        r += 1
        comparator, number, unit = split_target(ind.value)
        for c, v in enumerate((ind.level1, ind.level2, ind.name, comparator, number, unit, w), start=1):
            lay.put(r, c, v if v != "" else None, "cell")
    return lay


def stacked_layout(specs: list[TableSpec], name: str = "全部项目") -> SheetLayout:
    """Every table in the published form, one after another in one sheet, a blank row between."""
    lay = SheetLayout(name)
    offset = 0
    for spec in specs:
        one = write_project(spec)
        for (r, c), v in one.cells.items():
            lay.cells[(r + offset, c)] = v
            lay.roles[(r + offset, c)] = one.roles[(r, c)]
        lay.merges.extend(Merge(m.min_row + offset, m.min_col, m.max_row + offset, m.max_col) for m in one.merges)
        offset += max(r for r, _ in one.cells) + 1
    return lay


def write(path: Path, layouts: list[SheetLayout]) -> Path:
    """The layouts as an .xlsx (text starting with "=" stays text)."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for lay in layouts:
        ws = wb.create_sheet(lay.name)
        for (r, c), v in sorted(lay.cells.items()):
            if v is None:
                continue
            cell = ws.cell(row=r, column=c, value=v)
            if isinstance(v, str) and v.startswith("="):
                cell.data_type = "s"
        for m in lay.merges:
            ws.merge_cells(start_row=m.min_row, start_column=m.min_col, end_row=m.max_row, end_column=m.max_col)
    wb.save(path)
    return path


def specs(n: int | None = None, seed: int = 2026) -> list[TableSpec]:
    """The six published tables, or ``n`` generated ones (``bench/generate.py``)."""
    from generate import generated_specs, seed_specs

    return seed_specs() if n is None else generated_specs(n, seed)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--shape", choices=["H", "stacked", "B"], default="H")
    ap.add_argument("--projects", type=int, default=None, help="默认：六个已发布的项目")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    tables = specs(args.projects, args.seed)
    if args.shape == "H":
        layouts = [h_layout(s) for s in tables]
    elif args.shape == "stacked":
        layouts = [stacked_layout(tables)]
    else:
        layouts = [write_project(s) for s in tables]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write(args.out, layouts)
    print(f"已生成 {args.out}（{len(tables)}个项目，表样{args.shape}）")


if __name__ == "__main__":
    main()


__all__ = ["h_layout", "stacked_layout", "write"]
