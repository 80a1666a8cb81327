"""Kernel builds a host's operating system ships, with banners as `uname -v`/`/proc/version` print them.

The release and the build number vary with the seed within what that distribution really shipped, so
two variants rarely share a banner (volatility3 finds a symbol table by its banner).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from random import Random

from labkit.evidence.memory.spec import KernelBuild


@dataclass(frozen=True)
class Distribution:
    name: str  # as hosts[].os names it, lower case prefix
    pretty: str
    series: tuple[tuple[int, int, date], ...]  # (ABI, build number, build date) of real updates
    compiler: str
    builder: str
    flavour: str


#: Ubuntu 22.04 LTS (jammy) GA kernel 5.15 updates and Debian 11 (bullseye) 5.10 updates.
DISTRIBUTIONS = (
    Distribution(
        "ubuntu 22.04",
        "Ubuntu 22.04.3 LTS",
        (
            (86, 96, date(2023, 10, 9)),
            (88, 98, date(2023, 10, 19)),
            (89, 99, date(2023, 11, 2)),
            (91, 101, date(2023, 11, 14)),
            (92, 102, date(2023, 12, 1)),
            (94, 104, date(2024, 1, 18)),
            (97, 107, date(2024, 2, 9)),
            (101, 111, date(2024, 3, 5)),
            (102, 112, date(2024, 3, 22)),
            (105, 115, date(2024, 4, 2)),
            (107, 117, date(2024, 4, 29)),
        ),
        "x86_64-linux-gnu-gcc-11 (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, "
        "GNU ld (GNU Binutils for Ubuntu) 2.38",
        "buildd@lcy02-amd64-{builder:03d}",
        "generic",
    ),
    Distribution(
        "debian 11",
        "Debian GNU/Linux 11 (bullseye)",
        (
            (25, 1, date(2023, 9, 2)),
            (26, 1, date(2023, 10, 28)),
            (27, 1, date(2024, 1, 3)),
            (28, 1, date(2024, 2, 29)),
            (29, 1, date(2024, 5, 7)),
        ),
        "gcc-10 (Debian 10.2.1-6) 10.2.1 20210110, GNU ld (GNU Binutils for Debian) 2.35.2",
        "debian-kernel@lists.debian.org",
        "amd64",
    ),
)

_DEBIAN_UPSTREAM = {25: "5.10.191", 26: "5.10.197", 27: "5.10.205", 28: "5.10.209", 29: "5.10.216"}


def distribution_for(os_name: str) -> Distribution:
    """The distribution named by ``hosts[].os`` ('Ubuntu 22.04', 'Debian 11'); Ubuntu 22.04 otherwise."""
    wanted = os_name.strip().lower()
    for distribution in DISTRIBUTIONS:
        if wanted.startswith(distribution.name):
            return distribution
    return DISTRIBUTIONS[0]


def is_linux(os_name: str) -> bool:
    return any(word in os_name.lower() for word in ("linux", "ubuntu", "debian"))


def kernel_for(os_name: str, rng: Random, before: date | None = None) -> KernelBuild:
    """A kernel build of the host's distribution, released before ``before`` when possible."""
    distribution = distribution_for(os_name)
    choices = [s for s in distribution.series if before is None or s[2] < before] or list(
        distribution.series[:1]
    )
    abi, build, built = rng.choice(choices)
    clock = f"{rng.randrange(8, 21):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    when = f"{built:%a %b} {built.day:2d} {clock} UTC {built.year}"
    if distribution.flavour == "generic":
        release = f"5.15.0-{abi}-generic"
        builder = distribution.builder.format(builder=rng.randrange(1, 60))
        banner = f"Linux version {release} ({builder}) ({distribution.compiler}) #{build}-Ubuntu SMP {when}\n"
    else:
        release = f"5.10.0-{abi}-amd64"
        upstream = _DEBIAN_UPSTREAM[abi]
        banner = (
            f"Linux version {release} ({distribution.builder}) ({distribution.compiler}) "
            f"#1 SMP Debian {upstream}-1 ({built:%Y-%m-%d})\n"
        )
    return KernelBuild(release=release, banner=banner)
