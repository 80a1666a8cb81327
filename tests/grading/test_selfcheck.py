"""The practice self-check: exact answers match in any accepted form; the seal gives no answer away."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from labkit.grading import registry
from labkit.grading.answer_type import AnswerOptions, AnswerType
from labkit.grading.results import Check
from labkit.grading.selfcheck import (
    ITERATIONS,
    MAX_DETAIL_CHARS,
    SELFCHECK_FILE,
    SelfCheckError,
    check_sealed,
    load_seal,
    question_salt,
    seal_key,
    selfcheck_secret,
    write_seal,
)
from labkit.key import AnswerKey

FAST = 1000  # iterations for tests; cases are always sealed with ITERATIONS
SECRET = bytes(range(32))
SHEET_PATH = "/Бухгалтерия/платежи_2465.xlsx"
PASSWORD = "Halyk online: e.qasymova / Summer2002*"


class ProbeOptions(AnswerOptions):
    needle: str = Field("", json_schema_extra={"reveals_answer": True})
    sealable: bool = True


class ProbeAnswer(AnswerType):
    """A test type: exact when equal ignoring case; its ``needle`` option must not reach the seal."""

    Options = ProbeOptions
    options: ProbeOptions

    def expect(self, answer: Any) -> str:
        return str(answer).casefold()

    def check(self, expected: str, given: str) -> Check:
        return Check.accepted() if given.casefold() == expected else Check.wrong()

    def seal_forms(self, expected: str) -> frozenset[str] | None:
        return frozenset({expected}) if self.options.sealable else None

    def seal_form(self, given: str | tuple[str, ...]) -> str | None:
        return given.casefold() if isinstance(given, str) else None


class NeedsSecretOptions(AnswerOptions):
    pattern: str = Field(json_schema_extra={"reveals_answer": True})  # required, and revealing


class NeedsSecretAnswer(ProbeAnswer):
    """Cannot be built from its public options, so it must not be sealed."""

    Options = NeedsSecretOptions  # type: ignore[assignment]

    def seal_forms(self, expected: str) -> frozenset[str] | None:
        return frozenset({expected})


@pytest.fixture(scope="module", autouse=True)
def probe_types() -> Iterator[None]:
    """Registered for these tests only (defined without ``name``, so importing registers nothing)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, answer_type in (("zz_probe", ProbeAnswer), ("zz_needs_secret", NeedsSecretAnswer)):
            patch.setattr(answer_type, "name", name, raising=False)
            patch.setitem(registry._ANSWER_TYPES, name, answer_type)
        yield


def make_key(seed: int = 918273645) -> AnswerKey:
    questions = [
        {
            "id": "q3",
            "type": "path",
            "answer": SHEET_PATH,
            "options": {"alternatives": ["/BUHGAL~1/PLATEZ~1.XLS"]},
        },
        {"id": "q9", "type": "text", "answer": PASSWORD, "options": {"case_sensitive": True}},
        {"id": "serial", "type": "text", "answer": "16F8-262B", "options": {"alternatives": ["16F8262B"]}},
        {"id": "probe", "type": "zz_probe", "answer": "Kingston-Stick", "options": {"needle": "needle-7x"}},
        {"id": "essay", "type": "zz_probe", "answer": "model answer", "options": {"sealable": False}},
        {
            "id": "hidden",
            "type": "zz_needs_secret",
            "answer": "exfiltration",
            "options": {"pattern": "exf.*"},
        },
    ]
    for question in questions:
        question.update(points=1, medium="disk")
    return AnswerKey.model_validate(
        {"scenario": "usb-fraud", "seed": seed, "case_id": "1e453a042f", "questions": questions}
    )


