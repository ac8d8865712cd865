"""The Qt-free job service (app/jobs.py) and child processes that die with their parent."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from vigstudio.app.jobs import JobCancelled, JobContext, JobService, JobState, start_child
from vigstudio.children import dies_with_parent
from vigstudio.errors import MediaError

SRC = Path(__file__).resolve().parents[2] / "src"


def test_a_job_reports_progress_and_pieces_then_its_result() -> None:
    seen: list[object] = []

    def work(ctx: JobContext) -> int:
        for i in range(3):
            ctx.progress((i + 1) / 3, "counting")
            ctx.partial(i)
        return 42

    lefts: list[float | None] = []

    def progress(fraction: float, what: str, left: float | None) -> None:
        seen.append((fraction, what))
        lefts.append(left)

    job = JobService().submit(work, name="count", on_progress=progress, on_partial=seen.append)
    assert job.result(timeout=10) == 42
    assert job.state is JobState.DONE and job.error is None
    assert seen == [(1 / 3, "counting"), 0, (2 / 3, "counting"), 1, (1.0, "counting"), 2]
    # the seconds left are estimated from the time so far: none left at the end
    assert all(left is not None and left >= 0 for left in lefts) and lefts[-1] == 0
    assert job.function is work


def test_a_job_may_give_its_own_estimate_of_the_time_left() -> None:
    lefts: list[float | None] = []
    job = JobService().submit(lambda ctx: ctx.progress(0.5, "exporting", 12.0), name="export",
                              on_progress=lambda _f, _w, left: lefts.append(left))
    job.result(timeout=10)
    assert lefts == [12.0]


def test_the_error_of_a_job_is_raised_by_result() -> None:
    def fail(_ctx: JobContext) -> None:
        raise MediaError("The file cannot be read.")

    job = JobService().submit(fail, name="fail")
    with pytest.raises(MediaError, match="cannot be read"):
        job.result(timeout=10)
    assert job.state is JobState.FAILED and isinstance(job.error, MediaError)


def test_a_bug_in_a_job_is_not_swallowed() -> None:
    job = JobService().submit(lambda _ctx: 1 // 0, name="bug")
    with pytest.raises(ZeroDivisionError):
        job.result(timeout=10)
    assert job.state is JobState.FAILED


def test_cancel_stops_a_running_job() -> None:
    started = threading.Event()

    def spin(ctx: JobContext) -> str:
        started.set()
        while not ctx.cancelled():
            time.sleep(0.005)
        return "stopped early"

    job = JobService().submit(spin, name="spin")
    assert started.wait(10)
    assert job.state is JobState.RUNNING
    job.cancel()
    assert job.wait(10)
    assert job.state is JobState.CANCELLED
    with pytest.raises(JobCancelled):
        job.result()


def test_jobs_wait_for_a_free_worker_and_a_waiting_job_can_be_cancelled() -> None:
    service = JobService(workers=1)
    release = threading.Event()
    ran: list[str] = []

    def first(_ctx: JobContext) -> None:
        ran.append("first")
        release.wait(10)

    one = service.submit(first, name="first")
    two = service.submit(lambda _ctx: ran.append("second"), name="second")
    three = service.submit(lambda _ctx: ran.append("third"), name="third")
    time.sleep(0.1)
    assert two.state is JobState.WAITING and three.state is JobState.WAITING
    three.cancel()
    assert [j.name for j in service.running] == ["first", "second", "third"]
    release.set()
    for job in (one, two, three):
        assert job.wait(10)
    assert three.state is JobState.CANCELLED
    assert sorted(ran) == ["first", "second"]  # the cancelled one never ran
    assert service.running == []


def test_shutdown_cancels_every_job() -> None:
    service = JobService()

    def spin(ctx: JobContext) -> None:
        while not ctx.cancelled():
            time.sleep(0.005)

    jobs = [service.submit(spin, name=f"spin {i}") for i in range(3)]
    assert service.shutdown(timeout=10)
    assert all(job.state is JobState.CANCELLED for job in jobs)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (dead, not yet reaped by init) counts as gone
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


_PARENT = """
import subprocess, sys, time
{start}
child = start([sys.executable, "-c", "import time; time.sleep(60)"])
print(child.pid, flush=True)
time.sleep(60)
"""


def _orphan_after_parent_killed(start_code: str) -> int:
    """Start a parent that starts a child, SIGKILL the parent; the child's pid."""
    parent = subprocess.Popen([sys.executable, "-c", _PARENT.format(start=start_code)],
                              stdout=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=str(SRC)))
    assert parent.stdout is not None
    child = int(parent.stdout.readline())
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.wait(10)
    return child


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_child_started_through_the_service_dies_with_its_parent() -> None:
    assert dies_with_parent()
    child = _orphan_after_parent_killed("from vigstudio.app.jobs import start_child as start")
    deadline = time.monotonic() + 10
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not _alive(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux")
def test_a_plain_popen_child_outlives_its_parent() -> None:
    """What the service prevents: the same child started with subprocess.Popen lives on."""
    child = _orphan_after_parent_killed(textwrap.dedent("""
        def start(args):
            return subprocess.Popen(args)
    """))
    try:
        time.sleep(0.5)
        assert _alive(child)
    finally:
        os.kill(child, signal.SIGKILL)


def test_start_child_runs_a_program_like_popen() -> None:
    proc = start_child([sys.executable, "-c", "print('hello')"], stdout=subprocess.PIPE,
                       text=True)
    out, _ = proc.communicate(timeout=30)
    assert out == "hello\n" and proc.returncode == 0
