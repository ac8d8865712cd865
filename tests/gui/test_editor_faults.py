"""Faults a practitioner's first hour found, each driven through the main window with the
demo case project and the panels working together (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.domain.annotations import Valence
from vigstudio.domain.reels import ItemKind
from vigstudio.gui.codebook.panel import CodebookPanel
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.reels.panel import ReelsPanel


@pytest.fixture
def window(qtbot: QtBot, demo: Path) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_project(demo)
    yield w
    w.close_project()


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every question asked; the answer is No unless a test appends "yes" first."""
    asked: list[str] = []

    def question(_parent: object, _title: str, text: str, *_a: object, **_k: object
                 ) -> QMessageBox.StandardButton:
        yes = bool(asked) and asked[-1] == "yes"
        asked.append(text)
        return QMessageBox.StandardButton.Yes if yes else QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


def reels(window: MainWindow) -> ReelsPanel:
    panel = window.reels_dock.widget()
    assert isinstance(panel, ReelsPanel)
    return panel


def codebook(window: MainWindow) -> CodebookPanel:
    panel = window.codebook_dock.widget()
    assert isinstance(panel, CodebookPanel)
    return panel


# --- 1. Delete acts on what has focus -----------------------------------------------------


@pytest.mark.parametrize("where", ["timeline", "list"])
def test_delete_removes_the_selected_clip_not_the_reels_current_item(
        window: MainWindow, qtbot: QtBot, where: str) -> None:
    s = window.session
    assert s is not None and window.recording_id is not None and window.selection is not None
    panel = reels(window)
    panel.items.setCurrentRow(0)  # the title card with the helping question
    reel_before = s.reels()[0].items
    spare = s.add_clip(window.recording_id, 300, 330, title="Spare")
    assert spare.id is not None
    window.selection.set(clips=[spare.id])
    if where == "timeline":
        assert window.timeline is not None
        target = window.timeline.canvas
    else:
        target = window.list_dock.widget().view  # type: ignore[attr-defined]
    target.setFocus()
    QTest.keyClick(target, Qt.Key.Key_Delete)
    assert spare.id not in {c.id for c in s.clips()}
    assert s.reels()[0].items == reel_before


def test_delete_in_the_reel_list_removes_the_reel_item(window: MainWindow) -> None:
    s = window.session
    assert s is not None
    panel = reels(window)
    panel.items.setCurrentRow(0)
    panel.items.setFocus()
    before = len(s.reels()[0].items)
    QTest.keyClick(panel.items, Qt.Key.Key_Delete)
    assert len(s.reels()[0].items) == before - 1
    assert all(i.kind is not ItemKind.TITLE for i in s.reels()[0].items)


# --- 2. Editing a moment keeps it selected --------------------------------------------------


def test_note_kind_and_question_in_a_row_without_reselecting(window: MainWindow) -> None:
    s = window.session
    assert s is not None and window.selection is not None and window.recording_id is not None
    moment = s.moments(window.recording_id)[0]
    assert moment.id is not None
    window.selection.set(moments=[moment.id])
    panel = codebook(window)
    panel.note.setText("Alex looks up and smiles")
    panel.note.editingFinished.emit()
    assert window.selection.moments == {moment.id}
    assert panel.moment_box.isEnabled()
    panel.valence.setCurrentIndex(panel.valence.findData(Valence.WORKING_POINT.value))
    panel.valence.activated.emit(panel.valence.currentIndex())
    assert window.selection.moments == {moment.id}
    panel.question.setCurrentIndex(0)
    panel.question.activated.emit(0)
    after = s.moment(moment.id)
    assert after.note == "Alex looks up and smiles"
    assert after.valence is Valence.WORKING_POINT
    assert after.helping_question_id is None


# --- 3. W is one-shot -----------------------------------------------------------------------


def test_w_marks_only_the_next_tag_as_a_working_point(window: MainWindow, qtbot: QtBot) -> None:
    s, player = window.session, window.player
    assert s is not None and player is not None and window.recording_id is not None
    assert window.player_widget is not None
    player.seek(230)
    QTest.keyClick(window.player_widget, Qt.Key.Key_W)
    assert codebook(window).working_point.isChecked()
    QTest.keyClick(window.player_widget, Qt.Key.Key_2)
    player.seek(240)
    QTest.keyClick(window.player_widget, Qt.Key.Key_2)
    new = sorted((m for m in s.moments(window.recording_id) if m.frame in (230, 240)),
                 key=lambda m: m.frame)
    assert [m.valence for m in new] == [Valence.WORKING_POINT, Valence.STRENGTH]
    assert not codebook(window).working_point.isChecked()


