"""The main window: layout, menus and the wiring between the session, the player and the panels.

The window holds no case logic: edits go through :class:`~vigstudio.app.session.CaseSession`,
the playhead lives in :class:`~vigstudio.app.player.PlayerController`, and every panel redraws
from the session's change notices (relayed here as one Qt signal).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from vigstudio import __version__
from vigstudio.app.changes import Change
from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.time import FrameRange
from vigstudio.errors import DamagedProjectError, ProjectLockedError, VigError
from vigstudio.gui import recent
from vigstudio.gui.annotation_list import AnnotationList
from vigstudio.gui.case_editors import CaseRecordDialog, open_case_record
from vigstudio.gui.case_panel import CasePanel
from vigstudio.gui.codebook_panel import CodebookPanel
from vigstudio.gui.opening import choose_how_to_open, wants_relink
from vigstudio.gui.player import PlayerWidget
from vigstudio.gui.reel_preview import ReelPreview
from vigstudio.gui.reels_panel import ReelsPanel
from vigstudio.gui.relink_dialog import RelinkDialog
from vigstudio.gui.tagging import TaggingController
from vigstudio.gui.timeline.selection import AnnotationSelection
from vigstudio.gui.timeline.view import TimelineView

Key = QKeySequence.StandardKey
PROJECT_FILTER = "VIG Studio case projects (*.vigproj)"
MEDIA_FILTER = "Video files (*.mp4 *.mov *.m4v *.mkv *.avi *.mts *.3gp *.webm);;All files (*)"


class SessionSignals(QObject):
    """Relays the Qt-free session's change notices as a Qt signal."""

    changed = Signal(object)


