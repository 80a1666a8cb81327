"""One SSH connection that tries passwords: the shape of a brute-force attempt in a capture.

Banners and key exchange are in clear (curve25519 ECDH, RFC 8731); from NEWKEYS on
every packet is ciphertext of the right size. The sequence is OpenSSH sshd's
(Ubuntu, PAM): EXT_INFO when the client asked for it, SERVICE_ACCEPT, a "none"
request answered with the allowed methods, then each wrong password answered after
PAM's ~2 s failure delay. After MaxAuthTries (6) failures sshd disconnects with
"Too many authentication failures"; a tool gives up earlier with its own DISCONNECT
(hydra's libssh: "Bye Bye"), an OpenSSH client just closes the TCP connection. A
successful login ends the script at USERAUTH_SUCCESS (plus a tool's DISCONNECT); what
a person does next is a session of its own. The caller closes the TCP connection.
"""

from __future__ import annotations

import string as text_characters
from collections.abc import Sequence
from random import Random

from labkit.errors import PayloadValueError
from labkit.evidence.network.protocols import ssh_packets as packets
from labkit.evidence.network.protocols.script import Say, Sender
from labkit.evidence.network.protocols.ssh_implementations import (
    HYDRA_LIBSSH,
    OPENSSH_UBUNTU_SERVER,
    SshImplementation,
    negotiate,
)

MAXIMUM_AUTHENTICATION_TRIES = 6  # sshd_config MaxAuthTries default
DISCONNECT_PROTOCOL_ERROR = 2
DISCONNECT_BY_APPLICATION = 11
_ALLOWED_METHODS = ("publickey", "password")
_PAM_FAILURE_DELAY_US = (1_500_000, 2_500_000)  # pam_unix's 2 s delay, randomised by up to 25 %
_SERVER_SIG_ALGS = (
    "ssh-ed25519,sk-ssh-ed25519@openssh.com,ssh-rsa,rsa-sha2-256,rsa-sha2-512,ssh-dss,ecdsa-sha2-nistp256,"
    "ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,"
    "webauthn-sk-ecdsa-sha2-nistp256@openssh.com"
)


def ssh_login_attempt_session(
    rng: Random,
    *,
    client: SshImplementation = HYDRA_LIBSSH,
    server: SshImplementation = OPENSSH_UBUNTU_SERVER,
    username: str = "root",
    passwords: Sequence[str] | None = None,
    attempts: int = 3,
    success: bool = False,
) -> list[Say]:
    """The connection from banners to its end; the last password succeeds if ``success``.

    ``passwords`` (default: random ones) only size the encrypted requests; their
    text never appears in the output. Marks: ``password`` on each attempt,
    ``auth_failure``/``auth_success`` on the server's verdicts, ``disconnect`` on a
    DISCONNECT message.

    Raises:
        PayloadValueError: attempts outside 1..6 (sshd drops the connection at 6),
            passwords not matching attempts, or algorithms this module cannot frame.
    """
    if not 1 <= attempts <= MAXIMUM_AUTHENTICATION_TRIES:
        raise PayloadValueError(
            f"attempts must be 1..{MAXIMUM_AUTHENTICATION_TRIES} per connection (sshd's MaxAuthTries); "
            "split longer runs over several sessions"
        )
    if passwords is None:
        alphabet = text_characters.ascii_letters + text_characters.digits
        passwords = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(6, 14))) for _ in range(attempts)
        ]
    if len(passwords) != attempts:
        raise PayloadValueError(f"{len(passwords)} passwords given for {attempts} attempts")
    kex = _agreed("key exchange", client.kex, server.kex)
    host_key = _agreed("host key", client.host_key, server.host_key)
    cipher = packets.Cipher.negotiated(
        _agreed("cipher", client.ciphers, server.ciphers), _agreed("MAC", client.macs, server.macs)
    )
    talk = _Conversation(rng, cipher)
    _key_exchange(talk, client, server, kex, host_key)
    talk.encrypted("client", bytes([packets.MSG_SERVICE_REQUEST]) + packets.string("ssh-userauth"), (50, 300))
    if "ext-info-c" in client.kex:
        extensions = [("server-sig-algs", _SERVER_SIG_ALGS), ("publickey-hostbound@openssh.com", "0")]
        talk.encrypted("server", packets.ext_info(extensions), (100, 600))
    talk.encrypted("server", bytes([packets.MSG_SERVICE_ACCEPT]) + packets.string("ssh-userauth"), (50, 300))
    talk.encrypted("client", packets.userauth_request(username, "none"), (100, 800))
    talk.encrypted("server", packets.userauth_failure(_ALLOWED_METHODS), (200, 2_000))
    if _password_attempts(talk, client, username, passwords, success) and client.goodbye is not None:
        goodbye = packets.disconnect(DISCONNECT_BY_APPLICATION, client.goodbye)
        talk.encrypted("client", goodbye, (200, 2_000), "disconnect")
    return talk.says


