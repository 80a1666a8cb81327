"""Application payloads of network protocols: pure builders, bytes in and bytes out.

Each module knows what real software writes on the wire for one protocol (dns,
http, ftp, smtp and mime, tls, ssh, ntp, icmp_payloads, dns_tunnel) and nothing
about packets, clocks or files: randomness comes in as a ``random.Random``, times as
aware datetimes, and conversations come out as scripts of :class:`~.script.Say`
and :class:`~.script.DataConnection` steps that the wire layer renders into TCP.
"""
