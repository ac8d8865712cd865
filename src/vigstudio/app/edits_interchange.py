"""Applying imported tags to the case as one undo step, with a report of what was done.

Names from the file are matched to the case: participants by pseudonym, codes by code or
by principle name, behaviours by name (all ignoring case). What the case does not have is
added: new participants (role "other"), and new codes in a codebook section marked
"imported" (after the existing principles, described ``imported: from <file>``). Nothing a
file brings is dropped without a reason in the report; tags already in the case are not
added twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from vigstudio.app.session_core import K, SessionCore
from vigstudio.app.undo import Step
from vigstudio.domain.annotations import Clip, Moment, Still, Valence
from vigstudio.domain.codebook import Behaviour, Principle
from vigstudio.domain.media import Recording
from vigstudio.domain.project import Participant, Role
from vigstudio.domain.time import FrameRange
from vigstudio.errors import InvalidEditError
from vigstudio.interchange.codes import as_code, code_for_label, imported_description
from vigstudio.interchange.model import CodeDef, ImportedTag, ImportedTags, TagKind

IMPORTED_COLOUR = "#9e9e9e"


@dataclass(slots=True)
class ImportReport:
    """What an import did, for the status bar, a dialog or the command line."""

    source: str
    moments: int = 0
    clips: int = 0
    stills: int = 0
    duplicates: int = 0
    new_participants: list[str] = field(default_factory=list)
    new_codes: list[str] = field(default_factory=list)
    new_behaviours: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def added(self) -> int:
        return self.moments + self.clips + self.stills

    def lines(self) -> list[str]:
        out = [f"Imported from {self.source}: {self.moments} moments, {self.clips} clips, "
               f"{self.stills} stills."]
        if self.new_codes:
            out.append("New codes in the codebook section 'imported': "
                       + _listed(self.new_codes) + ".")
        if self.new_behaviours:
            out.append("New behaviours: " + ", ".join(self.new_behaviours) + ".")
        if self.new_participants:
            out.append("New participants: " + ", ".join(self.new_participants) + ".")
        if self.duplicates:
            out.append(f"{self.duplicates} tags were already in the case and were not added "
                       "again.")
        out += self.notes
        out += [f"Left out: {reason}" for reason in self.skipped]
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


class _Principles:
    """The case's principles, looked up by code and by name (a file may bring thousands of
    tags and hundreds of codes: no scan of the codebook per tag)."""

    def __init__(self, principles: list[Principle]) -> None:
        self._by_code: dict[str, Principle] = {}
        self._by_name: dict[str, Principle] = {}
        for p in principles:  # the first in codebook order wins, as in a scan
            self._by_code.setdefault(p.code, p)
            self._by_name.setdefault(p.name.casefold(), p)

    def match(self, tag: ImportedTag) -> Principle | None:
        """The case's principle a tag names: by code, else (when the file does not name its
        own code) by name."""
        found = self._by_code.get(tag.code)
        if found is not None:
            return found
        if tag.code_label and code_for_label(tag.code_label) != tag.code:
            return None  # the file names its own code: a name alone does not make it ours
        return self._by_name.get((tag.code_label or tag.code).strip().casefold())


def _listed(names: list[str], shown: int = 30) -> str:
    """The names, or the first ``shown`` of them and how many more (a file from a research
    project can bring hundreds)."""
    if len(names) <= shown:
        return ", ".join(names)
    return ", ".join(names[:shown]) + f" and {len(names) - shown} more"


class InterchangeEdits(SessionCore):
    """Importing tags from ELAN, BORIS and spreadsheets (see :mod:`vigstudio.interchange`)."""

    def apply_import(self, recording_id: int, found: ImportedTags, *,
                     source: str) -> ImportReport:
        """Add ``found`` to the recording as one undo step, in one transaction: the new
        participants and codes first, then the tags that refer to them (all or nothing)."""
        rec = self.recording(recording_id)
        report = ImportReport(source, skipped=list(found.skipped), notes=list(found.notes))
        tags = [_coded(t) for t in found.tags if _fits(rec, t, report)]
        label = f"Import tags from {source}"
        names_steps = self._name_steps(tags, found.codes, source, report)
        if names_steps:
            self._run(label, names_steps,
                      then=lambda stored: self._tag_steps(rec, tags, report, stored))
        elif tag_steps := self._tag_steps(rec, tags, report):
            self._run(label, tag_steps)
        return report

    # --- names: participants, codes, behaviours -------------------------------------------

    def _name_steps(self, tags: list[ImportedTag], declared: dict[str, CodeDef], source: str,
                    report: ImportReport) -> list[Step]:
        steps: list[Step] = []
        known = {p.pseudonym.casefold() for p in self.participants()}
        for tag in tags:
            name = tag.participant.strip()
            if name and name.casefold() not in known:
                known.add(name.casefold())
                steps.append(Step(K.PARTICIPANT, None, None, Participant(name, Role.OTHER)))
                report.new_participants.append(name)
        principles = self.principles()
        index = _Principles(principles)
        position = max((p.position for p in principles), default=-1) + 1
        new: dict[str, Principle] = {}
        changed: dict[int, Principle] = {}
        for tag in tags:
            if tag.kind is not TagKind.MOMENT:
                continue
            principle = index.match(tag) or new.get(tag.code)
            if principle is None:
                principle = self._new_principle(tag, declared.get(tag.code), source, position)
                position += 1
                new[principle.code] = principle
                report.new_codes.append(principle.code)
            elif principle.id is not None:
                principle = changed.get(principle.id, principle)
            behaviour = tag.behaviour.strip()
            if behaviour and behaviour.casefold() not in {
                    b.name.casefold() for b in principle.behaviours}:
                principle = replace(principle, behaviours=(
                    *principle.behaviours, Behaviour(behaviour, len(principle.behaviours))))
                report.new_behaviours.append(f"{behaviour} ({principle.name})")
            if principle.id is None:
                new[principle.code] = principle
            else:
                changed[principle.id] = principle
        steps += [Step(K.PRINCIPLE, None, None, p) for p in new.values()]
        steps += [self._upd(self.principle(pid), p) for pid, p in changed.items()
                  if p != self.principle(pid)]
        return steps

    def _new_principle(self, tag: ImportedTag, declared: CodeDef | None, source: str,
                       position: int) -> Principle:
        code = as_code(tag.code, tag.code_label)
        name = (declared.name if declared and declared.name else tag.code_label) or code
        description = imported_description(source)
        if declared and declared.description:
            description += f" — {declared.description}"
        return Principle(code, name, IMPORTED_COLOUR, description=description,
                         position=position)

    # --- tags -------------------------------------------------------------------------------

    def _tag_steps(self, rec: Recording, tags: list[ImportedTag], report: ImportReport,
                   stored: Sequence[Step] = ()) -> list[Step]:
        """The tags' steps; ``stored``: the import's new participants and codes as just
        written in this transaction (the session's copy follows at the commit)."""
        assert rec.id is not None
        entities: list[Moment | Clip | Still] = [*self.moments(rec.id), *self.clips(rec.id),
                                                 *self.stills(rec.id)]
        existing = {self._key_of(e) for e in entities}
        steps: list[Step] = []
        codebook = {p.id: p for p in self.principles()}
        codebook.update((s.id, s.after) for s in stored
                        if s.kind is K.PRINCIPLE and isinstance(s.after, Principle))
        principles = _Principles(list(codebook.values()))  # once: thousands of tags
        people: dict[str, Participant] = {}
        for p in [*self.participants(),  # as participant_by_name finds them
                  *(s.after for s in stored if isinstance(s.after, Participant))]:
            people.setdefault(p.pseudonym.casefold(), p)
        for tag in tags:
            entity = self._entity(rec.id, tag, principles, people)
            key = self._key_of(entity)
            if key in existing:
                report.duplicates += 1
                continue
            existing.add(key)
            steps.append(Step(K.MOMENT if isinstance(entity, Moment) else
                              K.CLIP if isinstance(entity, Clip) else K.STILL,
                              None, None, entity))
            if isinstance(entity, Moment):
                report.moments += 1
            elif isinstance(entity, Clip):
                report.clips += 1
            else:
                report.stills += 1
        return steps

    @staticmethod
    def _key_of(entity: Moment | Clip | Still) -> object:
        """What a file carries of a tag (not its id, helping question or sharing decision):
        two tags with the same key are the same tag for an import."""
        if isinstance(entity, Moment):
            return ("moment", entity.frame, entity.principle_id, entity.participant_id,
                    entity.behaviour_id, entity.note, entity.valence)
        if isinstance(entity, Clip):
            return "clip", entity.range, entity.title, entity.caption
        return "still", entity.frame, entity.caption

    def _entity(self, recording_id: int, tag: ImportedTag, principles: _Principles,
                people: dict[str, Participant]) -> Moment | Clip | Still:
        if tag.kind is TagKind.CLIP:
            return Clip(recording_id, FrameRange(tag.start, tag.end), tag.title, tag.caption)
        if tag.kind is TagKind.STILL:
            return Still(recording_id, tag.start, tag.caption)
        principle = principles.match(tag)
        if principle is None or principle.id is None:
            raise InvalidEditError(f"code {tag.code!r} was not added to the codebook")
        behaviour_id = None
        if tag.behaviour.strip():
            behaviour_id = next(b.id for b in principle.behaviours
                                if b.name.casefold() == tag.behaviour.strip().casefold())
        participant_id = None
        if tag.participant.strip():
            person = people.get(tag.participant.strip().casefold())
            participant_id = (person or self.participant_by_name(tag.participant)).id
        return Moment(recording_id, tag.start, principle.id, participant_id, behaviour_id,
                      tag.note, Valence.WORKING_POINT if tag.working_point else Valence.STRENGTH)


def _coded(tag: ImportedTag) -> ImportedTag:
    """A moment with its code as the codebook keeps codes (the tag itself if it already is)."""
    if tag.kind is not TagKind.MOMENT:
        return tag
    code = as_code(tag.code, tag.code_label)
    return tag if code == tag.code else replace(tag, code=code)


def _fits(rec: Recording, tag: ImportedTag, report: ImportReport) -> bool:
    count = rec.info.frame_count
    if tag.kind is TagKind.CLIP:
        if not 0 <= tag.start < tag.end <= count:
            report.skipped.append(f"clip {tag.title!r} frames {tag.start}–{tag.end} does not "
                                  f"fit in {rec.display_title!r} ({count} frames)")
            return False
        return True
    if not 0 <= tag.start < count:
        what = "still" if tag.kind is TagKind.STILL else f"moment {tag.code!r}"
        report.skipped.append(f"{what} at frame {tag.start} is outside "
                              f"{rec.display_title!r} ({count} frames)")
        return False
    return True
