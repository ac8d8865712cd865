"""Importing, relinking and removing recordings."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from vigstudio.app.session_core import (
    SessionCore,
    entity_id,
)
from vigstudio.domain.entities import Entity
from vigstudio.domain.media import Fingerprint, MediaInfo, Recording, RecordingKind
from vigstudio.errors import (
    InvalidEditError,
    MediaError,
    MediaMissingError,
    ReadOnlyProjectError,
)


@dataclass
class ImportReport:
    """What a batch import did: the files added, and the files refused with the reason."""

    imported: list[tuple[Path, Recording]] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Added {len(self.imported)} recording(s)."]
        if self.failed:
            lines.append(f"Not added ({len(self.failed)}):")
            lines += [f"  {path.name}: {reason}" for path, reason in self.failed]
        return "\n".join(lines)


def expand_sources(sources: Sequence[Path]) -> list[Path]:
    """Files to import: each file as given, and the visible files directly inside each folder
    (sorted by name)."""
    files: list[Path] = []
    for given in sources:
        source = Path(given)
        if source.is_dir():
            files += sorted(p for p in source.iterdir()
                            if not p.name.startswith(".") and not p.is_dir())
        else:
            files.append(source)
    return files


def copy_into_case(target_dir: Path, media: Path, print_: Fingerprint,
                   fingerprint: Callable[[Path], Fingerprint]) -> tuple[Path, bool]:
    """Copy ``media`` (whose fingerprint is ``print_``) into ``target_dir`` (the case's
    ``media/`` folder) under a free name, or find the copy made before; returns the copy and
    whether it was made now."""
    target_dir.mkdir(exist_ok=True)
    target = target_dir / media.name
    n = 2
    while target.exists():
        if fingerprint(target) == print_:
            return target, False  # already copied
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
    return target, True


@dataclass(frozen=True)
class MediaPlacer:
    """Where an imported file goes: the one rule, used by :meth:`RecordingEdits.
    import_recording` and by the import job (``app/importing.py``), which calls it on its own
    thread, so it holds what it needs and touches no session. ``folder`` is ``None`` when
    the case refers to files where they are. With a ``key`` (an encrypted case) the copy is
    encrypted into ``folder`` (``NAME.vigproj.media/``) and no plaintext copy is made."""

    folder: Path | None
    key: bytes | None = field(default=None, repr=False)

    def place(self, media: Path, print_: Fingerprint) -> tuple[Path, bool]:
        """The file the case will refer to, and whether a new file was made for it."""
        from vigstudio.media.fingerprint import fingerprint

        if self.folder is None:
            return media, False
        if self.key is not None:
            from vigstudio.app.case_media import place_encrypted

            return place_encrypted(self.folder, media, print_, self.key)
        return copy_into_case(self.folder, media, print_, fingerprint)


class RecordingEdits(SessionCore):
    """Importing, relinking and removing recordings."""

    def import_recording(self, media: Path, *, copy: bool | None = None,
                         kind: RecordingKind = RecordingKind.FAMILY_FILM, title: str = "",
                         cycle_id: int | None = None, recorded_on: dt.date | None = None,
                         probe_timeout: float = 60.0,
                         info: MediaInfo | None = None) -> Recording:
        """Probe ``media`` (in a child process) and add it by reference, or copy it first into
        the ``media/`` folder beside the project. Undo removes the recording from the case
        but leaves a copied file in place.

        In an encrypted case (``media_key`` set) copying is the default (``copy=None``) and
        the copy is encrypted into ``NAME.vigproj.media/`` (:mod:`vigstudio.app.case_media`);
        ``copy=False`` references the file where it is (not protected). In a plain case
        ``None`` means no copy."""
        from vigstudio.media.fingerprint import fingerprint
        from vigstudio.media.probe import probe

        if self.read_only:
            raise ReadOnlyProjectError(f"{self.path.name} is open read-only")
        media = Path(media)
        if not media.is_file():
            raise MediaMissingError(f"there is no media file at {media}")
        if info is None:  # (a caller that probed the file just now passes what it found)
            info = probe(media, timeout=probe_timeout)
        print_ = fingerprint(media)
        placed, _made = self.media_placer(copy).place(media, print_)
        return self.add_imported(placed, print_, info, kind=kind, title=title,
                                 cycle_id=cycle_id, recorded_on=recorded_on)

    def media_placer(self, copy: bool | None) -> MediaPlacer:
        """Where imported files go: copied into ``media/`` beside the project, or left where
        they are. In an encrypted case copying is the default (``copy=None``) and the copy is
        encrypted into ``NAME.vigproj.media/`` (:mod:`vigstudio.app.case_media`);
        ``copy=False`` refers to the file where it is (not protected)."""
        if self.media_key is not None and copy is not False:
            from vigstudio.app.case_media import case_media_folder

            return MediaPlacer(case_media_folder(self.path), self.media_key)
        return MediaPlacer(self.folder / "media" if copy else None)

    def add_imported(self, placed: Path, print_: Fingerprint, info: MediaInfo, *,
                     kind: RecordingKind = RecordingKind.FAMILY_FILM, title: str = "",
                     cycle_id: int | None = None,
                     recorded_on: dt.date | None = None) -> Recording:
        """Add a probed recording whose file is already where the case keeps it (``placed``,
        from :meth:`media_placer`; ``print_`` is the fingerprint of the file imported): one
        undoable edit, "Import NAME"."""
        if self.read_only:
            raise ReadOnlyProjectError(f"{self.path.name} is open read-only")
        rec = Recording(self.stored_media_path(placed), print_, info, RecordingKind(kind),
                        title, cycle_id, recorded_on)
        return self.add_recording(rec, label=f"Import {placed.name}")

    def import_recordings(self, sources: Sequence[Path], *, copy: bool | None = None,
                          kind: RecordingKind = RecordingKind.FAMILY_FILM,
                          on_file: Callable[[Path], None] | None = None) -> ImportReport:
        """Import every file in ``sources`` (folders stand for the files in them), each as its
        own edit: every good file is added, and every file that cannot be is named with the
        reason; a failed file leaves nothing behind."""
        report = ImportReport()
        for media in expand_sources(sources):
            if on_file is not None:
                on_file(media)
            try:
                report.imported.append((media, self.import_recording(media, copy=copy,
                                                                     kind=kind)))
            except (MediaError, OSError) as exc:
                report.failed.append((media, str(exc)))
        return report

    def add_recording(self, recording: Recording, *, label: str = "Add recording") -> Recording:
        """Add an already probed recording (``path`` as it should be stored)."""
        self._check_recording(recording)
        return self._add(label, replace(recording, id=None))

    def update_recording(self, recording: Recording) -> Recording:
        """Change title, kind, cycle or date (the media facts come from the probe)."""
        before = self.recording(entity_id(recording))
        self._check_recording(recording)
        return self._update("Edit recording", before, recording)

    def relink_recording(self, recording_id: int, media: Path, *,
                         label: str = "Relink recording") -> Recording:
        """Point an (offline) recording at ``media`` if its fingerprint matches (an encrypted
        file of this case is compared by its plaintext)."""
        from vigstudio.app.session_core import media_source_at
        from vigstudio.media.fingerprint import fingerprint

        rec = self.recording(recording_id)
        media = Path(media)
        if not media.is_file():
            raise MediaMissingError(f"there is no media file at {media}")
        if fingerprint(media_source_at(media, self.media_key)) != rec.fingerprint:
            raise MediaError(f"{media.name} is not the same recording as "
                             f"{rec.display_title!r} (its content differs)")
        return self._update(label, rec, replace(rec, path=self.stored_media_path(media)))

    def delete_recording(self, recording_id: int) -> None:
        """Remove a recording with its moments, clips and stills and their reel items."""
        rec = self.recording(recording_id)
        moments = self.moments(recording_id)
        clips = self.clips(recording_id)
        stills = self.stills(recording_id)
        steps = self._unreel({entity_id(c) for c in clips}, {entity_id(s) for s in stills})
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
