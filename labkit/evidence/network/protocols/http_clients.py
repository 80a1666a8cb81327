"""HTTP clients as they identify themselves: User-Agent strings and the headers each sends, in order.

Header order is a fingerprint (it tells Chrome from a python script posing as
Chrome), so each client lists its headers in the order the real program writes them
over plain HTTP/1.1. Browsers send no client hints (sec-ch-ua) and no Sec-Fetch-*
to an http:// origin, and offer only ``gzip, deflate`` there (brotli is HTTPS-only).

A value of ``None`` in a template is filled per request (Host, Content-Length,
Cookie...) and the header is left out when the request has no value for it.
"""

from __future__ import annotations

from dataclasses import dataclass

CHROME_WINDOWS_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
EDGE_WINDOWS_USER_AGENT = CHROME_WINDOWS_USER_AGENT + " Edg/120.0.0.0"
FIREFOX_WINDOWS_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
)
CURL_USER_AGENT = "curl/7.88.1"
WGET_USER_AGENT = "Wget/1.21.3"
PYTHON_REQUESTS_USER_AGENT = "python-requests/2.31.0"
POWERSHELL_USER_AGENT = "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041.3803"

_CHROMIUM_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,"
    "application/signed-exchange;v=b3;q=0.7"
)
_FIREFOX_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

HeaderTemplate = tuple[tuple[str, str | None], ...]


@dataclass(frozen=True)
class HttpClient:
    """One HTTP client program: its User-Agent and header templates (``body_headers`` for POST/PUT/PATCH).

    ``body_headers`` is None for a client whose uploads this module cannot render
    faithfully (Windows PowerShell sends ``Expect: 100-continue`` and waits).
    """

    name: str
    user_agent: str
    headers: HeaderTemplate
    body_headers: HeaderTemplate | None
    accept_language: str | None = None
    is_browser: bool = False


def _chromium(name: str, user_agent: str) -> HttpClient:
    return HttpClient(
        name=name,
        user_agent=user_agent,
        headers=(
            ("Host", None),
            ("Connection", "keep-alive"),
            ("Authorization", None),
            ("Upgrade-Insecure-Requests", "1"),
            ("User-Agent", None),
            ("Accept", _CHROMIUM_ACCEPT),
            ("Referer", None),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept-Language", None),
            ("Cookie", None),
        ),
        body_headers=(
            ("Host", None),
            ("Connection", "keep-alive"),
            ("Content-Length", None),
            ("Cache-Control", "max-age=0"),
            ("Authorization", None),
            ("Upgrade-Insecure-Requests", "1"),
            ("Origin", None),
            ("Content-Type", None),
            ("User-Agent", None),
            ("Accept", _CHROMIUM_ACCEPT),
            ("Referer", None),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept-Language", None),
            ("Cookie", None),
        ),
        accept_language="en-US,en;q=0.9",
        is_browser=True,
    )


CHROME_WINDOWS = _chromium("chrome-windows", CHROME_WINDOWS_USER_AGENT)
EDGE_WINDOWS = _chromium("edge-windows", EDGE_WINDOWS_USER_AGENT)
FIREFOX_WINDOWS = HttpClient(
    name="firefox-windows",
    user_agent=FIREFOX_WINDOWS_USER_AGENT,
    headers=(
        ("Host", None),
        ("User-Agent", None),
        ("Accept", _FIREFOX_ACCEPT),
        ("Accept-Language", None),
        ("Accept-Encoding", "gzip, deflate"),
        ("Authorization", None),
        ("Connection", "keep-alive"),
        ("Referer", None),
        ("Cookie", None),
        ("Upgrade-Insecure-Requests", "1"),
    ),
    body_headers=(
        ("Host", None),
        ("User-Agent", None),
        ("Accept", _FIREFOX_ACCEPT),
        ("Accept-Language", None),
        ("Accept-Encoding", "gzip, deflate"),
        ("Content-Type", None),
        ("Content-Length", None),
        ("Origin", None),
        ("Authorization", None),
        ("Connection", "keep-alive"),
        ("Referer", None),
        ("Cookie", None),
        ("Upgrade-Insecure-Requests", "1"),
    ),
    accept_language="en-US,en;q=0.5",
    is_browser=True,
)
CURL = HttpClient(
    name="curl",
    user_agent=CURL_USER_AGENT,
    headers=(
        ("Host", None),
        ("Authorization", None),
        ("User-Agent", None),
        ("Referer", None),
        ("Accept", "*/*"),
        ("Cookie", None),
    ),
    body_headers=(
        ("Host", None),
        ("Authorization", None),
        ("User-Agent", None),
        ("Referer", None),
        ("Accept", "*/*"),
        ("Cookie", None),
        ("Content-Length", None),
        ("Content-Type", None),
    ),
)
WGET = HttpClient(
    name="wget",
    user_agent=WGET_USER_AGENT,
    headers=(
        ("Referer", None),
        ("User-Agent", None),
        ("Accept", "*/*"),
        ("Accept-Encoding", "identity"),
        ("Host", None),
        ("Connection", "Keep-Alive"),
        ("Authorization", None),
        ("Cookie", None),
    ),
    body_headers=(
        ("Referer", None),
        ("User-Agent", None),
        ("Accept", "*/*"),
        ("Accept-Encoding", "identity"),
        ("Host", None),
        ("Connection", "Keep-Alive"),
        ("Authorization", None),
        ("Cookie", None),
        ("Content-Type", None),
        ("Content-Length", None),
    ),
)
PYTHON_REQUESTS = HttpClient(
    name="python-requests",
    user_agent=PYTHON_REQUESTS_USER_AGENT,
    headers=(
        ("Host", None),
        ("User-Agent", None),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
        ("Referer", None),
        ("Cookie", None),
        ("Authorization", None),
    ),
    body_headers=(
        ("Host", None),
        ("User-Agent", None),
        ("Accept-Encoding", "gzip, deflate"),
        ("Accept", "*/*"),
        ("Connection", "keep-alive"),
        ("Referer", None),
        ("Cookie", None),
        ("Content-Length", None),
        ("Content-Type", None),
        ("Authorization", None),
    ),
)
#: Invoke-WebRequest / Invoke-RestMethod in Windows PowerShell 5.1 (.NET HttpWebRequest), GET only.
POWERSHELL = HttpClient(
    name="powershell",
    user_agent=POWERSHELL_USER_AGENT,
    headers=(
        ("User-Agent", None),
        ("Authorization", None),
        ("Referer", None),
        ("Cookie", None),
        ("Host", None),
        ("Connection", "Keep-Alive"),
    ),
    body_headers=None,
)

CLIENTS: dict[str, HttpClient] = {
    client.name: client
    for client in (CHROME_WINDOWS, EDGE_WINDOWS, FIREFOX_WINDOWS, CURL, WGET, PYTHON_REQUESTS, POWERSHELL)
}
