"""What a clip or still shows, in the practice's words: the principles of the moments tagged
inside it (derived from the tags, never stored twice)."""

from __future__ import annotations

from vigstudio.app.session import CaseSession

__all__ = ["principles_at_still", "principles_in_clip"]


def _names(session: CaseSession, principle_ids: set[int]) -> list[str]:
    return [p.name for p in session.principles() if p.id in principle_ids]


def principles_in_clip(session: CaseSession, clip_id: int) -> list[str]:
    """The principles tagged inside the clip, in codebook order."""
    clip = session.clip(clip_id)
    found = {m.principle_id for m in session.moments(clip.recording_id)
             if clip.range.start <= m.frame < clip.range.end}
    return _names(session, found)


def principles_at_still(session: CaseSession, still_id: int, *, within: int = 12) -> list[str]:
    """The principles tagged within ``within`` frames of the still."""
    still = session.still(still_id)
    found = {m.principle_id for m in session.moments(still.recording_id)
             if abs(m.frame - still.frame) <= within}
    return _names(session, found)
