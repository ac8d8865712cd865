"""File ▸ Export tags… / Import tags… and Reels ▸ Export as timeline… (thin over
:mod:`vigstudio.app.tag_transfer`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from vigstudio.app.tag_transfer import export_tags, export_timeline, import_tags
from vigstudio.errors import ConsentCheckError, VigError
from vigstudio.gui.override_prompt import ask_override
from vigstudio.gui.reels.panel import ReelsPanel

if TYPE_CHECKING:
    from vigstudio.gui.main_window import MainWindow

# file dialog filter → export format
EXPORT_FILTERS = {
    "ELAN annotation file (*.eaf)": "eaf",
    "Spreadsheet for Excel (*.csv)": "xlsx-csv",
    "CSV, comma-separated (*.csv)": "csv",
    "TSV, tab-separated (*.tsv)": "tsv",
    "BORIS events table (*.tsv)": "boris",
}
IMPORT_FILTERS = {
    "ELAN, BORIS or spreadsheet (*.eaf *.csv *.tsv *.txt)": None,
    "ELAN annotation file (*.eaf)": "eaf",
    "BORIS tabular events (*.tsv *.csv)": "boris",
    "Spreadsheet (*.csv *.tsv)": "csv",
}
TIER_CHOICES = ("One tier per participant", "One tier per principle")


class InterchangeMenu:
    """Runs the interchange actions (File ▸ Export tags…, Import tags…, Reels ▸ Export as
    timeline…; their menu entries come from the actions table) and keeps them enabled only
    where they apply."""

    def __init__(self, window: MainWindow, export_tags: QAction, import_tags: QAction,
                 export_timeline: QAction) -> None:
        self.window = window
        self.export_tags_action = export_tags
        self.import_tags_action = import_tags
        self.export_timeline_action = export_timeline
        self.update()

    def update(self) -> None:
        s, rec = self.window.session, self.window.recording_id
        self.export_tags_action.setEnabled(s is not None and rec is not None)
        self.import_tags_action.setEnabled(s is not None and rec is not None
                                           and not s.read_only)
        self.export_timeline_action.setEnabled(s is not None and bool(s.reels()))

    def export_tags_dialog(self) -> Path | None:
        session, rec = self.window.session, self.window.recording_id
        if session is None or rec is None:
            return None
        title = session.recording(rec).display_title
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self.window, f"Export the tags of {title}", f"{Path(title).stem}-tags.eaf",
            ";;".join(EXPORT_FILTERS))
        if not chosen:
            return None
        fmt = EXPORT_FILTERS.get(chosen_filter, "eaf")
        tiers = "participant"
        if fmt == "eaf":
            choice, ok = QInputDialog.getItem(self.window, "ELAN tiers",
                                              "Moments go on:", TIER_CHOICES, 0, False)
            if not ok:
                return None
            tiers = "principle" if choice == TIER_CHOICES[1] else "participant"
        try:  # the file dialog has already asked before replacing a file
            path = export_tags(session, rec, Path(chosen), fmt, tiers=tiers, overwrite=True)
        except VigError as exc:
            self.window._error("Could not export the tags", exc)
            return None
        self.window.statusBar().showMessage(f"Tags exported: {path}", 6000)
        return path

    def import_tags_dialog(self) -> str | None:
        session, rec = self.window.session, self.window.recording_id
        if session is None or rec is None:
            return None
        title = session.recording(rec).display_title
        chosen, chosen_filter = QFileDialog.getOpenFileName(
            self.window, f"Import tags into {title}", "", ";;".join(IMPORT_FILTERS))
        if not chosen:
            return None
        # one undoable edit through the session, so on this thread; a research file of
        # thousands of annotations takes seconds: say so with the busy cursor
        self.window.statusBar().showMessage(f"Importing tags from {Path(chosen).name}…")
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = import_tags(session, rec, Path(chosen), IMPORT_FILTERS.get(chosen_filter))
        except VigError as exc:
            self.window._error("Could not import the tags", exc)
            return None
        finally:
            QApplication.restoreOverrideCursor()
            self.window.statusBar().clearMessage()
        text = str(report) + "\n\nEdit ▸ Undo takes the whole import back."
        QMessageBox.information(self.window, "Tags imported", text)
        return text

    def export_timeline_dialog(self) -> Path | None:
        session = self.window.session
        if session is None or not session.reels():
            return None
        panel = self.window.reels_dock.widget()
        reel = panel.reel if isinstance(panel, ReelsPanel) else None
        if reel is None:
            names = [r.name for r in session.reels()]
            name, ok = QInputDialog.getItem(self.window, "Export as timeline", "Reel:", names,
                                            0, False)
            if not ok:
                return None
            reel = session.reel_by_name(name)
        chosen, _ = QFileDialog.getSaveFileName(
            self.window, f"Export {reel.name} as a timeline", f"{reel.name}.otio",
            "OpenTimelineIO timeline (*.otio)")
        if not chosen:
            return None
        override: str | None = None
        while True:
            try:
                path = export_timeline(session, reel, Path(chosen), overwrite=True,
                                       override=override)
                break
            except ConsentCheckError as exc:
                override = None if override else ask_override(self.window,
                                                              "Export as timeline", exc)
                if override is None:
                    return None
            except VigError as exc:
                self.window._error("Could not export the timeline", exc)
                return None
        self.window.statusBar().showMessage(f"Timeline exported: {path}", 6000)
        return path
