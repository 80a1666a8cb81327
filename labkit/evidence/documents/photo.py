"""Phone photos (.jpg) with EXIF: camera, date taken, and optionally where it was taken.

The picture is drawn procedurally from the document's random stream (sky,
hills, a skyline, sensor noise) so each trainee gets a different, plausible
photo with realistic JPEG entropy, never a flat colour that betrays a generator.
EXIF is built with piexif, the way phones write it: make/model/software in IFD0,
exposure and times (with OffsetTime) in the Exif IFD, UTC time stamp in the GPS IFD.
A photo is taken before it reaches the disk it is found on, so by default the
shutter time precedes the file's time by a seeded span (minutes to days).
"""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import piexif
from PIL import Image
from pydantic import Field, model_validator

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument, KindParams
from labkit.evidence.documents.content_times import DAY, MINUTE, seeded_span
from labkit.evidence.documents.picture import draw_outdoor_scene

# make, model, software, f-number x10, focal length in mm x100
_CAMERAS: tuple[tuple[str, str, str, int, int], ...] = (
    ("Apple", "iPhone 13", "17.4.1", 16, 510),
    ("Apple", "iPhone 14 Pro", "17.3.1", 18, 686),
    ("samsung", "SM-A546B", "A546BXXU4BXC1", 18, 550),
    ("samsung", "SM-S911B", "S911BXXS3BXB4", 18, 630),
    ("Xiaomi", "Redmi Note 12", "V14.0.6.0.TMGMIXM", 18, 554),
    ("HUAWEI", "VOG-L29", "VOG-L29 10.1.0.162", 18, 557),
)
_EXIF_TIME = "%Y:%m:%d %H:%M:%S"


class GpsPosition(KindParams):
    """Where the photo was taken, in decimal degrees (WGS 84); south and west are negative."""

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    altitude: float | None = Field(None, ge=-500, le=9000, description="metres above sea level")


class PhotoParams(KindParams):
    """Picture size, camera and the EXIF facts a question can ask about."""

    width: int = Field(1600, ge=16, le=8000)
    height: int = Field(1200, ge=16, le=8000)
    camera_make: str | None = Field(None, description="EXIF Make; default: a common phone, seeded")
    camera_model: str | None = Field(None, description="EXIF Model; give it together with camera_make")
    software: str | None = Field(None, description="EXIF Software (firmware); default: the phone's")
    taken: datetime | None = Field(
        None,
        description="DateTimeOriginal, naive local time; default: a seeded span (minutes to days) before "
        "the file's time, as a photo is copied off the phone after it is taken",
    )
    gps: GpsPosition | None = None
    quality: int = Field(88, ge=30, le=100, description="JPEG quality")
    slack_room: int | None = Field(
        None,
        ge=1,
        le=511,
        description="leave at least this many bytes of file slack after the photo's end, whatever the "
        "cluster size (zero bytes are added after the JPEG's end marker when needed, as phones append "
        "trailers there); for a photo that file.hide_in_slack will use",
    )

    @model_validator(mode="after")
    def _camera_pair(self) -> PhotoParams:
        if (self.camera_make is None) != (self.camera_model is None):
            raise ValueError("give camera_make and camera_model together, or neither")
        return self


