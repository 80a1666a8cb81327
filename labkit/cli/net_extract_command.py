"""``labkit net extract``: files carried over HTTP, FTP and SMTP, written out with MD5 and SHA-256."""

from __future__ import annotations

import click

from labkit.cli.disk_render import OutputTable, emit_json, show, use_plain
from labkit.cli.net_options import CAPTURE, JSON, PLAIN
from labkit.cli.net_render import document, net_jsonable, warn_if_truncated, zone_of
from labkit.errors import UsageError
from labkit.tools import net as tools


@click.command()
@CAPTURE
@click.argument("output_dir", metavar="[OUTDIR]", required=False, type=click.Path(path_type=str))
@click.option(
    "--out", "out_option", metavar="OUTDIR", help="The output folder (same as the OUTDIR argument)."
)
@click.option(
    "--protocol",
    "protocols",
    type=click.Choice(tools.PROTOCOLS),
    multiple=True,
    help="Only these protocols (repeat the option); default: all.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Add files to a folder that is not empty (existing files are never replaced).",
)
@PLAIN
@JSON
def extract(
    capture: str,
    output_dir: str | None,
    out_option: str | None,
    protocols: tuple[str, ...],
    force: bool,
    plain: bool,
    as_json: bool,
) -> None:
    """Write every file carried over HTTP, FTP and SMTP into OUTDIR, with MD5 and SHA-256.

    HTTP bodies are de-chunked and decompressed, byte for byte what
    `tshark --export-objects http,DIR` saves; FTP files are named by their STOR/RETR
    argument; each mail is saved as an .eml (as delivered) with its attachments.
    Names are reduced to a safe last component; `(2)` marks a repeated name. OUTDIR
    (an argument, or --out) must be new or empty (or give --force); it appears whole
    or not at all.
    """
    if (output_dir is None) == (out_option is None):
        raise UsageError("give the output folder once: as OUTDIR or as --out OUTDIR")
    output_dir = output_dir or out_option or ""
    report = tools.extract_objects(capture, output_dir, force=force, protocols=protocols or tools.PROTOCOLS)
    warn_if_truncated(report.truncation)
    if as_json:
        return emit_json(
            document(
                report.path,
                None,
                report.truncation,
                output_dir=report.output_dir,
                objects=net_jsonable(report.objects, zone_of(None)),
            )
        )
    table = OutputTable(
        "Name",
        "Protocol",
        "Stream",
        "Frame",
        "Size",
        "MD5",
        "SHA-256",
        "Original name",
        "Source",
        "Notes",
        title=report.output_dir,
        caption=None if report.objects else "no files found in HTTP, FTP or SMTP traffic",
    )
    for item in report.objects:
        notes = list(item.notes)
        if item.wireshark_sha256:
            notes.append(
                f"Wireshark's IMF export keeps the dot-stuffing: its SHA-256 is {item.wireshark_sha256}"
            )
        table.add_row(
            item.name,
            item.protocol,
            str(item.stream),
            str(item.frame),
            str(item.size),
            item.md5,
            item.sha256,
            item.original_name,
            item.source,
            "; ".join(notes),
        )
    show(table, use_plain(plain))
