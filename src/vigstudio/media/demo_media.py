"""The demo film: a short generated 'family film' for the demo case (``vigstudio demo``).

Two figures, a parent and a child, take turns passing a ball; a tone marks each turn. Every
frame carries its own index as a pixel barcode in a thin strip along the bottom edge, so the
demo can be checked frame by frame (:func:`vigstudio.testing.synth.read_barcode`).

The barcode is a row of black/white cells spanning the full width of the upright picture:

    [W B] [20 index bits, most significant first] [4 check bits] [B W]

The two guard pairs give a reader its black and white reference levels, and the check
nibble (the sum of the index's nibbles, mod 16) rejects misreads. Cells are big (~23 px at
640 px wide), so the code survives lossy compression and scaling to a quarter of the size.

The barcode drawing and the PyAV encoding helpers here are shared with the test-media
synthesiser (:mod:`vigstudio.testing.synth`, test machinery, which may import the product;
never the other way round).
"""

from __future__ import annotations

import math
from fractions import Fraction
from pathlib import Path

import av
import cv2
import numpy as np
import numpy.typing as npt

__all__ = [
    "BANDS",
    "BARCODE_BITS",
    "BOTTOM_BAND",
    "CELLS",
    "CHECK_BITS",
    "GUARD_END",
    "GUARD_START",
    "RGB",
    "TOP_BAND",
    "add_audio_stream",
    "add_video_stream",
    "check_nibble",
    "draw_barcode",
    "encode_audio",
    "format_options",
    "make_demo_recording",
    "video_options",
]

BARCODE_BITS = 20
CHECK_BITS = 4
GUARD_START = (1, 0)  # white, black
GUARD_END = (0, 1)  # black, white
CELLS = len(GUARD_START) + BARCODE_BITS + CHECK_BITS + len(GUARD_END)

# Bands (top, bottom) as fractions of the picture height where a barcode may sit.
TOP_BAND = (0.0, 1 / 8)
BOTTOM_BAND = (1 - 1 / 30, 1.0)
BANDS = (TOP_BAND, BOTTOM_BAND)

RGB = npt.NDArray[np.uint8]


def check_nibble(index: int) -> int:
    total = 0
    value = index
    while value:
        total += value & 0xF
        value >>= 4
    return total & 0xF


def _cells_for(index: int) -> list[int]:
    if not 0 <= index < (1 << BARCODE_BITS):
        raise ValueError(f"frame index {index} does not fit in {BARCODE_BITS} bits")
    bits = [(index >> (BARCODE_BITS - 1 - i)) & 1 for i in range(BARCODE_BITS)]
    check = check_nibble(index)
    check_bits = [(check >> (CHECK_BITS - 1 - i)) & 1 for i in range(CHECK_BITS)]
    return [*GUARD_START, *bits, *check_bits, *GUARD_END]


def draw_barcode(rgb: RGB, index: int, *, band: tuple[float, float] = TOP_BAND) -> None:
    """Draw ``index`` as a barcode into ``rgb`` (H×W×3, modified in place) in ``band``."""
    height, width = rgb.shape[:2]
    y0 = round(band[0] * height)
    y1 = max(y0 + 1, round(band[1] * height))
    for i, cell in enumerate(_cells_for(index)):
        x0 = round(i * width / CELLS)
        x1 = round((i + 1) * width / CELLS)
        rgb[y0:y1, x0:x1] = 255 if cell else 0


def _luma(rgb: npt.NDArray[np.generic]) -> npt.NDArray[np.float64]:
    arr = np.asarray(rgb)
    if arr.ndim == 2:
        return arr.astype(np.float64)
    if arr.ndim != 3 or arr.shape[2] < 3:
        raise ValueError(f"expected an H×W×3 RGB picture, got shape {arr.shape}")
    chans = arr[..., :3].astype(np.float64)
    return 0.299 * chans[..., 0] + 0.587 * chans[..., 1] + 0.114 * chans[..., 2]


def _read_band(luma: npt.NDArray[np.float64], band: tuple[float, float]) -> int | None:
    height, width = luma.shape
    if width < CELLS * 2 or height < 4:
        return None
    top, bottom = band[0] * height, band[1] * height
    span = bottom - top
    r0 = math.floor(top + span * 0.3)
    r1 = max(r0 + 1, math.ceil(bottom - span * 0.3))
    rows = luma[r0:min(r1, height)]
    if rows.size == 0:
        return None
    profile = rows.mean(axis=0)
    levels = []
    cell_w = width / CELLS
    for i in range(CELLS):
        c0 = math.floor(i * cell_w + cell_w * 0.3)
        c1 = max(c0 + 1, math.ceil((i + 1) * cell_w - cell_w * 0.3))
        levels.append(float(profile[c0:c1].mean()))
    n_start = len(GUARD_START)
    whites = [levels[0], levels[-1]]
    blacks = [levels[1], levels[-2]]
    white, black = min(whites), max(blacks)
    if white - black < 60:
        return None
    threshold = (white + black) / 2
    margin = (white - black) * 0.2
    cells: list[int] = []
    for level in levels:
        if abs(level - threshold) < margin:
            return None
        cells.append(1 if level > threshold else 0)
    if tuple(cells[:n_start]) != GUARD_START or tuple(cells[-len(GUARD_END):]) != GUARD_END:
        return None
    payload = cells[n_start:n_start + BARCODE_BITS]
    check_cells = cells[n_start + BARCODE_BITS:n_start + BARCODE_BITS + CHECK_BITS]
    index = 0
    for bit in payload:
        index = (index << 1) | bit
    check = 0
    for bit in check_cells:
        check = (check << 1) | bit
    if check != check_nibble(index):
        return None
    return index


