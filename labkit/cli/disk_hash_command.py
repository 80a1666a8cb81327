"""``labkit disk hash``: the media (an E01 checked chunk by chunk and against its stored hashes) or a file."""

from __future__ import annotations

import click

from labkit.cli.disk_options import IMAGE, INODE, JSON, PARTITION, PLAIN
from labkit.cli.disk_render import OutputTable, Styled, emit_json, jsonable, show, use_plain
from labkit.cli.disk_warnings import damage_summary, warn_about_truncation
from labkit.errors import EvidenceError, UsageError
from labkit.tools import disk as tools


@click.command(name="hash")
@IMAGE
@click.argument("path", required=False)
@INODE
@PARTITION
@click.option(
    "--algorithm", type=click.Choice(["md5", "sha1", "sha256", "all"]), default="sha256", show_default=True
)
@PLAIN
@JSON
def hash_command(
    image: str,
    path: str | None,
    inode: int | None,
    partition: int | None,
    algorithm: str,
    plain: bool,
    as_json: bool,
) -> None:
    """Hash the medium (for E01: the disk inside, checked against its stored MD5) or one file.

    Exits 2 when an E01 does not verify: a chunk fails its checksum or a stored hash differs.
    """
    algorithms = tools.choose_algorithms(algorithm)
    if path is None and inode is None:
        if partition is not None:
            raise UsageError("-p selects a file system; the image hash covers the whole medium: omit -p")
        with tools.open_image(image) as opened:
            result = tools.hash_image(opened, algorithms)
        title = f"{result.path} ({result.format.value} media, {result.media_size} bytes)"
        _show(result, as_json, plain, title)
        _raise_unless_verified(result)
        return
    with tools.open_evidence(image, partition) as file_system:
        file_hash = tools.hash_file(file_system, path=path, inode=inode, algorithms=algorithms)
        warn_about_truncation(file_system)
    title = f"{file_hash.path} (inode {file_hash.inode})" if file_hash.path else f"inode {file_hash.inode}"
    _show(file_hash, as_json, plain, title)
    if file_hash.damaged_sectors:
        raise EvidenceError(
            f"{image}: the digest of {file_hash.path or f'inode {file_hash.inode}'} is not the evidence's: "
            f"{damage_summary(file_hash.damaged_sectors)}"
        )


def _raise_unless_verified(result: tools.ImageHash) -> None:
    if result.damaged_sectors:
        raise EvidenceError(
            f"{result.path}: the media does NOT verify: {damage_summary(result.damaged_sectors)}, so the "
            "digests above are not the media's"
        )
    for name, matches, stored in (("MD5", result.md5_matches, result.stored_md5),
                                  ("SHA1", result.sha1_matches, result.stored_sha1)):  # fmt: skip
        if matches is False:
            raise EvidenceError(
                f"{result.path}: the media does NOT verify: its {name} does not match the {name} "
                f"stored in the E01 ({stored})"
            )


def _show(result: tools.ImageHash | tools.FileHash, as_json: bool, plain: bool, title: str) -> None:
    if as_json:
        document = jsonable(result, None)
        if isinstance(result, tools.ImageHash):
            document["verifies"] = result.verifies
        return emit_json(document)
    table = OutputTable("Algorithm", "Digest", title=title)
    for name, digest in result.digests.items():
        table.add_row(name, digest)
    if isinstance(result, tools.ImageHash):
        damaged = bool(result.damaged_sectors)
        for name, stored, matches in (("MD5", result.stored_md5, result.md5_matches),
                                      ("SHA1", result.stored_sha1, result.sha1_matches)):  # fmt: skip
            if stored is None:
                continue
            if matches and not damaged:
                verdict = Styled(f"{stored} (matches the media)", "green")
            elif matches:
                verdict = Styled(f"{stored} (matches what libewf read, zeros for the damaged chunks)", "red")
            else:
                verdict = Styled(f"{stored} (DOES NOT MATCH the media)", "red")
            table.add_row(f"stored {name}", verdict)
    show(table, use_plain(plain))
