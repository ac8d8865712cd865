"""The one place that starts child processes, so that they die with their parent.

Risky media work (probing, decoding for export, stills) runs in a child process: a crash in
FFmpeg kills the child, not the app. A child must not outlive the app either: when the app
is killed (or crashes) its children would go on decoding an hour of video for nobody.

- **Linux**: the child asks the kernel, between ``fork`` and ``exec``, for ``SIGKILL`` when
  its parent dies (``prctl(PR_SET_PDEATHSIG)`` through ctypes in ``preexec_fn``). The signal
  follows the *thread* that started the child, so start children from a thread that lives
  as long as the work (the job service's worker threads do; a child started from a job is
  killed when that job's thread ends, which is what a job wants).
- **Elsewhere** (macOS, Windows; no such call): every child still running when the app exits
  normally is killed by an ``atexit`` handler, and each owner stops its child on cancel and
  on timeout. A hard kill of the app there leaves the child to finish its current work and
  exit when it finds its pipe closed.

Standard library only, and below every layer (like :mod:`vigstudio.errors`), so media can
use it; the application layer offers it as :func:`vigstudio.app.jobs.start_child`.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import threading
import weakref
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["WORKER_FLAG", "WORKER_NAMES", "dies_with_parent", "is_frozen", "popen_child",
           "worker_command"]

WORKER_FLAG = "--worker"
#: The workers ``vigstudio --worker NAME`` runs (``vigstudio.workers.WORKERS`` has them).
WORKER_NAMES = ("probe", "export", "self-check")


def is_frozen() -> bool:
    """True inside a bundled application (PyInstaller sets ``sys.frozen``)."""
    return bool(getattr(sys, "frozen", False))


def worker_command(name: str, *args: str) -> list[str]:
    """The command line that starts worker ``name`` with ``args`` in a child process: the
    bundle's own executable when frozen (it has no ``python -m``), else this Python."""
    if name not in WORKER_NAMES:
        raise ValueError(f"unknown worker {name!r}; known: {', '.join(sorted(WORKER_NAMES))}")
    if is_frozen():
        return [sys.executable, WORKER_FLAG, name, *args]
    return [sys.executable, "-m", "vigstudio", WORKER_FLAG, name, *args]

_PR_SET_PDEATHSIG = 1
_live: weakref.WeakSet[subprocess.Popen[Any]] = weakref.WeakSet()
_live_lock = threading.Lock()


def _prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    function: Callable[..., int] = libc.prctl
    return function


_PRCTL = _prctl()  # looked up once, in the parent: the child only calls it


def dies_with_parent() -> bool:
    """Whether children are killed by the kernel when the app dies (Linux)."""
    return _PRCTL is not None


def _preexec(parent: int) -> Callable[[], None]:
    prctl = _PRCTL
    assert prctl is not None

    def in_child() -> None:  # between fork and exec: as little as possible
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call took effect
            os._exit(1)
    return in_child


def popen_child(args: Sequence[str], **kwargs: Any) -> subprocess.Popen[Any]:
    """``subprocess.Popen(args, **kwargs)`` for a child that dies with this process."""
    if _PRCTL is not None and "preexec_fn" not in kwargs:
        kwargs["preexec_fn"] = _preexec(os.getpid())
    proc: subprocess.Popen[Any] = subprocess.Popen(list(args), **kwargs)
    with _live_lock:
        _live.add(proc)
    return proc


@atexit.register
def _kill_live_children() -> None:
    with _live_lock:
        children = list(_live)
    for proc in children:
        if proc.poll() is None:
            proc.kill()
