"""Reading ``answers.yaml`` safely: any input gives an AnswerSheet or one located AnswerSheetError.

The sheet is built from ruamel.yaml's event stream, not its composer, so that
nesting, aliases, tags and duplicate keys are refused as they are met: nothing
recursive runs on hostile input, nothing is expanded, and the work is bounded
by the size cap and the limits below. Values stay exactly as typed (``no``,
``0xB000`` and ``2026-03-14`` remain strings); the answer types interpret them.

Trainees fill in the sheet as a form, not as YAML: the blank sheet says "fill in
each answer after the colon", so a quoted note with a colon in it
(``q9: Halyk online: user / pass``) or a Windows path in double quotes
(``q3: "E:\\Бухгалтерия\\x.xlsx"``, an unknown escape to YAML) would make the
whole sheet unreadable, and a right answer would cost the trainee the practical.
So when the YAML parser fails, the sheet is read again line by line: every
line that is not blank or a ``#`` comment must be ``id: answer`` (the rest of
the line, verbatim; one pair of surrounding quotes removed) or a ``- item`` of
the list answer above it. If every line reads that way the sheet is graded and
carries a note saying so; if any line does not (prose, a quote or bracket left
open), the YAML error stands: a garbled sheet is not guessed at.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from labkit.errors import AnswerSheetError
from labkit.grading.answer_sheet import AnswerSheet, SheetAnswer

MAX_SHEET_BYTES = 1024 * 1024  # a real sheet is a few kilobytes
MAX_ANSWERS = 2000
MAX_LIST_ITEMS = 1000
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_QUOTE_HINT = "put the answer in quotes, e.g. q1: '{}'"
_EMPTY_HINT = "fill in the sheet written by 'labkit generate'"


def load_answer_sheet(path: str | Path) -> AnswerSheet:
    """Read and parse one answer sheet file.

    Raises:
        AnswerSheetError: the file is missing, not a regular file, too large, not
            text, not valid YAML, or not a flat ``id: answer`` mapping.
    """
    name = str(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise AnswerSheetError("not a regular file", file=name, hint="pass the trainee's answers.yaml")
        with open(path, "rb") as handle:
            data = handle.read(MAX_SHEET_BYTES + 1)
    except FileNotFoundError:
        raise AnswerSheetError("file not found", file=name, hint="pass the trainee's answers.yaml") from None
    except OSError as exc:
        raise AnswerSheetError(f"cannot read the file ({exc.strerror})", file=name) from None
    if len(data) > MAX_SHEET_BYTES:
        raise AnswerSheetError(
            f"file is larger than {MAX_SHEET_BYTES // 1024} KiB; an answer sheet is a few kilobytes",
            file=name,
            line=data[:MAX_SHEET_BYTES].count(b"\n") + 1,
            hint="check that this is the answers.yaml and not an evidence file",
        )
    return parse_answer_sheet(data, file=name)


def parse_answer_sheet(data: bytes | str, *, file: str = "<answers>") -> AnswerSheet:
    """Parse sheet content already in memory (``file`` only names it in errors)."""
    text = _decode(data, file) if isinstance(data, bytes) else data
    _reject_invisible_characters(text, file)
    try:
        return _no_surrogates(_SheetBuilder(file).build(text))
    except _NotYaml as failure:
        lines = _read_lines(text, file)
        if lines is None:
            raise failure.error from None
        where = f"line {failure.error.line}: " if failure.error.line else ""
        problem = failure.error.message.removeprefix("not valid YAML: ")
        note = f"not valid YAML ({where}{problem}); read line by line"
        return _no_surrogates(AnswerSheet(file, lines, note=note))


def _no_surrogates(sheet: AnswerSheet) -> AnswerSheet:
    """Refuse a lone surrogate (a "\\ud800" escape): no text file can hold it, nor a report or gradebook."""
    for answer in sheet.answers.values():
        values = answer.value if isinstance(answer.value, tuple) else (answer.value or "",)
        if any("\ud800" <= char <= "\udfff" for value in values for char in value):
            raise AnswerSheetError(
                "an escape names half a character (a lone UTF-16 surrogate)",
                file=sheet.file, line=answer.line, field=answer.question_id,
                hint="type the character itself, or remove the escape",
            )  # fmt: skip
    return sheet


#: ``id: answer`` at the start of a line (ids as the sheet writer prints them), and ``- item`` below it.
_ANSWER_LINE = re.compile(r"([A-Za-z0-9_][A-Za-z0-9_.-]{0,63}):(?:[ \t]+(.*))?")
_ITEM_LINE = re.compile(r"[ \t]+-(?:[ \t]+(.*))?|-[ \t]+(.*)")
_QUOTES = {'"': '"', "'": "'", "«": "»", "“": "”", "„": "“"}


def _read_lines(text: str, file: str) -> dict[str, SheetAnswer] | None:
    """The sheet read as a form (see the module docstring); None if a line is not ``id: answer``."""
    answers: dict[str, SheetAnswer] = {}
    items: list[str] | None = None  # the list being collected for the last id with nothing after it
    current: tuple[str, int] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        item = _ITEM_LINE.fullmatch(line)
        if item is not None and current is not None and items is not None:
            if len(items) >= MAX_LIST_ITEMS:
                return None
            text = (item.group(1) or item.group(2) or "").strip()
            if text and _unbalanced(text):
                return None
            items.append(_unquote(text))
            continue
        found = _ANSWER_LINE.fullmatch(line)
        if found is None:
            return None
        if current is not None:
            answers[current[0]] = SheetAnswer(current[0], tuple(items) if items else None, current[1])
        question_id, value = found.group(1), (found.group(2) or "").strip()
        if question_id in answers or (current is not None and current[0] == question_id):
            first = answers[question_id].line if question_id in answers else current[1]  # type: ignore[index]
            raise AnswerSheetError(
                f"question {question_id!r} is answered twice (lines {first} and {number})",
                file=file, line=number, hint="keep one answer per question",
            )  # fmt: skip
        if len(answers) >= MAX_ANSWERS:
            return None
        current, items = None, None
        if _unbalanced(value):
            return None  # a quote or bracket left open: garbled, not a form; the YAML error stands
        if value.startswith("["):  # a flow list: [10.0.0.1, 10.0.0.2]
            answers[question_id] = SheetAnswer(
                question_id, tuple(_unquote(part) for part in value[1:-1].split(",") if part.strip()), number
            )
        elif value:
            answers[question_id] = SheetAnswer(question_id, _unquote(value), number)
        else:
            current, items = (question_id, number), []
    if current is not None:
        answers[current[0]] = SheetAnswer(current[0], tuple(items) if items else None, current[1])
    return answers or None


def _unbalanced(value: str) -> bool:
    """True when ``value`` opens a list or a quotation it does not close (or is a ``{...}`` mapping)."""
    if not value:
        return False
    if value[0] == "{":
        return True
    if value[0] == "[":
        return len(value) < 2 or value[-1] != "]"
    closing = _QUOTES.get(value[0])
    return closing is not None and (len(value) < 2 or value[-1] != closing)


def _unquote(value: str) -> str:
    """The value without one pair of surrounding quotes (a doubled '' inside single quotes is one ')."""
    value = value.strip()
    if len(value) >= 2 and _QUOTES.get(value[0]) == value[-1]:
        inner = value[1:-1]
        return inner.replace("''", "'") if value[0] == "'" else inner
    return value


def _decode(data: bytes, file: str) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Notepad's "Unicode"
        encoding, body = "utf-16", data
    else:
        encoding, body = "utf-8", data.removeprefix(codecs.BOM_UTF8)
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as exc:
        line_start = body.rfind(b"\n", 0, exc.start) + 1
        raise AnswerSheetError(
            f"not {encoding.upper()} text (byte 0x{body[exc.start]:02x} is not part of a character)",
            file=file,
            line=body.count(b"\n", 0, exc.start) + 1,
            column=exc.start - line_start + 1,
            hint="save the answer sheet as UTF-8 plain text",
        ) from None


def _reject_invisible_characters(text: str, file: str) -> None:
    """Control characters and Unicode line separators: binary junk, or lines that editors miscount."""
    for index, character in enumerate(text):
        code = ord(character)
        if (
            (code < 0x20 and character not in "\t\n\r")
            or 0x7F <= code <= 0x9F
            or character in "\u2028\u2029\ufffe\uffff"
        ):
            line_start = text.rfind("\n", 0, index) + 1
            raise AnswerSheetError(
                f"contains the invisible character U+{code:04X} (binary data?)",
                file=file,
                line=text.count("\n", 0, index) + 1,
                column=index - line_start + 1,
                hint="the answer sheet must be plain text; retype the line",
            )


class _NotYaml(Exception):
    """The YAML parser failed; ``error`` is what to report if the sheet does not read as a form either."""

    def __init__(self, error: AnswerSheetError) -> None:
        super().__init__(error.message)
        self.error = error


class _SheetBuilder:
    """Walks the event stream of one sheet, refusing anything but ``id: value`` and ``id: [values]``."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.text = ""
        self.events: Iterator[Event] = iter(())

    def error(
        self, message: str, event: Event | None, hint: str | None = None, field: str | None = None
    ) -> NoReturn:
        line, column = 1, None  # whole-file problems are reported on line 1
        if event is not None and event.start_mark is not None:
            line, column = event.start_mark.line + 1, event.start_mark.column + 1
        raise AnswerSheetError(message, file=self.file, line=line, column=column, field=field, hint=hint)

    def build(self, text: str) -> AnswerSheet:
        self.text = text
        self.events = iter(YAML(typ="safe", pure=True).parse(text))
        try:
            return AnswerSheet(self.file, self._document())
        except MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            if "end of stream" in (exc.problem or "") and exc.context_mark is not None:
                mark = exc.context_mark  # where the unclosed quote or bracket began
            problem = exc.problem or exc.context or "not valid YAML"
            raise _NotYaml(
                AnswerSheetError(
                    f"not valid YAML: {problem}",
                    file=self.file,
                    line=mark.line + 1 if mark else None,
                    column=mark.column + 1 if mark else None,
                    hint=_hint_for(problem),
                )
            ) from None
        except (YAMLError, ValueError) as exc:  # unacceptable characters (U+FFFE, an escape past U+10FFFF)
            position = getattr(exc, "position", 0) or 0
            raise AnswerSheetError(
                f"not valid YAML: {' '.join(str(exc).split())}",
                file=self.file,
                line=self.text.count("\n", 0, position) + 1,
                hint="the answer sheet must be plain text; retype the line",
            ) from None

    def _next(self) -> Event:
        event = next(self.events)
        if isinstance(event, AliasEvent):
            self.error("aliases (*name) are not allowed", event, _QUOTE_HINT.format("*..."))
        if getattr(event, "anchor", None):
            self.error("anchors (&name) are not allowed", event, _QUOTE_HINT.format("&..."))
        if getattr(event, "tag", None):
            self.error("tags (!name) are not allowed", event, _QUOTE_HINT.format("!..."))
        return event

    def _document(self) -> dict[str, SheetAnswer]:
        self._next()  # StreamStartEvent
        event = self._next()
        if isinstance(event, StreamEndEvent):
            self.error("the answer sheet has no answers", None, _EMPTY_HINT)
        event = self._next() if isinstance(event, DocumentStartEvent) else event
        if isinstance(event, ScalarEvent) and event.style is None and event.value in _NULL_WORDS:
            self.error("the answer sheet has no answers", event, _EMPTY_HINT)
        if not isinstance(event, MappingStartEvent):
            self.error(
                "the answer sheet must be lines of 'question id: answer'",
                event,
                "start each line with a question id such as q1:",
            )
        answers = self._mapping()
        self._next()  # DocumentEndEvent
        event = self._next()
        if not isinstance(event, StreamEndEvent):
            self.error("more than one YAML document (a second '---' line)", event, "keep one list of answers")
        return answers

    def _mapping(self) -> dict[str, SheetAnswer]:
        answers: dict[str, SheetAnswer] = {}
        while True:
            event = self._next()
            if isinstance(event, MappingEndEvent):
                return answers
            if not isinstance(event, ScalarEvent):
                self.error("a question id must be plain text", event, "start each line with an id like q1:")
            question_id, line = event.value, event.start_mark.line + 1
            if not question_id.strip():
                self.error("an answer has no question id before the colon", event, "write it as q1: answer")
            value = self._value(question_id)
            if question_id in answers:
                first = answers[question_id].line
                self.error(
                    f"question {question_id!r} is answered twice (lines {first} and {line})",
                    event,
                    "keep one answer per question",
                )
            if len(answers) >= MAX_ANSWERS:
                self.error(f"more than {MAX_ANSWERS} answers", event, "is this really an answer sheet?")
            answers[question_id] = SheetAnswer(question_id, value, line)

    def _value(self, question_id: str) -> str | tuple[str, ...] | None:
        event = self._next()
        if isinstance(event, ScalarEvent):
            return _scalar(event)
        if isinstance(event, SequenceStartEvent):
            return self._list(question_id)
        self.error(
            "an answer cannot contain 'name: value' pairs",
            event,
            "if the answer contains ': ', " + _QUOTE_HINT.format("a: b"),
            field=question_id,
        )

    def _list(self, question_id: str) -> tuple[str, ...]:
        items: list[str] = []
        while True:
            event = self._next()
            if isinstance(event, SequenceEndEvent):
                return tuple(items)
            if not isinstance(event, ScalarEvent):
                self.error("a list answer may hold only plain values", event, field=question_id)
            if len(items) >= MAX_LIST_ITEMS:
                self.error(f"more than {MAX_LIST_ITEMS} values in one answer", event, field=question_id)
            value = _scalar(event)
            items.append(value or "")


def _scalar(event: ScalarEvent) -> str | None:
    if event.style is None and event.value in _NULL_WORDS:
        return None
    return event.value


def _hint_for(problem: str) -> str:
    if "'\\t'" in problem:
        return "YAML does not allow tabs there; replace the tab with spaces"
    if "mapping values are not allowed" in problem:
        return "if an answer contains ': ', " + _QUOTE_HINT.format("a: b")
    if "cannot start any token" in problem:
        return "an answer starting with a symbol such as @ ` % must be in quotes, e.g. q1: '@x'"
    if "end of stream" in problem or "quoted scalar" in problem:
        return "a quote is not closed; close it or remove it"
    return "each line must be 'question id: answer'; put answers with special characters in quotes"
