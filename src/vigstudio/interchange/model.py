"""The neutral rows every format writes and reads: names, not database ids.

A :class:`TagSheet` is what leaves the case for one recording; :class:`ImportedTag` rows are
what a file brings back, already in frames. Participants, codes and behaviours travel by
name (a pseudonym, a principle's code, a behaviour's name) so a file can be read into another
case project.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from vigstudio.domain.media import MediaInfo


class TagKind(StrEnum):
    MOMENT = "moment"
    CLIP = "clip"
    STILL = "still"


@dataclass(frozen=True, slots=True)
class CodeDef:
    """A codebook entry as a file carries it."""

    code: str
    name: str
    description: str = ""
    behaviours: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TagRow:
    """One moment, clip or still. ``end`` is exclusive: a moment or still at frame n has
    ``start = n`` and ``end = n + 1``."""

    kind: TagKind
    start: int
    end: int
    participant: str = ""  # pseudonym
    code: str = ""  # principle code (moments only)
    principle: str = ""  # principle name, for readers
    behaviour: str = ""
    working_point: bool = False
    note: str = ""
    title: str = ""  # clips
    caption: str = ""  # clips and stills

    @property
    def is_point(self) -> bool:
        return self.kind is not TagKind.CLIP


@dataclass(frozen=True, slots=True)
class TagSheet:
    """One recording's tags, ready to write."""

    recording: str  # the recording's title, as readers see it
    media_path: str  # absolute path of the media file
    info: MediaInfo
    rows: tuple[TagRow, ...]
    codebook: tuple[CodeDef, ...] = ()
    codebook_name: str = ""
    participants: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ImportedTag:
    """A tag read from a file, in frames of the recording it is imported into.

    ``code_label`` is the text the file used for the code (kept as the principle's name when
    the code is new to the case)."""

    kind: TagKind
    start: int
    end: int
    participant: str = ""
    code: str = ""
    code_label: str = ""
    behaviour: str = ""
    working_point: bool = False
    note: str = ""
    title: str = ""
    caption: str = ""


@dataclass(slots=True)
class ImportedTags:
    """What a reader found: the tags, the codebook entries the file declares, what it had to
    leave out (each with the reason) and how it read what the file left open (``notes``)."""

    tags: list[ImportedTag] = field(default_factory=list)
    codes: dict[str, CodeDef] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
