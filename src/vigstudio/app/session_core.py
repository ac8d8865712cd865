"""The core of a case session: opening, the in-memory copy, undo/redo, change notices and
read queries. The edit methods live in the ``edits_*`` modules (one mixin per area) and are
combined in :class:`vigstudio.app.session.CaseSession`.

An edit checks its input, builds a :class:`~vigstudio.app.undo.Command` of row steps, applies
it in one project-file transaction (saved on disk when the method returns), pushes it on the
undo stack and announces a :class:`~vigstudio.app.changes.Change` to subscribers. It either
fully succeeds or changes nothing. Reads come from an in-memory copy of the case, loaded at
open and updated after each committed step, so views can query freely while drawing.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from itertools import groupby
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Self, TypeVar

from vigstudio.app.changes import Change, Origin, Ref
from vigstudio.app.defaults import default_codebook
from vigstudio.app.undo import Command, Step, UndoStack
from vigstudio.crypto.keys import CaseKeys, key_file_first, key_path_for, read_key_file
from vigstudio.domain import edits
from vigstudio.domain.annotations import Clip, Moment, Still
from vigstudio.domain.codebook import Codebook, Principle
from vigstudio.domain.entities import CodebookName, Entity, EntityKind, kind_of
from vigstudio.domain.media import Recording
from vigstudio.domain.project import (
    Case,
    Consent,
    Cycle,
    HelpingQuestion,
    Participant,
    SharedReview,
)
from vigstudio.domain.reels import Reel, ReelItem
from vigstudio.errors import (
    EncryptedFileError,
    FrameOutOfRangeError,
    InvalidEditError,
    NotFoundError,
    ReadOnlyProjectError,
    UnknownCodeError,
    VigError,
)
from vigstudio.storage.project_file import ProjectFile, Snapshot, Writer

if TYPE_CHECKING:
    from vigstudio.media.source import MediaSource

T = TypeVar("T")
Listener = Callable[[Change], None]
K = EntityKind


class RecordingStatus(StrEnum):
    ONLINE = "online"  # the media file is where the project says
    OFFLINE = "offline"  # missing (moved, renamed, on an unplugged drive): a normal state
    CHANGED = "changed"  # a file is there but it is not the one imported (size or content)


class SessionCore:
    """Opening, undo, notices and queries. Not thread-safe: use from one thread."""

    #: The encrypted case's 32-byte media key (None = a plain case); set when an encrypted
    #: case is opened. Recordings copied into the case and derived files use it.
    media_key: bytes | None = None
    keys: CaseKeys | None = None  # an encrypted case's keys (in memory only), None when plain

    def __init__(self, project: ProjectFile) -> None:
        self.project = project
        self._cache: Snapshot = project.snapshot()
        self._undo = UndoStack()
        self._listeners: list[Listener] = []
        self._macro: tuple[str, str] | None = None  # (merge key, label)
        self._macro_depth = 0
        self._macro_serial = 0
        self.last_change: Change | None = None
        self.removed_leftovers: list[Path] = []  # unfinished files of killed runs, removed
        self._closed = False
        # recording id -> (what the file looked like when checked, whether its content matched)
        self._verified: dict[int, tuple[tuple[object, ...], bool]] = {}

    @classmethod
    def create(cls, path: Path, case_name: str, *, codebook: Codebook | None = None,
               created_on: dt.date | None = None, keys: CaseKeys | None = None,
               case_uuid: str | None = None) -> Self:
        """Write a new case project at ``path`` (never over an existing file) and open it;
        encrypted under ``keys`` if given (use :mod:`vigstudio.app.case_crypto`, which writes
        the key file too), with the identity ``case_uuid`` if given."""
        if not case_name.strip():
            raise InvalidEditError("a case needs a name (a pseudonym for the family)")
        case = Case(case_name.strip(), created_on or dt.date.today())
        session = cls(ProjectFile.create(Path(path), case, codebook or default_codebook(),
                                         key=None if keys is None else keys.database_key,
                                         case_uuid=case_uuid))
        session.media_key = None if keys is None else keys.media_key
        session.keys = keys
        return session

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False, keys: CaseKeys | None = None) -> Self:
        """Open a case project; an encrypted one with its ``keys`` (unlocked by
        :func:`vigstudio.app.case_crypto.unlock`)."""
        project = ProjectFile.open(Path(path), read_only=read_only,
                                   key=None if keys is None else keys.database_key)
        try:
            session = cls(project)
        except BaseException:
            project.close()  # a failed open keeps nothing: the case can be opened again
            raise
        session.media_key = None if keys is None else keys.media_key
        session.keys = keys
        session.removed_leftovers = [] if read_only else sweep_case_folder(session.folder)
        session.removed_leftovers += session._remove_plain_duplicates()
        return session

    def close(self) -> None:
        try:
            if not self._closed:
                self.removed_leftovers += self._remove_plain_duplicates()
        finally:
            self._closed = True
            self.project.close()

    def _remove_plain_duplicates(self) -> list[Path]:
        """An encrypted case's plain copies of recordings it now keeps encrypted (made in
        ``media/`` before the case was encrypted), removed once no undo can point back at
        them: when the case closes, and when it opens (after a crash)."""
        if self.media_key is None or self.read_only:
            return []
        from vigstudio.app.case_media import remove_plain_duplicates

        return remove_plain_duplicates(self)

    def __enter__(self) -> Self:
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

    @property
    def schema_version(self) -> int:
        """The project file's format version."""
        return self.project.schema_version

    @property
    def encrypted(self) -> bool:
        return self.project.encrypted

    def save_copy(self, dest: Path, *, overwrite: bool = False) -> Path:
        """Write a consistent copy of the whole case project to ``dest`` (this one stays
        open); the use case behind File → Save a copy as… An encrypted case's copy is
        encrypted too and gets its own key file (the same passphrase opens it)."""
        if not self.project.encrypted:
            return self.project.save_copy(dest, overwrite=overwrite)
        key_file = read_key_file(key_path_for(self.path))  # before anything is written
        case_uuid = str(uuid.uuid4())
        dest = Path(dest)
        # the copy's key file first, under its pending name: a kill at any moment leaves
        # the older copy (or none) or the new one, each with a key file that opens it
        with key_file_first(dest, key_file.with_case_id(case_uuid), replace=True):
            return self.project.save_copy(dest, overwrite=overwrite, case_uuid=case_uuid)

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
            if listener in self._listeners:  # not stopped by an earlier one (a closed panel)
                listener(change)

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

    def _apply(self, steps: Sequence[Step],
               then: Callable[[list[Step]], Sequence[Step]] | None = None) -> list[Step]:
        """Write ``steps`` in one transaction; ``then(stored)``, given the steps as stored
        (with the ids the file gave), makes more steps for the same transaction (an import's
        tags, which refer to the codes and participants it has just added)."""
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path.name} is open read-only; changes cannot be saved")
        with self.project.transaction() as writer:
            done = _write_steps(writer, steps)
            if then is not None:
                done += _write_steps(writer, then(list(done)))
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

    def _run(self, label: str, steps: Sequence[Step], *, merge_key: str | None = None,
             then: Callable[[list[Step]], Sequence[Step]] | None = None) -> Change:
        applied = self._apply(steps, then)
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

    def _need(self, kind: EntityKind, entity_id: int, typ: type[T]) -> T:
        entity = self._cache[kind].get(entity_id)
        if not isinstance(entity, typ):
            raise NotFoundError(f"there is no {kind.value.replace('_', ' ')} with id {entity_id}")
        return entity

    def _all(self, kind: EntityKind, typ: type[T]) -> list[T]:
        return [e for e in self._cache[kind].values() if isinstance(e, typ)]

    def get(self, kind: EntityKind, entity_id: int) -> Entity | None:
        return self._cache[kind].get(entity_id)

    def case(self) -> Case:
        return self._need(K.CASE, 1, Case)

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

    def helping_questions(self) -> list[HelpingQuestion]:
        return sorted(self._all(K.HELPING_QUESTION, HelpingQuestion),
                      key=lambda q: (q.position, q.id or 0))

    def helping_question(self, question_id: int) -> HelpingQuestion:
        return self._need(K.HELPING_QUESTION, question_id, HelpingQuestion)

    def cycles(self) -> list[Cycle]:
        return sorted(self._all(K.CYCLE, Cycle), key=lambda c: c.number)

    def cycle(self, cycle_id: int) -> Cycle:
        return self._need(K.CYCLE, cycle_id, Cycle)

    def shared_reviews(self) -> list[SharedReview]:
        return sorted(self._all(K.SHARED_REVIEW, SharedReview),
                      key=lambda r: (r.held_on, r.id or 0))

    def shared_review(self, review_id: int) -> SharedReview:
        return self._need(K.SHARED_REVIEW, review_id, SharedReview)

    def consents(self, participant_id: int | None = None) -> list[Consent]:
        return sorted((c for c in self._all(K.CONSENT, Consent)
                       if participant_id is None or c.participant_id == participant_id),
                      key=lambda c: (c.given_on, c.id or 0))

    def consent(self, consent_id: int) -> Consent:
        return self._need(K.CONSENT, consent_id, Consent)

    def recordings(self) -> list[Recording]:
        return sorted(self._all(K.RECORDING, Recording), key=lambda r: r.id or 0)

    def recording(self, recording_id: int) -> Recording:
        return self._need(K.RECORDING, recording_id, Recording)

    def media_path(self, recording_id: int) -> Path:
        """Where the recording's media file should be (absolute)."""
        stored = self.recording(recording_id).path
        path = Path(stored)
        return path if path.is_absolute() else self.folder / PurePath(stored)

    def media_source(self, recording_id: int) -> MediaSource:
        """What the media readers open for the recording: its file, with the case's media
        key in an encrypted case (a referenced plain file is still read as it is)."""
        return media_source_at(self.media_path(recording_id), self.media_key)

    def recording_status(self, recording_id: int) -> RecordingStatus:
        """Online only if the file at the recording's path is the film that was imported: the
        size, and on first use in this session (or after the file changed) its content
        fingerprint, so a different film of the same size is never taken for it."""
        from vigstudio.media.fingerprint import fingerprint

        rec = self.recording(recording_id)
        path = self.media_path(recording_id)
        try:
            st = path.stat()
        except OSError:
            return RecordingStatus.OFFLINE
        if not path.is_file():
            return RecordingStatus.OFFLINE
        source = self.media_source(recording_id)
        try:  # an encrypted copy is compared by its plaintext
            size = source.size() if source.key is not None else st.st_size
        except VigError:
            return RecordingStatus.CHANGED
        if size != rec.fingerprint.size:
            return RecordingStatus.CHANGED
        key = (str(path), st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev, rec.fingerprint)
        known = self._verified.get(recording_id)
        if known is None or known[0] != key:
            try:
                same = fingerprint(source) == rec.fingerprint
            except EncryptedFileError:  # there, but damaged or not sealed with this case's key
                same = False
            except (OSError, VigError):
                return RecordingStatus.OFFLINE
            known = (key, same)
            self._verified[recording_id] = known
        return RecordingStatus.ONLINE if known[1] else RecordingStatus.CHANGED

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

    def clips(self, recording_id: int | None = None) -> list[Clip]:
        return sorted((c for c in self._all(K.CLIP, Clip)
                       if recording_id is None or c.recording_id == recording_id),
                      key=lambda c: (c.recording_id, c.range.start, c.id or 0))

    def clip(self, clip_id: int) -> Clip:
        return self._need(K.CLIP, clip_id, Clip)

    def snap_targets(self, recording_id: int, *, playhead: int | None = None,
                     exclude_clip_id: int | None = None) -> list[int]:
        """Where a clip edge may snap on this recording (the domain's rule; the timeline's
        drags use the same points)."""
        return edits.snap_targets(playhead=playhead, moments=self.moments(recording_id),
                                  clips=self.clips(recording_id),
                                  stills=self.stills(recording_id),
                                  exclude_clip_id=exclude_clip_id,
                                  frame_count=self.recording(recording_id).info.frame_count)

    def stills(self, recording_id: int | None = None) -> list[Still]:
        return sorted((s for s in self._all(K.STILL, Still)
                       if recording_id is None or s.recording_id == recording_id),
                      key=lambda s: (s.recording_id, s.frame, s.id or 0))

    def still(self, still_id: int) -> Still:
        return self._need(K.STILL, still_id, Still)

    def _unreel(self, clip_ids: set[int], still_ids: set[int]) -> list[Step]:
        """Steps that take items showing these clips/stills out of every reel."""
        steps: list[Step] = []
        for reel in self.reels():
            items = [i for i in reel.items
                     if i.clip_id not in clip_ids and i.still_id not in still_ids]
            if len(items) != len(reel.items):
                steps.append(self._upd(reel, replace(reel, items=renumber(items))))
        return steps

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


