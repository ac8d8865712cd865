"""A feedback reel as an OpenTimelineIO timeline (``.otio``) for video editors.

One video track; each reel item becomes, in order:

* a clip → an OTIO ``Clip`` whose ``ExternalReference`` points at the recording (a
  ``file:`` URL, with the whole recording as its available range) and whose source range
  is the clip's frames; slow motion adds a ``LinearTimeWarp``; a freeze adds a one-frame
  ``Clip`` with a ``FreezeFrame`` effect lasting the freeze;
* a still → a one-frame ``Clip`` with a ``FreezeFrame`` effect lasting its hold;
* a title card → a ``Gap`` named by its text (editors put their own title there).

Captions are ``Marker``\\ s over their item (name and comment = the caption). Times are exact:
for constant-rate video a time is the frame number at the recording's rate; for variable-rate
video it is the presentation time counted in the recording's time base (e.g. 1/90000 s), so
every frame boundary is a whole number. Holds and freezes are written at the timeline's rate.
Each clip's ``metadata["vigstudio"]`` also keeps the exact frames and rate as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import opentimelineio as otio

from vigstudio.domain.media import MediaInfo
from vigstudio.domain.reels import ItemKind
from vigstudio.domain.time import FrameRange
from vigstudio.interchange.timing import start_time


@dataclass(frozen=True, slots=True)
class ReelEntry:
    """One reel item with what a timeline needs to know about it."""

    kind: ItemKind
    name: str
    caption: str = ""
    media_path: str = ""
    info: MediaInfo | None = None
    frames: FrameRange | None = None  # a still is [frame, frame + 1)
    speed: Fraction = Fraction(1)
    freeze: Fraction = Fraction(0)  # seconds
    hold: Fraction = Fraction(4)  # seconds (stills and title cards)
    metadata: dict[str, Any] = field(default_factory=dict)


def media_units(info: MediaInfo) -> Fraction:
    """The rate a recording's times are counted in: its frame rate (constant-rate video) or
    one tick of its time base (variable-rate video)."""
    if info.variable_frame_rate and info.frame_times is not None:
        return 1 / info.time_base
    return info.frame_rate.value


def _time(info: MediaInfo, frame: int) -> Any:
    """The exact OTIO time at which ``frame`` starts (``frame_count`` = the end)."""
    units = media_units(info)
    if not info.variable_frame_rate or info.frame_times is None:
        return otio.opentime.RationalTime(frame, float(units))
    return otio.opentime.RationalTime(float(start_time(info, frame) * units), float(units))


def _span(info: MediaInfo, frames: FrameRange) -> Any:
    start = _time(info, frames.start)
    end = _time(info, frames.end)
    return otio.opentime.TimeRange(start, end - start)


def _seconds(seconds: Fraction, rate: Fraction) -> Any:
    return otio.opentime.RationalTime(float(seconds * rate), float(rate))


def timeline_rate(entries: Sequence[ReelEntry]) -> Fraction:
    """The first constant rate among the reel's recordings (25 fps if there is none)."""
    for e in entries:
        if e.info is not None and not e.info.variable_frame_rate:
            return e.info.frame_rate.value
    for e in entries:
        if e.info is not None:
            return e.info.frame_rate.value
    return Fraction(25)


def _reference(entry: ReelEntry) -> Any:
    assert entry.info is not None
    full = _span(entry.info, FrameRange(0, entry.info.frame_count))
    return otio.schema.ExternalReference(
        target_url=Path(entry.media_path).absolute().as_uri(), available_range=full)


def _exact(entry: ReelEntry, frames: FrameRange) -> dict[str, Any]:
    assert entry.info is not None
    rate = entry.info.frame_rate.value
    return {"start_frame": frames.start, "end_frame": frames.end,
            "frame_rate": f"{rate.numerator}/{rate.denominator}",
            "variable_frame_rate": entry.info.variable_frame_rate,
            "speed": f"{entry.speed.numerator}/{entry.speed.denominator}", **entry.metadata}


def _marker(caption: str, item_range: Any) -> Any:
    return otio.schema.Marker(name=caption, marked_range=item_range,
                              color=otio.schema.MarkerColor.GREEN,
                              metadata={"vigstudio": {"caption": caption}}, comment=caption)


def _clip_items(entry: ReelEntry, rate: Fraction) -> list[Any]:
    assert entry.info is not None and entry.frames is not None
    clip = otio.schema.Clip(name=entry.name, media_reference=_reference(entry),
                            source_range=_span(entry.info, entry.frames),
                            metadata={"vigstudio": _exact(entry, entry.frames)})
    if entry.speed != 1:
        clip.effects.append(otio.schema.LinearTimeWarp(
            name="slow motion", time_scalar=float(entry.speed)))
    if entry.caption:
        clip.markers.append(_marker(entry.caption, clip.source_range))
    items = [clip]
    if entry.freeze > 0:
        last = FrameRange(entry.frames.end - 1, entry.frames.end)
        items.append(_held_frame(entry, last, entry.freeze, f"{entry.name} (freeze)", rate))
    return items


def _held_frame(entry: ReelEntry, frame: FrameRange, seconds: Fraction, name: str,
                rate: Fraction) -> Any:
    assert entry.info is not None
    start = _time(entry.info, frame.start)
    units = media_units(entry.info)
    held = otio.schema.Clip(
        name=name, media_reference=_reference(entry),
        source_range=otio.opentime.TimeRange(start, _seconds(seconds, units)),
        metadata={"vigstudio": {**_exact(entry, frame), "hold_seconds":
                                f"{seconds.numerator}/{seconds.denominator}"}})
    held.effects.append(otio.schema.FreezeFrame())
    return held


def reel_timeline(name: str, entries: Sequence[ReelEntry]) -> Any:
    """The OTIO ``Timeline`` of a reel."""
    rate = timeline_rate(entries)
    track = otio.schema.Track(name="Reel", kind=otio.schema.TrackKind.Video)
    for entry in entries:
        if entry.kind is ItemKind.CLIP:
            track.extend(_clip_items(entry, rate))
        elif entry.kind is ItemKind.STILL:
            assert entry.frames is not None
            item = _held_frame(entry, entry.frames, entry.hold, entry.name, rate)
            if entry.caption:
                item.markers.append(_marker(entry.caption, item.source_range))
            track.append(item)
        else:
            gap = otio.schema.Gap(
                name=entry.name,
                source_range=otio.opentime.TimeRange(
                    otio.opentime.RationalTime(0, float(rate)), _seconds(entry.hold, rate)),
                metadata={"vigstudio": {"title_card": entry.name, "hold_seconds":
                                        f"{entry.hold.numerator}/{entry.hold.denominator}"}})
            if entry.caption:
                gap.markers.append(_marker(entry.caption, gap.source_range))
            track.append(gap)
    timeline = otio.schema.Timeline(
        name=name, global_start_time=otio.opentime.RationalTime(0, float(rate)),
        metadata={"vigstudio": {"reel": name,
                                "frame_rate": f"{rate.numerator}/{rate.denominator}"}})
    timeline.tracks.append(track)
    return timeline


def write_otio(name: str, entries: Sequence[ReelEntry]) -> bytes:
    text: str = otio.adapters.write_to_string(reel_timeline(name, entries), "otio_json")
    return text.encode("utf-8")