def degrees_to_rationals(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """|value| as EXIF degrees, minutes and seconds (seconds to 1/10000, as phones write)."""
    ten_thousandths = round(abs(value) * 3600 * 10_000)
    seconds, fraction = divmod(ten_thousandths, 10_000)
    degrees, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return (degrees, 1), (minutes, 1), (seconds * 10_000 + fraction, 10_000)


def rationals_to_degrees(parts: Any, reference: bytes | str) -> float:
    """The inverse of :func:`degrees_to_rationals`, signed by the N/S/E/W reference."""
    (d, dd), (m, md), (s, sd) = parts
    value = d / dd + m / md / 60 + s / sd / 3600
    ref = reference.decode() if isinstance(reference, bytes) else reference
    return -value if ref in ("S", "W") else value


def without_jfif(jpeg: bytes) -> bytes:
    """Drop libjpeg's JFIF APP0 segment: phones start with the Exif APP1 right after SOI."""
    if jpeg[2:4] == b"\xff\xe0" and jpeg[6:11] == b"JFIF\x00":
        return jpeg[:2] + jpeg[4 + int.from_bytes(jpeg[4:6], "big") :]
    return jpeg


#: Every cluster size is a multiple of the 512-byte sector, so room left in the last sector is room left
#: in the last cluster too.
_SECTOR = 512


def leave_slack_room(data: bytes, room: int | None) -> bytes:
    """``data`` padded after its end, only when needed, so that at least ``room`` bytes of slack remain."""
    if room is None:
        return data
    used = len(data) % _SECTOR
    if used and _SECTOR - used >= room:
        return data
    return data + bytes(_SECTOR - used + 1 if used else 1)


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class PhotoKind(DocumentKind):
    """A JPEG photo as a phone camera saves it."""

    kind = "jpg"
    extension = ".jpg"
    mime_type = "image/jpeg"
    magic_description = "JPEG image data, Exif standard"
    Params = PhotoParams

    def generate(self, params: PhotoParams, ctx: DocumentContext) -> GeneratedDocument:
        rng = ctx.rng
        make, model, software, f_number, focal = rng.choice(_CAMERAS)
        if params.camera_make is not None and params.camera_model is not None:
            make, model = params.camera_make, params.camera_model
            software = ""
        software = params.software if params.software is not None else software
        image: Image.Image = draw_outdoor_scene(rng, params.width, params.height)
        taken = params.taken or ctx.created - seeded_span(rng, 2 * MINUTE, 5 * DAY)
        stamp, offset = taken.strftime(_EXIF_TIME), _offset_text(ctx.utc_offset)
        subseconds = f"{rng.randint(0, 999):03d}"
        zeroth: dict[int, Any] = {
            piexif.ImageIFD.Make: make,
            piexif.ImageIFD.Model: model,
            piexif.ImageIFD.Orientation: 1,
            piexif.ImageIFD.XResolution: (72, 1),
            piexif.ImageIFD.YResolution: (72, 1),
            piexif.ImageIFD.ResolutionUnit: 2,
            piexif.ImageIFD.DateTime: stamp,
        }
        if software:
            zeroth[piexif.ImageIFD.Software] = software
        exif_ifd: dict[int, Any] = {
            piexif.ExifIFD.ExposureTime: (1, rng.choice((60, 100, 125, 250, 500, 1000))),
            piexif.ExifIFD.FNumber: (f_number, 10),
            piexif.ExifIFD.ISOSpeedRatings: rng.choice((25, 32, 50, 64, 100, 125, 200)),
            piexif.ExifIFD.ExifVersion: b"0232",
            piexif.ExifIFD.DateTimeOriginal: stamp,
            piexif.ExifIFD.DateTimeDigitized: stamp,
            piexif.ExifIFD.OffsetTime: offset,
            piexif.ExifIFD.OffsetTimeOriginal: offset,
            piexif.ExifIFD.SubSecTimeOriginal: subseconds,
            piexif.ExifIFD.Flash: 16,
            piexif.ExifIFD.FocalLength: (focal, 100),
            piexif.ExifIFD.ColorSpace: 1,
            piexif.ExifIFD.PixelXDimension: params.width,
            piexif.ExifIFD.PixelYDimension: params.height,
            piexif.ExifIFD.WhiteBalance: 0,
        }
        metadata = {
            "author": ctx.author,
            "camera_make": make,
            "camera_model": model,
            "software": software,
            "datetime_original": stamp,
            "offset_time_original": offset,
            "width": str(params.width),
            "height": str(params.height),
        }
        exif: dict[str, Any] = {"0th": zeroth, "Exif": exif_ifd}
        if params.gps is not None:
            exif["GPS"] = self._gps_ifd(params.gps, ctx.to_utc(taken))
            latitude = rationals_to_degrees(
                exif["GPS"][piexif.GPSIFD.GPSLatitude], "S" if params.gps.lat < 0 else "N"
            )
            longitude = rationals_to_degrees(
                exif["GPS"][piexif.GPSIFD.GPSLongitude], "W" if params.gps.lon < 0 else "E"
            )
            metadata["gps_lat"], metadata["gps_lon"] = f"{latitude:.6f}", f"{longitude:.6f}"
            if params.gps.altitude is not None:
                metadata["gps_altitude"] = f"{round(abs(params.gps.altitude) * 100) / 100:.2f}"
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=params.quality, exif=piexif.dump(exif))
        return self.finish(leave_slack_room(without_jfif(buffer.getvalue()), params.slack_room), metadata)

    @staticmethod
    def _gps_ifd(gps: GpsPosition, taken_utc: datetime) -> dict[int, Any]:
        ifd: dict[int, Any] = {
            piexif.GPSIFD.GPSVersionID: (2, 2, 0, 0),
            piexif.GPSIFD.GPSLatitudeRef: "S" if gps.lat < 0 else "N",
            piexif.GPSIFD.GPSLatitude: degrees_to_rationals(gps.lat),
            piexif.GPSIFD.GPSLongitudeRef: "W" if gps.lon < 0 else "E",
            piexif.GPSIFD.GPSLongitude: degrees_to_rationals(gps.lon),
            piexif.GPSIFD.GPSTimeStamp: ((taken_utc.hour, 1), (taken_utc.minute, 1), (taken_utc.second, 1)),
            piexif.GPSIFD.GPSDateStamp: taken_utc.strftime("%Y:%m:%d"),
        }
        if gps.altitude is not None:
            ifd[piexif.GPSIFD.GPSAltitudeRef] = 1 if gps.altitude < 0 else 0
            ifd[piexif.GPSIFD.GPSAltitude] = (round(abs(gps.altitude) * 100), 100)
        return ifd
