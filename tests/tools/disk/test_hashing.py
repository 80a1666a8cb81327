from __future__ import annotations

import hashlib
import struct
import zlib
from pathlib import Path

import pytest
from tsk_reference import icat, tsk

from labkit.errors import UsageError
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.hashing import choose_algorithms, hash_file, hash_image
from labkit.tools.disk.image_access import open_image


def test_e01_media_hash_matches_raw_and_stored_md5(e01: Path, superfloppy) -> None:
    raw = superfloppy.path.read_bytes()
    with open_image(e01) as image:
        result = hash_image(image, choose_algorithms("all"))
    assert result.digests == {name: hashlib.new(name, raw).hexdigest() for name in ("md5", "sha1", "sha256")}
    assert result.md5_matches is True and result.stored_md5 == hashlib.md5(raw).hexdigest()
    assert "SUCCESS" in str(tsk("ewfverify", "-q", e01))


def test_altered_e01_is_reported_as_mismatch(e01: Path, tmp_path: Path) -> None:
    # A forged stored MD5 (with valid section checksums) must be noticed, not trusted.
    data = bytearray(e01.read_bytes())
    with open_image(e01) as image:
        stored = bytes.fromhex(image.summary.ewf.stored_md5)
    positions = [i for i in range(len(data)) if data.startswith(stored, i)]
    assert positions
    for position in positions:
        section_type = bytes(data[position - 76 : position - 60]).rstrip(b"\0")
        covered = {b"hash": 32, b"digest": 76}[section_type]
        data[position] ^= 0xFF
        checksum = zlib.adler32(bytes(data[position : position + covered]))
        data[position + covered : position + covered + 4] = struct.pack("<I", checksum)
    altered = tmp_path / "altered.E01"
    altered.write_bytes(bytes(data))
    with open_image(altered) as image:
        result = hash_image(image, ("sha256",))
    assert result.md5_matches is False
    assert "md5" not in result.digests


def test_raw_image_hash_has_nothing_stored(superfloppy) -> None:
    with open_image(superfloppy.path) as image:
        result = hash_image(image, ("md5",))
    assert result.digests["md5"] == hashlib.md5(superfloppy.path.read_bytes()).hexdigest()
    assert result.md5_matches is None


def test_file_hash_matches_icat(any_image) -> None:
    with open_evidence(any_image.path) as file_system:
        result = hash_file(file_system, path="/_one.bin", algorithms=choose_algorithms("sha256"))
    expected = hashlib.sha256(icat(any_image.path, any_image.offset_sectors, result.inode)).hexdigest()
    assert result.digests == {"sha256": expected} and result.deleted


def test_unknown_algorithm() -> None:
    with pytest.raises(UsageError, match="md5, sha1, sha256 or all"):
        choose_algorithms("crc32")
