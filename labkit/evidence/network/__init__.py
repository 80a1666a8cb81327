"""Network evidence: packet captures that tell a scenario's story.

``wire`` turns conversations into frames and writes them as pcap/pcapng files
that tshark and Wireshark dissect without a single malformed packet; the
application payloads those frames carry come from ``protocols``.
"""
