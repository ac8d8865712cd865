"""Naming clips and stills in the GUI (F2, double-click, context menus): a clip's title and
note, a still's caption. Each is one undoable session edit."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from vigstudio.app.session import CaseSession
from vigstudio.errors import VigError


def rename(session: CaseSession, parent: QWidget, kind: str, entity_id: int) -> bool:
    """Ask for a new title (clip) or caption (still); True if changed."""
    try:
        if kind == "clip":
            clip = session.clip(entity_id)
            text, ok = QInputDialog.getText(parent, "Rename clip",
                                            "Title (what the clip shows, e.g. “Waiting for "
                                            "Sam's turn”):", text=clip.title)
            if ok and text.strip() != clip.title:
                session.set_clip_title(entity_id, text.strip())
                return True
        else:
            still = session.still(entity_id)
            text, ok = QInputDialog.getText(parent, "Rename still",
                                            "Caption (e.g. “Eye contact”):", text=still.caption)
            if ok and text.strip() != still.caption:
                session.update_still(replace(still, caption=text.strip()))
                return True
    except VigError as exc:
        QMessageBox.warning(parent, "Could not rename", str(exc))
    return False


def edit_note(session: CaseSession, parent: QWidget, clip_id: int) -> bool:
    """Ask for a clip's note (shown as its caption in reels)."""
    try:
        clip = session.clip(clip_id)
        text, ok = QInputDialog.getMultiLineText(
            parent, "Clip note", "Note (what happens here; offered as the reel caption):",
            clip.caption)
        if ok and text.strip() != clip.caption:
            session.set_clip_caption(clip_id, text.strip())
            return True
    except VigError as exc:
        QMessageBox.warning(parent, "Could not change the note", str(exc))
    return False
