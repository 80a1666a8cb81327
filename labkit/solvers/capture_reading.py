"""Finding the capture in a case folder and reading it once with ``labkit net``'s library.

A network solver asks many questions of one capture: who talked to whom, which
logins went by in clear text, what DNS was asked, which files crossed. Each
``labkit.tools.net`` function is one streaming pass; they are run once here and the
results kept, and the carried files are extracted to a scratch folder (as
``labkit net extract`` does) just long enough to type them by signature.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from labkit.errors import UsageError
from labkit.solvers.case_folder import EVIDENCE_DIR, CaseFolder
from labkit.solvers.file_signatures import detect_type
from labkit.tools.net import (
    ConversationRow,
    Credential,
    DnsLookup,
    ExtractedObject,
    HttpTransaction,
    extract_objects,
    find_credentials,
    list_conversations,
    list_dns,
    list_http,
)

# The first four bytes of a capture file: pcapng's Section Header Block type, and the
# classic pcap magics (microsecond and nanosecond, either byte order).
CAPTURE_MAGICS = frozenset(
    {
        b"\x0a\x0d\x0d\x0a",
        b"\xd4\xc3\xb2\xa1",
        b"\xa1\xb2\xc3\xd4",
        b"\x4d\x3c\xb2\xa1",
        b"\xa1\xb2\x3c\x4d",
    }
)
SNIFF_BYTES = 32 * 1024 * 1024  # a ZIP is told from a .docx by its member list, at its end


@dataclass(frozen=True)
class CaptureReading:
    """What ``labkit net conversations|creds|dns|http|extract`` show for one capture."""

    path: Path
    conversations: tuple[ConversationRow, ...]  # TCP, in tcp.stream order
    credentials: tuple[Credential, ...]
    lookups: tuple[DnsLookup, ...]
    transactions: tuple[HttpTransaction, ...]
    objects: tuple[ExtractedObject, ...]
    object_types: dict[str, str | None]  # extracted file name -> type by signature (None: unknown)

    def conversation(self, stream: int) -> ConversationRow | None:
        """The TCP conversation with this tcp.stream index."""
        return next((row for row in self.conversations if row.stream == stream), None)


def capture_files(case: CaseFolder) -> tuple[Path, ...]:
    """The evidence files that are pcap or pcapng captures, by their first bytes (not their names)."""
    found = []
    for path in case.evidence:
        with path.open("rb") as stream:
            if stream.read(4) in CAPTURE_MAGICS:
                found.append(path)
    return tuple(found)


def first_capture(case: CaseFolder) -> Path:
    """The case's capture (the first one when there are several)."""
    captures = capture_files(case)
    if not captures:
        raise UsageError(f"{case.root / EVIDENCE_DIR}: no network capture (pcap or pcapng) in the evidence")
    return captures[0]


def read_capture(path: Path) -> CaptureReading:
    """Run the ``labkit net`` passes the solver needs over ``path``."""
    conversations = list_conversations(path, ("tcp",), sort="stream").rows
    credentials = find_credentials(path).credentials
    lookups = list_dns(path).lookups
    transactions = list_http(path).transactions
    with tempfile.TemporaryDirectory(prefix="labkit-solver-") as scratch:
        report = extract_objects(path, Path(scratch) / "objects")
        folder = Path(report.output_dir)
        types = {}
        for carried in report.objects:
            with (folder / carried.name).open("rb") as stream:
                head = stream.read(SNIFF_BYTES)
            types[carried.name] = detect_type(head, complete=len(head) == carried.size)
    return CaptureReading(path, conversations, credentials, lookups, transactions, report.objects, types)
