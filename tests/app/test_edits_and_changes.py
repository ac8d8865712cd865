"""Pure pieces: clip edits and snapping (vigstudio.domain.edits), Change summaries, merging."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigstudio.app.changes import Change, Origin, Ref
from vigstudio.app.undo import Command, Step, UndoStack
from vigstudio.domain import edits
from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.time import FrameRange
from vigstudio.storage import EntityKind

K = EntityKind


def test_trim_and_move_are_exact_and_refuse_out_of_range() -> None:
    r = FrameRange(3, 6)
    assert edits.trim_start(r, 4, 10) == FrameRange(4, 6)
    assert edits.trim_end(r, 8, 10) == FrameRange(3, 8)
    assert edits.move_range(r, 2, 10) == FrameRange(5, 8)
    assert edits.move_range_to(r, 7, 10) == FrameRange(7, 10)
    with pytest.raises(IndexError):
        edits.move_range_to(r, 8, 10)
    with pytest.raises(IndexError):
        edits.move_range(r, -4, 10)
    with pytest.raises(ValueError, match="after the in-point"):
        edits.trim_start(r, 6, 10)
    with pytest.raises(IndexError):
        edits.trim_end(r, 11, 10)


@given(st.integers(0, 500), st.integers(1, 100), st.integers(-600, 600))
def test_move_keeps_duration_or_refuses(start: int, length: int, delta: int) -> None:
    count = 600
    r = FrameRange(start, start + length)
    try:
        moved = edits.move_range(r, delta, count)
    except IndexError:
        assert start + delta < 0 or start + length + delta > count
    else:
        assert moved.duration == length and moved.start == start + delta


def test_snap_picks_nearest_within_tolerance_earlier_on_tie() -> None:
    assert edits.snap(50, [40, 55, 100], 5) == 55
    assert edits.snap(50, [40, 100], 5) == 50
    assert edits.snap(50, [47, 53], 3) == 47
    assert edits.snap(50, [], 5) == 50


@given(st.integers(0, 1000), st.lists(st.integers(0, 1000)), st.integers(0, 50))
def test_snap_result_is_frame_or_nearest_target(frame: int, targets: list[int],
                                                tolerance: int) -> None:
    got = edits.snap(frame, targets, tolerance)
    if got != frame:
        assert got in targets and abs(got - frame) <= tolerance
        assert all(abs(t - frame) >= abs(got - frame) for t in targets)
    else:
        assert all(abs(t - frame) > tolerance for t in targets) or frame in targets


def test_snap_targets() -> None:
    clips = [Clip(1, FrameRange(10, 20), id=1), Clip(1, FrameRange(30, 40), id=2)]
    targets = edits.snap_targets(playhead=5, moments=[Moment(1, 25, 1)],
                                 stills=[Still(1, 26)], clips=clips, exclude_clip_id=2)
    # a moment or still at m offers m and m + 1 (start on it, or end just after it)
    assert targets == [5, 10, 20, 25, 26, 27]
    # the recording offers its ends; nothing past them
    assert edits.snap_targets(playhead=5, clips=clips, frame_count=35) == [0, 5, 10, 20, 30, 35]


def test_change_between_nets_out_steps() -> None:
    a, b, c = Ref(K.CLIP, 1), Ref(K.CLIP, 2), Ref(K.MOMENT, 3)
    change = Change.between("x", Origin.DO, [
        (a, False, True), (a, True, True),  # added then edited: added
        (b, True, True), (b, True, False),  # edited then removed: removed
        (c, False, True), (c, True, False),  # added then removed: nothing
    ])
    assert change.added == {a} and change.removed == {b} and not change.updated
    assert change.kinds == {K.CLIP} and change.ids(K.CLIP) == {1, 2}
    assert not change.is_empty and Change("y").is_empty


def test_undo_stack_merges_and_seals() -> None:
    c1 = Clip(1, FrameRange(0, 10), id=7)
    c2 = Clip(1, FrameRange(0, 11), id=7)
    c3 = Clip(1, FrameRange(0, 12), id=7)
    stack = UndoStack()
    stack.push(Command("Trim", [Step(K.CLIP, 7, c1, c2)], merge_key="k"))
    stack.push(Command("Trim", [Step(K.CLIP, 7, c2, c3)], merge_key="k"))
    assert len(stack.done) == 1 and stack.done[0].steps == [Step(K.CLIP, 7, c1, c3)]
    stack.seal()
    stack.push(Command("Trim", [Step(K.CLIP, 7, c3, c1)], merge_key="k"))
    assert len(stack.done) == 2
    stack.push(Command("Other", [Step(K.CLIP, 8, None, c1)]))
    assert stack.undo_label == "Other" and len(stack.done) == 3
    small = UndoStack(limit=2)
    for i in range(5):
        small.push(Command(str(i), []))
    assert [c.label for c in small.done] == ["3", "4"]
