"""The department's table layout: cells of a sheet ⇄ ``Project``.

Reading finds the labels instead of trusting fixed addresses, because real files drift:
rows get inserted, labels get retyped ("其中： 转移市县 (区)资 金"), merges disappear when
someone copies a block, amounts become text.  Writing produces the published layout
(title, "(2026年)", "单位：万元", label cells, merges), so that reading what was written
gives the same table back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xladdin.framework import CLASSIC, LEVEL1_LABELS, squash
from xladdin.model import (
    Amount,
    Field,
    Indicator,
    Merge,
    Money,
    Project,
    SheetData,
    cell_ref,
    column_letter,
    display_text,
    parse_ref,
)

# --------------------------------------------------------------------------- labels

_LABEL_NOISE = re.compile(r"其中|[：:（）()\[\]【】,，、]")

# normalised label text → key
LABELS: dict[str, str] = {
    "项目名称": "name",
    "主管部门": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "项目属性": "attribute",
    "项目期": "period",
    "项目起止时间": "period",
    "项目总额": "total",
    "年度资金总额": "annual",
    "本级资金": "local_group",
    "转移市县区资金": "transfer_group",
    "转移市县资金": "transfer_group",
    "资金总额": "fund_total",
    "财政拨款": "local_appropriation",
    "其他资金": "local_other",
    "结余结转资金": "local_carryover",
    "结转结余资金": "local_carryover",
    "中央资金": "transfer_central",
    "自治区资金": "transfer_regional",
    "年度总体绩效目标": "goal",
    "年度绩效目标": "goal",
    "总体绩效目标": "goal",
}
HEADER_LABELS = {"一级指标": "level1", "二级指标": "level2", "三级指标": "name", "指标值": "value"}

# Canonical published layout (6 columns, A–F).  Used to write, and as the place a
# missing field would be, so that a finding about it still points at a real cell.
CANONICAL: dict[str, tuple[int, int]] = {
    "name": (4, 3),
    "department": (5, 3),
    "unit": (5, 5),
    "attribute": (6, 3),
    "period": (6, 5),
    "total": (7, 3),
    "annual": (7, 5),
    "local_total": (8, 3),
    "local_appropriation": (9, 3),
    "local_other": (10, 3),
    "local_carryover": (11, 3),
    "transfer_total": (8, 6),
    "transfer_central": (9, 6),
    "transfer_regional": (10, 6),
    "goal": (12, 3),
}
LABEL_TEXT: dict[str, str] = {
    "name": "项目名称",
    "department": "主管部门",
    "unit": "实施单位",
    "attribute": "项目属性",
    "period": "项目期",
    "total": "项目总额",
    "annual": "其中：年度资金总额",
    "local_group": "其中：本级资金",
    "local_total": "资金总额",
    "local_appropriation": "财政拨款",
    "local_other": "其他资金",
    "local_carryover": "结余结转资金",
    "transfer_group": "其中：转移市县（区）资金",
    "transfer_total": "资金总额",
    "transfer_central": "中央资金",
    "transfer_regional": "自治区资金",
    "goal": "年度总体绩效目标",
}
MONEY_KEYS = (
    "total",
    "annual",
    "local_total",
    "local_appropriation",
    "local_other",
    "local_carryover",
    "transfer_total",
    "transfer_central",
    "transfer_regional",
)
TITLE_TEMPLATE = "{year}年宁夏回族自治区部门项目支出预算绩效表"
UNIT_TEXT = "单位：万元"
HEADER_ROW = 13
WIDTH = 6


def label_key(value: Any) -> str | None:
    """The key of a label cell, or None when the cell is not one of the form's labels."""
    if not isinstance(value, str):
        return None
    return LABELS.get(_label_text(value))


