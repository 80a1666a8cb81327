"""Read-only analysis of network captures (pcap and pcapng), for trainees.

The ``labkit net`` commands are thin renderers over this package: every function here
reads the capture once, streaming (memory flat in the size of the file), returns
dataclasses and raises :mod:`labkit.errors` subclasses; nothing prints. It is an
independent reader: it shares no code with the capture writers in
``labkit.evidence.network``, so it can check what they wrote. Frame numbers and
tcp.stream / udp.stream indexes are Wireshark's.
"""

from __future__ import annotations

from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.capture_summary import (
    CaptureSummary,
    HostSummary,
    InterfaceSummary,
    ProtocolCount,
    summarise_capture,
)
from labkit.tools.net.conversation_table import (
    SORT_KEYS,
    ConversationRow,
    ConversationTable,
    list_conversations,
)
from labkit.tools.net.credentials import Credential, CredentialReport, find_credentials
from labkit.tools.net.dns_analysis import DnsLookup, DnsReport, DomainStatistics, domain_statistics, list_dns
from labkit.tools.net.http_listing import HttpReport, HttpTransaction, list_http
from labkit.tools.net.object_extraction import PROTOCOLS, ExtractedObject, ExtractionReport, extract_objects
from labkit.tools.net.packet_time import PacketTime, seconds_text
from labkit.tools.net.stream_search import SearchHit, SearchReport, search_capture

__all__ = [
    "PROTOCOLS",
    "SORT_KEYS",
    "CaptureSummary",
    "ConversationRow",
    "ConversationTable",
    "Credential",
    "CredentialReport",
    "DnsLookup",
    "DnsReport",
    "DomainStatistics",
    "ExtractedObject",
    "ExtractionReport",
    "HostSummary",
    "HttpReport",
    "HttpTransaction",
    "InterfaceSummary",
    "PacketTime",
    "ProtocolCount",
    "SearchHit",
    "SearchReport",
    "Truncation",
    "domain_statistics",
    "extract_objects",
    "find_credentials",
    "list_conversations",
    "list_dns",
    "list_http",
    "search_capture",
    "seconds_text",
    "summarise_capture",
]
