"""One declaration per kernel structure: it both builds the bytes the writer places in RAM and
describes the type in the ISF symbol table volatility3 reads, so the two can never disagree.

A field's type is a short expression:

- a base type: ``u8 u16 u32 u64 s8 s16 s32 s64 int uint ulong long char uchar bool``
- a pointer: ``*task_struct``, ``**file``, ``*void``, ``*fn`` (pointer to a function)
- an array: ``char[16]``, ``*file[64]``, ``list_head[4]``
- an enumeration: ``enum:module_state``
- any other name is a structure or union declared in the same registry.

Bit fields give ``bits=(position, length)`` on the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

# Our short names -> the names dwarf2json gives x86-64 base types.
BASE_TYPES: dict[str, tuple[str, int, bool, str]] = {
    # short: (ISF name, size, signed, kind)
    "char": ("char", 1, True, "char"),
    "uchar": ("unsigned char", 1, False, "char"),
    "u8": ("unsigned char", 1, False, "char"),
    "s8": ("signed char", 1, True, "char"),
    "u16": ("short unsigned int", 2, False, "int"),
    "s16": ("short int", 2, True, "int"),
    "u32": ("unsigned int", 4, False, "int"),
    "uint": ("unsigned int", 4, False, "int"),
    "s32": ("int", 4, True, "int"),
    "int": ("int", 4, True, "int"),
    "u64": ("long long unsigned int", 8, False, "int"),
    "s64": ("long long int", 8, True, "int"),
    "ulong": ("long unsigned int", 8, False, "int"),
    "long": ("long int", 8, True, "int"),
    "bool": ("_Bool", 1, False, "bool"),
    "void": ("void", 0, False, "void"),
}
POINTER_SIZE = 8
_ARRAY = re.compile(r"^(?P<element>.+)\[(?P<count>\d+)\]$")


@dataclass(frozen=True)
class Field:
    name: str
    offset: int
    type: str
    bits: tuple[int, int] | None = None  # (bit position, bit length) of a bit field


@dataclass(frozen=True)
class StructType:
    name: str
    size: int
    fields: tuple[Field, ...]
    kind: str = "struct"  # or "union"


@dataclass(frozen=True)
class EnumType:
    name: str
    size: int
    constants: dict[str, int]


@dataclass(frozen=True)
class Resolved:
    """Where a field path lands inside a structure and how to pack a value there."""

    offset: int
    size: int
    type: str
    bits: tuple[int, int] | None
    signed: bool


@dataclass
class TypeRegistry:
    """All kernel types of one kernel model, looked up by name."""

    structs: dict[str, StructType] = field(default_factory=dict)
    enums: dict[str, EnumType] = field(default_factory=dict)

    def add(self, *types: StructType | EnumType) -> None:
        for declared in types:
            table = self.enums if isinstance(declared, EnumType) else self.structs
            if declared.name in self.structs or declared.name in self.enums:
                raise ValueError(f"kernel type {declared.name} declared twice")
            table[declared.name] = declared

    def size_of(self, expression: str) -> int:
        array = _ARRAY.match(expression)  # "*file[64]" is an array of 64 pointers, as in C
        if array:
            return self.size_of(array["element"]) * int(array["count"])
        if expression.startswith("*"):
            return POINTER_SIZE
        if expression.startswith("enum:"):
            return self.enums[expression[5:]].size
        if expression in BASE_TYPES:
            return BASE_TYPES[expression][1]
        return self.structs[expression].size

    def member(self, struct_name: str, name: str) -> Field:
        for candidate in self.structs[struct_name].fields:
            if candidate.name == name:
                return candidate
        raise KeyError(f"{struct_name} has no member {name}")

    def offset_of(self, struct_name: str, path: str) -> int:
        return self.resolve(struct_name, path).offset

    def resolve(self, struct_name: str, path: str) -> Resolved:
        """Follow ``a.b[3].c`` through nested structures and arrays to one field."""
        offset = 0
        current = struct_name
        parts = path.split(".")
        for position, part in enumerate(parts):
            index = None
            if part.endswith("]"):
                part, _, index_text = part[:-1].partition("[")
                index = int(index_text)
            member = self.member(current, part)
            offset += member.offset
            expression = member.type
            if index is not None:
                array = _ARRAY.match(expression)
                if not array or index >= int(array["count"]):
                    raise KeyError(f"{struct_name}.{path}: {part} is not an array of more than {index}")
                expression = array["element"]
                offset += index * self.size_of(expression)
            if position < len(parts) - 1:
                current = expression
                continue
            signed = expression in BASE_TYPES and BASE_TYPES[expression][2]
            return Resolved(offset, self.size_of(expression), expression, member.bits, signed)
        raise KeyError(path)

    def isf_descriptor(self, expression: str, bits: tuple[int, int] | None = None) -> dict[str, object]:
        """The ISF ``type`` object for a type expression (dwarf2json's shape)."""
        if bits is not None:
            return {
                "kind": "bitfield",
                "bit_position": bits[0],
                "bit_length": bits[1],
                "type": self.isf_descriptor(expression),
            }
        array = _ARRAY.match(expression)
        if array:
            return {
                "kind": "array",
                "count": int(array["count"]),
                "subtype": self.isf_descriptor(array["element"]),
            }
        if expression == "*fn":
            return {"kind": "pointer", "subtype": {"kind": "function"}}
        if expression.startswith("*"):
            return {"kind": "pointer", "subtype": self.isf_descriptor(expression[1:])}
        if expression.startswith("enum:"):
            return {"kind": "enum", "name": expression[5:]}
        if expression in BASE_TYPES:
            return {"kind": "base", "name": BASE_TYPES[expression][0]}
        if expression not in self.structs:
            raise KeyError(f"unknown kernel type {expression!r}")
        return {"kind": self.structs[expression].kind, "name": expression}

    def check(self) -> None:
        """Every referenced type exists and every field fits inside its structure."""
        for struct in self.structs.values():
            for member in struct.fields:
                self.isf_descriptor(member.type, member.bits)
                end = member.offset + self.size_of(member.type)
                if end > struct.size:
                    raise ValueError(f"{struct.name}.{member.name} ends at {end}, beyond {struct.size}")


def struct(name: str, size: int, fields: Iterable[tuple], kind: str = "struct") -> StructType:
    """Declare a structure from ``(name, offset, type)`` or ``(name, offset, type, (bit, length))``."""
    return StructType(name, size, tuple(Field(*spec) for spec in fields), kind)


def union(name: str, size: int, fields: Iterable[tuple]) -> StructType:
    return struct(name, size, fields, kind="union")
