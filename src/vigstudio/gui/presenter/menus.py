"""The editor's doors to the shared review: View ▸ Present reel (F5), Case ▸ Case overview,
Case ▸ Traject plan, Case ▸ Review summary. Installed into the main window by one call."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

from vigstudio.app.player import PlayerController
from vigstudio.domain.reels import Reel
from vigstudio.errors import ConsentCheckError, VigError
from vigstudio.gui.override_prompt import ask_override
from vigstudio.gui.presenter.launch import hide_while_presenting, start_presenter
from vigstudio.gui.presenter.overview import CaseOverviewDialog, TrajectPlanDialog
from vigstudio.gui.presenter.window import PresenterWindow

if TYPE_CHECKING:
    from vigstudio.gui.main_window import MainWindow

__all__ = ["install_review_actions", "present_from_editor"]


def install_review_actions(window: MainWindow) -> None:
    present = QAction("&Present reel…", window)
    present.setShortcut(QKeySequence("F5"))
    present.triggered.connect(lambda _c=False: present_from_editor(window))
    window.view_menu.addSeparator()
    window.view_menu.addAction(present)
    window.case_menu.addSeparator()
    for text, slot in (("Case &overview…", lambda: open_overview(window)),
                       ("&Traject plan…", lambda: edit_traject_plan(window)),
                       ("Review s&ummary (PDF)…", lambda: export_review_summary(window))):
        action = QAction(text, window)
        action.triggered.connect(lambda _c=False, s=slot: s())
        window.case_menu.addAction(action)


def _chosen_reel(window: MainWindow) -> Reel | None:
    session = window.session
    if session is None:
        return None
    reels = session.reels()
    panel = window.reels_dock.widget()
    current = getattr(panel, "reel", None)
    if isinstance(current, Reel):
        return current
    if len(reels) == 1:
        return reels[0]
    if not reels:
        QMessageBox.information(window, "Present reel", "There is no reel to present yet.")
        return None
    names = [r.name for r in reels]
    name, ok = QInputDialog.getItem(window, "Present reel", "Which reel?", names, 0, False)
    return reels[names.index(name)] if ok else None


def present_from_editor(window: MainWindow, *, screen: int | None = None,
                        player: PlayerController | None = None) -> PresenterWindow | None:
    """F5: the chosen reel in presenter mode; the editor is hidden until Escape."""
    session = window.session
    reel = _chosen_reel(window)
    if session is None or reel is None:
        return None
    if window.player is not None and window.player.is_playing:
        window.player.pause()
    own = player or PlayerController()
    override: str | None = None
    while True:
        try:
            presenter = start_presenter(session, reel, own, screen=screen, override=override)
            break
        except ConsentCheckError as exc:
            override = None if override else ask_override(window, "Present reel", exc)
            if override is None:
                if player is None:
                    own.close()
                return None
        except VigError as exc:
            if player is None:
                own.close()
            QMessageBox.warning(window, "Cannot present this reel", str(exc))
            return None
    if player is None:
        presenter.left.connect(own.close)
    hide_while_presenting(window, presenter)
    return presenter


def open_overview(window: MainWindow) -> CaseOverviewDialog | None:
    if window.session is None:
        return None
    dialog = CaseOverviewDialog(window.session, window)
    dialog.setModal(False)
    dialog.show()
    return dialog


def edit_traject_plan(window: MainWindow) -> None:
    if window.session is not None:
        TrajectPlanDialog(window.session, window).exec()


def export_review_summary(window: MainWindow) -> None:
    from vigstudio.gui.presenter.review_sheet import start_review_summary

    session = window.session
    if session is None:
        return
    reviews = session.shared_reviews()
    if not reviews:
        QMessageBox.information(window, "Review summary", "There is no shared review yet.")
        return
    labels = [f"Cycle {session.cycle(r.cycle_id).number} · {r.held_on:%d %b %Y}"
              for r in reviews]
    label, ok = QInputDialog.getItem(window, "Review summary", "Which shared review?",
                                     labels, len(labels) - 1, False)
    if not ok:
        return
    review = reviews[labels.index(label)]
    chosen, _ = QFileDialog.getSaveFileName(window, "Save the review summary",
                                            f"review-{review.held_on.isoformat()}.pdf",
                                            "PDF (*.pdf)")
    if not chosen:
        return
    def done(path: Path | None, message: str) -> None:
        if path is None:
            QMessageBox.warning(window, "Could not write the review summary", message)
        else:
            window.statusBar().showMessage(f"Wrote the review summary {path.name}.", 6000)

    override: str | None = None
    while True:
        try:
            start_review_summary(window, session, review.id or 0, Path(chosen),
                                 override=override, done=done)
            window.statusBar().showMessage("Preparing the review summary…")
            break
        except ConsentCheckError as exc:
            override = None if override else ask_override(window, "Review summary", exc)
            if override is None:
                return
        except VigError as exc:
            QMessageBox.warning(window, "Could not write the review summary", str(exc))
            return
    window.statusBar().showMessage(f"Review summary saved: {chosen}", 6000)
