"""The model of one 项目支出预算绩效目标表 and the small data types shared by the core.

Everything here is plain data: no Excel library is imported.  Every field keeps the
cell it came from, because findings and edits must point back at the sheet the user
knows (a finding without a cell is a finding nobody can act on).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Literal

from xladdin.fastdata import fast_init
from xladdin.framework import level2_key as key_of

Scalar = str | int | float | bool | _dt.date | _dt.datetime | None
Severity = Literal["error", "warning", "info"]


# --------------------------------------------------------------------------- cells


@lru_cache(maxsize=1024)
def column_letter(col: int) -> str:
    """1-based column index → letters (1 → A, 27 → AA)."""
    letters = ""
    while col > 0:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """Letters → 1-based column index (A → 1)."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


@lru_cache(maxsize=65536)  # called for every cell of every sheet read; a check of 1,000 tables reuses them
def cell_ref(row: int, col: int) -> str:
    """1-based (row, col) → "C4"."""
    return f"{column_letter(col)}{row}"


def row_runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows; a repeated row once.

    One formatting call per run instead of per row (a COM call costs as much as the
    whole run), and validation ranges written as A5:A9 instead of five cells.
    """
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        elif not out or r != out[-1][1]:
            out.append((r, r))
    return out


@lru_cache(maxsize=16384)  # every finding's cell is parsed to sort the findings; cells repeat from table to table
def parse_ref(ref: str) -> tuple[int, int]:
    """ "C4" → (4, 3), 1-based."""
    i = 0
    while i < len(ref) and ref[i].isalpha():
        i += 1
    return int(ref[i:]), column_index(ref[:i])


@dataclass(frozen=True)
class Merge:
    """A merged range, 1-based and inclusive (as Excel shows it: A1:F1)."""

    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def ref(self) -> str:
        return f"{cell_ref(self.min_row, self.min_col)}:{cell_ref(self.max_row, self.max_col)}"

    @classmethod
    def from_ref(cls, ref: str) -> Merge:
        a, _, b = ref.partition(":")
        r1, c1 = parse_ref(a)
        r2, c2 = parse_ref(b or a)
        return cls(min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2))

    def contains(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


@dataclass(frozen=True)
class SheetData:
    """The cells of one sheet as any shell reads them: a rectangular grid of plain values.

    ``rows[r][c]`` is the value of cell (r+1, c+1): what the user sees (a formula's cached
    value) when read for checking; what the cell stores (a formula as its text) when read
    for changing the workbook, where the shell can tell (``formulas``).  ``merges`` may be
    empty when the source cannot tell (``merges_known`` False: xlwings has no bulk call
    for them): the layout reader copes without them, and a plan that would need them
    takes the form's usual merges instead.
    """

    name: str
    rows: list[list[Any]]
    merges: tuple[Merge, ...] = ()
    hidden: bool = False
    merges_known: bool = True
    formulas: bool = False  # ``rows`` hold formulas as text (the shell could read them)

    def value(self, row: int, col: int) -> Any:
        """1-based access; outside the grid is empty (None)."""
        if 1 <= row <= len(self.rows):
            r = self.rows[row - 1]
            if 1 <= col <= len(r):
                return r[col - 1]
        return None

    @property
    def max_row(self) -> int:
        return len(self.rows)

    @property
    def max_col(self) -> int:
        return max((len(r) for r in self.rows), default=0)


# --------------------------------------------------------------------------- the table


@fast_init  # a 1,000-table check builds ~100,000 of these
@dataclass(frozen=True)
class Field:
    """One value of the table and where it lives.  ``value`` is what the cell holds."""

    value: Any
    cell: str

    @property
    def text(self) -> str:
        """The value as the user sees it, stripped; numbers without float noise."""
        return display_text(self.value)

    @property
    def empty(self) -> bool:
        return self.text == ""


@fast_init
@dataclass(frozen=True)
class Amount:
    """A money cell (万元).  ``number`` is None when the cell holds no readable amount."""

    number: float | None
    raw: Any
    cell: str

    @property
    def text(self) -> str:
        return display_text(self.raw)

    @property
    def empty(self) -> bool:
        return self.text == ""


@dataclass(frozen=True)
class Money:
    """项目资金 block of the form, all in 万元."""

    total: Amount  # 项目总额
    annual: Amount  # 年度资金总额
    local_total: Amount  # 本级资金 / 资金总额
    local_appropriation: Amount  # 本级资金 / 财政拨款
    local_other: Amount  # 本级资金 / 其他资金
    local_carryover: Amount  # 本级资金 / 结余结转资金
    transfer_total: Amount  # 转移市县（区）资金 / 资金总额
    transfer_central: Amount  # 转移市县（区）资金 / 中央资金
    transfer_regional: Amount  # 转移市县（区）资金 / 自治区资金

    def items(self) -> list[tuple[str, Amount]]:
        """(Chinese label, amount) in form order, for messages and reports."""
        return [(MONEY_LABELS[k], getattr(self, k)) for k in MONEY_LABELS]


MONEY_LABELS: dict[str, str] = {
    "total": "项目总额",
    "annual": "年度资金总额",
    "local_total": "本级资金总额",
    "local_appropriation": "财政拨款",
    "local_other": "其他资金",
    "local_carryover": "结余结转资金",
    "transfer_total": "转移市县（区）资金总额",
    "transfer_central": "中央资金",
    "transfer_regional": "自治区资金",
}


@fast_init
@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row.  ``value`` is exactly the text the user typed."""

    row: int
    level1: Field
    level2: Field
    name: Field
    value: Field

    @property
    def is_empty(self) -> bool:
        return self.name.empty and self.value.empty


