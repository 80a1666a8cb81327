"""A damaged E01 fails verification through ewfverify's chunk checksums."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import labkit
from labkit.scenario.catalog import scenarios_dir
from labkit.verify import verify_report


def test_flipped_bytes_in_e01_sectors_fail_verify(tmp_path: Path) -> None:
    out = tmp_path / "lab"
    labkit.generate(labkit.load_scenario(scenarios_dir() / "usb-fraud.yaml"), "integrity", out)
    image = out / "case" / "evidence" / "usb.E01"
    # flip bytes in the middle of the compressed sectors data
    data = bytearray(image.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 40] = bytes(b ^ 0x5A for b in data[middle : middle + 40])
    broken = tmp_path / "broken"
    shutil.copytree(out, broken)
    (broken / "case" / "evidence" / "usb.E01").write_bytes(bytes(data))
    report = verify_report(broken)
    checks = {what: (ok, detail) for what, ok, detail in report.integrity_checks}
    assert checks["usb image"][0] is False and checks["usb image"][1].startswith("ewfverify")
    assert checks["manifest"][0] is False
    assert json.loads((out / "key.json").read_text())["seed"] == "integrity"
