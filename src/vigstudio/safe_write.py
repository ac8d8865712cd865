"""Writing a file so that it is either complete under its final name or not there at all.

Used by every export (reel, stills, sheet, subtitles) and by the project's own copies. Qt-free
and standard-library only, so the media layer and the export worker can use it.

* :func:`atomic_target` hands out a hidden temporary name in the target's folder (same disk,
  so the final rename is atomic), checks the finished file, flushes it to the disk, and only
  then renames it over the target. On any failure the temporary file is removed and the old
  target is left as it was; a full disk becomes a plain sentence.
* Temporary names carry the writing process's id (``.NAME.vigtmp-PID-TOKEN.part``), so a file
  left by a killed process is recognised and removed at the next start
  (:func:`sweep_leftovers`).
* :func:`die_with_parent` makes a worker process die with the app (Linux), so no export goes
  on writing after the app was killed.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from vigstudio.errors import ExportError

__all__ = ["atomic_target", "check_pdf", "die_with_parent", "disk_full_message",
           "is_leftover", "sweep_leftovers", "temp_name", "writer_gone"]

PARENT_ENV = "VIGSTUDIO_PARENT_PID"

_LEFTOVER = re.compile(
    r"^\..+\.(?:vigtmp-(?P<pid>\d+)-[0-9a-f]+\.part"
    r"|(?:creating|copying|recovering|encrypting|writing)-(?P<pid2>\d+))$")


def temp_name(out: Path) -> Path:
    """A fresh hidden temporary name beside ``out``, marked with this process's id."""
    name = out.name[:180]  # leave room for the suffix under the 255-byte name limit
    return out.parent / f".{name}.vigtmp-{os.getpid()}-{secrets.token_hex(4)}.part"


def disk_full_message(folder: Path, what: str) -> str:
    return (f"The disk holding {folder} is full, so {what} could not be saved. Nothing was "
            "changed (an older file of that name is kept); free some space, or choose another "
            "drive, and export again.")


def fsync_folder(folder: Path) -> None:
    """Flush ``folder``'s entries (a rename or unlink in it) to the disk, where the system
    allows it."""
    if os.name == "nt":  # pragma: no cover - directories cannot be opened there
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def finish(tmp: Path, out: Path, *, overwrite: bool, what: str,
           check: Callable[[Path], None] | None = None) -> None:
    """Check ``tmp``, flush it to the disk and rename it to ``out``; on failure remove it and
    raise :class:`ExportError` (the old ``out`` stays)."""
    try:
        if check is not None:
            check(tmp)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        if not overwrite and out.exists():
            raise ExportError(f"{out} appeared while exporting; it was left untouched.")
        os.replace(tmp, out)
        fsync_folder(out.parent)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ExportError(disk_full_message(out.parent, what)) from exc
        raise ExportError(f"Could not write {out}: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


@contextlib.contextmanager
def atomic_target(out: Path, *, overwrite: bool, what: str,
                  check: Callable[[Path], None] | None = None) -> Iterator[Path]:
    """``with atomic_target(out, ...) as tmp:`` write ``tmp``; on leaving the block it is
    checked, flushed and renamed to ``out``. Any error leaves ``out`` as it was."""
    tmp = temp_name(out)
    try:
        try:
            yield tmp
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise ExportError(disk_full_message(out.parent, what)) from exc
            raise
        finish(tmp, out, overwrite=overwrite, what=what, check=check)
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def check_pdf(path: Path) -> None:
    """A PDF that ends properly (a full disk cuts it short without an error from Qt)."""
    size = path.stat().st_size
    with open(path, "rb") as f:
        head = f.read(8)
        f.seek(max(0, size - 1024))
        tail = f.read()
    if not head.startswith(b"%PDF-") or b"%%EOF" not in tail:
        raise ExportError(f"The PDF could not be written completely (is the disk holding "
                          f"{path.parent} full?). Nothing was changed.")


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:  # pragma: no cover - e.g. Windows without that process
        return False
    try:  # a zombie (killed, not yet reaped by whoever adopted it) writes nothing more
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _started_after(pid: int, moment: float) -> bool:
    """Whether process ``pid`` started after ``moment`` (a time stamp): then it is not the
    process that wrote a file last changed at ``moment``, only one that got its number later.
    Linux only (``/proc``); elsewhere False."""
    try:
        stat_fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        boot = next(float(line.split()[1]) for line in
                    Path("/proc/stat").read_text().splitlines() if line.startswith("btime"))
        started = boot + int(stat_fields[19]) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return False
    return started > moment + 1.0


def is_leftover(path: Path) -> bool:
    """A temporary file of ours whose writing process is gone (its process id is free, or now
    belongs to a process that started after the file was last written)."""
    match = _LEFTOVER.match(path.name)
    if match is None:
        return False
    return writer_gone(int(match.group("pid") or match.group("pid2")), path)


def writer_gone(pid: int, path: Path) -> bool:
    """Is the process ``pid`` that wrote ``path`` gone (its id free, or taken by a process
    that started after the file was last written)?"""
    if not _pid_alive(pid):
        return True
    try:
        written = path.stat().st_mtime
    except OSError:
        return False
    return _started_after(pid, written)


def sweep_leftovers(*folders: Path) -> list[Path]:
    """Remove the unfinished temporary files that killed processes left in ``folders`` (not
    recursive); returns what was removed. Files of running processes are left alone."""
    removed: list[Path] = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            path = Path(entry.path)
            if entry.is_file(follow_symlinks=False) and is_leftover(path):
                with contextlib.suppress(OSError):
                    path.unlink()
                    removed.append(path)
    return removed


def die_with_parent() -> None:
    """In a worker process: be killed when the app that started it dies (Linux ``prctl``).

    The app passes its process id in ``VIGSTUDIO_PARENT_PID``; if the app is already gone by
    the time this runs, exit at once.
    """
    expected = os.environ.get(PARENT_ENV)
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            pr_set_pdeathsig = 1
            libc.prctl(pr_set_pdeathsig, int(signal.SIGKILL), 0, 0, 0)
    if expected and expected.isdigit() and os.getppid() != int(expected):
        os._exit(3)  # the app died before we could tie ourselves to it


def child_env(env: dict[str, str]) -> dict[str, str]:
    """``env`` plus this process's id for :func:`die_with_parent`."""
    return {**env, PARENT_ENV: str(os.getpid())}
