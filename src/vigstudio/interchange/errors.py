"""What can go wrong moving tags in or out, in words a practitioner can act on."""

from __future__ import annotations

from vigstudio.errors import VigError


class InterchangeError(VigError):
    """A tags file cannot be read or written; nothing in the case was changed."""


class UnreadableTagsError(InterchangeError):
    """The file is not in the format named, or is damaged; the message says where."""


class TargetExistsError(InterchangeError):
    """The chosen export file exists and overwriting was not asked for."""