def _content_box(luma: npt.NDArray[np.float64]) -> tuple[int, int, int, int] | None:
    """The box inside uniform bars (letterbox/pillarbox) around a picture, if there are bars."""
    corner = luma[0, 0]
    differs = np.abs(luma - corner) > 12
    rows = np.flatnonzero(differs.any(axis=1))
    cols = np.flatnonzero(differs.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return None
    y0, y1, x0, x1 = int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1
    if (y0, y1, x0, x1) == (0, luma.shape[0], 0, luma.shape[1]):
        return None
    return y0, y1, x0, x1


def read_barcode(rgb: npt.NDArray[np.generic]) -> int:
    """Read the frame index from an upright RGB picture (any size, possibly scaled or lossy).

    Raises ``ValueError`` when no valid barcode is found.
    """
    luma = _luma(rgb)
    candidates = [luma]
    box = _content_box(luma)
    if box is not None:
        y0, y1, x0, x1 = box
        candidates.append(luma[y0:y1, x0:x1])
    for picture in candidates:
        for band in BANDS:
            index = _read_band(picture, band)
            if index is not None:
                return index
    raise ValueError("no valid frame barcode in the picture")


# --- picture content ------------------------------------------------------------------


def add_audio_stream(container: av.container.OutputContainer, sample_rate: int,
                      channels: int) -> av.audio.stream.AudioStream:
    stream = container.add_stream("aac", rate=sample_rate)
    stream.codec_context.layout = "mono" if channels == 1 else "stereo"
    stream.codec_context.format = "fltp"
    stream.codec_context.bit_rate = 96_000
    return stream


def encode_audio(container: av.container.OutputContainer, stream: av.audio.stream.AudioStream,
                  samples: npt.NDArray[np.float32], channels: int) -> None:
    sample_rate = stream.codec_context.sample_rate
    chunk = 1024
    layout = "mono" if channels == 1 else "stereo"
    for start in range(0, len(samples), chunk):
        block = samples[start:start + chunk]
        planar = np.ascontiguousarray(np.tile(block[None, :], (channels, 1)))
        frame = av.AudioFrame.from_ndarray(planar, format="fltp", layout=layout)
        frame.sample_rate = sample_rate
        frame.pts = start
        frame.time_base = Fraction(1, sample_rate)
        container.mux(stream.encode(frame))
    container.mux(stream.encode(None))


# --- writers ---


def video_options(codec: str, gop: int, crf: int | None) -> dict[str, str]:
    if codec == "libx264":
        return {"preset": "veryfast", "crf": str(23 if crf is None else crf),
                "x264-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:log-level=error"}
    if codec == "libx265":
        return {"preset": "ultrafast", "crf": str(26 if crf is None else crf),
                "x265-params": f"keyint={gop}:min-keyint={gop}:scenecut=0:log-level=error"}
    return {}


def format_options(path: Path) -> dict[str, str]:
    return {"movflags": "+faststart"} if path.suffix.lower() in (".mp4", ".mov") else {}


def add_video_stream(container: av.container.OutputContainer, codec: str, rate: Fraction,
                      width: int, height: int) -> av.video.stream.VideoStream:
    stream = container.add_stream(codec, rate=rate)
    if not isinstance(stream, av.video.stream.VideoStream):
        raise ValueError(f"{codec!r} is not a video codec")
    stream.width = width
    stream.height = height
    stream.pix_fmt = "yuv420p"
    return stream


# --- demo film ------------------------------------------------------------------------


def _draw_figure(img: RGB, x: int, ground: int, size: float, facing: float, *,
                 body: tuple[int, int, int], skin: tuple[int, int, int]) -> tuple[int, int]:
    """A stylised person; ``facing`` in [-1, 1] (left…right). Returns the hand position."""
    head_r = int(18 * size)
    body_h = int(70 * size)
    body_w = int(44 * size)
    top = ground - body_h - 2 * head_r
    cv2.ellipse(img, (x, ground - body_h // 2), (body_w // 2, body_h // 2), 0, 0, 360, body, -1,
                cv2.LINE_AA)
    head = (x + int(facing * 4 * size), top + head_r)
    cv2.circle(img, head, head_r, skin, -1, cv2.LINE_AA)
    eye_dx = int(facing * head_r * 0.45)
    eye = (head[0] + eye_dx, head[1] - head_r // 5)
    cv2.circle(img, eye, max(2, head_r // 7), (40, 40, 60), -1, cv2.LINE_AA)
    mouth = (head[0] + int(facing * head_r * 0.5), head[1] + head_r // 3)
    cv2.ellipse(img, mouth, (max(2, head_r // 4), max(1, head_r // 8)), 0, 0, 180,
                (150, 60, 60), max(1, head_r // 10), cv2.LINE_AA)
    hand = (x + int(facing * (body_w // 2 + 14 * size)), ground - int(body_h * 0.55))
    cv2.line(img, (x, ground - int(body_h * 0.7)), hand, body, max(3, int(9 * size)), cv2.LINE_AA)
    cv2.circle(img, hand, max(3, int(6 * size)), skin, -1, cv2.LINE_AA)
    return hand


def _demo_background(width: int, height: int) -> RGB:
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    sky = np.array([200, 225, 240], np.float32)
    wall = np.array([245, 232, 210], np.float32)
    img = (sky * (1 - ys) + wall * ys) * np.ones((1, width, 1), np.float32)
    floor = int(height * 0.78)
    img[floor:] = np.array([214, 190, 160], np.float32)
    out = img.astype(np.uint8)
    top_left = (int(width * 0.08), int(height * 0.12))
    bottom_right = (int(width * 0.3), int(height * 0.4))
    cv2.rectangle(out, top_left, bottom_right, (180, 210, 230), -1)  # a window
    cv2.rectangle(out, top_left, bottom_right, (250, 250, 250), 3)
    return out


def make_demo_recording(path: Path | str, seconds: int = 20, *, width: int = 640,
                        height: int = 360, rate: int = 25, barcode: bool = False) -> Path:
    """A friendly demo 'family film': a parent and a child taking turns passing a ball.

    Every two seconds the turn changes: the figure whose turn it is faces the other, the
    ball travels between their hands, and a gentle tone marks the turn (a lower tone for
    the parent, a higher one for the child). With ``barcode=True`` (the tests' demo) a thin
    barcode along the bottom edge names the frame (``vigstudio.testing.synth.read_barcode``);
    the demo a practitioner sees has none (a newcomer reads the strip as damage).
    """
    path = Path(path)
    frames = seconds * rate
    background = _demo_background(width, height)
    ground = int(height * 0.85)
    parent_x, child_x = int(width * 0.3), int(width * 0.7)
    turn_frames = 2 * rate
    with av.open(str(path), "w", options=format_options(path)) as container:
        vstream = add_video_stream(container, "libx264", Fraction(rate), width, height)
        vstream.codec_context.options = video_options("libx264", 2 * rate, 23)
        vstream.codec_context.gop_size = 2 * rate
        astream = add_audio_stream(container, 48000, 1)
        for index in range(frames):
            img = background.copy()
            turn, phase_f = divmod(index, turn_frames)
            phase = phase_f / turn_frames
            parent_turn = turn % 2 == 0
            sway = math.sin(index / rate * 2.0)
            parent_face = 1.0 if parent_turn or phase > 0.5 else 0.3 * sway
            child_face = -1.0 if (not parent_turn) or phase > 0.5 else -0.3 * sway
            p_hand = _draw_figure(img, parent_x, ground, 1.35, parent_face,
                                  body=(90, 120, 170), skin=(235, 200, 170))
            c_hand = _draw_figure(img, child_x, ground + 4, 0.85, child_face,
                                  body=(220, 130, 90), skin=(240, 205, 175))
            src, dst = (p_hand, c_hand) if parent_turn else (c_hand, p_hand)
            t = min(1.0, max(0.0, (phase - 0.25) / 0.5))
            bx = int(src[0] + (dst[0] - src[0]) * t)
            by = int(src[1] + (dst[1] - src[1]) * t - math.sin(math.pi * t) * height * 0.18)
            cv2.circle(img, (bx, by - 10), 11, (230, 70, 80), -1, cv2.LINE_AA)
            cv2.circle(img, (bx - 3, by - 14), 3, (250, 200, 200), -1, cv2.LINE_AA)
            if barcode:
                draw_barcode(img, index, band=BOTTOM_BAND)
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = index
            container.mux(vstream.encode(frame))
        container.mux(vstream.encode(None))

        sample_rate = 48000
        n = seconds * sample_rate
        tt = np.arange(n, dtype=np.float64) / sample_rate
        audio = 0.02 * np.sin(2 * np.pi * 110 * tt)
        tone_len = int(0.35 * sample_rate)
        envelope = np.sin(np.linspace(0, np.pi, tone_len)) ** 2
        for turn in range(frames // turn_frames):
            start = turn * 2 * sample_rate
            freq = 330.0 if turn % 2 == 0 else 523.25
            seg = slice(start, min(n, start + tone_len))
            length = seg.stop - seg.start
            audio[seg] += 0.4 * envelope[:length] * np.sin(2 * np.pi * freq * tt[:length])
        encode_audio(container, astream, audio.astype(np.float32), 1)
    return path
