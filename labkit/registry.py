"""A tiny name -> class registry used by every extension point.

Variable types, timeline actions and answer types each subclass a base whose
``__init_subclass__`` calls :meth:`Registry.add`; a duplicate name is an error,
and unknown names get a did-you-mean suggestion.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Generic, TypeVar

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, T] = {}

    def add(self, name: str, item: T) -> None:
        if name in self._items:
            raise TypeError(f"duplicate {self.what} name {name!r}: {self._items[name]!r} and {item!r}")
        self._items[name] = item

    def get(self, name: str) -> T | None:
        return self._items.get(name)

    def names(self) -> list[str]:
        return sorted(self._items)

    def suggestion(self, name: str) -> str:
        """'did you mean X?' or the list of valid names."""
        close = difflib.get_close_matches(str(name), self.names(), n=1, cutoff=0.6)
        if close:
            return f"did you mean {close[0]!r}?"
        return f"valid {self.what}s: {', '.join(self.names())}"

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())
