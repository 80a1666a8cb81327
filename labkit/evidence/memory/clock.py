"""Kernel time from the spec's aware datetimes: nanoseconds since the epoch or since boot."""

from __future__ import annotations

from datetime import UTC, datetime

from labkit.errors import EvidenceError

NSEC = 1_000_000_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def epoch_ns(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise EvidenceError(f"time {moment.isoformat()} has no timezone; give every memory time an offset")
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * NSEC + delta.microseconds * 1000


class BootClock:
    """The machine's clocks: boot at ``boot``, memory acquired at ``acquired``."""

    def __init__(self, boot: datetime, acquired: datetime) -> None:
        self.boot_ns = epoch_ns(boot)
        self.acquired_ns = epoch_ns(acquired)
        # procfs and volatility add task start times to the boot time truncated to the second.
        self.boot_second_ns = self.boot_ns - self.boot_ns % NSEC
        if self.acquired_ns <= self.boot_ns:
            raise EvidenceError("acquired_at must be after boot_time")

    def since_boot(self, moment: datetime) -> int:
        """Nanoseconds from boot (start_boottime, printk timestamps)."""
        return epoch_ns(moment) - self.boot_ns

    def task_start(self, moment: datetime) -> int:
        """start_boottime such that boot second + start equals ``moment`` exactly."""
        return epoch_ns(moment) - self.boot_second_ns

    @property
    def uptime_ns(self) -> int:
        return self.acquired_ns - self.boot_ns
