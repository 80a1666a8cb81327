"""Read each network answer of a key back out of the captures with tshark.

Every capture is dissected once (a table of fields) and its objects exported once per protocol; each
fact is then observed by the view of its action's kind (``network_views``) and graded against the
key exactly as a trainee's answer would be. A capture must also pass ``tshark -z expert`` with every
checksum validated: no Error severity, no malformed packet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labkit.errors import VerificationError
from labkit.verify import (  # noqa: F401 (each module registers its views)
    network_attack_checks,
    network_shell_checks,
    network_transfer_checks,
    network_web_checks,
)
from labkit.verify.disk_checks import Observation
from labkit.verify.network_views import NO_READER, ActionView, CaptureFileView
from labkit.verify.tshark_cli import TsharkCapture


def is_capture(record: Any) -> bool:
    return isinstance(record, dict) and CaptureFileView.signature <= record.keys()


class NetworkEvidence:
    """The captures of one lab, each opened by tshark on first use; close() removes exported objects."""

    def __init__(self, evidence_dir: Path, facts: dict[str, dict[str, Any]]) -> None:
        self.evidence_dir = evidence_dir
        self.facts = facts
        self._captures: dict[str, TsharkCapture] = {}
        self._views: dict[str, ActionView] = {}

    def __enter__(self) -> NetworkEvidence:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for capture in self._captures.values():
            capture.close()
        self._captures.clear()
        self._views.clear()

    def capture_ids(self) -> list[str]:
        return sorted(owner for owner, record in self.facts.items() if is_capture(record))

    def path(self, capture_id: str) -> Path | None:
        record = self.facts.get(capture_id)
        if not is_capture(record):
            return None
        path = self.evidence_dir / str(record["file_name"])  # type: ignore[index]
        return path if path.is_file() else None

    def capture(self, capture_id: str) -> TsharkCapture | None:
        path = self.path(capture_id)
        if path is None:
            return None
        if capture_id not in self._captures:
            self._captures[capture_id] = TsharkCapture(path)
        return self._captures[capture_id]

    def integrity(self, capture_id: str) -> tuple[bool, str]:
        capture = self.capture(capture_id)
        if capture is None:
            return False, "the capture file is missing"
        return capture.expert()

    def observe(self, owner: str, fact: str) -> Observation:
        """What tshark shows for ``fact`` of the action (or capture) ``owner``."""
        record = self.facts.get(owner)
        if not isinstance(record, dict):
            return Observation(None, "no such action in the facts")
        view = ActionView.for_record(record)
        if view is None:
            return Observation(None, NO_READER)
        capture_id = owner if is_capture(record) else str(record.get("capture"))
        capture = self.capture(capture_id)
        if capture is None:
            return Observation(None, f"the capture {capture_id!r} is missing")
        if owner not in self._views:  # one view per action: what it searched for is reused
            self._views[owner] = view(capture, record)
        try:
            return self._views[owner].observe(fact)
        except VerificationError as exc:  # tshark could not read the capture at all
            return Observation(None, str(exc))
