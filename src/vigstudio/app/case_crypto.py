"""Encrypted cases: create, unlock and open, change the passphrase, convert a plain case,
delete a case for good (docs/ENCRYPTION.md). Qt-free; the GUI and the command line call these.

Files of a case ``NAME.vigproj``: the project file (SQLCipher when encrypted), the key file
``NAME.vigproj.key`` (:mod:`vigstudio.crypto.keys`), recordings copied in
``NAME.vigproj.media/`` and derived files in ``NAME.vigproj.cache/`` (both encrypted with the
media key when the case is).

Whether a case is encrypted is decided by its project file (no SQLite header, and a key file
beside it), never by the key file alone: a key file left beside a plain project by an
interrupted conversion is ignored, and replaced when the conversion is run again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from vigstudio.app.session import CaseSession
from vigstudio.crypto.keys import (
    DEFAULT_KDF,
    CaseKeys,
    KeyFile,
    ScryptParams,
    check_new_passphrase,
    destroy_key_file,
    key_path_for,
    make_key_file,
    name_key_file,
    new_recovery_key,
    pending_key_files,
    pending_writer,
    read_key_file,
    rewrap_passphrase,
    unlock_with_passphrase,
    unlock_with_recovery_key,
    write_key_file,
    write_pending_key_file,
)
from vigstudio.domain.codebook import Codebook
from vigstudio.errors import EncryptionError, KeyFileError, ProjectError, VigError
from vigstudio.safe_write import fsync_folder, writer_gone
from vigstudio.storage import journal
from vigstudio.storage.cipher import looks_encrypted
from vigstudio.storage.locking import ProjectLock, lock_path_for
from vigstudio.storage.project_file import encrypt_file, peek_case_uuid, read_header_kind

__all__ = [
    "DEFAULT_KDF", "CaseKeys", "ConversionReport", "NewEncryptedCase", "ScryptParams",
    "cache_path_for", "change_passphrase", "check_new_passphrase", "create_encrypted_case",
    "delete_case", "encrypt_case", "is_encrypted", "key_path_for", "media_folder_for",
    "open_case", "save_recovery_key", "unlock",
]

PASSPHRASE_ENV = "VIGSTUDIO_PASSPHRASE"


def media_folder_for(project: Path) -> Path:
    """``NAME.vigproj.media/``: recordings copied into the case."""
    return project.with_name(project.name + ".media")


def cache_path_for(project: Path) -> Path:
    """``NAME.vigproj.cache/``: thumbnails, waveforms, stills, frame indexes."""
    return project.with_name(project.name + ".cache")


def _encrypting_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.encrypting-{os.getpid()}")


def is_encrypted(path: Path | str) -> bool:
    """Is the case project at ``path`` encrypted? Reads 100 bytes; writes nothing. (A case
    whose creation was killed just before its key file got its name counts: its key file
    is still under the pending name, and the first unlock gives it its name.)"""
    path = Path(path)
    try:
        plain = read_header_kind(path)
    except ProjectError:
        return looks_encrypted(path) and _has_key_file(path)
    return not plain and _has_key_file(path)


def _interrupted_key(path: Path) -> Path | None:
    """The newest pending key file of ``path`` when its project file is there (a creation or
    a copy killed before the key file got its name; :func:`write_pending_key_file`)."""
    if not path.exists():
        return None
    pending = pending_key_files(path)
    return pending[-1] if pending else None


def _has_key_file(path: Path) -> bool:
    return key_path_for(path).exists() or _interrupted_key(path) is not None


def _tidy_pending_keys(path: Path) -> list[Path]:
    """Remove the pending key files that killed runs left at ``path`` (those of running
    processes are left alone): when ``path`` does not exist, their key protects nothing;
    when it opened with its named key file, they belong to a file that never appeared or
    are second names of that key file."""
    removed: list[Path] = []
    key_path = key_path_for(path)
    for pending in pending_key_files(path):
        if not writer_gone(pending_writer(pending), pending):
            continue
        with contextlib.suppress(OSError):
            if key_path.exists() and os.path.samefile(pending, key_path):
                pending.unlink()  # a second name of the key file: never overwrite it
            else:
                destroy_key_file(pending)
            removed.append(pending)
    return removed


# --- unlocking and opening -------------------------------------------------------------------

def unlock(path: Path | str, *, passphrase: str | None = None,
           recovery_key: str | None = None, verify: bool = True) -> CaseKeys:
    """The keys of the encrypted case at ``path``, from its passphrase or its recovery key.

    Nothing is written: a wrong passphrase raises WrongPassphraseError; a key file that does
    not belong to this project file raises KeyFileError (``verify=False`` skips that check,
    for recovering a damaged file).
    """
    path = Path(path)
    if (passphrase is None) == (recovery_key is None):
        raise EncryptionError("give either the passphrase or the recovery key")
    key_path = key_path_for(path)
    # a creation or a copy killed before the key file got its name: the pending key file
    # (newest first) is tried after the named one, which is missing or another copy's
    pending = list(reversed(pending_key_files(path))) if path.exists() else []
    sources = ([key_path] if key_path.exists() or not pending else []) + pending
    first: EncryptionError | None = None
    for source in sources:
        try:
            key_file = read_key_file(source)
            keys = (unlock_with_passphrase(key_file, passphrase) if passphrase is not None
                    else unlock_with_recovery_key(key_file, recovery_key or ""))
            if verify:
                _check_binding(path, key_file, keys)
        except EncryptionError as exc:
            first = first or exc
            continue
        if verify:
            with contextlib.suppress(OSError):  # a read-only folder still opens from there
                if source != key_path:  # it opens this very file: it is its key file
                    name_key_file(source, key_path, replace=True)
                _tidy_pending_keys(path)
        return keys
    assert first is not None
    raise first


def save_recovery_key(target: Path, recovery_key: str) -> Path:
    """Write the recovery key to a new file the user chose (never over an existing file;
    readable by the user only): to print, or to carry to the service's safe."""
    target = Path(target)
    text = ("VIG Studio recovery key\n\n"
            f"    {recovery_key}\n\n"
            "It opens the encrypted case if the passphrase is forgotten. Keep it in the "
            "service's safe, away from the laptop; do not keep this file on the same "
            "computer as the case.\n")
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise EncryptionError(f"{target.name} already exists; choose a new file for the "
                              "recovery key") from exc
    except OSError as exc:
        raise EncryptionError(f"the recovery key could not be saved to {target}: "
                              f"{exc.strerror}") from exc
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return target


