"""Sockets: socket_alloc (struct socket + its sockfs inode), the protocol's sock object (tcp_sock,
udp_sock, their IPv6 variants with ipv6_pinfo at the end, unix_sock), a sockfs dentry whose
d_dname is sockfs_dname (lsof shows "socket:[inode]") and the struct file the descriptors share."""

from __future__ import annotations

import socket as socket_module
import stat
import struct

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.clock import NSEC, epoch_ns
from labkit.evidence.memory.kernel_object import KernelObject
from labkit.evidence.memory.spec import MemProcess, MemSocket
from labkit.evidence.memory.vfs_files import O_RDWR

TCP_STATES = {
    name: number
    for number, name in enumerate(
        (
            "",
            "ESTABLISHED",
            "SYN_SENT",
            "SYN_RECV",
            "FIN_WAIT1",
            "FIN_WAIT2",
            "TIME_WAIT",
            "CLOSE",
            "CLOSE_WAIT",
            "LAST_ACK",
            "LISTEN",
            "CLOSING",
        )
    )
}
TCP_STATES["UNCONNECTED"] = TCP_STATES["CLOSE"]
SS_UNCONNECTED, SS_CONNECTING, SS_CONNECTED = 1, 2, 3
FAMILIES = {
    "AF_UNIX": socket_module.AF_UNIX,
    "AF_INET": socket_module.AF_INET,
    "AF_INET6": socket_module.AF_INET6,
}
# (family, type): (slab cache, proto symbol, proto_ops symbol, IP protocol, object size)
KINDS = {
    ("AF_INET", "STREAM"): ("TCP", "tcp_prot", "inet_stream_ops", 6),
    ("AF_INET", "DGRAM"): ("UDP", "udp_prot", "inet_dgram_ops", 17),
    ("AF_INET6", "STREAM"): ("TCPv6", "tcpv6_prot", "inet6_stream_ops", 6),
    ("AF_INET6", "DGRAM"): ("UDPv6", "udpv6_prot", "inet6_dgram_ops", 17),
    ("AF_UNIX", "STREAM"): ("UNIX", "unix_stream_proto", "unix_stream_ops", 0),
    ("AF_UNIX", "DGRAM"): ("UNIX", "unix_dgram_proto", "unix_dgram_ops", 0),
}
IPV6_PINFO_SIZE = 168


