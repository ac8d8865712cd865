"""The basics of a mature editor, driven through the main window on the demo case project:
one table of actions for menus, keys and help; preferences; naming; right-click menus;
trimming shows the frame; reel length; picture zoom; adding recordings (issue 12)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QInputDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from vigstudio.app.timeline_geometry import TimeStyle
from vigstudio.domain.project import Role
from vigstudio.domain.reels import ItemKind
from vigstudio.gui import actions, preferences
from vigstudio.gui.main_window import MEDIA_FILTER, MainWindow
from vigstudio.gui.reels.panel import ReelsPanel
from vigstudio.gui.timeline import painting as pt


@pytest.fixture
def window(qtbot: QtBot, demo: Path) -> Iterator[MainWindow]:
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(1400, 900)
    w.show()
    assert w.open_project(demo)
    yield w
    w.close_project()


def reels(window: MainWindow) -> ReelsPanel:
    panel = window.reels_dock.widget()
    assert isinstance(panel, ReelsPanel)
    return panel


def menu_texts(menu: QMenu) -> list[str]:
    return [a.text().split("\t")[0] for a in menu.actions() if not a.isSeparator()]


# --- one table of actions -------------------------------------------------------------------


def test_menus_shortcuts_and_help_come_from_one_table(window: MainWindow) -> None:
    for row in actions.ACTIONS:
        if row.scope == "window" and row.menu:
            action = window.actions_by_id[row.id]
            assert action in window.menus[row.menu].actions()
            assert [k.toString() for k in action.shortcuts()] == [
                QKeySequence(k).toString() for k in row.keys]
    html = window.shortcuts_html()
    for row in actions.ACTIONS:
        if row.keys:
            assert actions.native(row.keys) in html, row.id
            assert row.text in html, row.id
    assert window.session is not None
    for principle in window.session.principles():
        assert f"Tag the frame on screen: {principle.name}" in html
    window.actions_by_id["help.keys"].trigger()
    assert window.shortcuts_box.windowTitle() == "Keyboard shortcuts"
    window.shortcuts_box.close()


def test_panel_keys_are_the_tables_keys(window: MainWindow) -> None:
    """Changing a key in the table changes what the panels answer to."""
    player, pw = window.player, window.player_widget
    assert player is not None and pw is not None and window.timeline is not None
    player.seek(100)
    QTest.keyClick(pw, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert player.position == 110
    canvas = window.timeline.canvas
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Left)
    assert player.position == 109
    before = canvas.scale.visible_frames
    QTest.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.scale.visible_frames < before


# --- preferences ----------------------------------------------------------------------------


def test_preferences_dialog_sets_the_time_format_everywhere(window: MainWindow,
                                                             qtbot: QtBot) -> None:
    from vigstudio.gui.preferences import PreferencesDialog

    dialog = PreferencesDialog(window)
    qtbot.addWidget(dialog)
    dialog.time_style.setCurrentIndex(dialog.time_style.findData(TimeStyle.CLOCK.value))
    dialog.export_height.setCurrentIndex(1)  # 720p
    dialog.accept()
    stored = preferences.current()
    assert stored.time_style is TimeStyle.CLOCK and stored.export_height == 720
    assert window.player is not None and window.player_widget is not None
    window.player.seek(40)
    qtbot.waitUntil(lambda: window.player_widget is not None
                    and window.player_widget.readout_frame == 40, timeout=10_000)
    assert window.player_widget.readout.text() == "40  00:00:01.600"
    listing = window.list_dock.widget()
    row = next(r for r, e in enumerate(listing.model.rows)  # type: ignore[attr-defined]
               if e.kind == "clip" and e.frame == 40)
    assert listing.model.text(row, 2).startswith("00:00:01.600–00:00:04.360")  # type: ignore[attr-defined]
    assert "00:00:01.600–00:00:04.360" in reels(window).items.item(1).text()
    assert window.timeline is not None and window.timeline.canvas.labels.label(40) == \
        "00:00:01.600"
    from vigstudio.gui.reels.export_dialog import ExportDialog

    assert window.session is not None
    export = ExportDialog(window.session, window.session.reels()[0].id or 0, window)
    qtbot.addWidget(export)
    assert export.size_box.currentData() == 720


def test_default_participant_and_confirm_remove_from_reel(
        window: MainWindow, demo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    preferences.save(preferences.Preferences(default_role=Role.PARTNER,
                                             confirm_reel_remove=True))
    window.close_project()
    assert window.open_project(demo)
    assert window.tagging is not None and window.session is not None
    assert window.session.participant(window.tagging.participant_id or 0).pseudonym == "Alex"
    asked: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (
        asked.append(text), QMessageBox.StandardButton.No)[1])
    panel = reels(window)
    panel.items.setCurrentRow(0)
    before = len(window.session.reels()[0].items)
    panel.remove_item()
    assert asked and "Remove" in asked[0]
    assert len(window.session.reels()[0].items) == before


def test_recent_list_can_be_turned_off(window: MainWindow, demo: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from vigstudio.gui.files import recent

    monkeypatch.delenv("VIGSTUDIO_NO_RECENT", raising=False)
    recent.remember(demo)
    assert recent.recent_projects() == [demo.resolve()]
    preferences.save(preferences.Preferences(keep_recent=False))
    assert recent.recent_projects() == []
    recent.remember(demo)
    assert preferences.settings().value("recent/projects") is None


# --- naming, right-click menus ----------------------------------------------------------------


def test_f2_renames_the_selected_clip_and_double_click_a_still(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    s = window.session
    assert s is not None and window.selection is not None
    clip = s.clips()[0]
    assert clip.id is not None
    monkeypatch.setattr(QInputDialog, "getText",
                        lambda *a, **k: ("Sam starts the game", True))
    window.selection.set(clips=[clip.id])
    assert window.player_widget is not None
    QTest.keyClick(window.player_widget, Qt.Key.Key_F2)
    assert s.clip(clip.id).title == "Sam starts the game"
    assert "Sam starts the game" in reels(window).items.item(1).text()
    window.undo_action.trigger()
    assert s.clip(clip.id).title == clip.title
    listing = window.list_dock.widget()
    still = s.stills()[0]
    row = next(r for r, e in enumerate(listing.model.rows)  # type: ignore[attr-defined]
               if e.kind == "still" and e.id == still.id)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Big smile", True))
    listing._double_clicked(listing.model.index(row, 3))  # type: ignore[attr-defined]
    assert s.still(still.id or 0).caption == "Big smile"


def _menu_shown(monkeypatch: pytest.MonkeyPatch) -> list[QMenu]:
    from vigstudio.gui.annotations import item_menu

    shown: list[QMenu] = []
    monkeypatch.setattr(item_menu, "show_menu", lambda menu, _pos: shown.append(menu))
    return shown


def test_right_click_on_timeline_list_and_reel_items(
        window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    s = window.session
    assert s is not None and window.timeline is not None
    shown = _menu_shown(monkeypatch)
    canvas = window.timeline.canvas
    canvas.fit()
    clip = s.clips()[1]
    row = next(r for r in canvas.rows if r.kind is pt.RowKind.CLIPS)
    middle = (clip.range.start + clip.range.end) // 2
    pos = QPoint(round(pt.GUTTER + canvas.scale.x_of(middle)), row.top + row.height // 2)
    QApplication.sendEvent(canvas, _context_event(pos, canvas))
    assert shown, "no menu"
    texts = menu_texts(shown[-1])
    assert {"Play clip (in to out)", "Rename…", "Edit note…", "Add to reel", "Delete"} <= \
        set(texts)
    assert window.selection is not None and window.selection.clips == {clip.id}
    add = next(a for a in shown[-1].actions() if a.text() == "Add to reel").menu()
    before = len(s.reels()[0].items)
    add.actions()[0].trigger()
    assert len(s.reels()[0].items) == before + 1
    listing = window.list_dock.widget()
    row_index = next(r for r, e in enumerate(listing.model.rows)  # type: ignore[attr-defined]
                     if e.kind == "moment")
    rect = listing.view.visualRect(listing.model.index(row_index, 3))  # type: ignore[attr-defined]
    listing._context_menu(rect.center())  # type: ignore[attr-defined]
    assert "Go to the moment" in menu_texts(shown[-1])
    panel = reels(window)
    panel.items.setCurrentRow(1)
    assert {"Play this item", "Move up", "Move down", "Rename the clip…",
            "Remove from the reel"} <= set(menu_texts(panel.item_menu()))


def _context_event(pos: QPoint, widget: object) -> object:
    from PySide6.QtGui import QContextMenuEvent

    return QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos,
                             widget.mapToGlobal(pos))  # type: ignore[attr-defined]


# --- trimming shows the frame -----------------------------------------------------------------


def test_dragging_a_clip_edge_shows_the_edge_frame_and_names_it(
        window: MainWindow, qtbot: QtBot) -> None:
    s, player, pw = window.session, window.player, window.player_widget
    assert s is not None and player is not None and pw is not None and window.timeline
    canvas = window.timeline.canvas
    canvas.fit()
    clip = next(c for c in s.clips() if c.range.start == 190)
    row = next(r for r in canvas.rows if r.kind is pt.RowKind.CLIPS)
    y = row.top + row.height // 2
    start = QPoint(round(pt.GUTTER + canvas.scale.x_of(clip.range.start)), y)
    target = QPoint(round(pt.GUTTER + canvas.scale.x_of(170)), y)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     start)
    for i in range(1, 7):
        QTest.mouseMove(canvas, start + (target - start) * i / 6)
    preview = canvas.state.clip_previews[clip.id or 0]
    assert player.position == preview.start != clip.range.start
    qtbot.waitUntil(lambda: pw.readout_frame == preview.start, timeout=10_000)
    assert pw.shown_frame == preview.start
    assert f"{preview.start}  " in pw.readout.text()
    assert "first frame of the clip" in pw.readout.text()
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                       target)
    assert s.clip(clip.id or 0).range.start == preview.start
    assert "first frame" not in pw.readout.text()


# --- reel length ---------------------------------------------------------------------------


def test_reel_total_length_counts_slow_motion_freezes_and_holds(window: MainWindow) -> None:
    s = window.session
    assert s is not None
    panel = reels(window)
    # title 5 s + clip 2.8 s + still 4 s + (3.2 s at 1/2 speed + 2 s freeze) + still 4 s
    # + clip 2.8 s
    assert "reel length 27.0 s" in panel.total.text()
    reel = s.reels()[0]
    slow = next(i for i in reel.items if i.speed != 1)
    assert panel.items.item(reel.items.index(slow)).text().startswith("8.4 s · ")
    from fractions import Fraction

    s.update_reel_item(reel.id or 0, slow.id or 0, speed=Fraction(1), freeze_last=Fraction(0))
    assert "reel length 21.8 s" in panel.total.text()


# --- picture zoom ----------------------------------------------------------------------------


def test_zoom_and_pan_the_picture(window: MainWindow, qtbot: QtBot) -> None:
    pw, player = window.player_widget, window.player
    assert pw is not None and player is not None
    player.seek(55)
    qtbot.waitUntil(lambda: pw.shown_frame == 55, timeout=10_000)
    view = pw.picture
    fit = view.target_rect()
    window.actions_by_id["view.zoom_in"].trigger()
    window.actions_by_id["view.zoom_in"].trigger()
    assert view.zoom == pytest.approx(2.25)
    zoomed = view.target_rect()
    assert zoomed.width() > fit.width() * 2
    centre = view.centre
    QTest.mousePress(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(200, 100))
    QTest.mouseMove(view, QPoint(150, 80))
    QTest.mouseRelease(view, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       QPoint(150, 80))
    assert view.centre[0] > centre[0] and view.centre[1] > centre[1]  # dragged left and up
    window.actions_by_id["view.zoom_fit"].trigger()
    assert view.zoom == 1.0 and view.target_rect() == fit


# --- adding recordings --------------------------------------------------------------------


def test_add_recordings_filter_and_files_checked_before_asking(
        window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        qtbot: QtBot) -> None:
    from vigstudio.testing.synth import make_barcode_video

    for ext in ("mpg", "mpeg", "mts", "m2ts", "wmv", "avi", "mkv", "webm", "3gp", "mov",
                "mp4", "m4v", "dv"):
        assert f"*.{ext} " in MEDIA_FILTER and f"*.{ext.upper()}" in MEDIA_FILTER
    broken = tmp_path / "broken.mp4"
    broken.write_bytes(b"not a film")
    good = make_barcode_video(tmp_path / "good.mp4", width=160, height=96, frames=20)
    events: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda _p, _t, text, *a, **k: events.append("warning: " + text))
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (
        events.append("question: " + text), QMessageBox.StandardButton.No)[1])
    adder = window.add_recordings([broken, good])  # checked and added in jobs
    assert adder is not None
    qtbot.waitUntil(lambda: not adder.running, timeout=60_000)
    added = adder.added
    assert added is not None and len(added) == 1 and window.recording_id == added[0]
    assert events[0].startswith("warning: ") and "broken.mp4" in events[0]
    assert events[1].startswith("question: ") and "1 recording" in events[1]
    assert window.session is not None
    assert [r.path for r in window.session.recordings()][-1].endswith("good.mp4")


def test_reel_item_kinds_are_described(window: MainWindow) -> None:
    panel = reels(window)
    assert window.session is not None
    kinds = [i.kind for i in window.session.reels()[0].items]
    texts = [panel.items.item(i).text() for i in range(panel.items.count())]
    for kind, text in zip(kinds, texts, strict=True):
        word = {ItemKind.TITLE: "Title card", ItemKind.CLIP: "Clip",
                ItemKind.STILL: "Still"}[kind]
        assert f" · {word}" in text


def test_clips_in_reels_say_which_principles_they_show(window: MainWindow) -> None:
    panel = reels(window)
    assert window.session is not None
    reel = window.session.reels()[0]
    row = next(i for i, it in enumerate(reel.items) if it.kind is ItemKind.CLIP)
    tip = panel.items.item(row).toolTip()
    # the demo's first clip (frames 40-109) holds moments tagged "encouraging" and "receiving"
    assert "Shows: Encouraging initiatives, Receiving initiatives" in tip
    panel._fill_add_menu()
    clip_menu = next(a.menu() for a in panel.add_menu.actions() if a.text() == "Clip")
    assert any("Encouraging initiatives" in a.text() for a in clip_menu.actions())


# --- marks on stills ---------------------------------------------------------------------------


def _yellow(rgb: object, x: int, y: int, r: int = 6) -> bool:
    import numpy as np

    patch = np.asarray(rgb)[max(0, y - r):y + r, max(0, x - r):x + r].reshape(-1, 3).astype(int)
    return bool(((patch[:, 0] > 200) & (patch[:, 1] > 170) & (patch[:, 2] < 90)).any())


def _draw_arrow_to_the_middle(dialog: object, qtbot: QtBot) -> None:
    """In the marks dialog: drag from a fifth of the way in to the middle, then OK."""
    from vigstudio.gui.annotations.marks_editor import MarksDialog

    assert isinstance(dialog, MarksDialog)
    qtbot.addWidget(dialog)
    dialog.resize(900, 600)
    dialog.show()
    canvas = dialog.canvas
    r = canvas.picture_rect()
    tail = QPoint(r.x() + r.width() // 5, r.y() + r.height() // 5)
    tip = QPoint(r.x() + r.width() // 2, r.y() + r.height() // 2)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, tail)
    QTest.mouseMove(canvas, tip)
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, tip)
    dialog.accept()


def test_marks_drawn_on_a_still_go_into_stills_sheet_and_preview(
        window: MainWindow, qtbot: QtBot, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np
    from PIL import Image

    from vigstudio.domain.annotations import MarkKind
    from vigstudio.gui.annotations.marks_editor import MarksDialog
    from vigstudio.gui.reels import export_dialog
    from vigstudio.gui.reels.export_dialog import ExportDialog, ExportKind
    from vigstudio.media.stills import still_rgb

    s = window.session
    assert s is not None
    still = s.stills()[0]
    assert still.id is not None
    _draw_arrow_to_the_middle(MarksDialog(s, still.id, window), qtbot)
    (mark,) = s.still(still.id).marks
    assert mark.kind is MarkKind.ARROW and abs(mark.x - 500) <= 3 and abs(mark.y - 500) <= 3
    rec = s.recording(still.recording_id)
    raw = still_rgb(s.media_path(rec.id or 0), rec.info, still.frame)
    h, w = raw.shape[:2]
    mid = (w // 2, h // 2)
    assert not _yellow(raw, *mid)
    # the PNG stills
    out = tmp_path / "stills"
    export = ExportDialog(s, s.reels()[0].id or 0, window)
    qtbot.addWidget(export)
    export.kind.setCurrentIndex(export.kind.findData(ExportKind.STILLS.value))
    export.target.setText(str(out))
    export.start()
    qtbot.waitUntil(lambda: not export.running, timeout=60_000)
    first = sorted(out.iterdir())[0]
    assert _yellow(np.asarray(Image.open(first).convert("RGB")), *mid)
    # the feedback sheet gets the marked picture
    pictures: list[object] = []
    monkeypatch.setattr(export_dialog, "write_sheet",
                        lambda out, sheet, overwrite=False: pictures.extend(sheet.stills) or out)
    export_dialog.write_reel_sheet(s, s.reels()[0].id or 0, tmp_path / "sheet.pdf")
    image = pictures[0][0]  # type: ignore[index]
    assert _yellow(np.asarray(image), *mid)
    # the reel preview of that still shows the marks
    panel = reels(window)
    reel = s.reels()[0]
    row = next(i for i, it in enumerate(reel.items) if it.still_id == still.id)
    panel.items.setCurrentRow(row)
    panel.play_item()
    picture = window.player_widget.picture  # type: ignore[union-attr]
    qtbot.waitUntil(lambda: picture.frame == still.frame and picture.marks != (),
                    timeout=10_000)
    shown = np.asarray(picture._keep)
    sh, sw = shown.shape[:2]
    assert _yellow(shown, sw // 2, sh // 2)
    window.undo_action.trigger()
    assert s.still(still.id).marks == ()
