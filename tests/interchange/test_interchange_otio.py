"""A reel as an OpenTimelineIO timeline, read back by the opentimelineio library."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import opentimelineio as otio
import pytest
from interchange_support import RATES, Media, new_case

from vigstudio.app import CaseSession
from vigstudio.app.tag_transfer import export_timeline
from vigstudio.interchange.errors import TargetExistsError
from vigstudio.testing.cases import consent_everywhere


def _reel(tmp_path: Path, media: Media) -> tuple[CaseSession, int]:
    session, rec = new_case(tmp_path / "case", media)
    count = media.recording.info.frame_count
    clip = session.add_clip(rec, 5, 31, title="Turn taking", caption="What helped here?")
    end = session.add_clip(rec, count - 10, count, title="The end")
    still = session.add_still(rec, 17, caption="Eye contact")
    reel = session.new_reel("Cycle 1")
    assert reel.id is not None and clip.id is not None and still.id is not None
    title = session.add_title_card(reel.id, "Fun together", hold=Fraction(5, 2))
    session.update_reel_item(reel.id, title.id or 0, caption="Your words")
    item = session.add_clip_to_reel(reel.id, clip.id, speed=Fraction(1, 2))
    session.update_reel_item(reel.id, item.id or 0, freeze_last=Fraction(1))
    session.add_still_to_reel(reel.id, still.id, hold=Fraction(2))
    session.add_clip_to_reel(reel.id, end.id or 0)
    consent_everywhere(session)
    return session, rec


@pytest.mark.parametrize("rate", list(RATES))
def test_the_timeline_opens_in_opentimelineio_with_exact_frames(
        rate: str, tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    media = media_of(rate)
    session, _rec = _reel(tmp_path, media)
    info = media.recording.info
    out = export_timeline(session, "Cycle 1", tmp_path / "reel.otio")
    timeline = otio.adapters.read_from_file(str(out))
    assert timeline.name == "Cycle 1"
    items = list(timeline.tracks[0])
    assert [type(i).__name__ for i in items] == ["Gap", "Clip", "Clip", "Clip", "Clip"]
    title, clip, freeze, still, end = items
    assert title.name == "Fun together" and title.markers[0].name == "Your words"
    assert title.source_range.duration.to_seconds() == pytest.approx(2.5)
    assert clip.name == "Turn taking" and clip.markers[0].name == "What helped here?"
    assert clip.media_reference.target_url == media.path.absolute().as_uri()
    assert [e.time_scalar for e in clip.effects] == [0.5]
    # the clip's range in the recording's own units is exactly frames 5..31 (and 65..75 etc.)
    rng = clip.source_range
    if info.variable_frame_rate:
        start_pts = info.clock.time_of(5) / info.time_base
        end_pts = info.clock.time_of(31) / info.time_base
        assert rng.start_time.rate == float(1 / info.time_base)
        assert rng.start_time.value == float(start_pts)
        assert rng.end_time_exclusive().value == float(end_pts)
    else:
        assert rng.start_time.to_frames() == 5
        assert rng.end_time_exclusive().to_frames() == 31
        assert rng.start_time.rate == pytest.approx(float(info.frame_rate.value))
    count = info.frame_count
    assert clip.metadata["vigstudio"]["start_frame"] == 5
    assert clip.metadata["vigstudio"]["end_frame"] == 31
    available = clip.media_reference.available_range
    assert available.end_time_exclusive().to_seconds() == pytest.approx(float(info.duration))
    # a freeze of the last frame for 1 s, then the still held 2 s
    assert isinstance(freeze.effects[0], otio.schema.FreezeFrame)
    assert freeze.metadata["vigstudio"]["start_frame"] == 30
    assert freeze.source_range.duration.to_seconds() == pytest.approx(1.0)
    assert still.name == "Eye contact" and still.metadata["vigstudio"]["start_frame"] == 17
    assert still.source_range.duration.to_seconds() == pytest.approx(2.0)
    assert end.metadata["vigstudio"]["end_frame"] == count
    session.close()


def test_the_timeline_is_never_written_over_a_file_unasked(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    session, _rec = _reel(tmp_path, media_of("25"))
    out = tmp_path / "reel.otio"
    out.write_text("precious")
    with pytest.raises(TargetExistsError):
        export_timeline(session, "Cycle 1", out)
    assert out.read_text() == "precious"
    export_timeline(session, "Cycle 1", out, overwrite=True)
    assert otio.adapters.read_from_file(str(out)).name == "Cycle 1"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    session.close()


def test_the_timeline_is_an_exit_refused_overridden_or_clean_and_logged(
        tmp_path: Path, media_of: Callable[[str], Media]) -> None:
    from vigstudio.errors import ConsentCheckError

    session, rec = new_case(tmp_path / "case", media_of("25"))
    clip = session.add_clip(rec, 5, 31, title="Turn taking")
    reel = session.new_reel("Cycle 1")
    session.add_clip_to_reel(reel.id or 0, clip.id or 0)
    out = tmp_path / "reel.otio"
    with pytest.raises(ConsentCheckError, match="Turn taking"):
        export_timeline(session, "Cycle 1", out)
    assert not out.exists() and session.export_log() == []
    export_timeline(session, "Cycle 1", out, override="the editor is the family's own")
    [logged] = session.export_log()
    assert logged.override == "the editor is the family's own" and logged.files == (str(out),)
    consent_everywhere(session)
    export_timeline(session, "Cycle 1", out, overwrite=True)
    assert session.export_log()[-1].override == ""
    session.close()