def _check_binding(path: Path, key_file: KeyFile, keys: CaseKeys) -> None:
    case_uuid = peek_case_uuid(path, keys.database_key)  # KeyFileError if it does not open
    if case_uuid is not None and case_uuid != key_file.case_id:
        raise KeyFileError(
            f"the key file beside {path.name} belongs to another copy of this case, not to "
            "this project file; put this file's own key file back beside it. Nothing was "
            "changed.")


def open_case(path: Path | str, *, passphrase: str | None = None,
              recovery_key: str | None = None, read_only: bool = False) -> CaseSession:
    """Open a case project, plain or encrypted (then with its passphrase or recovery key)."""
    path = Path(path)
    if not is_encrypted(path):
        return CaseSession.open(path, read_only=read_only)
    keys = unlock(path, passphrase=passphrase, recovery_key=recovery_key)
    return CaseSession.open(path, read_only=read_only, keys=keys)


# --- creating ----------------------------------------------------------------------------------

@dataclass
class NewEncryptedCase:
    """A new encrypted case, open; ``recovery_key`` is shown to the user once, never stored."""

    session: CaseSession
    recovery_key: str = field(repr=False)


def create_encrypted_case(path: Path | str, case_name: str, passphrase: str, *,
                          confirm: str | None = None, codebook: Codebook | None = None,
                          created_on: dt.date | None = None,
                          kdf: ScryptParams = DEFAULT_KDF) -> NewEncryptedCase:
    """Write a new encrypted case project and its key file, and open it. ``kdf`` is for
    tests (cheaper settings); the product always uses the default.

    Crash-safe (a kill at any moment leaves no case, or a whole one that opens with the
    passphrase): the key file is written first under a hidden pending name, then the
    project file appears (in one step: the case exists from then on), then the key file
    gets its name — the first unlock does that if a kill came first. What a killed
    creation left without a project file is removed here."""
    path = Path(path)
    check_new_passphrase(passphrase, confirm)
    key_path = key_path_for(path)
    from vigstudio.safe_write import sweep_leftovers

    sweep_leftovers(path.parent)  # a killed creation's half-written project and key files
    if not path.exists():
        _tidy_pending_keys(path)
    if path.exists():
        raise ProjectError(f"{path.name} already exists; choose another name")
    if key_path.exists():
        raise KeyFileError(f"{key_path.name} already exists (left from another case?); choose "
                           "another name, or move that file away first")
    keys = CaseKeys.generate()
    recovery = new_recovery_key()
    case_uuid = str(uuid.uuid4())
    pending = write_pending_key_file(
        path, make_key_file(keys, passphrase, recovery, case_uuid, kdf=kdf))
    try:
        session = CaseSession.create(path, case_name, codebook=codebook,
                                     created_on=created_on, keys=keys, case_uuid=case_uuid)
    except BaseException:
        if path.exists() and _identity_or_none(path, keys) == case_uuid:
            name_key_file(pending, key_path)  # the case was written: keep it whole
        else:
            destroy_key_file(pending)
        raise
    try:
        name_key_file(pending, key_path)
    except BaseException:
        session.close()
        raise
    return NewEncryptedCase(session, recovery)


