"""The privacy rules of a case, as pure functions: which consent a use needs, whether a consent
holds on a day, what the parent's sharing decision allows, who appears in an item, and the
check every exit (export, presenter, interchange) runs before a picture leaves the case.

No I/O: the application layer gathers the case's records and calls :func:`check_items`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from vigstudio.domain.annotations import Moment, Sharing
from vigstudio.domain.project import Consent, ConsentScope, Participant, Role
from vigstudio.domain.time import FrameRange


class Purpose(StrEnum):
    """What a reel (or any export) is for; chosen when the reel is made."""

    FAMILY = "family"  # shown back to the family (the shared review)
    SUPERVISION = "supervision"  # watched with the practitioner's supervisor
    TRAINING = "training"  # used to train other practitioners


PURPOSE_TEXT: dict[Purpose, str] = {
    Purpose.FAMILY: "family feedback",
    Purpose.SUPERVISION: "supervision",
    Purpose.TRAINING: "training",
}

SCOPE_WORDS: dict[ConsentScope, str] = {
    ConsentScope.FEEDBACK: "feedback to the family",
    ConsentScope.SUPERVISION: "supervision",
    ConsentScope.TRAINING: "training",
    ConsentScope.SHARING: "sharing further",
}

SHARING_WORDS: dict[Sharing, str] = {
    Sharing.UNDECIDED: "not decided yet",
    Sharing.PRIVATE: "private (the family only)",
    Sharing.SUPERVISION: "supervision",
    Sharing.SHARED: "shared further",
}

_CONSENT_FOR: dict[Purpose, ConsentScope] = {
    Purpose.FAMILY: ConsentScope.FEEDBACK,
    Purpose.SUPERVISION: ConsentScope.SUPERVISION,
    Purpose.TRAINING: ConsentScope.TRAINING,
}

# Which of the parent's decisions allow a purpose. Undecided counts as "not beyond the family".
_ALLOWED: dict[Purpose, frozenset[Sharing]] = {
    Purpose.FAMILY: frozenset(Sharing),
    Purpose.SUPERVISION: frozenset({Sharing.SUPERVISION, Sharing.SHARED}),
    Purpose.TRAINING: frozenset({Sharing.SHARED}),
}

# The use a clip's decision stands for (the case record's "Consent today" column).
_SCOPE_OF_DECISION: dict[Sharing, ConsentScope] = {
    Sharing.SUPERVISION: ConsentScope.SUPERVISION,
    Sharing.SHARED: ConsentScope.SHARING,
}


def consent_needed(purpose: Purpose) -> ConsentScope:
    """The consent every participant in an item needs for ``purpose``."""
    return _CONSENT_FOR[Purpose(purpose)]


def scope_of_decision(sharing: Sharing) -> ConsentScope | None:
    """The use a sharing decision opens (None for undecided and private)."""
    return _SCOPE_OF_DECISION.get(sharing)


def needs_consent(participant: Participant) -> bool:
    """The guider is the practitioner making the export; everyone else needs consent."""
    return participant.role is not Role.GUIDER


class Standing(StrEnum):
    """How a consent stands on a given day."""

    VALID = "valid"
    NOT_YET_GIVEN = "not yet given"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


def standing(consent: Consent, day: dt.date) -> Standing:
    """Whether ``consent`` holds on ``day``: given on or before it, not expired (the expiry
    day itself still holds), not withdrawn (the withdrawal day itself no longer holds)."""
    if consent.withdrawn_on is not None and day >= consent.withdrawn_on:
        return Standing.WITHDRAWN
    if day < consent.given_on:
        return Standing.NOT_YET_GIVEN
    if consent.expires_on is not None and day > consent.expires_on:
        return Standing.EXPIRED
    return Standing.VALID


def holds_on(consent: Consent, day: dt.date) -> bool:
    return standing(consent, day) is Standing.VALID


def valid_consent(participant_id: int, scope: ConsentScope, consents: Iterable[Consent],
                  day: dt.date) -> Consent | None:
    """The participant's consent to ``scope`` that holds on ``day`` (the latest given)."""
    holding = [c for c in consents if c.participant_id == participant_id and c.scope is scope
               and holds_on(c, day)]
    return max(holding, key=lambda c: (c.given_on, c.id or 0)) if holding else None


def why_no_consent(participant_id: int, scope: ConsentScope, consents: Iterable[Consent],
                   day: dt.date) -> str:
    """In plain words, why there is no valid consent (the most recent record's story)."""
    mine = sorted((c for c in consents if c.participant_id == participant_id
                   and c.scope is scope), key=lambda c: (c.given_on, c.id or 0))
    words = SCOPE_WORDS[scope]
    if not mine:
        return f"no consent to {words} is recorded"
    last = mine[-1]
    match standing(last, day):
        case Standing.WITHDRAWN:
            return f"consent to {words} was withdrawn on {last.withdrawn_on}"
        case Standing.EXPIRED:
            return f"consent to {words} expired on {last.expires_on}"
        case Standing.NOT_YET_GIVEN:
            return f"consent to {words} is only given from {last.given_on}"
    return f"consent to {words} holds"  # pragma: no cover - only called when none holds


def missing_consent(participants: Iterable[Participant], scope: ConsentScope,
                    consents: Sequence[Consent], day: dt.date) -> list[Participant]:
    """Those of ``participants`` (guiders excepted) without a consent to ``scope`` on ``day``."""
    return [p for p in participants if needs_consent(p) and p.id is not None
            and valid_consent(p.id, scope, consents, day) is None]


def sharing_allows(sharing: Sharing, purpose: Purpose) -> bool:
    """Whether the parent's decision about a clip allows it to be used for ``purpose``."""
    return sharing in _ALLOWED[Purpose(purpose)]


