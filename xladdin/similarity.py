"""How alike two names or texts are: the one home of that judgement.

Three questions are asked of names, each with its own measure:

* ``name_similarity`` — are two indicator names about the same thing?  The cost engine
  pairs a 成本指标 with its 数量指标 by it, the narrative rules a sentence with an
  indicator, 填充指标 an amount of the narrative with a quantity.  Bigram Dice on the
  name without "指标N：", punctuation and cost words (服务费 ≈ 服务耗材), plus 0.25 when
  both carry the same 指标N (the department numbers a cost and its quantity alike).
* ``text_similarity`` / ``project_similarity`` — are two projects alike enough that
  one's indicators are a fair suggestion for the other?  Bigram Dice on the Chinese
  characters only (digits and Latin say little about what a project is).
* ``near_miss`` — do two names differ by a one- or two-character slip (运费 / 运维)?
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from xladdin.framework import squash
from xladdin.rules.wording import bare_name

# --------------------------------------------------------------------------- indicator names

_INDEX = re.compile(r"^指标(\d+)[:：.、．]?")
_PUNCT = re.compile(r"[，、,。．.：:；;（）()《》“”\"'‘’\[\]【】\s\-—/]")
_COST_TAIL = re.compile(r"(费用|经费|成本|单价|市场价|定额|价格|费)+$")


@lru_cache(maxsize=4096)
def _name_key(name: str) -> tuple[str, int | None]:
    t = squash(name)
    m = _INDEX.match(t)
    idx = int(m.group(1)) if m else None
    if m:
        t = t[m.end() :]
    t = _PUNCT.sub("", t)
    t = _COST_TAIL.sub("", t) or t
    return t, idx


_YEAR_WORD = re.compile(r"(?:19|20)\d{2}年度?")


@lru_cache(maxsize=16384)  # a workbook names the same few hundred expenses in table after table
def item_key(name: str) -> str:
    """The expense a 成本指标 names, to compare its price between tables: the name without
    its 指标N numbering, punctuation, years (2026年人事档案托管市场价 is the 人事档案托管 of
    every year) and cost words (服务费, 成本, 单价)."""
    return _name_key(_YEAR_WORD.sub("", squash(name)))[0]


@lru_cache(maxsize=16384)  # a line's name is compared with every sentence of its narrative
def _name_bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else frozenset((s,))


Grams = tuple[frozenset[str], int | None]  # what name_similarity compares of a name (name_grams)


@lru_cache(maxsize=16384)  # a name is compared with many: its key and bigrams are worked out once
def name_grams(name: str) -> Grams:
    """What ``name_similarity`` compares of a name: the bigrams of its key, and its 指标N (or None)."""
    key, idx = _name_key(name)
    return _name_bigrams(key), idx


@lru_cache(maxsize=65536)
def name_similarity(a: str, b: str) -> float:
    """Similarity of two indicator names, 0 for unrelated names, up to ~1.25."""
    return grams_similarity(name_grams(a), name_grams(b))


def grams_similarity(a: Grams, b: Grams) -> float:
    """``name_similarity`` of two names from their ``name_grams``.

    For a caller that compares names it will not compare again (the cost engine: the
    sentences of a table's narrative with its cost lines), where a memo of pairs would only
    miss, and push out pairs that do come back: the grams of each name are looked up once.
    """
    ga, ia = a
    gb, ib = b
    # Bigram Dice; names with no bigram in common (most pairs) are told without building the intersection
    dice = 0.0 if ga.isdisjoint(gb) else 2 * len(ga & gb) / (len(ga) + len(gb))
    return dice + (0.25 if ia is not None and ia == ib else 0.0)


def related_to(a: str, others: Sequence[Grams]) -> list[bool]:
    """For each of ``others`` (``name_grams`` of a name), whether ``name_similarity(a, name) > 0``.

    The measure is above 0 exactly when the names share a bigram or carry the same 指标N,
    which is told without working the measure out.  The cost engine asks it of every
    sentence of a narrative against every cost line (the lines' grams looked up once), and
    needs the measure itself only for the few lines whose amounts add up to the sentence's.
    """
    ga, ia = name_grams(a)
    if ia is None:
        return [not ga.isdisjoint(gb) for gb, _ in others]
    return [not ga.isdisjoint(gb) or ia == ib for gb, ib in others]


# --------------------------------------------------------------------------- projects


_NOT_CHINESE = re.compile(r"[\W\d_a-zA-Z]+")


@lru_cache(maxsize=4096)  # a name is compared with every sentence of its narrative, and names repeat
def _text_bigrams(s: str) -> frozenset[str]:
    t = _NOT_CHINESE.sub("", squash(s))
    return frozenset(t[i : i + 2] for i in range(len(t) - 1)) if len(t) > 1 else frozenset((t,) if t else ())


def text_similarity(a: str, b: str) -> float:
    """Bigram Dice of the Chinese characters of two texts, 0…1."""
    ga, gb = _text_bigrams(a), _text_bigrams(b)
    return 2 * len(ga & gb) / (len(ga) + len(gb)) if ga and gb else 0.0


def project_similarity(name: str, goal: str, other_name: str, other_goal: str) -> float:
    """By name, and by the 年度总体绩效目标 when both have one."""
    s_name = text_similarity(name, other_name)
    if goal.strip() and other_goal.strip():
        return 0.6 * s_name + 0.4 * text_similarity(goal, other_goal)
    return s_name


# --------------------------------------------------------------------------- slips

# Characters whose difference between a cost and its quantity is intended (费 vs 数量).
_INTENDED = set("费价成本单人员数量")
_bare = lru_cache(maxsize=65536)(bare_name)


def near_miss(a: str, b: str) -> tuple[str, str] | None:
    """(a's, b's) spelling when two names differ by a 1–2 character substitution right after a
    common start and followed by a long common run — a typo, not a different word.

    Returned with the character before, so a message can quote “运费” / “运维”.
    """
    a, b = _bare(a), _bare(b)
    if a == b or min(len(a), len(b)) < 6 or a[0] != b[0] or a.startswith(b) or b.startswith(a):
        return None  # one name inside the other ("X" and "X费") is no substitution
    lp = _prefix_len(a, b)
    for n in (1, 2):
        run = _prefix_len(a[lp + n :], b[lp + n :])
        if run >= 4 and lp + run >= 6 and not (set(a[lp : lp + n]) | set(b[lp : lp + n])) <= _INTENDED:
            return a[lp - 1 : lp + n], b[lp - 1 : lp + n]
    return None


def _prefix_len(a: str, b: str) -> int:
    """Length of the common start of two strings, by halving with slice comparisons (no loop per character)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


# --------------------------------------------------------------------------- codes and words


def closest(word: str, choices: list[str] | tuple[str, ...], n: int = 3, cutoff: float = 0.5) -> list[str]:
    """The choices nearest to a mistyped word, best first (``VAL04`` → ``VAL004``…): what a message
    suggests for an unknown rule code.  difflib's ratio: a dropped or doubled character still scores high."""
    import difflib

    return difflib.get_close_matches(word.upper(), [c.upper() for c in choices], n=n, cutoff=cutoff)
