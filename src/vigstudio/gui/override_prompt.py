"""When the consent check refuses an exit (presenter mode, review summary, timeline): show
what is missing in plain words and, where allowed, take a written reason to go ahead."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QMessageBox, QWidget

from vigstudio.errors import ConsentCheckError

__all__ = ["ask_override"]


def ask_override(parent: QWidget, title: str, exc: ConsentCheckError) -> str | None:
    """The practitioner's written reason to go ahead anyway, or None (stop; nothing leaves)."""
    if not exc.overridable:
        QMessageBox.warning(parent, title, str(exc))
        return None
    reason, ok = QInputDialog.getMultiLineText(
        parent, title, f"{exc}\n\nTo go ahead anyway, write why (it is kept in the export log):")
    reason = reason.strip()
    return reason if ok and reason else None
