"""Small building blocks (lists, counters, ids, times) and the namespaces every task points to."""

from __future__ import annotations

from labkit.evidence.memory.kernel_types.model import EnumType, StructType, struct, union

BASIC_TYPES: tuple[StructType, ...] = (
    struct("list_head", 16, [("next", 0, "*list_head"), ("prev", 8, "*list_head")]),
    struct("hlist_head", 8, [("first", 0, "*hlist_node")]),
    struct("hlist_node", 16, [("next", 0, "*hlist_node"), ("pprev", 8, "**hlist_node")]),
    struct(
        "rb_node",
        24,
        [("__rb_parent_color", 0, "ulong"), ("rb_right", 8, "*rb_node"), ("rb_left", 16, "*rb_node")],
    ),
    struct("rb_root", 8, [("rb_node", 0, "*rb_node")]),
    struct("rb_root_cached", 16, [("rb_root", 0, "rb_root"), ("rb_leftmost", 8, "*rb_node")]),
    struct("atomic_t", 4, [("counter", 0, "int")]),
    struct("atomic64_t", 8, [("counter", 0, "s64")]),
    struct("refcount_struct", 4, [("refs", 0, "atomic_t")]),
    struct("kref", 4, [("refcount", 0, "refcount_struct")]),
    struct("kuid_t", 4, [("val", 0, "uint")]),
    struct("kgid_t", 4, [("val", 0, "uint")]),
    struct("timespec64", 16, [("tv_sec", 0, "s64"), ("tv_nsec", 8, "long")]),
    struct(
        "qstr",
        16,
        [("hash", 0, "u32"), ("len", 4, "u32"), ("hash_len", 0, "u64"), ("name", 8, "*uchar")],
    ),
    struct("path", 16, [("mnt", 0, "*vfsmount"), ("dentry", 8, "*dentry")]),
    struct("xarray", 16, [("xa_lock", 0, "uint"), ("xa_flags", 4, "uint"), ("xa_head", 8, "*void")]),
    struct(
        "xa_node",
        576,
        [
            ("shift", 0, "uchar"),
            ("offset", 1, "uchar"),
            ("count", 2, "uchar"),
            ("nr_values", 3, "uchar"),
            ("parent", 8, "*xa_node"),
            ("array", 16, "*xarray"),
            ("private_list", 24, "list_head"),
            ("slots", 40, "*void[64]"),
            ("marks", 552, "ulong[3]"),
        ],
    ),
    struct("idr", 24, [("idr_rt", 0, "xarray"), ("idr_base", 16, "uint"), ("idr_next", 20, "uint")]),
    struct(
        "page",
        64,
        [
            ("flags", 0, "ulong"),
            ("lru", 8, "list_head"),
            ("mapping", 24, "*address_space"),
            ("index", 32, "ulong"),
            ("private", 40, "ulong"),
            ("_mapcount", 48, "atomic_t"),
            ("_refcount", 52, "atomic_t"),
            ("memcg_data", 56, "ulong"),
        ],
    ),
    struct("upid", 16, [("nr", 0, "int"), ("ns", 8, "*pid_namespace")]),
    struct(
        "pid",
        96,
        [
            ("count", 0, "refcount_struct"),
            ("level", 4, "uint"),
            ("lock", 8, "uint"),
            ("tasks", 16, "hlist_head[4]"),
            ("inodes", 48, "hlist_head"),
            ("wait_pidfd", 56, "u64[3]"),
            ("numbers", 80, "upid[1]"),
        ],
    ),
    struct(
        "ns_common",
        24,
        [
            ("stashed", 0, "atomic64_t"),
            ("ops", 8, "*void"),
            ("inum", 16, "uint"),
            ("count", 20, "refcount_struct"),
        ],
    ),
    struct(
        "user_namespace",
        624,
        [
            ("uid_map", 0, "u32[30]"),
            ("parent", 416, "*user_namespace"),
            ("level", 424, "int"),
            ("ns", 456, "ns_common"),
        ],
    ),
    struct(
        "pid_namespace",
        144,
        [
            ("idr", 0, "idr"),
            ("child_reaper", 40, "*task_struct"),
            ("level", 64, "uint"),
            ("parent", 72, "*pid_namespace"),
            ("user_ns", 96, "*user_namespace"),
            ("ns", 112, "ns_common"),
        ],
    ),
    struct(
        "new_utsname",
        390,
        [
            ("sysname", 0, "char[65]"),
            ("nodename", 65, "char[65]"),
            ("release", 130, "char[65]"),
            ("version", 195, "char[65]"),
            ("machine", 260, "char[65]"),
            ("domainname", 325, "char[65]"),
        ],
    ),
    struct(
        "uts_namespace",
        432,
        [
            ("name", 0, "new_utsname"),
            ("user_ns", 392, "*user_namespace"),
            ("ucounts", 400, "*void"),
            ("ns", 408, "ns_common"),
        ],
    ),
    struct("timens_offsets", 32, [("monotonic", 0, "timespec64"), ("boottime", 16, "timespec64")]),
    struct(
        "time_namespace",
        88,
        [
            ("user_ns", 0, "*user_namespace"),
            ("ucounts", 8, "*void"),
            ("ns", 16, "ns_common"),
            ("offsets", 40, "timens_offsets"),
            ("vvar_page", 72, "*page"),
            ("frozen_offsets", 80, "bool"),
        ],
    ),
    struct(
        "nsproxy",
        72,
        [
            ("count", 0, "atomic_t"),
            ("uts_ns", 8, "*uts_namespace"),
            ("ipc_ns", 16, "*void"),
            ("mnt_ns", 24, "*mnt_namespace"),
            ("pid_ns_for_children", 32, "*pid_namespace"),
            ("net_ns", 40, "*net"),
            ("time_ns", 48, "*time_namespace"),
            ("time_ns_for_children", 56, "*time_namespace"),
            ("cgroup_ns", 64, "*void"),
        ],
    ),
    union(
        "unnamed_in6_u",
        16,
        [("u6_addr8", 0, "u8[16]"), ("u6_addr16", 0, "u16[8]"), ("u6_addr32", 0, "u32[4]")],
    ),
    struct("in6_addr", 16, [("in6_u", 0, "unnamed_in6_u")]),
)

BASIC_ENUMS: tuple[EnumType, ...] = (
    EnumType(
        "pid_type",
        4,
        {"PIDTYPE_PID": 0, "PIDTYPE_TGID": 1, "PIDTYPE_PGID": 2, "PIDTYPE_SID": 3, "PIDTYPE_MAX": 4},
    ),
)
