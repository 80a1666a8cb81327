"""dfvfs (plaso's file-system layer) reads the generated E01 and finds the planted files."""

from __future__ import annotations

import json
from pathlib import Path

import labkit
from labkit.scenario.catalog import scenarios_dir


def test_dfvfs_walks_e01_partition_and_fat(tmp_path: Path) -> None:
    from dfvfs.lib import definitions
    from dfvfs.path import factory
    from dfvfs.resolver import resolver

    out = tmp_path / "lab"
    labkit.generate(labkit.load_scenario(scenarios_dir() / "usb-fraud.yaml"), 4, out, verify=False)
    facts = json.loads((out / "facts.json").read_text(encoding="utf-8"))["facts"]
    image = out / "case" / "evidence" / "usb.E01"
    os_spec = factory.Factory.NewPathSpec(definitions.TYPE_INDICATOR_OS, location=str(image))
    ewf_spec = factory.Factory.NewPathSpec(definitions.TYPE_INDICATOR_EWF, parent=os_spec)
    partition = factory.Factory.NewPathSpec(
        definitions.TYPE_INDICATOR_TSK_PARTITION, location="/p1", parent=ewf_spec
    )
    contract = facts["contract"]
    file_spec = factory.Factory.NewPathSpec(
        definitions.TYPE_INDICATOR_TSK, location=contract["path"], parent=partition
    )
    entry = resolver.Resolver.OpenFileEntry(file_spec)
    assert entry is not None and entry.size == contract["size"]
    handle = entry.GetFileObject()
    import hashlib

    assert hashlib.sha256(handle.read()).hexdigest() == contract["sha256"]
    root = resolver.Resolver.OpenFileEntry(
        factory.Factory.NewPathSpec(definitions.TYPE_INDICATOR_TSK, location="/", parent=partition)
    )
    names = {sub.name for sub in root.sub_file_entries}
    assert {"Бухгалтерия", "Фото"} <= names
