"""Whole-volume checks: fsck.fat on the file system, pytsk3 as a second reader."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path

from labkit.tools.disk.image_access import open_image

_CHUNK = 4 * 1024 * 1024


def check_volume_with_fsck(image: Path, offset_sectors: int) -> tuple[bool, str]:
    """Run ``fsck.fat -n`` on the volume (copied out of the image, since fsck.fat takes no offset)."""
    if not shutil.which("fsck.fat"):
        return False, "fsck.fat is not installed (Debian package dosfstools)"
    with tempfile.NamedTemporaryFile(suffix=".vol") as volume, open_image(image) as media:
        for chunk in media.iter_media(_CHUNK, start=offset_sectors * 512):
            if chunk.count(0) == len(chunk):
                volume.seek(len(chunk), 1)
            else:
                volume.write(chunk)
        volume.truncate()
        volume.flush()
        result = subprocess.run(["fsck.fat", "-n", volume.name], capture_output=True, check=False)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    problems = [
        line
        for line in output.splitlines()
        if line.strip() and not line.startswith(("fsck.fat", volume.name)) and "files" not in line
    ]
    ok = result.returncode == 0 and not problems
    return ok, "; ".join(problems) or f"exit {result.returncode}"


def pytsk3_file_sha256(image: Path, offset_sectors: int, inode: int) -> str | None:
    """SHA-256 of a file's content read through pytsk3 (deleted files included)."""
    import pytsk3

    with open_image(image) as img:
        fs = pytsk3.FS_Info(img.tsk_image, offset=offset_sectors * 512)
        handle = fs.open_meta(inode=inode)
        size = handle.info.meta.size
        digest = hashlib.sha256()
        offset = 0
        while offset < size:
            chunk = handle.read_random(offset, min(_CHUNK, size - offset))
            if not chunk:
                break
            digest.update(chunk)
            offset += len(chunk)
    return digest.hexdigest()
