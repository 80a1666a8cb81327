"""Long-name validation and Windows-style 8.3 short-name generation.

Follows what Windows NT does (fatgen103 plus RtlGenerate8dot3Name): upper-case,
drop spaces and extra periods, replace what the OEM code page cannot hold with
``_``, and add a ``~N`` tail only when the conversion lost something. After four
collisions (or when the basis is one or two characters) the basis becomes two
characters and four hex digits of Windows' name hash, e.g. ``AEE90~1.TXT``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from labkit.errors import EvidenceError
from labkit.formats.fat_structures import CASE_LOWER_BASE, CASE_LOWER_EXTENSION

FORBIDDEN_IN_LONG_NAMES = frozenset('"*/:<>?\\|')
REPLACED_IN_SHORT_NAMES = frozenset("+,;=[]")
ASCII_SHORT_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$%'-_@~`!(){}^#&")
MAX_LONG_NAME_UNITS = 255


@dataclass(frozen=True)
class ShortName:
    """An 11-byte short name and what else the directory entry needs to show the long name."""

    raw: bytes  # 11 bytes, space padded, as stored (first byte 0xE5 escaped as 0x05)
    case_flags: int  # byte 0x0C: lower-case base / extension
    needs_long_name: bool

    def text(self, codepage: str = "cp437") -> str:
        """``REPORT~1.XLS`` form, OEM bytes decoded through ``codepage``."""
        raw = b"\xe5" + self.raw[1:] if self.raw[0] == 0x05 else self.raw
        base, extension = raw[:8].rstrip(b" "), raw[8:].rstrip(b" ")
        return (base + b"." + extension if extension else base).decode(codepage)


def upper(text: str) -> str:
    """Upper-case one character at a time (as Windows' up-case table does: no 'ß' -> 'SS')."""
    converted = text.upper()  # context-free per character, so equal lengths mean no character expanded
    if len(converted) == len(text):
        return converted
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


RESERVED_DEVICE_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))]
)


def check_long_name(name: str) -> None:
    """Raise EvidenceError when Windows would refuse ``name`` as a file name."""
    if not name or name in (".", ".."):
        raise EvidenceError(f"invalid FAT file name {name!r}")
    if min(name) < " " or not FORBIDDEN_IN_LONG_NAMES.isdisjoint(name):
        bad = sorted({c for c in name if c in FORBIDDEN_IN_LONG_NAMES or ord(c) < 0x20})
        raise EvidenceError(f"FAT file name {name!r} contains forbidden characters {bad!r}")
    if name[-1] in ". ":
        raise EvidenceError(f"FAT file name {name!r} ends with a period or space, which Windows strips")
    if name.split(".", 1)[0].upper().rstrip() in RESERVED_DEVICE_NAMES:
        raise EvidenceError(
            f"FAT file name {name!r} is a reserved device name on Windows (CON, NUL, COM1...)"
        )
    # A character takes one or two UTF-16 units: only names over half the limit need counting.
    if len(name) * 2 > MAX_LONG_NAME_UNITS and len(name.encode("utf-16-le")) // 2 > MAX_LONG_NAME_UNITS:
        raise EvidenceError(f"FAT file name {name[:40]!r}... is longer than 255 UTF-16 units")


def windows_name_hash(name: str) -> str:
    """Four hex digits of Windows' 8.3 collision hash of the long name."""
    checksum = 0
    units = name.encode("utf-16-le")
    for index in range(0, len(units), 2):
        checksum = (checksum * 0x25 + int.from_bytes(units[index : index + 2], "little")) & 0xFFFF
    product = (checksum * 314159269) & 0xFFFFFFFF
    if product >= 0x80000000:
        product = (-(product - 0x100000000)) & 0xFFFFFFFF
    product -= ((product * 1152921497) >> 60) * 1000000007
    checksum = product & 0xFFFF
    reversed_nibbles = (
        ((checksum & 0xF000) >> 12)
        | ((checksum & 0x0F00) >> 4)
        | ((checksum & 0x00F0) << 4)
        | ((checksum & 0x000F) << 12)
    )
    return f"{reversed_nibbles:04X}"


