"""Single writer per project file: an OS advisory lock on a lock file beside the project.

The lock is held by an open file descriptor, so the operating system releases it when the
process ends, however it ends: there are no stale locks after a crash. The lock file itself is
left in place (deleting it would let two processes lock two different files of the same name).
"""

from __future__ import annotations

import contextlib
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

    @property
    def held(self) -> bool:
        return self._file is not None

    def release(self) -> None:
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
