"""A glibc 2.35 main-arena heap as a process leaves it: the tcache_perthread_struct first, then
chunks in allocation order, freed chunks with their tcache pointer mangled into the first bytes,
and the top chunk. Bash's history (HIST_ENTRY {line, timestamp, data}) is allocated the way bash
does it, between the parser's word copies and the command hash table, so it never forms a block."""

from __future__ import annotations

import random
import shlex
import struct
from datetime import datetime

from labkit.evidence.memory.clock import epoch_ns

TCACHE_CHUNK = 0x290
PREV_INUSE = 1
BASH_BUILTINS = frozenset(
    "cd history echo export exit source . alias unalias unset set pwd type read jobs fg bg wait umask "
    "ulimit test [ true false printf eval exec let local declare builtin command hash help logout popd "
    "pushd dirs".split()
)


class GlibcHeap:
    """Chunks laid out from ``start`` (the process's start_brk)."""

    def __init__(self, start: int, rng: random.Random) -> None:
        self.start = start
        self.data = bytearray()
        self._rng = rng
        self._tcache_key = rng.getrandbits(64)
        self._bins: dict[int, list[int]] = {}  # chunk size -> freed chunks (tcache reuses the latest first)
        self._chunk(TCACHE_CHUNK, bytes(TCACHE_CHUNK - 16))

    def _chunk(self, size: int, payload: bytes) -> int:
        chunk = self.start + len(self.data)
        self.data += struct.pack("<QQ", 0, size | PREV_INUSE)
        self.data += payload.ljust(size - 16, b"\0")
        return chunk + 16

    def malloc(self, payload: bytes, request: int | None = None, reuse: bool = True) -> int:
        """Allocate like glibc: a freed chunk of the same size first (newest first), else the top."""
        request = max(len(payload), request or 0)
        size = max(32, (request + 8 + 15) & ~15)
        freed = self._bins.get(size)
        if reuse and freed:
            address = freed.pop()
            offset = address - self.start
            self.data[offset : offset + len(payload)] = payload
            if (
                len(payload) < 16
            ):  # the old tcache pointer bytes behind a short string are cleared by strcpy's NUL
                self.data[offset + len(payload) : offset + 16] = bytes(16 - len(payload))
            return address
        return self._chunk(size, payload)

    def string(self, text: str) -> int:
        return self.malloc(text.encode() + b"\0")

    def freed(self, payload: bytes) -> int:
        """A chunk allocated and freed again: tcache stores a mangled next pointer and its key in
        the first 16 bytes, the rest keeps the old contents; a later malloc of that size reuses it."""
        size = max(32, (len(payload) + 8 + 15) & ~15)
        address = self._chunk(size, payload)
        offset = address - self.start
        next_pointer = self._rng.choice((0, self.start + self._rng.randrange(0x300, max(0x301, offset), 16)))
        mangled = (address >> 12) ^ next_pointer
        self.data[offset : offset + 16] = struct.pack("<QQ", mangled, self._tcache_key)
        self._bins.setdefault(size, []).append(address)
        return address

    def pointers(self, values: list[int]) -> int:
        return self.malloc(struct.pack(f"<{len(values)}Q", *values))

    def finish(self, size: int) -> bytes:
        """The heap's bytes with the top chunk covering the rest of ``size``."""
        used = len(self.data)
        if used + 32 > size:
            raise ValueError("heap larger than its mapping")
        return bytes(self.data + struct.pack("<QQ", 0, (size - used) | PREV_INUSE))


def bash_heap(
    heap: GlibcHeap,
    env: list[str],
    history: list[tuple[datetime, str]],
    extras: list[bytes],
    rng: random.Random,
) -> None:
    """Fill ``heap`` the way an interactive bash does: its variables, then one command at a time."""
    for entry in env:
        name, _, value = entry.partition("=")
        name_address, value_address = heap.string(name), heap.string(value)
        heap.malloc(struct.pack("<QQQQQii", name_address, value_address, 0, 0, 0, 0x1, 0))  # SHELL_VAR
        heap.malloc(struct.pack("<QQQiI", 0, name_address, 0, rng.getrandbits(31), 0))  # BUCKET_CONTENTS
    for alias, value in (
        ("ls", "ls --color=auto"),
        ("grep", "grep --color=auto"),
        ("ll", "ls -alF"),
        ("la", "ls -A"),
        ("l", "ls -CF"),
    ):
        heap.string(alias)
        heap.string(value)
    pending = list(extras)
    entries = []
    hashed: set[str] = set()
    for when, line in history:
        words = _words(line)
        for word in words[:6]:  # the parser's WORD_DESC copies, freed once the command ran
            heap.freed(word.encode() + b"\0")
        line_address = heap.string(line)
        stamp_address = heap.string(f"#{epoch_ns(when) // 1_000_000_000}")
        # HIST_ENTRY never reuses a hole here, so entries lie in history order (volatility keeps that
        # order for entries with the same second)
        entries.append(heap.malloc(struct.pack("<QQQ", line_address, stamp_address, 0), reuse=False))
        command = (words or [""])[0]
        if command and "/" not in command and command not in BASH_BUILTINS | hashed and rng.random() < 0.7:
            hashed.add(command)
            heap.string(f"/usr/bin/{command}")
        for entry in rng.sample(
            env, min(len(env), rng.randrange(2, 6))
        ):  # the export environment of the child
            if rng.random() < 0.6:
                heap.freed(entry.encode() + b"\0")
            else:
                heap.string(entry)
        if pending and rng.random() < 0.5:
            heap.malloc(pending.pop(0))
    for extra in pending:
        heap.malloc(extra)
    capacity = max(50, (len(entries) + 49) // 50 * 50)
    heap.pointers(entries + [0] * (capacity + 1 - len(entries)))  # the_history, NULL terminated


def generic_heap(
    heap: GlibcHeap, env: list[str], extras: list[bytes], filler: list[bytes], rng: random.Random
) -> None:
    """Any other program: a copy of part of its environment, its own data and unrelated chunks."""
    for entry in env[: rng.randrange(0, len(env) + 1)]:
        heap.string(entry)
    pool = list(filler)
    for extra in extras:
        for _ in range(rng.randrange(0, 3)):
            if pool:
                heap.malloc(pool.pop(rng.randrange(len(pool))))
        heap.malloc(extra)
    for chunk in pool:
        (heap.freed if rng.random() < 0.3 else heap.malloc)(chunk)


def _words(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError:
        return line.split()
