"""Names Windows would refuse on FAT are scenario errors at load time, located at the path."""

from __future__ import annotations

from pathlib import Path

import pytest

from labkit.cli.main import main
from labkit.scenario.catalog import scenarios_dir

ORIGINAL = "/Личное/покупки.txt"


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("CON.txt", "reserved device name"),
        ("nul", "reserved device name"),
        ("a:b.txt", "forbidden characters"),
        ("x" * 300 + ".txt", "longer than 255"),
        ("trailing.", "ends with a period"),
    ],
)
def test_bad_fat_names_fail_validation(
    name: str, words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (scenarios_dir() / "usb-fraud.yaml").read_text(encoding="utf-8")
    line = text.splitlines().index(f'    path: "{ORIGINAL}"') + 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace(ORIGINAL, f"/Личное/{name}"), encoding="utf-8")
    assert main(["scenario", "validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"bad.yaml:{line}:" in err and words in err
