"""When a document's content was made, as opposed to when its file was written.

A file lands on the evidence at the context's ``created`` time. What is inside
it is older: a photo was taken before it was copied off the phone, an invoice
was exported before it was saved from the e-mail, a Word document was started
before its last save. Equal times, to the second, are what a generator leaves
and an examiner notices, so each span is drawn from the document's random stream.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def seeded_span(rng: random.Random, shortest: timedelta, longest: timedelta) -> timedelta:
    """A span between the bounds, log-uniform in whole seconds: mostly short, sometimes long.

    Log-uniform because people mostly finish a file in one sitting and only
    sometimes come back to it days later.
    """
    low, high = max(1, int(shortest.total_seconds())), max(1, int(longest.total_seconds()))
    if high <= low:
        return timedelta(seconds=low)
    return timedelta(seconds=round(math.exp(rng.uniform(math.log(low), math.log(high)))))


@dataclass(frozen=True)
class OfficeHistory:
    """What an Office file records about its own editing.

    Attributes:
        created: core.xml dcterms:created, naive local time.
        modified: core.xml dcterms:modified (the last save), naive local time.
        total_minutes: app.xml TotalTime, minutes the document was open for editing.
        revision: core.xml cp:revision, the number of saves.
    """

    created: datetime
    modified: datetime
    total_minutes: int
    revision: int


def office_history(
    rng: random.Random,
    file_time: datetime,
    *,
    modified: datetime | None,
    edited_for: timedelta | None,
    revision: int | None,
) -> OfficeHistory:
    """The editing history of an Office document whose file was written at ``file_time``.

    With ``modified`` given, the document was created at ``file_time`` and last
    saved at ``modified`` (the caller's explicit story). Otherwise ``file_time``
    is the last save and creation lies ``edited_for`` before it (seeded: minutes
    to days). Editing time never exceeds the span; saves grow with it.
    """
    if modified is not None:
        created, saved = file_time, modified
    else:
        span = edited_for if edited_for is not None else seeded_span(rng, 4 * MINUTE, 4 * DAY)
        created, saved = file_time - span, file_time
    span_minutes = max(0, int((saved - created).total_seconds() // 60))
    if span_minutes <= 120:  # one sitting: open most of the time
        total = max(1, round(span_minutes * rng.uniform(0.55, 0.95)))
    else:  # several sittings: a fraction of the elapsed time
        total = rng.randint(25, min(span_minutes, 8 * 60))
    saves = revision if revision is not None else 1 + rng.randint(1, 2 + min(12, total // 20))
    return OfficeHistory(created=created, modified=saved, total_minutes=total, revision=saves)
