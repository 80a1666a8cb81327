"""Reading a connect-back stager's target out of the bytes malfind shows, by hand as an examiner does.

x86-64 Linux shellcode that connects out builds its ``struct sockaddr_in`` in one
register: ``48 b9`` is ``movabs rcx, imm64``, and the eight bytes that follow are the
structure as it will lie on the stack: ``02 00`` (AF_INET, little-endian), the port
(big-endian, network order) and the IPv4 address. Its system calls are
``push imm8; pop rax; ... syscall`` (``6a NN 58 ... 0f 05``): 41 socket, 42 connect,
33 dup2, 59 execve. No disassembler is needed for either.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

#: ``movabs r64, imm64`` (REX.W + B8+r) whose immediate starts with AF_INET in little-endian.
_SOCKADDR_IN = re.compile(rb"[\x48\x49][\xb8-\xbf]\x02\x00(.{2})(.{4})", re.DOTALL)
_SYSCALL_NUMBER = re.compile(rb"\x6a(.)\x58", re.DOTALL)  # push imm8; pop rax
_SYSCALL = b"\x0f\x05"
SYSCALL_NAMES = {0: "read", 1: "write", 33: "dup2", 41: "socket", 42: "connect", 43: "accept",
                 49: "bind", 50: "listen", 57: "fork", 59: "execve", 60: "exit"}  # fmt: skip


@dataclass(frozen=True)
class ConnectTarget:
    """The address and port a stager's sockaddr_in names, and where in the bytes it was read."""

    address: str
    port: int
    offset: int  # of the ``48 b9`` instruction
    instruction: bytes  # the ten bytes: opcode and sockaddr_in

    @property
    def instruction_hex(self) -> str:
        return self.instruction.hex(" ")


def connect_target(code: bytes) -> ConnectTarget | None:
    """The first ``movabs reg, sockaddr_in{AF_INET, port, address}`` in ``code`` (None: there is none)."""
    match = _SOCKADDR_IN.search(code)
    if match is None:
        return None
    port = int.from_bytes(match.group(1), "big")
    address = str(ipaddress.IPv4Address(match.group(2)))
    return ConnectTarget(address, port, match.start(), match.group(0))


def system_calls(code: bytes) -> list[str]:
    """The system calls made, in order: the number last pushed into rax before each ``syscall``."""
    calls: list[str] = []
    start = 0
    while (end := code.find(_SYSCALL, start)) >= 0:
        numbers = _SYSCALL_NUMBER.findall(code, start, end)
        if numbers:
            number = numbers[-1][0]
            calls.append(SYSCALL_NAMES.get(number, f"syscall {number}"))
        start = end + len(_SYSCALL)
    return calls
