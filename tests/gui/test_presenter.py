"""Presenter mode with real libVLC (video callbacks) and barcode video, Qt offscreen.

Drives the presenter window through a reel: each item is shown in turn, a clip pauses on its
last frame (read back from the picture's barcode), the parent's words typed against an item
and the next goal are in the project file afterwards, and nothing of the editor is in the
window (widget tree and a grab of the window).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QLabel, QLineEdit, QMenuBar, QWidget
from pytestqt.qtbot import QtBot

from vigstudio.app.player import PlayerController
from vigstudio.app.presenter import open_presentation
from vigstudio.app.session import CaseSession
from vigstudio.domain.project import ConsentScope, Role
from vigstudio.domain.reels import ItemKind
from vigstudio.errors import InvalidEditError
from vigstudio.gui.presenter.launch import start_presenter
from vigstudio.gui.presenter.window import PresenterWindow
from vigstudio.media.captions import render_caption
from vigstudio.media.playback import VlcBackend
from vigstudio.media.probe import probe_in_process
from vigstudio.testing.synth import make_barcode_video, read_barcode

TODAY = dt.date(2026, 2, 9)


@pytest.fixture(scope="module")
def film(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_barcode_video(tmp_path_factory.mktemp("film") / "film.mp4", width=320,
                              height=180, frames=60, gop=25, audio=False)


@pytest.fixture
def session(tmp_path: Path, film: Path) -> Iterator[CaseSession]:
    s = CaseSession.create(tmp_path / "case.vigproj", "Family P")
    s.add_helping_question("I want us to have fun together")
    rec = s.import_recording(film)
    assert rec.id is not None
    first = s.add_clip(rec.id, 10, 20, title="First turn")
    second = s.add_clip(rec.id, 30, 36, title="Second turn")
    still = s.add_still(rec.id, 45, caption="Smile")
    cycle = s.add_cycle(1)
    reel = s.new_reel("Cycle 1", cycle_id=cycle.id)
    assert reel.id is not None
    s.add_title_card(reel.id, "Fun together")
    s.add_clip_to_reel(reel.id, first.id or 0)
    s.add_still_to_reel(reel.id, still.id or 0, caption="What do you see here?")
    item = s.add_clip_to_reel(reel.id, second.id or 0, caption="What helped here?")
    consent_for(s, [("clip", first.id), ("clip", second.id), ("still", still.id)])
    s.update_reel_item(reel.id, item.id or 0, burn_caption=True)
    yield s
    s.close()


def consent_for(s: CaseSession, items: list[tuple[str, int | None]]) -> None:
    """Sam appears in these clips and stills, and the family consented to feedback."""
    sam = s.add_participant("Sam", Role.PERSON)
    assert sam.id is not None
    s.add_consent(sam.id, ConsentScope.FEEDBACK, dt.date(2026, 1, 5))
    for kind, item_id in items:
        if kind == "clip":
            s.set_clip_appears(item_id or 0, [sam.id])
        else:
            s.set_still_appears(item_id or 0, [sam.id])


@pytest.fixture
def player() -> Iterator[PlayerController]:
    p = PlayerController(backend_factory=lambda: VlcBackend(audio=False),
                         probe=probe_in_process)
    yield p
    p.close()


@pytest.fixture
def window(qtbot: QtBot, session: CaseSession,
           player: PlayerController) -> Iterator[PresenterWindow]:
    w = start_presenter(session, "Cycle 1", player, today=lambda: TODAY)
    qtbot.addWidget(w)
    qtbot.waitExposed(w)
    yield w
    w.close()


def barcode_of(widget: QWidget) -> int:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    w, h = image.width(), image.height()
    data = np.frombuffer(image.constBits(), np.uint8, count=image.bytesPerLine() * h)
    rgb = data.reshape(h, image.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    return read_barcode(rgb)


def settled_on(window: PresenterWindow, frame: int) -> bool:
    p = window.presentation
    return (p.at_end and window.picture.shown_frame == frame
            and window.picture.picture.painted_frame == frame)


def assert_caption_as_exported(window: PresenterWindow) -> None:
    """The caption band is the export's (same drawing, relative to the picture's height),
    over the bottom of the picture, with white text on it."""
    band, picture = window.caption.geometry(), window.caption.picture_rect()
    expected = render_caption(window.caption.text(), picture.width(), picture.height())
    assert expected is not None
    assert (band.width(), band.height()) == expected.color.shape[1::-1]
    assert band.top() == picture.top() + expected.top
    assert band.bottom() == picture.bottom()
    assert band.height() >= picture.height() // 20  # large type: a twentieth of the picture
    grab = window.stage.grab(band).toImage().convertToFormat(QImage.Format.Format_RGB888)
    whites = sum(1 for x in range(0, grab.width(), 2) for y in range(0, grab.height(), 2)
                 if min(grab.pixelColor(x, y).getRgb()[:3]) > 235)
    assert whites > 20


def type_words_against_this_item(qtbot: QtBot, window: PresenterWindow,
                                 session: CaseSession) -> None:
    """N opens the notes; the words are kept with Ctrl+Enter; Undo and Escape behave."""
    key(window, Qt.Key.Key_N)
    assert window.notes.isVisible() and window.notes.words.hasFocus()
    QTest.keyClicks(window.notes.words, "Ik wacht en hij speelt door")
    QTest.keyClick(window.notes.words, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert window.notes.said.count() == 1
    qtbot.mouseClick(window.notes.undo_button, Qt.MouseButton.LeftButton)
    assert window.notes.said.count() == 0  # undo takes the words back ...
    session.redo()
    assert window.notes.said.count() == 1
    QTest.keyClick(window.notes.words, Qt.Key.Key_Escape)  # back to the film, not out
    assert window.isVisible() and window.hasFocus() and window.notes.isVisible()
    key(window, Qt.Key.Key_N)  # the notes out of view
    assert window.isVisible() and not window.notes.isVisible()


def key(window: PresenterWindow, k: Qt.Key) -> None:
    QTest.keyClick(window, k)


def test_walks_the_reel_pausing_at_each_end_and_keeps_the_parents_words(
        qtbot: QtBot, window: PresenterWindow, session: CaseSession) -> None:
    p = window.presentation
    clips = session.clips()
    # 1: the title card, full screen, as exported
    assert p.index == 0 and window.stage.currentWidget() is window.card
    assert window.card.text == "Fun together" and window.counter.text() == "1 / 4"
    # 2: the first clip plays from its in point and pauses on its last frame
    key(window, Qt.Key.Key_PageDown)
    assert p.index == 1
    qtbot.waitUntil(lambda: settled_on(window, clips[0].range.last), timeout=20_000)
    assert barcode_of(window.picture.picture) == clips[0].range.last
    assert not window.caption.isVisible()  # no burned-in caption on this clip
    type_words_against_this_item(qtbot, window, session)
    # ←/→ step inside the clip only; R replays it to its end again
    key(window, Qt.Key.Key_Right)
    assert window.player.position == clips[0].range.last
    key(window, Qt.Key.Key_Left)
    assert window.player.position == clips[0].range.last - 1
    key(window, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: settled_on(window, clips[0].range.last), timeout=20_000)
    # 3: the still, full screen, with its question in large type
    key(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: settled_on(window, 45), timeout=20_000)
    assert barcode_of(window.picture.picture) == 45
    assert window.caption.isVisible() and window.caption.text() == "What do you see here?"
    assert_caption_as_exported(window)
    # 4: the second clip, slow motion on, with its caption burned in as exported
    key(window, Qt.Key.Key_S)
    key(window, Qt.Key.Key_PageDown)
    assert p.slow and window.player.rate == p.slide.item.speed / 2
    qtbot.waitUntil(lambda: settled_on(window, clips[1].range.last), timeout=20_000)
    assert window.caption.isVisible() and window.caption.text() == "What helped here?"
    assert_caption_as_exported(window)
    key(window, Qt.Key.Key_PageDown)  # the last item: stays
    assert p.index == 3
    key(window, Qt.Key.Key_PageUp)
    assert p.index == 2
    # the next goal, then Escape leaves presenter mode
    window.toggle_notes()
    window.notes.goal.setFocus()
    QTest.keyClicks(window.notes.goal, "Wachten aan tafel")
    with qtbot.waitSignal(window.left, timeout=5000):
        QTest.keyClick(window.notes.goal, Qt.Key.Key_Escape)  # back to the film, saved
        assert window.isVisible()
        key(window, Qt.Key.Key_Escape)  # from the film: leave
    assert not window.isVisible()
    assert_saved(session)


def assert_saved(session: CaseSession) -> None:
    """The parent's words, the next goal and the helping question are in the file."""
    with CaseSession.open(session.path, read_only=True) as saved:
        [review] = saved.shared_reviews()
        reel = saved.reel_by_name("Cycle 1")
        assert review.held_on == TODAY and review.reel_id == reel.id
        assert review.next_goal == "Wachten aan tafel"
        [words] = review.reflections
        assert words.words == "Ik wacht en hij speelt door"
        assert words.item_id == reel.items[1].id
        assert abs((words.noted_at - dt.datetime.now()).total_seconds()) < 120
        assert review.helping_question_id == saved.helping_questions()[0].id
    # each note was one undoable edit of the session
    assert session.undo_label == "Set the next goal"


