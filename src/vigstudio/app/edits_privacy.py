"""Who appears in each clip and still, a reel's purpose, and the export log.

Appearances and purpose are ordinary undoable edits. The export log is not: an export that
has happened cannot be undone, so a log line is written in its own transaction, outside the
undo list, and announced like any other change.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import replace

from vigstudio.app.changes import Change, Origin, Ref
from vigstudio.app.session_core import K, SessionCore
from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.privacy import (
    ExportRecord,
    Purpose,
    appearing,
    proposed_participants,
    still_window,
)
from vigstudio.domain.reels import Reel
from vigstudio.domain.time import FrameRange
from vigstudio.errors import InvalidEditError, ReadOnlyProjectError


class PrivacyEdits(SessionCore):
    """Who appears in clips and stills, reel purpose, the export log."""

    # --- who appears ---------------------------------------------------------------------

    _tagged: tuple[Change | None, dict[int, tuple[list[int], list[Moment]]]] | None = None

    def _moments_in(self, recording_id: int, frames: FrameRange) -> list[Moment]:
        """The recording's moments inside ``frames`` (by bisection on a per-recording index
        that is rebuilt after any change, so views can ask for every item while drawing)."""
        if self._tagged is None or self._tagged[0] is not self.last_change:
            self._tagged = (self.last_change, {})
        index = self._tagged[1]
        if recording_id not in index:
            moments = self.moments(recording_id)  # sorted by frame
            index[recording_id] = ([m.frame for m in moments], moments)
        starts, moments = index[recording_id]
        return moments[bisect_left(starts, frames.start):bisect_left(starts, frames.end)]

    def proposed_for_clip(self, clip_id: int) -> tuple[int, ...]:
        """Participants tagged inside the clip's range, in the order of their first tag."""
        clip = self.clip(clip_id)
        return proposed_participants(self._moments_in(clip.recording_id, clip.range),
                                     clip.recording_id, clip.range)

    def proposed_for_still(self, still_id: int) -> tuple[int, ...]:
        """Participants tagged within a second of the still's frame."""
        still = self.still(still_id)
        info = self.recording(still.recording_id).info
        per_second = max(1, round(info.frame_rate.value))
        window = still_window(still.frame, per_second, info.frame_count)
        return proposed_participants(self._moments_in(still.recording_id, window),
                                     still.recording_id, window)

    def appears_in_clip(self, clip_id: int) -> tuple[int, ...]:
        """Who appears: as confirmed, or else as proposed from the tags."""
        return appearing(self.clip(clip_id).appears, self.proposed_for_clip(clip_id))

    def appears_in_still(self, still_id: int) -> tuple[int, ...]:
        return appearing(self.still(still_id).appears, self.proposed_for_still(still_id))

    def set_clip_appears(self, clip_id: int, participant_ids: Iterable[int] | None) -> Clip:
        """Confirm who appears in a clip (None: back to the proposal from the tags)."""
        before = self.clip(clip_id)
        after = replace(before, appears=self._checked_people(participant_ids))
        return self._update("Who appears in the clip", before, after)

    def set_still_appears(self, still_id: int, participant_ids: Iterable[int] | None) -> Still:
        before = self.still(still_id)
        after = replace(before, appears=self._checked_people(participant_ids))
        return self._update("Who appears in the still", before, after)

    def _checked_people(self, ids: Iterable[int] | None) -> tuple[int, ...] | None:
        if ids is None:
            return None
        people = tuple(dict.fromkeys(int(i) for i in ids))
        for pid in people:
            self.participant(pid)
        return people

    # --- purpose ------------------------------------------------------------------------

    def set_reel_purpose(self, reel_id: int, purpose: Purpose | str) -> Reel:
        before = self.reel(reel_id)
        try:
            chosen = Purpose(purpose)
        except ValueError:
            known = ", ".join(p.value for p in Purpose)
            raise InvalidEditError(f"unknown purpose {purpose!r} (one of: {known})") from None
        return self._update("Change reel purpose", before, replace(before, purpose=chosen))

    # --- the export log -----------------------------------------------------------------

    def export_log(self) -> list[ExportRecord]:
        """Every export of this case, oldest first."""
        return sorted(self._all(K.EXPORT, ExportRecord), key=lambda r: (r.at, r.id or 0))

    def log_export(self, record: ExportRecord) -> ExportRecord:
        """Write one line of the export log (saved at once; not on the undo list)."""
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path.name} is open read-only: the export could not be written in the "
                "case's export log")
        at = record.at.replace(microsecond=0) if record.at else dt.datetime.now()
        with self.project.transaction() as writer:
            stored = writer.put(replace(record, at=at, id=None))
        assert isinstance(stored, ExportRecord) and stored.id is not None
        self._cache[K.EXPORT][stored.id] = stored
        self._announce(Change(f"Export: {stored.what}", Origin.DO,
                              added=frozenset({Ref(K.EXPORT, stored.id)})))
        return stored
