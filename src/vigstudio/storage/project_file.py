"""The ``.vigproj`` project file: one SQLite file per case, every edit committed at once.

See ``docs/PROJECT_FILE.md`` for the guarantees and the trade-offs behind the settings
(rollback journal, ``synchronous=FULL``, a lock file for the single writer).
"""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from vigstudio.domain.codebook import Codebook, Principle
from vigstudio.domain.entities import CodebookName, Entity, EntityKind
from vigstudio.domain.project import Case
from vigstudio.errors import (
    DamagedProjectError,
    DiskFullError,
    EncryptedCaseError,
    KeyFileError,
    NewerProjectError,
    NotAProjectError,
    ProjectError,
    ReadOnlyProjectError,
    StaleProjectError,
)
from vigstudio.storage import cipher, journal, records
from vigstudio.storage.identity import TABLE as IDENTITY_TABLE
from vigstudio.storage.identity import add_case_identity, read_identity
from vigstudio.storage.locking import ProjectLock, lock_path_for
from vigstudio.storage.migrations import (
    MIGRATIONS,
    Migration,
    current_version,
    identity_version,
    migrate,
)
from vigstudio.storage.schema import Base

APPLICATION_ID = 0x56494753  # "VIGS": marks a SQLite file as a VIG Studio project
SUFFIX = ".vigproj"
_SQLITE_MAGIC = b"SQLite format 3\x00"

Snapshot = dict[EntityKind, dict[int, Entity]]


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) from the file's 100-byte header, without SQLite.

    Reading the bytes directly guarantees that refusing a file leaves it untouched.
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError as exc:
        raise ProjectError(f"there is no project file at {path}") from exc
    except OSError as exc:
        raise ProjectError(f"{path.name} cannot be read: {exc.strerror}") from exc
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise NotAProjectError(f"{path.name} is not a file (a pipe or a device); it is not "
                               "a VIG Studio project")
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError as exc:
        raise ProjectError(f"there is no project file at {path}") from exc
    except IsADirectoryError as exc:
        raise NotAProjectError(f"{path} is a folder, not a VIG Studio project file") from exc
    except OSError as exc:
        raise ProjectError(f"{path.name} cannot be read: {exc.strerror}") from exc
    if len(head) < 100 or not head.startswith(_SQLITE_MAGIC):
        what = "empty" if not head else "not a VIG Studio project file"
        raise NotAProjectError(f"{path.name} is {what}")
    user_version = int.from_bytes(head[60:64], "big", signed=True)
    application_id = int.from_bytes(head[68:72], "big", signed=True)
    return application_id, user_version


def read_encrypted_header(path: Path, key: bytes) -> tuple[int, int]:
    """(application_id, user_version) of an encrypted file: its first page is read and
    decrypted in memory (nothing is written, and an unfinished change's journal is not
    needed). A key that does not open it is refused (KeyFileError)."""
    if read_header_kind(path):
        raise ProjectError(f"{path.name} is not encrypted, but was opened with a key; open it "
                           "as a plain case")
    try:
        with open(path, "rb") as f:
            head = f.read(cipher.PAGE_SIZE)
    except OSError as exc:
        raise ProjectError(f"{path.name} cannot be read: {exc.strerror}") from exc
    header = cipher.decrypt_header(head, key)
    if header is None:
        raise _wrong_key(path)
    user_version = int.from_bytes(header[60:64], "big", signed=True)
    application_id = int.from_bytes(header[68:72], "big", signed=True)
    return application_id, user_version


def peek_case_uuid(path: Path, key: bytes) -> str | None:
    """The case identity of an encrypted file, read-only (nothing written); None when it
    cannot be read without rolling back an unfinished change first. A key that does not
    open the file is refused (KeyFileError)."""
    read_encrypted_header(path, key)
    if journal.journal_path_for(path).exists():
        return None
    try:
        raw = cipher.connect(path, key=key, read_only=True)
    except cipher.DATABASE_ERRORS:
        return None
    try:
        identity = read_identity(raw)
    except cipher.DATABASE_ERRORS:
        return None
    finally:
        raw.close()
    return None if identity is None else identity[0]