def _key_exchange(
    talk: _Conversation, client: SshImplementation, server: SshImplementation, kex: str, host_key: str
) -> None:
    """Banners, both KEXINITs, ECDH init and reply (with NEWKEYS in the same write), client NEWKEYS."""
    rng = talk.rng
    talk.clear("server", (server.banner + "\r\n").encode("ascii"), (1_000, 5_000))
    talk.clear("client", (client.banner + "\r\n").encode("ascii"), (200, 2_000))
    talk.packet("client", _kexinit(rng, client), (100, 600))
    talk.packet("server", _kexinit(rng, server), (100, 1_000))
    client_key = packets.string(packets.ecdh_public_key(kex, rng))
    talk.packet("client", bytes([packets.MSG_KEX_ECDH_INIT]) + client_key, (100, 600))
    reply = bytes([packets.MSG_KEX_ECDH_REPLY]) + packets.string(packets.host_key_blob(host_key, rng))
    reply += packets.string(packets.ecdh_public_key(kex, rng))
    reply += packets.string(packets.signature_blob(host_key, rng))
    newkeys = packets.plain_packet(bytes([packets.MSG_NEWKEYS]), rng)
    talk.clear("server", packets.plain_packet(reply, rng) + newkeys, (800, 3_000))
    talk.packet("client", bytes([packets.MSG_NEWKEYS]), (300, 3_000))


def _password_attempts(
    talk: _Conversation, client: SshImplementation, username: str, passwords: Sequence[str], success: bool
) -> bool:
    """Each password and the server's verdict; False if sshd ended the connection (MaxAuthTries)."""
    typing = (2_000_000, 7_000_000) if client.interactive else (300, 3_000)
    for index, password in enumerate(passwords):
        talk.encrypted("client", packets.userauth_request(username, "password", password), typing, "password")
        if success and index == len(passwords) - 1:
            talk.encrypted("server", bytes([packets.MSG_USERAUTH_SUCCESS]), (20_000, 90_000), "auth_success")
        elif index + 1 == MAXIMUM_AUTHENTICATION_TRIES:
            goodbye = packets.disconnect(DISCONNECT_PROTOCOL_ERROR, "Too many authentication failures")
            talk.encrypted("server", goodbye, _PAM_FAILURE_DELAY_US, "disconnect")
            return False
        else:
            failure = packets.userauth_failure(_ALLOWED_METHODS)
            talk.encrypted("server", failure, _PAM_FAILURE_DELAY_US, "auth_failure")
    return True


def _kexinit(rng: Random, side: SshImplementation) -> bytes:
    return packets.kexinit(rng, side.kex, side.host_key, side.ciphers, side.macs, side.compression)


def _agreed(what: str, client: tuple[str, ...], server: tuple[str, ...]) -> str:
    agreed = negotiate(client, server)
    if agreed is None:
        raise PayloadValueError(f"SSH client and server share no {what} algorithm")
    return agreed


class _Conversation:
    def __init__(self, rng: Random, cipher: packets.Cipher) -> None:
        self.rng = rng
        self.cipher = cipher
        self.says: list[Say] = []

    def clear(self, sender: Sender, data: bytes, think: tuple[int, int], mark: str | None = None) -> None:
        self.says.append(Say(sender, data, self.rng.randint(*think), mark))

    def packet(self, sender: Sender, payload: bytes, think: tuple[int, int]) -> None:
        self.clear(sender, packets.plain_packet(payload, self.rng), think)

    def encrypted(
        self, sender: Sender, payload: bytes, think: tuple[int, int], mark: str | None = None
    ) -> None:
        self.clear(sender, packets.encrypted_packet(payload, self.cipher, self.rng), think, mark)
