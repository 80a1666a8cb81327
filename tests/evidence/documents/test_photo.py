"""Phone photos: Pillow decodes them, piexif reads back EXIF equal to the metadata."""

from __future__ import annotations

import io

import piexif
import pytest
from PIL import Image, ImageStat
from pydantic import ValidationError

from labkit.evidence.documents import generate_document
from labkit.evidence.documents.photo import degrees_to_rationals, rationals_to_degrees

from .helpers import file_type, make_context

PARAMS = {
    "width": 320,
    "height": 240,
    "camera_make": "samsung",
    "camera_model": "SM-A546B",
    "taken": "2024-03-10T18:42:07",
    "gps": {"lat": 43.238949, "lon": 76.889709, "altitude": 812.5},
}


def test_exif_read_back_equals_metadata(write) -> None:
    document = generate_document("jpg", PARAMS, make_context())
    image = Image.open(io.BytesIO(document.data))
    image.load()
    assert image.format == "JPEG" and image.size == (320, 240)
    exif = piexif.load(document.data)
    metadata = document.metadata
    assert exif["0th"][piexif.ImageIFD.Make].decode() == metadata["camera_make"] == "samsung"
    assert exif["0th"][piexif.ImageIFD.Model].decode() == metadata["camera_model"] == "SM-A546B"
    original = exif["Exif"][piexif.ExifIFD.DateTimeOriginal].decode()
    assert original == metadata["datetime_original"] == "2024:03:10 18:42:07"
    assert exif["Exif"][piexif.ExifIFD.OffsetTimeOriginal].decode() == "+05:00"
    gps = exif["GPS"]
    latitude = rationals_to_degrees(gps[piexif.GPSIFD.GPSLatitude], gps[piexif.GPSIFD.GPSLatitudeRef])
    longitude = rationals_to_degrees(gps[piexif.GPSIFD.GPSLongitude], gps[piexif.GPSIFD.GPSLongitudeRef])
    assert f"{latitude:.6f}" == metadata["gps_lat"] == "43.238949"
    assert f"{longitude:.6f}" == metadata["gps_lon"] == "76.889709"
    assert gps[piexif.GPSIFD.GPSDateStamp] == b"2024:03:10"  # UTC: 18:42 at UTC+5 is 13:42Z
    assert gps[piexif.GPSIFD.GPSTimeStamp] == ((13, 1), (42, 1), (7, 1))
    described = file_type(write("IMG_0001.jpg", document.data))
    assert "Exif standard" in described and "manufacturer=samsung" in described and "JFIF" not in described


def test_picture_is_not_flat_and_differs_by_seed() -> None:
    first = Image.open(
        io.BytesIO(generate_document("jpg", {"width": 200, "height": 150}, make_context(1)).data)
    )
    second = Image.open(
        io.BytesIO(generate_document("jpg", {"width": 200, "height": 150}, make_context(2)).data)
    )
    assert min(ImageStat.Stat(first.convert("L")).stddev) > 15
    assert first.tobytes() != second.tobytes()


def test_without_gps_there_is_no_gps_ifd() -> None:
    document = generate_document("jpg", {"width": 64, "height": 48}, make_context())
    assert not piexif.load(document.data)["GPS"]
    assert "gps_lat" not in document.metadata


@pytest.mark.parametrize("value", [-33.868820, 151.209296, -0.000001, 89.999999, -179.5])
def test_degree_rationals_round_trip(value: float) -> None:
    reference = ("S" if value < 0 else "N") if abs(value) <= 90 else ("W" if value < 0 else "E")
    assert rationals_to_degrees(degrees_to_rationals(value), reference) == pytest.approx(value, abs=1e-7)


def test_southern_and_western_hemispheres(write) -> None:
    params = {"width": 64, "height": 48, "gps": {"lat": -34.603722, "lon": -58.381592}}
    document = generate_document("jpg", params, make_context())
    gps = piexif.load(document.data)["GPS"]
    assert gps[piexif.GPSIFD.GPSLatitudeRef] == b"S" and gps[piexif.GPSIFD.GPSLongitudeRef] == b"W"
    assert document.metadata["gps_lat"] == "-34.603722" and document.metadata["gps_lon"] == "-58.381592"


def test_camera_make_without_model_is_rejected() -> None:
    with pytest.raises(ValidationError, match="camera_make and camera_model together"):
        generate_document("jpg", {"camera_make": "Apple"}, make_context())