def header_key(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    return HEADER_LABELS.get(_label_text(value))


@lru_cache(maxsize=65536)  # every cell above the header is tried as a label; sheets repeat them
def _label_text(value: str) -> str:
    return _LABEL_NOISE.sub("", squash(value))


_NUM = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")


def parse_amount(value: Any) -> float | None:
    """A money cell → 万元 as float.  Accepts 400, "400", "400.00", "1,200", "400万元"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # a 400-digit integer
            return None
        return number if number - number == 0 else None  # NaN and ±inf are not amounts
    t = squash(str(value)).translate(_FULLWIDTH)
    for suffix in ("万元", "万"):
        if t.endswith(suffix):
            t = t[: -len(suffix)]
            break
    if not _NUM.match(t):
        return None
    number = float(t.replace(",", ""))
    return number if number - number == 0 else None  # "9"*400 parses to inf: not an amount


_YEAR = re.compile(r"(\d{4})\s*年")


# --------------------------------------------------------------------------- reading


def is_project_sheet(sheet: SheetData) -> bool:
    """A sheet is a project table when it has the indicator header and a 项目名称 label."""
    header, labels, _, _ = _find_header_and_labels(sheet)
    return header is not None and "name" in labels


_Labels = dict[str, tuple[int, int]]


def _find_header_and_labels(
    sheet: SheetData,
) -> tuple[tuple[int, dict[str, int]] | None, _Labels, list[tuple[int, int]], set[tuple[int, int]]]:
    """The indicator header (row, column of each heading), the labels above it, every 资金总额,
    and the position of every cell above the header that reads as a label or a heading.

    One pass over the cells down to the header: each text cell is normalised once and
    looked up as a heading and as a label.  Labels are label key → (row, col), the
    first of each; 资金总额 appears twice (本级 and 转移) and is listed by position.
    A field's value ends where the next label or heading starts (see ``read_project``).
    """
    found: _Labels = {}
    fund_totals: list[tuple[int, int]] = []
    stops: set[tuple[int, int]] = set()
    for r, row in enumerate(sheet.rows, start=1):
        cols: dict[str, int] = {}
        row_labels: list[tuple[str, int]] = []
        row_stops: list[int] = []
        for c, v in enumerate(row, start=1):
            if not isinstance(v, str):
                continue
            t = _label_text(v)
            k = HEADER_LABELS.get(t)
            if k:
                row_stops.append(c)
                if k not in cols:
                    cols[k] = c
            lk = LABELS.get(t)
            if lk:
                row_labels.append((lk, c))
                row_stops.append(c)
        if "level1" in cols and "value" in cols:
            cols.setdefault("level2", cols["level1"] + 1)
            cols.setdefault("name", cols["level2"] + 1)
            return (r, cols), found, fund_totals, stops
        stops.update((r, c) for c in row_stops)
        for lk, c in row_labels:
            if lk == "fund_total":
                fund_totals.append((r, c))
            elif lk not in found:
                found[lk] = (r, c)
    return None, found, fund_totals, stops


def _merge_index(
    sheet: SheetData, header_row: int = 0, block_cols: tuple[int, ...] = ()
) -> dict[tuple[int, int], Merge]:
    """Cell → the merge covering it.

    With ``header_row`` and ``block_cols`` only the cells the reader looks up are indexed:
    everything down to the header row, and below it the 一级/二级 columns (a table's many
    三级指标/指标值 merges are never asked for).
    """
    idx: dict[tuple[int, int], Merge] = {}
    lo, hi = (min(block_cols), max(block_cols)) if block_cols else (0, 0)
    for m in sheet.merges:
        r0, c0, r1, c1 = m.min_row, m.min_col, m.max_row, m.max_col
        if (r1 - r0 + 1) * (c1 - c0 + 1) > 5000:
            continue  # absurd merges (hostile files) are not used for lookups
        if header_row and r0 > header_row:
            if c1 < lo or c0 > hi:
                continue
            for r in range(r0, r1 + 1):
                for c in block_cols:
                    if c0 <= c <= c1:
                        idx[(r, c)] = m
            continue
        if r0 == r1:
            for c in range(c0, c1 + 1):
                idx[(r0, c)] = m
        else:
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    idx[(r, c)] = m
    return idx


# Sheets read from one workbook with the same merges share one tuple of them (see
# ``io.xlsx.SheetReader``), and so one index: keyed by that tuple's identity, which the
# entry keeps alive so the identity cannot pass to another tuple.
_MERGE_INDEXES: dict[tuple[int, int, tuple[int, ...]], tuple[tuple[Merge, ...], dict[tuple[int, int], Merge]]] = {}


def _merge_index_of(sheet: SheetData, header_row: int, block_cols: tuple[int, ...]) -> dict[tuple[int, int], Merge]:
    """``_merge_index``, shared by the sheets of one form; the index is only read, never changed."""
    merges = sheet.merges
    key = (id(merges), header_row, block_cols)
    hit = _MERGE_INDEXES.get(key)
    if hit is not None and hit[0] is merges:
        return hit[1]
    idx = _merge_index(sheet, header_row, block_cols)
    if len(_MERGE_INDEXES) >= 256:
        _MERGE_INDEXES.clear()
    _MERGE_INDEXES[key] = (merges, idx)
    return idx


def read_project(sheet: SheetData) -> Project | None:
    """Read one sheet into a ``Project``; None when the sheet is not a project table."""
    header, labels, fund_totals, stops = _find_header_and_labels(sheet)
    if header is None:
        return None
    header_row, cols = header
    if "name" not in labels:
        return None
    merges = _merge_index_of(sheet, header_row, (cols["level1"], cols["level2"]))
    label_cells = {k: (r, c) for k, (r, c) in labels.items()}

    # 资金总额 appears twice: the one left of the 转移 group label is 本级, the other 转移.
    fund_totals.sort(key=lambda rc: (rc[1], rc[0]))
    if fund_totals:
        if "transfer_group" in labels:
            tcol = labels["transfer_group"][1]
            for rc in fund_totals:
                key = "transfer_total" if rc[1] > tcol else "local_total"
                label_cells.setdefault(key, rc)
        else:
            label_cells.setdefault("local_total", fund_totals[0])
            if len(fund_totals) > 1:
                label_cells.setdefault("transfer_total", fund_totals[-1])

    def value_of(key: str) -> tuple[Any, str]:
        if key not in label_cells:
            r, c = CANONICAL[key]
            return None, cell_ref(r, c)
        r, c = label_cells[key]
        m = merges.get((r, c))
        start = (m.max_col if m else c) + 1
        row = sheet.rows[r - 1]
        for cc in range(start, len(row) + 1):
            if (r, cc) in stops:  # the next label or heading (every label cell is one)
                break
            v = row[cc - 1]
            if display_text(v) != "":
                top = merges.get((r, cc))
                if top is not None and (top.min_row, top.min_col) != (r, cc):
                    continue
                return v, cell_ref(r, cc)
        default = cols["name"] if c < cols["name"] else cols["value"] if c < cols["value"] else c + 1
        return None, cell_ref(r, max(start, default) if start <= default else start)

    def text_field(key: str) -> Field:
        v, ref = value_of(key)
        return Field(v, ref)

    def amount(key: str) -> Amount:
        v, ref = value_of(key)
        return Amount(parse_amount(v), v, ref)

    title, year, year_cell = _title_and_year(sheet, labels["name"][0])
    money = Money(**{k: amount(k) for k in MONEY_KEYS})
    indicators = _read_indicators(sheet, header_row, cols, merges)
    last = indicators[-1].row if indicators else header_row
    return Project(
        sheet=sheet.name,
        title=title,
        year=year,
        year_cell=year_cell,
        name=text_field("name"),
        department=text_field("department"),
        unit=text_field("unit"),
        attribute=text_field("attribute"),
        period=text_field("period"),
        money=money,
        goal=text_field("goal"),
        indicators=tuple(indicators),
        header_row=header_row,
        columns=dict(cols),
        last_row=last,
        labels={k: cell_ref(r, c) for k, (r, c) in label_cells.items()},
    )


def _title_and_year(sheet: SheetData, name_row: int) -> tuple[Field, int | None, str]:
    title = Field(None, "A1")
    year: int | None = None
    year_cell = "A1"
    for r in range(1, name_row):
        for c, v in enumerate(sheet.rows[r - 1], start=1):
            t = display_text(v)
            if not t:
                continue
            if title.value is None and "绩效" in t:
                title = Field(v, cell_ref(r, c))
            m = _YEAR.search(t)
            if m and ("年)" in squash(t).replace("）", ")") or year is None):
                year, year_cell = int(m.group(1)), cell_ref(r, c)
    return title, year, year_cell


def _read_indicators(
    sheet: SheetData, header_row: int, cols: dict[str, int], merges: dict[tuple[int, int], Merge]
) -> list[Indicator]:
    c1, c2, cn, cv = cols["level1"], cols["level2"], cols["name"], cols["value"]
    out: list[Indicator] = []
    # The current 一级/二级 Field is shared by the rows under it (Fields are immutable).
    cur1 = Field(None, cell_ref(header_row + 1, c1))
    cur2 = Field(None, cell_ref(header_row + 1, c2))
    grid = sheet.rows
    # The merged block the current Field was taken from (None: a plain cell): its later rows reuse it.
    block1: Merge | None = None
    block2: Merge | None = None
    wanted = (c1, c2, cn, cv)
    last = max(wanted)
    name_col, value_col = column_letter(cn), column_letter(cv)
    for r in range(header_row + 1, len(grid) + 1):
        line = grid[r - 1]
        if len(line) >= last:  # the usual full-width row: no bounds checks
            v1, v2, vn, vv = line[c1 - 1], line[c2 - 1], line[cn - 1], line[cv - 1]
        else:
            width = len(line)
            v1, v2, vn, vv = (line[c - 1] if c <= width else None for c in wanted)
        # plain locals, not a dict per row: this loop runs for every row of every table
        t1, t2 = display_text(v1), display_text(v2)
        in_block = same1 = same2 = False
        m1 = m2 = None
        if merges:
            m1 = merges.get((r, c1))
            if m1 is not None and m1.max_row > m1.min_row:
                in_block = True
                if m1 is block1:  # a later row of the block whose Field is current: nothing new
                    same1 = True
                elif m1.min_row != r or m1.min_col != c1:
                    v1 = sheet.value(m1.min_row, m1.min_col)
                    t1 = ""
            m2 = merges.get((r, c2))
            if m2 is not None and m2.max_row > m2.min_row:
                in_block = True
                if m2 is block2:
                    same2 = True
                elif m2.min_row != r or m2.min_col != c2:
                    v2 = sheet.value(m2.min_row, m2.min_col)
                    t2 = ""
        if not same1 and (t1 or (in_block and display_text(v1))):
            ref = cell_ref(m1.min_row, m1.min_col) if m1 is not None else cell_ref(r, c1)
            if cur1.cell != ref or cur1.value is not v1:
                cur1 = Field(v1, ref)
            block1 = m1
        if not same2 and (t2 or (in_block and display_text(v2))):
            ref = cell_ref(m2.min_row, m2.min_col) if m2 is not None else cell_ref(r, c2)
            if cur2.cell != ref or cur2.value is not v2:
                cur2 = Field(v2, ref)
            block2 = m2
        if not in_block and not (t1 or t2 or display_text(vn) or display_text(vv)):
            continue
        # positional and with the column letters worked out once: this runs for every indicator
        out.append(Indicator(r, cur1, cur2, Field(vn, f"{name_col}{r}"), Field(vv, f"{value_col}{r}")))
    # trailing rows that only carry a merged block with nothing in them are not indicators
    while out and out[-1].is_empty and not display_text(sheet.value(out[-1].row, c2)):
        if any(display_text(sheet.value(out[-1].row, c)) for c in (c1, c2)):
            break
        out.pop()
    return out


# --------------------------------------------------------------------------- the plain table


@dataclass(frozen=True)
class IndicatorSpec:
    level1: str
    level2: str
    name: str
    value: str


@dataclass(frozen=True)
class TableSpec:
    """A table with no cells attached: what the workbook sources hold and what is written."""

    sheet: str
    year: int
    name: str
    department: str
    unit: str
    attribute: str
    period: str
    money: dict[str, float | int | None]
    goal: str
    indicators: tuple[IndicatorSpec, ...]

    @classmethod
    def from_source(cls, data: dict[str, Any], year: int) -> TableSpec:
        """From a project source file (TOML): groups of rows under 一级/二级."""
        rows = tuple(
            IndicatorSpec(g["level1"], g["level2"], str(r[0]), str(r[1])) for g in data["groups"] for r in g["rows"]
        )
        return cls(
            sheet=data["sheet"],
            year=year,
            name=data["name"],
            department=data["department"],
            unit=data["unit"],
            attribute=data["attribute"],
            period=data["period"],
            money={k: data["money"].get(k) for k in MONEY_KEYS},
            goal=data["goal"],
            indicators=rows,
        )


def spec_of(project: Project) -> TableSpec:
    """The cell-free content of a project read from a sheet (for round-trip comparison)."""
    return TableSpec(
        sheet=project.sheet,
        year=project.year or 0,
        name=project.name.text,
        department=project.department.text,
        unit=project.unit.text,
        attribute=project.attribute.text,
        period=project.period.text,
        money={k: getattr(project.money, k).number for k in MONEY_KEYS},
        goal=project.goal.text,
        indicators=tuple(
            IndicatorSpec(i.level1.text, i.level2.text, i.name.text, i.value.text) for i in project.indicators
        ),
    )


# --------------------------------------------------------------------------- writing


@dataclass
class SheetLayout:
    """Cells, merges and cell roles of one written sheet — plain data for any writer.

    ``roles`` tells the style planner what each cell is (title, label, money, narrative,
    header, level1, level2, name, value) without it having to re-parse the sheet.
    """

    name: str
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)
    merges: list[Merge] = field(default_factory=list)
    roles: dict[tuple[int, int], str] = field(default_factory=dict)

    def put(self, row: int, col: int, value: Any, role: str, to_col: int | None = None, to_row: int | None = None):
        self.cells[(row, col)] = value
        self.roles[(row, col)] = role
        if (to_col and to_col != col) or (to_row and to_row != row):
            self.merges.append(Merge(row, col, to_row or row, to_col or col))

    def to_sheet_data(self) -> SheetData:
        n_rows = max((r for r, _ in self.cells), default=0)
        rows = [[None] * WIDTH for _ in range(n_rows)]
        for (r, c), v in self.cells.items():
            rows[r - 1][c - 1] = v
        return SheetData(self.name, rows, tuple(self.merges))


def write_project(spec: TableSpec) -> SheetLayout:
    """The published layout of one table (see ``CANONICAL``)."""
    lay = SheetLayout(spec.sheet)
    lay.put(1, 1, TITLE_TEMPLATE.format(year=spec.year), "title", to_col=WIDTH)
    lay.put(2, 1, f"({spec.year}年)", "subtitle", to_col=WIDTH)
    lay.put(3, WIDTH, UNIT_TEXT, "unit")
    for key in ("name", "department", "attribute", "total"):
        r, _ = CANONICAL[key]
        lay.put(r, 1, LABEL_TEXT[key], "label", to_col=2)
    for key in ("unit", "period", "annual"):
        r, c = CANONICAL[key]
        lay.put(r, c - 1, LABEL_TEXT[key], "label")
    lay.put(4, 3, spec.name, "value", to_col=WIDTH)
    lay.put(5, 3, spec.department, "value")
    lay.put(5, 5, spec.unit, "value", to_col=WIDTH)
    lay.put(6, 3, spec.attribute, "value")
    lay.put(6, 5, spec.period, "value", to_col=WIDTH)
    lay.put(7, 3, spec.money.get("total"), "money")
    lay.put(7, 5, spec.money.get("annual"), "money", to_col=WIDTH)
    lay.put(8, 1, LABEL_TEXT["local_group"], "label", to_row=11)
    lay.put(8, 4, LABEL_TEXT["transfer_group"], "label", to_row=10)
    for key in ("local_total", "local_appropriation", "local_other", "local_carryover"):
        r, c = CANONICAL[key]
        lay.put(r, c - 1, LABEL_TEXT[key], "label")
        lay.put(r, c, spec.money.get(key), "money")
    for key in ("transfer_total", "transfer_central", "transfer_regional"):
        r, c = CANONICAL[key]
        lay.put(r, c - 1, LABEL_TEXT[key], "label")
        lay.put(r, c, spec.money.get(key), "money")
    lay.put(11, 4, None, "blank", to_col=WIDTH)
    lay.put(12, 1, LABEL_TEXT["goal"], "label", to_col=2)
    lay.put(12, 3, spec.goal, "goal", to_col=WIDTH)
    lay.put(HEADER_ROW, 1, "一级指标", "header")
    lay.put(HEADER_ROW, 2, "二级指标", "header")
    lay.put(HEADER_ROW, 3, "三级指标", "header", to_col=4)
    lay.put(HEADER_ROW, 5, "指标值", "header", to_col=WIDTH)
    write_indicators(lay, HEADER_ROW + 1, spec.indicators)
    return lay


def write_indicators(lay: SheetLayout, first_row: int, rows: tuple[IndicatorSpec, ...] | list[IndicatorSpec]) -> None:
    """Indicator rows from ``first_row``; 一级/二级 labels merged over their blocks."""
    r = first_row
    for i, ind in enumerate(rows):
        row = r + i
        lay.put(row, 3, ind.name, "name", to_col=4)
        lay.put(row, 5, ind.value, "indicator_value", to_col=WIDTH)
    for col, keyf, role in ((1, lambda x: x.level1, "level1"), (2, lambda x: (x.level1, x.level2), "level2")):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or keyf(rows[i]) != keyf(rows[start]):
                text = rows[start].level1 if col == 1 else rows[start].level2
                lay.put(r + start, col, text, role, to_row=r + i - 1)
                start = i


def template_spec(year: int) -> TableSpec:
    """A blank project: the layout with the classic framework's groups, one empty row each."""

    rows = tuple(
        IndicatorSpec(LEVEL1_LABELS[l1], label, "", "") for l1, groups in CLASSIC.items() for _, label in groups
    )
    return TableSpec(
        sheet="项目模板",
        year=year,
        name="",
        department="",
        unit="",
        attribute="",
        period="",
        money={k: None for k in MONEY_KEYS},
        goal="",
        indicators=rows,
    )


__all__ = [
    "CANONICAL",
    "IndicatorSpec",
    "SheetLayout",
    "TableSpec",
    "is_project_sheet",
    "label_key",
    "parse_amount",
    "parse_ref",
    "read_project",
    "spec_of",
    "template_spec",
    "write_indicators",
    "write_project",
]
