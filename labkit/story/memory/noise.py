"""What else lies in a server's RAM: the page cache of its logs and configuration, freed buffers.

An image of mostly zeros compresses to nothing and `strings` lists the story. Real RAM holds thousands
of log lines, other clients' requests, configuration files and environment blocks; the story's traces
must be found with the right tool, not read off the top of `strings`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from labkit.story.memory.host import MemoryHost

_PATHS = (
    "/",
    "/index.php",
    "/wp-login.php",
    "/robots.txt",
    "/favicon.ico",
    "/about",
    "/contact",
    "/products?id=12",
    "/api/v1/status",
    "/static/css/main.css",
    "/static/js/app.js",
    "/images/logo.png",
    "/search?q=delivery",
    "/.env",
    "/admin/",
    "/cart",
    "/login",
    "/sitemap.xml",
    "/news/2024/03/",
    "/uploads/brochure.pdf",
)
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 "
    "Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.3 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
    "curl/7.81.0",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "python-requests/2.31.0",
)
_ADMIN_COMMANDS = (
    "ls -la",
    "cd /var/www/html",
    "git pull",
    "sudo systemctl reload nginx",
    "htop",
    "cat /etc/os-release",
    "sudo tail -f /var/log/syslog",
    "du -sh /var/log/*",
    "php -v",
    "sudo certbot renew --dry-run",
    "grep -i error /var/log/nginx/error.log",
    "ps aux | grep php",
    "ss -tlnp",
    "exit",
)


def _client(rng: Random) -> str:
    return f"{rng.choice((5, 31, 37, 46, 62, 77, 85, 91, 93, 109, 176, 178, 185, 188, 212))}." + ".".join(
        str(rng.randrange(1, 255)) for _ in range(3)
    )


def access_log_lines(rng: Random, start: datetime, end: datetime, lines: int) -> list[tuple[datetime, str]]:
    """nginx's combined log format, requests spread between ``start`` and ``end``."""
    span = max(1.0, (end - start).total_seconds())
    out = []
    for moment in sorted(rng.uniform(0, span) for _ in range(lines)):
        when = start + timedelta(seconds=moment)
        status = rng.choices((200, 304, 404, 301, 500), (70, 12, 12, 5, 1))[0]
        size = rng.randrange(0, 48_000) if status == 200 else 0
        out.append(
            (
                when,
                combined_line(
                    when, _client(rng), "GET", rng.choice(_PATHS), status, size, rng.choice(_AGENTS)
                ),
            )
        )
    return out


def combined_line(
    when: datetime, client: str, method: str, target: str, status: int, size: int, agent: str
) -> str:
    request = f"{method} {target} HTTP/1.1"
    return f'{client} - - [{when:%d/%b/%Y:%H:%M:%S %z}] "{request}" {status} {size} "-" "{agent}"\n'


def access_log(rng: Random, start: datetime, end: datetime, lines: int) -> bytes:
    return "".join(line for _, line in access_log_lines(rng, start, end, lines)).encode()


def auth_log(rng: Random, host: MemoryHost, start: datetime, end: datetime, lines: int) -> bytes:
    span = max(1.0, (end - start).total_seconds())
    login = host.login().name
    out = []
    for moment in sorted(rng.uniform(0, span) for _ in range(lines)):
        when = start + timedelta(seconds=moment)
        stamp = f"{when:%b} {when.day:2d} {when:%H:%M:%S} {host.hostname}"
        pid = rng.randrange(2_000, 90_000)
        kind = rng.random()
        if kind < 0.5:
            text = f"CRON[{pid}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"
        elif kind < 0.8:
            user = rng.choice(("admin", "test", "oracle", "ubuntu", "postgres", "git", "user"))
            text = (
                f"sshd[{pid}]: Invalid user {user} from {_client(rng)} port {rng.randrange(30_000, 65_000)}"
            )
        elif kind < 0.9:
            text = (
                f"sshd[{pid}]: Disconnected from authenticating user root {_client(rng)} port "
                + str(rng.randrange(30_000, 65_000))
                + " [preauth]"
            )
        else:
            text = (
                f"sudo: {login} : TTY=pts/0 ; PWD=/home/{login} ; USER=root ; "
                f"COMMAND=/usr/bin/{rng.choice(('apt update', 'systemctl reload nginx', 'journalctl -xe'))}"
            )
        out.append(f"{stamp} {text}\n")
    return "".join(out).encode()


