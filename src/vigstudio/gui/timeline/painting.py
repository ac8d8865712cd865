"""Painting the timeline with QPainter: ruler, thumbnails, waveform, lanes, clips, playhead.

Every function draws only what is visible: items are culled with ``searchsorted`` on sorted
frame arrays, and when many tags share a pixel column they are drawn as per-column counts
(aggregation) in the colour of the principle with most tags there. A frame costs the same
for 1,000 or 50,000 moments when zoomed out.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRect, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen, QPolygonF

from vigstudio.app import timeline_geometry as tg
from vigstudio.domain.annotations import Valence
from vigstudio.domain.time import FrameRange, FrameRate
from vigstudio.gui.timeline.model import TimelineData

GUTTER = 104  # left column of lane labels
RULER_H = 28
THUMB_H = 44
WAVE_H = 30
LANE_H = 22
CLIP_H = 26
STILL_H = 18
EDGE_GRAB_PX = 6  # how close to a clip edge a press starts a trim

BACKGROUND = QColor("#1f2227")
GUTTER_BG = QColor("#272b31")
LANE_BG = (QColor("#25292f"), QColor("#2a2e35"))
TEXT = QColor("#d8dde3")
DIM_TEXT = QColor("#8c949e")
PLAYHEAD = QColor("#ff5a4f")
SELECTION = QColor("#ffffff")
CLIP_FILL = QColor("#5d7fa8")
CLIP_EDGE = QColor("#a9c6ea")
STILL_FILL = QColor("#e6c84f")
MARK_IN = QColor("#5fd38d")
WAVE = QColor("#6fb5a6")


class RowKind(StrEnum):
    RULER = "ruler"
    THUMBNAILS = "thumbnails"
    WAVEFORM = "waveform"
    MOMENTS = "moments"
    CLIPS = "clips"
    STILLS = "stills"


@dataclass(frozen=True, slots=True)
class Row:
    kind: RowKind
    top: int
    height: int
    label: str
    lane: int = -1  # index into TimelineData.lanes for moment rows

    @property
    def bottom(self) -> int:
        return self.top + self.height

    def holds(self, y: float) -> bool:
        return self.top <= y < self.bottom


def layout_rows(data: TimelineData, *, thumbnails: bool, waveform: bool) -> list[Row]:
    rows = [Row(RowKind.RULER, 0, RULER_H, "")]
    y = RULER_H
    if thumbnails:
        rows.append(Row(RowKind.THUMBNAILS, y, THUMB_H, "Pictures"))
        y += THUMB_H
    if waveform:
        rows.append(Row(RowKind.WAVEFORM, y, WAVE_H, "Sound"))
        y += WAVE_H
    for i, lane in enumerate(data.lanes):
        rows.append(Row(RowKind.MOMENTS, y, LANE_H, lane.label, i))
        y += LANE_H
    rows.append(Row(RowKind.CLIPS, y, CLIP_H, "Clips"))
    y += CLIP_H
    rows.append(Row(RowKind.STILLS, y, STILL_H, "Stills"))
    return rows


@dataclass(slots=True)
class MediaStrip:
    """Pictures and sound shown above the lanes, filled in as background builds progress.

    ``thumbnails``: (frame, picture) sorted by frame; ``peaks``: loudness 0–1 in equal bins
    spanning the whole recording.
    """

    thumb_frames: list[int] = field(default_factory=list)
    thumb_images: list[QImage] = field(default_factory=list)
    peaks: npt.NDArray[np.float32] | None = None
    progress: float | None = None  # 0–1 while building, None when idle
    status: str = ""

    def add_thumbnail(self, frame: int, image: QImage) -> None:
        i = bisect.bisect_left(self.thumb_frames, frame)
        if i < len(self.thumb_frames) and self.thumb_frames[i] == frame:
            self.thumb_images[i] = image
            return
        self.thumb_frames.insert(i, frame)
        self.thumb_images.insert(i, image)

    def thumbnail_near(self, frame: int) -> QImage | None:
        """The picture at or just before ``frame`` (else the first after it)."""
        if not self.thumb_frames:
            return None
        i = bisect.bisect_right(self.thumb_frames, frame) - 1
        return self.thumb_images[max(0, i)]


@dataclass(slots=True)
class PaintState:
    """What the interaction adds on top of the data: playhead, selection, drag previews."""

    playhead: int = 0
    labels: tg.TimeLabels = field(default_factory=lambda: tg.TimeLabels(FrameRate.of(25)))
    selected_moments: frozenset[int] = frozenset()
    selected_clips: frozenset[int] = frozenset()
    selected_stills: frozenset[int] = frozenset()
    clip_previews: dict[int, FrameRange] = field(default_factory=dict)
    moment_preview: tuple[int, int] | None = None  # (moment id, frame)
    still_preview: tuple[int, int] | None = None  # (still id, frame)
    new_clip: FrameRange | None = None
    mark_in: int | None = None
    scrubbing: bool = False


def paint_timeline(p: QPainter, size: tuple[int, int], data: TimelineData, *,
                   scale: tg.TimelineScale, rows: list[Row], media: MediaStrip,
                   state: PaintState) -> None:
    """Draw the whole timeline into ``p`` (a widget or an offscreen QImage)."""
    width, height = size
    p.fillRect(0, 0, width, height, BACKGROUND)
    p.setFont(QFont("DejaVu Sans", 8))
    for row in rows:
        if row.kind is RowKind.RULER:
            _ruler(p, row, scale, state.labels)
        elif row.kind is RowKind.THUMBNAILS:
            _thumbnails(p, row, scale, media)
        elif row.kind is RowKind.WAVEFORM:
            _waveform(p, row, scale, media)
        elif row.kind is RowKind.MOMENTS:
            _moment_lane(p, row, data, scale, state)
        elif row.kind is RowKind.CLIPS:
            _clips(p, row, data, scale, state)
        elif row.kind is RowKind.STILLS:
            _stills(p, row, data, scale, state)
        if row.kind is not RowKind.RULER:
            _gutter(p, row, media if row.kind is RowKind.THUMBNAILS else None)
    _playhead(p, height, scale, state)


# --- rows ---------------------------------------------------------------------------------


def _x(scale: tg.TimelineScale, frame: int) -> float:
    return GUTTER + scale.x_of(frame)


def _gutter(p: QPainter, row: Row, media: MediaStrip | None) -> None:
    p.fillRect(0, row.top, GUTTER, row.height, GUTTER_BG)
    p.setPen(TEXT)
    text = row.label
    if media is not None and media.progress is not None:
        text = f"{row.label} {int(media.progress * 100)}%"
    p.drawText(QRect(6, row.top, GUTTER - 10, row.height),
               Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text)
    if media is not None and media.progress is not None:
        p.fillRect(QRectF(6, row.bottom - 4, (GUTTER - 12) * media.progress, 2), MARK_IN)


def _ruler(p: QPainter, row: Row, scale: tg.TimelineScale, labels: tg.TimeLabels) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, GUTTER_BG)
    spacing = tg.tick_spacing(labels.rate, scale.px_per_frame)
    p.setPen(DIM_TEXT)
    if spacing.minor != spacing.major:
        for frame in tg.ticks(scale, spacing.minor):
            x = _x(scale, frame)
            p.drawLine(QPointF(x, row.bottom - 5), QPointF(x, row.bottom))
    p.setPen(TEXT)
    small = QFont(p.font())
    small.setPointSize(7)
    normal = p.font()
    for frame in tg.ticks(scale, spacing.major):
        x = _x(scale, frame)
        p.drawLine(QPointF(x, row.top + 2), QPointF(x, row.bottom))
        p.drawText(QPointF(x + 3, row.top + 11), labels.label(frame))
        p.setFont(small)
        p.setPen(DIM_TEXT)
        p.drawText(QPointF(x + 3, row.top + 22), f"#{frame}")
        p.setFont(normal)
        p.setPen(TEXT)
    if scale.px_per_frame >= 6:  # frame level: a cell per frame
        p.setPen(QPen(QColor(255, 255, 255, 30)))
        visible = scale.visible_range()
        for frame in range(visible.start, visible.end + 1):
            x = _x(scale, frame)
            p.drawLine(QPointF(x, row.bottom - 3), QPointF(x, row.bottom))
    p.fillRect(0, row.top, GUTTER, row.height, GUTTER_BG)


def _thumbnails(p: QPainter, row: Row, scale: tg.TimelineScale, media: MediaStrip) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, LANE_BG[0])
    if not media.thumb_images:
        return
    first = media.thumb_images[0]
    aspect = first.width() / max(1, first.height())
    tile = max(16, round((row.height - 4) * aspect))
    target_h = row.height - 4
    for left in range(0, scale.width, tile):
        frame = scale.frame_at(left + tile / 2)
        image = media.thumbnail_near(frame)
        if image is None:
            continue
        p.drawImage(QRectF(GUTTER + left, row.top + 2, tile - 1, target_h), image)


def _waveform(p: QPainter, row: Row, scale: tg.TimelineScale, media: MediaStrip) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, LANE_BG[1])
    peaks = media.peaks
    if peaks is None or len(peaks) == 0:
        return
    edges = scale.column_edges(1)
    bins = np.minimum((edges * len(peaks)) // scale.frame_count, len(peaks) - 1)
    starts = bins[:-1]
    ends = np.maximum(bins[1:], starts + 1)
    # loudest bin under each column (reduceat over the column's bins)
    values = np.maximum.reduceat(np.append(peaks, 0.0), starts)
    values = np.where(ends - starts > 1, values, peaks[starts])
    mid = row.top + row.height / 2
    half = (row.height - 4) / 2
    p.setPen(WAVE)
    lines = [(GUTTER + i + 0.5, float(v) * half) for i, v in enumerate(values) if v > 0.01]
    for x, h in lines:
        p.drawLine(QPointF(x, mid - h), QPointF(x, mid + h))


def _moment_lane(p: QPainter, row: Row, data: TimelineData, scale: tg.TimelineScale,
                 state: PaintState) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, LANE_BG[row.lane % 2])
    lane = data.lanes[row.lane]
    lo, hi = tg.visible_slice(lane.frames, scale.visible_range())
    if tg.should_aggregate(hi - lo, scale):
        _aggregated(p, row, lane, data, scale)
    else:
        _single_moments(p, row, lane, lo=lo, hi=hi, data=data, scale=scale, state=state)
    preview = state.moment_preview
    if preview is not None and preview[0] in data.moments_by_id:
        moment = data.moments_by_id[preview[0]]
        if any(int(i) == preview[0] for i in lane.ids):
            _moment_mark(p, row, scale, frame=preview[1],
                         colour=data.colours.get(moment.principle_id, "#808080"),
                         working=moment.valence is Valence.WORKING_POINT, selected=True)


def _single_moments(p: QPainter, row: Row, lane: tg.MomentLane, *, lo: int, hi: int,
                    data: TimelineData, scale: tg.TimelineScale, state: PaintState) -> None:
    dragged = state.moment_preview[0] if state.moment_preview else None
    for i in range(lo, hi):
        moment_id = int(lane.ids[i])
        if moment_id == dragged:
            continue
        colour = data.colours.get(int(lane.principles[i]), "#808080")
        _moment_mark(p, row, scale, frame=int(lane.frames[i]), colour=colour,
                     working=bool(lane.working[i]), selected=moment_id in state.selected_moments)


def _moment_mark(p: QPainter, row: Row, scale: tg.TimelineScale, *, frame: int, colour: str,
                 working: bool, selected: bool) -> None:
    """A strength: a filled diamond on a filled cell; a working point: hollow and hatched."""
    c = QColor(colour)
    w = max(2.0, scale.px_per_frame)
    x = _x(scale, frame)
    cx = x + scale.px_per_frame / 2
    cy = row.top + row.height / 2
    r = min(7.0, row.height / 2 - 2)
    diamond = QPolygonF([QPointF(cx, cy - r), QPointF(cx + r, cy), QPointF(cx, cy + r),
                         QPointF(cx - r, cy)])
    if working:
        p.fillRect(QRectF(x, row.top + 2, w, row.height - 4), QBrush(c, Qt.BrushStyle.BDiagPattern))
        p.setPen(QPen(c, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
    else:
        p.fillRect(QRectF(x, row.top + 2, w, row.height - 4), c.darker(140))
        p.setPen(QPen(c.lighter(130), 1))
        p.setBrush(c)
    p.drawPolygon(diamond)
    if selected:
        p.setPen(QPen(SELECTION, 2))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawRect(QRectF(cx - r - 2, row.top + 1, 2 * r + 4, row.height - 2))


def _aggregated(p: QPainter, row: Row, lane: tg.MomentLane, data: TimelineData,
                scale: tg.TimelineScale, *, bucket_px: int = 2) -> None:
    """Counts per column: bar height grows with the count, colour of the commonest principle.

    The lane is composed as one small image with numpy (no Python loop over columns) and
    drawn with a single call; working points add a light tick at the top of their column.
    """
    keys = [k for k, frames in lane.by_principle.items() if len(frames)]
    columns = int(np.ceil(scale.width / bucket_px)) + 1
    counts = np.zeros((max(1, len(keys)), columns), dtype=np.int64)
    for j, key in enumerate(keys):
        c = tg.column_counts(lane.by_principle[key], scale, bucket_px)
        counts[j, : len(c)] = c
    total = counts.sum(axis=0)
    working = np.zeros(columns, dtype=np.int64)
    w = tg.column_counts(lane.working_frames, scale, bucket_px)
    working[: len(w)] = w
    if not total.any() and not working.any():
        return
    peak = max(1, int(total.max()), int(working.max()))
    height = row.height
    bar_bottom = height - 3
    heights = np.where(total > 0, 3 + (height - 9) * np.log1p(total) / np.log1p(peak), 0)
    tops = bar_bottom - np.rint(heights)
    palette = np.array([_bgra(data.colours.get(k, "#808080")) for k in keys] or [(0, 0, 0, 0)],
                       dtype=np.uint8)
    colour = palette[counts.argmax(axis=0)]  # (columns, 4)
    ys = np.arange(height)[:, None]
    bars = (ys >= tops[None, :]) & (ys < bar_bottom) & (total > 0)[None, :]
    ticks = (ys >= 1) & (ys < 4) & (working > 0)[None, :]
    pixels = np.zeros((height, columns, 4), dtype=np.uint8)
    pixels[bars] = np.broadcast_to(colour[None, :, :], pixels.shape)[bars]
    pixels[ticks] = (242, 242, 242, 255)
    pixels = np.ascontiguousarray(np.repeat(pixels, bucket_px, axis=1)[:, : scale.width])
    image = QImage(pixels.data, pixels.shape[1], height, pixels.shape[1] * 4,
                   QImage.Format.Format_ARGB32_Premultiplied)
    p.drawImage(QPointF(GUTTER, row.top), image)


def _bgra(colour: str) -> tuple[int, int, int, int]:
    c = QColor(colour)
    return c.blue(), c.green(), c.red(), 255


def _clips(p: QPainter, row: Row, data: TimelineData, scale: tg.TimelineScale,
           state: PaintState) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, LANE_BG[0])
    visible = scale.visible_range()
    for clip in data.clips_in(FrameRange(visible.start, visible.end)):
        if clip.id in state.clip_previews:
            continue
        _clip_box(p, row, scale, clip.range, title=clip.title,
                  selected=clip.id in state.selected_clips)
    for clip_id, frames in state.clip_previews.items():
        dragged = data.clip_by_id(clip_id)
        _clip_box(p, row, scale, frames, title=dragged.title if dragged else "", selected=True)
    if state.new_clip is not None:
        _clip_box(p, row, scale, state.new_clip, title="new clip", selected=True)
    if state.mark_in is not None:
        x = _x(scale, state.mark_in)
        p.setPen(QPen(MARK_IN, 2))
        p.drawLine(QPointF(x, row.top), QPointF(x, row.bottom))
        p.drawText(QPointF(x + 3, row.top + 10), "in")


def _clip_box(p: QPainter, row: Row, scale: tg.TimelineScale, frames: FrameRange, *,
              title: str, selected: bool) -> None:
    left = max(GUTTER - 2.0, _x(scale, frames.start))
    right = min(GUTTER + scale.width + 2.0, _x(scale, frames.end))
    rect = QRectF(left, row.top + 2, max(1.0, right - left), row.height - 4)
    p.fillRect(rect, CLIP_FILL.lighter(125) if selected else CLIP_FILL)
    p.setPen(QPen(SELECTION if selected else CLIP_EDGE, 2 if selected else 1))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(rect)
    if rect.width() > 40:
        p.setPen(TEXT)
        label = title or f"{frames.duration} frames"
        p.drawText(rect.adjusted(4, 0, -4, 0),
                   Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, label)


def _stills(p: QPainter, row: Row, data: TimelineData, scale: tg.TimelineScale,
            state: PaintState) -> None:
    p.fillRect(GUTTER, row.top, scale.width, row.height, LANE_BG[1])
    lo, hi = tg.visible_slice(data.still_frames, scale.visible_range())
    dragged = state.still_preview
    shown = [(s.frame, s.id in state.selected_stills) for s in data.stills[lo:hi]
             if dragged is None or s.id != dragged[0]]
    if dragged is not None:
        shown.append((dragged[1], True))
    for frame, selected in shown:
        x = _x(scale, frame) + scale.px_per_frame / 2
        tri = QPolygonF([QPointF(x - 5, row.top + 3), QPointF(x + 5, row.top + 3),
                         QPointF(x, row.bottom - 3)])
        p.setPen(QPen(SELECTION if selected else STILL_FILL.darker(), 2 if selected else 1))
        p.setBrush(STILL_FILL)
        p.drawPolygon(tri)


def _playhead(p: QPainter, height: int, scale: tg.TimelineScale, state: PaintState) -> None:
    frame = state.playhead
    visible = scale.visible_range()
    if not visible.start <= frame < max(visible.end, visible.start + 1):
        return
    x = _x(scale, frame)
    w = scale.px_per_frame
    if w >= 3:
        p.fillRect(QRectF(x, RULER_H, w, height - RULER_H), QColor(255, 90, 79, 40))
    cx = x + w / 2 if w >= 3 else x
    p.setPen(QPen(PLAYHEAD, 1.5))
    p.drawLine(QPointF(cx, 0), QPointF(cx, height))
    p.setBrush(PLAYHEAD)
    p.drawPolygon(QPolygonF([QPointF(cx - 6, 0), QPointF(cx + 6, 0), QPointF(cx, 9)]))
    if state.scrubbing:
        label = f"{state.labels.label(frame)}  frame {frame}"
        metrics = p.fontMetrics()
        tw = metrics.horizontalAdvance(label) + 10
        left = min(max(GUTTER, cx + 8), GUTTER + scale.width - tw)
        box = QRectF(left, 12, tw, 15)
        p.fillRect(box, PLAYHEAD)
        p.setPen(QColor("#ffffff"))
        p.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
