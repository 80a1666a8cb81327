"""One rich image per session, read back by the real volatility3 CLI; every plugin runs once."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from fixture_spec import rich_spec
from memory_writer_support import PLUGINS, WrittenImage, flatten, run_vol, write


@pytest.fixture(scope="session")
def raw_image(tmp_path_factory: pytest.TempPathFactory) -> WrittenImage:
    return write(tmp_path_factory.mktemp("memory"), rich_spec("raw"), "web01.raw")


@pytest.fixture(scope="session")
def vol_output(raw_image: WrittenImage) -> dict[str, list[dict]]:
    """Every plugin's JSON rows (flattened), run three at a time after one run has built the cache."""
    outputs = {PLUGINS[0]: flatten(run_vol(raw_image, PLUGINS[0]))}
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {plugin: pool.submit(run_vol, raw_image, plugin) for plugin in PLUGINS[1:]}
        outputs.update({plugin: flatten(future.result()) for plugin, future in futures.items()})
    return outputs
