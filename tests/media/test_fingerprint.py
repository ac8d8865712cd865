"""Fingerprints identify content; find_matches finds a moved recording by content."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from vigstudio import errors
from vigstudio.domain.media import Fingerprint
from vigstudio.media.fingerprint import CHUNK, find_matches, fingerprint


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_small_file_hashes_whole_file(tmp_path: Path) -> None:
    data = b"tiny video" * 10
    fp = fingerprint(_write(tmp_path / "a.mp4", data))
    digest = hashlib.sha256(data).hexdigest()
    assert fp == Fingerprint(len(data), digest, digest)
    assert Fingerprint.from_text(fp.as_text()) == fp


def test_large_file_hashes_head_and_tail(tmp_path: Path) -> None:
    data = os.urandom(3 * CHUNK + 123)
    fp = fingerprint(_write(tmp_path / "big.mp4", data))
    assert fp.size == len(data)
    assert fp.head_sha256 == hashlib.sha256(data[:CHUNK]).hexdigest()
    assert fp.tail_sha256 == hashlib.sha256(data[-CHUNK:]).hexdigest()
    # a change in the middle is not seen (by design); a change at either end is
    middle = bytearray(data)
    middle[len(data) // 2] ^= 1
    assert fingerprint(_write(tmp_path / "m.mp4", bytes(middle))) == fp
    end = bytearray(data)
    end[-1] ^= 1
    assert fingerprint(_write(tmp_path / "e.mp4", bytes(end))) != fp


def test_video_fingerprint_is_stable(video_25: Path) -> None:
    assert fingerprint(video_25) == fingerprint(str(video_25))


def test_missing(tmp_path: Path) -> None:
    with pytest.raises(errors.MediaMissingError, match=r"nope\.mp4"):
        fingerprint(tmp_path / "nope.mp4")


def test_find_matches(tmp_path: Path) -> None:
    data = os.urandom(CHUNK + 5000)
    target = fingerprint(_write(tmp_path / "orig" / "family.mp4", data))
    library = tmp_path / "library"
    _write(library / "2024" / "renamed.mp4", data)
    _write(library / "2025" / "family.mp4", data)
    _write(library / "2025" / "other_same_size.mp4", os.urandom(len(data)))
    _write(library / "short.mp4", data[:-1])
    _write(library / "notes.txt", b"hello")
    found = find_matches(target, library, name_hint="FAMILY.mp4")
    assert found == [library / "2025" / "family.mp4", library / "2024" / "renamed.mp4"]
    assert find_matches(target, library) == [library / "2024" / "renamed.mp4",
                                             library / "2025" / "family.mp4"]
    assert find_matches(target, tmp_path / "does-not-exist") == []
    assert find_matches(target, library, cancelled=lambda: True) == []
