"""Exact time: frame ↔ time ↔ timecode round trips at the common rates and variable rate."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigstudio.domain.time import (
    ConstantClock,
    FrameRange,
    FrameRate,
    TimecodeError,
    VariableClock,
    format_seconds,
    frames_to_timecode,
    parse_position,
    parse_seconds,
    timecode_to_frames,
)

RATES = [FrameRate.of("23.976"), FrameRate.of(25), FrameRate.of("29.97"), FrameRate.of(30),
         FrameRate.of("59.94"), FrameRate.of(50), FrameRate.of(24)]
TEN_HOURS = 10 * 3600 * 60


@pytest.mark.parametrize("rate", RATES, ids=str)
@given(frame=st.integers(min_value=0, max_value=TEN_HOURS))
def test_timecode_round_trip(rate: FrameRate, frame: int) -> None:
    assert timecode_to_frames(frames_to_timecode(frame, rate), rate) == frame


@pytest.mark.parametrize("rate", RATES, ids=str)
@given(frame=st.integers(min_value=0, max_value=TEN_HOURS))
def test_frame_time_round_trip_constant(rate: FrameRate, frame: int) -> None:
    clock = ConstantClock(rate, TEN_HOURS + 1)
    seconds = clock.time_of(frame)
    assert isinstance(seconds, Fraction)
    assert clock.frame_at(seconds) == frame
    # any instant while the frame is on screen names the same frame
    next_time = (frame + 1) / rate.value
    assert clock.frame_at(next_time - Fraction(1, 10**9)) == frame


vfr_durations = st.lists(st.integers(min_value=1, max_value=4000), min_size=1, max_size=300)


@given(durations=vfr_durations, data=st.data())
def test_frame_time_round_trip_variable(durations: list[int], data: st.DataObject) -> None:
    time_base = Fraction(1, 90000)
    pts = [1234]
    for d in durations[:-1]:
        pts.append(pts[-1] + d)
    clock = VariableClock.from_pts(pts, time_base, pts[-1] + durations[-1])
    frame = data.draw(st.integers(min_value=0, max_value=len(pts) - 1))
    seconds = clock.time_of(frame)
    assert seconds == (pts[frame] - pts[0]) * time_base
    assert clock.frame_at(seconds) == frame
    end = clock.end_time if frame == len(pts) - 1 else clock.time_of(frame + 1)
    assert clock.frame_at(end - Fraction(1, 10**9)) == frame


def test_drop_frame_labels_at_2997() -> None:
    rate = FrameRate.of("29.97")
    assert rate.is_drop_frame
    assert frames_to_timecode(1799, rate) == "00:00:59;29"
    assert frames_to_timecode(1800, rate) == "00:01:00;02"  # ;00 and ;01 are dropped
    assert frames_to_timecode(17982, rate) == "00:10:00;00"  # not dropped at the tenth minute
    with pytest.raises(TimecodeError, match="dropped"):
        timecode_to_frames("00:01:00;00", rate)


def test_ntsc_rates_are_exact() -> None:
    assert FrameRate.of("23.976").value == Fraction(24000, 1001)
    assert FrameRate.of("30000/1001").value == Fraction(30000, 1001)
    assert FrameRate.of(25).nominal == 25
    assert FrameRate.of("23.976").nominal == 24
    assert not FrameRate.of("23.976").is_drop_frame


def test_frame_rate_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        FrameRate.of(0)
    with pytest.raises(ValueError):
        FrameRate.of("fast")


def test_frame_range_is_half_open() -> None:
    r = FrameRange(100, 150)
    assert len(r) == 50 and r.last == 149
    assert 100 in r and 149 in r and 150 not in r
    assert not r.overlaps(FrameRange(150, 160))
    assert r.overlaps(FrameRange(149, 160))
    assert r.intersection(FrameRange(140, 200)) == FrameRange(140, 150)
    assert r.intersection(FrameRange(150, 200)) is None
    with pytest.raises(ValueError):
        FrameRange(10, 5)
    with pytest.raises(ValueError):
        FrameRange(-1, 5)


def test_clock_time_format_and_parse() -> None:
    assert format_seconds(Fraction(3723, 1) + Fraction(45, 1000)) == "01:02:03.045"
    assert parse_seconds("01:02:03.045") == Fraction(3723045, 1000)
    assert parse_seconds("12.5") == Fraction(25, 2)
    with pytest.raises(TimecodeError):
        parse_seconds("1::2")


def test_parse_position_forms() -> None:
    rate = FrameRate.of(25)
    clock = ConstantClock(rate, 1000)
    assert parse_position("250", clock, rate) == 250
    assert parse_position("00:00:10:05", clock, rate) == 255
    assert parse_position("10.2s", clock, rate) == 255
    assert parse_position("0:10.2", clock, rate) == 255
    with pytest.raises(TimecodeError, match="outside"):
        parse_position("1000", clock, rate)
    with pytest.raises(TimecodeError):
        parse_position("00:00:10:30", clock, rate)  # frame field beyond 24 at 25 fps


def test_constant_clock_refuses_frames_outside() -> None:
    clock = ConstantClock(FrameRate.of(25), 10)
    with pytest.raises(IndexError, match="outside"):
        clock.time_of(10)
    assert clock.frame_at(Fraction(100)) == 9
