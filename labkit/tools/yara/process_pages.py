"""Which process maps which physical page: volatility3, in this process, on the image's symbols.

volatility's Linux stacker finds the kernel (banner, KASLR, page tables) exactly as the
``vol`` CLI does; then every process is listed twice, by walking the task list (pslist)
and by scanning memory for task_structs (psscan, which also finds processes unlinked from
the list, i.e. hidden ones). For each process with an address space, every page of every
user-space mapping (VMA) is translated through the process's own page tables to its
physical address. A physical hit then names each process that maps it and the virtual
address at which that process sees it.

volatility keeps settings in module globals (symbol search path, cache folder, log
handlers); they are set for the duration of the call and put back afterwards.
"""

from __future__ import annotations

import logging
import lzma
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labkit.errors import EvidenceError
from labkit.tools.yara.results import PageOwner

PAGE_SIZE = 4096
_PAGE_MASK = ~(PAGE_SIZE - 1)


@dataclass(frozen=True)
class ProcessInfo:
    pid: int
    comm: str
    hidden: bool  # found by psscan but not in the task list


@dataclass
class ProcessPages:
    """Physical page -> (process, virtual page) for every mapped user page."""

    processes: dict[int, ProcessInfo] = field(default_factory=dict)
    pages: dict[int, list[tuple[int, int]]] = field(default_factory=dict)  # page -> [(pid, virtual page)]

    def owners(self, physical: int) -> tuple[PageOwner, ...]:
        inside = physical & (PAGE_SIZE - 1)
        found = []
        for pid, virtual_page in self.pages.get(physical & _PAGE_MASK, ()):
            info = self.processes[pid]
            found.append(PageOwner(pid, info.comm, virtual_page + inside, info.hidden))
        return tuple(sorted(found, key=lambda owner: (owner.pid, owner.virtual_address)))


def map_process_pages(image: Path, symbols: Path, cache_path: Path) -> ProcessPages:
    """Every user page of every process in ``image``, found with volatility and ``symbols``.

    Raises:
        EvidenceError: volatility cannot find the kernel with these symbols (wrong or missing ISF).
    """
    with _volatility_settings(symbols, cache_path) as log:
        from volatility3.framework import exceptions

        try:
            return _map(image)
        except exceptions.UnsatisfiedException:
            detail = f" ({log[-1]})" if log else ""
            raise EvidenceError(
                f"volatility found no Linux kernel matching the symbols in {symbols}{detail}"
            ) from None
        except exceptions.VolatilityException as exc:
            raise EvidenceError(f"volatility could not read the processes: {exc}") from None
        except (OSError, EOFError, ValueError, lzma.LZMAError) as exc:  # an unreadable or damaged ISF
            raise EvidenceError(f"volatility could not load the symbols in {symbols}: {exc}") from None


def _map(image: Path) -> ProcessPages:
    from volatility3.framework import automagic, contexts, plugins
    from volatility3.framework.automagic import stacker
    from volatility3.framework.configuration import requirements
    from volatility3.plugins.linux import pslist, psscan

    context = contexts.Context()
    context.config["automagic.LayerStacker.single_location"] = requirements.URIRequirement.location_from_file(
        str(image)
    )
    available = automagic.available(context)  # imports the OS stackers, so it comes first
    context.config["automagic.LayerStacker.stackers"] = stacker.choose_os_stackers(psscan.PsScan)
    magic = automagic.choose_automagic(available, psscan.PsScan)
    plugin = plugins.construct_plugin(context, magic, psscan.PsScan, "plugins", None, None)
    kernel_name = plugin.config["kernel"]
    kernel = context.modules[kernel_name]
    listed = {int(task.tgid): task for task in pslist.PsList.list_tasks(context, kernel_name)}
    scanned = {}
    for task in psscan.PsScan.scan_tasks(context, kernel_name, kernel.layer_name):
        # a thread group leader missing from the list and not exited (an exited task has no memory left)
        if int(task.pid) == int(task.tgid) and int(task.tgid) not in listed and int(task.exit_state) == 0:
            scanned.setdefault(int(task.tgid), task)
    result = ProcessPages()
    for hidden, tasks in ((False, listed), (True, scanned)):
        for pid, task in sorted(tasks.items()):
            result.processes[pid] = ProcessInfo(pid, _comm(task), hidden)
            _map_task(context, kernel.layer_name, pid, task, result)
    return result


