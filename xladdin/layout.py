"""The department's table layout: cells of a sheet ⇄ ``Project``.

Reading finds the labels instead of trusting fixed addresses, because real files drift:
rows get inserted, labels get retyped ("其中： 转移市县 (区)资 金"), merges disappear when
someone copies a block, amounts become text.  And because departments hold other forms
than the published one: every form of the family (``../shared/notes/layouts.md``) is
read by the same reader, with the vocabulary of ``xladdin.forms`` — tables anywhere on a
sheet, several projects in one sheet, comparator, unit and weight in columns of their
own, amounts in 元, 中期/年度 tables.  What a form holds is recorded in ``Project.form``.  Writing produces the published layout
(title, "(2026年)", "单位：万元", label cells, merges), so that reading what was written
gives the same table back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from xladdin import forms
from xladdin.framework import CLASSIC, FRAMEWORK_2021, LEVEL1_LABELS, level1_key, level2_key, level2_parent_of, squash
from xladdin.model import (
    ABSENT,
    Amount,
    Field,
    Form,
    Indicator,
    Merge,
    Money,
    MoneyBlock,
    Project,
    SheetData,
    cell_ref,
    column_letter,
    display_text,
    parse_ref,
)
from xladdin.units import WAN

# --------------------------------------------------------------------------- labels

# The vocabulary of every form lives in ``xladdin.forms``.


def label_key(value: Any) -> str | None:
    """The key of a label cell, or None when the cell is not a label of any known form."""
    return forms.label_key(value)


def header_key(value: Any) -> str | None:
    """The key of an indicator column heading (三级指标, 计量单位 …), or None."""
    return forms.heading_key(value)


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
_YEAR_LINE = re.compile(r"^[(（]?\d{4}\s*年度?[)）]?$")
_MONEY_KEYS_ALL = forms.MONEY_TOTALS | forms.MONEY_PARTS


# --------------------------------------------------------------------------- reading


def is_project_sheet(sheet: SheetData) -> bool:
    """A sheet is a project table when it has an indicator header and a 项目名称 label above it."""
    blk = _scan(sheet, 1)
    return blk.header is not None and "name" in blk.first


@dataclass
class _Block:
    """What one pass over rows found, from a start row down to an indicator heading row.

    ``first``: label key → (row, col) of its first label; ``money``: every money label
    (key, row, col), in sheet order (资金总额 and 其他资金 may appear twice); ``stops``:
    every label or heading cell (a field's value ends where the next one starts);
    ``texts``: each label cell's text; ``content``: the other non-empty cells (values,
    titles, notes — what is left of them after reading is what could not be placed);
    ``header``: the heading row, its columns and their headings; ``name_row``: where a
    project name label stopped a look-ahead.
    """

    first: dict[str, tuple[int, int]] = field(default_factory=dict)
    money: list[tuple[str, int, int]] = field(default_factory=list)
    stops: set[tuple[int, int]] = field(default_factory=set)
    texts: dict[tuple[int, int], tuple[str, str | None]] = field(default_factory=dict)  # cell → (text, label key)
    content: list[tuple[int, int]] = field(default_factory=list)
    header: tuple[int, dict[str, int], dict[str, str]] | None = None
    name_row: int | None = None
    order: list[tuple[str, int, int]] = field(default_factory=list)  # (key, row, col) of each first label
    others: list[tuple[int, int, str]] = field(default_factory=list)  # labels of fields the Project has no slot for
    top: int = 0  # the first row with anything in it
    scored: list[tuple[int, int]] = field(default_factory=list)  # texts stating weights (绩效指标(权重分值90分…))


def _scan(sheet: SheetData, start: int, until_name: bool = False) -> _Block:
    """Labels and other cells from ``start`` down to the first indicator heading row.

    One pass: each text cell is normalised once (``forms.label_text``, memoised) and
    looked up as a heading and as a label.  ``until_name``: stop at a 项目名称 label
    (a look-ahead after a table: a name means the next project begins).
    """
    blk = _Block()
    headings, labels = forms.HEADINGS, forms.FIELD_LABELS
    label_text = forms.label_text
    rows = sheet.rows
    for r in range(start, len(rows) + 1):
        row = rows[r - 1]
        cols: dict[str, int] = {}
        heads: dict[str, str] = {}
        row_labels: list[tuple[str, int, str]] = []
        row_heads: list[tuple[int, str]] = []
        row_content: list[tuple[int, int]] = []
        for c, v in enumerate(row, start=1):
            if v is None:
                continue
            if type(v) is not str:
                if display_text(v) != "":
                    row_content.append((r, c))
                continue
            t = label_text(v)
            if not t:
                if v.strip():
                    row_content.append((r, c))
                    if "分" in v:
                        blk.scored.append((r, c))
                continue
            k = headings.get(t)
            if k is not None:
                row_heads.append((c, v))
                if k not in cols:
                    cols[k] = c
                    heads[k] = v
            lk = labels.get(t)
            if lk is not None:
                row_labels.append((lk, c, v))
            elif k is None:
                row_content.append((r, c))
                if "分" in v:
                    blk.scored.append((r, c))
        if cols and "value" not in cols and "name" in cols and "level2" in cols and "mid_value" not in cols:
            _recipient_value(row, r, row_content, cols, heads)
        if cols and ("value" in cols or "mid_value" in cols) and ("level1" in cols or "name" in cols):
            blk.header = (r, cols, heads)
            return blk
        if until_name and any(lk == "name" for lk, _, _ in row_labels):
            blk.name_row = r
            return blk
        for c, v in row_heads:  # a heading outside a heading row (a lone 单位) still ends a value
            blk.stops.add((r, c))
            blk.texts.setdefault((r, c), (v, None))
        for lk, c, v in row_labels:
            blk.stops.add((r, c))
            blk.texts[(r, c)] = (v, lk)
            if lk in _MONEY_KEYS_ALL:
                blk.money.append((lk, r, c))
            elif lk not in _NO_READ:
                blk.others.append((r, c, lk))
            if lk not in blk.first and lk != "fund_total":
                blk.first[lk] = (r, c)
                blk.order.append((lk, r, c))
        if row_content:
            blk.content.extend(row_content)
        if not blk.top and (row_content or row_labels or row_heads):
            blk.top = r
    return blk


def _recipient_value(
    row: list[Any], r: int, content: list[tuple[int, int]], cols: dict[str, int], heads: dict[str, str]
) -> None:
    """A table with one target column per recipient (shape N: 一级 ∣ 二级 ∣ 三级 ∣ 指标解释 ∣
    西坪镇尧山村 ∣ 桃舟乡吾培村 …) and no 指标值 heading: the first recipient's column is read
    as the value, the others are named as not placed (``_columns`` lists them).  Two or more
    unknown headings right of the names are asked for, so that one stray cell is no column."""
    right = [c for rr, c in content if rr == r and c > cols["name"] and type(row[c - 1]) is str]
    if len(right) >= 2:
        cols["value"] = right[0]
        heads["value"] = row[right[0] - 1]


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
    """The sheet's first project table; None when the sheet holds none.

    For callers that expect one table per sheet; ``read_tables`` gives every table.
    """
    tables = read_tables(sheet, limit=1)
    return tables[0] if tables else None


def read_tables(sheet: SheetData, limit: int | None = None) -> list[Project]:
    """Every project table of a sheet, in sheet order.

    A system export or a document stacks several projects in one sheet, one after
    another; each is read from its own rows, and a table whose title lines are not
    repeated takes the title and year of the one before it.
    """
    out: list[Project] = []
    start = 1
    inherited: tuple[Field, int | None, str] | None = None
    n = len(sheet.rows)
    while start <= n and (limit is None or len(out) < limit):
        got = _read_table(sheet, start, inherited)
        if got is None:
            break
        project, following = got
        out.append(project)
        inherited = (project.title, project.year, project.year_cell)
        if following <= start:
            break
        start = following
    return out


@dataclass
class _Table:
    """One indicator table of a project: its heading row, columns and rows."""

    kind: str  # "年度", "中期", "长期", "总体" or "" (from its section label or value heading)
    header_row: int
    cols: dict[str, int]
    heads: dict[str, str]
    indicators: list[Indicator]
    end: int  # the first row after the table
    unknown: list[tuple[int, int]]  # heading-row cells that are no known heading
    tree: bool  # 一级/二级 are rows of the name column, not columns of their own
    above: int = 1  # the first row after the table before it (where its section label may be)

    @property
    def columns(self) -> tuple[tuple[str, str], ...]:
        """(column key, heading as written) of the columns that have a heading (``Form.columns``)."""
        heads = self.heads
        return tuple([(k, str(heads[k])) for k in self.cols if k in heads])


def _read_table(
    sheet: SheetData, start: int, inherited: tuple[Field, int | None, str] | None
) -> tuple[Project, int] | None:
    """The project whose rows begin at ``start`` and the row after its last table; None when there is none."""
    blk = _scan(sheet, start)
    if blk.header is None or "name" not in blk.first:
        return None
    n = len(sheet.rows)
    tables = [_table(sheet, blk.header, start)]
    pos = tables[-1].end
    while pos <= n:  # another indicator table of the same project (中期/长期 and 年度)?
        look = _scan(sheet, pos, until_name=True)
        if look.header is None or look.name_row is not None:
            break
        for k, rc in look.first.items():
            if k not in blk.first:
                blk.first[k] = rc
                blk.order.append((k, *rc))
        blk.others.extend(look.others)
        blk.scored.extend(look.scored)
        blk.money.extend(look.money)
        blk.stops |= look.stops
        blk.texts.update(look.texts)
        blk.content.extend(look.content)
        tables.append(_table(sheet, look.header, pos))
        pos = tables[-1].end
    if len(tables) > 1:  # which is the year's? (中期/长期 and 年度 tables of one project)
        for t in tables:
            t.kind = _table_kind(sheet, t.above, t.header_row, t.heads)
    judged = next((t for t in tables if t.kind == "年度"), tables[-1])
    return _project(sheet, start, blk, tables, judged, inherited), pos


def _table(sheet: SheetData, header: tuple[int, dict[str, int], dict[str, str]], above: int) -> _Table:
    header_row, found, heads = header
    cols, heads, unknown, tree = _columns(sheet, header_row, found, heads)
    merges = _merge_index_of(sheet, header_row, (cols["level1"], cols["level2"]))
    indicators, end = _read_indicators(sheet, header_row, cols, merges, tree)
    return _Table("", header_row, cols, heads, indicators, end, unknown, tree, above)


def _columns(
    sheet: SheetData, header_row: int, found: dict[str, int], heads: dict[str, str]
) -> tuple[dict[str, int], dict[str, str], list[tuple[int, int]], bool]:
    """The columns of an indicator table: key → column, key → heading, the headings not
    understood, and whether 一级/二级 are rows (a tree) instead of columns.

    A 指标性质 / 指标方向 column holds ≥/≤ in one province and 正向/反向 in another: what
    it holds decides.
    """
    if len(found) == 4 and "level1" in found and "name" in found and "level2" in found:
        return dict(found), heads, [], False  # the published form's four headings: nothing to decide
    row = sheet.rows[header_row - 1]
    cols: dict[str, int] = {}
    texts: dict[str, str] = {}
    unknown: list[tuple[int, int]] = []
    first = min(found.values())
    for c, v in enumerate(row, start=1):
        t = display_text(v)
        if not t:
            continue
        key = forms.heading_key(v)
        if key == "comparator_or_direction":
            key = forms.column_role(_column_texts(sheet, header_row, c)) or "comparator"
            if key in cols:  # 指标性质 and 指标方向 side by side: the other one
                key = "direction" if key == "comparator" else "comparator"
        if key is None:
            if c > first and len(squash(t)) > 1 and forms.section_label(t) is None:
                unknown.append((header_row, c))
            continue
        if key not in cols:
            cols[key] = c
            texts[key] = v if isinstance(v, str) else t
    if "value" not in cols and "value" in found:  # a recipient's column read as the value (shape N)
        cols["value"] = found["value"]
        texts["value"] = heads["value"]
        unknown.remove((header_row, found["value"]))
    tree = False
    if "level1" not in cols:
        if "level2" in cols:
            cols["level1"] = cols["level2"]
        else:
            tree = True
            cols["level1"] = cols["level2"] = cols["name"]
    cols.setdefault("level2", cols["level1"] + 1)
    cols.setdefault("name", cols["level2"] + 1)
    return cols, texts, unknown, tree


def _column_texts(sheet: SheetData, header_row: int, col: int, limit: int = 60) -> list[str]:
    out = []
    for r in range(header_row + 1, min(len(sheet.rows), header_row + limit) + 1):
        t = display_text(sheet.value(r, col))
        if t:
            out.append(t)
    return out


def _table_kind(sheet: SheetData, above: int, header_row: int, heads: dict[str, str]) -> str:
    """年度 / 中期 / 长期 / 总体 from the section label just above the table, or from its value heading."""
    for r in range(header_row, max(above, header_row - 3) - 1, -1):
        for v in sheet.rows[r - 1]:
            if isinstance(v, str) and "指标" in v:
                kind = forms.section_label(v)
                if kind:
                    return kind
    value = squash(heads.get("value", ""))
    return "年度" if value.startswith(("年度", "当年", "本年度")) else ""


_SUB_LABELS = frozenset({"level1", "level2", "name"})  # headings an old form repeats as sub-labels in a list
_EXTRA_FIELDS = ("comparator", "unit", "weight", "direction")
_MORE_COLUMNS = ("mid_value", "explanation", "remarks", "prior", "actual", "score", "reason")
_LEVEL2_KEYS = frozenset(k for fw in (CLASSIC, FRAMEWORK_2021) for groups in fw.values() for k, _ in groups)


def _read_indicators(
    sheet: SheetData, header_row: int, cols: dict[str, int], merges: dict[tuple[int, int], Merge], tree: bool = False
) -> tuple[list[Indicator], int]:
    """The rows of an indicator table and the first row after it.

    The table ends at the sheet's end or at a row that starts something else: a title,
    a note (注：…), a signature line, a section label, the next table's headings or the
    next project's labels.  Only rows whose 指标值 cell is empty are looked at for that,
    and only their first cell inside the table's columns.
    """
    c1, c2, cn, cv = cols["level1"], cols["level2"], cols["name"], cols["value"]
    extra = [(k, cols[k]) for k in _EXTRA_FIELDS if k in cols]
    more = [(k, cols[k]) for k in _MORE_COLUMNS if k in cols]
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
    left = min(min(wanted), *(c for _, c in extra)) if extra else min(wanted)
    limit = cn + 1 if tree else cn  # a row whose first cell lies before the names may start something else
    name_col, value_col = column_letter(cn), column_letter(cv)
    end = len(grid) + 1
    for r in range(header_row + 1, len(grid) + 1):
        line = grid[r - 1]
        if len(line) >= last:  # the usual full-width row: no bounds checks
            v1, v2, vn, vv = line[c1 - 1], line[c2 - 1], line[cn - 1], line[cv - 1]
        else:
            width = len(line)
            v1, v2, vn, vv = (line[c - 1] if c <= width else None for c in wanted)
        if vv is None or vv == "":
            if _starts_other(line, left, limit):
                end = r
                break
        elif type(vv) is str and ("值" in vv or "水平" in vv) and forms.heading_key(vv) in forms.VALUE_KEYS:
            end = r  # the headings of the next table
            break
        if tree:
            if (vv is None or vv == "") and forms.heading_key(vn) in _SUB_LABELS:
                continue  # a sub-label row (二级指标 / 三级指标 written over a group), no indicator
            node = _tree_node(vn, vv, line, extra, cur1)
            if node == 1:
                cur1 = Field(vn, f"{name_col}{r}")
                cur2 = Field(None, f"{name_col}{r}")
                continue
            if node == 2:
                cur2 = Field(vn, f"{name_col}{r}")
                continue
            if display_text(vn) or display_text(vv):
                out.append(_indicator(r, cur1, cur2, vn, vv, name_col, value_col, line, extra, more))
            continue
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
        new2 = not same2 and (t2 or (in_block and display_text(v2)))
        if not same1 and (t1 or (in_block and display_text(v1))):
            ref = cell_ref(m1.min_row, m1.min_col) if m1 is not None else cell_ref(r, c1)
            if cur1.cell != ref or cur1.value is not v1:
                cur1 = Field(v1, ref)
                if not new2 and c2 != c1:  # a new 一级 group does not go on with the last one's 二级
                    cur2 = Field(None, cell_ref(r, c2))
            block1 = m1
        elif t2 and m1 is None and c2 != c1 and _other_parent(t2, cur1):
            cur1 = Field(None, cell_ref(r, c1))  # no 一级 written, and the 二级 belongs to another one
            block1 = None
        if new2:
            ref = cell_ref(m2.min_row, m2.min_col) if m2 is not None else cell_ref(r, c2)
            if cur2.cell != ref or cur2.value is not v2:
                cur2 = Field(v2, ref)
            block2 = m2
        if not in_block and not (t1 or t2 or display_text(vn) or display_text(vv)):
            continue
        if extra or more:
            out.append(_indicator(r, cur1, cur2, vn, vv, name_col, value_col, line, extra, more))
        else:  # positional and with the column letters worked out once: this runs for every indicator
            out.append(Indicator(r, cur1, cur2, Field(vn, f"{name_col}{r}"), Field(vv, f"{value_col}{r}")))
    # trailing rows that only carry a merged block with nothing in them are not indicators
    while out and out[-1].is_empty and not display_text(sheet.value(out[-1].row, c2)):
        if any(display_text(sheet.value(out[-1].row, c)) for c in (c1, c2)):
            break
        out.pop()
    return out, end


def _indicator(
    r: int,
    cur1: Field,
    cur2: Field,
    vn: Any,
    vv: Any,
    name_col: str,
    value_col: str,
    line: list[Any],
    extra: list[tuple[str, int]],
    more: list[tuple[str, int]],
) -> Indicator:
    """An indicator row of a form with more columns than the published one's four."""
    width = len(line)
    cells = {k: Field(line[c - 1] if c <= width else None, cell_ref(r, c)) for k, c in extra}
    others = tuple((k, Field(line[c - 1] if c <= width else None, cell_ref(r, c))) for k, c in more)
    return Indicator(
        r,
        cur1,
        cur2,
        Field(vn, f"{name_col}{r}"),
        Field(vv, f"{value_col}{r}"),
        cells.get("comparator"),
        cells.get("unit"),
        cells.get("weight"),
        cells.get("direction"),
        others,
    )


