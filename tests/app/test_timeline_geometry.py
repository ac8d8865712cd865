"""The timeline's maths without Qt: mapping, ticks, aggregation, hit tests, snapping, edits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigstudio.app import CaseSession
from vigstudio.app import timeline_geometry as tg
from vigstudio.domain.annotations import Valence
from vigstudio.domain.media import Recording
from vigstudio.domain.time import FrameRange, FrameRate


def test_fit_shows_every_frame_and_maps_back() -> None:
    scale = tg.TimelineScale.fit(9000, 900)
    assert scale.px_per_frame == pytest.approx(0.1)
    assert scale.visible_range() == FrameRange(0, 9000)
    assert scale.frame_at(0) == 0
    assert scale.frame_at(899.99) == 8999
    assert scale.frame_at(5000) == 8999  # clamped
    assert scale.is_fit


def test_zoom_keeps_anchor_frame_under_the_mouse() -> None:
    scale = tg.TimelineScale.fit(9000, 900)
    anchor_frame = scale.frame_at(450)
    zoomed = scale.zoomed(8.0, anchor_x=450)
    assert abs(zoomed.frame_at(450) - anchor_frame) <= 1
    assert zoomed.px_per_frame == pytest.approx(0.8)
    # zooming out past fit stops at fit
    assert scale.zoomed(0.1).is_fit
    # the closest zoom is capped
    assert scale.with_px_per_frame(1000).px_per_frame == tg.MAX_PX_PER_FRAME


def test_frame_level_zoom_maps_exact_frames() -> None:
    scale = tg.TimelineScale(9000, 800, 20.0, first=1000)
    assert scale.visible_range() == FrameRange(1000, 1040)
    assert scale.x_of(1001) == 20.0
    assert scale.frame_at(39.9) == 1001
    assert scale.frame_at(40.0) == 1002
    assert scale.boundary_at(49) == 1002
    assert scale.boundary_at(51) == 1003


def test_pan_is_clamped_to_the_recording() -> None:
    scale = tg.TimelineScale(1000, 100, 1.0, first=0)
    assert scale.panned_by(-50).first == 0
    assert scale.panned_by(5000).first == 900
    assert scale.centred_on(500).first == 450
    shown = scale.showing(300)
    assert 0 <= shown.x_of(300) < 100


def test_tick_spacing_moves_from_frames_to_seconds() -> None:
    rate = FrameRate.of(25)
    close = tg.tick_spacing(rate, 48.0)
    assert close.major == 2  # 96 px per label
    assert close.minor == 1
    far = tg.tick_spacing(rate, 0.01)  # whole hour in ~900 px
    assert far.major % 25 == 0 and far.major >= 25 * 300
    ntsc = tg.tick_spacing(FrameRate.of("29.97"), 3.0)
    assert ntsc.major % 30 == 0


def test_ticks_are_multiples_in_view() -> None:
    scale = tg.TimelineScale(1000, 100, 1.0, first=17)
    assert list(tg.ticks(scale, 25)) == [25, 50, 75, 100]


def test_column_counts_count_every_visible_frame_once() -> None:
    rng = np.random.default_rng(1)
    frames = np.sort(rng.integers(0, 90_000, 50_000)).astype(np.int64)
    scale = tg.TimelineScale.fit(90_000, 1500)
    counts = tg.column_counts(frames, scale, bucket_px=2)
    assert int(counts.sum()) == 50_000
    assert len(counts) == 750
    assert tg.should_aggregate(50_000, scale)
    close = tg.TimelineScale(90_000, 1500, 20.0, first=45_000)
    lo, hi = tg.visible_slice(frames, close.visible_range())
    assert not tg.should_aggregate(hi - lo, close)
    assert int(tg.column_counts(frames, close, 2).sum()) == hi - lo


def test_hit_test_finds_nearest_within_tolerance() -> None:
    frames = tg.sorted_frames([100, 10, 50])
    assert list(frames) == [10, 50, 100]
    assert tg.nearest_index(frames, 48, 3) == 1
    assert tg.nearest_index(frames, 75, 3) is None
    assert tg.nearest_index(frames, 104, 4) == 2
    assert tg.nearest_index(np.zeros(0, dtype=np.int64), 5, 10) is None
    scale = tg.TimelineScale(1000, 100, 0.5)
    assert tg.tolerance_frames(scale, 4) == 8


def test_navigation_next_and_previous() -> None:
    frames = [10, 50, 100]
    assert tg.next_after(frames, 50) == 100
    assert tg.next_after(frames, 100) is None
    assert tg.previous_before(frames, 50) == 10
    assert tg.previous_before(frames, 10) is None
    assert tg.next_after(np.array(frames, dtype=np.int64), 0) == 10
    edges = tg.clip_edge_frames([FrameRange(10, 20), FrameRange(15, 40)])
    assert edges == [10, 15, 19, 39]


def test_snapping_to_playhead_moments_and_edges() -> None:
    candidates = tg.snap_candidates(playhead=300, moments=[120], clip_ranges=[FrameRange(200, 250)],
                                    frame_count=1000, stills=[500])
    assert candidates == [0, 120, 121, 200, 250, 300, 500, 501, 1000]
    assert tg.snap(297, candidates, 4) == 300
    assert tg.snap(290, candidates, 4) == 290
    assert tg.snap(122, candidates, 2) == 121
    assert tg.snap(998, candidates, 3) == 1000


def test_clip_edits_keep_at_least_one_frame_inside_the_recording() -> None:
    r = FrameRange(100, 150)
    assert tg.moved_range(r, 30, 1000) == FrameRange(130, 180)
    assert tg.moved_range(r, -500, 1000) == FrameRange(0, 50)
    assert tg.moved_range(r, 5000, 1000) == FrameRange(950, 1000)
    assert tg.trimmed_range(r, "start", 120, 1000) == FrameRange(120, 150)
    assert tg.trimmed_range(r, "start", 170, 1000) == FrameRange(149, 150)
    assert tg.trimmed_range(r, "end", 90, 1000) == FrameRange(100, 101)
    assert tg.trimmed_range(r, "end", 2000, 1000) == FrameRange(100, 1000)
    with pytest.raises(ValueError):
        tg.trimmed_range(r, "middle", 1, 1000)
    assert tg.range_between(40, 10, 1000) == FrameRange(10, 40)
    assert tg.range_between(10, 10, 1000) == FrameRange(10, 11)
    assert tg.range_from_marks(30, 20) == FrameRange(20, 31)


def test_moment_lane_sorts_and_splits_by_principle() -> None:
    lane = tg.MomentLane.build(1, "child", [(50, 1, 7, False), (10, 2, 8, True), (30, 3, 7, False)])
    assert list(lane.frames) == [10, 30, 50]
    assert list(lane.ids) == [2, 3, 1]
    assert list(lane.by_principle[7]) == [30, 50]
    assert list(lane.by_principle[8]) == []
    assert list(lane.working_frames) == [10]
    assert lane.hit(28, 2) == 3
    assert lane.hit(40, 2) is None
    assert len(tg.MomentLane.build(None, "empty", [])) == 0


@given(st.integers(1, 100_000), st.integers(1, 3000), st.floats(0.001, 48.0),
       st.integers(0, 100_000), st.floats(0, 3000))
def test_frame_at_x_of_round_trips(frame_count: int, width: int, ppf: float, first: int,
                                   x: float) -> None:
    scale = tg.TimelineScale(frame_count, width, ppf, first).clamped()
    frame = scale.frame_at(x)
    assert 0 <= frame < frame_count
    if 0 <= scale.first + x / ppf < frame_count:
        assert scale.x_of(frame) <= x + 1e-6 * max(1.0, x)
        assert x < scale.x_of(frame + 1) + 1e-6 * max(1.0, x)


# --- against the real session and project file ------------------------------------------



def test_timeline_edits_on_moments_persist_and_undo(session: CaseSession, rec: Recording,
                                                    people: tuple[int, int]) -> None:
    child, parent = people
    assert rec.id is not None
    scale = tg.TimelineScale(rec.info.frame_count, 500, 4.0, first=0)
    frame = scale.frame_at(250.5)  # a click in the 63rd frame cell
    assert frame == 62
    m = session.add_moment(rec.id, frame, "receiving", participant_id=child)
    w = session.add_moment(rec.id, 100, "attentive", participant_id=parent,
                           valence=Valence.WORKING_POINT)
    assert m.id is not None and w.id is not None
    lane = tg.MomentLane.build(child, "child", [(x.frame, x.id or 0, x.principle_id,
                                                 x.valence is Valence.WORKING_POINT)
                                                for x in session.moments(rec.id)
                                                if x.participant_id == child])
    assert lane.hit(scale.frame_at(252), tg.tolerance_frames(scale, 6)) == m.id
    # a drag of 7 cells to the right moves it by exactly 7 frames, one undo step
    session.move_moment(m.id, frame + scale.frame_at(28 + 250.5) - scale.frame_at(250.5))
    assert session.moment(m.id).frame == 69
    session.delete_moment(w.id)
    path = session.path
    session.close()
    with CaseSession.open(path) as again:
        assert [(x.frame, x.participant_id) for x in again.moments(rec.id)] == [(69, child)]


def test_timeline_edits_on_clips_snap_persist_and_undo(session: CaseSession,
                                                       rec: Recording) -> None:
    assert rec.id is not None
    n = rec.info.frame_count
    marks = tg.range_from_marks(40, 64)  # I at 40, O at 64: 64 is the last frame shown
    clip = session.add_clip(rec.id, marks.start, marks.end)
    other = session.add_clip(rec.id, 120, 160)
    moment = session.add_moment(rec.id, 90, "guiding")
    assert clip.id is not None and other.id is not None
    assert clip.range == FrameRange(40, 65)
    candidates = tg.snap_candidates(
        playhead=80, moments=[moment.frame],
        clip_ranges=[c.range for c in session.clips(rec.id) if c.id != clip.id], frame_count=n)
    assert candidates == [0, 80, 90, 91, 120, 160, n]
    # trim the end towards the moment: 89 snaps to 90 with a 3-frame tolerance
    trimmed = tg.trimmed_range(clip.range, "end", tg.snap(89, candidates, 3), n)
    session.set_clip_range(clip.id, trimmed)
    assert session.clip(clip.id).range == FrameRange(40, 90)
    # move so its end meets the next clip's start, then undo only that
    moved = tg.moved_range(session.clip(clip.id).range, 28, n)
    snapped = tg.moved_range(moved, tg.snap(moved.end, candidates, 3) - moved.end, n)
    session.set_clip_range(clip.id, snapped)
    assert session.clip(clip.id).range == FrameRange(70, 120)
    session.undo()
    assert session.clip(clip.id).range == FrameRange(40, 90)
    session.redo()
    # a drag as many live edits merged into one undo step
    with session.merged("Trim clip"):
        for end in range(121, 131):
            session.trim_clip_end(clip.id, end)
    assert session.clip(clip.id).range == FrameRange(70, 130)
    session.undo()
    assert session.clip(clip.id).range == FrameRange(70, 120)
    session.delete_annotations(clips=[other.id])
    assert [c.id for c in session.clips(rec.id)] == [clip.id]
    path = session.path
    session.close()
    reopened = CaseSession.open(path)
    try:
        assert [c.range for c in reopened.clips(rec.id)] == [FrameRange(70, 120)]
        assert tg.clip_edge_frames(c.range for c in reopened.clips(rec.id)) == [70, 119]
    finally:
        reopened.close()


def test_time_labels_timecode_for_constant_rate_clock_time_for_variable_rate() -> None:
    from fractions import Fraction

    from vigstudio.domain.media import MediaInfo

    def info(vfr: bool) -> MediaInfo:
        times = (Fraction(0), Fraction(1, 10), Fraction(3, 10), Fraction(1, 2))
        return MediaInfo(container="mp4", video_codec="h264", width=64, height=64, rotation=0,
                         frame_rate=FrameRate(Fraction(8)), variable_frame_rate=vfr,
                         frame_count=4, duration=Fraction(6, 10), time_base=Fraction(1, 1000),
                         start_pts=0, frame_times=times if vfr else None)

    cfr = tg.TimeLabels.of(info(False))
    assert cfr.label(9) == "00:00:01:01"
    assert cfr.range_text(FrameRange(8, 10)) == "00:00:01:00 – 00:00:01:01 (frames 8–9, 2 frames)"
    vfr = tg.TimeLabels.of(info(True))
    assert vfr.label(2) == "00:00:00.300"
    assert vfr.label(4) == "00:00:00.500"  # the end boundary is labelled as the last frame