# --- 4. One way to show a range and a duration ---------------------------------------------


def test_reels_panel_and_list_agree_on_a_clips_frames_and_length(window: MainWindow) -> None:
    s = window.session
    assert s is not None and window.recording_id is not None
    clip = s.add_clip(window.recording_id, 20, 71)  # frames 20..70: 51 frames
    assert clip.id is not None
    reel = s.reels()[0]
    assert reel.id is not None
    s.add_clip_to_reel(reel.id, clip.id)
    panel = reels(window)
    text = panel.items.item(panel.items.count() - 1).text()
    assert "51 frames" in text and "–71" not in text and "00:00:02:21" not in text

    from vigstudio.app.timeline_geometry import TimeStyle
    from vigstudio.gui import preferences

    preferences.save(preferences.Preferences(time_style=TimeStyle.FRAMES))
    text = panel.items.item(panel.items.count() - 1).text()
    assert "20–70" in text and "20–71" not in text
    assert "51 frames" in text and text.startswith("2.0 s")
    listing = window.list_dock.widget()
    rows = [r for r, e in enumerate(listing.model.rows)  # type: ignore[attr-defined]
            if e.kind == "clip" and e.id == clip.id]
    assert listing.model.text(rows[0], 1) == "20–70"  # type: ignore[attr-defined]
    assert listing.model.text(rows[0], 2) == "20–70 (51 frames, 2.0 s)"  # type: ignore[attr-defined]
    # a 70-frame demo clip (40..109) lasts 2.8 s at 25 fps, not 2.76 s
    demo_clip = next(c for c in s.clips() if c.range.start == 40)
    item = next(i for i in reel.items if i.clip_id == demo_clip.id)
    assert panel.describe(item).startswith("2.8 s · ")
    assert "40–109, 70 frames" in panel.describe(item)


# --- 8. Deleting a clip that is in a reel asks, naming the reel ----------------------------


def test_deleting_a_clip_in_a_reel_asks_and_names_the_reel(
        window: MainWindow, answers: list[str]) -> None:
    s = window.session
    assert s is not None and window.selection is not None and window.timeline is not None
    reel = s.reels()[0]
    used = next(i.clip_id for i in reel.items if i.kind is ItemKind.CLIP)
    assert used is not None
    window.selection.set(clips=[used])
    canvas = window.timeline.canvas
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert len(answers) == 1 and "Cycle 1 feedback" in answers[0]
    assert used in {c.id for c in s.clips()}  # answered No: nothing deleted
    assert s.reels()[0].items == reel.items
    answers.append("yes")
    QTest.keyClick(canvas, Qt.Key.Key_Delete)
    assert used not in {c.id for c in s.clips()}
    assert len(s.reels()[0].items) == len(reel.items) - 1


# --- 5. The preview shows burned-in captions as the export does ----------------------------


def test_preview_burns_the_caption_into_the_picture_like_the_export(
        window: MainWindow, qtbot: QtBot) -> None:
    import numpy as np

    from vigstudio.media.captions import render_caption, render_title_card

    s, player = window.session, window.player
    assert s is not None and player is not None and window.player_widget is not None
    reel = s.reels()[0]
    assert reel.id is not None
    row, item = next((i, it) for i, it in enumerate(reel.items) if it.kind is ItemKind.STILL)
    assert item.id is not None and item.still_id is not None
    s.update_reel_item(reel.id, item.id, caption="What do you see here?", burn_caption=True)
    still = s.still(item.still_id)
    panel = reels(window)
    panel.items.setCurrentRow(row)
    panel.play_item()
    picture = window.player_widget.picture
    qtbot.waitUntil(lambda: picture.frame == still.frame and picture.caption != "",
                    timeout=10_000)
    assert player.reader is not None
    raw = np.ascontiguousarray(player.reader.frame(still.frame))
    h, w = raw.shape[:2]
    overlay = render_caption("What do you see here?", w, h)
    assert overlay is not None
    shown = np.asarray(picture._keep)
    assert shown.shape == raw.shape and not np.array_equal(shown, raw)
    assert np.array_equal(shown, overlay.apply(raw.copy()))
    # a title card is previewed as the export draws it, not as plain text
    assert window.preview is not None
    window.preview.stop()
    assert picture.caption == ""
    panel.items.setCurrentRow(0)
    panel.play_item()
    title = s.reels()[0].items[0]
    expected = render_title_card(title.title_text, 960, 540)
    assert np.array_equal(np.asarray(picture._keep), expected)


# --- 6. The window works on a laptop screen -------------------------------------------------


