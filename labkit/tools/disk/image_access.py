"""Open evidence images (raw or EWF/E01) as one byte-addressable medium for pytsk3.

The format is recognised by its magic bytes, never by the file name: trainees rename
files, and an ``.E01`` that is really a raw dump (or the reverse) must still open.
pytsk3 cannot read EWF itself, so pyewf is wrapped in a ``pytsk3.Img_Info`` subclass.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import pyewf
import pytsk3

from labkit.errors import EvidenceError, ImageFormatError
from labkit.formats.ewf_structures import EVF_SIGNATURE
from labkit.tools.disk.ewf_chunk_checker import ChunkChecker
from labkit.tools.disk.ewf_layout import SectorRange, read_layout

EWF2_SIGNATURE = b"EVF2\x0d\x0a\x81\x00"
DEFAULT_CHUNK_SIZE = 1024 * 1024

# Containers a trainee may hand us by mistake: named, so the error says what to do.
_UNSUPPORTED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"LVF\x09\x0d\x0a\xff\x00", "an EWF logical evidence file (L01), not a disk image"),
    (b"LEF2\x0d\x0a\x81\x00", "an EWF2 logical evidence file (Lx01), not a disk image"),
    (b"AFF10\x0d\x0a\x00", "an AFF image; convert it to raw or E01 first"),
    (b"QFI\xfb", "a QCOW virtual disk; convert it to raw first (qemu-img convert)"),
    (b"KDMV", "a VMDK virtual disk; convert it to raw first (qemu-img convert)"),
    (b"vhdxfile", "a VHDX virtual disk; convert it to raw first (qemu-img convert)"),
    (b"\x1f\x8b", "gzip-compressed; decompress it first"),
    (b"PK\x03\x04", "a ZIP archive; extract the image first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive; extract the image first"),
    (b"\xfd7zXZ\x00", "xz-compressed; decompress it first"),
)

_EWF_MEDIA_TYPES = {0x00: "removable", 0x01: "fixed", 0x03: "optical", 0x0E: "logical", 0x10: "memory"}


class ImageFormat(enum.StrEnum):
    """How the medium is stored."""

    RAW = "raw"
    EWF = "ewf"


@dataclass(frozen=True)
class EwfMetadata:
    """What an E01's acquisition stored about itself (as recorded, not re-checked)."""

    segment_files: tuple[str, ...]
    headers: dict[str, str]
    stored_md5: str | None
    stored_sha1: str | None
    media_type: str
    is_physical: bool
    bytes_per_sector: int
    number_of_sectors: int
    chunk_size: int


@dataclass(frozen=True)
class ImageSummary:
    """The container: path, detected format and the size of the medium inside."""

    path: str
    format: ImageFormat
    media_size: int
    file_size: int
    ewf: EwfMetadata | None = field(default=None)


class EwfImgInfo(pytsk3.Img_Info):
    """A pytsk3 image backed by an open pyewf handle (the media, decompressed).

    pyewf gives zeros for a chunk whose checksum fails; every read also checks the
    chunks it came from, so that such zeros are reported, not passed on as evidence.
    """

    def __init__(self, handle: pyewf.handle, checker: ChunkChecker) -> None:
        self._handle = handle
        self.checker = checker
        super().__init__(url="", type=pytsk3.TSK_IMG_TYPE_EXTERNAL)

    def close(self) -> None:
        self.checker.close()
        self._handle.close()

    def read(self, offset: int, size: int) -> bytes:
        data = self._handle.read_buffer_at_offset(size, offset)
        self.checker.check_span(offset, len(data))
        return data

    def get_size(self) -> int:
        return self._handle.get_media_size()


class DiskImage:
    """An open evidence image. Use as a context manager; read with :meth:`read`."""

    def __init__(self, summary: ImageSummary, tsk_image: pytsk3.Img_Info) -> None:
        self.summary = summary
        self.tsk_image = tsk_image

    @property
    def media_size(self) -> int:
        return self.summary.media_size

    @property
    def damaged_sectors(self) -> tuple[SectorRange, ...]:
        """E01 sectors read so far whose chunk fails its checksum (libewf gave zeros for them)."""
        if isinstance(self.tsk_image, EwfImgInfo):
            return self.tsk_image.checker.damaged_sectors()
        return ()

    def read(self, offset: int, size: int) -> bytes:
        """Bytes of the medium; a short or failed read is a corrupt image, not a crash."""
        if offset < 0 or size < 0 or offset + size > self.media_size:
            raise EvidenceError(
                f"{self.summary.path}: read of {size} bytes at offset {offset} is outside the "
                f"{self.media_size}-byte medium"
            )
        try:
            data = self.tsk_image.read(offset, size)
        except OSError as exc:
            raise EvidenceError(
                f"{self.summary.path}: cannot read offset {offset} (corrupt image?): {_first_clause(exc)}"
            ) from exc
        if len(data) != size:
            raise EvidenceError(f"{self.summary.path}: short read at offset {offset} (image truncated?)")
        return data

    def iter_media(self, chunk_size: int = DEFAULT_CHUNK_SIZE, *, start: int = 0) -> Iterator[bytes]:
        """The medium from ``start`` to its end, in order, chunk by chunk (for hashing or copying out)."""
        for offset in range(start, self.media_size, chunk_size):
            yield self.read(offset, min(chunk_size, self.media_size - offset))

    def close(self) -> None:
        self.tsk_image.close()

    def __enter__(self) -> DiskImage:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


