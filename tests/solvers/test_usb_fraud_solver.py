"""The reference solver for usb-fraud: full marks on generated variants, from the case folder alone.

Generated variants are graded with the key; the answers are also read back with The
Sleuth Kit (fsstat, icat, icat -s, istat) and ewfverify, and a hand-made FAT image
built with mkfs.fat/mtools checks that the heuristics do not depend on our generator.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

import labkit
from labkit.errors import UsageError
from labkit.scenario.catalog import resolve_scenario_path
from labkit.solvers import investigate, solve

from .helpers import solve_and_grade, trainee_copy, verified_lab_fixture

SCENARIO = labkit.load_scenario(resolve_scenario_path("usb-fraud"))
SECTOR = 512
ALL_QUESTIONS = {f"q{n}" for n in range(1, 11)}


def _tsk(*args: str) -> str:
    env = {**os.environ, "TZ": "UTC"}
    return subprocess.run(args, check=True, capture_output=True, env=env).stdout.decode("utf-8")


def _tsk_bytes(*args: str) -> bytes:
    return subprocess.run(args, check=True, capture_output=True).stdout


#: Seed 1, generated with verification on (every key answer read back with TSK).
seed_one = verified_lab_fixture("usb-fraud")


def _solve_and_grade(lab: Path, trainee_dir: Path) -> None:
    solve_and_grade(solve, lab, trainee_dir, ALL_QUESTIONS)


def test_full_marks_on_a_verified_variant(seed_one: Path, tmp_path: Path) -> None:
    _solve_and_grade(seed_one, tmp_path)


@pytest.mark.parametrize(("seed", "lang"), [(2, "ru"), (3, "kk"), (4, "en"), (5, "en")])
def test_full_marks_on_other_seeds_and_languages(seed: int, lang: str, tmp_path: Path) -> None:
    labkit.generate(SCENARIO, seed, tmp_path / "lab", lang=lang, verify=False)
    _solve_and_grade(tmp_path / "lab", tmp_path / "trainee")


def test_answers_agree_with_the_sleuth_kit(seed_one: Path, tmp_path: Path) -> None:
    case = trainee_copy(seed_one, tmp_path / "case")
    image = str(case / "evidence" / "usb.E01")
    solution = investigate(case)
    answers = solution.answers
    offset = re.search(r"(\d+)\s+\d+\s+\d+\s+Win95 FAT32", _tsk("mmls", image))
    assert offset is not None
    start = offset.group(1).lstrip("0")

    verify = _tsk("ewfverify", "-q", image)
    assert f"MD5 hash calculated over data:\t\t{answers['q1'].split()[0]}" in verify
    assert "(the media matches)" in answers["q1"]
    volume_id = re.search(r"Volume ID: 0x([0-9a-f]{1,8})", _tsk("fsstat", "-o", start, image))
    assert volume_id is not None
    serial = volume_id[1].rjust(8, "0")  # fsstat drops leading zeros
    assert answers["q2"] == f"{serial[:4]}-{serial[4:]}".upper()

    deleted = dict(
        (line.split("\t")[1], line.split()[2].rstrip(":"))
        for line in _tsk("fls", "-o", start, "-r", "-d", "-p", image).splitlines()
    )
    ledger_inode = deleted[answers["q3"].lstrip("/")]
    recovered = _tsk_bytes("icat", "-o", start, image, ledger_inode)
    assert hashlib.sha256(recovered).hexdigest() == answers["q4"]
    istat = _tsk("istat", "-o", start, "-z", "Asia/Almaty", image, ledger_inode)
    written = re.search(r"Written:\t(\S+ \S+)", istat)
    assert written is not None and answers["q5"] == written[1].replace(" ", "T") + "+05:00"

    allocated = dict(
        (line.split("\t")[1], line.split()[1].rstrip(":"))
        for line in _tsk("fls", "-o", start, "-r", "-p", image).splitlines()
    )
    disguised = _tsk_bytes("icat", "-o", start, image, allocated[answers["q6"].lstrip("/")])
    mime = subprocess.run(
        ["file", "-b", "--mime-type", "-"], input=disguised, capture_output=True, check=True
    )
    assert mime.stdout.strip() == f"application/{answers['q7']}".encode()

    host = allocated[answers["q8"].lstrip("/")]
    size = re.search(r"Size: (\d+)", _tsk("istat", "-o", start, image, host))
    assert size is not None
    slack = _tsk_bytes("icat", "-s", "-o", start, image, host)[int(size[1]) :]
    assert slack.strip(b"\0").strip() == answers["q9"].encode()
    assert solution.zone == "Asia/Almaty"


def test_not_a_case_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a case folder"):
        investigate(tmp_path)


# --- a stick made by hand with mkfs.fat and mtools, not by labkit ---------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _mtools(*args: str) -> None:
    subprocess.run(
        args, check=True, capture_output=True, env={**os.environ, "TZ": "UTC", "MTOOLS_SKIP_CHECK": "1"}
    )


def _inode(image: Path, name: str) -> str:
    """The inode fls gives the file called ``name`` in the root directory."""
    return next(line.split()[-2].rstrip(":") for line in _tsk("fls", str(image)).splitlines()
                if line.endswith(f"\t{name}"))  # fmt: skip


@pytest.fixture
def handmade_case(tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A raw FAT16 stick: a copied-in .docx, a PDF named .jpg (hidden), a deleted .xlsx, slack text."""
    case = tmp_path / "case"
    (case / "evidence").mkdir(parents=True)
    image = case / "evidence" / "stick.dd"
    subprocess.run(["mkfs.fat", "-C", "-F", "16", "-s", "1", "-i", "1234abcd", str(image), "8192"],
                   check=True, capture_output=True)  # fmt: skip
    files = {
        "contract.docx": _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "holiday.jpg": b"%PDF-1.4\n" + b"1 0 obj << >> endobj\n" * 40,
        "ledger.xlsx": _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}),
        "notes.txt": b"buy milk\n" * 7,
    }
    source = tmp_path / "source"
    source.mkdir()
    for name, data in files.items():
        (source / name).write_bytes(data)
    for name in files:
        _mtools("mcopy", "-i", str(image), str(source / name), f"::/{name}")
    # A copy keeps its source's modified time: set the contract's to 2020-01-01 00:00 in its 8.3 entry.
    data = bytearray(image.read_bytes())
    entry = data.index(b"CONTRA~1DOC")
    data[entry + 22 : entry + 26] = (0).to_bytes(2, "little") + ((2020 - 1980) << 9 | 1 << 5 | 1).to_bytes(
        2, "little"
    )
    image.write_bytes(bytes(data))
    _mtools("mattrib", "-i", str(image), "+h", "::/holiday.jpg")
    _mtools("mdel", "-i", str(image), "::/ledger.xlsx")
    # Hide a note in the slack of notes.txt: right after its last byte, in its last sector.
    listing = _tsk("istat", str(image), _inode(image, "notes.txt")).split("Sectors:")[1]
    sectors = [int(sector) for sector in listing.split() if sector != "0"]
    with image.open("r+b") as stream:
        stream.seek(sectors[-1] * SECTOR + len(files["notes.txt"]) % SECTOR)
        stream.write(b"pin 4321 for the safe")
    (case / "briefing.md").write_text("A stick. Its owner's clock ran in Europe/Berlin.\n", encoding="utf-8")
    (case / "answers.yaml").write_text(
        "# sheet\n" + "".join(f"q{n}:\n" for n in range(1, 11)), encoding="utf-8"
    )
    return case, files