def proposed_participants(moments: Iterable[Moment], recording_id: int,
                          frames: FrameRange) -> tuple[int, ...]:
    """Who appears, as proposed from the moments tagged inside ``frames`` of the recording:
    participant ids in the order of their first moment."""
    found: dict[int, int] = {}
    for m in sorted(moments, key=lambda m: (m.frame, m.id or 0)):
        if (m.recording_id == recording_id and m.participant_id is not None
                and m.frame in frames):
            found.setdefault(m.participant_id, m.frame)
    return tuple(found)


def still_window(frame: int, frames_per_second: int, frame_count: int) -> FrameRange:
    """The frames around a still whose moments propose who appears in it: one second each
    side (a still is one frame; the tag that shows who is there is rarely on that frame)."""
    start = max(0, frame - frames_per_second)
    return FrameRange(start, max(start + 1, min(frame_count, frame + frames_per_second + 1)))


def appearing(confirmed: tuple[int, ...] | None, proposed: tuple[int, ...]) -> tuple[int, ...]:
    """Who appears: the practitioner's confirmed list, or else the proposal."""
    return confirmed if confirmed is not None else proposed


# --- the check at every exit ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ItemToCheck:
    """One clip, still or card leaving the case, as the check sees it."""

    label: str  # how the practitioner knows it: 'clip “Turn after turn” (item 2)'
    appears: tuple[int, ...]  # participant ids
    confirmed: bool  # the practitioner confirmed who appears (else: proposed from tags)
    sharing: Sharing | None = None  # a clip's decision; None for stills and cards
    pictures: bool = True  # False for a title card (no one appears)
    overridable: bool = True  # False: no written reason can let this item through


@dataclass(frozen=True, slots=True)
class Problem:
    """One failed check: which item, who (if anyone), and what is missing, in plain words."""

    item: str
    missing: str
    participant: str = ""
    overridable: bool = True

    def __str__(self) -> str:
        who = f"{self.participant}: " if self.participant else ""
        return f"{self.item}: {who}{self.missing}"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of a check: the problems (empty = clear) and the consents relied upon."""

    purpose: Purpose
    day: dt.date
    problems: tuple[Problem, ...] = ()
    consents: tuple[Consent, ...] = ()

    @property
    def clear(self) -> bool:
        return not self.problems

    @property
    def overridable(self) -> bool:
        return all(p.overridable for p in self.problems)


def check_items(items: Sequence[ItemToCheck], purpose: Purpose, day: dt.date,
                participants: Mapping[int, Participant],
                consents: Sequence[Consent]) -> Verdict:
    """Every participant in every item needs a consent valid on ``day`` for ``purpose``, and
    every clip's decision must allow ``purpose``. Returns the problems and the consents used."""
    purpose = Purpose(purpose)
    scope = consent_needed(purpose)
    problems: list[Problem] = []
    used: dict[int, Consent] = {}
    for item in items:
        if not item.pictures:
            continue
        if item.sharing is not None and not sharing_allows(item.sharing, purpose):
            problems.append(Problem(
                item.label, f"the parent's decision is “{SHARING_WORDS[item.sharing]}”, "
                            f"which does not allow {PURPOSE_TEXT[purpose]}",
                overridable=item.overridable))
        if not item.appears:
            problems.append(Problem(
                item.label, "nobody is recorded as appearing in it: confirm who appears",
                overridable=item.overridable))
        for pid in item.appears:
            person = participants.get(pid)
            if person is None or not needs_consent(person):
                continue
            consent = valid_consent(pid, scope, consents, day)
            if consent is None:
                problems.append(Problem(item.label, why_no_consent(pid, scope, consents, day),
                                        person.pseudonym, overridable=item.overridable))
            elif consent.id is not None:
                used[consent.id] = consent
            else:
                used[-len(used) - 1] = consent
    return Verdict(purpose, day, tuple(problems), tuple(used.values()))


@dataclass(frozen=True, slots=True)
class ExportRecord:
    """One line of the case's export log. Text only: the log never holds pictures."""

    what: str  # "reel video", "stills", "feedback sheet", "supervision package", ...
    at: dt.datetime  # when (local time, to the second)
    purpose: Purpose
    source: str = ""  # the reel or review it came from, by name
    items: tuple[str, ...] = ()  # which items, as the practitioner knows them
    files: tuple[str, ...] = ()  # where they went (file names; "screen" for presenter mode)
    consents: tuple[str, ...] = ()  # which consents applied, in words
    override: str = ""  # the practitioner's written reason, when the check was overridden
    problems: tuple[str, ...] = ()  # what the override let through
    id: int | None = field(default=None, kw_only=True)

    @property
    def overridden(self) -> bool:
        return bool(self.override)


def describe_consent(consent: Consent, participants: Mapping[int, Participant]) -> str:
    """A consent in words for the export log."""
    who = participants.get(consent.participant_id)
    name = who.pseudonym if who is not None else f"participant {consent.participant_id}"
    until = f" until {consent.expires_on}" if consent.expires_on is not None else ""
    ref = f" (record {consent.id})" if consent.id is not None else ""
    return f"{name}: {SCOPE_WORDS[consent.scope]}, given {consent.given_on}{until}{ref}"


__all__ = [
    "PURPOSE_TEXT", "SCOPE_WORDS", "SHARING_WORDS", "ExportRecord", "ItemToCheck", "Problem",
    "Purpose", "Standing", "Verdict", "appearing", "check_items", "consent_needed",
    "describe_consent", "holds_on", "missing_consent", "needs_consent",
    "proposed_participants", "scope_of_decision", "sharing_allows", "standing",
    "still_window", "valid_consent", "why_no_consent",
]