@pytest.mark.parametrize("size", [(1366, 768), (1280, 720)])
def test_window_fits_a_laptop_screen_without_cutting_the_player_controls(
        qtbot: QtBot, demo: Path, size: tuple[int, int]) -> None:
    from PySide6.QtWidgets import QApplication

    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    assert window.open_project(demo)
    QApplication.processEvents()
    qtbot.waitUntil(lambda: window.width() <= size[0] and window.height() <= size[1],
                    timeout=3000)
    assert window.minimumSizeHint().width() <= size[0]
    pw = window.player_widget
    assert pw is not None and window.player is not None
    window.player.seek(499)
    qtbot.waitUntil(lambda: pw.readout_frame == 499, timeout=10_000)
    readout = pw.readout
    assert readout.width() >= readout.fontMetrics().horizontalAdvance(readout.text())
    goto = pw.goto_edit
    assert goto.width() >= goto.fontMetrics().horizontalAdvance(goto.placeholderText())
    assert pw.volume_slider.width() >= 60  # a slider, not a checkbox-sized stub
    assert pw.picture.height() >= 150 and pw.picture.width() >= 300
    assert window.timeline is not None and window.timeline.isVisible()
    assert window.timeline.height() >= 150
    panel = reels(window)
    assert panel.isVisible() or window.reels_dock.isVisible()
    window.reels_dock.raise_()
    QApplication.processEvents()
    rows = panel.items.height() // max(1, panel.items.sizeHintForRow(0))
    assert rows >= len(window.session.reels()[0].items)  # type: ignore[union-attr]
    assert pw.readout.isVisible()
    window.close_project()


# --- 7. The sheet carries the helping question written on the title card ------------------


def test_sheet_uses_the_helping_question_on_the_title_card(
        window: MainWindow, qtbot: QtBot, tmp_path: Path) -> None:
    import subprocess

    from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind

    s = window.session
    assert s is not None
    panel = reels(window)
    panel.items.setCurrentRow(0)  # the title card
    panel.title_text.setText("Can we laugh together at bath time?")
    panel.title_text.editingFinished.emit()
    assert s.reels()[0].items[0].title_text == "Can we laugh together at bath time?"
    dialog = ExportDialog(s, s.reels()[0].id or 0, window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ExportKind.SHEET.value))
    out = tmp_path / "sheet.pdf"
    dialog.target.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "laugh together at bath time" in " ".join(text.split())
    assert "without it ending in a row" not in " ".join(text.split())


# --- 9. Smaller faults ----------------------------------------------------------------------


def test_read_only_status_does_not_claim_changes_are_saved(qtbot: QtBot, demo: Path) -> None:
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    try:
        assert w.open_project(demo, read_only=True)
        message = w.statusBar().currentMessage()
        assert "read-only" in message and "every change is saved" not in message
    finally:
        w.close_project()


def test_two_participants_of_one_role_get_different_colours(window: MainWindow) -> None:
    from vigstudio.domain.project import Role
    from vigstudio.gui.case_record.forms import ParticipantForm

    s = window.session
    assert s is not None
    sam = s.participant_by_name("Sam")
    kim = s.add_participant("Kim", Role.PERSON)  # a second child
    assert kim.colour.lower() != sam.colour.lower()
    form = ParticipantForm(parent=window, used_colours=[p.colour for p in s.participants()])
    form.role.setCurrentIndex(form.role.findData(Role.PERSON.value))
    colour = form.values()[2].lower()
    assert colour not in {p.colour.lower() for p in s.participants()}
    form.deleteLater()


def test_shuttle_speed_does_not_stick_across_space_or_recordings(
        window: MainWindow, qtbot: QtBot) -> None:
    from fractions import Fraction

    from vigstudio.app.player import PlayerState

    player, pw, s = window.player, window.player_widget, window.session
    assert player is not None and pw is not None and s is not None
    player.seek(250)
    for _ in range(3):  # L L L: 1×, 2×, 4× forward
        QTest.keyClick(pw, Qt.Key.Key_L)
    assert player.state is PlayerState.PLAYING and player.rate == 4
    QTest.keyClick(pw, Qt.Key.Key_J)  # J after L: backwards at 1×, not at 4×
    assert player.state is PlayerState.REVERSE and player.rate == 1
    QTest.keyClick(pw, Qt.Key.Key_J)
    assert player.rate == 2
    QTest.keyClick(pw, Qt.Key.Key_Space)  # pause
    assert player.state is PlayerState.PAUSED and player.rate == 1
    QTest.keyClick(pw, Qt.Key.Key_L)
    QTest.keyClick(pw, Qt.Key.Key_L)
    QTest.keyClick(pw, Qt.Key.Key_Space)
    QTest.keyClick(pw, Qt.Key.Key_Space)  # play again: the chosen speed (1×), not 2×
    assert player.state is PlayerState.PLAYING and player.rate == 1
    QTest.keyClick(pw, Qt.Key.Key_K)
    player.set_rate(Fraction(1, 2))  # chosen in the speed box: that one stays
    QTest.keyClick(pw, Qt.Key.Key_Space)
    assert player.rate == Fraction(1, 2)
    QTest.keyClick(pw, Qt.Key.Key_Space)
    rid = window.recording_id
    assert rid is not None
    player.load(s.media_path(rid), s.recording(rid).info)  # another recording starts at 1×
    assert player.rate == 1 and pw.speed_box.currentText() == "1×"


