"""Issue 5's acceptance, end to end through the ``labkit`` command line, for a class of 30.

One class of the bundled basic scenario (usb-fraud) is built in practice mode
(so every case also carries a sealed self-check to scan), then 30 trainees hand
in what trainees hand in: right answers written every way an examiner writes
them, wrong ones, answers copied from a neighbour's variant, a neighbour's
whole sheet, sheets that cannot be read, nothing at all, and a stray file.
Every expected number is derived from the trainer's keys and the grading
policy, never typed: the test says which answers are right, wrong or half
right, and the arithmetic follows.

Checked: the class table, the collusion flags (exactly the copiers, with whom
and how strong), the malformed sheets named with their problem, the regrade
after a key fix keeping the first run, the JSON/CSV/JUnit reports, the HTML
report rendered by headless Chromium, and a scan of every file of every case
folder and zip for the secret, the seeds, the keys and the answers.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from labkit.classroom.layout import ClassLayout
from labkit.classroom.manifest import ClassManifest
from labkit.cli import main as cli_main
from labkit.grading.policy import load_policy
from labkit.grading.selfcheck import selfcheck_secret
from labkit.key import AnswerKey
from labkit.seeding import trainee_seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SECRET = bytes.fromhex("3b9f0e1c7d2a4b6859e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6")
IDS = [f"KZ-{n:04d}" for n in range(101, 131)]
NAMES = ["Асель Нурланова", "Bob Smith", "Ерлан Қасымов", "Дмитрий Волков", "Aigerim Sadykova"]
HONEST = [*IDS[0:15], IDS[29]]
WRONG = IDS[15:21]
#: copier -> (whose case, which questions): three answers, two answers, and a whole sheet.
COPIED = {IDS[21]: (IDS[20], ("q1", "q2", "q4")), IDS[22]: (IDS[23], ("q9", "q10"))}
WHOLE_SHEET = (IDS[23], IDS[24])  # hands in the neighbour's own filled-in sheet, case id and all
MALFORMED = IDS[24:28]
MISSING = IDS[28]
DUE = datetime(2026, 11, 20, 18, 0, tzinfo=ZoneInfo("Asia/Almaty"))
LATE = IDS[16]  # handed in 1 day 3 hours after the due time
STRAY = ("KZ-0999.yaml", "notes.txt")


def run(args: list[object], capfd: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main.main([str(a) for a in args])
    captured = capfd.readouterr()
    return code, captured.out, captured.err


@dataclass
class Sheet:
    """What one trainee writes, and the share of each question's points it must earn on their own key."""

    answers: dict[str, str]
    credit: dict[str, float]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The class, built like a trainer builds one: secret file, roster CSV, ``labkit class build``."""
    folder = tmp_path_factory.mktemp("academy")
    roster = folder / "roster.csv"
    rows = ["id,name,email"] + [f"{tid},{NAMES[i % len(NAMES)]},{tid.lower()}@academy.kz" for i, tid in
                                enumerate(IDS)]  # fmt: skip
    roster.write_text("\n".join(rows) + "\n", encoding="utf-8")
    secret = folder / "class.key"
    secret.write_bytes(SECRET)
    secret.chmod(0o600)
    out = folder / "class"
    code = cli_main.main(["class", "build", "usb-fraud", "--roster", str(roster), "--secret", str(secret),
                          "--out", str(out), "--mode", "practice", "--jobs", "2"])  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="module")
def keys(built: Path) -> dict[str, AnswerKey]:
    layout = ClassLayout(built)
    return {tid: AnswerKey.load(layout.key(tid)) for tid in IDS}


# -- what the trainees write ------------------------------------------------------------------------------


def local(answer: str, key_question_options: dict[str, object]) -> datetime:
    zone = ZoneInfo(str(key_question_options["timezone"]))
    return datetime.fromisoformat(answer).astimezone(zone)


def right_forms(key: AnswerKey, style: int) -> dict[str, str]:
    """Every answer of ``key`` right, written in one of three examiners' habits."""
    written: dict[str, str] = {}
    for q in key.questions:
        value = str(q.answer)
        if q.type == "hash":
            written[q.id] = [
                value,
                value.upper(),
                " ".join(value[i : i + 8] for i in range(0, len(value), 8)),
            ][style]
        elif q.type == "path":
            nfd = unicodedata.normalize("NFD", value)  # macOS writes decomposed Cyrillic й, ё
            written[q.id] = [value, value.replace("/", "\\").upper(), "  " + nfd + " "][style]
        elif q.type == "datetime":
            moment = local(value, q.options)
            written[q.id] = [
                moment.replace(microsecond=0).isoformat(),  # with its offset
                moment.strftime("%d.%m.%Y %H:%M:%S"),  # local time, as a Russian-language report gives it
                str(round(moment.timestamp())),  # the epoch value a tool printed
            ][style]
        elif q.type == "choice":
            choices = [str(c) for c in q.options["choices"]]
            written[q.id] = [value, value.upper(), "abcdefghij"[choices.index(value)]][style]
        elif q.id == "q9":  # the quoted note: case-sensitive, spaces around forgiven
            written[q.id] = [value, f"  {value}  ", value][style]
        else:
            written[q.id] = [value, value.lower(), f" {value.upper()} "][style]
    return written


