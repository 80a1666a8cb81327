"""Expert Witness Format (EWF-E01, EnCase 6 flavour) structures, declared once.

Layouts follow Joachim Metz's "Expert Witness Compression Format (EWF)"
specification in the libewf project; every fixed-size record ends in an Adler-32
of the bytes before it, which :func:`adler32_sealed` computes at build time and
checks at parse time.
"""

from __future__ import annotations

import zlib

from construct import (
    Array,
    Bytes,
    Checksum,
    Const,
    Construct,
    Int8ul,
    Int16ul,
    Int32ul,
    Int64ul,
    PaddedString,
    Padding,
    RawCopy,
    Struct,
    this,
)

EVF_SIGNATURE = b"EVF\x09\x0d\x0a\xff\x00"
SECTION_DESCRIPTOR_SIZE = 76
VOLUME_DATA_SIZE = 1052
TABLE_HEADER_SIZE = 24
TABLE_FOOTER_SIZE = 4
HASH_DATA_SIZE = 36
DIGEST_DATA_SIZE = 80
#: Table entries point at chunks with 31 bits; the top bit says "zlib-compressed".
TABLE_ENTRY_COMPRESSED = 0x80000000

MEDIA_TYPE_REMOVABLE = 0x00
MEDIA_TYPE_FIXED = 0x01
MEDIA_FLAG_IMAGE = 0x01
MEDIA_FLAG_PHYSICAL = 0x02
COMPRESSION_NONE = 0x00
COMPRESSION_GOOD = 0x01
COMPRESSION_BEST = 0x02


def _adler32(data: bytes) -> int:
    return zlib.adler32(data) & 0xFFFFFFFF


def adler32_sealed(body: Construct) -> Construct:
    """``body`` followed by the little-endian Adler-32 of its bytes (built and verified by construct).

    Build with ``{"body": {"value": {...}}}``; parse gives ``.body.value``.
    """
    return Struct(
        "body" / RawCopy(body),
        "checksum" / Checksum(Int32ul, _adler32, this.body.data),
    )


FILE_HEADER = Struct(
    "signature" / Const(EVF_SIGNATURE),
    "fields_start" / Const(1, Int8ul),
    "segment_number" / Int16ul,
    "fields_end" / Const(0, Int16ul),
)

SECTION_DESCRIPTOR = adler32_sealed(
    Struct(
        "type" / PaddedString(16, "ascii"),
        "next_offset" / Int64ul,  # from the start of the segment file; "done"/"next" point at themselves
        "size" / Int64ul,  # descriptor included; 0 for "done" and "next", as EnCase writes them
        Padding(40),
    )
)

#: The "volume" section of the first segment, repeated as "data" in the others.
VOLUME_DATA = adler32_sealed(
    Struct(
        "media_type" / Int8ul,
        Padding(3),
        "chunk_count" / Int32ul,
        "sectors_per_chunk" / Int32ul,
        "bytes_per_sector" / Int32ul,
        "sector_count" / Int64ul,
        "chs_cylinders" / Int32ul,
        "chs_heads" / Int32ul,
        "chs_sectors" / Int32ul,
        "media_flags" / Int8ul,
        Padding(3),
        "palm_volume_start_sector" / Int32ul,
        Padding(4),
        "smart_logs_start_sector" / Int32ul,
        "compression_level" / Int8ul,
        Padding(3),
        "error_granularity" / Int32ul,
        Padding(4),
        "set_identifier" / Bytes(16),
        Padding(963),
        "signature" / Bytes(5),
    )
)

#: EnCase 6 table header: entry offsets are relative to ``base_offset``.
TABLE_HEADER = adler32_sealed(
    Struct(
        "entry_count" / Int32ul,
        Padding(4),
        "base_offset" / Int64ul,
        Padding(4),
    )
)


def table_entries(count: int) -> Construct:
    """The table's offset array followed by its own Adler-32 (the table footer)."""
    return adler32_sealed(Array(count, Int32ul))


HASH_DATA = adler32_sealed(
    Struct(
        "md5" / Bytes(16),
        "unknown" / Bytes(16),
    )
)

DIGEST_DATA = adler32_sealed(
    Struct(
        "md5" / Bytes(16),
        "sha1" / Bytes(20),
        Padding(40),
    )
)


def sealed(structure: Construct, **fields: object) -> bytes:
    """Build an :func:`adler32_sealed` structure from its body fields."""
    return structure.build({"body": {"value": fields}})
