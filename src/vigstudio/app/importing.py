"""Adding recordings without freezing the window: the slow steps run as jobs of the job
service, the session edits on the session's own thread.

Adding a batch of files takes the steps ``CaseSession.import_recording`` takes for one
file, split where the session comes in:

1. :func:`check_files` (a job): each file is probed in a child process; what cannot be read
   is named with the reason and left out.
2. :func:`make_ready` (a job): each file is fingerprinted and put where the case keeps it,
   by the rule the session gives (``session.media_placer(copy)``, read on the session's
   thread first: a job never touches the session): copied into ``media/`` beside the
   project, or left where it is. Every new copy is put in the caller's list ``made`` at
   once, so a cancelled batch can take its copies back (:func:`discard_copies`).
3. :func:`add_ready` (on the session's thread): one undoable session edit per recording
   (``session.add_imported``, the last step of ``import_recording`` too).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from vigstudio.app import probing
from vigstudio.app.edits_media import MediaPlacer
from vigstudio.app.jobs import JobContext
from vigstudio.app.session import CaseSession
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording, RecordingKind
from vigstudio.errors import MediaError, VigError

__all__ = ["CheckedFiles", "ReadyFile", "ReadyFiles", "add_ready", "check_files",
           "discard_copies", "make_ready"]


@dataclass(frozen=True)
class CheckedFiles:
    """What the probe found: the files that can be added (with what they hold) and the
    files refused, each with the reason."""

    readable: tuple[tuple[Path, MediaInfo], ...]
    refused: tuple[tuple[Path, str], ...]


@dataclass(frozen=True)
class ReadyFile:
    """A checked recording ready to add: ``media`` is the file the case will refer to (the
    copy in ``media/`` or the file where it is), ``fingerprint`` that of the file imported;
    ``copied`` says a new file was made for it."""

    source: Path
    media: Path
    info: MediaInfo
    fingerprint: Fingerprint
    copied: bool = False


@dataclass(frozen=True)
class ReadyFiles:
    ready: tuple[ReadyFile, ...]
    failed: tuple[tuple[Path, str], ...]


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


def make_ready(ctx: JobContext, readable: Sequence[tuple[Path, MediaInfo]],
               placer: MediaPlacer, *, made: list[Path] | None = None) -> ReadyFiles:
    """Fingerprint each file and put it where the case keeps it (``placer``, from
    ``session.media_placer(copy)``, the rule ``import_recording`` follows too); a file that
    cannot be placed is named with the reason. Each new file is appended to ``made`` as soon
    as it exists (the caller reads the list after the job, however it ended)."""
    from vigstudio.media.fingerprint import fingerprint

    ready: list[ReadyFile] = []
    failed: list[tuple[Path, str]] = []
    n = len(readable)
    for i, (path, info) in enumerate(readable):
        if ctx.cancelled():
            break
        if placer.folder is not None:
            ctx.progress(i / n, _counted(i, n, "Copying", path))
        try:
            print_ = fingerprint(path)
            placed, new = placer.place(path, print_)
        except (MediaError, OSError) as exc:
            failed.append((path, str(exc)))
            continue
        if new and made is not None:
            made.append(placed)
        ready.append(ReadyFile(path, placed, info, print_, copied=new))
    ctx.progress(1.0, "")
    return ReadyFiles(tuple(ready), tuple(failed))


def add_ready(session: CaseSession, ready: ReadyFile, *,
              kind: RecordingKind = RecordingKind.FAMILY_FILM) -> Recording:
    """Add one ready recording: one undoable session edit (on the session's thread). The
    file is not probed, fingerprinted or copied again."""
    return session.add_imported(ready.media, ready.fingerprint, ready.info, kind=kind)


def discard_copies(copies: Sequence[Path], session: CaseSession) -> None:
    """Remove copies made for recordings that were not added (a cancelled batch, or a copy
    whose edit was refused), unless a recording of the case refers to them."""
    used = {os.path.abspath(session.media_path(r.id)) for r in session.recordings()
            if r.id is not None}
    for copy in copies:
        if os.path.abspath(copy) not in used:
            copy.unlink(missing_ok=True)