@pytest.fixture(scope="module")
def seal(probe_types: None) -> dict[str, Any]:
    return seal_key(make_key(), selfcheck_secret(SECRET, "KZ-0142"), iterations=FAST)


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("q3", SHEET_PATH),
        ("q3", "\\БУХГАЛТЕРИЯ\\Платежи_2465.XLSX"),  # Windows separators, FAT: case does not count
        ("q3", "/BUHGAL~1/PLATEZ~1.XLS"),  # an accepted alternative (the 8.3 name)
        ("q9", PASSWORD),
        ("q9", "  Halyk online:  e.qasymova / Summer2002* "),  # spacing does not count
        ("serial", "16f8-262b"),
        ("serial", "16F8262B"),
        ("probe", "KINGSTON-STICK"),
        ("Q3", SHEET_PATH),  # the question id in another case
    ],
)
def test_exact_answers_match_in_any_accepted_form(seal: dict[str, Any], question: str, answer: str) -> None:
    result = check_sealed(seal, question, answer)
    assert result.matches and result.message == "matches"


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("q3", "/Бухгалтерия/платежи_2466.xlsx"),
        ("q3", "платежи_2465.xlsx"),  # the name without its folder
        ("q9", PASSWORD.lower()),  # this text is case-sensitive
        ("serial", "16F8-262C"),
        ("probe", "needle-7x"),
        ("q9", "\x00\xff" * 1000),
    ],
)
def test_other_answers_do_not_match_exactly(seal: dict[str, Any], question: str, answer: str) -> None:
    result = check_sealed(seal, question, answer)
    assert result.outcome == "no_match"
    assert result.message == (
        "does not match exactly (answers within a tolerance or partly right are judged at grading)"
    )


@pytest.mark.parametrize("question", ["essay", "hidden"])
def test_unsealable_questions_say_so(seal: dict[str, Any], question: str) -> None:
    entry = next(q for q in seal["questions"] if q["id"] == question)
    assert entry == {"id": question, "type": entry["type"], "checkable": False}
    result = check_sealed(seal, question, "model answer")
    assert result.outcome == "not_checkable"
    assert result.message == "this question cannot be self-checked"


def test_the_seal_holds_no_answer_option_or_seed(seal: dict[str, Any]) -> None:
    text = json.dumps(seal, ensure_ascii=False)
    for secret in ("Бухгалтерия", "PLATEZ~1", "Summer2002", "16F8", "16f8", "kingston", "needle-7x",
                   "model answer", "exfiltration", "exf.*", "918273645", SECRET.hex()):  # fmt: skip
        assert secret not in text
    probe = next(q for q in seal["questions"] if q["id"] == "probe")
    assert probe["options"] == {"sealable": True}  # the revealing option is left out
    serial = next(q for q in seal["questions"] if q["id"] == "serial")
    assert serial["options"] == {"case_sensitive": False}
    assert len(serial["digests"]) == 2 and serial["kdf"] == "pbkdf2-hmac-sha256"
    assert [q["id"] for q in seal["questions"]] == ["q3", "q9", "serial", "probe", "essay", "hidden"]


def test_salts_differ_per_question_and_trainee_but_are_reproducible(seal: dict[str, Any]) -> None:
    salts = [q["salt"] for q in seal["questions"] if q["checkable"]]
    assert len(set(salts)) == len(salts) == 4
    again = seal_key(make_key(), selfcheck_secret(SECRET, "KZ-0142"), iterations=FAST)
    assert again == seal
    other = seal_key(make_key(), selfcheck_secret(SECRET, "KZ-0143"), iterations=FAST)
    mine = {q["id"]: q for q in seal["questions"]}
    for question in other["questions"]:
        if question["checkable"]:  # the same answer, another trainee: nothing in common
            assert question["salt"] != mine[question["id"]]["salt"]
            assert not set(question["digests"]) & set(mine[question["id"]]["digests"])
    assert question_salt(selfcheck_secret(SECRET, "KZ-0142"), "q3").hex() == mine["q3"]["salt"]
    # Another class secret, the same trainee: different salts too.
    assert seal_key(make_key(), selfcheck_secret(SECRET[::-1], "KZ-0142"), iterations=FAST) != seal


