"""Templates for the text a server's RAM is full of: logs, configuration, scripts, kernel strings.
Placeholders are filled from a seeded generator; nothing here names a scenario's answers."""

from __future__ import annotations

LOG_LINES = (
    "{date} {host} systemd[1]: Started {unit}.",
    "{date} {host} systemd[1]: {unit}: Succeeded.",
    "{date} {host} systemd[1]: Starting Daily apt upgrade and clean activities...",
    "{date} {host} CRON[{pid}]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
    "{date} {host} systemd-logind[{pid}]: New session {number} of user {user}.",
    (
        "{date} {host} systemd-resolved[{pid}]: Using degraded feature set UDP instead of "
        "UDP+EDNS0 for DNS server 10.{octet}.{octet}.{octet}."
    ),
    (
        "{date} {host} kernel: [{uptime}] audit: type=1400 audit({epoch}.{millis}:{number}): "
        'apparmor="STATUS" operation="profile_load" profile="unconfined" name="{word}" pid={pid} '
        'comm="apparmor_parser"'
    ),
    (
        "{date} {host} snapd[{pid}]: storehelpers.go:{number}: cannot refresh: snap has no updates "
        'available: "core20", "lxd", "snapd"'
    ),
    (
        '{date} {host} rsyslogd: [origin software="rsyslogd" swVersion="8.2112.0" x-pid="{pid}" '
        'x-info="https://www.rsyslog.com"] rsyslogd was HUPed'
    ),
    (
        "{date} {host} dhclient[{pid}]: DHCPACK of 10.{octet}.{octet}.{octet} from "
        "10.{octet}.{octet}.1 (xid=0x{hex8})"
    ),
    "{date} {host} multipathd[{pid}]: sda: add missing path",
    (
        "{date} {host} systemd-timesyncd[{pid}]: Initial synchronization to time server "
        "185.125.190.{octet}:123 (ntp.ubuntu.com)."
    ),
    (
        '10.{octet}.{octet}.{octet} - - [{clf}] "GET /{word}/{word}.{ext} HTTP/1.1" {status} '
        '{number} "-" "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like '
        'Gecko) Chrome/119.0.0.0 Safari/537.36"'
    ),
    (
        '10.{octet}.{octet}.{octet} - - [{clf}] "POST /api/v1/{word} HTTP/1.1" {status} {number} '
        '"-" "python-requests/2.31.0"'
    ),
    (
        "Start-Date: {isodate}  Commandline: apt-get -y install {word} Requested-By: {user} (1000) "
        "Install: lib{word}:amd64 ({version}, automatic)"
    ),
    "{isodate} status installed lib{word}:amd64 {version}",
)
CONFIG_LINES = (
    "PermitRootLogin prohibit-password",
    "PasswordAuthentication no",
    "ChallengeResponseAuthentication no",
    "UsePAM yes",
    "X11Forwarding yes",
    "PrintMotd no",
    "AcceptEnv LANG LC_*",
    "Subsystem\tsftp\t/usr/lib/openssh/sftp-server",
    "worker_processes auto;",
    "pid /run/nginx.pid;",
    "include /etc/nginx/modules-enabled/*.conf;",
    "\tsendfile on;",
    "\ttcp_nopush on;",
    "\tssl_protocols TLSv1.2 TLSv1.3;",
    "\taccess_log /var/log/nginx/access.log;",
    "\tgzip on;",
    "{user}:x:{uid}:{uid}:{word},,,:/home/{user}:/bin/bash",
    "{word}:x:{uid}:{uid}::/var/lib/{word}:/usr/sbin/nologin",
    "[Unit]",
    "Description={word} service",
    "After=network.target",
    "[Service]",
    "Type=notify",
    "ExecStart=/usr/sbin/{word} -D",
    "Restart=on-failure",
    "[Install]",
    "WantedBy=multi-user.target",
    "{word}\t\t{number}/tcp",
    "127.0.0.1\tlocalhost",
    "::1\tip6-localhost ip6-loopback",
    "nameserver 127.0.0.53",
    "options edns0 trust-ad",
    "search {word}.internal",
)
CODE_LINES = (
    "def {word}_{word}(self, {word}, {word}=None):",
    "    return self._{word}.get({word}, {number})",
    "import os, sys, json",
    "from typing import Optional",
    "    if not {word}:",
    '        raise ValueError("{word} is required")',
    "for {word} in sorted({word}s):",
    "#!/bin/sh",
    "set -e",
    "if [ -x /usr/bin/{word} ]; then",
    "fi",
    'case "$1" in',
    "    start)",
    "\t;;",
    "esac",
    "static int {word}_{word}(struct {word} *{word})",
    "{",
    "\treturn -EINVAL;",
    "}",
    "#include <linux/{word}.h>",
    '"{word}": "{word}",',
    '    "{word}": {number},',
    '<div class="{word}">{word} {word}</div>',
    "Content-Type: text/html; charset=UTF-8",
)
KERNEL_STRINGS = (
    "%s: failed to allocate %zu bytes",
    "%s: device %s not found",
    "unable to handle page fault for address: %px",
    "BUG: kernel NULL pointer dereference, address: %px",
    "Modules linked in: %s",
    "%s: link is not ready",
    "%s: probe of %s failed with error %d",
    "Freeing unused kernel image (%s) memory: %ldK",
    "random: crng init done",
    "EXT4-fs (%s): mounted filesystem with ordered data mode. Opts: %s",
    "NET: Registered PF_%s protocol family",
    "clocksource: Switched to clocksource %s",
    "audit: initializing netlink subsys (%s)",
    "%s: Adding %lluk swap on %s.",
    "x86/fpu: Supporting XSAVE feature 0x%03x: '%s'",
    "PCI: Using configuration type %d for base access",
    "ACPI: %s: %s",
    "systemd",
    "ext4",
    "tmpfs",
    "devtmpfs",
    "sockfs",
    "pipefs",
    "anon_inodefs",
    "proc",
    "sysfs",
    "cgroup2",
    "overlay",
    "squashfs",
    "vfat",
)
WORDS = (
    "alpha account agent archive backup batch billing bridge buffer cache catalog client cloud "
    "cluster config console content control daemon data debug deploy device docker domain driver "
    "export feature filter gateway health import index inventory invoice kernel ledger legacy loader "
    "logger manager media metrics mirror monitor network notify order package partner payment "
    "pipeline policy portal printer profile proxy queue record release report request resolver router "
    "runner sample scanner schedule schema search server session snapshot socket staging storage "
    "stream sync system task tenant ticket token tracker update upload vault vendor widget worker"
).split()
UNITS = (
    "Daily apt download activities",
    "Message of the Day",
    "Refresh fwupd metadata and update motd",
    "Rotate log files",
    "Session 4 of User root",
    "User Runtime Directory /run/user/1000",
    "Cleanup of Temporary Directories",
    "Discard unused blocks on filesystems from /etc/fstab",
)
EXTENSIONS = ("html", "css", "js", "png", "jpg", "json", "php", "txt", "svg", "ico")
