"""The practitioner's notes pane in presenter mode.

Against the item on screen the practitioner types what the parent says (kept verbatim, with
the time), marks which helping question the review addressed, and finishes with the next
goal. Each of these is one undoable edit of the cycle's shared review, saved at once; the
review itself is started by the first note (not by merely presenting the reel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.presenter import Presentation
from vigstudio.app.review import item_text
from vigstudio.app.session import CaseSession
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.project import SharedReview
from vigstudio.errors import VigError

__all__ = ["NotesPane"]

REVIEW_STEPS = frozenset({
    "Start shared review", "Note the parent's words", "Edit the parent's words",
    "Remove the parent's words", "Mark the helping question", "Set the next goal"})

_STYLE = """
QWidget#notes { background: #f4efe6; }
QLabel { color: #2e3a48; }
QLabel#item { font-size: 17px; font-weight: bold; }
QLabel#hint { color: #6e7680; }
QLabel#error { color: #b00020; }
QPlainTextEdit, QListWidget, QComboBox { background: white; font-size: 15px; }
QPushButton { color: #2e3a48; background: #e6dfd2; border: 1px solid #cfc6b6;
              border-radius: 6px; font-size: 15px; padding: 6px 12px; min-height: 0; }
QPushButton:hover { background: #ddd4c4; }
"""


class _GoalEdit(QPlainTextEdit):
    """The next-goal box: saved when the practitioner leaves it."""

    left = Signal()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.left.emit()


class NotesPane(QWidget):
    """The parent's words per item, the helping question addressed, the next goal."""

    escaped = Signal()  # Escape pressed in the pane: focus goes back to the presentation

    def __init__(self, session: CaseSession, presentation: Presentation, *,
                 today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.presentation = presentation
        self.today = today
        self.review_id: int | None = self._existing_review()
        self.setObjectName("notes")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)
        self._build()
        self._unsubscribe: Callable[[], None] | None = session.subscribe(self._on_change)
        self._refresh_review()

    def _existing_review(self) -> int | None:
        reel_id = self.presentation.reel.id
        assert reel_id is not None
        for review in self.session.reviews_of_reel(reel_id):
            if review.held_on == self.today():
                return review.id
        return None

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        title = QLabel("<b>Shared review — your notes</b>", self)
        self.item_label = QLabel("", self)
        self.item_label.setObjectName("item")
        self.item_label.setWordWrap(True)
        self.question_box = QComboBox(self)
        self.question_box.setToolTip("The helping question this review addressed")
        self.question_box.activated.connect(self._question_chosen)
        self.said = QListWidget(self)
        self.said.setWordWrap(True)
        self.said.setToolTip("What the parent said while this item was on screen")
        self.words = QPlainTextEdit(self)
        self.words.setPlaceholderText("What the parent says, word for word…")
        self.words.setTabChangesFocus(True)
        self.keep_button = QPushButton("Keep their words  (Ctrl+Enter)", self)
        self.keep_button.clicked.connect(self.keep_words)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.words)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.keep_words)
        self.goal = _GoalEdit(self)
        self.goal.left.connect(self.save_goal)
        self.goal.setPlaceholderText("The next goal, as agreed together…")
        self.goal.setTabChangesFocus(True)
        self.goal.setMaximumHeight(110)
        self.goal_button = QPushButton("Save the next goal", self)
        self.goal_button.clicked.connect(self.save_goal)
        self.undo_button = QPushButton("Undo", self)
        self.undo_button.clicked.connect(self.undo)
        self.error = QLabel("", self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self._lay_out(layout, title)

    def _lay_out(self, layout: QVBoxLayout, title: QLabel) -> None:
        hint = QLabel("Escape: back to the film · N: notes in and out of view", self)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        layout.addWidget(title)
        layout.addWidget(QLabel("Helping question this review addressed:", self))
        layout.addWidget(self.question_box)
        layout.addSpacing(8)
        layout.addWidget(self.item_label)
        layout.addWidget(QLabel("The parent's words against this item:", self))
        layout.addWidget(self.said, 1)
        layout.addWidget(self.words, 1)
        layout.addWidget(self.keep_button)
        layout.addSpacing(8)
        layout.addWidget(QLabel("Next goal:", self))
        layout.addWidget(self.goal)
        row = QHBoxLayout()
        row.addWidget(self.goal_button)
        row.addStretch(1)
        row.addWidget(self.undo_button)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(hint)

    # --- the review ---------------------------------------------------------------------

    @property
    def review(self) -> SharedReview | None:
        if self.review_id is None:
            return None
        review = self.session.get(EntityKind.SHARED_REVIEW, self.review_id)
        return review if isinstance(review, SharedReview) else None

    def _ensure_review(self) -> int:
        if self.review is None:
            reel_id = self.presentation.reel.id
            assert reel_id is not None
            review = self.session.start_review(reel_id, self.today())
            assert review.id is not None
            self.review_id = review.id
        assert self.review_id is not None
        return self.review_id

    def _try(self, edit: Callable[[], object]) -> bool:
        try:
            edit()
        except VigError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        return True

    # --- actions ------------------------------------------------------------------------

    def keep_words(self) -> None:
        """Save what was typed against the item on screen (verbatim, with the time)."""
        text = self.words.toPlainText()
        if not text.strip():
            return
        item_id = self.presentation.slide.item_id
        if self._try(lambda: self.session.add_item_reflection(
                self._ensure_review(), item_id, text)):
            self.words.clear()

    def save_goal(self) -> None:
        text = self.goal.toPlainText()
        review = self.review
        if review is None and not text.strip():
            return
        if review is not None and review.next_goal == text:
            return
        self._try(lambda: self.session.set_next_goal(self._ensure_review(), text))

    def _question_chosen(self, index: int) -> None:
        question_id = self.question_box.itemData(index)
        review = self.review
        if review is not None and review.helping_question_id == question_id:
            return
        self._try(lambda: self.session.set_review_question(self._ensure_review(), question_id))

    def undo(self) -> None:
        """Take back the last note of this review (never an edit made in the editor)."""
        if self.session.undo_label in REVIEW_STEPS:
            self._try(self.session.undo)
        else:
            self.error.setText("There is nothing of this review to undo.")

    def commit_pending(self) -> None:
        """Save what is still in the boxes (called when presenter mode ends)."""
        if self.words.toPlainText().strip():
            self.keep_words()
        self.save_goal()

    def shutdown(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    # --- showing ------------------------------------------------------------------------

    def show_item(self) -> None:
        p = self.presentation
        if p.index < 0:
            return
        slide = p.slide
        text = item_text(self.session, slide.item)
        kind = {"clip": "Clip", "still": "Still", "title": "Title card"}[slide.kind.value]
        self.item_label.setText(f"Item {p.index + 1} of {p.count} · {kind}"
                                + (f": {text}" if text else ""))
        self._fill_said()

    def _fill_said(self) -> None:
        self.said.clear()
        review = self.review
        if review is None or self.presentation.index < 0:
            return
        item_id = self.presentation.slide.item_id
        for r in review.reflections:
            if r.item_id == item_id:
                entry = QListWidgetItem(f"{r.noted_at.strftime('%H:%M')}  “{r.words}”")
                entry.setData(Qt.ItemDataRole.UserRole, r.id)
                self.said.addItem(entry)

    def _refresh_review(self) -> None:
        review = self.review
        self.question_box.clear()
        self.question_box.addItem("(not said)", None)
        for q in self.session.helping_questions():
            self.question_box.addItem(q.text, q.id)
        chosen = review.helping_question_id if review is not None else None
        if review is None:
            questions = self.session.helping_questions()
            chosen = questions[0].id if questions else None
        index = self.question_box.findData(chosen)
        self.question_box.setCurrentIndex(max(0, index))
        goal = review.next_goal if review is not None else ""
        if not self.goal.hasFocus() and self.goal.toPlainText() != goal:
            self.goal.setPlainText(goal)
        self._fill_said()

    def _on_change(self, change: Change) -> None:
        if change.touches(EntityKind.SHARED_REVIEW, EntityKind.HELPING_QUESTION):
            self._refresh_review()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.save_goal()
            self.escaped.emit()
            event.accept()
            return
        super().keyPressEvent(event)