def test_heuristics_work_on_a_stick_labkit_did_not_make(handmade_case: tuple[Path, dict[str, bytes]]) -> None:
    case, files = handmade_case

    solution = investigate(case)
    answers = solution.answers

    assert "q1" not in answers  # a raw image stores no acquisition hash
    assert answers["q2"] == "1234-ABCD"
    assert answers["q3"] == "/ledger.xlsx"
    assert answers["q4"] == hashlib.sha256(files["ledger.xlsx"]).hexdigest()
    assert answers["q5"].endswith(("+01:00", "+02:00"))
    assert (answers["q6"], answers["q7"]) == ("/holiday.jpg", "pdf")
    assert (answers["q8"], answers["q9"]) == ("/notes.txt", "pin 4321 for the safe")
    image = case / "evidence" / "stick.dd"
    created = re.search(r"Created:\t(\S+ \S+)", _tsk("istat", str(image), _inode(image, "contract.docx")))
    assert created is not None and answers["q10"].startswith(created[1].replace(" ", "T"))
    assert "Written:\t2020-01-01 00:00:00" in _tsk("istat", str(image), _inode(image, "contract.docx"))
    assert "/contract.docx" in next(f.how for f in solution.findings if f.question_id == "q10")
    assert solution.zone == "Europe/Berlin"


def test_a_clean_stick_leaves_the_questions_open(tmp_path: Path) -> None:
    case = tmp_path / "case"
    (case / "evidence").mkdir(parents=True)
    image = case / "evidence" / "clean.dd"
    subprocess.run(["mkfs.fat", "-C", "-F", "12", str(image), "2048"], check=True, capture_output=True)
    text = tmp_path / "readme.txt"
    text.write_bytes(b"nothing to see\n")
    _mtools("mcopy", "-i", str(image), str(text), "::/readme.txt")
    (case / "briefing.md").write_text("No zone is stated.\n", encoding="utf-8")
    (case / "answers.yaml").write_text("q1:\n", encoding="utf-8")

    solution = investigate(case)

    assert set(solution.answers) == {"q2"}
    assert solution.zone == "UTC"
    assert all(f.how for f in solution.findings)
