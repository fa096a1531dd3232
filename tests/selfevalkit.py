"""Building blocks for 自评表 tests: a seed project's 自评表 as cells, filled in, and read back.

``sheet(name, **cells)`` writes the 自评表 of one of the six 2026 projects as the tool
writes it (``toolsheets.selfeval``), changes cells ("E14": 7), and returns the
``SheetData`` a reader would see — formulas as their text, as the file shell reads a
workbook for a plan; a number typed over a formula is a number.
"""

from __future__ import annotations

from typing import Any

from tests.rulekit import project, seed
from xladdin.model import Project, SheetData, parse_ref
from xladdin.selfeval import DEFAULT_GRADES, SelfEval, default_weights, read_selfeval
from xladdin.toolsheets.selfeval import selfeval_sheet

# 实际完成值 of 经办人员培训 (rows 13–27 of its 自评表): some targets met, some not, two graded rows.
TRAINING = "经办人员培训"
ACTUALS: dict[str, Any] = {
    "E13": "部分达成",  # 9天*50人: a product, graded
    "E14": 7,  # 7人: met
    "E15": "4天",  # 4天: met, written with its unit
    "E16": 1,  # 2间: half
    "E17": 0.97,  # 100%: 97% typed as a percentage (Excel stores 0.97)
    "E18": "达成",  # 2026年12月: a date, graded
    "E19": 480,  # ≤ 450元/人/天 (a cost): over, 450/480
    "E20": 3000,
    "E21": 7000,  # a cost under its target: met
    "E22": "13500元/间",
    "E23": "96%",
    "E24": 0.9,  # 93%: 90/93
    "E25": "90%",
    "E26": "4%",  # 5%: 4/5
    "E27": "98.5%",
}
REASONS = {f"I{r}": "部分工作推迟到下年度" for r in (13, 16, 17, 19, 24, 26)}
MONEY = {"E6": 28, "F6": 27.5, "G11": "已完成全年培训任务"}
FILLED: dict[str, Any] = {**ACTUALS, **REASONS, **MONEY}


def target(name: str = TRAINING) -> Project:
    return project(seed(name))


def sheet(name: str = TRAINING, cells: dict[str, Any] | None = None, grades: Any = DEFAULT_GRADES) -> SheetData:
    p = target(name)
    content, _ = selfeval_sheet(p, f"{name}-自评", default_weights(p), grades)
    rows = content.grid()
    for ref, value in (cells or {}).items():
        r, c = parse_ref(ref)
        while len(rows) < r:
            rows.append([None] * len(rows[0]))
        line = rows[r - 1]
        line.extend([None] * (c - len(line)))
        line[c - 1] = value
    return SheetData(content.name, rows, tuple(content.merges))


def selfeval(name: str = TRAINING, cells: dict[str, Any] | None = None) -> SelfEval:
    se = read_selfeval(sheet(name, cells))
    assert se is not None
    return se
