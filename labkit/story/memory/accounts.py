"""The accounts of a Debian/Ubuntu host: system users as a fresh install creates them, plus logins."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Account:
    name: str
    uid: int
    gid: int
    home: str
    shell: str = "/usr/sbin/nologin"


#: uid/gid as Ubuntu 22.04 server creates them (adduser --system, in package install order).
SYSTEM_ACCOUNTS = (
    Account("root", 0, 0, "/root", "/bin/bash"),
    Account("daemon", 1, 1, "/usr/sbin"),
    Account("bin", 2, 2, "/bin"),
    Account("sys", 3, 3, "/dev"),
    Account("www-data", 33, 33, "/var/www"),
    Account("nobody", 65534, 65534, "/nonexistent"),
    Account("systemd-network", 100, 102, "/run/systemd"),
    Account("systemd-resolve", 101, 103, "/run/systemd"),
    Account("messagebus", 102, 105, "/nonexistent"),
    Account("systemd-timesync", 103, 106, "/run/systemd"),
    Account("syslog", 104, 111, "/home/syslog"),
    Account("_apt", 105, 65534, "/nonexistent"),
    Account("sshd", 109, 65534, "/run/sshd"),
    Account("mysql", 114, 120, "/nonexistent", "/bin/false"),
)

#: The default login of a cloud image of each distribution.
DEFAULT_LOGIN = {"ubuntu": "ubuntu", "debian": "debian"}


def accounts_for(logins: list[tuple[str, int, str | None, str]], distribution: str) -> dict[str, Account]:
    """System accounts plus the host's logins (name, uid, home, shell); a default login when none is given."""
    accounts = {account.name: account for account in SYSTEM_ACCOUNTS}
    if not logins:
        name = DEFAULT_LOGIN["debian" if distribution.startswith("debian") else "ubuntu"]
        logins = [(name, 1000, None, "/bin/bash")]
    for name, uid, home, shell in logins:
        accounts[name] = Account(name, uid, uid, home or f"/home/{name}", shell)
    return accounts
