"""Domain names as DNS carries them: A-labels, length limits, wire form and compression.

Applications resolve what the user typed; the resolver library puts A-labels
(punycode, ``xn--``) on the wire, so a Russian or Kazakh domain in a scenario shows
up in the capture the way Wireshark shows a real one. Case is kept as given (DNS
preserves it; compression matches names case-insensitively, as BIND and Unbound do).
"""

from __future__ import annotations

from encodings import idna

from labkit.errors import PayloadValueError

MAXIMUM_LABEL_LENGTH = 63
#: 255 octets in wire form = 253 characters of dotted text without the root dot.
MAXIMUM_NAME_LENGTH = 253
_POINTER_LIMIT = 0x3FFF


def to_ascii_name(name: str) -> str:
    """The name as it goes on the wire, in text: Unicode labels become A-labels; no trailing dot.

    Raises:
        PayloadValueError: an empty label, a label over 63 octets, a name over 253
            characters, or a label IDNA cannot encode.
    """
    text = name[:-1] if name.endswith(".") else name
    if text == "":
        return ""
    labels = [_ascii_label(label, name) for label in text.split(".")]
    ascii_name = ".".join(labels)
    if len(ascii_name) > MAXIMUM_NAME_LENGTH:
        raise PayloadValueError(
            f"DNS name {name!r} is {len(ascii_name)} characters on the wire; the limit is "
            f"{MAXIMUM_NAME_LENGTH} (255 octets in wire form)"
        )
    return ascii_name


def _ascii_label(label: str, name: str) -> str:
    if label == "":
        raise PayloadValueError(f"DNS name {name!r} has an empty label (two dots in a row or a leading dot)")
    if label.isascii():
        encoded = label
    else:
        try:
            encoded = idna.ToASCII(label).decode("ascii")
        except UnicodeError as error:
            raise PayloadValueError(
                f"DNS label {label!r} in {name!r} cannot be encoded with IDNA: {error}"
            ) from None
    if len(encoded) > MAXIMUM_LABEL_LENGTH:
        raise PayloadValueError(
            f"DNS label {encoded[:20]!r}... in {name!r} is {len(encoded)} octets; "
            f"the limit is {MAXIMUM_LABEL_LENGTH}"
        )
    return encoded


class NameCompressor:
    """Writes names into one DNS message, pointing back at suffixes already written (RFC 1035 4.1.4)."""

    def __init__(self) -> None:
        self._offsets: dict[str, int] = {}

    def encode(self, name: str, offset: int) -> bytes:
        """Wire form of ``name`` placed at ``offset`` of the message, compressed against earlier names."""
        ascii_name = to_ascii_name(name)
        labels = ascii_name.split(".") if ascii_name else []
        out = bytearray()
        for index in range(len(labels)):
            suffix = ".".join(labels[index:]).lower()
            pointer = self._offsets.get(suffix)
            if pointer is not None:
                out += (0xC000 | pointer).to_bytes(2, "big")
                return bytes(out)
            here = offset + len(out)
            if here <= _POINTER_LIMIT:
                self._offsets[suffix] = here
            label = labels[index].encode("ascii")
            out += bytes([len(label)]) + label
        out += b"\x00"
        return bytes(out)


def encode_name(name: str) -> bytes:
    """Uncompressed wire form of ``name`` (length-prefixed labels, root octet)."""
    ascii_name = to_ascii_name(name)
    labels = ascii_name.split(".") if ascii_name else []
    return b"".join(bytes([len(label)]) + label.encode("ascii") for label in labels) + b"\x00"