def detect_image_format(path: str | Path) -> ImageFormat:
    """Recognise EWF by its segment signature; anything else that is not a known container is raw."""
    image_path = _checked_path(path)
    with image_path.open("rb") as stream:
        head = stream.read(16)
    if not head:
        raise ImageFormatError(f"{image_path}: file is empty, not a disk image")
    if head.startswith(EVF_SIGNATURE):
        return ImageFormat.EWF
    if head.startswith(EWF2_SIGNATURE):
        raise ImageFormatError(f"{image_path}: EWF2 (Ex01) is not supported; export it to E01 or raw")
    for signature, what in _UNSUPPORTED_SIGNATURES:
        if head.startswith(signature):
            raise ImageFormatError(f"{image_path}: this file is {what}")
    return ImageFormat.RAW


def open_image(path: str | Path) -> DiskImage:
    """Open a raw or E01 image read-only (for E01, the other segments are found next to it)."""
    image_path = _checked_path(path)
    image_format = detect_image_format(image_path)
    if image_format is ImageFormat.EWF:
        return _open_ewf(image_path)
    try:
        tsk_image = pytsk3.Img_Info(str(image_path))
    except OSError as exc:
        raise ImageFormatError(f"{image_path}: cannot open as a raw image: {exc}") from exc
    summary = ImageSummary(
        path=str(image_path),
        format=ImageFormat.RAW,
        media_size=tsk_image.get_size(),
        file_size=image_path.stat().st_size,
    )
    return DiskImage(summary, tsk_image)


def _checked_path(path: str | Path) -> Path:
    image_path = Path(path)
    if not image_path.exists():
        raise EvidenceError(f"{image_path}: no such image file")
    if not image_path.is_file():
        raise EvidenceError(f"{image_path}: not a regular file (give the image file itself)")
    try:
        with image_path.open("rb"):
            pass
    except OSError as exc:
        raise EvidenceError(f"{image_path}: cannot be read: {exc.strerror}") from exc
    return image_path


def _open_ewf(image_path: Path) -> DiskImage:
    try:
        segments = pyewf.glob(str(image_path))
    except (OSError, TypeError, ValueError):
        # A renamed single segment (evidence.bin) cannot be globbed; open it on its own.
        segments = [str(image_path)]
    handle = pyewf.handle()
    try:
        handle.open(segments)
    except OSError as exc:
        raise ImageFormatError(
            f"{image_path}: corrupt or incomplete E01 (truncated? segment missing?): {_first_clause(exc)}"
        ) from exc
    try:
        metadata = _read_ewf_metadata(handle, segments)
        media_size = handle.get_media_size()
        geometry = (metadata.bytes_per_sector, handle.get_sectors_per_chunk(), metadata.number_of_sectors)
        layout = read_layout(segments, image_path, geometry)
    except OSError as exc:
        handle.close()
        raise ImageFormatError(
            f"{image_path}: corrupt or truncated E01 (cannot read the media): {_first_clause(exc)}"
        ) from exc
    except ImageFormatError:
        handle.close()
        raise
    if layout.media_size != media_size:
        handle.close()
        raise ImageFormatError(
            f"{image_path}: truncated or incomplete E01: the volume section declares {layout.media_size} "
            f"bytes of media but libewf reads {media_size}"
        )
    summary = ImageSummary(
        path=str(image_path),
        format=ImageFormat.EWF,
        media_size=media_size,
        file_size=sum(Path(segment).stat().st_size for segment in segments),
        ewf=metadata,
    )
    return DiskImage(summary, EwfImgInfo(handle, ChunkChecker(layout)))


def _read_ewf_metadata(handle: pyewf.handle, segments: list[str]) -> EwfMetadata:
    headers = {key: value for key, value in sorted((handle.get_header_values() or {}).items()) if value}
    hashes = handle.get_hash_values() or {}
    media_type = handle.get_media_type()
    return EwfMetadata(
        segment_files=tuple(segments),
        headers=headers,
        stored_md5=(hashes.get("MD5") or None),
        stored_sha1=(hashes.get("SHA1") or None),
        media_type=_EWF_MEDIA_TYPES.get(media_type, f"unknown (0x{media_type:02x})"),
        is_physical=bool(handle.get_media_flags() & 0x02),
        bytes_per_sector=handle.get_bytes_per_sector(),
        number_of_sectors=handle.get_number_of_sectors(),
        chunk_size=handle.get_chunk_size(),
    )


def _first_clause(exc: BaseException) -> str:
    """libewf chains a dozen clauses per error; the first names the failing call."""
    return str(exc).split(". ")[0].strip()
