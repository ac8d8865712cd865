"""The main window on the real demo case project: panels, tagging, undo, locking, reels."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.reels import ItemKind
from vigstudio.gui.files.relink_dialog import RelinkDialog
from vigstudio.gui.main_window import MainWindow
from vigstudio.gui.reels.panel import ReelsPanel


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    yield w
    w.close_project()


def _wait_for_frame(qtbot: QtBot, window: MainWindow, frame: int) -> None:
    assert window.player_widget is not None
    qtbot.waitUntil(lambda: window.player_widget is not None
                    and window.player_widget.shown_frame == frame, timeout=10_000)


def test_welcome_page_without_a_project(window: MainWindow) -> None:
    assert window.stack.currentWidget() is window.welcome
    assert not window.case_dock.isVisible()
    assert not window.undo_action.isEnabled()


def test_opens_demo_with_every_panel(window: MainWindow, demo: Path, qtbot: QtBot) -> None:
    assert window.open_project(demo)
    assert window.session is not None
    assert "Demo family" in window.windowTitle()
    assert window.case_panel is not None
    texts = [window.case_panel.tree.topLevelItem(i).text(0)
             for i in range(window.case_panel.tree.topLevelItemCount())]
    assert texts == ["Recordings", "Participants", "Helping questions", "Cycles"]
    assert window.recording_id == window.session.recordings()[0].id
    assert window.timeline is not None and window.tagging is not None
    reels = window.reels_dock.widget()
    assert isinstance(reels, ReelsPanel)
    assert reels.items.count() == len(window.session.reels()[0].items) > 0
    assert window.player is not None
    window.player.seek(37)
    _wait_for_frame(qtbot, window, 37)
    assert window.player_widget is not None
    assert window.player_widget.readout_frame == 37


def test_one_key_tags_the_frame_on_screen_and_undo_removes_it(
        window: MainWindow, demo: Path, qtbot: QtBot) -> None:
    window.open_project(demo)
    session, player = window.session, window.player
    assert session is not None and player is not None and window.recording_id is not None
    player.seek(222)
    _wait_for_frame(qtbot, window, 222)
    before = len(session.moments(window.recording_id))
    QTest.keyClick(window.player_widget, Qt.Key.Key_2)
    moments = session.moments(window.recording_id)
    assert len(moments) == before + 1
    new = max(moments, key=lambda m: m.id or 0)
    assert new.frame == 222
    assert session.principle(new.principle_id).shortcut == "2"
    assert window.undo_action.isEnabled()
    window.undo_action.trigger()
    assert len(session.moments(window.recording_id)) == before
    window.redo_action.trigger()
    assert len(session.moments(window.recording_id)) == before + 1
    # saved at once: another reader sees it without any save
    with CaseSession.open(demo, read_only=True) as other:
        assert len(other.moments(window.recording_id)) == before + 1


def test_second_window_gets_the_project_read_only(
        window: MainWindow, demo: Path, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch) -> None:
    assert window.open_project(demo)
    asked: list[str] = []

    def answer_yes(*args: object, **kwargs: object) -> QMessageBox.StandardButton:
        asked.append(str(args[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    second = MainWindow()
    qtbot.addWidget(second)
    try:
        assert second.open_project(demo)
        assert second.session is not None and second.session.read_only
        assert "another" in asked[0].lower() or "open" in asked[0].lower()
        assert "read-only" in second.windowTitle()
        assert not second.add_media_action.isEnabled()
    finally:
        second.close_project()


def test_reel_panel_reorders_with_keys_and_undo(window: MainWindow, demo: Path,
                                                qtbot: QtBot) -> None:
    window.open_project(demo)
    session = window.session
    assert session is not None
    panel = window.reels_dock.widget()
    assert isinstance(panel, ReelsPanel)
    reel = session.reels()[0]
    kinds = [i.kind for i in reel.items]
    panel.items.setCurrentRow(0)
    panel.move_current(1)
    moved = session.reel(reel.id or 0)
    assert [i.kind for i in moved.items] == [kinds[1], kinds[0], *kinds[2:]]
    assert panel.items.currentRow() == 1
    assert panel.items.item(1).text().split(" · ", 1)[1].startswith(  # after its length
        "Title card" if kinds[0] is ItemKind.TITLE else "Clip")
    window.undo_action.trigger()
    assert [i.kind for i in session.reel(reel.id or 0).items] == kinds


def test_close_returns_to_welcome_and_releases_the_lock(window: MainWindow, demo: Path) -> None:
    window.open_project(demo)
    window.close_project()
    assert window.session is None
    assert window.stack.currentWidget() is window.welcome
    with CaseSession.open(demo) as again:  # not locked any more
        assert again.case().name.startswith("Demo family")


def test_not_a_project_gives_a_clear_message(window: MainWindow, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    bogus = tmp_path / "notes.vigproj"
    bogus.write_text("not a database")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _parent, _title, text: shown.append(text))
    assert not window.open_project(bogus)
    assert shown and "notes.vigproj" in shown[0]
    assert bogus.read_text() == "not a database"


def test_play_and_loop_the_selected_clip(window: MainWindow, demo: Path, qtbot: QtBot) -> None:
    window.open_project(demo)
    session, player = window.session, window.player
    assert session is not None and player is not None and window.selection is not None
    clip = session.clips(window.recording_id)[0]
    window.selection.set(clips=[clip.id or 0])
    window.loop_clip_action.trigger()
    assert player.is_playing and player.loop_range == clip.range
    window.stop_looping()
    assert player.loop_range is None
    player.pause()
    window.play_clip_action.trigger()
    assert player.is_playing and player.loop_range is None
    qtbot.waitUntil(lambda: not player.is_playing, timeout=15_000)
    assert player.position == clip.range.last
    _wait_for_frame(qtbot, window, clip.range.last)


def test_case_record_opens_from_menu_and_panel(window: MainWindow, demo: Path,
                                               qtbot: QtBot) -> None:
    window.open_project(demo)
    dialog = window.open_case_record("consent")
    assert dialog is not None and dialog.current_tab() == "consent"
    assert window.case_panel is not None
    tree = window.case_panel.tree
    people = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
                  if tree.topLevelItem(i).text(0) == "Participants")
    with qtbot.waitSignal(window.case_panel.recordRequested) as blocker:
        tree.itemDoubleClicked.emit(people.child(0), 0)
    assert blocker.args == ["participants"]
    assert window.record_dialog is dialog and dialog.current_tab() == "participants"
    window.close_project()
    assert window.record_dialog is None


def test_moved_media_is_offered_for_relinking(window: MainWindow, demo: Path, tmp_path: Path,
                                              qtbot: QtBot,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = tmp_path / "usb stick"
    elsewhere.mkdir()
    film = demo.parent / "demo-family-film.mp4"
    film.rename(elsewhere / "renamed.mp4")
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)

    def search_and_relink(dialog: RelinkDialog) -> int:
        with qtbot.waitSignal(dialog.search_finished, timeout=30_000):
            dialog.search(elsewhere)
        dialog.relink_all()
        return 0

    monkeypatch.setattr(RelinkDialog, "exec", search_and_relink)
    assert window.open_project(demo)
    session = window.session
    assert session is not None
    rec = session.recordings()[0]
    assert rec.id is not None and session.recording_status(rec.id) is RecordingStatus.ONLINE
    assert session.media_path(rec.id) == elsewhere / "renamed.mp4"
    assert window.player is not None and not window.player.offline


def test_cloud_folder_warning_offers_read_only(window: MainWindow, demo_master: Path,
                                               tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    cloud = tmp_path / "Dropbox" / "cases"
    shutil.copytree(demo_master.parent, cloud)
    shown: list[str] = []

    def choose_read_only(box: QMessageBox) -> int:
        shown.append(box.text())
        read_only = next(b for b in box.buttons() if b.text() == "Open read-only")
        read_only.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", choose_read_only)
    assert window.open_project(cloud / demo_master.name)
    assert "Dropbox" in shown[0]
    assert window.session is not None and window.session.read_only


def test_a_damaged_case_is_refused_and_recovered_into_a_new_file(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """THREAT_MODEL.md T6: the window never writes into a damaged case; it offers recovery."""
    import sqlite3

    from PySide6.QtWidgets import QFileDialog

    from vigstudio.domain.project import Role

    case = tmp_path / "family.vigproj"
    with CaseSession.create(case, "Family D") as session:
        session.add_participant("Sam", Role.PERSON)
    conn = sqlite3.connect(case)
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("DROP TABLE moment")
    conn.commit()
    conn.close()
    before = case.read_bytes()
    recovered = tmp_path / "family recovered.vigproj"
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (
        asked.append(text), QMessageBox.StandardButton.Yes)[1])
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(recovered), ""))
    assert not window.open_project(case, check_location=False)
    assert asked and "damaged" in asked[0]
    assert case.read_bytes() == before
    assert window.session is not None and window.session.path == recovered
    assert [p.pseudonym for p in window.session.participants()] == ["Sam"]