def test_cases_are_sealed_with_a_costly_kdf() -> None:
    assert ITERATIONS >= 600_000
    key = AnswerKey.model_validate(
        {"scenario": "s", "seed": 1, "questions": [{"id": "q1", "type": "text", "answer": "ledger.xlsx",
                                                     "points": 1, "medium": "disk"}]}
    )  # fmt: skip
    sealed = seal_key(key, b"k" * 32)
    assert sealed["questions"][0]["iterations"] == ITERATIONS
    assert check_sealed(sealed, "q1", "LEDGER.XLSX").matches
    with pytest.raises(ValueError, match="iterations"):
        seal_key(key, b"k" * 32, iterations=0)


def test_unknown_question_and_empty_answer(seal: dict[str, Any]) -> None:
    with pytest.raises(SelfCheckError, match="no question 'q33' in this case; did you mean q3"):
        check_sealed(seal, "q33", "x")
    with pytest.raises(SelfCheckError, match="no question 'zzz' in this case; the questions are q3, q9"):
        check_sealed(seal, "zzz", "x")
    with pytest.raises(SelfCheckError, match="q3: the answer is empty"):
        check_sealed(seal, "q3", "   ")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s["questions"][0].update(iterations=10**12), "less than or equal to 10000000"),
        (lambda s: s["questions"][0].update(salt="zz"), "field questions.0.salt"),
        (lambda s: s["questions"][0].pop("digests"), "a checkable question needs"),
        (lambda s: s["questions"][4].update(salt="00" * 16), "carries no options, salt or digests"),
        (lambda s: s.update(answers=["x"]), "field answers: Extra inputs are not permitted"),
        (lambda s: s.update(format=2), "field format"),
    ],
)
def test_a_tampered_seal_is_one_clear_error(seal: dict[str, Any], change: Any, message: str) -> None:
    tampered = json.loads(json.dumps(seal))
    change(tampered)
    with pytest.raises(SelfCheckError, match=message):
        check_sealed(tampered, "q3", SHEET_PATH)


def test_load_seal_from_a_case_folder(tmp_path: Path, seal: dict[str, Any]) -> None:
    case = tmp_path / "case"
    case.mkdir()
    with pytest.raises(SelfCheckError, match=r"case: not a case folder \(no MANIFEST.sha256\)"):
        load_seal(case)
    (case / "MANIFEST.sha256").write_text("")
    with pytest.raises(SelfCheckError, match="case: this case is an exam case: no self-check"):
        load_seal(case)
    write_seal(seal, case)
    assert load_seal(case) == seal
    assert check_sealed(load_seal(case), "q3", SHEET_PATH).matches
    (case / SELFCHECK_FILE).write_bytes(b"\xff{")
    with pytest.raises(SelfCheckError, match=r"selfcheck\.json: not a self-check file"):
        load_seal(case)
    with pytest.raises(SelfCheckError, match="not a folder"):
        load_seal(tmp_path / "missing")


class ReaderProbeAnswer(ProbeAnswer):
    """A probe whose ``read_problem`` says too much on purpose: control characters, long text."""

    def read_problem(self, given: str | tuple[str, ...]) -> str | None:
        if given == "noisy":
            return "bad\x1b[31m input\nsecond line " + "x" * 500
        return None


DATETIME_KEY = AnswerKey.model_validate(
    {"scenario": "usb-fraud", "seed": 5, "case_id": "1e453a042f", "questions": [
        {"id": "q10", "type": "datetime", "answer": "2026-01-21T13:47:22.73+05:00", "points": 1,
         "medium": "disk", "options": {"tolerance_seconds": 2}},
        {"id": "q11", "type": "datetime", "answer": "2026-02-03T10:00:00+05:00", "points": 1,
         "medium": "disk", "options": {"timezone": "Asia/Almaty"}},
        {"id": "q12", "type": "zz_reader", "answer": "Kingston", "points": 1, "medium": "disk"},
    ]}
)  # fmt: skip


