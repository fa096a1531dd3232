"""Expenditure standards (支出标准) as data: the lines a cost indicator is held against.

A reviewer of 成本指标 first asks whether a unit cost is within the applicable standard
(培训费 综合定额 per person-day by class, 会议费, 差旅 lodging and allowances, 讲课费 per
学时 by title, 专家咨询费 per day by title).  The figures are not laws of nature: each
line says which document it comes from, its date, whom it binds and how sure we are of
it (A: read in the document itself; B: read in a secondary source; C: from knowledge
of the document, to be confirmed), and a rule built on it only ever warns.

Three layers, later ones first:

1. a file given with ``xladdin check --standards FILE.xlsx|.csv`` (a finance bureau's own);
2. a sheet named ``STANDARDS_SHEET`` in the workbook (a department's own);
3. ``central.csv`` shipped with the package: the central figures (财行〔2016〕540号 培训费,
   〔2016〕214号 会议费, 〔2013〕531号/〔2015〕497号 差旅费, 财科教〔2017〕128号 专家咨询费),
   built from ``../shared/notes/expense_standards.json`` (the 宁夏 figures were not found).

A layer that has any line for a category and item (培训费 综合定额) replaces the lower
layers' lines for it: a department is bound by its own province's rules, and a central
一类 line must not be mixed with a provincial 三类 one.

The columns (a header row, in any order; a department writes its own file this way)::

    类别 | 项目 | 适用范围 | 人员级别 | 分类 | 职称 | 地区 | 单位 | 限额 | 第三天起限额 | 包含 | 依据文件 | 日期 | 可信度 | 网址 | 备注

Core: plain data in, plain data out.  Reading a user's file is the shell's
(``commands/standards.py``); the shipped table is package data read here.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from xladdin.conventions import STANDARDS_SHEET
from xladdin.framework import squash
from xladdin.model import SheetData, cell_ref, display_text

CENTRAL = "内置（中央标准）"

COLUMNS = {
    "类别": "category",
    "项目": "item",
    "适用范围": "jurisdiction",
    "人员级别": "level",
    "分类": "klass",
    "职称": "title",
    "地区": "city",
    "单位": "unit",
    "限额": "limit",
    "第三天起限额": "day3",
    "包含": "includes",
    "依据文件": "source",
    "日期": "date",
    "可信度": "confidence",
    "网址": "url",
    "备注": "notes",
}
HEADER = tuple(COLUMNS)
_REQUIRED = ("类别", "项目", "单位", "限额")
CONFIDENCE_ZH = {
    "A": "A，据文件原文",
    "B": "B，据二手资料",
    "B/C": "B/C，据二手资料，部分待核实",
    "C": "C，凭对文件的了解，待核实",
}
_SPLIT = re.compile(r"[、,，;；/\s]+")


@dataclass(frozen=True)
class Line:
    """One standard: a ceiling on a unit cost, with where it comes from."""

    category: str  # 培训费, 会议费, 差旅费, 讲课费, 专家咨询费 …
    item: str  # 综合定额, 住宿费, 伙食补助费 …
    unit: str  # 元/人/天, 元/间/天, 元/学时
    limit: float  # 元
    jurisdiction: str = ""
    level: str = ""  # 人员级别 (差旅: 部级, 司局级, 其他人员)
    klass: str = ""  # 分类 (一类培训, 三、四类会议)
    title: str = ""  # 职称 (讲课费, 专家咨询费)
    city: str = ""
    day3: float | None = None  # 专家咨询费: the ceiling from the third day on
    includes: tuple[str, ...] = ()  # what a 综合定额 covers (场地费 …)
    source: str = ""
    date: str = ""
    confidence: str = ""
    url: str = ""
    notes: str = ""
    origin: str = CENTRAL  # 内置, the workbook's sheet, or the file's name
    cell: str = ""  # the 限额 cell in a sheet or file, for messages

    @property
    def group(self) -> tuple[str, str]:
        """What a higher layer replaces: the category and item."""
        return squash(self.category), squash(self.item)

    @property
    def scope(self) -> str:
        """分类、职称、人员级别、地区 as one phrase ("" when the line applies to all)."""
        return "，".join(x for x in (self.klass, self.title, self.level, self.city) if x)

    @property
    def per(self) -> frozenset[str]:
        """The per-units of the unit: 元/人/天 → {人, 天}."""
        return per_units(self.unit)

    def includes_venue(self) -> bool:
        return any("场地" in x or "会议室" in x or "场租" in x for x in self.includes)

    def quote(self) -> str:
        """The line as a message quotes it: what, how much, from which document, how sure."""
        scope = f"【{self.scope}】" if self.scope else ""
        date = f"，{self.date}" if self.date else ""
        where = f"，适用于{self.jurisdiction}" if self.jurisdiction else ""
        sure = CONFIDENCE_ZH.get(self.confidence, self.confidence) or "未注明"
        origin = "" if self.origin == CENTRAL else f"；见{self.origin}{f' {self.cell}' if self.cell else ''}"
        return (
            f"{self.category}{self.item}{scope}{_number(self.limit)}{self.unit}"
            f"（依据：{self.source or '未注明'}{date}{where}；可信度{sure}{origin}）"
        )


@dataclass(frozen=True)
class Table:
    """The lines of one layer, and the rows that could not be read (cell, Chinese message)."""

    lines: tuple[Line, ...] = ()
    origin: str = CENTRAL
    problems: tuple[tuple[str, str], ...] = field(default=())


_SAME_UNIT = {"日": "天", "课时": "学时", "个月": "月", "晚": "天", "夜": "天", "人次": "人", "人天": "人/天"}


def per_units(unit: str) -> frozenset[str]:
    """The per-units of a unit as a set (元/人/天 and 元/天/人 alike; 日 as 天, 课时 as 学时)."""
    parts = [p for p in squash(unit).split("/") if p]
    out: set[str] = set()
    for p in parts[1:]:
        out.update(_SAME_UNIT.get(p, p).split("/"))
    return frozenset(out)


# --------------------------------------------------------------------------- which standard a cost row is

# (category, item, what its name must say, what it must not, the per-units it must be in).
# Order matters: the first that fits wins (讲课费 before 培训费, 专家差旅 as 差旅).
_KINDS: tuple[tuple[str, str, re.Pattern[str], re.Pattern[str] | None, frozenset[str]], ...] = (
    ("讲课费", "", re.compile(r"讲课|授课|课时费|讲座"), None, frozenset({"学时"})),
    ("差旅费", "住宿费", re.compile(r"住宿"), re.compile(r"培训|会议"), frozenset({"间", "天"})),
    ("差旅费", "住宿费", re.compile(r"住宿"), re.compile(r"培训|会议"), frozenset({"人", "天"})),
    ("差旅费", "伙食补助费", re.compile(r"伙食"), re.compile(r"培训|会议"), frozenset({"人", "天"})),
    ("差旅费", "市内交通费", re.compile(r"市内交通"), None, frozenset({"人", "天"})),
    (
        "差旅费",
        "住宿费＋伙食补助费＋市内交通费",
        re.compile(r"差旅"),
        re.compile(r"城市间|机票|车票|往返"),
        frozenset({"人", "天"}),
    ),
    (
        "专家咨询费",
        "",
        re.compile(r"专家.{0,8}(?:咨询|评审|论证|评估|工作费|劳务)|(?:咨询|评审|论证)费"),
        re.compile(r"差旅|住宿|伙食|交通"),
        frozenset({"人", "天"}),
    ),
    (
        "培训费",
        "综合定额",
        re.compile(r"培训"),
        re.compile(r"讲课|授课|课时|师资|讲师|场地|场租|教材|资料|差旅"),
        frozenset({"人", "天"}),
    ),
    ("会议费", "综合定额", re.compile(r"会议"), re.compile(r"场地|会议室|场租|差旅"), frozenset({"人", "天"})),
)


def classify(name: str, per: frozenset[str]) -> tuple[str, str] | None:
    """(category, item) of the standard a money 成本指标 is held against, from its name and per-units.

    ``item`` "" means any item of the category (讲课费 and 专家咨询费 lines are told apart by title only).
    None when the row is no expense a standard covers, or is written per something no
    standard is (培训班讲师课时费 3000元/人: per person, not per 学时 — nothing to compare).
    """
    t = squash(name)
    for category, item, must, must_not, units in _KINDS:
        if per == units and must.search(t) and (must_not is None or not must_not.search(t)):
            return category, item
    return None


_CLASS = re.compile(r"([一二三四])(?:、([一二三四]))?类")


def _title_keys(text: str) -> frozenset[str]:
    t = squash(text)
    keys: set[str] = set()
    if "院士" in t or "知名专家" in t:
        keys.add("院士")
    if "正高" in t:
        keys.add("正高")
    if "副高" in t:
        keys.add("副高")
        if "以下" in t:
            keys.add("其他")
    if "高级" in t and not keys:
        keys.add("高级")
    if re.search(r"其他|中级|初级", t):
        keys.add("其他")
    return frozenset(keys)


def _level_keys(text: str) -> frozenset[str]:
    t = squash(text)
    if "部级" in t and "司局" not in t:
        return frozenset({"部级"})
    if "司局" in t or "厅局" in t:
        return frozenset({"司局级"})
    if re.search(r"处级|科级|其他人员|一般", t):
        return frozenset({"其他"})
    return frozenset()


def scope_keys(text: str) -> dict[str, frozenset[str]]:
    """What a text says of the scope of a standard: 分类 (一…四类), 职称, 人员级别 — as comparable keys."""
    m = _CLASS.search(squash(text))
    klass = frozenset(x for x in (m.group(1), m.group(2)) if x) if m else frozenset()
    return {"klass": klass, "title": _title_keys(text), "level": _level_keys(text)}


def line_keys(line: Line) -> dict[str, frozenset[str]]:
    return {
        "klass": scope_keys(line.klass)["klass"],
        "title": _title_keys(line.title),
        "level": _level_keys(line.level),
    }


def applicable(
    lines: Sequence[Line], category: str, item: str, per: frozenset[str], hint_text: str
) -> tuple[list[Line], bool]:
    """The lines a cost row is held against, and whether its class/title/level was stated.

    Lines of the category and item in the same unit; where the row's name states a class,
    a title or a level that some lines have, only those.  Otherwise all of them: the
    caller then compares with the most generous, so that a row is only ever said to be
    over a standard it is over whatever its unstated class.
    """
    cands = [
        ln
        for ln in lines
        if squash(ln.category) == category and (not item or squash(ln.item) == squash(item)) and ln.per == per
    ]
    hints = scope_keys(hint_text)
    chosen = cands
    stated = False
    for kind, keys in hints.items():
        if not keys:
            continue
        narrowed = [ln for ln in chosen if line_keys(ln)[kind] & keys]
        if narrowed:
            chosen, stated = narrowed, True
    return chosen, stated


def _number(x: float) -> str:
    return display_text(round(x, 6))


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    t = display_text(value).replace(",", "").replace("元", "")
    try:
        return float(t) if t else None
    except ValueError:
        return None


def parse_rows(rows: Sequence[Sequence[Any]], origin: str, cells: bool = False) -> Table:
    """A table from a grid of cells (a CSV's rows or a sheet's), the header row found by its 类别 and 限额.

    ``cells``: the grid is a sheet's, so each line and problem names its cell (else a CSV
    row number).  Rows above the header (a title, a note) and empty rows are ignored; a
    row without a limit is kept out (a 宁夏 line whose figure was not found says nothing
    to check against) unless it has a limit that is no number, which is a problem.
    """
    header = None
    for i, row in enumerate(rows[:20]):
        names = [squash(display_text(v)) for v in row]
        if all(k in names for k in _REQUIRED):
            header = i
            cols = {COLUMNS[n]: c for c, n in enumerate(names) if n in COLUMNS}
            break
    if header is None:
        return Table((), origin, (("A1", f"{origin}中找不到表头（应有“{'”“'.join(_REQUIRED)}”等列）。"),))
    lines: list[Line] = []
    problems: list[tuple[str, str]] = []
    for i in range(header + 1, len(rows)):
        row = rows[i]

        def get(key: str, row: Sequence[Any] = row) -> str:
            c = cols.get(key)
            return display_text(row[c]) if c is not None and c < len(row) else ""

        if not any(display_text(v) for v in row):
            continue
        where = cell_ref(i + 1, cols["limit"] + 1) if cells else f"第{i + 1}行"
        raw_limit = get("limit")
        if not raw_limit:
            continue
        limit = _float(row[cols["limit"]])
        if limit is None or limit < 0:
            problems.append((where, f"{origin}中{where}的限额“{raw_limit}”不是数字，这一行未使用。"))
            continue
        if not get("category") or not get("item") or "/" not in get("unit"):
            problems.append((where, f"{origin}中{where}缺少类别、项目或单位（单位应写成如“元/人/天”），这一行未使用。"))
            continue
        day3_raw = get("day3")
        lines.append(
            Line(
                category=get("category"),
                item=get("item"),
                unit=squash(get("unit")),
                limit=limit,
                jurisdiction=get("jurisdiction"),
                level=get("level"),
                klass=get("klass"),
                title=get("title"),
                city=get("city"),
                day3=_float(day3_raw) if day3_raw else None,
                includes=tuple(x for x in _SPLIT.split(get("includes")) if x),
                source=get("source"),
                date=get("date"),
                confidence=get("confidence"),
                url=get("url"),
                notes=get("notes"),
                origin=origin,
                cell=where,
            )
        )
    return Table(tuple(lines), origin, tuple(problems))


def parse_csv(text: str, origin: str) -> Table:
    """A table from the text of a CSV file (the shell decodes it)."""
    return parse_rows(list(csv.reader(io.StringIO(text))), origin)


def read_table(sheet: SheetData) -> Table:
    """The workbook's own standards sheet."""
    return parse_rows(sheet.rows, f"工作表“{sheet.name}”", cells=True)


