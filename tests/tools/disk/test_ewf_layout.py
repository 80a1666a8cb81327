"""E01 chunk checks and truncation, against ewfverify on images made by ewfacquire."""

from __future__ import annotations

import hashlib
import subprocess
import zlib
from pathlib import Path

import pytest
from damaged_images import acquire, ewfverify_damage, fat16_stick, flip
from disk_images import BIG_CONTENT, run

from labkit.errors import ImageFormatError
from labkit.tools.disk.content import iter_file_content, open_target
from labkit.tools.disk.ewf_layout import SectorRange
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.hashing import hash_image
from labkit.tools.disk.image_access import open_image

#: How ewfacquire's deflate:fast (zlib level 1) stores a 32 KiB chunk of zeros.
ZERO_CHUNK = zlib.compress(bytes(32768), 1)


@pytest.fixture(scope="module")
def stick(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("ewf")
    image = fat16_stick(tmp, "stick.dd")
    (tmp / "big.bin").write_bytes(BIG_CONTENT)
    run("mcopy", "-i", image, tmp / "big.bin", "::/big.bin")
    return image


def test_damaged_zero_chunk_fails_although_the_stored_md5_still_matches(stick: Path, tmp_path: Path) -> None:
    """Review C3: libewf gives zeros for the damaged chunk, so the MD5 alone says "verified"."""
    e01 = acquire(stick, tmp_path / "zero", "-c", "deflate:fast")
    data = e01.read_bytes()
    assert data.count(ZERO_CHUNK) > 200
    flip(e01, _nth(data, 100) + 40)
    [(first, last)] = ewfverify_damage(e01)
    with open_image(e01) as image:
        result = hash_image(image, ("md5",))
    assert result.md5_matches is True  # the trap: zeros hash like the zeros that were there
    assert result.damaged_sectors == (SectorRange(first, last),)
    assert not result.verifies


def _nth(data: bytes, n: int) -> int:
    position = -1
    for _ in range(n + 1):
        position = data.index(ZERO_CHUNK, position + 1)
    return position


def test_reading_a_file_from_a_damaged_stored_chunk_is_reported(stick: Path, tmp_path: Path) -> None:
    e01 = acquire(stick, tmp_path / "plain", "-c", "none")
    at = e01.read_bytes().index(BIG_CONTENT[:4096])
    flip(e01, at + 20000)  # past the chunk that also holds the root directory
    [(first, last)] = ewfverify_damage(e01)
    with open_evidence(e01) as file_system:
        content = b"".join(iter_file_content(file_system, open_target(file_system, path="/big.bin")))
        assert file_system.image.damaged_sectors == (SectorRange(first, last),)
    assert content != BIG_CONTENT and len(content) == len(BIG_CONTENT)


@pytest.mark.parametrize("keep", ["inside the volume descriptor", 0.5, 0.95])
def test_truncated_e01_is_an_error_naming_the_file(stick: Path, tmp_path: Path, keep: str | float) -> None:
    """Review C4: a cut segment opened as a 0-byte (or shorter) medium, and hashed as such."""
    e01 = acquire(stick, tmp_path / "whole", "-c", "deflate:fast")
    data = e01.read_bytes()
    cut = tmp_path / "cut.E01"
    size = data.index(b"volume\0") + 20 if isinstance(keep, str) else int(keep * len(data))
    cut.write_bytes(data[:size])
    with pytest.raises(ImageFormatError, match=r"cut\.E01: truncated or incomplete E01: ") as caught:
        open_image(cut)
    message = str(caught.value)
    assert "no volume section" in message or f"media size {stick.stat().st_size} bytes" in message
    assert subprocess.run(["ewfverify", "-q", cut], capture_output=True, check=False).returncode != 0


def test_missing_segment_is_an_error(stick: Path, tmp_path: Path) -> None:
    first = acquire(stick, tmp_path / "split", "-c", "none", "-S", "1MiB")
    segments = sorted(tmp_path.glob("split.E*"))
    assert len(segments) > 4
    segments[-1].unlink()
    with pytest.raises(ImageFormatError, match="truncated or incomplete E01"):
        open_image(first)


@pytest.mark.parametrize("options", [("-S", "1MiB"), ("-f", "smart"), ("-f", "encase2")])
def test_intact_formats_and_segment_sets_verify(
    stick: Path, tmp_path: Path, options: tuple[str, ...]
) -> None:
    first = acquire(stick, tmp_path / "ok", "-c", "deflate:fast", *options)
    with open_image(first) as image:
        result = hash_image(image, ("md5",))
    assert result.digests["md5"] == hashlib.md5(stick.read_bytes()).hexdigest()
    assert result.verifies and result.damaged_sectors == ()
