"""SSH implementations by what they announce: version banner and KEXINIT algorithm lists.

The banner and the algorithm lists are what hassh fingerprints and what an analyst
reads to tell a person's OpenSSH from a brute-force tool (hydra links libssh,
medusa and many scanners libssh2). Lists are the defaults of the versions named
in the banners; a server list is what sshd offers with Ubuntu's host keys.
"""

from __future__ import annotations

from dataclasses import dataclass


def _names(text: str) -> tuple[str, ...]:
    """A name-list as it appears on the wire (comma-separated) as a tuple."""
    return tuple(text.split(","))


@dataclass(frozen=True)
class SshImplementation:
    """One SSH program: banner (without CRLF), KEXINIT name-lists, and how it ends a session."""

    banner: str
    kex: tuple[str, ...]
    host_key: tuple[str, ...]
    ciphers: tuple[str, ...]
    macs: tuple[str, ...]
    compression: tuple[str, ...] = ("none",)
    #: SSH_MSG_DISCONNECT description a client sends when it gives up or is done; None: it just closes TCP.
    goodbye: str | None = None
    #: True for a program a person drives (password typed at a prompt), False for a tool.
    interactive: bool = False


_OPENSSH_MACS = _names(
    "umac-64-etm@openssh.com,umac-128-etm@openssh.com,hmac-sha2-256-etm@openssh.com,"
    "hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,umac-64@openssh.com,"
    "umac-128@openssh.com,hmac-sha2-256,hmac-sha2-512,hmac-sha1"
)
_OPENSSH_CIPHERS = _names(
    "chacha20-poly1305@openssh.com,aes128-ctr,aes192-ctr,aes256-ctr,aes128-gcm@openssh.com,"
    "aes256-gcm@openssh.com"
)

OPENSSH_UBUNTU_SERVER = SshImplementation(
    banner="SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10",
    kex=_names(
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
        "ecdh-sha2-nistp521,sntrup761x25519-sha512@openssh.com,"
        "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
        "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,"
        "kex-strict-s-v00@openssh.com"
    ),
    host_key=("rsa-sha2-512", "rsa-sha2-256", "ecdsa-sha2-nistp256", "ssh-ed25519"),
    ciphers=_OPENSSH_CIPHERS,
    macs=_OPENSSH_MACS,
    compression=("none", "zlib@openssh.com"),
)

OPENSSH_UBUNTU_CLIENT = SshImplementation(
    banner="SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10",
    kex=_names(
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
        "ecdh-sha2-nistp521,sntrup761x25519-sha512@openssh.com,"
        "diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
        "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,ext-info-c,"
        "kex-strict-c-v00@openssh.com"
    ),
    host_key=_names(
        "ssh-ed25519-cert-v01@openssh.com,ecdsa-sha2-nistp256-cert-v01@openssh.com,"
        "ecdsa-sha2-nistp384-cert-v01@openssh.com,ecdsa-sha2-nistp521-cert-v01@openssh.com,"
        "sk-ssh-ed25519-cert-v01@openssh.com,sk-ecdsa-sha2-nistp256-cert-v01@openssh.com,"
        "rsa-sha2-512-cert-v01@openssh.com,rsa-sha2-256-cert-v01@openssh.com,ssh-ed25519,"
        "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ssh-ed25519@openssh.com,"
        "sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256"
    ),
    ciphers=_OPENSSH_CIPHERS,
    macs=_OPENSSH_MACS,
    compression=("none", "zlib@openssh.com", "zlib"),
    interactive=True,
)

#: hydra's ssh module (libssh 0.10 on Kali): "Received disconnect ... 11: Bye Bye [preauth]" in auth.log.
HYDRA_LIBSSH = SshImplementation(
    banner="SSH-2.0-libssh_0.10.6",
    kex=_names(
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
        "ecdh-sha2-nistp521,diffie-hellman-group18-sha512,diffie-hellman-group16-sha512,"
        "diffie-hellman-group-exchange-sha256,diffie-hellman-group14-sha256,ext-info-c,"
        "kex-strict-c-v00@openssh.com"
    ),
    host_key=_names(
        "ssh-ed25519,ecdsa-sha2-nistp521,ecdsa-sha2-nistp384,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256"
    ),
    ciphers=_names(
        "chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,"
        "aes192-ctr,aes128-ctr"
    ),
    macs=_names(
        "hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,hmac-sha1-etm@openssh.com,"
        "hmac-sha2-256,hmac-sha2-512,hmac-sha1"
    ),
    goodbye="Bye Bye",
)

#: libssh2 1.10 as linked by medusa, ncrack-like scanners and many scripts (AES-GCM, encrypt-then-MAC
#: and rsa-sha2 host keys only arrived in 1.11).
LIBSSH2 = SshImplementation(
    banner="SSH-2.0-libssh2_1.10.0",
    kex=_names(
        "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ecdh-sha2-nistp384,"
        "ecdh-sha2-nistp521,diffie-hellman-group-exchange-sha256,diffie-hellman-group16-sha512,"
        "diffie-hellman-group18-sha512,diffie-hellman-group14-sha256,diffie-hellman-group14-sha1,"
        "diffie-hellman-group1-sha1,diffie-hellman-group-exchange-sha1"
    ),
    host_key=_names(
        "ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,"
        "ecdsa-sha2-nistp256-cert-v01@openssh.com,ecdsa-sha2-nistp384-cert-v01@openssh.com,"
        "ecdsa-sha2-nistp521-cert-v01@openssh.com,ssh-ed25519,ssh-ed25519-cert-v01@openssh.com,"
        "ssh-rsa,ssh-dss"
    ),
    ciphers=_names(
        "aes128-ctr,aes192-ctr,aes256-ctr,aes256-cbc,rijndael-cbc@lysator.liu.se,aes192-cbc,"
        "aes128-cbc,blowfish-cbc,arcfour128,arcfour,cast128-cbc,3des-cbc"
    ),
    macs=_names(
        "hmac-sha2-256,hmac-sha2-512,hmac-sha1,hmac-sha1-96,hmac-md5,hmac-md5-96,hmac-ripemd160,"
        "hmac-ripemd160@openssh.com"
    ),
    goodbye="Normal Shutdown, Thank you for playing",
)

CLIENTS: dict[str, SshImplementation] = {
    "openssh": OPENSSH_UBUNTU_CLIENT,
    "hydra": HYDRA_LIBSSH,
    "libssh2": LIBSSH2,
}


def negotiate(client: tuple[str, ...], server: tuple[str, ...]) -> str | None:
    """RFC 4253 7.1: the first algorithm on the client's list that the server also supports."""
    return next((name for name in client if name in server), None)
