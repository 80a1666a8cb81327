"""DNS messages as a stub resolver sends them and a recursive resolver answers (RFC 1035).

A query carries one question with RD set; the answer echoes the transaction id and
question, sets QR, RD and RA, and lists the records the way BIND and Unbound do: a
CNAME chain first, then the addresses of its target, every name compressed against
the question. NXDOMAIN is rcode 3 with the zone's SOA in the authority section,
which is what negative caching (RFC 2308) needs and what analysts expect to see.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.dns_names import NameCompressor

RecordType = Literal["A", "AAAA", "CNAME", "TXT", "NS", "MX", "SOA", "PTR"]
RECORD_TYPES: tuple[str, ...] = ("A", "AAAA", "CNAME", "TXT", "NS", "MX", "SOA", "PTR")

#: Query types by mnemonic (IANA DNS parameters); records can be built for :data:`RECORD_TYPES`.
QUERY_TYPES: dict[str, int] = {
    "A": 1,
    "NS": 2,
    "CNAME": 5,
    "SOA": 6,
    "PTR": 12,
    "MX": 15,
    "TXT": 16,
    "AAAA": 28,
    "SRV": 33,
    "NULL": 10,
    "HTTPS": 65,
    "ANY": 255,
}
RCODES = {"NOERROR": 0, "FORMERR": 1, "SERVFAIL": 2, "NXDOMAIN": 3, "NOTIMP": 4, "REFUSED": 5}
CLASS_IN = 1
_OPT = 41
_HEADER = struct.Struct(">HHHHHH")
_RR_FIXED = struct.Struct(">HHIH")
_QUESTION_FIXED = struct.Struct(">HH")
_UDP_LIMIT_WITHOUT_EDNS = 512
_CHARACTER_STRING_LIMIT = 255


@dataclass(frozen=True)
class DnsRecord:
    """One resource record in text form, as a zone file or dig would write it.

    ``value`` is an address for A/AAAA, a name for CNAME/NS/PTR, ``"10 mail.example.kz"``
    for MX, the text for TXT (cut into 255-octet strings on the wire), and
    ``"mname rname serial refresh retry expire minimum"`` for SOA.
    """

    name: str
    type: RecordType
    ttl: int
    value: str

    def __post_init__(self) -> None:
        if self.type not in RECORD_TYPES:
            raise PayloadValueError(
                f"record type must be one of {', '.join(RECORD_TYPES)} (got {self.type!r})"
            )
        if not 0 <= self.ttl <= 0x7FFFFFFF:
            raise PayloadValueError(f"TTL must be 0..2147483647 seconds (got {self.ttl})")


def dns_query(
    txid: int, name: str, qtype: str, *, recursion_desired: bool = True, edns_payload_size: int | None = None
) -> bytes:
    """A query for ``name``/``qtype`` in class IN.

    ``edns_payload_size`` adds an EDNS0 OPT record (systemd-resolved and dig send one;
    the Windows stub resolver and glibc do not by default).
    """
    flags = 0x0100 if recursion_desired else 0
    return _message(txid, flags, name, qtype, (), (), edns_payload_size)


def dns_response(
    txid: int,
    name: str,
    qtype: str,
    answers: Sequence[DnsRecord],
    *,
    rcode: int = 0,
    authority: Sequence[DnsRecord] = (),
    recursion_desired: bool = True,
    recursion_available: bool = True,
    authoritative: bool = False,
    edns_payload_size: int | None = None,
) -> bytes:
    """The answer to :func:`dns_query` with the same ``txid``, ``name`` and ``qtype``.

    Raises:
        PayloadValueError: a bad name or record value, an rcode outside 0..15, or a
            message over 512 octets without EDNS (a real server would truncate it).
    """
    if not 0 <= rcode <= 15:
        raise PayloadValueError(f"rcode must be 0..15 (got {rcode})")
    flags = 0x8000 | rcode
    flags |= 0x0400 if authoritative else 0
    flags |= 0x0100 if recursion_desired else 0
    flags |= 0x0080 if recursion_available else 0
    message = _message(txid, flags, name, qtype, answers, authority, edns_payload_size)
    if edns_payload_size is None and len(message) > _UDP_LIMIT_WITHOUT_EDNS:
        raise PayloadValueError(
            f"DNS response for {name!r} is {len(message)} octets; over UDP without EDNS the limit is 512 "
            "(pass edns_payload_size, or answer with fewer records)"
        )
    return message


def reverse_pointer_name(address: str) -> str:
    """The PTR query name of an address: ``4.3.2.1.in-addr.arpa`` or the ip6.arpa nibble form."""
    try:
        return ipaddress.ip_address(address).reverse_pointer
    except ValueError as error:
        raise PayloadValueError(str(error)) from None


def _message(
    txid: int,
    flags: int,
    name: str,
    qtype: str,
    answers: Sequence[DnsRecord],
    authority: Sequence[DnsRecord],
    edns_payload_size: int | None,
) -> bytes:
    if not 0 <= txid <= 0xFFFF:
        raise PayloadValueError(f"DNS transaction id must be 0..65535 (got {txid})")
    additional = 0 if edns_payload_size is None else 1
    out = bytearray(_HEADER.pack(txid, flags, 1, len(answers), len(authority), additional))
    names = NameCompressor()
    out += names.encode(name, len(out))
    out += _QUESTION_FIXED.pack(_type_code(qtype), CLASS_IN)
    for record in (*answers, *authority):
        out += names.encode(record.name, len(out))
        rdata_offset = len(out) + _RR_FIXED.size
        rdata = _rdata(record, names, rdata_offset)
        out += _RR_FIXED.pack(QUERY_TYPES[record.type], CLASS_IN, record.ttl, len(rdata)) + rdata
    if edns_payload_size is not None:
        if not 512 <= edns_payload_size <= 0xFFFF:
            raise PayloadValueError(f"EDNS payload size must be 512..65535 (got {edns_payload_size})")
        out += b"\x00" + _RR_FIXED.pack(_OPT, edns_payload_size, 0, 0)
    return bytes(out)


def _type_code(qtype: str) -> int:
    try:
        return QUERY_TYPES[qtype.upper()]
    except KeyError:
        raise PayloadValueError(
            f"unknown DNS query type {qtype!r}; known: {', '.join(QUERY_TYPES)}"
        ) from None


def _rdata(record: DnsRecord, names: NameCompressor, offset: int) -> bytes:
    value = record.value
    if record.type in ("A", "AAAA"):
        return _address(record)
    if record.type in ("CNAME", "NS", "PTR"):
        return names.encode(value, offset)
    if record.type == "MX":
        preference, exchange = _fields(record, 2)
        return struct.pack(">H", _number(record, preference, 0xFFFF)) + names.encode(exchange, offset + 2)
    if record.type == "SOA":
        mname, rname, *numbers = _fields(record, 7)
        out = names.encode(mname, offset)
        out += names.encode(rname, offset + len(out))
        return out + struct.pack(">5I", *(_number(record, number, 0xFFFFFFFF) for number in numbers))
    return _character_strings(value.encode("utf-8"))


def _address(record: DnsRecord) -> bytes:
    try:
        address = ipaddress.ip_address(record.value)
    except ValueError:
        raise PayloadValueError(
            f"{record.type} record for {record.name!r}: {record.value!r} is not an address"
        ) from None
    if (address.version == 4) != (record.type == "A"):
        raise PayloadValueError(
            f"{record.type} record for {record.name!r} holds an IPv{address.version} address"
        )
    return address.packed


def _fields(record: DnsRecord, count: int) -> list[str]:
    fields = record.value.split()
    if len(fields) != count:
        raise PayloadValueError(
            f"{record.type} record for {record.name!r} needs {count} fields (got {record.value!r})"
        )
    return fields


def _number(record: DnsRecord, text: str, maximum: int) -> int:
    if not text.isdigit() or int(text) > maximum:
        raise PayloadValueError(
            f"{record.type} record for {record.name!r}: {text!r} is not a number 0..{maximum}"
        )
    return int(text)


def _character_strings(data: bytes) -> bytes:
    """TXT RDATA: strings of at most 255 octets, never cutting a UTF-8 character in two."""
    out = bytearray()
    start = 0
    while True:
        end = min(start + _CHARACTER_STRING_LIMIT, len(data))
        while end < len(data) and end > start and data[end] & 0xC0 == 0x80:
            end -= 1
        out += bytes([end - start]) + data[start:end]
        start = end
        if start >= len(data):
            return bytes(out)
