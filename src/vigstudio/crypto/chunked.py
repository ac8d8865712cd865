"""An authenticated, seekable, chunked encrypted file format (AES-256-GCM).

Recordings copied into an encrypted case and every derived file (thumbnails, waveforms, the
stills cache) are stored in this format with the case's 32-byte media key, so the player and
the export can read any byte range while decrypting only the chunks it touches, and no
plaintext copy is ever written to the disk (docs/ENCRYPTION_MEDIA.md).

Layout (all integers big-endian)::

    header (56 bytes)
      magic        8  b"VIGSENC\\x1a"  (neither a media nor an SQLite signature)
      version      2  1
      reserved     2  0
      chunk_size   4  plaintext bytes per chunk (64 KiB by default)
      file_id     16  random, fresh for every file written
      length       8  plaintext length in bytes
      header_tag  16  AES-GCM tag over the 40 bytes above (empty plaintext)
    chunk 0 … chunk n-1 (n = max(1, ceil(length / chunk_size)))
      ciphertext (chunk_size bytes; the last chunk holds the rest, maybe 0) + 16-byte tag

Keys and nonces: every file gets its own AES key, ``HKDF-SHA256(media_key, salt=file_id,
info="vigstudio chunked v1" + context)``; chunk ``i`` is sealed under that key with the
nonce ``0x00000000 || i`` (8 bytes), the header with ``0x00000001 || 0``. So a nonce is
determined by the file id and the chunk index and never repeats under one key. The
additional data of chunk ``i`` is ``file_id || i || last`` (``last`` = 1 only on the final
chunk), so

* a changed byte anywhere, or a wrong key, fails the tag (:class:`DamagedEncryptedFileError`
  or :class:`MediaKeyError`);
* chunks moved within a file or between files fail (the index and the file's own key);
* a file cut short, or grown, is noticed at open (its size must match the authenticated
  length) and a cut exactly at a chunk boundary also by the missing ``last`` flag;
* the optional ``context`` (e.g. ``b"thumbs"``) binds a file to its role, so one derived
  file cannot stand in for another kind; a whole recording swapped for another encrypted
  recording of the case is caught by the recording's fingerprint (of the plaintext).
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import struct
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO, Final

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from vigstudio import errors
from vigstudio.safe_write import fsync_folder, sweep_leftovers, temp_name

__all__ = [
    "CHUNK_SIZE",
    "HEADER_SIZE",
    "MAGIC",
    "EncryptedReader",
    "EncryptedWriter",
    "encrypt_bytes",
    "encrypt_file",
    "encrypted_size",
    "is_encrypted",
    "open_encrypted",
    "plaintext_length",
    "read_all",
    "sweep_partial",
    "write_atomic",
]

MAGIC: Final = b"VIGSENC\x1a"
VERSION: Final = 1
CHUNK_SIZE: Final = 64 * 1024
TAG_SIZE: Final = 16
KEY_SIZE: Final = 32
_HEAD = struct.Struct(">8sHHI16sQ")
HEADER_SIZE: Final = _HEAD.size + TAG_SIZE  # 56
_INFO = b"vigstudio chunked v1"
_CACHE_CHUNKS = 32  # decrypted chunks kept per reader (2 MiB): demuxers jump back and forth

Progress = Callable[[int, int], None]
Cancel = Callable[[], bool]


def _check_key(key: bytes) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_SIZE:
        raise errors.MediaKeyError("The case's media key is missing or malformed "
                                   f"(expected {KEY_SIZE} bytes).")


def _file_aead(key: bytes, file_id: bytes, context: bytes) -> AESGCM:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=file_id,
                info=_INFO + context)
    return AESGCM(hkdf.derive(bytes(key)))


def _chunk_nonce(index: int) -> bytes:
    return b"\x00\x00\x00\x00" + index.to_bytes(8, "big")


_HEADER_NONCE = b"\x00\x00\x00\x01" + bytes(8)


def _chunk_aad(file_id: bytes, index: int, last: bool) -> bytes:
    return file_id + index.to_bytes(8, "big") + (b"\x01" if last else b"\x00")


def chunk_count(length: int, chunk_size: int = CHUNK_SIZE) -> int:
    return max(1, -(-length // chunk_size))


def encrypted_size(length: int, chunk_size: int = CHUNK_SIZE) -> int:
    """Bytes on disk for ``length`` plaintext bytes."""
    return HEADER_SIZE + length + chunk_count(length, chunk_size) * TAG_SIZE


def is_encrypted(path: Path | str) -> bool:
    """Whether the file at ``path`` starts with this format's magic (no key needed)."""
    try:
        with open(path, "rb") as fh:
            return fh.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


