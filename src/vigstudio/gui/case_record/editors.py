"""The case record: one window to keep the case's details, participants, helping questions,
cycles and shared reviews, consent, and the parent's decision about each clip.

The dialog is a thin layer over :class:`~vigstudio.app.session.CaseSession`: each button or
field makes one session edit (one undo step, saved at once) and the dialog redraws from the
session's change notices, so undo and redo from the main window show here at once.

Use :func:`open_case_record` to open (or bring forward) the dialog at a given tab.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError
from vigstudio.gui.case_record.consent import ConsentTab, SharingTab
from vigstudio.gui.case_record.privacy import AppearsTab, ExportLogTab
from vigstudio.gui.case_record.record_tab import RecordTab
from vigstudio.gui.case_record.tabs import CaseTab, CyclesTab, ParticipantsTab, QuestionsTab
from vigstudio.gui.case_record.widgets import show_error

__all__ = ["TABS", "CaseRecordDialog", "open_case_record"]

#: Tab names accepted by :meth:`CaseRecordDialog.show_tab` and :func:`open_case_record`,
#: in the order they appear, with their titles.
TABS: dict[str, str] = {
    "case": "Case",
    "participants": "Participants",
    "questions": "Helping questions",
    "cycles": "Cycles and reviews",
    "consent": "Consent",
    "sharing": "Clip sharing",
    "appears": "Who appears",
    "exports": "Export log",
}

_ALIASES = {"helping_questions": "questions", "helping questions": "questions",
            "reviews": "cycles", "shared_reviews": "cycles", "clips": "sharing",
            "export_log": "exports", "log": "exports"}


class CaseRecordDialog(QDialog):
    """The case record, in eight tabs (see :data:`TABS`). Non-modal; closes with Close/Esc.

    ``today`` gives the date used to judge consent and retention (replaceable in tests).
    """

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.today = dt.date.today
        self.setWindowTitle(f"Case record — {session.case().name}")
        self.setModal(False)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)

        def today() -> dt.date:
            return self.today()

        self.case_tab = CaseTab(session, today, self)
        self.participants_tab = ParticipantsTab(session, today, self)
        self.questions_tab = QuestionsTab(session, today, self)
        self.cycles_tab = CyclesTab(session, today, self)
        self.consent_tab = ConsentTab(session, today, self)
        self.sharing_tab = SharingTab(session, today, self)
        self.appears_tab = AppearsTab(session, today, self)
        self.exports_tab = ExportLogTab(session, today, self)
        self.pages: dict[str, RecordTab] = dict(zip(TABS, (
            self.case_tab, self.participants_tab, self.questions_tab, self.cycles_tab,
            self.consent_tab, self.sharing_tab, self.appears_tab, self.exports_tab),
            strict=True))
        for name, page in self.pages.items():
            self.tabs.addTab(page, TABS[name])
        self.tabs.currentChanged.connect(lambda _i: self.case_tab.commit_pending())

        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet("color: palette(placeholder-text);")
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.clicked.connect(self.undo)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.undo_button)
        bottom.addWidget(close)
        layout = QVBoxLayout(self)
        if session.read_only:
            banner = QLabel("This case is open read-only: you can look, but not change.", self)
            banner.setStyleSheet("background: #fff4d6; padding: 6px;")
            layout.addWidget(banner)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)
        QShortcut(QKeySequence.StandardKey.Undo, self, self.undo)
        QShortcut(QKeySequence.StandardKey.Redo, self, self.redo)

        unsubscribe = session.subscribe(self._on_change)
        self.destroyed.connect(lambda *_: unsubscribe())
        self._show_undo()
        self.resize(820, 560)

    # --- navigation -------------------------------------------------------------------------

    def show_tab(self, name: str) -> None:
        """Bring the tab ``name`` (a key of :data:`TABS`) to the front."""
        key = _ALIASES.get(name.strip().lower(), name.strip().lower())
        if key not in self.pages:
            raise ValueError(f"no case record tab called {name!r}; tabs: {', '.join(TABS)}")
        self.tabs.setCurrentWidget(self.pages[key])

    def current_tab(self) -> str:
        page = self.tabs.currentWidget()
        return next(name for name, p in self.pages.items() if p is page)

    # --- changes ----------------------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        for page in self.pages.values():
            if change.touches(*page.kinds):
                page.refresh()
        if change.touches(*CaseTab.kinds):
            self.setWindowTitle(f"Case record — {self.session.case().name}")
        verb = {"undo": "Undone: ", "redo": "Redone: "}.get(change.origin.value, "Saved: ")
        self.status.setText(verb + change.label)
        self._show_undo()

    def _show_undo(self) -> None:
        s = self.session
        self.undo_button.setEnabled(s.can_undo and not s.read_only)
        label = s.undo_label
        self.undo_button.setText(f"Undo {label.lower()}" if label else "Undo")
        self.undo_button.setToolTip("Take back the last change (Ctrl+Z); the main window's "
                                    "Edit menu undoes the same steps")

    def undo(self) -> None:
        if self.session.can_undo and not self.session.read_only:
            self._run(self.session.undo)

    def redo(self) -> None:
        if self.session.can_redo and not self.session.read_only:
            self._run(self.session.redo)

    def _run(self, action: Callable[[], object]) -> None:
        try:
            action()
        except VigError as exc:
            show_error(self, exc)

    # --- closing ----------------------------------------------------------------------------

    def commit_pending(self) -> None:
        """Save any text still being typed (called on close and when switching tabs)."""
        if not self.session.read_only:
            self.case_tab.commit_pending()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.commit_pending()
        super().closeEvent(event)

    def done(self, result: int) -> None:
        self.commit_pending()
        super().done(result)


def open_case_record(session: CaseSession, parent: QWidget | None,
                     tab: str | None = None) -> CaseRecordDialog:
    """Show the case record for ``session`` (reusing one already open under ``parent``),
    at ``tab`` (a key of :data:`TABS`) if given. The dialog deletes itself when closed."""
    dialog: CaseRecordDialog | None = None
    if parent is not None:
        dialog = next((d for d in parent.findChildren(CaseRecordDialog)
                       if d.session is session and d.isVisible()), None)
    if dialog is None:
        dialog = CaseRecordDialog(session, parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if tab is not None:
        dialog.show_tab(tab)
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog
