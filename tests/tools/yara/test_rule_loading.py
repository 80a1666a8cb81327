"""RULES: a file or a folder of files, each its own namespace; a bad rule is file:line and yara's words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yara

from labkit.errors import LocatedError, UsageError
from labkit.tools.yara import load_rules


def test_folder_files_are_namespaces_so_names_may_repeat(tmp_path: Path) -> None:
    (tmp_path / "net").mkdir()
    (tmp_path / "a.yar").write_text('rule suspicious { strings: $a = "AAA" condition: $a }')
    (tmp_path / "net" / "b.yara").write_text('rule suspicious { strings: $b = "BBB" condition: $b }')
    (tmp_path / "notes.txt").write_text("not a rule file")
    rules = load_rules(tmp_path)
    assert rules.count == 2 and [Path(f).name for f in rules.files] == ["a.yar", "b.yara"]
    found = sorted((m.namespace, m.rule) for m in rules.rules.match(data=b"AAA BBB"))
    assert found == [("a.yar", "suspicious"), ("net/b.yara", "suspicious")]


def test_compile_error_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "good.yar").write_text("rule fine { condition: true }\n")
    bad = tmp_path / "zz_bad.yar"
    bad.write_text('rule broken {\n  strings:\n    $a = "abc"\n  condition:\n    $b\n}\n')
    with pytest.raises(yara.SyntaxError) as direct:
        yara.compile(filepath=str(bad))
    with pytest.raises(LocatedError) as raised:
        load_rules(tmp_path)
    line = int(str(direct.value).split("(")[1].split(")")[0])  # yara's own line number
    assert raised.value.one_line() == f'{bad}:{line}: undefined string "$b"'
    assert raised.value.exit_code == 2


def test_missing_include_and_empty_folder(tmp_path: Path) -> None:
    rules = tmp_path / "inc.yar"
    rules.write_text('include "nowhere.yar"\nrule x { condition: true }\n')
    with pytest.raises(LocatedError, match=r"inc\.yar:1: can't open include file: nowhere\.yar"):
        load_rules(rules)
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match=r"holds no \.yar or \.yara file"):
        load_rules(tmp_path / "empty")
    with pytest.raises(UsageError, match="no such rules file"):
        load_rules(tmp_path / "missing.yar")