def _tree_node(vn: Any, vv: Any, line: list[Any], extra: list[tuple[str, int]], cur1: Field) -> int:
    """1 or 2 when a row of a tree-shaped table is a 一级 / 二级 node (a group name, no target); else 0.

    成本指标 is a 一级 of the 2021 framework and a 二级 under 产出 in the classic one: under
    产出 it is the 二级.
    """
    if display_text(vv) or not isinstance(vn, str):
        return 0
    width = len(line)
    if any(k in ("comparator", "unit") and c <= width and display_text(line[c - 1]) for k, c in extra):
        return 0
    key1 = level1_key(vn)
    if key1 == "成本" and level1_key(cur1.text) == "产出":
        return 2
    if key1 in LEVEL1_LABELS or key1 in ("投入",):
        return 1
    return 2 if level2_key(vn) in _LEVEL2_KEYS else 0


def _other_parent(level2: str, cur1: Field) -> bool:
    """The 二级 of a row without a 一级 belongs to another 一级 than the one above (the
    satisfaction rows of a table whose 满意度指标 cell was left out)."""
    parent = level2_parent_of(level2_key(level2))
    return parent is not None and parent != level1_key(cur1.text)


def _starts_other(line: list[Any], left: int, limit: int) -> bool:
    """A row (with an empty 指标值) that begins something else than an indicator.

    Its first non-empty cell is looked at, when it lies before the names column: a
    title, a year line, a unit line, a section label, a note or signature, or a label of
    the next project.  A vertical label left of the table (``绩效指标``, one character
    per cell) is skipped.
    """
    for c, v in enumerate(line, start=1):
        if c >= limit:
            return False
        if v is None:
            continue
        if type(v) is not str:
            return False  # a number: part of a row, not a title or a label
        t = squash(v)
        if not t:
            continue
        if c < left and (len(t) == 1 or forms.section_label(t) is not None):
            continue  # a vertical label beside the table
        if forms.footer_line(t) or forms.title_like(t) or _YEAR_LINE.match(t) or forms.money_unit_of(t):
            return True
        if forms.section_label(t) is not None:
            return True
        key = forms.FIELD_LABELS.get(forms.label_text(v))
        return key is not None and key != "source"
    return False


