"""``build_class``: a verified case per trainee, the same bytes whatever the parallelism, no secret leaked."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from labkit.classroom.build import ClassBuildError, build_class
from labkit.classroom.layout import ClassLayout
from labkit.classroom.manifest import ClassManifest
from labkit.classroom.roster import RosterError
from labkit.classroom.zipping import FIXED_TIME
from labkit.errors import OutputExistsError, UsageError
from labkit.grading.selfcheck import SELFCHECK_FILE, check_sealed, load_seal, selfcheck_secret
from labkit.key import AnswerKey
from labkit.scenario.catalog import scenarios_dir
from labkit.seeding import trainee_seed
from labkit.verify.integrity_checks import check_manifest

SCENARIO = scenarios_dir() / "usb-fraud.yaml"
SECRET = bytes.fromhex("5c0f7a91e4d2b8363a1f09c7e5d4b2a18f6e3d2c1b0a99887766554433221100")
ROSTER = "id;name;email\nKZ-0144;Асель Нурланова;a.n@academy.kz\nkz-0143;Bob Smith;\n"
IDS = ("KZ-0144", "kz-0143")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "class.key").write_bytes(SECRET)
    return folder / "roster.csv", folder / "class.key"


@pytest.fixture(scope="module")
def practice(inputs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two trainees on two workers, every answer verified: the class the other tests read."""
    out = tmp_path_factory.mktemp("practice") / "class"
    build_class(SCENARIO, *inputs, out, mode="practice", jobs=2, progress=False)
    return out