def _identity_or_none(path: Path, keys: CaseKeys) -> str | None:
    """The case identity of the encrypted file ``path`` under ``keys`` (None if it does not
    open with them). Reads only."""
    try:
        return peek_case_uuid(path, keys.database_key)
    except (VigError, OSError):
        return None


# --- changing the passphrase -------------------------------------------------------------------

def change_passphrase(path: Path | str, new_passphrase: str, *, confirm: str | None = None,
                      passphrase: str | None = None, recovery_key: str | None = None,
                      kdf: ScryptParams = DEFAULT_KDF) -> None:
    """Re-wrap the case's master key under ``new_passphrase`` (after unlocking with the
    current passphrase or the recovery key). Only the key file changes, atomically: a crash
    leaves the old or the new one whole. Nothing else is re-encrypted."""
    path = Path(path)
    check_new_passphrase(new_passphrase, confirm)
    if not is_encrypted(path):
        raise EncryptionError(f"{path.name} is not encrypted; encrypt it first")
    keys = unlock(path, passphrase=passphrase, recovery_key=recovery_key)
    key_file = read_key_file(key_path_for(path))
    write_key_file(key_path_for(path), rewrap_passphrase(key_file, keys, new_passphrase,
                                                         kdf=kdf), replace=True)


# --- converting a plain case ---------------------------------------------------------------------

@dataclass
class ConversionReport:
    """What :func:`encrypt_case` did. ``recovery_key`` is shown once, never stored."""

    path: Path
    recovery_key: str = field(repr=False)
    removed: list[Path] = field(default_factory=list)  # plaintext derived files, rebuilt later
    not_protected: list[tuple[int, str, Path]] = field(default_factory=list)  # id, title, file

    def lines(self) -> list[str]:
        out = [f"{self.path.name} is now encrypted."]
        out += [f"  removed (rebuilt encrypted when needed): {p}" for p in self.removed]
        if self.not_protected:
            out.append("These recordings stay where they are and are NOT protected by the "
                       "encryption; copy them into the case to protect them:")
            out += [f"  recording {rid} ({title}): {file}" for rid, title, file
                    in self.not_protected]
        return out


