"""The case overview: the traject plan against what was done, and the cycles side by side.

Each cycle shows its stills, the tagged strengths per principle and participant as a chart
(one scale for all cycles, so they can be compared), the helping questions its reviews
addressed and the next goals agreed, in order. The overview can be exported as a page (PDF)
for the record. The traject plan itself is edited in :class:`TrajectPlanDialog`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QDate, QMarginsF, QPoint, QRectF, QSize, Qt
from PySide6.QtGui import (
    QCloseEvent,
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPaintEvent,
    QPdfWriter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from vigstudio.app.changes import Change
from vigstudio.app.pictures import still_rgb
from vigstudio.app.review import CycleProgress, Picture, Progress, case_progress
from vigstudio.app.session import CaseSession
from vigstudio.domain.review import PlannedDate, TrajectPlan
from vigstudio.errors import ExportError, VigError
from vigstudio.render.sheet_pdf import _ensure_gui_application

__all__ = ["CaseOverview", "CaseOverviewDialog", "StrengthChart", "TrajectPlanDialog",
           "write_overview_page"]

_THUMB = QSize(128, 72)  # up to three side by side in a cycle's column
_STYLE = """
QWidget#overview, QWidget#cycles { background: #faf8f4; }
QFrame#cycle { background: white; border: 1px solid #e2ddd3; border-radius: 8px; }
QLabel#heading { font-size: 16px; font-weight: bold; color: #2e3a48; }
QLabel#section { color: #6e7680; font-weight: bold; margin-top: 6px; }
QLabel { color: #2e3a48; }
"""


def _thumbnail(picture: Picture, cache: dict[tuple[int, int], QPixmap]) -> QPixmap | None:
    key = (picture.recording_id, picture.frame)
    if key in cache:
        return cache[key]
    if picture.path is None:
        return None
    try:
        rgb = np.ascontiguousarray(still_rgb(picture.path, picture.info, picture.frame))
    except VigError:
        return None
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()
    pixmap = QPixmap.fromImage(image.scaled(_THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.SmoothTransformation))
    cache[key] = pixmap
    return pixmap


class StrengthChart(QWidget):
    """Bars of tagged strengths: one row per principle, one bar per participant."""

    def __init__(self, session: CaseSession, counts: dict[tuple[int, int | None], int],
                 scale: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.counts = counts
        self.scale = max(1, scale)
        self.people = [p for p in session.participants()
                       if any(k[1] == p.id for k in counts)]
        self.principles = session.principles()
        self.setMinimumHeight(self._row_h() * len(self.principles) + 24)
        self.setMinimumWidth(260)

    def _row_h(self) -> int:
        return 8 + 9 * max(1, len(self.people))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("white"))
        label_w = min(150, self.width() // 2)
        bar_w = self.width() - label_w - 34
        y = 4
        font = painter.font()
        font.setPixelSize(11)
        painter.setFont(font)
        for principle in self.principles:
            row_h = self._row_h()
            painter.setPen(QColor("#2e3a48"))
            name = painter.fontMetrics().elidedText(principle.name, Qt.TextElideMode.ElideRight,
                                                    label_w - 8)
            painter.drawText(QRectF(0, y, label_w - 6, row_h),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight),
                             name)
            for i, person in enumerate(self.people or [None]):
                count = self.counts.get((principle.id or 0,
                                         person.id if person is not None else None), 0)
                top = y + 4 + i * 9
                length = round(bar_w * count / self.scale)
                colour = QColor(person.colour if person is not None else "#808080")
                painter.fillRect(QRectF(label_w, top, max(length, 1 if count else 0), 7),
                                 colour)
                if count:
                    painter.setPen(QColor("#6e7680"))
                    painter.drawText(QRectF(label_w + length + 3, top - 3, 30, 12),
                                     int(Qt.AlignmentFlag.AlignLeft), str(count))
            y += row_h
        painter.setPen(QColor("#6e7680"))
        legend = "   ".join(f"■ {p.pseudonym}" for p in self.people) or "no strengths tagged"
        painter.drawText(QRectF(label_w, y + 2, self.width() - label_w, 16),
                         int(Qt.AlignmentFlag.AlignLeft), legend)
        x = label_w
        for person in self.people:  # colour the squares of the legend
            painter.fillRect(QRectF(x, y + 6, 8, 8), QColor(person.colour))
            x += painter.fontMetrics().horizontalAdvance(f"■ {person.pseudonym}   ")
        painter.end()


def _section(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("section")
    return label


def _list_text(lines: tuple[str, ...], empty: str) -> str:
    return "\n".join(f"• {line}" for line in lines) if lines else empty


class CycleColumn(QFrame):
    def __init__(self, session: CaseSession, cycle: CycleProgress, scale: int,
                 thumbs: dict[tuple[int, int], QPixmap], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cycle")
        self.setFixedWidth(330)
        layout = QVBoxLayout(self)
        filmed = f" · filmed {cycle.filmed_on:%d %b %Y}" if cycle.filmed_on else ""
        heading = QLabel(f"Cycle {cycle.number}{filmed}", self)
        heading.setObjectName("heading")
        layout.addWidget(heading)
        layout.addWidget(_section("Stills", self))
        stills = QHBoxLayout()
        for picture in cycle.stills[:3]:
            pixmap = _thumbnail(picture, thumbs)
            label = QLabel(self)
            if pixmap is None:
                label.setText("(film not on\nthis computer)")
            else:
                label.setPixmap(pixmap)
            stills.addWidget(label)
        if not cycle.stills:
            stills.addWidget(QLabel("no stills in this cycle's reels", self))
        stills.addStretch(1)
        layout.addLayout(stills)
        layout.addWidget(_section("Strengths per principle and participant", self))
        self.chart = StrengthChart(session, cycle.strengths, scale, self)
        layout.addWidget(self.chart)
        layout.addWidget(_section("Helping question", self))
        layout.addWidget(self._wrapped(_list_text(cycle.helping_questions, "—")))
        layout.addWidget(_section("Next goal", self))
        layout.addWidget(self._wrapped(_list_text(cycle.next_goals, "—")))
        reviews = ", ".join(f"{d:%d %b %Y}" for d in cycle.reviews_held) or "none yet"
        layout.addWidget(_section("Shared reviews", self))
        layout.addWidget(self._wrapped(reviews))
        layout.addStretch(1)

    def _wrapped(self, text: str) -> QLabel:
        label = QLabel(text, self)
        label.setWordWrap(True)
        return label


class PlanPanel(QFrame):
    """The traject plan and how far the case has come against it."""

    def __init__(self, progress: Progress, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cycle")
        plan = progress.plan.plan
        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        heading = QLabel("Traject plan", self)
        heading.setObjectName("heading")
        left.addWidget(heading)
        if plan is None:
            left.addWidget(QLabel("No traject plan agreed yet (Traject plan…).", self))
        else:
            agreed = f"agreed {plan.agreed_on:%d %b %Y}" if plan.agreed_on else ""
            left.addWidget(_section(f"Areas for change {agreed}".strip(), self))
            areas = QLabel(_list_text(plan.areas, "—"), self)
            areas.setWordWrap(True)
            left.addWidget(areas)
        left.addStretch(1)
        layout.addLayout(left, 2)
        counts = QFormLayout()
        self.bars: dict[str, QProgressBar] = {}
        for name, done, agreed_n in (
                ("Films", progress.plan.films, plan.films if plan else 0),
                ("Feedbacks", progress.plan.feedbacks, plan.feedbacks if plan else 0),
                ("Shared reviews", progress.plan.reviews, plan.reviews if plan else 0)):
            bar = QProgressBar(self)
            bar.setRange(0, max(agreed_n, done, 1))
            bar.setValue(done)
            bar.setFormat(f"{done} of {agreed_n}" if agreed_n else f"{done}")
            self.bars[name] = bar
            counts.addRow(name, bar)
        layout.addLayout(counts, 2)
        dates = QVBoxLayout()
        dates.addWidget(_section("Planned dates", self))
        planned = plan.planned if plan else ()
        lines = []
        for p in planned:
            mark = "✓" if p.on in progress.plan.done_dates else (
                "→" if p.on == progress.plan.next_date else "·")
            lines.append(f"{mark} {p.on:%d %b %Y}  {p.what}")
        text = QLabel("\n".join(lines) or "—", self)
        dates.addWidget(text)
        dates.addStretch(1)
        layout.addLayout(dates, 2)


class CaseOverview(QWidget):
    """The traject plan's progress on top, the cycles side by side below."""

    def __init__(self, session: CaseSession, *, today: Callable[[], dt.date] = dt.date.today,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.today = today
        self.setObjectName("overview")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self.setStyleSheet(_STYLE)
        self._thumbs: dict[tuple[int, int], QPixmap] = {}
        self._layout = QVBoxLayout(self)
        self.columns: list[CycleColumn] = []
        self.plan_panel: PlanPanel | None = None
        self.refresh()

    def refresh(self) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        progress = case_progress(self.session, self.today())
        title = QLabel("<h2>Progress across cycles</h2>", self)
        self._layout.addWidget(title)
        self.plan_panel = PlanPanel(progress, self)
        self._layout.addWidget(self.plan_panel)
        scale = max((n for c in progress.cycles for n in c.strengths.values()), default=1)
        row = QWidget(self)
        row.setObjectName("cycles")
        cycles = QHBoxLayout(row)
        cycles.setContentsMargins(0, 0, 0, 0)
        self.columns = [CycleColumn(self.session, c, scale, self._thumbs, row)
                        for c in progress.cycles]
        for column in self.columns:
            cycles.addWidget(column)
        if not self.columns:
            cycles.addWidget(QLabel("No cycles yet.", row))
        cycles.addStretch(1)
        self._layout.addWidget(row, 1)


class CaseOverviewDialog(QDialog):
    """Case ▸ Case overview: the overview, the traject plan, the exports."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None, *,
                 today: Callable[[], dt.date] = dt.date.today) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Case overview")
        self.resize(1240, 860)
        self.overview = CaseOverview(session, today=today)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.overview)
        buttons = QHBoxLayout()
        self.plan_button = QPushButton("Traject plan…", self)
        self.plan_button.clicked.connect(self.edit_plan)
        self.page_button = QPushButton("Export page…", self)
        self.page_button.clicked.connect(self.export_page)
        self.review_button = QPushButton("Review summary…", self)
        self.review_button.clicked.connect(self.export_review)
        for b in (self.plan_button, self.page_button, self.review_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        close = QPushButton("Close", self)
        close.clicked.connect(self.close)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._unsubscribe = session.subscribe(self._on_change)
        self.plan_button.setEnabled(not session.read_only)

    def _on_change(self, change: Change) -> None:
        self.overview.refresh()

    def edit_plan(self) -> None:
        TrajectPlanDialog(self.session, self).exec()

    def export_page(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export the case overview",
                                                "case-overview.pdf", "PDF (*.pdf)")
        if chosen:
            try:
                write_overview_page(self.session, Path(chosen), overwrite=True)
            except VigError as exc:
                QMessageBox.warning(self, "Could not export", str(exc))

    def export_review(self) -> None:
        from vigstudio.gui.presenter.review_sheet import write_review_summary

        reviews = [r for r in self.session.shared_reviews() if r.id is not None]
        if not reviews:
            QMessageBox.information(self, "Review summary", "There is no shared review yet.")
            return
        review = reviews[-1]
        chosen, _ = QFileDialog.getSaveFileName(
            self, "Save the review summary", f"review-{review.held_on.isoformat()}.pdf",
            "PDF (*.pdf)")
        if chosen:
            try:
                write_review_summary(self.session, review.id or 0, Path(chosen),
                                     overwrite=True)
            except VigError as exc:
                QMessageBox.warning(self, "Could not export", str(exc))

    def done(self, result: int) -> None:
        self._unsubscribe()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._unsubscribe()
        super().closeEvent(event)


def write_overview_page(session: CaseSession, out: Path, *, overwrite: bool = False,
                        today: dt.date | None = None) -> Path:
    """The case overview as a landscape A4 page (PDF), for the record."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    _ensure_gui_application()
    overview = CaseOverview(session, today=(lambda: today) if today else dt.date.today)
    overview.resize(max(1100, 350 * len(overview.columns) + 40), 780)
    overview.resize(overview.width(), max(780, overview.sizeHint().height()))
    tmp = out.parent / f".{out.name}.{os.getpid()}.part"
    try:
        writer = QPdfWriter(str(tmp))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setPageOrientation(QPageLayout.Orientation.Landscape)
        writer.setPageMargins(QMarginsF(10, 10, 10, 10), QPageLayout.Unit.Millimeter)
        writer.setResolution(150)
        writer.setTitle("Case overview")
        writer.setCreator("VIG Studio")
        painter = QPainter()
        if not painter.begin(writer):
            raise ExportError(f"Could not write the PDF {out.name}.")
        try:
            page = writer.pageLayout().paintRectPixels(150)
            scale = min(page.width() / overview.width(), page.height() / overview.height())
            painter.scale(scale, scale)
            overview.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        overview.deleteLater()
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return out


class TrajectPlanDialog(QDialog):
    """Agree the traject plan: areas for change, numbers of films, feedbacks and reviews,
    planned dates. Saved as one undoable edit when OK is pressed."""

    def __init__(self, session: CaseSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle("Traject plan")
        self.resize(640, 560)
        plan = session.traject_plan() or TrajectPlan()
        self.areas = QPlainTextEdit("\n".join(plan.areas), self)
        self.areas.setPlaceholderText("One area for change per line, in the family's words")
        self.films = self._spin(plan.films)
        self.feedbacks = self._spin(plan.feedbacks)
        self.reviews = self._spin(plan.reviews)
        self.agreed_on = QDateEdit(self)
        self.agreed_on.setCalendarPopup(True)
        self.agreed_on.setDisplayFormat("d MMM yyyy")
        agreed = plan.agreed_on or dt.date.today()
        self.agreed_on.setDate(QDate(agreed.year, agreed.month, agreed.day))
        self.dates = QTableWidget(0, 2, self)
        self.dates.setHorizontalHeaderLabels(("Date (YYYY-MM-DD)", "What"))
        self.dates.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        for p in plan.planned:
            self._add_date(p.on.isoformat(), p.what)
        add = QPushButton("Add date", self)
        add.clicked.connect(lambda: self._add_date(dt.date.today().isoformat(), ""))
        remove = QPushButton("Remove date", self)
        remove.clicked.connect(lambda: self.dates.removeRow(self.dates.currentRow()))
        self.error = QLabel("", self)
        self.error.setStyleSheet("color: #b00020;")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Areas for change", self.areas)
        form.addRow("Films agreed", self.films)
        form.addRow("Feedbacks agreed", self.feedbacks)
        form.addRow("Shared reviews agreed", self.reviews)
        form.addRow("Agreed on", self.agreed_on)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Planned dates", self))
        layout.addWidget(self.dates, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _spin(self, value: int) -> QSpinBox:
        box = QSpinBox(self)
        box.setRange(0, 50)
        box.setValue(value)
        return box

    def _add_date(self, on: str, what: str) -> None:
        row = self.dates.rowCount()
        self.dates.insertRow(row)
        self.dates.setItem(row, 0, QTableWidgetItem(on))
        self.dates.setItem(row, 1, QTableWidgetItem(what))

    def plan(self) -> TrajectPlan:
        """The plan as filled in; raises ValueError naming a date that cannot be read."""
        planned = []
        for row in range(self.dates.rowCount()):
            on_item, what_item = self.dates.item(row, 0), self.dates.item(row, 1)
            on_text = on_item.text().strip() if on_item is not None else ""
            what = what_item.text() if what_item is not None else ""
            try:
                on = dt.date.fromisoformat(on_text)
            except ValueError:
                raise ValueError(f"row {row + 1}: {on_text!r} is not a date like 2026-03-16") \
                    from None
            planned.append(PlannedDate(on, what))
        agreed = self.agreed_on.date()
        areas = tuple(a for a in self.areas.toPlainText().splitlines() if a.strip())
        return TrajectPlan(areas, self.films.value(),
                           self.feedbacks.value(), self.reviews.value(), tuple(planned),
                           dt.date(agreed.year(), agreed.month(), agreed.day()))

    def save(self) -> None:
        try:
            self.session.set_traject_plan(self.plan())
        except (VigError, ValueError) as exc:
            self.error.setText(str(exc))
            return
        self.accept()
