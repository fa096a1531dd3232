"""What the 年度总体绩效目标 text states: amounts, quantities, inline formulas, numbering.

Departments explain their budget in prose ("…运维项目经费259.2万元；…") and often do the
arithmetic inline ("11000箱*60元/箱/年*3年=198万元").  The cost engine matches these
statements to its cost lines and the rules check them, so the scanner keeps every
statement with its character span in the original text (a message can then quote it).

Public API (stable)
-------------------
``scan(text) -> Narrative``; never raises on any text.

``Narrative``
    ``text``            the scanned text, unchanged; spans index into it.
    ``amounts``         [``StatedAmount``] every money amount in order, with ``wan`` (万元),
                        ``span``, ``context`` (the words that say what it is for: the
                        clause before it, extended over a previous clause when the
                        clause alone is generic such as "服务费"), ``item`` (the numbered
                        item it sits in, or None), ``is_total`` (the project total:
                        "计划支付400万元", "以上共计300万元", "预计110万元"),
                        ``in_formula`` (a factor or result of an inline formula).
    ``total``           the ``StatedAmount`` taken as the stated total, or None.
    ``quantities``      [``StatedQuantity``] item/quantity pairs such as “社保卡制卡机耗材4台”:
                        ``label``, ``value`` (a ``values.Value``), ``span``.
    ``formulas``        [``InlineFormula``]: ``text``, ``span``, ``factors`` (Values),
                        ``computed_wan`` (None when no single money factor), ``stated_wan``
                        (the "=…万元" result, or None), ``consistent`` (stated within the
                        0.01万元 rounding of computed, None when either is missing).
    ``items``           [``NumberedItem``] "1." "2、" "3《…": ``number``, ``span`` (to the
                        next item), ``text``.
    ``numbering_gaps``  numbers missing between the first and last item ([10] for 9 → 11).
    ``years``           [(year, position)] every four-digit year followed by 年.

All amounts are in 万元; "7.2万" (万 without 元) counts as 万元, as the department means it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

from xladdin.fastdata import fast_init
from xladdin.units import COUNT_UNITS
from xladdin.values import Value, parse

ROUNDING_WAN = 0.005 + 1e-9  # half of the published 0.01万元 step

# 1:1 character translation keeps spans valid on the original text.
_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "％": "%",
        "＊": "*",
        "×": "*",
        "／": "/",
        "（": "(",
        "）": ")",
        "＋": "+",
        "＝": "=",
    }
)


# The characters ``_FULLWIDTH`` maps; most narratives hold a few, so substituting just
# those is much cheaper than translating every character.
_FULLWIDTH_CHARS = re.compile("[" + "".join(re.escape(chr(k)) for k in _FULLWIDTH) + "]")


def _halfwidth(text: str) -> str:
    """``text.translate(_FULLWIDTH)``, fast when few characters need it."""
    return _FULLWIDTH_CHARS.sub(lambda m: m.group().translate(_FULLWIDTH), text)


@fast_init
@dataclass(frozen=True)
class StatedAmount:
    wan: float
    text: str
    span: tuple[int, int]
    context: str
    item: int | None = None
    is_total: bool = False
    in_formula: bool = False


@fast_init
@dataclass(frozen=True)
class StatedQuantity:
    label: str
    value: Value
    text: str
    span: tuple[int, int]


@fast_init
@dataclass(frozen=True)
class InlineFormula:
    text: str
    span: tuple[int, int]
    factors: tuple[Value, ...]
    computed_wan: float | None
    stated_wan: float | None

    @property
    def consistent(self) -> bool | None:
        if self.computed_wan is None or self.stated_wan is None:
            return None
        return abs(self.computed_wan - self.stated_wan) <= ROUNDING_WAN


@fast_init
@dataclass(frozen=True)
class NumberedItem:
    number: int
    span: tuple[int, int]
    text: str


@fast_init
@dataclass(frozen=True)
class Narrative:
    text: str
    amounts: tuple[StatedAmount, ...] = ()
    quantities: tuple[StatedQuantity, ...] = ()
    formulas: tuple[InlineFormula, ...] = ()
    items: tuple[NumberedItem, ...] = ()
    numbering_gaps: tuple[int, ...] = ()
    years: tuple[tuple[int, int], ...] = ()
    total: StatedAmount | None = field(default=None)

    @property
    def line_amounts(self) -> list[StatedAmount]:
        """Amounts that may belong to a cost line: not the total, not a formula factor."""
        return [a for a in self.amounts if not a.is_total and not (a.in_formula and not _is_result(self, a))]


def _is_result(n: Narrative, a: StatedAmount) -> bool:
    return any(f.stated_wan is not None and f.span[1] == a.span[1] for f in n.formulas)


# --------------------------------------------------------------------------- patterns

_NUM = r"\d+(?:,\d{3})*(?:\.\d+)?"
# The patterns below that start with a number spell "(?<![…])\d+" as "\d(?<![…]\d)\d*": the same
# matches, but a pattern that starts with \d lets the regex engine skip to the next digit
# instead of trying every character (a 2× faster scan of a narrative).
_NUM_REST = r"\d*(?:,\d{3})*(?:\.\d+)?"  # _NUM after its first digit
_AMOUNT = re.compile(rf"(\d(?<![\d.,]\d){_NUM_REST})(亿元|万元|万(?![\u4e00-\u9fff])|元)(?![/\d])")
_FACTOR = r"(?:\(\d+(?:\.\d+)?(?:\+\d+(?:\.\d+)?)+\)|\d+(?:\.\d+)?)万?[\u4e00-\u9fff]{1,3}?(?:/[\u4e00-\u9fff]{1,3}?)*"
# The first factor spelled to start with a character class, so the engine jumps from one
# "(" or digit to the next instead of trying the pattern at every character (same matches
# as _FACTOR there: a "(" takes the first branch, a digit the second).
_FIRST_FACTOR = (
    r"[(\d](?:(?<=\()\d+(?:\.\d+)?(?:\+\d+(?:\.\d+)?)+\)|(?<=\d)\d*(?:\.\d+)?)"
    r"万?[\u4e00-\u9fff]{1,3}?(?:/[\u4e00-\u9fff]{1,3}?)*"
)
_FORMULA = re.compile(rf"({_FIRST_FACTOR}(?:\*{_FACTOR})+)(?==|(?![\u4e00-\u9fff/]))(?:=({_NUM})(万元|万|元))?")
_ITEM = re.compile(r"(\d(?<![\d.]\d)\d?)[.、](?!\d)")
_YEAR = re.compile(r"((?:1(?<!\d1)9|2(?<!\d2)[01])\d{2})(?=年)")  # 19xx/20xx/21xx not after a digit
# A clause break: a punctuation mark, or 其中.  Spelled to start with a character class so
# the engine jumps between candidates (same matches as "[，,；;。：:！!？?\n]|其中").
_CLAUSE_BREAK = re.compile(r"[，,；;。：:！!？?\n其](?:(?<=其)中|(?<!其))")
_TOTAL_WORDS = (
    "计划支付",
    "计划投入",
    "预算",
    "预计",
    "共计",
    "合计",
    "总计",
    "总额",
    "总投资",
    "安排资金",
    "申请资金",
)
_TOTAL_RE = re.compile("|".join(map(re.escape, _TOTAL_WORDS)))
_GENERIC = re.compile(r"^(?:服务费|经费|费用|共|需经费|需支付|资金|金额|合计|支付|计|约|为|需)?$")
# Longest first, so that 人次 wins over 人 and 平方米 over 米 in the alternation.
_COUNT_UNITS = tuple(sorted(COUNT_UNITS, key=lambda u: (-len(u), u)))
# The one-character units as one character class after the longer ones: the same
# alternatives in the same order of preference, but one bitmap test instead of fifty.
_UNIT_ALTERNATION = "|".join(
    [*(re.escape(u) for u in _COUNT_UNITS if len(u) > 1), "[" + "".join(u for u in _COUNT_UNITS if len(u) == 1) + "]"]
)
_QUANTITY = re.compile(rf"(\d(?<![\d.,/*]\d){_NUM_REST})(万)?({_UNIT_ALTERNATION})(?![/*\d])")
_STRIP_CTX = re.compile(r"^[\s“”\"'《》()（）<>/p.、,，]+|[\s“”\"'()（）]+$")


def _wan(num: str, unit: str) -> float:
    x = float(num.replace(",", ""))
    return x * 10_000 if unit == "亿元" else x / 10_000 if unit == "元" else x


@lru_cache(maxsize=2048)
def scan(text: str) -> Narrative:
    """Everything the narrative states, with spans into ``text``.

    Memoised on the text (a Narrative is immutable): departments copy a goal's wording
    from project to project and from year to year, and a workbook's check scans each once.
    """
    try:
        return _scan(text or "")
    except Exception:  # the scanner is best effort; a checker must never die on prose
        return Narrative(text=text or "")


def _scan(original: str) -> Narrative:
    t = _halfwidth(original)
    formulas = _formulas(t, original)
    fspans = [f.span for f in formulas]
    items = _items(t)
    breaks = _Breaks(t)
    amounts = []
    prev_end = 0
    item_starts = [it.span[0] for it in items]  # items are in text order and tile the text from the first
    for m in _AMOUNT.finditer(t):
        span = (m.start(), m.end())
        in_formula = bool(fspans) and any(a <= span[0] and span[1] <= b for a, b in fspans)
        k = bisect_right(item_starts, span[0]) - 1
        it = items[k] if k >= 0 and span[0] < items[k].span[1] else None
        item = it.number if it else None
        floor = max(prev_end, it.span[0] + len(str(it.number)) if it else 0)
        ctx = _context(t, m.start(), floor, breaks)
        if not in_formula:
            prev_end = span[1]
        amounts.append(
            StatedAmount(
                wan=_wan(m.group(1), m.group(2)),
                text=original[span[0] : span[1]],
                span=span,
                context=ctx,
                item=item,
                in_formula=in_formula,
            )
        )
    total = _total(t, amounts)
    if total is not None:
        amounts = [a if a is not total else _as_total(a) for a in amounts]
        total = _as_total(total)
    quantities = []
    for m in _QUANTITY.finditer(t):
        span = (m.start(), m.end())
        if any(a <= span[0] < b for a, b in fspans):
            continue
        nxt = t[span[1] : span[1] + 1]
        if nxt in ("/", "*") or (m.group(3) == "个" and nxt and "\u4e00" <= nxt <= "\u9fff"):
            continue
        label = _context(t, m.start(), 0, breaks)
        v = parse(original[span[0] : span[1]])
        if v.kind in ("quantity", "duration"):
            quantities.append(StatedQuantity(label=label, value=v, text=original[span[0] : span[1]], span=span))
    years = tuple((int(m.group(1)), m.start()) for m in _YEAR.finditer(t))
    numbers = [it.number for it in items]
    gaps: tuple[int, ...] = ()
    if numbers:
        present = set(numbers)
        gaps = tuple(n for n in range(min(numbers), max(numbers) + 1) if n not in present)
    return Narrative(
        text=original,
        amounts=tuple(amounts),
        quantities=tuple(quantities),
        formulas=tuple(formulas),
        items=tuple(items),
        numbering_gaps=gaps,
        years=years,
        total=total,
    )


def _as_total(a: StatedAmount) -> StatedAmount:
    return StatedAmount(a.wan, a.text, a.span, a.context, a.item, True, a.in_formula)


class _Breaks:
    """The clause breaks of a text, found once, for the context of every number in it.

    Breaks never overlap one another (single characters and 其中), so the ones of a
    window are the ones of the whole text that lie entirely inside it.
    """

    def __init__(self, t: str) -> None:
        spans = [m.span() for m in _CLAUSE_BREAK.finditer(t)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]


def _context(t: str, pos: int, floor: int, breaks: _Breaks) -> str:
    """The words before ``pos`` (not before ``floor``) that say what the number is for.

    From the last clause break before ``pos``; when that leaves a generic word or two
    (“共”, “经费”), from the break before it — breaks before ``floor`` do not count.
    """
    ends, starts = breaks.ends, breaks.starts
    i = bisect_right(ends, pos)  # breaks ending at or before pos
    retry: int | None = None
    if i and starts[i - 1] >= floor:
        start = ends[i - 1]
        retry = ends[i - 2] if i > 1 and starts[i - 2] >= floor else floor
    else:
        start = floor
    ctx = _clean_ctx(t[start:pos])
    if retry is not None and (len(ctx) <= 2 or _GENERIC.match(ctx)):
        ctx = _clean_ctx(t[retry:pos])
    return ctx


_ITEM_PREFIX = re.compile(r"^\d{1,2}[.、]")


# What _STRIP_CTX removes at each end (besides whitespace): the two ends are checked by
# hand first, because most contexts need nothing removed and a pattern anchored at the
# end is tried at every position of the text.
_LEAD = frozenset("“”\"'《》()（）<>/p.、,，")
_TRAIL = frozenset("“”\"'()（）")


def _clean_ctx(s: str) -> str:
    s = s.strip()
    if s and s[0].isdigit():  # \d is a subset of isdigit()
        s = _ITEM_PREFIX.sub("", s)
    if s and (s[0] in _LEAD or s[0].isspace() or s[-1] in _TRAIL or s[-1].isspace()):
        return _STRIP_CTX.sub("", s)
    return s


def _total(t: str, amounts: list[StatedAmount]) -> StatedAmount | None:
    cands = []
    for a in amounts:
        if a.in_formula:
            continue
        before = t[max(0, a.span[0] - 12) : a.span[0]]
        if _TOTAL_RE.search(a.context + before):
            cands.append(a)
    if not cands:
        return None
    return max(cands, key=lambda a: a.wan)


def _items(t: str) -> list[NumberedItem]:
    """Numbered items; a number written without its dot ("3《…") is recovered between neighbours."""
    found: dict[int, int] = {}
    last = 0
    for m in _ITEM.finditer(t):
        n = int(m.group(1))
        # items count up; a "2." that is part of a date or a decimal does not
        if n == 0 or (found and n <= max(found)) or (not found and n > 3):
            continue
        if m.start() < last:
            continue
        found[n] = m.start()
        last = m.end()
    if not found:
        return []
    nums = sorted(found)
    for n in range(nums[0] + 1, nums[-1]):
        if n in found:
            continue
        lo = max((found[k] for k in found if k < n), default=0)
        hi = min((found[k] for k in found if k > n), default=len(t))
        bare = re.compile(rf"(?<![\d.]){n}(?=[《“\"(\u4e00-\u9fff])(?!年|月|日|万|元|个|人|天)").search(t, lo + 1, hi)
        if bare:
            found[n] = bare.start()
    order = sorted(found.items(), key=lambda kv: kv[1])
    out = []
    for i, (n, pos) in enumerate(order):
        end = order[i + 1][1] if i + 1 < len(order) else len(t)
        out.append(NumberedItem(n, (pos, end), t[pos:end]))
    return out


def _formulas(t: str, original: str) -> list[InlineFormula]:
    out: list[InlineFormula] = []
    if "*" not in t:
        return out  # a formula has at least one "*"
    for m in _FORMULA.finditer(t):
        left = m.group(1)
        v = parse(left)
        if v.kind != "product":
            continue
        computed = _product_wan(v)
        stated = _wan(m.group(2), m.group(3)) if m.group(2) else None
        out.append(
            InlineFormula(
                text=original[m.start() : m.end()],
                span=(m.start(), m.end()),
                factors=v.factors,
                computed_wan=computed,
                stated_wan=stated,
            )
        )
    return out


def _product_wan(v: Value) -> float | None:
    money = [f for f in v.factors if f.is_money]
    if len(money) != 1 or v.number is None:
        return None
    return v.number / 10_000
