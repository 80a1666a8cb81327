"""The one place answer types are looked up by the name a key uses.

Types register themselves when their class is defined (see
:class:`labkit.grading.answer_type.AnswerType`); the built-in modules are imported
on first lookup, so callers never need to import them by hand.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from labkit.grading.answer_type import AnswerType

_ANSWER_TYPES: dict[str, type[AnswerType]] = {}


def register_answer_type(answer_type: type[AnswerType]) -> None:
    """Add a type under its ``name``; a second type with the same name is a bug, so it fails loudly."""
    name = answer_type.name
    existing = _ANSWER_TYPES.get(name)
    if existing is not None and existing is not answer_type:
        raise TypeError(
            f"answer type name {name!r} is already taken by {existing.__module__}.{existing.__qualname__}; "
            f"rename {answer_type.__module__}.{answer_type.__qualname__}"
        )
    _ANSWER_TYPES[name] = answer_type


def _load_builtin_types() -> None:
    import labkit.grading.answer_types  # noqa: F401  (importing registers them)


def get_answer_type(name: str) -> type[AnswerType] | None:
    """The type registered as ``name``, or None when no such type exists."""
    _load_builtin_types()
    return _ANSWER_TYPES.get(name)


def answer_type_names() -> list[str]:
    """Every registered name, sorted (for error messages and documentation)."""
    _load_builtin_types()
    return sorted(_ANSWER_TYPES)
