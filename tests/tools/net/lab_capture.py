"""One small capture with every protocol the ``labkit net`` tools read, built with scapy.

DNS (a lookup, an NXDOMAIN and a tunnel-like burst), HTTP (a gzip + chunked download,
a Basic-auth request, a POSTed login form, a large body in many segments), FTP in
passive mode (USER/PASS, STOR of a file over a data connection), SMTP with AUTH LOGIN
and a message with an attachment, POP3 and IMAP logins, ICMP echo and a VLAN-tagged
flow. The ``Lab`` returned says what was put in, so tests can compare; tshark is the
referee for everything Wireshark numbers (frames, streams, export objects).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

from scapy.layers.dns import DNS, DNSQR, DNSRR
from scapy.layers.inet import UDP
from scapy.layers.l2 import ARP, Ether
from scapy_sessions import Host, Recorder, TcpSession, frame, icmp_echo, udp

CLIENT = Host("192.168.56.10", "02:00:00:00:00:10")
GATEWAY = Host("192.168.56.1", "02:00:00:00:00:01")
RESOLVER = Host("192.168.56.1", "02:00:00:00:00:01")
WEB = Host("203.0.113.80", "02:00:00:00:00:01")
FTP = Host("198.51.100.21", "02:00:00:00:00:01")
MAIL = Host("198.51.100.25", "02:00:00:00:00:01")
V6_CLIENT = Host("fd00::10", "02:00:00:00:00:10")
V6_SERVER = Host("fd00::80", "02:00:00:00:00:01")

REPORT = b"Quarterly figures\n" + bytes(range(256)) * 40
PAYLOAD_ZIP = b"PK\x03\x04" + bytes((i * 7) % 251 for i in range(20000))
ATTACHMENT = b"%PDF-1.4\n" + b"".join(hashlib.sha256(b"%d" % i).digest() for i in range(100)) + b"\n%%EOF\n"
FTP_FILE = b"secret plans\r\n" * 500
FTP_DOWNLOAD = b"PK\x03\x04docx" + bytes(range(256)) * 12
FTP_ACTIVE = b"notes uploaded in active mode\n" * 40
TUNNEL_LABELS = [
    "mzxw6ytboi2gk3tfnzsxg5dfnvqxi2lpnzsxe33t",
    "on2xeylsnfzgk4tjn5ygk3dvnvzsa4tfmfzs4ztu",
    "nfzxg5dsmvqw2idtnv2gc5dfnvsw45dqoj2xgzlt",
]


@dataclass
class Lab:
    path: Path
    frames: dict[str, int] = field(default_factory=dict)
    objects: dict[str, bytes] = field(default_factory=dict)


def _dns(recorder: Recorder, txid: int, name: str, answers: list[tuple[str, str]], rcode: int = 0) -> int:
    query = DNS(id=txid, rd=1, qd=DNSQR(qname=name, qtype="A"))
    udp(recorder, CLIENT, RESOLVER, 50000 + txid, 53, bytes(query))
    records = [DNSRR(rrname=name, type=rtype, ttl=300, rdata=value) for rtype, value in answers]
    response = DNS(id=txid, qr=1, rd=1, ra=1, rcode=rcode, qd=DNSQR(qname=name, qtype="A"), an=records)
    return udp(recorder, RESOLVER, CLIENT, 53, 50000 + txid, bytes(response))


def _dns_extras(recorder: Recorder, lab: Lab) -> None:
    """A CNAME chain with AAAA, an unanswered query, and a TXT lookup over TCP (length-prefixed)."""
    query = DNS(id=40, rd=1, qd=DNSQR(qname="www.example.kz", qtype="AAAA"))
    udp(recorder, CLIENT, RESOLVER, 50040, 53, bytes(query))
    answers = [
        DNSRR(rrname="www.example.kz", type="CNAME", ttl=60, rdata="cdn.example.net"),
        DNSRR(rrname="cdn.example.net", type="AAAA", ttl=60, rdata="2001:db8::80"),
    ]
    response = DNS(id=40, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.kz", qtype="AAAA"), an=answers)
    udp(recorder, RESOLVER, CLIENT, 53, 50040, bytes(response))
    lab.frames["dns_unanswered"] = udp(
        recorder,
        CLIENT,
        RESOLVER,
        50041,
        53,
        bytes(DNS(id=41, rd=1, qd=DNSQR(qname="lost.example.com", qtype="A"))),
    )
    session = TcpSession(recorder, CLIENT, RESOLVER, 50042, 53, client_isn=900, server_isn=901)
    session.connect()
    query = bytes(DNS(id=42, rd=1, qd=DNSQR(qname="_config.example.org", qtype="TXT")))
    session.send("client", len(query).to_bytes(2, "big") + query)
    text = DNSRR(rrname="_config.example.org", type="TXT", ttl=30, rdata=[b"v=lab1 key=Zm9vYmFy"])
    response = bytes(
        DNS(id=42, qr=1, rd=1, ra=1, qd=DNSQR(qname="_config.example.org", qtype="TXT"), an=[text])
    )
    lab.frames["dns_tcp_response"] = session.send("server", len(response).to_bytes(2, "big") + response)[-1]
    session.close()


def _chunked(body: bytes, size: int) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + size]), body[i : i + size]) for i in range(0, len(body), size)
    ]
    return b"".join(parts) + b"0\r\n\r\n"


def _http(recorder: Recorder, lab: Lab) -> None:
    session = TcpSession(recorder, CLIENT, WEB, 49700, 80, client_isn=111, server_isn=222)
    session.connect()
    request = (
        b"GET /files/report.txt HTTP/1.1\r\nHost: files.example.com\r\nUser-Agent: Mozilla/5.0 (lab)\r\n"
        b"Accept-Encoding: gzip\r\n\r\n"
    )
    lab.frames["http_get"] = session.send("client", request)[-1]
    body = _chunked(gzip.compress(REPORT, mtime=0), 700)
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Encoding: gzip\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n" + body
    )
    lab.frames["http_response"] = session.send("server", response)[-1]
    lab.objects["report.txt"] = REPORT
    # A second request on the same connection: HTTP Basic, answered 401 then 200 with a zip.
    auth = base64.b64encode(b"analyst:S3cr3t!").decode()
    request = (
        f"GET /admin/backup.zip HTTP/1.1\r\nHost: files.example.com\r\nAuthorization: Basic {auth}\r\n"
        "User-Agent: curl/8.5.0\r\n\r\n"
    ).encode()
    lab.frames["http_basic"] = session.send("client", request)[-1]
    response = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/zip\r\nContent-Length: %d\r\n\r\n" % len(PAYLOAD_ZIP)
    ) + PAYLOAD_ZIP
    session.send("server", response)
    lab.objects["backup.zip"] = PAYLOAD_ZIP
    session.close()

    login = TcpSession(recorder, CLIENT, WEB, 49701, 80, client_isn=7000, server_isn=9000)
    login.connect()
    form = b"username=jdoe&password=hunter2%21&remember=1"
    request = (
        b"POST /login.php HTTP/1.1\r\nHost: portal.example.com\r\nUser-Agent: Mozilla/5.0 (lab)\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % len(form)
    )
    login.send("client", request)
    lab.frames["http_post"] = login.send("client", form)[-1]
    login.send("server", b"HTTP/1.1 302 Found\r\nLocation: /home\r\nContent-Length: 0\r\n\r\n")
    login.close()


def _ftp(recorder: Recorder, lab: Lab) -> None:
    control = TcpSession(recorder, CLIENT, FTP, 49800, 21, client_isn=300, server_isn=400)
    control.connect()
    control.send("server", b"220 (vsFTPd 3.0.5)\r\n")
    control.send("client", b"USER mallory\r\n")
    control.send("server", b"331 Please specify the password.\r\n")
    lab.frames["ftp_pass"] = control.send("client", b"PASS Tr0ub4dor&3\r\n")[-1]
    control.send("server", b"230 Login successful.\r\n")
    control.send("client", b"TYPE I\r\n")
    control.send("server", b"200 Switching to Binary mode.\r\n")
    control.send("client", b"PASV\r\n")
    control.send("server", b"227 Entering Passive Mode (198,51,100,21,195,81).\r\n")
    data = TcpSession(recorder, CLIENT, FTP, 49801, 195 * 256 + 81, client_isn=600, server_isn=700)
    data.connect()
    control.send("client", b"STOR ../../etc/plans.txt\r\n")
    control.send("server", b"150 Ok to send data.\r\n")
    data.send("client", FTP_FILE)
    data.close()
    control.send("server", b"226 Transfer complete.\r\n")
    # EPSV, then a download (RETR) over the announced port
    control.send("client", b"EPSV\r\n")
    control.send("server", b"229 Entering Extended Passive Mode (|||50123|)\r\n")
    data = TcpSession(recorder, CLIENT, FTP, 49802, 50123, client_isn=800, server_isn=900)
    data.connect()
    control.send("client", b"RETR report.docx\r\n")
    control.send("server", b"150 Opening BINARY mode data connection.\r\n")
    data.send("server", FTP_DOWNLOAD)
    data.close()
    control.send("server", b"226 Transfer complete.\r\n")
    # active mode: PORT, then the server connects from port 20 to the client
    control.send("client", b"PORT 192,168,56,10,196,10\r\n")
    control.send("server", b"200 PORT command successful.\r\n")
    control.send("client", b"STOR notes.txt\r\n")
    active = TcpSession(recorder, FTP, CLIENT, 20, 196 * 256 + 10, client_isn=1200, server_isn=1300)
    active.connect()
    control.send("server", b"150 Ok to send data.\r\n")
    active.send("server", FTP_ACTIVE)
    active.close()
    control.send("server", b"226 Transfer complete.\r\n")
    control.send("client", b"QUIT\r\n")
    control.send("server", b"221 Goodbye.\r\n")
    control.close()
    lab.objects["plans.txt"] = FTP_FILE


def mail_message() -> bytes:
    message = EmailMessage()
    message["From"] = "mallory@example.org"
    message["To"] = "boss@example.net"
    message["Subject"] = "Quarterly plans"
    message["Date"] = "Tue, 14 Nov 2023 22:13:20 +0000"
    message["Message-ID"] = "<lab-1@example.org>"
    message.set_content("See attached.\n.\nA line with a single dot above.\n")
    message.add_attachment(ATTACHMENT, maintype="application", subtype="pdf", filename="plans.pdf")
    message.set_boundary("lab-boundary-1")
    return message.as_bytes(policy=SMTP)


def _smtp(recorder: Recorder, lab: Lab) -> None:
    session = TcpSession(recorder, CLIENT, MAIL, 49900, 25, client_isn=1, server_isn=2)
    session.connect()
    session.send("server", b"220 mail.example.net ESMTP Postfix\r\n")
    session.send("client", b"EHLO ws-10\r\n")
    session.send("server", b"250-mail.example.net\r\n250-AUTH LOGIN PLAIN\r\n250 8BITMIME\r\n")
    session.send("client", b"AUTH LOGIN\r\n")
    session.send("server", b"334 VXNlcm5hbWU6\r\n")
    session.send("client", base64.b64encode(b"mallory@example.org") + b"\r\n")
    session.send("server", b"334 UGFzc3dvcmQ6\r\n")
    lab.frames["smtp_pass"] = session.send("client", base64.b64encode(b"Winter2023!") + b"\r\n")[-1]
    session.send("server", b"235 2.7.0 Authentication successful\r\n")
    session.send("client", b"MAIL FROM:<mallory@example.org>\r\n")
    session.send("server", b"250 2.1.0 Ok\r\n")
    session.send("client", b"RCPT TO:<boss@example.net>\r\n")
    session.send("server", b"250 2.1.5 Ok\r\n")
    session.send("client", b"DATA\r\n")
    session.send("server", b"354 End data with <CR><LF>.<CR><LF>\r\n")
    message = mail_message()
    stuffed = message.replace(b"\r\n.", b"\r\n..")
    session.send("client", stuffed + b".\r\n")
    session.send("server", b"250 2.0.0 Ok: queued as 4F2A1\r\n")
    session.send("client", b"QUIT\r\n")
    session.send("server", b"221 2.0.0 Bye\r\n")
    session.close()
    lab.objects["message.eml"] = message
    lab.objects["plans.pdf"] = ATTACHMENT


def _smtp_plain(recorder: Recorder, lab: Lab) -> None:
    """AUTH PLAIN refused (535), on the submission port."""
    session = TcpSession(recorder, CLIENT, MAIL, 49905, 587, client_isn=7, server_isn=8)
    session.connect()
    session.send("server", b"220 mail.example.net ESMTP\r\n")
    session.send("client", b"EHLO ws-10\r\n")
    session.send("server", b"250-mail.example.net\r\n250 AUTH PLAIN\r\n")
    token = base64.b64encode(b"\0intern@example.org\0wrong-guess")
    lab.frames["smtp_plain"] = session.send("client", b"AUTH PLAIN " + token + b"\r\n")[-1]
    session.send("server", b"535 5.7.8 Authentication failed\r\n")
    session.send("client", b"QUIT\r\n")
    session.send("server", b"221 Bye\r\n")
    session.close()


def _pop_imap(recorder: Recorder, lab: Lab) -> None:
    pop = TcpSession(recorder, CLIENT, MAIL, 49910, 110, client_isn=10, server_isn=20)
    pop.connect()
    pop.send("server", b"+OK POP3 ready\r\n")
    pop.send("client", b"USER boss\r\n")
    pop.send("server", b"+OK\r\n")
    lab.frames["pop_pass"] = pop.send("client", b"PASS letmein\r\n")[-1]
    pop.send("server", b"-ERR [AUTH] Authentication failed.\r\n")
    pop.close()
    imap = TcpSession(recorder, CLIENT, MAIL, 49911, 143, client_isn=30, server_isn=40)
    imap.connect()
    imap.send("server", b"* OK IMAP4rev1 ready\r\n")
    lab.frames["imap_login"] = imap.send("client", b'a001 LOGIN boss "pass word"\r\n')[-1]
    imap.send("server", b"a001 OK LOGIN completed\r\n")
    imap.close()


def _arp_tls_ssh(recorder: Recorder) -> None:
    """An ARP exchange, a TLS connection on an unusual port and an SSH banner exchange."""
    recorder.add(
        Ether(src=CLIENT.mac, dst="ff:ff:ff:ff:ff:ff")
        / ARP(op=1, hwsrc=CLIENT.mac, psrc=CLIENT.ip, pdst=GATEWAY.ip)
    )
    recorder.add(
        Ether(src=GATEWAY.mac, dst=CLIENT.mac)
        / ARP(op=2, hwsrc=GATEWAY.mac, psrc=GATEWAY.ip, hwdst=CLIENT.mac, pdst=CLIENT.ip)
    )
    tls = TcpSession(recorder, CLIENT, WEB, 49950, 8443, client_isn=50, server_isn=60)
    tls.connect()
    tls.send("client", bytes.fromhex("160301002e0100002a0303") + bytes(32) + bytes.fromhex("000002130101"))
    tls.send("server", bytes.fromhex("160303002a020000260303") + bytes(40))
    tls.close()
    ssh = TcpSession(recorder, CLIENT, FTP, 49960, 22, client_isn=70, server_isn=80)
    ssh.connect()
    ssh.send("server", b"SSH-2.0-OpenSSH_9.6\r\n")
    ssh.send("client", b"SSH-2.0-PuTTY_Release_0.80\r\n")
    ssh.close()


def build_lab(path: Path, *, pcapng: bool = False) -> Lab:
    """Write the lab capture to ``path`` and return what it holds."""
    recorder = Recorder()
    lab = Lab(path=path)
    lab.frames["dns_files"] = _dns(recorder, 1, "files.example.com", [("A", WEB.ip)])
    _dns(recorder, 2, "nosuchhost.example.com", [], rcode=3)
    for index, label in enumerate(TUNNEL_LABELS):
        _dns(recorder, 10 + index, f"{label}.t.evil.co.uk", [("A", "10.9.9.9")])
    _dns_extras(recorder, lab)
    _arp_tls_ssh(recorder)
    icmp_echo(recorder, CLIENT, GATEWAY)
    icmp_echo(recorder, GATEWAY, CLIENT, reply=True)
    _http(recorder, lab)
    _ftp(recorder, lab)
    _smtp(recorder, lab)
    _smtp_plain(recorder, lab)
    _pop_imap(recorder, lab)
    v6 = TcpSession(recorder, V6_CLIENT, V6_SERVER, 50100, 8080, client_isn=5, server_isn=6, vlan=20)
    v6.connect()
    v6.send("client", b"GET /v6 HTTP/1.1\r\nHost: [fd00::80]:8080\r\n\r\n")
    v6.send("server", b"HTTP/1.1 404 Not Found\r\nContent-Length: 9\r\n\r\nnot found")
    v6.close()
    recorder.add(frame(CLIENT, GATEWAY) / UDP(sport=123, dport=123) / (b"\x23" + bytes(47)))
    (recorder.write_pcapng if pcapng else recorder.write_pcap)(path)
    return lab


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
