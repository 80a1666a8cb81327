"""An HTTP body as the entity it carries: de-chunked, then gzip/deflate decoded, in pieces.

What Wireshark's Export Objects > HTTP saves (with its default "uncompress entity
bodies"). A coding that cannot be decoded (brotli, zstd, a damaged gzip) leaves the
body as it was sent, and says so; a decompression bomb stops at a hard ceiling.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from labkit.tools.net.http_messages import HttpMessage
from labkit.tools.net.stream_store import StoredDirection

PIECE = 1024 * 1024
MAX_DECODED = 4 * 1024 * 1024 * 1024


@dataclass
class BodyNotes:
    """What happened while decoding: filled in as the pieces are consumed."""

    decoded_coding: str = ""  # "gzip" or "deflate" when the content coding was removed
    problem: str = ""


def transfer_pieces(direction: StoredDirection, message: HttpMessage) -> Iterator[bytes]:
    """The body with the transfer coding (chunked) removed."""
    for start, length in message.extents:
        position = start
        while position < start + length:
            piece = direction.read(position, min(PIECE, start + length - position))
            if not piece:
                return
            position += len(piece)
            yield piece


def entity_pieces(direction: StoredDirection, message: HttpMessage, notes: BodyNotes) -> Iterator[bytes]:
    """The entity: de-chunked and, for gzip/deflate, decompressed (else as sent; ``notes`` says why)."""
    coding = (message.header("Content-Encoding") or "").strip().lower()
    if coding in ("", "identity"):
        yield from transfer_pieces(direction, message)
        return
    if coding not in ("gzip", "x-gzip", "deflate"):
        notes.problem = f"Content-Encoding {coding!r} is not decoded: saved as sent"
        yield from transfer_pieces(direction, message)
        return
    if not _decodes(direction, message, coding):
        notes.problem = f"the {coding} body does not decompress (damaged or incomplete): saved as sent"
        yield from transfer_pieces(direction, message)
        return
    notes.decoded_coding = "gzip" if coding == "x-gzip" else coding
    decoder = _decoder(direction, message, coding)
    produced = 0
    try:
        for piece in transfer_pieces(direction, message):
            while piece:
                output = decoder.decompress(piece, PIECE)
                produced += len(output)
                if produced > MAX_DECODED:
                    notes.problem = f"decompressed output passed {MAX_DECODED} bytes: stopped there"
                    return
                if output:
                    yield output
                piece = b"" if decoder.eof else decoder.unconsumed_tail
        tail = decoder.flush()
    except zlib.error as exc:
        notes.problem = f"the {coding} body is damaged part-way ({exc}): decoded up to there"
        return
    if tail:
        yield tail
    if not decoder.eof:
        notes.problem = f"the {coding} stream ends early (body incomplete): decoded what was there"


def _decoder(direction: StoredDirection, message: HttpMessage, coding: str) -> zlib._Decompress:
    if coding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    first = next(transfer_pieces(direction, message), b"")
    wrapped = len(first) >= 2 and (first[0] & 0x0F) == 8 and ((first[0] << 8) | first[1]) % 31 == 0
    return zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)


def _decodes(direction: StoredDirection, message: HttpMessage, coding: str) -> bool:
    """Does the start of the body decompress? (A damaged body is saved as sent, like Wireshark.)"""
    first = next(transfer_pieces(direction, message), b"")
    try:
        _decoder(direction, message, coding).decompress(first[:65536], 1024)
    except zlib.error:
        return False
    return True