# --- reading ------------------------------------------------------------------------------


class EncryptedReader(io.RawIOBase):
    """A read-only, seekable view of the plaintext of an encrypted file.

    ``read``/``readinto``/``seek``/``tell`` work on plaintext offsets; only the chunks a read
    touches are decrypted (the last few are cached). Safe to share between threads.
    """

    def __init__(self, path: Path | str, key: bytes, *, context: bytes = b"") -> None:
        super().__init__()
        _check_key(key)
        self.name = str(path)
        self._path = Path(path)
        self._lock = threading.Lock()
        self._pos = 0
        self._cache: OrderedDict[int, bytes] = OrderedDict()
        try:
            self._fh: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed in close()
        except FileNotFoundError as exc:
            raise errors.MediaMissingError(f"“{self._path.name}” is missing.") from exc
        except OSError as exc:
            raise errors.MediaError(
                f"“{self._path.name}” cannot be read: {exc.strerror or exc}.") from exc
        try:
            self._read_header(key, context)
        except BaseException:
            self._fh.close()
            raise

    def _read_header(self, key: bytes, context: bytes) -> None:
        name = self._path.name
        head = self._fh.read(HEADER_SIZE)
        if len(head) < len(MAGIC) or head[:len(MAGIC)] != MAGIC:
            raise errors.NotEncryptedError(f"“{name}” is not an encrypted VIG Studio file.")
        if len(head) < HEADER_SIZE:
            raise errors.DamagedEncryptedFileError(
                f"“{name}” is cut short: its encrypted header is incomplete.")
        _magic, version, _reserved, chunk_size, file_id, length = _HEAD.unpack(
            head[:_HEAD.size])
        if version != VERSION:
            raise errors.DamagedEncryptedFileError(
                f"“{name}” was encrypted by a newer VIG Studio (format {version}); update "
                "VIG Studio to open it.")
        self._aead = _file_aead(key, file_id, context)
        try:
            self._aead.decrypt(_HEADER_NONCE, head[_HEAD.size:], head[:_HEAD.size])
        except InvalidTag as exc:
            raise errors.MediaKeyError(
                f"“{name}” cannot be decrypted with this case's key: it belongs to another "
                "case, or its header was changed.") from exc
        if chunk_size <= 0:
            raise errors.DamagedEncryptedFileError(f"“{name}” has a damaged header.")
        self.file_id: bytes = file_id
        self.chunk_size: int = chunk_size
        self.length: int = length
        self._chunks = chunk_count(length, chunk_size)
        actual = os.fstat(self._fh.fileno()).st_size
        expected = encrypted_size(length, chunk_size)
        if actual < expected:
            raise errors.DamagedEncryptedFileError(
                f"“{name}” is cut short ({actual:,} of {expected:,} bytes): an interrupted "
                "copy, or the file was damaged. Copy the recording into the case again.")
        if actual > expected:
            raise errors.DamagedEncryptedFileError(
                f"“{name}” has {actual - expected:,} bytes more than it should: it was "
                "changed outside VIG Studio.")

    # -- io.RawIOBase --

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def writable(self) -> bool:
        return False

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_SET:
            pos = offset
        elif whence == io.SEEK_CUR:
            pos = self._pos + offset
        elif whence == io.SEEK_END:
            pos = self.length + offset
        else:
            raise ValueError(f"invalid whence {whence}")
        if pos < 0:
            raise OSError(22, "negative seek position")
        self._pos = pos
        return pos

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        view = memoryview(buffer).cast("B")
        with self._lock:
            done = 0
            want = min(len(view), max(0, self.length - self._pos))
            while done < want:
                index, offset = divmod(self._pos, self.chunk_size)
                plain = self._chunk(index)
                take = min(want - done, len(plain) - offset)
                if take <= 0:
                    break
                view[done:done + take] = plain[offset:offset + take]
                done += take
                self._pos += take
            return done

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes from the current position (all that is left for -1/None).

        The common case — a read inside one chunk, e.g. FFmpeg's 32 KiB reads — is one
        slice of the cached plaintext."""
        if size is None or size < 0:
            return self.readall()
        with self._lock:
            want = min(size, max(0, self.length - self._pos))
            if want <= 0:
                return b""
            index, offset = divmod(self._pos, self.chunk_size)
            plain = self._chunk(index)
            if offset + want <= len(plain):
                self._pos += want
                return plain[offset:offset + want]
        buffer = bytearray(want)
        done = self.readinto(buffer)
        return bytes(buffer[:done])

    def readall(self) -> bytes:
        buffer = bytearray(max(0, self.length - self._pos))
        done = self.readinto(buffer)
        return bytes(buffer[:done])

    def close(self) -> None:
        if not self.closed:
            self._fh.close()
            self._cache.clear()
        super().close()

    # -- chunks --

    def _chunk(self, index: int) -> bytes:
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        last = index == self._chunks - 1
        size = (self.length - index * self.chunk_size) if last else self.chunk_size
        self._fh.seek(HEADER_SIZE + index * (self.chunk_size + TAG_SIZE))
        sealed = self._fh.read(size + TAG_SIZE)
        if len(sealed) != size + TAG_SIZE:
            raise errors.DamagedEncryptedFileError(
                f"“{self._path.name}” was cut short while it was being read.")
        try:
            plain = self._aead.decrypt(_chunk_nonce(index), sealed,
                                       _chunk_aad(self.file_id, index, last))
        except InvalidTag as exc:
            raise errors.DamagedEncryptedFileError(
                f"“{self._path.name}” is damaged or was changed outside VIG Studio (part "
                f"{index + 1} of {self._chunks} fails its integrity check); nothing from it "
                "is used.") from exc
        self._cache[index] = plain
        if len(self._cache) > _CACHE_CHUNKS:
            self._cache.popitem(last=False)
        return plain

    def verify(self, progress: Progress | None = None, cancel: Cancel | None = None) -> None:
        """Check every chunk (raises on the first that fails)."""
        with self._lock:
            for index in range(self._chunks):
                if cancel is not None and cancel():
                    return
                self._chunk(index)
                if progress is not None:
                    progress(index + 1, self._chunks)


def open_encrypted(path: Path | str, key: bytes, *, context: bytes = b"",
                   buffered: bool = False) -> BinaryIO:
    """Open an encrypted file for reading its plaintext (a :class:`EncryptedReader`)."""
    reader = EncryptedReader(path, key, context=context)
    if buffered:
        return io.BufferedReader(reader, buffer_size=CHUNK_SIZE)
    return reader  # type: ignore[return-value]


def plaintext_length(path: Path | str, key: bytes) -> int:
    with EncryptedReader(path, key) as reader:
        return reader.length


def read_all(path: Path | str, key: bytes, *, context: bytes = b"") -> bytes:
    with EncryptedReader(path, key, context=context) as reader:
        return reader.readall()


# --- writing ------------------------------------------------------------------------------


class EncryptedWriter(io.RawIOBase):
    """Writes plaintext into an encrypted file (``fh`` must be seekable and writable).

    The header is written last, at :meth:`close`, with the final length; the last chunk is
    held back until then so it can carry the ``last`` flag. Closing ``fh`` is the caller's.
    """

    def __init__(self, fh: BinaryIO, key: bytes, *, context: bytes = b"",
                 chunk_size: int = CHUNK_SIZE) -> None:
        super().__init__()
        _check_key(key)
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self._fh = fh
        self.file_id = secrets.token_bytes(16)
        self.chunk_size = chunk_size
        self._aead = _file_aead(key, self.file_id, context)
        self._pending = bytearray()
        self._index = 0
        self._length = 0
        self._finished = False
        fh.seek(0)
        fh.write(bytes(HEADER_SIZE))  # placeholder, written for real at close

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        if self._finished:
            raise ValueError("write to a finished encrypted file")
        view = memoryview(data).cast("B")
        self._pending += view
        self._length += len(view)
        while len(self._pending) > self.chunk_size:  # keep the last (maybe full) chunk back
            self._seal(bytes(self._pending[:self.chunk_size]), last=False)
            del self._pending[:self.chunk_size]
        return len(view)

    def _seal(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aead.encrypt(_chunk_nonce(self._index), plain,
                                    _chunk_aad(self.file_id, self._index, last))
        self._fh.write(sealed)
        self._index += 1

    def finish(self) -> None:
        """Seal the last chunk and write the header (idempotent)."""
        if self._finished:
            return
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()
        head = _HEAD.pack(MAGIC, VERSION, 0, self.chunk_size, self.file_id, self._length)
        tag = self._aead.encrypt(_HEADER_NONCE, b"", head)
        self._fh.seek(0)
        self._fh.write(head + tag)
        self._fh.seek(0, io.SEEK_END)
        self._finished = True

    def close(self) -> None:
        if not self.closed:
            self.finish()
        super().close()



@contextlib.contextmanager
def write_atomic(dst: Path | str, key: bytes, *, context: bytes = b"",
                 chunk_size: int = CHUNK_SIZE) -> Iterator[EncryptedWriter]:
    """Write an encrypted file that is either complete under ``dst`` or not there at all.

    Yields a writer; the file goes to a hidden temporary name beside ``dst`` (marked with this
    process's id, so :func:`sweep_partial` removes it after a crash), is flushed to the disk
    and renamed over ``dst`` when the block ends without an exception.
    """
    dst = Path(dst)
    dst.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_name(dst)
    try:
        with open(tmp, "wb") as fh:
            writer = EncryptedWriter(fh, key, context=context, chunk_size=chunk_size)
            yield writer
            writer.close()
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dst)
        fsync_folder(dst.parent)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def encrypt_bytes(data: bytes, dst: Path | str, key: bytes, *, context: bytes = b"") -> None:
    """Write ``data`` encrypted to ``dst`` (atomically)."""
    with write_atomic(dst, key, context=context) as writer:
        writer.write(data)


def encrypt_file(src: Path | str, dst: Path | str, key: bytes, *,
                 progress: Progress | None = None, cancel: Cancel | None = None,
                 context: bytes = b"") -> bool:
    """Encrypt the file ``src`` into ``dst`` (crash-safe: temp name, fsync, rename).

    ``progress(done_bytes, total_bytes)`` is called as it goes; when ``cancel()`` turns true
    the temporary file is removed, ``dst`` is left as it was and False is returned. The
    plaintext is read in chunks and never written anywhere.
    """
    src = Path(src)
    try:
        total = src.stat().st_size
        source = open(src, "rb")  # noqa: SIM115 - closed below
    except FileNotFoundError as exc:
        raise errors.MediaMissingError(f"“{src.name}” is missing.") from exc
    except OSError as exc:
        raise errors.MediaError(f"“{src.name}” cannot be read: {exc.strerror or exc}.") from exc

    class _Cancelled(Exception):
        pass

    try:
        with source, write_atomic(dst, key, context=context) as writer:
            done = 0
            while True:
                if cancel is not None and cancel():
                    raise _Cancelled
                block = source.read(16 * CHUNK_SIZE)
                if not block:
                    break
                writer.write(block)
                done += len(block)
                if progress is not None:
                    progress(done, total)
    except _Cancelled:
        return False
    except OSError as exc:
        raise errors.MediaError(
            f"Could not write the encrypted copy {Path(dst).name}: {exc.strerror or exc}."
        ) from exc
    return True


def sweep_partial(*folders: Path) -> list[Path]:
    """Remove half-written encrypted files that a killed process left in ``folders``."""
    return sweep_leftovers(*folders)
