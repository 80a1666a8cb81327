"""A 150 MB capture is read streaming: extract and search stay far below its size in memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from struct_captures import NEEDLE, BigCapture, build_big_capture

RSS_LIMIT_KIB = 120 * 1024


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> BigCapture:
    return build_big_capture(tmp_path_factory.mktemp("big") / "big.pcap")


# Linux keeps a process's peak RSS across exec, so a child forked straight from a big pytest worker
# would report the worker's size. A small wrapper forks the real command and reports RUSAGE_CHILDREN.
WRAPPER = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as report:
    report.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


def run_measured(output: Path, *args: str) -> tuple[int, str, int]:
    """(exit code, stdout, peak RSS in KiB) of ``labkit ARGS`` run in a process of its own."""
    rss_file = output.with_suffix(".rss")
    with output.open("wb") as stdout:
        command = [
            sys.executable,
            "-c",
            WRAPPER,
            str(rss_file),
            sys.executable,
            "-m",
            "labkit.cli.main",
            *args,
        ]
        code = subprocess.call(command, stdout=stdout, stderr=subprocess.DEVNULL)
    return code, output.read_text(), int(rss_file.read_text())


def test_extract_and_search_stream_a_large_capture(big: BigCapture, tmp_path: Path) -> None:
    assert big.path.stat().st_size > 150_000_000 and big.small_flows == 3000
    code, out, rss = run_measured(
        tmp_path / "extract.json", "net", "extract", str(big.path), str(tmp_path / "out"), "--json"
    )
    assert code == 0
    (download,) = [item for item in json.loads(out)["objects"] if item["original_name"] == "/big.bin"]
    assert (download["sha256"], download["size"]) == (big.download_sha256, big.download_size)
    assert rss < RSS_LIMIT_KIB, f"extract peaked at {rss // 1024} MiB"
    code, out, rss = run_measured(
        tmp_path / "search.json", "net", "search", str(big.path), NEEDLE.decode(), "--json"
    )
    assert code == 0
    (hit,) = json.loads(out)["hits"]
    assert (hit["stream"], hit["direction"], hit["offset"]) == (0, "server->client", big.needle_position)
    assert rss < RSS_LIMIT_KIB, f"search peaked at {rss // 1024} MiB"
