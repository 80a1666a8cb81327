"""Reading ``answers.yaml`` safely: any input gives an AnswerSheet or one located AnswerSheetError.

The sheet is built from ruamel.yaml's event stream, not its composer, so that
nesting, aliases, tags and duplicate keys are refused as they are met: nothing
recursive runs on hostile input, nothing is expanded, and the work is bounded
by the size cap and the limits below. Values stay exactly as typed (``no``,
``0xB000`` and ``2026-03-14`` remain strings); the answer types interpret them.
"""

from __future__ import annotations

import codecs
import os
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
    return _SheetBuilder(file).build(text)


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
            raise AnswerSheetError(
                f"not valid YAML: {problem}",
                file=self.file,
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                hint=_hint_for(problem),
            ) from None
        except YAMLError as exc:  # the reader's unacceptable characters (U+FFFE...)
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
