"""Timeline actions. Importing this package registers every bundled action."""

from labkit.story import file_actions, hiding_actions, unallocated_action  # noqa: F401  (registration)
from labkit.story.base import ACTIONS, Action, ActionFailed

__all__ = ["ACTIONS", "Action", "ActionFailed"]
