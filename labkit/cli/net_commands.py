"""``labkit net``: read-only analysis of pcap and pcapng captures, for trainees.

Parsing and rendering only: the work is in :mod:`labkit.tools.net`. One module per
subcommand (``net_*_command.py``); each prints a table for people, tab-separated
lines when piped (or with ``--plain``), or one JSON document with ``--json``.
Frame numbers and tcp.stream / udp.stream indexes are Wireshark's.
"""

from __future__ import annotations

import click

from labkit.cli.net_conversations_command import conversations
from labkit.cli.net_creds_command import creds
from labkit.cli.net_dns_command import dns
from labkit.cli.net_extract_command import extract
from labkit.cli.net_http_command import http
from labkit.cli.net_search_command import search
from labkit.cli.net_summary_command import summary


@click.group()
def net() -> None:
    """Analyse network captures (pcap, pcapng) read-only, like tshark: conversations, DNS, HTTP, files."""


for _command in (summary, conversations, dns, http, extract, creds, search):
    net.add_command(_command)
