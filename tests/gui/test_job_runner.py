"""The Qt job runner (gui/jobs.py): work on a worker thread, every callback on the main one."""

from __future__ import annotations

import threading
import time

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.jobs import JobContext, JobService, JobState
from vigstudio.errors import MediaError
from vigstudio.gui.jobs import JobRunner


def test_progress_pieces_and_result_arrive_on_the_main_thread(qtbot: QtBot) -> None:
    owner = QWidget()
    qtbot.addWidget(owner)
    runner = JobRunner(owner, service=JobService())
    main = threading.current_thread()
    calls: list[tuple[str, object, bool]] = []
    worker: list[threading.Thread] = []

    def work(ctx: JobContext) -> str:
        worker.append(threading.current_thread())
        ctx.progress(0.5, "half")
        ctx.partial("piece")
        return "done"

    def note(kind: str) -> object:
        return lambda *args: calls.append((kind, args, threading.current_thread() is main))

    job = runner.run(work, name="work", on_success=note("success"),
                     on_progress=note("progress"), on_partial=note("partial"))
    qtbot.waitUntil(lambda: any(c[0] == "success" for c in calls), timeout=10_000)
    assert worker and worker[0] is not main
    (kind, (fraction, what, left), on_main), *rest = calls
    assert (kind, fraction, what, on_main) == ("progress", 0.5, "half", True)
    assert isinstance(left, float) and left >= 0  # estimated from the time so far
    assert rest == [("partial", ("piece",), True), ("success", ("done",), True)]
    assert job.state is JobState.DONE and runner.running() == []


def test_a_vig_error_goes_to_on_failure(qtbot: QtBot) -> None:
    runner = JobRunner(service=JobService())
    failures: list[str] = []

    def fail(_ctx: JobContext) -> None:
        raise MediaError("The recording is damaged.")

    runner.run(fail, name="fail", on_failure=lambda e: failures.append(str(e)),
               on_success=lambda _v: failures.append("success?"))
    qtbot.waitUntil(lambda: bool(failures), timeout=10_000)
    assert failures == ["The recording is damaged."]


def test_a_bug_in_a_job_is_raised_on_the_main_thread(qtbot: QtBot) -> None:
    runner = JobRunner(service=JobService())
    with qtbot.captureExceptions() as raised:
        job = runner.run(lambda _ctx: 1 // 0, name="bug",
                         on_failure=lambda _e: None)  # only VigErrors go there
        qtbot.waitUntil(lambda: job.finished and not runner.running(), timeout=10_000)
    assert [type(e[1]) for e in raised] == [ZeroDivisionError]


def test_cancel_reaches_on_cancelled(qtbot: QtBot) -> None:
    runner = JobRunner(service=JobService())
    outcome: list[str] = []

    def spin(ctx: JobContext) -> None:
        while not ctx.cancelled():
            time.sleep(0.005)

    job = runner.run(spin, name="spin", on_cancelled=lambda: outcome.append("cancelled"),
                     on_success=lambda _v: outcome.append("success"))
    job.cancel()
    qtbot.waitUntil(lambda: bool(outcome), timeout=10_000)
    assert outcome == ["cancelled"]


def test_stop_waits_and_drops_the_callbacks(qtbot: QtBot) -> None:
    runner = JobRunner(service=JobService())
    outcome: list[str] = []

    def spin(ctx: JobContext) -> None:
        while not ctx.cancelled():
            time.sleep(0.005)

    job = runner.run(spin, name="spin", on_cancelled=lambda: outcome.append("cancelled"))
    runner.stop(job)
    assert job.finished and job.state is JobState.CANCELLED
    qtbot.wait(50)
    assert outcome == [] and runner.running() == []


def test_deleting_the_owner_stops_its_jobs(qtbot: QtBot) -> None:
    owner = QWidget()
    runner = JobRunner(owner, service=JobService())
    started = threading.Event()
    outcome: list[str] = []

    def spin(ctx: JobContext) -> None:
        started.set()
        while not ctx.cancelled():
            time.sleep(0.005)

    job = runner.run(spin, name="spin", on_cancelled=lambda: outcome.append("late"))
    assert started.wait(10)
    del runner
    owner.deleteLater()
    qtbot.waitUntil(lambda: job.finished, timeout=10_000)
    assert job.state is JobState.CANCELLED
    qtbot.wait(50)
    assert outcome == []  # no callback reached a deleted owner


def test_many_jobs_each_deliver_once(qtbot: QtBot) -> None:
    count = 20
    runner = JobRunner(service=JobService(workers=3))
    results: list[int] = []
    for i in range(count):
        runner.run(lambda _ctx, i=i: i * i, name=f"square {i}", on_success=results.append)
    qtbot.waitUntil(lambda: len(results) == count, timeout=10_000)
    assert sorted(results) == [i * i for i in range(count)]