# Labels only the published form (B) has: a table with any of them is that form, whose
# every field is required even where a label was deleted.
_STANDARD_SIGNS = frozenset({"local_group", "transfer_group", "transfer_central", "transfer_regional"})
_MAIN_FIELDS = frozenset({"name", "department", "unit", "attribute", "period", "goal", "goal_long", "goal_group"})
_NO_VALUE = frozenset({"money_group", "local_group", "transfer_group", "goal_group"})
_CHECKBOX_FIELDS = ("attribute", "category")
_NO_READ = _NO_VALUE | _MONEY_KEYS_ALL | {"name", "department", "unit", "attribute", "period"}


def _project(
    sheet: SheetData,
    start: int,
    blk: _Block,
    tables: list[_Table],
    judged: _Table,
    inherited: tuple[Field, int | None, str] | None,
) -> Project:
    """The project of ``blk``'s labels and the tables read under them."""
    labels = blk.first
    cols = judged.cols
    header_rows = {t.header_row for t in tables}
    merges = _merge_index_of(sheet, tables[-1].header_row, (cols["level1"], cols["level2"]))
    standard = bool(_STANDARD_SIGNS & labels.keys())
    stops = blk.stops
    placed: set[tuple[int, int]] = set()
    rows = sheet.rows

    def value_at(r: int, c: int, below: bool = False) -> tuple[Any, str]:
        """The value of the label at (r, c): the first filled cell right of it, before the next
        label; for a goal also the cell under the label (中期目标 ∣ 年度目标 over two texts)."""
        m = merges.get((r, c))
        first = (m.max_col if m else c) + 1
        row = rows[r - 1]
        for cc in range(first, len(row) + 1):
            if (r, cc) in stops:  # the next label or heading (every label cell is one)
                break
            v = row[cc - 1]
            if display_text(v) != "":
                top = merges.get((r, cc))
                if top is not None and (top.min_row, top.min_col) != (r, cc):
                    continue
                placed.add((r, cc))
                return v, cell_ref(r, cc)
        if below:
            rb = (m.max_row if m else r) + 1
            v = sheet.value(rb, c)
            if rb not in header_rows and (rb, c) not in stops and display_text(v) and forms.heading_key(v) is None:
                placed.add((rb, c))
                return v, cell_ref(rb, c)
        # an empty value: where the published layout puts it (merges gone: the name or value
        # column), unless another label stands before that
        default = cols["name"] if c < cols["name"] else cols["value"] if c < cols["value"] else c + 1
        if any((r, cc) in stops for cc in range(first, default + 1)):
            default = first
        return None, cell_ref(r, max(first, default))

    # 资金总额 appears twice in the published form: the one left of the 转移 group label is 本级, the other 转移.
    label_cells = dict(labels)
    if standard:
        fund_totals = sorted(((r, c) for k, r, c in blk.money if k == "fund_total"), key=lambda rc: (rc[1], rc[0]))
        if fund_totals:
            if "transfer_group" in labels:
                tcol = labels["transfer_group"][1]
                for rc in fund_totals:
                    label_cells.setdefault("transfer_total" if rc[1] > tcol else "local_total", rc)
            else:
                label_cells.setdefault("local_total", fund_totals[0])
                if len(fund_totals) > 1:
                    label_cells.setdefault("transfer_total", fund_totals[-1])

    def text_field(key: str) -> Field:
        if key not in label_cells:
            r, c = CANONICAL[key]
            return Field(None, cell_ref(r, c))
        r, c = label_cells[key]
        v, ref = value_at(r, c, key in forms.BELOW_OK)
        return Field(v, ref)

    unit = _money_unit(sheet, blk) if not standard else "万元"
    scale = 1 / WAN if unit == "元" else None

    def amount_at(r: int, c: int) -> Amount:
        v, ref = value_at(r, c)
        number = parse_amount(v)
        if scale is not None and number is not None:
            number = round(number * scale, 10)
        return Amount(number, v, ref)

    if standard:
        a = {k: _published_amount(k, label_cells, amount_at) for k in MONEY_KEYS}
        money = Money(
            a["total"],
            a["annual"],
            a["local_total"],
            a["local_appropriation"],
            a["local_other"],
            a["local_carryover"],
            a["transfer_total"],
            a["transfer_central"],
            a["transfer_regional"],
        )
    else:
        money = _money(sheet, blk, amount_at, unit, placed)

    # the goal: the year's, else the only one the form has
    goal_key = next((k for k in ("goal", "goal_long", "goal_group") if k in label_cells), "goal")
    if goal_key != "goal":
        label_cells["goal"] = label_cells[goal_key]
    goal = text_field("goal")
    period_key = "period" if "period" in label_cells or standard else "period_start"
    if period_key != "period" and period_key in label_cells:
        label_cells["period"] = label_cells[period_key]

    fields = {k: text_field(k) for k in ("name", "department", "unit", "attribute", "period")}
    checked: list[tuple[str, str]] = []
    for key in () if standard else _CHECKBOX_FIELDS:  # the published form has no checkbox lists
        if key in label_cells:
            choice = _checkbox(sheet, label_cells[key], stops, placed)
            if choice is not None:
                checked.append((key, choice))

    more: list[tuple[str, Field]] = []
    main = {label_cells[k] for k in ("name", "department", "unit", "attribute", "period", "goal") if k in label_cells}
    for r, c, lk in blk.others:
        if (r, c) in main:
            continue
        v, ref = value_at(r, c, lk in forms.BELOW_OK)  # read, so that its value counts as placed
        kept = lk not in _MAIN_FIELDS or (lk == "goal_long" and goal_key != "goal_long")
        if kept and all(k != lk for k, _ in more):
            more.append((lk, Field(v, ref)))

    first_row = blk.top or start
    name_row = labels["name"][0]
    title, year, year_cell = _title_and_year(sheet, start, name_row)
    if inherited is not None and title.value is None and year is None:
        title, year, year_cell = inherited
    for f in (title,):
        if f.value is not None:
            placed.add(parse_ref(f.cell))
    if year is not None and year_cell != title.cell:
        placed.add(parse_ref(year_cell))

    weight_total, weight_sections, weight_cell = _weight_budget(sheet, blk, tables)
    unplaced = _unplaced(sheet, blk, placed, tables)
    clean, texts = forms.clean_label, blk.texts
    form = Form(
        fields=tuple([("goal" if k == goal_key else k, clean(str(texts[(r, c)][0]))) for k, r, c in blk.order]),
        columns=judged.columns,
        money_unit=unit,
        standard=standard,
        weight_total=weight_total,
        weight_sections=weight_sections,
        weight_cell=weight_cell,
        checked=tuple(checked),
        unplaced=tuple(cell_ref(r, c) for r, c in unplaced),
        tables=tuple((t.kind, t.header_row, _last_row(t)) for t in tables),
    )
    return Project(
        sheet=sheet.name,
        title=title,
        year=year,
        year_cell=year_cell,
        name=fields["name"],
        department=fields["department"],
        unit=fields["unit"],
        attribute=fields["attribute"],
        period=fields["period"],
        money=money,
        goal=goal,
        indicators=tuple(judged.indicators),
        header_row=judged.header_row,
        columns=dict(cols),
        last_row=max(_last_row(t) for t in tables),
        labels={k: cell_ref(r, c) for k, (r, c) in label_cells.items()},
        form=form,
        first_row=first_row,
        more=tuple(more),
        other_tables=tuple((t.kind or "其他", tuple(t.indicators)) for t in tables if t is not judged),
    )


