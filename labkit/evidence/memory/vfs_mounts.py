"""The mount table of a typical Ubuntu or Debian server, plus the kernel's internal mounts
(sockfs, pipefs, anon_inodefs): super blocks, root dentries and struct mount objects."""

from __future__ import annotations

import random
from dataclasses import dataclass

from labkit.evidence.memory.address_space import KernelMemory
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.slab import SlabAllocator

MNT_NOSUID, MNT_NODEV, MNT_NOEXEC, MNT_RELATIME = 0x1, 0x2, 0x4, 0x20
MNT_NS_INTERNAL = 0xFFFFFFFFFFFFFFEA  # ERR_PTR(-EINVAL): kern_mount()ed, in no namespace
SB_ACTIVE, SB_BORN, SB_NOUSER, SB_KERNMOUNT = 1 << 30, 1 << 29, 1 << 31, 1 << 22


@dataclass(frozen=True)
class FileSystem:
    """One mounted file system (or internal one): what a super block says about itself."""

    mount_point: str | None  # None for internal mounts
    fs_type: str  # file_system_type symbol
    type_name: str  # its name string ("ext4")
    device: str  # mnt_devname
    dev: tuple[int, int]  # s_dev major, minor
    magic: int
    s_id: str
    inode_cache: str
    inode_offset: int  # where struct inode lies inside the cache's objects
    mount_flags: int
    file_fops: str
    dir_fops: str


def standard_file_systems(distribution: str) -> list[FileSystem]:
    """Mounts as `findmnt` lists them on a freshly installed server, parents before children."""
    if distribution == "ubuntu":
        root = FileSystem(
            "/",
            "ext4_fs_type",
            "ext4",
            "/dev/mapper/ubuntu--vg-ubuntu--lv",
            (253, 0),
            0xEF53,
            "dm-0",
            "ext4_inode_cache",
            264,
            MNT_RELATIME,
            "ext4_file_operations",
            "ext4_dir_operations",
        )
    else:
        root = FileSystem(
            "/",
            "ext4_fs_type",
            "ext4",
            "/dev/sda1",
            (8, 1),
            0xEF53,
            "sda1",
            "ext4_inode_cache",
            264,
            MNT_RELATIME,
            "ext4_file_operations",
            "ext4_dir_operations",
        )
    tmpfs = ("shmem_fs_type", "tmpfs", "tmpfs")
    return [
        root,
        FileSystem(
            "/sys",
            "sysfs_fs_type",
            "sysfs",
            "sysfs",
            (0, 21),
            0x62656572,
            "sysfs",
            "inode_cache",
            0,
            MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_RELATIME,
            "def_chr_fops",
            "def_chr_fops",
        ),
        FileSystem(
            "/proc",
            "proc_fs_type",
            "proc",
            "proc",
            (0, 22),
            0x9FA0,
            "proc",
            "proc_inode_cache",
            80,
            MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_RELATIME,
            "def_chr_fops",
            "def_chr_fops",
        ),
        FileSystem(
            "/dev",
            "dev_fs_type",
            "devtmpfs",
            "udev",
            (0, 5),
            0x01021994,
            "devtmpfs",
            "shmem_inode_cache",
            144,
            MNT_NOSUID | MNT_RELATIME,
            "def_chr_fops",
            "shmem_file_operations",
        ),
        FileSystem(
            "/dev/pts",
            "devpts_fs_type",
            "devpts",
            "devpts",
            (0, 23),
            0x1CD1,
            "devpts",
            "inode_cache",
            0,
            MNT_NOSUID | MNT_NOEXEC | MNT_RELATIME,
            "tty_fops",
            "def_chr_fops",
        ),
        FileSystem(
            "/run",
            *tmpfs,
            (0, 24),
            0x01021994,
            "tmpfs",
            "shmem_inode_cache",
            144,
            MNT_NOSUID | MNT_NOEXEC | MNT_RELATIME,
            "shmem_file_operations",
            "shmem_file_operations",
        ),
        FileSystem(
            "/dev/shm",
            *tmpfs,
            (0, 25),
            0x01021994,
            "tmpfs",
            "shmem_inode_cache",
            144,
            MNT_NOSUID | MNT_NODEV,
            "shmem_file_operations",
            "shmem_file_operations",
        ),
        FileSystem(
            "/run/lock",
            *tmpfs,
            (0, 26),
            0x01021994,
            "tmpfs",
            "shmem_inode_cache",
            144,
            MNT_NOSUID | MNT_NODEV | MNT_NOEXEC | MNT_RELATIME,
            "shmem_file_operations",
            "shmem_file_operations",
        ),
        FileSystem(
            None,
            "sock_fs_type",
            "sockfs",
            "sockfs",
            (0, 8),
            0x534F434B,
            "sockfs",
            "sock_inode_cache",
            128,
            0,
            "socket_file_ops",
            "socket_file_ops",
        ),
        FileSystem(
            None,
            "pipe_fs_type",
            "pipefs",
            "pipefs",
            (0, 13),
            0x50495045,
            "pipefs",
            "inode_cache",
            0,
            0,
            "pipefifo_fops",
            "pipefifo_fops",
        ),
        FileSystem(
            None,
            "anon_inode_fs_type",
            "anon_inodefs",
            "anon_inodefs",
            (0, 14),
            0x09041934,
            "anon_inodefs",
            "inode_cache",
            0,
            0,
            "eventpoll_fops",
            "eventpoll_fops",
        ),
    ]


