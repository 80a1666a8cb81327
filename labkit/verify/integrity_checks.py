"""Whole-lab checks: the manifest holds, nothing secret is in the case folder, E01 checksums hold."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from labkit.casefile.manifest import MANIFEST_NAME
from labkit.hashing import hash_file

#: Files of a case folder that are not in its manifest on purpose (the trainee edits the answer sheet).
UNHASHED = {MANIFEST_NAME, "answers.yaml"}
SECRET_FILES = {"key.json", "facts.json"}


def check_manifest(case_dir: Path) -> tuple[bool, str]:
    """Every file listed hashes as listed, and every file is listed (``sha256sum -c`` and more)."""
    manifest = case_dir / MANIFEST_NAME
    if not manifest.is_file():
        return False, f"{MANIFEST_NAME} is missing"
    listed: dict[str, str] = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(case_dir).as_posix() for p in case_dir.rglob("*") if p.is_file()} - UNHASHED
    problems = [f"unlisted file {name}" for name in sorted(present - set(listed))]
    problems += [f"missing file {name}" for name in sorted(set(listed) - present)]
    for name in sorted(present & set(listed)):
        if hash_file(case_dir / name, ("sha256",))["sha256"] != listed[name]:
            problems.append(f"{name} does not match its SHA-256")
    return not problems, "; ".join(problems) or f"{len(listed)} files match"


def check_no_secrets(case_dir: Path, seed: object) -> tuple[bool, str]:
    """No key, fact file or seed anywhere a trainee can read it (outside the evidence itself)."""
    problems = [
        f"{p.relative_to(case_dir)} must not be in the case folder"
        for p in case_dir.rglob("*")
        if p.name in SECRET_FILES
    ]
    seed_text = str(seed)
    if len(seed_text) >= 6:  # shorter seeds occur by chance in any text; they are weak anyway
        for path in case_dir.rglob("*"):
            if path.is_file() and "evidence" not in path.relative_to(case_dir).parts:
                if seed_text.encode() in path.read_bytes():
                    problems.append(f"{path.relative_to(case_dir)} contains the seed")
    return not problems, "; ".join(problems) or "no key, facts or seed"


def check_ewf(image: Path) -> tuple[bool, str]:
    """``ewfverify``: every chunk checksum and the stored MD5 hold."""
    if image.suffix.upper() != ".E01":
        return True, "raw image (no checksums to verify)"
    if not shutil.which("ewfverify"):
        return False, "ewfverify is not installed (Debian package ewf-tools)"
    result = subprocess.run(["ewfverify", "-q", str(image)], capture_output=True, check=False, timeout=3600)
    output = (result.stdout + result.stderr).decode("utf-8", "replace")
    if result.returncode == 0 and "SUCCESS" in output:
        return True, "ewfverify: SUCCESS"
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return False, "ewfverify: " + (lines[-1] if lines else f"exit {result.returncode}")
