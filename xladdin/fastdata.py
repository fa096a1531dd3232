"""Frozen dataclasses built fast: the one piece of speed machinery the data types use.

A 1,000-table check builds ~100,000 fields, indicators and findings; the ``__init__`` a
frozen dataclass gets calls ``object.__setattr__`` once per field, several times slower
than a plain assignment (bench/bench_check.py measured the difference).  Kept here, out
of ``model.py``, so a reader of the data types sees only the data.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

_T = TypeVar("_T")
_NO_VALUE = object()


def fast_init(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an ``__init__`` that fills the instance dict directly.

    The ``__init__`` a frozen dataclass gets calls ``object.__setattr__`` once per field,
    several times slower than a plain assignment; the cost engine builds ~50 such
    objects per project.  Same signature, defaults and default factories; the class
    stays frozen, comparable and hashable as before (``__post_init__`` is not supported).
    """
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} has __post_init__")
    params: list[str] = []
    body: list[str] = []
    # Helper names cannot be field names (a field may well be called ``d``): they start with "__fi_".
    names: dict[str, Any] = {"__fi_none": _NO_VALUE}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if f.default is not dataclasses.MISSING:
            names[f"__fi_d_{f.name}"] = f.default
            params.append(f"{f.name}=__fi_d_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            names[f"__fi_f_{f.name}"] = f.default_factory
            params.append(f"{f.name}=__fi_none")
            body.append(f"    if {f.name} is __fi_none: {f.name} = __fi_f_{f.name}()")
        else:
            params.append(f.name)
        body.append(f"    __fi_dict[{f.name!r}] = {f.name}")
    src = f"def __init__(self, {', '.join(params)}):\n    __fi_dict = self.__dict__\n" + "\n".join(body) + "\n"
    exec(src, names)  # the same technique dataclasses itself uses to build __init__
    init = names["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    setattr(cls, "__init__", init)  # noqa: B010 (assigning a method is what this does)
    return cls