EDITOR_WIDGETS = ("TimelineView", "CodebookPanel", "AnnotationList", "ReelsPanel",
                  "CasePanel", "CaseRecordDialog", "TimelineCanvas")


def test_no_editor_widget_in_the_presenter_window(qtbot: QtBot,
                                                  window: PresenterWindow) -> None:
    key(window, Qt.Key.Key_PageDown)
    qtbot.waitUntil(lambda: window.presentation.at_end and not window.player.is_playing,
                    timeout=20_000)
    # the exact picture of the last frame arrives from the frame reader just after
    qtbot.waitUntil(lambda: window.picture.picture.frame == window.player.position,
                    timeout=10_000)
    visible = [w for w in window.findChildren(QWidget) if w.isVisible()]
    names = {type(w).__name__ for w in visible}
    assert not names & set(EDITOR_WIDGETS)
    assert not window.findChildren(QMenuBar)
    assert not [w for w in visible if isinstance(w, QLineEdit)]  # no go-to box
    # no readout, file name or path on screen: every visible label and button is ours
    texts = [w.text() for w in visible if isinstance(w, QLabel | QAbstractButton)]
    assert window.picture.readout not in visible and window.picture.relink_button not in visible
    assert not [t for t in texts if "film.mp4" in t or "frame" in t.lower()]
    assert set(texts) <= {"◀  Previous", "↺  Again", "▶  Play", "Slow", "Next  ▶", "2 / 4",
                          "Notes", "Leave", ""}
    # on a grab: the window is the picture and the bar of controls, nothing else
    grab = window.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    assert (grab.width(), grab.height()) == (window.width(), window.height())
    stage, bar = window.stage.geometry(), window.controls.geometry()
    assert stage.united(bar) == window.rect()
    picture = grab.copy(window.picture.picture.geometry().translated(stage.topLeft()))
    w, h = picture.width(), picture.height()
    data = np.frombuffer(picture.constBits(), np.uint8, count=picture.bytesPerLine() * h)
    rgb = data.reshape(h, picture.bytesPerLine())[:, : w * 3].reshape(h, w, 3)
    assert read_barcode(rgb) == window.player.position
    strip = grab.copy(bar)
    colours = np.frombuffer(strip.constBits(), np.uint8,
                            count=strip.bytesPerLine() * strip.height())
    assert colours.mean() < 90  # the calm dark bar, not a light editor panel


