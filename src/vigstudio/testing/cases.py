"""Case set-ups for tests: a family whose consent covers every clip and still."""

from __future__ import annotations

import datetime as dt

from vigstudio.app.session import CaseSession
from vigstudio.domain.project import ConsentScope, Role

__all__ = ["consent_everywhere"]


def consent_everywhere(session: CaseSession, pseudonym: str = "Sam", *,
                       scopes: tuple[ConsentScope, ...] = (ConsentScope.FEEDBACK,),
                       given_on: dt.date = dt.date(2026, 1, 5)) -> int:
    """``pseudonym`` (a child, added unless the case has them) appears in every clip and still
    of the case and has consent for ``scopes`` from ``given_on``: exits of family reels then
    pass their check. Returns the participant's id."""
    known = [p for p in session.participants() if p.pseudonym == pseudonym]
    child = known[0] if known else session.add_participant(pseudonym, Role.PERSON)
    assert child.id is not None
    for scope in scopes:
        session.add_consent(child.id, scope, given_on)
    for rec in session.recordings():
        assert rec.id is not None
        for clip in session.clips(rec.id):
            session.set_clip_appears(clip.id or 0, [child.id])
        for still in session.stills(rec.id):
            session.set_still_appears(still.id or 0, [child.id])
    return child.id
