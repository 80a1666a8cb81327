"""The trainee's case folder: briefing, evidence, answer sheet, manifest. No key, no seed, no facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from labkit.casefile.manifest import write_manifest
from labkit.casefile.texts import text
from labkit.i18n import pick
from labkit.key import AnswerKey
from labkit.scenario.loader import Scenario
from labkit.scenario.templating import render_template
from labkit.scenario.variant import Variant
from labkit.story.facts import FactBook

BRIEFING_NAME = "briefing.md"
ANSWER_SHEET_NAME = "answers.yaml"


def render_briefing(scenario: Scenario, variant: Variant, book: FactBook, lang: str) -> str:
    spec = scenario.spec
    title = render_template(pick(spec.title, lang), variant.values)
    body = render_template(pick(spec.briefing, lang), variant.values).strip()
    lines = [
        f"# {title}",
        "",
        f"*{text(lang, 'level')}: {text(lang, spec.level)} · {text(lang, 'estimated')}: "
        f"{spec.estimated_minutes} {text(lang, 'minutes')}*",
        "",
        body,
        "",
        f"## {text(lang, 'evidence')}",
        "",
        f"| {text(lang, 'file')} | {text(lang, 'format')} | {text(lang, 'size')} |",
        "|---|---|---|",
    ]
    for _host, disk in scenario.disks():
        facts = book.facts[disk.id]
        path = Path("evidence") / facts["file_name"]
        fmt = "EWF (E01)" if disk.format == "e01" else "raw (dd)"
        lines.append(f"| `{path.as_posix()}` | {fmt} | {disk.size} |")
        description = pick(disk.description, lang)
        if description:
            lines.append(f"|   | {render_template(description, variant.values)} | |")
    network = spec.network
    for capture in network.captures if network else []:
        facts = book.facts[capture.id]
        path = Path("evidence") / facts["file_name"]
        fmt = text(lang, "capture_format").format(format=capture.format)
        lines.append(f"| `{path.as_posix()}` | {fmt} | {(_capture_size(book, capture.id))} |")
        description = pick(capture.description, lang)
        if description:
            lines.append(f"|   | {render_template(description, variant.values)} | |")
    for host in spec.hosts:
        if host.memory is None:
            continue
        facts = book.facts[host.memory.id]
        path = Path("evidence") / facts["file_name"]
        fmt = text(lang, "memory_format").format(format="LiME" if host.memory.format == "lime" else "raw")
        lines.append(f"| `{path.as_posix()}` | {fmt} | {facts['size']} |")
        description = pick(host.memory.description, lang)
        if description:
            lines.append(f"|   | {render_template(description, variant.values)} | |")
        symbols = Path("evidence") / facts["symbols_file"]
        lines.append(f"| `{symbols.as_posix()}` | {text(lang, 'symbols_format')} | |")
    zones = sorted(
        {host.timezone for host, _ in scenario.disks()}
        | {host.timezone for host in spec.hosts if host.network is not None and host.network.gateway}
        | {host.timezone for host in spec.hosts if host.memory is not None}
    )
    tools = [text(lang, "tools_text")] if scenario.disks() else []
    if network is not None:
        tools.append(text(lang, "net_tools_text"))
    if any(host.memory is not None for host in spec.hosts):
        tools.append(text(lang, "mem_tools_text"))
    lines += [
        "",
        text(lang, "timezone_note" if scenario.disks() else "timezone_note_hosts").format(
            zone=", ".join(zones)
        ),
        "",
        text(lang, "integrity"),
        "",
        f"## {text(lang, 'tools')}",
        "",
        "\n\n".join(tools),
        "",
        f"## {text(lang, 'answers')}",
        "",
        text(lang, "answers_text"),
        "",
    ]
    return "\n".join(lines)


def _capture_size(book: FactBook, capture_id: str) -> int:
    """The capture file's size in bytes, as recorded when it was written."""
    return int(book.facts[capture_id].get("size", 0))


def write_case_folder(
    scenario: Scenario,
    variant: Variant,
    key: AnswerKey,
    case_dir: Path,
    *,
    lang: str,
    book: FactBook,
    trainee: str | None = None,
    selfcheck: dict[str, Any] | None = None,
) -> None:
    """Briefing, blank answer sheet (naming ``trainee`` in a class), the practice seal if any, manifest.

    The seal (``selfcheck.json``) is written before the manifest, so the manifest
    lists it: a trainee can tell an intact self-check from an edited one.
    """
    from labkit.grading.selfcheck import write_seal
    from labkit.grading.sheet import render_answer_sheet

    (case_dir / BRIEFING_NAME).write_text(render_briefing(scenario, variant, book, lang), encoding="utf-8")
    (case_dir / ANSWER_SHEET_NAME).write_text(
        render_answer_sheet(key, lang, trainee=trainee), encoding="utf-8"
    )
    if selfcheck is not None:
        write_seal(selfcheck, case_dir)
    write_manifest(case_dir, exclude=(ANSWER_SHEET_NAME,))
