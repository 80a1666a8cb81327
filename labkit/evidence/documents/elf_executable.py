"""Linux executables (ELF64, x86-64, statically linked, stripped), as dropped implants usually are.

The file is a well-formed ELF that `file`, `readelf` and YARA parse: header, two PT_LOAD segments
(text r-x, data rw-), a .text, .rodata, .data and .shstrtab section. Its strings (a C2 address, a user
agent, a mutex name) are what an analyst extracts. The code is inert by construction: the entry point
calls exit(0), and the rest of .text is filler made of common compiler idioms, never a working program.
"""

from __future__ import annotations

import struct

from pydantic import Field

from labkit.evidence.documents.base import DocumentContext, DocumentKind, GeneratedDocument, KindParams

BASE = 0x400000
PAGE = 0x1000
_EXIT = bytes.fromhex("31ffb83c0000000f05")  # xor edi, edi; mov eax, 60; syscall  (exit(0))
_IDIOMS = (
    bytes.fromhex("554889e5"),  # push rbp; mov rbp, rsp
    bytes.fromhex("4883ec20"),  # sub rsp, 0x20
    bytes.fromhex("488b45f8"),  # mov rax, [rbp-8]
    bytes.fromhex("89c7"),  # mov edi, eax
    bytes.fromhex("e8") + b"\x00\x00\x00\x00",  # call rel32 (patched below)
    bytes.fromhex("4885c0"),  # test rax, rax
    bytes.fromhex("7405"),  # je +5
    bytes.fromhex("31c0"),  # xor eax, eax
    bytes.fromhex("c9c3"),  # leave; ret
    bytes.fromhex("0f1f440000"),  # nop dword [rax+rax]
    bytes.fromhex("488d3d") + b"\x00\x00\x00\x00",  # lea rdi, [rip+rel32]
    bytes.fromhex("4889c6"),  # mov rsi, rax
    bytes.fromhex("ba10000000"),  # mov edx, 16
)


class ElfParams(KindParams):
    strings: list[str] = Field(default_factory=list, description="strings in .rodata (C2 URL, user agent...)")
    size: int = Field(24_576, ge=4_096, le=8 * 1024 * 1024, description="approximate file size in bytes")


class ElfKind(DocumentKind):
    """A stripped, statically linked x86-64 Linux executable."""

    kind = "elf"
    extension = ".elf"  # when planted without a name; dropped implants are usually named without one
    mime_type = "application/x-executable"
    magic_description = "ELF 64-bit LSB executable, x86-64, version 1 (SYSV), statically linked, stripped"
    Params = ElfParams

    def generate(self, params: ElfParams, ctx: DocumentContext) -> GeneratedDocument:
        rng = ctx.rng
        rodata = b"\0".join(s.encode() for s in params.strings) + b"\0"
        rodata += (
            b"\0".join(
                s.encode()
                for s in (
                    "/proc/self/exe",
                    "/dev/null",
                    "socket",
                    "connect",
                    "%s:%d",
                    "POST",
                    "Content-Length: %d",
                )
            )
            + b"\0"
        )
        data = rng.randbytes(256)
        text_size = max(PAGE, params.size - len(rodata) - len(data) - 2 * PAGE)
        text = bytearray(_EXIT)
        while len(text) < text_size:
            idiom = bytearray(rng.choice(_IDIOMS))
            if idiom[:1] == b"\xe8" or idiom[:3] == bytes.fromhex("488d3d"):
                idiom[-4:] = struct.pack("<i", rng.randrange(-text_size // 2, text_size // 2))
            text += idiom
        text = bytes(text[:text_size])
        shstrtab = b"\0.text\0.rodata\0.data\0.shstrtab\0"
        text_off = PAGE
        rodata_off = text_off + len(text)
        data_off = -(-(rodata_off + len(rodata)) // PAGE) * PAGE
        shstr_off = data_off + len(data)
        sh_off = -(-(shstr_off + len(shstrtab)) // 8) * 8
        header = struct.pack(
            "<4sBBBBB7sHHIQQQIHHHHHH",
            b"\x7fELF",
            2,
            1,
            1,
            0,
            0,
            b"\0" * 7,
            2,
            0x3E,
            1,
            BASE + text_off,
            64,
            sh_off,
            0,
            64,
            56,
            2,
            64,
            5,
            4,
        )
        programs = struct.pack(
            "<IIQQQQQQ", 1, 5, 0, BASE, BASE, rodata_off + len(rodata), rodata_off + len(rodata), PAGE
        ) + struct.pack(
            "<IIQQQQQQ", 1, 6, data_off, BASE + data_off, BASE + data_off, len(data), len(data) + 0x2000, PAGE
        )
        sections = struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        sections += struct.pack("<IIQQQQIIQQ", 1, 1, 6, BASE + text_off, text_off, len(text), 0, 0, 16, 0)
        sections += struct.pack(
            "<IIQQQQIIQQ", 7, 1, 2, BASE + rodata_off, rodata_off, len(rodata), 0, 0, 8, 0
        )
        sections += struct.pack("<IIQQQQIIQQ", 15, 1, 3, BASE + data_off, data_off, len(data), 0, 0, 8, 0)
        sections += struct.pack("<IIQQQQIIQQ", 21, 3, 0, 0, shstr_off, len(shstrtab), 0, 0, 1, 0)
        out = bytearray(header + programs)
        out += b"\0" * (text_off - len(out)) + text + rodata
        out += b"\0" * (data_off - len(out)) + data + shstrtab
        out += b"\0" * (sh_off - len(out)) + sections
        return self.finish(
            bytes(out), {"strings": ", ".join(params.strings), "entry": f"0x{BASE + text_off:x}"}
        )
