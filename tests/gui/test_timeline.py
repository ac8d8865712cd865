"""The timeline widget driven with real mouse and key events (pytest-qt, offscreen).

A real case session on a project file in tmp_path, and a real PlayerController holding an
offline recording (its frame clock works without the media file), so no libVLC is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QWheelEvent
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from vigstudio.app import timeline_geometry as tg
from vigstudio.app.player import PlayerController
from vigstudio.app.session import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.time import FrameRange
from vigstudio.gui.timeline import LaneMode, TimelineView
from vigstudio.gui.timeline import painting as pt

FRAMES = 3000


@pytest.fixture
def frames() -> int:
    return FRAMES


@pytest.fixture
def view(qtbot: QtBot, session: CaseSession, player: PlayerController,
         rec_id: int) -> TimelineView:
    v = TimelineView(session, player, rec_id)
    qtbot.addWidget(v)
    v.resize(1000 + pt.GUTTER, 420)
    v.show()
    qtbot.waitExposed(v)
    return v


def frame_zoom(view: TimelineView, first: int, ppf: float = 10.0) -> tg.TimelineScale:
    canvas = view.canvas
    canvas.follow_playhead = False
    canvas.set_scale(tg.TimelineScale(FRAMES, canvas.track_width, ppf, first))
    return canvas.scale


def point(view: TimelineView, boundary: int, kind: pt.RowKind) -> QPoint:
    """Widget point on ``boundary``'s left pixel edge (+0.5 px) in the first row of ``kind``."""
    canvas = view.canvas
    row = next(r for r in canvas.rows if r.kind is kind)
    x = pt.GUTTER + canvas.scale.x_of(boundary)
    return QPoint(round(x), row.top + row.height // 2)


def drag(canvas: QPointF | object, start: QPoint, end: QPoint, *,
         mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    assert not isinstance(canvas, QPointF)
    widget = canvas  # the canvas widget
    QTest.mousePress(widget, Qt.MouseButton.LeftButton, mods, start)  # type: ignore[call-overload]
    steps = 6
    for i in range(1, steps + 1):
        p = start + (end - start) * i / steps
        QTest.mouseMove(widget, p)  # type: ignore[call-overload]
    QTest.mouseRelease(widget, Qt.MouseButton.LeftButton, mods, end)  # type: ignore[call-overload]


def test_playhead_follows_player_and_ruler_click_seeks(view: TimelineView,
                                                       player: PlayerController) -> None:
    player.seek(1234)
    assert view.canvas.state.playhead == 1234
    view.canvas.fit()
    frame_zoom(view, 400)
    QTest.mouseClick(view.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     point(view, 450, pt.RowKind.RULER) + QPoint(3, 0))
    assert player.position == 450
    assert view.canvas.state.playhead == 450


def test_scrubbing_on_the_ruler_shows_frames_and_seeks(view: TimelineView,
                                                       player: PlayerController,
                                                       qtbot: QtBot) -> None:
    frame_zoom(view, 0)
    canvas = view.canvas
    start = point(view, 10, pt.RowKind.RULER) + QPoint(3, 0)
    QTest.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(canvas, point(view, 30, pt.RowKind.RULER) + QPoint(3, 0))
    assert canvas.state.scrubbing
    assert player.position == 30
    QTest.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       point(view, 42, pt.RowKind.RULER) + QPoint(3, 0))
    assert not canvas.state.scrubbing
    assert player.position == 30  # release does not seek again


def test_drag_trims_clip_end_to_exact_frame_and_undo_restores(
        view: TimelineView, session: CaseSession, rec_id: int) -> None:
    clip = session.add_clip(rec_id, 100, 200)
    assert clip.id is not None
    frame_zoom(view, 90)
    drag(view.canvas, point(view, 200, pt.RowKind.CLIPS), point(view, 237, pt.RowKind.CLIPS))
    assert session.clip(clip.id).range == FrameRange(100, 237)
    assert view.canvas.data.clip_by_id(clip.id).range == FrameRange(100, 237)  # type: ignore[union-attr]
    session.undo()
    assert session.clip(clip.id).range == FrameRange(100, 200)
    assert view.canvas.data.clip_by_id(clip.id).range == FrameRange(100, 200)  # type: ignore[union-attr]
    assert not session.can_undo or session.undo_label != "Change clip"


def test_trim_start_snaps_to_playhead_and_moment(view: TimelineView, session: CaseSession,
                                                 player: PlayerController, rec_id: int) -> None:
    clip = session.add_clip(rec_id, 1000, 1100)
    session.add_moment(rec_id, 1040, "receiving")
    assert clip.id is not None
    player.seek(1020)
    frame_zoom(view, 990, ppf=2.0)  # 8 px snap = 4 frames
    drag(view.canvas, point(view, 1000, pt.RowKind.CLIPS), point(view, 1022, pt.RowKind.CLIPS))
    assert session.clip(clip.id).range == FrameRange(1020, 1100)
    drag(view.canvas, point(view, 1020, pt.RowKind.CLIPS), point(view, 1038, pt.RowKind.CLIPS))
    assert session.clip(clip.id).range == FrameRange(1040, 1100)
    # Shift turns snapping off: the edge lands on the exact frame under the pointer
    drag(view.canvas, point(view, 1040, pt.RowKind.CLIPS), point(view, 1043, pt.RowKind.CLIPS),
         mods=Qt.KeyboardModifier.ShiftModifier)
    assert session.clip(clip.id).range == FrameRange(1043, 1100)


def test_move_clip_is_one_undo_step(view: TimelineView, session: CaseSession,
                                    rec_id: int) -> None:
    clip = session.add_clip(rec_id, 100, 150)
    assert clip.id is not None
    frame_zoom(view, 90)
    drag(view.canvas, point(view, 120, pt.RowKind.CLIPS), point(view, 160, pt.RowKind.CLIPS),
         mods=Qt.KeyboardModifier.ShiftModifier)
    assert session.clip(clip.id).range == FrameRange(140, 190)
    assert view.selection.clips == {clip.id}
    session.undo()
    assert session.clip(clip.id).range == FrameRange(100, 150)


def test_drag_on_empty_clip_lane_creates_a_clip(view: TimelineView, session: CaseSession,
                                                rec_id: int) -> None:
    frame_zoom(view, 0)
    drag(view.canvas, point(view, 20, pt.RowKind.CLIPS), point(view, 45, pt.RowKind.CLIPS),
         mods=Qt.KeyboardModifier.ShiftModifier)
    clips = session.clips(rec_id)
    assert [c.range for c in clips] == [FrameRange(20, 45)]
    assert view.selection.clips == {clips[0].id}


def test_drag_moves_a_moment_and_click_selects_it(view: TimelineView, session: CaseSession,
                                                  rec_id: int) -> None:
    sam = session.participant_by_name("Sam")
    m = session.add_moment(rec_id, 50, "receiving", participant_id=sam.id)
    assert m.id is not None
    frame_zoom(view, 0)
    lane_row = next(r for r in view.canvas.rows if r.kind is pt.RowKind.MOMENTS
                    and view.canvas.data.lanes[r.lane].key == sam.id)
    y = lane_row.top + lane_row.height // 2
    x50 = round(pt.GUTTER + view.canvas.scale.x_of(50) + 5)
    QTest.mouseClick(view.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(x50, y))
    assert view.selection.moments == {m.id}
    drag(view.canvas, QPoint(x50, y), QPoint(x50 + 70, y))
    assert session.moment(m.id).frame == 57
    session.undo()
    assert session.moment(m.id).frame == 50


def test_keys_navigate_moments_and_clip_edges(view: TimelineView, session: CaseSession,
                                              player: PlayerController, rec_id: int) -> None:
    for frame in (300, 100, 200):
        session.add_moment(rec_id, frame, "attentive")
    session.add_clip(rec_id, 150, 250)
    canvas = view.canvas
    canvas.setFocus()
    ctrl, alt = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
    QTest.keyClick(canvas, Qt.Key.Key_Right, ctrl)
    assert player.position == 100
    QTest.keyClick(canvas, Qt.Key.Key_Right, ctrl)
    assert player.position == 200
    QTest.keyClick(canvas, Qt.Key.Key_Left, alt)
    assert player.position == 150
    QTest.keyClick(canvas, Qt.Key.Key_Right, alt)
    assert player.position == 249  # the clip's last frame
    QTest.keyClick(canvas, Qt.Key.Key_Right)
    assert player.position == 250
    QTest.keyClick(canvas, Qt.Key.Key_Left, ctrl)
    assert player.position == 200


def test_zoom_keys_wheel_and_fit(view: TimelineView, player: PlayerController) -> None:
    canvas = view.canvas
    canvas.fit()
    assert canvas.scale.is_fit
    player.seek(1500)
    canvas.setFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.scale.px_per_frame == pytest.approx(canvas.scale.fit_px_per_frame * 1.5)
    assert canvas.scale.first <= 1500 < canvas.scale.visible_range().end
    QTest.keyClick(canvas, Qt.Key.Key_0)
    assert canvas.scale.is_fit
    pos = QPointF(pt.GUTTER + 500, 100)
    under = canvas.scale.frame_at(500)
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, 120 * 8),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.ControlModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QGuiApplication.sendEvent(canvas, event)
    assert canvas.scale.px_per_frame > canvas.scale.fit_px_per_frame * 20
    assert abs(canvas.scale.frame_at(500) - under) <= 2
    first = canvas.scale.first
    event = QWheelEvent(pos, canvas.mapToGlobal(pos), QPoint(), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QGuiApplication.sendEvent(canvas, event)
    assert canvas.scale.first > first
    assert view.scrollbar.isVisible()
    view.scrollbar.setValue(0)
    assert canvas.scale.first == 0
    canvas.zoom_to_frames()
    assert canvas.scale.px_per_frame == tg.MAX_PX_PER_FRAME


def test_delete_key_removes_selection_and_copy_puts_range_on_clipboard(
        view: TimelineView, session: CaseSession, rec_id: int) -> None:
    clip = session.add_clip(rec_id, 25, 75)
    assert clip.id is not None
    view.selection.set(clips=[clip.id])
    view.canvas.setFocus()
    QTest.keyClick(view.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    text = QGuiApplication.clipboard().text()
    assert text == "00:00:01:00 – 00:00:02:24 (frames 25–74, 50 frames)"
    QTest.keyClick(view.canvas, Qt.Key.Key_Delete)
    assert session.clips(rec_id) == []
    assert view.selection.is_empty
    session.undo()
    assert [c.id for c in session.clips(rec_id)] == [clip.id]


def test_lanes_by_principle_and_aggregated_drawing(view: TimelineView, session: CaseSession,
                                                   rec_id: int) -> None:
    with session.merged("many"):
        for i in range(0, FRAMES, 7):
            session.add_moment(rec_id, i, "attentive" if i % 2 else "receiving",
                               valence=Valence.WORKING_POINT if i % 5 == 0 else Valence.STRENGTH)
    view.set_lane_mode(LaneMode.BY_PRINCIPLE)
    labels = [r.label for r in view.canvas.rows if r.kind is pt.RowKind.MOMENTS]
    assert labels[:2] == ["Being attentive", "Encouraging initiatives"]
    view.canvas.fit()
    image = view.canvas.render_image()
    assert not image.isNull()
    lane = next(r for r in view.canvas.rows if r.label == "Being attentive")
    # aggregated bars are drawn in the principle's colour
    colour = session.principle_by_code("attentive").colour.lower()
    xs = range(pt.GUTTER + 10, pt.GUTTER + 900, 7)
    found = {image.pixelColor(x, lane.bottom - 4).name() for x in xs}
    assert colour in found


def test_thumbnails_and_waveform_build_in_background_into_the_case_cache(
        qtbot: QtBot, tmp_path: Path) -> None:
    from vigstudio.gui.timeline.media_loader import case_cache_folder
    from vigstudio.testing.synth import make_barcode_video

    session = CaseSession.create(tmp_path / "case.vigproj", "Family Media")
    try:
        media = make_barcode_video(tmp_path / "family.mp4", width=320, height=180, frames=75,
                                   gop=25)
        rec = session.import_recording(media)
        assert rec.id is not None
        player = PlayerController(backend_factory=_no_vlc)
        player.load(session.media_path(rec.id), rec.info)
        view = TimelineView(session, player, rec.id)
        qtbot.addWidget(view)
        view.resize(900, 400)
        view.show()
        assert view.loader is not None
        # the view answers while the strip builds
        view.canvas.zoom(2.0)
        qtbot.waitUntil(lambda: not view.loader.is_running(), timeout=30_000)  # type: ignore[union-attr]
        qtbot.waitUntil(lambda: view.canvas.media.peaks is not None, timeout=5_000)
        frames = view.canvas.media.thumb_frames
        assert frames[:3] == [0, 25, 50] or 0 in frames
        assert len(frames) >= 3
        assert view.canvas.media.progress is None
        assert len(view.canvas.media.peaks) == 75  # type: ignore[arg-type]
        assert view.canvas.media.peaks.max() > 0.05  # type: ignore[union-attr]
        cache = case_cache_folder(session.path)
        assert cache == tmp_path / "case.vigproj.cache"
        assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == ["thumbs", "waveform"]
        image = view.canvas.render_image()
        row = next(r for r in view.canvas.rows if r.kind is pt.RowKind.THUMBNAILS)
        assert image.pixelColor(pt.GUTTER + 20, row.top + 20).name() != pt.LANE_BG[0].name()
        player.close()
    finally:
        session.close()


def _no_vlc() -> object:
    from vigstudio.errors import PlayerUnavailableError

    raise PlayerUnavailableError("not needed here")


def test_drag_moves_a_still_and_mark_in_is_drawn(view: TimelineView, session: CaseSession,
                                                 rec_id: int) -> None:
    still = session.add_still(rec_id, 30)
    assert still.id is not None
    frame_zoom(view, 0)
    drag(view.canvas, point(view, 30, pt.RowKind.STILLS) + QPoint(5, 0),
         point(view, 42, pt.RowKind.STILLS) + QPoint(5, 0))
    assert session.still(still.id).frame == 42
    assert view.selection.stills == {still.id}
    session.undo()
    assert session.still(still.id).frame == 30
    view.canvas.set_mark_in(10)
    image = view.canvas.render_image()
    row = next(r for r in view.canvas.rows if r.kind is pt.RowKind.CLIPS)
    x = round(pt.GUTTER + view.canvas.scale.x_of(10))
    assert image.pixelColor(x, row.top + row.height - 3).name() == pt.MARK_IN.name()


def test_hover_describes_moments_and_clips(view: TimelineView, session: CaseSession,
                                           rec_id: int) -> None:
    session.add_moment(rec_id, 50, "receiving", participant_id=session.participant_by_name(
        "Sam").id, note="looks up", valence=Valence.WORKING_POINT)
    session.add_clip(rec_id, 60, 80, title="Tower")
    frame_zoom(view, 40)
    canvas = view.canvas
    lane = next(r for r in canvas.rows if r.label == "Sam")
    x = round(pt.GUTTER + canvas.scale.x_of(50) + 5)
    QTest.mouseMove(canvas, QPoint(x, lane.top + 5))
    assert canvas.toolTip() == ("Receiving initiatives (working point)\n00:00:02:00 · frame 50"
                                "\nlooks up")
    assert canvas.describe_at(point(view, 70, pt.RowKind.CLIPS)) == (
        "Tower\n00:00:02:10 – 00:00:03:04 (frames 60–79, 20 frames)")