def encrypt_file(plain: Path, dest: Path, key: bytes) -> None:
    """Write an encrypted copy of the plain project file ``plain`` at ``dest`` (a new file,
    flushed to the disk); ``plain`` is only read. The copy keeps the case identity."""
    if dest.exists():
        raise ProjectError(f"{dest.name} already exists; not overwriting it")
    application_id, version = read_header(plain)
    try:
        cipher.export_encrypted(plain, dest, key, user_version=version,
                                application_id=application_id)
        check = cipher.connect(dest, key=key)
        try:
            if [r[0] for r in check.execute("PRAGMA integrity_check").fetchall()] != ["ok"]:
                raise ProjectError(f"the encrypted copy of {plain.name} did not check out; "
                                   "the case was not changed")
        finally:
            check.close()
        with open(dest, "rb") as f:
            os.fsync(f.fileno())
    except cipher.DATABASE_ERRORS as exc:
        dest.unlink(missing_ok=True)
        raise ProjectError(f"{plain.name} could not be encrypted ({exc}); the case was not "
                           "changed") from exc
    except BaseException:
        dest.unlink(missing_ok=True)
        raise


def read_header_kind(path: Path) -> bool:
    """True for a plain SQLite file, False for one that may be encrypted; raises
    ProjectError/NotAProjectError for a missing, empty or special file."""
    try:
        read_header(path)
    except NotAProjectError:
        if cipher.looks_encrypted(path):
            return False
        raise
    return True


def _wrong_key(path: Path) -> KeyFileError:
    return KeyFileError(
        f"the key file beside {path.name} does not open it: it belongs to another case (or a "
        "copy made before the passphrase was changed), or the project file is damaged. "
        "Nothing was changed.")


