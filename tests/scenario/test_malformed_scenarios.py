"""Malformed scenarios give one clear line with file and line, exit 2, and leave nothing behind.

Each case edits a copy of the bundled scenario (scenarios/usb-fraud.yaml) as text,
computes from that edit the line the error must name, and runs the real CLI entry
point: ``labkit generate`` (it must fail while loading, before writing anything)
and ``labkit scenario validate``. A few mistakes also go through the installed
console script in a fresh process.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from labkit.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "scenarios" / "usb-fraud.yaml"
ORIGINAL = BUNDLED.read_text(encoding="utf-8")
LABKIT = Path(sys.executable).with_name("labkit")


@dataclass(frozen=True)
class Mistake:
    """A broken scenario (bytes), the line its error must name and words the message must hold."""

    name: str
    data: bytes
    line: int
    expect: tuple[str, ...]


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def edit(name: str, old: str, new: str, *expect: str, at: str | None = None, occurrence: int = 1) -> Mistake:
    """Replace the ``occurrence``-th ``old`` by ``new``; the error is on the line of ``at`` (or ``new``)."""
    start = -1
    for _ in range(occurrence):
        start = ORIGINAL.index(old, start + 1)
    text = ORIGINAL[:start] + new + ORIGINAL[start + len(old) :]
    needle = at if at is not None else new.strip().splitlines()[0]
    line = _line_of(text, text.index(needle, start if needle in new else 0))
    return Mistake(name, text.encode("utf-8"), line, expect)


def remove(name: str, old: str, *expect: str, error_at: str, occurrence: int = 1) -> Mistake:
    """Delete ``old``; the error is on the line of ``error_at`` (the nearest parent that still exists)."""
    start = -1
    for _ in range(occurrence):
        start = ORIGINAL.index(old, start + 1)
    text = ORIGINAL[:start] + ORIGINAL[start + len(old) :]
    before = text.rindex(error_at, 0, start + 1) if error_at in text[: start + 1] else text.index(error_at)
    return Mistake(name, text.encode("utf-8"), _line_of(text, before), expect)


def whole(name: str, data: bytes, line: int, *expect: str) -> Mistake:
    return Mistake(name, data, line, expect)


def _cp1251_title() -> Mistake:
    ru_title = '  ru: "USB-накопитель главного бухгалтера"'
    data = ORIGINAL.encode("utf-8").replace(ru_title.encode("utf-8"), ru_title.encode("cp1251"))
    return Mistake("non_utf8_bytes", data, _line_of(ORIGINAL, ORIGINAL.index(ru_title)), ("UTF-8", "cp1251"))


LEDGER_PATH = '    path: "/Бухгалтерия/платежи_{{ invoice_number }}.xlsx"\n'

MISTAKES: list[Mistake] = [
    # -- the file itself -------------------------------------------------------------------
    edit("yaml_syntax", "id: usb-fraud\n", "id: usb-fraud: extra\n", "invalid YAML", "mapping values"),
    edit("tab_indentation", "  suspect: {type: person", "\tsuspect: {type: person", "tab", "spaces"),
    edit(
        "duplicate_key",
        "level: basic\n",
        "level: basic\nlevel: advanced\n",
        "'level' appears twice",
        at="level: advanced",
    ),
    whole("not_a_mapping", b"- file.create\n- file.delete\n", 1, "a scenario is a mapping"),
    whole("empty_file", b"", 1, "empty"),
    whole("only_comments", b"# nothing here yet\n", 1, "empty"),
    _cp1251_title(),
    # -- top level ----------------------------------------------------------------------------
    remove("missing_version", "labkit: 1\n", "labkit: 1", error_at="id: usb-fraud"),
    edit("wrong_version", "labkit: 1\n", "labkit: 2\n", "unsupported scenario format version", "(got 2)"),
    edit(
        "unknown_top_level_field",
        "level: basic\n",
        "levle: basic\n",
        "unknown field 'levle'",
        "did you mean 'level'?",
    ),
    edit("bad_level", "level: basic\n", "level: basik\n", "level", "did you mean 'basic'?"),
    edit(
        "unsupported_language",
        "languages: [en, ru, kk]",
        "languages: [en, ru, kz]",
        "'kz'",
        "did you mean 'kk'?",
    ),
    edit(
        "localized_text_unknown_language", '  kk: "Бас бухгалтердің', '  kz: "Бас бухгалтердің', "'kz'", "kk"
    ),
    edit(
        "bad_time_zone",
        "timezone: Asia/Almaty\n\nvariables",
        "timezone: Asia/Almati\n\nvariables",
        "Asia/Almati",
        "did you mean 'Asia/Almaty'?",
    ),
    # -- variables ----------------------------------------------------------------------------
    edit(
        "unknown_variable_type",
        "{type: password",
        "{type: pasword",
        "unknown variable type",
        "did you mean 'password'?",
    ),
    edit(
        "integer_min_above_max",
        "min: 2500000, max: 9500000",
        "min: 9500000, max: 2500000",
        "variables.amount.max",
        "below min",
    ),
    edit(
        "datetime_window_reversed",
        'between: ["2026-02-02 09:00", "2026-02-20 18:00"]',
        'between: ["2026-02-20 18:00", "2026-02-02 09:00"]',
        "variables.incident.between",
        "window is empty",
    ),
    edit("bad_time_in_variable", '"2026-02-20 18:00"]', '"2026-02-30 18:00"]', "not a datetime"),
    # -- templates ----------------------------------------------------------------------------
    edit(
        "undefined_variable_in_path",
        'path: "/Личное/покупки.txt"',
        'path: "/Личное/{{ shopping_list }}.txt"',
        "undefined variable 'shopping_list'",
        "timeline[8].path",
    ),
    edit(
        "undefined_variable_in_briefing",
        "invoice from {{ shell_company }}, a supplier",
        "invoice from {{ shell_compny }}, a supplier",
        "briefing.en",
        "did you mean 'shell_company'?",
    ),
    edit(
        "unknown_field_in_briefing",
        "accountant, {{ suspect.name }}, had signing",
        "accountant, {{ suspect.nam }}, had signing",
        "no field 'nam'",
        "did you mean 'name'?",
    ),
    edit(
        "template_syntax_in_prompt",
        'en: "What type of file is it really?"',
        'en: "What type of file is it {{ really?"',
        "questions[6].prompt.en",
        "template",
    ),
    # -- timeline -------------------------------------------------------------------------------
    edit(
        "unknown_action",
        "  - action: file.delete\n",
        "  - action: file.delet\n",
        "unknown action",
        "did you mean 'file.delete'?",
    ),
    remove(
        "missing_action_field",
        LEDGER_PATH,
        "timeline[11].path",
        "'path' is missing",
        error_at="action: file.delete",
        occurrence=2,
    ),
    edit(
        "unknown_action_field",
        "    hidden: true\n",
        "    hiden: true\n",
        "unknown field 'hiden'",
        "did you mean 'hidden'?",
    ),
    edit(
        "unknown_datetime_variable_in_at",
        'at: "incident - 9d"',
        'at: "incidnet - 9d"',
        "unknown datetime variable 'incidnet'",
        "did you mean 'incident'?",
    ),
    edit(
        "non_datetime_variable_in_at",
        'at: "incident - 6d"',
        'at: "amount - 6d"',
        "'amount' is an integer variable",
        "not a datetime",
    ),
    edit("bad_duration_in_jitter", "jitter: 4h\n", "jitter: 4hours\n", "not a duration", "'4hours'"),
    edit("bad_duration_in_at", 'at: "+7m"', 'at: "+7min"', "timeline[4].at", "not a duration"),
    remove(
        "first_action_without_at",
        '    at: "incident - 12d"\n',
        "first action",
        "'at'",
        error_at="action: file.copy_in",
    ),
    edit("first_action_relative", 'at: "incident - 12d"', 'at: "+5m"', "first action", "relative"),
    edit(
        "bad_source_modified",
        'source_modified: "-41d"',
        'source_modified: "-41 days"',
        "source_modified",
        "not a duration",
    ),
    edit(
        "unknown_disk",
        "    id: ledger_deleted\n",
        "    id: ledger_deleted\n    disk: usbb\n",
        "unknown disk 'usbb'",
        "did you mean 'usb'?",
        at="disk: usbb",
    ),
    edit(
        "duplicate_action_id", "    id: january_report\n", "    id: contract\n", "'contract'", "already used"
    ),
    edit(
        "delete_of_missing_file",
        LEDGER_PATH,
        LEDGER_PATH.replace(".xlsx", ".xls"),
        "file.delete needs",
        "did you mean",
        occurrence=2,
    ),
    edit(
        "create_over_existing_file",
        'path: "/Личное/покупки.txt"',
        'path: "/ФОТО/img_{{ photo_number }}.jpg"',
        "already exists",
        "ignore case",
    ),
    edit(
        "text_not_encodable",
        "        позвонить {{ accomplice.first_name }}\n",
        "        позвонить {{ accomplice.first_name }}\n      encoding: ascii\n",
        "ascii cannot encode",
        at="молоко",
    ),
    # -- documents (validated after templates are filled in) -----------------------------------
    edit(
        "document_unknown_kind",
        "        kind: xlsx\n",
        "        kind: xslx\n",
        "unknown document kind",
        "did you mean 'xlsx'?",
    ),
    edit(
        "document_unknown_param",
        "row_count: 35",
        "row_cout: 35",
        "content.document.row_cout",
        "did you mean 'row_count'?",
    ),
    edit(
        "document_include_rows_wrong_column",
        '{payee: "{{ shell_company }}"',
        '{payee_name: "{{ shell_company }}"',
        "timeline[6].content.document.include_rows",
        "payee_name",
        "columns are",
    ),
    edit(
        "document_bad_topic", "topic: memo", "topic: memos", "content.document.topic", "did you mean 'memo'?"
    ),
    # -- hosts and disks -------------------------------------------------------------------------
    edit("bad_disk_size", "size: 256 MiB", "size: 256 MiBs", "not a size", "64 MiB"),
    edit("disk_too_small_for_fat32", "size: 256 MiB", "size: 2 MiB", "FAT32 does not fit"),
    edit("cluster_size_not_power_of_two", "cluster_size: 2048", "cluster_size: 3000", "power of two"),
    edit("label_longer_than_11", 'label: "KINGSTON"', 'label: "KINGSTON USB3"', "at most 11 characters"),
    edit("label_with_forbidden_character", 'label: "KINGSTON"', 'label: "KING.STON"', "cannot contain ."),
    edit(
        "acquired_before_the_story_ends",
        'at: "incident + 9d"',
        'at: "incident - 20d"',
        "before the timeline ends",
    ),
    # -- questions ------------------------------------------------------------------------------
    edit("duplicate_question_id", "  - id: q2\n", "  - id: q1\n", "question id 'q1'", "already used"),
    edit(
        "answer_unknown_action_id",
        "answer: ledger.sha256",
        "answer: ledgr.sha256",
        "'ledgr'",
        "did you mean 'ledger'?",
    ),
    edit(
        "answer_unknown_fact_field",
        "answer: ledger.sha256",
        "answer: ledger.sha265",
        "records no fact",
        "did you mean 'sha256'?",
    ),
    edit(
        "answer_unknown_disk_fact",
        "answer: usb.serial",
        "answer: usb.serial_number",
        "records no fact",
        "did you mean 'serial'?",
    ),
    edit("answer_without_field", "answer: usb.serial", "answer: usb", "ID.FIELD"),
    edit(
        "unknown_answer_type",
        "    type: hash\n    answer: ledger.sha256",
        "    type: hsh\n    answer: ledger.sha256",
        "unknown answer type 'hsh'",
        "did you mean 'hash'?",
    ),
    remove(
        "choice_without_choices",
        "    choices: [jpg, pdf, docx, xlsx, zip, txt]\n",
        "needs 'choices'",
        error_at="- id: q7",
    ),
    edit("points_not_a_number", "    points: 2\n", "    points: two\n", "expected a number"),
    edit(
        "unknown_type_option",
        "    type: hash\n    answer: ledger.sha256\n",
        "    type: hash\n    answer: ledger.sha256\n    options: {algoritm: sha256}\n",
        "algoritm",
        "Extra inputs are not permitted",
        at="algoritm",
    ),
    edit(
        "list_of_facts_for_a_single_answer",
        "    type: hash\n    answer: ledger.sha256\n",
        "    type: hash\n    answer: [ledger.sha256, usb.image_md5]\n",
        "one answer, not a list",
        "type: set",
        at="answer: [ledger",
    ),
    edit(
        "unknown_fact_in_a_set",
        "    type: hash\n    answer: ledger.sha256\n",
        "    type: set\n    answer: [ledger.sha256, ledgr.sha256]\n",
        "'ledgr'",
        at="answer: [ledger",
    ),
]


def test_there_are_enough_distinct_kinds() -> None:
    names = [m.name for m in MISTAKES]
    assert len(names) == len(set(names))
    assert len(names) >= 20


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_generate_fails_in_load_and_writes_nothing(
    mistake: Mistake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, out = _broken(tmp_path, mistake)
    code = main(["generate", str(scenario), "--seed", "1", "--out", str(out)])
    captured = capsys.readouterr()
    _assert_one_located_line(code, captured.err, mistake, scenario)
    assert captured.out == ""
    _assert_nothing_written(tmp_path)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.name)
def test_scenario_validate_reports_the_same_line(
    mistake: Mistake, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenario, _ = _broken(tmp_path, mistake)
    code = main(["scenario", "validate", str(scenario)])
    _assert_one_located_line(code, capsys.readouterr().err, mistake, scenario)
    _assert_nothing_written(tmp_path)


# The installed console script, in a fresh process, for one mistake of each family (each run
# costs a second of imports; the in-process runs above cover every mistake through the same main()).
THROUGH_THE_CONSOLE_SCRIPT = [
    "non_utf8_bytes",
    "unknown_top_level_field",
    "undefined_variable_in_briefing",
    "document_include_rows_wrong_column",
]


@pytest.mark.parametrize("name", THROUGH_THE_CONSOLE_SCRIPT)
def test_console_script(name: str, tmp_path: Path) -> None:
    mistake = next(m for m in MISTAKES if m.name == name)
    scenario, out = _broken(tmp_path, mistake)
    for command in (
        ["generate", str(scenario), "--seed", "1", "--out", str(out)],
        ["scenario", "validate", str(scenario)],
    ):
        run = subprocess.run([str(LABKIT), *command], capture_output=True, text=True, timeout=60)
        _assert_one_located_line(run.returncode, run.stderr, mistake, scenario)
        assert run.stdout == ""
        _assert_nothing_written(tmp_path)


def _broken(tmp_path: Path, mistake: Mistake) -> tuple[Path, Path]:
    scenario = tmp_path / "broken.yaml"
    scenario.write_bytes(mistake.data)
    return scenario, tmp_path / "lab"


def _assert_nothing_written(tmp_path: Path) -> None:
    assert not (tmp_path / "lab").exists()
    assert not list(tmp_path.glob(".lab.partial-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.yaml"]


def _assert_one_located_line(code: int, stderr: str, mistake: Mistake, scenario: Path) -> None:
    assert code == 2, stderr
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("labkit: error: "), line
    assert f"{scenario}:{mistake.line}:" in line or line.endswith(f"{scenario}:{mistake.line}"), (
        f"expected line {mistake.line}: {line}"
    )
    for words in mistake.expect:
        assert words in line, f"{words!r} not in {line!r}"