class Sockets:
    """Builds each spec socket the first time a descriptor refers to it."""

    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.spec = {sock.inode: sock for sock in ctx.spec.sockets}
        self.files: dict[int, KernelObject] = {}
        self.socks: dict[int, KernelObject] = {}
        self._references: dict[int, int] = {}
        self._orphan_inodes = max([sock.inode for sock in ctx.spec.sockets] + [1000]) + 1

    def file_for(self, inode: int, owner: MemProcess, cred: int) -> int:
        if inode not in self.files:
            sock = self.spec[inode]
            created = epoch_ns(sock.created) if sock.created else epoch_ns(owner.start) + 40_000_000
            self._build(sock, owner.uid, created, cred)
        handle = self.files[inode]
        self._references[inode] = self._references.get(inode, 0) + 1  # descriptors sharing the file
        handle.set("f_count.counter", self._references[inode])
        return handle.address

    def finish(self) -> None:
        """Sockets no process holds (peers outside the host's process list) and unix peers."""
        for inode, sock in self.spec.items():
            if inode not in self.files:
                self._build(sock, 0, self.ctx.clock.boot_ns + 5 * NSEC, self.ctx.symbol("init_cred"))
        for inode, spec in self.spec.items():
            if spec.family == "AF_UNIX" and (spec.remote_addr or spec.remote_port):
                peer = self.socks.get(spec.remote_port) if spec.remote_port in self.spec else None
                if peer is None:
                    orphan = MemSocket(
                        self._orphan_inodes, "AF_UNIX", spec.type, spec.state, spec.remote_addr
                    )
                    self._orphan_inodes += 1
                    self._build(orphan, 0, self.ctx.clock.boot_ns + 5 * NSEC, self.ctx.symbol("init_cred"))
                    peer = self.socks[orphan.inode]
                self.socks[inode].set("peer", peer.address)

    def _build(self, spec: MemSocket, uid: int, created_ns: int, cred: int) -> None:
        ctx = self.ctx
        cache, proto, ops, protocol = KINDS[(spec.family, spec.type)]
        sockfs = ctx.vfs.mounted["sockfs"]
        container = ctx.slab.allocate("sock_inode_cache")
        inode = ctx.vfs.fill_inode(
            ctx.memory.object("inode", container + 128),
            sockfs,
            spec.inode,
            stat.S_IFSOCK | 0o777,
            None,
            created_ns=created_ns,
            uid=uid,
        )
        sock = ctx.memory.object(
            "unix_sock" if spec.family == "AF_UNIX" else "inet_sock", ctx.slab.allocate(cache)
        )
        socket = ctx.memory.object("socket", container)
        dentry = ctx.memory.object("dentry", ctx.slab.allocate("dentry"))
        dentry.fill(
            {
                "d_flags": 0x500040,
                "d_parent": dentry.address,
                "d_name.name": dentry.address_of("d_iname"),
                "d_inode": inode.address,
                "d_op": ctx.symbol("sockfs_dentry_operations"),
                "d_sb": sockfs.super_block.address,
                "d_lockref": 1 << 32,
            }
        )
        for list_head in ("d_lru", "d_child", "d_subdirs"):
            dentry.empty_list(list_head)
        handle = ctx.vfs.file_object(
            sockfs.vfsmount, dentry.address, inode, "socket_file_ops", cred, O_RDWR, private=socket.address
        )
        handle.set("f_count.counter", 0)
        stream = spec.type == "STREAM"
        state = (
            TCP_STATES[spec.state] if stream else (1 if spec.state == "ESTABLISHED" else TCP_STATES["CLOSE"])
        )
        if stream:
            socket_state = (
                SS_UNCONNECTED
                if spec.state in ("LISTEN", "CLOSE", "UNCONNECTED")
                else SS_CONNECTING
                if spec.state == "SYN_SENT"
                else SS_CONNECTED
            )
        else:
            socket_state = SS_CONNECTED if spec.state == "ESTABLISHED" else SS_UNCONNECTED
        socket.fill(
            {
                "state": socket_state,
                "type": 1 if stream else 2,
                "file": handle.address,
                "sk": sock.address,
                "ops": ctx.symbol(ops),
                "flags": 0,
            }
        )
        rng = ctx.seeds.rng("socket", spec.inode)
        sock.fill(
            {
                "sk.__sk_common.skc_family": FAMILIES[spec.family],
                "sk.__sk_common.skc_state": state,
                "sk.__sk_common.skc_prot": ctx.symbol(proto),
                "sk.__sk_common.skc_net.net": ctx.symbol("init_net"),
                "sk.__sk_common.skc_refcnt.refs.counter": 2,
                "sk.__sk_common.skc_cookie.counter": rng.randrange(1, 1 << 16),
                "sk.__sk_common.skc_reuse": 1 if spec.state == "LISTEN" else 0,
                "sk.sk_type": 1 if stream else 2,
                "sk.sk_protocol": protocol,
                "sk.sk_socket": socket.address,
                "sk.sk_uid.val": uid,
                "sk.sk_rcvbuf": 131072,
                "sk.sk_sndbuf": 16384 if stream else 212992,
                "sk.sk_max_ack_backlog": 4096 if spec.state == "LISTEN" else 0,
                "sk.sk_prot_creator": ctx.symbol(proto),
                "sk.sk_rcvtimeo": 0x7FFFFFFFFFFFFFFF,
                "sk.sk_sndtimeo": 0x7FFFFFFFFFFFFFFF,
                "sk.sk_state_change": ctx.symbol("sock_def_wakeup"),
                "sk.sk_data_ready": ctx.symbol("sock_def_readable"),
                "sk.sk_destruct": ctx.symbol(
                    "unix_sock_destructor" if spec.family == "AF_UNIX" else "inet_sock_destruct"
                ),
            }
        )
        if spec.family == "AF_UNIX":
            self._unix(sock, spec)
        else:
            self._inet(sock, spec, rng.randrange(1, 1 << 16))
        self.files[spec.inode] = handle
        self.socks[spec.inode] = sock

    def _inet(self, sock: KernelObject, spec: MemSocket, ip_id: int) -> None:
        family = FAMILIES[spec.family]
        local = socket_module.inet_pton(
            family, spec.local_addr or ("0.0.0.0" if family == socket_module.AF_INET else "::")
        )
        remote = socket_module.inet_pton(
            family, spec.remote_addr or ("0.0.0.0" if family == socket_module.AF_INET else "::")
        )
        sock.fill(
            {
                "sk.__sk_common.skc_num": spec.local_port,
                "sk.__sk_common.skc_dport": struct.pack(">H", spec.remote_port),
                "inet_sport": struct.pack(">H", spec.local_port),
                "uc_ttl": -1,
                "mc_ttl": 1,
                "inet_id": ip_id,
                "pmtudisc": 1,
            }
        )
        if family == socket_module.AF_INET:
            sock.fill(
                {
                    "sk.__sk_common.skc_rcv_saddr": local,
                    "sk.__sk_common.skc_daddr": remote,
                    "inet_saddr": local,
                }
            )
        else:
            cache_size = self.ctx.slab.caches[KINDS[(spec.family, spec.type)][0]].object_size
            pinfo = self.ctx.memory.object("ipv6_pinfo", sock.address + cache_size - IPV6_PINFO_SIZE - 64)
            pinfo.fill({"saddr": local, "hop_limit": -1, "mcast_hops": -1})
            sock.fill(
                {
                    "sk.__sk_common.skc_v6_rcv_saddr": local,
                    "sk.__sk_common.skc_v6_daddr": remote,
                    "pinet6": pinfo.address,
                }
            )

    def _unix(self, sock: KernelObject, spec: MemSocket) -> None:
        sock.empty_list("link")
        if not spec.local_addr:
            return
        path = spec.local_addr.encode()
        address = self.ctx.slab.kmalloc(12 + 2 + len(path) + 1)
        name = struct.pack("<H", socket_module.AF_UNIX) + path + b"\0"
        self.ctx.memory.blob(address, struct.pack("<iiI", 1, len(name), 0) + name)
        sock.set("addr", address)
