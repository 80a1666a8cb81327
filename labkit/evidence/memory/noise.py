"""Realistic filler for RAM that holds nothing the scenario planted: page-cache text, library and
kernel code, freed kernel objects, old process heaps, compressed data. Built once per image as a
few seeded pools; pages are slices of them, so a gigabyte costs memcpy time, not Python time."""

from __future__ import annotations

import random
import re
import struct
from datetime import UTC, datetime, timedelta

from labkit.evidence.memory import noise_text
from labkit.evidence.memory.address_space import KernelLayout
from labkit.evidence.memory.kernel_symbols import link_map
from labkit.evidence.memory.physical import PAGE_SIZE

POOL_SIZE = 1 << 20
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
KINDS = ("text", "code", "kernel_objects", "user_data", "entropy", "text")


class NoisePools:
    def __init__(self, rng: random.Random, layout: KernelLayout, hostname: str, boot: datetime) -> None:
        self._rng = rng
        self.layout = layout
        self.hostname = hostname or "localhost"
        self.boot = boot.astimezone(UTC)
        self.pools = {
            "text": self._text_pool(),
            "code": self._code_pool(),
            "kernel_objects": self._word_pool(kernel=True),
            "user_data": self._word_pool(kernel=False),
            "entropy": rng.randbytes(POOL_SIZE + PAGE_SIZE * 64),
            "kernel_strings": self._kernel_strings_pool(),
        }

    def slice(self, kind: str, length: int, rng: random.Random) -> bytes:
        pool = self.pools[kind]
        if length > len(pool) - PAGE_SIZE:
            return b"".join(
                self.slice(kind, min(length - done, POOL_SIZE // 2), rng)
                for done in range(0, length, POOL_SIZE // 2)
            )
        start = rng.randrange(0, len(pool) - length) & ~0xF
        return pool[start : start + length]

    def pages(self, count: int, rng: random.Random) -> bytes:
        """A run of free pages with one kind of stale content; text runs sometimes end early."""
        kind = rng.choice(KINDS)
        data = self.slice(kind, count * PAGE_SIZE, rng)
        if kind == "text" and rng.random() < 0.35:
            cut = rng.randrange(64, PAGE_SIZE)
            return data[: len(data) - PAGE_SIZE + cut] + bytes(PAGE_SIZE - cut)
        return data

    # -- pools -------------------------------------------------------------------------------
    def _fill(self, template: str) -> str:
        rng = self._rng
        moment = self.boot - timedelta(seconds=rng.randrange(0, 30 * 86400))
        makers = {
            "date": lambda: f"{_MONTHS[moment.month - 1]} {moment.day:2d} {moment:%H:%M:%S}",
            "host": lambda: self.hostname,
            "unit": lambda: rng.choice(noise_text.UNITS),
            "pid": lambda: str(rng.randrange(300, 60000)),
            "number": lambda: str(rng.randrange(1, 99999)),
            "user": lambda: rng.choice(("ubuntu", "admin", "deploy", "backup")),
            "octet": lambda: str(rng.randrange(1, 255)),
            "hex8": lambda: f"{rng.getrandbits(32):08x}",
            "uptime": lambda: f"{rng.randrange(1, 9999):5d}.{rng.randrange(10**6):06d}",
            "epoch": lambda: str(int(moment.timestamp())),
            "millis": lambda: f"{rng.randrange(1000):03d}",
            "word": lambda: rng.choice(noise_text.WORDS),
            "clf": lambda: f"{moment.day:02d}/{_MONTHS[moment.month - 1]}/{moment:%Y:%H:%M:%S} +0000",
            "ext": lambda: rng.choice(noise_text.EXTENSIONS),
            "status": lambda: rng.choice(("200", "200", "200", "304", "404", "301", "500")),
            "isodate": lambda: moment.strftime("%Y-%m-%d %H:%M:%S"),
            "uid": lambda: str(rng.randrange(100, 2000)),
            "version": lambda: (
                f"{rng.randrange(1, 9)}.{rng.randrange(40)}-{rng.randrange(1, 9)}ubuntu{rng.randrange(1, 4)}"
            ),
        }
        return _PLACEHOLDER.sub(lambda match: makers[match[1]](), template)

    def _text_pool(self) -> bytes:
        rng, parts, size = self._rng, [], 0
        sources = (noise_text.LOG_LINES, noise_text.CONFIG_LINES, noise_text.CODE_LINES)
        while size < POOL_SIZE + PAGE_SIZE * 64:
            block = rng.choice(sources)
            for _ in range(rng.randrange(8, 60)):
                line = self._fill(rng.choice(block)) + "\n"
                parts.append(line)
                size += len(line)
        return "".join(parts).encode()

    def _kernel_strings_pool(self) -> bytes:
        rng, parts, size = self._rng, [], 0
        while size < POOL_SIZE // 4:
            text = rng.choice(noise_text.KERNEL_STRINGS).encode() + b"\0"
            parts.append(text + bytes(rng.choice((0, 0, 1, 3, 7))))
            size += len(parts[-1])
        return b"".join(parts)

    def _code_pool(self) -> bytes:
        rng = self._rng
        functions = [self._function() for _ in range(600)]
        out, size = [], 0
        while size < POOL_SIZE + PAGE_SIZE * 64:
            body = rng.choice(functions)
            pad = (-len(body)) % 16
            out.append(
                body
                + (
                    b"\xcc" * pad
                    if rng.random() < 0.6
                    else b"\x66\x0f\x1f\x44\x00\x00\x90\x90"[:pad].ljust(pad, b"\x90")
                )
            )
            size += len(out[-1])
        return b"".join(out)

    def _function(self) -> bytes:
        rng = self._rng
        code = bytearray(b"\xf3\x0f\x1e\xfa\x55\x48\x89\xe5")
        code += rng.choice((b"\x41\x57\x41\x56", b"\x41\x54\x53", b"\x53", b""))
        code += b"\x48\x83\xec" + bytes([rng.randrange(8, 0x80, 8)])
        for _ in range(rng.randrange(6, 60)):
            code += rng.choice(_INSTRUCTIONS)(rng)
        code += rng.choice((b"\x5b\x5d\xc3", b"\xc9\xc3", b"\x41\x5c\x5d\xc3", b"\x5d\xc3"))
        return bytes(code)

    def _word_pool(self, kernel: bool) -> bytes:
        rng, words = self._rng, []
        if kernel:
            base, span = self.layout.page_offset_base, self.layout.ram_size
            functions = [self.layout.symbol(symbol.name) for symbol in link_map().functions()]
        else:
            base, span = 0x55A000000000 + rng.randrange(1 << 30) * PAGE_SIZE, 1 << 24
            functions = [
                0x7F0000000000 + rng.randrange(1 << 27) * PAGE_SIZE + rng.randrange(0, 1 << 20, 16)
                for _ in range(64)
            ]
        for _ in range((POOL_SIZE + PAGE_SIZE * 64) // 8):
            roll = rng.random()
            if roll < 0.42:
                words.append(0)
            elif roll < 0.70:
                words.append(base + rng.randrange(0, span, 8))
            elif roll < 0.78:
                words.append(rng.choice(functions) + rng.randrange(0, 0x400))
            elif roll < 0.92:
                words.append(rng.randrange(0, 1 << rng.choice((8, 16, 32))))
            else:
                words.append(
                    int.from_bytes(rng.choice(noise_text.WORDS).encode()[:8].ljust(8, b"\0"), "little")
                )
        return struct.pack(f"<{len(words)}Q", *words)


def _imm8(rng: random.Random) -> bytes:
    return bytes([rng.randrange(256)])


def _rel32(rng: random.Random) -> bytes:
    return struct.pack("<i", rng.randrange(-0x200000, 0x200000))


_INSTRUCTIONS = (
    lambda rng: b"\x48\x8b\x45" + _imm8(rng),
    lambda rng: b"\x48\x89\x7d" + _imm8(rng),
    lambda rng: b"\x8b\x45" + _imm8(rng),
    lambda rng: b"\x89\xc7",
    lambda rng: b"\x48\x89\xc6",
    lambda rng: b"\xe8" + _rel32(rng),
    lambda rng: b"\xe8" + _rel32(rng),
    lambda rng: b"\x74" + _imm8(rng),
    lambda rng: b"\x75" + _imm8(rng),
    lambda rng: b"\xeb" + _imm8(rng),
    lambda rng: b"\x0f\x84" + _rel32(rng),
    lambda rng: b"\x48\x85\xc0",
    lambda rng: b"\x85\xc0",
    lambda rng: b"\x83\xf8" + _imm8(rng),
    lambda rng: b"\x48\x8d\x05" + _rel32(rng),
    lambda rng: b"\x48\x8d\x3d" + _rel32(rng),
    lambda rng: b"\x31\xc0",
    lambda rng: b"\xb8" + struct.pack("<I", rng.randrange(0, 0x1000)),
    lambda rng: b"\x48\x8b\x3d" + _rel32(rng),
    lambda rng: b"\x4c\x89\xe7",
    lambda rng: b"\x41\xb8" + struct.pack("<I", rng.randrange(0, 64)),
    lambda rng: b"\x0f\xb6\x45" + _imm8(rng),
    lambda rng: b"\x48\x39\xc3",
    lambda rng: b"\x48\x83\xc4" + _imm8(rng),
)
