"""The year-end 项目支出绩效自评表 (self-evaluation) of a project, as plain data, and its scores.

Every project's targets are judged at the end of the year (财预〔2020〕10号 and its annex):
the 自评表 repeats each indicator with its 年度指标值, adds the 实际完成值, a score per
indicator and the reasons for any gap, and scores the 预算执行率 from a money block; the
total is 100 points.  This module holds that table as data (``SelfEval``, read from a
sheet by its labels, so the published tables of other provinces read too: shape R of
``../shared/notes/layouts.md``), the usual weights (``default_weights``), and how each row
is scored (``scoring_of``: the rule is decided once per row and stated on it).

The scores exist twice: computed here (``score``) and as native formulas on the sheet
(``score_formula``, ``execution_formulas``) so that they update while the department types
in Excel or WPS.  Both read the cells the same way (``values.written_number`` and
``values.number_formula``), round the same way (to the cent, half up) and add in the same
order, so the check can tell a score typed by hand from the computed one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from typing import Any, Literal

from xladdin.direction import polarity
from xladdin.framework import is_cost, level1_key, level2_key, squash
from xladdin.model import Field, Merge, Project, SheetData, cell_ref, display_text
from xladdin.rules.wording import bare_name
from xladdin.values import Written, excel_trim, number_formula, parse, written, written_number

# --------------------------------------------------------------------------- the form's words

TITLE = "项目支出绩效自评表"
SHEET_SUFFIX = "-自评"
EXECUTION_POINTS = 10.0
# The usual split of the other 90 points (一级 key → points).  成本 as a 一级 (2021 framework)
# shares the 产出 points: it was a 二级 of 产出 before, and the 100 points stay 100.
SHARES: dict[str, float] = {"产出": 50.0, "效益": 30.0, "满意度": 10.0}
SHARE_OF = {"产出": "产出", "成本": "产出", "效益": "效益", "满意度": "满意度"}

# Label texts the tool writes (and reads, among their variants below).
MONEY_LABEL = "项目资金（万元）"
MONEY_HEADINGS = ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")
MONEY_ROWS = (
    ("annual", "年度资金总额"),
    ("appropriation", "其中：财政拨款"),
    ("carryover", "上年结转资金"),
    ("other", "其他资金"),
)
GOAL_LABEL = "年度总体目标"
GOAL_HEADINGS = ("预期目标", "实际完成情况")
HEADINGS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "评分方法",
    "偏差原因分析及改进措施",
)
HELPER_HEADINGS = ("目标数值（公式读取）", "实际数值（公式读取）")  # beside the table, not printed
TOTAL_LABEL = "总分"
NOTE_LABEL = "评分说明"
GRADES_LABEL = "定性指标评价等级"

# Variants met in published tables (normalised: no spaces, punctuation, "(A)", "其中").
_FIELD_LABELS = {
    "项目名称": "name",
    "项目支出名称": "name",
    "主管部门": "department",
    "主管部门及代码": "department",
    "主管部门及编码": "department",
    "主管单位": "department",
    "实施单位": "unit",
    "项目实施单位": "unit",
    "年度总体目标": "goal",
    "总体目标": "goal",
    "年度绩效目标": "goal",
    "预期目标": "goal_expected",
    "年初设定目标": "goal_expected",
    "实际完成情况": "goal_actual",
    "年度总体目标完成情况综述": "goal_actual",
    "总体目标完成情况": "goal_actual",
}
_MONEY_HEADINGS = {
    "年初预算数": "initial",
    "全年预算数": "budget",
    "全年执行数": "spent",
    "分值": "weight",
    "执行率": "rate",
    "得分": "score",
}
_MONEY_ROWS = {
    "年度资金总额": "annual",
    "财政拨款": "appropriation",
    "本年财政拨款": "appropriation",
    "当年财政拨款": "appropriation",
    "上年结转资金": "carryover",
    "上年结转": "carryover",
    "结余结转资金": "carryover",
    "其他资金": "other",
    "其它资金": "other",
}
_HEADINGS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "name",
    "三级指标名称": "name",
    "指标名称": "name",
    "年度指标值": "target",
    "指标值": "target",
    "年度目标值": "target",
    "目标值": "target",
    "实际完成值": "actual",
    "全年实际值": "actual",
    "实际值": "actual",
    "全年实际完成值": "actual",
    "实际完成情况": "actual",
    "分值": "weight",
    "权重": "weight",
    "权重分值": "weight",
    "得分": "score",
    "自评得分": "score",
    "评分方法": "method",
}
_END_ROWS = ("总分", "合计", "总计")
_NOISE = re.compile(r"[（(][A-Za-z/／]{1,4}[）)]|其中|[：:（）()\[\]【】,，、.。]")
_YEAR = re.compile(r"(\d{4})\s*年")
_POINTS = re.compile(r"[（(](\d+(?:\.\d+)?)分?[）)]分?$|(\d+(?:\.\d+)?)分$")
_LABEL_MAX = 40
_PLACEHOLDER = re.compile(r"^[.。…·\s]*$")


def norm(value: Any) -> str:
    """A cell as a label: whitespace, punctuation, "(A)"/"(B/A)" and "其中" removed.  Labels are
    short: a long text is judged by its start (and the cache stays small whatever a sheet holds)."""
    return _norm(value[:_LABEL_MAX]) if isinstance(value, str) else ""


@lru_cache(maxsize=16384)  # labels repeat on every sheet
def _norm(text: str) -> str:
    return _NOISE.sub("", squash(text))


def _heading(text: str) -> str | None:
    key = _HEADINGS.get(text)
    if key is None and "原因" in text:
        return "reason"
    return key


def has_selfeval_headings(row: Sequence[Any]) -> bool:
    """A header row of indicators that has the 自评 columns (实际完成值 or 得分): a 自评表, not a 绩效目标表."""
    keys = {_heading(norm(v)) for v in row if isinstance(v, str)}
    return "level1" in keys and "target" in keys and bool(keys & {"actual", "score"})


# --------------------------------------------------------------------------- grades and rounding


@dataclass(frozen=True)
class Grades:
    """定性 indicators' grades and the share of the weight each earns (达成 100%, 部分达成 60%, 未达成 0%)."""

    levels: tuple[tuple[str, float], ...] = (("达成", 1.0), ("部分达成", 0.6), ("未达成", 0.0))

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(w for w, _ in self.levels)

    def fraction(self, value: Any) -> float | None:
        """The share a grade earns, as the sheet's MATCH(TRIM(…)) finds it; None when it is no grade."""
        if not isinstance(value, str):
            return None
        t = excel_trim(value)
        return next((f for w, f in self.levels if w == t), None)

    @classmethod
    def parse(cls, spec: str) -> Grades:
        """ "达成=100,部分达成=60,未达成=0" (percent) → Grades; ValueError with a Chinese message."""
        levels: list[tuple[str, float]] = []
        for part in re.split(r"[,，、;；]", spec):
            word, sep, number = part.strip().partition("=")
            try:
                pct = float(number.strip().rstrip("%"))
            except ValueError:
                pct = -1.0
            if not sep or not word.strip() or not 0 <= pct <= 100:
                raise ValueError(f"评价等级“{part.strip()}”应写成 等级=百分比，例如 达成=100,部分达成=60,未达成=0")
            levels.append((word.strip(), pct / 100))
        if len({w for w, _ in levels}) != len(levels) or not levels:
            raise ValueError("评价等级不能为空，也不能重复")
        return cls(tuple(levels))


