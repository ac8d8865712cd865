"""Content fingerprints of media files, for finding a moved or renamed recording again.

A fingerprint is the file size plus SHA-256 of its first and of its last MiB: cheap on a
multi-gigabyte video, and for practical purposes unique (two recordings of the same size
with identical first and last MiB do not happen).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from vigstudio import errors
from vigstudio.domain.media import Fingerprint
from vigstudio.media.source import MediaLike, as_source

__all__ = ["CHUNK", "find_matches", "fingerprint"]

CHUNK = 1 << 20  # one MiB


def _hash_range(fh: BinaryIO, start: int, length: int) -> str:
    fh.seek(start)
    digest = hashlib.sha256()
    remaining = length
    while remaining > 0:
        block = fh.read(min(remaining, 1 << 16))
        if not block:
            break
        digest.update(block)
        remaining -= len(block)
    return digest.hexdigest()


def fingerprint(path: MediaLike) -> Fingerprint:
    """The fingerprint of ``path``. A file under 1 MiB hashes the whole file twice.

    An encrypted recording (a :class:`~vigstudio.media.source.MediaSource` with its key) is
    fingerprinted by its plaintext, so it keeps the identity of the file it was copied from.
    """
    path = as_source(path)
    try:
        size = path.size()
        with path.open_binary() as fh:
            head = _hash_range(fh, 0, min(size, CHUNK))
            tail = _hash_range(fh, max(0, size - CHUNK), min(size, CHUNK))
    except FileNotFoundError as exc:
        raise errors.MediaMissingError(f"The recording “{path.name}” is missing.") from exc
    except OSError as exc:
        raise errors.MediaError(
            f"“{path.name}” cannot be read: {exc.strerror or exc}.") from exc
    return Fingerprint(size, head, tail)


def find_matches(
    target: Fingerprint,
    folder: Path | str,
    *,
    name_hint: str | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> list[Path]:
    """Files under ``folder`` (recursively) whose content has fingerprint ``target``.

    Cheap: only files of exactly the right size are read (2 MiB each at most). Symlinked
    folders are not followed; unreadable files and folders are skipped. Matches whose name
    equals ``name_hint`` (case-insensitive) come first, then by path. ``cancelled`` is polled
    between folders; when it returns True the matches found so far are returned.
    """
    root = Path(folder)
    hint = name_hint.casefold() if name_hint else None
    matches: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if cancelled is not None and cancelled():
            break
        dirnames.sort()
        for name in sorted(filenames):
            candidate = Path(dirpath) / name
            try:
                if not candidate.is_file() or candidate.stat().st_size != target.size:
                    continue
                if fingerprint(candidate) == target:
                    matches.append(candidate)
            except (OSError, errors.MediaError):
                continue
    matches.sort(key=lambda p: (hint is None or p.name.casefold() != hint, str(p)))
    return matches
