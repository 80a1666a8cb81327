"""Timeline actions. Importing this package registers every bundled action."""

from labkit.story import (  # noqa: F401  (registration)
    attack_actions,
    connect_action,
    dns_actions,
    file_actions,
    hiding_actions,
    kernel_actions,
    memory_file_actions,
    process_actions,
    shell_actions,
    transfer_actions,
    unallocated_action,
    web_actions,
)
from labkit.story.base import ACTIONS, Action, ActionFailed

__all__ = ["ACTIONS", "Action", "ActionFailed"]
