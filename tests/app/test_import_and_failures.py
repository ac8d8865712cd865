"""Importing real generated media, relinking by fingerprint, and a full disk mid-edit."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from vigstudio.app import CaseSession, RecordingStatus
from vigstudio.domain.media import Recording
from vigstudio.errors import DiskFullError, MediaError, MediaMissingError, NotMediaError
from vigstudio.testing.synth import make_barcode_video


@pytest.fixture(scope="module")
def video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_barcode_video(tmp_path_factory.mktemp("m") / "clip.mp4", frames=30,
                              width=160, height=96)


def test_import_copy_relink(session: CaseSession, video: Path, tmp_path: Path) -> None:
    rec = session.import_recording(video, copy=True, title="Meal")
    assert rec.path == "media/clip.mp4" and rec.info.frame_count == 30
    assert session.recording_status(rec.id or 0) is RecordingStatus.ONLINE
    again = session.import_recording(video, copy=True)  # same content: the copy is reused
    assert again.path == "media/clip.mp4"
    # the file goes missing: offline, not an error
    moved = tmp_path / "elsewhere" / "renamed.mp4"
    moved.parent.mkdir()
    shutil.move(session.media_path(rec.id or 0), moved)
    assert session.is_offline(rec.id or 0)
    relinked = session.relink_recording(rec.id or 0, moved)
    assert relinked.path == "elsewhere/renamed.mp4"
    assert session.recording_status(rec.id or 0) is RecordingStatus.ONLINE
    other = make_barcode_video(tmp_path / "other.mp4", frames=31, width=160, height=96)
    with pytest.raises(MediaError, match="not the same recording"):
        session.relink_recording(rec.id or 0, other)
    session.undo()  # relink undone
    assert session.recording(rec.id or 0).path == "media/clip.mp4"


def test_import_errors(session: CaseSession, tmp_path: Path) -> None:
    with pytest.raises(MediaMissingError):
        session.import_recording(tmp_path / "nope.mp4")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n" * 100)
    with pytest.raises(NotMediaError):
        session.import_recording(text)
    assert session.recordings() == [] and not session.can_undo


def test_disk_full_mid_edit_loses_nothing(session: CaseSession, rec: Recording) -> None:
    rid = rec.id or 0
    kept = session.add_moment(rid, 1, "attentive")
    project = session.project
    project.pragma(f"max_page_count={project.pragma('page_count')}")
    with pytest.raises(DiskFullError):
        for i in range(500):  # fill the last free pages, then one more edit fails
            session.add_moment(rid, i % 250, "receiving", note="x" * 500)
    count = len(session.moments())
    label = session.undo_label
    # the failed edit changed nothing, in memory or on disk
    assert session.moments() == project_moments(session)
    assert session.moment(kept.id or 0) == kept
    project.pragma("max_page_count=1000000")
    session.undo()
    assert len(session.moments()) == count - 1 and label is not None


def project_moments(session: CaseSession) -> list[object]:
    from vigstudio.storage import EntityKind

    return sorted(session.project.all(EntityKind.MOMENT),
                  key=lambda m: (m.recording_id, m.frame, m.id))  # type: ignore[union-attr]
