"""One open case project: read queries, every edit as an undoable command, change notices.

An edit method checks its input, builds a :class:`~vigstudio.app.undo.Command` of row steps,
applies it in one project-file transaction (saved on disk when the method returns), pushes it
on the undo stack and announces a :class:`~vigstudio.app.changes.Change` to subscribers.
A method either fully succeeds or changes nothing.

Reads come from an in-memory copy of the case that is loaded at open and updated after each
committed step, so views can query freely while drawing.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from fractions import Fraction
from pathlib import Path, PurePath
from typing import Any, TypeVar

from vigstudio.app.changes import Change, Origin, Ref
from vigstudio.app.defaults import ROLE_COLOURS, default_codebook
from vigstudio.app.undo import Command, Step, UndoStack
from vigstudio.domain import edits
from vigstudio.domain.annotations import Clip, Moment, Sharing, Still, Valence
from vigstudio.domain.codebook import Behaviour, Codebook, CodebookError, Principle
from vigstudio.domain.media import Fingerprint, Recording, RecordingKind
from vigstudio.domain.project import (
    Case,
    Consent,
    ConsentScope,
    Cycle,
    HelpingQuestion,
    Participant,
    Role,
    SharedReview,
)
from vigstudio.domain.reels import ItemKind, Reel, ReelItem, reordered
from vigstudio.domain.time import FrameRange
from vigstudio.errors import (
    FrameOutOfRangeError,
    InUseError,
    InvalidEditError,
    MediaError,
    MediaMissingError,
    NotFoundError,
    ReadOnlyProjectError,
    UnknownCodeError,
)
from vigstudio.storage.project_file import ProjectFile, Snapshot
from vigstudio.storage.records import CodebookName, Entity, EntityKind, kind_of

T = TypeVar("T")
Listener = Callable[[Change], None]
K = EntityKind


class RecordingStatus(StrEnum):
    ONLINE = "online"  # the media file is where the project says
    OFFLINE = "offline"  # missing (moved, renamed, on an unplugged drive): a normal state
    CHANGED = "changed"  # a file is there but its size differs from the one imported


class CaseSession:
    """The application's handle on one case project. Not thread-safe: use from one thread."""

    def __init__(self, project: ProjectFile) -> None:
        self.project = project
        self._cache: Snapshot = project.snapshot()
        self._undo = UndoStack()
        self._listeners: list[Listener] = []
        self._macro: tuple[str, str] | None = None  # (merge key, label)
        self._macro_depth = 0
        self._macro_serial = 0
        self.last_change: Change | None = None

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, case_name: str, *, codebook: Codebook | None = None,
               created_on: dt.date | None = None) -> CaseSession:
        """Write a new case project at ``path`` (never over an existing file) and open it."""
        if not case_name.strip():
            raise InvalidEditError("a case needs a name (a pseudonym for the family)")
        case = Case(case_name.strip(), created_on or dt.date.today())
        return cls(ProjectFile.create(Path(path), case, codebook or default_codebook()))

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> CaseSession:
        return cls(ProjectFile.open(Path(path), read_only=read_only))

    def close(self) -> None:
        self.project.close()

    def __enter__(self) -> CaseSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def folder(self) -> Path:
        """The folder holding the project file; relative media paths start here."""
        return self.project.path.resolve().parent

    @property
    def read_only(self) -> bool:
        return self.project.read_only

    # --- notifications -------------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(change)`` after every edit, undo and redo; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def _announce(self, change: Change) -> None:
        self.last_change = change
        for listener in list(self._listeners):
            listener(change)

    # --- undo / redo ---------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return self._undo.can_undo

    @property
    def can_redo(self) -> bool:
        return self._undo.can_redo

    @property
    def undo_label(self) -> str | None:
        return self._undo.undo_label

    @property
    def redo_label(self) -> str | None:
        return self._undo.redo_label

    def undo(self) -> Change:
        if not self._undo.done:
            raise InvalidEditError("there is nothing to undo")
        self.end_merge_all()
        command = self._undo.done[-1]
        applied = self._apply([s.inverse() for s in reversed(command.steps)])
        self._undo.done.pop()
        self._undo.undone.append(command)
        return self._finish(command.label, Origin.UNDO, applied)

    def redo(self) -> Change:
        if not self._undo.undone:
            raise InvalidEditError("there is nothing to redo")
        command = self._undo.undone[-1]
        applied = self._apply(command.steps)
        self._undo.undone.pop()
        command.sealed = True
        self._undo.done.append(command)
        return self._finish(command.label, Origin.REDO, applied)

    def begin_merge(self, label: str) -> None:
        """Until :meth:`end_merge`, all edits form one undo step called ``label`` (a drag)."""
        self._macro_depth += 1
        if self._macro_depth == 1:
            self._macro_serial += 1
            self._macro = (f"macro-{self._macro_serial}", label)
            self._undo.seal()

    def end_merge(self) -> None:
        if self._macro_depth == 0:
            return
        self._macro_depth -= 1
        if self._macro_depth == 0:
            key = self._macro[0] if self._macro else None
            if self._undo.done and self._undo.done[-1].merge_key == key:
                self._undo.seal()
            self._macro = None

    def end_merge_all(self) -> None:
        while self._macro_depth:
            self.end_merge()

    @contextmanager
    def merged(self, label: str) -> Iterator[None]:
        self.begin_merge(label)
        try:
            yield
        finally:
            self.end_merge()

    def clear_undo(self) -> None:
        self._undo.clear()

    # --- applying commands ---------------------------------------------------------------

    def _apply(self, steps: Sequence[Step]) -> list[Step]:
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path.name} is open read-only; changes cannot be saved")
        done: list[Step] = []
        with self.project.transaction() as writer:
            for step in steps:
                if step.after is None:
                    if step.id is None:
                        raise ValueError("a removal step needs an id")
                    writer.delete(step.kind, step.id)
                    done.append(step)
                else:
                    stored = writer.put(step.after)
                    done.append(Step(step.kind, stored.id, step.before, stored))
        for step in done:  # committed: now the in-memory copy follows
            if step.id is None:
                continue
            if step.after is None:
                self._cache[step.kind].pop(step.id, None)
            else:
                self._cache[step.kind][step.id] = step.after
        return done

    def _finish(self, label: str, origin: Origin, applied: Sequence[Step]) -> Change:
        change = Change.between(label, origin, (
            (Ref(s.kind, s.id), s.before is not None, s.after is not None)
            for s in applied if s.id is not None))
        self._announce(change)
        return change

    def _run(self, label: str, steps: Sequence[Step], *, merge_key: str | None = None) -> Change:
        applied = self._apply(steps)
        command = Command(label, applied, merge_key)
        if self._macro is not None:
            command.merge_key, command.label = self._macro
        self._undo.push(command)
        return self._finish(command.label, Origin.DO, applied)

    def _run_one(self, label: str, before: Entity | None, after: Entity | None, *,
                 merge_key: str | None = None) -> Entity | None:
        """Apply one step; return the entity as stored (None for a removal)."""
        entity = after if after is not None else before
        assert entity is not None
        kind = kind_of(entity)
        change = self._run(label, [Step(kind, entity.id, before, after)], merge_key=merge_key)
        if after is None:
            return None
        ids = change.added_ids(kind) | change.updated_ids(kind)
        target = after.id if after.id is not None else next(iter(ids))
        return self._cache[kind][target]

    def _add(self, label: str, entity: T) -> T:
        stored = self._run_one(label, None, entity)  # type: ignore[arg-type]
        return stored  # type: ignore[return-value]

    def _update(self, label: str, before: T, after: T, *, merge_key: str | None = None) -> T:
        if before == after:
            return after
        return self._run_one(label, before, after,  # type: ignore[arg-type, return-value]
                             merge_key=merge_key)

    @staticmethod
    def _del(entity: Entity) -> Step:
        return Step(kind_of(entity), entity.id, entity, None)

    @staticmethod
    def _upd(before: Entity, after: Entity) -> Step:
        return Step(kind_of(before), before.id, before, after)

    # --- generic reads -------------------------------------------------------------------

    def _need(self, kind: EntityKind, entity_id: int, typ: type[T]) -> T:
        entity = self._cache[kind].get(entity_id)
        if not isinstance(entity, typ):
            raise NotFoundError(f"there is no {kind.value.replace('_', ' ')} with id {entity_id}")
        return entity

    def _all(self, kind: EntityKind, typ: type[T]) -> list[T]:
        return [e for e in self._cache[kind].values() if isinstance(e, typ)]

    def get(self, kind: EntityKind, entity_id: int) -> Entity | None:
        return self._cache[kind].get(entity_id)

    # --- case ----------------------------------------------------------------------------

    def case(self) -> Case:
        return self._need(K.CASE, 1, Case)

    def update_case(self, case: Case) -> Case:
        """Change the case's name (pseudonym), notes or retention date."""
        if not case.name.strip():
            raise InvalidEditError("a case needs a name (a pseudonym for the family)")
        return self._update("Edit case details", self.case(), replace(case, id=1))

    # --- participants --------------------------------------------------------------------

    def participants(self) -> list[Participant]:
        return sorted(self._all(K.PARTICIPANT, Participant), key=lambda p: p.id or 0)

    def participant(self, participant_id: int) -> Participant:
        return self._need(K.PARTICIPANT, participant_id, Participant)

    def participant_by_name(self, pseudonym: str) -> Participant:
        for p in self.participants():
            if p.pseudonym.casefold() == pseudonym.strip().casefold():
                return p
        known = ", ".join(p.pseudonym for p in self.participants()) or "none yet"
        raise NotFoundError(f"no participant called {pseudonym!r} (participants: {known})")

    def add_participant(self, pseudonym: str, role: Role, colour: str | None = None) -> Participant:
        p = Participant(pseudonym.strip(), Role(role), colour or ROLE_COLOURS[Role(role)])
        self._check_participant(p)
        return self._add("Add participant", p)

    def update_participant(self, participant: Participant) -> Participant:
        before = self.participant(_id(participant))
        self._check_participant(participant)
        return self._update("Edit participant", before, participant)

    def delete_participant(self, participant_id: int) -> None:
        p = self.participant(participant_id)
        users = [m for m in self._all(K.MOMENT, Moment) if m.participant_id == participant_id]
        consents = [c for c in self.consents() if c.participant_id == participant_id]
        said = [q for q in self.helping_questions() if q.said_by_id == participant_id]
        if users or consents or said:
            raise InUseError(
                f"{p.pseudonym} cannot be removed: {len(users)} moments, {len(consents)} "
                f"consent records and {len(said)} helping questions refer to them")
        self._run_one("Remove participant", p, None)

    def _check_participant(self, p: Participant) -> None:
        if not p.pseudonym:
            raise InvalidEditError("a participant needs a pseudonym")
        _check_colour(p.colour)
        for other in self.participants():
            if other.id != p.id and other.pseudonym.casefold() == p.pseudonym.casefold():
                raise InvalidEditError(f"there is already a participant called {p.pseudonym!r}")

    # --- helping questions ---------------------------------------------------------------

    def helping_questions(self) -> list[HelpingQuestion]:
        return sorted(self._all(K.HELPING_QUESTION, HelpingQuestion),
                      key=lambda q: (q.position, q.id or 0))

    def helping_question(self, question_id: int) -> HelpingQuestion:
        return self._need(K.HELPING_QUESTION, question_id, HelpingQuestion)

    def add_helping_question(self, text: str, *, agreed_on: dt.date | None = None,
                             said_by_id: int | None = None) -> HelpingQuestion:
        """Store the parent's goal verbatim (the text is kept exactly as given)."""
        position = max((q.position for q in self.helping_questions()), default=-1) + 1
        q = HelpingQuestion(text, agreed_on or dt.date.today(), said_by_id, position)
        self._check_question(q)
        return self._add("Add helping question", q)

    def update_helping_question(self, question: HelpingQuestion) -> HelpingQuestion:
        before = self.helping_question(_id(question))
        self._check_question(question)
        return self._update("Edit helping question", before, question)

    def delete_helping_question(self, question_id: int) -> None:
        """Remove it; moments linked to it lose the link (undo restores both)."""
        q = self.helping_question(question_id)
        steps = [self._upd(m, replace(m, helping_question_id=None))
                 for m in self._all(K.MOMENT, Moment) if m.helping_question_id == question_id]
        self._run("Remove helping question", [*steps, self._del(q)])

    def _check_question(self, q: HelpingQuestion) -> None:
        if not q.text.strip():
            raise InvalidEditError("a helping question needs the parent's words")
        if q.said_by_id is not None:
            self.participant(q.said_by_id)

    # --- cycles --------------------------------------------------------------------------

    def cycles(self) -> list[Cycle]:
        return sorted(self._all(K.CYCLE, Cycle), key=lambda c: c.number)

    def cycle(self, cycle_id: int) -> Cycle:
        return self._need(K.CYCLE, cycle_id, Cycle)

    def add_cycle(self, number: int | None = None, *, filmed_on: dt.date | None = None,
                  notes: str = "") -> Cycle:
        if number is None:
            number = max((c.number for c in self.cycles()), default=0) + 1
        c = Cycle(number, filmed_on, notes)
        self._check_cycle(c)
        return self._add(f"Add cycle {number}", c)

    def update_cycle(self, cycle: Cycle) -> Cycle:
        before = self.cycle(_id(cycle))
        self._check_cycle(cycle)
        return self._update("Edit cycle", before, cycle)

    def delete_cycle(self, cycle_id: int) -> None:
        c = self.cycle(cycle_id)
        used = ([r for r in self.recordings() if r.cycle_id == cycle_id]
                + [r for r in self.reels() if r.cycle_id == cycle_id]
                + [r for r in self.shared_reviews() if r.cycle_id == cycle_id])
        if used:
            raise InUseError(f"cycle {c.number} cannot be removed: {len(used)} recordings, "
                             "reels or shared reviews belong to it")
        self._run_one(f"Remove cycle {c.number}", c, None)

    def _check_cycle(self, c: Cycle) -> None:
        if c.number < 1:
            raise InvalidEditError("cycles are numbered from 1")
        for other in self.cycles():
            if other.id != c.id and other.number == c.number:
                raise InvalidEditError(f"there is already a cycle {c.number}")

    # --- shared reviews and consent ------------------------------------------------------

    def shared_reviews(self) -> list[SharedReview]:
        return sorted(self._all(K.SHARED_REVIEW, SharedReview),
                      key=lambda r: (r.held_on, r.id or 0))

    def shared_review(self, review_id: int) -> SharedReview:
        return self._need(K.SHARED_REVIEW, review_id, SharedReview)

    def add_shared_review(self, cycle_id: int, held_on: dt.date, *, parent_reflections: str = "",
                          next_goal: str = "", recording_id: int | None = None) -> SharedReview:
        r = SharedReview(cycle_id, held_on, parent_reflections, next_goal, recording_id)
        self._check_review(r)
        return self._add("Add shared review", r)

    def update_shared_review(self, review: SharedReview) -> SharedReview:
        before = self.shared_review(_id(review))
        self._check_review(review)
        return self._update("Edit shared review", before, review)

    def delete_shared_review(self, review_id: int) -> None:
        self._run_one("Remove shared review", self.shared_review(review_id), None)

    def _check_review(self, r: SharedReview) -> None:
        self.cycle(r.cycle_id)
        if r.recording_id is not None:
            self.recording(r.recording_id)

    def consents(self, participant_id: int | None = None) -> list[Consent]:
        return sorted((c for c in self._all(K.CONSENT, Consent)
                       if participant_id is None or c.participant_id == participant_id),
                      key=lambda c: (c.given_on, c.id or 0))

    def consent(self, consent_id: int) -> Consent:
        return self._need(K.CONSENT, consent_id, Consent)

    def add_consent(self, participant_id: int, scope: ConsentScope, given_on: dt.date, *,
                    expires_on: dt.date | None = None, note: str = "") -> Consent:
        c = Consent(participant_id, ConsentScope(scope), given_on, expires_on, None, note)
        self._check_consent(c)
        return self._add("Record consent", c)

    def update_consent(self, consent: Consent) -> Consent:
        before = self.consent(_id(consent))
        self._check_consent(consent)
        return self._update("Edit consent", before, consent)

    def withdraw_consent(self, consent_id: int, on: dt.date) -> Consent:
        c = self.consent(consent_id)
        return self.update_consent(replace(c, withdrawn_on=on))

    def delete_consent(self, consent_id: int) -> None:
        self._run_one("Remove consent record", self.consent(consent_id), None)

    def _check_consent(self, c: Consent) -> None:
        self.participant(c.participant_id)
        if c.expires_on is not None and c.expires_on < c.given_on:
            raise InvalidEditError("consent cannot expire before it was given")
        if c.withdrawn_on is not None and c.withdrawn_on < c.given_on:
            raise InvalidEditError("consent cannot be withdrawn before it was given")

    # --- recordings ----------------------------------------------------------------------

    def recordings(self) -> list[Recording]:
        return sorted(self._all(K.RECORDING, Recording), key=lambda r: r.id or 0)

    def recording(self, recording_id: int) -> Recording:
        return self._need(K.RECORDING, recording_id, Recording)

    def media_path(self, recording_id: int) -> Path:
        """Where the recording's media file should be (absolute)."""
        stored = self.recording(recording_id).path
        path = Path(stored)
        return path if path.is_absolute() else self.folder / PurePath(stored)

    def recording_status(self, recording_id: int) -> RecordingStatus:
        rec = self.recording(recording_id)
        path = self.media_path(recording_id)
        try:
            size = path.stat().st_size
        except OSError:
            return RecordingStatus.OFFLINE
        if not path.is_file():
            return RecordingStatus.OFFLINE
        return RecordingStatus.ONLINE if size == rec.fingerprint.size else RecordingStatus.CHANGED

    def is_offline(self, recording_id: int) -> bool:
        return self.recording_status(recording_id) is not RecordingStatus.ONLINE

    def stored_media_path(self, media: Path) -> str:
        """How a media path is kept in the project: relative (with '/') if the file lies in
        the project's folder or below it, so the folder can be moved or copied as a whole;
        absolute otherwise."""
        absolute = Path(os.path.abspath(media))
        try:
            return absolute.relative_to(self.folder).as_posix()
        except ValueError:
            return str(absolute)

    def import_recording(self, media: Path, *, copy: bool = False,
                         kind: RecordingKind = RecordingKind.FAMILY_FILM, title: str = "",
                         cycle_id: int | None = None, recorded_on: dt.date | None = None,
                         probe_timeout: float = 60.0) -> Recording:
        """Probe ``media`` (in a child process) and add it by reference, or copy it first into
        the ``media/`` folder beside the project. Undo removes the recording from the case
        but leaves a copied file in place."""
        from vigstudio.media.fingerprint import fingerprint
        from vigstudio.media.probe import probe

        if self.read_only:
            raise ReadOnlyProjectError(f"{self.path.name} is open read-only")
        media = Path(media)
        if not media.is_file():
            raise MediaMissingError(f"there is no media file at {media}")
        info = probe(media, timeout=probe_timeout)
        print_ = fingerprint(media)
        if copy:
            media = self._copy_into_case(media, print_, fingerprint)
        rec = Recording(self.stored_media_path(media), print_, info, RecordingKind(kind),
                        title, cycle_id, recorded_on)
        return self.add_recording(rec, label=f"Import {media.name}")

    def _copy_into_case(self, media: Path, print_: Fingerprint,
                        fingerprint: Callable[[Path], Fingerprint]) -> Path:
        target_dir = self.folder / "media"
        target_dir.mkdir(exist_ok=True)
        target = target_dir / media.name
        n = 2
        while target.exists():
            if fingerprint(target) == print_:
                return target  # already copied
            target = target_dir / f"{media.stem}-{n}{media.suffix}"
            n += 1
        tmp = target.with_name(f".{target.name}.copying-{os.getpid()}")
        try:
            shutil.copyfile(media, tmp)
            with open(tmp, "rb") as f:
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except OSError as exc:
            raise MediaError(f"could not copy {media.name} into the case folder: {exc}") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def add_recording(self, recording: Recording, *, label: str = "Add recording") -> Recording:
        """Add an already probed recording (``path`` as it should be stored)."""
        self._check_recording(recording)
        return self._add(label, replace(recording, id=None))

    def update_recording(self, recording: Recording) -> Recording:
        """Change title, kind, cycle or date (the media facts come from the probe)."""
        before = self.recording(_id(recording))
        self._check_recording(recording)
        return self._update("Edit recording", before, recording)

    def relink_recording(self, recording_id: int, media: Path) -> Recording:
        """Point an (offline) recording at ``media`` if its fingerprint matches."""
        from vigstudio.media.fingerprint import fingerprint

        rec = self.recording(recording_id)
        media = Path(media)
        if not media.is_file():
            raise MediaMissingError(f"there is no media file at {media}")
        if fingerprint(media) != rec.fingerprint:
            raise MediaError(f"{media.name} is not the same recording as "
                             f"{rec.display_title!r} (its content differs)")
        return self._update("Relink recording", rec,
                            replace(rec, path=self.stored_media_path(media)))

    def delete_recording(self, recording_id: int) -> None:
        """Remove a recording with its moments, clips and stills and their reel items."""
        rec = self.recording(recording_id)
        moments = self.moments(recording_id)
        clips = self.clips(recording_id)
        stills = self.stills(recording_id)
        steps = self._unreel({_id(c) for c in clips}, {_id(s) for s in stills})
        doomed: list[Entity] = [*moments, *clips, *stills]
        steps += [self._del(e) for e in doomed]
        steps += [self._upd(r, replace(r, recording_id=None))
                  for r in self.shared_reviews() if r.recording_id == recording_id]
        self._run(f"Remove recording {rec.display_title}", [*steps, self._del(rec)])

    def _check_recording(self, r: Recording) -> None:
        if r.info.frame_count < 1:
            raise InvalidEditError("a recording needs at least one frame")
        if r.cycle_id is not None:
            self.cycle(r.cycle_id)

    # --- codebook ------------------------------------------------------------------------

    def codebook(self) -> Codebook:
        name = self._cache[K.CODEBOOK].get(1)
        return Codebook(name.name if isinstance(name, CodebookName) else "",
                        tuple(self.principles()))

    def principles(self) -> list[Principle]:
        return sorted(self._all(K.PRINCIPLE, Principle), key=lambda p: (p.position, p.id or 0))

    def principle(self, principle_id: int) -> Principle:
        return self._need(K.PRINCIPLE, principle_id, Principle)

    def principle_by_code(self, code: str) -> Principle:
        for p in self.principles():
            if p.code == code:
                return p
        known = ", ".join(p.code for p in self.principles())
        raise UnknownCodeError(f"unknown code {code!r}; this codebook has: {known}")

    def principle_by_shortcut(self, key: str) -> Principle | None:
        return self.codebook().by_shortcut(key)

    def rename_codebook(self, name: str) -> None:
        before = self._cache[K.CODEBOOK].get(1)
        if not isinstance(before, CodebookName):
            raise NotFoundError("the project has no codebook")
        self._update("Rename codebook", before, CodebookName(name.strip()))

    def add_principle(self, code: str, name: str, colour: str, *, shortcut: str = "",
                      description: str = "", behaviours: Sequence[str] = ()) -> Principle:
        position = max((p.position for p in self.principles()), default=-1) + 1
        p = _principle(code, name, colour, shortcut=shortcut, description=description,
                       position=position,
                       behaviours=tuple(Behaviour(b, i) for i, b in enumerate(behaviours)))
        self._check_codebook([*self.principles(), p])
        return self._add(f"Add code {name}", p)

    def update_principle(self, principle: Principle) -> Principle:
        """Rename, recolour, re-key, describe or change behaviours. Moments tagged with a
        behaviour that is removed keep the principle and lose the behaviour (undoable)."""
        before = self.principle(_id(principle))
        self._check_codebook([principle if p.id == principle.id else p
                              for p in self.principles()])
        kept = {b.id for b in principle.behaviours if b.id is not None}
        gone = {b.id for b in before.behaviours} - kept
        steps = [self._upd(m, replace(m, behaviour_id=None))
                 for m in self._all(K.MOMENT, Moment) if m.behaviour_id in gone]
        if before == principle:
            return principle
        self._run(f"Edit code {principle.name}", [*steps, self._upd(before, principle)])
        return self.principle(_id(principle))

    def rename_principle(self, principle_id: int, name: str) -> Principle:
        return self.update_principle(_edit(replace, self.principle(principle_id),
                                           name=name.strip()))

    def recolour_principle(self, principle_id: int, colour: str) -> Principle:
        return self.update_principle(_edit(replace, self.principle(principle_id),
                                           colour=colour))

    def set_principle_shortcut(self, principle_id: int, key: str) -> Principle:
        """Give a code its one-key shortcut ('' clears it); a key in use elsewhere is refused."""
        return self.update_principle(_edit(replace, self.principle(principle_id),
                                           shortcut=key))

    def reorder_principle(self, principle_id: int, new_index: int) -> None:
        order = self.principles()
        old_index = next(i for i, p in enumerate(order) if p.id == principle_id)
        if not 0 <= new_index < len(order):
            raise InvalidEditError(f"position {new_index} is outside the codebook")
        order.insert(new_index, order.pop(old_index))
        steps = [self._upd(p, replace(p, position=i))
                 for i, p in enumerate(order) if p.position != i]
        if steps:
            self._run("Reorder codebook", steps)

    def delete_principle(self, principle_id: int) -> None:
        p = self.principle(principle_id)
        used = [m for m in self._all(K.MOMENT, Moment) if m.principle_id == principle_id]
        if used:
            raise InUseError(f"{p.name} cannot be removed: {len(used)} moments are tagged "
                             "with it. Re-tag or remove them first.")
        self._run_one(f"Remove code {p.name}", p, None)

    def replace_codebook(self, codebook: Codebook) -> Change:
        """Use ``codebook`` instead of the current one, matching principles by code and
        behaviours by name so existing moments keep their tags. A code that moments still
        use cannot be dropped (InUseError)."""
        current = {p.code: p for p in self.principles()}
        incoming = {p.code for p in codebook.principles}
        steps: list[Step] = []
        for code, old in current.items():
            if code not in incoming:
                used = sum(1 for m in self._all(K.MOMENT, Moment) if m.principle_id == old.id)
                if used:
                    raise InUseError(f"the new codebook has no code {code!r}, but {used} "
                                     "moments are tagged with it")
        updates: list[Step] = []
        for i, p in enumerate(codebook.principles):
            old_p = current.get(p.code)
            if old_p is None:
                new_b = tuple(Behaviour(b.name, j) for j, b in enumerate(p.behaviours))
                updates.append(Step(K.PRINCIPLE, None, None,
                                    replace(p, position=i, behaviours=new_b, id=None)))
                continue
            old_ids = {b.name: b.id for b in old_p.behaviours}
            new_b = tuple(Behaviour(b.name, j, id=old_ids.get(b.name))
                          for j, b in enumerate(p.behaviours))
            gone = {b.id for b in old_p.behaviours} - {b.id for b in new_b}
            steps += [self._upd(m, replace(m, behaviour_id=None))
                      for m in self._all(K.MOMENT, Moment) if m.behaviour_id in gone]
            after = replace(p, position=i, behaviours=new_b, id=old_p.id)
            if after != old_p:
                updates.append(self._upd(old_p, after))
        steps += [self._del(p) for code, p in current.items() if code not in incoming]
        steps += updates
        name = self._cache[K.CODEBOOK].get(1)
        if isinstance(name, CodebookName) and name.name != codebook.name:
            steps.append(self._upd(name, CodebookName(codebook.name)))
        return self._run(f"Use codebook {codebook.name}", steps)

    def import_codebook(self, file: Path) -> Change:
        try:
            codebook = Codebook.from_json(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidEditError(f"cannot read codebook file {file}: {exc}") from exc
        except CodebookError as exc:
            raise InvalidEditError(str(exc)) from exc
        return self.replace_codebook(codebook)

    def export_codebook(self, file: Path) -> Path:
        file = Path(file)
        file.write_text(self.codebook().to_json(), encoding="utf-8")
        return file

    def _check_codebook(self, principles: Sequence[Principle]) -> None:
        try:
            Codebook("check", tuple(principles))
        except CodebookError as exc:
            raise InvalidEditError(str(exc)) from exc
        for p in principles:
            if not p.name.strip():
                raise InvalidEditError(f"code {p.code!r} needs a name")

    # --- moments -------------------------------------------------------------------------

    def moments(self, recording_id: int | None = None) -> list[Moment]:
        return sorted((m for m in self._all(K.MOMENT, Moment)
                       if recording_id is None or m.recording_id == recording_id),
                      key=lambda m: (m.recording_id, m.frame, m.id or 0))

    def moment(self, moment_id: int) -> Moment:
        return self._need(K.MOMENT, moment_id, Moment)

    def moment_counts(self, recording_id: int) -> dict[tuple[int, int | None], int]:
        """How many moments per (principle id, participant id) in a recording."""
        counts: dict[tuple[int, int | None], int] = {}
        for m in self.moments(recording_id):
            key = (m.principle_id, m.participant_id)
            counts[key] = counts.get(key, 0) + 1
        return counts

    def add_moment(self, recording_id: int, frame: int, code: str | int, *,
                   participant_id: int | None = None, behaviour_id: int | None = None,
                   note: str = "", valence: Valence = Valence.STRENGTH,
                   helping_question_id: int | None = None) -> Moment:
        """Tag ``frame`` with a principle (its code, or its id)."""
        principle = self._principle_of(code)
        m = Moment(recording_id, frame, _id(principle), participant_id, behaviour_id, note,
                   Valence(valence), helping_question_id)
        self._check_moment(m)
        return self._add(f"Tag {principle.name}", m)

    def update_moment(self, moment: Moment, *, merge_key: str | None = None) -> Moment:
        """Change a moment's code, behaviour, participant, note, valence or question."""
        before = self.moment(_id(moment))
        self._check_moment(moment)
        return self._update("Edit moment", before, moment, merge_key=merge_key)

    def move_moment(self, moment_id: int, frame: int, *, merge_key: str | None = None) -> Moment:
        return self._update("Move moment", self.moment(moment_id),
                            self._checked_moment(replace(self.moment(moment_id), frame=frame)),
                            merge_key=merge_key)

    def set_moment_code(self, moment_id: int, code: str | int) -> Moment:
        p = self._principle_of(code)
        m = self.moment(moment_id)
        return self.update_moment(replace(m, principle_id=_id(p), behaviour_id=None))

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
        _check_frame(rec, m.frame)
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

    # --- clips ---------------------------------------------------------------------------

    def clips(self, recording_id: int | None = None) -> list[Clip]:
        return sorted((c for c in self._all(K.CLIP, Clip)
                       if recording_id is None or c.recording_id == recording_id),
                      key=lambda c: (c.recording_id, c.range.start, c.id or 0))

    def clip(self, clip_id: int) -> Clip:
        return self._need(K.CLIP, clip_id, Clip)

    def add_clip(self, recording_id: int, start: int, end: int, *, title: str = "",
                 caption: str = "") -> Clip:
        """A clip of frames ``[start, end)``: ``end`` is the first frame not in the clip."""
        rec = self.recording(recording_id)
        rng = _edit(edits.make_range, start, end, rec.info.frame_count)
        return self._add("Add clip", Clip(recording_id, rng, title, caption))

    def set_clip_range(self, clip_id: int, rng: FrameRange, *,
                       merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        checked = _edit(edits.make_range, rng.start, rng.end, count)
        return self._update("Change clip", c, replace(c, range=checked), merge_key=merge_key)

    def move_clip(self, clip_id: int, start: int, *, merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = _edit(edits.move_range_to, c.range, start, count)
        return self._update("Move clip", c, replace(c, range=rng), merge_key=merge_key)

    def trim_clip_start(self, clip_id: int, start: int, *,
                        merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = _edit(edits.trim_start, c.range, start, count)
        return self._update("Trim clip", c, replace(c, range=rng), merge_key=merge_key)

    def trim_clip_end(self, clip_id: int, end: int, *, merge_key: str | None = None) -> Clip:
        c = self.clip(clip_id)
        count = self.recording(c.recording_id).info.frame_count
        rng = _edit(edits.trim_end, c.range, end, count)
        return self._update("Trim clip", c, replace(c, range=rng), merge_key=merge_key)

    def update_clip(self, clip: Clip) -> Clip:
        """Change title, caption or sharing decision (and range, checked)."""
        before = self.clip(_id(clip))
        count = self.recording(before.recording_id).info.frame_count
        _edit(edits.check_range, clip.range, count)
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

    def snap_targets(self, recording_id: int, *, playhead: int | None = None,
                     exclude_clip_id: int | None = None) -> list[int]:
        return edits.snap_targets(playhead=playhead, moments=self.moments(recording_id),
                                  clips=self.clips(recording_id),
                                  stills=self.stills(recording_id),
                                  exclude_clip_id=exclude_clip_id)

    # --- stills --------------------------------------------------------------------------

    def stills(self, recording_id: int | None = None) -> list[Still]:
        return sorted((s for s in self._all(K.STILL, Still)
                       if recording_id is None or s.recording_id == recording_id),
                      key=lambda s: (s.recording_id, s.frame, s.id or 0))

    def still(self, still_id: int) -> Still:
        return self._need(K.STILL, still_id, Still)

    def add_still(self, recording_id: int, frame: int, *, caption: str = "") -> Still:
        _check_frame(self.recording(recording_id), frame)
        return self._add("Add still", Still(recording_id, frame, caption))

    def update_still(self, still: Still, *, merge_key: str | None = None) -> Still:
        before = self.still(_id(still))
        if still.recording_id != before.recording_id:
            raise InvalidEditError("a still cannot move to another recording")
        _check_frame(self.recording(still.recording_id), still.frame)
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
        steps = self._unreel({_id(c) for c in cs}, {_id(s) for s in ss})
        doomed: list[Entity] = [*ms, *cs, *ss]
        steps += [self._del(e) for e in doomed]
        total = len(ms) + len(cs) + len(ss)
        what = ("moment" if ms else "clip" if cs else "still") if total == 1 else "items"
        return self._run(f"Delete {what}" if total == 1 else f"Delete {total} items", steps)

    def _unreel(self, clip_ids: set[int], still_ids: set[int]) -> list[Step]:
        """Steps that take items showing these clips/stills out of every reel."""
        steps: list[Step] = []
        for reel in self.reels():
            items = [i for i in reel.items
                     if i.clip_id not in clip_ids and i.still_id not in still_ids]
            if len(items) != len(reel.items):
                steps.append(self._upd(reel, replace(reel, items=_renumber(items))))
        return steps

    # --- reels ---------------------------------------------------------------------------

    def reels(self) -> list[Reel]:
        return sorted(self._all(K.REEL, Reel), key=lambda r: r.id or 0)

    def reel(self, reel_id: int) -> Reel:
        return self._need(K.REEL, reel_id, Reel)

    def reel_by_name(self, name: str) -> Reel:
        for r in self.reels():
            if r.name == name.strip():
                return r
        known = ", ".join(repr(r.name) for r in self.reels()) or "none yet"
        raise NotFoundError(f"no reel called {name!r} (reels: {known})")

    def new_reel(self, name: str, *, cycle_id: int | None = None) -> Reel:
        reel = Reel(name.strip(), cycle_id)
        self._check_reel(reel)
        return self._add(f"New reel {reel.name}", reel)

    def rename_reel(self, reel_id: int, name: str) -> Reel:
        before = self.reel(reel_id)
        after = replace(before, name=name.strip())
        self._check_reel(after)
        return self._update("Rename reel", before, after)

    def set_reel_cycle(self, reel_id: int, cycle_id: int | None) -> Reel:
        before = self.reel(reel_id)
        after = replace(before, cycle_id=cycle_id)
        self._check_reel(after)
        return self._update("Change reel cycle", before, after)

    def delete_reel(self, reel_id: int) -> None:
        reel = self.reel(reel_id)
        self._run_one(f"Delete reel {reel.name}", reel, None)

    def add_reel_item(self, reel_id: int, item: ReelItem, index: int | None = None) -> ReelItem:
        """Insert ``item`` at ``index`` (default: the end); returns it with its id."""
        reel = self.reel(reel_id)
        self._check_item(item)
        items = list(reel.items)
        index = len(items) if index is None else index
        if not 0 <= index <= len(items):
            raise InvalidEditError(f"position {index} is outside the reel")
        items.insert(index, replace(item, id=None))
        label = {ItemKind.CLIP: "Add clip to reel", ItemKind.STILL: "Add still to reel",
                 ItemKind.TITLE: "Add title card"}[item.kind]
        stored = self._update(label, reel, replace(reel, items=_renumber(items)))
        return stored.items[index]

    def add_clip_to_reel(self, reel_id: int, clip_id: int, *, index: int | None = None,
                         caption: str = "", speed: Fraction = Fraction(1)) -> ReelItem:
        item = _item(ItemKind.CLIP, clip_id=clip_id, caption=caption, speed=speed)
        return self.add_reel_item(reel_id, item, index)

    def add_still_to_reel(self, reel_id: int, still_id: int, *, index: int | None = None,
                          caption: str = "", hold: Fraction = Fraction(4)) -> ReelItem:
        item = _item(ItemKind.STILL, still_id=still_id, caption=caption, hold=hold)
        return self.add_reel_item(reel_id, item, index)

    def add_title_card(self, reel_id: int, text: str, *, index: int | None = None,
                       hold: Fraction = Fraction(4)) -> ReelItem:
        return self.add_reel_item(reel_id, _item(ItemKind.TITLE, title_text=text, hold=hold),
                                  index)

    def remove_reel_item(self, reel_id: int, item_id: int) -> None:
        reel = self.reel(reel_id)
        self._item_index(reel, item_id)
        items = [i for i in reel.items if i.id != item_id]
        self._update("Remove from reel", reel, replace(reel, items=_renumber(items)))

    def move_reel_item(self, reel_id: int, old_index: int, new_index: int) -> Reel:
        reel = self.reel(reel_id)
        items = _edit(reordered, reel.items, old_index, new_index)
        return self._update("Reorder reel", reel, replace(reel, items=items))

    def update_reel_item(self, reel_id: int, item_id: int, *, caption: str | None = None,
                         burn_caption: bool | None = None, speed: Fraction | None = None,
                         freeze_last: Fraction | None = None, hold: Fraction | None = None,
                         title_text: str | None = None) -> ReelItem:
        """Change an item's settings; arguments left as None keep their value."""
        reel = self.reel(reel_id)
        index = self._item_index(reel, item_id)
        old = reel.items[index]
        changes: dict[str, Any] = {k: v for k, v in {
            "caption": caption, "burn_caption": burn_caption,
            "speed": None if speed is None else Fraction(speed),
            "freeze_last": None if freeze_last is None else Fraction(freeze_last),
            "hold": None if hold is None else Fraction(hold),
            "title_text": title_text}.items() if v is not None}
        new = _edit(replace, old, **changes)
        items = list(reel.items)
        items[index] = new
        return self._update("Change reel item", reel,
                            replace(reel, items=tuple(items))).items[index]

    def _item_index(self, reel: Reel, item_id: int) -> int:
        for i, item in enumerate(reel.items):
            if item.id == item_id:
                return i
        raise NotFoundError(f"reel {reel.name!r} has no item with id {item_id}")

    def _check_reel(self, reel: Reel) -> None:
        if not reel.name:
            raise InvalidEditError("a reel needs a name")
        for other in self.reels():
            if other.id != reel.id and other.name == reel.name:
                raise InvalidEditError(f"there is already a reel called {reel.name!r}")
        if reel.cycle_id is not None:
            self.cycle(reel.cycle_id)

    def _check_item(self, item: ReelItem) -> None:
        if item.clip_id is not None:
            self.clip(item.clip_id)
        if item.still_id is not None:
            self.still(item.still_id)


# --- helpers -----------------------------------------------------------------------------

def _id(entity: Any) -> int:
    entity_id = entity.id
    if entity_id is None:
        raise NotFoundError(f"{type(entity).__name__} has no id: it is not in the case yet")
    return int(entity_id)


def _check_frame(rec: Recording, frame: int) -> None:
    if not 0 <= frame < rec.info.frame_count:
        raise FrameOutOfRangeError(
            f"frame {frame} is outside recording {rec.display_title!r} "
            f"(frames 0–{rec.info.frame_count - 1})")


def _check_colour(colour: str) -> None:
    if len(colour) != 7 or colour[0] != "#" or any(
            ch not in "0123456789abcdefABCDEF" for ch in colour[1:]):
        raise InvalidEditError(f"colour {colour!r} is not #rrggbb")


def _edit(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure domain edit, turning its ValueError/IndexError into the app's errors."""
    try:
        return fn(*args, **kwargs)
    except IndexError as exc:
        raise FrameOutOfRangeError(str(exc)) from exc
    except ValueError as exc:
        raise InvalidEditError(str(exc)) from exc


def _principle(code: str, name: str, colour: str, **fields: Any) -> Principle:
    try:
        return Principle(code, name.strip(), colour, **fields)
    except CodebookError as exc:
        raise InvalidEditError(str(exc)) from exc


def _item(kind: ItemKind, **fields: Any) -> ReelItem:
    return _edit(ReelItem, kind, **fields)


def _renumber(items: Sequence[ReelItem]) -> tuple[ReelItem, ...]:
    return tuple(item if item.position == i else replace(item, position=i)
                 for i, item in enumerate(items))
