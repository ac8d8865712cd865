"""The one Qt runner for long tasks: jobs on :class:`vigstudio.app.jobs.JobService`, their
results delivered on the main thread.

Modelled on Anki's ``CollectionOp`` / ``taskman.run_on_main``: the work runs on a worker
thread of the Qt-free job service; progress, partial results and the outcome come back
through a queued Qt signal, so every callback runs on the GUI thread and may touch widgets
and the session::

    job = runner.run(lambda ctx: search_folder(recs, folder, cancelled=ctx.cancelled),
                     name="relink search", on_success=self._searched)

A failure that is a :class:`~vigstudio.errors.VigError` goes to ``on_failure`` (a message
for the practitioner); anything else is a bug and is raised again on the main thread, where
Qt's excepthook reports it. ``runner.stop(job)`` cancels and waits; a runner that is
deleted stops its jobs first, so no callback reaches a deleted widget.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from vigstudio.app.jobs import Job, JobContext, JobService, JobState
from vigstudio.errors import VigError

__all__ = ["JobRunner", "shared_service"]

T = TypeVar("T")
_service: JobService | None = None


def shared_service() -> JobService:
    """The application's job service (one per process)."""
    global _service  # noqa: PLW0603 - one service for the process
    if _service is None:
        _service = JobService(workers=4)
    return _service


@dataclass
class _Handlers:
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[VigError], None] | None
    on_cancelled: Callable[[], None] | None
    on_progress: Callable[[float, str, float | None], None] | None
    on_partial: Callable[[Any], None] | None


class JobRunner(QObject):
    """Runs jobs for one owner (a dialog, a view); callbacks arrive on the main thread."""

    _progress = Signal(int, float, str, object)  # job id, fraction, what, seconds left
    _partial = Signal(int, object)
    _finished = Signal(object)

    def __init__(self, parent: QObject | None = None, *,
                 service: JobService | None = None) -> None:
        super().__init__(parent)
        self.service = service or shared_service()
        self._handlers: dict[int, _Handlers] = {}
        self._jobs: dict[int, Job[Any]] = {}
        # shared with the worker threads; cleared (under the lock) when the runner goes
        self._alive = [True]
        self._lock = threading.Lock()
        self._progress.connect(self._deliver_progress)
        self._partial.connect(self._deliver_partial)
        self._finished.connect(self._deliver_finished)
        self.destroyed.connect(_stopper(self._alive, self._lock, self._jobs))

    def run(self, function: Callable[[JobContext], T], *, name: str,
            on_success: Callable[[T], None] | None = None,
            on_failure: Callable[[VigError], None] | None = None,
            on_cancelled: Callable[[], None] | None = None,
            on_progress: Callable[[float, str, float | None], None] | None = None,
            on_partial: Callable[[Any], None] | None = None) -> Job[T]:
        """Submit ``function(ctx)``; the callbacks run on the main thread."""
        job = self.service.submit(function, name=name, start=False)
        alive, lock = self._alive, self._lock
        progress, partial, finished = self._progress, self._partial, self._finished

        def emit(signal: Any, *args: object) -> None:
            with lock:  # never emit on a runner being deleted
                if alive[0]:
                    signal.emit(*args)

        job.on_progress.append(lambda f, what, left: emit(progress, job.id, f, what, left))
        job.on_partial.append(lambda value: emit(partial, job.id, value))
        job.on_finished.append(lambda j: emit(finished, j))
        self._handlers[job.id] = _Handlers(on_success, on_failure, on_cancelled, on_progress,
                                           on_partial)
        self._jobs[job.id] = job
        self.service.start(job)
        return job

    def running(self) -> list[Job[Any]]:
        """This runner's jobs whose outcome has not been delivered yet."""
        return list(self._jobs.values())

    def stop(self, job: Job[Any] | None, *, timeout: float = 60.0) -> None:
        """Cancel ``job`` and wait for it; its callbacks are dropped."""
        if job is None:
            return
        self._handlers.pop(job.id, None)
        job.cancel()
        job.wait(timeout)
        self._jobs.pop(job.id, None)

    def stop_all(self) -> None:
        for job in list(self._jobs.values()):
            self.stop(job)

    # --- on the main thread -------------------------------------------------------------

    def _deliver_progress(self, job_id: int, fraction: float, what: str, left: object) -> None:
        handlers = self._handlers.get(job_id)
        if handlers and handlers.on_progress:
            handlers.on_progress(fraction, what, left if isinstance(left, float | int) else None)

    def _deliver_partial(self, job_id: int, value: object) -> None:
        handlers = self._handlers.get(job_id)
        if handlers and handlers.on_partial:
            handlers.on_partial(value)

    def _deliver_finished(self, job: Job[Any]) -> None:
        self._jobs.pop(job.id, None)
        handlers = self._handlers.pop(job.id, None)
        if handlers is None:
            return  # stopped by its owner
        if job.state is JobState.CANCELLED:
            if handlers.on_cancelled:
                handlers.on_cancelled()
        elif job.state is JobState.FAILED:
            error = job.error
            if isinstance(error, VigError) and handlers.on_failure:
                handlers.on_failure(error)
            elif error is not None:
                raise error
        elif handlers.on_success:
            handlers.on_success(job.result())


def _stopper(alive: list[bool], lock: threading.Lock,
             jobs: dict[int, Job[Any]]) -> Callable[..., None]:
    """When the runner is deleted: no more signals, then cancel its jobs and wait."""
    def stop(*_: object) -> None:
        with lock:
            alive[0] = False
        for job in list(jobs.values()):
            job.cancel()
            job.wait(60.0)
    return stop
