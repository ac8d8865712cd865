"""Recordings inside an encrypted case: copying them in encrypted, and saying which are not.

An encrypted case keeps its recordings in ``NAME.vigproj.media/`` beside the project file,
each in the chunked encrypted format (:mod:`vigstudio.crypto.chunked`) under the case's media
key, with an opaque name (``rec-<random>.<ext>.vigenc``: the original file name may carry a
family's name). Every reader opens them through :meth:`SessionCore.media_source`, which
decrypts in memory as it reads.

Copying in is a job (Qt-free, :func:`encrypt_copy` takes a :class:`JobContext`) followed by
one undoable edit on the caller's thread (:func:`use_copy`): the recording is repointed to
the encrypted copy and keeps its fingerprint (that of the plaintext), so relinking and the
recording's identity work as before. Undo points it back at the original file; the copy
stays (as a copied recording does in a plain case).

A recording referenced where it lies (not copied in) is *not* protected by the case's
encryption: :func:`unprotected_recordings` names them, :data:`UNPROTECTED_NOTE` says so in
the practitioner's words, and the GUI offers to copy them in.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vigstudio.app.edits_media import RecordingEdits
from vigstudio.app.jobs import JobContext
from vigstudio.app.session_core import SessionCore
from vigstudio.crypto import chunked
from vigstudio.domain.media import Fingerprint, Recording
from vigstudio.errors import ExportCancelled, MediaError, MediaKeyError, VigError
from vigstudio.media.fingerprint import fingerprint
from vigstudio.media.source import ENCRYPTED_SUFFIX, MediaSource

__all__ = [
    "COPIED_IN_NOTE",
    "UNPROTECTED_NOTE",
    "CopyPlan",
    "case_media_folder",
    "copy_in",
    "encrypt_copy",
    "find_encrypted_copy",
    "place_encrypted",
    "plan_copy",
    "unprotected_recordings",
    "use_copy",
]

UNPROTECTED_NOTE = (
    "This case is encrypted, but {count} of its recordings {verb} only referenced where "
    "{pronoun} lie (not copied into the case): those files are NOT protected by the case's "
    "passphrase. Copy them into the case to encrypt them; then delete or securely store the "
    "originals.")

COPIED_IN_NOTE = (
    "This case is encrypted: the {count} recording(s) are copied into the case and encrypted "
    "with its passphrase.\n\nThe original files stay where they are and are NOT protected: "
    "delete them, or keep them somewhere safe, once you no longer need them.")


def case_media_folder(project_path: Path) -> Path:
    """``NAME.vigproj.media/`` beside the project file: an encrypted case's recordings."""
    return project_path.with_name(project_path.name + ".media")


def encrypted_name(original: Path) -> str:
    """An opaque name for an encrypted copy (keeps only the container's extension)."""
    suffix = original.suffix.lower() if len(original.suffix) <= 6 else ""
    return f"rec-{secrets.token_hex(8)}{suffix}{ENCRYPTED_SUFFIX}"


def unprotected_recordings(session: SessionCore) -> list[Recording]:
    """In an encrypted case: the recordings whose files are not encrypted (referenced, or
    offline so nobody can tell). Empty in a plain case."""
    if session.media_key is None:
        return []
    out = []
    for rec in session.recordings():
        if rec.id is not None and not session.media_source(rec.id).encrypted:
            out.append(rec)
    return out


def unprotected_note(count: int) -> str:
    return UNPROTECTED_NOTE.format(count=count, verb="is" if count == 1 else "are",
                                   pronoun="it" if count == 1 else "they")


@dataclass(frozen=True)
class CopyPlan:
    """What the copy job needs (read from the session on the caller's thread)."""

    recording_id: int
    source: Path
    target: Path
    key: bytes
    fingerprint: Fingerprint


def plan_copy(session: SessionCore, recording_id: int) -> CopyPlan:
    """Check that the recording can be copied in and say where it goes."""
    key = session.media_key
    if key is None:
        raise MediaKeyError("This case is not encrypted: there is nothing to copy the "
                            "recording into (use Add recordings ▸ copy instead).")
    rec = session.recording(recording_id)
    source = session.media_path(recording_id)
    if session.media_source(recording_id).encrypted:
        raise MediaError(f"“{rec.display_title}” is already encrypted in the case.")
    if not source.is_file():
        raise MediaError(f"“{rec.display_title}” is offline ({source}); locate the file "
                         "first, then copy it in.")
    folder = case_media_folder(session.path)
    return CopyPlan(recording_id, source, folder / encrypted_name(source), key,
                    rec.fingerprint)


