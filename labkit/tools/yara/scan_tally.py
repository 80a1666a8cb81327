"""What a scan has gathered so far: matches, warnings and how much was read."""

from __future__ import annotations

from dataclasses import dataclass, field

from labkit.tools.yara.results import ScanMatch


@dataclass
class ScanTally:
    matches: list[ScanMatch] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    objects: int = 0
    bytes: int = 0

    def count(self, size: int) -> None:
        """One more object scanned, of ``size`` bytes."""
        self.objects += 1
        self.bytes += size

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def warn_all(self, messages: list[str]) -> None:
        for message in messages:
            self.warn(message)