@dataclass(frozen=True)
class Project:
    """One sheet's 项目支出预算绩效目标表."""

    sheet: str
    title: Field
    year: int | None  # budget year from the title / "(2026年)" line
    year_cell: str
    name: Field
    department: Field  # 主管部门
    unit: Field  # 实施单位
    attribute: Field  # 项目属性
    period: Field  # 项目期
    money: Money
    goal: Field  # 年度总体绩效目标
    indicators: tuple[Indicator, ...]
    header_row: int  # row of 一级指标 | 二级指标 | 三级指标 | 指标值
    columns: dict[str, int] = field(default_factory=dict)  # level1/level2/name/value → 1-based col
    last_row: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # label key → cell of the label text

    def indicators_in(self, level2_key: str) -> list[Indicator]:
        """Rows whose 二级 normalises to ``level2_key`` (e.g. "数量", "成本")."""

        return [i for i in self.indicators if key_of(i.level2.text) == level2_key]


@dataclass(frozen=True)
class Fix:
    """The correction of a finding, where it is unambiguous: one cell's new content.

    As in ruff, a fix is ``safe`` when applying it cannot change what the user meant
    (a missing ≥ on a 满意度, ``>=`` written for ≥) and unsafe when it is the likely
    correction but a person should confirm it (a 2025 date in a 2026 table).  ``old``
    is the cell's content the fix was made for: a fix is applied only to that content.
    """

    cell: str
    old: Scalar
    new: Scalar
    safe: bool

    def as_dict(self) -> dict[str, Any]:
        return {"cell": self.cell, "old": self.old, "new": self.new, "safe": self.safe}


@fast_init
@dataclass(frozen=True)
class Finding:
    """One problem found, at one cell.  JSON-able via ``as_dict``; ``fix`` where the correction is unambiguous."""

    rule: str
    severity: Severity
    sheet: str
    cell: str
    message: str
    expected: str | None = None
    actual: str | None = None
    fix: Fix | None = None

    def as_dict(self) -> dict[str, Any]:
        # fast_init's __init__ fills the instance dict with exactly the fields, in order: a copy is the dict
        d = dict(self.__dict__)
        fix = d.pop("fix")
        if fix is not None:  # the JSON contract's optional "fix", last; absent when there is none
            d["fix"] = fix.as_dict()
        return d


@dataclass(frozen=True)
class Edit:
    """One cell change the tool proposes or made; the record that makes it undoable."""

    sheet: str
    cell: str
    old: Scalar
    new: Scalar
    why: str

    def as_dict(self) -> dict[str, Any]:
        return {"sheet": self.sheet, "cell": self.cell, "old": self.old, "new": self.new, "why": self.why}


# --------------------------------------------------------------------------- text


def display_text(value: Any) -> str:
    """A cell value as text the way Excel shows it: 400.0 → "400", 45.912 → "45.912"."""
    # The common cells first (empty, text, whole-number floats): a 1,000-table check asks
    # ~100,000 times, and round() is the costly step for a float that is already whole.
    if value is None:
        return ""
    t = type(value)
    if t is str:
        return value.strip()
    if t is float and value.is_integer() and -1e15 < value < 1e15:
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        rounded = round(value, 10)
        if rounded == int(rounded) and abs(rounded) < 1e15:
            return str(int(rounded))
        return f"{rounded:.10f}".rstrip("0").rstrip(".")
    return str(value).strip()
