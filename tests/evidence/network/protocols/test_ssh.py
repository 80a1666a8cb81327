"""SSH login attempts: tshark's view of banners, key exchange and encrypted packets; packet framing."""

from __future__ import annotations

import struct
from dataclasses import replace
from pathlib import Path
from random import Random

import pytest
from protocol_captures import columns, expert_problems, fields, tcp_capture

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols.script import marked
from labkit.evidence.network.protocols.ssh import ssh_login_attempt_session
from labkit.evidence.network.protocols.ssh_implementations import (
    HYDRA_LIBSSH,
    LIBSSH2,
    OPENSSH_UBUNTU_CLIENT,
    OPENSSH_UBUNTU_SERVER,
    SshImplementation,
)
from labkit.evidence.network.protocols.ssh_packets import Cipher, encrypted_packet, plain_packet


@pytest.mark.parametrize(
    ("client", "host_key"),
    [(HYDRA_LIBSSH, "ssh-ed25519"), (OPENSSH_UBUNTU_CLIENT, "ssh-ed25519"), (LIBSSH2, "ecdsa-sha2-nistp256")],
    ids=["hydra", "openssh", "libssh2"],
)
def test_tshark_dissects_a_failed_brute_force_connection(
    client: SshImplementation, host_key: str, tmp_path: Path
) -> None:
    steps = ssh_login_attempt_session(Random(3), client=client, attempts=3)
    capture = tcp_capture(tmp_path / "ssh.pcap", steps, server_port=22)
    assert expert_problems(capture) == []
    names = (
        "ssh.protocol",
        "ssh.message_code",
        "ssh.host_key.type",
        "ssh.host_sig.type",
        "ssh.kex_algorithms",
    )
    seen = columns(capture, *names)
    assert seen["ssh.protocol"] == [OPENSSH_UBUNTU_SERVER.banner, client.banner]
    assert seen["ssh.message_code"] == ["20", "20", "30", "31", "21", "21"]
    assert seen["ssh.host_key.type"] == seen["ssh.host_sig.type"] == [host_key]
    assert seen["ssh.kex_algorithms"] == [",".join(client.kex), ",".join(OPENSSH_UBUNTU_SERVER.kex)]
    rows = fields(capture, "frame.number", "ssh.message_code", "tcp.len", display_filter="ssh")
    newkeys = max(int(number) for number, code, _ in rows if code.endswith("21"))
    encrypted = [number for number, _, length in rows if int(number) > newkeys and int(length) > 0]
    assert len(encrypted) == len(steps) - 7  # every write after both NEWKEYS


def test_plain_packets_are_framed_per_rfc_4253() -> None:
    for size in range(0, 40):
        packet = plain_packet(bytes(size), Random(size))
        packet_length, padding = struct.unpack_from(">IB", packet)
        assert len(packet) == 4 + packet_length and len(packet) % 8 == 0
        assert 4 <= padding < 4 + 8 and packet_length == 1 + size + padding


def test_encrypted_sizes_follow_the_negotiated_cipher() -> None:
    chacha = Cipher.negotiated("chacha20-poly1305@openssh.com", "umac-64-etm@openssh.com")
    ctr = Cipher.negotiated("aes128-ctr", "hmac-sha2-256")
    etm = Cipher.negotiated("aes256-ctr", "hmac-sha2-512-etm@openssh.com")
    assert len(encrypted_packet(bytes(17), chacha, Random(1))) == 4 + 24 + 16
    assert len(encrypted_packet(bytes(17), ctr, Random(1))) == 32 + 32
    packet = encrypted_packet(bytes(17), etm, Random(1))
    assert struct.unpack_from(">I", packet)[0] == 32 and len(packet) == 4 + 32 + 64


def test_password_length_shows_in_ciphertext_length() -> None:
    def attempt_sizes(password: str) -> int:
        steps = ssh_login_attempt_session(Random(1), passwords=[password], attempts=1)
        return len(marked(steps, "password")[0].data)

    assert attempt_sizes("a" * 30) > attempt_sizes("a")


def test_session_endings() -> None:
    hydra = ssh_login_attempt_session(Random(2), attempts=2)
    assert [step.mark for step in hydra if step.mark] == [
        "password",
        "auth_failure",
        "password",
        "auth_failure",
        "disconnect",
    ]
    assert hydra[-1].sender == "client"
    person = ssh_login_attempt_session(Random(2), client=OPENSSH_UBUNTU_CLIENT, attempts=3)
    assert person[-1].mark == "auth_failure"  # an OpenSSH client closes TCP without a DISCONNECT
    assert all(step.think_us >= 2_000_000 for step in marked(person, "password"))
    maxed = ssh_login_attempt_session(Random(2), attempts=6)
    assert maxed[-1].sender == "server" and maxed[-1].mark == "disconnect"
    assert len(marked(maxed, "auth_failure")) == 5
    success = ssh_login_attempt_session(Random(2), attempts=2, success=True)
    assert [step.mark for step in success if step.mark][-2:] == ["auth_success", "disconnect"]


def test_failures_wait_for_pam() -> None:
    steps = ssh_login_attempt_session(Random(5), attempts=3)
    assert all(1_500_000 <= step.think_us <= 2_500_000 for step in marked(steps, "auth_failure"))


def test_deterministic_and_validated() -> None:
    assert ssh_login_attempt_session(Random(9)) == ssh_login_attempt_session(Random(9))
    with pytest.raises(PayloadValueError, match="MaxAuthTries"):
        ssh_login_attempt_session(Random(1), attempts=7)
    with pytest.raises(PayloadValueError, match="passwords"):
        ssh_login_attempt_session(Random(1), attempts=2, passwords=["x"])
    with pytest.raises(PayloadValueError, match="share no cipher"):
        ssh_login_attempt_session(Random(1), client=replace(HYDRA_LIBSSH, ciphers=("3des-cbc",)))
