"""Defaults for a new case project: the VIG codebook and participant colours."""

from __future__ import annotations

from collections.abc import Iterable

from vigstudio.domain.codebook import Codebook
from vigstudio.domain.project import Role
from vigstudio.resources import resource_path

ROLE_COLOURS: dict[Role, str] = {
    Role.PERSON: "#E8A33D",  # warm orange: the child
    Role.PARTNER: "#3D8FE8",  # blue: the parent
    Role.GUIDER: "#5FA85A",  # green: the practitioner
    Role.OTHER: "#8E8E8E",
}
#: More colours of each role's family, for a second child, a second parent, …
_ROLE_MORE: dict[Role, tuple[str, ...]] = {
    Role.PERSON: ("#D4572A", "#C9A227", "#B5651D", "#E07B9A"),
    Role.PARTNER: ("#7A5CC9", "#2AA7B8", "#3D5AA8", "#A35CC9"),
    Role.GUIDER: ("#2E8B57", "#8AB83D", "#3DA88A"),
    Role.OTHER: ("#6B6B6B", "#A0826D", "#5C7A8E"),
}


def participant_colour(role: Role, used: Iterable[str] = ()) -> str:
    """The role's usual colour, or if a participant already has it, the next colour of the
    role's family that nobody has (two children must not share a colour on the timeline)."""
    taken = {c.lower() for c in used}
    role = Role(role)
    for colour in (ROLE_COLOURS[role], *_ROLE_MORE[role],
                   *(c for r in Role for c in (ROLE_COLOURS[r], *_ROLE_MORE[r]))):
        if colour.lower() not in taken:
            return colour
    return ROLE_COLOURS[role]


def default_codebook() -> Codebook:
    """The VIG principles of attuned interaction and guidance (resources/codebooks/vig.json)."""
    return Codebook.from_json(resource_path("codebooks", "vig.json").read_text(encoding="utf-8"))