def wrong_sheet(key: AnswerKey, index: int) -> Sheet:
    """Honest mistakes, different for each of the six WRONG trainees, never another variant's value."""
    answers = right_forms(key, index % 3)
    credit = {q.id: 1.0 for q in key.questions}
    q = {item.id: item for item in key.questions}
    mistakes = [
        ("q4", hashlib.sha256(f"the live file of {key.case_id}".encode()).hexdigest(), 0.0),  # hashed another
        ("q2", "0000-0000", 0.0),
        ("q9", str(q["q9"].answer).lower(), 0.0),  # the note quoted in the wrong case
        ("q3", str(q["q3"].answer).rsplit("/", 1)[0] + "/~$ledger.xlsx", 0.0),
        ("q6", "", 0.0),
    ]
    # Everyone in WRONG also states the right wall-clock time of q5 with a UTC offset: half the points.
    moment = local(str(q["q5"].answer), q["q5"].options)
    answers["q5"] = moment.replace(tzinfo=None).isoformat() + "+00:00"
    credit["q5"] = 0.5
    for qid, value, share in mistakes[: 1 + index % len(mistakes)]:
        answers[qid] = value
        credit[qid] = share
    if index == 5:  # the weakest sheet: most answers left empty
        for qid in ("q1", "q7", "q8", "q10"):
            answers[qid] = ""
            credit[qid] = 0.0
    return Sheet(answers, credit)


def plan(keys: dict[str, AnswerKey]) -> dict[str, Sheet]:
    """Every sheet that is graded (not the malformed, not the missing), by trainee."""
    sheets: dict[str, Sheet] = {}
    for i, tid in enumerate(HONEST):
        sheets[tid] = Sheet(right_forms(keys[tid], i % 3), {q.id: 1.0 for q in keys[tid].questions})
    for i, tid in enumerate(WRONG):
        sheets[tid] = wrong_sheet(keys[tid], i)
    for copier, (source, questions) in COPIED.items():
        sheet = Sheet(right_forms(keys[copier], 0), {q.id: 1.0 for q in keys[copier].questions})
        theirs = right_forms(keys[source], 0)
        for qid in questions:
            sheet.answers[qid] = theirs[qid]
            sheet.credit[qid] = 0.0
        sheets[copier] = sheet
    copier, source = WHOLE_SHEET
    theirs = right_forms(keys[source], 1)
    own = {q.id: q for q in keys[copier].questions}
    sheets[copier] = Sheet(theirs, {qid: 1.0 if _same(own[qid].answer, keys[source].question(qid).answer)
                                    else 0.0 for qid in theirs})  # fmt: skip
    return sheets


def _same(a: object, b: object) -> bool:
    return str(a).casefold() == str(b).casefold()


#: Writes the note of q9 after the colon as on a paper form, unquoted: not YAML ("Halyk online: ...").
AS_A_FORM = IDS[3]


def fill(blank: str, answers: dict[str, str], form: bool = False) -> str:
    for qid, value in answers.items():
        quoted = value if form and qid == "q9" else "'" + value.replace("'", "''") + "'"
        blank, count = re.subn(rf"(?m)^{qid}:$", lambda _m, qid=qid, quoted=quoted: f"{qid}: {quoted}", blank)
        assert count == 1, qid
    return blank