DEFAULT_GRADES = Grades()


def round_cents(x: float) -> float:
    """To the cent, half up, as the sheet's ROUND(…, 2) does (Excel and LibreOffice round the
    decimal the number shows, so 2.675 → 2.68, where Python's round gives 2.67)."""
    return float(Decimal(repr(x)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- how a row is scored

Method = Literal["higher", "lower", "graded"]
_NUMERIC = ("quantity", "duration", "percent", "rate")
# The rule as each row states it (评分方法); the note under the table says the rest (full marks
# once the target is met, the grade shares).
METHOD_TEXT: dict[str, str] = {"higher": "实际÷目标", "lower": "目标÷实际", "graded": "按评价等级"}


@dataclass(frozen=True)
class Scoring:
    """How one indicator is scored, decided from its 年度指标值 (and its name for the direction).

    ``higher``: met or exceeded (实际 ≥ 目标) earns the weight, otherwise weight × 实际 ÷ 目标;
    ``lower`` (a ≤ target: a cost, a time, a rate of something bad): 实际 ≤ 目标 earns the
    weight, otherwise weight × 目标 ÷ 实际; ``graded``: anything a formula cannot read as one
    number (定性, a date, a product, a range) earns the share of its grade.
    """

    method: Method
    target: Written | None = None  # how the target's number is written (None for graded)

    @property
    def remove(self) -> tuple[str, ...]:
        return self.target.remove if self.target is not None else ()

    @property
    def text(self) -> str:
        """The rule as the sheet states it on the row."""
        return METHOD_TEXT[self.method]


def scoring_of(target: Any, level1: str, level2: str, name: str) -> Scoring:
    """The scoring rule of a row: its target's number and direction (``direction.polarity``)."""
    v = parse(target)
    w = written(target)
    if v.kind not in _NUMERIC or w is None or (v.kind == "percent") != (w.unit == "%"):
        return Scoring("graded")
    if v.comparator in ("≥", "＞", "＝"):
        return Scoring("higher", w)
    if v.comparator in ("≤", "＜"):
        return Scoring("lower", w)
    l1, l2 = level1_key(level1), level2_key(level2)
    pol = polarity(bare_name(display_text(name)), l1, l2, is_cost(l1, l2))
    return Scoring("lower" if pol == "lower" else "higher", w)


def completion(scoring: Scoring, actual: Any, target: Any, grades: Grades) -> float | None:
    """The share of the weight a row earns (0–1), or None when it cannot be computed — exactly
    where the sheet's formula shows nothing (see ``score_formula``)."""
    if scoring.method == "graded":
        return grades.fraction(actual)
    n = written_number(actual, scoring.remove)
    t = written_number(target, scoring.remove)
    if n is None or t is None:
        return None
    try:
        if scoring.method == "higher":
            return 1.0 if n >= t else max(0.0, n) / t
        return 1.0 if n <= t else t / n
    except ZeroDivisionError:
        return None


def _blank(value: Any) -> bool:
    """What the formula's ``cell=""`` calls blank."""
    return value is None or value == ""


# --------------------------------------------------------------------------- formulas


def reading_formulas(scoring: Scoring, target: str, actual: str) -> tuple[str, str] | None:
    """The two helper cells of a numeric row: the target's number and the actual's, as the
    formulas read them (shown beside the table, so a department sees how its text was read;
    an actual the formula cannot read shows #VALUE! there).  None for a graded row."""
    if scoring.method == "graded":
        return None
    t = number_formula(target, scoring.remove)
    n = number_formula(actual, scoring.remove)
    return f'=IF({target}="","",{t})', f'=IF({actual}="","",{n})'


def score_formula(
    scoring: Scoring, actual: str, weight: str, target_number: str, actual_number: str, words: str, shares: str
) -> str:
    """The score cell's formula: ROUND(分值 × completion, 2), blank until 实际完成值 and 分值 are
    there and wherever the completion cannot be computed.  ``target_number``/``actual_number``
    are the helper cells of ``reading_formulas``; ``words``/``shares`` the grade table (absolute)."""
    if scoring.method == "graded":
        share = f"INDEX({shares},MATCH(TRIM({actual}),{words},0))"
    elif scoring.method == "higher":
        share = f"IF({actual_number}>={target_number},1,MAX(0,{actual_number})/{target_number})"
    else:
        share = f"IF({actual_number}<={target_number},1,{target_number}/{actual_number})"
    return f'=IF(OR({actual}="",{weight}=""),"",IFERROR(ROUND({weight}*{share},2),""))'


def execution_formulas(budget: str, spent: str, weight: str | None) -> tuple[str, str | None]:
    """执行率 = 全年执行数 ÷ 全年预算数, and its score ROUND(MIN(执行率, 1) × 分值, 2)."""
    rate = f'=IF(OR({budget}="",{spent}=""),"",IFERROR({spent}/{budget},""))'
    if weight is None:
        return rate, None
    score = f'=IF(OR({budget}="",{spent}="",{weight}=""),"",IFERROR(ROUND(MIN({spent}/{budget},1)*{weight},2),""))'
    return rate, score


def execution(budget: Any, spent: Any) -> float | None:
    """执行率 as the sheet computes it (None where it shows nothing)."""
    if _blank(budget) or _blank(spent):
        return None
    b, s = written_number(budget), written_number(spent)
    if b is None or s is None or b == 0:
        return None
    return s / b


def execution_score(budget: Any, spent: Any, weight: Any) -> float | None:
    rate = execution(budget, spent)
    w = None if _blank(weight) else written_number(weight)
    if rate is None or w is None:
        return None
    return round_cents(min(rate, 1.0) * w)


# --------------------------------------------------------------------------- weights


def group_points(label: Any) -> float | None:
    """Points written in a 一级 label: "产出指标(50分)", "产 出 指 标 (50分)" → 50; none → None."""
    m = _POINTS.search(squash(display_text(label)))
    if m is None:
        return None
    return float(m.group(1) or m.group(2))


def split_evenly(points: float, n: int) -> list[float]:
    """``points`` over ``n`` rows in whole cents, the remainder a cent each to the first rows,
    so the weights add up to exactly ``points`` (50 over 28 rows: 16 × 1.79 and 12 × 1.78)."""
    if n <= 0:
        return []
    cents = round(points * 100)
    base, extra = divmod(cents, n)
    return [(base + (1 if i < extra else 0)) / 100 for i in range(n)]


def target_weights(sheet: SheetData, project: Project) -> dict[int, float]:
    """A target table's own 权重/分值 column (shape H), by indicator row; empty when it has none."""
    header = sheet.rows[project.header_row - 1] if 0 < project.header_row <= len(sheet.rows) else []
    col = next((c for c, v in enumerate(header, start=1) if norm(v) in ("权重", "分值", "权重分值")), None)
    if col is None:
        return {}
    out: dict[int, float] = {}
    for ind in project.indicators:
        w = written_number(sheet.value(ind.row, col))
        if w is not None and w >= 0:
            out[ind.row] = w
    return out


def default_weights(project: Project, own: dict[int, float] | None = None) -> dict[int, float | None]:
    """Each indicator row's 分值: the target table's own weights where it has them for every
    row; otherwise the usual scheme split evenly within each group (``SHARES``; where every
    一级 label of a group states its points, "产出指标(40分)", those points, per 一级).  A row
    of an unknown 一级 (old forms' 投入) or an empty row gets none: the department sets it."""
    rows = [i for i in project.indicators if not i.is_empty]
    if own and all(i.row in own for i in rows):
        return {i.row: own[i.row] for i in rows}
    by_share: dict[str, dict[str, list[int]]] = {}  # share → 一级 key → rows
    stated: dict[str, float] = {}  # 一级 key → points written in its label
    for i in rows:
        l1 = level1_key(i.level1.text)
        share = SHARE_OF.get(l1)
        if share is None:
            continue
        by_share.setdefault(share, {}).setdefault(l1, []).append(i.row)
        pts = group_points(i.level1.value)
        if pts is not None:
            stated.setdefault(l1, pts)
    out: dict[int, float | None] = {i.row: None for i in rows}
    for share, groups in by_share.items():
        if all(l1 in stated for l1 in groups):
            parts = [(members, stated[l1]) for l1, members in groups.items()]
        else:
            parts = [([r for members in groups.values() for r in members], SHARES[share])]
        for members, points in parts:
            for r, w in zip(sorted(members), split_evenly(points, len(members)), strict=True):
                out[r] = w
    return out


def missing_groups(project: Project) -> list[str]:
    """一级 groups of the scheme the table has no indicator in (their points stay unassigned)."""
    have = {SHARE_OF.get(level1_key(i.level1.text)) for i in project.indicators if not i.is_empty}
    return [k for k in SHARES if k not in have]


# --------------------------------------------------------------------------- the table as data


@dataclass(frozen=True)
class SelfRow:
    """One indicator of a 自评表.  A column the table does not have is ``Field(None, "")``."""

    row: int
    level1: Field
    level2: Field
    name: Field
    target: Field  # 年度指标值
    actual: Field  # 实际完成值
    weight: Field  # 分值
    score: Field  # 得分 (as typed or as the formula last computed)
    reason: Field  # 偏差原因分析及改进措施

    @cached_property
    def scoring(self) -> Scoring:
        return scoring_of(self.target.value, self.level1.text, self.level2.text, self.name.text)


@dataclass(frozen=True)
class MoneyRow:
    """One line of the money block: 年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分."""

    key: str  # annual | appropriation | carryover | other
    label: Field
    initial: Field
    budget: Field
    spent: Field
    weight: Field
    rate: Field
    score: Field


@dataclass(frozen=True)
class SelfEval:
    """One sheet's 项目支出绩效自评表."""

    sheet: str
    year: int | None
    name: Field
    department: Field
    unit: Field
    money: tuple[MoneyRow, ...]
    goal: Field
    goal_actual: Field
    rows: tuple[SelfRow, ...]
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    total_weight: Field | None = None
    total_score: Field | None = None
    grades: Grades = DEFAULT_GRADES
    points: tuple[tuple[Field, float], ...] = ()  # 一级 label cells with the points written in them

    @property
    def annual(self) -> MoneyRow | None:
        return next((m for m in self.money if m.key == "annual"), None)

    @property
    def started(self) -> bool:
        """Whether the department has begun filling it in (an actual value or an amount spent)."""
        return any(not r.actual.empty for r in self.rows) or any(not m.spent.empty for m in self.money)


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class RowScore:
    row: SelfRow
    weight: float | None
    score: float | None  # computed; None where the formula shows nothing
    share: float | None  # completion (0–1)

    @property
    def status(self) -> str:
        """scored | no-weight | no-actual | unreadable."""
        if self.score is not None:
            return "scored"
        if self.weight is None:
            return "no-weight"
        if self.row.actual.empty:
            return "no-actual"
        return "unreadable"


@dataclass(frozen=True)
class SheetScore:
    sheet: str
    name: str
    rows: tuple[RowScore, ...]
    rate: float | None  # 预算执行率 (年度资金总额)
    execution_weight: float | None
    execution_score: float | None

    @property
    def total(self) -> float:
        """SUM of the row scores and the execution score, in the sheet's order, to the cent."""
        total = 0.0
        for r in self.rows:
            if r.score is not None:
                total += r.score
        if self.execution_score is not None:
            total += self.execution_score
        return round_cents(total)

    @property
    def full(self) -> float:
        """The points there are (the weights' sum)."""
        return round_cents(sum(r.weight or 0.0 for r in self.rows) + (self.execution_weight or 0.0))

    def as_dict(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "name": self.name,
            "execution": {"rate": self.rate, "weight": self.execution_weight, "score": self.execution_score},
            "indicators": [
                {
                    "cell": r.row.score.cell,
                    "name": r.row.name.text,
                    "target": r.row.target.text,
                    "actual": r.row.actual.text,
                    "method": r.row.scoring.text,
                    "weight": r.weight,
                    "score": r.score,
                    "entered": r.row.score.text or None,
                    "status": r.status,
                }
                for r in self.rows
            ],
            "total": self.total,
            "full": self.full,
        }


def score(se: SelfEval) -> SheetScore:
    """Every row's score and the total, as the sheet's formulas compute them."""
    rows = []
    for r in se.rows:
        weight = None if _blank(r.weight.value) else written_number(r.weight.value)
        share = None
        s = None
        if not _blank(r.actual.value) and weight is not None:
            share = completion(r.scoring, r.actual.value, r.target.value, se.grades)
            s = None if share is None else round_cents(weight * share)
        rows.append(RowScore(r, weight, s, share))
    annual = se.annual
    rate = ex_w = ex_s = None
    if annual is not None:
        rate = execution(annual.budget.value, annual.spent.value)
        ex_w = None if _blank(annual.weight.value) else written_number(annual.weight.value)
        ex_s = execution_score(annual.budget.value, annual.spent.value, annual.weight.value)
    return SheetScore(se.sheet, se.name.text, tuple(rows), rate, ex_w, ex_s)


# --------------------------------------------------------------------------- reading a sheet


class _Grid:
    """A sheet's cells with its merges, for reading by labels."""

    def __init__(self, sheet: SheetData) -> None:
        self.sheet = sheet
        self.merges: dict[tuple[int, int], Merge] = {}
        for m in sheet.merges:
            if (m.max_row - m.min_row + 1) * (m.max_col - m.min_col + 1) > 5000:
                continue
            for r in range(m.min_row, m.max_row + 1):
                for c in range(m.min_col, m.max_col + 1):
                    self.merges[(r, c)] = m

    def field(self, r: int, c: int) -> Field:
        """The cell (r, c), or the top-left of the merge it lies in."""
        m = self.merges.get((r, c))
        if m is not None:
            r, c = m.min_row, m.min_col
        return Field(self.sheet.value(r, c), cell_ref(r, c))

    def right_of(self, r: int, c: int, stops: set[tuple[int, int]]) -> Field:
        """The value right of a label: the first non-empty cell before the next label."""
        m = self.merges.get((r, c))
        start = (m.max_col if m else c) + 1
        row = self.sheet.rows[r - 1]
        for cc in range(start, len(row) + 1):
            if (r, cc) in stops:
                break
            if display_text(row[cc - 1]) != "":
                top = self.merges.get((r, cc))
                if top is not None and (top.min_row, top.min_col) != (r, cc):
                    continue
                return Field(row[cc - 1], cell_ref(r, cc))
        return Field(None, cell_ref(r, start))


_NONE = Field(None, "")


def read_selfeval(sheet: SheetData) -> SelfEval | None:
    """A sheet as a 自评表, or None when it is not one (no indicator header with 实际完成值 or 得分)."""
    grid = _Grid(sheet)
    labels: dict[str, tuple[int, int]] = {}
    stops: set[tuple[int, int]] = set()
    money_cols: dict[str, int] = {}
    money_rows: list[tuple[str, int, int]] = []
    header: tuple[int, dict[str, int]] | None = None
    for r, row in enumerate(sheet.rows, start=1):
        texts = [(c, norm(v)) for c, v in enumerate(row, start=1) if isinstance(v, str) and v.strip()]
        heads = {}
        for c, t in texts:
            k = _heading(t)
            if k is not None and k not in heads:
                heads[k] = c
        if "level1" in heads and "target" in heads and ({"actual", "score"} & heads.keys()):
            heads.setdefault("level2", heads["level1"] + 1)
            heads.setdefault("name", heads["level2"] + 1)
            header = (r, heads)
            break
        money_here = {_MONEY_HEADINGS[t]: c for c, t in texts if t in _MONEY_HEADINGS}
        if {"budget", "spent"} <= money_here.keys():
            money_cols = money_here
            stops.update((r, c) for c in money_here.values())
            continue
        for c, t in texts:
            key = _FIELD_LABELS.get(t)
            if key is not None:
                labels.setdefault(key, (r, c))
                stops.add((r, c))
            mkey = _MONEY_ROWS.get(t)
            if mkey is not None and money_cols and all(k != mkey for k, _, _ in money_rows):
                money_rows.append((mkey, r, c))
                stops.add((r, c))
    if header is None:
        return None
    header_row, cols = header

    def label_field(key: str) -> Field:
        if key not in labels:
            return _NONE
        return grid.right_of(*labels[key], stops)

    money = tuple(
        MoneyRow(
            key,
            Field(sheet.value(r, c), cell_ref(r, c)),
            *(
                grid.field(r, money_cols[k]) if k in money_cols else _NONE
                for k in ("initial", "budget", "spent", "weight", "rate", "score")
            ),
        )
        for key, r, c in money_rows
    )
    goal, goal_actual = _goal(grid, labels, stops)
    rows, total_weight, total_score, end = _rows(grid, header_row, cols)
    return SelfEval(
        sheet=sheet.name,
        year=_year(sheet, header_row),
        name=label_field("name"),
        department=label_field("department"),
        unit=label_field("unit"),
        money=money,
        goal=goal,
        goal_actual=goal_actual,
        rows=tuple(rows),
        header_row=header_row,
        columns=dict(cols),
        total_weight=total_weight,
        total_score=total_score,
        grades=_grades(sheet, end),
        points=_points(rows),
    )


def _goal(grid: _Grid, labels: dict[str, tuple[int, int]], stops: set[tuple[int, int]]) -> tuple[Field, Field]:
    """年度总体目标: under 预期目标 / 实际完成情况 when the form has those columns, else beside the label."""
    if "goal_expected" in labels:
        r, c = labels["goal_expected"]
        expected = grid.field(r + 1, c)
        actual = _NONE
        if "goal_actual" in labels:
            ra, ca = labels["goal_actual"]
            actual = grid.field(ra + 1, ca)
        return expected, actual
    if "goal" in labels:
        return grid.right_of(*labels["goal"], stops), _NONE
    return _NONE, _NONE


def _year(sheet: SheetData, before: int) -> int | None:
    for row in sheet.rows[: min(before, 4)]:
        for v in row:
            m = _YEAR.search(display_text(v))
            if m:
                return int(m.group(1))
    return None


def _rows(grid: _Grid, header_row: int, cols: dict[str, int]) -> tuple[list[SelfRow], Field | None, Field | None, int]:
    """The indicator rows below the header, down to 总分 (or the notes); the total's cells; where the table ends."""
    sheet = grid.sheet
    c1, c2 = cols["level1"], cols["level2"]
    cur1 = Field(None, cell_ref(header_row + 1, c1))
    cur2 = Field(None, cell_ref(header_row + 1, c2))
    rows: list[SelfRow] = []

    def at(r: int, key: str) -> Field:
        return grid.field(r, cols[key]) if key in cols else _NONE

    r = header_row
    for r in range(header_row + 1, sheet.max_row + 1):
        first = "" if (r, c1) in grid.merges and grid.merges[(r, c1)].min_row < r else norm(sheet.value(r, c1))
        if first in _END_ROWS:
            return rows, at(r, "weight"), at(r, "score"), r
        if first.startswith((norm(NOTE_LABEL), "注", "说明")) or "评价等级" in first:
            return rows, None, None, r - 1
        f1, f2 = grid.field(r, c1), grid.field(r, c2)
        if f1.text and (f1.cell != cur1.cell or not cur1.text):  # a new 一级 block: its 二级 starts afresh
            cur1 = f1
            cur2 = Field(None, cell_ref(r, c2))
        if f2.text:
            cur2 = f2
        name, target = at(r, "name"), at(r, "target")
        if not (name.text or target.text or at(r, "weight").text or at(r, "actual").text):
            continue
        if _PLACEHOLDER.match(name.text) and not target.text:
            continue  # "……" rows of a template
        rows.append(
            SelfRow(r, cur1, cur2, name, target, at(r, "actual"), at(r, "weight"), at(r, "score"), at(r, "reason"))
        )
    return rows, None, None, r


def _grades(sheet: SheetData, end: int) -> Grades:
    """The grade table under the form (评价等级: words in a row, their shares below), else the defaults."""
    for r in range(end + 1, min(sheet.max_row, end + 8) + 1):
        row = sheet.rows[r - 1]
        cols = [c for c, v in enumerate(row, start=1) if "评价等级" in norm(v)]
        if not cols:
            continue
        levels = []
        for c in range(cols[0] + 1, len(row) + 1):
            word = display_text(row[c - 1])
            if not word or len(word) > 8:
                continue
            share = written_number(sheet.value(r + 1, c))
            if share is None:
                break
            levels.append((word, share))
        if levels:
            return Grades(tuple(levels))
    return DEFAULT_GRADES


def _points(rows: Iterable[SelfRow]) -> tuple[tuple[Field, float], ...]:
    out: dict[str, tuple[Field, float]] = {}
    for r in rows:
        p = group_points(r.level1.value)
        if p is not None and r.level1.cell not in out:
            out[r.level1.cell] = (r.level1, p)
    return tuple(out.values())


def sheet_name(target_sheet: str, taken: set[str]) -> str:
    """The 自评表's sheet name: the target's and "-自评", within Excel's 31 characters, unique."""
    base = target_sheet[: 31 - len(SHEET_SUFFIX)] + SHEET_SUFFIX
    name, n = base, 2
    while name in taken:
        tail = f"{SHEET_SUFFIX}{n}"
        name = target_sheet[: 31 - len(tail)] + tail
        n += 1
    return name


def project_key(text: str) -> str:
    """How a 自评表 is matched to its 绩效目标表: the 项目名称 without spaces."""
    return squash(text)


__all__ = [
    "DEFAULT_GRADES",
    "EXECUTION_POINTS",
    "Grades",
    "MoneyRow",
    "RowScore",
    "Scoring",
    "SelfEval",
    "SelfRow",
    "SheetScore",
    "default_weights",
    "execution_formulas",
    "group_points",
    "has_selfeval_headings",
    "read_selfeval",
    "round_cents",
    "score",
    "score_formula",
    "scoring_of",
    "sheet_name",
    "split_evenly",
    "target_weights",
]
