"""Several values in order: the steps of an intrusion, the boot order, files in the order they were copied.

Items are judged by the ``item`` type as in a ``set`` (same options, same ways
to write the answer). Credit comes from the longest run of expected items the
answer gives in the right order (a longest common subsequence, where an item
worth partial credit counts with its share), less ``penalty`` per extra item.

A right item in the wrong place is reported as out of order and costs only
its own share, not a penalty as well, so swapping two steps of five earns
4 of 5 in order. An extra is an item that is not a missing expected item:
something wrong, or an item given twice; as in a set, extras cost ``penalty``
(default one item's share) so that listing everything cannot earn full credit.
"""

from __future__ import annotations

from itertools import product
from typing import Any

from labkit.grading.answer_type import AnswerType
from labkit.grading.answer_types.set_answer import (
    ItemsAnswerMixin,
    best_assignment,
    count_text,
    plural,
    settle,
    split_items,
)
from labkit.grading.results import Check


def longest_in_order(grid: list[list[float]]) -> list[tuple[int, int]]:
    """Pairs (expected i, given j), increasing in both, with the largest total credit (a weighted LCS)."""
    rows, columns = len(grid), len(grid[0]) if grid else 0
    best = [[0.0] * (columns + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(columns - 1, -1, -1):
            paired = grid[i][j] + best[i + 1][j + 1] if grid[i][j] > 0 else 0.0
            best[i][j] = max(paired, best[i + 1][j], best[i][j + 1])
    path, i, j = [], 0, 0
    while i < rows and j < columns:
        if grid[i][j] > 0 and best[i][j] == grid[i][j] + best[i + 1][j + 1]:
            path.append((i, j))
            i, j = i + 1, j + 1
        elif best[i][j] == best[i + 1][j]:
            i += 1
        else:
            j += 1
    return path


class ListAnswer(ItemsAnswerMixin, AnswerType):
    """Items in order: the longest right-ordered run earns its share; extras cost ``penalty``."""

    name = "list"

    def check(self, expected: tuple[Any, ...], given: str | tuple[str, ...]) -> Check:  # type: ignore[override]
        items = split_items(given)
        if isinstance(items, str):
            return Check.wrong(items)
        wanted, offered = len(expected), len(items)
        cancelled = self.cancelled_by_extras(wanted, offered)
        if cancelled:
            return cancelled
        grid = self.credits(expected, items)
        path = longest_in_order(grid)
        in_order = sum(grid[i][j] for i, j in path)
        # Right items in the wrong place: the remaining expected items paired with the remaining given ones.
        left_expected = sorted(set(range(wanted)) - {i for i, _ in path})
        left_given = sorted(set(range(offered)) - {j for _, j in path})
        rest = [[grid[i][j] for j in left_given] for i in left_expected]
        pairing = best_assignment(rest)
        misplaced = sum(1 for r, c in enumerate(pairing) if c >= 0 and rest[r][c] > 0)
        extras = len(left_given) - misplaced
        credit = settle(min(1.0, max(0.0, in_order / wanted - self.penalty(wanted) * extras)))
        reason = f"{count_text(in_order)} of {wanted} in order"
        if misplaced:
            reason += f", {misplaced} out of order"
        if extras:
            reason += f", {plural(extras, 'extra')}"
        return Check(credit, reason)

    def seal_forms(self, expected: tuple[Any, ...]) -> frozenset[str] | None:
        forms = self.item_forms(expected)
        if forms is None:
            return None
        return frozenset("\n".join(choice) for choice in product(*(sorted(f) for f in forms)))

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        forms = self.given_forms(given)
        return None if forms is None else "\n".join(forms)

    def public_options(self) -> dict[str, Any]:
        return self.public_items_options()

    def sheet_hint(self) -> list[str]:
        return self.item_hint()
