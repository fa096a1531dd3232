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


ABSENT = Amount(None, None, "")  # a money field the form does not have


@dataclass(frozen=True)
class MoneyBlock:
    """One sum the form states: a total and the amounts it says it is made of.

    ``total_key`` is the ``Money`` slot of the total ("total" or "annual"); ``parts`` are
    (label as the form writes it, amount) in form order.  The published 宁夏 form (B)
    has its own three sums (FUND002–FUND004); other forms list theirs here, so a rule
    checks exactly the sums the form asks for (年度资金总额 = 财政拨款 + 其他资金 …).
    """

    total_key: str
    label: str
    total: Amount
    parts: tuple[tuple[str, Amount], ...]


@fast_init  # one per table read
@dataclass(frozen=True)
class Money:
    """项目资金 block of the form, all in 万元 (a form in 元 is converted when read; ``raw`` keeps the cell).

    The first nine slots are the published 宁夏 form's; ``annual_*`` are the parts of a
    this-year column beside the whole-project one (中期 ∣ 年度, 项目资金总额 ∣ 年度资金申请总额).
    A slot the form does not have is ``ABSENT`` (no cell).
    """

    total: Amount  # 项目总额 (or the whole-project / 中期 / 实施期 total of another form)
    annual: Amount  # 年度资金总额
    local_total: Amount  # 本级资金 / 资金总额
    local_appropriation: Amount  # 本级资金 / 财政拨款 (another form: 财政拨款 of the whole project)
    local_other: Amount  # 本级资金 / 其他资金
    local_carryover: Amount  # 本级资金 / 结余结转资金
    transfer_total: Amount  # 转移市县（区）资金 / 资金总额
    transfer_central: Amount  # 转移市县（区）资金 / 中央资金
    transfer_regional: Amount  # 转移市县（区）资金 / 自治区资金
    annual_appropriation: Amount = ABSENT  # 当年财政拨款
    annual_other: Amount = ABSENT  # 当年其他资金
    annual_carryover: Amount = ABSENT  # 上年结转资金 of the year's column
    # (slot, label as written) of every amount the form has, in form order; empty: the published form's nine
    labels: tuple[tuple[str, str], ...] = ()
    blocks: tuple[MoneyBlock, ...] = ()  # the sums of a form other than the published one
    extra: tuple[tuple[str, Amount], ...] = ()  # sources with no slot (自有资金, 事业收入 …), in form order
    unit: str = "万元"  # the unit the form writes its amounts in (they are held in 万元)
    published: bool = True  # the published form's nine slots; False: ``labels`` say which the form has

    def items(self) -> list[tuple[str, Amount]]:
        """(Chinese label, amount) in form order, for messages and reports: the amounts the form has."""
        if self.published:
            return [(MONEY_LABELS[k], getattr(self, k)) for k in MONEY_LABELS]
        out = [(label, getattr(self, k)) for k, label in self.labels if k in _MONEY_SLOTS]
        return out + list(self.extra)

    @property
    def headline(self) -> Amount:
        """The project's amount as a report states it: 项目总额, or 年度资金总额 in a form without one."""
        return self.annual if self.total is ABSENT and self.annual is not ABSENT else self.total

    def label(self, slot: str) -> str:
        """How the form calls a slot ("年度资金总额", "当年资金总额:" → "当年资金总额")."""
        for k, text in self.labels:
            if k == slot:
                return text
        return MONEY_LABELS.get(slot, slot)


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
_MONEY_SLOTS = frozenset([*MONEY_LABELS, "annual_appropriation", "annual_other", "annual_carryover"])


@fast_init
@dataclass(frozen=True)
class Indicator:
    """One 三级指标 row.  ``value`` is exactly the text the user typed.

    A form that gives the comparator, the unit, a weight or a direction columns of their
    own fills the matching fields (None: the form has no such column); the target the
    rules judge is put together from all of them once (``xladdin.target``).  ``more``
    holds the other cells of the row the form names (指标解释, 备注, 中期指标值 …) as
    (column key, cell).
    """

    row: int
    level1: Field
    level2: Field
    name: Field
    value: Field
    comparator: Field | None = None
    unit: Field | None = None
    weight: Field | None = None
    direction: Field | None = None
    more: tuple[tuple[str, Field], ...] = ()

    @property
    def is_empty(self) -> bool:
        return (
            self.name.empty
            and self.value.empty
            and (self.comparator is None or self.comparator.empty)
            and (self.unit is None or self.unit.empty)
        )


@fast_init  # one per table read
@dataclass(frozen=True)
class Form:
    """What the form a table was read from holds: its fields, its columns, its conventions.

    The rules ask here instead of assuming the published 宁夏 form: a field the form
    does not have is never reported missing, a unit in its own column is never
    reported absent from the value.  ``standard`` is the published form (B), whose
    every field is required even when its label was deleted.  Labels and headings are
    kept as the form writes them (for messages).
    """

    fields: tuple[tuple[str, str], ...] = ()  # (field key, label as written), in sheet order
    columns: tuple[tuple[str, str], ...] = ()  # (indicator column key, heading as written)
    money_unit: str = "万元"
    standard: bool = True
    weight_total: float | None = None  # the total the form states for the weights (绩效指标(权重分值90分…))
    weight_sections: tuple[tuple[str, float], ...] = ()  # (一级 key, stated weight) from a label
    weight_cell: str = ""  # where the stated weights are written
    checked: tuple[tuple[str, str], ...] = ()  # (field key, the option ticked in a checkbox list)
    unplaced: tuple[str, ...] = ()  # cells with content the reader could not place
    tables: tuple[tuple[str, int, int], ...] = ()  # (label, header row, last row) of each indicator table read

    def has(self, key: str) -> bool:
        return any(k == key for k, _ in self.fields)

    def has_column(self, key: str) -> bool:
        return any(k == key for k, _ in self.columns)

    def label(self, key: str, default: str = "") -> str:
        return next((text for k, text in self.fields if k == key), default)

    def heading(self, key: str, default: str = "") -> str:
        return next((text for k, text in self.columns if k == key), default)

    def choice(self, key: str) -> str | None:
        """The ticked option of a checkbox field ("" when none is ticked); None: not a checkbox list."""
        return next((text for k, text in self.checked if k == key), None)


STANDARD_FORM = Form()


@fast_init  # one per table read
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
    columns: dict[str, int] = field(default_factory=dict)  # level1/level2/name/value (…) → 1-based col
    last_row: int = 0
    labels: dict[str, str] = field(default_factory=dict)  # label key → cell of the label text
    form: Form = STANDARD_FORM
    first_row: int = 1  # the table's first row (several tables may share a sheet)
    # header fields other forms have besides the published ones (项目编码, 项目负责人, 中期目标 …): (key, field)
    more: tuple[tuple[str, Field], ...] = ()
    # indicator tables besides the one the rules judge (中期/长期绩效指标): (label, rows)
    other_tables: tuple[tuple[str, tuple[Indicator, ...]], ...] = ()

    def has_field(self, key: str) -> bool:
        """The form has this header field (the published form has all of its own, even deleted)."""
        return self.form.standard or self.form.has(key)

    def other(self, key: str) -> Field | None:
        """A header field other forms have (``more``), by key; None when the form has none."""
        return next((f for k, f in self.more if k == key), None)

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
