"""指标值 text → typed ``Value``: the one place that reads what a department typed.

Every other part (rules, cost engine, fill, rollover, worksheet functions) reasons on
``Value`` and never on raw text, so that "≥95%", "不低于95%" and "95%以上" are one thing.

Public API (stable)
-------------------
``parse(text) -> Value``
    Never raises.  Non-str input (a number read from a cell) is shown as Excel shows it
    first.  An unknown form gives ``kind == "unparsed"`` with a Chinese ``reason``.
    Results for str input are cached (values repeat across projects; Values are
    immutable); ``parse_uncached`` is the same without the cache.
``format_value(v) -> str``
    Canonical text of a value; ``parse(format_value(v)) == v`` for every value the
    parser produces (equality ignores ``text``, ``comparator_raw``, ``unit_raw`` and
    ``reason``, which record how it was written, not what it means).
``Value`` (frozen dataclass), fields:

``kind``
    "quantity"    a number with an optional unit: 2套, 2.1万张, 110万元, 5 (unit "").
    "duration"    a number with a time unit (units.TIME_UNITS): 52天, ≤1小时, 1年, 4个季度.
                  Also a quantity for the cost engine (52天 fills a …/天 rate).
    "percent"     unit "%" or "‰": 100%, ≥90%, 千分之五 (5 ‰), 百分之九十 (90 %), 五成 (50 %).
    "rate"        number + unit per one or more units: 1.2万元/月/人 (number 12000, unit 元,
                  per ("月", "人")), 1870人/年 (number 1870, unit 人, per ("年",)), 每年1次.
    "product"     factors joined by * × x: 9天*50人 → factors (9天, 50人), number 450,
                  unit "天*人".  A factor may be a rate (11000箱*60元/箱/年*3年).
    "date"        year / month / day, any of them None: 2026年12月, 2029-10-1, 2026.12,
                  12月底 (``end`` True), 2026年.  A date before which something must
                  happen ("2026年12月前") has comparator "≤".
    "qualitative" 定性 text with no number: 长期, 已纳入, 满意, 大幅提升; ``word`` holds it.
    "empty"       blank cell.
    "unparsed"    contains a number but no known form; ``reason`` says why.
``comparator``
    One of "≥", "＞", "＝", "＜", "≤" (note: ≥ ≤ half-width, ＞ ＝ ＜ full-width, as the
    department writes them), or None when none was written.  Symbols, ASCII (>=, <=, >,
    <, =, ≧, ≦) and words (不低于, 不少于, 以上, 不超过, 不高于, 以内, 达到, 前 …) are
    all normalised; ``comparator_raw`` keeps what was written.
``number``
    float, scaled: 2.1万张 → 21000, 81.25万人 → 812500.  **Money is normalised to 元**:
    110万元 → 1100000 with unit "元"; ``wan`` gives 万元.  Percent stays in its unit
    (95% → 95.0, 千分之五 → 5.0 with unit "‰"); ``fraction`` gives 0.95 / 0.005.
``unit``
    canonical unit (``units.canonical``): 元, 张, 人次, 月 (for 个月), 季度, 天 (for 日), %, ‰ …
``unit_raw``
    the unit as written (万元, 个月), for messages.
``per``
    per-units of a rate, canonical, in written order.
``factors``
    the factor values of a product.
``year``, ``month``, ``day``, ``end``
    dates; ``end`` for 底/末 (end of the month or year).
``approx``
    约 / 左右 / 余 were written (any numeric kind or date).
``word``
    the qualitative text (whitespace removed).
``reason``
    why a value is unparsed.

Helpers: ``is_money(unit)``, ``is_time_unit(unit)`` (re-exported from ``units``);
``Value.is_money``, ``Value.money`` (元), ``Value.wan``, ``Value.fraction``, ``Value.is_numeric``,
``Value.quantities()`` (the (number, unit) pairs a value supplies to the cost engine).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any, Literal

from xladdin.framework import squash
from xladdin.model import display_text
from xladdin.units import WAN, canonical, is_money, is_percent_unit, is_time_unit

__all__ = [
    "COMPARATORS",
    "Kind",
    "Value",
    "chinese_number",
    "format_number",
    "format_value",
    "is_money",
    "is_time_unit",
    "parse",
    "parse_uncached",
]

Kind = Literal["quantity", "duration", "percent", "rate", "product", "date", "qualitative", "empty", "unparsed"]
COMPARATORS = ("≥", "＞", "＝", "＜", "≤")


@dataclass(frozen=True)
class Value:
    kind: Kind
    text: str = field(default="", compare=False)
    comparator: str | None = None
    comparator_raw: str | None = field(default=None, compare=False)
    number: float | None = None
    unit: str = ""
    per: tuple[str, ...] = ()
    factors: tuple[Value, ...] = ()
    year: int | None = None
    month: int | None = None
    day: int | None = None
    end: bool = False
    approx: bool = False
    word: str = ""
    unit_raw: str = field(default="", compare=False)
    reason: str = field(default="", compare=False)

    @property
    def is_money(self) -> bool:
        """A money amount or a money rate (unit 元)."""
        return is_money(self.unit) and self.kind in ("quantity", "rate")

    @property
    def money(self) -> float | None:
        """The money amount in 元 (of an amount or of a rate's numerator); None otherwise."""
        return self.number if self.is_money else None

    @property
    def wan(self) -> float | None:
        """Money in 万元 (None when the value is not money)."""
        if self.number is None or not is_money(self.unit):
            return None
        return self.number / WAN

    @property
    def fraction(self) -> float | None:
        """A percent as a fraction: 95% → 0.95, 千分之五 → 0.005."""
        if self.kind != "percent" or self.number is None:
            return None
        return self.number / (100.0 if self.unit == "%" else 1000.0)

    @property
    def is_numeric(self) -> bool:
        return self.kind in ("quantity", "duration", "percent", "rate", "product")

    def quantities(self) -> list[tuple[float, str]]:
        """(number, unit) pairs this value supplies as a quantity: 9天*50人 → [(9, 天), (50, 人)].

        A count rate (1870人/年) supplies its count: the per-year part is the period
        the cost line already multiplies by.
        """
        if self.kind in ("quantity", "duration") and self.number is not None:
            return [(self.number, self.unit)]
        if self.kind == "rate" and self.number is not None and not is_money(self.unit):
            return [(self.number, self.unit)]
        if self.kind == "product":
            out: list[tuple[float, str]] = []
            for f in self.factors:
                out.extend(f.quantities())
            return out
        return []


# --------------------------------------------------------------------------- text normalisation

_FULLWIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "．": ".",
        "，": ",",
        "％": "%",
        "＊": "*",
        "×": "*",
        "Ｘ": "*",
        "ｘ": "*",
        "／": "/",
        "（": "(",
        "）": ")",
        "＋": "+",
        "－": "-",
        "：": ":",
        "～": "~",
        "　": " ",
    }
)


