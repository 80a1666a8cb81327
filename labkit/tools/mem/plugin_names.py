"""volatility3 plugin names, short and full, taken from volatility's own plugin registry.

A trainee types ``pslist`` and gets ``linux.pslist.PsList``: the short name of a Linux (or
OS-neutral) plugin is its class name in lower case (``malfind`` for
``linux.malware.malfind.Malfind``, ``maps`` for ``linux.proc.Maps``). Deprecated aliases
that volatility keeps for old names (``linux.malfind.Malfind``) still run when typed in
full but never take a short name from their replacement. The list comes from
volatility's registry at run time, so a newer volatility brings its new plugins along.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

from labkit.errors import UsageError

#: Plugins for other operating systems get no short name (a Linux lab: `lsof` must not mean mac.lsof).
_OTHER_SYSTEMS = ("windows.", "mac.")


@dataclass(frozen=True)
class PluginCatalog:
    full_names: tuple[str, ...]  # every plugin volatility can run, sorted
    short_names: dict[str, str]  # short name -> full name (Linux and OS-neutral plugins)
    deprecated: frozenset[str]

    def resolve(self, name: str) -> str:
        """The full plugin name for ``name`` (full, short, any case).

        Raises:
            UsageError: unknown; the message lists the closest names.
        """
        if name in self.full_names:
            return name
        lowered = name.lower()
        if lowered in self.short_names:
            return self.short_names[lowered]
        by_case = [full for full in self.full_names if full.lower() == lowered]
        if len(by_case) == 1:
            return by_case[0]
        raise UsageError(self.unknown_message(name))

    def unknown_message(self, name: str) -> str:
        candidates = [*self.short_names, *(full for full in self.full_names if full not in self.deprecated)]
        lowered = {candidate.lower(): candidate for candidate in candidates}
        close = difflib.get_close_matches(name.lower(), list(lowered), n=5, cutoff=0.5)
        suggestions = [lowered[item] for item in close]
        if not suggestions:
            suggestions = [full for full in candidates if name.lower() in full.lower()][:5]
        hint = f"did you mean {', '.join(suggestions)}?" if suggestions else "see `labkit mem --list`"
        return f"unknown volatility plugin {name!r}: {hint}"


@functools.cache
def plugin_catalog() -> PluginCatalog:
    """volatility3's plugins, imported once per process (about 0.3 s)."""
    import volatility3.plugins
    from volatility3 import framework
    from volatility3.framework import deprecation

    framework.require_interface_version(2, 0, 0)
    framework.import_files(volatility3.plugins, True)  # plugins needing missing extras are skipped
    plugins = framework.list_plugins()
    deprecated = frozenset(
        name for name, plugin in plugins.items() if issubclass(plugin, deprecation.PluginRenameClass)
    )
    claims: dict[str, list[str]] = {}
    for name in sorted(plugins):
        if name in deprecated or name.startswith(_OTHER_SYSTEMS):
            continue
        claims.setdefault(name.rsplit(".", 1)[-1].lower(), []).append(name)
    short = {short: names[0] for short, names in sorted(claims.items()) if len(names) == 1}
    return PluginCatalog(tuple(sorted(plugins)), short, deprecated)
