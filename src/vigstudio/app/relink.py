"""Finding moved recordings again: search a folder by content, relink several at once.

A recording is kept in the case by path *and* by fingerprint (size plus hashes of the first
and last MiB, :mod:`vigstudio.media.fingerprint`). When the file is no longer where the case
says (the folder was moved, a USB stick has another drive letter), the recording is
*offline*. :func:`search_folder` walks a folder the user chooses once, reading only files of
exactly the right size, and reports for each offline recording the file whose content matches
— whatever its name — and the files that have the recording's name but other content (those
are refused: a different video must never silently take a recording's place, with all its
tags). :func:`relink_found` points the recordings at their files through the session, as one
undo step.

Typical use (the GUI's relink dialog does this)::

    missing = needing_relink(session)
    result = search_folder(missing, Path("/media/usb/family-films"))
    outcome = relink_found(session, result)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath, PureWindowsPath

from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.app.session_core import media_source_at
from vigstudio.domain.media import Fingerprint, Recording
from vigstudio.errors import MediaError, VigError
from vigstudio.media.fingerprint import fingerprint

__all__ = [
    "RelinkOutcome",
    "SearchResult",
    "needing_relink",
    "relink_found",
    "search_folder",
    "stored_name",
]


def stored_name(recording: Recording) -> str:
    """The file name the case expects (the last part of the stored path, any OS's slashes)."""
    return PureWindowsPath(recording.path).name if "\\" in recording.path \
        else PurePath(recording.path).name


def needing_relink(session: CaseSession) -> list[Recording]:
    """Recordings whose file is missing (offline) or is not the imported file (changed)."""
    return [r for r in session.recordings() if r.id is not None
            and session.recording_status(r.id) is not RecordingStatus.ONLINE]


@dataclass
class SearchResult:
    """What a folder search found, by recording id."""

    folder: Path
    found: dict[int, Path] = field(default_factory=dict)
    # files with the recording's name whose content differs: (path, message) per recording
    refused: dict[int, list[tuple[Path, str]]] = field(default_factory=dict)
    files_checked: int = 0  # files of a matching size that were fingerprinted
    cancelled: bool = False

    def not_found(self, recordings: Sequence[Recording]) -> list[Recording]:
        return [r for r in recordings if r.id not in self.found]


def search_folder(recordings: Sequence[Recording], folder: Path | str, *,
                  cancelled: Callable[[], bool] | None = None,
                  key: bytes | None = None) -> SearchResult:
    """Look under ``folder`` (recursively, one pass) for the files of ``recordings``.

    Only files of exactly a wanted size are read (2 MiB each at most); symlinked folders are
    not followed; unreadable files and folders are skipped. When several files match, one
    with the expected name wins, then the first by path. ``cancelled`` is polled between
    folders (the result then holds what was found so far). Safe to call from a worker
    thread: it reads only the recordings given, never the session.

    ``key`` is an encrypted case's media key (``session.media_key``): the case's encrypted
    copies (files of the recording's encrypted size) are then recognised too, by the
    fingerprint of their plaintext; another case's encrypted files do not decrypt and are
    passed over.
    """
    root = Path(folder)
    result = SearchResult(root)
    wanted = [r for r in recordings if r.id is not None]
    by_size: dict[int, list[Recording]] = {}
    for rec in wanted:
        by_size.setdefault(rec.fingerprint.size, []).append(rec)
        if key is not None:  # its encrypted copy (crypto/chunked.py) is a little larger
            from vigstudio.crypto.chunked import encrypted_size

            by_size.setdefault(encrypted_size(rec.fingerprint.size), []).append(rec)
    by_name: dict[str, list[Recording]] = {}
    for rec in wanted:
        by_name.setdefault(stored_name(rec).casefold(), []).append(rec)
    candidates: dict[int, list[Path]] = {}
    prints: dict[Path, Fingerprint | None] = {}

    def print_of(path: Path) -> Fingerprint | None:
        if path not in prints:
            try:
                prints[path] = fingerprint(path if key is None else media_source_at(path, key))
                result.files_checked += 1
            except MediaError:
                prints[path] = None
        return prints[path]

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                size = path.stat().st_size
            except OSError:
                continue
            for rec in by_size.get(size, ()):
                if print_of(path) == rec.fingerprint:
                    candidates.setdefault(int(rec.id or 0), []).append(path)
            for rec in by_name.get(name.casefold(), ()):
                if print_of(path) != rec.fingerprint:
                    result.refused.setdefault(int(rec.id or 0), []).append((path, _refusal(
                        path, rec)))
    for rec in wanted:
        rec_id = int(rec.id or 0)
        paths = candidates.get(rec_id)
        if paths:
            hint = stored_name(rec).casefold()
            result.found[rec_id] = sorted(
                paths, key=lambda p: (p.name.casefold() != hint, str(p)))[0]
    return result


def _refusal(path: Path, rec: Recording) -> str:
    return (f"“{path}” has the name of the recording “{rec.display_title}”, but different "
            "content (another video, or a damaged or edited copy). It was not used, so the "
            "tags of this recording cannot end up on the wrong video.")


@dataclass
class RelinkOutcome:
    relinked: list[int] = field(default_factory=list)  # recording ids now online
    failed: dict[int, str] = field(default_factory=dict)  # recording id -> message

    @property
    def message(self) -> str:
        parts = []
        if self.relinked:
            n = len(self.relinked)
            parts.append(f"{n} recording{'s' if n != 1 else ''} found again and relinked.")
        parts += self.failed.values()
        return "\n".join(parts) or "Nothing was relinked."


def relink_found(session: CaseSession, result: SearchResult | dict[int, Path], *,
                 label: str = "Relink recordings") -> RelinkOutcome:
    """Point each recording at the file found for it (fingerprints are checked again), all
    in one undo step. A recording whose file cannot be used is left as it was, with a
    message in ``failed``; the others are still relinked."""
    found = result.found if isinstance(result, SearchResult) else result
    outcome = RelinkOutcome()
    with session.merged(label):
        for rec_id, path in sorted(found.items()):
            try:
                session.relink_recording(rec_id, path)
            except VigError as exc:
                outcome.failed[rec_id] = str(exc)
            else:
                outcome.relinked.append(rec_id)
    return outcome