# A unit in brackets after the number, as budget systems print it: "=100.00(%)", "≥90.00(%)".
_UNIT_IN_BRACKETS = re.compile(r"(\d)\((%|‰|[\u4e00-\u9fff]{1,3})\)$")


def _normalise(text: str) -> str:
    t = squash(text.translate(_FULLWIDTH))
    t = t.replace("x", "*").replace("X", "*").replace("·", "/")
    if t.endswith(("。", ";", "；")):  # a sentence's end after the value: "95%以上。"
        t = t.rstrip("。;；")
    if t.endswith(")"):
        t = _UNIT_IN_BRACKETS.sub(r"\1\2", t)
    return t


# --------------------------------------------------------------------------- comparators

_PREFIX_WORDS: tuple[tuple[str, str], ...] = (
    (">=", "≥"),
    ("<=", "≤"),
    ("=>", "≥"),
    ("=<", "≤"),
    ("≥", "≥"),
    ("≧", "≥"),
    ("≤", "≤"),
    ("≦", "≤"),
    (">", "＞"),
    ("＞", "＞"),
    ("<", "＜"),
    ("＜", "＜"),
    ("=", "＝"),
    ("＝", "＝"),
    ("不低于", "≥"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("不短于", "≥"),
    ("至少", "≥"),
    ("最少", "≥"),
    ("达到", "≥"),
    ("达", "≥"),
    ("不超过", "≤"),
    ("不高于", "≤"),
    ("不多于", "≤"),
    ("不大于", "≤"),
    ("不长于", "≤"),
    ("最多", "≤"),
    ("控制在", "≤"),
    ("大于", "＞"),
    ("高于", "＞"),
    ("超过", "＞"),
    ("多于", "＞"),
    ("小于", "＜"),
    ("低于", "＜"),
    ("少于", "＜"),
    ("等于", "＝"),
)
_SUFFIX_WORDS: tuple[tuple[str, str], ...] = (
    ("及以上", "≥"),
    ("以上", "≥"),
    ("之上", "≥"),
    ("及以下", "≤"),
    ("以下", "≤"),
    ("以内", "≤"),
    ("之内", "≤"),
    ("之前", "≤"),
    ("以前", "≤"),
    ("前", "≤"),
    ("内", "≤"),
)
_FILLER_SUFFIX = ("完成", "完工", "办结", "结束", "到位", "左右", "(含)")


_PREFIX_MAP = dict(_PREFIX_WORDS)
_PREFIX_RE = re.compile("|".join(re.escape(w) for w in sorted(_PREFIX_MAP, key=len, reverse=True)))
_SUFFIX_MAP = dict(_SUFFIX_WORDS)
# Two-character words ("以内", "及以上") may follow any unit ("100万元以内"); the single
# characters 前 / 内 only a number, a time or a date ("3天内", "12月底前"), since they
# also end ordinary words.
_SUFFIX_RE = re.compile(
    r"(?<=.)(" + "|".join(re.escape(w) for w, _ in _SUFFIX_WORDS if len(w) > 1) + r")$"
    r"|(?<=[\d%‰月年日天时钟度底末元人次个])(" + "|".join(re.escape(w) for w, _ in _SUFFIX_WORDS if len(w) == 1) + r")$"
    r"|(?<=.)(" + "|".join(re.escape(w) for w in _FILLER_SUFFIX) + r")$"
)


def _take_comparators(t: str) -> tuple[str, str | None, str | None, bool]:
    """Strip comparator words around the body → (body, comparator, raw, approx)."""
    comp: str | None = None
    raw: str | None = None
    approx = False
    if t.startswith("约"):
        approx, t = True, t[1:]
    m = _PREFIX_RE.match(t)
    if m and len(t) > m.end():
        raw = m.group(0)
        comp, t = _PREFIX_MAP[raw], t[m.end() :]
        if t.startswith("约"):
            approx, t = True, t[1:]
    while True:
        m = _SUFFIX_RE.search(t)
        if m is None:
            break
        word = m.group(1) or m.group(2)
        if word:
            if comp is None:
                comp, raw = _SUFFIX_MAP[word], word
        elif m.group(3) == "左右":
            approx = True
        t = t[: m.start()]
    return t, comp, raw, approx


# --------------------------------------------------------------------------- numbers

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "两": 2, "贰": 2, "三": 3, "叁": 3, "四": 4, "肆": 4}
_CN_DIGITS.update({"五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9})
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG) + "点"


def chinese_number(s: str) -> Decimal | None:
    """ "九十" → 90, "五" → 5, "一百二十" → 120, "三点五" → 3.5; None when not a numeral."""
    if not s or any(ch not in _CN_CHARS for ch in s):
        return None
    if "点" in s:
        whole, _, frac = s.partition("点")
        w = chinese_number(whole) if whole else Decimal(0)
        if w is None or not frac or any(ch not in _CN_DIGITS for ch in frac):
            return None
        return w + Decimal("0." + "".join(str(_CN_DIGITS[c]) for c in frac))
    total = Decimal(0)
    section = Decimal(0)
    digit: int | None = None
    last_unit = 10_000  # units inside a section must decrease: 千百十, never 千千
    last_big = 10**9
    for ch in s:
        if ch in _CN_DIGITS:
            if digit is not None:  # 一二 is not a numeral form we accept
                return None
            digit = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            if _CN_UNITS[ch] >= last_unit:
                return None
            last_unit = _CN_UNITS[ch]
            section += (digit if digit is not None else 1) * _CN_UNITS[ch]
            digit = None
        else:  # 万 / 亿
            if _CN_BIG[ch] >= last_big:
                return None
            last_big = _CN_BIG[ch]
            section += digit or 0
            total += section * _CN_BIG[ch]
            section, digit, last_unit = Decimal(0), None, 10_000
    return total + section + (digit or 0)


_NUM_RE = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUM = re.compile(_NUM_RE)
_SCALE = {"十": 1, "百": 2, "千": 3, "万": 4, "十万": 5, "百万": 6, "千万": 7, "亿": 8}
# Units whose first character looks like a scale word but is not one.
_SCALE_SAFE_UNITS = ("千克", "千米", "千瓦", "百分点", "万元", "亿元", "千元", "百元", "十万元", "百万元", "千万元")


def _decimal(s: str) -> Decimal:
    return Decimal(s.replace(",", ""))


def format_number(x: float) -> str:
    """Shortest text that reads back as the same float, never in e-notation: 12000.0 → "12000"."""
    if x == int(x) and abs(x) < 1e16:
        return str(int(x))
    r = repr(x)
    if "e" in r or "E" in r:
        r = format(Decimal(r), "f")
    return r


# --------------------------------------------------------------------------- units

_UNIT_TEXT = re.compile(r"^(?:[\u4e00-\u9fff]{1,4}|m²|m2|m³|m3|㎡|km|kg|GB|TB|MB|Mbps|M|G|h|min|s|%|‰)$")


# Words that follow a number but are comparators or fillers, never units.
_NOT_UNITS = frozenset(w for w, _ in (*_SUFFIX_WORDS, *_PREFIX_WORDS)) | set(_FILLER_SUFFIX) | {"余", "多", "约", "成"}
_NOT_UNIT_ENDINGS = ("以上", "以下", "以内", "之内", "之前", "以前", "左右", "完成", "底", "末", "初")


def _split_scale(rest: str) -> tuple[int, str]:
    """ "万张" → (4, "张"); "万元" → (0, "万元") (money scale is the unit's own)."""
    for safe in _SCALE_SAFE_UNITS:
        if rest.startswith(safe):
            return 0, rest
    for word in ("十万", "百万", "千万", "亿", "万", "千", "百"):
        if rest.startswith(word) and word in _SCALE:
            return _SCALE[word], rest[len(word) :]
    return 0, rest


def _unit(raw: str) -> tuple[str, int] | None:
    """Unit text → (canonical unit, scale); None when it is not a plausible unit."""
    if raw == "":
        return "", 0
    if raw.startswith("个") and len(raw) > 1 and canonical(raw)[0] != raw:
        return canonical(raw)
    if raw in _NOT_UNITS or raw.endswith(_NOT_UNIT_ENDINGS) or raw.startswith(("余", "多", "约", "之")):
        return None
    if not _UNIT_TEXT.match(raw) or (raw[0] in "十百千万亿" and raw not in _SCALE_SAFE_UNITS):
        return None  # a second scale word ("万亿张") or a bare one is not a unit
    return canonical(raw)


# --------------------------------------------------------------------------- body forms

_DATE_YMD = re.compile(r"^(\d{4})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})日?(底|末)?$")
_DATE_YM = re.compile(r"^(\d{4})(?:年(\d{1,2})月(份)?|[-/.](\d{1,2})月?)(底|末|初)?$")
_DATE_Y = re.compile(r"^(\d{4})年(度)?(底|末|初)?$")
_DATE_M = re.compile(r"^(\d{1,2})月(?:份)?(底|末|初)$|^(\d{1,2})月(\d{1,2})日$")
_PERCENT = re.compile(rf"^({_NUM_RE})(%|‰)$")
_CN_PERCENT = re.compile(r"^(百分之|千分之)(.+)$")
_CN_TENTHS = re.compile(r"^([\u4e00-\u9fff\d.]+)成$")
_QTY = re.compile(rf"^({_NUM_RE})(余|多)?(.*)$")
_PAREN_SUM = re.compile(rf"^\(((?:{_NUM_RE})(?:\+(?:{_NUM_RE}))+)\)(.*)$")
_EVERY = re.compile(r"^每(个)?([\u4e00-\u9fff]{1,3}?)(\d.*)$")


def _is_year(y: int) -> bool:
    return 1900 <= y <= 2200


_QUARTER = re.compile(r"^(\d{4})年第?([1-4一二三四])季度?(末|底)?$")


def _date(body: str) -> Value | None:
    q = _QUARTER.match(body)
    if q and _is_year(int(q.group(1))):
        n = "一二三四".find(q.group(2)) + 1 or int(q.group(2))
        return Value("date", year=int(q.group(1)), month=3 * n, end=True)  # a quarter ends with its last month
    m = _DATE_YMD.match(body)
    if m and _is_year(int(m.group(1))) and 1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31:
        return Value("date", year=int(m.group(1)), month=int(m.group(2)), day=int(m.group(3)), end=bool(m.group(4)))
    m = _DATE_YM.match(body)
    if m and _is_year(int(m.group(1))):
        month = int(m.group(2) or m.group(4))
        if 1 <= month <= 12 and m.group(5) != "初":
            return Value("date", year=int(m.group(1)), month=month, end=bool(m.group(5)))
    m = _DATE_Y.match(body)
    if m and _is_year(int(m.group(1))) and m.group(3) != "初":
        return Value("date", year=int(m.group(1)), end=bool(m.group(3)))
    m = _DATE_M.match(body)
    if m:
        if m.group(1):
            month = int(m.group(1))
            if 1 <= month <= 12 and m.group(2) != "初":
                return Value("date", month=month, end=True)
        else:
            month, day = int(m.group(3)), int(m.group(4))
            if 1 <= month <= 12 and 1 <= day <= 31:
                return Value("date", month=month, day=day)
    return None


def _cn_or_arabic(text: str) -> Decimal | None:
    """九十 / 90 / 5.5 → Decimal; None when it is neither."""
    n = chinese_number(text)
    if n is not None:
        return n
    try:
        return _decimal(text)
    except InvalidOperation:
        return None


def _percent(body: str) -> Value | None:
    m = _PERCENT.match(body)
    if m:
        return Value("percent", number=float(_decimal(m.group(1))), unit=m.group(2), unit_raw=m.group(2))
    m = _CN_PERCENT.match(body)
    if m:
        n = _cn_or_arabic(m.group(2))
        if n is None:
            return None
        unit = "%" if m.group(1) == "百分之" else "‰"
        return Value("percent", number=float(n), unit=unit, unit_raw=m.group(1))
    m = _CN_TENTHS.match(body)
    if m:
        n = _cn_or_arabic(m.group(1))
        if n is None:
            return None
        return Value("percent", number=float(n * 10), unit="%", unit_raw="成")
    return None


def _quantity(body: str) -> Value | None:
    """NUM [余] [scale] unit, or a Chinese numeral + unit, or (a+b+c)unit."""
    approx = False
    m = _PAREN_SUM.match(body)
    if m:
        num = sum((_decimal(p) for p in m.group(1).split("+")), Decimal(0))
        rest = m.group(2)
    else:
        m = _QTY.match(body)
        if m:
            num = _decimal(m.group(1))
            approx = bool(m.group(2))
            rest = m.group(3)
        else:
            cm = re.match(r"^([零〇一二两三四五六七八九十百千点]+)(.*)$", body)
            if not cm:
                return None
            n = chinese_number(cm.group(1))
            if n is None:
                return None
            num, rest = n, cm.group(2)
            if rest == "":
                return None  # a bare Chinese numeral is more likely a word than a value
    scale, unit_text = _split_scale(rest)
    if approx is False and unit_text.startswith(("余", "多")):
        approx, unit_text = True, unit_text[1:]
    u = _unit(unit_text)
    if u is None:
        return None
    unit, uscale = u
    number = float(num.scaleb(scale + uscale))
    kind: Kind = "duration" if is_time_unit(unit) else "percent" if is_percent_unit(unit) else "quantity"
    if kind == "percent" and scale:
        return None
    if unit == "年" and number.is_integer() and _is_year(int(number)):
        return Value("date", year=int(number), approx=approx)  # "两千年", "2.026千年": a year, as "2026年" is
    return Value(kind, number=number, unit=unit, unit_raw=rest, approx=approx)


def _rate(body: str) -> Value | None:
    parts = body.split("/")
    if len(parts) < 2 or any(p == "" for p in parts):
        return None
    head = _quantity(parts[0])
    if head is None or head.kind == "percent":
        return None
    per: list[str] = []
    for p in parts[1:]:
        # "人天" as one per-unit means 人 and 天 (元/人天).
        if p in ("人天", "人日"):
            per.extend(["人", "天"])
            continue
        if p.startswith("每"):
            p = p[1:]
        p = p.lstrip("1") if re.match(r"^1[\u4e00-\u9fff]", p) else p  # "元/1人" → 人
        u = _unit(p)
        if u is None or u[0] == "" or u[1] != 0:
            return None
        per.append(u[0])
    return Value("rate", number=head.number, unit=head.unit, per=tuple(per), unit_raw=head.unit_raw, approx=head.approx)


def _factor(body: str) -> Value | None:
    return _rate(body) if "/" in body else _quantity(body)


def _product(body: str) -> Value | None:
    parts = body.split("*")
    if len(parts) < 2 or any(p == "" for p in parts):
        return None
    factors = []
    for p in parts:
        f = _factor(p)
        if f is None or f.approx:
            return None
        factors.append(f)
    return _make_product(tuple(factors))


def _make_product(factors: tuple[Value, ...]) -> Value:
    prod = Decimal(1)
    for f in factors:
        prod *= Decimal(repr(f.number))
    return Value("product", number=float(prod), unit="*".join(f.unit for f in factors), factors=factors)


def _body(body: str) -> Value | None:
    if body == "":
        return None
    if "*" in body:
        return _product(body)
    # Cheap dispatch first: most 指标值 are percents or plain quantities.
    last = body[-1]
    if last in "%‰" or body.startswith(("百分之", "千分之")) or last == "成":
        return _percent(body)
    if _DATE_HINT.search(body):
        d = _date(body)
        if d is not None:
            return d
    if body[0] == "每":
        return _every(body)
    return _factor(body)


_DATE_HINT = re.compile(r"^\d{4}[年\-/.]|月")


def _every(body: str) -> Value | None:
    """ "每年1次" → 1次/年."""
    m = _EVERY.match(body)
    if not m:
        return None
    u = _unit(m.group(2))
    q = _quantity(m.group(3))
    if u is None or q is None or u[0] == "":
        return None
    return Value("rate", number=q.number, unit=q.unit, per=(u[0],), unit_raw=q.unit_raw)


_HAS_DIGIT = re.compile(r"\d")
_RANGE = re.compile(rf"^({_NUM_RE})[^\d]*[-~至到]({_NUM_RE})")


def parse(text: Any) -> Value:
    """指标值 text → ``Value``; never raises (see the module docstring).

    Results for text are cached: a workbook repeats the same values ("≥95%", "长期")
    across hundreds of projects, and a ``Value`` is immutable, so sharing one is safe.
    """
    if isinstance(text, str):
        return _parse_cached(text)
    return parse_uncached(text)


def parse_uncached(text: Any) -> Value:
    """``parse`` without the cache (benchmarks measure this for distinct values)."""
    try:
        return _parse(text)
    except Exception as exc:  # a parser bug must not stop a check of 1,000 projects
        return Value("unparsed", text=str(text), reason=f"无法识别（{type(exc).__name__}）")


@lru_cache(maxsize=16384)
def _parse_cached(text: str) -> Value:
    return parse_uncached(text)


def _with(v: Value, **changes: Any) -> Value:
    """``dataclasses.replace`` without re-running ``__init__`` (hot path; fields unchanged otherwise)."""
    out = object.__new__(Value)
    out.__dict__.update(v.__dict__)
    out.__dict__.update(changes)
    return out


def _parse(text: Any) -> Value:
    if not isinstance(text, str):
        text = display_text(text)
    original = text
    t = _normalise(text)
    if t == "":
        return Value("empty", text=original)
    body, comp, raw, approx = _take_comparators(t)
    v = _body(body)
    if v is not None:
        return _with(v, text=original, comparator=comp, comparator_raw=raw, approx=approx or v.approx)
    if body == "" or t.strip("≥≤><=＞＜＝≧≦") == "":
        return Value("unparsed", text=original, reason="只有比较符号，没有数值")
    if not _HAS_DIGIT.search(t) and _percent(t) is None:
        return Value("qualitative", text=original, word=t)
    if _RANGE.match(body):
        reason = "写成了范围，请写一个值并用比较符号（如“≥90%”）"
    elif "*" in body:
        reason = "乘积中有无法识别的部分"
    elif "/" in body:
        reason = "单价的单位无法识别"
    elif _NUM.match(body) is None:
        reason = "数字前有无法识别的文字"
    else:
        reason = "数字后的单位无法识别"
    return Value("unparsed", text=original, reason=reason)


# --------------------------------------------------------------------------- formatting


def _format_body(v: Value) -> str:
    if v.kind == "qualitative":
        return v.word
    if v.kind == "empty":
        return ""
    if v.kind == "unparsed":
        return v.text
    if v.kind == "product":
        return "*".join(_format_body(f) for f in v.factors)
    if v.kind == "date":
        out = ""
        if v.year is not None:
            out += f"{v.year}年"
        if v.month is not None:
            out += f"{v.month}月"
        if v.day is not None:
            out += f"{v.day}日"
        if v.end:
            out += "底"
        return out
    num = format_number(v.number or 0.0)
    if v.kind == "rate":
        return f"{num}{v.unit}/" + "/".join(v.per)
    return f"{num}{v.unit}"


def format_value(v: Value) -> str:
    """Canonical text of a value (money in 元, scale written out): 1.2万元/月/人 → "12000元/月/人"."""
    comp = v.comparator or ""
    approx = "约" if v.approx and v.kind not in ("qualitative", "unparsed") else ""
    return comp + approx + _format_body(v)


# --------------------------------------------------------------------------- as a sheet formula reads a number

# The 自评表's score formulas (``xladdin.selfeval``) read a 年度指标值 and a 实际完成值 in the
# sheet itself, in Excel, WPS or LibreOffice, without Python.  A formula cannot run this
# parser, so it reads one simple form: one number, the words around it (comparator,
# unit as written) removed, read by VALUE() — "≥11.376万元" → 11.376, "96%" → 0.96.  The
# functions below are that reading in Python, piece for piece, so that Python's scores
# and the formulas' agree to the cent; ``number_formula`` writes the formula.

# Comparator signs an actual value may carry besides its target's own ("≥266米" written for a
# target of "266米"): removed too.  A target's own comparator, whatever its spelling, is
# one of the pieces of its ``Written.remove``.
FORMULA_SIGNS = ("≥", "≤")

_WRITTEN = re.compile(
    r"^(?P<pre>[^\d.+-]*?)(?P<num>[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+)(?P<pct>%?)(?P<post>[^\d]*)$"
)
_PLAIN = re.compile(r"^[+-]?(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)%?$")
_SUFFIX_WORD_LIST = tuple(w for w, _ in _SUFFIX_WORDS) + _FILLER_SUFFIX


@dataclass(frozen=True)
class Written:
    """How the number of a 指标值 is written: ``number`` as VALUE() reads it (a percent as a
    fraction, 95% → 0.95), ``remove`` the pieces around it (its comparator and its unit as
    written, then the comparator signs), ``unit`` the unit as written ("万元/套", "%")."""

    number: float
    remove: tuple[str, ...]
    unit: str


def excel_trim(text: str) -> str:
    """Excel's (and LibreOffice's) TRIM: spaces off both ends, runs of spaces inside made one."""
    return " ".join(p for p in text.split(" ") if p)


def written(text: Any) -> Written | None:
    """The written form of a 指标值 ("≥11.376万元" → 11.376, remove ("≥", "万元", …), unit "万元"),
    or None when it is not one number with words around it (a date, a product, a range,
    a Chinese numeral, 定性): a formula cannot read those."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, int | float):
        return Written(float(text), FORMULA_SIGNS, "") if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    m = _WRITTEN.match(excel_trim(text))
    if m is None:
        return None
    number = _decimal(m["num"]) / (100 if m["pct"] else 1)
    pre, post = m["pre"], m["post"]
    unit = "%" if m["pct"] else post.strip()
    for word in _SUFFIX_WORD_LIST:
        if unit.endswith(word) and unit != word:
            unit = unit[: -len(word)]
            break
    if unit in _SUFFIX_WORD_LIST:
        unit = ""
    pieces = [p for p in (pre.strip(), post.strip()) if p]
    pieces += [s for s in FORMULA_SIGNS if s not in pieces]
    return Written(float(number), tuple(pieces), unit)


def written_number(value: Any, remove: tuple[str, ...] = ()) -> float | None:
    """A cell as ``number_formula`` reads it: a number as it is; a text trimmed, each piece of
    ``remove`` taken out in order, trimmed again and read as VALUE() reads a plain number
    or percent ("1,200", "96%" → 0.96); anything else None (the formula's error)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if not isinstance(value, str):
        return None
    t = excel_trim(value)
    for piece in remove:
        t = t.replace(piece, "")
    t = excel_trim(t)
    if not _PLAIN.match(t):
        return None
    pct = t.endswith("%")
    number = _decimal(t.rstrip("%")) / (100 if pct else 1)
    return float(number)


def number_formula(ref: str, remove: tuple[str, ...] = ()) -> str:
    """The formula text that reads cell ``ref`` as ``written_number(value, remove)`` does."""
    inner = f"TRIM({ref})"
    for piece in remove:
        inner = f'SUBSTITUTE({inner},"{piece.replace(chr(34), chr(34) * 2)}","")'
    return f"IF(ISNUMBER({ref}),{ref},VALUE(TRIM({inner})))"
