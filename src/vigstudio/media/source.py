"""Where a recording's bytes come from: a path, and the case's media key when it is encrypted.

Every reader in ``media/`` opens a recording through :class:`MediaSource` (PyAV through
:meth:`MediaSource.open_av`, raw bytes through :meth:`MediaSource.open_binary`, libVLC
through :mod:`vigstudio.media.playback`'s media callbacks over :meth:`open_binary`). A file in
VIG Studio's encrypted format (:mod:`vigstudio.crypto.chunked`) is decrypted while it is read,
chunk by chunk, in memory; no plaintext copy is ever written. A plain file is opened as it is,
also in an encrypted case (a recording referenced, not copied in).

``MediaSource`` deliberately has no ``__fspath__``: ``Path(source)`` fails loudly instead of
silently dropping the key and handing FFmpeg the ciphertext. The key is never printed
(``repr`` leaves it out) and travels to child processes only inside their standard-input job.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from vigstudio import errors
from vigstudio.crypto import chunked

__all__ = ["ENCRYPTED_SUFFIX", "MediaLike", "MediaSource", "as_source", "load_cache_file",
           "read_head", "save_cache_file"]

#: Suffix of a recording copied into an encrypted case (``rec-<id>.mp4.vigenc``).
ENCRYPTED_SUFFIX = ".vigenc"


@dataclass(frozen=True)
class MediaSource:
    """A recording's file and, for an encrypted case, the key to read it with."""

    path: Path
    key: bytes | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "path", Path(self.path))

    @property
    def name(self) -> str:
        return self.path.name

    def __str__(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def is_file(self) -> bool:
        return self.path.is_file()

    @property
    def encrypted(self) -> bool:
        """Whether the file on disk is in the encrypted format (reads its first bytes)."""
        return chunked.is_encrypted(self.path)

    def size(self) -> int:
        """The plaintext size in bytes (the recording's own size, also when encrypted)."""
        if self.encrypted:
            with self._reader() as reader:
                return reader.length
        return self.path.stat().st_size

    def _reader(self) -> chunked.EncryptedReader:
        if self.key is None:
            raise errors.MediaKeyError(
                f"“{self.name}” is encrypted: open its case with the case's passphrase to "
                "read it.")
        return chunked.EncryptedReader(self.path, self.key)

    def open_binary(self) -> BinaryIO:
        """The recording's bytes, seekable (decrypted chunk by chunk when encrypted)."""
        if self.encrypted:
            reader = self._reader()
            reader.name = self.format_hint  # FFmpeg guesses the container from the name too
            return reader  # type: ignore[return-value]
        try:
            return open(self.path, "rb")
        except FileNotFoundError as exc:
            raise errors.MediaMissingError(f"The recording “{self.name}” is missing.") from exc

    @property
    def format_hint(self) -> str:
        """A file name FFmpeg may use to guess the container (the encrypted suffix dropped)."""
        name = self.name
        if name.endswith(ENCRYPTED_SUFFIX):
            name = name[:-len(ENCRYPTED_SUFFIX)]
        return name

    def open_av(self, **options: Any) -> Any:
        """``av.open`` for reading: the path of a plain file, a decrypting reader otherwise.

        FFmpeg errors propagate (``av.FFmpegError``) so callers keep their own messages; an
        encrypted file that fails its integrity check raises a
        :class:`vigstudio.errors.EncryptedFileError`.
        """
        import av  # here, not at import: the session imports this module at start-up

        if not self.encrypted:
            return av.open(str(self.path), "r", **options)
        reader = self.open_binary()
        try:
            return av.open(reader, "r", **options)
        except BaseException:
            reader.close()
            raise


MediaLike = Path | str | MediaSource


def as_source(media: MediaLike, key: bytes | None = None) -> MediaSource:
    """``media`` as a :class:`MediaSource` (a path gets ``key``; a source keeps its own)."""
    if isinstance(media, MediaSource):
        return media
    return MediaSource(Path(media), key)


def read_head(media: MediaLike, size: int) -> bytes:
    """The first ``size`` bytes of the recording (plaintext)."""
    with as_source(media).open_binary() as fh:
        return fh.read(size)


# --- derived files (thumbnails, waveforms, …) in the case's cache folder ----------------------


def load_cache_file(path: Path, key: bytes | None, context: bytes) -> Path | BinaryIO:
    """What ``np.load`` (or any reader) should open for a cache file: the path of a plain
    one, the decrypted bytes in memory of an encrypted one."""
    if key is None:
        return path
    return io.BytesIO(chunked.read_all(path, key, context=context))


@contextlib.contextmanager
def save_cache_file(path: Path, key: bytes | None, context: bytes) -> Iterator[BinaryIO]:
    """Write a cache file atomically: yields a file to write into; plain files go to a
    temporary file renamed over ``path``, encrypted ones are assembled in memory and written
    encrypted (:func:`vigstudio.crypto.chunked.encrypt_bytes`): no plaintext on disk."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if key is not None:
        buffer = io.BytesIO()
        yield buffer
        chunked.encrypt_bytes(buffer.getvalue(), path, key, context=context)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