def _last_row(t: _Table) -> int:
    return t.indicators[-1].row if t.indicators else t.header_row


def _published_amount(key: str, label_cells: dict[str, tuple[int, int]], amount_at: Any) -> Amount:
    """A money field of the published form; a deleted label points at the published cell."""
    if key not in label_cells:
        r, c = CANONICAL[key]
        return Amount(None, None, cell_ref(r, c))
    return amount_at(*label_cells[key])


def _money_unit(sheet: SheetData, blk: _Block) -> str:
    """The unit of the table's amounts: what a money label or a unit line says (项目资金（元）, 金额单位：元), else 万元."""
    cells = sorted([*blk.texts, *blk.content])
    for r, c in cells:
        unit = forms.money_unit_of(sheet.value(r, c))
        if unit:
            return unit
    return "万元"


def _money(sheet: SheetData, blk: _Block, amount_at: Any, unit: str, placed: set[tuple[int, int]]) -> Money:
    """The money of a form other than the published one: every total with the parts under it.

    A part belongs to the total in its own column above it (中期 ∣ 年度 and 项目资金总额 ∣
    年度资金申请总额 side by side), else to the total on its row before it (all on one
    row), else to the nearest total above.  Parts of a this-year total take the
    ``annual_*`` slots.  Money written as text in one cell (``资金总额: 250 一、预算资金:250``)
    is read too.
    """
    entries: list[tuple[int, int, int, str, str, Amount]] = []  # row, col, order in the cell, key, label, amount
    for key, r, c in blk.money:
        text = display_text(sheet.value(r, c))
        entries.append((r, c, 0, key, forms.clean_label(text), amount_at(r, c)))
    scale = 1 / WAN if unit == "元" else None
    for r, c in blk.content:
        v = sheet.value(r, c)
        if not isinstance(v, str):
            continue
        for i, (key, label, number) in enumerate(forms.inline_amounts(v), start=1):
            n = parse_amount(number)
            if scale is not None and n is not None:
                n = round(n * scale, 10)
            entries.append((r, c, i, key, forms.clean_label(label), Amount(n, number, cell_ref(r, c))))
            placed.add((r, c))
    entries.sort(key=lambda e: (e[0], e[1], e[2]))

    slots: dict[str, Amount] = {}
    labels: list[tuple[tuple[int, int, int], str, str]] = []  # (position, slot, label)
    extra: list[tuple[str, Amount]] = []
    totals: list[tuple[int, int, int, str]] = []  # row, col, order, slot ("" when a second total of a kind)
    parts: list[list[tuple[str, Amount]]] = []
    total_entries = []
    for r, c, i, key, label, amount in entries:
        if key not in forms.MONEY_TOTALS:
            continue
        slot = "annual" if key == "annual" else "total"
        if slot in slots:
            slot = ""
        else:
            slots[slot] = amount
            labels.append(((r, c, i), slot, label))
        totals.append((r, c, i, slot))
        parts.append([])
        total_entries.append((slot, label, amount))
    for r, c, i, key, label, amount in entries:
        if key in forms.MONEY_TOTALS:
            continue
        owner = _owner(totals, r, c, i)
        slot = _part_slot(key, totals[owner][3] if owner is not None else "")
        if slot and slot not in slots:
            slots[slot] = amount
            labels.append(((r, c, i), slot, label))
        else:
            extra.append((label, amount))
        if owner is not None:
            parts[owner].append((label, amount))
    blocks = tuple(
        MoneyBlock(slot or "total", label, amount, tuple(mine))
        for (slot, label, amount), mine in zip(total_entries, parts, strict=True)
        if mine
    )
    return Money(
        total=slots.get("total", ABSENT),
        annual=slots.get("annual", ABSENT),
        local_total=ABSENT,
        local_appropriation=slots.get("local_appropriation", ABSENT),
        local_other=slots.get("local_other", ABSENT),
        local_carryover=slots.get("local_carryover", ABSENT),
        transfer_total=ABSENT,
        transfer_central=ABSENT,
        transfer_regional=ABSENT,
        annual_appropriation=slots.get("annual_appropriation", ABSENT),
        annual_other=slots.get("annual_other", ABSENT),
        annual_carryover=slots.get("annual_carryover", ABSENT),
        labels=tuple((slot, label) for _, slot, label in sorted(labels)),
        blocks=blocks,
        extra=tuple(extra),
        unit=unit,
        published=False,
    )