@pytest.fixture(scope="module")
def datetime_seal(probe_types: None) -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReaderProbeAnswer, "name", "zz_reader", raising=False)
        patch.setitem(registry._ANSWER_TYPES, "zz_reader", ReaderProbeAnswer)
        yield seal_key(DATETIME_KEY, selfcheck_secret(SECRET, "KZ-0142"), iterations=FAST)


@pytest.mark.parametrize(
    "answer",
    [
        "2026-01-21 13:47:22",  # what istat shows without the fraction: full credit at grading
        "2026-01-21 13:47:22.73",
        "2026-01-21 13:47:24",
        "21.01.2026 13:47:21",
        "2026-01-21 08:47:23 UTC",
        "1768985242000",
    ],
)
def test_whole_seconds_within_a_tolerance_match(datetime_seal: dict[str, Any], answer: str) -> None:
    assert check_sealed(datetime_seal, "q10", answer).matches


@pytest.mark.parametrize(
    "answer",
    [
        "2026-01-21 13:47:25",
        "2026-01-21 13:47:22.5",  # within the tolerance but not a whole second: judged at grading
        "2026-01-21 13:47",  # right to the minute only
        "2026-01-21 08:47:22",  # UTC written without saying so
    ],
)
def test_other_times_do_not_match(datetime_seal: dict[str, Any], answer: str) -> None:
    assert check_sealed(datetime_seal, "q10", answer).outcome == "no_match"


def test_a_tolerance_question_keeps_its_digests_few(datetime_seal: dict[str, Any]) -> None:
    q10, q11, _ = datetime_seal["questions"]
    assert (
        q10["checkable"] and len(q10["digests"]) == 10
    )  # 5 whole or exact seconds, as instant and wall clock
    assert q11["checkable"] and len(q11["digests"]) == 1
    assert q10["options"] == {"tolerance_seconds": 2.0, "timezone": None, "require_seconds": False}


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("q10", "garbage", "cannot read this answer: not a date and time (write e.g. 2026-03-14 10:03:12)"),
        ("q10", "2026-01-21", "cannot read this answer: give the time of day as well as the date"),
        ("q10", ("2026-01-21 13:47:22", "x"), "cannot read this answer: give one value, not a list of 2"),
        ("q11", "03/02/2026 10:00:00", "cannot read this answer: the date may be 3 February or 2 March 2026; "
         "write it year first (YYYY-MM-DD) to self-check"),
    ],
)  # fmt: skip
def test_an_unreadable_answer_gets_the_types_reason(
    datetime_seal: dict[str, Any], question: str, answer: str | tuple[str, ...], message: str
) -> None:
    result = check_sealed(datetime_seal, question, answer)
    assert (result.outcome, result.matches, result.message) == ("unreadable", False, message)
    assert result.detail == message.removeprefix("cannot read this answer: ")


def test_a_date_settled_by_its_weekday_matches(datetime_seal: dict[str, Any]) -> None:
    assert check_sealed(datetime_seal, "q11", "Tue 03/02/2026 10:00:00").matches
    assert check_sealed(datetime_seal, "q11", "2026-02-03 05:00:00 UTC").matches


def test_a_types_reason_is_one_bounded_printable_line(datetime_seal: dict[str, Any]) -> None:
    assert check_sealed(datetime_seal, "q12", "KINGSTON").matches
    noisy = check_sealed(datetime_seal, "q12", "noisy")
    assert noisy.outcome == "unreadable" and noisy.detail is not None
    assert noisy.detail.startswith("bad?[31m input second line xxx") and noisy.detail.endswith("…")
    assert len(noisy.detail) == MAX_DETAIL_CHARS and noisy.detail.isprintable()
