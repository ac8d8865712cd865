"""The job service: long tasks off the caller's thread, with progress, cancel, result, errors.

Qt-free. A job is a callable that takes a :class:`JobContext` and returns a result::

    service = JobService()
    job = service.submit(lambda ctx: search_folder(recs, folder, cancelled=ctx.cancelled),
                         name="relink search")
    job.cancel()            # asks the job to stop (it checks ctx.cancelled())
    job.result(timeout=5)   # the value, or the job's error raised here, or JobCancelled

While it runs, a job reports ``ctx.progress(fraction, what)`` (listeners also get the
seconds left: the job's own estimate, else one from the time so far) and may hand over pieces of
its result as they are made (``ctx.partial(value)``: the timeline's thumbnails). Listeners
(``on_progress``, ``on_partial``, ``on_finished``) are called **on the job's thread**; the
GUI's :class:`vigstudio.gui.jobs.JobRunner` re-posts them to the main thread.

Jobs must not touch a :class:`~vigstudio.app.session.CaseSession` (it is single-threaded):
read what the job needs from the session first, on the caller's thread, as the export plan
and the relink search do. Child processes are started with :func:`start_child` (they die
with the app; see :mod:`vigstudio.children`).
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

from vigstudio.children import dies_with_parent, popen_child
from vigstudio.errors import VigError

__all__ = ["Job", "JobCancelled", "JobContext", "JobService", "JobState", "dies_with_parent",
           "start_child"]

T = TypeVar("T")
ProgressListener = Callable[[float, str, float | None], None]
"""``(fraction done, what is being done, seconds left or None)``."""
start_child = popen_child


class JobCancelled(VigError):
    """The job was cancelled before it finished."""


class JobState(StrEnum):
    WAITING = "waiting"  # for a free worker
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(eq=False)
class JobContext:
    """What a running job sees: its cancel flag and where to report progress."""

    job: Job[Any]

    @property
    def cancel_event(self) -> threading.Event:
        """The cancel flag, for APIs that take a ``threading.Event`` (the reel export)."""
        return self.job.cancel_event

    def cancelled(self) -> bool:
        return self.job.cancel_event.is_set()

    def progress(self, fraction: float, what: str = "", seconds_left: float | None = None,
                 ) -> None:
        """Report ``fraction`` (0–1) done; without ``seconds_left`` it is estimated from the
        time the job has run (once 2 % is done)."""
        if seconds_left is None and fraction >= 0.02:
            elapsed = time.monotonic() - self.job.started_at
            seconds_left = elapsed * (1 - fraction) / fraction
        for listener in self.job.on_progress:
            listener(fraction, what, seconds_left)

    def partial(self, value: object) -> None:
        """Hand over a piece of the result now (e.g. one thumbnail)."""
        for listener in self.job.on_partial:
            listener(value)


@dataclass(eq=False)
class Job(Generic[T]):
    """One submitted task. Thread-safe to query, cancel and wait on."""

    name: str
    function: Callable[[JobContext], T]
    id: int = 0
    on_progress: list[ProgressListener] = field(default_factory=list)
    on_partial: list[Callable[[object], None]] = field(default_factory=list)
    on_finished: list[Callable[[Job[Any]], None]] = field(default_factory=list)
    cancel_event: threading.Event = field(default_factory=threading.Event)
    _finished: threading.Event = field(default_factory=threading.Event)
    _state: JobState = JobState.WAITING
    started_at: float = 0.0  # time.monotonic() when it began to run
    _value: Any = None
    _error: BaseException | None = None

    @property
    def state(self) -> JobState:
        return self._state

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    @property
    def error(self) -> BaseException | None:
        """What the job raised (``None`` while running, on success and when cancelled)."""
        return self._error

    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next check of ``ctx.cancelled()``."""
        self.cancel_event.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait until the job has finished; ``False`` if ``timeout`` passed first."""
        return self._finished.wait(timeout)

    def result(self, timeout: float | None = None) -> T:
        """The job's value; re-raises its error; :class:`JobCancelled` if cancelled."""
        if not self._finished.wait(timeout):
            raise TimeoutError(f"the job {self.name!r} is still running")
        if self._state is JobState.CANCELLED:
            raise JobCancelled(f"{self.name} was cancelled.")
        if self._error is not None:
            raise self._error
        value: T = self._value
        return value

    def _run(self, slots: threading.Semaphore) -> None:
        with slots:
            if self.cancel_event.is_set():
                self._finish(JobState.CANCELLED)
                return
            self.started_at = time.monotonic()
            self._state = JobState.RUNNING
            try:
                self._value = self.function(JobContext(self))
            # not hidden: result() re-raises it in the caller, and the GUI's runner re-raises
            # anything that is not a VigError on the main thread
            except Exception as exc:  # noqa: BLE001
                if self.cancel_event.is_set() and isinstance(exc, VigError):
                    self._finish(JobState.CANCELLED)  # e.g. ExportCancelled
                else:
                    self._error = exc
                    self._finish(JobState.FAILED)
                return
            self._finish(JobState.CANCELLED if self.cancel_event.is_set() else JobState.DONE)

    def _finish(self, state: JobState) -> None:
        self._state = state
        self._finished.set()
        for listener in self.on_finished:
            listener(self)


class JobService:
    """Runs jobs on worker threads, at most ``workers`` at a time (the rest wait)."""

    def __init__(self, workers: int = 2) -> None:
        self._slots = threading.Semaphore(workers)
        self._ids = itertools.count(1)
        self._jobs: set[Job[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, function: Callable[[JobContext], T], *, name: str,
               on_progress: ProgressListener | None = None,
               on_partial: Callable[[object], None] | None = None,
               on_finished: Callable[[Job[Any]], None] | None = None,
               start: bool = True) -> Job[T]:
        """Start ``function(ctx)`` on a worker thread and return its :class:`Job`.

        With ``start=False`` the job waits for :meth:`start` (add listeners first)."""
        job: Job[T] = Job(name, function, next(self._ids))
        job.on_progress.extend([on_progress] if on_progress else [])
        job.on_partial.extend([on_partial] if on_partial else [])
        job.on_finished.append(self._forget)
        job.on_finished.extend([on_finished] if on_finished else [])
        if start:
            self.start(job)
        return job

    def start(self, job: Job[Any]) -> None:
        """Start a job made with ``submit(..., start=False)``."""
        with self._lock:
            self._jobs.add(job)
        threading.Thread(target=job._run, args=(self._slots,),
                         name=f"job-{job.id} {job.name}", daemon=True).start()

    def _forget(self, job: Job[Any]) -> None:
        with self._lock:
            self._jobs.discard(job)

    @property
    def running(self) -> list[Job[Any]]:
        """Jobs submitted and not finished."""
        with self._lock:
            return sorted(self._jobs, key=lambda j: j.id)

    def shutdown(self, *, timeout: float | None = 30.0) -> bool:
        """Cancel every job and wait for them; ``False`` if one did not stop in time."""
        jobs = self.running
        for job in jobs:
            job.cancel()
        return all(job.wait(timeout) for job in jobs)
