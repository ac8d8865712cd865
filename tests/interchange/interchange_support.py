"""Helpers of the interchange tests: the frame rates tested, case projects on real generated
media, tags with everything a tag can carry, and a by-name snapshot to compare cases."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from vigstudio.app import CaseSession
from vigstudio.domain.annotations import Valence
from vigstudio.domain.media import Recording
from vigstudio.domain.project import Role

# 23.976, 25 and 29.97 fps, and variable frame rate whose frame times are not whole
# milliseconds (3003/90000 s = 33.3666… ms)
RATES: dict[str, dict[str, object]] = {
    "23.976": {"rate": Fraction(24000, 1001), "frames": 72},
    "25": {"rate": Fraction(25), "frames": 75},
    "29.97": {"rate": Fraction(30000, 1001), "frames": 90},
    "vfr": {"rate": Fraction(30), "frame_durations": [3003, 2997, 6006, 1501] * 18},
}


@dataclass(frozen=True)
class Media:
    name: str
    path: Path
    recording: Recording  # probed, path absolute


def new_case(folder: Path, media: Media, name: str = "case") -> tuple[CaseSession, int]:
    folder.mkdir(parents=True, exist_ok=True)
    session = CaseSession.create(folder / f"{name}.vigproj", "Family R")
    rec = session.add_recording(media.recording)
    assert rec.id is not None
    return session, rec.id


def tag_everything(session: CaseSession, recording_id: int) -> None:
    """Moments for two participants and none, behaviours, working points, awkward notes;
    clips at both ends; stills on the first and last frame; a code of the case's own."""
    count = session.recording(recording_id).info.frame_count
    sam = session.add_participant("Sam", Role.PERSON).id
    zoe = session.add_participant("Zoë", Role.PARTNER).id
    receiving = session.principle_by_code("receiving")
    session.add_principle("peekaboo", "Peek-a-boo game", "#123456",
                          behaviours=["hiding", "finding"])
    peekaboo = session.principle_by_code("peekaboo")
    session.add_moment(recording_id, 0, "attentive", participant_id=sam)
    session.add_moment(recording_id, 1, "receiving", participant_id=zoe,
                       behaviour_id=receiving.behaviours[2].id,
                       note='she said "look, again!", laughing')
    session.add_moment(recording_id, 1, "encouraging", participant_id=zoe,
                       valence=Valence.WORKING_POINT, note="=SUM(A1) — not a formula")
    session.add_moment(recording_id, 7, "peekaboo", participant_id=sam,
                       behaviour_id=peekaboo.behaviours[1].id, note="line one\nline two")
    session.add_moment(recording_id, count // 2, "guiding")
    session.add_moment(recording_id, count - 1, "receiving", participant_id=sam,
                       note="tabs\tand ümlauts")
    session.add_clip(recording_id, 0, 12, title="Turn taking", caption="What helped here?")
    session.add_clip(recording_id, 5, 31, title="Fun, together")
    session.add_clip(recording_id, count - 10, count, title="The end",
                     caption="-she waits")
    session.add_still(recording_id, 0, caption="Eye contact")
    session.add_still(recording_id, count - 1)


def snapshot(session: CaseSession, recording_id: int) -> set[tuple[object, ...]]:
    """Everything a round trip must keep, by name (ids differ between cases)."""
    people = {p.id: p.pseudonym for p in session.participants()}
    out: set[tuple[object, ...]] = set()
    for m in session.moments(recording_id):
        p = session.principle(m.principle_id)
        behaviour = next((b.name for b in p.behaviours if b.id == m.behaviour_id), "")
        out.add(("moment", m.frame, people.get(m.participant_id, ""), p.code, behaviour,
                 m.valence.value, m.note))
    for c in session.clips(recording_id):
        out.add(("clip", c.range.start, c.range.end, c.title, c.caption))
    for s in session.stills(recording_id):
        out.add(("still", s.frame, s.caption))
    return out
