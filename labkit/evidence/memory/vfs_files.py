"""Filling inodes and open files: the parts of the VFS that are the same whatever file system."""

from __future__ import annotations

import stat

from labkit.evidence.memory.clock import NSEC
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.spec import MemFile
from labkit.evidence.memory.vfs_mounts import Mounted

FMODE_READ, FMODE_WRITE, FMODE_LSEEK, FMODE_PREAD, FMODE_PWRITE = 0x1, 0x2, 0x4, 0x8, 0x10
FMODE_CAN_READ, FMODE_CAN_WRITE, FMODE_OPENED = 0x20000, 0x40000, 0x80000
O_WRONLY, O_RDWR, O_APPEND, O_LARGEFILE = 0x1, 0x2, 0x400, 0x8000
GFP_HIGHUSER_MOVABLE = 0x100CCA
CHARACTER_DEVICES = {  # path: (major, minor, file operations)
    "/dev/null": (1, 3, "null_fops"),
    "/dev/zero": (1, 5, "zero_fops"),
    "/dev/random": (1, 8, "random_fops"),
    "/dev/urandom": (1, 9, "urandom_fops"),
    "/dev/kmsg": (1, 11, "def_chr_fops"),
    "/dev/tty": (5, 0, "tty_fops"),
    "/dev/console": (5, 1, "tty_fops"),
    "/dev/ptmx": (5, 2, "tty_fops"),
}


def fill_inode(
    inode: KernelObject,
    mounted: Mounted,
    ino: int,
    mode: int,
    memfile: MemFile | None,
    path: str | None,
    stamp: int,
    uid: int,
    gid: int,
    count: int,
) -> KernelObject:
    """Fill a struct inode: type and permissions, owner, size, times, device numbers, link count
    (0 for a deleted file) and its own address_space."""
    size = memfile.size if memfile else (4096 if stat.S_ISDIR(mode) else 0)
    nlink = 0 if memfile and memfile.deleted else (2 if stat.S_ISDIR(mode) else 1)
    major, minor, _ = CHARACTER_DEVICES.get(path or "", (0, 0, ""))
    if path and path.startswith("/dev/pts/") and path[9:].isdigit():
        major, minor = 136, int(path[9:])
    inode.fill(
        {
            "i_mode": mode,
            "i_uid.val": memfile.uid if memfile else uid,
            "i_gid.val": memfile.gid if memfile else gid,
            "i_sb": mounted.super_block.address,
            "i_mapping": inode.address_of("i_data"),
            "i_ino": ino,
            "i_nlink": nlink,
            "i_rdev": (major << 20) | minor,
            "i_size": size,
            "i_blkbits": 12,
            "i_blocks": ((size + 4095) // 4096) * 8,
            "i_count.counter": count,
            "i_data.host": inode.address,
            "i_data.gfp_mask": GFP_HIGHUSER_MOVABLE,
        }
    )
    for name in ("i_atime", "i_mtime", "i_ctime"):
        inode.set(f"{name}.tv_sec", stamp // NSEC).set(f"{name}.tv_nsec", stamp % NSEC)
    for list_head in ("i_io_list", "i_lru", "i_sb_list", "i_wb_list", "i_devices", "i_data.private_list"):
        inode.empty_list(list_head)
    return inode


def fill_file(
    handle: KernelObject,
    f_op: int,
    vfsmount: int,
    dentry: int,
    inode: KernelObject,
    cred: int,
    access: int,
    private: int = 0,
) -> KernelObject:
    mode = FMODE_LSEEK | FMODE_OPENED
    if access & 3 in (0, O_RDWR):
        mode |= FMODE_READ | FMODE_PREAD | FMODE_CAN_READ
    if access & 3 in (O_WRONLY, O_RDWR):
        mode |= FMODE_WRITE | FMODE_PWRITE | FMODE_CAN_WRITE
    handle.fill(
        {
            "f_path.mnt": vfsmount,
            "f_path.dentry": dentry,
            "f_inode": inode.address,
            "f_op": f_op,
            "f_count.counter": 1,
            "f_flags": access | O_LARGEFILE,
            "f_mode": mode,
            "f_cred": cred,
            "f_mapping": inode.address_of("i_data"),
            "private_data": private,
        }
    )
    return handle


def access_for(path: str) -> int:
    if path.startswith("/var/log/") or path.endswith(".log"):
        return O_WRONLY | O_APPEND
    if path.startswith("/dev/"):
        return O_RDWR
    return 0