def media_source_at(path: Path, key: bytes | None) -> MediaSource:
    """``path`` as a media source carrying the case's ``key`` (None in a plain case). The
    readers decrypt only a file that is encrypted; the key also encrypts what is derived
    from a referenced plain recording (its thumbnails, waveform) in an encrypted case."""
    from vigstudio.media.source import MediaSource  # (its cryptography costs 0.15 s to load)

    return MediaSource(path, key)


def sweep_case_folder(folder: Path) -> list[Path]:
    """Remove what killed runs left unfinished in the case folder, its media/ and exports/
    (and the folders directly inside exports/, where stills go)."""
    from vigstudio.safe_write import sweep_leftovers

    exports = folder / "exports"
    folders = [folder, folder / "media", exports]
    # an encrypted case's NAME.vigproj.media/ and .cache/ (half-encrypted copies of killed runs)
    folders += [p for p in folder.glob("*.vigproj.media") if p.is_dir()]
    folders += [p for p in folder.glob("*.vigproj.cache") if p.is_dir()]
    if exports.is_dir():
        folders += [p for p in exports.iterdir() if p.is_dir() and not p.is_symlink()]
    return sweep_leftovers(*folders)


# --- helpers shared by the edit mixins ------------------------------------------------------

def entity_id(entity: Any) -> int:
    entity_id = entity.id
    if entity_id is None:
        raise NotFoundError(f"{type(entity).__name__} has no id: it is not in the case yet")
    return int(entity_id)


