"""Deterministic random streams.

Every random choice of a variant comes from a stream derived from the variant's
seed and a label naming its purpose ("variables", "action:ledger", ...). Adding an
action to a scenario therefore does not shift the choices of any other action,
and nothing depends on Python's hash seed, the clock or the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import random


def derive_int(seed: int | str, *labels: str, bits: int = 64) -> int:
    """A stable integer derived from a seed and labels (SHA-256 based)."""
    h = hashlib.sha256(str(seed).encode("utf-8"))
    for label in labels:
        h.update(b"\x00")
        h.update(label.encode("utf-8"))
    return int.from_bytes(h.digest(), "big") >> (256 - bits)


def rng_for(seed: int | str, *labels: str) -> random.Random:
    """A ``random.Random`` seeded from a seed and labels; independent per label."""
    return random.Random(derive_int(seed, *labels, bits=128))


def trainee_seed(secret: bytes, trainee_id: str) -> int:
    """A trainee's seed: HMAC of the trainer's secret and the trainee id (63 bits)."""
    digest = hmac.new(secret, trainee_id.encode("utf-8"), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") >> 1
