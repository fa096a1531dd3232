"""``fast_init``: the same construction as a frozen dataclass's own ``__init__``, only faster."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import pytest

from xladdin.costs import CostLine, QuantityUse
from xladdin.fastdata import fast_init
from xladdin.narrative import Narrative, StatedAmount


def _pair() -> tuple[type, type]:
    def make() -> type:
        @dataclass(frozen=True)
        class Thing:
            a: int
            b: str = "b"
            c: tuple[int, ...] = ()
            d: list[int] = field(default_factory=list)

        return Thing

    return make(), fast_init(make())


def test_same_values_defaults_and_factories() -> None:
    plain, fast = _pair()
    for args, kwargs in [((1,), {}), ((1, "x"), {}), ((1,), {"c": (2,), "d": [3]}), ((), {"a": 5, "b": "y"})]:
        x, y = plain(*args, **kwargs), fast(*args, **kwargs)
        assert dataclasses.asdict(x) == dataclasses.asdict(y)
        assert repr(x).split("(", 1)[1] == repr(y).split("(", 1)[1]
    assert fast(1).d is not fast(1).d  # a fresh list each time, as default_factory promises
    with pytest.raises(TypeError):
        fast()  # a is required
    with pytest.raises(TypeError):
        fast(1, "b", (), [], "too many")
    with pytest.raises(TypeError):
        fast(1, e=2)


def test_still_frozen_comparable_hashable_and_replaceable() -> None:
    _, fast = _pair()
    x = fast(1, "x", (2,))
    with pytest.raises(dataclasses.FrozenInstanceError):
        x.a = 2
    assert fast(1, "x", (2,)) == fast(1, "x", (2,)) != fast(2, "x", (2,))
    assert dataclasses.replace(x, a=9) == fast(9, "x", (2,))
    assert hash(StatedAmount(1.0, "1万元", (0, 3), "费")) == hash(StatedAmount(1.0, "1万元", (0, 3), "费"))


def test_post_init_is_refused() -> None:
    @dataclass(frozen=True)
    class WithPost:
        a: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError):
        fast_init(WithPost)


def test_engine_types_use_it() -> None:
    for cls in (StatedAmount, Narrative, CostLine, QuantityUse):
        assert cls.__init__.__qualname__ == f"{cls.__qualname__}.__init__"
        assert "object.__setattr__" not in repr(cls.__init__.__code__.co_names)
    assert Narrative("t").amounts == () and Narrative("t").total is None


def test_row_runs_groups_consecutive_rows_once() -> None:
    from xladdin.model import row_runs

    assert row_runs([1, 2, 3, 5, 5, 6, 9]) == [(1, 3), (5, 6), (9, 9)]
    assert row_runs([]) == []