def test_an_empty_reel_cannot_be_presented(session: CaseSession,
                                           player: PlayerController) -> None:
    session.new_reel("Empty")
    with pytest.raises(InvalidEditError, match="empty"):
        open_presentation(session, "Empty", player)


def test_title_card_has_the_exported_drawing(qtbot: QtBot, window: PresenterWindow) -> None:
    assert window.presentation.slide.kind is ItemKind.TITLE
    image = window.card.grab().toImage().convertToFormat(QImage.Format.Format_RGB888)
    centre = image.pixelColor(image.width() // 2, image.height() // 10)
    assert centre.red() > 200 and centre.green() > 200  # the off-white card, not black


def test_notes_undo_never_reaches_the_editors_edits(qtbot: QtBot, window: PresenterWindow,
                                                    session: CaseSession) -> None:
    assert session.undo_label == "Change reel item"  # made in the editor, before presenting
    qtbot.mouseClick(window.notes.undo_button, Qt.MouseButton.LeftButton)
    assert session.undo_label == "Change reel item"
    assert "nothing of this review" in window.notes.error.text()


def test_the_large_buttons_work_with_a_pointer(qtbot: QtBot, window: PresenterWindow) -> None:
    left = Qt.MouseButton.LeftButton
    qtbot.mouseClick(window.next_button, left)
    assert window.presentation.index == 1 and window.hasFocus()
    qtbot.waitUntil(lambda: window.presentation.at_end, timeout=20_000)
    qtbot.mouseClick(window.previous_button, left)
    assert window.presentation.index == 0 and not window.play_button.isEnabled()
    qtbot.mouseClick(window.notes_button, left)
    assert window.notes.isVisible() and window.notes.words.hasFocus()
    with qtbot.waitSignal(window.left, timeout=5000):
        qtbot.mouseClick(window.leave_button, left)


def test_two_screens_parent_sees_the_film_practitioner_the_notes(
        qtbot: QtBot, session: CaseSession, player: PlayerController,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QGuiApplication

    from vigstudio.gui.presenter import launch

    real = QGuiApplication.primaryScreen()
    monkeypatch.setattr(QGuiApplication, "screens", staticmethod(lambda: [real, real]))
    assert launch.choose_screens(None) == (real, real)  # the second screen by default
    with pytest.raises(InvalidEditError, match="no screen 3"):
        launch.choose_screens(3)
    window = start_presenter(session, "Cycle 1", player, today=lambda: TODAY)
    qtbot.addWidget(window)
    try:
        assert window.notes_window is not None and window.notes_window.isVisible()
        assert not window.isAncestorOf(window.notes)  # not on the parent's screen
        assert not window.notes_button.isVisible()
        key(window, Qt.Key.Key_PageDown)
        window.notes.words.setPlainText("Hij wacht")
        window.notes.keep_words()
        assert window.notes.said.count() == 1
    finally:
        window.close()
    assert not window.notes_window.isVisible()
    [review] = session.shared_reviews()
    assert [r.words for r in review.reflections] == ["Hij wacht"]


def test_a_missing_film_shows_a_calm_card_never_its_path(
        qtbot: QtBot, tmp_path: Path, film: Path, player: PlayerController) -> None:
    import shutil

    from vigstudio.gui.presenter.window import UNAVAILABLE

    copy = shutil.copy(film, tmp_path / "family-film.mp4")
    with CaseSession.create(tmp_path / "away.vigproj", "Family A") as s:
        rec = s.import_recording(Path(copy))
        clip = s.add_clip(rec.id or 0, 5, 15)
        reel = s.new_reel("Away")
        s.add_title_card(reel.id or 0, "Hello")
        s.add_clip_to_reel(reel.id or 0, clip.id or 0)
        s.add_clip_to_reel(reel.id or 0, clip.id or 0)
        consent_for(s, [("clip", clip.id)])
        window = start_presenter(s, "Away", player, today=lambda: TODAY)
        qtbot.addWidget(window)
        try:
            Path(copy).rename(tmp_path / "moved.mp4")  # the drive is unplugged mid-review
            key(window, Qt.Key.Key_PageDown)
            assert window.player.offline
            assert window.picture.picture._message == UNAVAILABLE
            visible = [w for w in window.findChildren(QWidget) if w.isVisible()]
            texts = [w.text() for w in visible if isinstance(w, QLabel | QAbstractButton)]
            assert not [t for t in texts if "mp4" in t or str(tmp_path) in t]
            # a film already missing when presenting starts: the calm card instead
            window.close()
            window = start_presenter(s, "Away", player, today=lambda: TODAY)
            qtbot.addWidget(window)
            key(window, Qt.Key.Key_PageDown)
            assert not window.presentation.slide.available
            assert window.stage.currentWidget() is window.card
            assert window.card.message == UNAVAILABLE
            assert not window.play_button.isEnabled()
        finally:
            window.close()


def test_presenting_is_an_exit_refused_overridden_or_clean_and_logged(
        tmp_path: Path, film: Path, player: PlayerController) -> None:
    from vigstudio.errors import ConsentCheckError

    with CaseSession.create(tmp_path / "exit.vigproj", "Family E") as s:
        rec = s.import_recording(film)
        clip = s.add_clip(rec.id or 0, 5, 15, title="Turn")
        reel = s.new_reel("Cycle 1")
        s.add_clip_to_reel(reel.id or 0, clip.id or 0)
        with pytest.raises(ConsentCheckError) as refused:
            open_presentation(s, "Cycle 1", player)
        assert "“Turn”" in str(refused.value) and "confirm who appears" in str(refused.value)
        assert s.export_log() == []
        open_presentation(s, "Cycle 1", player, override="Mother asked to see it now")
        [logged] = s.export_log()
        assert logged.what == "presenter mode" and logged.override == \
            "Mother asked to see it now"
        consent_for(s, [("clip", clip.id)])
        open_presentation(s, "Cycle 1", player)
        clean = s.export_log()[-1]
        assert clean.override == "" and clean.what == "presenter mode"
        assert any("Sam" in c for c in clean.consents)
