"""Drawing a still's marks (arrow, circle, short text) onto its picture, the same way for the
PNG stills, the feedback sheet, the reel and the preview: bright yellow with a dark outline
so they read on any picture; sizes follow the picture's height."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from vigstudio.domain.annotations import MARK_SCALE, Mark, MarkKind
from vigstudio.media.captions import _font

__all__ = ["draw_marks"]

RGB = npt.NDArray[np.uint8]
COLOUR = (255, 214, 10)
OUTLINE = (20, 20, 20)


def _point(mark_x: int, mark_y: int, width: int, height: int) -> tuple[int, int]:
    return (round(mark_x * (width - 1) / MARK_SCALE), round(mark_y * (height - 1) / MARK_SCALE))


def draw_marks(rgb: RGB, marks: Sequence[Mark]) -> RGB:
    """A copy of ``rgb`` (H×W×3 uint8, upright) with ``marks`` drawn on it."""
    import cv2  # here, not at import: the export's child starts without it (70 ms)

    if not marks:
        return rgb
    out = np.ascontiguousarray(rgb).copy()
    height, width = out.shape[:2]
    thick = max(2, round(height / 120))
    for mark in marks:
        tip = _point(mark.x, mark.y, width, height)
        other = _point(mark.x2, mark.y2, width, height)
        if mark.kind is MarkKind.ARROW:
            length = max(1.0, math.dist(tip, other))
            head = min(0.4, max(0.1, height / 18 / length))
            for colour, extra in ((OUTLINE, 2), (COLOUR, 0)):
                cv2.arrowedLine(out, other, tip, colour, thick + extra, cv2.LINE_AA,
                                tipLength=head)
        elif mark.kind is MarkKind.CIRCLE:
            radius = max(3, round(math.dist(tip, other)))
            for colour, extra in ((OUTLINE, 2), (COLOUR, 0)):
                cv2.circle(out, tip, radius, colour, thick + extra, cv2.LINE_AA)
    texts = [m for m in marks if m.kind is MarkKind.TEXT]
    if texts:
        image = Image.fromarray(out, "RGB")
        draw = ImageDraw.Draw(image)
        size = max(12, round(height / 18))
        font = _font(size)
        for mark in texts:
            x, y = _point(mark.x, mark.y, width, height)
            draw.text((x, y), mark.text, font=font, fill=COLOUR, anchor="mm",
                      stroke_width=max(1, size // 10), stroke_fill=OUTLINE)
        out = np.asarray(image, dtype=np.uint8).copy()
    return out
