"""The media files: where they are, walking them for a backup, and swapping in restored ones.

A restore unpacks into a staging directory inside MEDIA_ROOT (so it is on the same filesystem,
whatever is mounted where), then swaps the top-level entries with renames: the old ones move
into a second staging directory and are deleted only once the new ones are in place.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.core.files.storage import FileSystemStorage, default_storage

from backups.crypto import ArchiveError

STAGING_PREFIX = ".ecabinet-restore-"


def media_root() -> Path | None:
    """MEDIA_ROOT when the default storage keeps files on this machine's disk, else None."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def storage_name() -> str:
    storage_class = type(default_storage._wrapped if hasattr(default_storage, "_wrapped") else default_storage)
    return f"{storage_class.__module__}.{storage_class.__qualname__}"


def _ours(name: str) -> bool:
    return name.startswith(STAGING_PREFIX)


def iter_files(root: Path) -> Iterator[tuple[str, Path]]:
    """(archive-relative posix name, path) of every regular file under root, in a stable order.

    Symbolic links are not followed: a link out of MEDIA_ROOT is not part of the media.
    """
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if here == root:
            dirnames[:] = [d for d in dirnames if not _ours(d)]
        dirnames.sort()
        for filename in sorted(filenames):
            path = here / filename
            if path.is_file() and not path.is_symlink():
                yield path.relative_to(root).as_posix(), path


def has_files(root: Path | None) -> bool:
    return root is not None and next(iter_files(root), None) is not None


def safe_relative(name: str) -> PurePosixPath:
    """A member path that stays inside its directory, or ArchiveError."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts):
        raise ArchiveError(f"The archive holds a file with an unsafe name: {name!r}.")
    return path


def new_staging(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    staging = root / f"{STAGING_PREFIX}{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    return staging


def swap_in(root: Path, new_media: Path, trash: Path) -> None:
    """Replace root's content (except staging directories) by new_media's, by renames.

    If a rename fails half-way, what was moved is moved back and the error is raised.
    """
    trash.mkdir(mode=0o700, exist_ok=True)
    moved_out: list[str] = []
    moved_in: list[str] = []
    try:
        for name in sorted(os.listdir(root)):
            if not _ours(name):
                os.rename(root / name, trash / name)
                moved_out.append(name)
        if new_media.is_dir():
            for name in sorted(os.listdir(new_media)):
                os.rename(new_media / name, root / name)
                moved_in.append(name)
    except OSError:
        for name in moved_in:
            os.rename(root / name, new_media / name)
        for name in moved_out:
            os.rename(trash / name, root / name)
        raise


def remove_tree(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
