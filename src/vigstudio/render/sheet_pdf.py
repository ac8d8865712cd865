"""The printable feedback sheet for the family: an A4 PDF of stills with captions.

Drawn with Qt's ``QPdfWriter`` and ``QPainter`` (vector text, embedded fonts, the stills as
images). It names the case only by its pseudonym. What the sheet shows is assembled in the
application layer (``app.reel_export.feedback_sheet``); this module only draws it, so the
GUI and the command line (``vigstudio export-sheet``, which imports it lazily) share one
renderer without the command line importing the GUI package.

Why Qt here and not in ``gui``: Qt's PDF writer gives vector text with embedded fonts (a
Pillow PDF would be one picture per page). ``render`` is the one package besides ``gui``
that the import contracts allow to import PySide6 (QtGui to draw; QtWidgets only to create
the application object). Works without a window: when no application object exists, a
``QApplication`` (so widgets may follow in the same process) is created on the offscreen
platform.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)
from PySide6.QtWidgets import QApplication

from vigstudio.errors import ExportError
from vigstudio.safe_write import atomic_target, check_pdf

__all__ = ["SheetDocument", "SheetStill", "write_feedback_sheet", "write_sheet"]

RGBImage = npt.NDArray[np.uint8]
SheetStill = tuple[Path | str | QImage | RGBImage, str]
"""A still for the sheet: a PNG path, a QImage or an RGB array (height × width × 3), and its
caption."""


class SheetDocument(Protocol):
    """What a feedback sheet shows (``app.reel_export.FeedbackSheet`` is one)."""

    @property
    def case_name(self) -> str: ...
    @property
    def helping_question(self) -> str: ...
    @property
    def date(self) -> dt.date: ...
    @property
    def stills(self) -> Sequence[tuple[RGBImage, str]]: ...

_RESOLUTION = 300  # dots per inch of the PDF's drawing coordinates
_TEXT = QColor(46, 58, 72)
_MUTED = QColor(110, 118, 128)
_ACCENT = QColor(244, 239, 230)
_app: QApplication | None = None


def _ensure_gui_application() -> None:
    global _app  # noqa: PLW0603 - kept alive for the process
    if QGuiApplication.instance() is None:
        _app = QApplication(["vigstudio-sheet", "-platform", "offscreen"])


def _mm(value: float) -> float:
    return value / 25.4 * _RESOLUTION


def _font(points: float, *, bold: bool = False, italic: bool = False) -> QFont:
    font = QFont("DejaVu Sans")
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def qimage_from_rgb(rgb: RGBImage) -> QImage:
    """A QImage holding its own copy of an RGB array."""
    rgb = np.ascontiguousarray(rgb)
    height, width, _ = rgb.shape
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def _load(image: Path | str | QImage | RGBImage) -> QImage:
    if isinstance(image, QImage):
        return image
    if isinstance(image, np.ndarray):
        return qimage_from_rgb(image)
    loaded = QImage(str(image))
    if loaded.isNull():
        raise ExportError(f"The still {image} cannot be read as an image.")
    return loaded


class _Pages:
    """Keeps the pen position on the page and starts new pages with a footer."""

    def __init__(self, writer: QPdfWriter, painter: QPainter, footer: str) -> None:
        self.writer = writer
        self.painter = painter
        self.footer = footer
        rect = writer.pageLayout().paintRectPixels(_RESOLUTION)
        self.width = float(rect.width())
        self.bottom = float(rect.height()) - _mm(12)
        self.y = 0.0
        self.page = 1

    def text_height(self, text: str, font: QFont, width: float | None = None) -> float:
        self.painter.setFont(font)
        bounds = self.painter.boundingRect(QRectF(0, 0, width or self.width, 1e6),
                                           int(Qt.TextFlag.TextWordWrap), text)
        return float(bounds.height())

    def draw_text(self, text: str, font: QFont, color: QColor, *, gap: float = 0.0) -> None:
        height = self.text_height(text, font)
        self.ensure(height)
        self.painter.setPen(QPen(color))
        self.painter.drawText(QRectF(0, self.y, self.width, height),
                              int(Qt.TextFlag.TextWordWrap), text)
        self.y += height + gap

    def ensure(self, height: float) -> None:
        if self.y > 0 and self.y + height > self.bottom:
            self.new_page()

    def draw_footer(self) -> None:
        self.painter.setFont(_font(8))
        self.painter.setPen(QPen(_MUTED))
        self.painter.drawText(QRectF(0, self.bottom + _mm(4), self.width, _mm(6)),
                              int(Qt.AlignmentFlag.AlignRight),
                              f"{self.footer} · {self.page}")

    def new_page(self) -> None:
        self.draw_footer()
        self.writer.newPage()
        self.page += 1
        self.y = 0.0


def write_feedback_sheet(out_pdf: Path | str, *, case_name: str, helping_question: str,
                         date: dt.date, stills: Sequence[SheetStill],
                         title: str = "What went well", overwrite: bool = False) -> Path:
    """Write an A4 PDF: the title, the case pseudonym and date, the helping question, then
    each still (scaled to the page width, at most a third of the page high) with its caption.

    ``case_name`` must be the case's pseudonym (never a real name: the sheet goes home with
    the family). Written to a hidden temporary file and renamed when complete; an existing
    file is kept unless ``overwrite``.
    """
    out = Path(out_pdf)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    images = [(_load(image), caption) for image, caption in stills]
    _ensure_gui_application()
    with atomic_target(out, overwrite=overwrite, what="the feedback sheet",
                       check=check_pdf) as tmp:
        _draw(tmp, case_name=case_name, helping_question=helping_question, date=date,
              images=images, title=title)
    return out


def write_sheet(out_pdf: Path | str, sheet: SheetDocument, *, overwrite: bool = False) -> Path:
    """Write an assembled sheet (see :func:`write_feedback_sheet`); a sheet without stills
    is refused."""
    if not sheet.stills:
        raise ExportError("This reel has no stills to put on a feedback sheet.")
    return write_feedback_sheet(out_pdf, case_name=sheet.case_name,
                                helping_question=sheet.helping_question, date=sheet.date,
                                stills=list(sheet.stills), overwrite=overwrite)


def _draw(path: Path, *, case_name: str, helping_question: str, date: dt.date,
          images: list[tuple[QImage, str]], title: str) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(_RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 16, 18, 14), QPageLayout.Unit.Millimeter)
    writer.setTitle(f"{title} — {case_name}")
    writer.setCreator("VIG Studio")
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"Could not write the PDF {path.name}.")
    try:
        pages = _Pages(writer, painter, f"{case_name} · {date.isoformat()}")
        pages.draw_text(title, _font(22, bold=True), _TEXT, gap=_mm(2))
        pages.draw_text(f"{case_name} · {date.strftime('%d %B %Y').lstrip('0')}", _font(11),
                        _MUTED, gap=_mm(6))
        if helping_question.strip():
            question = helping_question.strip()
            inner = pages.width - _mm(10)
            height = pages.text_height(question, _font(13, italic=True), inner) + _mm(10)
            pages.ensure(height)
            painter.fillRect(QRectF(0, pages.y, pages.width, height), _ACCENT)
            painter.setFont(_font(13, italic=True))
            painter.setPen(QPen(_TEXT))
            painter.drawText(QRectF(_mm(5), pages.y + _mm(5), inner, height - _mm(10)),
                             int(Qt.TextFlag.TextWordWrap), question)
            pages.y += height + _mm(8)
        max_h = pages.bottom * 0.33  # two stills fit under the header
        for image, caption in images:
            scale = min(pages.width / image.width(), max_h / image.height())
            w, h = image.width() * scale, image.height() * scale
            caption_h = pages.text_height(caption, _font(11)) if caption.strip() else 0.0
            pages.ensure(h + caption_h + _mm(3))
            target = QRectF((pages.width - w) / 2, pages.y, w, h)
            painter.drawImage(target, image)
            pages.y += h + _mm(3)
            if caption.strip():
                painter.setFont(_font(11))
                painter.setPen(QPen(_TEXT))
                painter.drawText(QRectF(0, pages.y, pages.width, caption_h),
                                 int(Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter),
                                 caption)
                pages.y += caption_h
            pages.y += _mm(8)
        pages.draw_footer()
    finally:
        painter.end()
