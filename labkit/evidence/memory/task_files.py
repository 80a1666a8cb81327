"""Per-task file state: fs_struct (root and working directory) and files_struct with its fd table."""

from __future__ import annotations

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.slab import SlabAllocator
from labkit.evidence.memory.vfs import Vfs

NR_OPEN_DEFAULT = 64


def build_fs_struct(memory: KernelMemory, slab: SlabAllocator, vfs: Vfs, cwd: str, umask: int = 0o022) -> int:
    root = vfs.mounted["/"]
    assert root.root_dentry is not None
    try:
        pwd = vfs.dentry(cwd, directory=True)
    except KeyError:
        pwd = root.root_dentry
    pwd_mount = vfs.mount_for(cwd)
    fs = memory.object("fs_struct", slab.allocate("fs_cache"))
    fs.fill(
        {
            "users": 1,
            "umask": umask,
            "root.mnt": root.vfsmount,
            "root.dentry": root.root_dentry.address,
            "pwd.mnt": pwd_mount.vfsmount if pwd is not root.root_dentry else root.vfsmount,
            "pwd.dentry": pwd.address,
        }
    )
    return fs.address


def fill_files_struct(
    files: KernelObject, memory: KernelMemory, slab: SlabAllocator, descriptors: dict[int, int]
) -> None:
    """Point ``files`` (a files_struct) at a table holding ``descriptors`` (fd -> struct file address)."""
    files.set("count.counter", 1)
    top = max(descriptors, default=-1)
    if top < NR_OPEN_DEFAULT:
        max_fds = NR_OPEN_DEFAULT
        table = files.address_of("fdtab")
        fd_array = files.address_of("fd_array")
        open_bits, cloexec_bits, full_bits = (
            files.address_of(f"{name}_init") for name in ("open_fds", "close_on_exec", "full_fds_bits")
        )
        for fd, handle in descriptors.items():
            files.set(f"fd_array[{fd}]", handle)
        files.fill(
            {
                "fdtab.max_fds": max_fds,
                "fdtab.fd": fd_array,
                "fdtab.open_fds": open_bits,
                "fdtab.close_on_exec": cloexec_bits,
                "fdtab.full_fds_bits": full_bits,
            }
        )
    else:  # expand_files(): a separate fdtable sized in multiples of 128 descriptors
        max_fds = 128 * (1 << ((top + 1 + 127) // 128 - 1).bit_length())
        external = memory.object("fdtable", slab.kmalloc(64))
        fd_array = _allocate(memory, slab, max_fds * 8)
        words = max_fds // 64
        bitmaps = _allocate(memory, slab, 2 * words * 8)
        open_bits, cloexec_bits = bitmaps, bitmaps + words * 8
        full_bits = slab.kmalloc(8)
        array = bytearray(max_fds * 8)
        for fd, handle in descriptors.items():
            array[fd * 8 : fd * 8 + 8] = handle.to_bytes(8, "little")
        memory.blob(fd_array, bytes(array))
        external.fill(
            {
                "max_fds": max_fds,
                "fd": fd_array,
                "open_fds": open_bits,
                "close_on_exec": cloexec_bits,
                "full_fds_bits": full_bits,
            }
        )
        table = external.address
        files.fill({"fdtab.max_fds": NR_OPEN_DEFAULT, "fdtab.fd": files.address_of("fd_array")})
    bits = bytearray(max_fds // 8)
    for fd in descriptors:
        bits[fd // 8] |= 1 << (fd % 8)
    memory.blob(open_bits, bytes(bits))
    next_fd = next(fd for fd in range(max_fds + 1) if fd not in descriptors)
    files.fill({"fdt": table, "next_fd": next_fd})


def _allocate(memory: KernelMemory, slab: SlabAllocator, size: int) -> int:
    if size <= 8192:
        return slab.kmalloc(size)
    return memory.page_frames((size + 4095) // 4096)
