from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import pytest

from labkit.errors import EvidenceError, ImageFormatError
from labkit.tools.disk.file_system import open_evidence
from labkit.tools.disk.image_access import ImageFormat, detect_image_format, open_image


def test_raw_image_is_detected_and_sized(superfloppy) -> None:
    with open_image(superfloppy.path) as image:
        assert image.summary.format is ImageFormat.RAW
        assert image.media_size == superfloppy.path.stat().st_size
        assert image.summary.ewf is None


def test_e01_metadata_matches_ewfinfo(e01: Path) -> None:
    ewfinfo = subprocess.run(["ewfinfo", e01], check=True, capture_output=True, text=True).stdout
    with open_image(e01) as image:
        ewf = image.summary.ewf
        assert image.summary.format is ImageFormat.EWF
        assert ewf is not None
        assert ewf.headers["case_number"] == "CASE-042"
        assert ewf.headers["examiner_name"] == "Cadet Nurlan"
        assert ewf.headers["evidence_number"] == "EV-7"
        assert re.search(rf"MD5:\s+{ewf.stored_md5}", ewfinfo)
        assert f"({image.media_size} bytes)" in ewfinfo
        assert ewf.media_type == "removable"


def test_format_comes_from_magic_not_extension(e01: Path, superfloppy, copy_of) -> None:
    assert detect_image_format(copy_of(e01, "evidence.bin")) is ImageFormat.EWF
    renamed_raw = copy_of(superfloppy.path, "stick.E01")
    assert detect_image_format(renamed_raw) is ImageFormat.RAW
    with open_image(copy_of(e01, "renamed.img")) as image:
        assert image.read(0, 512) == superfloppy.path.read_bytes()[:512]


def test_truncated_e01_is_a_format_error(e01: Path, tmp_path: Path) -> None:
    truncated = tmp_path / "cut.E01"
    truncated.write_bytes(e01.read_bytes()[: e01.stat().st_size // 2])
    with pytest.raises(ImageFormatError, match=r"corrupt|truncated"):
        open_image(truncated).close()


def test_text_file_has_no_file_system(tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("not an image\n" * 50)
    with pytest.raises(ImageFormatError, match="no partition table and no file system"):
        with open_evidence(text):
            pass


def test_missing_empty_and_compressed_inputs(tmp_path: Path) -> None:
    with pytest.raises(EvidenceError, match="no such image"):
        open_image(tmp_path / "absent.dd")
    with pytest.raises(EvidenceError, match="not a regular file"):
        open_image(tmp_path)
    (tmp_path / "empty.dd").write_bytes(b"")
    with pytest.raises(ImageFormatError, match="empty"):
        open_image(tmp_path / "empty.dd")
    (tmp_path / "stick.dd.gz").write_bytes(gzip.compress(b"\0" * 4096))
    with pytest.raises(ImageFormatError, match="gzip"):
        open_image(tmp_path / "stick.dd.gz")


def test_media_streams_in_chunks(superfloppy) -> None:
    with open_image(superfloppy.path) as image:
        chunks = list(image.iter_media(chunk_size=1 << 20))
    assert all(len(chunk) <= 1 << 20 for chunk in chunks)
    assert b"".join(chunks) == superfloppy.path.read_bytes()