def test_closing_the_export_mid_way_asks_and_says_cancelled(
        window: MainWindow, qtbot: QtBot, tmp_path: Path, answers: list[str],
        qtlog: object) -> None:
    from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind

    s = window.session
    assert s is not None
    dialog = ExportDialog(s, s.reels()[0].id or 0, window)
    qtbot.addWidget(dialog)
    dialog.kind.setCurrentIndex(dialog.kind.findData(ExportKind.VIDEO.value))
    out = tmp_path / "reel.mp4"
    dialog.target.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30_000)
    dialog.reject()  # answered No: the export goes on
    assert len(answers) == 1 and "Stop" in answers[0] and dialog.running
    answers.append("yes")
    dialog.reject()
    assert not dialog.running
    assert "cancelled" in dialog.result_message.lower()
    assert not out.exists()
    qtbot.wait(200)
    messages = [r.message for r in qtlog.records]  # type: ignore[attr-defined]
    assert not any("wait on itself" in m for m in messages)


def test_after_an_export_show_in_folder_and_play(
        window: MainWindow, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        lambda url: opened.append(QUrl(url).toLocalFile()) or True)
    s = window.session
    assert s is not None
    dialog = ExportDialog(s, s.reels()[0].id or 0, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.show_button.isVisible()
    dialog.kind.setCurrentIndex(dialog.kind.findData(ExportKind.SHEET.value))
    out = tmp_path / "sheet.pdf"
    dialog.target.setText(str(out))
    dialog.start()
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)
    assert dialog.show_button.isVisible() and dialog.play_button.isVisible()
    dialog.show_button.click()
    dialog.play_button.click()
    assert opened == [str(tmp_path), str(out)]


def test_the_demo_a_newcomer_sees_has_no_barcode_strip(tmp_path: Path) -> None:
    import av
    import numpy as np

    from vigstudio.testing.synth import make_demo_recording, read_barcode

    path = make_demo_recording(tmp_path / "demo.mp4", seconds=1)
    with av.open(str(path)) as container:
        frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
    for rgb in (frames[0], frames[13]):
        with pytest.raises(ValueError):
            read_barcode(rgb)
        bottom = rgb[-8:].astype(float).mean(axis=2)
        assert bottom.std() < 10  # the floor, not black and white cells
    assert np.asarray(frames[0]).shape == (360, 640, 3)


def test_reopening_a_case_goes_back_to_the_recording_last_worked_on(
        qtbot: QtBot, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.testing.synth import make_barcode_video

    monkeypatch.delenv("VIGSTUDIO_NO_RECENT", raising=False)  # the list is kept here
    second = make_barcode_video(tmp_path / "second.mp4", width=160, height=96, frames=30)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    try:
        assert w.open_project(demo)
        first = w.recording_id
        assert w.session is not None
        rec = w.session.import_recording(second)
        assert rec.id is not None and rec.id != first
        w.show_recording(rec.id)
        added = [rec.id]
        w.close_project()
        assert w.open_project(demo)
        assert w.recording_id == added[0]
    finally:
        w.close_project()


def test_a_file_put_back_comes_back_online_by_itself(
        qtbot: QtBot, demo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.app.player import PlayerState
    film = demo.parent / "demo-family-film.mp4"
    away = tmp_path / "away.mp4"
    film.rename(away)
    w = MainWindow()
    qtbot.addWidget(w)
    w.show()
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.No)
    try:
        assert w.open_project(demo)
        assert w.player is not None and w.player.state is PlayerState.OFFLINE
        away.rename(film)
        qtbot.waitUntil(lambda: w.player is not None
                        and w.player.state is PlayerState.PAUSED, timeout=5000)
        assert w.case_panel is not None
        assert "offline" not in w.case_panel.tree.topLevelItem(0).child(0).text(0)
        assert w.player_widget is not None
        qtbot.waitUntil(lambda: w.player_widget is not None
                        and w.player_widget.shown_frame == 0, timeout=10_000)
    finally:
        w.close_project()