def passwd(host: MemoryHost) -> bytes:
    lines = [
        f"{a.name}:x:{a.uid}:{a.gid}:{a.name}:{a.home}:{a.shell}\n"
        for a in sorted(host.accounts.values(), key=lambda a: a.uid)
    ]
    return "".join(lines).encode()


NGINX_SITE = b"""server {
\tlisten 80 default_server;
\tlisten [::]:80 default_server;
\troot /var/www/html;
\tindex index.php index.html;
\tserver_name _;
\tlocation / {
\t\ttry_files $uri $uri/ =404;
\t}
\tlocation ~ \\.php$ {
\t\tinclude snippets/fastcgi-php.conf;
\t\tfastcgi_pass unix:/run/php/php8.1-fpm.sock;
\t}
}
"""

CRONTAB = b"""# /etc/crontab: system-wide crontab
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin

17 *\t* * *\troot    cd / && run-parts --report /etc/cron.hourly
25 6\t* * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.daily; }
47 6\t* * 7\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.weekly; }
52 6\t1 * *\troot\ttest -x /usr/sbin/anacron || { cd / && run-parts --report /etc/cron.monthly; }
"""


def fill_page_cache(host: MemoryHost, end: datetime) -> None:
    """Cache the files a running server has read recently, and leave freed fragments in RAM."""
    rng = host.rng
    start = max(host.boot, end - timedelta(days=2))
    host.file("/etc/passwd", content=passwd(host))
    host.file("/etc/hostname", content=f"{host.hostname}\n".encode())
    host.file("/etc/crontab", content=CRONTAB)
    if "nginx" in host.handles:
        host.file("/etc/nginx/sites-enabled/default", content=NGINX_SITE)
        log = host.files.get("/var/log/nginx/access.log")
        if log is not None:
            zone = host.boot.tzinfo
            lines = access_log_lines(rng, start, end, rng.randrange(1_500, 4_000))
            lines += [
                (
                    when.astimezone(zone),
                    combined_line(when.astimezone(zone), client, method, target, status, size, agent),
                )
                for when, client, method, target, status, size, agent in host.web_requests
            ]
            lines.sort(key=lambda item: item[0])
            log.cached = "".join(line for _, line in lines).encode()
            log.size = max(log.size, len(log.cached))
            log.mtime = lines[-1][0]
    auth = host.files.get("/var/log/auth.log")
    if auth is not None:
        auth.cached = auth_log(rng, host, start, end, rng.randrange(600, 1_500))
        auth.size = max(auth.size, len(auth.cached))
    for path in ("/var/log/auth.log", "/var/log/syslog", "/var/log/kern.log", "/var/log/nginx/error.log"):
        record = host.files.get(path)
        if record is not None and record.mtime is None:  # logs still being written: modified just now
            record.mtime = end - timedelta(
                seconds=rng.randrange(2, 600), microseconds=rng.randrange(1_000_000)
            )
    fragments = []
    for _ in range(rng.randrange(300, 600)):
        kind = rng.random()
        if kind < 0.4:
            fragments.append(access_log(rng, start, end, 1))
        elif kind < 0.6:
            fragments.append(rng.choice(_ADMIN_COMMANDS).encode() + b"\0")
        elif kind < 0.8:
            fragments.append(f"{_client(rng)}:{rng.randrange(1024, 65535)}\0".encode())
        else:
            fragments.append(
                f"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin\0INVOCATION_ID={rng.getrandbits(128):032x}\0".encode()
            )
    host.noise.extend(fragments)
