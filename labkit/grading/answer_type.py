"""The extension point for answer types: subclass, name it, declare its options.

A new type is one small module in :mod:`labkit.grading.answer_types` (copy
``integer_answer.py``, which is commented for that purpose). Defining the class
registers it; the key then refers to it by ``name``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from labkit.grading.registry import register_answer_type
from labkit.grading.results import Check


class AnswerOptions(BaseModel):
    """Options a type accepts from the key's ``options``; subclasses add typed fields.

    Unknown options are rejected, so a typo in a key (``tolerence``) is an error,
    not a silently ignored setting.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerType(ABC):
    """Normalises and compares one kind of answer (a hash, a path, a time...).

    Subclasses set ``name``, optionally an ``Options`` model, and implement
    :meth:`expect` (parse the key's answer once) and :meth:`check` (judge a
    trainee's answer against it). They never see points: they return a share
    of credit and a short reason.
    """

    name: ClassVar[str]
    Options: ClassVar[type[AnswerOptions]] = AnswerOptions
    #: Types that take several values (a set of IPs...) set this; others get one value.
    takes_list: ClassVar[bool] = False
    #: Answers picked from a short list (a choice): a wrong pick that is another variant's right
    #: answer is what chance gives, so the collusion check never counts it as evidence.
    guessable: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:
            register_answer_type(cls)

    def __init__(self, options: Mapping[str, Any] | None = None) -> None:
        # pydantic.ValidationError propagates; the grader turns it into a key error.
        self.options = self.Options.model_validate(dict(options or {}))

    @abstractmethod
    def expect(self, answer: Any) -> Any:
        """Parse the key's answer into the form :meth:`check` compares against.

        Raises:
            ValueError: the key's answer is not a valid value of this type.
        """

    @abstractmethod
    def check(self, expected: Any, given: str) -> Check:
        """Judge one non-empty answer of the trainee against the parsed expected answer."""

    def check_given(self, expected: Any, given: str | tuple[str, ...]) -> Check:
        """Judge an answer as it came off the sheet, which may be a list."""
        if isinstance(given, tuple) and not self.takes_list:
            if len(given) != 1:
                return Check.wrong(f"give one value, not a list of {len(given)}")
            given = given[0]
        return self.check(expected, given)  # type: ignore[arg-type]

    def public_options(self) -> dict[str, Any]:
        """The options without those that reveal an answer (fields marked ``reveals_answer``).

        What a practice case's sealed self-check may store beside the salted hashes:
        enough to read a trainee's answer (case rule, time zone, choices), never the
        accepted alternatives themselves.
        """
        hidden = {
            name
            for name, info in type(self.options).model_fields.items()
            if isinstance(info.json_schema_extra, dict) and info.json_schema_extra.get("reveals_answer")
        }
        return self.options.model_dump(mode="json", exclude=hidden)

    def seal_forms(self, expected: Any) -> frozenset[str] | None:
        """The canonical text of every exactly right answer, for the practice self-check.

        Two answers that this type judges exactly equal (no tolerance, no partial
        credit) must give the same canonical text, and unequal ones different
        texts: ``seal_form(given) in seal_forms(expected)`` iff ``given`` is exactly
        right. None means the type cannot be self-checked (a rubric, say).
        "Exactly right" is what :meth:`Check.accepted` calls plain "accepted": an
        answer accepted only within a tolerance is not among the forms.
        """
        return None

    def read_problem(self, given: str | tuple[str, ...]) -> str | None:
        """Why this type cannot read ``given`` at all ("not a date and time..."), or None.

        The practice self-check says this instead of "does not match exactly", so a
        trainee can tell a typo in the form from a wrong answer. Types that do not
        say return None (the default).
        """
        return None

    def has_tolerance(self) -> bool:
        """True when answers other than the :meth:`seal_forms` earn full credit (a tolerance is set).

        The collusion check then cannot look full-credit answers up by canonical
        form and checks such questions key by key.
        """
        return False

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        """A trainee's answer in canonical text, comparable with :meth:`seal_forms`; None if unreadable."""
        return None

    def sheet_hint(self) -> list[str]:
        """Extra comment lines for the blank answer sheet (the choice type lists its choices)."""
        return []
