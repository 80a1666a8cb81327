"""The grading policy: the bundled file, located errors, weights, hint costs, late penalty, digest."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from labkit.errors import LocatedError
from labkit.grading.policy import POLICY_PATH, GradingPolicy, LatePenalty, load_policy, policy_digest

GOOD = """\
format: 1
pass_mark: 50
competency_weights:
  DF-ACQ-INTEGRITY: 2
  DF-FS-DELETED: 0
default_hint_cost: 0.5
late_penalty:
  per_day: 20
  max: 50
  grace_hours: 2
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_policy_loads_and_is_the_default() -> None:
    policy = load_policy()
    assert policy == load_policy(POLICY_PATH)
    assert policy.format == 1
    assert 0 <= policy.pass_mark <= 100
    assert 0 <= policy.default_hint_cost <= 1


def test_every_field_of_the_bundled_policy_is_commented() -> None:
    """Each 'name:' line (top level or nested) has a comment right above it saying what it does."""
    lines = POLICY_PATH.read_text(encoding="utf-8").splitlines()
    fields = [i for i, line in enumerate(lines) if re.match(r"^\s*[a-z_]+:", line)]
    assert len(fields) >= 8
    for index in fields:
        above = lines[index - 1].strip()
        assert above.startswith("#"), f"line {index + 1} ({lines[index].strip()}) has no comment above it"


def test_a_policy_file_is_read_with_all_its_fields(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, GOOD))
    assert policy.pass_mark == 50
    assert policy.competency_weights == {"DF-ACQ-INTEGRITY": 2, "DF-FS-DELETED": 0}
    assert policy.late_penalty == LatePenalty(per_day=20, max=50, grace_hours=2)


def test_an_unknown_competency_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("DF-FS-DELETED: 0", "DF-FS-DELETD: 0"))
    with pytest.raises(LocatedError) as caught:
        load_policy(path)
    message = caught.value.one_line()
    assert f"{path}:5:" in message
    assert "unknown competency 'DF-FS-DELETD'" in message
    assert "did you mean 'DF-FS-DELETED'?" in message


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("pass_mark: 50", "pass_mark: 150", 2, "less than or equal to 100"),
        ("  per_day: 20", "  per_day: -1", 8, "greater than or equal to 0"),
        ("default_hint_cost: 0.5", "default_hint_cost: lots", 6, "valid number"),
        ("  DF-FS-DELETED: 0", "  DF-FS-DELETED: -3", 5, "greater than or equal to 0"),
        ("  DF-FS-DELETED: 0", "  DF-FS-DELETED: .nan", 5, "finite number"),
        ("pass_mark: 50", "pass_mrk: 50", 2, "unknown field"),
        ("format: 1", "format: 2", 1, "unknown policy format 2"),
    ],
)
def test_bad_values_are_located(tmp_path: Path, old: str, new: str, line: int, words: str) -> None:
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(LocatedError) as caught:
        load_policy(path)
    message = caught.value.one_line()
    assert message.startswith(f"{path}:{line}"), message
    assert words in message


@pytest.mark.parametrize(
    ("text", "words"),
    [("", "empty"), ("pass_mark: [1\n", "invalid YAML"), ("- 1\n- 2\n", "mapping")],
)
def test_unreadable_policies_give_one_line(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(LocatedError) as caught:
        load_policy(write(tmp_path, text))
    assert words in caught.value.one_line()
    assert "scenario" not in caught.value.one_line()


def test_a_missing_policy_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(LocatedError, match="file not found"):
        load_policy(tmp_path / "nope.yaml")


def test_a_question_counts_by_the_mean_weight_of_its_competencies() -> None:
    policy = GradingPolicy(competency_weights={"A": 3, "B": 0})
    assert policy.question_weight(["A", "B"]) == 1.5
    assert policy.question_weight(["A", "C"]) == 2.0  # unlisted codes weigh 1
    assert policy.question_weight([]) == 1.0


def test_hint_cost_is_the_keys_own_or_the_policys_share() -> None:
    policy = GradingPolicy(default_hint_cost=0.25)
    assert policy.hint_cost(0, 4) == 1.0
    assert policy.hint_cost(1.5, 4) == 1.5
    assert policy.hint_cost(9, 4) == 4  # never more than the question is worth


def test_late_penalty_grows_per_day_up_to_its_maximum() -> None:
    late = LatePenalty(per_day=15, max=40)
    assert [late.penalty(days) for days in (0, 1, 2, 3, 10)] == [0, 15, 30, 40, 40]


def test_the_digest_follows_the_values_not_the_layout(tmp_path: Path) -> None:
    first = load_policy(write(tmp_path, GOOD))
    relaid = "# a comment\n" + GOOD.replace("pass_mark: 50", "pass_mark:   50.0   # half")
    assert policy_digest(load_policy(write(tmp_path, relaid))) == policy_digest(first)
    changed = load_policy(write(tmp_path, GOOD.replace("pass_mark: 50", "pass_mark: 51")))
    assert policy_digest(changed) != policy_digest(first)
    assert re.fullmatch(r"[0-9a-f]{64}", policy_digest(first))
