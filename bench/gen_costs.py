"""Generate a large workbook for the cost bench: N project sheets made from the six
published 2026 tables, each with its unit costs and 项目总额 scaled by a random factor
(so every generated project still balances) and its indicator names lightly varied the
way real tables drift ("指标 2: …", a dropped "费").

    python bench/gen_costs.py OUT.xlsx [--projects 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from xladdin.check import read_projects  # noqa: E402
from xladdin.files.saving import save_atomic  # noqa: E402
from xladdin.files.sources import read_sheets  # noqa: E402
from xladdin.values import format_number, parse  # noqa: E402

WORKBOOK = ROOT / "workbook" / "社保局本级2026绩效目标表.xlsx"


def _scaled_rate(text: str, k: int) -> str:
    v = parse(text)
    if not v.is_money or v.number is None:
        return text
    money = format_number(round(v.number * k, 6)) + "元"
    return money + ("/" + "/".join(v.per) if v.per else "")


def _drift(name: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.2 and name.startswith("指标"):
        return name.replace("指标", "指标 ", 1).replace("：", ": ", 1)
    if r < 0.3 and name.endswith("费"):
        return name[:-1]
    return name


def generate(out: Path, projects: int = 1000, seed: int = 1) -> Path:
    from openpyxl import load_workbook

    rng = random.Random(seed)
    wb = load_workbook(WORKBOOK)
    sources, _ = read_projects(read_sheets(WORKBOOK))
    templates = [wb[p.sheet] for p in sources]
    by_sheet = {p.sheet: p for p in sources}
    for i in range(projects):
        tpl = templates[i % len(templates)]
        p = by_sheet[tpl.title]
        ws = wb.copy_worksheet(tpl)
        ws.title = f"P{i + 1:04d}"
        k = rng.randint(1, 5)
        for ind in p.indicators:
            if "成本" in ind.level2.text:
                ws[ind.value.cell].value = _scaled_rate(ind.value.text, k)
            ws[ind.name.cell].value = _drift(ind.name.text, rng)
        if p.money.total.number is not None:
            ws[p.money.total.cell].value = p.money.total.number * k
        ws[p.name.cell].value = f"{p.name.text}（{i + 1}）"
    for tpl in templates:
        wb.remove(tpl)
    for name in list(wb.sheetnames):
        if not name.startswith("P"):
            wb.remove(wb[name])
    return save_atomic(wb, out)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    print(generate(a.out, a.projects, a.seed))
