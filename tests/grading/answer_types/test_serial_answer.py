"""Volume serial numbers: every notation of Windows, The Sleuth Kit and fsck.fat is the same number."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from labkit.grading.answer_types.domain_answer import TOO_LONG
from labkit.grading.answer_types.serial_answer import SerialAnswer
from labkit.grading.results import Check


def judge(given: str, answer: str = "0F0E-0E5B", **options: object) -> str:
    answer_type = SerialAnswer(options)
    return answer_type.check_given(answer_type.expect(answer), given).reason


@pytest.mark.parametrize(
    "given",
    ["0F0E-0E5B", "0f0e-0e5b", "0xf0e0e5b", "0x0F0E0E5B", "0F0E0E5B", "f0e0e5b", "0F0E 0E5B", " 0f0e:0e5b ",
     "Volume ID: 0xf0e0e5b", "ＯＦ０Ｅ-０Ｅ５Ｂ".replace("Ｏ", "０")],
)  # fmt: skip
def test_every_tools_notation_is_accepted(given: str) -> None:
    assert judge(given) == "accepted"
    answer_type = SerialAnswer()
    assert answer_type.seal_form(given) in answer_type.seal_forms(answer_type.expect("0F0E-0E5B"))


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("0F0E-0E5C", "wrong"),
        ("5B0E-0E0F", "wrong: the bytes are in disk order; the boot sector stores the number little-endian"),
        ("1 0F0E 0E5B", "wrong: longer than a 32-bit serial number"),
        ("KINGSTON", "wrong: not a hexadecimal serial number (write e.g. 0F0E-0E5B)"),
        ("-0F0E", "wrong: not a hexadecimal serial number (write e.g. 0F0E-0E5B)"),
        ("0x", "wrong: not a hexadecimal serial number (write e.g. 0F0E-0E5B)"),
        ("\x00\xff" * 10, "wrong: not a hexadecimal serial number (write e.g. 0F0E-0E5B)"),
    ],
)
def test_near_misses_and_garbage_say_why(given: str, reason: str) -> None:
    assert judge(given) == reason
    assert SerialAnswer().seal_form(given) in (None, "f0e0e5c", "5b0e0e0f")


def test_an_ntfs_serial_and_bad_keys() -> None:
    assert judge("0x1C2A9F0B3E4D5A6F", answer="1C2A-9F0B-3E4D-5A6F", bits=64) == "accepted"
    assert judge("1" * 1_000_000) == f"wrong: {TOO_LONG}"
    with pytest.raises(ValueError, match="does not fit in 32 bits"):
        SerialAnswer().expect("1C2A-9F0B-3E4D-5A6F")
    with pytest.raises(ValueError, match="not a hexadecimal serial number"):
        SerialAnswer().expect("serial")
    with pytest.raises(ValidationError):
        SerialAnswer({"bits": 12})
    assert SerialAnswer().check(SerialAnswer().expect("0F0E-0E5B"), "0F0E-0E5B") == Check.accepted()
