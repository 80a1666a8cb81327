"""TARGET's kind comes from its bytes; what is none of them is one clear error."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest
from lab_capture import Lab
from yara_evidence import MarkedStick, lime_bytes, seeded_bytes

from labkit.errors import ImageFormatError, UsageError
from labkit.tools.yara import TargetKind, detect_target
from labkit.tools.yara.target_detection import LINUX_BANNER_PREFIX


def test_kinds_from_content_whatever_the_name(marked_stick: MarkedStick, lab: Lab, tmp_path: Path) -> None:
    renamed_capture = tmp_path / "capture.E01"
    shutil.copyfile(lab.path, renamed_capture)
    renamed_disk = tmp_path / "disk.pcap"
    shutil.copyfile(marked_stick.path, renamed_disk)
    memory = tmp_path / "stick.dd"
    memory.write_bytes(seeded_bytes(2, 1 << 20) + LINUX_BANNER_PREFIX + b"5.15.0-91-generic\n\0")
    lime = tmp_path / "ram.raw"
    lime.write_bytes(lime_bytes([(0x1000, seeded_bytes(3, 8192))]))
    assert detect_target(renamed_capture) is TargetKind.CAPTURE
    assert detect_target(renamed_disk) is TargetKind.DISK
    assert detect_target(memory) is TargetKind.MEMORY
    assert detect_target(lime) is TargetKind.MEMORY


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (seeded_bytes(4, 300_000), "unknown format"),
        (gzip.compress(b"x" * 1000, mtime=0), "gzip-compressed; decompress it first"),
    ],
)
def test_what_is_none_of_them_says_so(tmp_path: Path, content: bytes, message: str) -> None:
    target = tmp_path / "blob.bin"
    target.write_bytes(content)
    with pytest.raises(ImageFormatError, match=message):
        detect_target(target)


def test_folders_and_missing_files_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is a folder"):
        detect_target(tmp_path)
    with pytest.raises(UsageError, match="no such file"):
        detect_target(tmp_path / "missing.raw")
