"""``labkit class secret``, ``labkit class build`` and ``labkit check`` through ``labkit.cli.main.main``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import click
import pytest

from labkit.casefile.manifest import write_manifest
from labkit.cli import check_command, class_build_command
from labkit.cli import main as cli_main
from labkit.grading.selfcheck import seal_key, selfcheck_secret, write_seal
from labkit.key import AnswerKey

SECRET = bytes.fromhex("9e1d44c07a3b5f2816e0d9c3b7a5f1e2d4c6b8a0f9e8d7c6b5a4938271605f4e")


@pytest.fixture(autouse=True)
def only_these_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    """Register just the commands under test, so these tests do not depend on the other command modules."""

    def register() -> None:
        group = click.Group("class")
        for command in class_build_command.COMMANDS:
            group.add_command(command)
        cli_main.cli.add_command(group)
        for command in check_command.COMMANDS:
            cli_main.cli.add_command(command)

    monkeypatch.setattr(cli_main, "_register", register)


def run(args: list[str], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main([str(a) for a in args])
    captured = capfd.readouterr()
    return code, captured.out, captured.err


def test_secret_is_written_once(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "class.key"
    code, out, err = run(["class", "secret", path], capfd)
    assert (code, err) == (0, "")
    assert out.startswith(f"secret: {path} (32 random bytes, mode 0600)")
    assert len(path.read_bytes()) == 32 and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    before = path.read_bytes()
    code, out, err = run(["class", "secret", path], capfd)
    assert (code, out) == (2, "")
    assert err == (
        f"labkit: error: {path}: exists; a secret is never overwritten (the keys of its class depend on it); "
        "choose another file name\n"
    )
    assert path.read_bytes() == before


def test_build_an_exam_class(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    roster, secret = tmp_path / "roster.csv", tmp_path / "class.key"
    roster.write_text("id,name\nA-01,Dana Seitkali\nA-02,Ruslan Omarov\n", encoding="utf-8")
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    out = tmp_path / "class"
    code, stdout, err = run(
        ["class", "build", "usb-fraud", "--roster", roster, "--secret", secret, "--out", out, "--jobs", "2"],
        capfd,
    )
    assert (code, err) == (0, "")  # no progress bar off a terminal, nothing from the workers
    lines = stdout.splitlines()
    assert lines[0].startswith(f"class folder: {out} (2 trainees, exam mode, built in ")
    assert lines[-1] == "verified:     every answer of every case read back with independent tools"
    for trainee in ("A-01", "A-02"):
        assert (out / "handout" / f"{trainee}.zip").is_file()
        assert (out / "trainer" / "keys" / f"{trainee}.json").is_file()
        case = out / "cases" / trainee
        assert not (case / "selfcheck.json").exists()
        code, stdout, err = run(["check", case, "q1", "abc"], capfd)
        assert (code, stdout) == (2, "")
        assert err == (
            f"labkit: error: {case}: this case is an exam case: no self-check; your answers are judged at "
            "grading\n"
        )


def test_a_bad_roster_is_one_line_and_nothing_is_built(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    roster, secret = tmp_path / "roster.csv", tmp_path / "class.key"
    roster.write_text("id,name\nA-01,Dana\nA 02,Ruslan\n", encoding="utf-8")
    secret.write_bytes(SECRET)
    secret.chmod(0o644)
    out = tmp_path / "class"
    code, stdout, err = run(
        ["class", "build", "usb-fraud", "--roster", roster, "--secret", secret, "--out", out], capfd
    )
    assert (code, stdout) == (2, "")
    assert err.splitlines() == [
        f"labkit: warning: {secret} is readable by other users; 'chmod 600 {secret}'",
        f"labkit: error: {roster}:3: id: id must be 1-64 letters (A-Z), digits, '.', '_' or '-', starting "
        "with a letter or digit (got 'A 02'); ids name folders and zips; use the registration number, "
        "e.g. KZ-0142",
    ]
    assert not out.exists()
    code, _, err = run(["class", "build", "usb-fraud", "--roster", roster, "--secret", secret, "--out", out,
                        "--jobs", "0"], capfd)  # fmt: skip
    assert code == 2 and "--jobs" in err


@pytest.fixture
def practice_case(tmp_path: Path) -> Path:
    """A practice case folder as a class build leaves it, with a fast seal (the build uses the full cost)."""
    key = AnswerKey.model_validate(
        {"scenario": "usb-fraud", "seed": 1, "case_id": "1e453a042f", "questions": [
            {"id": "q2", "type": "text", "answer": "16F8-262B", "points": 1, "medium": "disk"},
            {"id": "q8", "type": "path", "answer": "/Фото/IMG_1322.JPG", "points": 1, "medium": "disk"},
            {"id": "q11", "type": "text", "answer": "-1", "points": 1, "medium": "disk"},
            {"id": "q5", "type": "datetime", "answer": "2026-01-21T13:47:22.73+05:00", "points": 1,
             "medium": "disk", "options": {"tolerance_seconds": 2}},
        ]}
    )  # fmt: skip
    case = tmp_path / "case"
    case.mkdir()
    (case / "briefing.md").write_text("# case\n", encoding="utf-8")
    seal = seal_key(key, selfcheck_secret(SECRET, "A-01"), iterations=1000)
    seal["questions"][2] = {"id": "q11", "type": "rubric", "checkable": False}
    write_seal(seal, case)
    write_manifest(case)
    return case


@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        (["q2", "16f8-262b"], 0, "q2: matches"),
        (["q8", "\\ФОТО\\img_1322.jpg"], 0, "q8: matches"),
        (["q8", "/Фото/IMG_1323.JPG"], 1, "q8: does not match exactly (answers within a tolerance or partly "
         "right are judged at grading)"),
        (["q11", "--", "-1"], 1, "q11: this question cannot be self-checked"),
        (["q5", "2026-01-21 13:47:22"], 0, "q5: matches"),  # what istat shows, within the tolerance
        (["q5", "garbage"], 1, "q5: cannot read this answer: not a date and time (write e.g. 2026-03-14 "
         "10:03:12)"),
    ],
)  # fmt: skip
def test_check_a_practice_answer(
    practice_case: Path, capfd: pytest.CaptureFixture[str], args: list[str], code: int, line: str
) -> None:
    assert run(["check", practice_case, *args], capfd) == (code, line + "\n", "")


def test_check_bad_input_exits_2(
    practice_case: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", practice_case, "q22", "x"], capfd)
    assert (code, out) == (2, "")
    assert err == "labkit: error: no question 'q22' in this case; did you mean q2?\n"
    code, out, err = run(["check", tmp_path / "nowhere", "q2", "x"], capfd)
    assert (code, out) == (2, "")
    assert err == (
        f"labkit: error: {tmp_path / 'nowhere'}: not a folder; give the case folder (it holds answers.yaml)\n"
    )
