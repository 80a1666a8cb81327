"""Web actions: HTTP requests (downloads land on disk) and TLS sessions.

An HTTP download with ``save_to`` renders into both media: the response on the wire and the file on the
host's disk, with the same bytes and a creation time just after the last packet of the transfer.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from labkit.evidence.disk.fat import FatTimes
from labkit.story.base import ActionFailed, PathEffect
from labkit.story.content import ContentSpec, render_content
from labkit.story.context import StoryContext
from labkit.story.network.action_base import CONNECTION_FACTS, NetworkAction, PayloadSpec, connection_facts
from labkit.story.network.runtime import StreamEnd, from_us, to_us


class HttpResponseSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: int = Field(200, ge=100, le=599)
    content: ContentSpec | None = None
    content_type: str | None = None
    gzip: bool = False
    chunked: bool = False
    set_cookies: list[str] = Field(default_factory=list)
    server: str | None = Field(None, description="Server header; default: the nginx the server's OS ships")
    delay: float = Field(
        0, ge=0, le=600, description="seconds before the server answers (nginx's 504 comes after 60 s)"
    )


class SaveToSpec(BaseModel):
    """Where the client stores the downloaded body (a disk of the scenario)."""

    model_config = ConfigDict(extra="forbid")
    disk: str | None = None
    path: str
    delay: float = Field(1.0, ge=0, le=600, description="seconds after the last packet (seeded +-50%)")


class BasicAuthSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    user: str
    password: str


def _is_address(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class HttpRequest(NetworkAction):
    """An HTTP/1.1 request and its response: a page, a download (``save_to``), a form or an upload."""

    action_name: ClassVar[str] = "http.request"
    path_effect: ClassVar[PathEffect | None] = None
    media: ClassVar[tuple[str, ...]] = ("network", "disk")
    fact_fields: ClassVar[tuple[str, ...]] = (
        *CONNECTION_FACTS,
        "url",
        "method",
        "host_header",
        "uri",
        "status",
        "user_agent",
        "request_frame",
        "response_frame",
        "object_name",
        "object_size",
        "object_md5",
        "object_sha1",
        "object_sha256",
        "upload_name",
        "upload_size",
        "upload_sha256",
        "basic_user",
        "basic_password",
        "dns_query_frame",
        "file",
        "content_type",
    )
    url: str
    method: Literal["GET", "POST", "PUT", "HEAD"] = "GET"
    server: str | None = Field(None, description="host id serving the URL; default: resolved from its name")
    user_agent: str | None = None
    headers: dict[str, str] = Field(default_factory=dict)
    cookies: dict[str, str] = Field(default_factory=dict)
    basic_auth: BasicAuthSpec | None = None
    form: dict[str, str] | None = Field(None, description="urlencoded POST fields")
    upload: PayloadSpec | None = Field(None, description="a file sent as multipart/form-data")
    upload_field: str = "file"
    response: HttpResponseSpec = Field(default_factory=HttpResponseSpec)
    save_to: SaveToSpec | None = None
    ip_version: Literal[4, 6] = Field(4, description="6: over IPv6 (both hosts need network.ipv6)")
    retransmission: bool = Field(
        False, description="the response's first segment is lost beyond the capture point and sent again"
    )

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if "{{" not in value and urlsplit(value).scheme != "http":
            raise ValueError(f"{value!r} is not an http:// URL (TLS sessions are tls.connect)")
        return value

    def disk_ids(self) -> list[str]:
        return [self.save_to.disk] if self.save_to and self.save_to.disk else []

    def media_used(self) -> tuple[str, ...]:
        return ("network", "disk") if self.save_to is not None else ("network",)

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.evidence.network.protocols import http, http_clients
        from labkit.evidence.network.protocols.http_forms import (
            FormFile,
            basic_auth_header,
            form_urlencoded,
            multipart_form_data,
            webkit_boundary,
        )

        runtime = self.network(ctx)
        client = self.client(ctx)
        label = self.label()
        rng = ctx.rng("http", label)
        url = urlsplit(ctx.render(self.url))
        if url.scheme != "http" or not url.hostname:
            raise ActionFailed(f"url: {ctx.render(self.url)!r} is not an http:// URL with a host name")
        port = url.port or 80
        target = url.path or "/"
        if url.query:
            target += "?" + url.query
        start = to_us(when)
        runtime.advance(start)
        v6 = self.ip_version == 6
        literal = _is_address(url.hostname)
        # A URL naming an address is fetched without a DNS lookup (an attacker's tool, a hard-coded IP).
        lookup = (
            None
            if literal
            else runtime.lookup(client, url.hostname, start, label, qtype="AAAA" if v6 else "A")
        )
        if self.server:
            server = runtime.host(self.server)
        elif literal:
            server = runtime.remote(ipaddress.ip_address(url.hostname), url.hostname)
        else:
            server = runtime.remote(runtime.resolve_name(url.hostname).address, url.hostname)
        ready = lookup.end_us if lookup is not None else start
        connection = runtime.tcp(client, server, port, ready + 200 + rng.randrange(600), label, ipv6=v6)
        connection.connect()
        profile = http_clients.CHROME_WINDOWS if client.stack.family == "windows" else http_clients.WGET
        agent = ctx.render(self.user_agent) if self.user_agent else profile.user_agent
        headers = [(k, ctx.render(v)) for k, v in self.headers.items()]
        authorization = None
        if self.basic_auth:
            authorization = basic_auth_header(
                ctx.render(self.basic_auth.user), ctx.render(self.basic_auth.password)
            )
        body = b""
        content_type = None
        upload_facts: dict[str, Any] = {}
        if self.upload is not None:
            name, data, _ = self.upload.render(ctx, label + ":upload", when)
            content_type, body = multipart_form_data(
                [], [FormFile(self.upload_field, name, data)], webkit_boundary(rng)
            )
            upload_facts = {
                "upload_name": name,
                "upload_size": len(data),
                "upload_sha256": hashlib.sha256(data).hexdigest(),
            }
        elif self.form is not None:
            body = form_urlencoded([(k, ctx.render(v)) for k, v in self.form.items()])
            content_type = "application/x-www-form-urlencoded"
        request = http.http_request(
            self.method,
            url.netloc,
            target,
            client=profile,
            body=body,
            content_type=content_type,
            cookies=[(k, ctx.render(v)) for k, v in self.cookies.items()],
            authorization=authorization,
            user_agent=agent,
            headers=headers,
        ).data
        sent = connection.send("client", request, think_us=150 + rng.randrange(900))
        entity = b""
        meta: dict[str, Any] = {}
        if self.response.content is not None:
            rendered = render_content(
                self.response.content,
                ctx,
                label=label + ":response",
                local_time=when.astimezone(ctx.zone).replace(tzinfo=None),
            )
            entity, meta = rendered.data, dict(rendered.metadata)
        response_type = self.response.content_type or _content_type(target, entity)
        response_bytes = http.http_response(
            self.response.status,
            date=from_us(sent.end_us + int(self.response.delay * 1_000_000)),
            body=entity,
            content_type=response_type,
            gzip=self.response.gzip,
            chunked=self.response.chunked,
            set_cookies=[ctx.render(c) for c in self.response.set_cookies],
            server=self.response.server or _nginx_for(server.os),
            rng=rng,
        ).data
        received = connection.send(
            "server",
            response_bytes,
            think_us=server.rtt_us // 4
            + 2_000
            + rng.randrange(40_000)
            + int(self.response.delay * 1_000_000),
            lose_segment=1 if self.retransmission else None,
        )
        if client.stack.family == "windows":
            # A browser keeps the connection for reuse; nginx closes it at keepalive_timeout (75 s).
            connection.close("server", think_us=75_000_000 + rng.randrange(-200_000, 200_000))
        else:
            connection.close("client")  # wget and curl close as soon as the body is in
        runtime.finished(connection)
        facts = connection_facts(
            runtime,
            connection,
            client,
            server,
            url=url.geturl(),
            method=self.method,
            host_header=url.netloc,
            uri=target,
            status=self.response.status,
            user_agent=agent,
            request_frame=sent.last_original,
            response_frame=received.last_original,
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=when.isoformat(),
            object_name=target.rsplit("/", 1)[-1].split("?")[0] or "index.html",
            object_size=len(entity),
            object_md5=hashlib.md5(entity).hexdigest(),
            object_sha1=hashlib.sha1(entity).hexdigest(),
            object_sha256=hashlib.sha256(entity).hexdigest(),
            dns_query_frame=lookup.query_frame if lookup is not None else None,
            content_type=response_type,
            basic_user=ctx.render(self.basic_auth.user) if self.basic_auth else None,
            basic_password=ctx.render(self.basic_auth.password) if self.basic_auth else None,
            **upload_facts,
        )
        if self.id:
            ctx.payloads[self.id] = entity
        served_by = ctx.memory.get(server.id)
        if served_by is not None:  # the imaged server's nginx logs the request when it answers
            served_by.web_requests.append(
                (from_us(received.end_us), connection.client_ip, self.method, target, self.response.status,
                 len(entity), agent)
            )  # fmt: skip
        if self.save_to is not None:
            facts["file"] = self._save(ctx, entity, received.last, meta, rng)
        return facts

    def _save(
        self, ctx: StoryContext, data: bytes, last_frame: Any, meta: dict[str, Any], rng: Any
    ) -> dict[str, Any]:
        assert self.save_to is not None
        finished = from_us(last_frame.ts_us, ctx.zone)
        created = finished + timedelta(seconds=self.save_to.delay * (0.5 + rng.random()))
        disk = ctx.disk(self.save_to.disk)
        local = ctx.local(created, self.save_to.disk)
        record = disk.create(
            ctx.render(self.save_to.path),
            data,
            FatTimes(created=local, modified=local, accessed=local),
            None,
            "data",
        )
        record.extra["meta"] = meta
        return {"_file": record, "_disk": self.save_to.disk, "at": created.isoformat()}


def _nginx_for(os_name: str) -> str:
    """The Server header of the nginx package an OS ships (what a default install answers)."""
    lowered = os_name.lower()
    if "ubuntu" in lowered:
        return "nginx/1.24.0 (Ubuntu)" if "24.04" in lowered else "nginx/1.18.0 (Ubuntu)"
    if "debian" in lowered:
        return "nginx/1.22.1"
    return "nginx/1.24.0"


def _content_type(target: str, data: bytes) -> str:
    lower = target.lower().split("?")[0]
    for suffix, kind in (
        (".zip", "application/zip"),
        (".exe", "application/x-msdownload"),
        (".pdf", "application/pdf"),
        (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (".jpg", "image/jpeg"),
        (".png", "image/png"),
        (".txt", "text/plain; charset=utf-8"),
        (".ps1", "text/plain"),
        (".js", "application/javascript"),
        (".css", "text/css"),
    ):
        if lower.endswith(suffix):
            return kind
    return "text/html; charset=utf-8" if data[:1] in (b"<", b"") else "application/octet-stream"


class TlsConnect(NetworkAction):
    """A TLS session: the ClientHello's SNI names the server; the rest is opaque."""

    action_name: ClassVar[str] = "tls.connect"
    media: ClassVar[tuple[str, ...]] = ("network",)
    fact_fields: ClassVar[tuple[str, ...]] = (
        *CONNECTION_FACTS,
        "sni",
        "client_hello_frame",
        "bytes_up",
        "bytes_down",
    )
    server_name: str
    server: str | None = None
    upload: int = Field(2_000, ge=0, le=512 * 1024 * 1024)
    download: int = Field(20_000, ge=0, le=512 * 1024 * 1024)

    def apply(self, ctx: StoryContext, when: datetime) -> dict[str, Any]:
        from labkit.story.network.sessions import tls_session

        runtime = self.network(ctx)
        client = self.client(ctx)
        runtime.advance(to_us(when))
        name = ctx.render(self.server_name)
        server = runtime.host(self.server) if self.server else None
        lookup, connection, hello = tls_session(
            runtime,
            client,
            name,
            to_us(when),
            self.label(),
            server=server,
            upload=self.upload,
            download=self.download,
        )
        server = server or runtime.remote(runtime.resolve_name(name).address, name)
        return connection_facts(
            runtime,
            connection,
            client,
            server,
            sni=lookup.name,
            client_hello_frame=hello.first,
            first_frame=connection.sessions[0].syn,
            last_frame=StreamEnd(connection.stream),
            started=when.isoformat(),
            bytes_up=self.upload,
            bytes_down=self.download,
        )


__all__ = ["HttpRequest", "TlsConnect"]
