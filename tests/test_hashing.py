"""One streaming hasher for images, manifests and in-image files; checked against coreutils."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from labkit.errors import EvidenceError, UsageError
from labkit.hashing import digest_chunks, hash_file


def _coreutils(tool: str, path: Path) -> str:
    return subprocess.run([tool, path], check=True, capture_output=True, text=True).stdout.split()[0]


def test_hash_file_agrees_with_coreutils_across_chunk_boundaries(tmp_path: Path) -> None:
    path = tmp_path / "data.bin"
    path.write_bytes(bytes(range(256)) * 257 + b"tail")  # not a multiple of the chunk size
    expected = {name: _coreutils(f"{name}sum", path) for name in ("md5", "sha1", "sha256")}
    assert hash_file(path, chunk=4096) == expected
    assert hash_file(path, ("sha256",), chunk=1) == {"sha256": expected["sha256"]}
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert hash_file(empty, ("sha256",)) == {"sha256": _coreutils("sha256sum", empty)}


def test_digest_chunks_is_the_digest_of_the_concatenation(tmp_path: Path) -> None:
    path = tmp_path / "joined.bin"
    pieces = [b"evidence ", memoryview(b"in "), b"", b"pieces"]
    path.write_bytes(b"".join(bytes(piece) for piece in pieces))
    assert digest_chunks(pieces, ("sha1", "md5")) == {
        "sha1": _coreutils("sha1sum", path),
        "md5": _coreutils("md5sum", path),
    }


def test_errors_are_clear(tmp_path: Path) -> None:
    missing = tmp_path / "missing.bin"
    with pytest.raises(UsageError, match="unknown hash algorithm"):
        hash_file(missing, ("no-such-hash",))  # checked before the file is opened
    with pytest.raises(EvidenceError, match=r"cannot hash .*missing\.bin: No such file"):
        hash_file(missing)
    with pytest.raises(UsageError, match="unknown hash algorithm"):
        digest_chunks([b"x"], ("md6",))
