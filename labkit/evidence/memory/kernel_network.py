"""The initial network namespace: init_net on net_namespace_list with its devices (lo and one
Ethernet NIC carrying the host's addresses as its sockets show them), their qdiscs and their IPv4
and IPv6 addresses, as linux.ip.Addr and linux.ip.Link read them."""

from __future__ import annotations

import ipaddress
from collections import Counter
from dataclasses import dataclass, field

from labkit.evidence.memory.build_context import BuildContext
from labkit.evidence.memory.kernel_globals import NS_INUM
from labkit.evidence.memory.kernel_object import KernelObject, link_list

IFF_UP, IFF_BROADCAST, IFF_LOOPBACK, IFF_RUNNING, IFF_MULTICAST, IFF_LOWER_UP = (
    0x1,
    0x2,
    0x8,
    0x40,
    0x1000,
    0x10000,
)
IF_OPER_UNKNOWN, IF_OPER_UP = 0, 6
LINK_STATE_START, LINK_STATE_PRESENT = 0x1, 0x2
RT_SCOPE_HOST = 254
IFA_HOST, IFA_LINK = 0x10, 0x20
ARPHRD_ETHER, ARPHRD_LOOPBACK = 1, 772


@dataclass
class Device:
    name: str
    index: int
    flags: int
    mtu: int
    kind: int
    mac: bytes
    operstate: int
    qdisc: str
    ipv4: list[tuple[str, int, int]] = field(default_factory=list)  # (address, prefix, rt scope)
    ipv6: list[tuple[str, int, int]] = field(default_factory=list)  # (address, prefix, IFA scope bits)


def build_network_namespace(ctx: BuildContext) -> None:
    memory = ctx.memory
    net = memory.symbol_object("init_net")
    rng = ctx.seeds.rng("network")
    net.fill(
        {
            "passive.refs.counter": 1,
            "ns.inum": NS_INUM["net"],
            "ns.count.refs.counter": 2,
            "ifindex": 3,
            "user_ns": ctx.symbol("init_user_ns"),
            "dev_base_seq": 4,
        }
    )
    link_list(memory.symbol_object("net_namespace_list"), "", [(net, "list")])
    net.empty_list("exit_list")
    memory.symbol_object("pfifo_fast_ops").set("id", b"pfifo_fast")
    memory.symbol_object("noqueue_qdisc_ops").set("id", b"noqueue")
    interface = ctx.spec.interface
    if interface is not None:
        mac = bytes.fromhex(interface.mac.replace(":", "").replace("-", ""))
    else:
        mac = bytes([0x52, 0x54, 0x00, *rng.randbytes(3)])
    if interface is not None and interface.ipv4:
        network = ipaddress.ip_interface(interface.ipv4)
        address, prefix = str(network.ip), network.network.prefixlen
    else:
        ipv4 = Counter(
            sock.local_addr
            for sock in ctx.spec.sockets
            if sock.family == "AF_INET" and sock.local_addr and not sock.local_addr.startswith(("127.", "0."))
        )
        address = (
            ipv4.most_common(1)[0][0]
            if ipv4
            else f"10.{rng.randrange(1, 250)}.{rng.randrange(1, 250)}.{rng.randrange(10, 250)}"
        )
        prefix = 24
    interface_id = bytes([mac[0] ^ 2, *mac[1:3], 0xFF, 0xFE, *mac[3:]])  # modified EUI-64
    ipv6 = [(str(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + interface_id)), 64, IFA_LINK)]
    if interface is not None and interface.ipv6:
        global_v6 = ipaddress.ip_interface(interface.ipv6)
        ipv6.insert(0, (str(global_v6.ip), global_v6.network.prefixlen, 0))
    for sock in ctx.spec.sockets:
        if sock.family == "AF_INET6" and sock.local_addr:
            candidate = ipaddress.ip_address(sock.local_addr)
            if not (candidate.is_loopback or candidate.is_link_local or candidate.is_unspecified):
                if all(str(candidate) != known for known, _, _ in ipv6):
                    ipv6.insert(0, (str(candidate), 64, 0))
    loopback = Device(
        "lo",
        1,
        IFF_UP | IFF_LOOPBACK | IFF_RUNNING | IFF_LOWER_UP,
        65536,
        ARPHRD_LOOPBACK,
        bytes(6),
        IF_OPER_UNKNOWN,
        "noqueue_qdisc_ops",
        [("127.0.0.1", 8, RT_SCOPE_HOST)],
        [("::1", 128, IFA_HOST)],
    )
    nic = Device(
        interface.name
        if interface is not None
        else ("ens3" if "ubuntu" in ctx.spec.kernel.banner.lower() else "ens18"),
        2,
        IFF_UP | IFF_BROADCAST | IFF_RUNNING | IFF_MULTICAST | IFF_LOWER_UP,
        1500,
        ARPHRD_ETHER,
        mac,
        IF_OPER_UP,
        "pfifo_fast_ops",
        [(address, prefix, 0)],
        ipv6,
    )
    devices = [_device(ctx, net, device) for device in (loopback, nic)]
    net.set("loopback_dev", devices[0].address)
    link_list(net, "dev_base_head", [(device, "dev_list") for device in devices])