def _owner(totals: list[tuple[int, int, int, str]], r: int, c: int, i: int) -> int | None:
    """The index of the total a part at (r, c) (``i``-th amount of its cell) belongs to."""
    if i:  # written in one cell: the total before it in the same cell
        same = [k for k, t in enumerate(totals) if (t[0], t[1]) == (r, c) and t[2] < i]
        if same:
            return same[-1]
    above = [k for k, t in enumerate(totals) if t[1] == c and t[0] < r]
    if above:
        return max(above, key=lambda k: totals[k][0])
    before = [k for k, t in enumerate(totals) if t[0] == r and t[1] < c]
    if before:
        return max(before, key=lambda k: totals[k][1])
    near = [k for k, t in enumerate(totals) if t[0] <= r]
    if near:
        return max(near, key=lambda k: (totals[k][0], -abs(totals[k][1] - c)))
    return None


_ANNUAL_PART = {
    "local_appropriation": "annual_appropriation",
    "local_other": "annual_other",
    "local_carryover": "annual_carryover",
}


def _part_slot(key: str, block: str) -> str:
    """The ``Money`` slot of a part label in a block ("total" / "annual"); "" for a source with no slot."""
    if key in ("annual_appropriation", "annual_other", "annual_carryover"):
        return key
    if key in _ANNUAL_PART:
        return _ANNUAL_PART[key] if block == "annual" else key
    return ""