@dataclass
class Mounted:
    """A file system once built: its super block, root dentry and mount objects."""

    fs: FileSystem
    super_block: KernelObject
    mount: KernelObject
    root_dentry: KernelObject | None = None

    @property
    def vfsmount(self) -> int:
        return self.mount.address_of("mnt")


def build_super_block(
    memory: KernelMemory, slab: SlabAllocator, fs: FileSystem, rng: random.Random
) -> KernelObject:
    block = memory.object("super_block", slab.kmalloc(2048))
    flags = SB_ACTIVE | SB_BORN | (SB_NOUSER | SB_KERNMOUNT if fs.mount_point is None else 0)
    block.fill(
        {
            "s_dev": (fs.dev[0] << 20) | fs.dev[1],
            "s_blocksize_bits": 12,
            "s_blocksize": 4096,
            "s_maxbytes": 0x7FFFFFFFFFFFFFFF if fs.type_name != "ext4" else 0xFFFFFFFF000,
            "s_type": memory.layout.symbol(fs.fs_type),
            "s_flags": flags,
            "s_magic": fs.magic,
            "s_count": 1,
            "s_active.counter": 1 + rng.randrange(1, 40),
            "s_time_gran": 1,
            "s_time_min": -0x80000000,
            "s_time_max": 0x3FFFFFFFF,
            "s_id": fs.s_id,
            "s_max_links": 65000,
        }
    )
    if fs.type_name == "ext4":
        block.set("s_uuid", rng.randbytes(16))
    for list_head in ("s_list", "s_mounts", "s_inodes"):
        block.empty_list(list_head)
    return block


def build_mount(
    memory: KernelMemory,
    slab: SlabAllocator,
    fs: FileSystem,
    block: KernelObject,
    mount_id: int,
    device_name: int,
) -> KernelObject:
    mount = memory.object("mount", slab.allocate("mnt_cache"))
    mount.fill(
        {
            "mnt.mnt_sb": block.address,
            "mnt.mnt_flags": fs.mount_flags,
            "mnt_devname": device_name,
            "mnt_id": mount_id,
            "mnt_parent": mount.address,
        }
    )
    for list_head in (
        "mnt_mounts",
        "mnt_child",
        "mnt_instance",
        "mnt_list",
        "mnt_expire",
        "mnt_share",
        "mnt_slave_list",
        "mnt_slave",
    ):
        mount.empty_list(list_head)
    if fs.mount_point is None:
        mount.set("mnt_ns", MNT_NS_INTERNAL)
    return mount
