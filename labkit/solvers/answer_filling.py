"""Filling in a blank ``answers.yaml`` the way a trainee does: after each colon, comments kept.

Every value is written as a YAML double-quoted scalar, so a path with ``#`` or
``: ``, a note with quotes or a value such as ``no`` or ``0x1F`` reads back as
exactly the text that was written.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from labkit.grading.sheet_writer import yaml_key


def quote_scalar(value: str) -> str:
    """``value`` as a YAML double-quoted scalar (escapes for quotes, backslashes and controls)."""
    out = []
    for character in value:
        code = ord(character)
        if character in '\\"':
            out.append("\\" + character)
        elif code < 0x20 or 0x7F <= code <= 0x9F or character in "\u2028\u2029\ufeff":
            out.append(f"\\u{code:04x}")
        else:
            out.append(character)
    return '"' + "".join(out) + '"'


def fill_answer_sheet(text: str, answers: Mapping[str, str]) -> str:
    """The sheet ``text`` with each answered question's line set to its value.

    A question's line is the one that starts with its key and a colon; whatever
    followed the colon is replaced. Answers for ids the sheet lacks are appended.
    """
    lines = text.splitlines()
    pending = dict(answers)
    for index, line in enumerate(lines):
        if line.startswith("#"):
            continue
        for question_id in list(pending):
            prefix = f"{yaml_key(question_id)}:"
            if line.startswith(prefix) and (len(line) == len(prefix) or line[len(prefix)].isspace()):
                lines[index] = f"{prefix} {quote_scalar(pending.pop(question_id))}"
                break
    lines.extend(f"{yaml_key(qid)}: {quote_scalar(value)}" for qid, value in pending.items())
    return "\n".join(lines) + "\n"


def write_answer_sheet(path: str | Path, answers: Mapping[str, str]) -> None:
    """Fill the sheet at ``path`` in place; it is replaced whole (never left half-written)."""
    sheet = Path(path)
    filled = fill_answer_sheet(sheet.read_text(encoding="utf-8"), answers)
    mode = sheet.stat().st_mode & 0o777
    descriptor, temporary = tempfile.mkstemp(prefix=f".{sheet.name}.", dir=sheet.parent)
    try:
        os.chmod(temporary, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(filled)
        os.replace(temporary, sheet)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
