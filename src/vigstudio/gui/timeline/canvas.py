"""The timeline's drawing surface and its mouse/keyboard interaction.

A plain ``QWidget`` painted by :mod:`painting` (no QGraphicsScene: culling and aggregation
keep a frame cheap at any zoom with tens of thousands of tags). Drags are previewed locally
and committed to the session on release, so each drag is exactly one undo step.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QPoint, QPointF, QSize, Qt, Signal
from PySide6.QtGui import (
    QContextMenuEvent,
    QGuiApplication,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from vigstudio.app import timeline_geometry as tg
from vigstudio.app.changes import Change
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.entities import EntityKind
from vigstudio.domain.time import FrameRange
from vigstudio.errors import VigError
from vigstudio.gui.annotations.ports import PlayerPort
from vigstudio.gui.annotations.selection import AnnotationSelection
from vigstudio.gui.listening import until_teardown
from vigstudio.gui.time_format import labels_of
from vigstudio.gui.timeline import painting as pt
from vigstudio.gui.timeline.model import LaneMode, TimelineData

SNAP_PX = 8.0
HIT_PX = 6.0
DRAG_START_PX = 3
ZOOM_STEP = 1.5
_REDRAW_KINDS = (EntityKind.MOMENT, EntityKind.CLIP, EntityKind.STILL, EntityKind.PRINCIPLE,
                 EntityKind.PARTICIPANT, EntityKind.RECORDING)


class DragKind(StrEnum):
    SCRUB = "scrub"
    MOVE_MOMENT = "move_moment"
    MOVE_STILL = "move_still"
    MOVE_CLIP = "move_clip"
    TRIM_START = "start"
    TRIM_END = "end"
    NEW_CLIP = "new_clip"


@dataclass(slots=True)
class Drag:
    kind: DragKind
    press_x: float
    press_frame: int  # frame (or boundary for clip edits) under the press
    item_id: int | None = None
    original: FrameRange | None = None
    candidates: list[int] | None = None
    started: bool = False
    snapping: bool = True  # Shift held at the press (or during the drag) turns snapping off


class TimelineCanvas(QWidget):
    """Draws one recording's tags and handles pointer and keys; see :class:`TimelineView`."""

    scaleChanged = Signal()
    message = Signal(str)  # a refused edit, to show the practitioner
    trimEdge = Signal(object)  # (frame, "first" | "last") while trimming a clip, then None
    _positionArrived = Signal(int)

    def __init__(self, session: CaseSession, player: PlayerPort, recording_id: int,
                 selection: AnnotationSelection, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.player = player
        self.recording_id = recording_id
        self.selection = selection
        recording = session.recording(recording_id)
        self.frame_count = recording.info.frame_count
        self.rate = recording.info.frame_rate
        self.labels = labels_of(recording.info)
        self.lane_mode = LaneMode.BY_PARTICIPANT
        self.media = pt.MediaStrip()
        self.show_thumbnails = True
        self.show_waveform = recording.info.has_audio
        self.state = pt.PaintState(playhead=player.position, labels=self.labels)
        self.scale = tg.TimelineScale.fit(self.frame_count, 800)
        self.data = TimelineData.empty(self.frame_count)
        self.rows: list[pt.Row] = []
        self.follow_playhead = True
        self._drag: Drag | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.rebuild()
        self._positionArrived.connect(self._on_position)
        selection.changed.connect(self._on_selection)
        unsubscribers = [session.subscribe(self._on_change),
                         player.subscribe(self._positionArrived.emit)]
        until_teardown(self, *unsubscribers)

    # --- data ---------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Re-read the recording's tags from the session (after a change)."""
        s = self.session
        info = s.recording(self.recording_id).info  # a relinked file may differ in length
        if info.frame_count != self.frame_count:
            self.frame_count = info.frame_count
            self.scale = tg.TimelineScale.fit(self.frame_count, self.track_width)
        self.labels = self.state.labels = labels_of(info)
        self.data = TimelineData.build(
            self.frame_count, s.codebook(), s.participants(),
            moments=s.moments(self.recording_id), clips=s.clips(self.recording_id),
            stills=s.stills(self.recording_id), lane_mode=self.lane_mode)
        self._relayout()

    def set_lane_mode(self, mode: LaneMode) -> None:
        self.lane_mode = LaneMode(mode)
        self.rebuild()

    def _relayout(self) -> None:
        self.rows = pt.layout_rows(self.data, thumbnails=self.show_thumbnails,
                                   waveform=self.show_waveform)
        self.setMinimumHeight(self.rows[-1].bottom)
        self.updateGeometry()
        self.update()

    def _on_change(self, change: Change) -> None:
        if change.touches(*_REDRAW_KINDS):
            self.selection.forget(moments=change.removed_ids(EntityKind.MOMENT),
                                  clips=change.removed_ids(EntityKind.CLIP),
                                  stills=change.removed_ids(EntityKind.STILL))
            self.rebuild()

    def _on_selection(self) -> None:
        self.state.selected_moments = self.selection.moments
        self.state.selected_clips = self.selection.clips
        self.state.selected_stills = self.selection.stills
        self.update()

    def _on_position(self, frame: int) -> None:
        self.state.playhead = frame
        trimming = self._drag is not None and self._drag.kind in (DragKind.TRIM_START,
                                                                 DragKind.TRIM_END)
        if not trimming and (self.follow_playhead or self._drag is not None):
            self.set_scale(self.scale.showing(frame))
        self.update()

    # --- zoom and pan -------------------------------------------------------------------

    @property
    def track_width(self) -> int:
        return max(1, self.width() - pt.GUTTER)

    def set_scale(self, scale: tg.TimelineScale) -> None:
        if scale != self.scale:
            self.scale = scale
            self.scaleChanged.emit()
            self.update()

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Zoom in (> 1) or out around ``anchor_x`` (track pixels), or the playhead."""
        if anchor_x is None:
            anchor_x = self.scale.x_of(self.state.playhead) + self.scale.px_per_frame / 2
            if not 0 <= anchor_x <= self.scale.width:
                anchor_x = self.scale.width / 2
        self.set_scale(self.scale.zoomed(factor, anchor_x))

    def zoom_to_frames(self) -> None:
        """The closest zoom, centred on the playhead: every frame a wide cell."""
        scale = self.scale.with_px_per_frame(tg.MAX_PX_PER_FRAME)
        self.set_scale(scale.centred_on(self.state.playhead))

    def fit(self) -> None:
        self.set_scale(tg.TimelineScale.fit(self.frame_count, self.track_width))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.set_scale(self.scale.with_width(self.track_width))

    def sizeHint(self) -> QSize:
        return QSize(900, self.rows[-1].bottom if self.rows else 200)

    # --- painting -----------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            self.paint_into(p)
        finally:
            p.end()

    def paint_into(self, p: QPainter) -> None:
        pt.paint_timeline(p, (self.width(), self.height()), self.data, scale=self.scale,
                          rows=self.rows, media=self.media, state=self.state)

    def render_image(self) -> QImage:
        """Draw the timeline as it is into a new image (offscreen; benchmarks, screenshots)."""
        image = QImage(self.width(), self.height(), QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(image)
        try:
            self.paint_into(p)
        finally:
            p.end()
        return image

    # --- hit testing --------------------------------------------------------------------

    def row_at(self, y: float) -> pt.Row | None:
        return next((r for r in self.rows if r.holds(y)), None)

    def track_x(self, x: float) -> float:
        return x - pt.GUTTER

    def moment_at(self, pos: QPointF | QPoint) -> int | None:
        row = self.row_at(pos.y())
        if row is None or row.kind is not pt.RowKind.MOMENTS:
            return None
        x = self.track_x(pos.x())
        frame = self.scale.frame_at(x)
        return self.data.lanes[row.lane].hit(frame, tg.tolerance_frames(self.scale, HIT_PX))

    def clip_hit(self, pos: QPointF | QPoint) -> tuple[int, DragKind] | None:
        """The clip under ``pos`` and what a press there does (trim an edge or move)."""
        row = self.row_at(pos.y())
        if row is None or row.kind is not pt.RowKind.CLIPS:
            return None
        x = self.track_x(pos.x())
        best: tuple[float, int, DragKind] | None = None
        for clip in self.data.clips_in(self.scale.visible_range()):
            assert clip.id is not None
            for edge, kind in ((clip.range.start, DragKind.TRIM_START),
                               (clip.range.end, DragKind.TRIM_END)):
                distance = abs(self.scale.x_of(edge) - x)
                if distance <= pt.EDGE_GRAB_PX and (best is None or distance < best[0]):
                    best = (distance, clip.id, kind)
        if best is not None:
            return best[1], best[2]
        frame = self.scale.frame_at(x)
        inside = [c for c in self.data.clips_in(FrameRange(frame, frame + 1))]
        if inside:
            chosen = next((c for c in inside if c.id in self.selection.clips), inside[-1])
            assert chosen.id is not None
            return chosen.id, DragKind.MOVE_CLIP
        return None

    def still_at(self, pos: QPointF | QPoint) -> int | None:
        row = self.row_at(pos.y())
        if row is None or row.kind is not pt.RowKind.STILLS:
            return None
        frame = self.scale.frame_at(self.track_x(pos.x()))
        i = tg.nearest_index(self.data.still_frames, frame,
                             tg.tolerance_frames(self.scale, HIT_PX))
        return None if i is None else self.data.stills[i].id

    # --- mouse --------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.position().x() < pt.GUTTER:
            super().mousePressEvent(event)
            return
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        pos = event.position()
        x = self.track_x(pos.x())
        frame = self.scale.frame_at(x)
        toggle = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        snapping = not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        row = self.row_at(pos.y())
        kind = row.kind if row else None
        if kind is pt.RowKind.MOMENTS:
            moment_id = self.moment_at(pos)
            if moment_id is not None:
                self._select(toggle, moment=moment_id)
                moment = self.data.moments_by_id[moment_id]
                self._drag = Drag(DragKind.MOVE_MOMENT, x, moment.frame, moment_id)
                return
        elif kind is pt.RowKind.CLIPS:
            hit = self.clip_hit(pos)
            if hit is not None:
                clip_id, drag_kind = hit
                clip = self.data.clip_by_id(clip_id)
                assert clip is not None
                if drag_kind is DragKind.MOVE_CLIP or clip_id not in self.selection.clips:
                    self._select(toggle, clip=clip_id)
                self._drag = Drag(drag_kind, x, self.scale.boundary_at(x), clip_id, clip.range,
                                  self._candidates(exclude_clip=clip_id), snapping=snapping)
                return
            if not toggle:
                self.selection.clear()
            self._drag = Drag(DragKind.NEW_CLIP, x, self.scale.boundary_at(x),
                              candidates=self._candidates(), snapping=snapping)
            return
        elif kind is pt.RowKind.STILLS:
            still_id = self.still_at(pos)
            if still_id is not None:
                self._select(toggle, still=still_id)
                still = next(t for t in self.data.stills if t.id == still_id)
                self._drag = Drag(DragKind.MOVE_STILL, x, still.frame, still_id)
                return
        if not toggle and kind is not pt.RowKind.RULER:
            self.selection.clear()
        self._drag = Drag(DragKind.SCRUB, x, frame, started=True)
        self.state.scrubbing = True
        self.player.seek(frame)
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        drag = self._drag
        pos = event.position()
        if drag is None:
            self._hover_cursor(pos)
            return
        x = self.track_x(pos.x())
        if not drag.started:
            if abs(x - drag.press_x) < DRAG_START_PX:
                return
            drag.started = True
        snapping = drag.snapping and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
        self._drag_to(drag, x, snapping)
        self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, self._drag = self._drag, None
        if drag is None:
            return
        if drag.kind in (DragKind.TRIM_START, DragKind.TRIM_END):
            self.trimEdge.emit(None)
        try:
            self._commit(drag)
        except VigError as exc:
            self.message.emit(str(exc))
        finally:
            self.state.scrubbing = False
            self.state.clip_previews = {}
            self.state.moment_preview = None
            self.state.still_preview = None
            self.state.new_clip = None
            self.update()

    def describe_at(self, pos: QPointF | QPoint) -> str:
        """What the pointer is over, for the tooltip: a moment's principle, who, frame, note."""
        moment_id = self.moment_at(pos)
        if moment_id is not None:
            m = self.data.moments_by_id[moment_id]
            kind = " (working point)" if m.valence is Valence.WORKING_POINT else ""
            text = (f"{self.data.principle_names.get(m.principle_id, '?')}{kind}\n"
                    f"{self.labels.label(m.frame)} · frame {m.frame}")
            return text + (f"\n{m.note}" if m.note else "")
        hit = self.clip_hit(pos)
        if hit is not None:
            clip = self.data.clip_by_id(hit[0])
            if clip is not None:
                return (clip.title + "\n" if clip.title else "") + self.labels.range_text(
                    clip.range)
        return ""

    def _hover_cursor(self, pos: QPointF) -> None:
        self.setToolTip(self.describe_at(pos))
        hit = self.clip_hit(pos)
        if hit is not None and hit[1] in (DragKind.TRIM_START, DragKind.TRIM_END):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        elif hit is not None:
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def _select(self, toggle: bool, *, moment: int | None = None, clip: int | None = None,
                still: int | None = None) -> None:
        if toggle:
            self.selection.toggle(moment=moment, clip=clip, still=still)
        else:
            self.selection.set(moments=[moment] if moment is not None else [],
                               clips=[clip] if clip is not None else [],
                               stills=[still] if still is not None else [])

    def _candidates(self, exclude_clip: int | None = None) -> list[int]:
        return tg.snap_candidates(
            playhead=self.state.playhead, moments=self.data.moment_frames.tolist(),
            clip_ranges=[c.range for c in self.data.clips if c.id != exclude_clip],
            frame_count=self.frame_count, stills=self.data.still_frames.tolist())

    def _snap(self, boundary: int, drag: Drag, snapping: bool) -> int:
        if not snapping or not drag.candidates:
            return boundary
        return tg.snap(boundary, drag.candidates, tg.tolerance_frames(self.scale, SNAP_PX))

    def _drag_to(self, drag: Drag, x: float, snapping: bool) -> None:
        n = self.frame_count
        if drag.kind is DragKind.SCRUB:
            self.player.seek(self.scale.frame_at(x))
        elif drag.kind is DragKind.MOVE_MOMENT:
            assert drag.item_id is not None
            frame = drag.press_frame + self.scale.frame_at(x) - self.scale.frame_at(drag.press_x)
            self.state.moment_preview = (drag.item_id, max(0, min(frame, n - 1)))
        elif drag.kind is DragKind.MOVE_STILL:
            assert drag.item_id is not None
            frame = drag.press_frame + self.scale.frame_at(x) - self.scale.frame_at(drag.press_x)
            self.state.still_preview = (drag.item_id, max(0, min(frame, n - 1)))
        elif drag.kind is DragKind.NEW_CLIP:
            end = self._snap(self.scale.boundary_at(x), drag, snapping)
            start = self._snap(drag.press_frame, drag, snapping)
            self.state.new_clip = tg.range_between(start, end, n)
        elif drag.kind is DragKind.MOVE_CLIP:
            assert drag.original is not None and drag.item_id is not None
            delta = self.scale.boundary_at(x) - drag.press_frame
            moved = tg.moved_range(drag.original, delta, n)
            moved = self._snap_move(moved, drag, snapping)
            self.state.clip_previews = {drag.item_id: moved}
        else:
            assert drag.original is not None and drag.item_id is not None
            boundary = self._snap(self.scale.boundary_at(x), drag, snapping)
            trimmed = tg.trimmed_range(drag.original, drag.kind.value, boundary, n)
            self.state.clip_previews = {drag.item_id: trimmed}
            # the player shows the edge frame, as an editor's viewer does while trimming
            first = drag.kind is DragKind.TRIM_START
            edge = trimmed.start if first else trimmed.last
            self.player.seek(edge)  # the view stays put while trimming
            self.trimEdge.emit((edge, "first" if first else "last"))

    def _snap_move(self, moved: FrameRange, drag: Drag, snapping: bool) -> FrameRange:
        shifts = [self._snap(moved.start, drag, snapping) - moved.start,
                  self._snap(moved.end, drag, snapping) - moved.end]
        shifts = [s for s in shifts if s]
        if not shifts:
            return moved
        return tg.moved_range(moved, min(shifts, key=abs), self.frame_count)

    def _commit(self, drag: Drag) -> None:
        if not drag.started:
            return
        s = self.session
        if drag.kind is DragKind.MOVE_MOMENT and self.state.moment_preview is not None:
            moment_id, frame = self.state.moment_preview
            if frame != self.data.moments_by_id[moment_id].frame:
                s.move_moment(moment_id, frame)
        elif drag.kind is DragKind.MOVE_STILL and self.state.still_preview is not None:
            still_id, frame = self.state.still_preview
            if frame != drag.press_frame:
                s.move_still(still_id, frame)
        elif drag.kind is DragKind.NEW_CLIP and self.state.new_clip is not None:
            frames = self.state.new_clip
            clip = s.add_clip(self.recording_id, frames.start, frames.end)
            assert clip.id is not None
            self.selection.set(clips=[clip.id])
        elif drag.kind in (DragKind.MOVE_CLIP, DragKind.TRIM_START, DragKind.TRIM_END):
            assert drag.item_id is not None
            changed = self.state.clip_previews.get(drag.item_id)
            if changed is not None and changed != drag.original:
                s.set_clip_range(drag.item_id, changed)

    # --- wheel and keys -----------------------------------------------------------------

    def wheelEvent(self, event: QWheelEvent) -> None:
        delta = event.angleDelta()
        steps = (delta.y() or delta.x()) / 120
        if not steps:
            return
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            self.follow_playhead = False
            self.zoom(ZOOM_STEP ** steps, self.track_x(event.position().x()))
            self.follow_playhead = True
        else:
            pan = max(1, int(self.scale.visible_frames / 10))
            self.set_scale(self.scale.panned_by(-int(steps * pan)))
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        from vigstudio.gui import actions

        name = actions.shortcut_map("timeline").get(actions.key_of_event(event))
        if name is None:
            super().keyPressEvent(event)
            return
        getattr(self, name)()
        event.accept()

    # the timeline's keys come from the one table of actions (gui/actions.py)
    def zoom_in(self) -> None:
        self.zoom(ZOOM_STEP)

    def zoom_out(self) -> None:
        self.zoom(1 / ZOOM_STEP)

    def step_back(self) -> None:
        self.player.seek(self.state.playhead - 1)

    def step_forward(self) -> None:
        self.player.seek(self.state.playhead + 1)

    def previous_moment(self) -> None:
        self.go_to_moment(False)

    def next_moment(self) -> None:
        self.go_to_moment(True)

    def previous_edge(self) -> None:
        self.go_to_clip_edge(False)

    def next_edge(self) -> None:
        self.go_to_clip_edge(True)

    # --- context menu and double-click ----------------------------------------------------

    def item_at(self, pos: QPointF | QPoint) -> tuple[str, int] | None:
        """The moment, clip or still under ``pos`` as (kind, id)."""
        moment_id = self.moment_at(pos)
        if moment_id is not None:
            return "moment", moment_id
        hit = self.clip_hit(pos)
        if hit is not None:
            return "clip", hit[0]
        still_id = self.still_at(pos)
        return ("still", still_id) if still_id is not None else None

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        from vigstudio.gui.annotations import item_menu as menus

        found = self.item_at(event.pos())
        if found is None:
            return
        kind, item_id = found
        if not self.selection.contains(kind, item_id):
            self._select(False, **{kind: item_id})
        menus.show_menu(menus.item_menu(self.session, self, self.selection, self.player),
                        event.globalPos())

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        from vigstudio.gui.annotations.naming import rename

        found = self.item_at(event.position())
        if found is not None and found[0] in ("clip", "still") and not self.session.read_only:
            self._drag = None
            rename(self.session, self, *found)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    # --- commands -----------------------------------------------------------------------

    def go_to_moment(self, forward: bool) -> int | None:
        """Seek to the next (previous) moment of any lane; returns the frame or None."""
        frames = self.data.moment_frames
        pick = tg.next_after if forward else tg.previous_before
        frame = pick(frames, self.state.playhead)
        if frame is not None:
            self.player.seek(frame)
        return frame

    def go_to_clip_edge(self, forward: bool) -> int | None:
        """Seek to the next (previous) clip in or out frame."""
        pick = tg.next_after if forward else tg.previous_before
        frame = pick(self.data.clip_edges(), self.state.playhead)
        if frame is not None:
            self.player.seek(frame)
        return frame

    def delete_selection(self) -> None:
        from vigstudio.gui.annotations.deleting import delete_annotations

        sel = self.selection
        delete_annotations(self.session, self, moments=sel.moments, clips=sel.clips,
                           stills=sel.stills)

    def copy_selected_range(self) -> str | None:
        clips = [c for c in self.data.clips if c.id in self.selection.clips]
        if not clips:
            return None
        text = "\n".join(self.labels.range_text(c.range) for c in clips)
        QGuiApplication.clipboard().setText(text)
        return text

    # --- media strip --------------------------------------------------------------------

    def set_thumbnail(self, frame: int, image: QImage) -> None:
        self.media.add_thumbnail(frame, image)
        self.update()

    def set_peaks(self, peaks: object) -> None:
        import numpy as np

        self.media.peaks = np.asarray(peaks, dtype=np.float32)
        if not self.show_waveform:
            self.show_waveform = True
            self._relayout()
        self.update()

    def set_mark_in(self, frame: int | None) -> None:
        """Show the pending in-mark (connect ``TaggingController.markInChanged`` here)."""
        self.state.mark_in = frame
        self.update()

    def set_media_progress(self, progress: float | None, status: str = "") -> None:
        self.media.progress = progress
        self.media.status = status
        self.update()

