"""Adding recordings without freezing the window: the slow steps run as jobs of the job
service, the session edits on the session's own thread.

Adding a batch of files takes three steps, the same ones ``CaseSession.import_recording``
takes for one file:

1. :func:`check_files` (a job): each file is probed in a child process; what cannot be read
   is named with the reason and left out.
2. :func:`make_ready` (a job): when the recordings are to be copied into the case, each is
   copied into ``media/`` beside the project (its fingerprint first, so a file copied
   before is not copied twice). Every copy made is put in the caller's list ``made`` at
   once, so a cancelled batch can take its copies back (:func:`discard_copies`).
3. :func:`add_ready` (on the session's thread): one undoable session edit per recording.

A job never touches the session: the caller reads the case folder first
(:func:`media_folder`).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vigstudio.app import probing
from vigstudio.app.edits_media import copy_into_case
from vigstudio.app.jobs import JobContext
from vigstudio.app.session import CaseSession
from vigstudio.domain.media import MediaInfo, Recording, RecordingKind
from vigstudio.errors import MediaError, VigError

__all__ = ["CheckedFiles", "ReadyFile", "ReadyFiles", "add_ready", "check_files",
           "discard_copies", "make_ready", "media_folder"]


@dataclass(frozen=True)
class CheckedFiles:
    """What the probe found: the files that can be added (with what they hold) and the
    files refused, each with the reason."""

    readable: tuple[tuple[Path, MediaInfo], ...]
    refused: tuple[tuple[Path, str], ...]


@dataclass(frozen=True)
class ReadyFile:
    """A checked recording ready to add: ``media`` is where the case will refer to it (the
    copy in ``media/`` or the file where it is); ``copied`` says the copy was made now."""

    source: Path
    media: Path
    info: MediaInfo
    copied: bool = False


@dataclass(frozen=True)
class ReadyFiles:
    ready: tuple[ReadyFile, ...]
    failed: tuple[tuple[Path, str], ...]


def media_folder(session: CaseSession) -> Path:
    """Where copied recordings go: ``media/`` beside the project file."""
    return session.folder / "media"


def _counted(i: int, n: int, what: str, path: Path) -> str:
    return f"{what} {path.name} …" if n == 1 else f"{what} {path.name} ({i + 1} of {n}) …"


def check_files(ctx: JobContext, files: Sequence[Path]) -> CheckedFiles:
    """Probe each file (in a child process); stops early when the job is cancelled."""
    readable: list[tuple[Path, MediaInfo]] = []
    refused: list[tuple[Path, str]] = []
    n = len(files)
    for i, path in enumerate(files):
        if ctx.cancelled():
            break
        what = _counted(i, n, "Checking", path)
        ctx.progress(i / n, what)

        def within(fraction: float, i: int = i, what: str = what) -> None:
            ctx.progress((i + min(max(fraction, 0.0), 1.0)) / n, what)

        try:
            info = probing.probe(path, progress=within)
        except VigError as exc:
            refused.append((path, str(exc)))
            continue
        readable.append((path, info))
    ctx.progress(1.0, "")
    return CheckedFiles(tuple(readable), tuple(refused))


def make_ready(ctx: JobContext, readable: Sequence[tuple[Path, MediaInfo]], *,
               copy_into: Path | None, made: list[Path] | None = None) -> ReadyFiles:
    """Copy each file into ``copy_into`` (when given); a file that cannot be copied is named
    with the reason. Each new copy is appended to ``made`` as soon as it exists (the caller
    reads the list after the job, however it ended)."""
    from vigstudio.media.fingerprint import fingerprint

    ready: list[ReadyFile] = []
    failed: list[tuple[Path, str]] = []
    n = len(readable)
    for i, (path, info) in enumerate(readable):
        if ctx.cancelled():
            break
        if copy_into is None:
            ready.append(ReadyFile(path, path, info))
            continue
        ctx.progress(i / n, _counted(i, n, "Copying", path))
        try:
            print_ = fingerprint(path)
            existed = _existing(copy_into)
            copy = copy_into_case(copy_into, path, print_, fingerprint)
        except (MediaError, OSError) as exc:
            failed.append((path, str(exc)))
            continue
        new = copy not in existed
        if new and made is not None:
            made.append(copy)
        ready.append(ReadyFile(path, copy, info, copied=new))
    ctx.progress(1.0, "")
    return ReadyFiles(tuple(ready), tuple(failed))


def _existing(folder: Path) -> set[Path]:
    return set(folder.iterdir()) if folder.is_dir() else set()


def add_ready(session: CaseSession, ready: ReadyFile, *,
              kind: RecordingKind = RecordingKind.FAMILY_FILM) -> Recording:
    """Add one ready recording: one undoable session edit (on the session's thread). The
    file is not probed or copied again."""
    return session.import_recording(ready.media, copy=False, kind=kind, info=ready.info)


def discard_copies(copies: Sequence[Path], session: CaseSession) -> None:
    """Remove copies made for recordings that were not added (a cancelled batch, or a copy
    whose edit was refused), unless a recording of the case refers to them."""
    used = {os.path.abspath(session.media_path(r.id)) for r in session.recordings()
            if r.id is not None}
    for copy in copies:
        if os.path.abspath(copy) not in used:
            copy.unlink(missing_ok=True)
