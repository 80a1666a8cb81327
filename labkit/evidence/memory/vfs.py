"""Files the way the kernel holds them: dentry chains up to each mount's root, inodes inside
their file system's inode cache, and a struct file per open descriptor or file mapping."""

from __future__ import annotations

import hashlib
import random
import stat
from dataclasses import dataclass

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.clock import NSEC, BootClock, epoch_ns
from labkit.evidence.memory.kernel_object import KernelObject, link_list
from labkit.evidence.memory.slab import SlabAllocator
from labkit.evidence.memory.spec import MemFile
from labkit.evidence.memory.vfs_files import CHARACTER_DEVICES, access_for, fill_file, fill_inode
from labkit.evidence.memory.vfs_mounts import (
    FileSystem,
    Mounted,
    build_mount,
    build_super_block,
    standard_file_systems,
)

DNAME_INLINE_LEN = 32
DCACHE_MOUNTED, DCACHE_DIRECTORY_TYPE, DCACHE_REGULAR_TYPE, DCACHE_SPECIAL_TYPE = (
    0x10000,
    0x200000,
    0x400000,
    0x500000,
)


@dataclass
class Inode:
    inode: KernelObject  # the struct inode (inside its cache object)
    dentry: KernelObject
    mounted: Mounted
    fops: str


