"""Single writer per project file: OS advisory locks held by open file descriptors.

Two locks are taken, both released by the operating system when the process ends, however it
ends (no stale locks after a crash):

* a ``flock`` on the project file itself (POSIX). It belongs to the file, not to a name: the
  same file reached through a symlink, a hard link or another spelling of its path is the same
  lock, and deleting the ``.lock`` file changes nothing. (``flock`` locks are separate from the
  POSIX record locks SQLite uses, so they do not disturb SQLite.)
* an exclusive lock on ``<project>.lock`` beside it, which older VIG Studio versions (and
  Windows, where the first lock is not taken) rely on. The lock file is left in place.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import IO

from vigstudio.errors import ProjectLockedError, ReadOnlyProjectError


def lock_path_for(project: Path) -> Path:
    return project.with_name(project.name + ".lock")


class ProjectLock:
    """An exclusive, non-blocking lock on ``<project>.lock``; released by :meth:`release`."""

    def __init__(self, project: Path) -> None:
        self.path = lock_path_for(project)
        self._file: IO[bytes] | None = None
        try:
            handle = open(self.path, "a+b")  # noqa: SIM115 - held open while the lock lives
        except OSError as exc:
            raise ReadOnlyProjectError(
                f"{project.name} is in a folder VIG Studio cannot write to ({exc.strerror}); "
                "open it read-only, or copy the case to a folder of your own.") from exc
        try:
            _lock(handle)
        except OSError as exc:
            handle.close()
            raise ProjectLockedError(
                f"{project.name} is open in another VIG Studio window (or another program "
                "is using it). Close it there first, or open this one read-only.") from exc
        self._file = handle
        self._own: IO[bytes] | None = None
        if sys.platform != "win32":
            try:
                own = open(project, "rb")  # noqa: SIM115 - held open while the lock lives
            except OSError as exc:
                self.release()
                raise ReadOnlyProjectError(
                    f"{project.name} cannot be opened ({exc.strerror}).") from exc
            try:
                _lock(own)
            except OSError as exc:
                own.close()
                self.release()
                raise ProjectLockedError(
                    f"{project.name} is open in another VIG Studio window (perhaps under "
                    "another name or through a link). Close it there first, or open this one "
                    "read-only.") from exc
            self._own = own

    @property
    def held(self) -> bool:
        return self._file is not None

    def file_identity(self) -> tuple[int, int] | None:
        """(device, inode) of the locked project file, None where it is not locked itself."""
        if self._own is None:
            return None
        st = os.fstat(self._own.fileno())
        return st.st_dev, st.st_ino

    def release(self) -> None:
        own, self._own = getattr(self, "_own", None), None
        if own is not None:
            _unlock(own)
            own.close()
        if self._file is not None:
            _unlock(self._file)
            self._file.close()
            self._file = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[bytes]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[bytes]) -> None:
        handle.seek(0)
        with contextlib.suppress(OSError):  # already released; the handle closes next
            msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[bytes]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
