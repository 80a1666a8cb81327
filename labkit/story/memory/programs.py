"""Executables a Debian/Ubuntu host runs: where they live, their size and the libraries ld.so maps.

Sizes are those of Ubuntu 22.04's packages (close enough for Debian 11); a binary not listed is taken as
statically linked (what dropped malware usually is).
"""

from __future__ import annotations

LIB = "/usr/lib/x86_64-linux-gnu/"
LOADER = "/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2"

#: Shared objects: path -> size in bytes.
LIBRARIES = {
    LIB + "libc.so.6": 2_216_304,
    LOADER: 240_936,
    LIB + "libtinfo.so.6.3": 192_536,
    LIB + "libpcre2-8.so.0.10.4": 613_064,
    LIB + "libcrypto.so.3": 4_447_536,
    LIB + "libssl.so.3": 667_864,
    LIB + "libz.so.1.2.11": 108_936,
    LIB + "libselinux.so.1": 166_280,
    LIB + "libcrypt.so.1.1.0": 202_760,
    LIB + "libpam.so.0.85.1": 67_888,
    LIB + "libgssapi_krb5.so.2.2": 338_648,
    LIB + "libwrap.so.0.7.6": 43_952,
    LIB + "libaudit.so.1.0.0": 133_200,
    LIB + "libsystemd.so.0.32.0": 887_000,
    LIB + "libm.so.6": 940_560,
    LIB + "libexpat.so.1.8.7": 190_680,
    LIB + "libpython3.10.so.1.0": 5_912_576,
    LIB + "libxml2.so.2.9.13": 1_832_288,
    LIB + "libsqlite3.so.0.8.6": 1_476_256,
    LIB + "libpcre.so.3.13.3": 465_008,
    LIB + "libaio.so.1.0.1": 14_528,
    LIB + "libstdc++.so.6.0.30": 2_260_296,
    LIB + "libdbus-1.so.3.19.13": 329_600,
    LIB + "libgcc_s.so.1": 125_488,
    "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-249.so": 2_993_520,
    LIB + "libnss_files.so.2": 14_152,
    LIB + "libnss_systemd.so.2": 306_048,
}

_BASE = (LIB + "libc.so.6", LOADER)
_SYSTEMD = (
    "/usr/lib/x86_64-linux-gnu/systemd/libsystemd-shared-249.so",
    LIB + "libcrypto.so.3",
    LIB + "libselinux.so.1",
    LIB + "libpcre2-8.so.0.10.4",
    LIB + "libaudit.so.1.0.0",
    *_BASE,
)

