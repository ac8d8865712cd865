"""The main window: layout, menus and the wiring between the session, the player and the panels.

The window holds no case logic: edits go through :class:`~vigstudio.app.session.CaseSession`,
the playhead lives in :class:`~vigstudio.app.player.PlayerController`, and every panel redraws
from the session's change notices (relayed here as one Qt signal).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession, RecordingStatus
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.time import FrameRange
from vigstudio.errors import DamagedProjectError, ProjectLockedError, VigError
from vigstudio.gui import actions, preferences
from vigstudio.gui.annotations.list_panel import AnnotationList
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.case_record.editors import CaseRecordDialog, open_case_record
from vigstudio.gui.case_record.panel import CasePanel
from vigstudio.gui.codebook.panel import CodebookPanel
from vigstudio.gui.codebook.tagging import TaggingController
from vigstudio.gui.files import case_crypto as case_crypto_dialogs
from vigstudio.gui.files import recent
from vigstudio.gui.files.adding import MEDIA_FILTER, RecordingAdder
from vigstudio.gui.files.media_watch import MediaWatcher
from vigstudio.gui.files.opening import choose_how_to_open, offer_erase, wants_relink
from vigstudio.gui.files.relink_dialog import RelinkDialog
from vigstudio.gui.files.welcome import WelcomePage
from vigstudio.gui.interchange_menu import InterchangeMenu
from vigstudio.gui.listening import detach
from vigstudio.gui.player.widget import PlayerWidget
from vigstudio.gui.reels.panel import ReelsPanel
from vigstudio.gui.reels.preview import ReelPreview
from vigstudio.gui.timeline.view import TimelineView

Key = QKeySequence.StandardKey
PROJECT_FILTER = "VIG Studio case projects (*.vigproj)"


class SessionSignals(QObject):
    """Relays the Qt-free session's change notices as a Qt signal."""

    changed = Signal(object)