def encrypt_copy(ctx: JobContext | None, plan: CopyPlan) -> Path:
    """The job: encrypt ``plan.source`` into the case and check the copy reads back as the
    very recording (its plaintext fingerprint). Cancel leaves nothing behind. A film
    already copied into the case (the same content) is not copied again: its copy is
    used."""
    def progress(done: int, total: int) -> None:
        if ctx is not None:
            ctx.progress(done / total if total else 1.0, "encrypting")

    def make() -> Path:
        ok = chunked.encrypt_file(plan.source, plan.target, plan.key, progress=progress,
                                  cancel=ctx.cancelled if ctx is not None else None)
        if not ok:
            raise ExportCancelled("Copying the recording into the case was cancelled; "
                                  "nothing was changed.")
        got = fingerprint(MediaSource(plan.target, plan.key))
        if got != plan.fingerprint:
            plan.target.unlink(missing_ok=True)
            raise MediaError(f"{plan.source.name} changed while it was being copied (it is "
                             "not the recording that was added); nothing was changed.")
        return plan.target

    return _reuse_or_make(plan.target.parent, plan.fingerprint, plan.key, make)[0]


_copying: dict[tuple[Path, Fingerprint], threading.Lock] = {}
_copying_guard = threading.Lock()


def _reuse_or_make(folder: Path, print_: Fingerprint, key: bytes,
                   make: Callable[[], Path]) -> tuple[Path, bool]:
    """The film's encrypted copy in ``folder`` if there is one, else ``make()``'s; and
    whether it was made now. Searching and making are one step per film: another job
    copying the same film (the GUI copies several referenced recordings at once) waits,
    then finds the copy and reuses it; different films are copied side by side."""
    with _copying_guard:
        lock = _copying.setdefault((folder.resolve(), print_), threading.Lock())
    with lock:
        found = find_encrypted_copy(folder, print_, key)
        if found is not None:
            return found, False
        return make(), True


def use_copy(session: RecordingEdits, plan: CopyPlan, copy: Path) -> Recording:
    """The edit (undoable, saved at once): point the recording at its encrypted copy."""
    return session.relink_recording(plan.recording_id, copy,
                                    label="Copy recording into the encrypted case")


def copy_in(session: RecordingEdits, recording_id: int,
            ctx: JobContext | None = None) -> Recording:
    """Plan, encrypt and repoint in one call (the command line and tests; the GUI runs
    :func:`encrypt_copy` as a job between :func:`plan_copy` and :func:`use_copy`)."""
    plan = plan_copy(session, recording_id)
    return use_copy(session, plan, encrypt_copy(ctx, plan))


def encrypt_into(folder: Path, media: Path, key: bytes) -> Path:
    """Adding a recording to an encrypted case: its encrypted copy in the case's media
    folder ``folder`` (the file itself is left where it is)."""
    target = folder / encrypted_name(media)
    chunked.encrypt_file(media, target, key)
    return target


def find_encrypted_copy(folder: Path, print_: Fingerprint, key: bytes) -> Path | None:
    """The encrypted copy of the recording whose (plaintext) fingerprint is ``print_``
    already in ``folder`` under ``key``, or None. Only files of exactly the encrypted size
    of that recording are opened (the first and last MiB decrypted); a copy that does not
    decrypt or whose content differs is never taken for it."""
    size = chunked.encrypted_size(print_.size)
    try:
        entries = sorted(folder.iterdir())
    except OSError:
        return None
    for path in entries:
        if not path.name.endswith(ENCRYPTED_SUFFIX) or path.name.startswith("."):
            continue
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size != size:
                continue
            if fingerprint(MediaSource(path, key)) == print_:
                return path
        except (OSError, VigError):
            continue  # damaged, another case's, unreadable: not a copy to reuse
    return None


def place_encrypted(folder: Path, media: Path, print_: Fingerprint,
                    key: bytes) -> tuple[Path, bool]:
    """Adding a recording to an encrypted case: the encrypted copy of ``media`` in
    ``folder``, reused if the film is already copied in (same content fingerprint, as a
    plain case reuses its copy), else made now; and whether it was made now."""
    return _reuse_or_make(folder, print_, key, lambda: encrypt_into(folder, media, key))


def remove_plain_duplicates(session: SessionCore) -> list[Path]:
    """In an encrypted case: remove the plain files in the case's own ``media/`` folder that
    no recording refers to and that are copies of a recording the case keeps encrypted
    (same fingerprint). These are the copies a plain case made before it was encrypted and
    whose recordings were then copied in. Files that match no recording are left alone;
    the removed files are returned."""
    folder = session.folder / "media"
    if session.media_key is None or not folder.is_dir():
        return []
    in_use: set[Path] = set()
    protected: set[Fingerprint] = set()
    for rec in session.recordings():
        if rec.id is None:
            continue
        in_use.add(session.media_path(rec.id).resolve())
        if session.media_source(rec.id).encrypted:
            protected.add(rec.fingerprint)
    removed: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.is_symlink() or path.resolve() in in_use:
            continue
        try:
            if fingerprint(path) in protected:
                path.unlink()
                removed.append(path)
        except (OSError, VigError):
            continue  # unreadable or not media: not ours to remove
    return removed
