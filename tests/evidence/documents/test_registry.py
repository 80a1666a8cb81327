"""The extension point: every kind registers, names are unique, parameters are declared."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from pydantic import ValidationError

import labkit.evidence.documents as documents
from labkit.evidence.documents import (
    DocumentKind,
    KindParams,
    document_kinds,
    generate_document,
    validate_document_params,
)

from .helpers import file_type, make_context

# A small default document of every kind, and what `file` must call it.
SAMPLES = {
    "txt": ({"topic": "memo"}, "UTF-8 text"),
    "csv": ({"topic": "payments", "row_count": 5}, "CSV text"),
    "docx": ({"topic": "letter"}, "Microsoft Word 2007+"),
    "xlsx": ({"topic": "inventory", "row_count": 5}, "Microsoft Excel 2007+"),
    "pdf": ({"topic": "invoice"}, "PDF document, version 1."),
    "jpg": ({"width": 96, "height": 64}, "JPEG image data, Exif standard"),
    "zip": ({"members": [{"name": "a.txt", "kind": "txt"}]}, "Zip archive data"),
    "elf": ({"strings": ["203.0.113.9:4444"], "size": 8192}, "ELF 64-bit LSB executable, x86-64"),
}


def test_every_kind_module_is_imported_and_registered() -> None:
    package_dir = Path(documents.__file__).parent
    defined: set[str] = set()
    for module_info in pkgutil.iter_modules([str(package_dir)]):
        module = importlib.import_module(f"labkit.evidence.documents.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, DocumentKind) and "kind" in value.__dict__:
                defined.add(value.kind)
    assert defined == set(document_kinds()) == set(SAMPLES)


def test_every_kind_declares_strict_typed_params() -> None:
    for name, cls in document_kinds().items():
        assert issubclass(cls.Params, KindParams), name
        assert cls.Params.model_config.get("extra") == "forbid", name
        assert cls.extension == f".{name}"


def test_duplicate_kind_name_is_an_error() -> None:
    with pytest.raises(TypeError, match="duplicate document kind name 'txt'"):

        class AnotherText(DocumentKind):
            kind = "txt"


def test_unknown_kind_is_a_located_validation_error() -> None:
    with pytest.raises(ValidationError) as raised:
        generate_document("docxx", {}, make_context())
    (error,) = raised.value.errors()
    assert error["loc"] == ("kind",)
    assert "did you mean 'docx'" in error["msg"]


def test_unknown_and_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValidationError) as raised:
        validate_document_params("pdf", {"topic": "poem", "colour": "red"})
    locations = {error["loc"] for error in raised.value.errors()}
    assert locations == {("topic",), ("colour",)}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_file_names_the_type_and_matches_the_declared_description(kind: str, write) -> None:
    params, expected = SAMPLES[kind]
    document = generate_document(kind, params, make_context(lang="ru"))
    described = file_type(write(f"sample{document.extension}", document.data))
    assert expected in described
    assert document.magic_description.split(",")[0] in described
    assert document.kind == kind
