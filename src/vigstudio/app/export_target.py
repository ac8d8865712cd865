"""Where an export (or a copy of the case) may be written: never over what the case owns.

An export target is refused when it is, by file identity (the same file reached through any
name: a symlink, a hard link, ``..`` in the path, another spelling) or by name:

* the project file, its ``-journal``, its ``.lock``, its key file (an encrypted case) or a
  journal set aside beside it;
* a recording of the case (its media file), or anything in the case's ``media/`` folder (or
  an encrypted case's ``NAME.vigproj.media/`` and ``NAME.vigproj.cache/``);
* the pre-upgrade backups of the project (``NAME.vN-backup*.vigproj``);
* any VIG Studio case project at all (another family's case), or any SQLite database;
* for a reel, the same holds for the captions file written beside it (``.srt``).

Export folders (``exports/`` beside the project, or anywhere the user chooses) are fine. See
docs/THREAT_MODEL.md (T1).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from vigstudio.app.session_core import SessionCore
from vigstudio.crypto.keys import key_path_for, pending_key_files
from vigstudio.errors import UnsafeTargetError
from vigstudio.storage.cipher import ERRORS, connect, looks_encrypted

__all__ = ["check_copy_target", "check_export_target", "check_stills_folder", "owned_paths"]

_SQLITE_MAGIC = b"SQLite format 3\x00"


def owned_paths(session: SessionCore) -> list[tuple[Path, str]]:
    """(path, what it is) for every file the open case owns."""
    project = session.path
    owned: list[tuple[Path, str]] = [
        (project, "the case project file itself"),
        (project.with_name(project.name + "-journal"), "the case project's journal"),
        (project.with_name(project.name + ".lock"), "the case project's lock file"),
        (key_path_for(project), "the case's key file"),
    ]
    folder = project.parent
    for pattern, what in ((f"{project.name}-journal.*", "a journal kept beside the case"),
                          (f"{project.stem}.v*-backup*{project.suffix}",
                           "a backup of the case project")):
        owned += [(p, what) for p in folder.glob(pattern)]
    for rec in session.recordings():
        owned.append((session.media_path(rec.id or 0),
                      f"the recording {rec.display_title!r} of this case"))
    return owned


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)  # follows symlinks: the file the name leads to
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _real(path: Path) -> Path:
    return Path(os.path.realpath(os.path.abspath(path)))


def _is_database(path: Path) -> bool:
    """A SQLite file, or an encrypted case project (no readable header, a key file
    beside it)."""
    try:
        with open(path, "rb") as f:
            if f.read(16) == _SQLITE_MAGIC:
                return True
    except OSError:
        return False
    return looks_encrypted(path) and (key_path_for(path).exists()
                                      or bool(pending_key_files(path)))  # (named at unlock)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def check_export_target(session: SessionCore, target: Path | str, *,
                        extra: Iterable[Path] = ()) -> None:
    """Raise :class:`UnsafeTargetError` if writing ``target`` (or one of ``extra``, e.g. the
    captions beside a reel) could replace anything the case owns or another case."""
    for path in (Path(target), *extra):
        _check_one(session, path)


def check_copy_target(session: SessionCore, target: Path | str) -> None:
    """For File ▸ Save a copy: never over what the case owns, nor over another family's case
    (an older copy of this same case may be replaced)."""
    target = Path(target)
    _check_owned(session, target)
    if target.is_file() and _is_database(target):
        other = _case_name(target, session.project.database_key)
        if other != session.case().name:
            raise UnsafeTargetError(
                f"{target} is another case project ({other or 'not readable'}); a copy is "
                "never saved over it. Choose another name.")


def _case_name(path: Path, key: bytes | None = None) -> str | None:
    """The case name in the project file ``path`` (read-only); an encrypted file is read
    with this case's own key (another case's encrypted file does not open: None)."""
    try:
        conn = connect(_real(path), key=key, read_only=True)
    except ERRORS:
        return None
    try:
        row = conn.execute("SELECT name FROM case_info WHERE id = 1").fetchone()
        return None if row is None else str(row[0])
    except ERRORS:
        return None
    finally:
        conn.close()


def _case_folders(session: SessionCore) -> list[Path]:
    """``media/``, and an encrypted case's ``NAME.vigproj.media/`` and ``.cache/``."""
    project = session.path
    return [session.folder / "media", project.with_name(project.name + ".media"),
            project.with_name(project.name + ".cache")]


def _check_owned(session: SessionCore, target: Path) -> None:
    real = _real(target)
    ident = _identity(target)
    for owned, what in owned_paths(session):
        if real == _real(owned) or (ident is not None and ident == _identity(owned)):
            raise UnsafeTargetError(
                f"{target} is {what}; it can never be written over. Choose another name "
                "(for example in the exports folder).")
    if any(_inside(real, _real(f)) for f in _case_folders(session)):
        raise UnsafeTargetError(
            f"{target} is inside the case's media folder, which holds the family's films; "
            "save exports somewhere else (for example in the exports folder).")


def _check_one(session: SessionCore, target: Path) -> None:
    _check_owned(session, target)
    name = target.name.lower()
    if name.endswith((".vigproj", "-journal", ".vigproj.lock")):
        raise UnsafeTargetError(
            f"{target.name} is the name of a case project file; choose another name.")
    if target.is_file() and _is_database(target):
        raise UnsafeTargetError(
            f"{target} is a database (perhaps another case project); an export is never "
            "saved over it. Choose another name.")


def check_stills_folder(session: SessionCore, folder: Path | str, names: Iterable[str]) -> None:
    """The stills' folder and each still's file in it."""
    folder = Path(folder)
    _check_owned(session, folder)
    if folder.exists() and not folder.is_dir():
        raise UnsafeTargetError(f"{folder} is a file, not a folder; the stills need a folder.")
    if any(_inside(_real(folder), _real(f)) for f in _case_folders(session)):
        raise UnsafeTargetError(
            f"{folder} is the case's media folder, which holds the family's films; save the "
            "stills somewhere else.")
    for name in names:
        check_export_target(session, folder / name)
