"""DNS messages (RFC 1035) parsed from wire bytes: header, questions and resource records.

Names follow compression pointers with a loop guard; labels are shown as text with
``\\DDD`` escapes for bytes that are not printable ASCII (and ``\\.`` for a dot inside
a label), so a name built to confuse a reader cannot. A message that is malformed
anywhere parses to None rather than to half a message.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

RECORD_TYPES = {
    1: "A",
    2: "NS",
    5: "CNAME",
    6: "SOA",
    10: "NULL",
    12: "PTR",
    13: "HINFO",
    15: "MX",
    16: "TXT",
    28: "AAAA",
    33: "SRV",
    35: "NAPTR",
    41: "OPT",
    43: "DS",
    46: "RRSIG",
    47: "NSEC",
    48: "DNSKEY",
    64: "SVCB",
    65: "HTTPS",
    99: "SPF",
    252: "AXFR",
    255: "ANY",
    257: "CAA",
}
RESPONSE_CODES = {
    0: "NOERROR",
    1: "FORMERR",
    2: "SERVFAIL",
    3: "NXDOMAIN",
    4: "NOTIMP",
    5: "REFUSED",
    6: "YXDOMAIN",
    7: "YXRRSET",
    8: "NXRRSET",
    9: "NOTAUTH",
    10: "NOTZONE",
}
_MAX_POINTERS = 64


@dataclass(frozen=True)
class DnsRecord:
    name: str
    type: str
    ttl: int
    value: str

    def __str__(self) -> str:
        return f"{self.type} {self.value}"


@dataclass(frozen=True)
class DnsQuestion:
    name: str
    type: str


@dataclass(frozen=True)
class DnsMessage:
    id: int
    is_response: bool
    opcode: int
    rcode: str
    questions: tuple[DnsQuestion, ...]
    answers: tuple[DnsRecord, ...]
    authority: tuple[DnsRecord, ...]


class _Malformed(Exception):
    pass


def type_name(code: int) -> str:
    return RECORD_TYPES.get(code, f"TYPE{code}")


def parse_dns(data: bytes) -> DnsMessage | None:
    """The message in ``data``, or None when it is not a well-formed DNS message."""
    if len(data) < 12:
        return None
    ident, flags, question_count, answer_count, authority_count, _extra = struct.unpack_from("!6H", data)
    try:
        position = 12
        questions = []
        for _ in range(question_count):
            name, position = read_name(data, position)
            if position + 4 > len(data):
                raise _Malformed
            code = struct.unpack_from("!H", data, position)[0]
            questions.append(DnsQuestion(name, type_name(code)))
            position += 4
        answers, position = _records(data, position, answer_count)
        authority, position = _records(data, position, authority_count)
    except (_Malformed, struct.error, IndexError):
        return None
    rcode = flags & 0x0F
    return DnsMessage(
        ident,
        bool(flags & 0x8000),
        (flags >> 11) & 0x0F,
        RESPONSE_CODES.get(rcode, f"RCODE{rcode}"),
        tuple(questions),
        tuple(answers),
        tuple(authority),
    )


def read_name(data: bytes, position: int) -> tuple[str, int]:
    """(name, position after it in the message), following compression pointers."""
    labels: list[str] = []
    end = None
    jumps = 0
    while True:
        if position >= len(data):
            raise _Malformed
        length = data[position]
        if length & 0xC0 == 0xC0:
            if position + 1 >= len(data) or jumps >= _MAX_POINTERS:
                raise _Malformed
            if end is None:
                end = position + 2
            position = ((length & 0x3F) << 8) | data[position + 1]
            jumps += 1
            continue
        if length & 0xC0:
            raise _Malformed
        if length == 0:
            name = ".".join(labels) or "."
            return name, end if end is not None else position + 1
        label = data[position + 1 : position + 1 + length]
        if len(label) < length:
            raise _Malformed
        labels.append(_label_text(label))
        position += 1 + length


def _label_text(label: bytes) -> str:
    return "".join(
        chr(byte)
        if 0x21 <= byte <= 0x7E and byte not in (0x2E, 0x5C)
        else f"\\{chr(byte)}"
        if byte in (0x2E, 0x5C)
        else f"\\{byte:03d}"
        for byte in label
    )


def _character_text(text: bytes) -> str:
    """A TXT character-string: printable ASCII and spaces as is, quotes and backslashes escaped."""
    return "".join(
        f"\\{chr(byte)}" if byte in (0x22, 0x5C) else chr(byte) if 0x20 <= byte <= 0x7E else f"\\{byte:03d}"
        for byte in text
    )


def _records(data: bytes, position: int, count: int) -> tuple[list[DnsRecord], int]:
    records = []
    for _ in range(count):
        name, position = read_name(data, position)
        if position + 10 > len(data):
            raise _Malformed
        code, _class, ttl, length = struct.unpack_from("!HHIH", data, position)
        position += 10
        if position + length > len(data):
            raise _Malformed
        records.append(DnsRecord(name, type_name(code), ttl, _value(data, position, code, length)))
        position += length
    return records, position


def _value(data: bytes, position: int, code: int, length: int) -> str:
    raw = data[position : position + length]
    if code == 1 and length == 4:
        return socket.inet_ntoa(raw)
    if code == 28 and length == 16:
        return socket.inet_ntop(socket.AF_INET6, raw)
    if code in (2, 5, 12):
        return read_name(data, position)[0]
    if code == 15 and length >= 3:
        return f"{struct.unpack_from('!H', raw)[0]} {read_name(data, position + 2)[0]}"
    if code == 33 and length >= 7:
        priority, weight, port = struct.unpack_from("!HHH", raw)
        return f"{priority} {weight} {port} {read_name(data, position + 6)[0]}"
    if code == 6:
        mname, after = read_name(data, position)
        rname, after = read_name(data, after)
        numbers = struct.unpack_from("!5I", data, after)
        return " ".join([mname, rname, *(str(number) for number in numbers)])
    if code == 16:
        return " ".join(f'"{_character_text(text)}"' for text in _character_strings(raw))
    shown = raw[:64].hex()
    return shown + ("..." if length > 64 else "")


def _character_strings(raw: bytes) -> list[bytes]:
    strings = []
    position = 0
    while position < len(raw):
        length = raw[position]
        strings.append(raw[position + 1 : position + 1 + length])
        position += 1 + length
    return strings
