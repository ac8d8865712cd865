"""Connections to a project file, plain (the standard library's ``sqlite3``) or encrypted
(SQLCipher 4 through the ``sqlcipher3`` bindings), behind one function.

An encrypted project file is keyed with the case's raw 256-bit database key
(``PRAGMA key = "x'…'"``): SQLCipher then runs no key derivation of its own (the passphrase
was stretched once, when the case was unlocked; see :mod:`vigstudio.crypto.keys`). Every
page, the journal's included, is encrypted with AES-256 and authenticated with HMAC-SHA512.
Nothing of the file is readable without the key: not even the SQLite header, so the version
checks read ``PRAGMA user_version`` after keying.

The two libraries have separate exception classes; :data:`DATABASE_ERRORS` and
:data:`OPERATIONAL_ERRORS` catch both.
"""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from types import ModuleType
from typing import Any, cast

from sqlcipher3 import dbapi2 as _sqlcipher

from vigstudio.errors import KeyFileError

__all__ = ["DATABASE_ERRORS", "ERRORS", "OPERATIONAL_ERRORS", "connect", "dbapi",
           "decrypt_header", "decrypt_image", "decrypt_page", "export_encrypted", "key_pragma",
           "looks_encrypted"]

CipherDatabaseError: type[Exception] = _sqlcipher.DatabaseError
CipherOperationalError: type[Exception] = _sqlcipher.OperationalError
CipherError: type[Exception] = _sqlcipher.Error
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.DatabaseError, _sqlcipher.DatabaseError)
OPERATIONAL_ERRORS: tuple[type[Exception], ...] = (sqlite3.OperationalError,
                                                   _sqlcipher.OperationalError)
ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, _sqlcipher.Error)
_SQLITE_MAGIC = b"SQLite format 3\x00"


def dbapi(key: bytes | None) -> ModuleType:
    """The DB-API module for a plain (``None``) or encrypted file (for SQLAlchemy)."""
    return sqlite3 if key is None else cast(ModuleType, _sqlcipher)


def key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise KeyFileError("a database key has 32 bytes")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path | str, *, key: bytes | None, read_only: bool = False,
            **kwargs: Any) -> sqlite3.Connection:
    """Open ``path`` (``:memory:`` too); read-only through a ``mode=ro`` URI. With a key,
    the connection is SQLCipher's and is keyed before anything else is read."""
    target: str | Path = path
    if read_only:
        target = f"{Path(path).resolve().as_uri()}?mode=ro"
        kwargs["uri"] = True
    if key is None:
        plain: sqlite3.Connection = sqlite3.connect(target, **kwargs)
        return plain
    raw: sqlite3.Connection = _sqlcipher.connect(str(target), **kwargs)
    try:
        raw.execute("PRAGMA cipher_log_level = NONE")  # failures are ours to report
        raw.execute(key_pragma(key))
        raw.execute("PRAGMA temp_store = MEMORY")  # sorts and temporary tables never on disk
    except BaseException:
        raw.close()
        raise
    return raw


def export_encrypted(plain: Path, dest: Path, key: bytes, *, user_version: int,
                     application_id: int) -> None:
    """Copy the plain database ``plain`` (only read) into a new encrypted file ``dest``
    (``sqlcipher_export``, which copies schema and rows but not the header fields)."""
    conn = _sqlcipher.connect(f"{Path(plain).resolve().as_uri()}?mode=ro", uri=True,
                              isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute(f"ATTACH DATABASE ? AS encrypted KEY \"x'{key.hex()}'\"", (str(dest),))
        conn.execute("SELECT sqlcipher_export('encrypted')")
        conn.execute(f"PRAGMA encrypted.user_version={int(user_version)}")
        conn.execute(f"PRAGMA encrypted.application_id={int(application_id)}")
        conn.execute("PRAGMA encrypted.journal_mode=DELETE")
        conn.execute("DETACH DATABASE encrypted")
    finally:
        conn.close()


def looks_encrypted(path: Path) -> bool:
    """Is ``path`` a file that is not plain SQLite but may be SQLCipher (no SQLite header,
    a whole number of at least one 512-byte page)? Reads 16 bytes, writes nothing."""
    try:
        st = path.stat()
        if not stat.S_ISREG(st.st_mode):  # a pipe or a device: never opened (it could hang)
            return False
        size = st.st_size
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError:
        return False
    return size >= 512 and size % 512 == 0 and head != _SQLITE_MAGIC


# --- reading pages without SQLite (the journal check, storage/journal.py) --------------------

RESERVE = 80  # SQLCipher 4's default per-page reserve: a 16-byte IV and a 64-byte HMAC
PAGE_SIZE = 4096  # SQLCipher 4's default page size (the project files keep it)
SALT_BYTES = 16


def decrypt_page(page: bytes, page_no: int, key: bytes) -> bytes:
    """A SQLCipher 4 page (AES-256-CBC, the IV in the page's reserved tail) decrypted with the
    raw database key, as plain SQLite would have it (page 1 gets the SQLite header back).
    The page's HMAC is not checked: a wrong key or a foreign page gives noise, which the
    caller recognises by its content."""
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    size = len(page)
    if size < 512 or size % 16:
        raise ValueError("not a page")
    start = SALT_BYTES if page_no == 1 else 0
    iv = page[size - RESERVE:size - RESERVE + 16]
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    plain = decryptor.update(page[start:size - RESERVE]) + decryptor.finalize()
    if page_no == 1:
        plain = _SQLITE_MAGIC + plain
    return plain + page[size - RESERVE:]


def decrypt_header(first_page: bytes, key: bytes) -> bytes | None:
    """The first 100 bytes (the SQLite header) of an encrypted file's first page, or None
    when ``key`` does not decrypt it into a valid header (a wrong key gives noise: the page
    size, the reserve and SQLite's three fixed payload fractions must all be right)."""
    if len(first_page) != PAGE_SIZE:
        return None
    header = decrypt_page(first_page, 1, key)[:100]
    if (int.from_bytes(header[16:18], "big") != PAGE_SIZE or header[20] != RESERVE
            or header[21:24] != b"\x40\x20\x20"):
        return None
    return header


def decrypt_image(data: bytes, key: bytes, page_size: int = PAGE_SIZE) -> bytes | None:
    """The whole encrypted file ``data`` decrypted in memory (None if it is not a SQLCipher
    file of this page size under this key). Never written anywhere."""
    if not data or len(data) % page_size:
        return None
    first = decrypt_page(data[:page_size], 1, key)
    if int.from_bytes(first[16:18], "big") not in (page_size, 1) or first[20] != RESERVE:
        return None
    pages = [first] + [decrypt_page(data[i:i + page_size], i // page_size + 1, key)
                       for i in range(page_size, len(data), page_size)]
    return b"".join(pages)
