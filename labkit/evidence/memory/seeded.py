"""Independent random streams per purpose, all derived from the spec's seed (labkit.seeding)."""

from __future__ import annotations

import random

from labkit.seeding import rng_for


class Seeds:
    def __init__(self, seed: int) -> None:
        self.seed = seed

    def rng(self, *labels: object) -> random.Random:
        return rng_for(self.seed, "memory", *(str(label) for label in labels))
