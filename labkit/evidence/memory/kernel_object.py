"""A kernel object being built: bytes laid out by its declared type, at a known virtual address."""

from __future__ import annotations

from labkit.evidence.memory.kernel_types import TypeRegistry, kernel_types

LIST_POISON1 = 0xDEAD000000000100  # what list_del() leaves behind (with CONFIG_ILLEGAL_POINTER_VALUE)
LIST_POISON2 = 0xDEAD000000000122


class KernelObject:
    """One structure instance; fields are set by path (``"tasks.next"``, ``"d_name.len"``)."""

    __slots__ = ("address", "data", "type_name", "types")

    def __init__(
        self, type_name: str, address: int, size: int | None = None, types: TypeRegistry | None = None
    ):
        self.types = types or kernel_types()
        self.type_name = type_name
        self.address = address
        self.data = bytearray(size if size is not None else self.types.size_of(type_name))

    def offset(self, path: str) -> int:
        return self.types.offset_of(self.type_name, path) if path else 0

    def address_of(self, path: str) -> int:
        return self.address + self.offset(path)

    def set(self, path: str, value: int | bytes | str) -> KernelObject:
        """Pack an integer (any width, signed or not, or a bit field) or bytes into the field."""
        field = self.types.resolve(self.type_name, path)
        if isinstance(value, str):
            value = value.encode()
        if isinstance(value, (bytes, bytearray)):
            if len(value) > field.size:
                raise ValueError(f"{self.type_name}.{path}: {len(value)} bytes do not fit in {field.size}")
            self.data[field.offset : field.offset + len(value)] = value
            return self
        if field.bits is not None:
            position, length = field.bits
            mask = ((1 << length) - 1) << position
            current = int.from_bytes(self.data[field.offset : field.offset + field.size], "little")
            current = (current & ~mask) | ((value << position) & mask)
            self.data[field.offset : field.offset + field.size] = current.to_bytes(field.size, "little")
            return self
        if value < 0 and not field.signed:
            value &= (1 << (8 * field.size)) - 1
        self.data[field.offset : field.offset + field.size] = value.to_bytes(
            field.size, "little", signed=field.signed and value < 0
        )
        return self

    def fill(self, fields: dict[str, int | bytes | str]) -> KernelObject:
        for path, value in fields.items():
            self.set(path, value)
        return self

    def empty_list(self, path: str) -> KernelObject:
        """An empty list_head points at itself both ways, as INIT_LIST_HEAD leaves it."""
        head = self.address_of(path)
        return self.set(f"{path}.next", head).set(f"{path}.prev", head)

    def put(self, offset: int, data: bytes) -> None:
        self.data[offset : offset + len(data)] = data


def link_list(head: KernelObject, head_path: str, members: list[tuple[KernelObject, str]]) -> None:
    """Chain ``members`` (object, list_head path) after ``head`` into one circular list, in order.
    An empty path means the object itself is the list_head (a bare ``LIST_HEAD(modules)``)."""
    nodes = [(head, head_path), *members]
    for index, (node, path) in enumerate(nodes):
        following, following_path = nodes[(index + 1) % len(nodes)]
        previous, previous_path = nodes[index - 1]
        prefix = f"{path}." if path else ""
        node.set(f"{prefix}next", following.address_of(following_path))
        node.set(f"{prefix}prev", previous.address_of(previous_path))
