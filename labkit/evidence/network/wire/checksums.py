"""The Internet checksum (RFC 1071) without a Python loop over 16-bit words.

2^16 = 1 (mod 2^16 - 1), so the one's-complement sum of the big-endian 16-bit
words of a byte string is that string read as ONE big-endian integer, modulo
0xFFFF (RFC 1071, section 2(A): the end-around carry is exactly this modulus).
``int.from_bytes`` and ``%`` run in C: a 1,460-byte segment costs about a
microsecond, and pseudo-header, header and payload are summed as separate parts
instead of being copied into one buffer.
"""

from __future__ import annotations

_FOLD = 0xFFFF


def word_sum(data: bytes) -> int:
    """``data``'s contribution to a one's-complement sum (an odd length is padded with a zero byte).

    Only the LAST part of a checksummed message may have an odd length, because
    the padding byte belongs at the very end.
    """
    value = int.from_bytes(data, "big")
    return value << 8 if len(data) & 1 else value


def finish_checksum(total: int) -> int:
    """The checksum field for a sum of parts: the complement of the folded sum.

    A non-zero sum that folds to 0 modulo 0xFFFF is the one's-complement "negative
    zero" 0xFFFF, as an end-around-carry adder computes it; its complement is 0.
    """
    folded = total % _FOLD
    if folded == 0 and total:
        folded = _FOLD
    return _FOLD - folded


def internet_checksum(*parts: bytes) -> int:
    """The 16-bit Internet checksum over ``parts`` concatenated (all but the last of even length)."""
    return finish_checksum(sum(map(word_sum, parts)))
