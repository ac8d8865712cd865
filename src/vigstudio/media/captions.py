"""Text burned into exported pictures: captions over video and title cards.

Text is drawn with Pillow in the first of :data:`FONT_NAMES` found on the machine (DejaVu Sans
on Linux, from the ``fonts-dejavu-core`` package that the project installs; Segoe UI or Arial
on Windows; Helvetica on macOS). Pillow's own bundled font is only the last resort: it has no
accented letters (é, ü show as boxes), measured with Pillow 13.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFont

__all__ = [
    "FONT_NAMES",
    "TITLE_BACKGROUND",
    "TITLE_TEXT",
    "CaptionOverlay",
    "font_name",
    "render_caption",
    "render_title_card",
    "wrap_text",
]

RGB = npt.NDArray[np.uint8]
Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

TITLE_BACKGROUND = (244, 239, 230)  # a calm warm off-white
TITLE_BACKGROUND_BOTTOM = (232, 224, 211)
TITLE_TEXT = (46, 58, 72)  # dark slate
TITLE_CAPTION = (96, 106, 118)


FONT_NAMES = (
    "DejaVuSans.ttf",
    "NotoSans-Regular.ttf",
    "LiberationSans-Regular.ttf",
    "segoeui.ttf",
    "arial.ttf",
    "Arial.ttf",
    "Helvetica.ttc",
)


@functools.cache
def _font_source() -> str | None:
    """The first usable font of FONT_NAMES (Pillow searches the system font folders)."""
    for name in FONT_NAMES:
        try:
            ImageFont.truetype(name, 12)
        except OSError:
            continue
        return name
    return None


@functools.cache
def _font(size: int) -> Font:
    source = _font_source()
    if source is None:
        return ImageFont.load_default(max(8, size))
    return ImageFont.truetype(source, max(8, size))


def font_name() -> str:
    """The font file captions are drawn with ("Pillow default" when no system font was found)."""
    return _font_source() or "Pillow default"


def _text_width(font: Font, text: str) -> float:
    return float(font.getlength(text))


def wrap_text(text: str, font_size: int, max_width: int) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width`` pixels (greedy, by words).

    Explicit line breaks are kept; a single word wider than the line is broken by characters.
    """
    font = _font(font_size)
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words = paragraph.split()
        line = ""
        for word in words:
            candidate = f"{line} {word}" if line else word
            if _text_width(font, candidate) <= max_width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = ""
            rest = word
            while _text_width(font, rest) > max_width and len(rest) > 1:
                cut = len(rest)
                while cut > 1 and _text_width(font, rest[:cut]) > max_width:
                    cut -= 1
                lines.append(rest[:cut])
                rest = rest[cut:]
            line = rest
        lines.append(line)
    return lines


def _line_height(font_size: int) -> int:
    return round(font_size * 1.3)


@dataclass(frozen=True)
class CaptionOverlay:
    """A caption band, premultiplied for fast blending onto frames of one size.

    ``top`` is the first row of the frame the band covers; ``color`` (H×W×3, float32, already
    multiplied by alpha) and ``keep`` (H×W×1, 1 - alpha) make blending one multiply-add.
    """

    top: int
    color: npt.NDArray[np.float32]
    keep: npt.NDArray[np.float32]

    def apply(self, rgb: RGB) -> RGB:
        """Blend the caption onto ``rgb`` (H×W×3 uint8, the frame size it was made for)."""
        bottom = self.top + self.color.shape[0]
        region = rgb[self.top:bottom].astype(np.float32)
        blended = region * self.keep + self.color
        out = rgb if rgb.flags.writeable else rgb.copy()
        out[self.top:bottom] = np.clip(blended + 0.5, 0, 255).astype(np.uint8)
        return out


def render_caption(text: str, width: int, height: int) -> CaptionOverlay | None:
    """A caption band for frames of ``width`` × ``height``: white text on a translucent box,
    centred near the bottom edge. Returns ``None`` for empty text."""
    if not text.strip():
        return None
    font_size = max(12, round(height / 20))
    margin = max(6, round(height / 30))
    pad = max(4, round(font_size * 0.4))
    lines = wrap_text(text.strip(), font_size, width - 2 * (margin + pad))[:4]
    line_h = _line_height(font_size)
    font = _font(font_size)
    box_w = min(width - 2 * margin, round(max(_text_width(font, ln) for ln in lines)) + 2 * pad)
    box_h = line_h * len(lines) + 2 * pad
    band_h = box_h + margin
    top = max(0, height - band_h)
    band_h = height - top
    image = Image.new("RGBA", (width, band_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    x0 = (width - box_w) // 2
    draw.rounded_rectangle((x0, 0, x0 + box_w, box_h), radius=pad, fill=(0, 0, 0, 150))
    for i, line in enumerate(lines):
        y = pad + i * line_h + line_h // 2
        draw.text((width / 2, y), line, font=font, fill=(255, 255, 255, 255), anchor="mm")
    rgba = np.asarray(image, dtype=np.float32)
    alpha = rgba[..., 3:4] / 255.0
    return CaptionOverlay(top, rgba[..., :3] * alpha, 1.0 - alpha)


def render_title_card(text: str, width: int, height: int, caption: str = "") -> RGB:
    """A title card: ``text`` centred in dark slate on a calm off-white gradient, with an
    optional smaller ``caption`` beneath. Returns H×W×3 uint8 RGB."""
    top = np.array(TITLE_BACKGROUND, np.float32)
    bottom = np.array(TITLE_BACKGROUND_BOTTOM, np.float32)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    background = (top * (1 - ys) + bottom * ys) * np.ones((1, width, 1), np.float32)
    image = Image.fromarray(background.astype(np.uint8), "RGB")
    draw = ImageDraw.Draw(image)
    title_size = max(14, round(height / 11))
    caption_size = max(11, round(height / 22))
    max_w = round(width * 0.8)
    title_lines = wrap_text(text.strip(), title_size, max_w)
    caption_lines = wrap_text(caption.strip(), caption_size, max_w) if caption.strip() else []
    gap = round(title_size * 0.8) if caption_lines else 0
    total = (len(title_lines) * _line_height(title_size) + gap
             + len(caption_lines) * _line_height(caption_size))
    y = (height - total) / 2
    title_font = _font(title_size)
    for line in title_lines:
        lh = _line_height(title_size)
        draw.text((width / 2, y + lh / 2), line, font=title_font, fill=TITLE_TEXT, anchor="mm")
        y += lh
    y += gap
    caption_font = _font(caption_size)
    for line in caption_lines:
        lh = _line_height(caption_size)
        draw.text((width / 2, y + lh / 2), line, font=caption_font, fill=TITLE_CAPTION,
                  anchor="mm")
        y += lh
    return np.asarray(image, dtype=np.uint8).copy()