def _checkbox(
    sheet: SheetData, at: tuple[int, int], stops: set[tuple[int, int]], placed: set[tuple[int, int]]
) -> str | None:
    """The ticked options of a checkbox list right of a label (``新增项目 □ 延续项目 √``), joined
    with 、 ("" when none is ticked); None when the cells hold no checkbox list."""
    r, c = at
    row = sheet.rows[r - 1]
    cells = []
    for cc in range(c + 1, len(row) + 1):
        if (r, cc) in stops:
            break
        v = row[cc - 1]
        if isinstance(v, str) and v.strip():
            cells.append((cc, v))
    text = " ".join(v for _, v in cells)
    if not forms.has_checkbox(text):
        return None
    placed.update((r, cc) for cc, _ in cells)
    return "、".join(o for o, ticked in forms.checkbox_options(text) if ticked)


def _weight_budget(
    sheet: SheetData, blk: _Block, tables: list[_Table]
) -> tuple[float | None, tuple[tuple[str, float], ...], str]:
    """The weights a section label states (绩效指标(权重分值90分,其中产出指标权重分值50分…)), and where."""
    cells = list(blk.scored)  # a section label above the table (a long text: ``label_text`` gives it no key)
    for t in tables:  # a vertical section label beside the table
        c0 = min(t.cols.values())
        if c0 > 1:
            cells.extend((r, c) for r in range(t.header_row, _last_row(t) + 1) for c in range(1, c0))
    rows = sheet.rows
    for r, c in cells:
        line = rows[r - 1]
        v = line[c - 1] if c <= len(line) else None
        if type(v) is str and "分" in v and ("权重" in v or "分值" in v):
            total, parts = forms.weight_budget(v)
            if total is not None or parts:
                return total, parts, cell_ref(r, c)
    return None, (), ""