@lru_cache(maxsize=1)
def central() -> Table:
    """The shipped table (package data, read once)."""
    text = resources.files(__name__).joinpath("central.csv").read_text(encoding="utf-8")
    return parse_csv(text, CENTRAL)


def in_effect(layers: Sequence[Table]) -> list[Line]:
    """The lines in use: each layer (lowest first) replaces the lower ones' lines of a category and item it has."""
    lines: list[Line] = []
    for table in layers:
        replaced = {line.group for line in table.lines}
        lines = [line for line in lines if line.group not in replaced] + list(table.lines)
    return lines


# The table given on the command line (``--standards``), for the check run inside ``using``.
# The rules that use it are workbook rules, run by the process that holds every part of a
# check, so a context variable set around the check reaches them (workers never need it).
_OVERRIDE: ContextVar[Table | None] = ContextVar("xladdin_standards", default=None)


@contextmanager
def using(table: Table | None) -> Iterator[None]:
    """Check with ``table`` as the top layer (the shell's ``--standards`` file)."""
    token = _OVERRIDE.set(table)
    try:
        yield
    finally:
        _OVERRIDE.reset(token)


def layers(workbook_tables: Sequence[Table] = ()) -> list[Table]:
    """The layers in use, lowest first: the shipped table, the workbook's sheet, the command line's file."""
    out = [central(), *workbook_tables]
    top = _OVERRIDE.get()
    if top is not None:
        out.append(top)
    return out


__all__ = [
    "CENTRAL",
    "HEADER",
    "STANDARDS_SHEET",
    "Line",
    "Table",
    "applicable",
    "central",
    "classify",
    "in_effect",
    "layers",
    "parse_csv",
    "parse_rows",
    "per_units",
    "read_table",
    "scope_keys",
    "using",
]