class Vfs:
    """Builds mounts at construction; dentries, inodes and files on demand, each exactly once."""

    def __init__(
        self,
        memory: KernelMemory,
        slab: SlabAllocator,
        clock: BootClock,
        rng: random.Random,
        distribution: str,
        files: list[MemFile],
    ) -> None:
        self.memory, self.slab, self.clock, self._rng = memory, slab, clock, rng
        self.spec_files = {memfile.path: memfile for memfile in files}
        self._used_inodes = {memfile.inode for memfile in files}
        self._dentries: dict[tuple[str, tuple[str, ...]], KernelObject] = {}
        self._children: dict[int, list[KernelObject]] = {}
        self._parents: dict[int, KernelObject] = {}
        self.inodes: dict[tuple[str, tuple[str, ...]], Inode] = {}
        self.mounted: dict[str, Mounted] = {}
        self._build_mounts(standard_file_systems(distribution))

    # -- mounts -----------------------------------------------------------------------------
    def _build_mounts(self, file_systems: list[FileSystem]) -> None:
        for mount_id, fs in enumerate(file_systems, start=24):
            block = build_super_block(self.memory, self.slab, fs, self._rng)
            device_name = self.string(fs.device)
            mounted = Mounted(
                fs, block, build_mount(self.memory, self.slab, fs, block, mount_id, device_name)
            )
            key = fs.mount_point or fs.type_name
            self.mounted[key] = mounted
            root = self._new_dentry(
                mounted, None, "/", stat.S_IFDIR | 0o755, 2 if fs.type_name == "ext4" else 1
            )
            mounted.root_dentry = root
            block.set("s_root", root.address)
            mounted.mount.set("mnt.mnt_root", root.address)
            mounted.mount.set("mnt_mountpoint", root.address)
        namespace = self.memory.object("mnt_namespace", self.slab.kmalloc(128))
        visible = [m for m in self.mounted.values() if m.fs.mount_point is not None]
        namespace.fill(
            {
                "ns.inum": 4026531840,
                "ns.count.refs.counter": 1,
                "root": visible[0].mount.address,
                "mounts": len(visible),
                "seq": 1,
                "event": 1 + self._rng.randrange(80),
            }
        )
        link_list(namespace, "list", [(m.mount, "mnt_list") for m in visible])
        for mounted in visible[1:]:
            parent = self.mount_for(mounted.fs.mount_point, exclude=mounted)
            point = self.dentry(mounted.fs.mount_point, directory=True, within=parent)
            point.set("d_flags", DCACHE_DIRECTORY_TYPE | DCACHE_MOUNTED)
            mounted.mount.set("mnt_parent", parent.mount.address)
            mounted.mount.set("mnt_mountpoint", point.address)
            mounted.mount.set("mnt_ns", namespace.address)
        visible[0].mount.set("mnt_ns", namespace.address)
        for mounted in visible:
            children = [
                (m.mount, "mnt_child")
                for m in visible[1:]
                if m.mount.address != mounted.mount.address
                and m.mount.data[16:24] == mounted.mount.address.to_bytes(8, "little")
            ]
            if children:
                link_list(mounted.mount, "mnt_mounts", children)
        self.namespace = namespace

    def mount_for(self, path: str, exclude: Mounted | None = None) -> Mounted:
        best = self.mounted["/"]
        for mounted in self.mounted.values():
            point = mounted.fs.mount_point
            if point is None or mounted is exclude or point == "/":
                continue
            if (path == point or path.startswith(point + "/")) and len(point) > len(
                best.fs.mount_point or ""
            ):
                best = mounted
        return best

    # -- names and dentries -------------------------------------------------------------------
    def string(self, text: str) -> int:
        encoded = text.encode() + b"\0"
        address = self.slab.kmalloc(len(encoded))
        self.memory.blob(address, encoded)
        return address

    def dentry(self, path: str, directory: bool = False, within: Mounted | None = None) -> KernelObject:
        mounted = within or self.mount_for(path)
        point = mounted.fs.mount_point or "/"
        relative = path[len(point) :] if point != "/" else path
        parts = tuple(part for part in relative.split("/") if part)
        if not parts:
            assert mounted.root_dentry is not None
            return mounted.root_dentry
        key = (point, parts)
        if key not in self._dentries:
            parent = (
                self.dentry(point.rstrip("/") + "/" + "/".join(parts[:-1]), True, mounted)
                if len(parts) > 1
                else mounted.root_dentry
            )
            if directory:
                mode, ino = stat.S_IFDIR | 0o755, self._directory_inode(mounted, path)
            else:
                memfile = self.spec_files[path]
                mode, ino = memfile.mode, memfile.inode
            self._dentries[key] = self._new_dentry(mounted, parent, parts[-1], mode, ino, path, key)
        return self._dentries[key]

    def _directory_inode(self, mounted: Mounted, path: str) -> int:
        digest = int.from_bytes(hashlib.sha256(f"{mounted.fs.s_id}:{path}".encode()).digest()[:4], "little")
        low, span = (131073, 2_500_000) if mounted.fs.type_name == "ext4" else (2, 4000)
        ino = low + digest % span
        while ino in self._used_inodes:
            ino += 1
        self._used_inodes.add(ino)
        return ino

    def _new_dentry(
        self,
        mounted: Mounted,
        parent: KernelObject | None,
        name: str,
        mode: int,
        ino: int,
        path: str | None = None,
        key: tuple[str, tuple[str, ...]] | None = None,
    ) -> KernelObject:
        dentry = self.memory.object("dentry", self.slab.allocate("dentry"))
        encoded = name.encode()
        if len(encoded) < DNAME_INLINE_LEN:
            dentry.set("d_iname", encoded)
            name_address = dentry.address_of("d_iname")
        else:  # struct external_name: a refcount and an rcu head, then the name
            name_address = self.slab.kmalloc(len(encoded) + 25) + 24
            self.memory.blob(name_address, encoded + b"\0")
        kind = (
            DCACHE_DIRECTORY_TYPE
            if stat.S_ISDIR(mode)
            else DCACHE_REGULAR_TYPE
            if stat.S_ISREG(mode)
            else DCACHE_SPECIAL_TYPE
        )
        dentry.fill(
            {
                "d_flags": kind | 0x40,
                "d_parent": parent.address if parent else dentry.address,
                "d_name.len": len(encoded),
                "d_name.hash": _name_hash(encoded),
                "d_name.name": name_address,
                "d_sb": mounted.super_block.address,
                "d_lockref": 1 << 32,
            }
        )
        for list_head in ("d_lru", "d_child", "d_subdirs"):
            dentry.empty_list(list_head)
        if parent is not None:
            self._children.setdefault(parent.address, []).append(dentry)
            self._parents[parent.address] = parent
        inode = self._new_inode(mounted, mode, ino, path)
        dentry.set("d_inode", inode.address)
        if key is not None or parent is None:
            fops = self._fops_for(mounted, mode, path)
            inode.set("i_fop", self.memory.layout.symbol(fops))
            self.inodes[key or ((mounted.fs.mount_point or mounted.fs.type_name), ())] = Inode(
                inode, dentry, mounted, fops
            )
        return dentry

    def _fops_for(self, mounted: Mounted, mode: int, path: str | None) -> str:
        if stat.S_ISDIR(mode):
            return mounted.fs.dir_fops
        if stat.S_ISCHR(mode):
            return CHARACTER_DEVICES.get(path or "", (0, 0, mounted.fs.file_fops))[2]
        if stat.S_ISFIFO(mode):
            return "pipefifo_fops"
        return mounted.fs.file_fops

    def _new_inode(self, mounted: Mounted, mode: int, ino: int, path: str | None) -> KernelObject:
        fs = mounted.fs
        container = self.slab.allocate(fs.inode_cache)
        if fs.inode_cache == "ext4_inode_cache":  # ext4_inode_info.i_data[0]: the extent header magic
            self.memory.blob(container, b"\x0a\xf3\x01\x00\x04\x00\x00\x00")
        memfile = self.spec_files.get(path or "")
        return self.fill_inode(
            self.memory.object("inode", container + fs.inode_offset), mounted, ino, mode, memfile, path
        )

    def fill_inode(
        self,
        inode: KernelObject,
        mounted: Mounted,
        ino: int,
        mode: int,
        memfile: MemFile | None,
        path: str | None = None,
        created_ns: int | None = None,
        uid: int = 0,
        gid: int = 0,
    ) -> KernelObject:
        if memfile is not None and memfile.mtime is not None:
            stamp = epoch_ns(memfile.mtime)
        elif created_ns is not None:
            stamp = created_ns
        elif mounted.fs.type_name == "ext4":  # installed long before this boot
            days = self._rng.randrange(3, 400) * 86400 * NSEC
            stamp = self.clock.boot_ns - days + self._rng.randrange(86400 * NSEC)
        else:  # tmpfs, devtmpfs, devpts, proc and sysfs are filled at boot
            stamp = self.clock.boot_ns + self._rng.randrange(NSEC // 2, 40 * NSEC)
        return fill_inode(
            inode, mounted, ino, mode, memfile, path, stamp, uid, gid, 1 + self._rng.randrange(3)
        )

    def link_directories(self) -> None:
        """Each directory's d_subdirs lists its children through their d_child (as dcache keeps them)."""
        for parent_address, children in self._children.items():
            link_list(self._parents[parent_address], "d_subdirs", [(child, "d_child") for child in children])

    # -- open files ---------------------------------------------------------------------------
    def lookup(self, path: str) -> Inode:
        self.dentry(path)
        mounted = self.mount_for(path)
        point = mounted.fs.mount_point or "/"
        relative = path[len(point) :] if point != "/" else path
        return self.inodes[(point, tuple(part for part in relative.split("/") if part))]

    def open(self, path: str, cred: int, access: int | None = None) -> int:
        """A struct file for ``path`` (a spec file) as opened by a task with credentials ``cred``."""
        node = self.lookup(path)
        if access is None:
            access = access_for(path)
        return self.file_object(
            node.mounted.vfsmount, node.dentry.address, node.inode, node.fops, cred, access
        ).address

    def file_object(
        self,
        vfsmount: int,
        dentry: int,
        inode: KernelObject,
        fops: str,
        cred: int,
        access: int,
        private: int = 0,
    ) -> KernelObject:
        """A struct file (from the filp cache) for an opened or mapped inode."""
        handle = self.memory.object("file", self.slab.allocate("filp"))
        return fill_file(
            handle, self.memory.layout.symbol(fops), vfsmount, dentry, inode, cred, access, private
        )


def _name_hash(name: bytes) -> int:
    """A stand-in for full_name_hash(): 32 stable bits per name."""
    return int.from_bytes(hashlib.blake2s(name, digest_size=4).digest(), "little")
