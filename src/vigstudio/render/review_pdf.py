"""The review summary: a printable A4 PDF of one shared review, drawn with ``QPdfWriter``.

It shows the date, the helping question, each item shown (a still of it), the parent's words
against it (verbatim, with the time) and the next goal; nothing else (no case name, no tags,
no working points, no file names). What it shows is assembled in the application layer
(``app.review.review_sheet``: the summary and each item's picture); this module only draws
it, like the feedback sheet (:mod:`vigstudio.render.sheet_pdf`), so the command line's
``export-review`` needs no GUI package. Written to a hidden temporary file and renamed when
complete; an existing file is kept unless ``overwrite``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPageLayout, QPageSize, QPainter, QPdfWriter, QPen

from vigstudio.errors import ExportError
from vigstudio.render.sheet_pdf import (
    _ACCENT,
    _MUTED,
    _RESOLUTION,
    _TEXT,
    _ensure_gui_application,
    _font,
    _mm,
    _Pages,
    qimage_from_rgb,
)

__all__ = ["ReviewDocument", "write_review_pdf"]

_PICTURE_W = 72.0  # mm: each item's still, on the left
_WORDS = QColor(30, 60, 90)
Words = tuple[tuple[dt.datetime, str], ...]


class SummaryItem(Protocol):
    """One item of the summary (``app.review.SummaryItem`` is one)."""

    @property
    def number(self) -> int: ...
    @property
    def text(self) -> str: ...
    @property
    def words(self) -> Words: ...


class ReviewSummary(Protocol):
    """``app.review.ReviewSummary``, as far as the drawing needs it."""

    @property
    def held_on(self) -> dt.date: ...
    @property
    def helping_question(self) -> str: ...
    @property
    def items(self) -> Sequence[SummaryItem]: ...
    @property
    def next_goal(self) -> str: ...
    @property
    def unplaced_words(self) -> Words: ...


class ReviewDocument(Protocol):
    """The assembled summary (``app.review.ReviewSheet``): one picture per item (RGB; None
    when the film is not on this computer)."""

    @property
    def summary(self) -> ReviewSummary: ...
    @property
    def pictures(self) -> Sequence[npt.NDArray[np.uint8] | None]: ...


def write_review_pdf(out: Path | str, document: ReviewDocument, *,
                     overwrite: bool = False) -> Path:
    """Write the review summary as an A4 PDF at ``out``."""
    out = Path(out)
    if out.exists() and not overwrite:
        raise ExportError(f"{out} already exists; choose another name or allow replacing it.")
    if not out.parent.is_dir():
        raise ExportError(f"The folder {out.parent} does not exist.")
    _ensure_gui_application()
    images = [None if rgb is None else qimage_from_rgb(rgb) for rgb in document.pictures]
    tmp = out.parent / f".{out.name}.{os.getpid()}.part"
    try:
        _draw(tmp, document.summary, images)
        os.replace(tmp, out)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return out


def _words_text(words: tuple[tuple[dt.datetime, str], ...]) -> str:
    return "\n".join(f"{when:%H:%M}  “{text.strip()}”" for when, text in words)


def _box(pages: _Pages, label: str, text: str) -> None:
    painter = pages.painter
    inner = pages.width - _mm(10)
    label_h = pages.text_height(label, _font(9, bold=True), inner)
    text_h = pages.text_height(text, _font(13, italic=True), inner)
    height = label_h + text_h + _mm(12)
    pages.ensure(height)
    painter.fillRect(QRectF(0, pages.y, pages.width, height), _ACCENT)
    painter.setFont(_font(9, bold=True))
    painter.setPen(QPen(_MUTED))
    painter.drawText(QRectF(_mm(5), pages.y + _mm(5), inner, label_h),
                     int(Qt.TextFlag.TextWordWrap), label)
    painter.setFont(_font(13, italic=True))
    painter.setPen(QPen(_TEXT))
    painter.drawText(QRectF(_mm(5), pages.y + _mm(6) + label_h, inner, text_h),
                     int(Qt.TextFlag.TextWordWrap), text)
    pages.y += height + _mm(6)


def _draw_item(pages: _Pages, item: SummaryItem, image: QImage | None) -> None:
    painter = pages.painter
    pic_w = _mm(_PICTURE_W)
    pic_h = pic_w * 9 / 16
    if image is not None and image.width() > 0:
        pic_h = min(pic_w * image.height() / image.width(), _mm(90))
    text_x = pic_w + _mm(6)
    text_w = pages.width - text_x
    heading = f"{item.number}. {item.text}" if item.text else f"{item.number}."
    words = _words_text(item.words) if item.words else "—"
    heading_h = pages.text_height(heading, _font(11, bold=True), text_w)
    words_h = pages.text_height(words, _font(11), text_w)
    height = max(pic_h, heading_h + _mm(2) + words_h)
    pages.ensure(height + _mm(6))
    if image is None:
        painter.fillRect(QRectF(0, pages.y, pic_w, pic_h), QColor(220, 220, 220))
        painter.setFont(_font(9))
        painter.setPen(QPen(_MUTED))
        painter.drawText(QRectF(0, pages.y, pic_w, pic_h),
                         int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap),
                         "(the film is not on this computer)")
    else:
        scale = min(pic_w / image.width(), pic_h / image.height())
        w, h = image.width() * scale, image.height() * scale
        painter.drawImage(QRectF(0, pages.y, w, h), image)
    painter.setFont(_font(11, bold=True))
    painter.setPen(QPen(_TEXT))
    painter.drawText(QRectF(text_x, pages.y, text_w, heading_h),
                     int(Qt.TextFlag.TextWordWrap), heading)
    painter.setFont(_font(11))
    painter.setPen(QPen(_WORDS if item.words else _MUTED))
    painter.drawText(QRectF(text_x, pages.y + heading_h + _mm(2), text_w, words_h),
                     int(Qt.TextFlag.TextWordWrap), words)
    pages.y += height + _mm(6)


def _draw(path: Path, summary: ReviewSummary, images: list[QImage | None]) -> None:
    writer = QPdfWriter(str(path))
    writer.setResolution(_RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 16, 18, 14), QPageLayout.Unit.Millimeter)
    writer.setTitle("Shared review")
    writer.setCreator("VIG Studio")
    painter = QPainter()
    if not painter.begin(writer):
        raise ExportError(f"Could not write the PDF {path.name}.")
    try:
        day = summary.held_on.strftime("%d %B %Y").lstrip("0")
        pages = _Pages(writer, painter, f"Shared review · {day}")
        pages.draw_text("Our shared review", _font(22, bold=True), _TEXT, gap=_mm(2))
        pages.draw_text(day, _font(11), _MUTED, gap=_mm(6))
        if summary.helping_question.strip():
            _box(pages, "HELPING QUESTION", summary.helping_question.strip())
        for item, image in zip(summary.items, images, strict=True):
            _draw_item(pages, item, image)
        if summary.unplaced_words:
            pages.draw_text("Also said", _font(11, bold=True), _TEXT, gap=_mm(1))
            pages.draw_text(_words_text(summary.unplaced_words), _font(11), _WORDS,
                            gap=_mm(6))
        if summary.next_goal.strip():
            _box(pages, "NEXT GOAL", summary.next_goal.strip())
        pages.draw_footer()
    finally:
        painter.end()
