"""Wireshark's command-line tools (Debian's tshark 4.x, capinfos), run as independent readers of a capture.

tshark runs twice per capture: once for a table of dissected fields, once (quiet) to export every
protocol's objects and print its expert information. Nothing here parses a packet itself. A
throw-away configuration directory keeps a user's own Wireshark preferences (say, checksum
validation switched off) out of it.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from labkit.errors import VerificationError

#: What verification reads of each frame (one tshark pass). Values of one field in one frame are joined
#: by an ASCII record separator: commas occur in user agents, TXT records and passwords.
FIELDS = tuple(
    """
    frame.number frame.time_epoch
    eth.src
    ip.src ip.dst
    ipv6.src ipv6.dst
    tcp.srcport tcp.dstport tcp.stream tcp.flags tcp.len tcp.segment
    udp.stream
    dns.flags.response dns.qry.name dns.qry.type dns.flags.rcode dns.a dns.aaaa dns.cname dns.txt
    dns.mx.preference dns.mx.mail_exchange dns.response_to
    ftp.request.command ftp.request.arg ftp.response.code ftp.response.arg
    ftp-data.command-frame
    smtp.req.command smtp.req.parameter smtp.response.code smtp.auth.username smtp.auth.password
    smtp.auth.username_password
    imf.message_id
    http.request.method http.host http.request.uri http.request.full_uri http.request_in http.authbasic
    http.user_agent http.response.code http.content_type http.content_length_header
    http.transfer_encoding
    tls.handshake.type tls.handshake.extensions_server_name
    ssh.protocol
    icmp.type icmp.ident
    """.split()
)
#: SMTP AUTH decoded; every checksum validated (Wireshark's defaults leave them unchecked).
PREFERENCES = (
    "smtp.decryption:TRUE",
    "tcp.check_checksum:TRUE",
    "ip.check_checksum:TRUE",
    "udp.check_checksum:TRUE",
)
#: Protocols whose objects verification reads (``tshark --export-objects help`` lists them).
EXPORTED = ("http", "imf", "ftp-data")
_AGGREGATOR = "\x1e"
_SYN, _ACK, _FIN, _RST = 0x02, 0x10, 0x01, 0x04


@dataclass(frozen=True)
class Frame:
    """One row of the field table: every value tshark showed for each field, in order."""

    number: int
    time_us: int
    values: dict[str, tuple[str, ...]]

    def get(self, field: str) -> str | None:
        found = self.values.get(field, ())
        return found[0] if found else None

    def all(self, field: str) -> tuple[str, ...]:
        return self.values.get(field, ())

    def integer(self, field: str) -> int | None:
        value = self.get(field)
        try:
            return int(value, 16) if value and value.startswith("0x") else int(value) if value else None
        except ValueError:
            return None

    @property
    def tcp_flags(self) -> int:
        return self.integer("tcp.flags") or 0

    @property
    def is_syn(self) -> bool:
        return self.tcp_flags & (_SYN | _ACK) == _SYN

    @property
    def is_syn_ack(self) -> bool:
        return self.tcp_flags & (_SYN | _ACK) == _SYN | _ACK

    @property
    def closes(self) -> bool:
        return bool(self.tcp_flags & (_FIN | _RST))

    @property
    def source(self) -> str | None:
        return self.get("ip.src") or self.get("ipv6.src")

    @property
    def destination(self) -> str | None:
        return self.get("ip.dst") or self.get("ipv6.dst")

    @property
    def first_segment(self) -> int:
        """The first frame of the PDU this frame completes (itself when it was not reassembled)."""
        segments = [int(n) for n in self.all("tcp.segment")]
        return min(segments) if segments else self.number


def _environment(config: Path) -> dict[str, str]:
    return {**os.environ, "WIRESHARK_CONFIG_DIR": str(config), "LC_ALL": "C.UTF-8", "TZ": "UTC"}


def _run(args: list[str], config: Path, subject: Path) -> str:
    try:
        result = subprocess.run(args, capture_output=True, env=_environment(config), timeout=900, check=False)
    except FileNotFoundError:
        raise VerificationError(f"{args[0]} is not installed (Debian package tshark)") from None
    if result.returncode != 0:
        lines = [
            line
            for line in result.stderr.decode("utf-8", "replace").splitlines()
            if line.strip() and "Running as user" not in line
        ]
        reason = lines[0] if lines else f"exit status {result.returncode}"
        raise VerificationError(f"{args[0]} cannot read {subject.name}: {reason}")
    return result.stdout.decode("utf-8", "replace")


class TsharkCapture:
    """One capture read by tshark; the field table and each protocol's export are made once, on demand.

    Use as a context manager: exported objects live in a temporary directory until it closes.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._work = tempfile.TemporaryDirectory(prefix="labkit-tshark-")
        self._config = Path(self._work.name) / "config"
        self._config.mkdir()

    def __enter__(self) -> TsharkCapture:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._work.cleanup()

    def _tshark(self, *args: str) -> str:
        options = [item for preference in PREFERENCES for item in ("-o", preference)]
        return _run(["tshark", "-r", str(self.path), *options, *args], self._config, self.path)

    @cached_property
    def frames(self) -> list[Frame]:
        fields = [item for name in FIELDS for item in ("-e", name)]
        table = self._tshark(
            "-T",
            "fields",
            "-E",
            "separator=/t",
            "-E",
            "occurrence=a",
            "-E",
            f"aggregator={_AGGREGATOR}",
            *fields,
        )
        frames = []
        for line in table.split("\n"):  # not splitlines(): it also splits at the aggregator
            if not line:
                continue
            cells = line.split("\t")
            if len(cells) != len(FIELDS):
                raise VerificationError(
                    f"tshark printed an unexpected row for {self.path.name}: {line[:80]!r}"
                )
            values = {
                name: tuple(cell.split(_AGGREGATOR)) for name, cell in zip(FIELDS, cells, strict=True) if cell
            }
            seconds, _, fraction = cells[1].partition(".")
            time_us = int(Decimal(f"{seconds}.{fraction or 0}") * 1_000_000)
            frames.append(Frame(int(cells[0]), time_us, values))
        return frames

    def frame(self, number: object) -> Frame | None:
        if not isinstance(number, int) or not 1 <= number <= len(self.frames):
            return None
        return self.frames[number - 1]

    @cached_property
    def _streams(self) -> dict[tuple[str, int], list[Frame]]:
        streams: dict[tuple[str, int], list[Frame]] = {}
        for frame in self.frames:
            for protocol in ("tcp", "udp"):
                index = frame.integer(f"{protocol}.stream")
                if index is not None:
                    streams.setdefault((protocol, index), []).append(frame)
        return streams

    def tcp_stream(self, index: object) -> list[Frame]:
        """Frames of ``tcp.stream == index`` in order (none for an index tshark does not show)."""
        return self._streams.get(("tcp", index), []) if isinstance(index, int) else []

    def udp_stream(self, index: object) -> list[Frame]:
        return self._streams.get(("udp", index), []) if isinstance(index, int) else []

    @cached_property
    def _objects_and_expert(self) -> tuple[dict[str, dict[str, bytes]], str]:
        """One quiet pass: every protocol's objects exported, and the expert information."""
        folder = Path(self._work.name) / "objects"
        exports = [item for name in EXPORTED for item in ("--export-objects", f"{name},{folder / name}")]
        report = self._tshark("-q", *exports, "-z", "expert")
        objects = {}
        for name in EXPORTED:
            files = sorted((folder / name).iterdir()) if (folder / name).is_dir() else []
            objects[name] = {f.name: f.read_bytes() for f in files if f.is_file()}
        return objects, report

    def exported(self, protocol: str) -> dict[str, bytes]:
        """``--export-objects protocol``: file name as tshark wrote it -> content."""
        return self._objects_and_expert[0][protocol]

    def expert(self) -> tuple[bool, str]:
        """``tshark -z expert`` with every checksum validated: no Error severity, no malformed packet."""
        try:
            return expert_verdict(self._objects_and_expert[1])
        except VerificationError as exc:
            return False, str(exc)


