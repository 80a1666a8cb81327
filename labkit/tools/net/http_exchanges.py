"""Requests paired with their responses on one reassembled TCP stream.

The requesting side is the direction whose first bytes are a request line (whoever
opened the connection). Responses answer requests in order (HTTP/1.1 pipelining
included); 1xx interim responses answer none. Frame numbers are those of the frame
carrying each message's last byte: where Wireshark shows the reassembled message.
"""

from __future__ import annotations

from dataclasses import dataclass

from labkit.tools.net.http_messages import HttpMessage, parse_messages
from labkit.tools.net.packet_time import PacketTime, packet_time
from labkit.tools.net.protocol_detection import looks_like_http_request
from labkit.tools.net.stream_collection import CollectedStream
from labkit.tools.net.stream_store import StoredDirection


@dataclass
class HttpExchange:
    stream: int
    client: tuple[str, int]
    server: tuple[str, int]
    request: HttpMessage
    response: HttpMessage | None
    request_side: StoredDirection
    response_side: StoredDirection
    request_frame: int
    request_time: PacketTime | None
    response_frame: int | None
    response_time: PacketTime | None

    @property
    def host(self) -> str:
        return self.request.header("Host") or ""


def http_exchanges(collected: CollectedStream) -> list[HttpExchange]:
    """Every request on the stream, with its response when one was captured."""
    stream = collected.stream
    from_client = True
    if not looks_like_http_request(collected.head(True)) and looks_like_http_request(collected.head(False)):
        from_client = False
    request_side, response_side = collected.direction(from_client), collected.direction(not from_client)
    client, server = (stream.client, stream.server) if from_client else (stream.server, stream.client)
    requests = list(parse_messages(request_side))
    responses = [
        message
        for message in parse_messages(response_side, requests)
        if message.status >= 200 or message.status == 101
    ]
    exchanges = []
    for number, request in enumerate(requests):
        response = responses[number] if number < len(responses) else None
        request_frame, request_ns = request_side.frame_at(max(request.end - 1, request.start))
        response_frame, response_ns = (None, None)
        if response is not None:
            response_frame, response_ns = response_side.frame_at(max(response.end - 1, response.start))
        exchanges.append(
            HttpExchange(
                stream.index,
                client,
                server,
                request,
                response,
                request_side,
                response_side,
                request_frame,
                packet_time(request_ns, stream.digits),
                response_frame,
                packet_time(response_ns, stream.digits),
            )
        )
    return exchanges
