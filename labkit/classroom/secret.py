"""The trainer's class secret: the one thing that turns a trainee id into that trainee's seed.

Every trainee's seed is HMAC(secret, id), so whoever holds the secret and the
roster can regenerate every key of the class; whoever lacks it cannot, even
knowing every trainee id. The secret is therefore kept by the trainer only (never
in the class folder: ``class.json`` holds no seed either) and must be hard to
guess: :func:`write_secret` (``labkit class secret FILE``) writes 32 random bytes.

A secret typed by hand ("password", "academy2026") is refused: with the
scenario public and ids printed on answer sheets, a trainee could try such
secrets one by one until a regenerated case matches their own evidence. A long
random text (``openssl rand -hex 32``) is accepted; its bytes are used exactly as
stored, trailing newline included, so the same file always gives the same seeds.
"""

from __future__ import annotations

import math
import os
import secrets
import stat
from collections import Counter
from pathlib import Path

from labkit.bounded_read import ReadProblem, read_bounded
from labkit.errors import OutputExistsError, UsageError

MIN_SECRET_BYTES = 16
#: A text secret must carry at least this much estimated entropy (bits), like 16 random bytes would.
MIN_TEXT_BITS = 128
SECRET_BYTES = 32
MAX_SECRET_BYTES = 64 * 1024
_MAKE_ONE = "create one with 'labkit class secret FILE'"


class SecretError(UsageError):
    """The secret file is missing, unreadable or too weak to keep seeds unguessable."""


def load_secret(path: str | Path) -> bytes:
    """The secret's bytes, exactly as stored.

    Raises:
        SecretError: no such file, not a regular file, shorter than 16 bytes, or guessable text.
    """
    path = Path(path)
    try:
        data = read_bounded(path, MAX_SECRET_BYTES)
    except ReadProblem as problem:
        raise SecretError(f"{path}: secret file: {problem.message}; {problem.hint} or {_MAKE_ONE}") from None
    if len(data) < MIN_SECRET_BYTES:
        raise SecretError(
            f"{path}: secret file holds {len(data)} bytes, fewer than {MIN_SECRET_BYTES}; {_MAKE_ONE}"
        )
    if len(set(data)) < 8:
        raise SecretError(
            f"{path}: secret file repeats a few byte values only, so it is guessable; {_MAKE_ONE}"
        )
    bits = text_entropy_bits(data)
    if bits is not None and bits < MIN_TEXT_BITS:
        raise SecretError(
            f"{path}: secret file is a text that could be guessed (about {bits:.0f} bits by its letters, "
            f"{MIN_TEXT_BITS} needed); {_MAKE_ONE} (or 'openssl rand -hex 32 > FILE')"
        )
    return data


def text_entropy_bits(data: bytes) -> float | None:
    """An estimate of a text secret's entropy in bits; None when ``data`` is not text.

    Length times the Shannon entropy of the text's own character frequencies: a
    random hex or base64 string of 32 bytes scores far above 128 bits, while words,
    names and dates (few distinct letters, repeated) score well below it. It is a
    screen against typed secrets, not a proof of randomness: ``labkit class secret``
    is the way to make one.
    """
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not text or not all(c.isprintable() or c.isspace() for c in text):
        return None
    counts = Counter(text)
    per_char = -sum(n / len(text) * math.log2(n / len(text)) for n in counts.values())
    return len(text) * per_char


def write_secret(path: str | Path) -> Path:
    """Write 32 random bytes to a new file readable by its owner only (mode 0600).

    The file is created exclusively (``O_EXCL``), so an existing secret, which
    the keys of a past class depend on, is never overwritten, not even by a race.
    On any failure the half-written file is removed.

    Raises:
        OutputExistsError: the file exists.
        SecretError: the folder is missing or not writable.
    """
    path = Path(path)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError:
        raise OutputExistsError(
            f"{path}: exists; a secret is never overwritten (the keys of its class depend on it); "
            "choose another file name"
        ) from None
    except OSError as exc:
        raise SecretError(
            f"{path}: cannot create the secret file: {exc.strerror}; check the folder"
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(SECRET_BYTES))
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def readable_by_others(path: str | Path) -> bool:
    """True when the secret file's mode lets the group or others read it (POSIX only)."""
    if os.name != "posix":
        return False
    try:
        return bool(os.stat(path).st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False