@dataclass(frozen=True)
class CaptureInfo:
    file_type: str
    packets: int
    first_us: int | None
    last_us: int | None


def capinfos(path: Path) -> CaptureInfo:
    """File type, packet count and first/last packet times as ``capinfos`` reports them."""
    with tempfile.TemporaryDirectory(prefix="labkit-capinfos-") as config:
        args = ["capinfos", "-M", "-T", "-r", "-S", "-t", "-c", "-a", "-e", str(path)]
        out = _run(args, Path(config), path)
    cells = out.strip().split("\t")
    if len(cells) != 5:
        raise VerificationError(f"capinfos printed an unexpected line for {path.name}: {out[:80]!r}")

    def micro(text: str) -> int | None:
        return int(Decimal(text) * 1_000_000) if re.fullmatch(r"\d+(\.\d+)?", text) else None

    return CaptureInfo(cells[1], int(cells[2]), micro(cells[3]), micro(cells[4]))


def expert_verdict(report: str) -> tuple[bool, str]:
    """Read ``-z expert`` output: any Error-severity entry, or any malformed packet, is a problem."""
    problems, section = [], ""
    for line in report.splitlines():
        header = re.match(r"^(\w+) \((\d+)\)$", line.strip())
        if header:
            section = header[1]
            continue
        row = re.match(r"^\s*(\d+)\s+\S+\s+\S+\s+(.*)$", line)
        if row and (section == "Errors" or "malformed" in line.lower()):
            problems.append(f"{row[1]}x {row[2].strip()}")
    if problems:
        return False, "tshark -z expert: " + "; ".join(problems[:5])
    return True, "tshark -z expert: no errors, no malformed packets (checksums validated)"
