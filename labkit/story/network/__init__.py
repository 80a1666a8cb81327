"""The network a story runs on: hosts' identities, capture points, connections, background traffic.

Network actions (``labkit/story/{web,transfer,attack}_actions.py``) ask the runtime for lookups and
connections; the runtime renders them with the wire and protocol layers of ``labkit.evidence.network``
into every capture point that sees them.
"""
