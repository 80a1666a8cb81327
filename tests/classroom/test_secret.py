"""The class secret: made random and private, never overwritten, refused when guessable."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from labkit.classroom.secret import SECRET_BYTES, SecretError, load_secret, readable_by_others, write_secret
from labkit.errors import OutputExistsError


def test_written_secret_is_random_private_and_loads(tmp_path: Path) -> None:
    first, second = write_secret(tmp_path / "a.key"), write_secret(tmp_path / "b.key")
    assert len(first.read_bytes()) == SECRET_BYTES
    assert first.read_bytes() != second.read_bytes()
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    assert not readable_by_others(first)
    assert load_secret(first) == first.read_bytes()


def test_an_existing_secret_is_never_overwritten(tmp_path: Path) -> None:
    path = write_secret(tmp_path / "class.key")
    before = path.read_bytes()
    with pytest.raises(OutputExistsError, match=r"class\.key: exists; a secret is never overwritten"):
        write_secret(path)
    assert path.read_bytes() == before


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="cannot create the secret file"):
        write_secret(tmp_path / "no" / "such" / "class.key")


@pytest.mark.parametrize(
    "text",
    [
        "22950bdad32262d0009dae4cf611709df5fdbf61dcb32d529bb5ee5ca258f210\n",  # openssl rand -hex 32
        "IWjkU5rexmlwAfVPbelLdVoLzerMpU42M+BQejdK\n",  # openssl rand -base64 30
    ],
)
def test_long_random_text_is_accepted_byte_for_byte(tmp_path: Path, text: str) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(text)
    assert load_secret(path) == text.encode()  # the newline too: the same file, the same seeds


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"password", "holds 8 bytes, fewer than 16"),
        (b"passwordpassword", "repeats a few byte values only"),
        (b"\x00" * 32, "repeats a few byte values only"),
        (b"Academy-Almaty-2026!", "is a text that could be guessed (about 74 bits by its letters, 128"),
        (b"kazakhstan police academy", "is a text that could be guessed"),
        (b"correct horse battery staple\n", "is a text that could be guessed"),
        (b"e04598121bd73e78bc8d977a5bb2094c", "is a text that could be guessed"),  # only 16 bytes as hex
    ],
)
def test_guessable_secrets_are_refused(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "secret"
    path.write_bytes(data)
    with pytest.raises(SecretError, match="create one with 'labkit class secret FILE'") as caught:
        load_secret(path)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_unreadable_secret_files(tmp_path: Path) -> None:
    with pytest.raises(SecretError, match="secret file: file not found"):
        load_secret(tmp_path / "nothing")
    with pytest.raises(SecretError, match="secret file: is a folder"):
        load_secret(tmp_path)


def test_a_world_readable_secret_is_noticed(tmp_path: Path) -> None:
    path = write_secret(tmp_path / "class.key")
    path.chmod(0o644)
    assert readable_by_others(path)