@pytest.fixture(scope="module")
def exam(inputs: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("exam") / "class"
    build_class(SCENARIO, *inputs, out, mode="exam", lang="ru", jobs=2, progress=False, verify=False)
    return out


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        digest.update(f"{relative}/\n".encode() if path.is_dir() else f"{relative}\n".encode())
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def test_one_worker_builds_the_same_bytes_as_two(
    practice: Path, inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    out = tmp_path / "class"
    build_class(SCENARIO, *inputs, out, mode="practice", jobs=1, progress=False, verify=False)
    assert tree_digest(out) == tree_digest(practice)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["class"]  # no temporary folder left


def test_the_class_folder_layout(practice: Path) -> None:
    layout = ClassLayout(practice)
    manifest = ClassManifest.load(practice)
    assert [t.id for t in manifest.trainees] == list(IDS)  # roster order, not finishing order
    assert manifest.trainees[0].name == "Асель Нурланова"
    assert manifest.mode == "practice" and manifest.lang == "en" and manifest.scenario == "usb-fraud"
    assert manifest.scenario_sha256 == hashlib.sha256(SCENARIO.read_bytes()).hexdigest()
    assert sorted(p.name for p in practice.iterdir()) == ["cases", "class.json", "handout", "trainer"]
    assert len({t.case_id for t in manifest.trainees}) == 2
    for trainee in manifest.trainees:
        key = AnswerKey.load(layout.key(trainee.id))
        assert key.seed == trainee_seed(SECRET, trainee.id)
        assert key.case_id == trainee.case_id
        assert layout.facts(trainee.id).is_file()
        case = layout.case(trainee.id)
        sheet = (case / "answers.yaml").read_text(encoding="utf-8").splitlines()
        assert sheet[2:4] == [f"# case: {trainee.case_id}", f"# trainee: {trainee.id}"]
        ok, detail = check_manifest(case)
        assert ok, detail
        assert f"  {SELFCHECK_FILE}\n" in (case / "MANIFEST.sha256").read_text()


def test_each_zip_is_its_case_folder_deterministically(practice: Path) -> None:
    layout = ClassLayout(practice)
    for trainee in IDS:
        case = layout.case(trainee)
        files = sorted(p.relative_to(case).as_posix() for p in case.rglob("*") if p.is_file())
        with zipfile.ZipFile(layout.zip(trainee)) as archive:
            infos = archive.infolist()
            assert [i.filename for i in infos] == [f"{trainee}/{name}" for name in files]
            for info in infos:
                assert info.date_time == FIXED_TIME and info.create_system == 3
                assert info.external_attr >> 16 == 0o100644
                assert archive.read(info) == (case / info.filename.split("/", 1)[1]).read_bytes()
            assert archive.testzip() is None


def test_the_practice_self_check_knows_only_its_own_case(practice: Path) -> None:
    layout = ClassLayout(practice)
    own, other = (AnswerKey.load(layout.key(t)) for t in IDS)
    seal = load_seal(layout.case(IDS[0]))
    checked = 0
    for question in own.questions:
        entry = next(q for q in seal["questions"] if q["id"] == question.id)
        if not entry["checkable"] or not isinstance(question.answer, str):
            continue
        checked += 1
        assert check_sealed(seal, question.id, question.answer).matches, question.id
        neighbour = other.question(question.id).answer
        if isinstance(neighbour, str) and neighbour.casefold() != question.answer.casefold():
            assert check_sealed(seal, question.id, neighbour).outcome == "no_match", question.id
    assert checked >= 3  # at least the text and path questions are sealed


def secret_needles(class_dir: Path, trainee: str) -> tuple[list[bytes], list[bytes]]:
    """(never anywhere in the case, never outside evidence/ and the manifest) for ``trainee``."""
    layout = ClassLayout(class_dir)
    anywhere = [SECRET, SECRET.hex().encode(), SECRET.hex().upper().encode()]
    for other in IDS:  # no case holds any trainee's seed or self-check key
        seed = trainee_seed(SECRET, other)
        sealing = selfcheck_secret(SECRET, other)
        anywhere += [
            str(seed).encode(),
            f"{seed:x}".encode(),
            f"{seed:X}".encode(),
            sealing,
            sealing.hex().encode(),
        ]
    key_bytes = layout.key(trainee).read_bytes()
    anywhere.append(key_bytes)
    key = AnswerKey.model_validate(json.loads(key_bytes))
    answers: list[bytes] = []
    for question in key.questions:
        choices = {str(c).casefold() for c in question.options.get("choices", [])}
        values = question.answer if isinstance(question.answer, list) else [question.answer]
        for value in values:
            text = str(value)
            if len(text) >= 6 and text.casefold() not in choices:
                answers.append(text.encode("utf-8"))
    assert len(answers) >= 6  # the scan has something to look for
    return anywhere, answers


def scan(name: str, data: bytes, anywhere: list[bytes], answers: list[bytes]) -> None:
    for needle in anywhere:
        assert needle not in data, f"{name} holds a secret, a seed or the key"
    inside = name.split("/", 1)[1] if name.startswith(("zip:",)) else name
    if not inside.startswith("evidence/") and inside != "MANIFEST.sha256":
        for needle in answers:
            assert needle not in data, f"{name} holds the answer {needle.decode()!r}"


@pytest.mark.parametrize("mode", ["practice", "exam"])
def test_no_case_folder_or_zip_holds_a_secret_seed_key_or_answer(
    mode: str, practice: Path, exam: Path
) -> None:
    class_dir = practice if mode == "practice" else exam
    layout = ClassLayout(class_dir)
    scanned = 0
    for trainee in IDS:
        anywhere, answers = secret_needles(class_dir, trainee)
        case = layout.case(trainee)
        names = {p.name for p in case.rglob("*")}
        assert not names & {"key.json", "facts.json", "class.json"}
        assert (SELFCHECK_FILE in names) is (mode == "practice")
        for path in sorted(p for p in case.rglob("*") if p.is_file()):
            scan(path.relative_to(case).as_posix(), path.read_bytes(), anywhere, answers)
            scanned += 1
        raw = layout.zip(trainee).read_bytes()
        scan("zip", raw, anywhere, [])
        with zipfile.ZipFile(layout.zip(trainee)) as archive:
            assert (f"{trainee}/{SELFCHECK_FILE}" in archive.namelist()) is (mode == "practice")
            for info in archive.infolist():
                scan(f"zip:{info.filename}", archive.read(info), anywhere, answers)
                scanned += 1
    assert scanned >= 16


def test_exam_cases_carry_no_self_check(exam: Path) -> None:
    manifest = ClassManifest.load(exam)
    assert manifest.mode == "exam" and manifest.lang == "ru"
    for trainee in IDS:
        case = ClassLayout(exam).case(trainee)
        assert not (case / SELFCHECK_FILE).exists()
        assert "# labkit: лист ответов" in (case / "answers.yaml").read_text(encoding="utf-8")
        with pytest.raises(UsageError, match="this case is an exam case: no self-check"):
            load_seal(case)


def test_a_failing_variant_fails_the_class_and_leaves_nothing(
    inputs: tuple[Path, Path], tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace("size: 256 MiB", "size: 64 MiB").replace(", cluster_size: 2048", "")
    marker = '  - action: file.create\n    at: "incident + 3d"'
    assert marker in text
    big = (
        '  - action: file.create\n    at: "incident + 2d"\n    path: "/big.bin"\n'
        "    content: {random_bytes: 70000000}\n\n"
    )
    scenario = tmp_path / "too-small.yaml"
    scenario.write_text(text.replace(marker, big + marker), encoding="utf-8")
    out = tmp_path / "class"
    with pytest.raises(ClassBuildError) as caught:
        build_class(scenario, *inputs, out, jobs=2, progress=True, verify=False)
    message = caught.value.one_line()
    assert message.startswith("trainee KZ-0144: "), message  # the first in roster order, whatever the timing
    assert "too-small.yaml:" in message and "does not fit" in message
    assert message.endswith("make the disk larger or the content smaller")
    assert caught.value.exit_code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["too-small.yaml"]
    assert capfd.readouterr() == ("", "")  # workers print nothing; no progress bar off a terminal


def test_bad_inputs_fail_before_any_generation(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    roster, secret = inputs
    bad = tmp_path / "roster.csv"
    bad.write_text("id,name\nT1,Ann\nT 2,Bob\n", encoding="utf-8")
    out = tmp_path / "class"
    with pytest.raises(RosterError, match=r"roster\.csv:3: id: id must be"):
        build_class(SCENARIO, bad, secret, out, progress=False)
    weak = tmp_path / "weak.key"
    weak.write_text("password\n")
    with pytest.raises(UsageError, match=r"weak\.key: secret file holds 9 bytes"):
        build_class(SCENARIO, roster, weak, out, progress=False)
    with pytest.raises(UsageError, match="--jobs 0: give 1 or more"):
        build_class(SCENARIO, roster, secret, out, jobs=0, progress=False)
    with pytest.raises(UsageError, match="mode 'quiz': choose exam or practice"):
        build_class(SCENARIO, roster, secret, out, mode="quiz", progress=False)  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["roster.csv", "weak.key"]


def test_an_existing_class_or_a_folder_inside_one_is_refused(
    practice: Path, inputs: tuple[Path, Path]
) -> None:
    with pytest.raises(OutputExistsError, match="exists and is not an empty folder"):
        build_class(SCENARIO, *inputs, practice, progress=False)
    with pytest.raises(UsageError, match="inside the class, lab or case folder"):
        build_class(SCENARIO, *inputs, practice / "cases" / "again", progress=False)
