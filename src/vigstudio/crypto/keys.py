"""The keys of an encrypted case and the key file that keeps them (``NAME.vigproj.key``).

Hierarchy (docs/ENCRYPTION.md):

* a random 256-bit **master key** per case, never stored in the clear;
* it is kept in the key file twice, wrapped with AES-256-GCM: once under a key derived from
  the **passphrase** with scrypt (memory-hard; its parameters and salt are in the file), once
  under a key derived from the **recovery key** (160 random bits, printed once for the
  service's safe; HKDF, as it needs no stretching);
* from the master key, HKDF-SHA256 derives the **database key** (given to SQLCipher as a raw
  key, so opening needs no second KDF) and the **media key** (chunked AES-GCM files,
  :mod:`vigstudio.crypto.chunked`).

Changing the passphrase re-wraps the master key only: nothing else is re-encrypted. The key
file is replaced atomically (a crash leaves the old or the new one), and destroyed by
overwriting and unlinking it, which makes everything encrypted under it unreadable.

Standard library and ``cryptography`` only; nothing of ours but the errors.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import secrets
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vigstudio.errors import EncryptionError, KeyFileError, WrongPassphraseError
from vigstudio.safe_write import fsync_folder

__all__ = [
    "DEFAULT_KDF", "FORMAT", "KEY_FILE_VERSION", "MIN_PASSPHRASE", "CaseKeys", "KeyFile",
    "ScryptParams", "check_new_passphrase", "destroy_key_file", "key_file_first",
    "key_path_for",
    "make_key_file", "name_key_file", "new_recovery_key", "normalise_recovery_key",
    "pending_key_files", "pending_writer", "read_key_file", "rewrap_passphrase",
    "unlock_with_passphrase", "unlock_with_recovery_key", "write_key_file",
    "write_pending_key_file",
]

FORMAT = "vigstudio-case-key"
KEY_FILE_VERSION = 1
KEY_SUFFIX = ".key"
MIN_PASSPHRASE = 8
_KEY_BYTES = 32
_RECOVERY_BYTES = 20  # 160 bits: 32 base32 characters, 8 groups of 4
_AAD_PASSPHRASE = b"vigstudio case key v1: passphrase wrap"
_AAD_RECOVERY = b"vigstudio case key v1: recovery wrap"
_INFO_DATABASE = b"vigstudio v1 database key (SQLCipher raw key)"
_INFO_MEDIA = b"vigstudio v1 media key (chunked AES-GCM)"
_INFO_RECOVERY = b"vigstudio v1 recovery key wrapping key"
_MAX_KEY_FILE = 64 * 1024
_MAX_KDF_MEMORY = 1 << 30  # a key file never makes us allocate more than 1 GiB


@dataclass(frozen=True)
class ScryptParams:
    """scrypt's cost: memory ``128 * n * r`` bytes; the default takes about 0.5 s."""

    n: int = 2 ** 17
    r: int = 8
    p: int = 1

    def derive(self, secret: bytes, salt: bytes) -> bytes:
        memory = 128 * self.n * self.r * (self.p + 1) + (1 << 20)
        try:
            return hashlib.scrypt(secret, salt=salt, n=self.n, r=self.r, p=self.p,
                                  maxmem=memory, dklen=_KEY_BYTES)
        except (ValueError, MemoryError) as exc:
            raise KeyFileError(f"the key file asks for key-derivation settings this computer "
                               f"cannot use ({exc})") from exc

    def as_json(self) -> dict[str, Any]:
        return {"name": "scrypt", "n": self.n, "r": self.r, "p": self.p}

    @classmethod
    def from_json(cls, data: Any) -> ScryptParams:
        if not isinstance(data, dict) or data.get("name") != "scrypt":
            raise KeyFileError("the key file names a key-derivation function this version of "
                               "VIG Studio does not know")
        n, r, p = data.get("n"), data.get("r"), data.get("p")
        if not all(isinstance(v, int) and v > 0 for v in (n, r, p)):
            raise KeyFileError("the key file's key-derivation settings are damaged")
        assert isinstance(n, int) and isinstance(r, int) and isinstance(p, int)
        if n & (n - 1) or n < 2 or r > 64 or p > 16 or 128 * n * r * p > _MAX_KDF_MEMORY:
            raise KeyFileError("the key file's key-derivation settings are out of range")
        return cls(n, r, p)


DEFAULT_KDF = ScryptParams()


def _hkdf(master: bytes, info: bytes, salt: bytes | None = None) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=_KEY_BYTES, salt=salt,
                info=info).derive(master)


