"""The Qt-free steps of adding recordings as jobs (app/importing.py): probe, copy, add.

Real generated video, real child-process probes, a real project file; each step runs as a
job of the job service, as the GUI runs it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from vigstudio.app import CaseSession
from vigstudio.app.importing import (
    add_ready,
    check_files,
    discard_copies,
    make_ready,
)
from vigstudio.app.jobs import JobService, JobState
from vigstudio.domain.media import MediaInfo
from vigstudio.testing.synth import make_barcode_video


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_barcode_video(tmp_path_factory.mktemp("films") / "good.mp4", width=160,
                              height=96, frames=12, audio=False)


def test_check_files_names_every_refused_file(good: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    missing = tmp_path / "missing.mp4"
    seen: list[tuple[float, str]] = []
    job = JobService().submit(lambda ctx: check_files(ctx, [empty, good, missing]),
                              name="check", on_progress=lambda f, what, _left:
                              seen.append((f, what)))
    checked = job.result(timeout=60)
    assert [p for p, _info in checked.readable] == [good]
    info = checked.readable[0][1]
    assert isinstance(info, MediaInfo) and info.frame_count == 12
    assert [p for p, _why in checked.refused] == [empty, missing]
    assert all(why for _p, why in checked.refused)
    assert "Checking good.mp4 (2 of 3) …" in [what for _f, what in seen]
    assert seen[-1][0] == 1.0


def test_make_ready_copies_once_and_lists_new_copies(session: CaseSession, good: Path) -> None:
    service = JobService()
    info = service.submit(lambda ctx: check_files(ctx, [good]), name="check").result(60)
    readable = info.readable
    placer = session.media_placer(True)
    into = session.folder / "media"
    made: list[Path] = []
    first = service.submit(lambda ctx: make_ready(ctx, readable, placer, made=made),
                           name="copy").result(60)
    [ready] = first.ready
    assert ready.media == into / "good.mp4" and ready.copied and made == [ready.media]
    again: list[Path] = []
    second = service.submit(lambda ctx: make_ready(ctx, readable, placer, made=again),
                            name="copy").result(60)
    assert second.ready[0].media == ready.media and not second.ready[0].copied  # reused
    assert again == [] and sorted(into.iterdir()) == [ready.media]
    in_place = session.media_placer(False)
    by_reference = service.submit(lambda ctx: make_ready(ctx, readable, in_place),
                                  name="refer").result(60)
    assert by_reference.ready[0].media == good and not by_reference.ready[0].copied


def test_add_ready_is_one_undoable_edit_and_discard_keeps_used_copies(
        session: CaseSession, good: Path) -> None:
    service = JobService()
    readable = service.submit(lambda ctx: check_files(ctx, [good]), name="c").result(60).readable
    made: list[Path] = []
    placer = session.media_placer(True)
    ready = service.submit(lambda ctx: make_ready(ctx, readable, placer, made=made),
                           name="copy").result(60).ready[0]
    rec = add_ready(session, ready)
    assert rec.path == "media/good.mp4" and rec.info == readable[0][1]
    assert session.undo_label == "Import good.mp4"
    discard_copies(made, session)  # the recording refers to it: kept
    assert ready.media.is_file()
    session.undo()
    discard_copies(made, session)  # no longer used: removed
    assert not ready.media.exists()


def test_make_ready_stops_when_cancelled(session: CaseSession, good: Path,
                                        tmp_path: Path) -> None:
    other = make_barcode_video(tmp_path / "other.mp4", width=160, height=96, frames=8,
                               audio=False)
    service = JobService()
    readable = service.submit(lambda ctx: check_files(ctx, [good, other]),
                              name="c").result(60).readable
    made: list[Path] = []
    placer = session.media_placer(True)
    job = service.submit(lambda ctx: make_ready(ctx, readable, placer, made=made), name="copy",
                         start=False)
    # Cancel is pressed while the first file is being copied: it finishes, the next never starts
    job.on_progress.append(lambda _f, what, _left: job.cancel() if "(1 of 2)" in what else None)
    service.start(job)
    assert job.wait(60) and job.state is JobState.CANCELLED
    media = session.folder / "media"
    assert made == [media / "good.mp4"]
    assert sorted(p.name for p in media.iterdir()) == ["good.mp4"]
    discard_copies(made, session)  # what the GUI does with a cancelled batch's copies
    assert list(media.iterdir()) == []