class _Hint(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #666; padding: 16px;")


class WelcomePage(QWidget):
    """Shown when no case project is open."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("<h1>VIG Studio</h1><p>Video micro-analysis for Video Interaction "
                       "Guidance. Everything stays on this computer.</p>", self)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        for text, slot in (("New case project…", window.new_project_dialog),
                           ("Open case project…", window.open_project_dialog)):
            button = QPushButton(text, self)
            button.setMinimumWidth(260)
            button.clicked.connect(slot)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.recent_box = QVBoxLayout()
        layout.addLayout(self.recent_box)
        layout.addStretch(2)
        self._window = window
        self.refresh()

    def refresh(self) -> None:
        while self.recent_box.count():
            item = self.recent_box.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        paths = recent.recent_projects()
        if paths:
            self.recent_box.addWidget(QLabel("<b>Recent case projects</b>"), 0,
                                      Qt.AlignmentFlag.AlignHCenter)
        for path in paths[:6]:
            button = QPushButton(path.name, self)
            button.setFlat(True)
            button.setToolTip(str(path))
            button.clicked.connect(lambda _c=False, p=path: self._window.open_project(p))
            self.recent_box.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)


class MainWindow(QMainWindow):
    """One window shows one case project at a time."""

    def __init__(self, *, player_factory: Callable[[], PlayerController] | None = None) -> None:
        super().__init__()
        self.setWindowTitle("VIG Studio")
        self.resize(QSize(1400, 900))
        self.session: CaseSession | None = None
        self.signals = SessionSignals(self)
        self._unsubscribe: Callable[[], None] | None = None
        self._player_factory = player_factory or PlayerController
        self.player: PlayerController | None = None
        self.player_widget: PlayerWidget | None = None
        self.recording_id: int | None = None
        self.selection: AnnotationSelection | None = None
        self.tagging: TaggingController | None = None
        self.timeline: TimelineView | None = None
        self.case_panel: CasePanel | None = None
        self.preview: ReelPreview | None = None
        self.record_dialog: CaseRecordDialog | None = None

        self.stack = QStackedWidget(self)
        self.welcome = WelcomePage(self)
        self.stack.addWidget(self.welcome)
        self.setCentralWidget(self.stack)
        self.splitter: QSplitter | None = None

        self.case_dock = self._dock("Case", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.codebook_dock = self._dock("Codebook", Qt.DockWidgetArea.LeftDockWidgetArea)
        self.list_dock = self._dock("Moments, clips and stills",
                                    Qt.DockWidgetArea.RightDockWidgetArea)
        self.reels_dock = self._dock("Reels", Qt.DockWidgetArea.RightDockWidgetArea)
        self._build_menus()
        self.signals.changed.connect(self._on_change)
        self._show_docks(False)
        self.statusBar().showMessage("Open or create a case project to begin.")

    # --- layout -------------------------------------------------------------------------

    def _dock(self, title: str, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(title)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        return dock

    def _show_docks(self, visible: bool) -> None:
        for dock in (self.case_dock, self.codebook_dock, self.list_dock, self.reels_dock):
            dock.setVisible(visible)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&New case project…", self.new_project_dialog, Key.New)
        self._action(file_menu, "&Open case project…", self.open_project_dialog,
                     Key.Open)
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addSeparator()
        self.add_media_action = self._action(file_menu, "&Add recordings…",
                                             self.add_recordings_dialog, "Ctrl+Shift+A")
        self.relink_action = self._action(file_menu, "&Find moved recordings…",
                                          self.relink_dialog)
        self.copy_action = self._action(file_menu, "Save a &copy as…", self.save_copy_dialog,
                                        Key.SaveAs)
        self.close_action = self._action(file_menu, "&Close case project", self.close_project,
                                         Key.Close)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.close, Key.Quit)

        edit_menu = bar.addMenu("&Edit")
        self.undo_action = self._action(edit_menu, "&Undo", self.undo, Key.Undo)
        self.redo_action = self._action(edit_menu, "&Redo", self.redo, Key.Redo)

        case_menu = bar.addMenu("&Case")
        self.record_action = self._action(case_menu, "Case &record…", self.open_case_record,
                                          "Ctrl+Shift+R")
        self._action(case_menu, "&Participants…",
                     lambda: self.open_case_record("participants"))
        self._action(case_menu, "&Helping questions…", lambda: self.open_case_record("questions"))
        self._action(case_menu, "&Cycles and shared reviews…",
                     lambda: self.open_case_record("cycles"))
        self._action(case_menu, "C&onsent…", lambda: self.open_case_record("consent"))
        self._action(case_menu, "Clip &sharing decisions…",
                     lambda: self.open_case_record("sharing"))
        self.case_menu = case_menu

        play_menu = bar.addMenu("&Playback")
        self.play_clip_action = self._action(play_menu, "&Play selected clip (in to out)",
                                             lambda: self.play_selected_clip(loop=False),
                                             "Alt+P")
        self.loop_clip_action = self._action(play_menu, "&Loop selected clip",
                                             lambda: self.play_selected_clip(loop=True), "Alt+L")
        self._action(play_menu, "&Stop looping", self.stop_looping, "Alt+Shift+L")

        self.view_menu = bar.addMenu("&View")
        for dock in (self.case_dock, self.codebook_dock, self.list_dock, self.reels_dock):
            self.view_menu.addAction(dock.toggleViewAction())

        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", self.show_shortcuts, "F1")
        self._action(help_menu, "&About VIG Studio", self.show_about)
        self._update_actions()

    def _action(self, menu: object, text: str, slot: Callable[[], object],
                shortcut: QKeySequence.StandardKey | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = recent.recent_projects()
        for path in paths:
            action = self.recent_menu.addAction(str(path))
            action.triggered.connect(lambda _c=False, p=path: self.open_project(p))
        if not paths:
            self.recent_menu.addAction("(none)").setEnabled(False)
        self.recent_menu.addSeparator()
        clear = self.recent_menu.addAction("Clear list")
        clear.triggered.connect(recent.clear)

    # --- opening and closing ------------------------------------------------------------

    def new_project_dialog(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "New case project", "", PROJECT_FILTER)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix != ".vigproj":
            path = path.with_suffix(".vigproj")
        name, ok = QInputDialog.getText(self, "New case project",
                                        "Case name (a pseudonym for the family, never a real "
                                        "name):")
        if not ok or not name.strip():
            return
        try:
            session = CaseSession.create(path, name.strip())
        except VigError as exc:
            self._error("Could not create the case project", exc)
            return
        self._set_session(session)

    def open_project_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open case project", "", PROJECT_FILTER)
        if chosen:
            self.open_project(Path(chosen))

    def open_project(self, path: Path, *, read_only: bool = False,
                     check_location: bool = True) -> bool:
        """Open ``path``; warn about risky places; if another window has it, offer read-only."""
        if check_location and not read_only:
            choice = choose_how_to_open(self, path)
            if choice is None:
                return False
            path, read_only = choice
        try:
            session = CaseSession.open(path, read_only=read_only)
        except ProjectLockedError as exc:
            answer = QMessageBox.question(
                self, "Case project in use",
                f"{exc}\n\nOpen it read-only? You can look but not change anything.")
            if answer != QMessageBox.StandardButton.Yes:
                return False
            return self.open_project(path, read_only=True)
        except DamagedProjectError as exc:
            self._offer_recovery(path, exc)
            return False
        except VigError as exc:
            self._error("Could not open the case project", exc)
            return False
        self._set_session(session)
        for notice in session.project.notices:  # e.g. another case's journal was set aside
            QMessageBox.warning(self, "Case project", notice)
        if wants_relink(self, session):
            self.relink_dialog()
        return True

    def _offer_recovery(self, path: Path, exc: DamagedProjectError) -> None:
        """A damaged case is never written to: offer to copy what can be read to a new file."""
        answer = QMessageBox.question(
            self, "Damaged case project",
            f"{exc}\n\nRecover what can be read into a new case project file now?")
        if answer != QMessageBox.StandardButton.Yes:
            return
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Recovered case project", str(path.with_name(f"{path.stem} recovered.vigproj")),
            PROJECT_FILTER)
        if not chosen:
            return
        from vigstudio.storage.recover import recover

        try:
            report = recover(path, Path(chosen))
        except VigError as err:
            self._error("Could not recover the case project", err)
            return
        lost = "\n".join(report.lost) or "Nothing was lost."
        QMessageBox.information(self, "Case project recovered",
                                f"Recovered into {report.path.name}.\n{lost}")
        self.open_project(report.path, check_location=False)

    def relink_dialog(self) -> None:
        """Find moved recordings by their content and relink them all at once."""
        if self.session is None:
            return
        dialog = RelinkDialog(self.session, self)
        dialog.relinked.connect(self._relinked)
        dialog.exec()

    def _relinked(self, recording_ids: list[int]) -> None:
        if self.recording_id in recording_ids and self.session is not None:
            current = self.recording_id
            self.recording_id = None  # reload the player on the relinked file
            self.show_recording(current)
        self.statusBar().showMessage(f"Relinked {len(recording_ids)} recording(s).", 6000)

    def open_case_record(self, tab: str | None = None) -> CaseRecordDialog | None:
        """The case record (participants, questions, cycles, reviews, consent, sharing)."""
        if self.session is None:
            return None
        dialog = open_case_record(self.session, self, tab)
        if dialog is not self.record_dialog:
            dialog.destroyed.connect(self._forget_record_dialog)
        self.record_dialog = dialog
        return dialog

    def _forget_record_dialog(self) -> None:
        self.record_dialog = None

    def close_project(self) -> None:
        if self.record_dialog is not None:
            self.record_dialog.close()
            self.record_dialog = None
        if self.preview is not None:
            self.preview.close()
            self.preview = None
        self._teardown_recording()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self.player_widget is not None:
            self.player_widget.shutdown()
        if self.player is not None:
            self.player.close()
        self.player = None
        self.player_widget = None
        if self.splitter is not None:
            self.stack.removeWidget(self.splitter)
            self.splitter.deleteLater()
            self.splitter = None
        for dock in (self.case_dock, self.codebook_dock, self.list_dock, self.reels_dock):
            old = dock.widget()
            dock.setWidget(QWidget())
            if old is not None:
                old.deleteLater()
        if self.session is not None:
            self.session.close()
        self.session = None
        self.case_panel = None
        self.stack.setCurrentWidget(self.welcome)
        self.welcome.refresh()
        self._show_docks(False)
        self.setWindowTitle("VIG Studio")
        self._update_actions()

    def _set_session(self, session: CaseSession) -> None:
        self.close_project()
        self.session = session
        self._unsubscribe = session.subscribe(self.signals.changed.emit)
        recent.remember(session.path)

        self.player = self._player_factory()
        self.player_widget = PlayerWidget(self.player, self)
        self.timeline_area = QStackedWidget(self)
        self.timeline_area.addWidget(_Hint(
            "Choose a recording in the Case panel to see its timeline."))
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.player_widget)
        self.splitter.addWidget(self.timeline_area)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([540, 360])  # the timeline needs room for its lanes
        self.stack.addWidget(self.splitter)
        self.stack.setCurrentWidget(self.splitter)

        self.case_panel = CasePanel(session, self)
        self.case_panel.recordingChosen.connect(self.show_recording)
        self.case_panel.recordRequested.connect(self.open_case_record)
        self.case_dock.setWidget(self.case_panel)
        self.codebook_dock.setWidget(_Hint("The codebook appears with a recording."))
        self.list_dock.setWidget(_Hint("Tagged moments, clips and stills appear here."))
        self.reels_dock.setWidget(self._build_reels_panel())
        self._show_docks(True)
        self.resizeDocks([self.case_dock, self.codebook_dock], [300, 500],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.list_dock, self.reels_dock], [450, 350], Qt.Orientation.Vertical)
        self.resizeDocks([self.case_dock, self.list_dock], [380, 430], Qt.Orientation.Horizontal)
        title = session.case().name
        self.setWindowTitle(f"{title} — VIG Studio" + (" (read-only)" if session.read_only
                                                        else ""))
        self.statusBar().showMessage(
            f"{session.path}  ·  every change is saved as you make it"
            + ("  ·  opened read-only" if session.read_only else ""))
        self._update_actions()
        online = [r.id for r in session.recordings()
                  if r.id is not None and session.recording_status(r.id)
                  is not RecordingStatus.OFFLINE]
        first = online[0] if online else next((r.id for r in session.recordings()), None)
        if first is not None:
            self.show_recording(first)

    def _build_reels_panel(self) -> QWidget:
        assert self.session is not None and self.player is not None
        assert self.player_widget is not None
        panel = ReelsPanel(self.session, self.player, self)
        self.preview = ReelPreview(self.session, self.player, self.player_widget,
                                   self.show_recording, self)
        self.preview.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.preview.itemStarted.connect(panel.items.setCurrentRow)
        panel.previewRequested.connect(
            lambda reel, first, one: self.preview.start(reel, first, only_one=one))
        panel.exportRequested.connect(self.export_reel_dialog)
        return panel

    def export_reel_dialog(self, reel_id: int) -> None:
        from vigstudio.gui.export_dialog import ExportDialog

        assert self.session is not None
        ExportDialog(self.session, reel_id, self).exec()

    # --- the recording on screen --------------------------------------------------------

    def show_recording(self, recording_id: int) -> None:
        """Load a recording into the player and build its timeline and tagging panels."""
        session, player = self.session, self.player
        assert session is not None and player is not None and self.player_widget is not None
        if recording_id == self.recording_id:
            return
        self._teardown_recording()
        recording = session.recording(recording_id)
        self.recording_id = recording_id
        try:
            player.load(session.media_path(recording_id), recording.info)
        except VigError as exc:
            self.statusBar().showMessage(str(exc))
        self.selection = AnnotationSelection(self)
        self.tagging = TaggingController(session, player, recording_id, self.selection, self)
        self.tagging.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.tagging.install_shortcuts(self)
        self.timeline = TimelineView(session, player, recording_id, self.selection, self)
        self.timeline.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.tagging.markInChanged.connect(self.timeline.canvas.set_mark_in)
        self.timeline_area.addWidget(self.timeline)
        self.timeline_area.setCurrentWidget(self.timeline)
        self.codebook_dock.setWidget(CodebookPanel(session, self.tagging, self.selection, self))
        self.list_dock.setWidget(AnnotationList(session, player, recording_id, self.selection,
                                                self))
        if self.case_panel is not None:
            self.case_panel.set_current(recording_id)
        self.player_widget.setFocus()

    def _teardown_recording(self) -> None:
        if self.timeline is not None:
            self.timeline.stop_media_strip()
            self.timeline_area.removeWidget(self.timeline)
            self.timeline.deleteLater()
            self.timeline = None
        if self.tagging is not None:
            self.tagging.deleteLater()
            self.tagging = None
        for dock in (self.codebook_dock, self.list_dock):
            old = dock.widget()
            if old is not None:
                dock.setWidget(QWidget())
                old.deleteLater()
        self.recording_id = None

    def selected_clip_range(self) -> FrameRange | None:
        """The selected clip's frames (the first one if several are selected)."""
        if self.session is None or self.selection is None or not self.selection.clips:
            return None
        return self.session.clip(min(self.selection.clips)).range

    def play_selected_clip(self, *, loop: bool) -> None:
        frames = self.selected_clip_range()
        if self.player is None or frames is None:
            self.statusBar().showMessage("Select a clip first (on the timeline or in the list).",
                                         5000)
            return
        self.player.play_range(frames, loop=loop)

    def stop_looping(self) -> None:
        if self.player is not None:
            self.player.set_loop(None)

    # --- edits --------------------------------------------------------------------------

    def add_recordings_dialog(self) -> None:
        if self.session is None:
            return
        files, _ = QFileDialog.getOpenFileNames(self, "Add recordings", "", MEDIA_FILTER)
        if not files:
            return
        copy = QMessageBox.question(
            self, "Add recordings",
            "Copy the recordings into the case folder (media/ beside the project file)?\n\n"
            "Copying keeps the case self-contained, e.g. on an encrypted USB stick. "
            "Otherwise the case refers to the files where they are.") == \
            QMessageBox.StandardButton.Yes
        last: int | None = None
        for name in files:
            self.statusBar().showMessage(f"Checking {Path(name).name} …")
            try:
                last = self.session.import_recording(Path(name), copy=copy).id
            except VigError as exc:
                self._error(f"Could not add {Path(name).name}", exc)
        if last is not None:
            self.show_recording(last)

    def save_copy_dialog(self) -> None:
        if self.session is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy as", "", PROJECT_FILTER)
        if not chosen:
            return
        try:
            from vigstudio.app.export_target import check_copy_target

            check_copy_target(self.session, Path(chosen))
            dest = self.session.project.save_copy(Path(chosen), overwrite=True)
        except VigError as exc:
            self._error("Could not save the copy", exc)
            return
        self.statusBar().showMessage(f"Copy saved: {dest}", 6000)

    def undo(self) -> None:
        if self.session is not None and self.session.can_undo:
            self._run(self.session.undo)

    def redo(self) -> None:
        if self.session is not None and self.session.can_redo:
            self._run(self.session.redo)

    def _run(self, edit: Callable[[], object]) -> None:
        try:
            edit()
        except VigError as exc:
            self._error("That change could not be made", exc)

    def _on_change(self, change: Change) -> None:
        if self.case_panel is not None:
            self.case_panel.on_change(change)
        self._update_actions()
        if change.label:
            verb = {"undo": "Undone: ", "redo": "Redone: "}.get(change.origin.value, "Saved: ")
            self.statusBar().showMessage(verb + change.label, 4000)

    def _update_actions(self) -> None:
        s = self.session
        open_ = s is not None
        writable = open_ and not s.read_only  # type: ignore[union-attr]
        self.add_media_action.setEnabled(writable)
        self.relink_action.setEnabled(writable)
        self.case_menu.setEnabled(open_)
        self.copy_action.setEnabled(open_)
        self.close_action.setEnabled(open_)
        self.undo_action.setEnabled(bool(s and s.can_undo))
        self.redo_action.setEnabled(bool(s and s.can_redo))
        self.undo_action.setText(f"&Undo {s.undo_label}" if s and s.undo_label else "&Undo")
        self.redo_action.setText(f"&Redo {s.redo_label}" if s and s.redo_label else "&Redo")

    # --- help ---------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        keys = ", ".join(self.tagging.shortcut_keys()) if self.tagging else "1–6"
        QMessageBox.information(self, "Keyboard shortcuts", (
            "Player: Space play/pause · ←/→ one frame · Shift+←/→ ten frames · "
            "Ctrl+←/→ one second · Home/End · J/K/L shuttle\n\n"
            f"Tagging: {keys} tag the frame on screen with a principle · I/O mark a clip's "
            "in and out · S grab a still · W next tag is a working point\n\n"
            "Timeline: +/− zoom · 0 fit · Delete removes the selection\n\n"
            "Edit: Ctrl+Z undo · Ctrl+Shift+Z redo"))

    def show_about(self) -> None:
        QMessageBox.about(self, "About VIG Studio", (
            f"<h3>VIG Studio {__version__}</h3><p>Video micro-analysis for Video Interaction "
            "Guidance.</p><p>Works offline: no network access, no telemetry. Every change is "
            "saved to the case project file as you make it.</p>"))

    def _error(self, title: str, exc: VigError) -> None:
        QMessageBox.warning(self, title, str(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_project()
        super().closeEvent(event)