def _to_oem(text: str, codepage: str) -> tuple[bytes, bool]:
    """Map characters to short-name OEM bytes; True when something was replaced by '_'."""
    out = bytearray()
    lossy = False
    for char in text:
        if char in ASCII_SHORT_CHARACTERS:
            out += char.encode("ascii")
            continue
        if ord(char) >= 0x80:
            try:
                encoded = char.encode(codepage)
            except UnicodeEncodeError:
                encoded = b""
            if len(encoded) == 1 and encoded[0] >= 0x80:
                out += encoded
                continue
        out += b"_"
        lossy = True
    return bytes(out), lossy


def _pack(base: bytes, extension: bytes) -> bytes:
    raw = base.ljust(8, b" ") + extension.ljust(3, b" ")
    return b"\x05" + raw[1:] if raw[0] == 0xE5 else raw


def _exact_short_name(name: str, codepage: str) -> ShortName | None:
    """The short name when ``name`` is already 8.3 (at most differing by an all-lower part)."""
    if not name.isascii() or name.startswith("."):
        return None
    base, _, extension = name.partition(".")
    if "." in extension or not 1 <= len(base) <= 8 or len(extension) > 3:
        return None
    if any(c not in ASCII_SHORT_CHARACTERS for c in upper(base + extension)):
        return None
    flags = 0
    for part, flag in ((base, CASE_LOWER_BASE), (extension, CASE_LOWER_EXTENSION)):
        if part != upper(part):
            if part != part.lower():
                return None  # mixed case within a part: Windows keeps it in a long name
            flags |= flag
    raw = _pack(upper(base).encode("ascii"), upper(extension).encode("ascii"))
    return ShortName(raw, flags, needs_long_name=False)


def make_short_name(name: str, taken: Callable[[bytes], bool], codepage: str = "cp437") -> ShortName:
    """Generate the short name Windows would give ``name`` in a directory.

    Args:
        name: a valid long name (see :func:`check_long_name`).
        taken: tells whether an 11-byte short name is already used by a live entry there.
        codepage: the OEM code page short names are stored in.
    """
    exact = _exact_short_name(name, codepage)
    if exact is not None and not taken(exact.raw):
        return exact
    # Names with non-ASCII letters always keep a long name, so every reader shows them the same way.
    stripped = upper(name).replace(" ", "").lstrip(".")
    lost = stripped != upper(name)
    dot = stripped.rfind(".")
    base_text, extension_text = (stripped[:dot], stripped[dot + 1 :]) if dot > 0 else (stripped, "")
    lost |= "." in base_text
    base, lossy_base = _to_oem(base_text.replace(".", ""), codepage)
    extension, lossy_extension = _to_oem(extension_text, codepage)
    lost |= lossy_base or lossy_extension or len(base) > 8 or len(extension) > 3
    base, extension = base[:8], extension[:3]
    if not base:
        base, lost = b"_", True
    if not lost:
        raw = _pack(base, extension)
        if not taken(raw):
            return ShortName(raw, 0, needs_long_name=True)
    if len(base) > 2:
        for number in range(1, 5):
            raw = _pack(base[:6] + b"~%d" % number, extension)
            if not taken(raw):
                return ShortName(raw, 0, needs_long_name=True)
    hashed = base[:2] + windows_name_hash(name).encode("ascii")
    for number in range(1, 1000000):
        tail = b"~%d" % number
        raw = _pack(hashed[: 8 - len(tail)] + tail, extension)
        if not taken(raw):
            return ShortName(raw, 0, needs_long_name=True)
    raise EvidenceError(f"no free short name left for {name!r}")  # pragma: no cover


def long_name_checksum(raw: bytes) -> int:
    """The checksum each long-name slot carries of its short name."""
    total = 0
    for byte in raw:
        total = (((total & 1) << 7) + (total >> 1) + byte) & 0xFF
    return total
