"""Streaming digests: several hashlib algorithms in one pass, memory flat in the input size.

Evidence images, case-folder manifests and files inside images are all hashed the
same way, so the same bytes always get the same digests, and an unknown algorithm
or an unreadable file is the same clear error everywhere.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from io import RawIOBase
from pathlib import Path

from labkit.errors import EvidenceError, UsageError

DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024
EVIDENCE_ALGORITHMS = ("md5", "sha1", "sha256")  # what examiners record for an acquired image


def digest_chunks(chunks: Iterable[bytes | memoryview], algorithms: Iterable[str]) -> dict[str, str]:
    """Hex digests of the concatenated ``chunks``, keyed by algorithm name in the order given.

    Raises:
        UsageError: an algorithm hashlib does not know (before any chunk is read).
    """
    return _digest(_new_hashers(algorithms), chunks)


def hash_file(
    path: Path, algorithms: Iterable[str] = EVIDENCE_ALGORITHMS, chunk: int = DEFAULT_CHUNK_SIZE
) -> dict[str, str]:
    """Hex digests of a file on disk, read once in ``chunk``-sized pieces into one reused buffer.

    Raises:
        UsageError: an unknown algorithm (checked before the file is opened).
        EvidenceError: the file cannot be read.
    """
    hashers = _new_hashers(algorithms)
    try:
        with open(path, "rb", buffering=0) as stream:
            return _digest(hashers, _read_pieces(stream, chunk))
    except OSError as error:
        raise EvidenceError(f"cannot hash {path}: {error.strerror}") from error


def _new_hashers(algorithms: Iterable[str]) -> dict[str, hashlib._Hash]:
    try:
        return {name: hashlib.new(name) for name in algorithms}
    except ValueError as error:
        raise UsageError(f"unknown hash algorithm: {error}") from error


def _digest(hashers: dict[str, hashlib._Hash], chunks: Iterable[bytes | memoryview]) -> dict[str, str]:
    for chunk in chunks:
        for hasher in hashers.values():
            hasher.update(chunk)
    return {name: hasher.hexdigest() for name, hasher in hashers.items()}


def _read_pieces(stream: RawIOBase, chunk: int) -> Iterator[memoryview]:
    """Views of one reused buffer: each is only valid until the next one is produced."""
    buffer = bytearray(chunk)
    view = memoryview(buffer)
    while read := stream.readinto(buffer):
        yield view[:read]
