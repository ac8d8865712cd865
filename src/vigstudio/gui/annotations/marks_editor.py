"""Drawing simple marks over a still: an arrow to a look, a circle round a smile, a short text.

The marks are drawn with the same function as the exports (:func:`vigstudio.media.marks.
draw_marks`), so what the dialog shows is what the stills, the feedback sheet and the reel
preview show. Saving is one undoable edit of the still.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import numpy as np
from PySide6.QtCore import QPointF, QRect, QSize, Qt
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.pictures import RGB, draw_marks, still_rgb
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import MARK_SCALE, MARK_TEXT_MAX, Mark, MarkKind
from vigstudio.errors import VigError

__all__ = ["MarkCanvas", "MarksDialog"]


class MarkCanvas(QWidget):
    """The still with its marks; drag to draw an arrow (from tail to tip) or a circle (from
    its centre outwards), click to place a text."""

    def __init__(self, rgb: RGB, marks: tuple[Mark, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rgb = rgb
        self.marks = list(marks)
        self.kind = MarkKind.ARROW
        self._press: tuple[int, int] | None = None
        self._image: QImage | None = None
        self._keep: object = None
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._render()

    def sizeHint(self) -> QSize:
        h, w = self.rgb.shape[:2]
        size = QSize(w, h)
        size.scale(QSize(900, 560), Qt.AspectRatioMode.KeepAspectRatio)
        return size

    def _render(self) -> None:
        drawn = np.ascontiguousarray(draw_marks(self.rgb, self.marks))
        h, w = drawn.shape[:2]
        self._keep = drawn
        self._image = QImage(drawn.data, w, h, 3 * w, QImage.Format.Format_RGB888)
        self.update()

    def picture_rect(self) -> QRect:
        h, w = self.rgb.shape[:2]
        size = QSize(w, h)
        size.scale(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect((self.width() - size.width()) // 2, (self.height() - size.height()) // 2,
                     size.width(), size.height())

    def to_mark(self, pos: QPointF) -> tuple[int, int]:
        """A widget point in thousandths of the picture (clamped to it)."""
        r = self.picture_rect()
        x = (pos.x() - r.x()) / max(1, r.width() - 1) * MARK_SCALE
        y = (pos.y() - r.y()) / max(1, r.height() - 1) * MARK_SCALE
        return (min(MARK_SCALE, max(0, round(x))), min(MARK_SCALE, max(0, round(y))))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = self.to_mark(event.position())

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        start, self._press = self._press, None
        if start is None:
            return
        end = self.to_mark(event.position())
        if self.kind is MarkKind.TEXT:
            text, ok = QInputDialog.getText(self, "Text on the still",
                                            f"A short text (at most {MARK_TEXT_MAX} letters):")
            if ok and text.strip():
                self.add(Mark(MarkKind.TEXT, *start, text=text.strip()[:MARK_TEXT_MAX]))
        elif start != end:
            if self.kind is MarkKind.ARROW:
                self.add(Mark(MarkKind.ARROW, *end, *start))  # the tip is where you let go
            else:
                self.add(Mark(MarkKind.CIRCLE, *start, *end))

    def add(self, mark: Mark) -> None:
        self.marks.append(mark)
        self._render()

    def undo_last(self) -> None:
        if self.marks:
            self.marks.pop()
            self._render()

    def clear(self) -> None:
        self.marks.clear()
        self._render()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), Qt.GlobalColor.black)
        if self._image is not None:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(self.picture_rect(), self._image)
        painter.end()


class MarksDialog(QDialog):
    """Edit one still's marks; OK saves them (one undoable edit)."""

    def __init__(self, session: CaseSession, still_id: int,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.still_id = session, still_id
        still = session.still(still_id)
        self.setWindowTitle(f"Marks on “{still.caption or f'frame {still.frame}'}”")
        rgb = still_rgb(session.media_source(still.recording_id),
                        session.recording(still.recording_id).info, still.frame)
        self.canvas = MarkCanvas(rgb, still.marks, self)
        tools = QHBoxLayout()
        self.tool_group = QButtonGroup(self)
        for kind, text in ((MarkKind.ARROW, "Arrow (drag from tail to tip)"),
                           (MarkKind.CIRCLE, "Circle (drag from the centre)"),
                           (MarkKind.TEXT, "Text (click where it goes)")):
            button = QRadioButton(text, self)
            button.setChecked(kind is MarkKind.ARROW)
            button.toggled.connect(partial(self._tool_toggled, kind))
            self.tool_group.addButton(button)
            tools.addWidget(button)
        tools.addStretch(1)
        undo = QPushButton("Remove last", self)
        undo.clicked.connect(self.canvas.undo_last)
        clear = QPushButton("Remove all", self)
        clear.clicked.connect(self.canvas.clear)
        tools.addWidget(undo)
        tools.addWidget(clear)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        note = QLabel("The marks go with the still into the stills, the feedback sheet and the "
                      "reel preview.", self)
        note.setStyleSheet("color: #666;")
        layout = QVBoxLayout(self)
        layout.addLayout(tools)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def _tool_toggled(self, kind: MarkKind, on: bool) -> None:
        if on:
            self.canvas.kind = kind

    def accept(self) -> None:
        still = self.session.still(self.still_id)
        marks = tuple(self.canvas.marks)
        if marks != still.marks:
            try:
                self.session.update_still(replace(still, marks=marks))
            except VigError as exc:
                QMessageBox.warning(self, "Could not save the marks", str(exc))
                return
        super().accept()


def edit_marks(session: CaseSession, parent: QWidget, still_id: int) -> None:
    """Open the marks dialog for a still (a missing recording is said plainly)."""
    try:
        dialog = MarksDialog(session, still_id, parent)
    except VigError as exc:
        QMessageBox.warning(parent, "Cannot show the still", str(exc))
        return
    dialog.exec()
