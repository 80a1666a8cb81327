"""``labkit net summary``: the capture file, its time span and traffic, protocols and hosts."""

from __future__ import annotations

from datetime import tzinfo

import click

from labkit.cli.disk_render import OutputTable, emit_json, show, use_plain
from labkit.cli.net_options import CAPTURE, JSON, PLAIN, TZ
from labkit.cli.net_render import document, net_jsonable, shown_time, warn_if_truncated, zone_label, zone_of
from labkit.tools import net as tools


@click.command()
@CAPTURE
@TZ
@PLAIN
@JSON
def summary(capture: str, zone_name: str | None, plain: bool, as_json: bool) -> None:
    """What the capture is (format, SHA-256, interfaces, time span) and what is in it.

    Protocols count frames per layer, and frames of the conversations whose first bytes
    (else ports) show HTTP, TLS, DNS...; hosts list each IP with its MAC addresses,
    traffic and the names DNS answers in the capture gave it.
    """
    zone = zone_of(zone_name)
    result = tools.summarise_capture(capture)
    warn_if_truncated(result.truncation)
    if as_json:
        return emit_json(
            document(result.path, zone_name, result.truncation, summary=net_jsonable(result, zone))
        )
    plain = use_plain(plain)
    show(_facts(result, zone, zone_name), plain)
    protocols = OutputTable("Protocol", "Frames", "Bytes", title="Protocols")
    for count in result.protocols:
        protocols.add_row(count.protocol, str(count.packets), str(count.bytes))
    show(protocols, plain)
    hosts = OutputTable(
        "IP", "MAC", "Frames", "Bytes", "Sent frames", "Sent bytes", "Names (DNS)", title="Hosts"
    )
    for host in result.hosts:
        hosts.add_row(
            host.ip,
            ", ".join(host.macs),
            str(host.packets),
            str(host.bytes),
            str(host.packets_sent),
            str(host.bytes_sent),
            ", ".join(host.hostnames),
        )
    show(hosts, plain)


def _facts(result: tools.CaptureSummary, zone: tzinfo, zone_name: str | None) -> OutputTable:
    table = OutputTable("Field", "Value", title=result.path)
    digits = max((interface.timestamp_digits for interface in result.interfaces), default=6)
    rows = [
        ("Format", f"{result.file_format} {result.version} ({result.byte_order})"),
        ("Size", f"{result.file_size} bytes"),
        ("SHA-256", result.sha256),
        ("Application", result.application),
        ("OS", result.operating_system),
        ("Hardware", result.hardware),
        ("Comment", result.comment),
        *((f"Interface {i.number}", _interface(i)) for i in result.interfaces),
        ("Frames", str(result.packets)),
        (f"First frame ({zone_label(zone_name)})", shown_time(result.first_time, zone)),
        (f"Last frame ({zone_label(zone_name)})", shown_time(result.last_time, zone)),
        (
            "Duration",
            "" if result.duration_ns is None else f"{tools.seconds_text(result.duration_ns, digits)} s",
        ),
        ("Bytes on the wire", str(result.bytes_on_wire)),
        ("Bytes captured", str(result.bytes_captured)),
        ("Frames cut by snaplen", str(result.frames_cut_by_snaplen)),
        ("Records that are not packets", str(result.records_not_packets or "")),
        ("IP datagrams never completed", str(result.incomplete_ip_datagrams)),
        ("Conversations", f"{result.tcp_conversations} TCP, {result.udp_conversations} UDP"),
    ]
    for field, value in rows:
        if value or field in ("Frames", "Bytes on the wire"):
            table.add_row(field, value)
    return table


def _interface(interface: tools.InterfaceSummary) -> str:
    name = f" {interface.name}" if interface.name else ""
    precision = {6: "µs", 9: "ns", 3: "ms", 0: "s"}.get(
        interface.timestamp_digits, f"1e-{interface.timestamp_digits} s"
    )
    described = f" ({interface.description})" if interface.description else ""
    return (
        f"{interface.link_type_name} (link type {interface.link_type}){name}{described}, "
        f"snaplen {interface.snaplen}, time resolution {precision}, {interface.packets} frames"
    )
