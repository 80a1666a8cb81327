"""One wording for every damaged-capture error: file, byte offset, frame, what is wrong, what to do."""

from __future__ import annotations

from labkit.errors import CaptureFormatError

REPAIR_HINT = (
    "the file is damaged at that point; re-copy it from the original, or keep the frames before it "
    "with `editcap -r FILE OUT 1-N`"
)


def damaged(
    path: str, offset: int, frame: int | None, what: str, hint: str = REPAIR_HINT
) -> CaptureFormatError:
    """``path: byte offset N (frame F): what; hint`` as one line."""
    where = f"byte offset {offset}" + (f" (frame {frame})" if frame is not None else "")
    return CaptureFormatError(f"{path}: {where}: {what}; {hint}")