@pytest.fixture(scope="module")
def handed_in(built: Path, keys: dict[str, AnswerKey], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The submissions folder as an LMS export leaves it, modification times set to the hand-in times."""
    layout = ClassLayout(built)
    folder = tmp_path_factory.mktemp("submissions")
    for tid, sheet in plan(keys).items():
        owner = WHOLE_SHEET[1] if tid == WHOLE_SHEET[0] else tid
        blank = (layout.case(owner) / "answers.yaml").read_text(encoding="utf-8")
        text = fill(blank, sheet.answers, form=tid == AS_A_FORM)
        path = folder / tid / "answers.yaml" if tid == IDS[29] else folder / f"{tid}.yaml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    bad_yaml, binary, unknown, huge = MALFORMED
    (folder / f"{bad_yaml}.yaml").write_text("# case: x\nq1: [unclosed\nq2: x\n", encoding="utf-8")
    (folder / f"{binary}.yaml").write_bytes(bytes(range(256)) * 64)
    blank = (layout.case(unknown) / "answers.yaml").read_text(encoding="utf-8")
    (folder / f"{unknown}.yaml").write_text(blank + "q99: 'the USB stick'\n", encoding="utf-8")
    (folder / f"{huge}.yml").write_text("q9: '" + "A" * (2 << 20) + "'\n", encoding="utf-8")
    (folder / STRAY[0]).write_text("q1: x\n", encoding="utf-8")
    (folder / STRAY[1]).write_text("remember to hand in\n", encoding="utf-8")
    on_time = (DUE - timedelta(hours=2)).timestamp()
    for path in folder.rglob("*"):
        os.utime(path, (on_time, on_time))
    late = (DUE + timedelta(days=1, hours=3)).timestamp()
    os.utime(folder / f"{LATE}.yaml", (late, late))
    return folder


@dataclass(frozen=True)
class Expected:
    status: str
    score: float
    percentage: float
    passed: bool


def expected_table(keys: dict[str, AnswerKey]) -> dict[str, Expected]:
    policy = load_policy()
    assert policy.competency_weights == {}  # every question counts by its points (the bundled policy)
    table: dict[str, Expected] = {}
    for tid, sheet in plan(keys).items():
        key = keys[tid]
        earned = sum(q.points * sheet.credit[q.id] for q in key.questions)
        share = earned / key.total_points
        if tid == LATE:
            share *= 1 - policy.late_penalty.penalty(2) / 100  # two started days after the grace hour
        percentage = round(100 * share, 2)
        table[tid] = Expected("graded", round(share * key.total_points, 4), percentage,
                              percentage >= policy.pass_mark)  # fmt: skip
    for tid in MALFORMED:
        table[tid] = Expected("malformed", 0.0, 0.0, False)
    table[MISSING] = Expected("missing", 0.0, 0.0, False)
    return table


@pytest.fixture(scope="module")
def graded(built: Path, handed_in: Path) -> dict[str, Any]:
    """The first grading through the CLI: the JSON report of run 1 and the printed class table."""
    code = cli_main.main(["class", "grade", str(built), str(handed_in), "--due", DUE.isoformat()])
    assert code == 0
    out = built.parent / "run1.json"
    assert cli_main.main(["class", "report", str(built), "--format", "json", "--out", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


# -- the tests --------------------------------------------------------------------------------------------


def test_the_class_is_built_with_one_unique_case_per_trainee(built: Path, keys: dict[str, AnswerKey]) -> None:
    manifest = ClassManifest.load(built)
    assert [t.id for t in manifest.trainees] == IDS and manifest.mode == "practice"
    assert len({k.case_id for k in keys.values()}) == 30
    assert all(keys[tid].seed == trainee_seed(SECRET, tid) for tid in IDS)
    for qid in ("q1", "q2", "q4", "q9", "q10"):  # the copied questions tell variants apart
        assert len({str(k.question(qid).answer) for k in keys.values()}) == 30, qid
    layout = ClassLayout(built)
    assert sorted(p.name for p in layout.root.joinpath("handout").iterdir()) == [f"{t}.zip" for t in IDS]


def test_grading_prints_the_class_table(
    built: Path, handed_in: Path, graded: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["class", "report", built], capfd)
    assert (code, err) == (0, "")
    for tid in IDS:
        assert tid in out
    assert "Unreadable: 4" in out and "Missing: 1" in out and "KZ-0999.yaml" in out
    for tid in MALFORMED:  # the unreadable sheets' table names each with its problem
        assert re.search(rf"(?m)^│ {tid} .*│ {tid}\.ya?ml:", out), tid


def test_the_table_is_the_expected_one(graded: dict[str, Any], keys: dict[str, AnswerKey]) -> None:
    report = graded
    rows = {row["id"]: row for row in report["trainees"]}
    expected = expected_table(keys)
    assert sorted(rows) == sorted(expected) == sorted(IDS)
    for tid, want in expected.items():
        row = rows[tid]
        got = Expected(row["status"], row["score"], row["percentage"], row["passed"])
        assert got == want, tid
    assert rows[LATE]["late_days"] == 2 and all(rows[t]["late_days"] == 0 for t in IDS if t != LATE)
    # The sheet filled in as a form (a colon inside the unquoted note) is graded, with a note saying how.
    assert ": " in keys[AS_A_FORM].question("q9").answer
    assert rows[AS_A_FORM]["sheet_note"].startswith("not valid YAML (line ")
    assert [t for t in IDS if rows[t]["sheet_note"]] == [AS_A_FORM]
    # The half-right datetime says why it is half right.
    verdicts = {v["question"]: v for v in rows[WRONG[0]]["verdicts"]}
    assert verdicts["q5"]["points"] == keys[WRONG[0]].question("q5").points / 2
    assert "offset +00:00 is wrong" in verdicts["q5"]["reason"]
    summary = report["summary"]
    graded_rows = [w for w in expected.values() if w.status == "graded"]
    assert summary["graded"] == len(graded_rows) == 25
    assert summary["malformed"] == 4 and summary["missing"] == 1
    assert summary["passed"] == sum(w.passed for w in expected.values())


def test_exactly_the_copiers_are_flagged(graded: dict[str, Any]) -> None:
    report = graded
    flags = {(f["trainee"], f["other"]): f for f in report["collusion"]}
    copier_a, copier_b = COPIED
    assert sorted(flags) == sorted([(copier_a, COPIED[copier_a][0]), (copier_b, COPIED[copier_b][0]),
                                    WHOLE_SHEET])  # fmt: skip
    assert flags[(copier_a, COPIED[copier_a][0])]["strength"] == "strong"
    assert [m["question"] for m in flags[(copier_a, COPIED[copier_a][0])]["matches"]] == ["q1", "q2", "q4"]
    assert flags[(copier_b, COPIED[copier_b][0])]["strength"] == "moderate"
    assert [m["question"] for m in flags[(copier_b, COPIED[copier_b][0])]["matches"]] == ["q9", "q10"]
    whole = flags[WHOLE_SHEET]
    assert whole["strength"] == "strong" and "carries the case id" in whole["explanation"]


def test_malformed_sheets_are_reported_as_such(graded: dict[str, Any]) -> None:
    report = graded
    rows = {row["id"]: row for row in report["trainees"]}
    bad_yaml, binary, unknown, huge = MALFORMED
    assert rows[bad_yaml]["problem"].startswith(f"{bad_yaml}.yaml:3:3: not valid YAML")
    assert rows[binary]["problem"].startswith(f"{binary}.yaml:") and "UTF-8" in rows[binary]["problem"]
    assert rows[unknown]["problem"].startswith(f"{unknown}.yaml:") and "q99" in rows[unknown]["problem"]
    assert rows[huge]["problem"].startswith(f"{huge}.yml:") and "larger than" in rows[huge]["problem"]
    for tid in MALFORMED:
        assert "\n" not in rows[tid]["problem"] and "Traceback" not in rows[tid]["problem"]
    assert rows[MISSING]["status"] == "missing" and rows[MISSING]["problem"] is None
    assert sorted(report["unmatched"]) == sorted(STRAY)


def test_a_regrade_after_a_key_fix_keeps_the_first_run(
    built: Path,
    handed_in: Path,
    graded: dict[str, Any],
    keys: dict[str, AnswerKey],
    capfd: pytest.CaptureFixture[str],
) -> None:
    first = graded
    # The trainer decides the note's letter case should not matter, and fixes the key of WRONG[2]
    # (whose only other mistake is the UTC offset of q5).
    fixed = WRONG[2]
    path = ClassLayout(built).key(fixed)
    data = json.loads(path.read_text(encoding="utf-8"))
    q9 = next(q for q in data["questions"] if q["id"] == "q9")
    q9["options"]["case_sensitive"] = False
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    code, _, err = run(["class", "grade", built, handed_in, "--due", DUE.isoformat()], capfd)
    assert (code, err) == (0, "")
    code, out, _ = run(["class", "report", built, "--format", "json"], capfd)
    second = json.loads(out)
    before = {r["id"]: r for r in first["trainees"]}
    after = {r["id"]: r for r in second["trainees"]}
    gained = keys[fixed].question("q9").points
    assert (second["run"], first["run"]) == (2, 1)
    assert after[fixed]["score"] == before[fixed]["score"] + gained
    assert {t: r["score"] for t, r in after.items() if t != fixed} == {
        t: r["score"] for t, r in before.items() if t != fixed
    }
    code, out, _ = run(["class", "report", built, "--format", "json", "--run", "1"], capfd)
    assert json.loads(out)["trainees"] == first["trainees"]
    code, out, _ = run(["class", "history", built, fixed], capfd)
    assert code == 0
    rows = re.findall(r"(?m)^\s*([12]) .* graded +([\d.]+)/14 ", out)
    assert rows == [("1", f"{before[fixed]['score']:g}"), ("2", f"{after[fixed]['score']:g}")], out


def test_csv_and_junit_reports_carry_the_same_numbers(
    built: Path, graded: dict[str, Any], capfd: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["class", "report", built, "--format", "json"], capfd)
    rows = {r["id"]: r for r in json.loads(out)["trainees"]}
    code, out, err = run(["class", "report", built, "--format", "csv"], capfd)
    assert (code, err) == (0, "")
    table = list(csv.DictReader(io.StringIO(out)))
    assert [r["trainee"] for r in table] == IDS
    for r in table:
        row = rows[r["trainee"]]
        assert r["status"] == row["status"] and r["passed"] == ("yes" if row["passed"] else "no")
        if row["status"] == "graded":
            assert float(r["percentage"]) == row["percentage"] and float(r["score"]) == row["score"]
            assert {v["question"]: v["points"] for v in row["verdicts"]} == {
                qid: float(r[f"q:{qid}"]) for qid in (v["question"] for v in row["verdicts"])
            }
        else:
            assert r["percentage"] == "" and r["problem"] == (row["problem"] or "")
    code, out, err = run(["class", "report", built, "--format", "junit"], capfd)
    assert (code, err) == (0, "")
    suites = ET.fromstring(out).findall("testsuite")
    assert [suite.get("name", "").split(" ", 1)[0] for suite in suites] == IDS
    for suite in suites:
        row = rows[suite.get("name", "").split(" ", 1)[0]]
        outcome = {case.get("name"): junit_outcome(case) for case in suite.findall("testcase")}
        if row["status"] == "graded":
            want = {v["question"]: ["passed", None] if v["status"] == "correct" else ["failure", v["status"]]
                    for v in row["verdicts"]}  # fmt: skip
        elif row["status"] == "malformed":
            want = {qid: ["error", "malformed"] for qid in outcome}
        else:
            want = {qid: ["failure", "missing"] for qid in outcome}
        assert len(outcome) == 10 and outcome == want, row["id"]


def junit_outcome(case: ET.Element) -> list[str | None]:
    """[tag, type] of a test case's failure or error, or ["passed", None]."""
    for child in case:
        if child.tag in ("failure", "error"):
            return [child.tag, child.get("type")]
    return ["passed", None]


def stat(html: str, key: str) -> str:
    found = re.search(
        rf'data-stat="{key}">\s*<div class="label">[^<]*</div><div class="value">([^<]*)<', html
    )
    assert found, key
    return found.group(1)


def test_the_html_report_renders_in_headless_chromium(
    built: Path, graded: dict[str, Any], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    assert Path(CHROMIUM).exists(), "headless Chromium is required (installed by .ci/setup)"
    page = tmp_path / "class.html"
    code, _, err = run(["class", "report", built, "--format", "html", "--lang", "ru", "--out", page], capfd)
    assert (code, err) == (0, "")
    code, out, _ = run(["class", "report", built, "--format", "json"], capfd)
    summary = json.loads(out)["summary"]
    profile = f"--user-data-dir={tmp_path / 'profile'}"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", profile, "--window-size=1280,3000"]
    shot = tmp_path / "class.png"
    subprocess.run([*common, f"--screenshot={shot}", page.as_uri()], check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    with Image.open(shot) as image:
        assert image.size == (1280, 3000)
        colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
        assert colours is not None and len(colours) > 50  # text, charts and a heat map, not a blank page
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], check=True, capture_output=True,
                         timeout=120, text=True).stdout  # fmt: skip
    assert '<html lang="ru">' in dom
    assert stat(dom, "trainees") == "30"
    assert stat(dom, "passed") == f"{summary['passed']}/30"
    assert stat(dom, "malformed") == "4" and stat(dom, "missing") == "1"
    mean = f"{summary['mean_percentage']:.1f}".replace(".", ",")
    assert stat(dom, "mean").replace("&nbsp;", " ").replace("\u00a0", " ") == f"{mean} %"
    assert dom.count('<tr data-trainee="') == 30
    for tid in IDS:
        assert f'data-trainee="{tid}"' in dom


# -- nothing leaks into what trainees receive ----------------------------------------------------------------


def forms_of(text: str) -> set[bytes]:
    """An answer as a leak could spell it: as written, in either case, decomposed, in UTF-8 or UTF-16."""
    spellings = {text, text.lower(), text.upper(), unicodedata.normalize("NFD", text)}
    return {s.encode(codec) for s in spellings for codec in ("utf-8", "utf-16-le")}


def needles(built: Path, trainee: str, keys: dict[str, AnswerKey]) -> tuple[set[bytes], set[bytes]]:
    """(never anywhere in the trainee's folder or zip, never outside evidence/ and the manifest)."""
    anywhere = {SECRET, SECRET.hex().encode(), SECRET.hex().upper().encode()}
    for other in IDS:  # no case holds any trainee's seed, self-check key or key file
        seed = trainee_seed(SECRET, other)
        sealing = selfcheck_secret(SECRET, other)
        anywhere |= {str(seed).encode(), f"{seed:x}".encode(), f"{seed:X}".encode(), sealing,
                     sealing.hex().encode()}  # fmt: skip
        anywhere.add(ClassLayout(built).key(other).read_bytes())
        anywhere.add(ClassLayout(built).facts(other).read_bytes())
    answers: set[bytes] = set()
    for q in keys[trainee].questions:
        choices = {str(c).casefold() for c in q.options.get("choices", [])}
        text = str(q.answer)
        if len(text) >= 6 and text.casefold() not in choices:
            answers |= forms_of(text)
            if q.type == "datetime":
                moment = local(text, q.options)
                answers |= forms_of(moment.strftime("%Y-%m-%d %H:%M:%S"))
                answers |= forms_of(moment.strftime("%d.%m.%Y %H:%M"))
    return anywhere, answers


def test_no_case_folder_or_zip_holds_a_secret_seed_key_or_answer(
    built: Path, keys: dict[str, AnswerKey]
) -> None:
    layout = ClassLayout(built)
    scanned = 0
    for tid in IDS:
        anywhere, answers = needles(built, tid, keys)
        assert len(answers) >= 30  # the scan has something to find
        case = layout.case(tid)
        assert not {p.name for p in case.rglob("*")} & {"key.json", "facts.json", "class.json", "class.key"}
        members: list[tuple[str, bytes]] = [
            (p.relative_to(case).as_posix(), p.read_bytes()) for p in sorted(case.rglob("*")) if p.is_file()
        ]
        raw = layout.zip(tid).read_bytes()
        for needle in anywhere:
            assert needle not in raw, f"{tid}.zip holds a secret, a seed or a key"
        with zipfile.ZipFile(layout.zip(tid)) as archive:
            zipped = [(i.filename.split("/", 1)[1], archive.read(i)) for i in archive.infolist()]
        assert sorted(name for name, _ in zipped) == sorted(name for name, _ in members)
        for name, data in [*members, *zipped]:
            for needle in anywhere:
                assert needle not in data, f"{tid}: {name} holds a secret, a seed or a key"
            if name.startswith("evidence/") or name == "MANIFEST.sha256":
                continue
            for needle in answers:
                assert needle not in data, f"{tid}: {name} holds an answer ({needle!r})"
            scanned += 1
    assert scanned >= 30 * 2 * 3  # briefing, sheet and self-check, in the folder and in the zip
