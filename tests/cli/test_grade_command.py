"""``labkit grade`` end to end through ``labkit.cli.main.main``: exit codes, one-line errors, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labkit.cli import grade_command
from labkit.cli import main as cli_main
from labkit.grading import render_answer_sheet
from labkit.key import AnswerKey

KEY = AnswerKey.model_validate(
    {
        "scenario": "stolen-ledger",
        "title": {"en": "The stolen ledger", "ru": "Украденная книга"},
        "seed": 42,
        "questions": [
            {"id": "q1", "type": "hash", "answer": "ab" * 32, "points": 2, "medium": "disk",
             "prompt": {"en": "SHA-256 of ledger.xlsx?", "ru": "SHA-256 файла ledger.xlsx?"}},
            {"id": "q2", "type": "datetime", "answer": "2026-03-14T10:03:12+05:00", "points": 2,
             "medium": "disk", "options": {"tolerance_seconds": 2}},
            {"id": "q3", "type": "integer", "answer": 45056, "points": 1, "medium": "disk"},
        ],
    }
)  # fmt: skip


@pytest.fixture(autouse=True)
def only_the_grade_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register just this command, so these tests do not depend on the other command modules."""

    def register() -> None:
        for command in grade_command.COMMANDS:
            cli_main.cli.add_command(command)

    monkeypatch.setattr(cli_main, "_register", register)


@pytest.fixture
def key_path(tmp_path: Path) -> Path:
    path = tmp_path / "key.json"
    path.write_text(KEY.to_json(), encoding="utf-8")
    return path


def write_sheet(tmp_path: Path, answers: dict[str, str]) -> Path:
    text = render_answer_sheet(KEY)
    for qid, value in answers.items():
        text = text.replace(f"\n{qid}:\n", f"\n{qid}: {value}\n")
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main(["grade", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_grade_prints_a_table_and_exits_0(
    tmp_path: Path, key_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich wraps to the terminal width
    sheet = write_sheet(tmp_path, {"q1": "AB" * 32, "q2": "2026-03-14 10:03:12 (UTC)", "q3": "45 057"})
    code, out, err = run(["--key", str(key_path), str(sheet)], capsys)
    assert (code, err) == (0, "")
    assert "partial: the local time is right" in out and "+00:00" in out
    assert "Total: 3/5 (60.0%)" in out


def test_json_output_parses_and_the_key_scores_100(
    tmp_path: Path, key_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = write_sheet(tmp_path, {q.id: str(q.answer) for q in KEY.questions})
    code, out, _ = run(["--key", str(key_path), str(sheet), "--json", "--lang", "ru"], capsys)
    data = json.loads(out)
    assert code == 0
    assert (data["format"], data["percentage"], data["lang"]) == (1, 100.0, "ru")
    assert data["questions"][0]["prompt"] == "SHA-256 файла ledger.xlsx?"


def test_russian_labels(tmp_path: Path, key_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--key", str(key_path), str(write_sheet(tmp_path, {})), "--lang", "ru"], capsys)
    assert code == 0 and "Итого: 0/5 (0.0%)" in out and "нет ответа" in out


HOSTILE: dict[str, tuple[bytes, str]] = {
    "not utf-8": (b"q1: ok\nq2: caf\xe9\n", ":2:8: not UTF-8 text"),
    "binary junk": (bytes(range(256)) * 64, ":2:118: not UTF-8 text"),
    "10 MB": (b"q1: x\n" * (10 * 1024 * 1024 // 6), ":174763: file is larger than 1024 KiB"),
    "deep nesting": (
        b"q1: " + b"[" * 100_000 + b"]" * 100_000,
        ":1:6: q1: a list answer may hold",
    ),
    "billion laughs": (
        b'a: &a ["lol","lol"]\nb: &b [*a,*a]\nc: [*b,*b]\n',
        ":1:4: anchors (&name) are not",
    ),
    "tabs": (b"q1: x\n\tq2: y\n", ":2:1: not valid YAML: found character '\\t'"),
    "duplicate keys": (b"q1: a\nq2: b\nq1: c\n", ":3:1: question 'q1' is answered twice (lines 1 and 3)"),
    "unknown id": (b"q1: a\nq33: b\n", ":2: unknown question id 'q33'; did you mean 'q3'?"),
    "top level list": (b"- q1\n- q2\n", ":1:1: the answer sheet must be lines of 'question id: answer'"),
    "empty file": (b"", ":1: the answer sheet has no answers"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_sheets_exit_2_with_one_located_line(
    case: str, tmp_path: Path, key_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, expected = HOSTILE[case]
    sheet = tmp_path / "answers.yaml"
    sheet.write_bytes(content)
    code, out, err = run(["--key", str(key_path), str(sheet)], capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"labkit: error: {sheet}{expected}"), err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    ("key_text", "expected"),
    [
        (None, "key file: file not found"),
        ("{not json", "key file is not valid JSON"),
        ('{"scenario": "s", "seed": 1}', "key field questions: Field required"),
        (
            KEY.to_json().replace('"integer"', '"ipv4"'),
            "answer key question 'q3': unknown answer type 'ipv4'",
        ),
    ],
)
def test_bad_keys_exit_2(
    key_text: str | None, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.json"
    if key_text is not None:
        key.write_text(key_text, encoding="utf-8")
    code, _, err = run(["--key", str(key), str(write_sheet(tmp_path, {}))], capsys)
    assert code == 2
    assert expected in err and err.count("\n") == 1


def test_missing_sheet_and_missing_option_exit_2(key_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--key", str(key_path), "/nonexistent/answers.yaml"], capsys)[0] == 2
    code, _, err = run(["answers.yaml"], capsys)
    assert code == 2 and "--key" in err