#: Executables: path -> (size, libraries). comm is the file name cut to 15 bytes unless a caller says.
PROGRAMS: dict[str, tuple[int, tuple[str, ...]]] = {
    "/usr/lib/systemd/systemd": (1_849_992, _SYSTEMD),
    "/usr/lib/systemd/systemd-journald": (162_224, _SYSTEMD),
    "/usr/lib/systemd/systemd-udevd": (1_006_176, _SYSTEMD),
    "/usr/lib/systemd/systemd-networkd": (1_305_792, _SYSTEMD),
    "/usr/lib/systemd/systemd-resolved": (596_128, _SYSTEMD),
    "/usr/lib/systemd/systemd-timesyncd": (55_600, _SYSTEMD),
    "/usr/lib/systemd/systemd-logind": (268_144, _SYSTEMD),
    "/usr/sbin/cron": (55_376, (LIB + "libpam.so.0.85.1", LIB + "libselinux.so.1", *_BASE)),
    "/usr/bin/dbus-daemon": (249_032, (LIB + "libexpat.so.1.8.7", LIB + "libsystemd.so.0.32.0", *_BASE)),
    "/usr/sbin/rsyslogd": (791_064, (LIB + "libz.so.1.2.11", LIB + "libsystemd.so.0.32.0", *_BASE)),
    "/usr/sbin/sshd": (
        921_416,
        (
            LIB + "libwrap.so.0.7.6",
            LIB + "libaudit.so.1.0.0",
            LIB + "libpam.so.0.85.1",
            LIB + "libsystemd.so.0.32.0",
            LIB + "libcrypto.so.3",
            LIB + "libz.so.1.2.11",
            LIB + "libcrypt.so.1.1.0",
            LIB + "libselinux.so.1",
            LIB + "libgssapi_krb5.so.2.2",
            *_BASE,
        ),
    ),
    "/usr/sbin/nginx": (
        1_190_152,
        (
            LIB + "libcrypt.so.1.1.0",
            LIB + "libpcre.so.3.13.3",
            LIB + "libssl.so.3",
            LIB + "libcrypto.so.3",
            LIB + "libz.so.1.2.11",
            *_BASE,
        ),
    ),
    "/usr/sbin/php-fpm8.1": (
        4_964_736,
        (
            LIB + "libxml2.so.2.9.13",
            LIB + "libssl.so.3",
            LIB + "libcrypto.so.3",
            LIB + "libpcre2-8.so.0.10.4",
            LIB + "libsqlite3.so.0.8.6",
            LIB + "libz.so.1.2.11",
            LIB + "libm.so.6",
            *_BASE,
        ),
    ),
    "/usr/sbin/mysqld": (
        63_417_944,
        (
            LIB + "libaio.so.1.0.1",
            LIB + "libssl.so.3",
            LIB + "libcrypto.so.3",
            LIB + "libz.so.1.2.11",
            LIB + "libstdc++.so.6.0.30",
            LIB + "libgcc_s.so.1",
            LIB + "libm.so.6",
            *_BASE,
        ),
    ),
    "/usr/sbin/agetty": (68_648, _BASE),
    "/usr/sbin/multipathd": (133_104, (LIB + "libsystemd.so.0.32.0", *_BASE)),
    "/usr/libexec/polkitd": (125_984, (LIB + "libsystemd.so.0.32.0", LIB + "libexpat.so.1.8.7", *_BASE)),
    "/usr/bin/python3.10": (
        5_904_904,
        (LIB + "libexpat.so.1.8.7", LIB + "libz.so.1.2.11", LIB + "libm.so.6", *_BASE),
    ),
    "/usr/bin/bash": (1_396_520, (LIB + "libtinfo.so.6.3", *_BASE)),
    "/usr/bin/dash": (125_688, _BASE),
    "/usr/bin/wget": (
        503_640,
        (
            LIB + "libpcre2-8.so.0.10.4",
            LIB + "libssl.so.3",
            LIB + "libcrypto.so.3",
            LIB + "libz.so.1.2.11",
            *_BASE,
        ),
    ),
    "/usr/bin/curl": (260_328, (LIB + "libssl.so.3", LIB + "libcrypto.so.3", LIB + "libz.so.1.2.11", *_BASE)),
    "/usr/bin/nc.openbsd": (35_536, _BASE),
    "/usr/bin/perl": (3_990_240, (LIB + "libcrypt.so.1.1.0", LIB + "libm.so.6", *_BASE)),
    "/usr/bin/sleep": (35_336, _BASE),
    "/usr/bin/tail": (68_488, _BASE),
    "/usr/bin/sudo": (
        232_416,
        (LIB + "libpam.so.0.85.1", LIB + "libaudit.so.1.0.0", LIB + "libselinux.so.1", *_BASE),
    ),
    "/usr/bin/vim.basic": (
        3_823_904,
        (LIB + "libtinfo.so.6.3", LIB + "libselinux.so.1", LIB + "libpython3.10.so.1.0", *_BASE),
    ),
    "/usr/bin/kmod": (170_760, (LIB + "libcrypto.so.3", LIB + "libz.so.1.2.11", *_BASE)),
    "/usr/bin/top": (133_840, (LIB + "libtinfo.so.6.3", LIB + "libsystemd.so.0.32.0", *_BASE)),
}

#: What a command name resolves to on a merged-/usr system (PATH lookup, alternatives, symlinks).
COMMANDS = {
    "bash": "/usr/bin/bash",
    "sh": "/usr/bin/dash",
    "dash": "/usr/bin/dash",
    "python3": "/usr/bin/python3.10",
    "wget": "/usr/bin/wget",
    "curl": "/usr/bin/curl",
    "nc": "/usr/bin/nc.openbsd",
    "perl": "/usr/bin/perl",
    "sleep": "/usr/bin/sleep",
    "tail": "/usr/bin/tail",
    "sudo": "/usr/bin/sudo",
    "vim": "/usr/bin/vim.basic",
    "top": "/usr/bin/top",
    "cron": "/usr/sbin/cron",
    "sshd": "/usr/sbin/sshd",
    "nginx": "/usr/sbin/nginx",
}


def resolve_command(word: str) -> str | None:
    """The executable a command word runs: an absolute path as given (merged /usr), a name via PATH."""
    if word.startswith("/"):
        for old, new in (("/bin/", "/usr/bin/"), ("/sbin/", "/usr/sbin/"), ("/lib/", "/usr/lib/")):
            if word.startswith(old):
                word = new + word[len(old) :]
        if word in ("/usr/bin/sh",):
            return "/usr/bin/dash"
        if word == "/usr/bin/python3":
            return "/usr/bin/python3.10"
        if word == "/usr/bin/nc":
            return "/usr/bin/nc.openbsd"
        return word
    return COMMANDS.get(word)
