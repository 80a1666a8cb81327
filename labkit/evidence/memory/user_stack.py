"""A process's initial stack as execve() leaves it (fs/exec.c and create_elf_tables()): the file
name at the very top, environment strings below it, argument strings below those, then the
platform string, AT_RANDOM bytes, and argc, argv[], envp[] and the auxiliary vector at the stack
pointer. mm->arg_start..env_end point at the strings, which psaux and envars read."""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass

AT_NULL, AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_BASE, AT_FLAGS, AT_ENTRY = 0, 3, 4, 5, 6, 7, 8, 9
AT_UID, AT_EUID, AT_GID, AT_EGID, AT_PLATFORM, AT_HWCAP, AT_CLKTCK = 11, 12, 13, 14, 15, 16, 17
AT_SECURE, AT_RANDOM, AT_HWCAP2, AT_EXECFN, AT_SYSINFO_EHDR, AT_MINSIGSTKSZ = 23, 25, 26, 31, 33, 51


@dataclass(frozen=True)
class InitialStack:
    start: int  # lowest address written (the stack pointer at entry)
    data: bytes
    arg_start: int
    arg_end: int
    env_start: int
    env_end: int
    auxv: tuple[tuple[int, int], ...]


def build_initial_stack(
    stack_end: int,
    argv: list[str],
    env: list[str],
    execfn: str,
    ids: tuple[int, int, int, int],
    vdso: int,
    exe_base: int,
    interpreter_base: int,
    entry: int,
    rng: random.Random,
) -> InitialStack:
    top = stack_end - 8  # bprm->p starts one pointer below the end
    strings: list[tuple[int, bytes]] = []

    def push(data: bytes) -> int:
        nonlocal top
        top -= len(data)
        strings.append((top, data))
        return top

    execfn_address = push(execfn.encode() + b"\0")
    env_addresses = _push_all(push, env)
    env_start = env_addresses[0] if env_addresses else top
    env_end = execfn_address
    arg_addresses = _push_all(push, argv)
    arg_start = arg_addresses[0] if arg_addresses else top

    top -= rng.randrange(0, 8192)  # arch_align_stack()
    top &= ~0xF
    platform = push(b"x86_64\0")
    at_random = push(rng.randbytes(16))
    uid, gid, euid, egid = ids
    auxv = (
        (AT_SYSINFO_EHDR, vdso),
        (AT_MINSIGSTKSZ, 0xD30),
        (AT_HWCAP, 0x178BFBFF),
        (AT_PAGESZ, 4096),
        (AT_CLKTCK, 100),
        (AT_PHDR, exe_base + 64),
        (AT_PHENT, 56),
        (AT_PHNUM, 13),
        (AT_BASE, interpreter_base),
        (AT_FLAGS, 0),
        (AT_ENTRY, entry),
        (AT_UID, uid),
        (AT_EUID, euid),
        (AT_GID, gid),
        (AT_EGID, egid),
        (AT_SECURE, 0),
        (AT_RANDOM, at_random),
        (AT_HWCAP2, 2),
        (AT_EXECFN, execfn_address),
        (AT_PLATFORM, platform),
        (AT_NULL, 0),
    )
    vector = [len(argv), *arg_addresses, 0, *env_addresses, 0]
    for key, value in auxv:
        vector += [key, value]
    stack_pointer = (top - len(vector) * 8) & ~0xF
    image = bytearray(stack_end - stack_pointer)
    image[: len(vector) * 8] = struct.pack(f"<{len(vector)}Q", *vector)
    for address, data in strings:
        image[address - stack_pointer : address - stack_pointer + len(data)] = data
    return InitialStack(stack_pointer, bytes(image), arg_start, env_start, env_start, env_end, auxv)


def _push_all(push: Callable[[bytes], int], texts: list[str]) -> list[int]:
    """Strings copied last-first so that they lie in order in memory; returns their addresses."""
    addresses = [push(text.encode() + b"\0") for text in reversed(texts)]
    return list(reversed(addresses))