def check_frame(rec: Recording, frame: int) -> None:
    if not 0 <= frame < rec.info.frame_count:
        raise FrameOutOfRangeError(
            f"frame {frame} is outside recording {rec.display_title!r} "
            f"(frames 0–{rec.info.frame_count - 1})")


def check_colour(colour: str) -> None:
    if len(colour) != 7 or colour[0] != "#" or any(
            ch not in "0123456789abcdefABCDEF" for ch in colour[1:]):
        raise InvalidEditError(f"colour {colour!r} is not #rrggbb")


def domain_edit(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a pure domain edit, turning its ValueError/IndexError into the app's errors."""
    try:
        return fn(*args, **kwargs)
    except IndexError as exc:
        raise FrameOutOfRangeError(str(exc)) from exc
    except ValueError as exc:
        raise InvalidEditError(str(exc)) from exc


def renumber(items: Sequence[ReelItem]) -> tuple[ReelItem, ...]:
    return tuple(item if item.position == i else replace(item, position=i)
                 for i, item in enumerate(items))


def _write_steps(writer: Writer, steps: Sequence[Step]) -> list[Step]:
    """Write ``steps`` in the open transaction; the steps as stored (ids filled in).

    Consecutive removals, and consecutive puts, go to the file together (in a few statements:
    an import brings thousands of tags)."""
    done: list[Step] = []
    for removal, group in groupby(steps, lambda s: s.after is None):
        run = list(group)
        if removal:
            if any(step.id is None for step in run):
                raise ValueError("a removal step needs an id")
            writer.delete_many([(step.kind, step.id) for step in run if step.id is not None])
            done += run
        else:
            stored = writer.put_many([step.after for step in run if step.after is not None])
            done += [Step(step.kind, entity.id, step.before, entity)
                     for step, entity in zip(run, stored, strict=True)]
    return done
