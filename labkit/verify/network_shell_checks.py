"""A reverse shell's connection read back with tshark: the flow the memory image's socket belongs to."""

from __future__ import annotations

from labkit.verify.network_views import ConnectionView


class ReverseShellFlowView(ConnectionView):
    """The victim's outgoing connection to the attacker's listener; it is still open at capture end."""

    kind = "shell.reverse"
    signature = frozenset({"sh_pid", "socket_inode", "tcp_stream"})


class ConnectFlowView(ConnectionView):
    """A process's outgoing connection (socket.connect), still open when the capture ends."""

    kind = "socket.connect"
    signature = frozenset({"fd", "inode", "local_port", "remote_ip", "tcp_stream"})
