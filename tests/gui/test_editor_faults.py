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
from vigstudio.gui.codebook_panel import CodebookPanel
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.reels_panel import ReelsPanel


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
    from vigstudio.app.timeline_geometry import TimeStyle
    from vigstudio.gui import preferences

    s = window.session
    assert s is not None and window.recording_id is not None
    clip = s.add_clip(window.recording_id, 20, 71)  # frames 20..70: 51 frames
    assert clip.id is not None
    reel = s.reels()[0]
    assert reel.id is not None
    s.add_clip_to_reel(reel.id, clip.id)
    preferences.save(preferences.Preferences(time_style=TimeStyle.FRAMES))
    panel = reels(window)
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
        window: MainWindow, qtbot: QtBot, size: tuple[int, int]) -> None:
    from PySide6.QtWidgets import QApplication

    window.resize(*size)
    window._arrange_docks()
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
    for w in (panel.total, pw.readout):
        assert w.isVisible()
