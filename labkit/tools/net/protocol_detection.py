"""Name a conversation's application protocol from its first bytes, or else from its server port.

Payload first: HTTP on port 4444 is HTTP (and worth a look), TLS on port 80 is TLS.
The port is the fallback for connections whose first bytes say nothing (encrypted,
binary, or never captured). Wireshark decides by port first; where the two differ
this tool shows what the bytes are.
"""

from __future__ import annotations

import re

TCP_PORTS = {
    20: "ftp-data",
    21: "ftp",
    22: "ssh",
    23: "telnet",
    25: "smtp",
    53: "dns",
    80: "http",
    110: "pop3",
    139: "netbios",
    143: "imap",
    443: "tls",
    445: "smb",
    465: "tls",
    587: "smtp",
    993: "tls",
    995: "tls",
    1433: "mssql",
    3128: "http",
    3306: "mysql",
    3389: "rdp",
    5432: "postgresql",
    5985: "http",
    8000: "http",
    8080: "http",
    8443: "tls",
}
UDP_PORTS = {
    53: "dns",
    67: "dhcp",
    68: "dhcp",
    69: "tftp",
    123: "ntp",
    137: "netbios",
    138: "netbios",
    161: "snmp",
    162: "snmp",
    443: "quic",
    514: "syslog",
    1900: "ssdp",
    5353: "mdns",
    5355: "llmnr",
}
HTTP_METHODS = (
    b"GET",
    b"POST",
    b"HEAD",
    b"PUT",
    b"DELETE",
    b"OPTIONS",
    b"PATCH",
    b"CONNECT",
    b"TRACE",
    b"PROPFIND",
)
_REQUEST_LINE = re.compile(rb"^(?:" + b"|".join(HTTP_METHODS) + rb") \S+ HTTP/\d\.\d\r?\n")
_REQUEST_START = re.compile(rb"^(?:" + b"|".join(HTTP_METHODS) + rb") \S")
_SMTP_COMMANDS = (b"EHLO ", b"HELO ", b"ehlo ", b"helo ")
_FTP_COMMANDS = (b"USER ", b"AUTH ", b"FEAT", b"SYST", b"OPTS ", b"user ", b"PASV", b"EPSV")


def looks_like_http_request(head: bytes) -> bool:
    """A request line (``GET /x HTTP/1.1``), or its start when the head is short."""
    return bool(_REQUEST_LINE.match(head) or (b"\n" not in head and _REQUEST_START.match(head)))


def sniff_tcp(client_head: bytes, server_head: bytes) -> str | None:
    """The protocol the first bytes of each direction show, or None."""
    if looks_like_http_request(client_head) or server_head.startswith(b"HTTP/1."):
        return "http"
    for head in (client_head, server_head):
        if len(head) >= 3 and head[0] in (0x14, 0x15, 0x16, 0x17) and head[1] == 3 and head[2] <= 4:
            return "tls"
        if head.startswith(b"SSH-"):
            return "ssh"
    if server_head.startswith((b"220 ", b"220-")):
        if client_head.startswith(_SMTP_COMMANDS) or b"SMTP" in server_head.upper():
            return "smtp"
        if client_head.startswith(_FTP_COMMANDS) or b"FTP" in server_head.upper():
            return "ftp"
    if server_head.startswith(b"+OK") or client_head.startswith((b"USER ", b"CAPA", b"APOP ")):
        return "pop3"
    if server_head.startswith(b"* OK") or server_head.startswith(b"* PREAUTH"):
        return "imap"
    return None


def port_protocol(transport: str, client_port: int, server_port: int) -> str | None:
    """The well-known service on either port (the server's first)."""
    table = TCP_PORTS if transport == "tcp" else UDP_PORTS
    return table.get(server_port) or table.get(client_port)


def sniff_udp(payload: bytes, source_port: int, target_port: int) -> str | None:
    """NTP and DNS by their shape on their ports; everything else by port."""
    ports = (source_port, target_port)
    if 123 in ports and len(payload) >= 48 and 1 <= (payload[0] >> 3) & 7 <= 4:
        return "ntp"
    if 53 in ports and len(payload) >= 12:
        return "dns"
    return port_protocol("udp", source_port, target_port)
