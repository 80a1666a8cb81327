"""Solving an ``insider-theft`` case as a trainee would: from the case folder alone, with
labkit's network and disk tools.

The solver never opens the key or the generator's facts. Each answer comes from what
``labkit net`` (and, for the stick, ``labkit disk``) shows, and each :class:`Finding`
says what that was:

    q1-q2    the FTP control connection that uploads came through   (labkit net conversations, extract)
    q3-q5    the login the server accepted with 230                  (labkit net creds)
    q6-q8    the files STORed on passive-mode data connections       (labkit net extract)
    q9       the control connection's tcp.stream                   (labkit net conversations)
    q10-q14  the mail with an attachment, its AUTH login, its start  (labkit net extract, creds)
    q15-q17  the DNS tunnel: domain, data queries, decoded payload   (labkit net dns --domains, dns)
    q18      the ZIP archive downloaded over HTTP                   (labkit net extract)
    q19-q20  the same SHA-256 on the USB stick: path, created time  (labkit disk ls, hash)

Nothing is keyed to the names a variant happens to use: the FTP session is the one
that carried STOR uploads, the tunnel the domain with the most distinct names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from labkit.errors import LabkitError
from labkit.solvers.answer_filling import write_answer_sheet
from labkit.solvers.capture_reading import CaptureReading, first_capture, read_capture
from labkit.solvers.case_folder import read_case_folder
from labkit.solvers.dns_tunnel_decoding import decode_payload, split_tunnel_traffic
from labkit.solvers.download_on_stick import downloaded_archives, fetch_of, files_with_hash, utc_datetime
from labkit.solvers.ftp_uploads import FtpUpload, ftp_uploads
from labkit.solvers.sent_mail import sent_mail
from labkit.solvers.usb_fraud import Finding
from labkit.tools.disk import resolve_zone
from labkit.tools.net import ExtractedObject, domain_statistics

SCENARIO_ID = "insider-theft"

__all__ = ["SCENARIO_ID", "Finding", "Solution", "investigate", "solve"]


@dataclass(frozen=True)
class Solution:
    """Everything the solver found in one case folder."""

    case_dir: Path
    capture: Path
    image: Path | None  # the disk image (the USB stick), None when the case has none
    zone: str
    findings: tuple[Finding, ...]

    @property
    def answers(self) -> dict[str, str]:
        return {f.question_id: f.answer for f in self.findings if f.answer is not None}


def solve(case_dir: str | Path) -> dict[str, str]:
    """Investigate the case folder, write the answers into its answers.yaml and return them."""
    solution = investigate(case_dir)
    write_answer_sheet(Path(case_dir) / "answers.yaml", solution.answers)
    return solution.answers


def investigate(case_dir: str | Path) -> Solution:
    """Work out every answer from the briefing and the evidence, writing nothing."""
    case = read_case_folder(case_dir)
    zone_name = case.stated_zone() or "UTC"
    zone = resolve_zone(zone_name)
    capture = first_capture(case)
    reading = read_capture(capture)
    uploads = ftp_uploads(reading)
    upload = uploads[0] if uploads else None
    workstation = upload.client if upload else None
    archives = downloaded_archives(reading, workstation)
    archive = archives[0] if archives else None
    try:
        image: Path | None = case.disk_image()
    except LabkitError:
        image = None
    findings = (
        *ftp_findings(reading, upload, len(uploads)),
        *mail_findings(reading, workstation, zone),
        *tunnel_findings(reading, workstation),
        archive_finding(archive),
        *stick_findings(image, reading, archive, zone, zone_name),
    )
    return Solution(case.root, capture, image, zone_name, findings)


def ftp_findings(reading: CaptureReading, upload: FtpUpload | None, sessions: int) -> tuple[Finding, ...]:
    """q1-q9: the control connection whose data connections carried STOR uploads."""
    ids = [f"q{number}" for number in range(1, 10)]
    if upload is None:
        return tuple(
            Finding(qid, None, "no FTP upload (STOR on a data connection) in the capture") for qid in ids
        )
    control = upload.control
    others = f"; {sessions - 1} other FTP session(s) with uploads" if sessions > 1 else ""
    logins = [c for c in reading.credentials if c.protocol == "ftp" and c.stream == control.stream]
    accepted = [c for c in logins if c.accepted]
    refused = [c for c in logins if c.accepted is False]
    first, first_data = upload.files[0]
    total = sum(carried.size for carried, _ in upload.files)
    sizes = " + ".join(str(carried.size) for carried, _ in upload.files)
    where = f"tcp.stream {control.stream} to port {upload.server_port}"
    mode = (
        f"passive mode: the client connected to port {first_data.port_b}"
        if first_data.address_a == upload.client
        else f"active mode: the server connected to port {first_data.port_b}"
    )
    findings = [
        Finding("q1", upload.client, f"client of the FTP control connection ({where}){others}"),
        Finding("q2", upload.server, f"server of {where}; the files went to it on data connections"),
    ]
    if accepted:
        login = accepted[-1]
        before = f"after {len(refused)} refused attempt(s) ({refused[0].result})" if refused else "first try"
        findings += [
            Finding("q3", login.user, f"USER on tcp.stream {control.stream}, answered {login.result!r}"),
            Finding("q4", login.password, f"the PASS the server accepted, {before}"),
            Finding("q5", str(login.frame), "frame carrying that PASS command"),
        ]
    else:
        findings += [
            Finding(qid, None, f"no accepted login on tcp.stream {control.stream}") for qid in ids[2:5]
        ]
    return (
        *findings,
        Finding(
            "q6",
            first.original_name,
            f"first STOR, on its own data connection tcp.stream {first_data.stream} ({mode}); "
            f"{len(upload.files)} upload(s) in all",
        ),
        Finding("q7", first.sha256, f"{first.size} bytes rebuilt from tcp.stream {first.stream}"),
        Finding("q8", str(total), f"sum of the uploaded files' sizes: {sizes}"),
        Finding("q9", str(control.stream), f"the control connection to port {upload.server_port}"),
    )


def mail_findings(reading: CaptureReading, workstation: str | None, zone: tzinfo) -> tuple[Finding, ...]:
    """q10-q14: the message with an attachment (the workstation's first), its login and its start."""
    mails = [mail for mail in sent_mail(reading) if mail.attachments]
    mails.sort(key=lambda mail: mail.connection is None or mail.connection.address_a != workstation)
    if not mails:
        return tuple(
            Finding(f"q{n}", None, "no mail with an attachment in the capture") for n in range(10, 15)
        )
    mail = mails[0]
    message, attachment = mail.message, mail.attachments[0]
    others = f"; {len(mails) - 1} other mail(s) with attachments" if len(mails) > 1 else ""
    logins = [c for c in reading.credentials if c.protocol == "smtp" and c.stream == message.stream]
    accepted = [c for c in logins if c.accepted]
    more = f"; {len(mail.attachments) - 1} more attachment(s)" if len(mail.attachments) > 1 else ""
    connection = mail.connection
    return (
        Finding(
            "q10",
            ", ".join(mail.recipients) or None,
            f"RCPT TO of {message.name!r} (tcp.stream {message.stream}){others}",
        ),
        Finding(
            "q11",
            accepted[-1].password if accepted else None,
            f"{accepted[-1].mechanism} (base64) answered {accepted[-1].result!r}"
            if accepted
            else "no accepted SMTP AUTH",
        ),
        Finding("q12", attachment.original_name, f"{attachment.content_type or 'attachment'}{more}"),
        Finding("q13", attachment.sha256, f"{attachment.size} bytes once base64-decoded out of the message"),
        Finding(
            "q14",
            connection.start.iso(zone) if connection and connection.start else None,
            f"first frame ({connection.first_frame}) of the SMTP connection; capture times are UTC"
            if connection
            else "the SMTP connection is not in the conversation table",
        ),
    )


def tunnel_findings(reading: CaptureReading, workstation: str | None) -> tuple[Finding, Finding, Finding]:
    """q15-q17: the domain with the most distinct names, its payload queries, the payload decoded."""
    lookups = tuple(
        lookup for lookup in reading.lookups if workstation is None or lookup.client == workstation
    )
    ranked = sorted(domain_statistics(lookups), key=lambda s: (-s.unique_names, -s.max_name_length, s.domain))
    if not ranked:
        missing = "no DNS queries in the capture"
        return Finding("q15", None, missing), Finding("q16", None, missing), Finding("q17", None, missing)
    top = ranked[0]
    runner_up = f"; next: {ranked[1].domain} with {ranked[1].unique_names}" if len(ranked) > 1 else ""
    traffic = split_tunnel_traffic(lookups, top.domain)
    data_types = "/".join(sorted({query.query_type for query in traffic.data_queries})) or "no"
    domain = Finding(
        "q15",
        top.domain,
        f"{top.unique_names} distinct names, up to {top.max_name_length} characters, "
        f"{top.label_entropy} bits/character{runner_up}",
    )
    count = Finding(
        "q16",
        str(len(traffic.data_queries)) if traffic.data_queries else None,
        f"{data_types} queries with payload labels after a session+sequence label; "
        f"{len(traffic.check_ins)} one-label check-ins",
    )
    sessions = traffic.sessions()
    if not sessions:
        return domain, count, Finding("q17", None, f"no payload labels under {top.domain}")
    session, queries = max(sessions.items(), key=lambda item: len(item[1]))
    sequence = [query.sequence for query in queries]
    gaps = "" if sequence == list(range(sequence[0], sequence[0] + len(sequence))) else "; sequence has gaps"
    try:
        data, encoding = decode_payload("".join(query.payload for query in queries))
    except ValueError as exc:
        return domain, count, Finding("q17", None, f"session {session}: {exc}")
    text = data.decode("utf-8", "replace").rstrip("\r\n")
    return (
        domain,
        count,
        Finding(
            "q17",
            text,
            f"session {session}, {len(queries)} chunks joined in sequence order, {encoding}{gaps}",
        ),
    )


def archive_finding(archive: ExtractedObject | None) -> Finding:
    """q18: the downloaded archive's SHA-256, as Export Objects > HTTP saves it."""
    if archive is None:
        return Finding("q18", None, "no ZIP archive among the HTTP objects")
    where = f"{archive.size} bytes on tcp.stream {archive.stream}, last byte in frame {archive.frame}"
    return Finding("q18", archive.sha256, f"{archive.source}: {where}; a ZIP by its signature")


def stick_findings(
    image: Path | None, reading: CaptureReading, archive: ExtractedObject | None, zone: tzinfo, zone_name: str
) -> tuple[Finding, Finding]:
    """q19-q20: the file on the stick with the download's SHA-256, and when it was created there."""
    if image is None or archive is None:
        missing = "no disk image in the case" if image is None else "no downloaded archive to look for"
        return Finding("q19", None, missing), Finding("q20", None, missing)
    matches = files_with_hash(image, archive.size, archive.sha256)
    if not matches:
        missing = f"no file of {archive.size} bytes on {image.name} has the download's SHA-256"
        return Finding("q19", None, missing), Finding("q20", None, missing)
    entry = matches[0]
    state = "deleted, " if entry.deleted else ""
    others = f"; {len(matches) - 1} other copy(ies)" if len(matches) > 1 else ""
    found = Finding("q19", entry.path, f"{state}inode {entry.inode}, same SHA-256 as the download{others}")
    if entry.created is None:
        return found, Finding("q20", None, f"{entry.path} has no created time")
    fetch = fetch_of(reading, archive)
    created = entry.created.in_zone(zone)
    comparison = ""
    if fetch is not None and fetch.time is not None and isinstance(created, datetime):
        gap = (created - utc_datetime(fetch.time)).total_seconds()
        comparison = (
            f"; {gap:.1f} s after the GET in frame {fetch.request_frame} "
            f"(its response ended in frame {fetch.response_frame})"
        )
    how = f"FAT created time: local wall clock, read in {zone_name}{comparison}"
    return found, Finding("q20", entry.created.iso(zone), how)
