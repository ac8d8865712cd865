"""Moved media: offline recordings are found again by content and relinked in one step."""

from __future__ import annotations

import shutil
from pathlib import Path

from vigstudio.app import CaseSession, RecordingStatus
from vigstudio.app.relink import needing_relink, relink_found, search_folder, stored_name
from vigstudio.testing import synth


def test_offline_recordings_are_found_by_content_and_relinked_as_one_step(
        moved: tuple[CaseSession, Path, list[int]]) -> None:
    session, usb, ids = moved
    missing = needing_relink(session)
    assert [r.id for r in missing] == ids
    assert all(session.recording_status(i) is RecordingStatus.OFFLINE for i in ids)

    result = search_folder(missing, usb)
    assert result.found == {ids[0]: usb / "films" / "visit-0.mp4",
                            ids[1]: usb / "films" / "deep" / "renamed by the phone.mp4",
                            ids[2]: usb / "films" / "visit-2.mp4"}
    # the file with recording 2's name but other content is refused, with a reason
    [(path, message)] = result.refused[ids[1]]
    assert path == usb / "other" / "visit-1.mp4"
    assert "different content" in message and "not used" in message
    assert result.not_found(missing) == []

    before = [session.recording(i).path for i in ids]
    outcome = relink_found(session, result)
    assert outcome.relinked == ids and outcome.failed == {}
    assert "3 recordings" in outcome.message
    assert needing_relink(session) == []
    assert session.undo_label == "Relink recordings"

    session.undo()  # one step puts all three back
    assert [session.recording(i).path for i in ids] == before
    assert len(needing_relink(session)) == 3
    session.redo()
    assert needing_relink(session) == []

    path = session.path
    session.close()
    with CaseSession.open(path) as again:  # saved as it was made
        assert needing_relink(again) == []
        assert stored_name(again.recording(ids[1])) == "renamed by the phone.mp4"


def test_a_file_with_the_right_name_but_other_content_is_refused(
        moved: tuple[CaseSession, Path, list[int]]) -> None:
    session, usb, ids = moved
    missing = needing_relink(session)
    result = search_folder(missing, usb / "other")
    assert result.found == {}
    assert list(result.refused) == [ids[1]]
    assert result.not_found(missing) == missing

    outcome = relink_found(session, {ids[1]: usb / "other" / "visit-1.mp4"})
    assert outcome.relinked == [] and "not the same recording" in outcome.failed[ids[1]]
    assert session.recording_status(ids[1]) is RecordingStatus.OFFLINE
    assert not session.can_undo or session.undo_label != "Relink recordings"


def test_search_can_be_cancelled(moved: tuple[CaseSession, Path, list[int]]) -> None:
    session, usb, _ = moved
    result = search_folder(needing_relink(session), usb, cancelled=lambda: True)
    assert result.cancelled and result.found == {}


def test_a_replaced_file_counts_as_needing_relink(tmp_path: Path) -> None:
    video = synth.make_barcode_video(tmp_path / "a.mp4", width=160, height=96, frames=5,
                                     audio=False)
    with CaseSession.create(tmp_path / "c.vigproj", "Changed") as session:
        rec = session.import_recording(video)
        keep = tmp_path / "elsewhere"
        keep.mkdir()
        shutil.copyfile(video, keep / "a.mp4")
        synth.make_barcode_video(video, width=160, height=96, frames=9, audio=False)
        assert session.recording_status(int(rec.id or 0)) is RecordingStatus.CHANGED
        result = search_folder(needing_relink(session), tmp_path)
        assert result.found == {rec.id: keep / "a.mp4"}
        assert [p for p, _ in result.refused[int(rec.id or 0)]] == [video]
        assert relink_found(session, result).relinked == [rec.id]
        assert session.recording_status(int(rec.id or 0)) is RecordingStatus.ONLINE