class Writer:
    """The handle an edit gets inside one transaction: everything commits or nothing does."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, kind: EntityKind, entity_id: int) -> Entity | None:
        return records.load_one(self.session, kind, entity_id)

    def put(self, entity: Entity) -> Entity:
        """Insert or update by id (children included); returns it as stored, ids filled in."""
        return records.store(self.session, entity)

    def delete(self, kind: EntityKind, entity_id: int) -> bool:
        return records.remove(self.session, kind, entity_id)

    def put_many(self, entities: Sequence[Entity]) -> list[Entity]:
        """:meth:`put` each, in order, in a few statements (an import's thousands of tags)."""
        return records.store_many(self.session, entities)

    def delete_many(self, targets: Sequence[tuple[EntityKind, int]]) -> int:
        """:meth:`delete` each (kind, id); returns how many existed."""
        return records.remove_many(self.session, targets)


@contextmanager
def _mapped_errors(path: Path) -> Iterator[None]:
    """Turn SQLite's disk-full and read-only failures into the app's own errors."""
    try:
        yield
    except (sa_exc.OperationalError, sqlite3.OperationalError,
            cipher.CipherOperationalError) as exc:
        text = str(exc).lower()
        if "database or disk is full" in text or "disk i/o error" in text:
            raise DiskFullError(
                f"The disk holding {path.name} is full (or failing): your last change was "
                "not saved, everything before it is safe. Free some space and try again.") \
                from exc
        if "readonly database" in text or "read-only" in text:
            raise ReadOnlyProjectError(
                f"{path.name} cannot be written (read-only file or folder)") from exc
        raise


class ProjectFile:
    """An open project file. Use :meth:`create` or :meth:`open`; close with :meth:`close`."""

    def __init__(self, path: Path, engine: Engine, raw: sqlite3.Connection,
                 lock: ProjectLock | None, *, migration_backup: Path | None = None,
                 notices: Sequence[str] = (), key: bytes | None = None) -> None:
        self.path = path
        self._key = key
        self._engine = engine
        self._raw = raw
        self._lock = lock
        self.read_only = lock is None
        self.migration_backup = migration_backup
        self.notices: tuple[str, ...] = tuple(notices)  # things the user must be told
        identity = read_identity(raw)
        self.case_uuid: str | None = identity[0] if identity else None
        self._serial: int | None = identity[1] if identity else None
        self._file_id = lock.file_identity() if lock is not None else None

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, case: Case, codebook: Codebook, *,
               migrations: Sequence[Migration] = MIGRATIONS,
               key: bytes | None = None, case_uuid: str | None = None) -> ProjectFile:
        """Write a new project file (refuses to replace an existing file) and open it;
        encrypted with SQLCipher under ``key`` (the case's database key) if given; with the
        case identity ``case_uuid`` (random by default; an encrypted case's key file names
        it before the project file is written)."""
        path = Path(path)
        if path.exists():
            raise ProjectError(f"{path.name} already exists; choose another name")
        if not path.parent.is_dir():
            raise ProjectError(f"the folder {path.parent} does not exist")
        tmp = path.with_name(f".{path.name}.creating-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        try:
            raw = _connect(tmp, read_only=False, key=key)
            try:
                engine = _engine(raw, read_only=False, key=key)
                Base.metadata.create_all(engine)
                add_case_identity(raw, case_uuid)
                raw.execute(f"PRAGMA application_id={APPLICATION_ID}")
                raw.execute(f"PRAGMA user_version={current_version(migrations)}")
                with Session(engine) as session, session.begin():
                    writer = Writer(session)
                    writer.put(replace(case, id=1))
                    writer.put(CodebookName(codebook.name))
                    for principle in codebook.principles:
                        writer.put(principle)
                engine.dispose()
            finally:
                raw.close()
            _publish(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
        return cls.open(path, migrations=migrations, key=key)

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False,
             migrations: Sequence[Migration] = MIGRATIONS,
             key: bytes | None = None) -> ProjectFile:
        """Open for writing (taking the single-writer lock) or read-only; an encrypted file
        with its database ``key``.

        Raises NotAProjectError, NewerProjectError (file left byte-for-byte untouched),
        ProjectLockedError (another window has it open; open it read-only instead),
        EncryptedCaseError (an encrypted file opened without its key), KeyFileError (the
        key does not open it).
        """
        path = Path(path)
        target = current_version(migrations)
        if key is None:
            try:
                app_id, version = read_header(path)
            except NotAProjectError:
                if cipher.looks_encrypted(path):
                    key_file = path.with_name(path.name + ".key")
                    if key_file.exists():
                        raise EncryptedCaseError(
                            f"{path.name} is an encrypted case: it opens with its passphrase "
                            "(or its recovery key).") from None
                    raise NotAProjectError(
                        f"{path.name} cannot be read: it is not a plain project file, and if it "
                        f"is an encrypted case, its key file {key_file.name} is missing beside "
                        "it (put it back from a backup of the case).") from None
                raise
        else:
            app_id, version = read_encrypted_header(path, key)
        if app_id != APPLICATION_ID:
            raise NotAProjectError(f"{path.name} is a database, but not a VIG Studio project")
        if version > target:
            raise NewerProjectError(
                f"{path.name} was saved by a newer VIG Studio (file version {version}, this "
                f"program reads up to {target}). Update VIG Studio to open it; the file has "
                "not been changed.")
        if version < 1:
            raise NotAProjectError(f"{path.name} has no schema version; it is not usable")
        lock = None if read_only else ProjectLock(path)
        raw: sqlite3.Connection | None = None
        done = False
        try:
            notices = [] if lock is None else _handle_journal(path, migrations, key)
            backup = None
            if version < target:
                if read_only:
                    raise ReadOnlyProjectError(
                        f"{path.name} was made by an older VIG Studio and must be upgraded "
                        "once; open it for writing first.")
                raw = _connect(path, read_only=False, key=key)
                _check_health(path, raw, tables=False)  # never upgrade a damaged file
                raw.close()
                raw = None
                backup = migrate(path, version, migrations, key=key)
            raw = _connect(path, read_only=read_only, key=key)
            _check_health(path, raw)
            engine = _engine(raw, read_only=read_only, key=key)
            project = cls(path, engine, raw, lock, migration_backup=backup, notices=notices,
                          key=key)
            done = True
            return project
        except (sqlite3.DatabaseError, cipher.CipherDatabaseError, UnicodeDecodeError) as exc:
            raise _damaged(path, exc) from exc
        finally:
            if not done:
                if raw is not None:
                    raw.close()
                if lock is not None:
                    lock.release()

    def close(self) -> None:
        self._engine.dispose()
        self._raw.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ProjectFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- reading -------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Session]:
        try:
            with Session(self._engine, expire_on_commit=False) as session, session.begin():
                yield session
        except (sa_exc.DatabaseError, sqlite3.DatabaseError, cipher.CipherDatabaseError,
                UnicodeDecodeError) as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise
            raise _damaged(self.path, exc) from exc

    def get(self, kind: EntityKind, entity_id: int) -> Entity | None:
        with self.reading() as session, self._stored_values():
            return records.load_one(session, kind, entity_id)

    def all(self, kind: EntityKind) -> list[Entity]:
        with self.reading() as session, self._stored_values():
            return records.load_all(session, kind)

    @contextmanager
    def _stored_values(self) -> Iterator[None]:
        """A stored value the program never writes (a damaged byte turning 'strength' into
        'strdngth', a fraction into garbage) is damage, said so, not a traceback."""
        try:
            yield
        except (ValueError, TypeError, KeyError) as exc:
            raise _damaged(self.path, exc) from exc

    def snapshot(self) -> Snapshot:
        """Everything in the file, by kind and id, read in one consistent transaction."""
        with self.reading() as session, self._stored_values():
            return {kind: {e.id: e for e in records.load_all(session, kind) if e.id is not None}
                    for kind in records.LOAD_ORDER}

    def case(self) -> Case:
        case = self.get(EntityKind.CASE, 1)
        if not isinstance(case, Case):
            raise NotAProjectError(f"{self.path.name} holds no case")
        return case

    def codebook(self) -> Codebook:
        with self.reading() as session, self._stored_values():
            name = records.load_one(session, EntityKind.CODEBOOK, 1)
            principles = records.load_all(session, EntityKind.PRINCIPLE)
        ordered = sorted((p for p in principles if isinstance(p, Principle)),
                         key=lambda p: (p.position, p.id or 0))
        return Codebook(name.name if isinstance(name, CodebookName) else "", tuple(ordered))

    def integrity_check(self) -> list[str]:
        """SQLite's own consistency check plus foreign keys; empty when all is well."""
        rows = self._raw.execute("PRAGMA integrity_check").fetchall()
        problems = [str(r[0]) for r in rows if r[0] != "ok"]
        problems += [f"broken reference: {r}" for r in
                     self._raw.execute("PRAGMA foreign_key_check").fetchall()]
        return problems

    # --- writing -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Writer]:
        """One all-or-nothing edit, durable on disk when the ``with`` block ends."""
        if self.read_only:
            raise ReadOnlyProjectError(
                f"{self.path.name} is open read-only; changes cannot be saved")
        with _mapped_errors(self.path), Session(self._engine, expire_on_commit=False,
                                                autoflush=False) as session:
            with session.begin():
                self._claim(session)
                yield Writer(session)
            if self._serial is not None:  # committed: the file now holds our count
                self._serial += 1

    def _claim(self, session: Session) -> None:
        """Inside the write transaction, before anything changes: refuse to write from a stale
        view (somebody else committed since we last wrote or read), or into a file that is no
        longer the one at our path (replaced by a sync program or a copy)."""
        if self._file_id is not None:
            try:
                st = os.stat(self.path)
                now: tuple[int, int] | None = (st.st_dev, st.st_ino)
            except OSError:
                now = None
            if now != self._file_id:
                raise StaleProjectError(
                    f"{self.path.name} was moved, deleted or replaced by another program "
                    "while it was open here; this change was not saved. Close the case and "
                    "open the file that is there now.")
        if self._serial is None:
            return
        row = session.connection().exec_driver_sql(
            f"SELECT serial FROM {IDENTITY_TABLE} WHERE id = 1").fetchone()
        if row is None or int(row[0]) != self._serial:
            raise StaleProjectError(
                f"{self.path.name} was changed by another program or window since it was "
                "opened here; this change was not saved so that the newer work is kept. Close "
                "the case and open it again.")
        session.connection().exec_driver_sql(
            f"UPDATE {IDENTITY_TABLE} SET serial = serial + 1 WHERE id = 1")

    def save_copy(self, dest: Path, *, overwrite: bool = False,
                  case_uuid: str | None = None) -> Path:
        """Write a consistent copy of the whole project to ``dest`` (SQLite backup API),
        with a new identity (``case_uuid``, random by default); an encrypted project's copy
        is encrypted under the same key."""
        dest = Path(dest)
        if dest.exists() and not overwrite:
            raise ProjectError(f"{dest.name} already exists; not overwriting it")
        for own in self.owned_files():
            if dest.resolve() == own.resolve() or _same_file(dest, own):
                raise ProjectError(f"a copy cannot be saved over {own.name}, which belongs "
                                   "to the open case project")
        tmp = dest.with_name(f".{dest.name}.copying-{os.getpid()}")
        tmp.unlink(missing_ok=True)
        try:
            with _mapped_errors(dest):
                target = cipher.connect(tmp, key=self._key)
                try:
                    self._raw.backup(target)
                    target.execute("PRAGMA journal_mode=DELETE")
                    if read_identity(target) is not None:  # a copy is a file of its own
                        target.execute(f"UPDATE {IDENTITY_TABLE} SET uuid = ?, serial = 0",
                                       (case_uuid or str(uuid.uuid4()),))
                        target.commit()
                    check = target.execute("PRAGMA quick_check").fetchall()
                    if [r[0] for r in check] != ["ok"]:
                        raise ProjectError(f"the copy {dest.name} did not check out; it was "
                                           "not saved")
                    target.close()
                    with open(tmp, "rb") as f:
                        os.fsync(f.fileno())
                finally:
                    target.close()
            if overwrite:
                os.replace(tmp, dest)
            else:
                _publish(tmp, dest)
        except DiskFullError as exc:
            raise ProjectError(
                f"The disk holding {dest.parent} is full, so the copy could not be saved. "
                "Nothing was changed (an older copy of that name is kept); free some space "
                "or choose another drive.") from exc
        except OSError as exc:
            raise ProjectError(f"The copy {dest.name} could not be saved: "
                               f"{exc.strerror or exc}. Nothing was changed.") from exc
        finally:
            tmp.unlink(missing_ok=True)
        return dest

    def owned_files(self) -> list[Path]:
        """The files that are this project: it, its journal and its lock file."""
        return [self.path, journal.journal_path_for(self.path), lock_path_for(self.path)]

    @property
    def database_key(self) -> bytes | None:
        """The key the file is encrypted with (None for a plain file); in memory only."""
        return self._key

    @property
    def encrypted(self) -> bool:
        """Is the file encrypted (SQLCipher)?"""
        return self._key is not None

    @property
    def schema_version(self) -> int:
        return int(self._raw.execute("PRAGMA user_version").fetchone()[0])

    @property
    def application_id(self) -> int:
        return int(self._raw.execute("PRAGMA application_id").fetchone()[0])

    def pragma(self, name: str) -> Any:
        return self._raw.execute(f"PRAGMA {name}").fetchone()[0]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _damaged(path: Path, exc: BaseException) -> DamagedProjectError:
    return DamagedProjectError(
        f"{path.name} is damaged ({exc}), so VIG Studio will not write to it. Recover what "
        f"can be read into a new file (vigstudio recover {path.name} NEW.vigproj, or File ▸ "
        "Recover a damaged case), and keep the damaged file until you have checked the copy.")


