"""The ISF (volatility3's Intermediate Symbol Format, 6.2.0) describing the model kernel: the same
type declarations the builders packed, and the link map's symbols. Written as .json.xz under a
name unique to its bytes, because volatility3 caches ISF identifiers by file name."""

from __future__ import annotations

import base64
import hashlib
import json
import lzma
import os
from pathlib import Path

from labkit.errors import EvidenceError
from labkit.evidence.memory.kernel_symbols import link_map
from labkit.evidence.memory.kernel_types import kernel_types
from labkit.evidence.memory.kernel_types.model import BASE_TYPES

ISF_FORMAT = "6.2.0"
# volatility3's hidden_modules refuses symbol tables whose producer is not dwarf2json >= 0.8.0 (the
# check is really "has the type information module scanning needs", which this table has).
PRODUCER = {"name": "dwarf2json", "version": "0.8.0"}


def build_isf(banner: str) -> bytes:
    types = kernel_types()
    user_types = {
        struct.name: {
            "kind": struct.kind,
            "size": struct.size,
            "fields": {
                member.name: {"offset": member.offset, "type": types.isf_descriptor(member.type, member.bits)}
                for member in struct.fields
            },
        }
        for struct in types.structs.values()
    }
    enums = {
        enum.name: {"size": enum.size, "base": "unsigned int", "constants": dict(enum.constants)}
        for enum in types.enums.values()
    }
    base_types = {
        name: {"kind": kind, "size": size, "signed": signed, "endian": "little"}
        for name, size, signed, kind in BASE_TYPES.values()
    }
    base_types["pointer"] = {"kind": "int", "size": 8, "signed": False, "endian": "little"}
    encoded = banner.encode() + b"\0"
    symbols: dict[str, dict[str, object]] = {}
    for symbol in link_map().symbols.values():
        entry: dict[str, object] = {"address": symbol.address}
        if symbol.name == "linux_banner":
            entry["type"] = types.isf_descriptor(f"char[{len(encoded)}]")
            entry["constant_data"] = base64.b64encode(encoded).decode()
        elif symbol.type is not None:
            entry["type"] = types.isf_descriptor(symbol.type)
        elif symbol.size:  # a function
            entry["type"] = {"kind": "function"}
        else:  # a linker label such as _text or _etext
            entry["type"] = {"kind": "base", "name": "void"}
        symbols[symbol.name] = entry
    document = {
        "metadata": {"format": ISF_FORMAT, "producer": PRODUCER, "linux": {}},
        "base_types": base_types,
        "user_types": user_types,
        "enums": enums,
        "symbols": symbols,
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":")).encode()


def isf_file_name(banner: str, isf: bytes) -> str:
    """``linux-<hash>.json.xz``: a digest of the table, so a regenerated table never reuses a cached name.

    The name does not give the kernel release away: finding it (banners.Banners) is the trainee's first
    step, and volatility3 matches a table by the banner inside it, not by its file name."""
    del banner
    return f"linux-{hashlib.sha256(isf).hexdigest()[:16]}.json.xz"


def write_isf(symbols_dir: Path, banner: str) -> tuple[Path, str]:
    """Write the ISF under ``symbols_dir/linux``; returns its path and the SHA-256 of the file."""
    isf = build_isf(banner)
    compressed = lzma.compress(isf, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC64, preset=6)
    target = symbols_dir / "linux" / isf_file_name(banner, isf)
    partial = target.with_name(f".{target.name}.partial")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(compressed)
        os.replace(partial, target)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise EvidenceError(f"cannot write the symbol table {target}: {error.strerror}") from error
    return target, hashlib.sha256(compressed).hexdigest()
