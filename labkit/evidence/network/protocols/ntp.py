"""NTPv4 client requests and server replies (RFC 5905) with honest 64-bit timestamps.

Timestamps count seconds since 1900-01-01 in 32 bits plus a 32-bit binary
fraction; the seconds wrap in 2036 (era 1), which :func:`ntp_timestamp` handles,
so a scenario set after February 2036 still decodes to the right date in Wireshark.
The request is the SNTP form systemd-timesyncd and ntpdate send (only the transmit
timestamp set); the reply copies the request's transmit timestamp into its origin
field, which is how a client matches answers and how an analyst pairs them.
"""

from __future__ import annotations

import ipaddress
import struct
from datetime import UTC, datetime, timedelta
from random import Random

from labkit.errors import PayloadValueError

MODE_CLIENT = 3
MODE_SERVER = 4
_NTP_EPOCH = datetime(1900, 1, 1, tzinfo=UTC)
_ERA_SECONDS = 1 << 32
_PACKET = struct.Struct(">BBbbII4s8s8s8s8s")


def ntp_timestamp(moment: datetime, *, rng: Random | None = None, precision: int = -23) -> bytes:
    """The 64-bit NTP timestamp of an aware datetime (microseconds rounded into the fraction).

    With ``rng`` the fraction bits below the clock's ``precision`` are random, as
    ntpd and chrony fill them; without it they are zero.
    """
    if moment.tzinfo is None:
        raise PayloadValueError(f"NTP timestamps need an aware datetime (got naive {moment.isoformat()})")
    elapsed = moment - _NTP_EPOCH
    seconds = elapsed.days * 86_400 + elapsed.seconds
    if seconds < 0:
        raise PayloadValueError(f"NTP cannot carry a time before 1900 (got {moment.isoformat()})")
    fraction = (elapsed.microseconds * _ERA_SECONDS + 500_000) // 1_000_000
    if rng is not None and -32 < precision < 0:
        noise_bits = 32 + precision
        fraction = (fraction & ~((1 << noise_bits) - 1)) | rng.getrandbits(noise_bits)
    return struct.pack(">II", seconds % _ERA_SECONDS, fraction)


def ntp_short(seconds: float) -> int:
    """An NTP short-format value (16.16 fixed point), as root delay and dispersion use."""
    if not 0 <= seconds < 65536:
        raise PayloadValueError(f"NTP short format holds 0..65535 s (got {seconds})")
    return round(seconds * 65536)


def ntp_request(transmit: datetime, *, version: int = 4, poll: int = 0, rng: Random | None = None) -> bytes:
    """A mode-3 client packet: leap 0, stratum 0, every field zero but the transmit timestamp."""
    _check_version(version)
    first = (0 << 6) | (version << 3) | MODE_CLIENT
    stamp = ntp_timestamp(transmit, rng=rng)
    return _PACKET.pack(first, 0, poll, 0, 0, 0, bytes(4), bytes(8), bytes(8), bytes(8), stamp)


def ntp_response(
    request: bytes,
    *,
    receive: datetime,
    transmit: datetime,
    reference: datetime,
    stratum: int = 2,
    reference_id: str = "192.0.2.1",
    root_delay_s: float = 0.015,
    root_dispersion_s: float = 0.025,
    precision: int = -23,
    leap: int = 0,
    rng: Random | None = None,
) -> bytes:
    """The mode-4 answer to ``request``: version and poll echoed, origin = the request's transmit.

    ``reference_id`` is the upstream server's IPv4 address for stratum 2 and above,
    or a four-letter source code (``GPS``, ``PPS``) for stratum 1.
    """
    if len(request) < _PACKET.size or request[0] & 0x07 != MODE_CLIENT:
        raise PayloadValueError("ntp_response needs the 48-octet mode-3 request it answers")
    if not 1 <= stratum <= 15:
        raise PayloadValueError(f"a synchronised server's stratum is 1..15 (got {stratum})")
    if not reference <= receive <= transmit:
        raise PayloadValueError("NTP reply times must satisfy reference <= receive <= transmit")
    version = (request[0] >> 3) & 0x07
    poll = struct.unpack_from(">b", request, 2)[0]
    first = (leap << 6) | (version << 3) | MODE_SERVER
    return _PACKET.pack(
        first,
        stratum,
        poll,
        precision,
        ntp_short(root_delay_s),
        ntp_short(root_dispersion_s),
        _reference_id(reference_id, stratum),
        ntp_timestamp(reference, rng=rng, precision=precision),
        request[40:48],
        ntp_timestamp(receive, rng=rng, precision=precision),
        ntp_timestamp(transmit, rng=rng, precision=precision),
    )


def datetime_from_ntp(stamp: bytes, *, era: int = 0) -> datetime:
    """The datetime an NTP timestamp stands for in ``era`` (0 until 2036-02-07), to the microsecond."""
    seconds, fraction = struct.unpack(">II", stamp)
    microseconds = (fraction * 1_000_000 + _ERA_SECONDS // 2) >> 32
    return _NTP_EPOCH + timedelta(seconds=seconds + era * _ERA_SECONDS, microseconds=microseconds)


def _reference_id(value: str, stratum: int) -> bytes:
    if stratum == 1:
        if not value.isascii() or not 1 <= len(value) <= 4:
            raise PayloadValueError(f"a stratum-1 reference id is 1..4 ASCII letters (got {value!r})")
        return value.encode("ascii").ljust(4, b"\x00")
    try:
        return ipaddress.IPv4Address(value).packed
    except ValueError:
        raise PayloadValueError(
            f"a stratum-{stratum} reference id is an IPv4 address (got {value!r})"
        ) from None


def _check_version(version: int) -> None:
    if version not in (3, 4):
        raise PayloadValueError(f"NTP version must be 3 or 4 (got {version})")
