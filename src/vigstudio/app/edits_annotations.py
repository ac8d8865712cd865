"""Tagging moments and selecting clips and stills (exact frames, never clamped)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from vigstudio.app.changes import Change
from vigstudio.app.session_core import (
    K,
    SessionCore,
    check_frame,
    domain_edit,
    entity_id,
)
from vigstudio.domain import edits
from vigstudio.domain.annotations import Clip, Moment, Sharing, Still, Valence
from vigstudio.domain.codebook import Principle
from vigstudio.domain.entities import Entity
from vigstudio.domain.time import FrameRange
from vigstudio.errors import (
    InvalidEditError,
    UnknownCodeError,
)


class AnnotationEdits(SessionCore):
    """Tagging moments and selecting clips and stills (exact frames, never clamped)."""

    def add_moment(self, recording_id: int, frame: int, code: str | int, *,
                   participant_id: int | None = None, behaviour_id: int | None = None,
                   note: str = "", valence: Valence = Valence.STRENGTH,
                   helping_question_id: int | None = None) -> Moment:
        """Tag ``frame`` with a principle (its code, or its id)."""
        principle = self._principle_of(code)
        m = Moment(recording_id, frame, entity_id(principle), participant_id, behaviour_id, note,
                   Valence(valence), helping_question_id)
        self._check_moment(m)
        return self._add(f"Tag {principle.name}", m)

    def update_moment(self, moment: Moment, *, merge_key: str | None = None) -> Moment:
        """Change a moment's code, behaviour, participant, note, valence or question."""
        before = self.moment(entity_id(moment))
        self._check_moment(moment)
        return self._update("Edit moment", before, moment, merge_key=merge_key)

    def move_moment(self, moment_id: int, frame: int, *, merge_key: str | None = None) -> Moment:
        return self._update("Move moment", self.moment(moment_id),
                            self._checked_moment(replace(self.moment(moment_id), frame=frame)),
                            merge_key=merge_key)

    def set_moment_code(self, moment_id: int, code: str | int) -> Moment:
        p = self._principle_of(code)
        m = self.moment(moment_id)
        return self.update_moment(replace(m, principle_id=entity_id(p), behaviour_id=None))

    def delete_moment(self, moment_id: int) -> None:
        self.delete_annotations(moments=[moment_id])

    def _principle_of(self, code: str | int) -> Principle:
        if isinstance(code, int):
            if code in self._cache[K.PRINCIPLE]:
                return self.principle(code)
            raise UnknownCodeError(f"there is no code with id {code}")
        return self.principle_by_code(code)

    def _checked_moment(self, m: Moment) -> Moment:
        self._check_moment(m)
        return m

    def _check_moment(self, m: Moment) -> None:
        rec = self.recording(m.recording_id)
        check_frame(rec, m.frame)
        if m.principle_id not in self._cache[K.PRINCIPLE]:
            raise UnknownCodeError(f"there is no code with id {m.principle_id}")
        if m.behaviour_id is not None and m.behaviour_id not in {
                b.id for b in self.principle(m.principle_id).behaviours}:
            raise InvalidEditError(f"behaviour {m.behaviour_id} does not belong to "
                                   f"{self.principle(m.principle_id).name}")
        if m.participant_id is not None:
            self.participant(m.participant_id)
        if m.helping_question_id is not None:
            self.helping_question(m.helping_question_id)

    def add_clip(self, recording_id: int, start: int, end: int, *, title: str = "",
                 caption: str = "") -> Clip:
        """A clip of frames ``[start, end)``: ``end`` is the first frame not in the clip."""
        rec = self.recording(recording_id)
        rng = domain_edit(edits.make_range, start, end, rec.info.frame_count)
        return self._add("Add clip", Clip(recording_id, rng, title, caption))

    def set_clip_range(self, clip_id: int, rng: FrameRange, *,
                       merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        checked = domain_edit(edits.make_range, rng.start, rng.end, count)
        return self._update("Change clip", c, replace(c, range=checked), merge_key=merge_key)

    def move_clip(self, clip_id: int, start: int, *, merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = domain_edit(edits.move_range_to, c.range, start, count)
        return self._update("Move clip", c, replace(c, range=rng), merge_key=merge_key)

    def trim_clip_start(self, clip_id: int, start: int, *,
                        merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = domain_edit(edits.trim_start, c.range, start, count)
        return self._update("Trim clip", c, replace(c, range=rng), merge_key=merge_key)

    def trim_clip_end(self, clip_id: int, end: int, *, merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = domain_edit(edits.trim_end, c.range, end, count)
        return self._update("Trim clip", c, replace(c, range=rng), merge_key=merge_key)

    def update_clip(self, clip: Clip) -> Clip:
        """Change title, caption or sharing decision (and range, checked)."""
        before = self.clip(entity_id(clip))
        count = self.recording(before.recording_id).info.frame_count
        domain_edit(edits.check_range, clip.range, count)
        if clip.recording_id != before.recording_id:
            raise InvalidEditError("a clip cannot move to another recording")
        return self._update("Edit clip", before, clip)

    def set_clip_title(self, clip_id: int, title: str) -> Clip:
        return self.update_clip(replace(self.clip(clip_id), title=title))

    def set_clip_caption(self, clip_id: int, caption: str) -> Clip:
        return self.update_clip(replace(self.clip(clip_id), caption=caption))

    def set_clip_sharing(self, clip_id: int, sharing: Sharing) -> Clip:
        """Record the parent's decision about who may see this clip."""
        return self.update_clip(replace(self.clip(clip_id), sharing=Sharing(sharing)))

    def delete_clip(self, clip_id: int) -> None:
        """Remove a clip and its items in reels (undo restores both)."""
        self.delete_annotations(clips=[clip_id])

    def add_still(self, recording_id: int, frame: int, *, caption: str = "") -> Still:
        check_frame(self.recording(recording_id), frame)
        return self._add("Add still", Still(recording_id, frame, caption))

    def update_still(self, still: Still, *, merge_key: str | None = None) -> Still:
        before = self.still(entity_id(still))
        if still.recording_id != before.recording_id:
            raise InvalidEditError("a still cannot move to another recording")
        check_frame(self.recording(still.recording_id), still.frame)
        return self._update("Edit still", before, still, merge_key=merge_key)

    def move_still(self, still_id: int, frame: int, *, merge_key: str | None = None) -> Still:
        return self.update_still(replace(self.still(still_id), frame=frame),
                                 merge_key=merge_key)

    def delete_still(self, still_id: int) -> None:
        self.delete_annotations(stills=[still_id])

    def delete_annotations(self, *, moments: Iterable[int] = (), clips: Iterable[int] = (),
                           stills: Iterable[int] = ()) -> Change:
        """Delete a selection of moments, clips and stills as one undo step; items in reels
        that show a deleted clip or still are removed with them."""
        ms = [self.moment(i) for i in dict.fromkeys(moments)]
        cs = [self.clip(i) for i in dict.fromkeys(clips)]
        ss = [self.still(i) for i in dict.fromkeys(stills)]
        steps = self._unreel({entity_id(c) for c in cs}, {entity_id(s) for s in ss})
        doomed: list[Entity] = [*ms, *cs, *ss]
        steps += [self._del(e) for e in doomed]
        total = len(ms) + len(cs) + len(ss)
        what = ("moment" if ms else "clip" if cs else "still") if total == 1 else "items"
        return self._run(f"Delete {what}" if total == 1 else f"Delete {total} items", steps)
