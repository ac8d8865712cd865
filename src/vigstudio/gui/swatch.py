"""A small square of colour: a principle's or a participant's colour in lists and menus."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon, QPixmap

__all__ = ["swatch"]


def swatch(colour: str, size: int = 14) -> QIcon:
    """An icon filled with ``colour`` (any name or ``#rrggbb`` Qt understands)."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)
