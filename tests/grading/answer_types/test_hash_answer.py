from __future__ import annotations

import hashlib

import pytest

from labkit.grading.answer_types.hash_answer import HashAnswer
from labkit.grading.results import Check

DATA = b"ledger.xlsx contents"
SHA256 = hashlib.sha256(DATA).hexdigest()
SHA1 = hashlib.sha1(DATA).hexdigest()
MD5 = hashlib.md5(DATA).hexdigest()


def judge(given: str, answer: str = SHA256, **options: object) -> str:
    answer_type = HashAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    [
        SHA256,
        SHA256.upper(),
        " ".join(SHA256[i : i + 8] for i in range(0, 64, 8)),
        ":".join(SHA256[i : i + 2] for i in range(0, 64, 2)),
        "-".join(SHA256[i : i + 4] for i in range(0, 64, 4)),
        "0x" + SHA256,
        f"{SHA256}  /mnt/evidence/ledger.xlsx",  # sha256sum output
        f"SHA256 (ledger.xlsx) = {SHA256}",  # BSD-style output
    ],
)
def test_accepted_spellings(given: str) -> None:
    assert judge(given) == "accepted"


def test_wrong_length_names_the_algorithm_it_looks_like() -> None:
    assert judge(SHA1) == "wrong: not a SHA-256 (40 hex digits looks like SHA-1)"
    assert judge(MD5) == "wrong: not a SHA-256 (32 hex digits looks like MD5)"
    assert judge(SHA256[:50]) == "wrong: not a SHA-256 (50 hex digits, expected 64)"


def test_near_miss_and_garbage() -> None:
    flipped = SHA256[:-1] + ("0" if SHA256[-1] != "0" else "1")
    assert judge(flipped) == "wrong"
    assert judge("not a hash") == "wrong: not a hexadecimal digest"
    assert judge("g" * 64) == "wrong: not a hexadecimal digest"
    assert judge(f"{MD5}  ledger.xlsx") == "wrong: not a SHA-256 (32 hex digits looks like MD5)"


def test_algorithm_inferred_or_declared() -> None:
    assert judge(MD5.upper(), answer=MD5) == "accepted"
    assert judge(SHA1, answer=SHA1, algorithm="sha1") == "accepted"
    with pytest.raises(ValueError):
        HashAnswer({"algorithm": "sha1"}).expect(SHA256)
    with pytest.raises(ValueError):
        HashAnswer().expect("abc")


def test_seal_forms_match_exactly_right_answers_only() -> None:
    answer_type = HashAnswer({"algorithm": "sha256"})
    expected = answer_type.expect(SHA256.upper())
    forms = answer_type.seal_forms(expected)
    public = HashAnswer(answer_type.public_options())
    assert forms == {SHA256}
    flipped = SHA256[:-1] + ("0" if SHA256[-1] != "0" else "1")
    colons = ":".join(SHA256[i : i + 2] for i in range(0, 64, 2))
    givens = [SHA256, SHA256.upper(), "0x" + SHA256, f"{SHA256}  ledger.xlsx", f"SHA256 (x) = {SHA256}",
              colons, flipped, SHA1, MD5, "not a hash", ""]  # fmt: skip
    for given in givens:
        exact = answer_type.check_given(expected, given) == Check.accepted()
        assert public.seal_form(given) == answer_type.seal_form(given)
        assert (public.seal_form(given) in forms) is exact, given


@pytest.mark.parametrize(
    "given",
    [f"{MD5}, yes the media matches", f"MD5: {MD5.upper()} (matches)", f"{MD5}; совпадает",
     f"stored {':'.join(MD5[i:i + 2] for i in range(0, 32, 2))} - verified"],
)  # fmt: skip
def test_the_one_digest_of_a_sentence_is_the_answer(given: str) -> None:
    assert judge(given, answer=MD5) == "accepted"
    answer_type = HashAnswer()
    assert answer_type.seal_form(given) in answer_type.seal_forms(answer_type.expect(MD5))


def test_two_digests_or_a_pasted_file_are_not_searched() -> None:
    other = MD5[:-1] + ("0" if MD5[-1] != "0" else "1")
    assert judge(f"{MD5} or {other}", answer=MD5) == "wrong: 2 different digests given; give one"
    assert judge(f"{MD5} ({MD5.upper()})", answer=MD5) == "accepted"  # the same digest twice is one
    assert judge("it was added to a bad face", answer=MD5) == "wrong: not a hexadecimal digest"
    assert judge("x " * 3000 + MD5 + " y", answer=MD5) == "wrong: not a hexadecimal digest"