@dataclass(frozen=True)
class CaseKeys:
    """The keys of one unlocked case, held in memory only (never printed: see ``__repr__``)."""

    master_key: bytes = field(repr=False)
    database_key: bytes = field(repr=False)
    media_key: bytes = field(repr=False)

    @classmethod
    def from_master(cls, master_key: bytes) -> CaseKeys:
        if len(master_key) != _KEY_BYTES:
            raise KeyFileError("the case's master key has the wrong length")
        return cls(master_key, _hkdf(master_key, _INFO_DATABASE),
                   _hkdf(master_key, _INFO_MEDIA))

    @classmethod
    def generate(cls) -> CaseKeys:
        return cls.from_master(secrets.token_bytes(_KEY_BYTES))

    def __repr__(self) -> str:
        return "CaseKeys(<hidden>)"


@dataclass(frozen=True)
class _Wrap:
    nonce: bytes
    wrapped: bytes

    def as_json(self) -> dict[str, str]:
        return {"nonce": _b64(self.nonce), "wrapped": _b64(self.wrapped)}


@dataclass(frozen=True)
class KeyFile:
    """The contents of a key file: wrapped master key (twice) and how to unwrap it."""

    case_id: str
    kdf: ScryptParams
    salt: bytes
    passphrase: _Wrap
    recovery_salt: bytes
    recovery: _Wrap
    version: int = KEY_FILE_VERSION

    def to_bytes(self) -> bytes:
        data = {
            "format": FORMAT, "version": self.version, "case_id": self.case_id,
            "cipher": "aes-256-gcm",
            "passphrase": {"kdf": self.kdf.as_json(), "salt": _b64(self.salt),
                           **self.passphrase.as_json()},
            "recovery": {"kdf": "hkdf-sha256", "salt": _b64(self.recovery_salt),
                         **self.recovery.as_json()},
        }
        return (json.dumps(data, indent=1) + "\n").encode("ascii")

    @classmethod
    def from_bytes(cls, raw: bytes, *, name: str = "the key file") -> KeyFile:
        try:
            data = json.loads(raw.decode("ascii"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise KeyFileError(f"{name} is damaged (it is not a VIG Studio key file)") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise KeyFileError(f"{name} is not a VIG Studio key file")
        version = data.get("version")
        if not isinstance(version, int) or version < 1:
            raise KeyFileError(f"{name} is damaged (no format version)")
        if version > KEY_FILE_VERSION:
            raise KeyFileError(f"{name} was written by a newer VIG Studio (key file version "
                               f"{version}); update VIG Studio to open this case")
        try:
            pw, rec = data["passphrase"], data["recovery"]
            case_id = data["case_id"]
            if not isinstance(case_id, str) or data.get("cipher") != "aes-256-gcm":
                raise KeyError("case_id")
            if rec.get("kdf") != "hkdf-sha256":
                raise KeyError("kdf")
            return cls(case_id, ScryptParams.from_json(pw["kdf"]), _unb64(pw["salt"]),
                       _Wrap(_unb64(pw["nonce"]), _unb64(pw["wrapped"])),
                       _unb64(rec["salt"]), _Wrap(_unb64(rec["nonce"]), _unb64(rec["wrapped"])),
                       version)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise KeyFileError(f"{name} is damaged (a part of it is missing)") from exc

    def with_case_id(self, case_id: str) -> KeyFile:
        """The same wrapped key, bound to another case identity (a copy of the case)."""
        return KeyFile(case_id, self.kdf, self.salt, self.passphrase, self.recovery_salt,
                       self.recovery, self.version)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: Any) -> bytes:
    if not isinstance(text, str):
        raise TypeError("not text")
    return base64.b64decode(text.encode("ascii"), validate=True)


def key_path_for(project: Path) -> Path:
    """``NAME.vigproj.key`` beside ``NAME.vigproj``."""
    return project.with_name(project.name + KEY_SUFFIX)


# --- passphrases and recovery keys ---------------------------------------------------------

def _passphrase_bytes(passphrase: str) -> bytes:
    # the same letters typed on another keyboard (composed or not) give the same key
    return unicodedata.normalize("NFC", passphrase).encode("utf-8")


def check_new_passphrase(passphrase: str, confirm: str | None = None) -> None:
    """Refuse a passphrase that is too short or does not match its confirmation."""
    if confirm is not None and passphrase != confirm:
        raise EncryptionError("the two passphrases are not the same; type them again")
    if len(passphrase.strip()) < MIN_PASSPHRASE:
        raise EncryptionError(f"a passphrase needs at least {MIN_PASSPHRASE} characters (a few "
                              "words you can remember are best)")


_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def new_recovery_key() -> str:
    """160 random bits as 8 groups of 4 letters and digits, e.g. ``K7QD-2MXA-...``."""
    text = base64.b32encode(secrets.token_bytes(_RECOVERY_BYTES)).decode("ascii")
    return "-".join(text[i:i + 4] for i in range(0, len(text), 4))


def normalise_recovery_key(text: str) -> bytes:
    """The recovery key's bytes from what was typed: any case, spaces or dashes, and the
    digits 0, 1 and 8 read as the letters O, I and B they are confused with."""
    cleaned = "".join(ch for ch in text.upper() if ch not in " -\t\n")
    cleaned = cleaned.translate(str.maketrans("018", "OIB"))
    if len(cleaned) != 32 or any(ch not in _B32 for ch in cleaned):
        raise WrongPassphraseError("that is not a recovery key (it has 8 groups of 4 letters "
                                   "and digits, like ABCD-EFGH-...)")
    return base64.b32decode(cleaned)


# --- wrapping --------------------------------------------------------------------------------

def _wrap(kek: bytes, master: bytes, aad: bytes) -> _Wrap:
    nonce = secrets.token_bytes(12)
    return _Wrap(nonce, AESGCM(kek).encrypt(nonce, master, aad))


def _unwrap(kek: bytes, wrap: _Wrap, aad: bytes) -> bytes | None:
    try:
        return AESGCM(kek).decrypt(wrap.nonce, wrap.wrapped, aad)
    except (InvalidTag, ValueError):
        return None


def _recovery_kek(recovery_key: str, salt: bytes) -> bytes:
    return _hkdf(normalise_recovery_key(recovery_key), _INFO_RECOVERY, salt)


def make_key_file(keys: CaseKeys, passphrase: str, recovery_key: str, case_id: str, *,
                  kdf: ScryptParams = DEFAULT_KDF) -> KeyFile:
    """A new key file wrapping ``keys`` under ``passphrase`` and ``recovery_key``. ``kdf``
    is for tests only (cheaper settings); the product always uses the default."""
    salt, recovery_salt = secrets.token_bytes(16), secrets.token_bytes(16)
    kek = kdf.derive(_passphrase_bytes(passphrase), salt)
    return KeyFile(case_id, kdf, salt, _wrap(kek, keys.master_key, _AAD_PASSPHRASE),
                   recovery_salt, _wrap(_recovery_kek(recovery_key, recovery_salt),
                                        keys.master_key, _AAD_RECOVERY))


def unlock_with_passphrase(key_file: KeyFile, passphrase: str) -> CaseKeys:
    kek = key_file.kdf.derive(_passphrase_bytes(passphrase), key_file.salt)
    master = _unwrap(kek, key_file.passphrase, _AAD_PASSPHRASE)
    if master is None:
        raise WrongPassphraseError("that passphrase does not open this case. Check Caps Lock "
                                   "and the keyboard layout, and try again (or use the "
                                   "recovery key). Nothing was changed.")
    return CaseKeys.from_master(master)


def unlock_with_recovery_key(key_file: KeyFile, recovery_key: str) -> CaseKeys:
    master = _unwrap(_recovery_kek(recovery_key, key_file.recovery_salt), key_file.recovery,
                     _AAD_RECOVERY)
    if master is None:
        raise WrongPassphraseError("that recovery key does not open this case (check each "
                                   "group of four). Nothing was changed.")
    return CaseKeys.from_master(master)


def rewrap_passphrase(key_file: KeyFile, keys: CaseKeys, new_passphrase: str, *,
                      kdf: ScryptParams = DEFAULT_KDF) -> KeyFile:
    """The key file with the master key wrapped under a new passphrase (new salt); the
    recovery wrap is kept as it is."""
    salt = secrets.token_bytes(16)
    kek = kdf.derive(_passphrase_bytes(new_passphrase), salt)
    return KeyFile(key_file.case_id, kdf, salt,
                   _wrap(kek, keys.master_key, _AAD_PASSPHRASE), key_file.recovery_salt,
                   key_file.recovery, KEY_FILE_VERSION)


# --- the file ----------------------------------------------------------------------------------

def read_key_file(path: Path) -> KeyFile:
    try:
        with open(path, "rb") as f:
            raw = f.read(_MAX_KEY_FILE + 1)
    except FileNotFoundError as exc:
        raise KeyFileError(f"the key file {path.name} is missing, so this encrypted case "
                           "cannot be opened. Put it back beside the project file (from a "
                           "backup of the case).") from exc
    except OSError as exc:
        raise KeyFileError(f"the key file {path.name} cannot be read: {exc.strerror}") from exc
    if len(raw) > _MAX_KEY_FILE:
        raise KeyFileError(f"{path.name} is not a VIG Studio key file (it is too large)")
    return KeyFile.from_bytes(raw, name=path.name)



def write_key_file(path: Path, key_file: KeyFile, *, replace: bool = False) -> None:
    """Write ``path`` atomically (complete under its name, or the old file is kept);
    refuses to replace an existing key file unless ``replace``."""
    if path.exists() and not replace:
        raise KeyFileError(f"{path.name} already exists; it is never written over")
    tmp = path.with_name(f".{path.name}.writing-{os.getpid()}")
    data = key_file.to_bytes()
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # never over an existing file
            except FileExistsError as exc:
                raise KeyFileError(f"{path.name} already exists; it is never written "
                                   "over") from exc
            except OSError:  # no hard links (FAT): a rename into a free name
                if path.exists():
                    raise KeyFileError(f"{path.name} already exists") from None
                os.rename(tmp, path)
        fsync_folder(path.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def destroy_key_file(path: Path) -> bool:
    """Overwrite the key file with random bytes, flush, unlink, flush the folder. Returns
    whether there was a file. (On an SSD the old blocks may survive the overwrite, which is
    why the wrapped key is useless without the passphrase or the recovery key too.)"""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY)
        try:
            os.write(fd, secrets.token_bytes(max(size, 1)))
            os.fsync(fd)
        finally:
            os.close(fd)
    path.unlink()
    fsync_folder(path.parent)
    return True


# --- a key file written before its project file (creating a case, saving a copy) -------------
#
# A project file and its key file cannot appear in one atomic step. So the key file is written
# first under a hidden pending name (``.NAME.vigproj.key.pending-PID``), then the project file
# appears (one atomic step: from then on the case or the copy is whole), then the key file
# gets its name. A kill before the project file appears leaves a pending key file of a file
# that never was (removed by the next create there, or at the next unlock); a kill after it
# leaves the right key file under the pending name, from which the next unlock reads it and
# gives it its name (``app/case_crypto.py: unlock``).

_PENDING = KEY_SUFFIX + ".pending-"


def write_pending_key_file(project: Path, key_file: KeyFile) -> Path:
    """Write the key file of ``project`` (about to be written) under its pending name."""
    pending = project.with_name(f".{project.name}{_PENDING}{os.getpid()}")
    write_key_file(pending, key_file, replace=True)
    return pending


@contextlib.contextmanager
def key_file_first(project: Path, key_file: KeyFile, *, replace: bool = False
                   ) -> Iterator[None]:
    """Around the writing of ``project`` (a copy, a recovered case): its key file is written
    first under its pending name, and named when the block has written the project file; if
    the block fails, the pending key file is destroyed. ``replace``: over an older copy's."""
    pending = write_pending_key_file(project, key_file)
    try:
        yield
    except BaseException:
        destroy_key_file(pending)
        raise
    name_key_file(pending, key_path_for(project), replace=replace)


def pending_key_files(project: Path) -> list[Path]:
    """The pending key files of ``project`` (newest last), with the id of the process that
    wrote each."""
    prefix = f".{project.name}{_PENDING}"
    found: list[tuple[float, Path]] = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(project.parent):
            if entry.name.startswith(prefix) and entry.name[len(prefix):].isdigit():
                with contextlib.suppress(OSError):
                    found.append((entry.stat(follow_symlinks=False).st_mtime,
                                  Path(entry.path)))
    return [p for _t, p in sorted(found)]


def pending_writer(pending: Path) -> int:
    """The id of the process that wrote a pending key file."""
    return int(pending.name.rsplit("-", 1)[-1])


def name_key_file(pending: Path, key_path: Path, *, replace: bool = False) -> None:
    """Give a pending key file its name: in one atomic rename with ``replace`` (over an older
    copy's key file), else never over an existing key file (a link, then the pending name
    goes; a kill in between leaves two names of one file)."""
    if replace:
        os.replace(pending, key_path)
        fsync_folder(key_path.parent)
        return
    try:
        os.link(pending, key_path)
    except FileExistsError as exc:
        raise KeyFileError(f"{key_path.name} already exists; it is never written over") from exc
    except OSError:  # no hard links (FAT): a rename into a free name
        if key_path.exists():
            raise KeyFileError(f"{key_path.name} already exists") from None
        os.rename(pending, key_path)
    fsync_folder(key_path.parent)
    pending.unlink(missing_ok=True)
    fsync_folder(key_path.parent)
