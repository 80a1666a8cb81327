"""Read-only analysis of disk evidence (raw and E01 images holding FAT volumes).

The trainee-facing ``labkit disk`` commands are thin renderers over this package:
every function here returns dataclasses and raises :mod:`labkit.errors` subclasses;
nothing prints. The Sleuth Kit (pytsk3) does the file-system work; pyewf reads E01.
"""

from __future__ import annotations

from labkit.tools.disk.content import TargetFile, iter_file_content, iter_file_slack, open_target
from labkit.tools.disk.file_system import FileSystem, open_evidence, open_file_system
from labkit.tools.disk.file_system_info import (
    FileSystemSummary,
    ImageSurvey,
    describe_file_system,
    survey_image,
)
from labkit.tools.disk.hashing import FileHash, ImageHash, choose_algorithms, hash_file, hash_image
from labkit.tools.disk.image_access import DiskImage, EwfMetadata, ImageFormat, open_image
from labkit.tools.disk.listing import FileEntry, list_files
from labkit.tools.disk.metadata import FileMetadata, stat_file
from labkit.tools.disk.recovery import RecoveredFile, RecoveryReport, recover_files
from labkit.tools.disk.timestamps import FileTime, resolve_zone
from labkit.tools.disk.volumes import PartitionEntry, PartitionTable, read_partition_table

__all__ = [
    "DiskImage",
    "EwfMetadata",
    "FileEntry",
    "FileHash",
    "FileMetadata",
    "FileSystem",
    "FileSystemSummary",
    "FileTime",
    "ImageFormat",
    "ImageHash",
    "ImageSurvey",
    "PartitionEntry",
    "PartitionTable",
    "RecoveredFile",
    "RecoveryReport",
    "TargetFile",
    "choose_algorithms",
    "describe_file_system",
    "hash_file",
    "hash_image",
    "iter_file_content",
    "iter_file_slack",
    "list_files",
    "open_evidence",
    "open_file_system",
    "open_image",
    "open_target",
    "read_partition_table",
    "recover_files",
    "resolve_zone",
    "stat_file",
    "survey_image",
]
