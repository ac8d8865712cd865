"""The "Find moved recordings" dialog: list offline recordings, search a folder, relink all.

Usage from the main window::

    dialog = RelinkDialog(session, parent=self)
    if dialog.has_offline:
        dialog.exec()      # or .open(); relinking goes through the session (one undo step)

The search runs as a job (:mod:`vigstudio.gui.jobs`; it reads only the recordings'
fingerprints, never the session); relinking runs on the GUI thread through
:func:`vigstudio.app.relink.relink_found`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.jobs import Job
from vigstudio.app.relink import (
    RelinkOutcome,
    SearchResult,
    needing_relink,
    relink_found,
    search_folder,
    stored_name,
)
from vigstudio.app.session import CaseSession
from vigstudio.domain.media import Recording
from vigstudio.gui.jobs import JobRunner

__all__ = ["RelinkDialog"]


class RelinkDialog(QDialog):
    """Lists the case's offline recordings; "Search folder…" finds their files by content;
    "Relink all found" points them there in one undoable step.

    Signals: ``relinked(list[int])`` with the recording ids that are online again.
    """

    relinked = Signal(list)
    search_finished = Signal()

    COL_TITLE, COL_FILE, COL_STATUS = range(3)

    def __init__(self, session: CaseSession, parent: QWidget | None = None, *,
                 start_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.start_folder = start_folder or session.folder
        self.search_result: SearchResult | None = None
        self.outcome: RelinkOutcome | None = None
        self._jobs = JobRunner(self)
        self._job: Job[SearchResult] | None = None
        self.setWindowTitle("Find moved recordings")
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        self.table = QTreeWidget(self)
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels(["Recording", "Expected file", "Found"])
        self.table.setColumnWidth(self.COL_TITLE, 180)
        self.table.setColumnWidth(self.COL_FILE, 220)
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.search_button = QPushButton("Search folder…", self)
        self.relink_button = QPushButton("Relink all found", self)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.search_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.relink_button, QDialogButtonBox.ButtonRole.ApplyRole)
        self.search_button.clicked.connect(self._choose_folder)
        self.relink_button.clicked.connect(self.relink_all)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self.resize(680, 360)
        self.refresh()

    # --- state --------------------------------------------------------------------------

    @property
    def offline(self) -> list[Recording]:
        return needing_relink(self.session)

    @property
    def has_offline(self) -> bool:
        return bool(self.offline)

    @property
    def searching(self) -> bool:
        return self._job is not None

    def refresh(self) -> None:
        """Rebuild the list from the session (and the last search, if any)."""
        recordings = self.offline
        n = len(recordings)
        if n:
            self.intro.setText(
                f"{n} recording{'s are' if n != 1 else ' is'} not where this case expects "
                f"{'them' if n != 1 else 'it'} (moved, renamed, or on a drive that is not "
                "plugged in). Your tags and clips are safe. Choose a folder to search: "
                "files are recognised by their content, whatever their name.")
        else:
            self.intro.setText("Every recording of this case is where it should be.")
        self.table.clear()
        for rec in recordings:
            item = QTreeWidgetItem([rec.display_title, stored_name(rec), self._found_text(rec)])
            item.setData(self.COL_TITLE, Qt.ItemDataRole.UserRole, rec.id)
            item.setToolTip(self.COL_FILE, rec.path)
            last = self.search_result
            refused = last.refused.get(int(rec.id or 0)) if last else None
            if refused:
                item.setToolTip(self.COL_STATUS, "\n\n".join(m for _, m in refused))
            self.table.addTopLevelItem(item)
        last = self.search_result
        found = bool(last and any(r.id in last.found for r in recordings))
        self.relink_button.setEnabled(found and not self.searching)
        self.search_button.setEnabled(bool(recordings) and not self.searching)

    def _found_text(self, rec: Recording) -> str:
        if self.search_result is None:
            return "not searched yet"
        path = self.search_result.found.get(int(rec.id or 0))
        if path is not None:
            return str(path)
        if self.search_result.refused.get(int(rec.id or 0)):
            return "not found (a file with its name has other content)"
        return "not found in this folder"

    def found_texts(self) -> dict[int, str]:
        """Recording id -> the "Found" column's text (for tests and accessibility)."""
        out: dict[int, str] = {}
        for i in range(self.table.topLevelItemCount()):
            item = self.table.topLevelItem(i)
            if item is None:
                continue
            out[int(item.data(self.COL_TITLE, Qt.ItemDataRole.UserRole))] = \
                item.text(self.COL_STATUS)
        return out

    # --- searching ----------------------------------------------------------------------

    def _choose_folder(self) -> None:
        chosen = QFileDialog.getExistingDirectory(self, "Folder to search for the recordings",
                                                  str(self.start_folder))
        if chosen:
            self.search(Path(chosen))

    def search(self, folder: Path) -> None:
        """Search ``folder`` as a job; ``search_finished`` is emitted when done."""
        if self.searching:
            return
        self.start_folder = folder
        recordings, where, key = self.offline, Path(folder), self.session.media_key
        self._job = self._jobs.run(  # (the key: an encrypted case's own encrypted copies)
            lambda ctx: search_folder(recordings, where, cancelled=ctx.cancelled, key=key),
            name="Find moved recordings", on_success=self._searched)
        self.status.setText(f"Searching {folder}…")
        self.search_button.setEnabled(False)
        self.relink_button.setEnabled(False)

    def _stop_thread(self) -> None:
        self._jobs.stop(self._job)
        self._job = None

    def _searched(self, result: SearchResult) -> None:
        self._stop_thread()
        self.search_result = result
        wanted = self.offline
        found = sum(1 for r in wanted if r.id in result.found)
        refused = sum(1 for r in wanted if r.id not in result.found and result.refused.get(
            int(r.id or 0)))
        parts = [f"Found {found} of {len(wanted)} in {result.folder}."]
        if refused:
            parts.append(f"{refused} file{'s' if refused != 1 else ''} with the right name "
                         "but different content were not used (point at a row for why).")
        if result.cancelled:
            parts.append("The search was stopped before the end.")
        self.status.setText(" ".join(parts))
        self.refresh()
        self.search_finished.emit()

    # --- relinking ----------------------------------------------------------------------

    def relink_all(self) -> RelinkOutcome:
        """Relink every recording found (one undo step) and show the outcome."""
        if self.search_result is None:
            return RelinkOutcome()
        offline_ids = {r.id for r in self.offline}
        found = {i: p for i, p in self.search_result.found.items() if i in offline_ids}
        outcome = relink_found(self.session, found)
        self.outcome = outcome
        self.status.setText(outcome.message)
        self.refresh()
        if outcome.relinked:
            self.relinked.emit(list(outcome.relinked))
        return outcome

    def reject(self) -> None:
        self._stop_thread()
        super().reject()

    def done(self, result: int) -> None:
        self._stop_thread()
        super().done(result)
