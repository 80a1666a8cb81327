"""Several values in any order: the hosts an intruder reached, the accounts created, the files wiped.

Each item is judged by another answer type (``item``, default ``text``, with its
``item_options``), so a set of IPs forgives what the ``ip`` type forgives. The
trainee writes a YAML list (``q1: [10.1.2.3, 10.1.2.9]`` or ``- value`` lines) or
one line split on newlines, else on semicolons, else on commas (so ``1,5; 2,5``
keeps its decimal commas).

Credit: ``found / expected - penalty * wrong extras``, never below zero. Each
given item counts for at most one expected item, and the pairing that gives the
most credit is used (items earning partial credit, such as a time with a wrong
offset, count with their share). The same value given twice is neither found
twice nor punished; a wrong extra costs ``penalty`` (default one expected
item's worth), so listing everything cannot earn full credit.

A set of sets, a set of lists or a set of rubric answers is refused: an item is
one value.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from itertools import product
from math import prod
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.registry import answer_type_names, get_answer_type
from labkit.grading.results import Check

#: More items than this in one answer is not an answer (the sheet reader allows as many in a list).
MAX_ITEMS = 1000
#: A set or list whose exactly right spellings would exceed this is not sealed (see selfcheck.MAX_FORMS).
MAX_SEAL_FORMS = 16


class ItemsOptions(AnswerOptions):
    """Options shared by ``set`` and ``list``."""

    item: str = Field(
        "text", description="Answer type of each item (a single-value type: text, ip, hash, path...)."
    )
    item_options: dict[str, Any] = Field(
        default_factory=dict,
        validate_default=True,
        description="Options of the item type, as a question of that type would take them.",
    )
    penalty: float | None = Field(
        None,
        ge=0,
        le=1,
        allow_inf_nan=False,
        description="Share of the points each wrong extra item costs; default one expected item's share "
        "(1 / number of expected items). 0 makes extras free, and the question cannot then be self-checked.",
    )

    @field_validator("item")
    @classmethod
    def _single_value_type(cls, name: str) -> str:
        item_type = get_answer_type(name)
        if item_type is None:
            known = ", ".join(answer_type_names())
            raise _option_error(f"unknown answer type {name!r} (known: {known})")
        if item_type.takes_list or not getattr(item_type, "usable_as_item", True):
            raise _option_error(
                f"a {name!r} answer cannot be an item of a set or list; "
                "choose a single-value type such as text"
            )
        return name

    @field_validator("item_options")
    @classmethod
    def _valid_for_item_type(cls, options: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        item_type = get_answer_type(info.data["item"]) if "item" in info.data else None
        if item_type is None:  # the item field already failed
            return options
        try:
            item_type(options)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "options"
            raise _option_error(f"{where}: {first['msg']}") from None
        return options


def _option_error(message: str) -> PydanticCustomError:
    """An error whose text is exactly ``message`` (no "Value error," prefix in the key error)."""
    return PydanticCustomError("item_type", "{message}", {"message": message})


def split_items(given: str | tuple[str, ...]) -> tuple[str, ...] | str:
    """The non-empty items of an answer, or a reason when there are none or far too many."""
    if isinstance(given, tuple):
        if len(given) > MAX_ITEMS:
            return f"more than {MAX_ITEMS} items"
        raw: Sequence[str] = given
    else:
        separator = "\n" if "\n" in given else ";" if ";" in given else ","
        if given.count(separator) >= MAX_ITEMS:
            return f"more than {MAX_ITEMS} items"
        raw = given.split(separator)
    items = tuple(item.strip() for item in raw if item.strip())
    return items or "no items"


def best_assignment(weights: list[list[float]]) -> list[int]:
    """For each row, the column paired with it so the total weight is largest (-1: none).

    The Hungarian algorithm (Kuhn-Munkres, O(rows² x columns)) on the negated
    weights; rows and columns are swapped internally when there are more rows.
    """
    if not weights or not weights[0]:
        return [-1] * len(weights)
    rows, columns = len(weights), len(weights[0])
    if rows > columns:
        transposed = best_assignment([list(column) for column in zip(*weights, strict=True)])
        paired = [-1] * rows
        for column, row in enumerate(transposed):
            if row >= 0:
                paired[row] = column
        return paired
    infinity = float("inf")
    u, v = [0.0] * (rows + 1), [0.0] * (columns + 1)
    owner, way = [0] * (columns + 1), [0] * (columns + 1)
    for row in range(1, rows + 1):
        owner[0], free_column = row, 0
        lowest, used = [infinity] * (columns + 1), [False] * (columns + 1)
        while True:
            used[free_column] = True
            current_row, delta, next_column = owner[free_column], infinity, 0
            for column in range(1, columns + 1):
                if not used[column]:
                    cost = -weights[current_row - 1][column - 1] - u[current_row] - v[column]
                    if cost < lowest[column]:
                        lowest[column], way[column] = cost, free_column
                    if lowest[column] < delta:
                        delta, next_column = lowest[column], column
            for column in range(columns + 1):
                if used[column]:
                    u[owner[column]] += delta
                    v[column] -= delta
                else:
                    lowest[column] -= delta
            free_column = next_column
            if owner[free_column] == 0:
                break
        while free_column:
            previous = way[free_column]
            owner[free_column] = owner[previous]
            free_column = previous
    paired = [-1] * rows
    for column in range(1, columns + 1):
        if owner[column]:
            paired[owner[column] - 1] = column - 1
    return paired


def count_text(value: float) -> str:
    """``3``, ``2.5``: a count of items that may include partly right ones."""
    return f"{round(value, 2):g}"


def settle(credit: float) -> float:
    """Credit with float noise removed at the ends (3 x 1/3 is 1.0, never 0.9999999999999999)."""
    nearest = round(credit)
    return float(nearest) if abs(credit - nearest) < 1e-9 else credit


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


class ItemsAnswerMixin:
    """What ``set`` and ``list`` share: the item type, the expected items, the credit grid, the seals.

    A mixin rather than an AnswerType subclass, so that only named types are AnswerTypes.
    """

    Options = ItemsOptions
    options: ItemsOptions
    item_type: AnswerType
    takes_list = True

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        super().__init__(options)  # type: ignore[call-arg]  # AnswerType's, next in the MRO
        item_type = get_answer_type(self.options.item)
        assert item_type is not None  # the options validator checked it
        self.item_type = item_type(self.options.item_options)

    def expect(self, answer: Any) -> tuple[Any, ...]:
        if not isinstance(answer, list | tuple) or not answer:
            raise ValueError("the answer must be a non-empty list of items")
        if len(answer) > MAX_ITEMS:
            raise ValueError(f"more than {MAX_ITEMS} items")
        expected = []
        for index, item in enumerate(answer, 1):
            try:
                expected.append(self.item_type.expect(item))
            except ValueError as exc:
                raise ValueError(f"item {index}: {exc}") from None
        return tuple(expected)

    def penalty(self, expected_count: int) -> float:
        return self.options.penalty if self.options.penalty is not None else 1 / expected_count

    def cancelled_by_extras(self, expected_count: int, given_count: int) -> Check | None:
        """Zero at once when the extras alone cancel any credit (and spare judging 1000 x n pairs)."""
        surplus = given_count - expected_count
        if surplus > 0 and self.penalty(expected_count) * surplus >= 1:
            return Check.wrong(
                f"{given_count} items for {expected_count} expected; the extras cancel any credit"
            )
        return None

    def credits(self, expected: Sequence[Any], given: Sequence[str]) -> list[list[float]]:
        """``credits[i][j]``: the share expected item i earns for given item j."""
        return [
            [min(max(self.item_type.check(item, answer).credit, 0.0), 1.0) for answer in given]
            for item in expected
        ]

    def has_tolerance(self) -> bool:
        """Items judged with a tolerance make the whole answer tolerant."""
        return self.item_type.has_tolerance()

    def item_hint(self) -> list[str]:
        return self.item_type.sheet_hint()

    def item_forms(self, expected: Sequence[Any]) -> list[frozenset[str]] | None:
        """The exactly right forms of each expected item; None when the answer cannot be sealed."""
        if self.options.penalty == 0:  # free extras: a full-credit answer may hold anything more
            return None
        forms = [self.item_type.seal_forms(item) for item in expected]
        if any(not f or any("\n" in form for form in f) for f in forms):
            return None
        if prod(len(f) for f in forms if f) > MAX_SEAL_FORMS:
            return None
        return forms  # type: ignore[return-value]

    def given_forms(self, given: str | tuple[str, ...]) -> list[str] | None:
        items = split_items(given)
        if isinstance(items, str):
            return None
        forms = [self.item_type.seal_form(item) for item in items]
        if any(form is None or "\n" in form for form in forms):
            return None
        return forms  # type: ignore[return-value]

    def public_items_options(self) -> dict[str, Any]:
        """The options with ``item_options`` reduced to what the item type may make public."""
        return {
            "item": self.options.item,
            "item_options": self.item_type.public_options(),
            "penalty": self.options.penalty,
        }


class SetAnswer(ItemsAnswerMixin, AnswerType):
    """Items in any order: a share per item found, a penalty per wrong extra, never below zero."""

    name = "set"

    def _distinct(self, items: tuple[str, ...]) -> tuple[list[str], int]:
        """The items without repeats (same canonical form, or same text), and how many repeats there were."""
        seen: set[Hashable] = set()
        distinct = []
        for item in items:
            form = self.item_type.seal_form(item)
            key: Hashable = ("form", form) if form is not None else ("text", item)
            if key not in seen:
                seen.add(key)
                distinct.append(item)
        return distinct, len(items) - len(distinct)

    def check(self, expected: tuple[Any, ...], given: str | tuple[str, ...]) -> Check:  # type: ignore[override]
        items = split_items(given)
        if isinstance(items, str):
            return Check.wrong(items)
        distinct, repeated = self._distinct(items)
        wanted, offered = len(expected), len(distinct)
        cancelled = self.cancelled_by_extras(wanted, offered)
        if cancelled:
            return cancelled
        grid = self.credits(expected, distinct)
        pairing = best_assignment(grid)
        earned = [grid[i][j] for i, j in enumerate(pairing) if j >= 0 and grid[i][j] > 0]
        found, extras = sum(earned), offered - len(earned)
        credit = settle(min(1.0, max(0.0, found / wanted - self.penalty(wanted) * extras)))
        reason = f"{count_text(found)} of {wanted} items"
        if extras:
            reason += f", {plural(extras, 'wrong extra')}"
        if repeated:
            reason += f", {repeated} given twice"
        return Check(credit, reason)

    def seal_forms(self, expected: tuple[Any, ...]) -> frozenset[str] | None:
        forms = self.item_forms(expected)
        if forms is None:
            return None
        sealed = set()
        for choice in product(*(sorted(f) for f in forms)):
            if len(set(choice)) != len(choice):  # two expected items read alike: repeats would collapse
                return None
            sealed.add("\n".join(sorted(choice)))
        return frozenset(sealed)

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        forms = self.given_forms(given)
        return None if forms is None else "\n".join(sorted(set(forms)))

    def public_options(self) -> dict[str, Any]:
        return self.public_items_options()

    def sheet_hint(self) -> list[str]:
        return self.item_hint()