def _comm(task: Any) -> str:
    from volatility3.framework import exceptions
    from volatility3.framework.objects import utility

    try:
        return utility.array_to_string(task.comm)
    except exceptions.InvalidAddressException:
        return "?"


def _map_task(context: Any, kernel_layer_name: str, pid: int, task: Any, result: ProcessPages) -> None:
    from volatility3.framework import exceptions

    try:
        if not task.mm or task.is_kernel_thread:
            return
        mm = task.mm.dereference()
        kernel_layer = context.layers[kernel_layer_name]
        directory_table, _ = kernel_layer.translate(int(mm.pgd))
        layer = _process_layer(context, kernel_layer, directory_table, f"labkit_process_{pid}")
        for vma in mm.get_vma_iter():
            start, end = int(vma.vm_start), int(vma.vm_end)
            for virtual, length, physical, _, _ in layer.mapping(start, end - start, ignore_errors=True):
                for step in range(0, length, PAGE_SIZE):
                    result.pages.setdefault((physical + step) & _PAGE_MASK, []).append((pid, virtual + step))
    except exceptions.InvalidAddressException:
        return  # a process whose structures are paged out or overwritten: its pages stay unattributed


def _process_layer(context: Any, kernel_layer: Any, directory_table: int, name: str) -> Any:
    """An address space like the kernel's, with this process's page tables (as volatility builds it)."""
    from volatility3.framework import interfaces

    config = kernel_layer.build_configuration()
    config["memory_layer"] = kernel_layer.config["memory_layer"]
    config["page_map_offset"] = directory_table
    path = interfaces.configuration.path_join("labkit", name)
    context.config.splice(path, config)
    layer = kernel_layer.__class__(context, config_path=path, name=name)
    context.layers.add_layer(layer)
    return layer


def _hide_url_handlers_needing_arguments() -> None:
    """volatility3 instantiates every urllib handler class loaded in the process, without arguments;
    fpdf2 (labkit's PDF writer) defines one that needs arguments, and stacking then fails with a
    TypeError. volatility skips classes marked ``hidden``, so those are marked."""
    import inspect
    import urllib.request

    from volatility3 import framework

    for handler in list(framework.class_subclasses(urllib.request.BaseHandler)):
        try:
            inspect.signature(handler).bind()
        except TypeError:
            handler.hidden = True  # type: ignore[attr-defined]
        except ValueError:  # no signature to inspect: leave it to volatility
            continue


@contextmanager
def _volatility_settings(symbols: Path, cache_path: Path) -> Iterator[list[str]]:
    """volatility's symbol path, cache folder and logging, for this call only; yields its log lines."""
    import volatility3.plugins
    import volatility3.symbols
    from volatility3 import framework, schemas
    from volatility3.framework import constants

    framework.require_interface_version(2, 0, 0)
    framework.import_files(volatility3.plugins, True)  # as the CLI does: automagic needs them registered
    _hide_url_handlers_needing_arguments()
    saved = (
        list(volatility3.symbols.__path__),
        constants.CACHE_PATH,
        schemas.cached_validation_filepath,
    )
    logger = logging.getLogger("volatility3")
    saved_logging = (logger.level, logger.propagate)
    lines: list[str] = []
    handler = _ListHandler(lines)
    cache_path.mkdir(parents=True, exist_ok=True)
    volatility3.symbols.__path__[:] = [str(symbols.resolve()), *constants.SYMBOL_BASEPATHS]
    constants.CACHE_PATH = str(cache_path)
    schemas.cached_validation_filepath = str(cache_path / "valid_isf.hashcache")
    logger.setLevel(logging.WARNING)
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        volatility3.symbols.__path__[:] = saved[0]
        constants.CACHE_PATH, schemas.cached_validation_filepath = saved[1], saved[2]
        logger.removeHandler(handler)
        logger.setLevel(saved_logging[0])
        logger.propagate = saved_logging[1]


class _ListHandler(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self._lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        self._lines.append(" ".join(record.getMessage().split()))
