"""Is the ``-journal`` beside a project file this case's own? Checked before SQLite opens it.

SQLite rolls a "hot" rollback journal back into the database the first time it reads it, with
no way to say no. A journal copied (or synced, or left) beside the wrong case would then write
another family's pages into this case. So before the file is opened for writing, the journal
is read here, without SQLite:

* the journal's pages are the *old* contents of pages of the database it was made for;
* every VIG Studio write transaction updates the ``case_identity`` row
  (:mod:`vigstudio.storage.identity`), so the journal holds the old copy of that row's page,
  which contains the case's identity (a UUID).

A journal belongs to this case when it holds this case's identity page with this case's UUID,
and its page size is the database's. A journal from a file older than the identity (made by an
older VIG Studio, or during the upgrade that adds the identity) cannot be checked and is
trusted as before. Anything else is set aside under another name (so SQLite never sees it) and
the user is told.

Journal layout (https://www.sqlite.org/fileformat.html#the_rollback_journal): a header of one
sector (magic, record count, nonce, initial page count, sector size, page size), then records
of ``page number (4) + page + checksum (4)``; later headers start on a sector boundary.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from vigstudio.storage import cipher
from vigstudio.storage.identity import identity_root_page, read_identity

MAGIC = bytes.fromhex("d9d505f920a163d7")
_MAX_PAGE = 65536


class Verdict(StrEnum):
    NONE = "none"  # no journal, or one SQLite would ignore (no valid header)
    OURS = "ours"  # carries this case's identity: let SQLite roll it back
    LEGACY = "legacy"  # made before files had an identity: cannot be checked, trusted
    FOREIGN = "foreign"  # not this case's: must never be applied


@dataclass(frozen=True)
class JournalCheck:
    verdict: Verdict
    reason: str = ""


def journal_path_for(project: Path) -> Path:
    return project.with_name(project.name + "-journal")


def journal_pages(data: bytes) -> tuple[int, Iterator[tuple[int, bytes]]] | None:
    """(page size, iterator of (page number, old page content)) or None without a header.

    Reads every complete record, also past the record count SQLite would play back: the
    question here is whose journal it is, not what to restore.
    """
    if len(data) < 28 or not data.startswith(MAGIC):
        return None
    sector = int.from_bytes(data[20:24], "big")
    page_size = int.from_bytes(data[24:28], "big")
    if page_size == 1:
        page_size = 65536
    if not 512 <= page_size <= _MAX_PAGE or page_size & (page_size - 1):
        return None
    if not 32 <= sector <= 65536:
        sector = 512

    def records() -> Iterator[tuple[int, bytes]]:
        offset = 0
        record = 4 + page_size + 4
        while offset + 28 <= len(data) and data[offset:offset + 8] == MAGIC:
            count = int.from_bytes(data[offset + 8:offset + 12], "big")
            limited = count not in (0, 0xFFFFFFFF)
            pos, n = offset + sector, 0
            while pos + record <= len(data) and not (limited and n >= count):
                page_no = int.from_bytes(data[pos:pos + 4], "big")
                if page_no == 0 or page_no > 0x7FFFFFFF:
                    break
                yield page_no, data[pos + 4:pos + 4 + page_size]
                pos += record
                n += 1
            following = -(-pos // sector) * sector  # the next header, on a sector boundary
            if following <= offset:
                break
            offset = following

    return page_size, records()


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = buf[pos + i]
        if i == 8:
            return (value << 8) | byte, pos + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, pos + i + 1
    raise ValueError("bad varint")  # pragma: no cover - the loop always returns


def serial_in_page(page: bytes) -> int | None:
    """The ``serial`` of the identity row on its (leaf) page, parsed from SQLite's record
    format; None if the page is not such a leaf."""
    try:
        if page[0] != 0x0D or int.from_bytes(page[3:5], "big") != 1:
            return None
        cell = int.from_bytes(page[8:10], "big")
        _, pos = _varint(page, cell)  # payload size
        _, pos = _varint(page, pos)  # rowid
        header_size, start = _varint(page, pos)
        types, at = [], start
        while at < pos + header_size:
            kind, at = _varint(page, at)
            types.append(kind)
        if len(types) != 3:
            return None
        body = pos + header_size
        sizes = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}
        for kind in types[:2]:
            body += sizes[kind] if kind < 12 else (kind - 12) // 2
        kind = types[2]
        if kind in (8, 9):
            return kind - 8
        if not 1 <= kind <= 6:
            return None
        return int.from_bytes(page[body:body + sizes[kind]], "big", signed=True)
    except (IndexError, KeyError, ValueError):
        return None


def _db_identity(project: Path, key: bytes | None = None) -> tuple[str, int, int, int] | None:
    """(uuid, serial, identity root page, page size) read from the database file alone, in memory:
    SQLite never sees the journal here. None when the file has no identity or cannot be read.
    An encrypted file (``key``) is decrypted in memory first."""
    try:
        data = project.read_bytes()
    except OSError:
        return None
    if key is not None:
        image = cipher.decrypt_image(data, key)
        if image is None:
            return None
        data = image
    conn = sqlite3.connect(":memory:")
    try:
        conn.deserialize(data)
        identity = read_identity(conn)
        root = identity_root_page(conn)
        page_size = int(conn.execute("PRAGMA page_size").fetchone()[0])
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    if identity is None or root is None:
        return None
    return identity[0], identity[1], root, page_size


def check_journal(project: Path, identity_version: int | None, *,
                  key: bytes | None = None) -> JournalCheck:
    """Decide whether the journal beside ``project`` may be rolled back into it (an
    encrypted project's journal holds encrypted pages: they are decrypted with ``key``, in
    memory, to find the identity)."""
    journal = journal_path_for(project)
    try:
        data = journal.read_bytes()
    except FileNotFoundError:
        return JournalCheck(Verdict.NONE)
    except OSError as exc:
        return JournalCheck(Verdict.FOREIGN, f"it cannot be read ({exc.strerror})")
    parsed = journal_pages(data)
    if parsed is None:
        return JournalCheck(Verdict.NONE)
    page_size, records = parsed
    pages: dict[int, bytes] = {}
    for page_no, content in records:
        pages.setdefault(page_no, content)  # the first copy is the oldest
    if key is not None:
        pages = {n: cipher.decrypt_page(p, n, key) for n, p in pages.items()}
    first = pages.get(1)
    if first is not None and identity_version is not None:
        journal_version = int.from_bytes(first[60:64], "big", signed=True)
        if journal_version < identity_version:
            return JournalCheck(Verdict.LEGACY)
    mine = _db_identity(project, key)
    if mine is None:
        # an older file without identity, or one that cannot be read without the journal:
        # rolling the journal back is then its only chance (SQLite's own behaviour)
        return JournalCheck(Verdict.LEGACY)
    case_uuid, serial, root, db_page_size = mine
    if page_size != db_page_size:
        return JournalCheck(Verdict.FOREIGN, "its page size differs from this case's")
    identity_page = pages.get(root)
    if identity_page is None:
        return JournalCheck(Verdict.FOREIGN, "it was not written by VIG Studio for this case")
    if case_uuid.encode("ascii") not in identity_page:
        return JournalCheck(Verdict.FOREIGN, "it belongs to another case project")
    if serial_in_page(identity_page) not in (serial, serial - 1):
        return JournalCheck(Verdict.FOREIGN, "it comes from another copy of this case")
    return JournalCheck(Verdict.OURS)


def set_aside(project: Path) -> Path:
    """Rename the journal so SQLite never applies it; returns its new name (kept, not
    deleted: it holds another case's data and is the user's to deal with)."""
    journal = journal_path_for(project)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = journal.with_name(f"{journal.name}.not-this-case-{stamp}")
    n = 2
    while target.exists():
        target = journal.with_name(f"{journal.name}.not-this-case-{stamp}-{n}")
        n += 1
    journal.rename(target)
    return target
