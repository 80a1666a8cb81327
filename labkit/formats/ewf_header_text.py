"""The case-information text of EWF "header2" and "header" sections (EnCase 6 layout).

"header2" is UTF-16LE with a byte-order mark and newline line ends, and carries
the full Unicode values (Kazakh and Russian case notes survive); "header" is the
legacy single-byte copy with CR LF line ends that old readers fall back to. The
line and column layout is the one EnCase 6 and libewf's "encase6" format write,
so ewfinfo, EnCase and FTK list the same fields.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from datetime import datetime

#: libewf compresses header text at zlib's default level; so do we (deterministic either way).
HEADER_COMPRESSION_LEVEL = 6
_FORBIDDEN_IN_VALUES = str.maketrans({"\t": " ", "\r": " ", "\n": " "})


@dataclass(frozen=True)
class HeaderValues:
    """The header fields, already as the strings to store."""

    description: str
    case_number: str
    evidence_number: str
    examiner: str
    notes: str
    model: str
    serial_number: str
    software_version: str
    operating_system: str
    acquired_at: datetime
    system_at: datetime


def field_text(value: str) -> str:
    """A value as it can be stored: tabs and line breaks would split the record, so they become spaces."""
    return value.translate(_FORBIDDEN_IN_VALUES)


def _posix_seconds(moment: datetime) -> str:
    return str(int(moment.timestamp()))


def _encase_date(moment: datetime) -> str:
    """EnCase's "header" date: the wall-clock time of the acquiring machine, e.g. "2002 3 4 10 19 59"."""
    return f"{moment.year} {moment.month} {moment.day} {moment.hour} {moment.minute} {moment.second}"


def header2_text(values: HeaderValues) -> str:
    """The 17-line header2 text: categories "main", "srce" (sources) and "sub" (subjects)."""
    main_keys = "a\tc\tn\te\tt\tmd\tsn\tav\tov\tm\tu\tp\tdc"
    main_values = "\t".join(
        [
            field_text(values.description),
            field_text(values.case_number),
            field_text(values.evidence_number),
            field_text(values.examiner),
            field_text(values.notes),
            field_text(values.model),
            field_text(values.serial_number),
            field_text(values.software_version),
            field_text(values.operating_system),
            _posix_seconds(values.acquired_at),
            _posix_seconds(values.system_at),
            "0",  # password hash: "0" means no password
            "",
        ]
    )
    lines = [
        "3",
        "main",
        main_keys,
        main_values,
        "",
        "srce",
        "0\t1",
        "p\tn\tid\tev\ttb\tlo\tpo\tah\tgu\taq",
        "0\t0",
        "\t\t\t\t\t-1\t-1\t\t\t",
        "",
        "sub",
        "0\t1",
        "p\tn\tid\tnu\tco\tgu",
        "0\t0",
        "\t\t\t\t1\t",
        "",
        "",
    ]
    return "\n".join(lines)


def header_text(values: HeaderValues) -> str:
    """The 5-line legacy header text (EnCase 4 to 7 column set)."""
    keys = "c\tn\ta\te\tt\tav\tov\tm\tu\tp"
    row = "\t".join(
        [
            field_text(values.case_number),
            field_text(values.evidence_number),
            field_text(values.description),
            field_text(values.examiner),
            field_text(values.notes),
            field_text(values.software_version),
            field_text(values.operating_system),
            _encase_date(values.acquired_at),
            _encase_date(values.system_at),
            "0",
        ]
    )
    return "\r\n".join(["1", "main", keys, row, "", ""])


def header2_section_data(values: HeaderValues) -> bytes:
    """The compressed payload of a "header2" section."""
    return zlib.compress(b"\xff\xfe" + header2_text(values).encode("utf-16-le"), HEADER_COMPRESSION_LEVEL)


def header_section_data(values: HeaderValues) -> bytes:
    """The compressed payload of a "header" section; characters outside ASCII become "?" there only."""
    return zlib.compress(header_text(values).encode("ascii", errors="replace"), HEADER_COMPRESSION_LEVEL)
