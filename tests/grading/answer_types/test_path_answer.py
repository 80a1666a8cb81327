from __future__ import annotations

import pytest

from labkit.grading.answer_types.path_answer import PathAnswer
from labkit.grading.results import Check

KEY = "/Documents/Финансы/invoice.pdf"


def judge(given: str, answer: str = KEY, **options: object) -> str:
    answer_type = PathAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    [
        KEY,
        "Documents/Финансы/invoice.pdf",
        r"\Documents\Финансы\invoice.pdf",
        r"E:\DOCUMENTS\ФИНАНСЫ\INVOICE.PDF",
        "/documents//финансы/./invoice.pdf/",
        "/Documents/Other/../Финансы/invoice.pdf",
    ],
)
def test_fat_paths_accept_separators_drive_and_case(given: str) -> None:
    assert judge(given) == "accepted"


@pytest.mark.parametrize(
    "given", ["/Documents/invoice.pdf", "/Documents/Финансы/invoice.pd", "invoice.pdf", "???"]
)
def test_near_misses_are_wrong(given: str) -> None:
    assert judge(given) == "wrong"


def test_case_sensitive_file_systems_say_why() -> None:
    assert judge("/home/ivan/Notes.txt", answer="/home/ivan/Notes.txt", case_sensitive=True) == "accepted"
    reason = judge("/home/ivan/notes.txt", answer="/home/ivan/Notes.txt", case_sensitive=True)
    assert reason == "wrong: letter case differs (this file system is case-sensitive)"


def test_alternatives_accept_the_short_name() -> None:
    assert judge(r"\DOCUME~1\INVOIC~1.PDF", alternatives=["/DOCUME~1/INVOIC~1.PDF"]) == "accepted"


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_seal_forms_match_exactly_right_answers_only(case_sensitive: bool) -> None:
    answer_type = PathAnswer({"case_sensitive": case_sensitive, "alternatives": ["/DOCUME~1/INVOIC~1.PDF"]})
    expected = answer_type.expect(KEY)
    forms = answer_type.seal_forms(expected)
    public = PathAnswer(answer_type.public_options())
    assert public.public_options() == {"case_sensitive": case_sensitive}  # the alternatives stay secret
    givens = [
        KEY, r"E:\Documents\Финансы\invoice.pdf", "/documents/финансы/INVOICE.PDF", r"\DOCUME~1\INVOIC~1.PDF",
        "/Documents/Other/../Финансы/./invoice.pdf", "/Documents/invoice.pdf", "invoice.pdf", "/",
    ]  # fmt: skip
    for given in givens:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given
