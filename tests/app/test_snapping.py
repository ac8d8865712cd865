"""One snapping rule: the session's snap targets (domain.edits) and the timeline's drags
(app.timeline_geometry) pick the same frame for every edge, target set and tolerance."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from vigstudio.app import timeline_geometry as tg
from vigstudio.domain import edits
from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.time import FrameRange

FRAMES = 500


@st.composite
def _scenes(draw: st.DrawFn) -> tuple[int | None, list[int], list[int], list[FrameRange]]:
    playhead = draw(st.none() | st.integers(0, FRAMES - 1))
    moments = draw(st.lists(st.integers(0, FRAMES - 1), max_size=12))
    stills = draw(st.lists(st.integers(0, FRAMES - 1), max_size=6))
    starts = draw(st.lists(st.integers(0, FRAMES - 2), max_size=6))
    ranges = [FrameRange(s, draw(st.integers(s + 1, FRAMES))) for s in starts]
    return playhead, moments, stills, ranges


@settings(max_examples=300, deadline=None)
@given(scene=_scenes(), frame=st.integers(0, FRAMES), tolerance=st.integers(-1, 40),
       exclude=st.none() | st.integers(1, 6))
def test_the_timeline_and_the_domain_snap_alike(
        scene: tuple[int | None, list[int], list[int], list[FrameRange]], frame: int,
        tolerance: int, exclude: int | None) -> None:
    playhead, moments, stills, ranges = scene
    clips = [Clip(1, r, id=i) for i, r in enumerate(ranges, 1)]
    domain_targets = edits.snap_targets(
        playhead=playhead, moments=[Moment(1, m, 1) for m in moments],
        stills=[Still(1, s) for s in stills], clips=clips, exclude_clip_id=exclude,
        frame_count=FRAMES)
    timeline_targets = tg.snap_candidates(
        playhead=playhead, moments=moments, stills=stills, frame_count=FRAMES,
        clip_ranges=[c.range for c in clips if c.id != exclude])
    assert domain_targets == timeline_targets
    assert tg.snap(frame, timeline_targets, tolerance) == edits.snap(frame, domain_targets,
                                                                     tolerance)


def test_a_tie_goes_to_the_earlier_frame_in_both() -> None:
    targets = [47, 53]
    assert tg.snap(50, targets, 3) == edits.snap(50, targets, 3) == 47


def test_an_edge_snaps_just_after_a_moment_in_both() -> None:
    """The case where the two rules used to disagree: a clip's out-point dragged to just
    after a moment (the moment's frame then lies inside the clip)."""
    domain = edits.snap_targets(moments=[Moment(1, 120, 1)], frame_count=1000)
    timeline = tg.snap_candidates(playhead=None, moments=[120], clip_ranges=[],
                                  frame_count=1000)
    assert edits.snap(122, domain, 1) == tg.snap(122, timeline, 1) == 121
    assert edits.snap(998, domain, 3) == tg.snap(998, timeline, 3) == 1000
