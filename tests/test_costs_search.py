"""The cost engine's fast forms give what the plain definitions give.

``_subsets`` prunes its search with a bitset of reachable sums and ``related_to`` /
``grams_similarity`` stand in for ``name_similarity``; each is compared here with the
definition it replaces: every set of at most ``_MAX_GROUP`` lines adding up to the
stated amount (in the order a search by position finds them, at most 201), and the
similarity of two names.
"""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.check import read_projects
from xladdin.costs import _EXHAUSTIVE, _MAX_GROUP, ROUNDING_WAN, _subsets
from xladdin.files.sources import read_sheets
from xladdin.narrative import scan
from xladdin.similarity import grams_similarity, name_grams, name_similarity, related_to

from .conftest import WORKBOOK


def every_set(target: float, order: list[int], micro: list[int]) -> list[tuple[int, ...]]:
    """The definition: every set of at most _MAX_GROUP lines with amounts above 0 in the window."""
    lo, hi = (target - ROUNDING_WAN) * 1e6, (target + ROUNDING_WAN) * 1e6
    positions = [k for k, m in enumerate(micro) if m > 0]
    found = [
        c
        for size in range(1, _MAX_GROUP + 1)
        for c in combinations(positions, size)
        if lo <= sum(micro[k] for k in c) <= hi
    ]
    return [tuple(order[k] for k in c) for c in sorted(found)[:201]]


amounts_wan = st.one_of(
    st.sampled_from([0.0, 0.01, 0.5, 1.0, 1.5, 2.0, 2.25, 3.0, 4.5, 12.6, 60.0]),  # repeats, the usual 0.01万元 grid
    st.floats(min_value=-1, max_value=500, allow_nan=False).map(lambda w: round(w, 6)),  # fine: a coarser bitset unit
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(amounts_wan, max_size=_EXHAUSTIVE),
    st.data(),
)
def test_subsets_are_every_set_that_adds_up(wan: list[float], data: st.DataObject) -> None:
    by_size = sorted(range(len(wan)), key=wan.__getitem__, reverse=True)  # as _candidates calls it
    micro = [round(wan[i] * 1e6) for i in by_size]
    if wan and data.draw(st.booleans()):  # a sum of some of them, give or take the rounding
        picked = data.draw(st.lists(st.sampled_from(wan), min_size=1, max_size=_MAX_GROUP + 1))
        target = sum(picked) + data.draw(st.sampled_from([0.0, 0.004, -0.004, 0.006]))
    else:
        target = data.draw(st.floats(min_value=-1, max_value=1000, allow_nan=False))
    assert _subsets(target, by_size, micro) == every_set(target, by_size, micro)


def test_subsets_stop_at_201_sets() -> None:
    micro = [1000] * 12  # 0.001万元 each: every set of up to six adds up to at most 0.006
    assert _subsets(0.003, list(range(12)), micro) == every_set(0.003, list(range(12)), micro)
    assert len(_subsets(0.003, list(range(12)), micro)) == 201


def test_grams_give_the_name_similarity() -> None:
    """Every cost line name against every name and narrative sentence of its table (bundled workbook)."""
    projects, _ = read_projects(read_sheets(WORKBOOK))
    pairs = 0
    for p in projects:
        names = [i.name.text for i in p.indicators]
        contexts = [a.context for a in scan(p.goal.text).amounts]
        grams = [name_grams(n) for n in names]
        for a in names + contexts:
            related = related_to(a, grams)
            for b, g, r in zip(names, grams, related, strict=True):
                s = name_similarity(a, b)
                assert grams_similarity(name_grams(a), g) == s
                assert r == (s > 0)
                pairs += r
    assert pairs > 100  # the tables' names are related to one another, not only unrelated