def _handle_journal(path: Path, migrations: Sequence[Migration],
                    key: bytes | None = None) -> list[str]:
    """Set aside a journal that is not this case's (see :mod:`vigstudio.storage.journal`)."""
    verdict = journal.check_journal(path, identity_version(migrations), key=key)
    if verdict.verdict is not journal.Verdict.FOREIGN:
        return []
    moved = journal.set_aside(path)
    return [f"A file {journal.journal_path_for(path).name} lay beside {path.name}, but "
            f"{verdict.reason}, so it was not applied: it was renamed to {moved.name} and "
            "this case was opened as it was last saved. If it came from another family's "
            "case, delete it safely."]


def _check_health(path: Path, raw: sqlite3.Connection, *, tables: bool = True) -> None:
    """A check at open: the file's length matches its pages, SQLite's integrity check passes
    (a few milliseconds per megabyte) and every table is there. A damaged file is refused (it
    is never written to)."""
    page_size = int(raw.execute("PRAGMA page_size").fetchone()[0])
    pages = int(raw.execute("PRAGMA page_count").fetchone()[0])
    size = path.stat().st_size
    if size != page_size * pages:
        raise DamagedProjectError(
            f"{path.name} is damaged (it is {size} bytes long, but should be "
            f"{page_size * pages}), so VIG Studio will not write to it. Recover what can be "
            f"read into a new file (vigstudio recover {path.name} NEW.vigproj), and keep the "
            "damaged file until you have checked the copy.")
    problems = [str(r[0]) for r in raw.execute("PRAGMA integrity_check(20)").fetchall()]
    if problems != ["ok"]:
        raise _damaged(path, sqlite3.DatabaseError("; ".join(problems[:3])))
    if not tables:
        return
    present = {str(r[0]) for r in raw.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
    missing = sorted(set(Base.metadata.tables) - present)
    if missing:
        raise _damaged(path, sqlite3.DatabaseError(
            f"the table{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"{'are' if len(missing) > 1 else 'is'} missing"))


def _publish(tmp: Path, path: Path) -> None:
    """Move a finished file into place without ever replacing an existing file."""
    if os.name == "nt":  # pragma: no cover - os.rename refuses an existing target there
        os.rename(tmp, path)
        return
    try:
        os.link(tmp, path)  # atomic and fails if the name is taken
    except FileExistsError as exc:
        raise ProjectError(f"{path.name} already exists; not overwriting it") from exc
    except OSError:  # a file system without hard links (FAT on a USB stick)
        if path.exists():
            raise ProjectError(f"{path.name} already exists; not overwriting it") from None
        os.rename(tmp, path)


def _connect(path: Path, *, read_only: bool, key: bytes | None = None) -> sqlite3.Connection:
    raw = cipher.connect(path, key=key, read_only=read_only, check_same_thread=False,
                         isolation_level=None)
    try:
        raw.execute("PRAGMA foreign_keys=ON")
        raw.execute("PRAGMA busy_timeout=5000")
        if not read_only:
            mode = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            if str(mode).lower() != "delete":
                raise ProjectError(f"cannot use the rollback journal on {path.name} ({mode})")
        raw.execute("PRAGMA synchronous=FULL")
    except cipher.DATABASE_ERRORS as exc:
        raw.close()
        if key is not None and "not a database" in str(exc):
            raise _wrong_key(path) from exc
        if read_only and Path(f"{path}-journal").exists():
            raise ProjectError(
                f"{path.name} was not closed properly (VIG Studio or the computer stopped in "
                "the middle of a change), and the unfinished change can only be undone by "
                "opening it normally. Open it for editing once — nothing that was saved is "
                "lost — then read-only works again. Keep the file "
                f"{path.name}-journal beside it until then.") from exc
        raise NotAProjectError(f"{path.name} cannot be read as a project: {exc}") from exc
    return raw


def _engine(raw: sqlite3.Connection, *, read_only: bool, key: bytes | None = None) -> Engine:
    engine = create_engine("sqlite+pysqlite://", creator=lambda: raw, poolclass=StaticPool,
                           module=cipher.dbapi(key))
    begin = "BEGIN" if read_only else "BEGIN IMMEDIATE"

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:  # explicit BEGIN: pysqlite's implicit one is unreliable
        conn.exec_driver_sql(begin)

    return engine
