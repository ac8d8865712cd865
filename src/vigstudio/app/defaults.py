"""Defaults for a new case project: the VIG codebook and participant colours."""

from __future__ import annotations

from vigstudio.domain.codebook import Codebook
from vigstudio.domain.project import Role
from vigstudio.resources import resource_path

ROLE_COLOURS: dict[Role, str] = {
    Role.PERSON: "#E8A33D",  # warm orange: the child
    Role.PARTNER: "#3D8FE8",  # blue: the parent
    Role.GUIDER: "#5FA85A",  # green: the practitioner
    Role.OTHER: "#8E8E8E",
}


def default_codebook() -> Codebook:
    """The VIG principles of attuned interaction and guidance (resources/codebooks/vig.json)."""
    return Codebook.from_json(resource_path("codebooks", "vig.json").read_text(encoding="utf-8"))
