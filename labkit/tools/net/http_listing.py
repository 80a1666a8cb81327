"""``labkit net http``: every HTTP request with its response, one row each.

HTTP is recognised by its first bytes on any port (``tshark -Y http`` needs "Decode
As" for a server on an unusual port; the ``port`` column shows which those are).
``body_length`` is the size of the entity Export Objects would save: de-chunked and
decompressed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from labkit.tools.net.capture_pass import TcpStream, run_pass
from labkit.tools.net.capture_records import Truncation
from labkit.tools.net.http_bodies import BodyNotes, entity_pieces
from labkit.tools.net.http_exchanges import HttpExchange, http_exchanges
from labkit.tools.net.http_messages import HttpMessage
from labkit.tools.net.packet_time import PacketTime
from labkit.tools.net.protocol_detection import looks_like_http_request
from labkit.tools.net.stream_collection import CollectedStream, StreamCollector
from labkit.tools.net.stream_store import StoredDirection


@dataclass(frozen=True)
class HttpTransaction:
    request_frame: int
    time: PacketTime | None
    client: str
    client_port: int
    server: str
    server_port: int
    stream: int
    method: str
    host: str
    uri: str
    user_agent: str
    status: int | None  # None: no response captured
    reason: str
    content_type: str
    body_length: int | None  # decoded entity length of the response body
    response_frame: int | None
    request_content_type: str
    request_body_length: int
    notes: tuple[str, ...]


@dataclass(frozen=True)
class HttpReport:
    path: str
    transactions: tuple[HttpTransaction, ...]
    truncation: Truncation | None


def choose_http(stream: TcpStream, client_head: bytes, server_head: bytes, final: bool) -> str | None:
    """Keep a stream whose first bytes, either way, are an HTTP request."""
    if looks_like_http_request(client_head) or looks_like_http_request(server_head):
        return "http"
    if (client_head[:16] and server_head[:16]) or final:
        return ""
    return None


def entity_length(side: StoredDirection, message: HttpMessage) -> tuple[int, str]:
    """(decoded entity length, problem met while decoding)."""
    notes = BodyNotes()
    return sum(len(piece) for piece in entity_pieces(side, message, notes)), notes.problem


def transaction(exchange: HttpExchange) -> HttpTransaction:
    request, response = exchange.request, exchange.response
    notes = []
    body_length = None
    if response is not None:
        body_length, problem = entity_length(exchange.response_side, response)
        if problem:
            notes.append(problem)
        if not response.complete:
            notes.append("response body incomplete in the capture")
    if not request.complete:
        notes.append("request body incomplete in the capture")
    return HttpTransaction(
        exchange.request_frame,
        exchange.request_time,
        exchange.client[0],
        exchange.client[1],
        exchange.server[0],
        exchange.server[1],
        exchange.stream,
        request.method,
        exchange.host,
        request.uri,
        request.header("User-Agent") or "",
        response.status if response else None,
        response.reason if response else "",
        (response.header("Content-Type") or "") if response else "",
        body_length,
        exchange.response_frame,
        request.header("Content-Type") or "",
        request.body_length,
        tuple(notes),
    )


def list_http(path: str | Path) -> HttpReport:
    """Every HTTP request in ``path`` (by request frame), with its response."""
    rows: list[HttpTransaction] = []

    def on_stream(collected: CollectedStream) -> None:
        rows.extend(transaction(exchange) for exchange in http_exchanges(collected))
        collected.release()

    report = run_pass(path, [StreamCollector(choose_http, on_stream)])
    rows.sort(key=lambda row: (row.request_frame, row.stream))
    return HttpReport(report.path, tuple(rows), report.truncation)