def _device(ctx: BuildContext, net: KernelObject, spec: Device) -> KernelObject:
    memory, slab = ctx.memory, ctx.slab
    device = memory.object("net_device", slab.kmalloc(4096))
    hardware = slab.kmalloc(32)
    memory.blob(hardware, spec.mac)
    qdisc = memory.object("Qdisc", slab.kmalloc(512))
    qdisc.fill({"ops": ctx.symbol(spec.qdisc), "limit": 1000, "refcnt.refs.counter": 1})
    device.fill(
        {
            "name": spec.name.encode(),
            "ifindex": spec.index,
            "flags": spec.flags,
            "mtu": spec.mtu,
            "type": spec.kind,
            "addr_len": 6,
            "perm_addr": spec.mac,
            "dev_addr": hardware,
            "operstate": spec.operstate,
            "nd_net.net": net.address,
            "qdisc": qdisc.address,
            "state": LINK_STATE_START | LINK_STATE_PRESENT,
            "tx_queue_len": 1000,
        }
    )
    device.empty_list("napi_list")
    in_device = memory.object("in_device", slab.kmalloc(512))
    in_device.fill({"dev": device.address, "refcnt.refs.counter": 3})
    following = 0
    for text, prefix, scope in reversed(spec.ipv4):
        entry = memory.object("in_ifaddr", slab.kmalloc(96))
        network = ipaddress.ip_interface(f"{text}/{prefix}")
        broadcast = network.network.broadcast_address.packed if spec.kind == ARPHRD_ETHER else bytes(4)
        entry.fill(
            {
                "ifa_local": network.ip.packed,
                "ifa_address": network.ip.packed,
                "ifa_scope": scope,
                "ifa_mask": network.network.netmask.packed,
                "ifa_prefixlen": prefix,
                "ifa_broadcast": broadcast,
                "ifa_dev": in_device.address,
                "ifa_next": following,
            }
        )
        following = entry.address
    in_device.set("ifa_list", following)
    inet6 = memory.object("inet6_dev", slab.kmalloc(1024))
    inet6.set("dev", device.address)
    addresses = []
    for text, prefix, scope in spec.ipv6:
        entry = memory.object("inet6_ifaddr", slab.kmalloc(256))
        entry.fill(
            {
                "addr": ipaddress.IPv6Address(text).packed,
                "prefix_len": prefix,
                "scope": scope,
                "idev": inet6.address,
                "refcnt.refs.counter": 1,
                "flags": 0x80,
                "valid_lft": 0xFFFFFFFF,
                "prefered_lft": 0xFFFFFFFF,
            }
        )
        addresses.append((entry, "if_list"))
    link_list(inet6, "addr_list", addresses)
    device.set("ip_ptr", in_device.address).set("ip6_ptr", inet6.address)
    return device