def encrypt_case(path: Path | str, passphrase: str, *, confirm: str | None = None,
                 kdf: ScryptParams = DEFAULT_KDF) -> ConversionReport:
    """Convert the plain case project at ``path`` into an encrypted one, crash-safe.

    Order (a kill at any moment leaves the old plain case or the new encrypted one whole):
    1. the plain file is opened (an unfinished change is rolled back; the case is locked);
    2. an encrypted copy is written and flushed under a temporary name, and the key file
       is written (atomically) beside the still-plain project — a key file beside a plain
       project is ignored, so the old case is whole;
    3. the encrypted copy replaces the project file in one atomic rename: the new case is
       whole;
    4. the plaintext derived files (``NAME.vigproj.cache/``) are removed.
    Left-overs of an interrupted run (a temporary copy) are removed when it is run again.
    """
    path = Path(path)
    check_new_passphrase(passphrase, confirm)
    if is_encrypted(path):
        raise EncryptionError(f"{path.name} is already encrypted")
    _sweep_encrypting(path)
    keys = CaseKeys.generate()
    recovery = new_recovery_key()
    session = CaseSession.open(path)  # the lock, a rolled-back journal, an upgrade
    try:
        case_uuid = session.project.case_uuid or ""
        not_protected = [(rec.id or 0, rec.display_title, session.media_path(rec.id or 0))
                         for rec in session.recordings()]
        wrapped = make_key_file(keys, passphrase, recovery, case_uuid, kdf=kdf)
        tmp = _encrypting_name(path)
        encrypt_file(path, tmp, keys.database_key)
        try:
            write_key_file(key_path_for(path), wrapped, replace=True)
            os.replace(tmp, path)
            fsync_folder(path.parent)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        session.close()
    report = ConversionReport(path, recovery, not_protected=not_protected)
    cache = cache_path_for(path)
    if cache.exists():
        shutil.rmtree(cache)
        report.removed.append(cache)
    return report


def _sweep_encrypting(path: Path) -> None:
    """Remove the temporary encrypted copy and key file of an interrupted conversion (only
    those whose process is gone; the same sweep runs whenever a case is opened)."""
    from vigstudio.safe_write import sweep_leftovers

    sweep_leftovers(path.parent)



# --- deleting ----------------------------------------------------------------------------------

def _plain_copies(path: Path) -> list[Path]:
    """A plain case's recordings copied into its ``media/`` folder (opened read-only)."""
    media = path.resolve().parent / "media"
    with CaseSession.open(path, read_only=True) as session:
        files = [session.media_path(rec.id or 0).resolve() for rec in session.recordings()]
    return [f for f in files if f.parent == media or media in f.parents]


def delete_case(path: Path | str) -> list[Path]:
    """Delete the case at ``path`` for good and return what was removed, in order.

    The key file is destroyed first (overwritten, flushed, unlinked): from that moment the
    encrypted project, its journal, backups and the encrypted media and caches are unreadable,
    whatever happens next. Then a plain case's recordings copied into ``media/``, the project
    file, its journal (and journals set aside), its pre-upgrade backups,
    ``NAME.vigproj.media/``, ``NAME.vigproj.cache/`` and the lock file.
    Refused while the case is open in another window. Referenced recordings elsewhere and
    chosen exports are not touched.
    """
    path = Path(path)
    pending = pending_key_files(path)
    if not path.exists() and not key_path_for(path).exists() and not pending:
        raise ProjectError(f"there is no case project at {path}")
    copied = [] if is_encrypted(path) or not path.exists() else _plain_copies(path)
    lock = ProjectLock(path) if path.exists() else None
    removed: list[Path] = []
    try:
        if destroy_key_file(key_path_for(path)):
            removed.append(key_path_for(path))
        removed += [p for p in pending if destroy_key_file(p)]  # a creation killed early
        folder = path.parent
        files = [path, journal.journal_path_for(path),
                 *sorted(folder.glob(f"{path.name}-journal.*")),
                 *sorted(folder.glob(f"{path.stem}.v*-backup*{path.suffix}"))]
        for file in [*copied, *files]:
            if file.exists():
                file.unlink()
                removed.append(file)
        for tree in (media_folder_for(path), cache_path_for(path)):
            if tree.exists():
                shutil.rmtree(tree)
                removed.append(tree)
    finally:
        if lock is not None:
            lock.release()
    lock_file = lock_path_for(path)
    if lock_file.exists():
        lock_file.unlink()
        removed.append(lock_file)
    fsync_folder(path.parent)
    return removed
