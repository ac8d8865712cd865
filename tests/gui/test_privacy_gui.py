"""The privacy parts of the window: the export dialog shows the failed check and takes an
override with a reason; a reel's purpose is chosen when it is made; who appears is confirmed
in the case record; the export log is shown there."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Sharing
from vigstudio.domain.privacy import Purpose
from vigstudio.domain.project import ConsentScope
from vigstudio.gui.case_record.editors import CaseRecordDialog
from vigstudio.gui.case_record.privacy import AppearsForm
from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind
from vigstudio.gui.reels.panel import NewReelForm, ReelsPanel


@pytest.fixture
def session(demo: Path) -> Iterator[CaseSession]:
    s = CaseSession.open(demo)
    yield s
    s.close()


def _supervision_reel(s: CaseSession) -> int:
    reel = s.new_reel("For supervisor", purpose=Purpose.SUPERVISION)
    private = next(c for c in s.clips() if c.sharing is Sharing.PRIVATE)
    s.add_still_to_reel(reel.id or 0, s.stills()[0].id or 0)
    s.add_clip_to_reel(reel.id or 0, private.id or 0)
    return reel.id or 0


def test_export_dialog_shows_the_check_and_takes_an_override(
        qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    reel_id = _supervision_reel(session)
    dialog = ExportDialog(session, reel_id)
    qtbot.addWidget(dialog)
    assert dialog.purpose.text() == "supervision"
    dialog.kind.setCurrentIndex(dialog.kind.findData(ExportKind.STILLS.value))
    # the check is shown before anything is tried, for what is chosen (stills: the still only)
    assert "still “The smile” (item 1): Sam: no consent to supervision" in dialog.check.text()
    assert "Turn after turn" not in dialog.check.text()
    assert not dialog.override.isHidden()
    folder = tmp_path / "stills"
    dialog.target.setText(str(folder))
    dialog.start()  # refused: nothing written, nothing logged
    assert "Not exported" in dialog.result_message and not folder.exists()
    assert session.export_log() == []
    dialog.override.setText("Supervisor visit today; Sam's form is signed, not yet filed")
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert "Exported 1 stills" in dialog.result_message and len(list(folder.iterdir())) == 1
    [entry] = session.export_log()
    assert entry.override.startswith("Supervisor visit today") and entry.what == "stills"
    # the video: all items; a refusal happens before even the folder is made
    dialog.kind.setCurrentIndex(dialog.kind.findData(ExportKind.VIDEO.value))
    assert "“private (the family only)”, which does not allow supervision" in dialog.check.text()
    dialog.override.setText("")
    out = tmp_path / "video" / "reel.mp4"
    dialog.target.setText(str(out))
    dialog.start()
    assert not dialog.running and not out.parent.exists() and len(session.export_log()) == 1


def test_clean_video_export_is_logged(qtbot: QtBot, session: CaseSession,
                                      tmp_path: Path) -> None:
    reel = session.reel_by_name("Cycle 1 feedback")
    dialog = ExportDialog(session, reel.id or 0)
    qtbot.addWidget(dialog)
    assert dialog.check.text().startswith("Check before export: everyone who appears")
    assert dialog.override.isHidden()
    out = tmp_path / "reel.mp4"
    dialog.target.setText(str(out))
    dialog.size_box.setCurrentIndex(dialog.size_box.findData(480))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=90_000)
    assert out.exists(), dialog.result_message
    [entry] = session.export_log()
    assert entry.what == "reel video" and entry.files[0] == str(out)
    assert entry.override == "" and len(entry.consents) == 2


def test_a_new_reel_has_its_purpose(qtbot: QtBot, session: CaseSession,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def fill_in(form: NewReelForm) -> QDialog.DialogCode:
        form.name.setText("Course")
        form.purpose.setCurrentIndex(form.purpose.findData("training"))
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(NewReelForm, "exec", fill_in)
    player = PlayerController()
    try:
        panel = ReelsPanel(session, player)
        qtbot.addWidget(panel)
        panel.new_reel()
        assert session.reel_by_name("Course").purpose is Purpose.TRAINING
        assert panel.reel_box.currentText() == "Course  ·  training"
        assert panel.purpose_box.currentData() == "training"
        panel.purpose_box.setCurrentIndex(panel.purpose_box.findData("supervision"))
        panel.purpose_box.activated.emit(panel.purpose_box.currentIndex())
        assert session.reel_by_name("Course").purpose is Purpose.SUPERVISION
        # the reel's items say who appears in them
        panel.reel_box.setCurrentIndex(panel.reel_box.findData(session.reels()[0].id))
        texts = [panel.items.item(i).text() for i in range(panel.items.count())]
        assert any("· Clip: Waiting" in t and t.endswith("— Sam, Alex") for t in texts)
    finally:
        player.close()


def test_case_record_confirms_who_appears_and_shows_the_log(
        qtbot: QtBot, session: CaseSession, monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    clip = session.add_clip(1, 140, 160, title="Sam looks back")  # Sam tagged at 150
    dialog = CaseRecordDialog(session)
    qtbot.addWidget(dialog)
    dialog.today = lambda: dt.date(2026, 3, 1)
    dialog.show_tab("appears")
    tab = dialog.appears_tab
    row = next(r for r in range(tab.table.rowCount())
               if tab.table.item(r, 1).text() == "Clip: Sam looks back")  # type: ignore[union-attr]
    assert tab.table.item(row, 3).text() == "Sam"  # type: ignore[union-attr]
    assert tab.table.item(row, 4).text() == "proposed from tags"  # type: ignore[union-attr]
    tab.table.selectRow(row)
    tab.confirm_selected()
    assert session.clip(clip.id or 0).appears == (session.participant_by_name("Sam").id,)
    alex = session.participant_by_name("Alex").id

    def tick_alex_too(form: AppearsForm) -> QDialog.DialogCode:
        for i in range(form.list.count()):
            item = form.list.item(i)
            if item.text() == "Alex":
                item.setCheckState(Qt.CheckState.Checked)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AppearsForm, "exec", tick_alex_too)
    row = next(r for r in range(tab.table.rowCount())
               if tab.table.item(r, 1).text() == "Clip: Sam looks back")  # type: ignore[union-attr]
    tab.table.selectRow(row)
    tab.change_selected()
    assert alex in (session.clip(clip.id or 0).appears or ())
    # the sharing tab checks consent of who is in the clip
    session.set_clip_sharing(clip.id or 0, Sharing.SUPERVISION)
    sharing = dialog.sharing_tab
    srow = next(r for r in range(sharing.table.rowCount())
                if sharing.table.item(r, 1).text() == "Sam looks back")  # type: ignore[union-attr]
    assert sharing.table.item(srow, 5).text() == "missing: Sam"  # type: ignore[union-attr]
    session.add_consent(session.participant_by_name("Sam").id or 0, ConsentScope.SUPERVISION,
                        dt.date(2026, 1, 12))
    assert sharing.table.item(srow, 5).text() == "in place"  # type: ignore[union-attr]
    # the export log tab follows every export
    from vigstudio.app.reel_export import export_reel_stills

    export_reel_stills(session, session.reels()[0], tmp_path / "s")
    dialog.show_tab("exports")
    log = dialog.exports_tab.table
    assert log.rowCount() == 1
    assert log.item(0, 1).text() == "stills"  # type: ignore[union-attr]
    assert log.item(0, 2).text() == "family feedback"  # type: ignore[union-attr]
    assert "Sam: feedback to the family" in log.item(0, 7).toolTip()  # type: ignore[union-attr]


def test_supervision_package_dialog(qtbot: QtBot, session: CaseSession, tmp_path: Path) -> None:
    from dataclasses import replace

    from vigstudio.domain.annotations import Valence
    from vigstudio.domain.media import RecordingKind
    from vigstudio.gui.case_record.supervision import SupervisionDialog
    from vigstudio.testing.synth import make_barcode_video

    film = make_barcode_video(tmp_path / "review.mp4", frames=40, width=320, height=180,
                              audio=False)
    review = session.shared_reviews()[0]
    rec = session.import_recording(film, kind=RecordingKind.SHARED_REVIEW,
                                   cycle_id=review.cycle_id)
    session.update_shared_review(replace(review, recording_id=rec.id))
    jo = session.participant_by_name("Jo").id
    session.add_moment(rec.id or 0, 6, "receiving", participant_id=jo)
    session.add_moment(rec.id or 0, 20, "guiding", participant_id=jo,
                       valence=Valence.WORKING_POINT, note="Wait longer")
    session.add_clip(rec.id or 0, 4, 10, title="Naming it")  # undecided: not for supervision
    dialog = SupervisionDialog(session, review.id or 0)
    qtbot.addWidget(dialog)
    assert dialog.clips.count() == 1 and dialog.points.count() == 1
    assert "clip “Naming it”: the parent's decision is “not decided yet”" in dialog.check.text()
    folder = tmp_path / "package"
    dialog.target.setText(str(folder))
    dialog.reflection.setPlainText("I talked too much.")
    dialog.start()
    assert "Not exported" in dialog.result_message and not folder.exists()
    dialog.override.setText("Only the guider is in view in this clip")
    dialog.start()  # the check passes: the video is written by a job
    qtbot.waitUntil(lambda: not dialog.running, timeout=120_000)
    assert dialog.result_message.startswith("Exported"), dialog.result_message
    assert sorted(p.name for p in folder.iterdir()) == ["reflection.txt", "supervision.mp4"]
    assert "I talked too much." in (folder / "reflection.txt").read_text(encoding="utf-8")
    [entry] = session.export_log()
    assert entry.what == "supervision package"
    assert entry.override == "Only the guider is in view in this clip"