class _Hint(QLabel):
    def __init__(self, text: str, parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setStyleSheet("color: #666; padding: 16px;")


class MainWindow(case_crypto_dialogs.CaseCryptoActions, QMainWindow):
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
        self.adding: RecordingAdder | None = None  # a batch of recordings being added

        self.stack = QStackedWidget(self)
        self.welcome = WelcomePage(new_case=self.new_project_dialog,
                                   open_case=self.open_project_dialog,
                                   open_path=self.open_project, parent=self)
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
        preferences.notifier().changed.connect(self._preferences_changed)
        self.media_watch: MediaWatcher | None = None  # a file put back comes back online
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

    def _set_dock(self, dock: QDockWidget, panel: QWidget) -> None:
        """Put a panel in a dock; its drop-down lists do not widen it (a long principle or
        helping question would push the window past a laptop screen)."""
        for combo in panel.findChildren(QComboBox):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
        dock.setWidget(panel)

    def _arrange_docks(self) -> None:
        """Side panels sized to the screen. Below 900 pixels high (1366×768, 1280×720 laptops)
        the two panels of each side share the height as tabs, so each gets all of it."""
        width, height = max(self.width(), 800), self.height()
        compact = height < 900
        left, right = (self.case_dock, self.codebook_dock), (self.list_dock, self.reels_dock)
        if compact:
            self.tabifyDockWidget(self.case_dock, self.codebook_dock)
            self.tabifyDockWidget(self.list_dock, self.reels_dock)
            self.codebook_dock.raise_()
            self.reels_dock.raise_()
        else:
            self.resizeDocks(list(left), [300, 500], Qt.Orientation.Vertical)
            self.resizeDocks(list(right), [450, 350], Qt.Orientation.Vertical)
        self.resizeDocks([self.case_dock, self.list_dock],
                         [int(width * 0.24), int(width * 0.3)], Qt.Orientation.Horizontal)

    def _show_docks(self, visible: bool) -> None:
        for dock in (self.case_dock, self.codebook_dock, self.list_dock, self.reels_dock):
            dock.setVisible(visible)

    def _build_menus(self) -> None:
        """Menus and their shortcuts from the one table of actions (gui/actions.py)."""
        bar = self.menuBar()
        self.menus = {name: bar.addMenu(f"&{name}") for name in actions.MENUS}
        self.actions_by_id: dict[str, QAction] = {}
        for row in actions.ACTIONS:
            if row.scope != "window" or not row.menu:
                continue
            menu = self.menus[row.menu]
            if row.separator_before:
                menu.addSeparator()
            handler: Callable[..., object] = getattr(self, row.handler)
            self.actions_by_id[row.id] = self._action(
                menu, row.label, partial(handler, *row.args), list(row.keys))
            if row.id == "file.open":
                self.recent_menu = menu.addMenu("Open &recent")
                self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        get = self.actions_by_id.__getitem__
        self.add_media_action, self.relink_action = get("file.add"), get("file.relink")
        self.copy_action, self.close_action = get("file.copy"), get("file.close")
        self.undo_action, self.redo_action = get("edit.undo"), get("edit.redo")
        self.record_action = get("case.record")
        self.play_clip_action, self.loop_clip_action = get("play.clip"), get("play.loop")
        self.case_menu, self.view_menu = self.menus["Case"], self.menus["View"]
        self.interchange = InterchangeMenu(self, get("file.export_tags"),
                                           get("file.import_tags"), get("reels.timeline"))
        self.view_menu.addSeparator()
        for dock in (self.case_dock, self.codebook_dock, self.list_dock, self.reels_dock):
            self.view_menu.addAction(dock.toggleViewAction())
        self._update_actions()

    def _action(self, menu: object, text: str, slot: Callable[[], object],
                shortcut: QKeySequence.StandardKey | str | list[str] | None = None) -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, list):
            action.setShortcuts([QKeySequence(k) for k in shortcut])
        elif shortcut is not None:
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
            session = case_crypto_dialogs.create_case(self, path, name.strip())
        except VigError as exc:
            self._error("Could not create the case project", exc)
            return
        if session is not None:
            self._set_session(session)

    def open_project_dialog(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "Open case project", "", PROJECT_FILTER)
        if chosen:
            self.open_project(Path(chosen))

    def open_project(self, path: Path, *, read_only: bool = False,
                     check_location: bool = True) -> bool:
        """Open ``path``; warn about risky places; if another window has it, offer read-only."""
        keys = None  # an encrypted case's keys, when a local copy was made with them
        if check_location and not read_only:
            choice = choose_how_to_open(self, path)
            if choice is None:
                return False
            path, read_only, keys = choice
        try:
            session = case_crypto_dialogs.open_case(self, path, read_only=read_only, keys=keys)
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
        if session is None:  # the passphrase was not given
            return False
        if offer_erase(self, session):  # past its retention date: erased (or not opened)
            return False
        self._set_session(session)
        for notice in session.project.notices:  # e.g. another case's journal was set aside
            QMessageBox.warning(self, "Case project", notice)
        if wants_relink(self, session):
            self.relink_dialog()
        from vigstudio.gui.files.protection import offer_copy_in  # encrypted cases only

        offer_copy_in(self, session, self.statusBar().showMessage, self._relinked_one)
        return True

    def _relinked_one(self, recording_id: int) -> None:
        self._relinked([recording_id])

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
        from vigstudio.app.recovery import recover

        try:
            report = recover(path, Path(chosen), keys=case_crypto_dialogs.ask_keys(self, path))
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
        if self.adding is not None:
            self.adding.stop()
            self.adding = None
        if self.media_watch is not None:
            self.media_watch.stop()
            self.media_watch.deleteLater()
            self.media_watch = None
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
        self._set_dock(self.case_dock, self.case_panel)
        self.codebook_dock.setWidget(_Hint("The codebook appears with a recording."))
        self.list_dock.setWidget(_Hint("Tagged moments, clips and stills appear here."))
        self._set_dock(self.reels_dock, self._build_reels_panel())
        self._show_docks(True)
        self._arrange_docks()
        self.media_watch = MediaWatcher(session, self)
        self.media_watch.changed.connect(self.case_panel.refresh)
        self.media_watch.cameBack.connect(self._came_back)
        title = session.case().name
        self.setWindowTitle(f"{title} — VIG Studio" + (" (read-only)" if session.read_only
                                                        else ""))
        self.statusBar().showMessage(
            f"{session.path}  ·  opened read-only: you can look, nothing can be changed"
            if session.read_only else f"{session.path}  ·  every change is saved as you make it")
        self._update_actions()
        online = [r.id for r in session.recordings()
                  if r.id is not None and session.recording_status(r.id)
                  is not RecordingStatus.OFFLINE]
        first = online[0] if online else next((r.id for r in session.recordings()), None)
        last = recent.last_recording(session.path)
        if last is not None and last in {r.id for r in session.recordings()}:
            first = last  # where the practitioner left off
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
        from vigstudio.gui.reels.export_dialog import ExportDialog

        assert self.session is not None
        dialog = ExportDialog(self.session, reel_id, self)
        dialog.exec()
        if dialog.result_message:
            self.statusBar().showMessage(dialog.result_message, 10_000)

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
            player.load(session.media_source(recording_id), recording.info)
        except VigError as exc:
            self.statusBar().showMessage(str(exc))
        self.selection = AnnotationSelection(self)
        self.tagging = TaggingController(session, player, recording_id, self.selection, self)
        self.tagging.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.tagging.install_shortcuts(self)
        self.timeline = TimelineView(session, player, recording_id, self.selection, self)
        self.timeline.message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.tagging.markInChanged.connect(self.timeline.canvas.set_mark_in)
        self.timeline.canvas.trimEdge.connect(self.player_widget.set_trim_edge)
        self.timeline_area.addWidget(self.timeline)
        self.timeline_area.setCurrentWidget(self.timeline)
        self._set_dock(self.codebook_dock,
                       CodebookPanel(session, self.tagging, self.selection, self))
        self._set_dock(self.list_dock,
                       AnnotationList(session, player, recording_id, self.selection, self))
        if self.case_panel is not None:
            self.case_panel.set_current(recording_id)
        recent.remember_recording(session.path, recording_id)
        self._update_actions()
        self.player_widget.setFocus()

    def _teardown_recording(self) -> None:
        # the panels stop listening now, not when Qt deletes them: this may run while the
        # session is still announcing the change that removed the recording
        for panel in (self.timeline, self.tagging, self.codebook_dock.widget(),
                      self.list_dock.widget()):
            detach(panel)
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

    def _came_back(self, recording_id: int) -> None:
        """A recording's file is there again: reload it if it is the one on screen."""
        if (recording_id == self.recording_id and self.player is not None
                and self.player.offline and self.session is not None):
            self.recording_id = None
            self.show_recording(recording_id)
            self.statusBar().showMessage(
                f"{self.session.recording(recording_id).display_title} is back online.", 6000)

    def check_media(self) -> None:
        if self.media_watch is not None:
            self.media_watch.check()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.check_media()
        super().changeEvent(event)

    def selected_clip_range(self) -> FrameRange | None:
        """The selected clip's frames (the first one if several are selected)."""
        if self.session is None or self.selection is None or not self.selection.clips:
            return None
        return self.session.clip(min(self.selection.clips)).range

    def play_selected_clip(self, *, loop: bool = False) -> None:
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
        if files:
            self.add_recordings([Path(f) for f in files])

    def add_recordings(self, files: list[Path]) -> RecordingAdder | None:
        """Check the files, ask once whether to copy them, add them: in jobs, with progress
        and Cancel (gui/files/adding.py); the window then shows the last one added."""
        if self.session is None:
            return None
        if self.adding is not None and self.adding.running:
            self.statusBar().showMessage("Recordings are still being added: wait for them, or "
                                         "Cancel.", 5000)
            return None
        self.adding = RecordingAdder(self.session, self,
                                     lambda text: self.statusBar().showMessage(text))
        self.adding.finished.connect(self._recordings_added)
        self.adding.start(files)
        return self.adding

    def _recordings_added(self, added: list[int]) -> None:
        adder, self.adding = self.adding, None
        if adder is not None:
            adder.deleteLater()
        if added and self.session is not None:
            self.show_recording(added[-1])

    def save_copy_dialog(self) -> None:
        if self.session is None:
            return
        chosen, _ = QFileDialog.getSaveFileName(self, "Save a copy as", "", PROJECT_FILTER)
        if not chosen:
            return
        try:
            from vigstudio.app.export_target import check_copy_target

            check_copy_target(self.session, Path(chosen))
            dest = self.session.save_copy(Path(chosen), overwrite=True)
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
        gone = (self.recording_id is not None and self.session is not None
                and change.touches(EntityKind.RECORDING)
                and self.recording_id not in {r.id for r in self.session.recordings()})
        if gone:  # undoing the import of the recording on screen
            self._teardown_recording()
        if self.case_panel is not None:
            self.case_panel.on_change(change)
        if gone and self.session is not None:
            left = [r.id for r in self.session.recordings() if r.id is not None]
            if left:
                self.show_recording(left[0])
            elif self.player is not None:
                self.player.unload()
        self._update_actions()
        if change.label:
            verb = {"undo": "Undone: ", "redo": "Redone: "}.get(change.origin.value, "Saved: ")
            self.statusBar().showMessage(verb + change.label, 4000)

    def _update_actions(self) -> None:
        s = self.session
        open_ = s is not None
        writable = open_ and not s.read_only  # type: ignore[union-attr]
        for row in actions.ACTIONS:
            action = self.actions_by_id.get(row.id)
            if action is not None and row.needs:
                action.setEnabled(writable if row.needs == "writable" else open_)
        self.undo_action.setEnabled(bool(s and s.can_undo))
        self.redo_action.setEnabled(bool(s and s.can_redo))
        self.undo_action.setText(f"&Undo {s.undo_label}" if s and s.undo_label else "&Undo")
        self.redo_action.setText(f"&Redo {s.redo_label}" if s and s.redo_label else "&Redo")
        if hasattr(self, "interchange"):
            self.interchange.update()

    # --- help ---------------------------------------------------------------------------

    def shortcuts_html(self) -> str:
        """Every key: the table of actions, and this case's codebook and participant keys."""
        extra: dict[str, list[tuple[str, str]]] = {}
        if self.session is not None:
            extra["codebook"] = [(p.shortcut, f"Tag the frame on screen: {p.name}")
                                 for p in self.session.principles() if p.shortcut]
            extra["people"] = [(f"Ctrl+{i + 1}", f"Tag for {p.pseudonym} ({p.role.value})")
                               for i, p in enumerate(self.session.participants()[:9])]
        return actions.help_html(extra)

    def show_shortcuts(self) -> None:
        """F1: every key, in a window that scrolls and can stay open beside the work."""
        self.shortcuts_box = actions.KeyboardHelp(self.shortcuts_html(), self)
        self.shortcuts_box.show()

    def preferences_dialog(self) -> None:
        from vigstudio.gui.preferences import PreferencesDialog

        PreferencesDialog(self).exec()

    def _preferences_changed(self, _prefs: object) -> None:
        """Panels show the new time format at once: rebuild the recording's panels."""
        if self.session is None or self.recording_id is None:
            return
        current = self.recording_id
        self._teardown_recording()
        self.show_recording(current)
        reels = self.reels_dock.widget()
        if isinstance(reels, ReelsPanel):
            reels.refresh()
        if self.player_widget is not None:
            self.player_widget.refresh_readout()

    def _selected_one(self) -> tuple[str, int] | None:
        sel = self.selection
        if sel is None:
            return None
        if len(sel.clips) == 1 and not sel.stills:
            return "clip", next(iter(sel.clips))
        if len(sel.stills) == 1 and not sel.clips:
            return "still", next(iter(sel.stills))
        return None

    def rename_selected(self) -> None:
        """F2: the selected clip's title or still's caption."""
        from vigstudio.gui.annotations.naming import rename

        chosen = self._selected_one()
        if self.session is None or chosen is None:
            self.statusBar().showMessage("Select one clip or still to rename it.", 5000)
            return
        rename(self.session, self, *chosen)

    def edit_selected_note(self) -> None:
        from vigstudio.gui.annotations.naming import edit_note

        chosen = self._selected_one()
        if self.session is None or chosen is None or chosen[0] != "clip":
            self.statusBar().showMessage("Select one clip to edit its note.", 5000)
            return
        edit_note(self.session, self, chosen[1])

    def loop_selected_clip(self) -> None:
        self.play_selected_clip(loop=True)

    def zoom_picture(self, how: str) -> None:
        if self.player_widget is not None:
            view = self.player_widget.picture
            {"in": view.zoom_in, "out": view.zoom_out, "fit": view.reset_zoom}[how]()

    # --- shared review (rows of the actions table) ----------------------------------------

    def present_reel(self) -> None:
        from vigstudio.gui.presenter.menus import present_from_editor

        present_from_editor(self)

    def open_case_overview(self) -> None:
        from vigstudio.gui.presenter.menus import open_overview

        open_overview(self)

    def edit_traject_plan(self) -> None:
        from vigstudio.gui.presenter.menus import edit_traject_plan

        edit_traject_plan(self)

    def export_review_summary(self) -> None:
        from vigstudio.gui.presenter.menus import export_review_summary

        export_review_summary(self)

    # --- interchange (rows of the actions table) ------------------------------------------

    def export_tags_dialog(self) -> None:
        self.interchange.export_tags_dialog()

    def import_tags_dialog(self) -> None:
        self.interchange.import_tags_dialog()

    def export_timeline_dialog(self) -> None:
        self.interchange.export_timeline_dialog()

    def show_about(self) -> None:
        from vigstudio.gui.help.about import AboutDialog

        AboutDialog(self.session.path if self.session else None, self).exec()

    def show_self_check(self) -> None:
        from vigstudio.gui.help.selfcheck_dialog import SelfCheckDialog

        SelfCheckDialog(self).exec()

    def _error(self, title: str, exc: VigError) -> None:
        QMessageBox.warning(self, title, str(exc))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.close_project()
        super().closeEvent(event)