def _unplaced(
    sheet: SheetData, blk: _Block, placed: set[tuple[int, int]], tables: list[_Table]
) -> list[tuple[int, int]]:
    """Cells with content the reader could not place: neither a label, a value, a title,
    a note nor an indicator column — what a reader of this form did not understand."""
    out = []
    for r, c in [rc for rc in blk.content if rc not in placed]:
        v = sheet.value(r, c)
        if isinstance(v, str):
            if not _known_line(v):
                out.append((r, c))
        elif len(display_text(v)) > 1:
            out.append((r, c))
    for table in tables:
        out.extend(table.unknown)
    return sorted(set(out))


@lru_cache(maxsize=4096)  # the same titles and unit lines stand above every table of a workbook
def _known_line(text: str) -> bool:
    """A text above a table that is no field but known: a title, a year or unit line, a
    section label, a note, a stated weight budget, a single character of a vertical label."""
    t = squash(text)
    return (
        len(t) <= 1
        or forms.title_like(t)
        or bool(_YEAR_LINE.match(t))
        or forms.money_unit_of(t) is not None
        or forms.section_label(t) is not None
        or forms.footer_line(t)
        or ("分" in t and ("权重" in t or "分值" in t))
    )


def _title_and_year(sheet: SheetData, start: int, name_row: int) -> tuple[Field, int | None, str]:
    title = Field(None, cell_ref(start, 1))
    year: int | None = None
    year_cell = cell_ref(start, 1)
    for r in range(start, name_row):
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
